/* SPDX-License-Identifier: MIT */
/*
 * WSANSPIoctl(SIO_NSP_NOTIFY_CHANGE) (<rnr/ws2nspioctl.h>): a browse
 * (<rnr/browse.h>) on the lookup's own query, waited on until its first
 * change.  The blocking form waits in the caller; the event and window
 * forms in a thread of their own, which signals and ends.
 *
 * State per lookup handle, `struct rnr_nspnotify`, made on the first
 * WSANSPIoctl and shared by the lookup and a waiting thread (a count of
 * references): whether a wait is pending, a cancel eventfd that
 * WSALookupServiceEnd writes, and, once a change was seen, the fresh
 * lookup that later WSALookupServiceNext calls read from after the
 * first answer is exhausted (Windows: Next "returns the new state").
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <rnr/browse.h>
#include <rnr/ws2nspioctl.h>

#include "alloc.h"
#include "async.h"
#include "client.h"
#include "conn.h"
#include "lookup.h"

struct rnr_nspnotify {
    pthread_mutex_t    lock;
    int                refs;        /* the lookup's, a waiter's */
    int                cancel_fd;   /* eventfd: WSALookupServiceEnd */
    int                pending;     /* a wait is under way */
    int                closing;     /* the handle was ended */
    unsigned           fired;       /* changes seen */
    unsigned           used;        /* ... of which Next has acted on */
    struct rnr_lookup *redo;        /* the new state, once asked for */
    /* The waiter's completion (event and window forms). */
    WSACOMPLETION      comp;
    struct rnr_winmsg *msg;
    struct rnr_browse *browse;
};

static void notify_unref(struct rnr_nspnotify *n)
{
    if (n == NULL || __atomic_sub_fetch(&n->refs, 1, __ATOMIC_ACQ_REL) > 0)
        return;
    rnr_browse_close(n->browse);
    rnr_lookup_end(n->redo);
    rnr_free(n->msg);
    if (n->cancel_fd >= 0)
        close(n->cancel_fd);
    pthread_mutex_destroy(&n->lock);
    rnr_free(n);
}

/* Wait for the first change or the cancel.  0, WSA_E_CANCELLED, or the
 * browse's error. */
static int wait_change(struct rnr_nspnotify *n)
{
    struct pollfd pf[2];
    WSAQUERYSETA *entry = NULL;
    int kind, rc;

    for (;;) {
        rc = rnr_browse_next(n->browse, 0, &kind, &entry);
        if (rc == 0) {
            rnr_browse_entry_free(entry);
            return 0;
        }
        if (rc != WSAEWOULDBLOCK && rc != WSAEINTR)
            return rc;
        pf[0].fd = rnr_browse_fd(n->browse);
        pf[0].events = POLLIN;
        pf[1].fd = n->cancel_fd;
        pf[1].events = POLLIN;
        if (poll(pf, 2, -1) < 0 && errno != EINTR)
            return WSASYSCALLFAILURE;
        if (pf[1].revents & POLLIN)
            return WSA_E_CANCELLED;
    }
}

/* The wait is over with rc: count it, and tell the application unless
 * the handle was ended meanwhile. */
static void complete(struct rnr_nspnotify *n, int rc, int async)
{
    uint64_t one = 1;

    pthread_mutex_lock(&n->lock);
    n->pending = 0;
    rnr_browse_close(n->browse);
    n->browse = NULL;
    if (rc == 0)
        n->fired++;
    if (async && !n->closing) {
        if (n->comp.Type == NSP_NOTIFY_EVENT) {
            LPWSAOVERLAPPED ov = n->comp.Parameters.Event.lpOverlapped;

            ov->Internal = (ULONG_PTR)rc;
            if (write((int)(intptr_t)ov->hEvent, &one, sizeof one) < 0)
                ov->InternalHigh = 0;   /* nothing else to do about it */
        } else {
            rnr_window_post(n->comp.Parameters.WindowMessage.hWnd, n->msg,
                            n->comp.Parameters.WindowMessage.uMsg,
                            n->comp.Parameters.WindowMessage.context, (LPARAM)rc);
            n->msg = NULL;
        }
    }
    pthread_mutex_unlock(&n->lock);
}

