/* SPDX-License-Identifier: MIT */
/*
 * rnrctl's own connection for the operations requests (STATUS, STATS,
 * CONTROL, RELOAD), which are rnrd administration rather than Winsock API
 * and so are not part of librnr: one blocking AF_UNIX connection to the
 * same socket librnr would use, one request, one reply.  register and
 * publish use it too, for what librnr's WSASetService does not return:
 * each provider's part (doc/protocol.md, SET_SERVICE).
 */
#ifndef RNRCTL_OPSCONN_H
#define RNRCTL_OPSCONN_H

#include <stddef.h>
#include <stdint.h>

#include "wire.h"

/* Starts a request frame of `type` in w (initialised by the caller);
 * the caller appends the body with rnr_wire_put_*. */
void rnrctl_ops_begin(struct rnr_wbuf *w, uint16_t type);

/* Sends the request in w and waits for its reply.  0 with the reply body
 * in *body (rnr_free; NULL when empty) and its length in *len; the reply's
 * status when it is not 0; WSASYSNOTREADY when rnrd cannot be reached or
 * hung up (an rnrd too old for the request does that). */
int  rnrctl_ops_call(struct rnr_wbuf *w, uint16_t type, uint8_t **body, size_t *len);

/* A connection to the daemon librnr would use, only if this user may
 * trust it (nsp/peer.h).  0 with *fd, or WSASYSNOTREADY / WSAENOBUFS. */
int  rnrctl_ops_dial(int *fd);

/* All n bytes onto fd (MSG_NOSIGNAL): 0 or WSASYSNOTREADY. */
int  rnrctl_ops_send(int fd, const uint8_t *p, size_t n);
/* Waits up to timeout_ms for fd, then one recv of at most cap bytes:
 * 0 with *got > 0, or WSASYSNOTREADY (timeout, hang-up, error). */
int  rnrctl_ops_recv(int fd, uint8_t *p, size_t cap, size_t *got, int timeout_ms);

/* rnrctl_ops_call on a connection the caller keeps: SET_SERVICE from rnrctl
 * register and publish, whose registrations in a dynamic name space last
 * as long as the connection (opened with rnrctl_ops_dial): 0 when a
 * reply came, with its status in *status and its body (whatever the
 * status) in *body / *len; else the connection's failure. */
int  rnrctl_ops_exchange(int fd, struct rnr_wbuf *w, uint16_t type, int *status,
                         uint8_t **body, size_t *len);

/* After WSASYSNOTREADY: says on stderr why the daemon at the socket is
 * not trusted (nsp/peer.h), when that is the reason. */
void rnrctl_ops_explain(void);

#endif
