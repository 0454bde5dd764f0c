/* SPDX-License-Identifier: MIT */
/*
 * rnrd's counters for `rnrctl stats`: per provider (lookups, results,
 * errors, a latency histogram) and for the daemon as a whole.  Counting
 * is a few additions on the loop thread; nothing here allocates.
 *
 * Latency is measured by the daemon from the provider's lookup_begin to
 * its finish(), in microseconds, into a log-linear histogram: exact below
 * 16 us, then 8 buckets per power of two, so a percentile is off by at
 * most 12.5 %, whatever the range (HdrHistogram's idea, at 3 bits).
 */
#ifndef RNRD_STATS_H
#define RNRD_STATS_H

#include <stdint.h>

#define RNRD_LAT_SUB_BITS 3u
#define RNRD_LAT_BUCKETS  (16u + (64u - 4u) * 8u)

struct rnrd_pstats {
    uint64_t lookups;      /* lookup_begin calls */
    uint64_t results;      /* results delivered (after the client's filters) */
    uint64_t errors;       /* ended with a failure other than "not found" */
    uint64_t cancelled;    /* ended by the client before finish() */
    uint64_t samples;      /* latencies recorded */
    uint64_t max_us;
    uint64_t hist[RNRD_LAT_BUCKETS];
};

struct rnrd_dstats {
    uint64_t start_ms;         /* monotonic, at startup */
    uint64_t reset_ms;         /* monotonic, when counting (re)started */
    uint64_t clients_total;    /* connections accepted */
    uint64_t clients_dropped;  /* for a protocol error or overload */
    uint64_t clients_refused;  /* max-clients, its reserve or max-clients-per-uid */
    uint64_t clients_timed_out; /* idle, or a frame left unfinished */
    uint64_t nobufs;           /* requests and lookups refused for a memory or output cap */
    uint64_t frames_in;        /* requests */
    uint64_t frames_out;       /* replies and pushed frames */
    uint64_t lookups_total;
    uint64_t lookups_paused;   /* providers paused for a client that did not read */
    uint64_t reloads;
    uint64_t reload_errors;
    uint64_t answers_stored;   /* lookups put in the answer cache */
    uint64_t answer_hits;      /* answered from it, as clients report (CACHE_REPORT) */
    uint64_t answer_misses;    /* looked for in it and not found, as clients report */
    uint64_t subscriptions;    /* open now (subscribe.c) */
    uint64_t changes_sent;     /* CHANGE frames queued */
    uint64_t changes_dropped;  /* for a subscriber that did not read */
};

/* 1 when a provider's status counts as an error: anything but success
 * and the "nothing found" answers. */
int rnrd_status_is_error(int status);

/* Monotonic clock, microseconds. */
uint64_t rnrd_stats_now_us(void);

void rnrd_pstats_record(struct rnrd_pstats *s, uint64_t us);
/* The latency at or below which pct % of the samples lie (an upper bound
 * of their bucket, never above the largest sample); 0 without samples. */
uint64_t rnrd_pstats_percentile(const struct rnrd_pstats *s, unsigned pct);
/* Bucket arithmetic, exposed for the unit test. */
unsigned rnrd_lat_bucket(uint64_t us);
uint64_t rnrd_lat_bucket_high(unsigned b);

#endif
