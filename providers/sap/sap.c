/* SPDX-License-Identifier: MIT */
/*
 * sap provider (NS_SAP): the ops table, start-up and shutdown, reload,
 * counters, and the SAP ids of installed service classes.
 */
#include "config.h"

#include "sap.h"
#include "alloc.h"
#include "guid.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <rnr/svcguid.h>
#include <rnr/nspids.h>

/* Expiry sweeps, forgetting senders and the drop log run this often. */
#define SAP_SWEEP_MS       250u

uint64_t sap_now(const struct sap_state *st)
{
    return st->host->now_ms();
}

uint64_t sap_wall_ms(void)
{
    struct timespec ts;

    if (clock_gettime(CLOCK_REALTIME, &ts) != 0 || ts.tv_sec < 0)
        return 0;
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* xorshift64*: jitter only, seeded from getrandom. */
uint64_t sap_random(struct sap_state *st)
{
    st->rng ^= st->rng >> 12;
    st->rng ^= st->rng << 25;
    st->rng ^= st->rng >> 27;
    return st->rng * 0x2545F4914F6CDD1Dull;
}

/* ------------------------------------------------------------ classes */

uint16_t sap_class_sap_id(const struct sap_state *st, const GUID *cls)
{
    size_t i;

    if (IS_SVCID_NETWARE(cls))
        return SAPID_FROM_SVCID_NETWARE(cls);
    for (i = 0; i < st->nclasses; i++)
        if (rnr_guid_equal(&st->classes[i].cls, cls))
            return st->classes[i].sap_id;
    return 0;
}

static int sap_remove_class(void *state, const GUID *cls)
{
    struct sap_state *st = state;
    size_t i;

    for (i = 0; i < st->nclasses; i++)
        if (rnr_guid_equal(&st->classes[i].cls, cls)) {
            st->classes[i] = st->classes[--st->nclasses];
            return 0;
        }
    return WSATYPE_NOT_FOUND;
}

/* Only the SapId value matters here (NS_SAP, else NS_ALL); the daemon's
 * class store keeps the class itself. */
static int sap_install_class(void *state, const WSASERVICECLASSINFOA *ci)
{
    struct sap_state *st = state;
    struct sap_classid *v;
    int found = 0;
    uint32_t id = 0;
    DWORD i;

    for (i = 0; i < ci->dwCount; i++) {
        const WSANSCLASSINFOA *n = &ci->lpClassInfos[i];

        if (n->lpszName == NULL || strcasecmp(n->lpszName, SERVICE_TYPE_VALUE_SAPIDA) != 0 ||
            n->dwValueType != REG_DWORD || n->dwValueSize != sizeof(uint32_t) ||
            n->lpValue == NULL || (n->dwNameSpace != NS_SAP && n->dwNameSpace != NS_ALL))
            continue;
        if (found && n->dwNameSpace != NS_SAP)
            continue;
        memcpy(&id, n->lpValue, sizeof id);
        found = 1;
    }
    if (!found || id > 0xFFFFu)
        return 0;
    (void)sap_remove_class(st, ci->lpServiceClassId);
    v = rnr_realloc(st->classes, (st->nclasses + 1) * sizeof *v);
    if (v == NULL)
        return WSA_NOT_ENOUGH_MEMORY;
    st->classes = v;
    v[st->nclasses].cls = *ci->lpServiceClassId;
    v[st->nclasses].sap_id = (uint16_t)id;
    st->nclasses++;
    return 0;
}

/* ------------------------------------------------------------ lifecycle */

/* A sender without entries is remembered until no packet it sent can be
 * fresh any more: stamped at most the window ahead of our clock when we
 * last heard it, a packet stays fresh for one more window. */
static uint64_t sender_keep_ms(const struct sap_conf *c)
{
    return 2ull * c->max_skew_s * 1000u + 1000u;
}

static void sap_expired(void *arg, const struct sap_tentry *e)
{
    sap_notify_gone(arg, e);
}

static void on_sweep(void *arg)
{
    struct sap_state *st = arg;

    st->sweep_timer = NULL;
    st->stats.expired += sap_table_expire_each(st->table, sap_now(st), sap_expired, st);
    (void)sap_table_forget_senders(st->table, sap_now(st));
    sap_rx_log_drops(st);
    st->sweep_timer = st->host->timer_add(st->p, SAP_SWEEP_MS, on_sweep, st);
}

static void sap_cleanup(void *state)
{
    struct sap_state *st = state;

    if (st == NULL)
        return;
    sap_query_cancel_all(st);
    if (st->adv_timer != NULL)
        st->host->timer_cancel(st->p, st->adv_timer);
    if (st->sweep_timer != NULL)
        st->host->timer_cancel(st->p, st->sweep_timer);
    /* A clean stop says goodbye: peers forget us now, not after the TTL. */
    sap_reg_drop_all(st, -1, st->fd4 >= 0 || st->fd6 >= 0);
    sap_net_close(st);
    sap_table_free(st->table);
    rnr_free(st->classes);
    sap_conf_clear(&st->conf);
    rnr_free(st);
}

static int sap_startup(const struct rnr_nsp_host *host, struct rnr_nsp_provider *p,
                       void **state)
{
    struct sap_state *st;
    int rc;

    if ((st = rnr_calloc(1, sizeof *st)) == NULL)
        return WSAENOBUFS;
    st->host = host;
    st->p = p;
    st->fd4 = st->fd6 = -1;
    if ((rc = sap_conf_read(st, &st->conf)) != 0) {
        rc = WSAEPROVIDERFAILEDINIT;
        goto done;
    }
    if (getrandom(&st->sender_id, sizeof st->sender_id, 0) != sizeof st->sender_id ||
        getrandom(&st->rng, sizeof st->rng, 0) != sizeof st->rng) {
        st->host->log(st->p, RNR_NSP_LOG_ERR, "getrandom failed");
        rc = WSAEPROVIDERFAILEDINIT;
        goto done;
    }
    st->rng |= 1;
    st->responses = (struct rnr_bucket){ SAP_RESPONSE_RATE, sap_now(st) };
    st->queries = (struct rnr_bucket){ SAP_QUERY_RATE, sap_now(st) };
    st->start_ms = sap_now(st);
    st->table = sap_table_new(st->conf.max_entries, st->conf.max_per_sender);
    if (st->table == NULL) {
        rc = WSAENOBUFS;
        goto done;
    }
    sap_table_set_sender_keep(st->table, sender_keep_ms(&st->conf));
    if ((rc = sap_net_open(st)) != 0)
        goto done;
    st->sweep_timer = host->timer_add(p, SAP_SWEEP_MS, on_sweep, st);
    if (st->sweep_timer == NULL) {
        rc = WSAENOBUFS;
        goto done;
    }
    sap_files_load(st);
    sap_reg_start_timer(st);
    st->host->log(st->p, RNR_NSP_LOG_INFO, "port %u, %u interface(s), interval %u s, %s",
                  st->conf.port, st->nifaces, st->conf.interval_s,
                  st->conf.keylen ? "authenticated" : "no key");
    *state = st;
    st = NULL;
    rc = 0;
done:
    sap_cleanup(st);
    return rc;
}

/* What the sockets were opened with stays until a restart, and so does
 * the clock window (widening it under senders already forgotten would
 * make their old packets fresh again); the timing, the bounds and the
 * services directory change now. */
static int sap_reload(void *state)
{
    struct sap_state *st = state;
    struct sap_conf c;
    char *dir;
    int rc;

    if ((rc = sap_conf_read(st, &c)) != 0)
        return rc;
    if (c.port != st->conf.port || c.ipv4 != st->conf.ipv4 || c.ipv6 != st->conf.ipv6 ||
        c.nifnames != st->conf.nifnames || c.max_skew_s != st->conf.max_skew_s ||
        memcmp(c.ifnames, st->conf.ifnames, sizeof c.ifnames) != 0 ||
        c.keylen != st->conf.keylen || memcmp(c.key, st->conf.key, c.keylen) != 0)
        st->host->log(st->p, RNR_NSP_LOG_WARNING, "port, interfaces, ipv4, ipv6, key-file and "
                      "max-clock-skew take effect at the next start");
    dir = c.services_dir;
    c.services_dir = NULL;
    rnr_free(st->conf.services_dir);
    st->conf.services_dir = dir;
    st->conf.reply_window_ms = c.reply_window_ms;
    st->conf.max_entries = c.max_entries;
    st->conf.max_per_sender = c.max_per_sender;
    /* Quotas bind the next registration; what is registered stays. */
    st->conf.trust_all = c.trust_all;
    st->conf.quota_entries = c.quota_entries;
    st->conf.quota_bytes = c.quota_bytes;
    sap_table_set_limits(st->table, c.max_entries, c.max_per_sender);
    if (c.interval_s != st->conf.interval_s) {
        st->conf.interval_s = c.interval_s;
        sap_reg_start_timer(st);
    }
    sap_conf_clear(&c);
    sap_files_load(st);
    return 0;
}

static void sap_stats(void *state, void (*emit_stat)(void *ctx, const char *key, uint64_t value),
                      void *ctx)
{
    const struct sap_state *st = state;
    const struct sap_stats *s = &st->stats;

    emit_stat(ctx, "registrations", st->nregs);
    emit_stat(ctx, "table-entries", sap_table_count(st->table));
    emit_stat(ctx, "table-bytes", sap_table_memory(st->table));
    emit_stat(ctx, "interfaces", st->nifaces);
    emit_stat(ctx, "rx-packets", s->rx_packets);
    emit_stat(ctx, "tx-packets", s->tx_packets);
    emit_stat(ctx, "tx-errors", s->tx_errors);
    emit_stat(ctx, "dropped-malformed", s->drop_malformed);
    emit_stat(ctx, "dropped-own", s->drop_own);
    emit_stat(ctx, "dropped-auth", s->drop_auth);
    emit_stat(ctx, "dropped-offlink", s->drop_offlink);
    emit_stat(ctx, "dropped-version", s->drop_version);
    emit_stat(ctx, "dropped-late", s->drop_late);
    emit_stat(ctx, "dropped-stale", s->drop_stale);
    emit_stat(ctx, "dropped-duplicate", s->drop_duplicate);
    emit_stat(ctx, "senders", sap_table_senders(st->table));
    emit_stat(ctx, "table-full", s->table_full);
    emit_stat(ctx, "expired", s->expired);
    emit_stat(ctx, "withdrawn", s->withdrawn);
    emit_stat(ctx, "queries-sent", s->queries_sent);
    emit_stat(ctx, "queries-answered", s->queries_answered);
    emit_stat(ctx, "responses-rate-limited", s->responses_limited);
    emit_stat(ctx, "queries-rate-limited", s->queries_limited);
    emit_stat(ctx, "lookups", s->lookups);
    emit_stat(ctx, "untrusted-withheld", s->withheld);
    emit_stat(ctx, "refused-quota", s->refused_quota);
    emit_stat(ctx, "refused-key", s->refused_key);
}

static const struct rnr_nsp_ops sap_ops = {
    RNR_NSP_OPS_INIT,
    .name = "sap",
    .display_name = "SAP-like dynamic name space (UDP)",
    .capabilities = RNR_NSP_CAP_WILDCARDS | RNR_NSP_CAP_REGISTER | RNR_NSP_CAP_SESSION |
                    RNR_NSP_CAP_NOTIFY,
    .families = RNR_NSP_AF_INET | RNR_NSP_AF_INET6,
    .default_name_space = NS_SAP,
    .default_id = RNR_NSPID_SAP,
    .version = 1,
    .startup = sap_startup,
    .cleanup = sap_cleanup,
    .reload = sap_reload,
    .lookup_begin = sap_query_begin,
    .lookup_cancel = sap_query_cancel,
    .set_service = sap_reg_set_service,
    .install_class = sap_install_class,
    .remove_class = sap_remove_class,
    .stats = sap_stats,
    .client_closed = sap_reg_client_closed,
    .config_keys = sap_config_keys,
    .check_config = sap_check_config,
};

RNR_NSP_MODULE(sap, sap_ops);
