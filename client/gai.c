/* SPDX-License-Identifier: MIT */
/*
 * getaddrinfo / freeaddrinfo / gai_strerror (Microsoft's getaddrinfo page;
 * doc/windows-rules.md, "ws2tcpip", says what every flag does here).
 *
 * A host name is one WSALookupServiceBegin/Next/End of
 * SVCID_INET_HOSTADDRBYNAME restricted to the families asked for: the
 * first result that has addresses of those families is the answer, its
 * CSADDRs the addresses (provider order, no RFC 6724 sort) and its
 * instance name the canonical name.  A service name is what getservbyname
 * finds (servdb.c).  Both run the getXbyY machinery (getxbyy.c), so they
 * see exactly the providers and errors gethostbyname does.
 *
 * As on Windows, and unlike glibc, one entry is returned per address with
 * the hints' socket type and protocol (0 stays 0), not one per socket
 * type.
 */
#include "config.h"

#include <ifaddrs.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "blob.h"
#include "client.h"
#include "getxbyy.h"
#include "ws2tcpip_int.h"

#include <rnr/ws2tcpip.h>

static const GUID g_byname = SVCID_INET_HOSTADDRBYNAME;

#define FAM4 1
#define FAM6 2

void rnr_gai_result_clear(struct rnr_gai_result *res)
{
    if (res == NULL)
        return;
    rnr_free(res->addrs);
    rnr_free(res->canon);
    memset(res, 0, sizeof *res);
}

int rnr_gai_status(int st)
{
    switch (st) {
    case 0:
        return 0;
    case WSANO_DATA:              /* EAI_NODATA is EAI_NONAME in the SDK */
    case WSAHOST_NOT_FOUND:
    case WSASERVICE_NOT_FOUND:
    case WSA_E_NO_MORE:
    case WSAENOMORE:
        return WSAHOST_NOT_FOUND;
    case WSAENOBUFS:
    case WSA_NOT_ENOUGH_MEMORY:
        return WSA_NOT_ENOUGH_MEMORY;
    default:
        return rnr_xbyy_status(st, WSAHOST_NOT_FOUND);
    }
}

static int add_addr(struct rnr_gai_result *res, size_t *cap, int family,
                    const void *addr, uint16_t port_n, uint32_t scope)
{
    struct rnr_gai_addr *a;

    if (res->n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 8;
        void *p = rnr_realloc(res->addrs, ncap * sizeof *res->addrs);

        if (p == NULL)
            return WSA_NOT_ENOUGH_MEMORY;
        res->addrs = p;
        *cap = ncap;
    }
    a = &res->addrs[res->n++];
    memset(a, 0, sizeof *a);
    a->family = family;
    if (family == AF_INET) {
        struct sockaddr_in *sin = (struct sockaddr_in *)&a->sa;

        sin->sin_family = AF_INET;
        sin->sin_port = port_n;
        memcpy(&sin->sin_addr, addr, 4);
        a->len = sizeof *sin;
    } else {
        struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&a->sa;

        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = port_n;
        memcpy(&sin6->sin6_addr, addr, 16);
        sin6->sin6_scope_id = scope;
        a->len = sizeof *sin6;
    }
    return 0;
}

static void map4_addr(const void *v4, uint8_t out[16])
{
    memset(out, 0, 10);
    out[10] = out[11] = 0xff;
    memcpy(out + 12, v4, 4);
}

/* ------------------------------------------------------------ flags */

static int check_hints(const struct rnr_gai_req *req)
{
    unsigned f = req->flags;

    if (f & ~RNR_GAI_KNOWN_FLAGS)
        return WSAEINVAL;
    /* Only NS_EMAIL has preferred names, and rnr has no such provider. */
    if (f & RNR_AI_RETURN_PREFERRED_NAMES)
        return WSAEINVAL;
    if ((f & RNR_AI_CANONNAME) && (f & RNR_AI_FQDN))
        return WSAEINVAL;
    if ((f & (RNR_AI_CANONNAME | RNR_AI_FQDN)) && req->node == NULL)
        return WSAEINVAL;
    if (req->node == NULL && req->service == NULL)
        return WSAHOST_NOT_FOUND;
    if (req->family != AF_UNSPEC && req->family != AF_INET &&
        req->family != AF_INET6)
        return WSAEAFNOSUPPORT;
    switch (req->socktype) {
    case 0:
    case SOCK_STREAM:
    case SOCK_DGRAM:
    case SOCK_RAW:
        break;
    default:
        return WSAESOCKTNOSUPPORT;
    }
    if ((req->protocol == IPPROTO_TCP && req->socktype == SOCK_DGRAM) ||
        (req->protocol == IPPROTO_UDP && req->socktype == SOCK_STREAM))
        return WSAESOCKTNOSUPPORT;
    return 0;
}

