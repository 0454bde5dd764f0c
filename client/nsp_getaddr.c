/* SPDX-License-Identifier: MIT */
/*
 * Legacy name-service API: GetAddressByName and GetService, both one
 * WSALookupServiceBegin / Next / End whose results are repacked into the
 * legacy structures.
 *
 * Buffers are laid out the way the reference describes: the array of
 * structures at the head, everything they point to after it, each piece
 * aligned to RNR_ALIGN.  Sizes are measured by a first pass over the same
 * code that then fills the buffer, so the size reported for a short
 * buffer is exactly what the filling needs.
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "client.h"
#include "nspapi_int.h"
#include "alloc.h"
#include "queryset.h"

/* ------------------------------------------------------------------ */
/* GetAddressByName                                                     */
/* ------------------------------------------------------------------ */

struct ga_addr {
    INT                     type, proto;
    INT                     llen, rlen;      /* 0: no such address */
    struct sockaddr_storage local, remote;
};

struct ga_state {
    struct ga_addr *addrs;
    size_t          naddrs, addrs_cap;
    char          **names;
    size_t          nnames, names_cap;
};

static int grow(void **v, size_t *cap, size_t want, size_t size)
{
    size_t ncap;
    void *p;

    if (want <= *cap)
        return 0;
    ncap = *cap ? *cap * 2 : 8;
    if (ncap < want)
        ncap = want;
    if ((p = rnr_realloc(*v, ncap * size)) == NULL)
        return WSA_NOT_ENOUGH_MEMORY;
    *v = p;
    *cap = ncap;
    return 0;
}

static void ga_clear(struct ga_state *st)
{
    size_t i;

    for (i = 0; i < st->nnames; i++)
        rnr_free(st->names[i]);
    rnr_free(st->names);
    rnr_free(st->addrs);
    memset(st, 0, sizeof(*st));
}

static INT sa_copy(struct sockaddr_storage *dst, const SOCKET_ADDRESS *src)
{
    memset(dst, 0, sizeof(*dst));
    if (src->lpSockaddr == NULL || src->iSockaddrLength <= 0)
        return 0;
    /* Validated by the library: never more than a sockaddr_storage. */
    if ((size_t)src->iSockaddrLength > sizeof(*dst))
        return 0;
    memcpy(dst, src->lpSockaddr, (size_t)src->iSockaddrLength);
    return src->iSockaddrLength;
}

static int ga_same(const struct ga_addr *a, const struct ga_addr *b)
{
    return a->type == b->type && a->proto == b->proto &&
           a->llen == b->llen && a->rlen == b->rlen &&
           memcmp(&a->local, &b->local, (size_t)a->llen) == 0 &&
           memcmp(&a->remote, &b->remote, (size_t)a->rlen) == 0;
}

/* Adds one address; an address already there (the same host in two name
 * spaces under RES_FIND_MULTIPLE) is kept once: a client would only try
 * it twice. */
static int ga_add_addr(struct ga_state *st, const struct ga_addr *a)
{
    size_t i;
    int rc;

    for (i = 0; i < st->naddrs; i++)
        if (ga_same(&st->addrs[i], a))
            return 0;
    if ((rc = grow((void **)&st->addrs, &st->addrs_cap, st->naddrs + 1,
                   sizeof(*st->addrs))) != 0)
        return rc;
    st->addrs[st->naddrs++] = *a;
    return 0;
}

static int ga_add_csaddr(struct ga_state *st, const CSADDR_INFO *cs)
{
    struct ga_addr a;

    memset(&a, 0, sizeof(a));
    a.type = cs->iSocketType;
    a.proto = cs->iProtocol;
    a.llen = sa_copy(&a.local, &cs->LocalAddr);
    a.rlen = sa_copy(&a.remote, &cs->RemoteAddr);
    if (a.llen == 0 && a.rlen == 0)
        return 0;
    return ga_add_addr(st, &a);
}

