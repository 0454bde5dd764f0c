/* SPDX-License-Identifier: MIT */
/*
 * WSAAsyncGetXByY and WSACancelAsyncRequest (<rnr/ws2async.h>,
 * doc/architecture.md "Asynchronous calls").
 *
 * A request is a task: the query the synchronous function would run
 * (getxbyy.h), the caller's window, message and buffer, and a message
 * node allocated up front.  Host and service requests go to the engine
 * (async_engine.c), which runs them over its own connection to rnrd and
 * calls rnr_async_complete; protocol requests read the local database and
 * complete during the call.  Argument errors the synchronous functions
 * report complete the same way, as the reference lists them among the
 * message's errors.
 *
 * Task handles come from a handle table (handles.h): never 0, never a
 * pointer, and a handle that was valid once is told from one that never
 * was, which is what WSACancelAsyncRequest's WSAEALREADY / WSAEINVAL
 * needs.  Every live task is also on a list, for rnr_window_destroy and
 * WSACleanup.
 */
#include "config.h"

#include <pthread.h>
#include <string.h>

#include "alloc.h"
#include "async.h"
#include "client.h"
#include "handles.h"

static pthread_mutex_t g_alock = PTHREAD_MUTEX_INITIALIZER;
static struct rnr_htable g_tasks = RNR_HTABLE_INITIALIZER;

/* Live tasks (a handle in g_tasks): a ring through this head, under
 * g_alock. */
static struct rnr_async_task g_live = { .live_prev = &g_live, .live_next = &g_live };

void rnr_async_lock(void)
{
    pthread_mutex_lock(&g_alock);
}

void rnr_async_unlock(void)
{
    pthread_mutex_unlock(&g_alock);
}

/* ------------------------------------------------------------------ */
/* tasks                                                                */
/* ------------------------------------------------------------------ */

static size_t str_size(const char *s)
{
    return s != NULL ? strlen(s) + 1 : 0;
}

/* A task for q (NULL: completes at once), its strings copied. */
static struct rnr_async_task *task_new(HWND hwnd, UINT message, char *buf,
                                       int buflen,
                                       const struct rnr_xbyy_query *q)
{
    size_t ni = q ? str_size(q->instance) : 0, nf = q ? str_size(q->fallback) : 0;
    struct rnr_async_task *t = rnr_calloc(1, sizeof *t + ni + nf);

    if (t == NULL)
        return NULL;
    t->live_prev = t->live_next = t;
    t->hwnd = hwnd;
    t->message = message;
    t->buf = buf;
    t->buflen = buflen > 0 ? (size_t)buflen : 0;
    if ((t->msg = rnr_calloc(1, sizeof *t->msg)) == NULL) {
        rnr_free(t);
        return NULL;
    }
    if (q != NULL) {
        t->q = *q;
        if (ni > 0)
            t->q.instance = memcpy(t->text, q->instance, ni);
        if (nf > 0)
            t->q.fallback = memcpy(t->text + ni, q->fallback, nf);
    }
    return t;
}

void rnr_async_task_free(struct rnr_async_task *t)
{
    if (t == NULL)
        return;
    rnr_free(t->msg);
    rnr_free(t);
}

/* g_alock held.  Take t off the table and the list: from now on it is
 * either completed by the caller or cancelled. */
static void task_unpublish(struct rnr_async_task *t)
{
    rnr_htable_remove(&g_tasks, t->handle);
    t->live_prev->live_next = t->live_next;
    t->live_next->live_prev = t->live_prev;
    t->live_prev = t->live_next = t;
}

/* g_alock held.  Give t a handle and put it on the list. */
static int task_publish(struct rnr_async_task *t)
{
    if (rnr_htable_add(&g_tasks, t, &t->handle) != 0)
        return WSAEWOULDBLOCK;
    t->live_next = &g_live;
    t->live_prev = g_live.live_prev;
    g_live.live_prev->live_next = t;
    g_live.live_prev = t;
    return 0;
}

/* g_alock held. */
static void task_cancel(struct rnr_async_task *t)
{
    task_unpublish(t);
    t->cancelled = 1;
}

/* g_alock held.  Post t's completion (the node goes to the window). */
static void task_post(struct rnr_async_task *t, int status, size_t len)
{
    WORD wlen = len > 0xffff ? 0xffff : (WORD)len;

    rnr_window_post(t->hwnd, t->msg, t->message, (WPARAM)t->handle,
                    (LPARAM)WSAMAKEASYNCREPLY(wlen, status));
    t->msg = NULL;
}

