/* SPDX-License-Identifier: MIT */
/*
 * The dns provider's answer cache: (name, type) -> answer, each entry
 * living for its TTL (clamped), negative answers for their SOA's
 * (RFC 2308) or a default, server failures briefly; at most `size`
 * entries, the least recently used one evicted first.  Time is passed in
 * (monotonic milliseconds) so that tests need no clock.
 */
#ifndef RNR_DNS_CACHE_H
#define RNR_DNS_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "dns_msg.h"

struct dns_cache_conf {
    size_t   size;           /* entries; 0 disables the cache */
    uint32_t min_ttl;        /* seconds */
    uint32_t max_ttl;
    uint32_t negative_ttl;   /* negative answer without an SOA */
    uint32_t servfail_ttl;   /* SERVFAIL, REFUSED, ... (not timeouts) */
};

#define DNS_CACHE_DEFAULT_SIZE      10000u
#define DNS_CACHE_DEFAULT_MIN_TTL   0u
#define DNS_CACHE_DEFAULT_MAX_TTL   86400u
#define DNS_CACHE_DEFAULT_NEG_TTL   60u
#define DNS_CACHE_DEFAULT_FAIL_TTL  5u
#define DNS_CACHE_MAX_SIZE          (1u << 22)

struct dns_cache_stats {
    uint64_t hits, misses, evictions, expired, inserts, flushed;
    size_t   entries;
};

struct dns_cache;

/* NULL when memory ran out. */
struct dns_cache *dns_cache_new(const struct dns_cache_conf *conf);
void dns_cache_free(struct dns_cache *c);   /* accepts NULL */
/* New limits (a reload): entries beyond the new size are evicted. */
int  dns_cache_set_conf(struct dns_cache *c, const struct dns_cache_conf *conf);

/* How long answer a may be kept, in seconds (0: not at all). */
uint32_t dns_cache_ttl(const struct dns_cache_conf *conf,
                       const struct dns_answer *a);

/* The live answer for (name, qtype), with a new reference, or NULL. */
struct dns_answer *dns_cache_get(struct dns_cache *c, const char *name,
                                 int qtype, uint64_t now_ms);
/* Stores a (taking a reference of its own), replacing any older entry;
 * an answer with no TTL removes the older entry only. */
/* When the entry for (name, qtype) expires (monotonic ms), 0 when there
 * is none; no statistics, no recency change.  Accepts NULL. */
uint64_t dns_cache_expires(struct dns_cache *c, const char *name, int qtype);
void dns_cache_put(struct dns_cache *c, const char *name, int qtype,
                   struct dns_answer *a, uint64_t now_ms);
/* Drops every entry of `name` (every type), or everything for NULL;
 * returns how many. */
size_t dns_cache_flush(struct dns_cache *c, const char *name);

void dns_cache_get_stats(const struct dns_cache *c, struct dns_cache_stats *out);
/* The counters back to zero (rnrctl stats --reset); entries stay. */
void dns_cache_reset_stats(struct dns_cache *c);

#endif
