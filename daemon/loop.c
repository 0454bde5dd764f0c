/* SPDX-License-Identifier: MIT */
/*
 * epoll + timer heap.  Watches live in an array indexed by fd; each
 * registration gets a serial carried in the epoll event, so an event
 * for an fd that was unwatched (or closed and reused) earlier in the same
 * batch is recognised as stale and dropped instead of calling a callback
 * that no longer expects it.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "loop.h"
#include "util.h"

#define LOOP_MAX_EVENTS 64

struct loop_watch {
    rnr_nsp_fd_cb cb;
    void         *arg;
    const void   *owner;
    uint32_t      serial;   /* 0: not watched */
    unsigned      events;
};

struct rnr_nsp_timer {
    uint64_t         due;
    uint64_t         seq;      /* FIFO among equal deadlines */
    size_t           pos;      /* index in the heap */
    rnr_nsp_timer_cb cb;
    void            *arg;
    const void      *owner;
};

struct rnrd_loop {
    int                epfd;
    struct loop_watch *watches;
    size_t             nwatches;    /* array size (max fd + 1) */
    uint32_t           serial;
    rnrd_timer       **heap;
    size_t             nheap;
    size_t             capheap;
    uint64_t           seq;
    struct rnrd_ptrset live;        /* pending timers, for checks */
    void             (*idle)(void *);
    void              *idle_arg;
    int                stop;
};

uint64_t rnrd_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int rnrd_loop_new(struct rnrd_loop **out)
{
    struct rnrd_loop *loop = rnr_calloc(1, sizeof *loop);

    if (loop == NULL)
        return -1;
    loop->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (loop->epfd < 0) {
        rnr_free(loop);
        return -1;
    }
    *out = loop;
    return 0;
}

void rnrd_loop_free(struct rnrd_loop *loop)
{
    size_t i;

    if (loop == NULL)
        return;
    for (i = 0; i < loop->nheap; i++)
        rnr_free(loop->heap[i]);
    rnr_free(loop->heap);
    rnrd_ptrset_free(&loop->live);
    rnr_free(loop->watches);
    close(loop->epfd);
    rnr_free(loop);
}

/* ------------------------------------------------------------ fds */

static uint32_t ev_to_epoll(unsigned events)
{
    uint32_t e = 0;

    if (events & RNR_NSP_EV_READ)
        e |= EPOLLIN;
    if (events & RNR_NSP_EV_WRITE)
        e |= EPOLLOUT;
    return e;
}

int rnrd_loop_watch(struct rnrd_loop *loop, int fd, unsigned events,
                    rnr_nsp_fd_cb cb, void *arg, const void *owner)
{
    struct epoll_event ev;
    struct loop_watch *w;
    int op;

    if (fd < 0 || cb == NULL) {
        errno = EINVAL;
        return -1;
    }
    if ((size_t)fd >= loop->nwatches) {
        size_t n = loop->nwatches ? loop->nwatches : 64;
        struct loop_watch *nw;

        while (n <= (size_t)fd)
            n *= 2;
        nw = rnr_realloc(loop->watches, n * sizeof *nw);
        if (nw == NULL) {
            errno = ENOMEM;
            return -1;
        }
        memset(nw + loop->nwatches, 0, (n - loop->nwatches) * sizeof *nw);
        loop->watches = nw;
        loop->nwatches = n;
    }
    w = &loop->watches[fd];
    if (++loop->serial == 0)
        loop->serial = 1;
    memset(&ev, 0, sizeof ev);
    ev.events = ev_to_epoll(events);
    ev.data.u64 = (uint64_t)(uint32_t)fd | (uint64_t)loop->serial << 32;
    op = w->serial ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
    if (epoll_ctl(loop->epfd, op, fd, &ev) != 0) {
        /* The fd may have been closed and reopened behind our back (MOD
         * -> ENOENT), or registered by a previous owner (ADD -> EEXIST). */
        if (op == EPOLL_CTL_MOD && errno == ENOENT)
            op = EPOLL_CTL_ADD;
        else if (op == EPOLL_CTL_ADD && errno == EEXIST)
            op = EPOLL_CTL_MOD;
        else
            return -1;
        if (epoll_ctl(loop->epfd, op, fd, &ev) != 0)
            return -1;
    }
    w->cb = cb;
    w->arg = arg;
    w->owner = owner;
    w->events = events;
    w->serial = loop->serial;
    return 0;
}

