/* SPDX-License-Identifier: MIT */
/*
 * Dialling rnrd: the one way librnr and rnrctl reach the daemon.
 *
 * Contract: the socket is the RNR_SOCKET path or the default
 * (nsp/paths.h), and only a daemon this user may trust (nsp/peer.h) is
 * dialled: another is WSASYSNOTREADY, as a missing one.  The fd returned
 * is connected, non-blocking and close-on-exec; the caller owns it.
 * Compiled into librnr and into rnrctl (which reaches it nowhere else:
 * librnr exports only the Winsock API).
 */
#ifndef RNR_CLIENT_DIAL_H
#define RNR_CLIENT_DIAL_H

#include <stddef.h>

/* A new socket to rnrd in *fd, for a caller that runs its own connection
 * (the asynchronous engine).  0, WSASYSNOTREADY (no daemon), WSAEMFILE,
 * WSAENOBUFS. */
int rnr_conn_dial(int *fd);
/* The same, also giving the socket path (plen bytes at path; NULL for
 * none). */
int rnr_conn_dial_daemon(int *fd, char *path, size_t plen);
/* The same, also saying in why (wlen bytes, NUL-terminated; NULL for
 * none) why a daemon that is there was refused: empty when it was not. */
int rnr_conn_dial_why(int *fd, char *path, size_t plen, char *why, size_t wlen);

#endif
