/* SPDX-License-Identifier: MIT */
/*
 * The W twins of the legacy name-service API (nspapi.h).  Like the A
 * functions they are built on, they report through the last error and
 * leave it as it was on success.  Each converts its text at the boundary
 * and lets the A twin do the work; results are laid out again in the W
 * layout, in the caller's buffer, with the A code's two-pass measuring.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "alloc.h"
#include "client.h"
#include "nspapi_int.h"
#include "utf16.h"

/* s as UTF-16 in the output; NULL stays NULL.  Invalid UTF-8 sets *bad. */
static WCHAR *out_wstr(struct nsp_out *o, const char *s, int *bad)
{
    size_t need = 0;
    WCHAR *d;

    if (s == NULL)
        return NULL;
    if (rnr_utf8_to_utf16(s, NULL, 0, &need) == WSAEINVAL) {
        *bad = 1;
        return NULL;
    }
    d = nsp_out_take(o, NULL, need * sizeof(WCHAR));
    if (d != NULL)
        (void)rnr_utf8_to_utf16(s, d, need, &need);
    return d;
}

/* ------------------------------------------------------------------ */
/* GetTypeByNameW / GetNameByTypeW                                      */
/* ------------------------------------------------------------------ */

INT GetTypeByNameW(LPWSTR lpServiceName, LPGUID lpServiceType)
{
    char *name = NULL;
    int rc;

    if (lpServiceName == NULL || lpServiceType == NULL)
        return nsp_fail(WSAEFAULT);
    if ((rc = rnr_utf16_to_utf8_dup(lpServiceName, &name)) != 0)
        return nsp_fail(rc);
    rc = GetTypeByNameA(name, lpServiceType);
    rnr_free(name);
    return rc;
}

INT GetNameByTypeW(LPGUID lpServiceType, LPWSTR lpServiceName, DWORD dwNameLength)
{
    char name[1024];
    int saved = WSAGetLastError(), rc;
    size_t need = 0;

    if (lpServiceType == NULL || lpServiceName == NULL)
        return nsp_fail(WSAEFAULT);
    if (GetNameByTypeA(lpServiceType, name, sizeof(name)) != 0)
        return SOCKET_ERROR;
    /* dwNameLength is in bytes: Microsoft's page says so for W too. */
    rc = rnr_utf8_to_utf16(name, lpServiceName, dwNameLength / sizeof(WCHAR), &need);
    if (rc == WSAEFAULT)
        return nsp_fail(ERROR_INSUFFICIENT_BUFFER);
    if (rc != 0)
        return nsp_fail(rc);
    WSASetLastError(saved);
    return 0;
}

/* ------------------------------------------------------------------ */
/* EnumProtocolsW                                                       */
/* ------------------------------------------------------------------ */

/* Calls the A twin into a buffer of its own, grown until it fits.  0
 * with *out (rnr_free) and the count, or the error. */
static int enum_protocols_a(LPINT protocols, PROTOCOL_INFOA **out, int *count)
{
    PROTOCOL_INFOA *a = NULL, *bigger;
    DWORD len = 1024;
    int n;

    for (;;) {
        if ((bigger = rnr_realloc(a, len > 0 ? len : 1)) == NULL) {
            rnr_free(a);
            return WSA_NOT_ENOUGH_MEMORY;
        }
        a = bigger;
        if ((n = EnumProtocolsA(protocols, a, &len)) != SOCKET_ERROR)
            break;
        if (WSAGetLastError() != ERROR_INSUFFICIENT_BUFFER) {
            rnr_free(a);
            return WSAGetLastError();
        }
    }
    *out = a;
    *count = n;
    return 0;
}

static void ep_place(struct nsp_out *o, const PROTOCOL_INFOA *a, int n, int *bad)
{
    PROTOCOL_INFOW *w = nsp_out_take(o, NULL, (size_t)n * sizeof(PROTOCOL_INFOW));
    int i;

    for (i = 0; i < n; i++) {
        WCHAR *name = out_wstr(o, a[i].lpProtocol, bad);

        if (w == NULL)
            continue;
        w[i].dwServiceFlags = a[i].dwServiceFlags;
        w[i].iAddressFamily = a[i].iAddressFamily;
        w[i].iMaxSockAddr = a[i].iMaxSockAddr;
        w[i].iMinSockAddr = a[i].iMinSockAddr;
        w[i].iSocketType = a[i].iSocketType;
        w[i].iProtocol = a[i].iProtocol;
        w[i].dwMessageSize = a[i].dwMessageSize;
        w[i].lpProtocol = name;
    }
}

