/* SPDX-License-Identifier: MIT */
/*
 * [provider netbt]: the keys, their deeper checks, and reading them.
 * rnrd checked every value against its declared type before anything
 * starts; what is left here is what a type cannot say (an interface
 * list, an IPv4 WINS server, a scope id).
 */
#include "config.h"

#include "netbt.h"
#include "confkey.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const node_types[] = { "b", "p", "m", "h", NULL };

const struct rnr_nsp_key netbt_keys[] = {
    { "interfaces", RNR_NSP_KEY_STRING, 0, 0, NULL,
      "interfaces to broadcast on and answer on (comma-separated; none: WINS only)" },
    { "wins-server", RNR_NSP_KEY_HOSTPORTS, 0, 1, NULL,
      "the WINS server (an IPv4 address, port 137 unless given)" },
    { "scope", RNR_NSP_KEY_STRING, 0, 0, NULL, "NetBIOS scope id (default: none)" },
    { "node-type", RNR_NSP_KEY_ENUM, 0, 0, node_types,
      "b: broadcast, p: WINS, m: broadcast then WINS, h: WINS then broadcast (default)" },
    { "timeout-ms", RNR_NSP_KEY_UINT, 50, 60000, NULL, "wait per attempt (default 750)" },
    { "retries", RNR_NSP_KEY_UINT, 1, 10, NULL, "attempts per name and server (default 3)" },
    { "name-ttl", RNR_NSP_KEY_UINT, 60, 3000000, NULL,
      "seconds registered names live (default 300000)" },
    { "answer-host-name", RNR_NSP_KEY_BOOL, 0, 0, NULL,
      "claim and answer for the host name <00> and <20> (default no)" },
    { "max-names", RNR_NSP_KEY_UINT, 1, 4096, NULL, "registered names at most (default 64)" },
    { "quota-names", RNR_NSP_KEY_UINT, 0, 4096, NULL,
      "names one user (not root or admin) may register (default 8)" },
    { "cache-size", RNR_NSP_KEY_UINT, 0, 65536, NULL, "cached answers at most (default 1024)" },
    { "reply-rate", RNR_NSP_KEY_UINT, 1, 100000, NULL,
      "replies per second to other nodes, overall (default 100)" },
    { "source-reply-rate", RNR_NSP_KEY_UINT, 1, 100000, NULL,
      "replies per second to one source address (default 10)" },
    { NULL, 0, 0, 0, NULL, NULL }
};

int netbt_conf_ifnames(const char *v, char names[][IF_NAMESIZE], unsigned *n)
{
    const char *s, *cur = v;
    size_t len;

    *n = 0;
    while (v != NULL && (s = rnr_confkey_item(&cur, &len)) != NULL) {
        if (len >= IF_NAMESIZE || *n == NETBT_MAX_IFACES)
            return -1;
        memcpy(names[*n], s, len);
        names[*n][len] = '\0';
        (*n)++;
    }
    return 0;
}

static int wins_parse(const char *v, struct sockaddr_in *out)
{
    char host[64];
    unsigned port = 0;
    int v6 = 0;

    memset(out, 0, sizeof *out);
    if (rnr_confkey_hostport(v, strlen(v), host, sizeof host, &v6, &port) != 0 || v6 ||
        inet_pton(AF_INET, host, &out->sin_addr) != 1)
        return -1;
    out->sin_family = AF_INET;
    out->sin_port = htons((uint16_t)(port != 0 ? port : NBNS_PORT));
    return 0;
}

void netbt_check_config(const struct rnr_nsp_check *chk)
{
    char names[NETBT_MAX_IFACES][IF_NAMESIZE];
    struct sockaddr_in sin;
    const char *v;
    unsigned n;

    v = chk->get(chk->ctx, "interfaces");
    if (v != NULL && netbt_conf_ifnames(v, names, &n) != 0)
        chk->error(chk->ctx, "interfaces", "at most %u names of fewer than %u characters",
                   NETBT_MAX_IFACES, IF_NAMESIZE);
    v = chk->get(chk->ctx, "wins-server");
    if (v != NULL && v[0] != '\0' && wins_parse(v, &sin) != 0)
        chk->error(chk->ctx, "wins-server", "'%s' is not an IPv4 address", v);
    v = chk->get(chk->ctx, "scope");
    if (v != NULL && !nbns_scope_valid(v))
        chk->error(chk->ctx, "scope", "'%s' is not a scope id (dotted labels of letters, "
                   "digits, '-' and '_', 63 characters each, %u in all)", v, NBNS_MAX_SCOPE);
}

static unsigned get_uint(const struct rnr_nsp_host *host, struct rnr_nsp_provider *p,
                         const char *key, unsigned def)
{
    const char *v = host->config_get(p, key);
    const struct rnr_nsp_key *k = rnr_confkey_find(netbt_keys, key);
    uint64_t n;

    if (v == NULL || k == NULL || rnr_confkey_uint(v, k->min, k->max, &n) != 0)
        return def;
    return (unsigned)n;
}

int netbt_conf_read(const struct rnr_nsp_host *host, struct rnr_nsp_provider *p,
                    struct netbt_conf *c)
{
    const char *v;
    int b;

    memset(c, 0, sizeof *c);
    if (netbt_conf_ifnames(host->config_get(p, "interfaces"), c->ifnames, &c->nifnames) != 0) {
        host->log(p, RNR_NSP_LOG_ERR, "interfaces: too many, or a name too long");
        return WSAEINVAL;
    }
    v = host->config_get(p, "wins-server");
    if (v != NULL && v[0] != '\0') {
        if (wins_parse(v, &c->wins) != 0) {
            host->log(p, RNR_NSP_LOG_ERR, "wins-server = %s: not an IPv4 address", v);
            return WSAEINVAL;
        }
        c->have_wins = 1;
    }
    v = host->config_get(p, "scope");
    if (v != NULL && !nbns_scope_valid(v)) {
        host->log(p, RNR_NSP_LOG_ERR, "scope = %s: not a scope id", v);
        return WSAEINVAL;
    }
    snprintf(c->scope, sizeof c->scope, "%s", v != NULL ? v : "");
    v = host->config_get(p, "node-type");
    c->node_type = v == NULL ? NETBT_NODE_H
                   : strcasecmp(v, "b") == 0 ? NETBT_NODE_B
                   : strcasecmp(v, "p") == 0 ? NETBT_NODE_P
                   : strcasecmp(v, "m") == 0 ? NETBT_NODE_M : NETBT_NODE_H;
    c->timeout_ms = get_uint(host, p, "timeout-ms", NETBT_DEFAULT_TIMEOUT);
    c->retries = get_uint(host, p, "retries", NETBT_DEFAULT_RETRIES);
    c->name_ttl = get_uint(host, p, "name-ttl", NETBT_DEFAULT_TTL);
    v = host->config_get(p, "answer-host-name");
    c->answer_host_name = v != NULL && rnr_confkey_bool(v, &b) == 0 && b;
    c->max_names = get_uint(host, p, "max-names", NETBT_DEFAULT_MAX_NAMES);
    c->quota = get_uint(host, p, "quota-names", NETBT_DEFAULT_QUOTA);
    c->cache_size = get_uint(host, p, "cache-size", NETBT_DEFAULT_CACHE);
    c->reply_rate = get_uint(host, p, "reply-rate", NETBT_DEFAULT_RATE);
    c->source_rate = get_uint(host, p, "source-reply-rate", NETBT_DEFAULT_SRC_RATE);
    return 0;
}
