/* SPDX-License-Identifier: MIT */
/*
 * Lookups (WSALookupServiceBegin / Next / End) as internal calls, used by
 * the public functions in lookup.c and by classes.c (the services-database
 * fallback of WSAGetServiceClassNameByServiceClassId).  They return a
 * status and never touch the thread's last error.
 */
#ifndef RNR_CLIENT_LOOKUP_H
#define RNR_CLIENT_LOOKUP_H

#include <rnr/winsock2.h>

struct rnr_lookup;

/* Send LOOKUP_BEGIN and wait for the daemon's answer.  qs must have been
 * validated.  On success *out holds the caller's reference (release with
 * rnr_lookup_end). */
int  rnr_lookup_begin(const WSAQUERYSETA *qs, DWORD flags, struct rnr_lookup **out);

/* The next result flattened into buf (WSALookupServiceNext semantics:
 * WSAEFAULT with *lenp = the record's size when buf is NULL or short, the
 * record staying first; LUP_FLUSHPREVIOUS drops such a record; then the
 * DONE status once and WSA_E_NO_MORE; WSA_E_CANCELLED once ended;
 * WSASYSNOTREADY when the connection died first).  lenp is non-NULL. */
int  rnr_lookup_next(struct rnr_lookup *lk, DWORD flags, DWORD *lenp, WSAQUERYSETA *buf);

/* Cancel (waking blocked Next calls), send LOOKUP_END without waiting and
 * release the caller's reference.  Accepts NULL. */
void rnr_lookup_end(struct rnr_lookup *lk);

void rnr_lookup_ref(struct rnr_lookup *lk);
void rnr_lookup_unref(struct rnr_lookup *lk);   /* accepts NULL */

/* The lookup a handle names, with a reference (rnr_lookup_unref), or NULL. */
struct rnr_lookup *rnr_lookup_from_handle(HANDLE h);

/* nspioctl.c: WSALookupServiceNext through a pending or past
 * SIO_NSP_NOTIFY_CHANGE (the new state once the old is exhausted), and
 * the end of a handle (cancels a pending notification; idempotent). */
int  rnr_nspioctl_next(struct rnr_lookup *lk, DWORD flags, DWORD *lenp, WSAQUERYSETA *buf);
void rnr_nspioctl_end(struct rnr_lookup *lk);

/* Final WSACleanup: invalidate every handle and cancel its lookup. */
void rnr_lookup_cancel_all(void);

/* Hold / release the handle table across fork() (startup.c). */
void rnr_lookup_atfork_prepare(void);
void rnr_lookup_atfork_release(void);

#endif