/* Names compare case-insensitively, as host names do. */
static int ga_add_name(struct ga_state *st, const char *name)
{
    size_t i;
    int rc;

    if (name == NULL || name[0] == '\0')
        return 0;
    for (i = 0; i < st->nnames; i++)
        if (strcasecmp(st->names[i], name) == 0)
            return 0;
    if ((rc = grow((void **)&st->names, &st->names_cap, st->nnames + 1,
                   sizeof(*st->names))) != 0)
        return rc;
    if ((st->names[st->nnames] = rnr_strdup(name)) == NULL)
        return WSA_NOT_ENOUGH_MEMORY;
    st->nnames++;
    return 0;
}

/* lpiProtocols (0-terminated) as AFPROTOCOLS: every protocol over IPv4
 * and IPv6, the families rnr's providers serve.  The daemon drops the
 * CSADDRs that match no pair. */
#define GA_MAX_PROTOCOLS (RNR_QS_MAX_PROTOCOLS / 2)

static int ga_protocols(const INT *list, AFPROTOCOLS afp[RNR_QS_MAX_PROTOCOLS],
                        DWORD *n)
{
    DWORD k;

    *n = 0;
    if (list == NULL)
        return 0;
    for (; *list != 0; list++) {
        for (k = 0; k < *n; k += 2)
            if (afp[k].iProtocol == *list)
                break;
        if (k < *n)
            continue;
        if (*n / 2 >= GA_MAX_PROTOCOLS)
            return WSAEINVAL;
        afp[(*n)++] = (AFPROTOCOLS){ AF_INET, *list };
        afp[(*n)++] = (AFPROTOCOLS){ AF_INET6, *list };
    }
    return 0;
}

/* The ports of a service type: a port class says it itself, an installed
 * class (SetService SERVICE_ADD_TYPE) by its TcpPort / UdpPort values.
 * -1: none. */
static void ga_type_ports(const GUID *type, int *tcp, int *udp)
{
    WSASERVICECLASSINFOA *ci = NULL;
    DWORD len = 0, i;

    *tcp = *udp = -1;
    if (IS_SVCID_TCP(type) && RR_FROM_SVCID(type) == 0) {
        *tcp = PORT_FROM_SVCID_TCP(type);
        return;
    }
    if (IS_SVCID_UDP(type) && RR_FROM_SVCID(type) == 0) {
        *udp = PORT_FROM_SVCID_UDP(type);
        return;
    }
    if (WSAGetServiceClassInfoA(NULL, (LPGUID)type, &len, NULL) == 0 ||
        WSAGetLastError() != WSAEFAULT || (ci = rnr_malloc(len)) == NULL)
        return;
    if (WSAGetServiceClassInfoA(NULL, (LPGUID)type, &len, ci) == 0) {
        for (i = 0; i < ci->dwCount; i++) {
            const WSANSCLASSINFOA *v = &ci->lpClassInfos[i];
            DWORD port;

            if (v->lpszName == NULL || v->dwValueType != REG_DWORD ||
                v->dwValueSize != sizeof(DWORD) || v->lpValue == NULL)
                continue;
            memcpy(&port, v->lpValue, sizeof(port));
            if (port > 0xFFFF)
                continue;
            if (*tcp < 0 && strcasecmp(v->lpszName, SERVICE_TYPE_VALUE_TCPPORT) == 0)
                *tcp = (int)port;
            else if (*udp < 0 && strcasecmp(v->lpszName, SERVICE_TYPE_VALUE_UDPPORT) == 0)
                *udp = (int)port;
        }
    }
    rnr_free(ci);
}

/* RES_SERVICE that no provider answered: what a service of this type
 * binds to is the wildcard address of each transport the machine has,
 * at the type's port.  LocalAddr is that address; RemoteAddr repeats it,
 * so code that reads RemoteAddr finds a usable address too. */
