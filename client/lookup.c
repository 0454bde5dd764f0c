/* SPDX-License-Identifier: MIT */
/*
 * WSALookupServiceBegin / Next / End (doc/architecture.md, "Lookups end to
 * end").  Results are pushed by the daemon and queued on the lookup by the
 * connection's reader (conn_read.c); Next takes them from the queue, blocking
 * (and maybe reading for everybody) only while the queue is empty and the
 * lookup not done.
 */
#include "config.h"

#include <pthread.h>
#include <string.h>

#include "alloc.h"
#include "answers.h"
#include "client.h"
#include "conn.h"
#include "handles.h"
#include "lookup.h"
#include "queryset.h"
#include "wire.h"

static struct rnr_htable g_handles = RNR_HTABLE_INITIALIZER;

/* Lookup reference counts are atomic: every Begin, Next and End takes and
 * drops some, and one lock for all of them was what threads answered from
 * the answer cache queued on.  The release on every drop and the acquire
 * before the free order the last user's writes before the destruction. */

static struct rnr_lookup *lookup_new(struct rnr_conn *c)
{
    struct rnr_lookup *lk = rnr_calloc(1, sizeof(*lk));

    if (lk == NULL)
        return NULL;
    lk->refs = 1;
    lk->conn = c;
    rnr_conn_ref(c);
    lk->tail = &lk->head;
    return lk;
}

void rnr_lookup_ref(struct rnr_lookup *lk)
{
    __atomic_add_fetch(&lk->refs, 1, __ATOMIC_RELAXED);
}

static void lookup_ref_cb(void *p)
{
    rnr_lookup_ref(p);
}

void rnr_lookup_unref(struct rnr_lookup *lk)
{
    struct rnr_result *r, *next;
    int left;

    if (lk == NULL)
        return;
    left = (int)__atomic_sub_fetch(&lk->refs, 1, __ATOMIC_RELEASE);
    if (left > 0)
        return;
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    /* Normally already out of the connection's map (DONE, End, death);
     * make sure the reader can never find a freed lookup. */
    rnr_conn_lock(lk->conn);
    rnr_conn_unregister_lookup(lk->conn, lk);
    rnr_conn_unlock(lk->conn);
    for (r = lk->head; r != NULL; r = next) {
        next = r->next;
        rnr_free(r->qs);
        rnr_free(r);
    }
    rnr_nspioctl_end(lk);
    rnr_free(lk->qs);
    rnr_free(lk->w_held);
    rnr_conn_put(lk->conn);
    rnr_free(lk);
}

int rnr_lookup_begin(const WSAQUERYSETA *qs, DWORD flags, struct rnr_lookup **out)
{
    struct rnr_call call;
    struct rnr_lookup *lk = NULL;
    int rc;

    if ((rc = rnr_call_start(&call, RNR_MSG_LOOKUP_BEGIN)) != 0)
        goto done;
    if ((lk = lookup_new(call.conn)) == NULL) {
        rc = WSA_NOT_ENOUGH_MEMORY;
        goto done;
    }
    call.lookup = lk;
    rnr_wire_put_u32(&call.w, flags);
    rnr_wire_put_queryset(&call.w, qs);
    /* The same bytes are the answer cache's key: a hit needs no round
     * trip (answers.c).  LUP_FLUSHCACHE asks for a fresh answer. */
    if (!(flags & LUP_FLUSHCACHE) && call.w.error == 0 &&
        rnr_answers_try(call.conn, call.w.data + RNR_WIRE_HDR_LEN,
                        call.w.len - RNR_WIRE_HDR_LEN, lk)) {
        *out = lk;
        lk = NULL;
        goto done;
    }
    /* On success the reader has registered lk under the daemon's handle
     * before dispatching anything after the reply, so results pushed right
     * behind it are queued, not lost. */
    if ((rc = rnr_call_run(&call)) != 0)
        goto done;
    *out = lk;
    lk = NULL;
done:
    rnr_lookup_end(lk);   /* tells the daemon if it had given a handle */
    rnr_call_cleanup(&call);
    return rc;
}

static void result_free(struct rnr_result *r)
{
    if (r != NULL) {
        rnr_free(r->qs);
        rnr_free(r);
    }
}

