/* SPDX-License-Identifier: MIT */
/*
 * The lookups behind getservbyname, getservbyport and gethostbyaddr (and
 * NSS's services and reverse hosts databases), answered from what was
 * registered, in the shape the hosts provider gives them.
 *
 * Services: SVCID_INET_SERVICEBYNAME with "name/proto", "port/proto",
 * "name" or "port".  A service is an entry of a port class (SVCID_TCP(port)
 * or SVCID_UDP(port): `rnrctl register tcp:4242 myproto`), whose class
 * gives its port and protocol, or an entry of SVCID_INET_SERVICEBYNAME
 * itself, whose first address with a port gives them (IPPROTO_UDP or
 * SOCK_DGRAM: udp; otherwise tcp).  The answer is the entry under the
 * port's canonical class, as the reference has getservbyname's, with a
 * servent blob; an entry of SVCID_INET_SERVICEBYNAME that carries a blob
 * of its own keeps it.  An entry of SVCID_INET_SERVICEBYNAME named with
 * the whole query text ("myproto/tcp", as glibc asks) is an answer as it
 * stands, as any lookup would find it.  Names compare ASCII
 * case-insensitively.
 *
 * Addresses: SVCID_INET_HOSTADDRBYINETSTRING with an IPv4 or IPv6 address
 * in text finds, through the tree's address index, the host entries
 * (SVCID_INET_HOSTADDRBYNAME, SVCID_HOSTNAME) registered with it: each
 * answer is the entry's name with that address and a hostent blob.
 *
 * Both search the context asked (the default one for NULL), its subtree
 * with LUP_DEEP, under the trust rule of every lookup (dir_query.c).
 */
#include "config.h"

#include "directory.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alloc.h"
#include "blob.h"
#include "guid.h"

#include <rnr/svcguid.h>

static const GUID g_service = SVCID_INET_SERVICEBYNAME;
static const GUID g_bystring = SVCID_INET_HOSTADDRBYINETSTRING;
static const GUID g_byname = SVCID_INET_HOSTADDRBYNAME;
static const GUID g_hostname = SVCID_HOSTNAME;

/* Entries below a lookup's start: the start container, or its subtree. */
static int in_scope(const struct dir_entry *e, const struct dir_node *start, DWORD flags)
{
    return (flags & LUP_DEEP) ? dir_node_within(e->node, start) : e->node == start;
}

static void emit(struct dir_state *st, struct rnr_nsp_lookup *lk, const WSAQUERYSETA *r,
                 size_t *emitted, int *stop)
{
    if (st->host->emit(lk, r) == WSAENOBUFS) {
        *stop = 1;
        st->truncated++;
        return;
    }
    ++*emitted;
}

/* ------------------------------------------------------------ services */

struct serv_query {
    char        name[256];      /* "" when by port */
    unsigned    port;           /* host order; 0 when by name */
    const char *proto;          /* NULL: any */
    char        protobuf[32];
};

/* "name/proto", "port/proto", "name" or "port".  0, or -1 when the text
 * is none of them. */
static int serv_query_parse(const char *text, struct serv_query *q)
{
    const char *slash = strrchr(text, '/');
    size_t      n = slash != NULL ? (size_t)(slash - text) : strlen(text);
    char       *end;
    unsigned long port;

    memset(q, 0, sizeof *q);
    if (n == 0 || n >= sizeof q->name)
        return -1;
    if (slash != NULL) {
        if (slash[1] == '\0' || strlen(slash + 1) >= sizeof q->protobuf ||
            strchr(slash + 1, '/') != NULL)
            return -1;
        strcpy(q->protobuf, slash + 1);
        q->proto = q->protobuf;
    }
    memcpy(q->name, text, n);
    q->name[n] = '\0';
    if (q->name[0] >= '0' && q->name[0] <= '9') {
        port = strtoul(q->name, &end, 10);
        if (*end != '\0' || port == 0 || port > 65535)
            return -1;
        q->port = (unsigned)port;
        q->name[0] = '\0';
    }
    return 0;
}

static int is_port_class(const GUID *g)
{
    return (IS_SVCID_TCP(g) || IS_SVCID_UDP(g)) && RR_FROM_SVCID(g) == 0;
}

