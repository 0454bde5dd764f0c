/* SPDX-License-Identifier: MIT */
/*
 * Operations requests (nsp/wire_ops.h): STATUS and STATS for everyone,
 * CONTROL, RELOAD and ADMIN for admins (root or admin-group) only.
 */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "anscache.h"
#include "log.h"
#include "nspcall.h"
#include "rnrd.h"
#include "status.h"
#include "wire_ops.h"

static uint32_t prov_state(const struct rnr_nsp_provider *p)
{
    if (!p->enabled)
        return RNR_OPS_PROV_DISABLED;
    return rnrd_nsp_running(p) ? RNR_OPS_PROV_STARTED : RNR_OPS_PROV_INACTIVE;
}

static uint64_t uptime_ms(const struct rnrd *d)
{
    uint64_t now = rnrd_stats_now_us() / 1000u;

    return now > d->stats.start_ms ? now - d->stats.start_ms : 0;
}

static int ops_status(struct rnrd_client *c, uint32_t id, struct rnr_rbuf *r)
{
    struct rnrd *d = c->d;
    struct rnr_wbuf *w;
    size_t i;

    if (rnr_rbuf_finish(r) != 0)
        return -1;
    w = rnrd_reply_begin(c, RNR_MSG_STATUS, id);
    rnr_wire_put_string(w, PACKAGE_VERSION);
    rnr_wire_put_u32(w, (uint32_t)getpid());
    rnr_wire_put_u64(w, uptime_ms(d));
    rnr_wire_put_u32(w, (uint32_t)d->nprovs);
    for (i = 0; i < d->nprovs; i++) {
        const struct rnr_nsp_provider *p = d->provs[i];

        rnr_wire_put_string(w, p->name);
        rnr_wire_put_string(w, p->module);
        rnr_wire_put_string(w, p->display_name ? p->display_name : p->name);
        rnr_wire_put_u32(w, prov_state(p));
        rnr_wire_put_guid(w, &p->id);
        rnr_wire_put_u32(w, p->name_space);
    }
    rnrd_reply_end(c, RNR_MSG_STATUS, id);
    return 0;
}

/* ------------------------------------------------------------ STATS */

/* Where a provider's figures go while its stats slot runs. */
struct figure_sink {
    struct rnr_wbuf               *w;
    const struct rnr_nsp_provider *p;
    uint32_t                       n;
};

static void figure_emit(void *ctx, const char *key, uint64_t value)
{
    struct figure_sink *fs = ctx;

    if (!rnr_ops_key_ok(key)) {
        log_debug("provider %s: stats key '%.80s' is not [a-z0-9._-]{1,%u}; dropped",
                  fs->p->name, key ? key : "(null)", RNR_OPS_MAX_KEY);
        return;
    }
    if (fs->n >= RNR_OPS_MAX_FIGURES)
        return;
    rnr_wire_put_figure(fs->w, key, value);
    fs->n++;
}

static void fig(struct rnr_wbuf *w, uint32_t *n, const char *key, uint64_t value)
{
    rnr_wire_put_figure(w, key, value);
    (*n)++;
}