static int ga_bind_addrs(struct ga_state *st, const GUID *type, const INT *protocols)
{
    WSAPROTOCOL_INFOA *t = NULL;
    int tcp, udp, n = 0, i, port, rc;

    ga_type_ports(type, &tcp, &udp);
    if (tcp < 0 && udp < 0)
        return WSASERVICE_NOT_FOUND;
    if ((rc = nsp_transports(protocols, &t, &n)) != 0)
        return rc;
    for (i = 0; i < n && rc == 0; i++) {
        struct ga_addr a;

        port = t[i].iProtocol == IPPROTO_TCP ? tcp
             : t[i].iProtocol == IPPROTO_UDP ? udp : -1;
        if (port < 0)
            continue;
        memset(&a, 0, sizeof(a));
        a.type = t[i].iSocketType;
        a.proto = t[i].iProtocol;
        if (t[i].iAddressFamily == AF_INET) {
            struct sockaddr_in *s = (struct sockaddr_in *)&a.local;

            s->sin_family = AF_INET;
            s->sin_port = htons((uint16_t)port);
            s->sin_addr.s_addr = htonl(INADDR_ANY);
            a.llen = (INT)sizeof(*s);
        } else if (t[i].iAddressFamily == AF_INET6) {
            struct sockaddr_in6 *s = (struct sockaddr_in6 *)&a.local;

            s->sin6_family = AF_INET6;
            s->sin6_port = htons((uint16_t)port);
            s->sin6_addr = in6addr_any;
            a.llen = (INT)sizeof(*s);
        } else {
            continue;
        }
        a.remote = a.local;
        a.rlen = a.llen;
        rc = ga_add_addr(st, &a);
    }
    rnr_free(t);
    if (rc == 0 && st->naddrs == 0)
        rc = WSANO_DATA;
    return rc;
}

/* Runs the lookup and collects addresses and names.  Without
 * RES_FIND_MULTIPLE it stops at the first result that has addresses (and
 * the alias results that follow it, which belong to it). */
static int ga_collect(struct ga_state *st, WSAQUERYSETA *q, DWORD flags, int multiple)
{
    struct nsp_lookup lk;
    WSAQUERYSETA *r;
    int used = 0, found = 0, rc = 0;
    DWORD i;

    if (nsp_lookup_begin(&lk, q, flags) != 0)
        return lk.status;
    while (rc == 0 && (r = nsp_lookup_next(&lk)) != NULL) {
        if (r->dwOutputFlags & RESULT_IS_ALIAS) {
            /* An alias result names the result before it. */
            if (used)
                rc = ga_add_name(st, r->lpszServiceInstanceName);
        } else if (found && !multiple) {
            rnr_free(r);
            break;
        } else {
            used = r->dwNumberOfCsAddrs > 0;
            for (i = 0; i < r->dwNumberOfCsAddrs && rc == 0; i++)
                rc = ga_add_csaddr(st, &r->lpcsaBuffer[i]);
            if (used && rc == 0)
                rc = ga_add_name(st, r->lpszServiceInstanceName);
            found |= used;
        }
        rnr_free(r);
    }
    if (rc == 0 && !found)
        rc = lk.got > 0 ? WSANO_DATA
           : lk.status != 0 ? lk.status : WSASERVICE_NOT_FOUND;
    nsp_lookup_end(&lk);
    return rc;
}

/* A type no name space knows, installed with TcpPort / UdpPort values
 * (SetService SERVICE_ADD_TYPE): the service runs on the named host at
 * the type's ports, as Windows' TCP/IP name spaces resolve such types.
 * The host is looked up as a host name over the protocols that have a
 * port, and the ports are put into its addresses. */
