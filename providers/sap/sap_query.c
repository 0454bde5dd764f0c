/* SPDX-License-Identifier: MIT */
/*
 * Lookups.  The local registrations and the table answer at once; with
 * LUP_FLUSHCACHE, or when the table knows nothing of the class, a QUERY
 * goes out and what is heard during the reply window is delivered as it
 * arrives (LUP_NEAREST: held and ordered by hops, then response time,
 * when the window closes).
 *
 * Trust (doc/sap-protocol.md "Trust", `trust = admin`, the default): a
 * lookup through NS_ALL that names no provider (gethostbyname, getaddrinfo
 * through NSS, getservbyname) gets a host, address or service entry only
 * when it is trusted: a local registration of root, an admin or the
 * daemon, the caller's own, or one heard from the network under the key.
 * Without a key anyone on the link can advertise, so what the network
 * says is no more trusted than an unprivileged user.  A lookup naming
 * NS_SAP or this provider gets everything.  Answers depend on the caller
 * and on the link from one moment to the next: none is ever marked
 * reusable for the shared answer cache.
 */
#include "config.h"

#include "sap.h"
#include "alloc.h"
#include "guid.h"
#include "queryset.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <rnr/svcguid.h>

/* Results one lookup gathers from the network at most. */
#define SAP_MAX_HITS 4096u

/* The classes of host, address and service lookups: the Winsock 1.1
 * functions, NSS and GetAddressByName ask for these (and the TCP/UDP
 * port classes, DNS record classes included). */
int sap_resolution_class(const GUID *g)
{
    static const GUID byname = SVCID_INET_HOSTADDRBYNAME, byaddr =
        SVCID_INET_HOSTADDRBYINETSTRING, hostname = SVCID_HOSTNAME, service =
        SVCID_INET_SERVICEBYNAME;

    return rnr_guid_equal(g, &byname) || rnr_guid_equal(g, &byaddr) ||
           rnr_guid_equal(g, &hostname) || rnr_guid_equal(g, &service) ||
           IS_SVCID_TCP(g) || IS_SVCID_UDP(g);
}

/* A local registration, for this lookup. */
static int reg_visible(struct sap_state *st, const struct sap_pending *pd,
                       const struct sap_reg *r)
{
    if (!pd->guarded || sap_reg_trusted(r) || r->uid == pd->uid)
        return 1;
    st->stats.withheld++;
    return 0;
}

/* What was heard from the network, for this lookup. */
static int net_visible(struct sap_state *st, const struct sap_pending *pd)
{
    if (!pd->guarded || st->conf.keylen != 0)
        return 1;
    st->stats.withheld++;
    return 0;
}

int sap_name_matches(const char *pattern, const char *name)
{
    return pattern == NULL || pattern[0] == '\0' || rnr_wildcard_match(pattern, name);
}

void sap_entry_view(const struct sap_entry *e, struct sap_view *v)
{
    struct sockaddr_storage *rem = v->rem, *loc = v->loc;
    CSADDR_INFO *csa = v->csa;
    WSAQUERYSETA *r = &v->r;
    unsigned i;

    memset(v, 0, sizeof *v);
    v->cls = e->cls;
    r->dwSize = sizeof *r;
    r->lpszServiceInstanceName = (char *)e->name;
    r->lpServiceClassId = &v->cls;
    if (e->has_version) {
        v->ver.dwVersion = e->version;
        v->ver.ecHow = COMP_EQUAL;
        r->lpVersion = &v->ver;
    }
    if (e->comment[0] != '\0')
        r->lpszComment = (char *)e->comment;
    for (i = 0; i < e->naddrs; i++) {
        const struct sap_addr *a = &e->addrs[i];
        int len;

        memset(&rem[i], 0, sizeof rem[i]);
        memset(&loc[i], 0, sizeof loc[i]);
        if (a->family == 4) {
            struct sockaddr_in *s = (struct sockaddr_in *)&rem[i];

            s->sin_family = AF_INET;
            s->sin_port = htons(a->port);
            memcpy(&s->sin_addr, a->addr, 4);
            len = sizeof *s;
        } else {
            struct sockaddr_in6 *s = (struct sockaddr_in6 *)&rem[i];

            s->sin6_family = AF_INET6;
            s->sin6_port = htons(a->port);
            memcpy(&s->sin6_addr, a->addr, 16);
            s->sin6_scope_id = a->scope;
            len = sizeof *s;
        }
        loc[i].ss_family = rem[i].ss_family;
        csa[i].RemoteAddr.lpSockaddr = (LPSOCKADDR)&rem[i];
        csa[i].RemoteAddr.iSockaddrLength = len;
        csa[i].LocalAddr.lpSockaddr = (LPSOCKADDR)&loc[i];
        csa[i].LocalAddr.iSockaddrLength = len;
        csa[i].iSocketType = a->socktype;
        csa[i].iProtocol = a->protocol;
    }
    r->dwNumberOfCsAddrs = e->naddrs;
    r->lpcsaBuffer = e->naddrs ? csa : NULL;
}

