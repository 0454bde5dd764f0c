/* SPDX-License-Identifier: MIT */
/*
 * The dns provider's answer cache (see dns_cache.h): a chained hash table
 * for finding, one doubly linked list in recency order for evicting.
 * Expired entries go when they are next looked at or reach the tail.
 */
#include "dns_cache.h"
#include "alloc.h"
#include "hash.h"

#include <string.h>

#define RNR_NO_WINSOCK_NAMES
#include <rnr/winsock2.h>

struct entry {
    char              *name;
    int                qtype;
    uint64_t           expires;   /* monotonic ms */
    struct dns_answer *answer;
    struct entry      *hnext;
    struct entry      *prev, *next;   /* recency: head is the newest */
};

struct dns_cache {
    struct dns_cache_conf conf;
    struct entry  **buckets;
    size_t          nbuckets;     /* a power of two */
    size_t          count;
    struct entry   *head, *tail;
    struct dns_cache_stats st;
    uint64_t        seed;         /* of the bucket hash, random per cache */
};

/* Names come from clients and answers from the network: seeded, so
 * nobody can choose names that pile into one chain. */
static uint64_t hash(const struct dns_cache *c, const char *name, int qtype)
{
    uint32_t qt = (uint32_t)qtype;

    return rnr_hash64(rnr_hash64(c->seed, &qt, sizeof qt), name, strlen(name));
}

static size_t buckets_for(size_t size)
{
    size_t n = 16;

    while (n < size && n < DNS_CACHE_MAX_SIZE)
        n <<= 1;
    return n;
}

static struct entry **slot(struct dns_cache *c, const char *name, int qtype)
{
    return &c->buckets[hash(c, name, qtype) & (c->nbuckets - 1)];
}

static void lru_unlink(struct dns_cache *c, struct entry *e)
{
    if (e->prev != NULL)
        e->prev->next = e->next;
    else
        c->head = e->next;
    if (e->next != NULL)
        e->next->prev = e->prev;
    else
        c->tail = e->prev;
    e->prev = e->next = NULL;
}

static void lru_push(struct dns_cache *c, struct entry *e)
{
    e->prev = NULL;
    e->next = c->head;
    if (c->head != NULL)
        c->head->prev = e;
    c->head = e;
    if (c->tail == NULL)
        c->tail = e;
}

static void entry_remove(struct dns_cache *c, struct entry *e)
{
    struct entry **pp = slot(c, e->name, e->qtype);

    while (*pp != e)
        pp = &(*pp)->hnext;
    *pp = e->hnext;
    lru_unlink(c, e);
    c->count--;
    dns_answer_unref(e->answer);
    rnr_free(e->name);
    rnr_free(e);
}

static struct entry *find(struct dns_cache *c, const char *name, int qtype)
{
    struct entry *e;

    for (e = *slot(c, name, qtype); e != NULL; e = e->hnext)
        if (e->qtype == qtype && strcmp(e->name, name) == 0)
            return e;
    return NULL;
}

static int rehash(struct dns_cache *c, size_t nbuckets)
{
    struct entry **nb = rnr_calloc(nbuckets, sizeof *nb), *e;

    if (nb == NULL)
        return WSAENOBUFS;
    rnr_free(c->buckets);
    c->buckets = nb;
    c->nbuckets = nbuckets;
    for (e = c->head; e != NULL; e = e->next) {
        struct entry **s = slot(c, e->name, e->qtype);

        e->hnext = *s;
        *s = e;
    }
    return 0;
}

struct dns_cache *dns_cache_new(const struct dns_cache_conf *conf)
{
    struct dns_cache *c = rnr_calloc(1, sizeof *c);

    if (c == NULL)
        return NULL;
    c->conf = *conf;
    c->seed = rnr_hash_seed();
    if (rehash(c, buckets_for(conf->size)) != 0) {
        rnr_free(c);
        return NULL;
    }
    return c;
}

void dns_cache_free(struct dns_cache *c)
{
    if (c == NULL)
        return;
    dns_cache_flush(c, NULL);
    rnr_free(c->buckets);
    rnr_free(c);
}

