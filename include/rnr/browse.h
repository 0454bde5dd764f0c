/* SPDX-License-Identifier: MIT */
/*
 * rnr - Winsock 2 Registration and Name Resolution for Linux.
 *
 * <rnr/browse.h>: watch a name space change, an rnr extension (no
 * Winsock counterpart; WSANSPIoctl(SIO_NSP_NOTIFY_CHANGE) in
 * <rnr/ws2nspioctl.h> is the Winsock way, built on this).
 *
 * A browse is a subscription held by rnrd on a connection of its own,
 * whose descriptor the application polls: rnrd pushes each addition and
 * removal that matches the query set, as it happens, for every provider
 * the query reaches that can report changes (sap, directory; see
 * rnr_browse_silent for the others).  Nothing from before the browse is
 * delivered: list first (WSALookupServiceBegin/Next) after
 * rnr_browse_open, as `rnrctl browse` does; a change that happens while
 * listing may then be seen twice, which is harmless (an add replaces).
 *
 * A subscriber that does not keep up loses changes rather than making
 * rnrd hold them: it then gets RNR_BROWSE_OVERFLOW, meaning "list again".
 *
 * Needs no WSAStartup; thread-compatible (one thread per browse at a
 * time).  Every function returns 0 or a WSA error code.
 */
#ifndef RNR_BROWSE_H
#define RNR_BROWSE_H

#include <rnr/winsock2.h>

#ifdef __cplusplus
extern "C" {
#endif

struct rnr_browse;

/* Kinds of change. */
#define RNR_BROWSE_ADD      1  /* appeared, or changed: its new state */
#define RNR_BROWSE_REMOVE   2  /* gone: its last state */
#define RNR_BROWSE_OVERFLOW 3  /* changes were dropped: list again */

/* Subscribe to the entries `qs` (as for WSALookupServiceBegin: class
 * required, name with '*' and '?', context, name space, provider,
 * protocols) would find with `flags` (LUP_DEEP, LUP_RETURN_*; not
 * LUP_CONTAINERS).  On success *out is the browse, freed by
 * rnr_browse_close.  WSAEOPNOTSUPP: none of the providers the query
 * reaches can report changes; WSAEMFILE: too many subscriptions;
 * WSASYSNOTREADY: no (trusted) rnrd. */
int  rnr_browse_open(const WSAQUERYSETA *qs, DWORD flags, struct rnr_browse **out);
/* The descriptor to poll for POLLIN; owned by the browse. */
int  rnr_browse_fd(const struct rnr_browse *b);
/* The providers the query reached that cannot report changes (hosts,
 * local, dns): their ids, owned by the browse, valid until it closes.
 * Returns how many. */
size_t rnr_browse_silent(const struct rnr_browse *b, const GUID **ids);
/* The next change, waiting up to timeout_ms (-1: for ever, 0: not at
 * all).  0: *kind is RNR_BROWSE_*, *entry (NULL for OVERFLOW) is the
 * entry, flat, freed by rnr_browse_entry_free.  WSAEWOULDBLOCK: none in
 * time; WSAEINTR: a signal came; WSASYSNOTREADY: rnrd went away (the
 * browse is over, close it). */
int  rnr_browse_next(struct rnr_browse *b, int timeout_ms, int *kind, WSAQUERYSETA **entry);
void rnr_browse_entry_free(WSAQUERYSETA *entry);    /* accepts NULL */
/* Ends the subscription and frees the browse; accepts NULL. */
void rnr_browse_close(struct rnr_browse *b);

#ifdef __cplusplus
}
#endif

#endif /* RNR_BROWSE_H */