/* ------------------------------------------------------------ services */

static const char *service_proto(const struct rnr_gai_req *req)
{
    if (req->socktype == SOCK_STREAM || req->protocol == IPPROTO_TCP)
        return "tcp";
    if (req->socktype == SOCK_DGRAM || req->protocol == IPPROTO_UDP)
        return "udp";
    return NULL;
}

static int accept_servent(const WSAQUERYSETA *qs, int arg)
{
    (void)arg;
    return qs->lpBlob != NULL && qs->lpBlob->cbSize > 0;
}

/* The port of a service name (network order), as getservbyname finds it
 * for the protocol the hints imply. */
static int service_port(const struct rnr_gai_req *req, uint16_t *port_n)
{
    char query[RNR_SERV_QUERY_MAX];
    struct rnr_xbyy_query q;
    struct rnr_xbyy_result r;
    union {
        struct servent se;
        unsigned char  bytes[1024];
    } local;
    void *buf = local.bytes, *heap = NULL;
    size_t needed = 0;
    const char *s = req->service;
    char *end;
    unsigned long v;
    int st;

    /* Windows: an empty service is port 0, like "0". */
    if (s[0] == '\0') {
        *port_n = 0;
        return 0;
    }
    if (s[0] >= '0' && s[0] <= '9') {
        v = strtoul(s, &end, 10);
        if (*end == '\0' && v <= 0xffff) {
            *port_n = htons((uint16_t)v);
            return 0;
        }
    }
    if (req->flags & RNR_AI_NUMERICSERV)
        return WSAHOST_NOT_FOUND;
    st = rnr_servdb_query(s, service_proto(req), query, &q);
    if (st != 0)
        return st == WSAEFAULT ? WSAEFAULT : WSATYPE_NOT_FOUND;
    q.accept = accept_servent;
    st = rnr_xbyy_lookup(&q, 0, &r);
    if (st == WSASERVICE_NOT_FOUND || st == WSA_E_NO_MORE || st == WSAENOMORE)
        return WSATYPE_NOT_FOUND;
    if (st != 0)
        return rnr_gai_status(st);
    st = rnr_xbyy_unpack(&q, r.qs, buf, sizeof local, &needed);
    if (st == WSAEFAULT) {
        if ((heap = rnr_malloc(needed)) == NULL) {
            st = WSA_NOT_ENOUGH_MEMORY;
            goto done;
        }
        buf = heap;
        st = rnr_xbyy_unpack(&q, r.qs, buf, needed, &needed);
    }
    if (st == 0)
        *port_n = (uint16_t)((struct servent *)buf)->s_port;
    else
        st = WSANO_RECOVERY;
done:
    rnr_free(heap);
    rnr_xbyy_result_free(&r);
    return st;
}

/* ------------------------------------------------------------ hosts */

/* Which families configured, non-loopback addresses exist for. */
static unsigned configured_families(void)
{
    struct ifaddrs *ifa, *i;
    unsigned m = 0;

    if (getifaddrs(&ifa) != 0)
        return FAM4 | FAM6;      /* unknown: do not take answers away */
    for (i = ifa; i != NULL; i = i->ifa_next) {
        if (i->ifa_addr == NULL)
            continue;
        if (i->ifa_addr->sa_family == AF_INET) {
            const struct sockaddr_in *s = (const void *)i->ifa_addr;

            if ((ntohl(s->sin_addr.s_addr) >> 24) != 127)
                m |= FAM4;
        } else if (i->ifa_addr->sa_family == AF_INET6) {
            const struct sockaddr_in6 *s = (const void *)i->ifa_addr;

            if (!IN6_IS_ADDR_LOOPBACK(&s->sin6_addr))
                m |= FAM6;
        }
    }
    freeifaddrs(ifa);
    return m;
}

