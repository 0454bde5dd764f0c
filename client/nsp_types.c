/* SPDX-License-Identifier: MIT */
/*
 * Legacy name-service API: GetTypeByName, GetNameByType, EnumProtocols,
 * GetLastError, and the helpers the other nsp_*.c files share.
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "client.h"
#include "nspapi_int.h"
#include "alloc.h"
#include "guid.h"

/* ------------------------------------------------------------------ */
/* Shared helpers                                                       */
/* ------------------------------------------------------------------ */

int nsp_lookup_begin(struct nsp_lookup *lk, WSAQUERYSETA *q, DWORD flags)
{
    memset(lk, 0, sizeof(*lk));
    if (WSALookupServiceBeginA(q, flags, &lk->h) != 0) {
        lk->h = NULL;
        lk->status = WSAGetLastError();
    }
    return lk->status;
}

WSAQUERYSETA *nsp_lookup_next(struct nsp_lookup *lk)
{
    WSAQUERYSETA *r;
    DWORD len;
    int err = WSAEFAULT, tries;

    if (lk->h == NULL)
        return NULL;
    /* A record cannot grow between the sizing call and the copy; the
     * bound only keeps a misbehaving library from looping for ever. */
    for (tries = 0; tries < 4; tries++) {
        /* Ask for the size first: the record stays at the head of the
         * queue after a WSAEFAULT, so the second call gets the same one. */
        len = 0;
        if (WSALookupServiceNextA(lk->h, 0, &len, NULL) == 0) {
            err = WSAEINVAL;     /* a record of no size: cannot be */
        } else if ((err = WSAGetLastError()) == WSAEFAULT) {
            r = rnr_malloc(len);
            if (r == NULL) {
                err = WSA_NOT_ENOUGH_MEMORY;
            } else if (WSALookupServiceNextA(lk->h, 0, &len, r) == 0) {
                lk->got++;
                return r;
            } else {
                err = WSAGetLastError();
                rnr_free(r);
                if (err == WSAEFAULT)
                    continue;
            }
        }
        break;
    }
    if (err != WSA_E_NO_MORE && lk->status == 0)
        lk->status = err;
    return NULL;
}

void nsp_lookup_end(struct nsp_lookup *lk)
{
    if (lk->h != NULL)
        WSALookupServiceEnd(lk->h);
    lk->h = NULL;
}

int nsp_status_not_found(int status)
{
    switch (status) {
    case 0:
    case WSA_E_NO_MORE:
    case WSASERVICE_NOT_FOUND:
    case WSAHOST_NOT_FOUND:
    case WSANO_DATA:
    case WSATYPE_NOT_FOUND:
        return 1;
    default:
        return 0;
    }
}

void *nsp_out_take(struct nsp_out *o, const void *src, size_t n)
{
    char *p = NULL;

    if (o->base != NULL) {
        p = o->base + o->used;
        if (src != NULL)
            memcpy(p, src, n);
    }
    o->used += RNR_ALIGN_UP(n);
    return p;
}

int nsp_fail(int error)
{
    WSASetLastError(error);
    return SOCKET_ERROR;
}

DWORD rnr_GetLastError(void)
{
    return (DWORD)WSAGetLastError();
}

/* ------------------------------------------------------------------ */
/* GetTypeByName                                                        */
/* ------------------------------------------------------------------ */

/* An installed class of that name (case-insensitive, as Windows compares
 * service type names). */
static int installed_class(const char *name, GUID *out)
{
    WSASERVICECLASSINFOA *v = NULL;
    DWORD len = 0;
    int n = SOCKET_ERROR, i, tries, rc = WSATYPE_NOT_FOUND;

    /* Classes may be installed between the sizing call and the copy. */
    for (tries = 0; tries < 4 && n == SOCKET_ERROR; tries++) {
        n = rnr_enum_service_classes(&len, v);
        if (n != SOCKET_ERROR)
            break;
        rc = WSAGetLastError();
        rnr_free(v);
        v = NULL;
        if (rc != WSAEFAULT)
            return rc;
        if ((v = rnr_malloc(len)) == NULL)
            return WSA_NOT_ENOUGH_MEMORY;
        rc = WSATYPE_NOT_FOUND;
    }
    if (n == SOCKET_ERROR) {
        rnr_free(v);
        return WSAEFAULT;
    }
    for (i = 0; i < n; i++) {
        if (v[i].lpszServiceClassName != NULL && v[i].lpServiceClassId != NULL &&
            strcasecmp(v[i].lpszServiceClassName, name) == 0) {
            *out = *v[i].lpServiceClassId;
            rc = 0;
            break;
        }
    }
    rnr_free(v);
    return rc;
}

