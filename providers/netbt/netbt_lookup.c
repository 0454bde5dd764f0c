/* SPDX-License-Identifier: MIT */
/*
 * Lookups.  A host name (SVCID_INET_HOSTADDRBYNAME, SVCID_HOSTNAME) that
 * can be a NetBIOS name asks for NAME<00>, then NAME<20> when <00> is
 * not found (doc/netbt.md "Lookups"); "NAME#1C" asks for that name
 * alone.  Names this host registered are answered from its own table,
 * others from the cache, else from the network.  An address
 * (SVCID_INET_HOSTADDRBYINETSTRING) is a node status request to it: the
 * first unique name is the host name, every name an alias "NAME#XX".
 */
#include "config.h"

#include "netbt.h"
#include "alloc.h"
#include "hostres.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include <rnr/svcguid.h>

static const GUID g_hostname = SVCID_HOSTNAME;
static const GUID g_byname = SVCID_INET_HOSTADDRBYNAME;
static const GUID g_bystring = SVCID_INET_HOSTADDRBYINETSTRING;

struct netbt_lookup {
    struct netbt_lookup   *next;
    struct netbt_state    *st;
    struct rnr_nsp_lookup *lk;
    GUID                   cls;
    struct hr_query        q;
    char                   text[NBNS_NAME_LEN + 4];
    struct nbns_name       names[2];
    size_t                 nnames, cur;
    int                    fresh;       /* LUP_FLUSHCACHE */
    struct netbt_txn      *txn;
    struct in_addr         node;        /* node status */
};

static int guid_eq(const GUID *a, const GUID *b)
{
    return memcmp(a, b, sizeof *a) == 0;
}

static void lookup_unlink(struct netbt_lookup *l)
{
    struct netbt_lookup **pp;

    for (pp = &l->st->lookups; *pp != NULL; pp = &(*pp)->next)
        if (*pp == l) {
            *pp = l->next;
            l->st->nlookups--;
            return;
        }
}

static void lookup_finish(struct netbt_lookup *l, int status, uint64_t reuse_ms)
{
    struct netbt_state *st = l->st;
    struct rnr_nsp_lookup *lk = l->lk;

    lookup_unlink(l);
    rnr_free(l);
    if (reuse_ms > 0 && st->host->lookup_reusable != NULL)
        st->host->lookup_reusable(lk, reuse_ms > UINT32_MAX ? UINT32_MAX : (uint32_t)reuse_ms);
    st->host->finish(lk, status);
}

static int emit_addrs(struct netbt_lookup *l, const struct nbns_addr *a, size_t n)
{
    struct hr_result r;
    size_t i;
    int rc = 0;

    hr_init(&r, l->text, AF_INET);
    for (i = 0; i < n && rc == 0; i++)
        rc = hr_add_addr(&r, AF_INET, a[i].ip, 0);
    if (rc == 0)
        rc = hr_emit(l->st->host, l->lk, &l->q, &l->cls, &r);
    hr_clear(&r);
    return rc == WSAENOBUFS ? 0 : rc;
}

/* A node status answer: the first unique name names the host. */
static int emit_status(struct netbt_lookup *l, const struct nbns_msg *m)
{
    char text[NBNS_MAX_STAT][NBNS_NAME_TEXT], prim[NBNS_NAME_TEXT];
    struct hr_result r;
    size_t i, first = m->nnames;
    int rc;

    if (m->nnames == 0)
        return WSANO_DATA;
    for (i = 0; i < m->nnames && first == m->nnames; i++)
        if (!(m->names[i].flags & NBNS_NB_GROUP))
            first = i;
    nbns_name_to_text(m->names[first < m->nnames ? first : 0].b, prim);
    prim[strcspn(prim, "<")] = '\0';
    hr_init(&r, prim, AF_INET);
    rc = hr_add_addr(&r, AF_INET, &l->node, 0);
    for (i = 0; i < m->nnames && rc == 0; i++) {
        char *lt;

        nbns_name_to_text(m->names[i].b, text[i]);
        /* NAME<XX> as NAME#XX: the notation lookups take back. */
        if ((lt = strchr(text[i], '<')) != NULL) {
            lt[0] = '#';
            lt[3] = '\0';
        }
        rc = hr_add_alias(&r, text[i]);
        if (rc == 0)
            rc = hr_add_alias_result(&r, text[i]);
    }
    if (rc == 0)
        rc = hr_emit(l->st->host, l->lk, &l->q, &l->cls, &r);
    hr_clear(&r);
    return rc == WSAENOBUFS ? 0 : rc;
}

static void ask_next(struct netbt_lookup *l);

static void on_answer(struct netbt_txn *t, int status)
{
    struct netbt_lookup *l = t->owner;
    struct netbt_state *st = l->st;
    uint64_t now = st->host->now_ms(), ttl;
    int rc;

    l->txn = NULL;
    if (t->kind == NETBT_TX_STATUS) {
        rc = status != 0 ? WSAHOST_NOT_FOUND : emit_status(l, t->answer);
        lookup_finish(l, rc, 0);
        return;
    }
    if (status != 0 || t->answer == NULL || t->answer->naddrs == 0) {
        netbt_cache_put(st->cache, &l->names[l->cur], NULL, 0, 0, now);
        l->cur++;
        ask_next(l);
        return;
    }
    ttl = (uint64_t)t->answer->ttl * 1000u;
    if (ttl > (uint64_t)NETBT_MAX_CACHE_TTL_S * 1000u)
        ttl = (uint64_t)NETBT_MAX_CACHE_TTL_S * 1000u;
    netbt_cache_put(st->cache, &l->names[l->cur], t->answer->addrs, t->answer->naddrs, ttl,
                    now);
    rc = emit_addrs(l, t->answer->addrs, t->answer->naddrs);
    /* The answer holds as long as the cache keeps it. */
    lookup_finish(l, rc, rc == 0 && st->conf.cache_size > 0 ? ttl : 0);
}