static int ga_by_type_ports(struct ga_state *st, WSAQUERYSETA *q, DWORD flags,
                            int multiple)
{
    AFPROTOCOLS afp[4];
    GUID host = SVCID_INET_HOSTADDRBYNAME;
    const GUID *type = q->lpServiceClassId;
    WSAQUERYSETA hq = *q;
    int tcp, udp, port, rc;
    DWORD i, n = 0;
    size_t k;

    if ((IS_SVCID_TCP(type) || IS_SVCID_UDP(type)) && RR_FROM_SVCID(type) == 0)
        return WSASERVICE_NOT_FOUND;   /* the name spaces already knew it */
    ga_type_ports(type, &tcp, &udp);
    for (i = 0; i < 2; i++) {
        int proto = i == 0 ? IPPROTO_TCP : IPPROTO_UDP;
        int wanted = q->dwNumberOfProtocols == 0;
        DWORD j;

        if ((i == 0 ? tcp : udp) < 0)
            continue;
        for (j = 0; j < q->dwNumberOfProtocols; j++)
            wanted |= q->lpafpProtocols[j].iProtocol == proto;
        if (!wanted)
            continue;
        afp[n++] = (AFPROTOCOLS){ AF_INET, proto };
        afp[n++] = (AFPROTOCOLS){ AF_INET6, proto };
    }
    if (n == 0)
        return WSASERVICE_NOT_FOUND;
    hq.lpServiceClassId = &host;
    hq.dwNumberOfProtocols = n;
    hq.lpafpProtocols = afp;
    if ((rc = ga_collect(st, &hq, flags, multiple)) != 0)
        return rc;
    for (k = 0; k < st->naddrs; k++) {
        struct ga_addr *a = &st->addrs[k];

        port = a->proto == IPPROTO_TCP ? tcp : udp;
        if (a->remote.ss_family == AF_INET)
            ((struct sockaddr_in *)&a->remote)->sin_port = htons((uint16_t)port);
        else if (a->remote.ss_family == AF_INET6)
            ((struct sockaddr_in6 *)&a->remote)->sin6_port = htons((uint16_t)port);
    }
    return 0;
}

static void ga_place_addrs(const struct ga_state *st, struct nsp_out *o)
{
    CSADDR_INFO *cs = nsp_out_take(o, NULL, st->naddrs * sizeof(CSADDR_INFO));
    size_t i;

    for (i = 0; i < st->naddrs; i++) {
        const struct ga_addr *a = &st->addrs[i];
        void *l = a->llen ? nsp_out_take(o, &a->local, (size_t)a->llen) : NULL;
        void *r = a->rlen ? nsp_out_take(o, &a->remote, (size_t)a->rlen) : NULL;

        if (cs == NULL)
            continue;
        cs[i].LocalAddr.lpSockaddr = l;
        cs[i].LocalAddr.iSockaddrLength = a->llen;
        cs[i].RemoteAddr.lpSockaddr = r;
        cs[i].RemoteAddr.iSockaddrLength = a->rlen;
        cs[i].iSocketType = a->type;
        cs[i].iProtocol = a->proto;
    }
}

/* "name\0alias\0...\0" plus the final NUL; an empty list is the double
 * NUL the reference describes. */
static size_t ga_alias_size(const struct ga_state *st)
{
    size_t i, n = 1;

    for (i = 0; i < st->nnames; i++)
        n += strlen(st->names[i]) + 1;
    return st->nnames == 0 ? 2 : n;
}

static void ga_place_aliases(const struct ga_state *st, char *buf)
{
    size_t i, len;

    for (i = 0; i < st->nnames; i++) {
        len = strlen(st->names[i]) + 1;
        memcpy(buf, st->names[i], len);
        buf += len;
    }
    buf[0] = '\0';
    if (st->nnames == 0)
        buf[1] = '\0';
}

