/* SPDX-License-Identifier: MIT */
/*
 * Lookups.  Life of a sub-lookup:
 *   IDLE -> RUNNING (lookup_begin) -> DONE (finish, or begin failed)
 * The client ending the lookup cancels RUNNING ones through the provider's
 * lookup_cancel.  A provider without lookup_cancel that has not finished
 * yet leaves an orphan behind: detached from the lookup, kept on the
 * provider's list until it calls finish() (or goes away), so a late
 * finish() never touches freed memory.
 *
 * Every provider call on a sub-lookup is checked against the set of live
 * ones before the pointer is dereferenced.
 */
#include "config.h"

#include <string.h>

#include "alloc.h"
#include "guid.h"
#include "log.h"
#include "nspcall.h"
#include "lookup.h"
#include "queryset.h"
#include "router.h"
#include "status.h"
#include "subscribe.h"

static struct rnrd_ptrset live_subs;

void rnrd_lookups_init(void)
{
    memset(&live_subs, 0, sizeof live_subs);
}

void rnrd_lookups_fini(void)
{
    rnrd_ptrset_free(&live_subs);
}

static const char *sub_prov_name(const struct rnr_nsp_lookup *s)
{
    return s->prov != NULL ? s->prov->name : "?";
}

struct rnr_nsp_lookup *rnrd_lookup_check(struct rnr_nsp_lookup *lk, const char *what)
{
    if (lk == NULL || !rnrd_ptrset_has(&live_subs, lk)) {
        log_err("a provider called %s on an unknown or finished lookup", what);
        return NULL;
    }
    return lk;
}

/* Results held for the client: charged to its memory, counted against
 * max-output-per-lookup. */
static void sub_queue_free(struct rnr_nsp_lookup *s)
{
    if (s->parent == NULL)
        return;     /* an orphan's went with its lookup */
    s->parent->queued -= rnrd_buf_pending(&s->queue);
    rnrd_cbuf_free(s->parent->client, &s->queue);
}

static void sub_free(struct rnr_nsp_lookup *s)
{
    if (s == NULL)
        return;
    if (s->prov != NULL)
        TAILQ_REMOVE(&s->prov->lookups, s, plink);
    rnrd_ptrset_del(&live_subs, s);
    sub_queue_free(s);
    rnr_free(s);
}

/* The gathered answer (answers.c) is charged like the buffers; over
 * budget, it is not gathered (the answer is just not stored). */
static void lookup_gather(struct rnrd_lookup *l, const uint8_t *frame, size_t len)
{
    size_t cap;

    if (!l->ans_ok)
        return;
    rnrd_answers_lookup_result(l, frame, len);
    cap = l->ans_val.cap;
    if (cap > l->ans_charged && rnrd_mem_charge(l->client, cap - l->ans_charged, 0) != 0) {
        rnrd_answers_lookup_free(l);
        cap = 0;
    }
    if (cap > l->ans_charged)
        l->ans_charged = cap;
    if (cap < l->ans_charged) {
        rnrd_mem_release(l->client, l->ans_charged - cap);
        l->ans_charged = cap;
    }
}

static void lookup_gather_free(struct rnrd_lookup *l)
{
    rnrd_answers_lookup_free(l);
    rnrd_mem_release(l->client, l->ans_charged);
    l->ans_charged = 0;
}

/* ------------------------------------------------------------ delivery */

static int lookup_status(const struct rnrd_lookup *l)
{
    int st = 0;
    size_t i;

    /* Told, rather than a silently short answer. */
    if (l->cut)
        return WSAENOBUFS;
    if (l->nresults > 0)
        return 0;
    for (i = 0; i < l->nsubs; i++) {
        const struct rnr_nsp_lookup *s = l->subs[i];
        int sst = s->status;

        /* Results were found but every one was filtered away. */
        if (s->emitted > 0 && s->accepted == 0)
            sst = rnr_status_merge(sst, WSANO_DATA);
        st = rnr_status_merge(st, sst);
    }
    return st != 0 ? st : WSA_E_NO_MORE;
}