static int fam_bit(int af)
{
    return af == AF_INET ? FAM4 : af == AF_INET6 ? FAM6 : 0;
}

static int accept_addrs(const WSAQUERYSETA *qs, int mask)
{
    DWORD i;

    if (qs->dwOutputFlags & RESULT_IS_ALIAS)
        return 0;
    for (i = 0; i < qs->dwNumberOfCsAddrs; i++) {
        const SOCKET_ADDRESS *ra = &qs->lpcsaBuffer[i].RemoteAddr;

        if (ra->lpSockaddr != NULL && (fam_bit(ra->lpSockaddr->sa_family) & mask))
            return 1;
    }
    return 0;
}

static const void *sa_addr(const struct sockaddr *sa, int *len)
{
    if (sa->sa_family == AF_INET) {
        *len = 4;
        return &((const struct sockaddr_in *)(const void *)sa)->sin_addr;
    }
    *len = 16;
    return &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
}

/* The host's canonical name: the hostent's h_name, which is what
 * gethostbyname reports (a provider may name the result after the name
 * asked for), else the result's instance name. */
static int canonical_name(const WSAQUERYSETA *qs, char **out)
{
    const BLOB *b = qs->lpBlob;
    const char *name = qs->lpszServiceInstanceName;
    size_t cap, needed = 0;
    void *buf = NULL;
    int st = WSAEFAULT;

    if (b != NULL && b->pBlobData != NULL && b->cbSize > 0) {
        cap = b->cbSize + 64;
        if ((buf = rnr_malloc(cap)) == NULL)
            return WSA_NOT_ENOUGH_MEMORY;
        st = rnr_blob_unpack_hostent(b->pBlobData, b->cbSize, buf, cap, &needed);
        if (st == WSAEFAULT) {
            void *p = rnr_realloc(buf, needed);

            if (p == NULL) {
                rnr_free(buf);
                return WSA_NOT_ENOUGH_MEMORY;
            }
            buf = p;
            st = rnr_blob_unpack_hostent(b->pBlobData, b->cbSize, buf, needed, &needed);
        }
        if (st == 0 && ((struct hostent *)buf)->h_name != NULL &&
            ((struct hostent *)buf)->h_name[0] != '\0')
            name = ((struct hostent *)buf)->h_name;
    }
    st = 0;
    if (name != NULL && (*out = rnr_strdup(name)) == NULL)
        st = WSA_NOT_ENOUGH_MEMORY;
    rnr_free(buf);
    return st;
}

/* The addresses of a host name in the families of mask, appended to
 * res; as IPv4-mapped IPv6 addresses when map4 (AI_V4MAPPED).  The
 * canonical name is the first lookup's that has one. */