static unsigned sockaddr_port(const SOCKET_ADDRESS *sa)
{
    if (sa->lpSockaddr == NULL)
        return 0;
    if (sa->lpSockaddr->sa_family == AF_INET &&
        sa->iSockaddrLength >= (INT)sizeof(struct sockaddr_in))
        return ntohs(((const struct sockaddr_in *)(const void *)sa->lpSockaddr)->sin_port);
    if (sa->lpSockaddr->sa_family == AF_INET6 &&
        sa->iSockaddrLength >= (INT)sizeof(struct sockaddr_in6))
        return ntohs(((const struct sockaddr_in6 *)(const void *)sa->lpSockaddr)->sin6_port);
    return 0;
}

/* The port and protocol entry e serves that query q asks for: 0 with
 * *port and *proto set, or -1 when e is no such service. */
static int serv_of(const struct dir_entry *e, const struct serv_query *q, unsigned *port,
                   const char **proto)
{
    const GUID   *cls = dir_entry_class(e);
    WSAQUERYSETA *x;
    DWORD         i;
    int           rc = -1;

    if (is_port_class(cls)) {
        *port = PORT_FROM_SVCID_TCP(cls);
        *proto = IS_SVCID_TCP(cls) ? "tcp" : "udp";
        if ((q->proto == NULL || strcasecmp(q->proto, *proto) == 0) &&
            (q->port == 0 || q->port == *port))
            return 0;
        return -1;
    }
    /* Out of memory, e is not served: as good an answer as any. */
    if (!rnr_guid_equal(cls, &g_service) || dir_entry_naddrs(e) == 0 ||
        dir_entry_expand(e, &x) != 0)
        return -1;
    for (i = 0; i < x->dwNumberOfCsAddrs && rc != 0; i++) {
        const CSADDR_INFO *ca = &x->lpcsaBuffer[i];
        unsigned p = sockaddr_port(&ca->RemoteAddr);

        if (p == 0)
            p = sockaddr_port(&ca->LocalAddr);
        if (p == 0)
            continue;
        *port = p;
        *proto = ca->iProtocol == IPPROTO_UDP || ca->iSocketType == SOCK_DGRAM ? "udp" : "tcp";
        if ((q->proto == NULL || strcasecmp(q->proto, *proto) == 0) &&
            (q->port == 0 || q->port == p))
            rc = 0;
    }
    rnr_free(x);
    return rc;
}

/* e answers q: emitted as the service it is. */
static int serv_emit(struct dir_state *st, struct rnr_nsp_lookup *lk, const struct dir_entry *e,
                     unsigned port, const char *proto, size_t *emitted, int *stop)
{
    const char *name = dir_entry_name(e);
    WSAQUERYSETA r, *x;
    uint8_t *data = NULL;
    size_t len;
    BLOB blob;
    GUID cls;

    if (dir_entry_expand(e, &x) != 0)
        return WSA_NOT_ENOUGH_MEMORY;
    r = *x;

    if (strcmp(proto, "tcp") == 0)
        SET_TCP_SVCID(&cls, port);
    else
        SET_UDP_SVCID(&cls, port);
    r.lpServiceClassId = &cls;
    r.lpszContext = e->node->path;
    if (r.lpBlob == NULL || !rnr_guid_equal(dir_entry_class(e), &g_service)) {
        if (rnr_blob_servent(name, NULL, htons((uint16_t)port), proto, &data, &len) != 0) {
            rnr_free(x);
            return WSA_NOT_ENOUGH_MEMORY;
        }
        blob.cbSize = (ULONG)len;
        blob.pBlobData = data;
        r.lpBlob = &blob;
    }
    emit(st, lk, &r, emitted, stop);
    rnr_free(data);
    rnr_free(x);
    return 0;
}

int dir_resolve_service(struct dir_state *st, struct rnr_nsp_lookup *lk,
                        const WSAQUERYSETA *qs, DWORD flags, const struct dir_node *start,
                        struct dir_viewer *who)
{
    const char *text = qs->lpszServiceInstanceName;
    const struct dir_node *n;
    const struct dir_entry *e;
    struct serv_query q;
    size_t emitted = 0;
    const char *proto;
    unsigned port;
    int stop = 0, rc = 0;

