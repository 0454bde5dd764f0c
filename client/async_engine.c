/* SPDX-License-Identifier: MIT */
/*
 * The asynchronous engine: one background thread with its own connection
 * to rnrd that runs every WSAAsyncGetXByY lookup at once, multiplexed by
 * wire ids (doc/protocol.md), so hundreds of requests cost one thread and
 * one socket, not one each.
 *
 * A request goes inbox (filled by the application under the async lock)
 * -> backlog (the engine's, in order) -> a wire slot (LOOKUP_BEGIN sent
 * with the slot's index as request id; then the daemon's handle, under
 * which it pushes LOOKUP_RESULT / LOOKUP_DONE) -> completion.  The first
 * result the query accepts completes it (the synchronous functions keep
 * the first too), and LOOKUP_END releases the daemon's handle, which it
 * keeps until told even after DONE.  At most `cap` lookups are open on the
 * connection, below rnrd's max-lookups-per-client (256 by default); the
 * rest wait in the backlog.  A daemon that still answers WSAEMFILE (a
 * lower limit) gets the request back in the backlog and a cap lowered to
 * what is open, raised by one with every lookup that ends.
 *
 * A slot stays taken until its BEGIN has been answered, even when the
 * request was cancelled meanwhile, so a late reply never meets another
 * request under the same id.  Cancelled requests found open are ended at
 * the next turn of the loop (rnr_engine_poke wakes it).
 *
 * The thread starts with the first request and stops at the final
 * WSACleanup.  When rnrd is absent or goes away, the requests concerned
 * complete with WSASYSNOTREADY; the next one connects again.  Everything
 * below `evfd` in struct engine is the engine thread's alone.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "alloc.h"
#include "async.h"
#include "conn.h"
#include "queryset.h"
#include "wire.h"

#define WIRE_MAX   192u          /* open lookups on the connection */
#define END_ID     0x80000000u   /* LOOKUP_END ids: never a slot index */
#define READ_CHUNK 65536u

enum slot_state { SLOT_FREE, SLOT_BEGUN, SLOT_OPEN };

struct wire_slot {
    struct rnr_async_task *t;
    enum slot_state        state;
    int                    alone;  /* nothing else was on the wire at BEGIN */
    uint32_t               dh;     /* the daemon's lookup handle */
};

struct engine {
    /* Under the async lock. */
    int                     running;
    int                     stop;
    pthread_t               thread;
    struct rnr_async_task  *inbox, **inbox_tail;
    int                     fd;       /* set and closed under the lock too */
    int                     evfd;
    int                     cancels;  /* a task was cancelled since the last look */
    /* The engine thread's. */
    struct rnr_async_task  *backlog, **backlog_tail;
    struct wire_slot        slot[WIRE_MAX];
    unsigned                nwire, cap;
    uint32_t                end_seq;
    struct rnr_wbuf         out;
    uint8_t                *rbuf;
    size_t                  rlen, rcap;
};

static struct engine E = { .fd = -1, .evfd = -1 };

/* Held by the engine thread except while it sleeps in poll(), and by
 * fork() (rnr_engine_atfork_prepare): the child then inherits the
 * engine's state between two steps, consistent enough to free. */
static pthread_mutex_t g_busy = PTHREAD_MUTEX_INITIALIZER;

static void *engine_main(void *arg);

/* ------------------------------------------------------------------ */
/* queues                                                               */
/* ------------------------------------------------------------------ */

static void backlog_push_front(struct rnr_async_task *t)
{
    t->next = E.backlog;
    if (E.backlog == NULL)
        E.backlog_tail = &t->next;
    E.backlog = t;
}

static struct rnr_async_task *backlog_pop(void)
{
    struct rnr_async_task *t = E.backlog;

    if (t != NULL && (E.backlog = t->next) == NULL)
        E.backlog_tail = &E.backlog;
    return t;
}

static void wake(void)
{
    uint64_t one = 1;

    if (E.evfd >= 0 && write(E.evfd, &one, sizeof one) < 0) {
        /* EAGAIN: already pending. */
    }
}