static void *waiter(void *arg)
{
    struct rnr_nspnotify *n = arg;

    complete(n, wait_change(n), 1);
    notify_unref(n);
    return NULL;
}

/* The lookup's notify state, made on first use. */
static int notify_get(struct rnr_lookup *lk, struct rnr_nspnotify **out)
{
    struct rnr_nspnotify *n = __atomic_load_n(&lk->notify, __ATOMIC_ACQUIRE), *none = NULL;

    if (n != NULL) {
        *out = n;
        return 0;
    }
    if ((n = rnr_calloc(1, sizeof *n)) == NULL)
        return WSA_NOT_ENOUGH_MEMORY;
    n->refs = 1;
    if ((n->cancel_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0) {
        rnr_free(n);
        return WSAEMFILE;
    }
    pthread_mutex_init(&n->lock, NULL);
    if (!__atomic_compare_exchange_n(&lk->notify, &none, n, 0, __ATOMIC_ACQ_REL,
                                     __ATOMIC_ACQUIRE)) {
        notify_unref(n);     /* another thread made it first */
        n = none;
    }
    *out = n;
    return 0;
}

static int nsp_notify(struct rnr_lookup *lk, LPWSACOMPLETION c)
{
    struct rnr_nspnotify *n;
    struct rnr_winmsg *msg = NULL;
    int async = c != NULL && c->Type != NSP_NOTIFY_IMMEDIATELY, rc;
    pthread_t t;

    if (lk->qs == NULL)
        return WSAEOPNOTSUPP;    /* answered from the cache file: no query kept */
    if (async && c->Type != NSP_NOTIFY_EVENT && c->Type != NSP_NOTIFY_HWND)
        return WSAEOPNOTSUPP;
    if (async && c->Type == NSP_NOTIFY_EVENT &&
        (c->Parameters.Event.lpOverlapped == NULL ||
         (intptr_t)c->Parameters.Event.lpOverlapped->hEvent < 0))
        return WSAEINVAL;
    if (async && c->Type == NSP_NOTIFY_HWND) {
        if (!rnr_window_alive(c->Parameters.WindowMessage.hWnd))
            return WSAEINVAL;
        if ((msg = rnr_calloc(1, sizeof *msg)) == NULL)
            return WSA_NOT_ENOUGH_MEMORY;
    }
    if ((rc = notify_get(lk, &n)) != 0) {
        rnr_free(msg);
        return rc;
    }
    pthread_mutex_lock(&n->lock);
    if (n->pending || n->closing) {
        pthread_mutex_unlock(&n->lock);
        rnr_free(msg);
        return n->closing ? WSA_INVALID_HANDLE : WSAEALREADY;
    }
    /* Subscribed before returning: a change after the call is seen. */
    rc = rnr_browse_open(lk->qs, lk->flags & ~(DWORD)LUP_CONTAINERS, &n->browse);
    if (rc != 0) {
        pthread_mutex_unlock(&n->lock);
        rnr_free(msg);
        return rc;
    }
    n->pending = 1;
    if (async) {
        n->comp = *c;
        rnr_free(n->msg);
        n->msg = msg;
        __atomic_add_fetch(&n->refs, 1, __ATOMIC_ACQ_REL);
        if (pthread_create(&t, NULL, waiter, n) != 0) {
            n->pending = 0;
            rnr_browse_close(n->browse);
            n->browse = NULL;
            pthread_mutex_unlock(&n->lock);
            notify_unref(n);
            return WSAENOBUFS;
        }
        pthread_detach(t);
        pthread_mutex_unlock(&n->lock);
        return WSA_IO_PENDING;
    }
    __atomic_add_fetch(&n->refs, 1, __ATOMIC_ACQ_REL);
    pthread_mutex_unlock(&n->lock);
    rc = wait_change(n);
    complete(n, rc, 0);
    notify_unref(n);
    return rc;
}

INT WSANSPIoctl(HANDLE hLookup, DWORD dwControlCode, LPVOID lpvInBuffer, DWORD cbInBuffer,
                LPVOID lpvOutBuffer, DWORD cbOutBuffer, LPDWORD lpcbBytesReturned,
                LPWSACOMPLETION lpCompletion)
{
    struct rnr_lookup *lk = NULL;
    int rc;

    (void)lpvInBuffer;
    (void)cbInBuffer;
    (void)lpvOutBuffer;
    (void)cbOutBuffer;
    if ((rc = rnr_client_enter(NULL)) != 0)
        goto done;
    if ((lk = rnr_lookup_from_handle(hLookup)) == NULL) {
        rc = WSA_INVALID_HANDLE;
        goto done;
    }
    if (lpcbBytesReturned == NULL) {
        rc = WSAEFAULT;
        goto done;
    }
    if (dwControlCode != SIO_NSP_NOTIFY_CHANGE) {
        rc = WSAEOPNOTSUPP;
        goto done;
    }
    *lpcbBytesReturned = 0;
    rc = nsp_notify(lk, lpCompletion);
done:
    rnr_lookup_unref(lk);
    return rnr_result(rc);
}

/* Next's statuses that end an answer: nothing more, or nothing at all. */
static int answer_over(int rc)
{
    return rc == WSA_E_NO_MORE || rc == WSAENOMORE || rc == WSASERVICE_NOT_FOUND ||
           rc == WSAHOST_NOT_FOUND || rc == WSANO_DATA;
}

int rnr_nspioctl_next(struct rnr_lookup *lk, DWORD flags, DWORD *lenp, WSAQUERYSETA *buf)
{
    struct rnr_nspnotify *n = __atomic_load_n(&lk->notify, __ATOMIC_ACQUIRE);
    struct rnr_lookup *from, *fresh = NULL;
    int rc;

    if (n == NULL)
        return rnr_lookup_next(lk, flags, lenp, buf);
    pthread_mutex_lock(&n->lock);
    from = n->redo != NULL ? n->redo : lk;
    rnr_lookup_ref(from);
    pthread_mutex_unlock(&n->lock);
    rc = rnr_lookup_next(from, flags, lenp, buf);
    rnr_lookup_unref(from);
    if (!answer_over(rc))
        return rc;
    /* This answer is exhausted: after a change, the new one. */
    pthread_mutex_lock(&n->lock);
    if (n->used == n->fired || n->closing) {
        pthread_mutex_unlock(&n->lock);
        return rc;
    }
    n->used = n->fired;
    pthread_mutex_unlock(&n->lock);
    if ((rc = rnr_lookup_begin(lk->qs, lk->flags | LUP_FLUSHCACHE, &fresh)) != 0)
        return rc;
    pthread_mutex_lock(&n->lock);
    from = n->redo;
    n->redo = fresh;
    rnr_lookup_ref(fresh);
    pthread_mutex_unlock(&n->lock);
    rnr_lookup_end(from);
    rc = rnr_lookup_next(fresh, flags, lenp, buf);
    rnr_lookup_unref(fresh);
    return rc;
}

void rnr_nspioctl_end(struct rnr_lookup *lk)
{
    struct rnr_nspnotify *n = __atomic_exchange_n(&lk->notify, NULL, __ATOMIC_ACQ_REL);
    uint64_t one = 1;

    if (n == NULL)
        return;
    pthread_mutex_lock(&n->lock);
    n->closing = 1;
    if (write(n->cancel_fd, &one, sizeof one) < 0)
        n->closing = 1;     /* the waiter sees `closing` when it wakes anyway */
    pthread_mutex_unlock(&n->lock);
    notify_unref(n);
}
