/* SPDX-License-Identifier: MIT */
/*
 * The W twins of the address-string and transport-catalog functions, and
 * GetHostNameW.  The A code formats and parses; here only text and
 * WSAPROTOCOL_INFO cross between UTF-16 and UTF-8.
 */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "alloc.h"
#include "client.h"
#include "utf16.h"
#include "wconv.h"

/* The numeric head of WSAPROTOCOL_INFOA and W is the same: everything
 * before szProtocol. */
#define PROTO_HEAD offsetof(WSAPROTOCOL_INFOA, szProtocol)

static int proto_w_to_a(const WSAPROTOCOL_INFOW *w, WSAPROTOCOL_INFOA *a)
{
    WCHAR name[WSAPROTOCOL_LEN + 1];
    char *s = NULL;
    int rc;

    memcpy(a, w, PROTO_HEAD);
    /* The caller's array need not be terminated: at most its size. */
    memcpy(name, w->szProtocol, sizeof(name));
    name[WSAPROTOCOL_LEN] = 0;
    if ((rc = rnr_utf16_to_utf8_dup(name, &s)) != 0)
        return rc;
    if (strlen(s) > WSAPROTOCOL_LEN) {
        rnr_free(s);
        return WSAEINVAL;
    }
    memcpy(a->szProtocol, s, strlen(s) + 1);
    rnr_free(s);
    return 0;
}

static int proto_a_to_w(const WSAPROTOCOL_INFOA *a, WSAPROTOCOL_INFOW *w)
{
    size_t need;

    memcpy(w, a, PROTO_HEAD);
    /* Fewer WCHARs than UTF-8 bytes: any A name fits. */
    return rnr_utf8_to_utf16(a->szProtocol, w->szProtocol, WSAPROTOCOL_LEN + 1, &need);
}

INT WSAAddressToStringW(LPSOCKADDR lpsaAddress, DWORD dwAddressLength,
                        LPWSAPROTOCOL_INFOW lpProtocolInfo,
                        LPWSTR lpszAddressString, LPDWORD lpdwAddressStringLength)
{
    WSAPROTOCOL_INFOA pa;
    char text[128];
    DWORD len = sizeof(text);
    int rc;

    if ((rc = rnr_client_enter(NULL)) != 0)
        goto done;
    if (lpsaAddress == NULL || lpdwAddressStringLength == NULL) {
        rc = WSAEFAULT;
        goto done;
    }
    if (lpProtocolInfo != NULL && (rc = proto_w_to_a(lpProtocolInfo, &pa)) != 0)
        goto done;
    if (WSAAddressToStringA(lpsaAddress, dwAddressLength,
                            lpProtocolInfo != NULL ? &pa : NULL, text, &len) != 0) {
        rc = WSAGetLastError();
        goto done;
    }
    /* WCHARs, the terminating 0 counted, on success and with WSAEFAULT. */
    rc = rnr_wstr_out(text, lpszAddressString, lpdwAddressStringLength);
done:
    return rnr_result(rc);
}

INT WSAStringToAddressW(LPWSTR AddressString, INT AddressFamily,
                        LPWSAPROTOCOL_INFOW lpProtocolInfo,
                        LPSOCKADDR lpAddress, LPINT lpAddressLength)
{
    WSAPROTOCOL_INFOA pa;
    char *s = NULL;
    int rc;

    if ((rc = rnr_client_enter(NULL)) != 0)
        goto done;
    if (AddressString == NULL || lpAddressLength == NULL) {
        rc = WSAEFAULT;
        goto done;
    }
    if ((rc = rnr_utf16_to_utf8_dup(AddressString, &s)) != 0)
        goto done;
    if (lpProtocolInfo != NULL && (rc = proto_w_to_a(lpProtocolInfo, &pa)) != 0)
        goto done;
    if (WSAStringToAddressA(s, AddressFamily, lpProtocolInfo != NULL ? &pa : NULL,
                            lpAddress, lpAddressLength) != 0)
        rc = WSAGetLastError();
done:
    rnr_free(s);
    return rnr_result(rc);
}

int WSAEnumProtocolsW(LPINT lpiProtocols, LPWSAPROTOCOL_INFOW lpProtocolBuffer,
                      LPDWORD lpdwBufferLength)
{
    WSAPROTOCOL_INFOA *a = NULL, *bigger;
    DWORD len = 8 * sizeof(WSAPROTOCOL_INFOA), need;
    int saved = WSAGetLastError(), n = 0, i, rc;

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
        if ((n = WSAEnumProtocolsA(lpiProtocols, a, &len)) != SOCKET_ERROR)
            break;
        if ((rc = WSAGetLastError()) != WSAENOBUFS)
            goto done;
    }
    rc = 0;
    need = (DWORD)((size_t)n * sizeof(WSAPROTOCOL_INFOW));
    /* As the A twin: WSAENOBUFS for a short or NULL buffer, the size
     * needed (bytes) reported then and on success. */
    if (n > 0 && (lpProtocolBuffer == NULL || *lpdwBufferLength < need)) {
        *lpdwBufferLength = need;
        rc = WSAENOBUFS;
        goto done;
    }
    for (i = 0; i < n; i++)
        if ((rc = proto_a_to_w(&a[i], &lpProtocolBuffer[i])) != 0)
            goto done;
    *lpdwBufferLength = need;
done:
    rnr_free(a);
    if (rc != 0)
        return rnr_fail(rc);
    WSASetLastError(saved);
    return n;
}

/* Room for any host name the providers give (DNS names are at most 255
 * bytes; Microsoft promises 256 WCHARs always suffice). */
#define HOST_NAME_BUF 1025

int GetHostNameW(PWSTR name, int namelen)
{
    char host[HOST_NAME_BUF];
    DWORD len;
    int rc;

    if (name == NULL || namelen <= 0)
        return rnr_fail(WSAEFAULT);
    if (rnr_gethostname(host, (int)sizeof(host)) != 0)
        return SOCKET_ERROR;            /* its last error stands */
    len = (DWORD)namelen;
    /* namelen counts WCHARs; too small for the name and its 0 is
     * WSAEFAULT, nothing written, as for A. */
    rc = rnr_wstr_out(host, name, &len);
    return rnr_result(rc);
}