int rnr_engine_submit(struct rnr_async_task *t)
{
    sigset_t all, old;

    if (!E.running) {
        E.evfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (E.evfd < 0)
            return WSAEWOULDBLOCK;
        E.inbox = NULL;
        E.inbox_tail = &E.inbox;
        E.stop = 0;
        /* The application's signal handlers must not run on our thread. */
        sigfillset(&all);
        pthread_sigmask(SIG_SETMASK, &all, &old);
        E.running = pthread_create(&E.thread, NULL, engine_main, NULL) == 0;
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        if (!E.running) {
            close(E.evfd);
            E.evfd = -1;
            return WSAEWOULDBLOCK;
        }
    }
    t->next = NULL;
    *E.inbox_tail = t;
    E.inbox_tail = &t->next;
    wake();
    return 0;
}

void rnr_engine_poke(void)
{
    E.cancels = 1;
    wake();
}

/* ------------------------------------------------------------------ */
/* the connection                                                       */
/* ------------------------------------------------------------------ */

static void slot_release(struct wire_slot *s)
{
    s->t = NULL;
    s->state = SLOT_FREE;
    E.nwire--;
}

static void send_end(uint32_t dh)
{
    rnr_wire_frame_begin(&E.out, RNR_MSG_LOOKUP_END,
                         END_ID | (E.end_seq++ & ~END_ID), 0);
    rnr_wire_put_u32(&E.out, dh);
    rnr_wire_frame_end(&E.out, RNR_WIRE_MAX_FRAME);
}

/* Every request on the wire fails with status; the connection is closed.
 * The backlog stays for the next connection. */
static void conn_lost(int status)
{
    unsigned i;

    for (i = 0; i < WIRE_MAX; i++) {
        struct rnr_async_task *t = E.slot[i].t;

        if (E.slot[i].state != SLOT_FREE) {
            slot_release(&E.slot[i]);
            rnr_async_complete(t, status, NULL);
        }
    }
    rnr_async_lock();
    if (E.fd >= 0)
        close(E.fd);
    E.fd = -1;
    rnr_async_unlock();
    rnr_wbuf_reset(&E.out);
    E.rlen = 0;
}

static int conn_ensure(void)
{
    int fd, rc;

    if (E.fd >= 0)
        return 0;
    if ((rc = rnr_conn_dial(&fd)) != 0)
        return rc;
    rnr_async_lock();
    E.fd = fd;
    rnr_async_unlock();
    E.cap = WIRE_MAX;
    return 0;
}

/* Put BEGIN for t (stage t->stage) on the wire in a free slot. */
static void begin(struct rnr_async_task *t)
{
    WSAQUERYSETA qs;
    AFPROTOCOLS afp[2];
    GUID cls;
    unsigned i;

    for (i = 0; E.slot[i].state != SLOT_FREE; i++)
        ;                           /* nwire < cap <= WIRE_MAX: one is free */
    rnr_xbyy_qs_init(&t->q, t->stage, &qs, &cls, afp);
    if (rnr_qs_validate(&qs, 1) != 0) {
        /* E.g. a name over the wire's bound: rnrd would drop the whole
         * connection for it.  WSALookupServiceBegin refuses it the same
         * way for the synchronous calls. */
        rnr_async_complete(t, rnr_xbyy_outcome(&t->q, t->stage, WSAEINVAL), NULL);
        return;
    }
    rnr_wire_frame_begin(&E.out, RNR_MSG_LOOKUP_BEGIN, i, 0);
    rnr_wire_put_u32(&E.out, t->q.flags);
    rnr_wire_put_queryset(&E.out, &qs);
    rnr_wire_frame_end(&E.out, RNR_WIRE_MAX_FRAME);
    if (E.out.error != 0) {
        /* Too large to ask (what WSALookupServiceBegin refuses as invalid):
         * the frame was cut off, the ones before it stay. */
        E.out.error = 0;
        rnr_async_complete(t, rnr_xbyy_outcome(&t->q, t->stage, WSAEINVAL), NULL);
        return;
    }
    E.slot[i].t = t;
    E.slot[i].state = SLOT_BEGUN;
    E.slot[i].alone = E.nwire == 0;
    E.nwire++;
}