void rnrd_loop_unwatch(struct rnrd_loop *loop, int fd)
{
    struct loop_watch *w;

    if (fd < 0 || (size_t)fd >= loop->nwatches)
        return;
    w = &loop->watches[fd];
    if (w->serial == 0)
        return;
    /* EBADF/ENOENT: already closed, which removed it from the set. */
    (void)epoll_ctl(loop->epfd, EPOLL_CTL_DEL, fd, NULL);
    memset(w, 0, sizeof *w);
}

const void *rnrd_loop_watch_owner(const struct rnrd_loop *loop, int fd)
{
    if (fd < 0 || (size_t)fd >= loop->nwatches || loop->watches[fd].serial == 0)
        return NULL;
    return loop->watches[fd].owner;
}

/* ------------------------------------------------------------ timers */

static int timer_before(const rnrd_timer *a, const rnrd_timer *b)
{
    return a->due < b->due || (a->due == b->due && a->seq < b->seq);
}

static void heap_set(struct rnrd_loop *loop, size_t i, rnrd_timer *t)
{
    loop->heap[i] = t;
    t->pos = i;
}

static void heap_up(struct rnrd_loop *loop, size_t i)
{
    rnrd_timer *t = loop->heap[i];

    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!timer_before(t, loop->heap[parent]))
            break;
        heap_set(loop, i, loop->heap[parent]);
        i = parent;
    }
    heap_set(loop, i, t);
}

static void heap_down(struct rnrd_loop *loop, size_t i)
{
    rnrd_timer *t = loop->heap[i];

    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= loop->nheap)
            break;
        if (c + 1 < loop->nheap && timer_before(loop->heap[c + 1], loop->heap[c]))
            c++;
        if (!timer_before(loop->heap[c], t))
            break;
        heap_set(loop, i, loop->heap[c]);
        i = c;
    }
    heap_set(loop, i, t);
}

static void heap_remove(struct rnrd_loop *loop, rnrd_timer *t)
{
    size_t i = t->pos;
    rnrd_timer *last = loop->heap[--loop->nheap];

    if (i == loop->nheap)
        return;
    heap_set(loop, i, last);
    heap_up(loop, i);
    heap_down(loop, last->pos);
}

rnrd_timer *rnrd_loop_timer_add(struct rnrd_loop *loop, uint64_t delay_ms,
                                rnr_nsp_timer_cb cb, void *arg, const void *owner)
{
    rnrd_timer *t;

    if (cb == NULL)
        return NULL;
    if (loop->nheap == loop->capheap) {
        size_t n = loop->capheap ? loop->capheap * 2 : 64;
        rnrd_timer **h = rnr_realloc(loop->heap, n * sizeof *h);
        if (h == NULL)
            return NULL;
        loop->heap = h;
        loop->capheap = n;
    }
    t = rnr_calloc(1, sizeof *t);
    if (t == NULL)
        return NULL;
    if (rnrd_ptrset_add(&loop->live, t) != 0) {
        rnr_free(t);
        return NULL;
    }
    /* Clamp so due never wraps. */
    if (delay_ms > UINT64_C(1) << 48)
        delay_ms = UINT64_C(1) << 48;
    t->due = rnrd_now_ms() + delay_ms;
    t->seq = loop->seq++;
    t->cb = cb;
    t->arg = arg;
    t->owner = owner;
    loop->heap[loop->nheap++] = t;
    heap_up(loop, loop->nheap - 1);
    return t;
}

int rnrd_loop_timer_pending(const struct rnrd_loop *loop, const rnrd_timer *t)
{
    /* Looked up by address: a dangling pointer is never dereferenced. */
    return rnrd_ptrset_has(&loop->live, t);
}