/* Connection lock held. */
static struct rnr_result *pop_head(struct rnr_lookup *lk)
{
    struct rnr_result *r = lk->head;

    lk->head = r->next;
    if (lk->head == NULL)
        lk->tail = &lk->head;
    r->next = NULL;
    lk->head_faulted = 0;
    return r;
}

int rnr_lookup_next(struct rnr_lookup *lk, DWORD flags, DWORD *lenp, WSAQUERYSETA *buf)
{
    struct rnr_conn *c = lk->conn;
    struct rnr_result *r = NULL, *flushed = NULL;
    int rc = 0;

    rnr_conn_lock(c);
    /* LUP_FLUSHPREVIOUS only drops a record that was refused for size;
     * on any other call it changes nothing. */
    if ((flags & LUP_FLUSHPREVIOUS) && lk->head_faulted && lk->head != NULL)
        flushed = pop_head(lk);
    if (lk->head == NULL && !lk->done && !lk->cancelled && !lk->lost)
        rnr_conn_wait_lookup(c, lk);

    if (lk->cancelled) {
        rc = WSA_E_CANCELLED;
    } else if (lk->head != NULL) {
        if (buf == NULL || *lenp < lk->head->size) {
            lk->head_faulted = 1;
            *lenp = (DWORD)lk->head->size;
            rc = WSAEFAULT;
        } else {
            r = pop_head(lk);
        }
    } else if (lk->done) {
        rc = lk->done_reported || lk->done_status == 0 ? WSA_E_NO_MORE : lk->done_status;
        lk->done_reported = 1;
    } else {
        /* Lost, or the connection died under us. */
        rc = WSASYSNOTREADY;
    }
    rnr_conn_unlock(c);

    /* Copy with no lock held: the record is ours now. */
    if (r != NULL && rnr_qs_flatten(r->qs, buf, *lenp) == 0) {
        /* Cannot happen (the size was checked); keep the record anyway. */
        rnr_conn_lock(c);
        r->next = lk->head;
        lk->head = r;
        if (lk->tail == &lk->head)
            lk->tail = &r->next;
        lk->head_faulted = 1;
        *lenp = (DWORD)r->size;
        rnr_conn_unlock(c);
        r = NULL;
        rc = WSAEFAULT;
    }
    result_free(r);
    result_free(flushed);
    return rc;
}

void rnr_lookup_end(struct rnr_lookup *lk)
{
    struct rnr_conn *c;
    uint32_t handle = 0;
    int tell;

    if (lk == NULL)
        return;
    c = lk->conn;
    rnr_conn_lock(c);
    /* Always tell the daemon, even after DONE: it keeps a handle (and
     * counts it against the client's limit) until LOOKUP_END. */
    tell = lk->has_remote && !lk->cancelled && rnr_conn_dead(c) == 0;
    handle = lk->node.id;
    rnr_conn_cancel_lookup(c, lk);
    rnr_conn_unlock(c);
    if (tell)
        (void)rnr_conn_send_end(c, handle);
    rnr_lookup_unref(lk);
}

void rnr_lookup_cancel_all(void)
{
    struct rnr_lookup *lk;

    /* No LOOKUP_END: the connection is closed right after, which ends
     * every lookup on the daemon's side. */
    while ((lk = rnr_htable_pop(&g_handles)) != NULL) {
        rnr_nspioctl_end(lk);
        rnr_conn_lock(lk->conn);
        rnr_conn_cancel_lookup(lk->conn, lk);
        rnr_conn_unlock(lk->conn);
        rnr_lookup_unref(lk);
    }
    rnr_htable_free(&g_handles);
}

void rnr_lookup_atfork_prepare(void)
{
    rnr_htable_lock(&g_handles);
}

void rnr_lookup_atfork_release(void)
{
    rnr_htable_unlock(&g_handles);
}

/* ------------------------------------------------------------------ */
/* the API                                                              */
/* ------------------------------------------------------------------ */

/* For WSANSPIoctl, which watches the same query later.  Without memory
 * for it, the lookup still works; WSANSPIoctl says WSAEOPNOTSUPP. */
