/* SPDX-License-Identifier: MIT */
/*
 * Host results shared by the hosts and local providers (see hostres.h).
 */
#include "hostres.h"
#include "hdb_index.h"
#include "alloc.h"
#include "blob.h"
#include "queryset.h"

#include <ifaddrs.h>
#include <net/if.h>
#include <netdb.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>

/* Alias results beyond this many are not worth a client's round trips. */
#define HR_MAX_ALIAS_RESULTS 256u

static int proto_number(const char *name)
{
    if (hdb_casecmp(name, "tcp") == 0)
        return IPPROTO_TCP;
    if (hdb_casecmp(name, "udp") == 0)
        return IPPROTO_UDP;
    return 0;
}

/* Ports for TCP and UDP from the query string's service.  Without an
 * explicit protocol the first services entry decides the default
 * protocol, and the other protocol gets its own entry's port when it has
 * one ("domain" is 53 on both anyway). */
static int resolve_service(const char *text, const struct hostsdb *db,
                           int *dflt, uint16_t *tcp_port, uint16_t *udp_port)
{
    char other[HOSTSDB_MAX_NAME + 8];
    const char *proto;
    unsigned port, oport;
    uint32_t id;
    int p;

    if (db == NULL || !hostsdb_serv_resolve(db, text, &id, &port, &proto))
        return WSASERVICE_NOT_FOUND;
    p = proto_number(proto);
    if (p == 0)
        return WSASERVICE_NOT_FOUND;
    oport = port;
    if (strchr(text, '/') == NULL && strlen(text) <= HOSTSDB_MAX_NAME) {
        const char *op;
        uint32_t oid;

        strcpy(other, text);
        strcat(other, p == IPPROTO_TCP ? "/udp" : "/tcp");
        if (!hostsdb_serv_resolve(db, other, &oid, &oport, &op))
            oport = port;
    }
    *dflt = p;
    *tcp_port = (uint16_t)(p == IPPROTO_TCP ? port : oport);
    *udp_port = (uint16_t)(p == IPPROTO_UDP ? port : oport);
    return 0;
}

static void add_pair(struct hr_query *q, int fi, int proto, uint16_t tcp_port,
                     uint16_t udp_port)
{
    struct hr_pair pr;
    unsigned i;

    pr.proto = proto;
    pr.socktype = proto == IPPROTO_UDP ? SOCK_DGRAM : SOCK_STREAM;
    pr.port = proto == IPPROTO_UDP ? udp_port : tcp_port;
    for (i = 0; i < q->npairs[fi]; i++)
        if (q->pairs[fi][i].proto == proto)
            return;
    if (q->npairs[fi] < 2)
        q->pairs[fi][q->npairs[fi]++] = pr;
}

int hr_query_init(struct hr_query *q, const WSAQUERYSETA *qs,
                  const struct hostsdb *services)
{
    const GUID *cls = qs->lpServiceClassId;
    uint16_t tcp_port = 0, udp_port = 0;
    int dflt = IPPROTO_TCP, forced = 0, rc, fi;
    DWORD i;

    if (cls != NULL && IS_SVCID_TCP(cls)) {
        forced = IPPROTO_TCP;
        tcp_port = PORT_FROM_SVCID_TCP(cls);
    } else if (cls != NULL && IS_SVCID_UDP(cls)) {
        forced = IPPROTO_UDP;
        udp_port = PORT_FROM_SVCID_UDP(cls);
    } else if (qs->lpszQueryString != NULL && qs->lpszQueryString[0] != '\0') {
        rc = resolve_service(qs->lpszQueryString, services, &dflt, &tcp_port,
                             &udp_port);
        if (rc != 0)
            return rc;
    }
    if (forced != 0)
        dflt = forced;

    memset(q, 0, sizeof *q);
    if (qs->dwNumberOfProtocols == 0 || qs->lpafpProtocols == NULL) {
        q->allow4 = q->allow6 = 1;
    } else {
        for (i = 0; i < qs->dwNumberOfProtocols; i++) {
            const AFPROTOCOLS *a = &qs->lpafpProtocols[i];
            int p = a->iProtocol;

            if (a->iAddressFamily == AF_INET)
                fi = 0, q->allow4 = 1;
            else if (a->iAddressFamily == AF_INET6)
                fi = 1, q->allow6 = 1;
            else
                continue;
            /* 0 or a protocol we cannot give means "the default"; the
             * daemon drops what does not match the restriction anyway. */
            if (forced != 0 || (p != IPPROTO_TCP && p != IPPROTO_UDP))
                p = dflt;
            add_pair(q, fi, p, tcp_port, udp_port);
        }
    }
    for (fi = 0; fi < 2; fi++)
        if (q->npairs[fi] == 0)
            add_pair(q, fi, dflt, tcp_port, udp_port);
    return 0;
}

