/* SPDX-License-Identifier: MIT */
/*
 * A token bucket: `rate` tokens a second, at most `rate` held (the
 * burst), for the replies and queries a provider sends to the network.
 * Inline, so a provider module needs nothing linked for it.
 */
#ifndef RNR_BUCKET_H
#define RNR_BUCKET_H

#include <stdint.h>

struct rnr_bucket {
    double   tokens;
    uint64_t ms;        /* when it was last filled, monotonic */
};

/* 0 and one token taken at `now` (ms), or -1 when the bucket is empty. */
static inline int rnr_bucket_take(struct rnr_bucket *b, uint64_t now, unsigned rate)
{
    if (now > b->ms)
        b->tokens += (double)(now - b->ms) * rate / 1000.0;
    if (b->tokens > rate)
        b->tokens = rate;
    b->ms = now;
    if (b->tokens < 1.0)
        return -1;
    b->tokens -= 1.0;
    return 0;
}

#endif