INT GetAddressByNameA(DWORD dwNameSpace, LPGUID lpServiceType, LPSTR lpServiceName,
                      LPINT lpiProtocols, DWORD dwResolution,
                      LPSERVICE_ASYNC_INFO lpServiceAsyncInfo,
                      LPVOID lpCsaddrBuffer, LPDWORD lpdwBufferLength,
                      LPSTR lpAliasBuffer, LPDWORD lpdwAliasBufferLength)
{
    AFPROTOCOLS afp[RNR_QS_MAX_PROTOCOLS];
    int saved = WSAGetLastError(), res_service, rc;
    struct ga_state st;
    struct nsp_out o;
    WSAQUERYSETA q;
    size_t alias_need = 0;
    DWORD flags;

    if (lpdwBufferLength == NULL || (lpAliasBuffer != NULL && lpdwAliasBufferLength == NULL))
        return nsp_fail(WSAEFAULT);
    /* Reserved, "must be NULL": a caller expecting a callback would wait
     * for ever, so say no rather than run synchronously. */
    if (lpServiceType == NULL || lpServiceAsyncInfo != NULL)
        return nsp_fail(WSAEINVAL);

    res_service = (dwResolution & RES_SERVICE) || lpServiceName == NULL;
    memset(&q, 0, sizeof(q));
    q.dwSize = sizeof(q);
    q.lpServiceClassId = lpServiceType;
    q.lpszServiceInstanceName = res_service ? NULL : lpServiceName;
    q.dwNameSpace = dwNameSpace;          /* NS_DEFAULT is NS_ALL */
    if ((rc = ga_protocols(lpiProtocols, afp, &q.dwNumberOfProtocols)) != 0)
        return nsp_fail(rc);
    q.lpafpProtocols = q.dwNumberOfProtocols ? afp : NULL;
    /* RES_SOFT_SEARCH has no counterpart: rnr's name spaces have one
     * level of search. */
    flags = LUP_RETURN_NAME | LUP_RETURN_ADDR;
    if (lpAliasBuffer != NULL)
        flags |= LUP_RETURN_ALIASES;
    if (res_service)
        flags |= LUP_RES_SERVICE;

    memset(&st, 0, sizeof(st));
    rc = ga_collect(&st, &q, flags, (dwResolution & RES_FIND_MULTIPLE) != 0);
    if (rc != 0 && nsp_status_not_found(rc)) {
        int rc2;

        ga_clear(&st);
        rc2 = res_service ? ga_bind_addrs(&st, lpServiceType, lpiProtocols)
                          : ga_by_type_ports(&st, &q, flags, (dwResolution & RES_FIND_MULTIPLE) != 0);
        /* Keep the first answer's reason when the type has no ports. */
        if (rc2 != WSASERVICE_NOT_FOUND || res_service)
            rc = rc2;
    }
    if (rc != 0)
        goto done;

    memset(&o, 0, sizeof(o));
    ga_place_addrs(&st, &o);
    if (lpAliasBuffer != NULL)
        alias_need = ga_alias_size(&st);
    if (lpCsaddrBuffer == NULL || *lpdwBufferLength < o.used ||
        (lpAliasBuffer != NULL && *lpdwAliasBufferLength < alias_need)) {
        *lpdwBufferLength = (DWORD)o.used;
        if (lpAliasBuffer != NULL)
            *lpdwAliasBufferLength = (DWORD)alias_need;
        rc = ERROR_INSUFFICIENT_BUFFER;
        goto done;
    }
    o.base = lpCsaddrBuffer;
    o.used = 0;
    ga_place_addrs(&st, &o);
    *lpdwBufferLength = (DWORD)o.used;
    if (lpAliasBuffer != NULL) {
        ga_place_aliases(&st, lpAliasBuffer);
        *lpdwAliasBufferLength = (DWORD)alias_need;
    }
done:
    if (rc != 0) {
        ga_clear(&st);
        return nsp_fail(rc);
    }
    rc = (INT)st.naddrs;
    ga_clear(&st);
    WSASetLastError(saved);
    return rc;
}
RNR_ALIAS(GetAddressByName, GetAddressByNameA);

/* ------------------------------------------------------------------ */
/* GetService                                                           */
/* ------------------------------------------------------------------ */