void rnr_async_complete(struct rnr_async_task *t, int status,
                        const WSAQUERYSETA *qs)
{
    size_t used = 0;
    int rc;

    pthread_mutex_lock(&g_alock);
    if (!t->cancelled) {
        task_unpublish(t);
        if (status == 0) {
            /* Written under the lock: a cancel that returned 0 leaves no
             * write in flight. */
            rc = rnr_xbyy_unpack(&t->q, qs, t->buf, t->buflen, &used);
            if (rc == WSAEFAULT)
                status = WSAENOBUFS;     /* used: the size needed */
            else if (rc != 0)
                status = rc;
        }
        task_post(t, status, status == 0 || status == WSAENOBUFS ? used : 0);
    }
    pthread_mutex_unlock(&g_alock);
    rnr_async_task_free(t);
}

/* ------------------------------------------------------------------ */
/* making requests                                                      */
/* ------------------------------------------------------------------ */

static HANDLE fail(int status)
{
    rnr_fail(status);
    return NULL;
}

/* g_alock held.  What stops any request from being made now: only what
 * the reference lists for call time.  The window is not checked: Windows
 * hands out a task handle even for a NULL hWnd (Wine's tests,
 * test_WSAAsyncGetServByPort: "Parameters are not checked when
 * initiating"), and a message for a window that does not exist is
 * dropped when it is posted. */
static int call_check(HWND hwnd)
{
    (void)hwnd;
    return rnr_client_enter(NULL);
}

/* A request that is answered without rnrd: status (and, for 0 or
 * WSAENOBUFS, len bytes of buf) is already known; the message is queued
 * before the handle is returned. */
static HANDLE complete_now(HWND hwnd, UINT message, char *buf, int buflen,
                           int status, size_t len)
{
    struct rnr_async_task *t = task_new(hwnd, message, buf, buflen, NULL);
    HANDLE h = NULL;
    int rc;

    if (t == NULL)
        return fail(WSAEWOULDBLOCK);
    pthread_mutex_lock(&g_alock);
    if ((rc = call_check(hwnd)) == 0 && (rc = task_publish(t)) == 0) {
        h = t->handle;
        task_unpublish(t);
        task_post(t, status, len);
    }
    pthread_mutex_unlock(&g_alock);
    rnr_async_task_free(t);
    return h != NULL ? h : fail(rc);
}

/* A request for rnrd: built is the status of building q (0, or the
 * error the synchronous function gives without a lookup). */
static HANDLE submit(HWND hwnd, UINT message, char *buf, int buflen,
                     const struct rnr_xbyy_query *q, int built)
{
    struct rnr_async_task *t;
    HANDLE h = NULL;
    int rc;

    if (buf == NULL || buflen <= 0)
        built = WSAEFAULT;
    if (built != 0)
        return complete_now(hwnd, message, buf, buflen, built, 0);
    if ((t = task_new(hwnd, message, buf, buflen, q)) == NULL)
        return fail(WSAEWOULDBLOCK);
    pthread_mutex_lock(&g_alock);
    if ((rc = call_check(hwnd)) == 0 && (rc = task_publish(t)) == 0) {
        if ((rc = rnr_engine_submit(t)) == 0)
            h = t->handle;
        else
            task_unpublish(t);
    }
    pthread_mutex_unlock(&g_alock);
    if (h == NULL) {
        rnr_async_task_free(t);
        return fail(rc);
    }
    return h;
}

HANDLE WSAAsyncGetHostByName(HWND hWnd, unsigned int wMsg, const char *name,
                             char *buf, int buflen)
{
    struct rnr_xbyy_query q;

    return submit(hWnd, wMsg, buf, buflen, &q,
                  rnr_hostdb_query_byname(name, &q));
}

HANDLE WSAAsyncGetHostByAddr(HWND hWnd, unsigned int wMsg, const char *addr,
                             int len, int type, char *buf, int buflen)
{
    char text[INET6_ADDRSTRLEN];
    struct rnr_xbyy_query q;

    return submit(hWnd, wMsg, buf, buflen, &q,
                  rnr_hostdb_query_byaddr(addr, len, type, text, &q));
}

HANDLE WSAAsyncGetServByName(HWND hWnd, unsigned int wMsg, const char *name,
                             const char *proto, char *buf, int buflen)
{
    char query[RNR_SERV_QUERY_MAX];
    struct rnr_xbyy_query q;

    return submit(hWnd, wMsg, buf, buflen, &q,
                  rnr_servdb_query(name, proto, query, &q));
}

