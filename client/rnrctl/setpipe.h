/* SPDX-License-Identifier: MIT */
/*
 * Many WSASetService requests in flight on one connection of rnrctl's own
 * (directory import): SET_SERVICE frames sent up to a window ahead of
 * their replies, which come back matched by id (doc/protocol.md: one
 * connection carries any number of requests at once).  rnrd handles each
 * exactly as the frame librnr's WSASetService sends, under the same
 * caller checks.  What librnr cannot do is let one thread keep hundreds
 * in flight: each call waits for its reply, and a directory registration
 * is acknowledged only after its fdatasync, so one at a time means one
 * sync per entry, and threads enough to fill a sync cost more in
 * rnrctl than the registrations themselves.
 */
#ifndef RNRCTL_SETPIPE_H
#define RNRCTL_SETPIPE_H

#include <stddef.h>
#include <rnr/winsock2.h>

/* Request i: 0 with *qs and *op set, 1 to skip i, or an error status
 * (reported to done as i's outcome). */
typedef int (*rnrctl_setpipe_get)(void *arg, size_t i, const WSAQUERYSETA **qs,
                                  WSAESETSERVICEOP *op);
/* Request i's outcome: 0, or rnrd's status.  Nonzero stops sending new
 * requests; those in flight still get their outcome. */
typedef int (*rnrctl_setpipe_done)(void *arg, size_t i, int status);

/* Requests 0 .. n-1, at most `window` without a reply at any time.  0;
 * or, when the connection failed (rnrd went away, a reply that makes no
 * sense), that status, after done was called with it for each request
 * still in flight: whether rnrd applied those is not known. */
int rnrctl_setpipe_run(size_t n, size_t window, rnrctl_setpipe_get get,
                       rnrctl_setpipe_done done, void *arg);

#endif