static void lookup_send_done(struct rnrd_lookup *l)
{
    uint8_t hdr[RNR_WIRE_HDR_LEN];
    struct rnr_wbuf *w = &l->client->d->scratch;

    rnr_wbuf_reset(w);
    rnr_wire_frame_begin(w, RNR_MSG_LOOKUP_DONE, l->handle, (uint32_t)lookup_status(l));
    rnr_wire_frame_end(w, RNR_WIRE_MAX_FRAME);
    if (w->error != 0 || w->len != sizeof hdr) {
        rnrd_client_drop(l->client, "cannot encode LOOKUP_DONE");
        return;
    }
    memcpy(hdr, w->data, sizeof hdr);
    l->done_sent = 1;
    rnrd_answers_lookup_done(l, lookup_status(l));
    lookup_gather_free(l);
    rnrd_client_send(l->client, hdr, sizeof hdr);
}

/* Move sub s's queued results to the client while it reads.  0 when
 * the queue is empty, -1 when the client stopped taking them. */
static int sub_drain(struct rnrd_lookup *l, struct rnr_nsp_lookup *s)
{
    struct rnrd_client *c = l->client;

    while (rnrd_buf_pending(&s->queue) >= RNR_WIRE_HDR_LEN) {
        size_t n = rnrd_le32(rnrd_buf_head(&s->queue));

        if (rnrd_client_throttled(c))
            return -1;
        lookup_gather(l, rnrd_buf_head(&s->queue), n);
        /* Already charged in the queue: moved whatever the budgets. */
        rnrd_client_send(c, rnrd_buf_head(&s->queue), n);
        l->queued -= n;
        rnrd_cbuf_consume(c, &s->queue, n);
        if (c->dead)
            return -1;
    }
    return 0;
}

/* The provider of sub s, paused, may go on: its turn has come, nothing
 * of it waits and the client reads.  What it emits now goes straight to
 * the client; finish() inside it leaves the rest to the caller's loop. */
static void sub_resume(struct rnr_nsp_lookup *s)
{
    struct rnr_nsp_provider *p = s->prov;

    s->paused = 0;
    rnrd_nsp_lookup_resume(p, s);
}

void rnrd_lookup_pump(struct rnrd_lookup *l)
{
    struct rnrd_client *c = l->client;

    /* A provider resumed from here may finish(), which pumps: the loop
     * below sees to it. */
    if (l->done_sent || c->dead || l->pumping)
        return;
    l->pumping = 1;
    while (l->cur < l->nsubs) {
        struct rnr_nsp_lookup *s = l->subs[l->cur];

        if (sub_drain(l, s) != 0)
            goto out;
        if (s->state == SUB_RUNNING && s->paused) {
            if (rnrd_client_throttled(c))
                goto out;
            sub_resume(s);
            if (c->dead)
                goto out;
            continue;   /* what it did: results queued, paused, finished */
        }
        if (s->state != SUB_DONE)
            goto out;
        l->cur++;
    }
    lookup_send_done(l);
out:
    l->pumping = 0;
}

/* A sub-lookup ended with its status: latency and errors for stats. */
static void sub_count_end(const struct rnr_nsp_lookup *s)
{
    struct rnr_nsp_provider *p = s->prov;
    uint64_t now;

    if (p == NULL)
        return;
    now = rnrd_stats_now_us();
    rnrd_pstats_record(&p->stats, now > s->begin_us ? now - s->begin_us : 0);
    if (rnrd_status_is_error(s->status))
        p->stats.errors++;
}

/* ------------------------------------------------------------ emit */

int rnrd_result_view(const struct rnr_nsp_provider *p, const WSAQUERYSETA *q,
                     const WSAQUERYSETA *res, WSAQUERYSETA *view, CSADDR_INFO **kept)
{
    CSADDR_INFO *k;
    DWORD i, n = 0;

    *kept = NULL;
    *view = *res;
    if (view->lpNSProviderId == NULL)
        view->lpNSProviderId = (GUID *)&p->id;
    if (view->dwNameSpace == NS_ALL)
        view->dwNameSpace = p->name_space;
    if (q->dwNumberOfProtocols == 0 || res->dwNumberOfCsAddrs == 0)
        return 0;
    if ((k = rnr_malloc(res->dwNumberOfCsAddrs * sizeof *k)) == NULL)
        return WSAENOBUFS;
    for (i = 0; i < res->dwNumberOfCsAddrs; i++)
        if (rnr_qs_csaddr_matches(&res->lpcsaBuffer[i], q->lpafpProtocols,
                                  q->dwNumberOfProtocols))
            k[n++] = res->lpcsaBuffer[i];
    view->lpcsaBuffer = n > 0 ? k : NULL;
    view->dwNumberOfCsAddrs = n;
    *kept = k;
    return n == 0;
}