static DWORD gs_lup_flags(DWORD props)
{
    DWORD f = LUP_RETURN_NAME | LUP_RETURN_TYPE;

    if (props & PROP_ALL)
        return f | LUP_RETURN_COMMENT | LUP_RETURN_VERSION | LUP_RETURN_ADDR |
               LUP_RETURN_BLOB;
    if (props & PROP_COMMENT)
        f |= LUP_RETURN_COMMENT;
    if (props & PROP_VERSION)
        f |= LUP_RETURN_VERSION;
    if (props & PROP_ADDRESSES)
        f |= LUP_RETURN_ADDR;
    if (props & PROP_SD)
        f |= LUP_RETURN_BLOB;
    return f;
}

static char *gs_string(struct nsp_out *o, const char *s)
{
    if (s == NULL)
        s = "";
    return nsp_out_take(o, s, strlen(s) + 1);
}

/* One record.  Members whose PROP_* bit is clear are NULL / 0 (the
 * reference leaves them undefined).  A selected member rnr has no source
 * for (locale, machine, display hint, start time) is "" or 0, so code
 * that reads it finds a valid value. */
static void gs_place(struct nsp_out *o, NS_SERVICE_INFOA *dst, const WSAQUERYSETA *r,
                     const GUID *qtype, const char *qname, DWORD props)
{
    NS_SERVICE_INFOA tmp;
    SERVICE_INFOA *si;
    SERVICE_ADDRESSES *sa;
    DWORD i, n = 0;
    size_t size;

    if (props & PROP_ALL)
        props = ~(DWORD)0;
    if (dst == NULL)
        dst = &tmp;   /* measuring: written and thrown away */
    memset(dst, 0, sizeof(*dst));
    si = &dst->ServiceInfo;
    dst->dwNameSpace = r->dwNameSpace;
    si->lpServiceType = nsp_out_take(o, r->lpServiceClassId != NULL
                                        ? r->lpServiceClassId : qtype, sizeof(GUID));
    si->lpServiceName = gs_string(o, r->lpszServiceInstanceName != NULL
                                     ? r->lpszServiceInstanceName : qname);
    if (props & PROP_COMMENT)
        si->lpComment = gs_string(o, r->lpszComment);
    if (props & PROP_LOCALE)
        si->lpLocale = gs_string(o, "");
    if ((props & PROP_VERSION) && r->lpVersion != NULL)
        si->dwVersion = r->lpVersion->dwVersion;
    if (props & PROP_MACHINE)
        si->lpMachineName = gs_string(o, "");
    if (props & PROP_ADDRESSES) {
        for (i = 0; i < r->dwNumberOfCsAddrs; i++)
            n += r->lpcsaBuffer[i].RemoteAddr.lpSockaddr != NULL;
        size = offsetof(SERVICE_ADDRESSES, Addresses) + n * sizeof(SERVICE_ADDRESS);
        if (size < sizeof(SERVICE_ADDRESSES))
            size = sizeof(SERVICE_ADDRESSES);
        sa = si->lpServiceAddress = nsp_out_take(o, NULL, size);
        if (sa != NULL) {
            memset(sa, 0, size);
            sa->dwAddressCount = n;
        }
        /* SERVICE_ADDRESS has no socket type or protocol: the remote
         * sockaddr and its family are all that carries over. */
        for (i = 0, n = 0; i < r->dwNumberOfCsAddrs; i++) {
            const SOCKET_ADDRESS *ra = &r->lpcsaBuffer[i].RemoteAddr;
            BYTE *a;

            if (ra->lpSockaddr == NULL)
                continue;
            a = nsp_out_take(o, ra->lpSockaddr, (size_t)ra->iSockaddrLength);
            if (sa != NULL) {
                sa->Addresses[n].dwAddressType = ra->lpSockaddr->sa_family;
                sa->Addresses[n].dwAddressLength = (DWORD)ra->iSockaddrLength;
                sa->Addresses[n].lpAddress = a;
            }
            n++;
        }
    }
    if ((props & PROP_SD) && r->lpBlob != NULL && r->lpBlob->cbSize > 0) {
        si->ServiceSpecificInfo.cbSize = r->lpBlob->cbSize;
        si->ServiceSpecificInfo.pBlobData =
            nsp_out_take(o, r->lpBlob->pBlobData, r->lpBlob->cbSize);
    }
}