int hr_family_allowed(const struct hr_query *q, int af)
{
    return (af == AF_INET && q->allow4) || (af == AF_INET6 && q->allow6);
}

int hr_primary_family(const struct hr_query *q, int has4, int has6)
{
    if (has4 && q->allow4)
        return AF_INET;
    if (has6 && q->allow6)
        return AF_INET6;
    return 0;
}

void hr_init(struct hr_result *r, const char *name, int blob_af)
{
    memset(r, 0, sizeof *r);
    r->name = name;
    r->blob_af = blob_af;
}

void hr_clear(struct hr_result *r)
{
    if (r == NULL)
        return;
    rnr_free(r->addrs);
    rnr_free(r->aliases);
    rnr_free(r->alias_results);
    hr_init(r, NULL, 0);
}

static int grow(void **arr, size_t *cap, size_t need, size_t elem)
{
    size_t ncap;
    void *p;

    if (need <= *cap)
        return 0;
    ncap = *cap < 8 ? 8 : *cap * 2;
    p = rnr_realloc(*arr, ncap * elem);
    if (p == NULL)
        return WSAENOBUFS;
    *arr = p;
    *cap = ncap;
    return 0;
}

int hr_add_addr(struct hr_result *r, int af, const void *addr,
                uint32_t scope_id)
{
    return hr_add_addr_roles(r, af, addr, scope_id, HR_BOTH);
}

int hr_add_addr_roles(struct hr_result *r, int af, const void *addr,
                      uint32_t scope_id, unsigned roles)
{
    struct hr_addr *a;

    /* More addresses than a result may carry CSADDRs are never shown
     * (twice that: some only go into the hostent). */
    if (r->naddrs >= 2 * RNR_QS_MAX_CSADDRS)
        return 0;
    if (grow((void **)&r->addrs, &r->addrs_cap, r->naddrs + 1,
             sizeof *r->addrs) != 0)
        return WSAENOBUFS;
    a = &r->addrs[r->naddrs++];
    memset(a, 0, sizeof *a);
    a->af = af;
    memcpy(a->addr, addr, af == AF_INET ? 4 : 16);
    a->scope_id = scope_id;
    a->roles = roles;
    return 0;
}

int hr_add_alias(struct hr_result *r, const char *alias)
{
    if (grow((void **)&r->aliases, &r->aliases_cap, r->naliases + 1,
             sizeof *r->aliases) != 0)
        return WSAENOBUFS;
    r->aliases[r->naliases++] = alias;
    return 0;
}

int hr_add_alias_result(struct hr_result *r, const char *alias)
{
    size_t i;

    if (r->name != NULL && hdb_casecmp(alias, r->name) == 0)
        return 0;
    for (i = 0; i < r->nalias_results; i++)
        if (hdb_casecmp(alias, r->alias_results[i]) == 0)
            return 0;
    if (r->nalias_results >= HR_MAX_ALIAS_RESULTS)
        return 0;
    if (grow((void **)&r->alias_results, &r->alias_results_cap,
             r->nalias_results + 1, sizeof *r->alias_results) != 0)
        return WSAENOBUFS;
    r->alias_results[r->nalias_results++] = alias;
    return 0;
}

/* ---- emitting ---- */

union hr_sa {
    struct sockaddr     sa;
    struct sockaddr_in  in;
    struct sockaddr_in6 in6;
};

static int fill_sa(union hr_sa *u, const struct hr_addr *a, uint16_t port)
{
    memset(u, 0, sizeof *u);
    if (a->af == AF_INET) {
        u->in.sin_family = AF_INET;
        u->in.sin_port = htons(port);
        memcpy(&u->in.sin_addr, a->addr, 4);
        return (int)sizeof u->in;
    }
    u->in6.sin6_family = AF_INET6;
    u->in6.sin6_port = htons(port);
    memcpy(&u->in6.sin6_addr, a->addr, 16);
    u->in6.sin6_scope_id = a->scope_id;
    return (int)sizeof u->in6;
}