/* Apply doc/architecture.md step 4 and encode the result into the scratch
 * buffer.  Returns 1 when a frame is ready, 0 when the result was dropped
 * by the client's restrictions, or a WSA error. */
static int lookup_encode(struct rnrd_lookup *l, const struct rnr_nsp_provider *p,
                         const WSAQUERYSETA *res)
{
    struct rnr_wbuf *w = &l->client->d->scratch;
    const WSAQUERYSETA *q = l->qs;
    WSAQUERYSETA view, masked;
    CSADDR_INFO *kept = NULL;
    int rc;

    if ((res->dwOutputFlags & RESULT_IS_ALIAS) && !(l->flags & LUP_RETURN_ALIASES))
        return 0;
    if (!rnr_qs_version_matches(q->lpVersion, res->lpVersion))
        return 0;
    rc = rnrd_result_view(p, q, res, &view, &kept);
    if (rc != 0) {
        rc = rc == 1 ? 0 : rc;   /* it had addresses and none is left */
        goto done;
    }
    rnr_qs_mask(&masked, &view, l->flags);
    rnr_wbuf_reset(w);
    rnr_wire_frame_begin(w, RNR_MSG_LOOKUP_RESULT, l->handle, 0);
    rnr_wire_put_queryset(w, &masked);
    rnr_wire_frame_end(w, RNR_WIRE_MAX_FRAME);
    if (w->error != 0) {
        log_warning("provider %s: result too large for one frame, dropped", p->name);
        goto done;
    }
    rc = 1;
done:
    rnr_free(kept);
    return rc;
}

/* An output cap refused a result: the lookup ends after what was queued,
 * with WSAENOBUFS, and the provider is told to stop (emit's WSAENOBUFS,
 * as for the result limit).  Nothing of it goes to the answer cache. */
static int lookup_cut(struct rnrd_lookup *l, struct rnr_nsp_lookup *s, const char *cap)
{
    struct rnrd_client *c = l->client;

    s->emitted--;
    l->cut = 1;
    l->ans_ok = 0;
    c->d->stats.nobufs++;
    log_debug("client %u: lookup %u cut short at %zu results by %s (provider %s)", c->serial,
              l->handle, l->nresults, cap, sub_prov_name(s));
    return WSAENOBUFS;
}

