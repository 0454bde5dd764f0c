/* SPDX-License-Identifier: MIT */
/*
 * A layout cursor for flattening a structure and everything it points to
 * into one buffer, each piece at the next RNR_ALIGN offset.
 *
 * The same routine runs twice: once with base == NULL to measure, once
 * with the buffer to fill.  Because both passes take the same steps, the
 * size reported to a caller can never disagree with the bytes written.
 * Arithmetic overflow sticks in `overflow`; later steps do nothing.
 */
#ifndef RNR_LAYOUT_H
#define RNR_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

struct rnr_layout {
    uint8_t *base;      /* NULL: measure only */
    size_t   off;
    int      overflow;
};

/* Reserve n bytes at the next aligned offset; returns where they go in
 * fill mode, NULL in measure mode or on overflow. */
void *rnr_layout_take(struct rnr_layout *l, size_t n);
/* count * size bytes, the multiplication checked. */
void *rnr_layout_take_n(struct rnr_layout *l, size_t count, size_t size);
/* Reserve n bytes and, in fill mode, copy src there. */
void *rnr_layout_copy(struct rnr_layout *l, const void *src, size_t n);
/* A copy of s with its NUL; NULL stays NULL. */
char *rnr_layout_str(struct rnr_layout *l, const char *s);
/* Bytes laid out so far, or SIZE_MAX after an overflow: an impossible
 * size that no buffer can ever be big enough for. */
size_t rnr_layout_size(const struct rnr_layout *l);

#endif