/* Our own names first, then the cache, then the network. */
static void ask_next(struct netbt_lookup *l)
{
    struct netbt_state *st = l->st;
    struct nbns_addr a[NBNS_MAX_ADDRS];
    uint64_t now = st->host->now_ms(), expires = 0;
    size_t n = 0;

    for (; l->cur < l->nnames; l->cur++) {
        const struct netbt_reg *r = netbt_reg_find(st, &l->names[l->cur]);

        if (r != NULL && r->state == NETBT_REG_ACTIVE) {
            uint32_t ip = netbt_net_local_addr(st, NULL);

            memset(a, 0, sizeof a[0]);
            memcpy(a[0].ip, &ip, 4);
            lookup_finish(l, ip != 0 ? emit_addrs(l, a, 1) : WSANO_DATA, 0);
            return;
        }
        if (l->fresh || !netbt_cache_get(st->cache, &l->names[l->cur], now, a, &n, &expires))
            break;
        st->stats.cache_hits++;
        if (n > 0) {
            lookup_finish(l, emit_addrs(l, a, n), expires - now);
            return;
        }
        st->stats.negative_hits++;
    }
    if (l->cur == l->nnames) {
        lookup_finish(l, WSAHOST_NOT_FOUND, st->conf.cache_size > 0 ? NETBT_NEG_TTL_MS : 0);
        return;
    }
    l->txn = netbt_txn_start(st, NETBT_TX_QUERY, &l->names[l->cur], 0, NULL, on_answer, l);
    if (l->txn == NULL)
        lookup_finish(l, WSAHOST_NOT_FOUND, 0);
}

/* What the query asks: 0, or the status it gets at once. */
static int lookup_parse(struct netbt_lookup *l, const WSAQUERYSETA *qs)
{
    const char *name = qs->lpszServiceInstanceName;

    if (guid_eq(&l->cls, &g_bystring)) {
        if (name == NULL || inet_pton(AF_INET, name, &l->node) != 1)
            return WSAHOST_NOT_FOUND;
        return 0;
    }
    if (name == NULL || strlen(name) >= sizeof l->text)
        return WSAHOST_NOT_FOUND;
    if (strchr(name, '#') != NULL) {
        if (nbns_name_from_text(name, 0, l->st->conf.scope, &l->names[0]) != 0)
            return WSAHOST_NOT_FOUND;
        l->nnames = 1;
    } else {
        if (nbns_name_from_text(name, 0x00, l->st->conf.scope, &l->names[0]) != 0 ||
            nbns_name_from_text(name, 0x20, l->st->conf.scope, &l->names[1]) != 0)
            return WSAHOST_NOT_FOUND;
        l->nnames = 2;
    }
    snprintf(l->text, sizeof l->text, "%.*s", (int)strcspn(name, "#"), name);
    return 0;
}

int netbt_lookup_begin(void *state, struct rnr_nsp_lookup *lk, const WSAQUERYSETA *qs,
                       DWORD flags)
{
    struct netbt_state *st = state;
    struct netbt_lookup *l;
    struct sockaddr_in to;
    struct nbns_name star;
    int rc;

    if (!guid_eq(qs->lpServiceClassId, &g_byname) &&
        !guid_eq(qs->lpServiceClassId, &g_hostname) &&
        !guid_eq(qs->lpServiceClassId, &g_bystring))
        return WSASERVICE_NOT_FOUND;
    if (st->nlookups >= NETBT_MAX_LOOKUPS)
        return WSATRY_AGAIN;
    if ((l = rnr_calloc(1, sizeof *l)) == NULL)
        return WSA_NOT_ENOUGH_MEMORY;
    l->st = st;
    l->lk = lk;
    l->cls = *qs->lpServiceClassId;
    l->fresh = (flags & LUP_FLUSHCACHE) != 0;
    st->stats.lookups++;
    if ((rc = hr_query_init(&l->q, qs, NULL)) != 0 || (rc = lookup_parse(l, qs)) != 0 ||
        !hr_family_allowed(&l->q, AF_INET)) {
        rnr_free(l);
        return rc != 0 ? rc : WSANO_DATA;
    }
    l->next = st->lookups;
    st->lookups = l;
    st->nlookups++;
    st->host->lookup_set_data(lk, l);
    if (!guid_eq(&l->cls, &g_bystring)) {
        ask_next(l);
        return 0;
    }
    memset(&to, 0, sizeof to);
    to.sin_family = AF_INET;
    to.sin_port = htons(NBNS_PORT);
    to.sin_addr = l->node;
    nbns_name_wildcard(st->conf.scope, &star);
    l->txn = netbt_txn_start(st, NETBT_TX_STATUS, &star, 0, &to, on_answer, l);
    if (l->txn == NULL)
        lookup_finish(l, WSAHOST_NOT_FOUND, 0);
    return 0;
}

void netbt_lookup_cancel(void *state, struct rnr_nsp_lookup *lk)
{
    struct netbt_state *st = state;
    struct netbt_lookup *l = st->host->lookup_data(lk);

    if (l == NULL)
        return;
    netbt_txn_cancel(st, l->txn);
    lookup_unlink(l);
    rnr_free(l);
}

void netbt_lookup_free_all(struct netbt_state *st)
{
    while (st->lookups != NULL) {
        struct netbt_lookup *l = st->lookups;

        netbt_txn_cancel(st, l->txn);
        lookup_unlink(l);
        rnr_free(l);
    }
}
