/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <string.h>

#include "alloc.h"
#include "util.h"

int rnrd_buf_reserve(struct rnrd_buf *b, size_t n)
{
    size_t cap;
    uint8_t *p;

    if (b->cap - b->len >= n)
        return 0;
    /* Reclaim consumed space before growing. */
    if (b->off > 0) {
        memmove(b->data, b->data + b->off, b->len - b->off);
        b->len -= b->off;
        b->off = 0;
        if (b->cap - b->len >= n)
            return 0;
    }
    if (n > SIZE_MAX / 2 - b->len)
        return -1;
    cap = b->cap ? b->cap : 4096;
    while (cap - b->len < n)
        cap *= 2;
    p = rnr_realloc(b->data, cap);
    if (p == NULL)
        return -1;
    b->data = p;
    b->cap = cap;
    return 0;
}

int rnrd_buf_append(struct rnrd_buf *b, const void *p, size_t n)
{
    if (n == 0)
        return 0;
    if (rnrd_buf_reserve(b, n) != 0)
        return -1;
    memcpy(b->data + b->len, p, n);
    b->len += n;
    return 0;
}

void rnrd_buf_consume(struct rnrd_buf *b, size_t n)
{
    if (n >= b->len - b->off) {
        /* Keep a small buffer for the next request; give big ones back. */
        if (b->cap > RNRD_BUF_KEEP)
            rnrd_buf_free(b);
        b->off = b->len = 0;
        return;
    }
    b->off += n;
}

void rnrd_buf_free(struct rnrd_buf *b)
{
    rnr_free(b->data);
    memset(b, 0, sizeof *b);
}

/* ------------------------------------------------------------ ptrset */

static char ptrset_tomb;
#define TOMB ((void *)&ptrset_tomb)

static size_t ptr_hash(const void *p, size_t mask)
{
    uint64_t x = (uint64_t)(uintptr_t)p;

    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return (size_t)x & mask;
}

static int ptrset_grow(struct rnrd_ptrset *s)
{
    struct rnrd_ptrset n = { 0 };
    size_t i;

    n.cap = s->cap ? s->cap * 2 : 64;
    if (s->count * 4 < s->cap)
        n.cap = s->cap;   /* mostly tombstones: rehash in place size */
    n.slots = rnr_calloc(n.cap, sizeof *n.slots);
    if (n.slots == NULL)
        return -1;
    for (i = 0; i < s->cap; i++) {
        void *p = s->slots[i];
        size_t j;

        if (p == NULL || p == TOMB)
            continue;
        for (j = ptr_hash(p, n.cap - 1); n.slots[j] != NULL; j = (j + 1) & (n.cap - 1))
            ;
        n.slots[j] = p;
        n.count++;
    }
    n.used = n.count;
    rnr_free(s->slots);
    *s = n;
    return 0;
}

static long ptrset_find(const struct rnrd_ptrset *s, const void *p)
{
    size_t j;

    if (s->cap == 0 || p == NULL)
        return -1;
    for (j = ptr_hash(p, s->cap - 1); s->slots[j] != NULL; j = (j + 1) & (s->cap - 1))
        if (s->slots[j] == p)
            return (long)j;
    return -1;
}

int rnrd_ptrset_add(struct rnrd_ptrset *s, const void *p)
{
    size_t j;

    if (ptrset_find(s, p) >= 0)
        return 0;
    if ((s->used + 1) * 4 >= s->cap * 3 && ptrset_grow(s) != 0)
        return -1;
    for (j = ptr_hash(p, s->cap - 1); s->slots[j] != NULL && s->slots[j] != TOMB;
         j = (j + 1) & (s->cap - 1))
        ;
    if (s->slots[j] == NULL)
        s->used++;
    s->slots[j] = (void *)(uintptr_t)p;
    s->count++;
    return 0;
}

void rnrd_ptrset_del(struct rnrd_ptrset *s, const void *p)
{
    long j = ptrset_find(s, p);

    if (j < 0)
        return;
    s->slots[j] = TOMB;
    s->count--;
}

int rnrd_ptrset_has(const struct rnrd_ptrset *s, const void *p)
{
    return ptrset_find(s, p) >= 0;
}

void rnrd_ptrset_free(struct rnrd_ptrset *s)
{
    rnr_free(s->slots);
    memset(s, 0, sizeof *s);
}
