/* SPDX-License-Identifier: MIT */
/*
 * hosts provider: answering queries from the index.  Every lookup is
 * answered completely inside lookup_begin (emit..., finish).
 *
 * Name lookups mimic glibc's nss_files with "multi on" (Debian's
 * default), which a differential test compares against: every line that
 * carries the name (as canonical name or alias) is merged into one host,
 * named after the first such line of the hostent's family; h_aliases are
 * that line's aliases followed, for each later line, by its aliases and
 * then its canonical name unless strcmp-equal to the host's name,
 * duplicates kept; addresses in file order, duplicates kept.  For an
 * AF_INET hostent glibc's parser reads "::ffff:a.b.c.d" as a.b.c.d and
 * "::1" as 127.0.0.1, and so do we (the CSADDRs keep the file's
 * addresses where the query allows their family).  Reverse lookups, like
 * glibc's, answer from the first line owning the address (then one
 * result per further distinct canonical name).
 */
#include "hosts.h"
#include "hostres.h"
#include "hdb_index.h"
#include "alloc.h"
#include "blob.h"
#include "queryset.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static const GUID g_hostname = SVCID_HOSTNAME;
static const GUID g_byname = SVCID_INET_HOSTADDRBYNAME;
static const GUID g_bystring = SVCID_INET_HOSTADDRBYINETSTRING;
static const GUID g_service = SVCID_INET_SERVICEBYNAME;

static int guid_eq(const GUID *a, const GUID *b)
{
    return memcmp(a, b, sizeof *a) == 0;
}

/* A port class: SVCID_TCP(port) / SVCID_UDP(port) without an RR type
 * (SVCID_DNS(rr) classes share the TCP prefix and are not ours). */
static int is_port_class(const GUID *g)
{
    return (IS_SVCID_TCP(g) || IS_SVCID_UDP(g)) && RR_FROM_SVCID(g) == 0;
}

static int empty(const char *s)
{
    return s == NULL || s[0] == '\0';
}

static const uint8_t loopback4[4] = { 127, 0, 0, 1 };

static int is_v4mapped(const struct hostsdb_host *h)
{
    static const uint8_t prefix[12] = { [10] = 0xff, [11] = 0xff };

    return h->af == AF_INET6 && memcmp(h->addr, prefix, sizeof prefix) == 0;
}

static int is_loopback6(const struct hostsdb_host *h)
{
    static const uint8_t lo[16] = { [15] = 1 };

    return h->af == AF_INET6 && memcmp(h->addr, lo, sizeof lo) == 0;
}

/* The address line h has in a hostent of family af, as glibc's hosts
 * parser reads it: for AF_INET an IPv4-mapped line is its IPv4 address
 * and "::1" is 127.0.0.1; other IPv6 lines are not there (NULL). */
static const uint8_t *hostent_addr(const struct hostsdb_host *h, int af)
{
    if (h->af == af)
        return h->addr;
    if (af == AF_INET && is_v4mapped(h))
        return h->addr + 12;
    if (af == AF_INET && is_loopback6(h))
        return loopback4;
    return NULL;
}

/* The CSADDR address of line h for the query: its own when the query
 * allows its family (a mapped one as IPv4 when IPv4 is allowed), else its
 * IPv4 form when that is allowed.  Returns the family, or 0 when the
 * query does not see the line. */
static int cs_addr(const struct hr_query *q, const struct hostsdb_host *h,
                   const uint8_t **addr)
{
    const uint8_t *v4 = hostent_addr(h, AF_INET);

    if (v4 != NULL && q->allow4 &&
        (h->af == AF_INET || is_v4mapped(h) || !q->allow6)) {
        *addr = v4;
        return AF_INET;
    }
    if (hr_family_allowed(q, h->af)) {
        *addr = h->addr;
        return h->af;
    }
    return 0;
}

static int add_cs(struct hr_result *r, const struct hr_query *q,
                  const struct hostsdb_host *h)
{
    const uint8_t *a;
    int af = cs_addr(q, h, &a);

    return af == 0 ? 0 : hr_add_addr_roles(r, af, a, 0, HR_CSADDR);
}

/* Emits one host made of lines ids[0..n) (file order): the CSADDRs are
 * the lines' addresses, the hostent is what glibc's gethostbyname
 * builds from them (see the top of this file).  Returns 0, WSANO_DATA
 * (no line of an allowed family) or WSAENOBUFS (stop). */
