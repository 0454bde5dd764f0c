/* SPDX-License-Identifier: MIT */
/*
 * netbt provider (NS_NETBT): the ops table, start-up (sockets opened
 * before the privilege drop, netbt_net.c), reload, shutdown (every name
 * released), counters and the received-packet dispatch.
 */
#include "config.h"

#include "netbt.h"
#include "alloc.h"

#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include <rnr/nspids.h>

void netbt_rx(struct netbt_state *st, const uint8_t *buf, size_t len, const struct netbt_rx *rx)
{
    struct nbns_msg m;

    if (nbns_decode(buf, len, &m) != 0) {
        st->stats.malformed++;
        return;
    }
    /* Our own broadcasts come back to us. */
    if (rx->src.sin_port == htons(NBNS_PORT) && netbt_net_is_own(st, rx->src.sin_addr.s_addr)) {
        st->stats.own++;
        return;
    }
    if (m.flags & NBNS_F_RESPONSE)
        (void)netbt_txn_response(st, &m, rx);
    else
        netbt_serve(st, &m, rx);
}

static void netbt_cleanup(void *state)
{
    struct netbt_state *st = state;

    if (st == NULL)
        return;
    netbt_lookup_free_all(st);
    netbt_reg_release_all(st);
    netbt_txn_free_all(st);
    netbt_net_stop(st);
    netbt_cache_free(st->cache);
    rnr_free(st);
}

static int netbt_startup(const struct rnr_nsp_host *host, struct rnr_nsp_provider *p,
                         void **state)
{
    struct netbt_state *st = rnr_calloc(1, sizeof *st);
    int rc;

    if (st == NULL)
        return WSA_NOT_ENOUGH_MEMORY;
    st->host = host;
    st->p = p;
    st->wins.fd = -1;
    if (getrandom(&st->next_id, sizeof st->next_id, 0) != sizeof st->next_id)
        st->next_id = (uint16_t)host->now_ms();
    if ((rc = netbt_conf_read(host, p, &st->conf)) != 0 || (rc = netbt_net_start(st)) != 0)
        goto fail;
    if ((st->cache = netbt_cache_new(st->conf.cache_size)) == NULL) {
        rc = WSA_NOT_ENOUGH_MEMORY;
        goto fail;
    }
    st->replies.tokens = st->conf.reply_rate;
    st->replies.ms = host->now_ms();
    if (st->conf.answer_host_name)
        netbt_reg_host_name(st);
    *state = st;
    return 0;
fail:
    netbt_cleanup(st);
    return rc;
}

/* Everything but the interfaces takes effect; the sockets stay (opening
 * another needs the privileges rnrd no longer has). */
static int netbt_reload(void *state)
{
    struct netbt_state *st = state;
    struct netbt_conf c;
    unsigned k;
    int rc;

    if ((rc = netbt_conf_read(st->host, st->p, &c)) != 0)
        return rc;
    if (c.nifnames != st->conf.nifnames ||
        memcmp(c.ifnames, st->conf.ifnames, sizeof c.ifnames) != 0) {
        st->host->log(st->p, RNR_NSP_LOG_WARNING,
                      "reload: interfaces changed; takes effect at the next restart of rnrd");
        c.nifnames = st->conf.nifnames;
        for (k = 0; k < NETBT_MAX_IFACES; k++)
            memcpy(c.ifnames[k], st->conf.ifnames[k], IF_NAMESIZE);
    }
    if (c.have_wins != st->conf.have_wins)
        st->host->log(st->p, RNR_NSP_LOG_WARNING,
                      "reload: wins-server added or removed; takes effect at the next restart");
    c.have_wins = st->conf.have_wins && c.have_wins;
    if (c.cache_size != st->conf.cache_size) {
        struct netbt_cache *n = netbt_cache_new(c.cache_size);

        if (n == NULL)
            return WSA_NOT_ENOUGH_MEMORY;
        netbt_cache_free(st->cache);
        st->cache = n;
    }
    st->conf = c;
    netbt_cache_flush(st->cache);
    netbt_net_refresh_addrs(st);
    return 0;
}

static void netbt_stats(void *state, void (*emit)(void *ctx, const char *key, uint64_t v),
                        void *ctx)
{
    const struct netbt_state *st = state;
    const struct netbt_stats *s = &st->stats;

    emit(ctx, "rx-packets", s->rx_packets);
    emit(ctx, "tx-packets", s->tx_packets);
    emit(ctx, "tx-errors", s->tx_errors);
    emit(ctx, "malformed", s->malformed);
    emit(ctx, "rate-limited", s->rate_limited);
    emit(ctx, "offlink", s->offlink);
    emit(ctx, "own", s->own);
    emit(ctx, "unknown-opcode", s->unknown_ops);
    emit(ctx, "queries-sent", s->queries_sent);
    emit(ctx, "queries-answered", s->queries_answered);
    emit(ctx, "status-answered", s->status_answered);
    emit(ctx, "lookups", s->lookups);
    emit(ctx, "cache-hits", s->cache_hits);
    emit(ctx, "negative-hits", s->negative_hits);
    emit(ctx, "cache-entries", netbt_cache_count(st->cache));
    emit(ctx, "names", st->nregs);
    emit(ctx, "registered", s->registered);
    emit(ctx, "conflicts", s->conflicts);
    emit(ctx, "defended", s->defended);
    emit(ctx, "refreshed", s->refreshed);
    emit(ctx, "released", s->released);
    emit(ctx, "refused-quota", s->refused_quota);
    emit(ctx, "table-full", s->table_full);
    emit(ctx, "pending", st->ntxns);
}

/* cache-flush: forget every answer heard. */
static int netbt_control(void *state, const char *command, const char *arg)
{
    struct netbt_state *st = state;

    (void)arg;
    if (strcasecmp(command, "cache-flush") != 0)
        return WSAEINVAL;
    netbt_cache_flush(st->cache);
    st->host->answers_changed(st->p);
    return 0;
}

static const struct rnr_nsp_ops netbt_ops = {
    RNR_NSP_OPS_INIT,
    .name = "netbt",
    .display_name = "NetBIOS over TCP/IP",
    .capabilities = RNR_NSP_CAP_REGISTER | RNR_NSP_CAP_SESSION,
    .families = RNR_NSP_AF_INET,
    .default_name_space = NS_NETBT,
    .default_id = RNR_NSPID_NETBT,
    .version = 1,
    .startup = netbt_startup,
    .cleanup = netbt_cleanup,
    .reload = netbt_reload,
    .lookup_begin = netbt_lookup_begin,
    .lookup_cancel = netbt_lookup_cancel,
    .set_service = netbt_set_service,
    .stats = netbt_stats,
    .control = netbt_control,
    .client_closed = netbt_client_closed,
    .config_keys = netbt_keys,
    .check_config = netbt_check_config,
    .privileged_open = netbt_net_privileged_open,
};

RNR_NSP_MODULE(netbt, netbt_ops);