    if (!rnr_guid_equal(qs->lpServiceClassId, &g_service) || (flags & LUP_CONTAINERS) ||
        text == NULL || strpbrk(text, "*?") != NULL || serv_query_parse(text, &q) != 0)
        return 1;
    if (q.proto != NULL) {
        uint32_t h = dir_name_hash(&st->tree, text);

        for (e = dir_tree_name_first(&st->tree, text, h); e != NULL && !stop;
             e = dir_tree_name_next(e, h))
            if (strcasecmp(dir_entry_name(e), text) == 0 &&
                rnr_guid_equal(dir_entry_class(e), &g_service) &&
                in_scope(e, start, flags) && dir_entry_visible(st, who, e)) {
                WSAQUERYSETA *r;

                if ((rc = dir_entry_expand(e, &r)) != 0)
                    return rc;
                r->lpszContext = e->node->path;
                emit(st, lk, r, &emitted, &stop);
                rnr_free(r);
            }
    }
    if (q.name[0] != '\0') {
        uint32_t h = dir_name_hash(&st->tree, q.name);

        for (e = dir_tree_name_first(&st->tree, q.name, h); e != NULL && !stop && rc == 0;
             e = dir_tree_name_next(e, h))
            if (strcasecmp(dir_entry_name(e), q.name) == 0 &&
                in_scope(e, start, flags) && serv_of(e, &q, &port, &proto) == 0 &&
                dir_entry_visible(st, who, e))
                rc = serv_emit(st, lk, e, port, proto, &emitted, &stop);
    } else {
        /* By port: every entry of the scope (getservbyport is rare). */
        for (n = start; n != NULL && !stop && rc == 0;
             n = (flags & LUP_DEEP) ? dir_node_next(n, start) : NULL)
            for (e = n->ent_first; e != NULL && !stop && rc == 0; e = e->next)
                if (serv_of(e, &q, &port, &proto) == 0 && dir_entry_visible(st, who, e))
                    rc = serv_emit(st, lk, e, port, proto, &emitted, &stop);
    }
    if (rc != 0)
        return rc;
    return emitted > 0 ? 0 : WSASERVICE_NOT_FOUND;
}

/* ------------------------------------------------------------ addresses */

static int is_host_class(const GUID *g)
{
    return rnr_guid_equal(g, &g_byname) || rnr_guid_equal(g, &g_hostname);
}

int dir_resolve_addr(struct dir_state *st, struct rnr_nsp_lookup *lk,
                     const WSAQUERYSETA *qs, DWORD flags, const struct dir_node *start,
                     struct dir_viewer *who)
{
    const char *text = qs->lpszServiceInstanceName;
    struct dir_alink *l;
    uint8_t addr[16];
    size_t emitted = 0;
    uint32_t h;
    int af, stop = 0;

    if (!rnr_guid_equal(qs->lpServiceClassId, &g_bystring) || (flags & LUP_CONTAINERS) ||
        text == NULL)
        return 1;
    if (inet_pton(AF_INET, text, addr) == 1)
        af = AF_INET;
    else if (inet_pton(AF_INET6, text, addr) == 1)
        af = AF_INET6;
    else
        return 1;
    h = dir_addr_hash(&st->tree, af, addr);
    for (l = dir_tree_addr_first(&st->tree, h); l != NULL && !stop;
         l = dir_tree_addr_next(l, h)) {
        const struct dir_entry *e = l->e;
        const void *a;
        WSAQUERYSETA r, *x;
        uint8_t *data;
        size_t len;
        BLOB blob;
        int eaf;

        a = dir_alink_addr(l, &eaf);
        if (a == NULL || eaf != af || memcmp(a, addr, af == AF_INET6 ? 16 : 4) != 0 ||
            !is_host_class(dir_entry_class(e)) || !in_scope(e, start, flags) ||
            !dir_entry_visible(st, who, e))
            continue;
        if (dir_entry_expand(e, &x) != 0)
            return WSA_NOT_ENOUGH_MEMORY;
        if (rnr_blob_hostent(dir_entry_name(e), NULL, af,
                             af == AF_INET6 ? 16 : 4, addr, 1, &data, &len) != 0) {
            rnr_free(x);
            return WSA_NOT_ENOUGH_MEMORY;
        }
        r = *x;
        r.lpServiceClassId = (GUID *)&g_bystring;
        r.lpszContext = e->node->path;
        r.dwNumberOfCsAddrs = 1;
        r.lpcsaBuffer = &x->lpcsaBuffer[l->csaddr];
        blob.cbSize = (ULONG)len;
        blob.pBlobData = data;
        r.lpBlob = &blob;
        emit(st, lk, &r, &emitted, &stop);
        rnr_free(data);
        rnr_free(x);
    }
    return emitted > 0 ? 0 : WSAHOST_NOT_FOUND;
}