static int emit_entry(struct sap_state *st, struct rnr_nsp_lookup *lk, const struct sap_entry *e)
{
    struct sap_view v;

    sap_entry_view(e, &v);
    return st->host->emit(lk, &v.r);
}

void sap_tentry_to_entry(const struct sap_tentry *t, struct sap_entry *e)
{
    memset(e, 0, offsetof(struct sap_entry, addrs));
    e->cls = t->cls;
    e->sap_id = t->sap_id;
    e->has_version = t->has_version;
    e->version = t->version;
    snprintf(e->name, sizeof e->name, "%s", t->name);
    if (t->comment != NULL)
        snprintf(e->comment, sizeof e->comment, "%s", t->comment);
    e->naddrs = t->naddrs;
    memcpy(e->addrs, t->addrs, t->naddrs * sizeof *t->addrs);
}

/* LUP_NEAREST: hops, then response time (unmeasured last), then the
 * most recently heard. */
static int rank_cmp(uint8_t hops1, uint32_t rtt1, uint64_t heard1,
                    uint8_t hops2, uint32_t rtt2, uint64_t heard2)
{
    if (hops1 != hops2)
        return hops1 < hops2 ? -1 : 1;
    if (rtt1 != rtt2)
        return rtt1 < rtt2 ? -1 : 1;
    if (heard1 != heard2)
        return heard1 > heard2 ? -1 : 1;
    return 0;
}

static int hit_cmp(const void *a, const void *b)
{
    const struct sap_hit *x = a, *y = b;

    return rank_cmp(x->hops, x->rtt_ms, x->heard_ms, y->hops, y->rtt_ms, y->heard_ms);
}

/* An answer from what is known, without copying the table. */
struct sap_ref {
    const struct sap_entry  *reg;     /* a local registration, or */
    const struct sap_tentry *t;       /* a table entry */
    uint8_t  hops;
    uint32_t rtt_ms;
    uint64_t heard_ms;
};

static int ref_cmp(const void *a, const void *b)
{
    const struct sap_ref *x = a, *y = b;

    return rank_cmp(x->hops, x->rtt_ms, x->heard_ms, y->hops, y->rtt_ms, y->heard_ms);
}

static void pending_free(struct sap_pending *pd)
{
    size_t i;

    if (pd == NULL)
        return;
    for (i = 0; i < pd->nhits; i++)
        rnr_free(pd->hits[i].e);
    rnr_free(pd->hits);
    rnr_free(pd);
}

static void pending_unlink(struct sap_state *st, struct sap_pending *pd)
{
    struct sap_pending **pp;

    for (pp = &st->pending; *pp != NULL; pp = &(*pp)->next)
        if (*pp == pd) {
            *pp = pd->next;
            break;
        }
    if (pd->timer != NULL)
        st->host->timer_cancel(st->p, pd->timer);
    pd->timer = NULL;
}

static void pending_finish(struct sap_state *st, struct sap_pending *pd)
{
    struct rnr_nsp_lookup *lk = pd->lk;
    int found = pd->emitted > 0;

    pending_unlink(st, pd);
    pending_free(pd);
    st->host->finish(lk, found ? 0 : WSASERVICE_NOT_FOUND);
}

/* A result is kept (owned) for de-duplication and LUP_NEAREST; the
 * same (sender, name) heard twice (IPv4 and IPv6) counts once.
 * -1 when it was seen already or cannot be kept. */
