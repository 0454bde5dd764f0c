/* SPDX-License-Identifier: MIT */
/*
 * WSALookupServiceBeginW / NextW and WSASetServiceW: the query set is
 * converted at the boundary and the A code does the rest, so the two
 * halves cannot drift apart.
 *
 * NextW cannot leave a result queued when the caller's buffer is short, as
 * the A code does: the W size is only known once the record has been taken
 * and converted.  The record is kept on the lookup instead (w_held) and
 * handed out by the next NextW, or dropped by LUP_FLUSHPREVIOUS, which is
 * what Windows' queue gives the caller to see.
 */
#include "config.h"

#include <string.h>

#include "alloc.h"
#include "client.h"
#include "conn.h"
#include "lookup.h"
#include "wconv.h"

INT WSALookupServiceBeginW(LPWSAQUERYSETW lpqsRestrictions, DWORD dwControlFlags,
                           LPHANDLE lphLookup)
{
    WSAQUERYSETA *qs = NULL;
    int rc;

    if ((rc = rnr_client_enter(NULL)) != 0)
        goto done;
    if (lpqsRestrictions == NULL || lphLookup == NULL) {
        rc = WSAEFAULT;
        goto done;
    }
    if ((rc = rnr_qs_w_to_a(lpqsRestrictions, &qs)) != 0)
        goto done;
    if (WSALookupServiceBeginA(qs, dwControlFlags, lphLookup) != 0)
        rc = WSAGetLastError();
done:
    rnr_free(qs);
    return rnr_result(rc);
}

/* The next record as a flat A copy (rnr_free): the held one, or a new
 * one taken off the queue. */
static int next_record(struct rnr_lookup *lk, DWORD flags, WSAQUERYSETA **out)
{
    WSAQUERYSETA *buf = NULL, *bigger;
    DWORD len = 1024;
    int rc;

    rnr_conn_lock(lk->conn);
    buf = lk->w_held;
    lk->w_held = NULL;
    rnr_conn_unlock(lk->conn);
    if (buf != NULL && !(flags & LUP_FLUSHPREVIOUS)) {
        *out = buf;
        return 0;
    }
    rnr_free(buf);
    buf = NULL;
    /* The A queue never holds a record the W caller was refused, so
     * LUP_FLUSHPREVIOUS has nothing to drop there. */
    flags &= ~(DWORD)LUP_FLUSHPREVIOUS;
    for (;;) {
        if ((bigger = rnr_realloc(buf, len)) == NULL) {
            rc = WSA_NOT_ENOUGH_MEMORY;
            break;
        }
        buf = bigger;
        rc = rnr_nspioctl_next(lk, flags, &len, buf);
        if (rc != WSAEFAULT)
            break;
    }
    if (rc != 0) {
        rnr_free(buf);
        return rc;
    }
    *out = buf;
    return 0;
}

INT WSALookupServiceNextW(HANDLE hLookup, DWORD dwControlFlags,
                          LPDWORD lpdwBufferLength, LPWSAQUERYSETW lpqsResults)
{
    struct rnr_lookup *lk = NULL;
    WSAQUERYSETA *rec = NULL;
    int rc;

    if ((rc = rnr_client_enter(NULL)) != 0)
        goto done;
    lk = rnr_lookup_from_handle(hLookup);
    if (lk == NULL) {
        rc = WSA_INVALID_HANDLE;
        goto done;
    }
    if (lpdwBufferLength == NULL) {
        rc = WSAEFAULT;
        goto done;
    }
    if ((rc = next_record(lk, dwControlFlags, &rec)) != 0)
        goto done;
    rc = rnr_qs_a_to_w(rec, lpqsResults, lpdwBufferLength);
    if (rc == WSAEFAULT) {
        /* Kept for the next call, like the A queue keeps its head.  Two
         * threads racing on one handle: the later record wins the slot
         * and the earlier is dropped, as a flush would. */
        rnr_conn_lock(lk->conn);
        rnr_free(lk->w_held);
        lk->w_held = rec;
        rnr_conn_unlock(lk->conn);
        rec = NULL;
    }
    /* WSAEINVAL (a provider's name that is not UTF-8): the record is
     * dropped, so the lookup can go on past it. */
done:
    rnr_free(rec);
    rnr_lookup_unref(lk);
    return rnr_result(rc);
}

INT WSASetServiceW(LPWSAQUERYSETW lpqsRegInfo, WSAESETSERVICEOP essOperation,
                   DWORD dwControlFlags)
{
    WSAQUERYSETA *qs = NULL;
    int rc;

    if ((rc = rnr_client_enter(NULL)) != 0)
        goto done;
    if (lpqsRegInfo == NULL) {
        rc = WSAEFAULT;
        goto done;
    }
    if ((rc = rnr_qs_w_to_a(lpqsRegInfo, &qs)) != 0)
        goto done;
    if (WSASetServiceA(qs, essOperation, dwControlFlags) != 0)
        rc = WSAGetLastError();
done:
    rnr_free(qs);
    return rnr_result(rc);
}
