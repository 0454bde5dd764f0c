/* SPDX-License-Identifier: MIT */
/*
 * Service classes: WSAInstallServiceClass, WSARemoveServiceClass,
 * WSAGetServiceClassInfo, WSAGetServiceClassNameByServiceClassId and the
 * rnr_enum_service_classes extension.  The daemon's class store answers;
 * the library validates, encodes, and lays replies out in caller buffers.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "classinfo.h"
#include "client.h"
#include "conn.h"
#include "lookup.h"
#include "queryset.h"
#include "wire.h"

/* A class id pointer the reference pages call "invalid": NULL.  They give
 * WSA_INVALID_PARAMETER for it (WSARemoveServiceClass: WSAEINVAL). */
#define BAD_CLASS_ID WSA_INVALID_PARAMETER

/* Run a request whose reply body must be empty. */
static int call_empty(struct rnr_call *call)
{
    int rc = rnr_call_run(call);

    if (rc == 0 && call->len != 0)
        rc = rnr_call_bad_reply(call);
    return rc;
}

INT WSAInstallServiceClassA(LPWSASERVICECLASSINFOA lpServiceClassInfo)
{
    struct rnr_call call;
    int rc;

    memset(&call, 0, sizeof(call));
    if ((rc = rnr_client_enter(NULL)) != 0)
        goto done;
    if ((rc = rnr_class_validate(lpServiceClassInfo)) != 0)
        goto done;
    if ((rc = rnr_call_start(&call, RNR_MSG_INSTALL_CLASS)) != 0)
        goto done;
    rnr_wire_put_classinfo(&call.w, lpServiceClassInfo);
    rc = call_empty(&call);
done:
    rnr_call_cleanup(&call);
    return rnr_result(rc);
}
RNR_ALIAS(WSAInstallServiceClass, WSAInstallServiceClassA);

INT WSARemoveServiceClass(LPGUID lpServiceClassId)
{
    struct rnr_call call;
    int rc;

    memset(&call, 0, sizeof(call));
    if ((rc = rnr_client_enter(NULL)) != 0)
        goto done;
    if (lpServiceClassId == NULL) {
        rc = WSAEINVAL;
        goto done;
    }
    if ((rc = rnr_call_start(&call, RNR_MSG_REMOVE_CLASS)) != 0)
        goto done;
    rnr_wire_put_guid(&call.w, lpServiceClassId);
    rc = call_empty(&call);
done:
    rnr_call_cleanup(&call);
    return rnr_result(rc);
}

INT WSAGetServiceClassInfoA(LPGUID lpProviderId, LPGUID lpServiceClassId,
                            LPDWORD lpdwBufSize,
                            LPWSASERVICECLASSINFOA lpServiceClassInfo)
{
    struct rnr_call call;
    struct rnr_rbuf r;
    WSASERVICECLASSINFOA *ci = NULL;
    size_t need;
    int rc;

    memset(&call, 0, sizeof(call));
    if ((rc = rnr_client_enter(NULL)) != 0)
        goto done;
    if (lpServiceClassId == NULL) {
        rc = BAD_CLASS_ID;
        goto done;
    }
    if (lpdwBufSize == NULL) {
        rc = WSAEFAULT;
        goto done;
    }
    if ((rc = rnr_call_start(&call, RNR_MSG_GET_CLASS_INFO)) != 0)
        goto done;
    rnr_wire_put_optguid(&call.w, lpProviderId);
    rnr_wire_put_guid(&call.w, lpServiceClassId);
    if ((rc = rnr_call_run(&call)) != 0)
        goto done;
    rnr_rbuf_init(&r, call.body, call.len);
    if (rnr_wire_get_classinfo(&r, &ci, NULL) != 0 || rnr_rbuf_finish(&r) != 0) {
        rc = rnr_call_bad_reply(&call);
        goto done;
    }
    need = rnr_class_flat_size(ci);
    if (lpServiceClassInfo == NULL || *lpdwBufSize < need) {
        *lpdwBufSize = (DWORD)need;
        rc = WSAEFAULT;
        goto done;
    }
    if (rnr_class_flatten(ci, lpServiceClassInfo, *lpdwBufSize) == 0) {
        *lpdwBufSize = (DWORD)need;
        rc = WSAEFAULT;
    }
done:
    rnr_free(ci);
    rnr_call_cleanup(&call);
    return rnr_result(rc);
}
RNR_ALIAS(WSAGetServiceClassInfo, WSAGetServiceClassInfoA);

/* The services database's name for a SVCID_TCP/UDP(port) class: a
 * SERVICEBYNAME lookup of "PORT/tcp" asking for the name only.  0 and
 * *out (rnr_free), or the lookup's error. */
