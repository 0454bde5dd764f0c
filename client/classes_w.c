/* SPDX-License-Identifier: MIT */
/*
 * The W twins of the service class functions and of
 * WSAEnumNameSpaceProviders.  Each calls its A twin and converts at the
 * boundary; the A twin's sizing answers (WSAEFAULT) are internal steps
 * here, so the caller's last error is kept across them.
 */
#include "config.h"

#include <string.h>

#include "alloc.h"
#include "client.h"
#include "layout.h"
#include "utf16.h"
#include "wconv.h"

INT WSAInstallServiceClassW(LPWSASERVICECLASSINFOW lpServiceClassInfo)
{
    WSASERVICECLASSINFOA *ci = NULL;
    int rc;

    if ((rc = rnr_client_enter(NULL)) != 0)
        goto done;
    /* NULL is WSAEFAULT here, as the A validation says. */
    if ((rc = rnr_class_w_to_a(lpServiceClassInfo, &ci)) != 0)
        goto done;
    if (WSAInstallServiceClassA(ci) != 0)
        rc = WSAGetLastError();
done:
    rnr_free(ci);
    return rnr_result(rc);
}

INT WSAGetServiceClassInfoW(LPGUID lpProviderId, LPGUID lpServiceClassId,
                            LPDWORD lpdwBufSize,
                            LPWSASERVICECLASSINFOW lpServiceClassInfo)
{
    WSASERVICECLASSINFOA *a = NULL, *bigger;
    DWORD len = 512;
    int saved = WSAGetLastError(), rc;

    if ((rc = rnr_client_enter(NULL)) != 0)
        goto done;
    if (lpServiceClassId == NULL) {
        rc = WSA_INVALID_PARAMETER;
        goto done;
    }
    if (lpdwBufSize == NULL) {
        rc = WSAEFAULT;
        goto done;
    }
    for (;;) {
        if ((bigger = rnr_realloc(a, len)) == NULL) {
            rc = WSA_NOT_ENOUGH_MEMORY;
            goto done;
        }
        a = bigger;
        if (WSAGetServiceClassInfoA(lpProviderId, lpServiceClassId, &len, a) == 0)
            break;
        if ((rc = WSAGetLastError()) != WSAEFAULT)
            goto done;
    }
    rc = rnr_class_a_to_w(a, lpServiceClassInfo, lpdwBufSize);
done:
    rnr_free(a);
    if (rc == 0)
        WSASetLastError(saved);
    return rnr_result(rc);
}

/* The class name is at most RNR_CLASS_MAX_NAME bytes; the A call is
 * given room for any. */
#define CLASS_NAME_BUF 1024

INT WSAGetServiceClassNameByClassIdW(LPGUID lpServiceClassId,
                                     LPWSTR lpszServiceClassName,
                                     LPDWORD lpdwBufferLength)
{
    char name[CLASS_NAME_BUF];
    DWORD len = sizeof(name);
    int rc;

    if ((rc = rnr_client_enter(NULL)) != 0)
        goto done;
    if (lpServiceClassId == NULL) {
        rc = WSA_INVALID_PARAMETER;
        goto done;
    }
    if (lpdwBufferLength == NULL) {
        rc = WSAEFAULT;
        goto done;
    }
    if (WSAGetServiceClassNameByServiceClassIdA(lpServiceClassId, name, &len) != 0) {
        rc = WSAGetLastError();
        goto done;
    }
    /* Characters, as Microsoft documents it: WCHARs here, the
     * terminating 0 counted as the A twin counts its NUL. */
    rc = rnr_wstr_out(name, lpszServiceClassName, lpdwBufferLength);
done:
    return rnr_result(rc);
}
RNR_ALIAS(WSAGetServiceClassNameByServiceClassIdW, WSAGetServiceClassNameByClassIdW);

INT WSAEnumNameSpaceProvidersW(LPDWORD lpdwBufferLength, LPWSANAMESPACE_INFOW lpnspBuffer)
{
    WSANAMESPACE_INFOA *a = NULL, *bigger;
    struct rnr_layout l = { NULL, 0, 0 };
    DWORD len = 2048;
    int saved = WSAGetLastError(), n = 0, i, pass, rc;
    size_t need = 0;

    if ((rc = rnr_client_enter(NULL)) != 0)
        goto done;
    if (lpdwBufferLength == NULL) {
        rc = WSAEFAULT;
        goto done;
    }
    for (;;) {
        if ((bigger = rnr_realloc(a, len > 0 ? len : 1)) == NULL) {
            rc = WSA_NOT_ENOUGH_MEMORY;
            goto done;
        }
        a = bigger;
        if ((n = WSAEnumNameSpaceProvidersA(&len, a)) != SOCKET_ERROR)
            break;
        if ((rc = WSAGetLastError()) != WSAEFAULT)
            goto done;
    }
    /* As the A layout: the structures at the head, the identifiers after
     * them.  Measured, then placed with the same steps. */
    for (pass = 0; pass < 2; pass++) {
        WSANAMESPACE_INFOW *v;

        l.base = pass ? (uint8_t *)lpnspBuffer : NULL;
        l.off = 0;
        v = rnr_layout_take_n(&l, (size_t)n, sizeof(WSANAMESPACE_INFOW));
        for (i = 0; i < n; i++) {
            WCHAR *id = NULL;
            size_t wl = 0;

            if (a[i].lpszIdentifier != NULL) {
                if (rnr_utf8_to_utf16(a[i].lpszIdentifier, NULL, 0, &wl) == WSAEINVAL) {
                    rc = WSAEINVAL;
                    goto done;
                }
                id = rnr_layout_take_n(&l, wl, sizeof(WCHAR));
                if (id != NULL)
                    (void)rnr_utf8_to_utf16(a[i].lpszIdentifier, id, wl, &wl);
            }
            if (v != NULL) {
                v[i].NSProviderId = a[i].NSProviderId;
                v[i].dwNameSpace = a[i].dwNameSpace;
                v[i].fActive = a[i].fActive;
                v[i].dwVersion = a[i].dwVersion;
                v[i].lpszIdentifier = id;
            }
        }
        if (pass == 0) {
            need = rnr_layout_size(&l);
            if (need > 0xFFFFFFFFu) {
                rc = WSAENOBUFS;
                goto done;
            }
            if (n > 0 && (lpnspBuffer == NULL || *lpdwBufferLength < need)) {
                *lpdwBufferLength = (DWORD)need;
                rc = WSAEFAULT;
                goto done;
            }
        }
    }
    rc = 0;
done:
    rnr_free(a);
    if (rc != 0)
        return rnr_fail(rc);
    WSASetLastError(saved);
    return n;
}