INT EnumProtocolsW(LPINT lpiProtocols, LPVOID lpProtocolBuffer,
                   LPDWORD lpdwBufferLength)
{
    int saved = WSAGetLastError(), n = 0, bad = 0, rc;
    PROTOCOL_INFOA *a = NULL;
    struct nsp_out o;

    if (lpdwBufferLength == NULL)
        return nsp_fail(WSAEFAULT);
    if ((rc = enum_protocols_a(lpiProtocols, &a, &n)) != 0)
        return nsp_fail(rc);
    memset(&o, 0, sizeof(o));
    ep_place(&o, a, n, &bad);
    if (bad) {
        rc = WSAEINVAL;
        goto done;
    }
    if (o.used > 0 && (lpProtocolBuffer == NULL || *lpdwBufferLength < o.used)) {
        *lpdwBufferLength = (DWORD)o.used;
        rc = ERROR_INSUFFICIENT_BUFFER;
        goto done;
    }
    o.base = lpProtocolBuffer;
    o.used = 0;
    ep_place(&o, a, n, &bad);
    *lpdwBufferLength = (DWORD)o.used;
done:
    rnr_free(a);
    if (rc != 0)
        return nsp_fail(rc);
    WSASetLastError(saved);
    return n;
}

/* ------------------------------------------------------------------ */
/* GetAddressByNameW                                                    */
/* ------------------------------------------------------------------ */

INT GetAddressByNameW(DWORD dwNameSpace, LPGUID lpServiceType, LPWSTR lpServiceName,
                      LPINT lpiProtocols, DWORD dwResolution,
                      LPSERVICE_ASYNC_INFO lpServiceAsyncInfo,
                      LPVOID lpCsaddrBuffer, LPDWORD lpdwBufferLength,
                      LPWSTR lpAliasBuffer, LPDWORD lpdwAliasBufferLength)
{
    int saved = WSAGetLastError(), n = 0, i, rc = 0;
    char *name = NULL, *alias = NULL, *p;
    CSADDR_INFO *cs = NULL, *dst;
    DWORD cs_len = 1024, al_len = 256;
    size_t al_need = 0, wl;
    void *bigger;

    if (lpdwBufferLength == NULL || (lpAliasBuffer != NULL && lpdwAliasBufferLength == NULL))
        return nsp_fail(WSAEFAULT);
    if ((rc = rnr_utf16_to_utf8_dup(lpServiceName, &name)) != 0)
        return nsp_fail(rc);
    /* Into buffers of our own first: the W alias size is only known from
     * the A answer, and the caller may have asked with none. */
    for (;;) {
        if ((bigger = rnr_realloc(cs, cs_len > 0 ? cs_len : 1)) == NULL) {
            rc = WSA_NOT_ENOUGH_MEMORY;
            goto done;
        }
        cs = bigger;
        if (lpAliasBuffer != NULL) {
            if ((bigger = rnr_realloc(alias, al_len > 0 ? al_len : 2)) == NULL) {
                rc = WSA_NOT_ENOUGH_MEMORY;
                goto done;
            }
            alias = bigger;
        }
        n = GetAddressByNameA(dwNameSpace, lpServiceType, name, lpiProtocols, dwResolution,
                              lpServiceAsyncInfo, cs, &cs_len, alias,
                              lpAliasBuffer != NULL ? &al_len : NULL);
        if (n != SOCKET_ERROR)
            break;
        if ((rc = WSAGetLastError()) != ERROR_INSUFFICIENT_BUFFER)
            goto done;
    }
    rc = 0;
    if (lpAliasBuffer != NULL) {
        /* Each alias 0-terminated, an empty string ending the list. */
        for (p = alias; ; p += strlen(p) + 1) {
            if (rnr_utf8_to_utf16(p, NULL, 0, &wl) == WSAEINVAL) {
                rc = WSAEINVAL;
                goto done;
            }
            al_need += wl;
            if (*p == '\0')
                break;
        }
        al_need *= sizeof(WCHAR);
    }
    if (lpCsaddrBuffer == NULL || *lpdwBufferLength < cs_len ||
        (lpAliasBuffer != NULL && *lpdwAliasBufferLength < al_need)) {
        *lpdwBufferLength = cs_len;
        if (lpAliasBuffer != NULL)
            *lpdwAliasBufferLength = (DWORD)al_need;
        rc = ERROR_INSUFFICIENT_BUFFER;
        goto done;
    }
    /* The CSADDR_INFO array and the sockaddrs after it, moved: the
     * pointers are rebased onto the caller's buffer. */
    memcpy(lpCsaddrBuffer, cs, cs_len);
    dst = lpCsaddrBuffer;
    for (i = 0; i < n; i++) {
        if (cs[i].LocalAddr.lpSockaddr != NULL)
            dst[i].LocalAddr.lpSockaddr = (LPSOCKADDR)((char *)lpCsaddrBuffer +
                ((char *)cs[i].LocalAddr.lpSockaddr - (char *)cs));
        if (cs[i].RemoteAddr.lpSockaddr != NULL)
            dst[i].RemoteAddr.lpSockaddr = (LPSOCKADDR)((char *)lpCsaddrBuffer +
                ((char *)cs[i].RemoteAddr.lpSockaddr - (char *)cs));
    }
    *lpdwBufferLength = cs_len;
    if (lpAliasBuffer != NULL) {
        WCHAR *w = lpAliasBuffer;

        for (p = alias; ; p += strlen(p) + 1) {
            (void)rnr_utf8_to_utf16(p, w, SIZE_MAX / sizeof(WCHAR), &wl);
            w += wl;
            if (*p == '\0')
                break;
        }
        *lpdwAliasBufferLength = (DWORD)al_need;
    }
done:
    rnr_free(name);
    rnr_free(cs);
    rnr_free(alias);
    if (rc != 0)
        return nsp_fail(rc);
    WSASetLastError(saved);
    return n;
}