int rnrd_lookup_emit(struct rnr_nsp_lookup *s, const WSAQUERYSETA *res)
{
    struct rnrd_lookup *l;
    struct rnrd_client *c;
    struct rnr_wbuf *w;
    int rc;

    if (rnrd_lookup_check(s, "emit") == NULL)
        return WSAENOBUFS;
    if (s->state != SUB_RUNNING || s->parent == NULL) {
        if (s->state != SUB_CANCELLED && s->parent != NULL)
            log_err("provider %s: emit after finish", sub_prov_name(s));
        return WSAENOBUFS;
    }
    l = s->parent;
    c = l->client;
    /* Nobody will read it (the client hung up), or an output cap was
     * reached: the provider stops before anything more is encoded. */
    if (c->dead || l->cut) {
        l->ans_ok = 0;
        return WSAENOBUFS;
    }
    if (res == NULL || rnr_qs_validate(res, 0) != 0) {
        log_warning("provider %s: emitted an invalid result, dropped", sub_prov_name(s));
        return WSAEINVAL;
    }
    if (l->nresults >= c->d->limits.max_results_per_lookup) {
        l->ans_ok = 0;      /* cut short: not the whole answer */
        return WSAENOBUFS;
    }
    s->emitted++;
    rc = lookup_encode(l, s->prov, res);
    if (rc <= 0)
        return rc;
    w = &c->d->scratch;
    if (l->cur == s->index && rnrd_buf_pending(&s->queue) == 0 && !rnrd_client_throttled(c)) {
        /* Straight to the client when nothing has to go before it. */
        if (rnrd_client_queue(c, w->data, w->len) != 0)
            return lookup_cut(l, s, "memory-limit or max-memory-per-uid");
        lookup_gather(l, w->data, w->len);
    } else {
        /* Held for a client that does not read (or for providers before
         * this one): bounded per lookup and by the memory budgets. */
        if (w->len > c->d->limits.max_output_per_lookup - l->queued ||
            l->queued > c->d->limits.max_output_per_lookup)
            return lookup_cut(l, s, "max-output-per-lookup");
        if (rnrd_cbuf_append(c, &s->queue, w->data, w->len, SIZE_MAX, 0) != 0)
            return lookup_cut(l, s, "memory-limit or max-memory-per-uid");
        l->queued += w->len;
    }
    s->accepted++;
    l->nresults++;
    if (s->prov != NULL)
        s->prov->stats.results++;
    /* Rather than hold more of its answer, pause a provider that can be
     * resumed: the client is not reading, or this one's results wait
     * behind a slower provider. */
    if (rnrd_nsp_can_pause(s->prov) &&
        (rnrd_client_throttled(c) || rnrd_buf_pending(&s->queue) >= RNRD_PAUSE_QUEUE)) {
        s->paused = 1;
        c->d->stats.lookups_paused++;
        return RNR_NSP_PAUSED;
    }
    return 0;
}

void rnrd_lookup_reusable(struct rnr_nsp_lookup *s, uint32_t ms)
{
    if (rnrd_lookup_check(s, "lookup_reusable") == NULL || s->state != SUB_RUNNING)
        return;
    if (!s->reusable || ms < s->reusable_ms)
        s->reusable_ms = ms;
    s->reusable = 1;
}

void rnrd_lookup_finish(struct rnr_nsp_lookup *s, int status)
{
    if (rnrd_lookup_check(s, "finish") == NULL)
        return;
    if (s->parent == NULL) {
        sub_free(s);    /* an orphan's provider is done with it at last */
        return;
    }
    if (s->state != SUB_RUNNING) {
        if (s->state != SUB_CANCELLED)
            log_err("provider %s: finish called twice or before lookup_begin",
                    sub_prov_name(s));
        return;
    }
    s->state = SUB_DONE;
    s->status = status;
    sub_count_end(s);
    rnrd_lookup_pump(s->parent);
}

/* ------------------------------------------------------------ begin / end */

static struct rnrd_lookup *lookup_find(struct rnrd_client *c, uint32_t handle)
{
    struct rnrd_lookup *l;

    TAILQ_FOREACH(l, &c->lookups, link)
        if (l->handle == handle)
            return l;
    return NULL;
}

static uint32_t lookup_new_handle(struct rnrd_client *c)
{
    for (;;) {
        uint32_t h = ++c->next_handle;
        if (h != 0 && lookup_find(c, h) == NULL && !rnrd_sub_handle_used(c, h))
            return h;
    }
}

static struct rnrd_lookup *lookup_new(struct rnrd_client *c, WSAQUERYSETA *qs, DWORD flags,
                                      const size_t *idx, size_t n)
{
    struct rnrd *d = c->d;
    struct rnrd_lookup *l;
    size_t i;

    l = rnr_calloc(1, sizeof *l);
    if (l == NULL)
        return NULL;
    l->client = c;
    l->flags = flags;
    l->subs = rnr_calloc(n, sizeof *l->subs);
    if (l->subs == NULL)
        goto fail;
    for (i = 0; i < n; i++) {
        struct rnr_nsp_lookup *s = rnr_calloc(1, sizeof *s);

        if (s == NULL)
            goto fail;
        if (rnrd_ptrset_add(&live_subs, s) != 0) {
            rnr_free(s);
            goto fail;
        }
        s->parent = l;
        s->prov = d->catalog.entries[idx[i]].instance;
        s->index = i;
        s->caller = c->caller;
        TAILQ_INSERT_TAIL(&s->prov->lookups, s, plink);
        l->subs[l->nsubs++] = s;
    }
    l->qs = qs;
    l->handle = lookup_new_handle(c);
    TAILQ_INSERT_TAIL(&c->lookups, l, link);
    c->nlookups++;
    return l;
fail:
    for (i = 0; i < l->nsubs; i++)
        sub_free(l->subs[i]);
    rnr_free(l->subs);
    rnr_free(l);
    return NULL;
}