static int host_lookup(const struct rnr_gai_req *req, unsigned mask, int map4,
                       uint16_t port_n, struct rnr_gai_result *res, size_t *cap)
{
    struct rnr_xbyy_query q;
    struct rnr_xbyy_result r;
    const void *prev = NULL;
    size_t before = res->n;
    int prevlen = 0, st = 0;
    DWORD i;

    memset(&q, 0, sizeof q);
    q.cls = &g_byname;
    q.instance = req->node;
    q.af = (mask & FAM4) ? AF_INET : AF_INET6;
    q.af2 = mask == (FAM4 | FAM6) ? AF_INET6 : 0;
    q.ns = req->ns;
    q.provider = req->provider;
    q.flags = LUP_RETURN_ADDR | LUP_RETURN_NAME;
    if (req->flags & (RNR_AI_CANONNAME | RNR_AI_FQDN))
        q.flags |= LUP_RETURN_BLOB;
    if (req->ns == NS_ALL && (req->flags & RNR_AI_DNS_ONLY))
        q.ns = NS_DNS;
    q.accept = accept_addrs;
    q.arg = (int)mask;
    q.not_found = WSAHOST_NOT_FOUND;
    st = rnr_xbyy_lookup(&q, 0, &r);
    if (st != 0)
        return rnr_gai_status(st);
    for (i = 0; i < r.qs->dwNumberOfCsAddrs && st == 0; i++) {
        const struct sockaddr *sa = r.qs->lpcsaBuffer[i].RemoteAddr.lpSockaddr;
        const void *a;
        uint8_t m[16];
        uint32_t scope = 0;
        int len, af;

        if (sa == NULL || !(fam_bit(sa->sa_family) & mask))
            continue;
        af = sa->sa_family;
        a = sa_addr(sa, &len);
        /* One address offered over two protocols is one answer. */
        if (prev != NULL && prevlen == len && memcmp(prev, a, (size_t)len) == 0)
            continue;
        prev = a;
        prevlen = len;
        if (af == AF_INET6)
            scope = ((const struct sockaddr_in6 *)(const void *)sa)->sin6_scope_id;
        if (map4 && af == AF_INET) {
            map4_addr(a, m);
            a = m;
            af = AF_INET6;
        }
        st = add_addr(res, cap, af, a, port_n, scope);
    }
    if (st == 0 && res->n == before)
        st = WSAHOST_NOT_FOUND;
    if (st == 0 && res->canon == NULL && (req->flags & (RNR_AI_CANONNAME | RNR_AI_FQDN)))
        st = canonical_name(r.qs, &res->canon);
    if (st == 0 && r.qs->lpNSProviderId != NULL && before == 0)
        res->provider = *r.qs->lpNSProviderId;
    rnr_xbyy_result_free(&r);
    return st;
}

/* AF_INET6 with AI_V4MAPPED: the IPv6 answers; the IPv4 ones, mapped,
 * when there are none (or, with AI_ALL, after them).  Two lookups, so
 * that each answer and its canonical name come from its own family. */
static int host_lookup_mapped(const struct rnr_gai_req *req, unsigned mask,
                              uint16_t port_n, struct rnr_gai_result *res, size_t *cap)
{
    int st6 = WSAHOST_NOT_FOUND, st4;

    if (mask & FAM6) {
        st6 = host_lookup(req, FAM6, 0, port_n, res, cap);
        if (st6 == 0 && !(req->flags & RNR_AI_ALL))
            return 0;
        if (st6 != 0 && st6 != WSAHOST_NOT_FOUND)
            return st6;
    }
    st4 = host_lookup(req, FAM4, 1, port_n, res, cap);
    if (st6 == 0 && st4 == WSAHOST_NOT_FOUND)
        return 0;
    return st4;
}

/* "[v6]" or "[v6]:port" (the port ignored), as Windows' getaddrinfo
 * accepts them: the address copied into buf, else NULL. */
static const char *unbracket(const char *node, char *buf, size_t cap)
{
    const char *close;
    size_t len;

    if (node[0] != '[' || (close = strchr(node, ']')) == NULL)
        return NULL;
    len = (size_t)(close - node - 1);
    if (len >= cap)
        return NULL;
    if (close[1] != '\0') {
        const char *p = close + 2;

        if (close[1] != ':' || *p == '\0')
            return NULL;
        for (; *p != '\0'; p++)
            if (*p < '0' || *p > '9')
                return NULL;
    }
    memcpy(buf, node + 1, len);
    buf[len] = '\0';
    return buf;
}

/* A numeric host: 1 (res filled or *err set), or 0 when node is a name. */
static int numeric_host(const struct rnr_gai_req *req, uint16_t port_n,
                        struct rnr_gai_result *res, int *err)
{
    char inner[INET6_ADDRSTRLEN + 16];
    const char *node = req->node, *end, *v6;
    size_t cap = 0;
    uint8_t a[16];
    uint32_t v4;
    unsigned long scope = 0;

