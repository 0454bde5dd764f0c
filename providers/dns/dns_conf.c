/* SPDX-License-Identifier: MIT */
/*
 * dns provider: the [provider dns] section, and a c-ares channel built
 * from it.  Whatever the section leaves unset comes from resolv.conf, as
 * c-ares reads it (servers, search, ndots, timeout, attempts).
 */
#include "dns.h"
#include "alloc.h"
#include "confkey.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int bad(struct dns_state *st, const char *key, const char *value,
               const char *why)
{
    st->host->log(st->p, RNR_NSP_LOG_ERR, "%s = %s: %s", key, value, why);
    return WSAEINVAL;
}

/* An unsigned number in [min, max] for `key`; *out untouched when the key
 * is absent. */
static int get_num(struct dns_state *st, const char *key, long min, long max,
                   long *out)
{
    const char *v = st->host->config_get(st->p, key);
    char *end;
    long n;

    if (v == NULL)
        return 0;
    errno = 0;
    n = strtol(v, &end, 10);
    if (errno != 0 || end == v || *end != '\0' || n < min || n > max) {
        char why[64];

        snprintf(why, sizeof why, "not a number from %ld to %ld", min, max);
        return bad(st, key, v, why);
    }
    *out = n;
    return 0;
}

/* One server "ADDR", "ADDR:PORT", "[ADDR6]" or "[ADDR6]:PORT" appended
 * to csv in the form c-ares reads; the syntax is the one rnrd checked
 * the key against (confkey.h). */
static int add_server(const char *item, size_t len, char *csv, size_t cap)
{
    char host[INET6_ADDRSTRLEN + 1], buf[INET6_ADDRSTRLEN + 16];
    unsigned port;
    int v6;

    if (rnr_confkey_hostport(item, len, host, sizeof host, &v6, &port) != 0)
        return -1;
    snprintf(buf, sizeof buf, v6 ? "%s[%s]:%u" : "%s%s:%u",
             csv[0] != '\0' ? "," : "", host, port != 0 ? port : 53u);
    if (strlen(csv) + strlen(buf) >= cap)
        return -1;
    strcat(csv, buf);
    return 0;
}

static int read_servers(struct dns_state *st, struct dns_conf *c)
{
    const char *v = st->host->config_get(st->p, "servers"), *s, *cur = v;
    char csv[DNS_MAX_SERVERS * (INET6_ADDRSTRLEN + 10)];
    unsigned n = 0;
    size_t len;

    if (v == NULL)
        return 0;
    csv[0] = '\0';
    while ((s = rnr_confkey_item(&cur, &len)) != NULL) {
        if (++n > DNS_MAX_SERVERS)
            return bad(st, "servers", v, "too many servers");
        if (add_server(s, len, csv, sizeof csv) != 0)
            return bad(st, "servers", v, "expected ADDRESS[:PORT] or [IPV6]:PORT, "
                       "separated by commas");
    }
    if (n == 0)
        return bad(st, "servers", v, "no server");
    return (c->servers = rnr_strdup(csv)) == NULL ? WSAENOBUFS : 0;
}

/* The search domains of `v` into c (NULL: only checked).  0, WSAENOBUFS,
 * or WSAEINVAL with the reason in *why. */
static int search_parse(const char *v, struct dns_conf *c, const char **why)
{
    char name[DNS_MAX_NAME];
    const char *s, *cur = v;
    unsigned n = 0;
    size_t len;

    while ((s = rnr_confkey_item(&cur, &len)) != NULL) {
        *why = n >= DNS_MAX_SEARCH ? "more than 6 domains"
               : len >= sizeof name ? "domain name too long" : NULL;
        if (*why != NULL)
            return WSAEINVAL;
        memcpy(name, s, len);
        name[len] = '\0';
        if (dns_name_normalise(name, name, sizeof name) != 0 || name[0] == '\0') {
            *why = "not a domain name";
            return WSAEINVAL;
        }
        if (c != NULL) {
            if ((c->search[n] = rnr_strdup(name)) == NULL)
                return WSAENOBUFS;
            c->nsearch = (int)n + 1;
        }
        n++;
    }
    return 0;
}

static int read_search(struct dns_state *st, struct dns_conf *c)
{
    const char *v = st->host->config_get(st->p, "search"), *why = NULL;
    int rc;

    if (v == NULL)
        return 0;
    c->nsearch = 0;
    rc = search_parse(v, c, &why);
    return rc == WSAEINVAL ? bad(st, "search", v, why) : rc;
}

static int dup_key(struct dns_state *st, const char *key, char **out)
{
    const char *v = st->host->config_get(st->p, key);

    if (v == NULL || v[0] == '\0')
        return 0;
    return (*out = rnr_strdup(v)) == NULL ? WSAENOBUFS : 0;
}

void dns_conf_clear(struct dns_conf *c)
{
    int i;

    if (c == NULL)
        return;
    rnr_free(c->servers);
    for (i = 0; i < c->nsearch; i++)
        rnr_free(c->search[i]);
    rnr_free(c->resolv_conf);
    rnr_free(c->services_file);
    memset(c, 0, sizeof *c);
}