static void lookup_start(struct rnrd_lookup *l)
{
    size_t i;

    /* Each provider sees the lookup only once the handle reply is queued;
     * finish() from inside lookup_begin is fine: DONE cannot be sent
     * while later subs are still IDLE. */
    for (i = 0; i < l->nsubs; i++) {
        struct rnr_nsp_lookup *s = l->subs[i];
        struct rnr_nsp_provider *p = s->prov;
        int rc;

        s->state = SUB_RUNNING;
        /* Not running, or no lookups: WSASERVICE_NOT_FOUND, uncounted. */
        rc = rnrd_nsp_lookup_ready(p);
        if (rc == 0 && (l->flags & LUP_CONTAINERS) &&
            !(rnrd_nsp_caps(p) & RNR_NSP_CAP_CONTAINERS)) {
            /* WSALookupServiceBegin: "If a name space does not support
             * containers, and LUP_CONTAINERS is specified, it should simply
             * return WSANO_DATA."  Answered here so no provider has to. */
            rc = WSANO_DATA;
        } else if (rc == 0) {
            s->begin_us = rnrd_stats_now_us();
            p->stats.lookups++;
            rc = rnrd_nsp_lookup_begin(p, s, l->qs, l->flags);
            if (rc != 0 && s->state == SUB_RUNNING) {
                s->status = rc;
                sub_count_end(s);
            }
        }
        if (rc != 0) {
            if (s->state == SUB_RUNNING) {
                s->state = SUB_DONE;
                s->status = rc;
            } else {
                log_err("provider %s: lookup_begin failed after finish", p->name);
            }
        }
    }
    rnrd_lookup_pump(l);
}

int rnrd_lookup_request_begin(struct rnrd_client *c, uint32_t id, struct rnr_rbuf *r)
{
    struct rnrd *d = c->d;
    WSAQUERYSETA *qs = NULL;
    struct rnrd_lookup *l;
    size_t *idx = NULL, n = 0, qs_size = 0, charge;
    const uint8_t *body = r->p;
    size_t body_len = r->left;
    uint32_t flags;
    struct rnr_wbuf *w;
    int rc;

    if (rnr_wire_get_u32(r, &flags) != 0 || rnr_wire_get_queryset(r, &qs, &qs_size) != 0 ||
        rnr_rbuf_finish(r) != 0) {
        rnr_free(qs);
        return -1;
    }
    if (rnr_qs_validate(qs, 1) != 0) {
        rc = WSAEINVAL;
        goto fail;
    }
    if (c->nlookups >= d->limits.max_lookups_per_client) {
        rc = WSAEMFILE;
        goto fail;
    }
    idx = rnr_calloc(d->catalog.count ? d->catalog.count : 1, sizeof *idx);
    if (idx == NULL) {
        rc = WSA_NOT_ENOUGH_MEMORY;
        goto fail;
    }
    rc = rnr_router_select_lookup(&d->catalog, qs, idx, &n);
    if (rc == 0 && n == 0)
        rc = WSASERVICE_NOT_FOUND;
    if (rc != 0)
        goto fail;
    /* What an open lookup holds until it is ended: its query, the answer
     * cache key (as large as the request), its parts. */
    charge = sizeof *l + qs_size + body_len + n * (sizeof(struct rnr_nsp_lookup) + sizeof(void *));
    if (rnrd_mem_charge(c, charge, 0) != 0) {
        d->stats.nobufs++;
        rc = WSAENOBUFS;
        goto fail;
    }
    l = lookup_new(c, qs, flags, idx, n);
    if (l == NULL) {
        rnrd_mem_release(c, charge);
        rc = WSA_NOT_ENOUGH_MEMORY;
        goto fail;
    }
    l->charged = charge;
    rnr_free(idx);
    rnrd_answers_lookup_begin(l, body, body_len);
    d->stats.lookups_total++;
    /* Queued whatever the budgets: results will follow under this handle. */
    w = rnrd_reply_begin(c, RNR_MSG_LOOKUP_BEGIN, id);
    rnr_wire_put_u32(w, l->handle);
    rnr_wire_frame_end(w, RNR_WIRE_MAX_FRAME);
    rnrd_client_send(c, w->data, w->len);
    log_debug("client %u: lookup %u begins on %zu provider(s)", c->serial, l->handle, n);
    lookup_start(l);
    return 0;
fail:
    rnr_free(idx);
    rnr_free(qs);
    rnrd_reply_status(c, RNR_MSG_LOOKUP_BEGIN, id, rc);
    return 0;
}

