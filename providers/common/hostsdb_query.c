/* SPDX-License-Identifier: MIT */
/*
 * hostsdb: indexes and queries.
 */
#include "hostsdb_int.h"

#include <string.h>
#include <sys/socket.h>

#include <rnr/winsock2.h>

enum { ITER_NAME = 1, ITER_ADDR };

static const char *str(const struct hostsdb *db, uint32_t off)
{
    return db->arena + off;
}

static unsigned addr_len(int af)
{
    return af == AF_INET ? 4u : 16u;
}

/* The line owning name occurrence n (names are contiguous per line). */
static uint32_t host_of_name(const struct hostsdb *db, uint32_t n)
{
    uint32_t lo = 0, hi = db->nhosts;

    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;

        if (db->hosts[mid].first <= n)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

static uint32_t serv_of_name(const struct hostsdb *db, uint32_t n)
{
    uint32_t lo = 0, hi = db->nservs;

    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;

        if (db->servs[mid].first <= n)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* ---- index callbacks ---- */

static uint32_t hname_hash(const void *ctx, uint32_t n)
{
    const struct hostsdb *db = ctx;

    return hdb_hash_fold(str(db, db->hnames[n]));
}

static int hname_same(const void *ctx, uint32_t a, uint32_t b)
{
    const struct hostsdb *db = ctx;

    return hdb_casecmp(str(db, db->hnames[a]), str(db, db->hnames[b])) == 0;
}

static int hname_match(const void *ctx, uint32_t n, const void *key)
{
    const struct hostsdb *db = ctx;

    return hdb_casecmp(str(db, db->hnames[n]), key) == 0;
}

static uint32_t addr_hash(int af, const void *addr)
{
    return hdb_hash_bytes(addr, addr_len(af), (uint32_t)af);
}

static uint32_t haddr_hash(const void *ctx, uint32_t n)
{
    const struct hostsdb *db = ctx;

    return addr_hash(db->hosts[n].af, db->hosts[n].addr);
}

static int haddr_same(const void *ctx, uint32_t a, uint32_t b)
{
    const struct hostsdb *db = ctx;
    const struct hdb_host *x = &db->hosts[a], *y = &db->hosts[b];

    return x->af == y->af && memcmp(x->addr, y->addr, addr_len(x->af)) == 0;
}

/* The key of an address lookup. */
struct addr_key {
    int            af;
    const uint8_t *addr;
};

static int haddr_match(const void *ctx, uint32_t n, const void *key)
{
    const struct hostsdb *db = ctx;
    const struct addr_key *k = key;

    return db->hosts[n].af == k->af &&
           memcmp(db->hosts[n].addr, k->addr, addr_len(k->af)) == 0;
}

static uint32_t sname_hash(const void *ctx, uint32_t n)
{
    const struct hostsdb *db = ctx;

    return hdb_hash_fold(str(db, db->snames[n]));
}

static int sname_same(const void *ctx, uint32_t a, uint32_t b)
{
    const struct hostsdb *db = ctx;

    return hdb_casecmp(str(db, db->snames[a]), str(db, db->snames[b])) == 0;
}

static int sname_match(const void *ctx, uint32_t n, const void *key)
{
    const struct hostsdb *db = ctx;

    return hdb_casecmp(str(db, db->snames[n]), key) == 0;
}

static uint32_t port_hash(unsigned port)
{
    uint16_t p = (uint16_t)port;

    return hdb_hash_bytes(&p, sizeof p, 0);
}

static uint32_t sport_hash(const void *ctx, uint32_t n)
{
    const struct hostsdb *db = ctx;

    return port_hash(db->servs[n].port);
}

static int sport_same(const void *ctx, uint32_t a, uint32_t b)
{
    const struct hostsdb *db = ctx;

    return db->servs[a].port == db->servs[b].port;
}

static int sport_match(const void *ctx, uint32_t n, const void *key)
{
    const struct hostsdb *db = ctx;

    return db->servs[n].port == *(const unsigned *)key;
}

int hostsdb_build_indexes(struct hostsdb *db)
{
    int rc;

    if ((rc = hdb_index_build(&db->host_by_name, db->nhnames, hname_hash,
                              hname_same, db)) != 0 ||
        (rc = hdb_index_build(&db->host_by_addr, db->nhosts, haddr_hash,
                              haddr_same, db)) != 0 ||
        (rc = hdb_index_build(&db->serv_by_name, db->nsnames, sname_hash,
                              sname_same, db)) != 0 ||
        (rc = hdb_index_build(&db->serv_by_port, db->nservs, sport_hash,
                              sport_same, db)) != 0)
        return rc;
    return 0;
}

/* ---- hosts ---- */

size_t hostsdb_host_count(const struct hostsdb *db)
{
    return db->nhosts;
}

void hostsdb_host_get(const struct hostsdb *db, uint32_t id,
                      struct hostsdb_host *out)
{
    const struct hdb_host *h = &db->hosts[id];

    out->af = h->af;
    out->addr = h->addr;
    out->nnames = h->nnames;
}

const char *hostsdb_host_name(const struct hostsdb *db, uint32_t id,
                              unsigned i)
{
    const struct hdb_host *h = &db->hosts[id];

    return i < h->nnames ? str(db, db->hnames[h->first + i]) : NULL;
}

int hostsdb_find_name(const struct hostsdb *db, const char *name,
                      struct hostsdb_iter *it)
{
    uint32_t n;

    if (name == NULL)
        return 0;
    n = hdb_index_find(&db->host_by_name, hdb_hash_fold(name), hname_match,
                       db, name);
    it->node = n;
    it->last = HDB_NONE;
    it->kind = ITER_NAME;
    return n != HDB_NONE;
}

int hostsdb_find_addr(const struct hostsdb *db, int af, const void *addr,
                      struct hostsdb_iter *it)
{
    struct addr_key k = { af, addr };
    uint32_t n;

    if (af != AF_INET && af != AF_INET6)
        return 0;
    n = hdb_index_find(&db->host_by_addr, addr_hash(af, addr), haddr_match,
                       db, &k);
    it->node = n;
    it->last = HDB_NONE;
    it->kind = ITER_ADDR;
    return n != HDB_NONE;
}

int hostsdb_next(const struct hostsdb *db, struct hostsdb_iter *it,
                 uint32_t *id)
{
    while (it->node != HDB_NONE) {
        uint32_t n = it->node, line;

        if (it->kind == ITER_NAME) {
            line = host_of_name(db, n);
            it->node = hdb_index_next(&db->host_by_name, n);
        } else {
            line = n;
            it->node = hdb_index_next(&db->host_by_addr, n);
        }
        /* "foo foo" on one line chains that line twice in a row. */
        if (line == it->last)
            continue;
        it->last = line;
        *id = line;
        return 1;
    }
    return 0;
}

/* ---- services ---- */

size_t hostsdb_serv_count(const struct hostsdb *db)
{
    return db->nservs;
}

static int proto_ok(const struct hostsdb *db, uint32_t id, const char *proto)
{
    return proto == NULL || hdb_casecmp(str(db, db->servs[id].proto), proto) == 0;
}

int hostsdb_serv_by_name(const struct hostsdb *db, const char *name,
                         const char *proto, uint32_t *id)
{
    uint32_t n;

    n = hdb_index_find(&db->serv_by_name, hdb_hash_fold(name), sname_match,
                       db, name);
    for (; n != HDB_NONE; n = hdb_index_next(&db->serv_by_name, n)) {
        uint32_t s = serv_of_name(db, n);

        if (proto_ok(db, s, proto)) {
            *id = s;
            return 1;
        }
    }
    return 0;
}

int hostsdb_serv_by_port(const struct hostsdb *db, unsigned port,
                         const char *proto, uint32_t *id)
{
    uint32_t n;

    n = hdb_index_find(&db->serv_by_port, port_hash(port), sport_match, db,
                       &port);
    for (; n != HDB_NONE; n = hdb_index_next(&db->serv_by_port, n)) {
        if (proto_ok(db, n, proto)) {
            *id = n;
            return 1;
        }
    }
    return 0;
}

void hostsdb_serv_get(const struct hostsdb *db, uint32_t id,
                      struct hostsdb_serv *out)
{
    const struct hdb_serv *s = &db->servs[id];

    out->name = str(db, db->snames[s->first]);
    out->proto = str(db, s->proto);
    out->port = s->port;
    out->naliases = s->nnames - 1u;
}

const char *hostsdb_serv_alias(const struct hostsdb *db, uint32_t id,
                               unsigned i)
{
    const struct hdb_serv *s = &db->servs[id];

    return i + 1u < s->nnames ? str(db, db->snames[s->first + 1 + i]) : NULL;
}

/* A decimal port 0..65535, digits only. */
static int parse_port(const char *s, unsigned *port)
{
    unsigned v = 0;
    size_t i;

    if (s[0] == '\0' || strlen(s) > 5)
        return 0;
    for (i = 0; s[i] != '\0'; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    if (v > 65535)
        return 0;
    *port = v;
    return 1;
}

int hostsdb_serv_resolve(const struct hostsdb *db, const char *text,
                         uint32_t *id, unsigned *port, const char **proto_out)
{
    char name[HOSTSDB_MAX_NAME + 1];
    const char *slash, *proto = NULL;
    unsigned num;
    uint32_t sid;
    size_t len;

    if (text == NULL)
        return 0;
    slash = strchr(text, '/');
    len = slash != NULL ? (size_t)(slash - text) : strlen(text);
    if (len == 0 || len > HOSTSDB_MAX_NAME)
        return 0;
    memcpy(name, text, len);
    name[len] = '\0';
    if (slash != NULL) {
        proto = slash + 1;
        if (*proto == '\0' || strlen(proto) > HOSTSDB_MAX_PROTO)
            return 0;
    }

    if (parse_port(name, &num)) {
        if (hostsdb_serv_by_port(db, num, proto, &sid)) {
            *id = sid;
            *proto_out = str(db, db->servs[sid].proto);
        } else if (proto == NULL || hdb_casecmp(proto, "tcp") == 0) {
            /* A bare number stands for itself even when unlisted. */
            *id = UINT32_MAX;
            *proto_out = "tcp";
        } else if (hdb_casecmp(proto, "udp") == 0) {
            *id = UINT32_MAX;
            *proto_out = "udp";
        } else {
            return 0;
        }
        *port = num;
        return 1;
    }
    if (!hostsdb_serv_by_name(db, name, proto, &sid))
        return 0;
    *id = sid;
    *port = db->servs[sid].port;
    *proto_out = str(db, db->servs[sid].proto);
    return 1;
}

size_t hostsdb_memory(const struct hostsdb *db)
{
    if (db == NULL)
        return 0;
    return sizeof *db + db->arena_cap +
           (size_t)db->hosts_cap * sizeof *db->hosts +
           (size_t)db->hnames_cap * sizeof *db->hnames +
           (size_t)db->servs_cap * sizeof *db->servs +
           (size_t)db->snames_cap * sizeof *db->snames +
           hdb_index_memory(&db->host_by_name) +
           hdb_index_memory(&db->host_by_addr) +
           hdb_index_memory(&db->serv_by_name) +
           hdb_index_memory(&db->serv_by_port);
}