/* ------------------------------------------------------------------ */
/* GetServiceW                                                          */
/* ------------------------------------------------------------------ */

static void gs_place_w(struct nsp_out *o, const NS_SERVICE_INFOA *a, DWORD n, int *bad)
{
    NS_SERVICE_INFOW *w = nsp_out_take(o, NULL, n * sizeof(NS_SERVICE_INFOW));
    NS_SERVICE_INFOW tmp;
    DWORD i, k;

    for (i = 0; i < n; i++) {
        const SERVICE_INFOA *s = &a[i].ServiceInfo;
        NS_SERVICE_INFOW *d = w != NULL ? &w[i] : &tmp;
        SERVICE_INFOW *si = &d->ServiceInfo;

        memset(d, 0, sizeof(*d));
        d->dwNameSpace = a[i].dwNameSpace;
        si->dwDisplayHint = s->dwDisplayHint;
        si->dwVersion = s->dwVersion;
        si->dwTime = s->dwTime;
        if (s->lpServiceType != NULL)
            si->lpServiceType = nsp_out_take(o, s->lpServiceType, sizeof(GUID));
        si->lpServiceName = out_wstr(o, s->lpServiceName, bad);
        si->lpComment = out_wstr(o, s->lpComment, bad);
        si->lpLocale = out_wstr(o, s->lpLocale, bad);
        si->lpMachineName = out_wstr(o, s->lpMachineName, bad);
        if (s->lpServiceAddress != NULL) {
            const SERVICE_ADDRESSES *sa = s->lpServiceAddress;
            size_t size = offsetof(SERVICE_ADDRESSES, Addresses) +
                          sa->dwAddressCount * sizeof(SERVICE_ADDRESS);
            SERVICE_ADDRESSES *da;

            if (size < sizeof(SERVICE_ADDRESSES))
                size = sizeof(SERVICE_ADDRESSES);
            da = si->lpServiceAddress = nsp_out_take(o, sa, size);
            for (k = 0; k < sa->dwAddressCount; k++) {
                const SERVICE_ADDRESS *e = &sa->Addresses[k];
                BYTE *addr = NULL, *princ = NULL;

                if (e->lpAddress != NULL)
                    addr = nsp_out_take(o, e->lpAddress, e->dwAddressLength);
                if (e->lpPrincipal != NULL)
                    princ = nsp_out_take(o, e->lpPrincipal, e->dwPrincipalLength);
                if (da != NULL) {
                    da->Addresses[k].lpAddress = addr;
                    da->Addresses[k].lpPrincipal = princ;
                }
            }
        }
        if (s->ServiceSpecificInfo.cbSize > 0 && s->ServiceSpecificInfo.pBlobData != NULL) {
            si->ServiceSpecificInfo.cbSize = s->ServiceSpecificInfo.cbSize;
            si->ServiceSpecificInfo.pBlobData =
                nsp_out_take(o, s->ServiceSpecificInfo.pBlobData,
                             s->ServiceSpecificInfo.cbSize);
        }
    }
}

