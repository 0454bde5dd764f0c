/* SPDX-License-Identifier: MIT */
/*
 * dns provider (NS_DNS) on c-ares: the ops table, the lifecycle, stats
 * and control commands.  Lookups are in dns_lookup.c; see dns.h for the
 * map of the other files.
 */
#include "dns.h"
#include "alloc.h"
#include "hash.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

/* Service names in query strings ("ftp/tcp") come from the services
 * file, as for the hosts and local providers (never NSS: rnrd may be
 * what NSS asks). */
static int load_services(struct dns_state *st, const char *path,
                         struct hostsdb **out)
{
    if (hostsdb_load(NULL, path, HOSTSDB_MISSING_OK, st->host->log, st->p, out) != 0) {
        st->host->log(st->p, RNR_NSP_LOG_ERR, "cannot load %s", path);
        return WSAEINVAL;
    }
    return 0;
}

static void dns_cleanup(void *state)
{
    struct dns_state *st = state;

    if (st == NULL)
        return;
    dns_lookup_cancel_all(st);
    if (st->channel != NULL)
        ares_destroy(st->channel);   /* frees every question */
    st->channel = NULL;
    dns_loop_stop(st);
    dns_query_free_all(st);
    dns_cache_free(st->cache);
    dns_search_free(st->search, st->nsearch);
    hostsdb_free(st->services);
    dns_conf_clear(&st->conf);
    rnr_free(st);
    ares_library_cleanup();
}

static void log_settings(struct dns_state *st)
{
    char servers[512] = "";
    struct ares_addr_port_node *list = NULL, *n;

    if (ares_get_servers_ports(st->channel, &list) == ARES_SUCCESS) {
        for (n = list; n != NULL; n = n->next) {
            char a[64];
            size_t len = strlen(servers);

            inet_ntop(n->family, &n->addr, a, sizeof a);
            snprintf(servers + len, sizeof servers - len,
                     n->family == AF_INET6 ? "%s[%s]:%d" : "%s%s:%d",
                     len > 0 ? " " : "", a, n->udp_port ? n->udp_port : 53);
        }
        ares_free_data(list);
    }
    st->host->log(st->p, RNR_NSP_LOG_INFO, "servers %s; ndots %d; %zu search domain(s); "
                  "cache %zu entries", servers[0] != '\0' ? servers : "(none)",
                  st->ndots, st->nsearch, st->conf.cache.size);
}

static int dns_startup(const struct rnr_nsp_host *host,
                       struct rnr_nsp_provider *p, void **state)
{
    struct dns_state *st;
    int rc;

    if (ares_library_init(ARES_LIB_INIT_ALL) != ARES_SUCCESS)
        return WSAEPROVIDERFAILEDINIT;
    st = rnr_calloc(1, sizeof *st);
    if (st == NULL) {
        ares_library_cleanup();
        return WSAENOBUFS;
    }
    st->host = host;
    st->p = p;
    st->inflight_seed = rnr_hash_seed();
    TAILQ_INIT(&st->lookups);
    TAILQ_INIT(&st->unsent);
    if ((rc = dns_conf_read(st, &st->conf)) != 0 ||
        (rc = load_services(st, st->conf.services_file, &st->services)) != 0 ||
        (rc = dns_channel_open(st, &st->conf, &st->channel, &st->ndots, &st->try_ms,
                               &st->search, &st->nsearch)) != 0)
        goto done;
    if ((st->cache = dns_cache_new(&st->conf.cache)) == NULL) {
        rc = WSAENOBUFS;
        goto done;
    }
    log_settings(st);
    *state = st;
    st = NULL;
done:
    dns_cleanup(st);
    return rc;
}

/* SIGHUP: a new channel from the new section (and a changed resolv.conf);
 * questions in flight are asked again on it, the cache keeps its answers. */
