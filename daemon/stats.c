/* SPDX-License-Identifier: MIT */
/*
 * Counters and the latency histogram (stats.h).
 */
#include "config.h"

#include <time.h>

#include <rnr/winsock2.h>

#include "stats.h"

int rnrd_status_is_error(int status)
{
    switch (status) {
    case 0:
    case WSAHOST_NOT_FOUND:
    case WSASERVICE_NOT_FOUND:
    case WSANO_DATA:
    case WSA_E_NO_MORE:
    case WSATYPE_NOT_FOUND:
        return 0;
    default:
        return 1;
    }
}

uint64_t rnrd_stats_now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

unsigned rnrd_lat_bucket(uint64_t us)
{
    unsigned e, sub;

    if (us < 16)
        return (unsigned)us;
    e = 63u - (unsigned)__builtin_clzll(us);                 /* 4..63 */
    sub = (unsigned)(us >> (e - RNRD_LAT_SUB_BITS)) & 7u;
    return 16u + (e - 4u) * 8u + sub;
}

uint64_t rnrd_lat_bucket_high(unsigned b)
{
    unsigned e, sub;
    uint64_t low, width;

    if (b < 16)
        return b;
    if (b >= RNRD_LAT_BUCKETS)
        return UINT64_MAX;
    e = (b - 16u) / 8u + 4u;
    sub = (b - 16u) % 8u;
    width = (uint64_t)1 << (e - RNRD_LAT_SUB_BITS);
    low = (uint64_t)(8u + sub) * width;
    return low + (width - 1);
}

void rnrd_pstats_record(struct rnrd_pstats *s, uint64_t us)
{
    s->hist[rnrd_lat_bucket(us)]++;
    s->samples++;
    if (us > s->max_us)
        s->max_us = us;
}

uint64_t rnrd_pstats_percentile(const struct rnrd_pstats *s, unsigned pct)
{
    uint64_t rank, seen = 0, high;
    unsigned b;

    if (s->samples == 0)
        return 0;
    if (pct > 100)
        pct = 100;
    /* The smallest value with at least pct % of the samples at or below
     * it: rank = ceil(samples * pct / 100), at least 1. */
    rank = (s->samples * pct + 99) / 100;
    if (rank == 0)
        rank = 1;
    for (b = 0; b < RNRD_LAT_BUCKETS; b++) {
        seen += s->hist[b];
        if (seen >= rank) {
            high = rnrd_lat_bucket_high(b);
            return high < s->max_us ? high : s->max_us;
        }
    }
    return s->max_us;
}