static int hit_add(struct sap_pending *pd, uint64_t sender, const struct sap_entry *e,
                   uint8_t hops, uint32_t rtt, uint64_t now)
{
    struct sap_hit *h;
    size_t i;

    for (i = 0; i < pd->nhits; i++)
        if (pd->hits[i].sender == sender && strcmp(pd->hits[i].e->name, e->name) == 0)
            return -1;
    if (pd->nhits == SAP_MAX_HITS)
        return -1;
    if (pd->nhits == pd->cap) {
        size_t cap = pd->cap ? pd->cap * 2 : 16;

        if ((h = rnr_realloc(pd->hits, cap * sizeof *h)) == NULL)
            return -1;
        pd->hits = h;
        pd->cap = cap;
    }
    h = &pd->hits[pd->nhits];
    if ((h->e = rnr_malloc(sizeof *h->e)) == NULL)
        return -1;
    *h->e = *e;
    h->sender = sender;
    h->hops = hops;
    h->rtt_ms = rtt;
    h->heard_ms = now;
    pd->nhits++;
    return 0;
}

/* 0, or -1 when the lookup is full and must finish. */
static int deliver(struct sap_state *st, struct sap_pending *pd, const struct sap_entry *e)
{
    if (emit_entry(st, pd->lk, e) == WSAENOBUFS)
        return -1;
    pd->emitted++;
    return 0;
}

static void on_window(void *arg)
{
    struct sap_pending *pd = arg;
    struct sap_state *st = pd->st;
    size_t i;

    pd->timer = NULL;
    if (pd->nearest) {
        qsort(pd->hits, pd->nhits, sizeof *pd->hits, hit_cmp);
        for (i = 0; i < pd->nhits; i++)
            if (deliver(st, pd, pd->hits[i].e) != 0)
                break;
    }
    pending_finish(st, pd);
}

void sap_query_heard(struct sap_state *st, uint64_t sender, const struct sap_entry *e,
                     uint8_t hops, uint64_t now)
{
    struct sap_pending *pd, *next;

    for (pd = st->pending; pd != NULL; pd = next) {
        next = pd->next;
        if (!rnr_guid_equal(&pd->cls, &e->cls) || !sap_name_matches(pd->pattern, e->name) ||
            !net_visible(st, pd))
            continue;
        if (hit_add(pd, sender, e, hops, (uint32_t)(now - pd->start_ms), now) != 0)
            continue;
        if (!pd->nearest && deliver(st, pd, e) != 0)
            pending_finish(st, pd);
    }
}

/* Local users cannot make the daemon flood the link: past the query
 * rate a lookup still waits its window, for what others' queries and the
 * advertisements bring. */
static void send_query(struct sap_state *st, const struct sap_pending *pd)
{
    struct sap_writer *w = &st->txw;
    struct sap_entry q;
    size_t len;

    if (rnr_bucket_take(&st->queries, sap_now(st), SAP_QUERY_RATE) != 0) {
        st->stats.queries_limited++;
        return;
    }
    memset(&q, 0, offsetof(struct sap_entry, addrs));
    q.cls = pd->cls;
    q.sap_id = sap_class_sap_id(st, &pd->cls);
    snprintf(q.name, sizeof q.name, "%s", pd->pattern);
    sap_writer_begin(w, SAP_QUERY, 0, st->sender_id, 0, st->conf.keylen != 0, SAP_MAX_PACKET);
    if (sap_writer_add(w, &q) != 0)
        return;
    /* Padded to the largest packet: that is the response room it buys. */
    len = sap_seal(st, w, SAP_MAX_PACKET);
    sap_net_send_all(st, w->buf, len);
    st->last_query_ms = sap_now(st);
    st->stats.queries_sent++;
}

/* The local registrations of the lookup's class: nearest of all. */
static void gather_local(struct sap_state *st, struct sap_pending *pd, uint64_t now)
{
    const struct sap_reg *r;

    for (r = st->regs; r != NULL; r = r->next)
        if (rnr_guid_equal(&r->e.cls, &pd->cls) && sap_name_matches(pd->pattern, r->e.name) &&
            reg_visible(st, pd, r))
            (void)hit_add(pd, st->sender_id, &r->e, 0, 0, now);
}