/* Stage t->stage of t ended with st (0: accepted result qs). */
static void finish(struct rnr_async_task *t, int st, const WSAQUERYSETA *qs)
{
    st = rnr_xbyy_outcome(&t->q, t->stage, st);
    if (st == RNR_XBYY_AGAIN) {
        t->stage = 1;
        t->skipped = 0;
        backlog_push_front(t);
        return;
    }
    rnr_async_complete(t, st, st == 0 ? qs : NULL);
}

/* ------------------------------------------------------------------ */
/* frames from rnrd                                                     */
/* ------------------------------------------------------------------ */

static struct wire_slot *slot_by_handle(uint32_t dh)
{
    unsigned i;

    for (i = 0; i < WIRE_MAX; i++)
        if (E.slot[i].state == SLOT_OPEN && E.slot[i].dh == dh)
            return &E.slot[i];
    return NULL;
}

static int on_reply(const struct rnr_wire_hdr *h, struct rnr_rbuf *r)
{
    struct wire_slot *s;
    struct rnr_async_task *t;
    uint32_t dh;
    int cancelled;

    if (h->type == (RNR_MSG_LOOKUP_END | RNR_MSG_REPLY))
        return 0;
    if (h->type != (RNR_MSG_LOOKUP_BEGIN | RNR_MSG_REPLY) || h->id >= WIRE_MAX ||
        E.slot[h->id].state != SLOT_BEGUN)
        return WSASYSNOTREADY;
    s = &E.slot[h->id];
    t = s->t;
    if (h->status == 0) {
        if (rnr_wire_get_u32(r, &dh) != 0 || rnr_rbuf_finish(r) != 0 ||
            slot_by_handle(dh) != NULL)
            return WSASYSNOTREADY;
        s->dh = dh;
        s->state = SLOT_OPEN;
        rnr_async_lock();
        cancelled = t->cancelled;
        rnr_async_unlock();
        if (cancelled) {             /* while BEGIN was in flight */
            send_end(s->dh);
            slot_release(s);
            rnr_async_task_free(t);
        }
        return 0;
    }
    slot_release(s);
    if (h->status == WSAEMFILE && !s->alone) {
        /* rnrd's limit is lower than ours: try again once fewer are open
         * (replies come in order, so the ones it counted have answered or
         * will; a BEGIN refused with nothing else open cannot succeed). */
        E.cap = E.nwire > 0 ? E.nwire : 1;
        backlog_push_front(t);
        return 0;
    }
    if (h->status == WSAEMFILE)
        rnr_async_complete(t, WSAEWOULDBLOCK, NULL);
    else
        finish(t, (int)h->status, NULL);
    return 0;
}

static int on_pushed(const struct rnr_wire_hdr *h, struct rnr_rbuf *r)
{
    struct wire_slot *s = slot_by_handle(h->id);
    struct rnr_async_task *t;
    WSAQUERYSETA *qs = NULL;
    int st;

    if (h->type == RNR_MSG_LOOKUP_RESULT) {
        if (rnr_wire_get_queryset(r, &qs, NULL) != 0 || rnr_rbuf_finish(r) != 0)
            return WSASYSNOTREADY;
    } else if (h->type != RNR_MSG_LOOKUP_DONE || r->left != 0) {
        return WSASYSNOTREADY;
    }
    if (s == NULL) {                 /* ended early: frames in flight */
        rnr_free(qs);
        return 0;
    }
    t = s->t;
    if (qs != NULL) {
        if (t->q.accept == NULL || t->q.accept(qs, t->q.arg))
            st = 0;
        else if (++t->skipped >= RNR_XBYY_MAX_SKIPPED)
            st = WSA_E_NO_MORE;
        else
            st = -1;                 /* wait for the next */
    } else {
        st = h->status != 0 ? (int)h->status : WSA_E_NO_MORE;
    }
    if (st != -1) {
        send_end(s->dh);
        slot_release(s);
        if (E.cap < WIRE_MAX)
            E.cap++;                 /* back up after a WSAEMFILE */
        finish(t, st, qs);
    }
    rnr_free(qs);
    return 0;
}