static int dns_reload(void *state)
{
    struct dns_state *st = state;
    struct dns_conf conf;
    struct hostsdb *services = NULL;
    ares_channel ch = NULL, old;
    char **search = NULL;
    size_t nsearch = 0;
    int ndots = 1, try_ms = 0, rc;

    if ((rc = dns_conf_read(st, &conf)) != 0)
        return rc;
    if ((rc = load_services(st, conf.services_file, &services)) != 0 ||
        (rc = dns_channel_open(st, &conf, &ch, &ndots, &try_ms, &search, &nsearch)) != 0 ||
        (rc = dns_cache_set_conf(st->cache, &conf.cache)) != 0)
        goto done;
    old = st->channel;
    st->channel = ch;
    st->channel_gen++;
    ch = NULL;
    st->reloading = 1;
    ares_cancel(old);     /* each question re-asks on the new channel */
    ares_destroy(old);
    st->reloading = 0;
    dns_conf_clear(&st->conf);
    st->conf = conf;
    memset(&conf, 0, sizeof conf);
    dns_search_free(st->search, st->nsearch);
    st->search = search;
    st->nsearch = nsearch;
    st->ndots = ndots;
    st->try_ms = try_ms;
    search = NULL;
    hostsdb_free(st->services);
    st->services = services;
    services = NULL;
    dns_loop_stop(st);
    dns_loop_kick(st);
    log_settings(st);
done:
    if (ch != NULL)
        ares_destroy(ch);
    dns_search_free(search, nsearch);
    hostsdb_free(services);
    dns_conf_clear(&conf);
    return rc;
}

/* Keys documented for `rnrctl stats` (doc/providers/dns in the report). */
static void dns_stats(void *state,
                      void (*emit_stat)(void *ctx, const char *key, uint64_t value),
                      void *ctx)
{
    const struct dns_state *st = state;
    struct dns_cache_stats cs;

    dns_cache_get_stats(st->cache, &cs);
    emit_stat(ctx, "cache-hits", cs.hits);
    emit_stat(ctx, "cache-misses", cs.misses);
    emit_stat(ctx, "cache-evictions", cs.evictions);
    emit_stat(ctx, "cache-expired", cs.expired);
    emit_stat(ctx, "cache-inserts", cs.inserts);
    emit_stat(ctx, "cache-flushed", cs.flushed);
    emit_stat(ctx, "cache-entries", cs.entries);
    emit_stat(ctx, "lookups", st->lookups_total);
    emit_stat(ctx, "lookups-in-flight", st->nlookups);
    emit_stat(ctx, "lookups-cancelled", st->cancelled);
    emit_stat(ctx, "queries-sent", st->queries_sent);
    emit_stat(ctx, "queries-coalesced", st->queries_coalesced);
    emit_stat(ctx, "queries-in-flight", st->ninflight);
    emit_stat(ctx, "queries-dropped", st->queries_dropped);
    emit_stat(ctx, "answers", st->answers);
    emit_stat(ctx, "timeouts", st->timeouts);
    emit_stat(ctx, "servfails", st->servfails);
}

static int dns_control(void *state, const char *command, const char *arg)
{
    struct dns_state *st = state;
    char name[DNS_MAX_NAME];
    size_t n;

    if (command != NULL && strcmp(command, "stats-reset") == 0 && arg == NULL) {
        /* Counters only: what is in flight or cached is not a count. */
        dns_cache_reset_stats(st->cache);
        st->lookups_total = st->queries_sent = st->queries_coalesced = 0;
        st->answers = st->timeouts = st->servfails = st->cancelled = 0;
        st->queries_dropped = 0;
        return 0;
    }
    if (command == NULL || strcmp(command, "cache-flush") != 0)
        return WSAEINVAL;
    if (arg != NULL && arg[0] != '\0') {
        if (dns_name_normalise(arg, name, sizeof name) != 0)
            return WSAEINVAL;
        n = dns_cache_flush(st->cache, name);
        st->host->log(st->p, RNR_NSP_LOG_INFO, "cache flush %s: %zu entr%s", name, n,
                      n == 1 ? "y" : "ies");
    } else {
        n = dns_cache_flush(st->cache, NULL);
        st->host->log(st->p, RNR_NSP_LOG_INFO, "cache flushed: %zu entr%s", n,
                      n == 1 ? "y" : "ies");
    }
    return 0;
}

static const struct rnr_nsp_ops dns_ops = {
    RNR_NSP_OPS_INIT,
    .name = "dns",
    .display_name = "Domain Name System (c-ares)",
    .capabilities = 0,
    .families = RNR_NSP_AF_INET | RNR_NSP_AF_INET6,
    .default_name_space = NS_DNS,
    .default_id = RNR_NSPID_DNS,
    .version = 1,
    .startup = dns_startup,
    .cleanup = dns_cleanup,
    .reload = dns_reload,
    .lookup_begin = dns_lookup_begin,
    .lookup_cancel = dns_lookup_cancel,
    /* "In the DNS name space, WSASetService is a no-op" (API reference):
     * the zone is the administrator's, not the client's. */
    .set_service = rnr_nsp_set_service_nop,
    .stats = dns_stats,
    .control = dns_control,
    .config_keys = dns_config_keys,
    .check_config = dns_check_config,
};

RNR_NSP_MODULE(dns, dns_ops);