static void lookup_keep_query(struct rnr_lookup *lk, const WSAQUERYSETA *qs, DWORD flags)
{
    /* rnr_qs_dup lays the query out once its size is known: a pass
     * fewer than sizing, then flattening (which sizes again). */
    if ((lk->qs = rnr_qs_dup(qs, NULL)) == NULL)
        return;
    lk->flags = flags;
}

struct rnr_lookup *rnr_lookup_from_handle(HANDLE h)
{
    return rnr_htable_get(&g_handles, h, lookup_ref_cb);
}

INT WSALookupServiceBeginA(LPWSAQUERYSETA lpqsRestrictions, DWORD dwControlFlags,
                           LPHANDLE lphLookup)
{
    struct rnr_lookup *lk = NULL;
    unsigned epoch;
    HANDLE h;
    int rc;

    if ((rc = rnr_client_enter(&epoch)) != 0)
        goto done;
    if (lpqsRestrictions == NULL || lphLookup == NULL) {
        rc = WSAEFAULT;
        goto done;
    }
    if (rnr_qs_validate(lpqsRestrictions, 1) != 0) {
        rc = WSAEINVAL;
        goto done;
    }
    if ((rc = rnr_lookup_begin(lpqsRestrictions, dwControlFlags, &lk)) != 0)
        goto done;
    lookup_keep_query(lk, lpqsRestrictions, dwControlFlags);
    /* The table gets a reference of its own: once published, a WSACleanup
     * in another thread may pop and release it at any moment. */
    rnr_lookup_ref(lk);
    if ((rc = rnr_htable_add(&g_handles, lk, &h)) != 0) {
        rnr_lookup_unref(lk);
        goto done;
    }
    if (!rnr_client_epoch_is(epoch)) {
        /* WSACleanup ran meanwhile: the handle must not outlive it. */
        rnr_lookup_unref(rnr_htable_remove(&g_handles, h));
        rc = WSANOTINITIALISED;
        goto done;
    }
    *lphLookup = h;
    rnr_lookup_unref(lk);      /* ours; the table's keeps the lookup */
    lk = NULL;
done:
    rnr_lookup_end(lk);        /* failure: cancel and tell the daemon */
    return rnr_result(rc);
}
RNR_ALIAS(WSALookupServiceBegin, WSALookupServiceBeginA);

INT WSALookupServiceNextA(HANDLE hLookup, DWORD dwControlFlags,
                          LPDWORD lpdwBufferLength, LPWSAQUERYSETA lpqsResults)
{
    struct rnr_lookup *lk = NULL;
    int rc;

    if ((rc = rnr_client_enter(NULL)) != 0)
        goto done;
    lk = rnr_htable_get(&g_handles, hLookup, lookup_ref_cb);
    if (lk == NULL) {
        rc = WSA_INVALID_HANDLE;
        goto done;
    }
    if (lpdwBufferLength == NULL) {
        rc = WSAEFAULT;
        goto done;
    }
    rc = rnr_nspioctl_next(lk, dwControlFlags, lpdwBufferLength, lpqsResults);
done:
    rnr_lookup_unref(lk);
    return rnr_result(rc);
}
RNR_ALIAS(WSALookupServiceNext, WSALookupServiceNextA);

INT rnr_lookup_from_cache(HANDLE hLookup)
{
    struct rnr_lookup *lk;
    int rc, cached;

    if ((rc = rnr_client_enter(NULL)) != 0)
        return rnr_fail(rc);
    lk = rnr_htable_get(&g_handles, hLookup, lookup_ref_cb);
    if (lk == NULL)
        return rnr_fail(WSA_INVALID_HANDLE);
    /* Set before the handle was published and never changed after. */
    cached = lk->from_cache;
    rnr_lookup_unref(lk);
    return cached;
}

INT WSALookupServiceEnd(HANDLE hLookup)
{
    struct rnr_lookup *lk;
    int rc;

    if ((rc = rnr_client_enter(NULL)) != 0)
        return rnr_fail(rc);
    lk = rnr_htable_remove(&g_handles, hLookup);
    if (lk == NULL)
        return rnr_fail(WSA_INVALID_HANDLE);
    rnr_nspioctl_end(lk);       /* a pending notification is cancelled */
    rnr_lookup_end(lk);
    return 0;
}