static int port_class_name(const GUID *cls, char **out)
{
    static const GUID byname = SVCID_INET_SERVICEBYNAME;
    GUID byname_id = byname;
    WSAQUERYSETA qs;
    struct rnr_lookup *lk = NULL;
    char query[32];
    DWORD len = 1024;
    WSAQUERYSETA *res = NULL;
    int rc;

    snprintf(query, sizeof(query), "%u/%s", (unsigned)PORT_FROM_SVCID_TCP(cls),
             IS_SVCID_TCP(cls) ? "tcp" : "udp");
    memset(&qs, 0, sizeof(qs));
    qs.dwSize = sizeof(qs);
    qs.lpszServiceInstanceName = query;
    qs.lpServiceClassId = &byname_id;
    qs.dwNameSpace = NS_ALL;
    if ((rc = rnr_lookup_begin(&qs, LUP_RETURN_NAME, &lk)) != 0)
        goto done;
    for (;;) {
        WSAQUERYSETA *bigger = rnr_realloc(res, len);

        if (bigger == NULL) {
            rc = WSA_NOT_ENOUGH_MEMORY;
            goto done;
        }
        res = bigger;
        rc = rnr_lookup_next(lk, 0, &len, res);
        if (rc != WSAEFAULT)
            break;
    }
    if (rc != 0)
        goto done;
    if (res->lpszServiceInstanceName == NULL) {
        rc = WSATYPE_NOT_FOUND;
        goto done;
    }
    if ((*out = rnr_strdup(res->lpszServiceInstanceName)) == NULL)
        rc = WSA_NOT_ENOUGH_MEMORY;
done:
    rnr_lookup_end(lk);
    rnr_free(res);
    return rc;
}

/* On success *lpdwBufferLength is the number of bytes copied, the NUL
 * included: the same figure WSAEFAULT reports as the size needed. */
INT WSAGetServiceClassNameByServiceClassIdA(LPGUID lpServiceClassId,
                                            LPSTR lpszServiceClassName,
                                            LPDWORD lpdwBufferLength)
{
    struct rnr_call call;
    struct rnr_rbuf r;
    char *name = NULL;
    size_t need;
    int rc;

    memset(&call, 0, sizeof(call));
    if ((rc = rnr_client_enter(NULL)) != 0)
        goto done;
    if (lpServiceClassId == NULL) {
        rc = BAD_CLASS_ID;
        goto done;
    }
    if (lpdwBufferLength == NULL) {
        rc = WSAEFAULT;
        goto done;
    }
    if ((rc = rnr_call_start(&call, RNR_MSG_GET_CLASS_NAME)) != 0)
        goto done;
    rnr_wire_put_guid(&call.w, lpServiceClassId);
    rc = rnr_call_run(&call);
    if (rc == WSATYPE_NOT_FOUND &&
        (IS_SVCID_TCP(lpServiceClassId) || IS_SVCID_UDP(lpServiceClassId))) {
        /* Not stored: the port classes are named by the services
         * database.  If that fails too, the class is simply unknown. */
        if (port_class_name(lpServiceClassId, &name) != 0)
            rc = WSATYPE_NOT_FOUND;
        else
            rc = 0;
    } else if (rc == 0) {
        rnr_rbuf_init(&r, call.body, call.len);
        if (rnr_wire_get_string(&r, RNR_CLASS_MAX_NAME, &name) != 0 ||
            rnr_rbuf_finish(&r) != 0 || name == NULL) {
            rc = rnr_call_bad_reply(&call);
            goto done;
        }
    }
    if (rc != 0)
        goto done;
    need = strlen(name) + 1;
    if (lpszServiceClassName == NULL || *lpdwBufferLength < need) {
        *lpdwBufferLength = (DWORD)need;
        rc = WSAEFAULT;
        goto done;
    }
    memcpy(lpszServiceClassName, name, need);
    *lpdwBufferLength = (DWORD)need;
done:
    rnr_free(name);
    rnr_call_cleanup(&call);
    return rnr_result(rc);
}
RNR_ALIAS(WSAGetServiceClassNameByServiceClassId, WSAGetServiceClassNameByServiceClassIdA);

/* ------------------------------------------------------------------ */
/* rnr_enum_service_classes                                             */
/* ------------------------------------------------------------------ */