/* Read what the socket has and handle every complete frame.  0, or the
 * status the connection is lost with. */
static int read_frames(void)
{
    struct rnr_wire_hdr h;
    size_t off = 0, need = READ_CHUNK;
    ssize_t n;
    int rc = 0;

    if (E.rlen >= RNR_WIRE_HDR_LEN &&
        rnr_wire_hdr_parse(E.rbuf, RNR_WIRE_MAX_FRAME, &h) == 0 && h.length > need)
        need = h.length;
    if (E.rcap < need) {
        uint8_t *b = rnr_realloc(E.rbuf, need);

        if (b == NULL)
            return WSAENOBUFS;
        E.rbuf = b;
        E.rcap = need;
    }
    n = recv(E.fd, E.rbuf + E.rlen, E.rcap - E.rlen, 0);
    if (n == 0)
        return WSASYSNOTREADY;
    if (n < 0)
        return errno == EINTR || errno == EAGAIN ? 0 : WSASYSNOTREADY;
    E.rlen += (size_t)n;
    while (rc == 0 && E.rlen - off >= RNR_WIRE_HDR_LEN) {
        struct rnr_rbuf r;

        if (rnr_wire_hdr_parse(E.rbuf + off, RNR_WIRE_MAX_FRAME, &h) != 0)
            return WSASYSNOTREADY;
        if (E.rlen - off < h.length)
            break;
        rnr_rbuf_init(&r, E.rbuf + off + RNR_WIRE_HDR_LEN, h.length - RNR_WIRE_HDR_LEN);
        rc = (h.type & RNR_MSG_REPLY) ? on_reply(&h, &r) : on_pushed(&h, &r);
        off += h.length;
    }
    memmove(E.rbuf, E.rbuf + off, E.rlen - off);
    E.rlen -= off;
    return rc;
}