static void trim(struct dns_cache *c, size_t max)
{
    while (c->count > max) {
        entry_remove(c, c->tail);
        c->st.evictions++;
    }
}

int dns_cache_set_conf(struct dns_cache *c, const struct dns_cache_conf *conf)
{
    size_t nb = buckets_for(conf->size);

    if (nb != c->nbuckets && rehash(c, nb) != 0)
        return WSAENOBUFS;
    c->conf = *conf;
    trim(c, conf->size);
    return 0;
}

static uint32_t clamp(const struct dns_cache_conf *conf, uint32_t ttl)
{
    if (ttl < conf->min_ttl)
        ttl = conf->min_ttl;
    return ttl > conf->max_ttl ? conf->max_ttl : ttl;
}

uint32_t dns_cache_ttl(const struct dns_cache_conf *conf,
                       const struct dns_answer *a)
{
    switch (a->status) {
    case 0:
        return a->has_ttl ? clamp(conf, a->ttl) : 0;
    case WSAHOST_NOT_FOUND:
    case WSANO_DATA:
        /* Without an SOA the server gave no lifetime: the default. */
        return a->has_ttl ? clamp(conf, a->ttl) : clamp(conf, conf->negative_ttl);
    case WSATRY_AGAIN:
    case WSANO_RECOVERY:
        /* A failing server is asked again soon, never held for long. */
        return conf->servfail_ttl < conf->max_ttl ? conf->servfail_ttl
                                                  : conf->max_ttl;
    default:
        return 0;
    }
}

struct dns_answer *dns_cache_get(struct dns_cache *c, const char *name,
                                 int qtype, uint64_t now_ms)
{
    struct entry *e = find(c, name, qtype);

    if (e != NULL && e->expires <= now_ms) {
        entry_remove(c, e);
        c->st.expired++;
        e = NULL;
    }
    if (e == NULL) {
        c->st.misses++;
        return NULL;
    }
    c->st.hits++;
    lru_unlink(c, e);
    lru_push(c, e);
    return dns_answer_ref(e->answer);
}

uint64_t dns_cache_expires(struct dns_cache *c, const char *name, int qtype)
{
    const struct entry *e = c != NULL ? find(c, name, qtype) : NULL;

    return e != NULL ? e->expires : 0;
}

void dns_cache_put(struct dns_cache *c, const char *name, int qtype,
                   struct dns_answer *a, uint64_t now_ms)
{
    uint32_t ttl = dns_cache_ttl(&c->conf, a);
    struct entry *e = find(c, name, qtype), **s;

    if (e != NULL)
        entry_remove(c, e);
    if (ttl == 0 || c->conf.size == 0)
        return;
    /* Expired entries at the tail go before a live one is evicted. */
    while (c->tail != NULL && c->tail->expires <= now_ms) {
        entry_remove(c, c->tail);
        c->st.expired++;
    }
    trim(c, c->conf.size - 1);
    if ((e = rnr_calloc(1, sizeof *e)) == NULL ||
        (e->name = rnr_strdup(name)) == NULL) {
        rnr_free(e);
        return;   /* not cached: the next lookup asks again */
    }
    e->qtype = qtype;
    e->expires = now_ms + (uint64_t)ttl * 1000u;
    e->answer = dns_answer_ref(a);
    s = slot(c, name, qtype);
    e->hnext = *s;
    *s = e;
    lru_push(c, e);
    c->count++;
    c->st.inserts++;
}

size_t dns_cache_flush(struct dns_cache *c, const char *name)
{
    struct entry *e, *next;
    size_t n = 0;

    for (e = c->head; e != NULL; e = next) {
        next = e->next;
        if (name == NULL || strcmp(e->name, name) == 0) {
            entry_remove(c, e);
            n++;
        }
    }
    c->st.flushed += n;
    return n;
}

void dns_cache_get_stats(const struct dns_cache *c, struct dns_cache_stats *out)
{
    *out = c->st;
    out->entries = c->count;
}

void dns_cache_reset_stats(struct dns_cache *c)
{
    memset(&c->st, 0, sizeof c->st);
}