INT GetServiceW(DWORD dwNameSpace, LPGUID lpGuid, LPWSTR lpServiceName,
                DWORD dwProperties, LPVOID lpBuffer, LPDWORD lpdwBufferSize,
                LPSERVICE_ASYNC_INFO lpServiceAsyncInfo)
{
    int saved = WSAGetLastError(), n = 0, bad = 0, rc = 0;
    NS_SERVICE_INFOA *a = NULL;
    DWORD len = 2048;
    char *name = NULL;
    struct nsp_out o;
    void *bigger;

    if (lpdwBufferSize == NULL)
        return nsp_fail(WSAEFAULT);
    if ((rc = rnr_utf16_to_utf8_dup(lpServiceName, &name)) != 0)
        return nsp_fail(rc);
    for (;;) {
        if ((bigger = rnr_realloc(a, len > 0 ? len : 1)) == NULL) {
            rc = WSA_NOT_ENOUGH_MEMORY;
            goto done;
        }
        a = bigger;
        if ((n = GetServiceA(dwNameSpace, lpGuid, name, dwProperties, a, &len,
                             lpServiceAsyncInfo)) != SOCKET_ERROR)
            break;
        if ((rc = WSAGetLastError()) != ERROR_INSUFFICIENT_BUFFER)
            goto done;
    }
    rc = 0;
    if (n == 0) {
        /* Not found: zero structures and the reason in the last error,
         * which the A twin has set. */
        *lpdwBufferSize = 0;
        rnr_free(name);
        rnr_free(a);
        return 0;
    }
    memset(&o, 0, sizeof(o));
    gs_place_w(&o, a, (DWORD)n, &bad);
    if (bad) {
        rc = WSAEINVAL;
        goto done;
    }
    if (lpBuffer == NULL || *lpdwBufferSize < o.used) {
        *lpdwBufferSize = (DWORD)o.used;
        rc = ERROR_INSUFFICIENT_BUFFER;
        goto done;
    }
    o.base = lpBuffer;
    o.used = 0;
    gs_place_w(&o, a, (DWORD)n, &bad);
    *lpdwBufferSize = (DWORD)o.used;
done:
    rnr_free(name);
    rnr_free(a);
    if (rc != 0)
        return nsp_fail(rc);
    WSASetLastError(saved);
    return n;
}

/* ------------------------------------------------------------------ */
/* SetServiceW                                                          */
/* ------------------------------------------------------------------ */

/* What a SetServiceW call converted, freed together. */
struct ss_conv {
    SERVICE_INFOA si;
    char         *text[4];
    BYTE         *blob;          /* SERVICE_TYPE_INFO_ABSA, for the type ops */
    char        **names;         /* its converted names */
    DWORD         nnames;
};

static void ss_conv_free(struct ss_conv *c)
{
    DWORD i;

    for (i = 0; i < 4; i++)
        rnr_free(c->text[i]);
    for (i = 0; i < c->nnames; i++)
        rnr_free(c->names[i]);
    rnr_free(c->names);
    rnr_free(c->blob);
}

