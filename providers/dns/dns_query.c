/* SPDX-License-Identifier: MIT */
/*
 * dns provider: questions on the wire.  A question (name, type) is asked
 * once however many lookups need it at the same time: the first one
 * sends it, the others wait on it (coalescing).  Its answer goes into the
 * cache and to every waiter.  A waiter that leaves (its lookup ended)
 * stops listening at once; the question, if nobody else waits for it, is
 * an orphan.  c-ares 1.18 cannot cancel one query, only all of them: so
 * orphans are swept off the wire (ares_cancel on the whole channel, the
 * questions still wanted asked again at once) when nothing wanted is in
 * flight, or when they are many (DNS_SWEEP_MIN) and at least half of what
 * is (lookups given up on a dead server, say).  Otherwise an orphan's
 * answer, when it comes, still fills the cache.  A wanted question is
 * restarted by a sweep once at most: while one that was is still wanted
 * and in flight, no other sweep runs, so that lookups given up on all the
 * time cannot starve the patient ones.
 *
 * A new question is not sent from inside the lookup's begin: it waits
 * for a zero-delay timer, which the loop runs after it has written the
 * replies of the round.  Sent at once, the datagram wakes the DNS server,
 * which on a busy or small machine takes the CPU from rnrd before rnrd
 * has answered its client: the client's WSALookupServiceBegin then pays
 * for the server's work too (measured: a cold lookup 7x raw c-ares).
 * Deferred, every question of the round leaves together, and one whose
 * lookups all ended before it left is never sent.
 */
#include "dns.h"
#include "alloc.h"
#include "hash.h"

#include <string.h>

#define DNS_C_IN 1
#define DNS_TABLE_MIN 256u
#define DNS_SWEEP_MIN 64u

int dns_name_normalise(const char *name, char *buf, size_t len)
{
    size_t n = strlen(name), i, label = 0;

    if (n > 0 && name[n - 1] == '.')
        n--;
    if (n >= len || n > 253)
        return -1;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];

        if (c == '.') {
            if (label == 0)
                return -1;      /* empty label */
            label = 0;
        } else if (c <= ' ' || c == 0x7f || c == '\\') {
            return -1;
        } else if (++label > 63) {
            return -1;
        }
        buf[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    buf[n] = '\0';
    return 0;
}

/* Clients choose the names: seeded, so they cannot pile them into one
 * chain (the dns cache hashes the same way). */
static size_t bucket(const struct dns_state *st, const char *name, int qtype)
{
    uint32_t qt = (uint32_t)qtype;
    uint64_t h = rnr_hash64(rnr_hash64(st->inflight_seed, &qt, sizeof qt), name, strlen(name));

    return (size_t)(h & (st->inflight_size - 1));
}

static int table_grow(struct dns_state *st)
{
    size_t nsize = st->inflight_size == 0 ? DNS_TABLE_MIN : st->inflight_size * 2, i;
    struct dns_question **nt = rnr_calloc(nsize, sizeof *nt), **old = st->inflight;
    size_t osize = st->inflight_size;

    if (nt == NULL)
        return WSAENOBUFS;
    st->inflight = nt;
    st->inflight_size = nsize;
    for (i = 0; i < osize; i++) {
        struct dns_question *q = old[i], *next;

        for (; q != NULL; q = next) {
            size_t b = bucket(st, q->name, q->qtype);

            next = q->hnext;
            q->hnext = nt[b];
            nt[b] = q;
        }
    }
    rnr_free(old);
    return 0;
}

static struct dns_question *table_find(struct dns_state *st, const char *name,
                                       int qtype)
{
    struct dns_question *q;

    if (st->inflight_size == 0)
        return NULL;
    for (q = st->inflight[bucket(st, name, qtype)]; q != NULL; q = q->hnext)
        if (q->qtype == qtype && strcmp(q->name, name) == 0)
            return q;
    return NULL;
}

/* q's "nobody waits" mark, and the counters that follow it. */
static void set_orphan(struct dns_question *q, int orphan)
{
    struct dns_state *st = q->st;

    if (q->orphan == orphan)
        return;
    q->orphan = orphan;
    if (orphan) {
        st->norphans++;
        if (q->swept)
            st->nswept_live--;
    } else {
        st->norphans--;
        if (q->swept)
            st->nswept_live++;
    }
}

static void table_remove(struct dns_state *st, struct dns_question *q)
{
    struct dns_question **pp;

    if (st->inflight_size == 0)
        return;
    for (pp = &st->inflight[bucket(st, q->name, q->qtype)]; *pp != NULL;
         pp = &(*pp)->hnext)
        if (*pp == q) {
            *pp = q->hnext;
            st->ninflight--;
            set_orphan(q, 0);
            if (q->swept)
                st->nswept_live--;
            q->swept = 0;
            return;
        }
}