/* Everything known that matches, delivered now; the finish status. */
static int answer_now(struct sap_state *st, struct sap_pending *pd)
{
    const struct sap_tentry *t;
    const struct sap_reg *r;
    struct sap_ref *v;
    struct sap_entry *e;
    size_t n = 0, i;

    v = rnr_calloc(st->nregs + sap_table_count(st->table) + 1, sizeof *v);
    e = rnr_malloc(sizeof *e);
    if (v == NULL || e == NULL) {
        rnr_free(v);
        rnr_free(e);
        return WSA_NOT_ENOUGH_MEMORY;
    }
    for (r = st->regs; r != NULL; r = r->next)
        if (rnr_guid_equal(&r->e.cls, &pd->cls) && sap_name_matches(pd->pattern, r->e.name) &&
            reg_visible(st, pd, r))
            v[n++] = (struct sap_ref){ .reg = &r->e, .heard_ms = pd->start_ms };
    for (t = sap_table_first(st->table); t != NULL; t = t->next)
        if (rnr_guid_equal(&t->cls, &pd->cls) && sap_name_matches(pd->pattern, t->name) &&
            net_visible(st, pd))
            v[n++] = (struct sap_ref){ .t = t, .hops = t->hops, .rtt_ms = t->rtt_ms,
                                       .heard_ms = t->heard_ms };
    if (pd->nearest)
        qsort(v, n, sizeof *v, ref_cmp);
    for (i = 0; i < n; i++) {
        if (v[i].t != NULL)
            sap_tentry_to_entry(v[i].t, e);
        if (deliver(st, pd, v[i].t != NULL ? e : v[i].reg) != 0)
            break;
    }
    rnr_free(v);
    rnr_free(e);
    return pd->emitted > 0 ? 0 : WSASERVICE_NOT_FOUND;
}

int sap_query_begin(void *state, struct rnr_nsp_lookup *lk, const WSAQUERYSETA *qs, DWORD flags)
{
    struct sap_state *st = state;
    const char *name = qs->lpszServiceInstanceName;
    struct sap_pending *pd;
    int ask;
    size_t i;

    st->stats.lookups++;
    if (name != NULL && strlen(name) > SAP_MAX_NAME)
        return WSASERVICE_NOT_FOUND;
    if ((pd = rnr_calloc(1, sizeof *pd)) == NULL)
        return WSA_NOT_ENOUGH_MEMORY;
    pd->st = st;
    pd->lk = lk;
    pd->cls = *qs->lpServiceClassId;
    pd->flags = flags;
    pd->nearest = (flags & LUP_NEAREST) != 0;
    pd->start_ms = sap_now(st);
    pd->uid = st->host->lookup_caller(lk)->uid;
    pd->guarded = !st->conf.trust_all && qs->dwNameSpace == NS_ALL &&
                  qs->lpNSProviderId == NULL && sap_resolution_class(&pd->cls);
    if (name != NULL)
        snprintf(pd->pattern, sizeof pd->pattern, "%s", name);
    /* An NS_ALL lookup (every gethostbyname through NSS, say) must not
     * wait a reply window for each class the link never heard of: only
     * lookups aimed at this name space or provider, or flushing the
     * cache, go to the network. */
    ask = st->nifaces > 0 &&
          ((flags & LUP_FLUSHCACHE) ||
           ((qs->dwNameSpace == st->host->name_space(st->p) || qs->lpNSProviderId != NULL) &&
            !sap_table_has_class(st->table, &pd->cls)));
    if (!ask) {
        int status = answer_now(st, pd);

        pending_free(pd);
        if (status == WSA_NOT_ENOUGH_MEMORY)
            return status;
        st->host->finish(lk, status);
        return 0;
    }
    gather_local(st, pd, pd->start_ms);
    pd->timer = st->host->timer_add(st->p, st->conf.reply_window_ms, on_window, pd);
    if (pd->timer == NULL) {
        pending_free(pd);
        return WSA_NOT_ENOUGH_MEMORY;
    }
    pd->next = st->pending;
    st->pending = pd;
    st->host->lookup_set_data(lk, pd);
    send_query(st, pd);
    for (i = 0; !pd->nearest && i < pd->nhits; i++)
        if (deliver(st, pd, pd->hits[i].e) != 0) {
            pending_finish(st, pd);
            break;
        }
    return 0;
}

void sap_query_cancel(void *state, struct rnr_nsp_lookup *lk)
{
    struct sap_state *st = state;
    struct sap_pending *pd;

    for (pd = st->pending; pd != NULL; pd = pd->next)
        if (pd->lk == lk) {
            pending_unlink(st, pd);
            pending_free(pd);
            return;
        }
}

void sap_query_cancel_all(struct sap_state *st)
{
    while (st->pending != NULL) {
        struct sap_pending *pd = st->pending;

        pending_unlink(st, pd);
        pending_free(pd);
    }
}