    *err = 0;
    /* inet_addr's grammar ("127.1", "0x7f.1"), as Windows' getaddrinfo
     * reads IPv4 literals, but the whole string. */
    if (rnr_inet_parse4(node, &v4, &end) && *end == '\0') {
        if (req->family == AF_INET6) {
            if (!(req->flags & RNR_AI_V4MAPPED)) {
                *err = WSAHOST_NOT_FOUND;
                return 1;
            }
            map4_addr(&v4, a);
            *err = add_addr(res, &cap, AF_INET6, a, port_n, 0);
        } else {
            *err = add_addr(res, &cap, AF_INET, &v4, port_n, 0);
        }
    } else if (rnr_pton6_end((v6 = unbracket(node, inner, sizeof inner)) != NULL ? v6 : node,
                             a, &end)) {
        if (*end == '%') {
            char *e;

            if (end[1] < '0' || end[1] > '9')
                return 0;
            scope = strtoul(end + 1, &e, 10);
            if (*e != '\0' || scope > 0xffffffffu)
                return 0;
        }
        if (req->family == AF_INET) {
            *err = WSAHOST_NOT_FOUND;
            return 1;
        }
        *err = add_addr(res, &cap, AF_INET6, a, port_n, (uint32_t)scope);
    } else {
        return 0;
    }
    if (*err == 0 && (req->flags & (RNR_AI_CANONNAME | RNR_AI_FQDN)) &&
        (res->canon = rnr_strdup(node)) == NULL)
        *err = WSA_NOT_ENOUGH_MEMORY;
    return 1;
}

/* No node: the wildcard (AI_PASSIVE) or loopback addresses, IPv6 first. */
static int local_host(const struct rnr_gai_req *req, uint16_t port_n,
                      struct rnr_gai_result *res)
{
    static const uint8_t any6[16], lo6[16] = { [15] = 1 };
    const uint8_t any4[4] = { 0, 0, 0, 0 }, lo4[4] = { 127, 0, 0, 1 };
    int passive = (req->flags & RNR_AI_PASSIVE) != 0, st = 0;
    size_t cap = 0;

    if (req->family != AF_INET)
        st = add_addr(res, &cap, AF_INET6, passive ? any6 : lo6, port_n, 0);
    if (st == 0 && req->family != AF_INET6)
        st = add_addr(res, &cap, AF_INET, passive ? any4 : lo4, port_n, 0);
    return st;
}

int rnr_gai_resolve(const struct rnr_gai_req *req, struct rnr_gai_result *out)
{
    struct rnr_gai_req local_req;
    char local[256];
    struct rnr_gai_result res;
    uint16_t port_n = 0;
    size_t cap = 0;
    unsigned mask;
    int st, map = 0;

    memset(&res, 0, sizeof res);
    if ((st = check_hints(req)) != 0)
        goto done;
    /* rnr has no secure name resolution to offer: nothing is answered
     * securely. */
    if (req->flags & RNR_AI_SECURE) {
        st = WSA_SECURE_HOST_NOT_FOUND;
        goto done;
    }
    if (req->service != NULL && (st = service_port(req, &port_n)) != 0)
        goto done;
    res.socktype = req->socktype;
    res.protocol = req->protocol;
    if (req->node == NULL) {
        st = local_host(req, port_n, &res);
        goto done;
    }
    if (numeric_host(req, port_n, &res, &st))
        goto done;
    if (req->flags & RNR_AI_NUMERICHOST) {
        st = WSAHOST_NOT_FOUND;
        goto done;
    }
    /* Windows: "" names the local computer, like its host name. */
    if (req->node[0] == '\0') {
        if (rnr_gethostname(local, sizeof local) != 0) {
            st = WSANO_RECOVERY;
            goto done;
        }
        local_req = *req;
        local_req.node = local;
        req = &local_req;
    }
    if (req->family == AF_INET)
        mask = FAM4;
    else if (req->family == AF_INET6)
        mask = FAM6;
    else
        mask = FAM4 | FAM6;
    if (req->family == AF_INET6 && (req->flags & RNR_AI_V4MAPPED)) {
        mask = FAM4 | FAM6;
        map = 1;
    }
    if (req->flags & RNR_AI_ADDRCONFIG) {
        unsigned conf = configured_families();

        /* Mapped IPv4 answers are IPv6 ones: they need IPv6. */
        mask &= map ? ((conf & FAM6) ? FAM4 | FAM6 : 0) : conf;
        if (mask == 0) {
            st = WSAHOST_NOT_FOUND;
            goto done;
        }
    }
    st = map ? host_lookup_mapped(req, mask, port_n, &res, &cap)
             : host_lookup(req, mask, 0, port_n, &res, &cap);
done:
    if (st != 0) {
        rnr_gai_result_clear(&res);
        return st;
    }
    *out = res;
    return 0;
}