static int write_frames(void)
{
    while (E.out.len > 0) {
        ssize_t n = send(E.fd, E.out.data, E.out.len, MSG_NOSIGNAL | MSG_DONTWAIT);

        if (n < 0)
            return errno == EAGAIN || errno == EINTR ? 0 : WSASYSNOTREADY;
        rnr_wbuf_consume(&E.out, (size_t)n);
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* the loop                                                             */
/* ------------------------------------------------------------------ */

/* Take new requests in; drop cancelled ones from the backlog; end the
 * cancelled lookups that are open.  0, or 1 when told to stop. */
static int take_news(void)
{
    struct rnr_async_task *t, *keep = NULL, **kt = &keep, *drop = NULL;
    unsigned i;
    int stop;

    rnr_async_lock();
    stop = E.stop;
    if (E.inbox != NULL) {
        *E.backlog_tail = E.inbox;
        E.backlog_tail = E.inbox_tail;
        E.inbox = NULL;
        E.inbox_tail = &E.inbox;
    }
    /* Looking through the backlog and the slots only after a cancel keeps
     * a turn of the loop O(1) however many requests wait. */
    if (!E.cancels || stop)
        goto unlock;
    E.cancels = 0;
    while ((t = backlog_pop()) != NULL) {
        if (t->cancelled) {
            t->next = drop;
            drop = t;
        } else {
            *kt = t;
            kt = &t->next;
        }
    }
    *kt = NULL;
    E.backlog = keep;
    E.backlog_tail = keep != NULL ? kt : &E.backlog;
    for (i = 0; i < WIRE_MAX; i++) {
        if (E.slot[i].state == SLOT_OPEN && E.slot[i].t->cancelled) {
            send_end(E.slot[i].dh);
            E.slot[i].t->next = drop;
            drop = E.slot[i].t;
            slot_release(&E.slot[i]);
        }
    }
unlock:
    rnr_async_unlock();
    while ((t = drop) != NULL) {
        drop = t->next;
        rnr_async_task_free(t);
    }
    return stop;
}

/* Start what the cap allows; without a daemon, fail the backlog. */
static void start_backlog(void)
{
    struct rnr_async_task *t;
    int rc;

    if (E.backlog == NULL || E.nwire >= E.cap)
        return;
    if ((rc = conn_ensure()) != 0) {
        while ((t = backlog_pop()) != NULL)
            rnr_async_complete(t, rc, NULL);
        return;
    }
    while (E.nwire < E.cap && (t = backlog_pop()) != NULL)
        begin(t);
}

static void engine_free_buffers(void)
{
    rnr_wbuf_free(&E.out);
    rnr_free(E.rbuf);
    E.rbuf = NULL;
    E.rlen = E.rcap = 0;
}

static void *engine_main(void *arg)
{
    struct pollfd pfd[2];
    nfds_t nfds;
    int rc;

    (void)arg;
    pthread_mutex_lock(&g_busy);
    E.backlog = NULL;
    E.backlog_tail = &E.backlog;
    E.cap = WIRE_MAX;
    rnr_wbuf_init(&E.out);
    while (!take_news()) {
        start_backlog();
        rc = E.fd >= 0 ? write_frames() : 0;
        pfd[0].fd = E.evfd;
        pfd[0].events = POLLIN;
        pfd[1].fd = E.fd;
        pfd[1].events = POLLIN | (E.out.len > 0 ? POLLOUT : 0);
        pfd[0].revents = pfd[1].revents = 0;
        nfds = E.fd >= 0 ? 2 : 1;
        pthread_mutex_unlock(&g_busy);
        if (rc == 0 && poll(pfd, nfds, -1) < 0 && errno != EINTR)
            rc = WSASYSNOTREADY;
        pthread_mutex_lock(&g_busy);
        if (pfd[0].revents & POLLIN) {
            uint64_t v;

            if (read(E.evfd, &v, sizeof v) < 0) {
                /* EAGAIN: nothing to drain. */
            }
        }
        if (rc == 0 && (pfd[1].revents & (POLLIN | POLLHUP | POLLERR)))
            rc = read_frames();
        if (rc != 0)
            conn_lost(WSASYSNOTREADY);
    }
    /* Stopping: every task was cancelled by WSACleanup. */
    conn_lost(WSASYSNOTREADY);
    while (take_news() && E.backlog != NULL)
        rnr_async_task_free(backlog_pop());
    engine_free_buffers();
    pthread_mutex_unlock(&g_busy);
    return NULL;
}

void rnr_engine_stop(void)
{
    rnr_async_lock();
    if (!E.running) {
        rnr_async_unlock();
        return;
    }
    E.stop = 1;
    wake();
    rnr_async_unlock();
    pthread_join(E.thread, NULL);
    rnr_async_lock();
    E.running = 0;
    E.stop = 0;
    close(E.evfd);
    E.evfd = -1;
    rnr_async_unlock();
}

void rnr_engine_atfork_prepare(void)
{
    pthread_mutex_lock(&g_busy);
}

void rnr_engine_atfork_parent(void)
{
    pthread_mutex_unlock(&g_busy);
}

/* The child has no engine thread.  Its state was left between two steps
 * (g_busy) and every task in it has just been cancelled: free it all and
 * close the sockets, in the child only.  The next request starts a new
 * engine. */
void rnr_engine_atfork_child(void)
{
    struct rnr_async_task *t;
    unsigned i;

    if (E.running) {
        if (E.fd >= 0)
            close(E.fd);
        close(E.evfd);
        for (i = 0; i < WIRE_MAX; i++)
            rnr_async_task_free(E.slot[i].t);
        while ((t = backlog_pop()) != NULL)
            rnr_async_task_free(t);
        while ((t = E.inbox) != NULL) {
            E.inbox = t->next;
            rnr_async_task_free(t);
        }
        engine_free_buffers();
        memset(&E, 0, sizeof E);
        E.fd = -1;
        E.evfd = -1;
    }
    pthread_mutex_unlock(&g_busy);
}