HANDLE WSAAsyncGetServByPort(HWND hWnd, unsigned int wMsg, int port,
                             const char *proto, char *buf, int buflen)
{
    char key[RNR_SERV_PORT_KEY], query[RNR_SERV_QUERY_MAX];
    struct rnr_xbyy_query q;
    int rc = rnr_servdb_port_key(port, key);

    if (rc == 0)
        rc = rnr_servdb_query(key, proto, query, &q);
    return submit(hWnd, wMsg, buf, buflen, &q, rc);
}

/* The protocols database is local: read it now, into the caller's
 * buffer, and queue the message. */
static HANDLE proto_now(HWND hwnd, UINT message, const char *name, int number,
                        int by_name, char *buf, int buflen)
{
    size_t needed = 0;
    int rc;

    if ((rc = rnr_client_enter(NULL)) != 0)
        return fail(rc);
    if ((by_name && name == NULL) || buf == NULL || buflen <= 0)
        rc = WSAEFAULT;
    else if ((rc = rnr_protodb_lookup(by_name ? name : NULL, number, buf,
                                      (size_t)buflen, &needed)) == WSAEFAULT)
        rc = WSAENOBUFS;             /* needed: the size it takes */
    return complete_now(hwnd, message, buf, buflen, rc,
                        rc == 0 || rc == WSAENOBUFS ? needed : 0);
}

HANDLE WSAAsyncGetProtoByName(HWND hWnd, unsigned int wMsg, const char *name,
                              char *buf, int buflen)
{
    return proto_now(hWnd, wMsg, name, 0, 1, buf, buflen);
}

HANDLE WSAAsyncGetProtoByNumber(HWND hWnd, unsigned int wMsg, int number,
                                char *buf, int buflen)
{
    return proto_now(hWnd, wMsg, NULL, number, 0, buf, buflen);
}

/* ------------------------------------------------------------------ */
/* cancelling                                                           */
/* ------------------------------------------------------------------ */

int WSACancelAsyncRequest(HANDLE hAsyncTaskHandle)
{
    struct rnr_async_task *t;
    int rc;

    if ((rc = rnr_client_enter(NULL)) != 0)
        return rnr_fail(rc);
    pthread_mutex_lock(&g_alock);
    t = rnr_htable_get(&g_tasks, hAsyncTaskHandle, NULL);
    if (t != NULL) {
        task_cancel(t);
        rnr_engine_poke();       /* end its lookup on rnrd's side now */
    } else {
        rc = rnr_htable_issued(&g_tasks, hAsyncTaskHandle) ? WSAEALREADY
                                                             : WSAEINVAL;
    }
    pthread_mutex_unlock(&g_alock);
    return rnr_result(rc);
}

void rnr_async_cancel_window(HWND hwnd)
{
    struct rnr_async_task *t, *next;
    int any = 0;

    pthread_mutex_lock(&g_alock);
    for (t = g_live.live_next; t != &g_live; t = next) {
        next = t->live_next;
        if (t->hwnd == hwnd) {
            task_cancel(t);
            any = 1;
        }
    }
    if (any)
        rnr_engine_poke();
    pthread_mutex_unlock(&g_alock);
}

/* g_alock held. */
static void cancel_all(void)
{
    while (g_live.live_next != &g_live)
        task_cancel(g_live.live_next);
}

void rnr_async_shutdown(void)
{
    /* "Any pending ... asynchronous calls issued by any thread in this
     * process are canceled without posting any notification messages." */
    pthread_mutex_lock(&g_alock);
    cancel_all();
    pthread_mutex_unlock(&g_alock);
    rnr_engine_stop();
}

void rnr_async_atfork_prepare(void)
{
    rnr_engine_atfork_prepare();
    pthread_mutex_lock(&g_alock);
    rnr_window_atfork_prepare();
    rnr_htable_lock(&g_tasks);
}

void rnr_async_atfork_parent(void)
{
    rnr_htable_unlock(&g_tasks);
    rnr_window_atfork_parent();
    pthread_mutex_unlock(&g_alock);
    rnr_engine_atfork_parent();
}

/* The parent completes its requests; the child must not (it would write
 * its copies of the buffers and post duplicates).  They are cancelled in
 * the child and the engine, whose thread the child does not have, is
 * taken down. */
void rnr_async_atfork_child(void)
{
    rnr_htable_unlock(&g_tasks);
    rnr_window_atfork_child();
    cancel_all();
    rnr_engine_atfork_child();
    pthread_mutex_unlock(&g_alock);
}