INT GetServiceA(DWORD dwNameSpace, LPGUID lpGuid, LPSTR lpServiceName,
                DWORD dwProperties, LPVOID lpBuffer, LPDWORD lpdwBufferSize,
                LPSERVICE_ASYNC_INFO lpServiceAsyncInfo)
{
    int saved = WSAGetLastError(), rc = 0;
    WSAQUERYSETA q, *r, **keep = NULL;
    size_t n = 0, cap = 0, i, j;
    NS_SERVICE_INFOA *out = lpBuffer;
    struct nsp_lookup lk;
    struct nsp_out o;

    if (lpdwBufferSize == NULL)
        return nsp_fail(WSAEFAULT);
    if (lpGuid == NULL || lpServiceName == NULL || lpServiceAsyncInfo != NULL)
        return nsp_fail(WSAEINVAL);

    memset(&q, 0, sizeof(q));
    q.dwSize = sizeof(q);
    q.lpServiceClassId = lpGuid;
    q.lpszServiceInstanceName = lpServiceName;
    q.dwNameSpace = dwNameSpace;
    if (nsp_lookup_begin(&lk, &q, gs_lup_flags(dwProperties)) == 0) {
        /* One record per name space ("each NS_SERVICE_INFO structure
         * contains service information in the context of a particular
         * name space"): the first answer of each, in catalog order. */
        while (rc == 0 && (r = nsp_lookup_next(&lk)) != NULL) {
            for (j = 0; j < n; j++)
                if (keep[j]->dwNameSpace == r->dwNameSpace)
                    break;
            if (j < n) {
                rnr_free(r);
                continue;
            }
            if ((rc = grow((void **)&keep, &cap, n + 1, sizeof(*keep))) != 0) {
                rnr_free(r);
                break;
            }
            keep[n++] = r;
        }
    }
    if (rc == 0 && n == 0)
        rc = lk.status;
    nsp_lookup_end(&lk);
    if (n == 0 && nsp_status_not_found(rc)) {
        /* As the reference says: zero structures, and the reason in the
         * last error. */
        *lpdwBufferSize = 0;
        WSASetLastError(ERROR_SERVICE_NOT_FOUND);
        rc = 0;
        goto done;
    }
    if (rc != 0)
        goto done;

    memset(&o, 0, sizeof(o));
    nsp_out_take(&o, NULL, n * sizeof(NS_SERVICE_INFOA));
    for (i = 0; i < n; i++)
        gs_place(&o, NULL, keep[i], lpGuid, lpServiceName, dwProperties);
    if (lpBuffer == NULL || *lpdwBufferSize < o.used) {
        *lpdwBufferSize = (DWORD)o.used;
        rc = ERROR_INSUFFICIENT_BUFFER;
        goto done;
    }
    o.base = lpBuffer;
    o.used = 0;
    nsp_out_take(&o, NULL, n * sizeof(NS_SERVICE_INFOA));
    for (i = 0; i < n; i++)
        gs_place(&o, &out[i], keep[i], lpGuid, lpServiceName, dwProperties);
    *lpdwBufferSize = (DWORD)o.used;
    WSASetLastError(saved);
done:
    for (i = 0; i < n; i++)
        rnr_free(keep[i]);
    rnr_free(keep);
    return rc == 0 ? (INT)n : nsp_fail(rc);
}
RNR_ALIAS(GetService, GetServiceA);
