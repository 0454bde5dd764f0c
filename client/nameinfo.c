/* SPDX-License-Identifier: MIT */
/*
 * getnameinfo (Microsoft's getnameinfo page).  The host is what
 * gethostbyaddr finds (hostdb.c, the same lookup of
 * SVCID_INET_HOSTADDRBYINETSTRING), the service what getservbyport finds
 * (servdb.c); with neither found, the numeric forms, unless NI_NAMEREQD.
 * Numeric hosts are written the way inet_ntop writes them (inet_pton.c),
 * with "%scope" after an IPv6 address that has a scope id.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "blob.h"
#include "client.h"
#include "getxbyy.h"
#include "ws2tcpip_int.h"

#include <rnr/ws2tcpip.h>

#define NI_KNOWN (RNR_NI_NOFQDN | RNR_NI_NUMERICHOST | RNR_NI_NAMEREQD | \
                  RNR_NI_NUMERICSERV | RNR_NI_DGRAM)

static int copy_out(const char *s, size_t len, char *buf, DWORD cap)
{
    if (len >= cap)
        return WSAEFAULT;
    memcpy(buf, s, len);
    buf[len] = '\0';
    return 0;
}

/* The first result of q unpacked into a heap buffer (rnr_free). */
static int lookup_struct(const struct rnr_xbyy_query *q, void **out)
{
    struct rnr_xbyy_result r;
    size_t needed = 0;
    void *buf = NULL;
    int st;

    if ((st = rnr_xbyy_lookup(q, 0, &r)) != 0)
        return st;
    /* The structure is never much bigger than its blob (getxbyy.c). */
    needed = r.qs->lpBlob != NULL ? r.qs->lpBlob->cbSize + 64 : 64;
    if ((buf = rnr_malloc(needed)) == NULL)
        st = WSA_NOT_ENOUGH_MEMORY;
    else
        st = rnr_xbyy_unpack(q, r.qs, buf, needed, &needed);
    if (st == WSAEFAULT) {
        void *p = rnr_realloc(buf, needed);

        if (p == NULL) {
            st = WSA_NOT_ENOUGH_MEMORY;
        } else {
            buf = p;
            st = rnr_xbyy_unpack(q, r.qs, buf, needed, &needed);
        }
    }
    rnr_xbyy_result_free(&r);
    if (st != 0) {
        rnr_free(buf);
        return st;
    }
    *out = buf;
    return 0;
}

static int host_part(const struct sockaddr *sa, int flags, char *host, DWORD hostlen)
{
    char text[INET6_ADDRSTRLEN + 16], name_text[INET6_ADDRSTRLEN];
    struct rnr_xbyy_query q;
    const void *addr;
    struct hostent *he = NULL;
    size_t len;
    int st, af = sa->sa_family;
    uint32_t scope = 0;

    if (af == AF_INET) {
        addr = &((const struct sockaddr_in *)(const void *)sa)->sin_addr;
        rnr_ntop4(addr, text, sizeof text);
    } else {
        const struct sockaddr_in6 *s6 = (const void *)sa;

        addr = &s6->sin6_addr;
        scope = s6->sin6_scope_id;
        rnr_ntop6(addr, text, sizeof text);
        if (scope != 0)
            snprintf(text + strlen(text), 16, "%%%u", (unsigned)scope);
    }
    if (!(flags & RNR_NI_NUMERICHOST)) {
        st = rnr_hostdb_query_byaddr(addr, af == AF_INET ? 4 : 16, af,
                                     name_text, &q);
        if (st == 0)
            st = lookup_struct(&q, (void **)&he);
        if (st == 0 && he->h_name != NULL && he->h_name[0] != '\0') {
            len = strlen(he->h_name);
            /* NI_NOFQDN: the first label only (Windows' "relative
             * distinguished name" of a local host). */
            if (flags & RNR_NI_NOFQDN) {
                const char *dot = strchr(he->h_name, '.');

                if (dot != NULL)
                    len = (size_t)(dot - he->h_name);
            }
            st = copy_out(he->h_name, len, host, hostlen);
            rnr_free(he);
            return st;
        }
        rnr_free(he);
        st = rnr_gai_status(st);
        if (st != WSAHOST_NOT_FOUND)
            return st;
        if (flags & RNR_NI_NAMEREQD)
            return WSAHOST_NOT_FOUND;
    }
    return copy_out(text, strlen(text), host, hostlen);
}