int dns_conf_read(struct dns_state *st, struct dns_conf *out)
{
    struct dns_conf c;
    long ndots = -1, tmo = -1, tries = -1;
    long size = DNS_CACHE_DEFAULT_SIZE, minttl = DNS_CACHE_DEFAULT_MIN_TTL;
    long maxttl = DNS_CACHE_DEFAULT_MAX_TTL, neg = DNS_CACHE_DEFAULT_NEG_TTL;
    long fail = DNS_CACHE_DEFAULT_FAIL_TTL;
    int rc;

    memset(&c, 0, sizeof c);
    c.nsearch = -1;
    if ((rc = read_servers(st, &c)) != 0 || (rc = read_search(st, &c)) != 0 ||
        (rc = get_num(st, "ndots", 0, 15, &ndots)) != 0 ||
        (rc = get_num(st, "timeout-ms", 1, 60000, &tmo)) != 0 ||
        (rc = get_num(st, "attempts", 1, 10, &tries)) != 0 ||
        (rc = get_num(st, "cache-size", 0, DNS_CACHE_MAX_SIZE, &size)) != 0 ||
        (rc = get_num(st, "cache-min-ttl", 0, 604800, &minttl)) != 0 ||
        (rc = get_num(st, "cache-max-ttl", 0, 604800, &maxttl)) != 0 ||
        (rc = get_num(st, "negative-ttl", 0, 604800, &neg)) != 0 ||
        (rc = get_num(st, "servfail-ttl", 0, 3600, &fail)) != 0 ||
        (rc = dup_key(st, "resolv-conf", &c.resolv_conf)) != 0 ||
        (rc = dup_key(st, "services-file", &c.services_file)) != 0)
        goto done;
    if (minttl > maxttl) {
        rc = bad(st, "cache-min-ttl", "...", "larger than cache-max-ttl");
        goto done;
    }
    if (c.services_file == NULL &&
        (c.services_file = rnr_strdup(DNS_DEFAULT_SERVICES_FILE)) == NULL) {
        rc = WSAENOBUFS;
        goto done;
    }
    c.ndots = (int)ndots;
    c.timeout_ms = (int)tmo;
    c.attempts = (int)tries;
    c.cache.size = (size_t)size;
    c.cache.min_ttl = (uint32_t)minttl;
    c.cache.max_ttl = (uint32_t)maxttl;
    c.cache.negative_ttl = (uint32_t)neg;
    c.cache.servfail_ttl = (uint32_t)fail;
    *out = c;
    memset(&c, 0, sizeof c);
done:
    dns_conf_clear(&c);
    return rc;
}

void dns_search_free(char **search, size_t n)
{
    size_t i;

    if (search == NULL)
        return;
    for (i = 0; i < n; i++)
        rnr_free(search[i]);
    rnr_free(search);
}

/* The search settings and first-try timeout the channel ended up with. */
static int effective_opts(ares_channel ch, int *ndots, int *try_ms, char ***search,
                          size_t *nsearch)
{
    struct ares_options o;
    char **list = NULL, name[DNS_MAX_NAME];
    size_t n = 0;
    int mask, i, rc = WSAENOBUFS;

    if (ares_save_options(ch, &o, &mask) != ARES_SUCCESS)
        return WSAENOBUFS;
    list = rnr_calloc(DNS_MAX_SEARCH + 1, sizeof *list);
    if (list == NULL)
        goto done;
    for (i = 0; i < o.ndomains && n < DNS_MAX_SEARCH; i++) {
        if (dns_name_normalise(o.domains[i], name, sizeof name) != 0 ||
            name[0] == '\0')
            continue;
        if ((list[n] = rnr_strdup(name)) == NULL)
            goto done;
        n++;
    }
    *ndots = o.ndots;
    *try_ms = (mask & ARES_OPT_TIMEOUTMS) ? o.timeout : 0;
    *search = list;
    *nsearch = n;
    list = NULL;
    rc = 0;
done:
    dns_search_free(list, n);
    ares_destroy_options(&o);
    return rc;
}