/* The SERVICE_TYPE_INFO_ABSW of a type operation as the ABSA the A code
 * reads.  Both layouts are the same apart from what the string pointers
 * point to, so the blob is copied and its names replaced; the bounds the
 * A code checks (cbSize against the count) are left to it. */
static int ss_type_blob(struct ss_conv *c, const BLOB *b)
{
    const SERVICE_TYPE_INFO_ABSW *w = (const void *)b->pBlobData;
    SERVICE_TYPE_INFO_ABSA *a;
    DWORD i, count = 0;
    int rc;

    if (w == NULL || b->cbSize < offsetof(SERVICE_TYPE_INFO_ABSW, dwValueCount))
        return 0;        /* the A code decides what too little means */
    if ((c->blob = rnr_malloc(b->cbSize)) == NULL)
        return WSA_NOT_ENOUGH_MEMORY;
    memcpy(c->blob, w, b->cbSize);
    a = (SERVICE_TYPE_INFO_ABSA *)c->blob;
    c->si.ServiceSpecificInfo.pBlobData = c->blob;
    if ((rc = rnr_utf16_to_utf8_dup(w->lpTypeName, &a->lpTypeName)) != 0) {
        a->lpTypeName = NULL;
        return rc;
    }
    c->text[3] = a->lpTypeName;
    if (b->cbSize >= offsetof(SERVICE_TYPE_INFO_ABSW, Values))
        count = (b->cbSize - offsetof(SERVICE_TYPE_INFO_ABSW, Values)) /
                sizeof(SERVICE_TYPE_VALUE_ABSW);
    if (w->dwValueCount < count)
        count = w->dwValueCount;
    if (count == 0)
        return 0;
    if ((c->names = rnr_calloc(count, sizeof(*c->names))) == NULL)
        return WSA_NOT_ENOUGH_MEMORY;
    for (i = 0; i < count; i++) {
        a->Values[i].lpValueName = NULL;
        if ((rc = rnr_utf16_to_utf8_dup(w->Values[i].lpValueName, &c->names[i])) != 0)
            return rc;
        c->nnames = i + 1;
        a->Values[i].lpValueName = c->names[i];
    }
    return 0;
}

INT SetServiceW(DWORD dwNameSpace, DWORD dwOperation, DWORD dwFlags,
                LPSERVICE_INFOW lpServiceInfo,
                LPSERVICE_ASYNC_INFO lpServiceAsyncInfo,
                LPDWORD lpdwStatusFlags)
{
    struct ss_conv c;
    SERVICE_INFOA *si = NULL;
    int rc = 0;

    memset(&c, 0, sizeof(c));
    if (lpServiceInfo != NULL) {
        const SERVICE_INFOW *w = lpServiceInfo;

        si = &c.si;
        si->lpServiceType = w->lpServiceType;
        si->dwDisplayHint = w->dwDisplayHint;
        si->dwVersion = w->dwVersion;
        si->dwTime = w->dwTime;
        si->lpServiceAddress = w->lpServiceAddress;
        si->ServiceSpecificInfo = w->ServiceSpecificInfo;
        if ((rc = rnr_utf16_to_utf8_dup(w->lpServiceName, &c.text[0])) != 0 ||
            (rc = rnr_utf16_to_utf8_dup(w->lpComment, &c.text[1])) != 0 ||
            (rc = rnr_utf16_to_utf8_dup(w->lpLocale, &c.text[2])) != 0 ||
            (rc = rnr_utf16_to_utf8_dup(w->lpMachineName, &si->lpMachineName)) != 0)
            goto done;
        si->lpServiceName = c.text[0];
        si->lpComment = c.text[1];
        si->lpLocale = c.text[2];
        if (dwOperation == SERVICE_ADD_TYPE || dwOperation == SERVICE_DELETE_TYPE)
            rc = ss_type_blob(&c, &w->ServiceSpecificInfo);
    }
done:
    if (rc == 0) {
        rc = SetServiceA(dwNameSpace, dwOperation, dwFlags, si, lpServiceAsyncInfo,
                         lpdwStatusFlags);
        rnr_free(c.si.lpMachineName);
        ss_conv_free(&c);
        return rc;
    }
    rnr_free(c.si.lpMachineName);
    ss_conv_free(&c);
    return nsp_fail(rc);
}
