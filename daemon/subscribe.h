/* SPDX-License-Identifier: MIT */
/*
 * Subscriptions (subscribe.c): SUBSCRIBE requests, their end, and the
 * host->changed entry point that pushes CHANGE frames to them.
 */
#ifndef RNRD_SUBSCRIBE_H
#define RNRD_SUBSCRIBE_H

#include "rnrd.h"

/* Per connection: a browser needs one or a few; an admin's tools more. */
#define RNRD_MAX_SUBS_PER_CLIENT 16u
#define RNRD_MAX_SUBS_ADMIN      256u

/* SUBSCRIBE; -1 drops the client (malformed). */
int  rnrd_sub_request(struct rnrd_client *c, uint32_t id, struct rnr_rbuf *r);
/* LOOKUP_END naming a subscription: 0, or WSA_INVALID_HANDLE when the
 * client has none by that handle. */
int  rnrd_sub_end(struct rnrd_client *c, uint32_t handle);
int  rnrd_sub_handle_used(const struct rnrd_client *c, uint32_t handle);
/* The client reads again: owed OVERFLOW notices go out. */
void rnrd_subs_pump(struct rnrd_client *c);
/* The client is going away: its subscriptions go, their memory released. */
void rnrd_subs_client_gone(struct rnrd_client *c);
/* host->changed (nsp.h). */
void rnrd_subs_changed(struct rnr_nsp_provider *p, const WSAQUERYSETA *entry, int kind,
                       uid_t owner, unsigned flags);

#endif