void rnrd_loop_timer_cancel(struct rnrd_loop *loop, rnrd_timer *t)
{
    if (t == NULL)
        return;
    heap_remove(loop, t);
    rnrd_ptrset_del(&loop->live, t);
    rnr_free(t);
}

size_t rnrd_loop_drop_owner(struct rnrd_loop *loop, const void *owner)
{
    size_t i, n = 0;

    for (i = 0; i < loop->nwatches; i++) {
        if (loop->watches[i].serial != 0 && loop->watches[i].owner == owner) {
            rnrd_loop_unwatch(loop, (int)i);
            n++;
        }
    }
    for (i = 0; i < loop->nheap;) {
        if (loop->heap[i]->owner == owner) {
            rnrd_loop_timer_cancel(loop, loop->heap[i]);
            n++;
            i = 0;   /* the heap was reshuffled */
        } else {
            i++;
        }
    }
    return n;
}

/* ------------------------------------------------------------ running */

void rnrd_loop_set_idle(struct rnrd_loop *loop, void (*cb)(void *), void *arg)
{
    loop->idle = cb;
    loop->idle_arg = arg;
}

void rnrd_loop_stop(struct rnrd_loop *loop)
{
    loop->stop = 1;
}

static int loop_timeout(const struct rnrd_loop *loop)
{
    uint64_t now, due;

    if (loop->nheap == 0)
        return -1;
    now = rnrd_now_ms();
    due = loop->heap[0]->due;
    if (due <= now)
        return 0;
    return due - now > 60000 ? 60000 : (int)(due - now);
}

static void loop_fire_timers(struct rnrd_loop *loop)
{
    uint64_t now = rnrd_now_ms();
    uint64_t limit = loop->seq;

    /* Timers armed by callbacks in this round wait for the next one, so a
     * zero-delay timer re-arming itself cannot starve the descriptors. */
    while (loop->nheap > 0 && loop->heap[0]->due <= now && loop->heap[0]->seq < limit) {
        rnrd_timer *t = loop->heap[0];
        rnr_nsp_timer_cb cb = t->cb;
        void *arg = t->arg;

        heap_remove(loop, t);
        rnrd_ptrset_del(&loop->live, t);
        rnr_free(t);
        cb(arg);
        if (loop->stop)
            return;
    }
}

static void loop_dispatch(struct rnrd_loop *loop, const struct epoll_event *ev)
{
    int fd = (int)(uint32_t)ev->data.u64;
    uint32_t serial = (uint32_t)(ev->data.u64 >> 32);
    struct loop_watch *w;
    unsigned events = 0;

    if ((size_t)fd >= loop->nwatches)
        return;
    w = &loop->watches[fd];
    if (w->serial != serial)
        return;   /* unwatched or replaced earlier in this batch */
    if (ev->events & EPOLLIN)
        events |= RNR_NSP_EV_READ;
    if (ev->events & EPOLLOUT)
        events |= RNR_NSP_EV_WRITE;
    if (ev->events & (EPOLLERR | EPOLLHUP))
        events |= RNR_NSP_EV_READ | RNR_NSP_EV_WRITE;
    if ((ev->events & EPOLLHUP) && (w->events & RNRD_EV_HUP))
        events |= RNRD_EV_HUP;
    w->cb(w->arg, fd, events);
}

int rnrd_loop_run(struct rnrd_loop *loop)
{
    struct epoll_event evs[LOOP_MAX_EVENTS];

    loop->stop = 0;
    while (!loop->stop) {
        int i, n = epoll_wait(loop->epfd, evs, LOOP_MAX_EVENTS, loop_timeout(loop));

        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        for (i = 0; i < n && !loop->stop; i++)
            loop_dispatch(loop, &evs[i]);
        /* The idle hook writes the replies: before the timers too, so
         * that work a provider deferred to a zero-delay timer (a DNS
         * question, say) starts after the clients have their answers. */
        if (loop->idle != NULL && n > 0)
            loop->idle(loop->idle_arg);
        if (!loop->stop)
            loop_fire_timers(loop);
        if (loop->idle != NULL)
            loop->idle(loop->idle_arg);
    }
    return 0;
}