/* The hostent blob of r, trimmed so that it fits a result: addresses of
 * blob_af first, then as many aliases as fit. */
static int build_blob(const struct hr_result *r, uint8_t **blob,
                      size_t *bloblen)
{
    size_t alen = r->blob_af == AF_INET ? 4 : 16, nad = 0, nal = 0, size, i;
    uint8_t *addrs = NULL;
    char **aliases = NULL;
    int rc = WSAENOBUFS;

    addrs = rnr_malloc(r->naddrs * alen + 1);
    aliases = rnr_calloc(r->naliases + 1, sizeof *aliases);
    if (addrs == NULL || aliases == NULL)
        goto done;
    size = sizeof(struct hostent) + 2 * sizeof(uintptr_t) +
           (r->name ? strlen(r->name) + 1 : 0);
    for (i = 0; i < r->naddrs; i++) {
        if (r->addrs[i].af != r->blob_af || !(r->addrs[i].roles & HR_BLOB) ||
            size + sizeof(uintptr_t) + alen > RNR_QS_MAX_BLOB)
            continue;
        memcpy(addrs + nad++ * alen, r->addrs[i].addr, alen);
        size += sizeof(uintptr_t) + alen;
    }
    for (i = 0; i < r->naliases; i++) {
        size_t need = sizeof(uintptr_t) + strlen(r->aliases[i]) + 1;

        if (size + need > RNR_QS_MAX_BLOB)
            break;
        /* The blob API takes char *const *; it only reads them. */
        aliases[nal++] = (char *)(uintptr_t)r->aliases[i];
        size += need;
    }
    aliases[nal] = NULL;
    rc = rnr_blob_hostent(r->name, aliases, r->blob_af, (int)alen, addrs, nad,
                          blob, bloblen);
done:
    rnr_free(addrs);
    rnr_free(aliases);
    return rc;
}

static int is_csaddr(const struct hr_query *q, const struct hr_addr *a)
{
    return (a->roles & HR_CSADDR) && hr_family_allowed(q, a->af);
}

static size_t count_csaddrs(const struct hr_query *q, const struct hr_result *r)
{
    size_t i, n = 0;

    for (i = 0; i < r->naddrs; i++)
        if (is_csaddr(q, &r->addrs[i]))
            n += q->npairs[r->addrs[i].af == AF_INET ? 0 : 1];
    return n < RNR_QS_MAX_CSADDRS ? n : RNR_QS_MAX_CSADDRS;
}

int hr_emit(const struct rnr_nsp_host *host, struct rnr_nsp_lookup *lk,
            const struct hr_query *q, const GUID *class_id,
            const struct hr_result *r)
{
    static const struct hr_addr any4 = { AF_INET, { 0 }, 0, 0 };
    static const struct hr_addr any6 = { AF_INET6, { 0 }, 0, 0 };
    union hr_sa local4, local6, *remote = NULL;
    CSADDR_INFO *cs = NULL;
    WSAQUERYSETA res;
    GUID cls = *class_id;
    BLOB blob = { 0, NULL };
    size_t n = count_csaddrs(q, r), k = 0, i, j;
    int l4, l6, rc;

    if (n == 0)
        return WSANO_DATA;
    rc = WSAENOBUFS;
    cs = rnr_calloc(n, sizeof *cs);
    remote = rnr_calloc(n, sizeof *remote);
    if (cs == NULL || remote == NULL)
        goto done;
    l4 = fill_sa(&local4, &any4, 0);
    l6 = fill_sa(&local6, &any6, 0);
    for (i = 0; i < r->naddrs && k < n; i++) {
        const struct hr_addr *a = &r->addrs[i];
        int fi = a->af == AF_INET ? 0 : 1;

        if (!is_csaddr(q, a))
            continue;
        for (j = 0; j < q->npairs[fi] && k < n; j++, k++) {
            cs[k].RemoteAddr.lpSockaddr = &remote[k].sa;
            cs[k].RemoteAddr.iSockaddrLength =
                fill_sa(&remote[k], a, q->pairs[fi][j].port);
            cs[k].LocalAddr.lpSockaddr = fi == 0 ? &local4.sa : &local6.sa;
            cs[k].LocalAddr.iSockaddrLength = fi == 0 ? l4 : l6;
            cs[k].iSocketType = q->pairs[fi][j].socktype;
            cs[k].iProtocol = q->pairs[fi][j].proto;
        }
    }
    if (r->blob_af != 0) {
        size_t len;

        if (build_blob(r, &blob.pBlobData, &len) != 0)
            goto done;
        blob.cbSize = (ULONG)len;
    }

    memset(&res, 0, sizeof res);
    res.dwSize = sizeof res;
    res.lpszServiceInstanceName = (char *)(uintptr_t)r->name;
    res.lpServiceClassId = &cls;
    res.dwNumberOfCsAddrs = (DWORD)k;
    res.lpcsaBuffer = cs;
    res.lpBlob = blob.pBlobData != NULL ? &blob : NULL;
    if (host->emit(lk, &res) != 0)
        goto done;
    for (i = 0; i < r->nalias_results; i++)
        if (hr_emit_alias(host, lk, class_id, r->alias_results[i]) != 0)
            goto done;
    rc = 0;
done:
    rnr_free(blob.pBlobData);
    rnr_free(cs);
    rnr_free(remote);
    return rc;
}

