/* SPDX-License-Identifier: MIT */
/*
 * WSAEnumNameSpaceProviders: the daemon's catalog, laid out as the
 * reference asks: the WSANAMESPACE_INFOA structures consecutively at the
 * head of the buffer, the identifier strings after them (aligned).
 */
#include "config.h"

#include <string.h>

#include "alloc.h"
#include "client.h"
#include "conn.h"
#include "wire.h"

INT WSAEnumNameSpaceProvidersA(LPDWORD lpdwBufferLength, LPWSANAMESPACE_INFOA lpnspBuffer)
{
    struct rnr_call call;
    struct rnr_rbuf r;
    WSANAMESPACE_INFOA *v = NULL;
    uint32_t n = 0, i, got = 0;
    size_t need;
    char *cursor;
    int rc;

    memset(&call, 0, sizeof(call));
    if ((rc = rnr_client_enter(NULL)) != 0)
        goto done;
    if (lpdwBufferLength == NULL) {
        rc = WSAEFAULT;
        goto done;
    }
    if ((rc = rnr_call_start(&call, RNR_MSG_ENUM_PROVIDERS)) != 0)
        goto done;
    if ((rc = rnr_call_run(&call)) != 0)
        goto done;
    rnr_rbuf_init(&r, call.body, call.len);
    if (rnr_wire_get_u32(&r, &n) != 0 || n > RNR_WIRE_MAX_PROVIDERS) {
        rc = rnr_call_bad_reply(&call);
        goto done;
    }
    v = rnr_calloc(n ? n : 1, sizeof(*v));
    if (v == NULL) {
        rc = WSA_NOT_ENOUGH_MEMORY;
        goto done;
    }
    for (got = 0; got < n; got++)
        if (rnr_wire_get_nsinfo(&r, &v[got]) != 0)
            break;
    if (got < n || rnr_rbuf_finish(&r) != 0) {
        rc = rnr_call_bad_reply(&call);
        goto done;
    }

    need = RNR_ALIGN_UP((size_t)n * sizeof(WSANAMESPACE_INFOA));
    for (i = 0; i < n; i++)
        if (v[i].lpszIdentifier != NULL)
            need += RNR_ALIGN_UP(strlen(v[i].lpszIdentifier) + 1);
    if (need > 0 && (lpnspBuffer == NULL || *lpdwBufferLength < need)) {
        *lpdwBufferLength = (DWORD)need;
        rc = WSAEFAULT;
        goto done;
    }
    if (n > 0) {
        cursor = (char *)lpnspBuffer + RNR_ALIGN_UP((size_t)n * sizeof(WSANAMESPACE_INFOA));
        for (i = 0; i < n; i++) {
            lpnspBuffer[i] = v[i];
            if (v[i].lpszIdentifier != NULL) {
                size_t len = strlen(v[i].lpszIdentifier) + 1;

                memcpy(cursor, v[i].lpszIdentifier, len);
                lpnspBuffer[i].lpszIdentifier = cursor;
                cursor += RNR_ALIGN_UP(len);
            }
        }
    }
done:
    for (i = 0; i < got; i++)
        rnr_free(v[i].lpszIdentifier);
    rnr_free(v);
    rnr_call_cleanup(&call);
    return rc == 0 ? (INT)n : rnr_fail(rc);
}
RNR_ALIAS(WSAEnumNameSpaceProviders, WSAEnumNameSpaceProvidersA);
