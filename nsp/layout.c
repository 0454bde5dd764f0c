/* SPDX-License-Identifier: MIT */
/*
 * Layout cursor (layout.h), shared by the query set and class info
 * flatteners so the alignment and overflow rules exist once.
 */
#include "config.h"

#include "layout.h"
#include "alloc.h"

#include <string.h>

void *rnr_layout_take(struct rnr_layout *l, size_t n)
{
    size_t start;

    if (l->overflow || l->off > SIZE_MAX - (RNR_ALIGN - 1)) {
        l->overflow = 1;
        return NULL;
    }
    start = RNR_ALIGN_UP(l->off);
    if (n > SIZE_MAX - start) {
        l->overflow = 1;
        return NULL;
    }
    l->off = start + n;
    return l->base ? l->base + start : NULL;
}

void *rnr_layout_take_n(struct rnr_layout *l, size_t count, size_t size)
{
    if (size != 0 && count > SIZE_MAX / size) {
        l->overflow = 1;
        return NULL;
    }
    return rnr_layout_take(l, count * size);
}

void *rnr_layout_copy(struct rnr_layout *l, const void *src, size_t n)
{
    void *d = rnr_layout_take(l, n);

    if (d != NULL && n != 0)
        memcpy(d, src, n);
    return d;
}

char *rnr_layout_str(struct rnr_layout *l, const char *s)
{
    if (s == NULL)
        return NULL;
    return rnr_layout_copy(l, s, strlen(s) + 1);
}

size_t rnr_layout_size(const struct rnr_layout *l)
{
    return l->overflow ? SIZE_MAX : l->off;
}
