/* SPDX-License-Identifier: MIT */
/*
 * Static multimap for hostsdb (see hdb_index.h).
 */
#include "hdb_index.h"
#include "alloc.h"

#include <string.h>

#include <rnr/winsock2.h>

/* FNV-1a, then murmur3's finaliser so the low bits (the slot) depend on
 * every input byte. */
static uint32_t fmix32(uint32_t h)
{
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}

uint32_t hdb_hash_bytes(const void *p, size_t n, uint32_t seed)
{
    const uint8_t *b = p;
    uint32_t h = 2166136261u ^ seed;
    size_t i;

    for (i = 0; i < n; i++) {
        h ^= b[i];
        h *= 16777619u;
    }
    return fmix32(h);
}

static unsigned char fold(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + ('a' - 'A')) : c;
}

uint32_t hdb_hash_fold(const char *s)
{
    uint32_t h = 2166136261u;

    for (; *s != '\0'; s++) {
        h ^= fold((unsigned char)*s);
        h *= 16777619u;
    }
    return fmix32(h);
}

int hdb_casecmp(const char *a, const char *b)
{
    const unsigned char *x = (const unsigned char *)a;
    const unsigned char *y = (const unsigned char *)b;

    while (*x != '\0' && fold(*x) == fold(*y)) {
        x++;
        y++;
    }
    return (int)fold(*x) - (int)fold(*y);
}

/* Slot count: a power of two with the load kept under 2/3 even when every
 * node is a distinct key. */
static uint32_t slot_count(uint32_t nnodes)
{
    uint64_t want = (uint64_t)nnodes + nnodes / 2 + 1;
    uint64_t n = 8;

    while (n < want)
        n <<= 1;
    return (uint32_t)n;
}

int hdb_index_build(struct hdb_index *ix, uint32_t nnodes,
                    hdb_node_hash_fn hash, hdb_node_same_fn same,
                    const void *ctx)
{
    uint32_t nslots = slot_count(nnodes), mask = nslots - 1, nkeys = 0, i;
    uint32_t *slots = NULL, *head = NULL, *next = NULL, *tail = NULL;
    int rc = WSAENOBUFS;

    slots = rnr_calloc(nslots, sizeof *slots);
    head = rnr_malloc((size_t)nnodes * sizeof *head);
    next = rnr_malloc((size_t)nnodes * sizeof *next);
    tail = rnr_malloc((size_t)nnodes * sizeof *tail);
    if (slots == NULL || head == NULL || next == NULL || tail == NULL)
        goto done;

    for (i = 0; i < nnodes; i++) {
        uint32_t s = hash(ctx, i) & mask;

        next[i] = HDB_NONE;
        for (;; s = (s + 1) & mask) {
            uint32_t k = slots[s];

            if (k == 0) {
                head[nkeys] = tail[nkeys] = i;
                slots[s] = ++nkeys;
                break;
            }
            if (same(ctx, head[k - 1], i)) {
                next[tail[k - 1]] = i;
                tail[k - 1] = i;
                break;
            }
        }
    }
    /* head was sized for the worst case (all keys distinct); give the
     * rest back, it is most of it for files full of repeated names. */
    if (nkeys > 0 && nkeys < nnodes) {
        uint32_t *h = rnr_realloc(head, (size_t)nkeys * sizeof *head);

        if (h != NULL)
            head = h;
    }

    ix->slots = slots;
    ix->mask = mask;
    ix->head = head;
    ix->next = next;
    ix->nkeys = nkeys;
    ix->nnodes = nnodes;
    slots = head = next = NULL;
    rc = 0;
done:
    rnr_free(slots);
    rnr_free(head);
    rnr_free(next);
    rnr_free(tail);
    return rc;
}

void hdb_index_free(struct hdb_index *ix)
{
    if (ix == NULL)
        return;
    rnr_free(ix->slots);
    rnr_free(ix->head);
    rnr_free(ix->next);
    memset(ix, 0, sizeof *ix);
}

uint32_t hdb_index_find(const struct hdb_index *ix, uint32_t hash,
                        hdb_node_match_fn match, const void *ctx,
                        const void *key)
{
    uint32_t s;

    if (ix->slots == NULL)
        return HDB_NONE;
    for (s = hash & ix->mask;; s = (s + 1) & ix->mask) {
        uint32_t k = ix->slots[s];

        if (k == 0)
            return HDB_NONE;
        if (match(ctx, ix->head[k - 1], key))
            return ix->head[k - 1];
    }
}

size_t hdb_index_memory(const struct hdb_index *ix)
{
    if (ix->slots == NULL)
        return 0;
    return ((size_t)ix->mask + 1 + ix->nkeys + ix->nnodes) * sizeof(uint32_t);
}