static void question_free(struct dns_question *q)
{
    struct dns_waiter *w;

    if (q == NULL)
        return;
    while ((w = TAILQ_FIRST(&q->waiters)) != NULL) {
        TAILQ_REMOVE(&q->waiters, w, link);
        w->q = NULL;
    }
    rnr_free(q->name);
    rnr_free(q);
}

/* What a failure without a usable message means, and whether it may be
 * cached (a server's verdict may; our own timeout may not). */
static int status_of_ares(int status, int *cacheable)
{
    *cacheable = 1;
    switch (status) {
    case ARES_ENOTFOUND:
    case ARES_EBADNAME:
        return WSAHOST_NOT_FOUND;
    case ARES_ENODATA:
        return WSANO_DATA;
    case ARES_ESERVFAIL:
        return WSATRY_AGAIN;
    case ARES_EFORMERR:
    case ARES_ENOTIMP:
    case ARES_EREFUSED:
    case ARES_EBADRESP:
        return WSANO_RECOVERY;
    case ARES_ETIMEOUT:
    case ARES_ECONNREFUSED:
    case ARES_ECANCELLED:
    case ARES_EDESTRUCTION:
        *cacheable = 0;
        return WSATRY_AGAIN;
    default:
        *cacheable = 0;
        return WSANO_RECOVERY;
    }
}

static int has_message(int status)
{
    switch (status) {
    case ARES_SUCCESS:
    case ARES_ENODATA:
    case ARES_ENOTFOUND:
    case ARES_EFORMERR:
    case ARES_ESERVFAIL:
    case ARES_ENOTIMP:
    case ARES_EREFUSED:
        return 1;
    default:
        return 0;
    }
}

static struct dns_answer *make_answer(struct dns_state *st, int qtype,
                                      int status, const unsigned char *abuf,
                                      int alen, int *cacheable)
{
    struct dns_answer *a = NULL;
    int s;

    *cacheable = 0;
    if (abuf != NULL && alen > 0 && has_message(status)) {
        int rc = dns_msg_parse(abuf, (size_t)alen, &a);

        if (rc == 0 && a->qtype == qtype) {
            *cacheable = 1;
            return a;
        }
        dns_answer_unref(a);
        a = NULL;
        if (rc != WSAENOBUFS)
            st->host->log(st->p, RNR_NSP_LOG_NOTICE, "malformed answer (%d bytes)", alen);
        status = ARES_EBADRESP;
    }
    s = status_of_ares(status, cacheable);
    if (status == ARES_ETIMEOUT)
        st->timeouts++;
    return dns_answer_status(qtype, s);
}

static void send_question(struct dns_question *q);

static void on_answer(void *arg, int status, int timeouts, unsigned char *abuf,
                      int alen)
{
    struct dns_question *q = arg;
    struct dns_state *st = q->st;
    struct dns_answer *a;
    struct dns_waiter *w;
    int cacheable;

    (void)timeouts;
    if (status == ARES_EDESTRUCTION) {
        table_remove(st, q);
        question_free(q);
        return;
    }
    /* A reload replaced the channel (ask the new one), or a sweep (ask
     * again): only questions somebody still waits for. */
    if (status == ARES_ECANCELLED && (st->reloading || st->sweeping) &&
        !TAILQ_EMPTY(&q->waiters)) {
        if (st->sweeping && !q->swept) {
            q->swept = 1;
            st->nswept_live++;
        }
        send_question(q);
        return;
    }
    if (status == ARES_ECANCELLED && st->sweeping) {
        st->queries_dropped++;
        table_remove(st, q);
        question_free(q);
        return;
    }
    st->answers++;
    if (status == ARES_ESERVFAIL)
        st->servfails++;
    table_remove(st, q);
    a = make_answer(st, q->qtype, status, abuf, alen, &cacheable);
    if (a != NULL && cacheable && st->cache != NULL)
        dns_cache_put(st->cache, q->name, q->qtype, a, st->host->now_ms());
    while ((w = TAILQ_FIRST(&q->waiters)) != NULL) {
        TAILQ_REMOVE(&q->waiters, w, link);
        w->q = NULL;
        w->cb(w, a);
    }
    dns_answer_unref(a);
    question_free(q);
}

static void send_question(struct dns_question *q)
{
    q->channel_gen = q->st->channel_gen;
    q->st->queries_sent++;
    ares_query(q->st->channel, q->name, DNS_C_IN, q->qtype, on_answer, q);
}

static void unsent_remove(struct dns_state *st, struct dns_question *q)
{
    if (q->unsent)
        TAILQ_REMOVE(&st->unsent, q, unsent_link);
    q->unsent = 0;
}