int hr_emit_alias(const struct rnr_nsp_host *host, struct rnr_nsp_lookup *lk,
                  const GUID *class_id, const char *alias)
{
    WSAQUERYSETA res;
    GUID cls = *class_id;

    memset(&res, 0, sizeof res);
    res.dwSize = sizeof res;
    res.lpszServiceInstanceName = (char *)(uintptr_t)alias;
    res.lpServiceClassId = &cls;
    res.dwOutputFlags = RESULT_IS_ALIAS;
    return host->emit(lk, &res) != 0 ? WSAENOBUFS : 0;
}

/* ---- the local host ---- */

static const uint8_t hr_loop4[4] = { 127, 0, 0, 1 };
static const uint8_t hr_loop6[16] = { [15] = 1 };

static int is_loopback_addr(int af, const uint8_t *a)
{
    if (af == AF_INET)
        return a[0] == 127;
    return memcmp(a, hr_loop6, 16) == 0;
}

/* Adds the addresses of family af of the interfaces that are up, without
 * loopback ones, skipping duplicates. */
static int add_if_addrs(struct hr_result *r, const struct ifaddrs *list, int af)
{
    const struct ifaddrs *i;
    size_t k;
    int rc;

    for (i = list; i != NULL; i = i->ifa_next) {
        const struct sockaddr *sa = i->ifa_addr;
        const uint8_t *a;
        uint32_t scope = 0;
        int dup = 0;

        if (sa == NULL || sa->sa_family != af || !(i->ifa_flags & IFF_UP) ||
            (i->ifa_flags & IFF_LOOPBACK))
            continue;
        if (af == AF_INET) {
            a = (const uint8_t *)&((const struct sockaddr_in *)(const void *)sa)->sin_addr;
        } else {
            const struct sockaddr_in6 *s6 = (const void *)sa;

            a = (const uint8_t *)&s6->sin6_addr;
            scope = s6->sin6_scope_id;
        }
        if (is_loopback_addr(af, a))
            continue;
        for (k = 0; k < r->naddrs; k++)
            if (r->addrs[k].af == af &&
                memcmp(r->addrs[k].addr, a, af == AF_INET ? 4 : 16) == 0)
                dup = 1;
        if (!dup && (rc = hr_add_addr(r, af, a, scope)) != 0)
            return rc;
    }
    return 0;
}

int hr_add_loopback(struct hr_result *r)
{
    int rc = hr_add_addr(r, AF_INET, hr_loop4, 0);

    return rc != 0 ? rc : hr_add_addr(r, AF_INET6, hr_loop6, 0);
}

int hr_add_local_addrs(struct hr_result *r, hr_getifaddrs_fn get,
                       hr_freeifaddrs_fn put)
{
    struct ifaddrs *list = NULL;
    int rc = 0;

    if (get(&list) == 0) {
        rc = add_if_addrs(r, list, AF_INET);
        if (rc == 0)
            rc = add_if_addrs(r, list, AF_INET6);
        put(list);
    }
    if (rc == 0 && r->naddrs == 0)
        rc = hr_add_loopback(r);
    return rc;
}

int hr_has_family(const struct hr_result *r, int af)
{
    size_t i;

    for (i = 0; i < r->naddrs; i++)
        if (r->addrs[i].af == af)
            return 1;
    return 0;
}
