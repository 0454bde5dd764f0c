/* SPDX-License-Identifier: MIT */
/*
 * The id maps of a connection (client/conn_*.c): pending requests by
 * request id, lookups by the daemon's handle.
 *
 * Contract: an intrusive chained hash of rnr_idnode, keyed by a u32 id;
 * the caller owns the nodes (they live in rnr_call and rnr_lookup) and
 * serialises access (the connection lock).  A node is in at most one map
 * at a time; ids in a map are unique as long as the caller checks with
 * rnr_idmap_find before inserting an id it does not choose.  Only insert
 * allocates, and only insert can fail (WSA_NOT_ENOUGH_MEMORY, the map
 * unchanged).  A zeroed map is empty and valid.
 */
#ifndef RNR_CLIENT_IDMAP_H
#define RNR_CLIENT_IDMAP_H

#include <stddef.h>
#include <stdint.h>

/* A node of the connection's id maps (requests by id, lookups by daemon
 * handle). */
struct rnr_idnode {
    struct rnr_idnode *next;
    uint32_t           id;
};

/* Intrusive chained hash: id -> rnr_idnode.  Power-of-two buckets, grown at
 * load factor 1; ids are sequential (requests) or daemon-chosen handles. */
struct rnr_idmap {
    struct rnr_idnode **b;
    size_t              nb;
    size_t              n;
};

struct rnr_idnode *rnr_idmap_find(const struct rnr_idmap *m, uint32_t id);
int  rnr_idmap_insert(struct rnr_idmap *m, struct rnr_idnode *nd);
/* A node not in the map is ignored. */
void rnr_idmap_remove(struct rnr_idmap *m, struct rnr_idnode *nd);
/* Remove and return any node; NULL when empty. */
struct rnr_idnode *rnr_idmap_pop(struct rnr_idmap *m);
/* Forget every node (not freed: they are the caller's). */
void rnr_idmap_free(struct rnr_idmap *m);

#endif