/* The zero-delay timer: every question of the round onto the wire.  A
 * question nobody waits for any more is dropped instead. */
static void send_unsent(void *arg)
{
    struct dns_state *st = arg;
    struct dns_question *q;

    st->send_timer = NULL;
    while ((q = TAILQ_FIRST(&st->unsent)) != NULL) {
        unsent_remove(st, q);
        if (TAILQ_EMPTY(&q->waiters)) {
            table_remove(st, q);
            question_free(q);
            continue;
        }
        /* c-ares may answer inside ares_query (no server, no memory):
         * on_answer then runs here, like for any answer. */
        send_question(q);
    }
    dns_loop_bound(st);
}

int dns_query_ask(struct dns_state *st, const char *name, int qtype,
                  int fresh, struct dns_waiter *w, struct dns_answer **cached)
{
    struct dns_question *q;

    if (!fresh && st->cache != NULL) {
        struct dns_answer *a = dns_cache_get(st->cache, name, qtype,
                                             st->host->now_ms());

        if (a != NULL) {
            *cached = a;
            return 1;
        }
    }
    q = table_find(st, name, qtype);
    if (q != NULL && q->channel_gen == st->channel_gen) {
        st->queries_coalesced++;
        set_orphan(q, 0);
        w->q = q;
        TAILQ_INSERT_TAIL(&q->waiters, w, link);
        return 0;
    }
    if (st->send_timer == NULL &&
        (st->send_timer = st->host->timer_add(st->p, 0, send_unsent, st)) == NULL)
        return WSATRY_AGAIN;
    if (st->ninflight >= st->inflight_size && table_grow(st) != 0)
        return WSATRY_AGAIN;
    if ((q = rnr_calloc(1, sizeof *q)) == NULL ||
        (q->name = rnr_strdup(name)) == NULL) {
        rnr_free(q);
        return WSATRY_AGAIN;
    }
    q->qtype = qtype;
    q->st = st;
    q->channel_gen = st->channel_gen;
    TAILQ_INIT(&q->waiters);
    q->hnext = st->inflight[bucket(st, name, qtype)];
    st->inflight[bucket(st, name, qtype)] = q;
    st->ninflight++;

    w->q = q;
    TAILQ_INSERT_TAIL(&q->waiters, w, link);
    q->unsent = 1;
    TAILQ_INSERT_TAIL(&st->unsent, q, unsent_link);
    return 0;
}

static int sweep_wanted(const struct dns_state *st)
{
    /* Nothing wanted in flight: a sweep costs nobody anything. */
    if (st->norphans > 0 && st->norphans == st->ninflight)
        return 1;
    return st->norphans >= DNS_SWEEP_MIN && st->norphans * 2 >= st->ninflight &&
           st->nswept_live == 0;
}

static void sweep(void *arg)
{
    struct dns_state *st = arg;

    st->sweep_timer = NULL;
    if (st->channel == NULL || !sweep_wanted(st))
        return;     /* lookups joined them again meanwhile */
    st->sweeping = 1;
    ares_cancel(st->channel);
    st->sweeping = 0;
    dns_loop_kick(st);
}

/* From the loop, not from inside the lookup's end: ares_cancel calls back
 * every question. */
static void sweep_maybe(struct dns_state *st)
{
    if (st->sweep_timer == NULL && sweep_wanted(st))
        st->sweep_timer = st->host->timer_add(st->p, 0, sweep, st);
}

void dns_query_cancel(struct dns_waiter *w)
{
    struct dns_question *q;

    if (w == NULL || (q = w->q) == NULL)
        return;
    TAILQ_REMOVE(&q->waiters, w, link);
    w->q = NULL;
    if (TAILQ_EMPTY(&q->waiters) && !q->unsent) {
        set_orphan(q, 1);
        sweep_maybe(q->st);
    }
}

void dns_query_free_all(struct dns_state *st)
{
    size_t i;

    for (i = 0; i < st->inflight_size; i++) {
        struct dns_question *q = st->inflight[i], *next;

        for (; q != NULL; q = next) {
            next = q->hnext;
            question_free(q);
        }
    }
    TAILQ_INIT(&st->unsent);
    if (st->send_timer != NULL)
        st->host->timer_cancel(st->p, st->send_timer);
    st->send_timer = NULL;
    if (st->sweep_timer != NULL)
        st->host->timer_cancel(st->p, st->sweep_timer);
    st->sweep_timer = NULL;
    st->norphans = 0;
    st->nswept_live = 0;
    rnr_free(st->inflight);
    st->inflight = NULL;
    st->inflight_size = 0;
    st->ninflight = 0;
}