static void put_daemon_figures(struct rnr_wbuf *w, const struct rnrd *d)
{
    const struct rnrd_client *c;
    uint64_t open = 0, started = 0;
    size_t i;

    TAILQ_FOREACH(c, &d->clients, link)
        open += c->nlookups;
    for (i = 0; i < d->nprovs; i++)
        started += rnrd_nsp_running(d->provs[i]) != 0;
    struct rnr_anscache_stats as;
    uint64_t now_ms = rnrd_stats_now_us() / 1000u;
    uint32_t n = 0;
    size_t at;

    memset(&as, 0, sizeof as);
    if (d->answers != NULL)
        rnr_anscache_stats(d->answers, &as);
    /* The count goes first: patched once the figures are in. */
    at = w->len;
    rnr_wire_put_u32(w, 0);
    fig(w, &n, "uptime-ms", uptime_ms(d));
    /* What the counters below cover: since startup or the last reset. */
    fig(w, &n, "stats-age-ms", now_ms > d->stats.reset_ms ? now_ms - d->stats.reset_ms : 0);
    fig(w, &n, "clients", d->nclients);
    fig(w, &n, "clients-total", d->stats.clients_total);
    fig(w, &n, "clients-dropped", d->stats.clients_dropped);
    fig(w, &n, "clients-refused", d->stats.clients_refused);
    /* The one in force: RLIMIT_NOFILE may have lowered it (server.c). */
    fig(w, &n, "max-clients", d->limits.max_clients < d->fd_max_clients
                                  ? d->limits.max_clients : d->fd_max_clients);
    fig(w, &n, "max-clients-per-uid", d->limits.max_clients_per_uid);
    fig(w, &n, "reserved-admin-clients", d->limits.reserved_admin_clients);
    fig(w, &n, "clients-timed-out", d->stats.clients_timed_out);
    fig(w, &n, "memory-used", d->mem_used);
    fig(w, &n, "memory-limit", d->limits.memory_limit);
    fig(w, &n, "max-memory-per-uid", d->limits.max_memory_per_uid);
    fig(w, &n, "requests-nobufs", d->stats.nobufs);
    /* rnrctl directory export pages by container below it. */
    fig(w, &n, "max-results-per-lookup", d->limits.max_results_per_lookup);
    fig(w, &n, "lookups-open", open);
    fig(w, &n, "lookups-total", d->stats.lookups_total);
    fig(w, &n, "lookups-paused", d->stats.lookups_paused);
    fig(w, &n, "subscriptions", d->stats.subscriptions);
    fig(w, &n, "changes-sent", d->stats.changes_sent);
    fig(w, &n, "changes-dropped", d->stats.changes_dropped);
    fig(w, &n, "frames-in", d->stats.frames_in);
    fig(w, &n, "frames-out", d->stats.frames_out);
    fig(w, &n, "reloads", d->stats.reloads);
    fig(w, &n, "reload-errors", d->stats.reload_errors);
    /* RNR_NSP_LOG_*: err 0 .. debug 4; rnrctl log-level names it. */
    fig(w, &n, "log-level", (uint64_t)rnrd_log_get_level());
    fig(w, &n, "providers", d->nprovs);
    fig(w, &n, "providers-started", started);
    fig(w, &n, "answer-cache-bytes", as.bytes);
    fig(w, &n, "answer-cache-entries", as.entries);
    /* As the clients report them (CACHE_REPORT): rnrctl adds the rate. */
    fig(w, &n, "answer-cache-hits", d->stats.answer_hits);
    fig(w, &n, "answer-cache-misses", d->stats.answer_misses);
    fig(w, &n, "answers-stored", d->stats.answers_stored);
    fig(w, &n, "answers-evicted", as.evicted);
    fig(w, &n, "answer-cache-invalidations", as.invalidations);
    if (w->error == 0)
        rnr_le32_store(w->data + at, n);
}

static int ops_stats(struct rnrd_client *c, uint32_t id, struct rnr_rbuf *r)
{
    struct rnrd *d = c->d;
    struct rnr_wbuf *w;
    size_t i;

    if (rnr_rbuf_finish(r) != 0)
        return -1;
    w = rnrd_reply_begin(c, RNR_MSG_STATS, id);
    put_daemon_figures(w, d);
    rnr_wire_put_u32(w, (uint32_t)d->nprovs);
    for (i = 0; i < d->nprovs; i++) {
        struct rnr_nsp_provider *p = d->provs[i];
        const struct rnrd_pstats *s = &p->stats;
        struct figure_sink fs = { w, p, 0 };
        size_t at;

        rnr_wire_put_string(w, p->name);
        rnr_wire_put_u64(w, s->lookups);
        rnr_wire_put_u64(w, s->results);
        rnr_wire_put_u64(w, s->errors);
        rnr_wire_put_u64(w, s->samples);
        rnr_wire_put_u64(w, rnrd_pstats_percentile(s, 50));
        rnr_wire_put_u64(w, rnrd_pstats_percentile(s, 90));
        rnr_wire_put_u64(w, rnrd_pstats_percentile(s, 99));
        /* The count goes before figures not counted yet: patched below. */
        at = w->len;
        rnr_wire_put_u32(w, 0);
        rnrd_nsp_stats(p, figure_emit, &fs);
        if (w->error == 0)
            rnr_le32_store(w->data + at, fs.n);
    }
    rnrd_reply_end(c, RNR_MSG_STATS, id);
    return 0;
}