/* Bytes a class needs after the structures at the head of the buffer. */
static size_t class_tail_size(const WSASERVICECLASSINFOA *ci)
{
    size_t n = 0;
    DWORD i;

    if (ci->lpServiceClassId != NULL)
        n += RNR_ALIGN_UP(sizeof(GUID));
    if (ci->lpszServiceClassName != NULL)
        n += RNR_ALIGN_UP(strlen(ci->lpszServiceClassName) + 1);
    if (ci->dwCount > 0)
        n += RNR_ALIGN_UP((size_t)ci->dwCount * sizeof(WSANSCLASSINFOA));
    for (i = 0; i < ci->dwCount; i++) {
        const WSANSCLASSINFOA *e = &ci->lpClassInfos[i];

        if (e->lpszName != NULL)
            n += RNR_ALIGN_UP(strlen(e->lpszName) + 1);
        if (e->lpValue != NULL && e->dwValueSize > 0)
            n += RNR_ALIGN_UP(e->dwValueSize);
    }
    return n;
}

/* Take `n` bytes at *cursor, aligned; returns where they start. */
static void *take(char **cursor, const void *src, size_t n)
{
    char *p = *cursor;

    memcpy(p, src, n);
    *cursor += RNR_ALIGN_UP(n);
    return p;
}

/* Write *ci into *dst, everything it points to at *cursor. */
static void class_place(WSASERVICECLASSINFOA *dst, const WSASERVICECLASSINFOA *ci,
                        char **cursor)
{
    DWORD i;

    memset(dst, 0, sizeof(*dst));
    if (ci->lpServiceClassId != NULL)
        dst->lpServiceClassId = take(cursor, ci->lpServiceClassId, sizeof(GUID));
    if (ci->lpszServiceClassName != NULL)
        dst->lpszServiceClassName = take(cursor, ci->lpszServiceClassName,
                                         strlen(ci->lpszServiceClassName) + 1);
    dst->dwCount = ci->dwCount;
    if (ci->dwCount == 0)
        return;
    dst->lpClassInfos = take(cursor, ci->lpClassInfos,
                             (size_t)ci->dwCount * sizeof(WSANSCLASSINFOA));
    for (i = 0; i < ci->dwCount; i++) {
        const WSANSCLASSINFOA *e = &ci->lpClassInfos[i];
        WSANSCLASSINFOA *d = &dst->lpClassInfos[i];

        d->lpszName = e->lpszName != NULL
                      ? take(cursor, e->lpszName, strlen(e->lpszName) + 1) : NULL;
        d->lpValue = e->lpValue != NULL && e->dwValueSize > 0
                     ? take(cursor, e->lpValue, e->dwValueSize) : NULL;
    }
}

INT rnr_enum_service_classes(LPDWORD lpdwBufferLength, LPWSASERVICECLASSINFOA lpBuffer)
{
    struct rnr_call call;
    struct rnr_rbuf r;
    WSASERVICECLASSINFOA **v = NULL;
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
    if ((rc = rnr_call_start(&call, RNR_MSG_LIST_CLASSES)) != 0)
        goto done;
    if ((rc = rnr_call_run(&call)) != 0)
        goto done;
    rnr_rbuf_init(&r, call.body, call.len);
    /* Each class takes at least 9 bytes (optguid, string, count): a count
     * beyond that is a lie, refused before allocating for it. */
    if (rnr_wire_get_u32(&r, &n) != 0 || n > r.left / 9) {
        rc = rnr_call_bad_reply(&call);
        goto done;
    }
    v = rnr_calloc(n ? n : 1, sizeof(*v));
    if (v == NULL) {
        rc = WSA_NOT_ENOUGH_MEMORY;
        goto done;
    }
    for (got = 0; got < n; got++)
        if (rnr_wire_get_classinfo(&r, &v[got], NULL) != 0)
            break;
    if (got < n || rnr_rbuf_finish(&r) != 0) {
        rc = rnr_call_bad_reply(&call);
        goto done;
    }
    need = RNR_ALIGN_UP((size_t)n * sizeof(WSASERVICECLASSINFOA));
    for (i = 0; i < n; i++)
        need += class_tail_size(v[i]);
    if (need > 0 && (lpBuffer == NULL || *lpdwBufferLength < need)) {
        *lpdwBufferLength = (DWORD)need;
        rc = WSAEFAULT;
        goto done;
    }
    if (n > 0) {
        cursor = (char *)lpBuffer + RNR_ALIGN_UP((size_t)n * sizeof(WSASERVICECLASSINFOA));
        for (i = 0; i < n; i++)
            class_place(&lpBuffer[i], v[i], &cursor);
    }
done:
    for (i = 0; i < got; i++)
        rnr_free(v[i]);
    rnr_free(v);
    rnr_call_cleanup(&call);
    return rc == 0 ? (INT)n : rnr_fail(rc);
}
/* The SDK spells it ...ByClassId; the reference, ...ByServiceClassId. */
RNR_ALIAS(WSAGetServiceClassNameByClassIdA, WSAGetServiceClassNameByServiceClassIdA);
