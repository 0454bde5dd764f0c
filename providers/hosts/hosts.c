/* SPDX-License-Identifier: MIT */
/*
 * hosts provider (NS_TCPIP_HOSTS): the hosts and services files, indexed
 * in memory (hostsdb), reloaded when they change.  This file holds the
 * ops table and the lifecycle; lookups are in hosts_lookup.c, change
 * detection in hosts_watch.c.
 */
#include "hosts.h"
#include "alloc.h"

#include <stdio.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <string.h>
#include <unistd.h>

#include <rnr/nspids.h>

/* Reads the paths from the configuration into *hosts / *services. */
static int read_config(struct hosts_state *st, char **hosts, char **services)
{
    const char *h = st->host->config_get(st->p, "hosts-file");
    const char *s = st->host->config_get(st->p, "services-file");
    char *hc, *sc;

    hc = rnr_strdup(h != NULL && h[0] != '\0' ? h : HOSTS_DEFAULT_HOSTS_FILE);
    sc = rnr_strdup(s != NULL && s[0] != '\0' ? s : HOSTS_DEFAULT_SERVICES_FILE);
    if (hc == NULL || sc == NULL) {
        rnr_free(hc);
        rnr_free(sc);
        return WSAENOBUFS;
    }
    *hosts = hc;
    *services = sc;
    return 0;
}

static int load(struct hosts_state *st, const char *hosts, const char *services,
                unsigned flags, struct hostsdb **out)
{
    return hostsdb_load(hosts, services, flags, st->host->log, st->p, out);
}

static void swap_db(struct hosts_state *st, struct hostsdb *db)
{
    hostsdb_free(st->db);
    st->db = db;
    /* Answers read from the old files must not be served again. */
    if (st->host->answers_changed != NULL)
        st->host->answers_changed(st->p);
#ifdef __GLIBC__
    /* The old index was built before the new one, so its blocks sit below
     * the new one's on the heap and glibc would keep them: without this a
     * 100,000-entry daemon's RSS doubles after a few reloads. */
    malloc_trim(0);
#endif
    st->host->log(st->p, RNR_NSP_LOG_INFO, "loaded %zu hosts entries from %s, "
                  "%zu services from %s", hostsdb_host_count(db), st->hosts_path,
                  hostsdb_serv_count(db), st->services_path);
}

int hosts_reload_files(struct hosts_state *st, const char *why)
{
    struct hostsdb *db;
    int rc;

    /* A file that vanished mid-replacement keeps the old index until the
     * new one is in place: no HOSTSDB_MISSING_OK here. */
    rc = load(st, st->hosts_path, st->services_path, 0, &db);
    if (rc != 0) {
        st->reload_failures++;
        st->host->log(st->p, RNR_NSP_LOG_WARNING, "reload (%s) failed, keeping the "
                      "previous entries", why);
        return rc;
    }
    st->reloads++;
    swap_db(st, db);
    return 0;
}

static void hosts_cleanup(void *state)
{
    struct hosts_state *st = state;

    if (st == NULL)
        return;
    hosts_watch_stop(st);
    if (st->ifd >= 0) {
        st->host->unwatch_fd(st->p, st->ifd);
        close(st->ifd);
    }
    hostsdb_free(st->db);
    rnr_free(st->hosts_path);
    rnr_free(st->services_path);
    rnr_free(st);
}

static int hosts_startup(const struct rnr_nsp_host *host,
                         struct rnr_nsp_provider *p, void **state)
{
    struct hosts_state *st;
    int rc;

    st = rnr_calloc(1, sizeof *st);
    if (st == NULL)
        return WSAENOBUFS;
    st->host = host;
    st->p = p;
    st->ifd = -1;
    if ((rc = read_config(st, &st->hosts_path, &st->services_path)) != 0)
        goto done;
    /* Like glibc, a missing file is an empty one; it is picked up when it
     * appears. */
    if ((rc = load(st, st->hosts_path, st->services_path, HOSTSDB_MISSING_OK,
                   &st->db)) != 0) {
        st->host->log(st->p, RNR_NSP_LOG_ERR, "cannot load %s / %s", st->hosts_path,
                      st->services_path);
        rc = WSAEPROVIDERFAILEDINIT;
        goto done;
    }
    st->host->log(st->p, RNR_NSP_LOG_INFO, "%zu hosts entries, %zu services",
                  hostsdb_host_count(st->db), hostsdb_serv_count(st->db));
    hosts_watch_start(st);
    *state = st;
    st = NULL;
done:
    hosts_cleanup(st);
    return rc;
}

/* SIGHUP: the paths may have changed. */
static int hosts_reload(void *state)
{
    struct hosts_state *st = state;
    char *hosts, *services;
    struct hostsdb *db;
    int rc;

    if ((rc = read_config(st, &hosts, &services)) != 0)
        return rc;
    rc = load(st, hosts, services, 0, &db);
    if (rc != 0) {
        st->reload_failures++;
        st->host->log(st->p, RNR_NSP_LOG_WARNING, "reload of %s / %s failed, keeping "
                      "the previous entries", hosts, services);
        rnr_free(hosts);
        rnr_free(services);
        return rc;
    }
    rnr_free(st->hosts_path);
    rnr_free(st->services_path);
    st->hosts_path = hosts;
    st->services_path = services;
    st->reloads++;
    swap_db(st, db);
    hosts_watch_start(st);
    return 0;
}

static void hosts_stats(void *state,
                        void (*emit_stat)(void *ctx, const char *key,
                                          uint64_t value),
                        void *ctx)
{
    const struct hosts_state *st = state;

    emit_stat(ctx, "entries", hostsdb_host_count(st->db));
    emit_stat(ctx, "services", hostsdb_serv_count(st->db));
    emit_stat(ctx, "lookups", st->lookups);
    emit_stat(ctx, "reloads", st->reloads);
    emit_stat(ctx, "reload-failures", st->reload_failures);
    emit_stat(ctx, "index-bytes", hostsdb_memory(st->db));
}

static const struct rnr_nsp_key hosts_config_keys[] = {
    { .name = "hosts-file", .type = RNR_NSP_KEY_PATH,
      .help = "hosts file to serve (default " HOSTS_DEFAULT_HOSTS_FILE ")" },
    { .name = "services-file", .type = RNR_NSP_KEY_PATH,
      .help = "services file to serve (default " HOSTS_DEFAULT_SERVICES_FILE ")" },
    { .name = NULL }
};

static const struct rnr_nsp_ops hosts_ops = {
    RNR_NSP_OPS_INIT,
    .name = "hosts",
    .display_name = "Hosts and services files",
    .capabilities = RNR_NSP_CAP_WILDCARDS,
    .families = RNR_NSP_AF_INET | RNR_NSP_AF_INET6,
    .default_name_space = NS_TCPIP_HOSTS,
    .default_id = RNR_NSPID_HOSTS,
    .version = 1,
    .startup = hosts_startup,
    .cleanup = hosts_cleanup,
    .reload = hosts_reload,
    .lookup_begin = hosts_lookup_begin,
    .lookup_cancel = NULL,     /* lookups finish inside lookup_begin */
    /* A static name space: like DNS in the API reference, registering is
     * accepted and changes nothing.  The files are the administrator's to
     * edit, never the daemon's. */
    .set_service = rnr_nsp_set_service_nop,
    .stats = hosts_stats,
    .config_keys = hosts_config_keys,
};

RNR_NSP_MODULE(hosts, hosts_ops);
