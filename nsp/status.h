/* SPDX-License-Identifier: MIT */
/*
 * Status values.  rnr has one status type: an int that is 0 for success or
 * a WSA error code from <rnr/winsock2.h>.  Internal functions return it;
 * their output parameters are written only on success.
 */
#ifndef RNR_STATUS_H
#define RNR_STATUS_H

/* Name of a WSA code ("WSAEFAULT"), or NULL when unknown. */
const char *rnr_status_name(int status);
/* One-line description; never NULL. */
const char *rnr_status_text(int status);

/* Which of two lookup failures tells the caller more, for a lookup that
 * produced no result at all:
 *   WSANO_DATA > WSATRY_AGAIN > WSANO_RECOVERY > WSAHOST_NOT_FOUND >
 *   WSASERVICE_NOT_FOUND > anything else > 0
 * Returns the winner. */
int rnr_status_merge(int a, int b);

/* The status for an errno from opening a connection to rnrd: out of
 * descriptors WSAEMFILE, out of memory WSAENOBUFS, anything else (no
 * daemon, refused) WSASYSNOTREADY. */
int rnr_status_from_dial_errno(int e);

#endif