static int serv_part(uint16_t port_n, int flags, char *serv, DWORD servlen)
{
    char key[RNR_SERV_PORT_KEY], query[RNR_SERV_QUERY_MAX], text[8];
    struct rnr_xbyy_query q;
    struct servent *se = NULL;
    int st;

    if (!(flags & RNR_NI_NUMERICSERV) &&
        rnr_servdb_port_key(port_n, key) == 0 &&
        rnr_servdb_query(key, (flags & RNR_NI_DGRAM) ? "udp" : "tcp", query, &q) == 0) {
        q.fallback = NULL;
        st = lookup_struct(&q, (void **)&se);
        if (st == 0 && se->s_name != NULL) {
            st = copy_out(se->s_name, strlen(se->s_name), serv, servlen);
            rnr_free(se);
            return st;
        }
        rnr_free(se);
        st = rnr_gai_status(st);
        if (st != WSAHOST_NOT_FOUND)
            return st;
    }
    snprintf(text, sizeof text, "%u", (unsigned)ntohs(port_n));
    return copy_out(text, strlen(text), serv, servlen);
}

int rnr_nameinfo_resolve(const struct sockaddr *sa, socklen_t salen, int want_host,
                         int want_serv, int flags, char *host, char *serv)
{
    uint16_t port_n;
    int st;

    if (sa == NULL || salen < (socklen_t)sizeof(sa_family_t))
        return WSAEFAULT;
    if (sa->sa_family != AF_INET && sa->sa_family != AF_INET6)
        return WSAEAFNOSUPPORT;
    if (salen < (socklen_t)(sa->sa_family == AF_INET ? sizeof(struct sockaddr_in)
                                                     : sizeof(struct sockaddr_in6)))
        return WSAEFAULT;
    if ((unsigned)flags & ~(unsigned)NI_KNOWN)
        return WSAEINVAL;
    if (!want_host && !want_serv)
        return WSAHOST_NOT_FOUND;
    if ((st = rnr_client_enter(NULL)) != 0)
        return st;
    port_n = sa->sa_family == AF_INET
        ? ((const struct sockaddr_in *)(const void *)sa)->sin_port
        : ((const struct sockaddr_in6 *)(const void *)sa)->sin6_port;
    if (want_host && (st = host_part(sa, flags, host, RNR_NI_MAXHOST)) != 0)
        return st;
    if (want_serv && (st = serv_part(port_n, flags, serv, RNR_NI_MAXSERV)) != 0)
        return st;
    return 0;
}

INT rnr_getnameinfo(const struct sockaddr *pSockaddr, socklen_t SockaddrLength,
                    char *pNodeBuffer, DWORD NodeBufferSize,
                    char *pServiceBuffer, DWORD ServiceBufferSize, INT Flags)
{
    int want_host = pNodeBuffer != NULL && NodeBufferSize > 0;
    int want_serv = pServiceBuffer != NULL && ServiceBufferSize > 0;
    char host[RNR_NI_MAXHOST], serv[RNR_NI_MAXSERV];
    int st;

    /* Both parts into local buffers first: the caller's are written only
     * when the whole call succeeds. */
    st = rnr_nameinfo_resolve(pSockaddr, SockaddrLength, want_host, want_serv,
                              Flags, host, serv);
    if (st != 0)
        goto done;
    if ((want_host && strlen(host) >= NodeBufferSize) ||
        (want_serv && strlen(serv) >= ServiceBufferSize)) {
        st = WSAEFAULT;
        goto done;
    }
    if (want_host)
        memcpy(pNodeBuffer, host, strlen(host) + 1);
    if (want_serv)
        memcpy(pServiceBuffer, serv, strlen(serv) + 1);
done:
    WSASetLastError(st);
    return st;
}