static int emit_lines(struct hosts_state *st, struct rnr_nsp_lookup *lk,
                      const struct hr_query *q, const GUID *cls,
                      const uint32_t *ids, size_t n)
{
    const struct hostsdb *db = st->db;
    struct hostsdb_host h;
    struct hr_result r;
    const uint8_t *ha4;
    int has4 = 0, has6 = 0, af, rc = 0;
    size_t i;
    unsigned k;

    for (i = 0; i < n; i++) {
        hostsdb_host_get(db, ids[i], &h);
        has4 |= hostent_addr(&h, AF_INET) != NULL;
        has6 |= h.af == AF_INET6;
    }
    af = hr_primary_family(q, has4, has6);
    if (af == 0)
        return WSANO_DATA;
    hr_init(&r, NULL, af);
    for (i = 0; i < n && rc == 0; i++) {
        const uint8_t *ha;

        hostsdb_host_get(db, ids[i], &h);
        rc = add_cs(&r, q, &h);
        ha = hostent_addr(&h, af);
        if (ha != NULL && rc == 0) {
            const char *canon = hostsdb_host_name(db, ids[i], 0);

            rc = hr_add_addr_roles(&r, af, ha, 0, HR_BLOB);
            for (k = 1; k < h.nnames && rc == 0; k++)
                rc = hr_add_alias(&r, hostsdb_host_name(db, ids[i], k));
            /* glibc: a later line's own name joins the aliases unless it
             * is, byte for byte, the first line's. */
            if (r.name == NULL)
                r.name = canon;
            else if (rc == 0 && strcmp(r.name, canon) != 0)
                rc = hr_add_alias(&r, canon);
        }
    }
    /* Alias results: every other name of the lines the query sees, once. */
    for (i = 0; i < n && rc == 0; i++) {
        hostsdb_host_get(db, ids[i], &h);
        if (hostent_addr(&h, af) == NULL && cs_addr(q, &h, &ha4) == 0)
            continue;
        for (k = 0; k < h.nnames && rc == 0; k++)
            rc = hr_add_alias_result(&r, hostsdb_host_name(db, ids[i], k));
    }
    if (rc == 0)
        rc = hr_emit(st->host, lk, q, cls, &r);
    hr_clear(&r);
    return rc;
}

static int by_name(struct hosts_state *st, struct rnr_nsp_lookup *lk,
                   const struct hr_query *q, const GUID *cls, const char *name)
{
    struct hostsdb_iter it;
    uint32_t *ids, id;
    size_t n = 0;
    int rc;

    if (!hostsdb_find_name(st->db, name, &it))
        return WSAHOST_NOT_FOUND;
    ids = rnr_malloc(HOSTS_MAX_MERGE * sizeof *ids);
    if (ids == NULL)
        return WSANO_RECOVERY;
    while (n < HOSTS_MAX_MERGE && hostsdb_next(st->db, &it, &id))
        ids[n++] = id;
    rc = emit_lines(st, lk, q, cls, ids, n);
    rnr_free(ids);
    return rc == WSAENOBUFS ? 0 : rc;
}

static int line_matches(const struct hostsdb *db, uint32_t id,
                        const char *pattern)
{
    struct hostsdb_host h;
    unsigned k;

    hostsdb_host_get(db, id, &h);
    for (k = 0; k < h.nnames; k++)
        if (rnr_wildcard_match(pattern, hostsdb_host_name(db, id, k)))
            return 1;
    return 0;
}

/* Collects the lines after `from` (inclusive) whose canonical name is
 * that of `from` and that match the pattern; marks them done. */
static size_t collect_group(const struct hostsdb *db, uint32_t from,
                            const char *pattern, uint8_t *done,
                            uint32_t *ids)
{
    const char *canon = hostsdb_host_name(db, from, 0);
    struct hostsdb_iter it;
    uint32_t id;
    size_t n = 0;

    if (!hostsdb_find_name(db, canon, &it))
        return 0;
    while (n < HOSTS_MAX_MERGE && hostsdb_next(db, &it, &id)) {
        if (id < from || (done[id / 8] & (1u << (id % 8))))
            continue;
        if (hdb_casecmp(hostsdb_host_name(db, id, 0), canon) != 0 ||
            !line_matches(db, id, pattern))
            continue;
        done[id / 8] |= (uint8_t)(1u << (id % 8));
        ids[n++] = id;
    }
    return n;
}

/* '*' / '?' in the name: one result per distinct canonical name among
 * the matching lines, in file order. */