/* ------------------------------------------------------------ CONTROL */

static int control_one(struct rnrd_client *c, struct rnr_nsp_provider *p, const char *cmd,
                       const char *arg)
{
    int st = rnrd_nsp_control(p, cmd, arg);

    log_notice("control: uid %ld: %s %s%s%s: %s", (long)c->caller.uid, p->name, cmd,
               arg ? " " : "", arg ? arg : "", st == 0 ? "done" : rnr_status_text(st));
    return st;
}

/* Which failure to report when no provider accepted: anything but
 * "unknown command" first, since it says more. */
static int control_worse(int a, int b)
{
    if (a == 0 || (a == WSAEINVAL && b != 0))
        return b;
    return a;
}

static int ops_control(struct rnrd_client *c, uint32_t id, struct rnr_rbuf *r)
{
    struct rnrd *d = c->d;
    char *prov = NULL, *cmd = NULL, *arg = NULL;
    struct rnr_nsp_provider **done = NULL;
    int *sts = NULL, rc = 0, ok = 0, worst = 0, st;
    size_t i, n = 0;
    struct rnr_wbuf *w;

    if (rnr_wire_get_string(r, RNR_OPS_MAX_TEXT, &prov) != 0 ||
        rnr_wire_get_string(r, RNR_OPS_MAX_COMMAND, &cmd) != 0 ||
        rnr_wire_get_string(r, RNR_OPS_MAX_TEXT, &arg) != 0 || rnr_rbuf_finish(r) != 0 ||
        cmd == NULL || cmd[0] == '\0') {
        rc = -1;
        goto done;
    }
    if (!c->caller.is_admin) {
        rnrd_reply_status(c, RNR_MSG_CONTROL, id, WSAEACCES);
        goto done;
    }
    /* Only now: a refused command has no side effect, not even on the
     * answer cache.  Before the providers act, as a command may change
     * what they answer. */
    rnrd_answers_changed(d);
    done = rnr_calloc(d->nprovs ? d->nprovs : 1, sizeof *done);
    sts = rnr_calloc(d->nprovs ? d->nprovs : 1, sizeof *sts);
    if (done == NULL || sts == NULL) {
        rnrd_reply_status(c, RNR_MSG_CONTROL, id, WSA_NOT_ENOUGH_MEMORY);
        goto done;
    }
    /* Nothing to ask: no such provider, or none able. */
    worst = prov != NULL ? WSAEINVAL : WSAEOPNOTSUPP;
    for (i = 0; i < d->nprovs; i++) {
        struct rnr_nsp_provider *p = d->provs[i];

        if (prov != NULL && strcmp(p->name, prov) != 0)
            continue;
        if ((st = rnrd_nsp_control_ready(p)) != 0) {
            if (prov != NULL)
                worst = st;
            continue;
        }
        sts[n] = control_one(c, p, cmd, arg);
        if (sts[n] == 0)
            ok = 1;
        worst = control_worse(n == 0 ? 0 : worst, sts[n]);
        done[n++] = p;
    }
    if (!ok) {
        rnrd_reply_status(c, RNR_MSG_CONTROL, id, worst);
        goto done;
    }
    w = rnrd_reply_begin(c, RNR_MSG_CONTROL, id);
    rnr_wire_put_u32(w, (uint32_t)n);
    for (i = 0; i < n; i++) {
        rnr_wire_put_string(w, done[i]->name);
        rnr_wire_put_u32(w, (uint32_t)sts[i]);
    }
    rnrd_reply_end(c, RNR_MSG_CONTROL, id);
done:
    rnr_free(done);
    rnr_free(sts);
    rnr_free(prov);
    rnr_free(cmd);
    rnr_free(arg);
    return rc;
}

/* ------------------------------------------------------------ RELOAD */