/* The built-in classes under the names GetNameByType gives them. */
static int wellknown_class(const char *name, GUID *out)
{
    static const GUID known[] = {
        SVCID_HOSTNAME, SVCID_INET_HOSTADDRBYINETSTRING,
        SVCID_INET_SERVICEBYNAME, SVCID_INET_HOSTADDRBYNAME,
    };
    size_t i;

    for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
        const char *n = rnr_guid_wellknown_name(&known[i]);

        if (n != NULL && strcasecmp(n, name) == 0) {
            *out = known[i];
            return 0;
        }
    }
    return WSATYPE_NOT_FOUND;
}

/* A service of the services database ("ftp", "domain/udp"): its port
 * class, SVCID_TCP(21) ..., which the INET_SERVICEBYNAME lookup returns
 * as the result's class. */
static int service_class(const char *name, GUID *out)
{
    GUID svc = SVCID_INET_SERVICEBYNAME;
    struct nsp_lookup lk;
    WSAQUERYSETA q, *r;
    int rc = WSATYPE_NOT_FOUND;

    memset(&q, 0, sizeof(q));
    q.dwSize = sizeof(q);
    q.lpszServiceInstanceName = (char *)name;
    q.lpServiceClassId = &svc;
    q.dwNameSpace = NS_ALL;
    if (nsp_lookup_begin(&lk, &q, LUP_RETURN_TYPE) != 0)
        return nsp_status_not_found(lk.status) ? WSATYPE_NOT_FOUND : lk.status;
    while ((r = nsp_lookup_next(&lk)) != NULL) {
        if (r->lpServiceClassId != NULL &&
            (IS_SVCID_TCP(r->lpServiceClassId) || IS_SVCID_UDP(r->lpServiceClassId))) {
            *out = *r->lpServiceClassId;
            rc = 0;
        }
        rnr_free(r);
        if (rc == 0)
            break;
    }
    if (rc != 0 && !nsp_status_not_found(lk.status))
        rc = lk.status;
    nsp_lookup_end(&lk);
    return rc;
}

int nsp_type_by_name(const char *name, GUID *out)
{
    int rc;

    if (name[0] == '\0')
        return WSATYPE_NOT_FOUND;
    rc = installed_class(name, out);
    if (rc == WSATYPE_NOT_FOUND)
        rc = wellknown_class(name, out);
    if (rc == WSATYPE_NOT_FOUND)
        rc = service_class(name, out);
    return rc;
}

INT GetTypeByNameA(LPSTR lpServiceName, LPGUID lpServiceType)
{
    int saved = WSAGetLastError(), rc;
    GUID g;

    if (lpServiceName == NULL || lpServiceType == NULL)
        return nsp_fail(WSAEFAULT);
    rc = nsp_type_by_name(lpServiceName, &g);
    if (rc == WSATYPE_NOT_FOUND)
        return nsp_fail(ERROR_SERVICE_DOES_NOT_EXIST);
    if (rc != 0)
        return nsp_fail(rc);
    *lpServiceType = g;
    WSASetLastError(saved);
    return 0;
}
RNR_ALIAS(GetTypeByName, GetTypeByNameA);

/* ------------------------------------------------------------------ */
/* GetNameByType                                                        */
/* ------------------------------------------------------------------ */