static int by_pattern(struct hosts_state *st, struct rnr_nsp_lookup *lk,
                      const struct hr_query *q, const GUID *cls,
                      const char *pattern)
{
    const struct hostsdb *db = st->db;
    size_t nhosts = hostsdb_host_count(db), n;
    uint8_t *done = rnr_calloc(nhosts / 8 + 1, 1);
    uint32_t *ids = rnr_malloc(HOSTS_MAX_MERGE * sizeof *ids);
    int rc = WSAHOST_NOT_FOUND, erc;
    uint32_t id;

    if (done == NULL || ids == NULL) {
        rc = WSANO_RECOVERY;
        goto done;
    }
    for (id = 0; id < nhosts; id++) {
        if ((done[id / 8] & (1u << (id % 8))) || !line_matches(db, id, pattern))
            continue;
        n = collect_group(db, id, pattern, done, ids);
        if (n == 0)
            continue;
        erc = emit_lines(st, lk, q, cls, ids, n);
        if (erc == WSAENOBUFS) {
            rc = 0;
            break;
        }
        if (erc == 0)
            rc = 0;
        else if (rc != 0)
            rc = WSANO_DATA;   /* matched, but not in the families asked */
    }
done:
    rnr_free(done);
    rnr_free(ids);
    return rc;
}

static int hosts_by_name(struct hosts_state *st, struct rnr_nsp_lookup *lk,
                         const WSAQUERYSETA *qs, const char *name)
{
    struct hr_query q;
    int rc;

    if ((rc = hr_query_init(&q, qs, st->db)) != 0)
        return rc;
    if (strpbrk(name, "*?") != NULL)
        return by_pattern(st, lk, &q, qs->lpServiceClassId, name);
    return by_name(st, lk, &q, qs->lpServiceClassId, name);
}

/* Parses an address text; a scope suffix ("fe80::1%eth0") is ignored,
 * the files carry none. */
static int parse_addr(const char *text, int *af, uint8_t addr[16])
{
    char buf[INET6_ADDRSTRLEN + 1];
    size_t len = strcspn(text, "%");

    if (len >= sizeof buf)
        return 0;
    memcpy(buf, text, len);
    buf[len] = '\0';
    if (text[len] == '\0' && inet_pton(AF_INET, buf, addr) == 1) {
        *af = AF_INET;
        return 1;
    }
    if (inet_pton(AF_INET6, buf, addr) == 1) {
        *af = AF_INET6;
        return 1;
    }
    return 0;
}

/* Up to this many lines owning one address are looked at. */
#define HOSTS_MAX_OWNERS 64u

static int cmp_id(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

    return x < y ? -1 : x > y;
}

/* Appends the lines owning (af, addr) to ids[*n..]. */
static void collect_owners(const struct hostsdb *db, int af, const uint8_t *addr,
                           uint32_t *ids, size_t *n)
{
    struct hostsdb_iter it;
    uint32_t id;

    if (!hostsdb_find_addr(db, af, addr, &it))
        return;
    while (*n < HOSTS_MAX_OWNERS && hostsdb_next(db, &it, &id))
        ids[(*n)++] = id;
}

/* The lines an IPv4 / IPv6 address belongs to, in file order.  Like
 * glibc's gethostbyaddr, an IPv4 address is also owned by its IPv4-mapped
 * form and 127.0.0.1 by "::1". */
static size_t owners(const struct hostsdb *db, int af, const uint8_t *addr,
                     uint32_t *ids)
{
    uint8_t alt[16] = { [10] = 0xff, [11] = 0xff };
    size_t n = 0;

    collect_owners(db, af, addr, ids, &n);
    if (af == AF_INET) {
        memcpy(alt + 12, addr, 4);
        collect_owners(db, AF_INET6, alt, ids, &n);
        if (memcmp(addr, loopback4, 4) == 0) {
            memset(alt, 0, sizeof alt);
            alt[15] = 1;
            collect_owners(db, AF_INET6, alt, ids, &n);
        }
        qsort(ids, n, sizeof *ids, cmp_id);
    }
    return n;
}

/* One result per distinct canonical name among the owners; the first
 * is what glibc's gethostbyaddr returns. */
static int by_addr(struct hosts_state *st, struct rnr_nsp_lookup *lk,
                   const WSAQUERYSETA *qs)
{
    const struct hostsdb *db = st->db;
    struct hostsdb_host h;
    struct hr_query q;
    uint32_t ids[HOSTS_MAX_OWNERS];
    size_t n, i, j;
    uint8_t addr[16];
    int af, rc;
    unsigned k;

    if (empty(qs->lpszServiceInstanceName) ||
        !parse_addr(qs->lpszServiceInstanceName, &af, addr))
        return WSAHOST_NOT_FOUND;
    if ((rc = hr_query_init(&q, qs, db)) != 0)
        return rc;
    n = owners(db, af, addr, ids);
    if (n == 0)
        return WSAHOST_NOT_FOUND;
    if (!hr_family_allowed(&q, af))
        return WSANO_DATA;
    for (i = 0; i < n; i++) {
        struct hr_result r;
        const char *canon = hostsdb_host_name(db, ids[i], 0);

        for (j = 0; j < i; j++)
            if (hdb_casecmp(hostsdb_host_name(db, ids[j], 0), canon) == 0)
                break;
        if (j < i)
            continue;
        hostsdb_host_get(db, ids[i], &h);
        hr_init(&r, canon, af);
        rc = hr_add_addr(&r, af, addr, 0);
        for (k = 1; k < h.nnames && rc == 0; k++) {
            rc = hr_add_alias(&r, hostsdb_host_name(db, ids[i], k));
            if (rc == 0)
                rc = hr_add_alias_result(&r, hostsdb_host_name(db, ids[i], k));
        }
        if (rc == 0)
            rc = hr_emit(st->host, lk, &q, qs->lpServiceClassId, &r);
        hr_clear(&r);
        if (rc != 0)
            break;
    }
    return 0;
}