void rnrd_lookup_free(struct rnrd_lookup *l)
{
    size_t i;

    if (l == NULL)
        return;
    for (i = 0; i < l->nsubs; i++) {
        struct rnr_nsp_lookup *s = l->subs[i];
        struct rnr_nsp_provider *p = s->prov;

        if (s->state == SUB_RUNNING && rnrd_nsp_running(p)) {
            p->stats.cancelled++;
            if (rnrd_nsp_can_cancel(p)) {
                s->state = SUB_CANCELLED;
                rnrd_nsp_lookup_cancel(p, s);
            } else {
                /* No way to stop it: let it finish into the void. */
                sub_queue_free(s);
                s->parent = NULL;
                continue;
            }
        }
        sub_free(s);
    }
    lookup_gather_free(l);
    rnrd_mem_release(l->client, l->charged);
    TAILQ_REMOVE(&l->client->lookups, l, link);
    l->client->nlookups--;
    rnr_free(l->subs);
    rnr_free(l->qs);
    rnr_free(l);
}

int rnrd_lookup_request_end(struct rnrd_client *c, uint32_t id, struct rnr_rbuf *r)
{
    struct rnrd_lookup *l;
    uint32_t handle;

    if (rnr_wire_get_u32(r, &handle) != 0 || rnr_rbuf_finish(r) != 0)
        return -1;
    l = lookup_find(c, handle);
    if (l == NULL) {
        /* Or a subscription: they share the handle space. */
        rnrd_reply_status(c, RNR_MSG_LOOKUP_END, id, rnrd_sub_end(c, handle));
        return 0;
    }
    log_debug("client %u: lookup %u ends", c->serial, handle);
    rnrd_lookup_free(l);
    rnrd_reply_status(c, RNR_MSG_LOOKUP_END, id, 0);
    return 0;
}

int rnrd_lookup_handle_used(const struct rnrd_client *c, uint32_t handle)
{
    return lookup_find((struct rnrd_client *)c, handle) != NULL;
}

/* ------------------------------------------------------------ providers */

void rnrd_lookups_detach_provider(struct rnr_nsp_provider *p)
{
    struct rnr_nsp_lookup *s;

    while ((s = TAILQ_FIRST(&p->lookups)) != NULL) {
        struct rnrd_lookup *l = s->parent;

        if (l == NULL) {
            sub_free(s);
            continue;
        }
        if (s->state == SUB_RUNNING && rnrd_nsp_can_cancel(p)) {
            s->state = SUB_CANCELLED;
            rnrd_nsp_lookup_cancel(p, s);
        }
        TAILQ_REMOVE(&p->lookups, s, plink);
        s->prov = NULL;
        if (s->state == SUB_RUNNING || s->state == SUB_CANCELLED || s->state == SUB_IDLE) {
            s->state = SUB_DONE;
            s->status = WSANO_RECOVERY;
        }
        rnrd_lookup_pump(l);
    }
}

void rnrd_lookups_free_orphans(struct rnr_nsp_provider *p)
{
    struct rnr_nsp_lookup *s, *next;

    for (s = TAILQ_FIRST(&p->lookups); s != NULL; s = next) {
        next = TAILQ_NEXT(s, plink);
        if (s->parent == NULL)
            sub_free(s);
    }
}