INT GetNameByTypeA(LPGUID lpServiceType, LPSTR lpServiceName, DWORD dwNameLength)
{
    int saved = WSAGetLastError(), rc;
    DWORD len = dwNameLength;

    if (lpServiceType == NULL || lpServiceName == NULL)
        return nsp_fail(WSAEFAULT);
    if (WSAGetServiceClassNameByServiceClassIdA(lpServiceType, lpServiceName,
                                                &len) != 0) {
        rc = WSAGetLastError();
        /* dwNameLength is passed by value: the size needed cannot be
         * reported, only that the buffer is short. */
        if (rc == WSAEFAULT)
            rc = ERROR_INSUFFICIENT_BUFFER;
        else if (rc == WSATYPE_NOT_FOUND)
            rc = ERROR_SERVICE_DOES_NOT_EXIST;
        return nsp_fail(rc);
    }
    WSASetLastError(saved);
    return 0;
}
RNR_ALIAS(GetNameByType, GetNameByTypeA);

/* ------------------------------------------------------------------ */
/* EnumProtocols                                                        */
/* ------------------------------------------------------------------ */

/* The XP1_* bits that mean what the XP_* bits of the same value mean;
 * 0x800 and up are multipoint planes / QoS for one, bandwidth allocation /
 * fragmentation / encryption for the other. */
#define XP_SAME_AS_XP1 0x000007FFu

int nsp_transports(const INT *protocols, WSAPROTOCOL_INFOA **out, int *count)
{
    WSAPROTOCOL_INFOA *w = NULL;
    DWORD len = 0;
    int n, tries, rc = 0;

    /* The transports are probed at each call; the list is stable in
     * practice, but retry a few times rather than trust that. */
    for (tries = 0; tries < 4; tries++) {
        n = WSAEnumProtocolsA((LPINT)protocols, w, &len);
        if (n != SOCKET_ERROR) {
            *out = w;
            *count = n;
            return 0;
        }
        rc = WSAGetLastError();
        rnr_free(w);
        w = NULL;
        if (rc != WSAENOBUFS && rc != WSAEFAULT)
            return rc;
        if ((w = rnr_malloc(len > 0 ? len : 1)) == NULL)
            return WSA_NOT_ENOUGH_MEMORY;
    }
    rnr_free(w);
    return rc;
}

INT EnumProtocolsA(LPINT lpiProtocols, LPVOID lpProtocolBuffer,
                   LPDWORD lpdwBufferLength)
{
    int saved = WSAGetLastError(), n, i, rc;
    WSAPROTOCOL_INFOA *w = NULL;
    PROTOCOL_INFOA *out = lpProtocolBuffer;
    struct nsp_out o;

    if (lpdwBufferLength == NULL)
        return nsp_fail(WSAEFAULT);
    if ((rc = nsp_transports(lpiProtocols, &w, &n)) != 0)
        return nsp_fail(rc);

    /* Measure, then place: the structures first, the names after them. */
    memset(&o, 0, sizeof(o));
    nsp_out_take(&o, NULL, (size_t)n * sizeof(PROTOCOL_INFOA));
    for (i = 0; i < n; i++)
        nsp_out_take(&o, NULL, strlen(w[i].szProtocol) + 1);
    if (o.used > 0 && (lpProtocolBuffer == NULL || *lpdwBufferLength < o.used)) {
        *lpdwBufferLength = (DWORD)o.used;
        rnr_free(w);
        return nsp_fail(ERROR_INSUFFICIENT_BUFFER);
    }
    o.base = lpProtocolBuffer;
    o.used = 0;
    nsp_out_take(&o, NULL, (size_t)n * sizeof(PROTOCOL_INFOA));
    for (i = 0; i < n; i++) {
        memset(&out[i], 0, sizeof(out[i]));
        out[i].dwServiceFlags = w[i].dwServiceFlags1 & XP_SAME_AS_XP1;
        out[i].iAddressFamily = w[i].iAddressFamily;
        out[i].iMaxSockAddr = w[i].iMaxSockAddr;
        out[i].iMinSockAddr = w[i].iMinSockAddr;
        out[i].iSocketType = w[i].iSocketType;
        out[i].iProtocol = w[i].iProtocol;
        out[i].dwMessageSize = w[i].dwMessageSize;
        out[i].lpProtocol = nsp_out_take(&o, w[i].szProtocol,
                                         strlen(w[i].szProtocol) + 1);
    }
    *lpdwBufferLength = (DWORD)o.used;
    rnr_free(w);
    WSASetLastError(saved);
    return n;
}
RNR_ALIAS(EnumProtocols, EnumProtocolsA);
