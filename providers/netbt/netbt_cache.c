/* SPDX-License-Identifier: MIT */
/*
 * Answers heard, kept for their TTL (at most NETBT_MAX_CACHE_TTL_S), and
 * negative answers for NETBT_NEG_TTL_MS.  A bounded array searched from
 * end to end: no hash for the network to flood, and at the default
 * bound a scan costs less than the datagram that fills it.  When full,
 * the entry closest to expiring goes.
 */
#include "config.h"

#include "netbt.h"
#include "alloc.h"

#include <string.h>

struct netbt_centry {
    struct nbns_name name;
    uint64_t         expires;
    size_t           naddrs;            /* 0: negative */
    struct nbns_addr addrs[NBNS_MAX_ADDRS];
};

struct netbt_cache {
    struct netbt_centry *e;
    size_t n, max;
};

struct netbt_cache *netbt_cache_new(size_t max)
{
    struct netbt_cache *c = rnr_calloc(1, sizeof *c);

    if (c == NULL)
        return NULL;
    c->max = max;
    if (max > 0 && (c->e = rnr_calloc(max, sizeof *c->e)) == NULL) {
        rnr_free(c);
        return NULL;
    }
    return c;
}

void netbt_cache_free(struct netbt_cache *c)
{
    if (c == NULL)
        return;
    rnr_free(c->e);
    rnr_free(c);
}

static struct netbt_centry *find(struct netbt_cache *c, const struct nbns_name *n)
{
    size_t i;

    for (i = 0; i < c->n; i++)
        if (nbns_name_equal(&c->e[i].name, n))
            return &c->e[i];
    return NULL;
}

/* A slot for a new entry: a free one, an expired one, else the one
 * closest to expiring. */
static struct netbt_centry *slot(struct netbt_cache *c, uint64_t now)
{
    size_t i, victim = 0;

    if (c->n < c->max)
        return &c->e[c->n++];
    for (i = 0; i < c->n; i++) {
        if (c->e[i].expires <= now)
            return &c->e[i];
        if (c->e[i].expires < c->e[victim].expires)
            victim = i;
    }
    return &c->e[victim];
}

void netbt_cache_put(struct netbt_cache *c, const struct nbns_name *n,
                     const struct nbns_addr *a, size_t naddrs, uint64_t ttl_ms, uint64_t now)
{
    struct netbt_centry *e;

    if (c == NULL || c->max == 0)
        return;
    if (naddrs > NBNS_MAX_ADDRS)
        naddrs = NBNS_MAX_ADDRS;
    if (naddrs == 0)
        ttl_ms = NETBT_NEG_TTL_MS;
    else if (ttl_ms > (uint64_t)NETBT_MAX_CACHE_TTL_S * 1000u)
        ttl_ms = (uint64_t)NETBT_MAX_CACHE_TTL_S * 1000u;
    if (ttl_ms == 0)
        return;
    if ((e = find(c, n)) == NULL)
        e = slot(c, now);
    e->name = *n;
    e->expires = now + ttl_ms;
    e->naddrs = naddrs;
    if (naddrs > 0)
        memcpy(e->addrs, a, naddrs * sizeof *a);
}

int netbt_cache_get(struct netbt_cache *c, const struct nbns_name *n, uint64_t now,
                    struct nbns_addr *a, size_t *naddrs, uint64_t *expires)
{
    struct netbt_centry *e;

    if (c == NULL || (e = find(c, n)) == NULL || e->expires <= now)
        return 0;
    memcpy(a, e->addrs, e->naddrs * sizeof *a);
    *naddrs = e->naddrs;
    *expires = e->expires;
    return 1;
}

void netbt_cache_flush(struct netbt_cache *c)
{
    if (c != NULL)
        c->n = 0;
}

size_t netbt_cache_count(const struct netbt_cache *c)
{
    return c != NULL ? c->n : 0;
}
