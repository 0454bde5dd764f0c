/* SPDX-License-Identifier: MIT */
/*
 * A static multimap from keys to chains of 32-bit node ids, the building
 * block of hostsdb's indexes.  Keys are not stored: a key is represented
 * by the first node that carries it, and the caller's callbacks hash and
 * compare nodes.  Open addressing (linear probing) over distinct keys;
 * nodes with equal keys are chained in insertion order, so a key shared
 * by 100,000 nodes costs one slot and lookups stay O(1).
 *
 * Built once over nodes 0..n-1, read-only afterwards.
 */
#ifndef RNR_HDB_INDEX_H
#define RNR_HDB_INDEX_H

#include <stddef.h>
#include <stdint.h>

#define HDB_NONE UINT32_MAX

struct hdb_index {
    uint32_t *slots;   /* key id + 1, 0 = empty; mask + 1 entries */
    uint32_t  mask;
    uint32_t *head;    /* per key: its first node */
    uint32_t *next;    /* per node: the next node with the same key */
    uint32_t  nkeys;
    uint32_t  nnodes;
};

/* Hash of node's key; is node a's key equal to node b's? */
typedef uint32_t (*hdb_node_hash_fn)(const void *ctx, uint32_t node);
typedef int      (*hdb_node_same_fn)(const void *ctx, uint32_t a, uint32_t b);
/* Does node carry the looked-up key? */
typedef int      (*hdb_node_match_fn)(const void *ctx, uint32_t node,
                                      const void *key);

/* Indexes nodes 0..nnodes-1 (nnodes < HDB_NONE).  Returns 0 or WSAENOBUFS
 * (ix untouched then). */
int  hdb_index_build(struct hdb_index *ix, uint32_t nnodes,
                     hdb_node_hash_fn hash, hdb_node_same_fn same,
                     const void *ctx);
void hdb_index_free(struct hdb_index *ix);

/* The first node whose key matches, or HDB_NONE.  `hash` must be computed
 * like the build's hash function. */
uint32_t hdb_index_find(const struct hdb_index *ix, uint32_t hash,
                        hdb_node_match_fn match, const void *ctx,
                        const void *key);

static inline uint32_t hdb_index_next(const struct hdb_index *ix, uint32_t node)
{
    return ix->next[node];
}

size_t hdb_index_memory(const struct hdb_index *ix);

/* Hashing helpers shared by every index. */
uint32_t hdb_hash_bytes(const void *p, size_t n, uint32_t seed);
uint32_t hdb_hash_fold(const char *s);          /* ASCII case-folded */
int      hdb_casecmp(const char *a, const char *b);  /* ASCII, locale-free */

#endif