int dns_channel_open(struct dns_state *st, const struct dns_conf *conf,
                     ares_channel *out, int *ndots, int *try_ms, char ***search,
                     size_t *nsearch)
{
    struct ares_options o;
    ares_channel ch = NULL;
    int mask = ARES_OPT_SOCK_STATE_CB | ARES_OPT_FLAGS, ars, rc;

    memset(&o, 0, sizeof o);
    /* Sockets stay open between questions: a busy daemon would otherwise
     * open one per burst.  NOCHECKRESP: c-ares 1.18 turns SERVFAIL,
     * REFUSED and NOTIMP into ECONNREFUSED when it gives up on a server,
     * which would hide what the server said (WSATRY_AGAIN or
     * WSANO_RECOVERY); the price is no move to the next server on them. */
    o.flags = ARES_FLAG_STAYOPEN | ARES_FLAG_NOCHECKRESP;
    o.sock_state_cb = dns_sock_state_cb;
    o.sock_state_cb_data = st;
    if (conf->ndots >= 0) {
        mask |= ARES_OPT_NDOTS;
        o.ndots = conf->ndots;
    }
    if (conf->timeout_ms >= 0) {
        mask |= ARES_OPT_TIMEOUTMS;
        o.timeout = conf->timeout_ms;
    }
    if (conf->attempts >= 0) {
        mask |= ARES_OPT_TRIES;
        o.tries = conf->attempts;
    }
    if (conf->nsearch >= 0) {
        mask |= ARES_OPT_DOMAINS;
        o.domains = (char **)(uintptr_t)conf->search;
        o.ndomains = conf->nsearch;
    }
    if (conf->resolv_conf != NULL) {
        mask |= ARES_OPT_RESOLVCONF;
        o.resolvconf_path = conf->resolv_conf;
    }
    ars = ares_init_options(&ch, &o, mask);
    if (ars != ARES_SUCCESS) {
        st->host->log(st->p, RNR_NSP_LOG_ERR, "c-ares: %s", ares_strerror(ars));
        return WSAEPROVIDERFAILEDINIT;
    }
    if (conf->servers != NULL &&
        (ars = ares_set_servers_ports_csv(ch, conf->servers)) != ARES_SUCCESS) {
        st->host->log(st->p, RNR_NSP_LOG_ERR, "servers %s: %s", conf->servers,
                      ares_strerror(ars));
        rc = WSAEINVAL;
        goto done;
    }
    if ((rc = effective_opts(ch, ndots, try_ms, search, nsearch)) != 0)
        goto done;
    *out = ch;
    ch = NULL;
done:
    if (ch != NULL)
        ares_destroy(ch);
    return rc;
}

/* ------------------------------------------------------------ declared keys */

/* Checks what the types cannot: the search domains' syntax, and the TTL
 * bounds against each other. */
void dns_check_config(const struct rnr_nsp_check *chk)
{
    const char *v = chk->get(chk->ctx, "search"), *why = NULL;
    const char *lo = chk->get(chk->ctx, "cache-min-ttl");
    const char *hi = chk->get(chk->ctx, "cache-max-ttl");
    uint64_t min = DNS_CACHE_DEFAULT_MIN_TTL, max = DNS_CACHE_DEFAULT_MAX_TTL;

    if (v != NULL && search_parse(v, NULL, &why) != 0)
        chk->error(chk->ctx, "search", "'%s': %s", v, why);
    if ((lo == NULL || rnr_confkey_uint(lo, 0, UINT32_MAX, &min) == 0) &&
        (hi == NULL || rnr_confkey_uint(hi, 0, UINT32_MAX, &max) == 0) && min > max)
        chk->error(chk->ctx, lo != NULL ? "cache-min-ttl" : "cache-max-ttl",
                   "%llu is larger than cache-max-ttl (%llu)", (unsigned long long)min,
                   (unsigned long long)max);
}

const struct rnr_nsp_key dns_config_keys[] = {
    { .name = "resolv-conf", .type = RNR_NSP_KEY_PATH,
      .help = "resolv.conf to read what is not set here from (default /etc/resolv.conf)" },
    { .name = "servers", .type = RNR_NSP_KEY_HOSTPORTS, .max = DNS_MAX_SERVERS,
      .help = "name servers, ADDRESS[:PORT] or [IPV6]:PORT, separated by commas" },
    { .name = "search", .type = RNR_NSP_KEY_STRING,
      .help = "search domains (at most 6), separated by blanks or commas" },
    { .name = "ndots", .type = RNR_NSP_KEY_UINT, .min = 0, .max = 15,
      .help = "dots in a name before it is tried as absolute first" },
    { .name = "timeout-ms", .type = RNR_NSP_KEY_UINT, .min = 1, .max = 60000,
      .help = "first try of a server; doubled on later rounds" },
    { .name = "attempts", .type = RNR_NSP_KEY_UINT, .min = 1, .max = 10,
      .help = "rounds over the servers" },
    { .name = "services-file", .type = RNR_NSP_KEY_PATH,
      .help = "services database for query strings (default /etc/services)" },
    { .name = "cache-size", .type = RNR_NSP_KEY_UINT, .min = 0, .max = DNS_CACHE_MAX_SIZE,
      .help = "cached answers at most; 0: no cache" },
    { .name = "cache-min-ttl", .type = RNR_NSP_KEY_UINT, .min = 0, .max = 604800,
      .help = "seconds an answer is kept at least" },
    { .name = "cache-max-ttl", .type = RNR_NSP_KEY_UINT, .min = 0, .max = 604800,
      .help = "seconds an answer is kept at most" },
    { .name = "negative-ttl", .type = RNR_NSP_KEY_UINT, .min = 0, .max = 604800,
      .help = "seconds a negative answer without SOA is kept" },
    { .name = "servfail-ttl", .type = RNR_NSP_KEY_UINT, .min = 0, .max = 3600,
      .help = "seconds SERVFAIL and REFUSED are kept" },
    { .name = NULL }
};
