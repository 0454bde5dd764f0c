/* SPDX-License-Identifier: MIT */
/*
 * Small containers used across rnrd: a byte queue for socket I/O and
 * queued result frames, and a set of live pointers so provider calls on a
 * lookup handle can be checked before the handle is touched.
 */
#ifndef RNRD_UTIL_H
#define RNRD_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Capacity an emptied buffer keeps (so a busy client does not allocate
 * for every request, and an idle one holds little). */
#define RNRD_BUF_KEEP 16384u

/* Bytes [off, len) are pending; space after len is free. */
struct rnrd_buf {
    uint8_t *data;
    size_t   off;
    size_t   len;
    size_t   cap;
};

static inline size_t rnrd_buf_pending(const struct rnrd_buf *b)
{
    return b->len - b->off;
}

static inline const uint8_t *rnrd_buf_head(const struct rnrd_buf *b)
{
    return b->data + b->off;
}

/* Room for at least n more bytes after len; 0 or -1 (ENOMEM). */
int  rnrd_buf_reserve(struct rnrd_buf *b, size_t n);
int  rnrd_buf_append(struct rnrd_buf *b, const void *p, size_t n);
/* Drop n pending bytes from the head; once empty, storage above
 * RNRD_BUF_KEEP is released. */
void rnrd_buf_consume(struct rnrd_buf *b, size_t n);
void rnrd_buf_free(struct rnrd_buf *b);

/* Open-addressing pointer set. */
struct rnrd_ptrset {
    void  **slots;
    size_t  cap;     /* power of two or 0 */
    size_t  count;
    size_t  used;    /* count + tombstones */
};

int  rnrd_ptrset_add(struct rnrd_ptrset *s, const void *p);   /* 0 or -1 */
void rnrd_ptrset_del(struct rnrd_ptrset *s, const void *p);
int  rnrd_ptrset_has(const struct rnrd_ptrset *s, const void *p);
void rnrd_ptrset_free(struct rnrd_ptrset *s);

/* Little-endian u32 as in the wire header. */
static inline uint32_t rnrd_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

#endif