/* ------------------------------------------------------------ the API */

/* The four ADDRINFO types share their first members (flags to ai_addr);
 * rnr_gai_list_build writes that prefix once, as an ADDRINFOA, into an
 * element of any of them. */
#define RNR_GAI_SAME_PREFIX(T)                                                   \
    _Static_assert(offsetof(T, ai_flags) == offsetof(ADDRINFOA, ai_flags) &&     \
                   offsetof(T, ai_addrlen) == offsetof(ADDRINFOA, ai_addrlen) && \
                   offsetof(T, ai_canonname) == offsetof(ADDRINFOA, ai_canonname) && \
                   offsetof(T, ai_addr) == offsetof(ADDRINFOA, ai_addr),         \
                   #T " does not begin as ADDRINFOA does")
RNR_GAI_SAME_PREFIX(ADDRINFOW);
RNR_GAI_SAME_PREFIX(ADDRINFOEXA);
RNR_GAI_SAME_PREFIX(ADDRINFOEXW);

#define RNR_GAI_SHAPE(T) { sizeof(T), offsetof(T, ai_next), 0 }
#define RNR_GAI_SHAPE_EX(T) { sizeof(T), offsetof(T, ai_next), offsetof(T, ai_provider) }
const struct rnr_gai_shape rnr_gai_shape_a = RNR_GAI_SHAPE(ADDRINFOA);
const struct rnr_gai_shape rnr_gai_shape_w = RNR_GAI_SHAPE(ADDRINFOW);
const struct rnr_gai_shape rnr_gai_shape_exa = RNR_GAI_SHAPE_EX(ADDRINFOEXA);
const struct rnr_gai_shape rnr_gai_shape_exw = RNR_GAI_SHAPE_EX(ADDRINFOEXW);

void *rnr_gai_list_build(const struct rnr_gai_result *res, unsigned flags,
                         const struct rnr_gai_shape *shape, const void *canon,
                         size_t canon_bytes)
{
    static const GUID zero;
    size_t n = res->n, i;
    size_t off_sa = RNR_GAI_ALIGN(n * shape->size);
    size_t off_guid = off_sa + n * sizeof(struct sockaddr_storage);
    size_t off_name = off_guid + (shape->off_provider != 0 ? sizeof(GUID) : 0);
    unsigned char *block = rnr_calloc(1, off_name + canon_bytes);
    GUID *provider = NULL;

    if (block == NULL)
        return NULL;
    if (shape->off_provider != 0 && memcmp(&res->provider, &zero, sizeof zero) != 0) {
        provider = (GUID *)(void *)(block + off_guid);
        *provider = res->provider;
    }
    for (i = 0; i < n; i++) {
        unsigned char *elem = block + i * shape->size;
        void *next = i + 1 < n ? elem + shape->size : NULL;
        ADDRINFOA head;

        memset(&head, 0, sizeof head);
        head.ai_flags = (int)flags;
        head.ai_family = res->addrs[i].family;
        head.ai_socktype = res->socktype;
        head.ai_protocol = res->protocol;
        head.ai_addrlen = res->addrs[i].len;
        head.ai_addr = (struct sockaddr *)(void *)
            (block + off_sa + i * sizeof(struct sockaddr_storage));
        memcpy(head.ai_addr, &res->addrs[i].sa, res->addrs[i].len);
        memcpy(elem, &head, offsetof(ADDRINFOA, ai_next));
        memcpy(elem + shape->off_next, &next, sizeof next);
        if (shape->off_provider != 0)
            memcpy(elem + shape->off_provider, &provider, sizeof provider);
    }
    if (canon_bytes > 0 && n > 0) {
        void *name = block + off_name;

        memcpy(name, canon, canon_bytes);
        memcpy(block + offsetof(ADDRINFOA, ai_canonname), &name, sizeof name);
    }
    return block;
}

INT rnr_getaddrinfo(const char *pNodeName, const char *pServiceName,
                    const ADDRINFOA *pHints, PADDRINFOA *ppResult)
{
    struct rnr_gai_req req;
    struct rnr_gai_result res;
    PADDRINFOA list;
    int st;

    memset(&res, 0, sizeof res);
    if (ppResult == NULL) {
        st = WSAEINVAL;
        goto done;
    }
    memset(&req, 0, sizeof req);
    req.node = pNodeName;
    req.service = pServiceName;
    if (pHints != NULL) {
        /* "All other members ... must contain either 0 or a null pointer". */
        if (pHints->ai_addrlen != 0 || pHints->ai_canonname != NULL ||
            pHints->ai_addr != NULL || pHints->ai_next != NULL) {
            st = WSANO_RECOVERY;
            goto done;
        }
        req.flags = (unsigned)pHints->ai_flags;
        req.family = pHints->ai_family;
        req.socktype = pHints->ai_socktype;
        req.protocol = pHints->ai_protocol;
    }
    if ((st = rnr_client_enter(NULL)) != 0 ||
        (st = rnr_gai_resolve(&req, &res)) != 0)
        goto done;
    if ((list = rnr_gai_list_build(&res, req.flags, &rnr_gai_shape_a, res.canon,
                                   res.canon ? strlen(res.canon) + 1 : 0)) == NULL) {
        st = WSA_NOT_ENOUGH_MEMORY;
        goto done;
    }
    *ppResult = list;
done:
    rnr_gai_result_clear(&res);
    /* Windows: NULL in *ppResult on failure, and the last error is the
     * return value, 0 included (Wine's test_getaddrinfo). */
    if (st != 0 && ppResult != NULL)
        *ppResult = NULL;
    WSASetLastError(st);
    return st;
}

void rnr_freeaddrinfo(PADDRINFOA pAddrInfo)
{
    rnr_free(pAddrInfo);
}

/* Windows' system message texts for the codes getaddrinfo returns. */
static const struct {
    int         code;
    const char *text;
} g_gai_text[] = {
    { 0,                           "The operation completed successfully. " },
    { WSATRY_AGAIN,                "This is usually a temporary error during hostname "
                                   "resolution and means that the local server did not "
                                   "receive a response from an authoritative server. " },
    { WSAEINVAL,                   "An invalid argument was supplied. " },
    { WSANO_RECOVERY,              "A non-recoverable error occurred during a database "
                                   "lookup. " },
    { WSAEAFNOSUPPORT,             "An address incompatible with the requested protocol "
                                   "was used. " },
    { WSA_NOT_ENOUGH_MEMORY,       "Not enough memory resources are available to "
                                   "process this command. " },
    { WSAHOST_NOT_FOUND,           "No such host is known. " },
    { WSANO_DATA,                  "The requested name is valid, but no data of the "
                                   "requested type was found. " },
    { WSATYPE_NOT_FOUND,           "The specified class was not found. " },
    { WSAESOCKTNOSUPPORT,          "The support for the specified socket type does not "
                                   "exist in this address family. " },
    { WSA_SECURE_HOST_NOT_FOUND,   "No such host is known securely. " },
    { WSA_IPSEC_NAME_POLICY_ERROR, "Name based IPSEC policy could not be added. " },
    { WSANOTINITIALISED,           "Either the application has not called WSAStartup, "
                                   "or WSAStartup failed. " },
    { WSASYSNOTREADY,              "WSAStartup cannot function at this time because the "
                                   "underlying system it uses to provide network services "
                                   "is currently unavailable. " },
    { WSAEFAULT,                   "The system detected an invalid pointer address in "
                                   "attempting to use a pointer argument in a call. " },
};

char *rnr_gai_strerror(INT ecode)
{
    size_t i;

    for (i = 0; i < sizeof g_gai_text / sizeof g_gai_text[0]; i++)
        if (g_gai_text[i].code == ecode)
            return (char *)(uintptr_t)g_gai_text[i].text;
    return (char *)(uintptr_t)rnr_strerror(ecode);
}