static int by_service(struct hosts_state *st, struct rnr_nsp_lookup *lk,
                      const WSAQUERYSETA *qs)
{
    const struct hostsdb *db = st->db;
    const char *proto, *name = qs->lpszServiceInstanceName;
    struct hostsdb_serv s;
    WSAQUERYSETA res;
    char **aliases = NULL;
    unsigned port, i;
    uint8_t *data = NULL;
    size_t len;
    BLOB blob;
    GUID cls;
    uint32_t id;
    int rc;

    if (empty(name) || !hostsdb_serv_resolve(db, name, &id, &port, &proto) ||
        id == UINT32_MAX)
        return WSASERVICE_NOT_FOUND;
    hostsdb_serv_get(db, id, &s);
    rc = WSANO_RECOVERY;
    aliases = rnr_calloc(s.naliases + 1, sizeof *aliases);
    if (aliases == NULL)
        goto done;
    for (i = 0; i < s.naliases; i++)
        aliases[i] = (char *)(uintptr_t)hostsdb_serv_alias(db, id, i);
    if (rnr_blob_servent(s.name, aliases, htons(s.port), s.proto, &data,
                         &len) != 0)
        goto done;
    /* The canonical class of the port (API reference, getservbyname). */
    if (hdb_casecmp(s.proto, "tcp") == 0)
        SET_TCP_SVCID(&cls, s.port);
    else if (hdb_casecmp(s.proto, "udp") == 0)
        SET_UDP_SVCID(&cls, s.port);
    else
        cls = *qs->lpServiceClassId;
    blob.cbSize = (ULONG)len;
    blob.pBlobData = data;
    memset(&res, 0, sizeof res);
    res.dwSize = sizeof res;
    res.lpszServiceInstanceName = (char *)(uintptr_t)s.name;
    res.lpServiceClassId = &cls;
    res.lpBlob = &blob;
    rc = 0;
    if (st->host->emit(lk, &res) != 0)
        goto done;
    for (i = 0; i < s.naliases; i++)
        if (hr_emit_alias(st->host, lk, &cls, aliases[i]) != 0)
            break;
done:
    rnr_free(aliases);
    rnr_free(data);
    return rc;
}

static int dispatch(struct hosts_state *st, struct rnr_nsp_lookup *lk,
                    const WSAQUERYSETA *qs, DWORD flags)
{
    const GUID *cls = qs->lpServiceClassId;
    const char *name = qs->lpszServiceInstanceName;

    /* LUP_CONTAINERS never arrives: rnrd answers WSANO_DATA for providers
     * without RNR_NSP_CAP_CONTAINERS. */
    (void)flags;
    if (guid_eq(cls, &g_byname) || guid_eq(cls, &g_hostname)) {
        /* The local host (NULL / "") is the local provider's. */
        if (empty(name))
            return WSAHOST_NOT_FOUND;
        return hosts_by_name(st, lk, qs, name);
    }
    if (is_port_class(cls)) {
        if (empty(name))
            return WSASERVICE_NOT_FOUND;
        return hosts_by_name(st, lk, qs, name);
    }
    if (guid_eq(cls, &g_bystring))
        return by_addr(st, lk, qs);
    if (guid_eq(cls, &g_service))
        return by_service(st, lk, qs);
    return WSASERVICE_NOT_FOUND;
}

int hosts_lookup_begin(void *state, struct rnr_nsp_lookup *lk,
                       const WSAQUERYSETA *qs, DWORD flags)
{
    struct hosts_state *st = state;

    int rc;

    st->lookups++;
    rc = dispatch(st, lk, qs, flags);
    /* The files decide the answer, and a reload says when they changed
     * (answers_changed): it may be reused until then.  A bound all the
     * same, for a change inotify could not see. */
    if (st->host->lookup_reusable != NULL)
        st->host->lookup_reusable(lk, HOSTS_REUSABLE_MS);
    st->host->finish(lk, rc);
    return 0;
}