static int ops_reload(struct rnrd_client *c, uint32_t id, struct rnr_rbuf *r)
{
    int st;

    if (rnr_rbuf_finish(r) != 0)
        return -1;
    if (!c->caller.is_admin) {
        rnrd_reply_status(c, RNR_MSG_RELOAD, id, WSAEACCES);
        return 0;
    }
    rnrd_answers_changed(c->d);
    log_notice("reload requested by uid %ld (pid %ld)", (long)c->caller.uid,
               (long)c->caller.pid);
    st = rnrd_reload(c->d);
    rnrd_reply_status(c, RNR_MSG_RELOAD, id, st);
    return 0;
}

/* ------------------------------------------------------------ ADMIN */

/* Counters back to zero; gauges (clients open, memory, cache entries)
 * are not counters and stay.  Providers count their own figures: those
 * with a control slot are asked to reset them too, and one that does not
 * know the command keeps them (its stats say so by not dropping). */
static void stats_reset(struct rnrd *d)
{
    uint64_t start = d->stats.start_ms, subs = d->stats.subscriptions;
    size_t i;

    memset(&d->stats, 0, sizeof d->stats);
    d->stats.start_ms = start;
    d->stats.subscriptions = subs;     /* a gauge: closing one decrements it */
    d->stats.reset_ms = rnrd_stats_now_us() / 1000u;
    if (d->answers != NULL)
        rnr_anscache_stats_reset(d->answers);
    for (i = 0; i < d->nprovs; i++) {
        struct rnr_nsp_provider *p = d->provs[i];

        memset(&p->stats, 0, sizeof p->stats);
        (void)rnrd_nsp_control(p, RNR_OPS_ADMIN_STATS_RESET, NULL);
    }
}

static int ops_admin(struct rnrd_client *c, uint32_t id, struct rnr_rbuf *r)
{
    char *cmd = NULL, *arg = NULL;
    int rc = 0, st = 0, lvl;

    if (rnr_wire_get_string(r, RNR_OPS_MAX_COMMAND, &cmd) != 0 ||
        rnr_wire_get_string(r, RNR_OPS_MAX_TEXT, &arg) != 0 || rnr_rbuf_finish(r) != 0 ||
        cmd == NULL || cmd[0] == '\0') {
        rc = -1;
        goto done;
    }
    if (!c->caller.is_admin) {
        st = WSAEACCES;
    } else if (strcmp(cmd, RNR_OPS_ADMIN_STATS_RESET) == 0 && arg == NULL) {
        stats_reset(c->d);
        log_notice("statistics reset by uid %ld (pid %ld)", (long)c->caller.uid,
                   (long)c->caller.pid);
    } else if (strcmp(cmd, RNR_OPS_ADMIN_LOG_LEVEL) == 0 &&
               (lvl = rnrd_log_level_parse(arg)) >= 0) {
        /* Logged under whichever level lets it through, the old or the
         * new, so that a change shows in the log either way. */
        if (rnrd_log_enabled(RNR_NSP_LOG_NOTICE)) {
            log_notice("log level set to %s by uid %ld (pid %ld)", arg, (long)c->caller.uid,
                       (long)c->caller.pid);
            rnrd_log_set_level(lvl);
        } else {
            rnrd_log_set_level(lvl);
            log_notice("log level set to %s by uid %ld (pid %ld)", arg, (long)c->caller.uid,
                       (long)c->caller.pid);
        }
    } else {
        st = WSAEINVAL;    /* unknown command, or a bad argument */
    }
    rnrd_reply_status(c, RNR_MSG_ADMIN, id, st);
done:
    rnr_free(cmd);
    rnr_free(arg);
    return rc;
}

int rnrd_ops_request(struct rnrd_client *c, const struct rnr_wire_hdr *h, struct rnr_rbuf *r)
{
    switch (h->type) {
    case RNR_MSG_STATUS:  return ops_status(c, h->id, r);
    case RNR_MSG_STATS:   return ops_stats(c, h->id, r);
    case RNR_MSG_CONTROL: return ops_control(c, h->id, r);
    case RNR_MSG_RELOAD:  return ops_reload(c, h->id, r);
    case RNR_MSG_ADMIN:   return ops_admin(c, h->id, r);
    default:              return -1;
    }
}
