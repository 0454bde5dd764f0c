/* SPDX-License-Identifier: MIT */
/*
 * dns provider: the c-ares channel on rnrd's loop.  c-ares reports the
 * sockets it wants watched (ARES_OPT_SOCK_STATE_CB); readiness and the
 * one timer for its earliest deadline feed ares_process_fd.  Nothing here
 * ever waits.
 *
 * c-ares 1.18's ares_timeout walks every query in flight, so it is asked
 * only when the timer fires.  After other work (questions sent, answers
 * read) a bound does: whatever c-ares sent or re-sent then is due no
 * sooner than one first-try timeout from now, so the timer is pulled in
 * to that at most, and fires early at worst.  Asked after every event
 * instead, each question cost O(questions in flight): with 9,216 of them,
 * opening a lookup took 108-143 us against 88-94 us (bench_dns).
 */
#include "dns.h"

#include <sys/time.h>

static void on_fd(void *arg, int fd, unsigned events)
{
    struct dns_state *st = arg;

    ares_process_fd(st->channel,
                    (events & RNR_NSP_EV_READ) ? fd : ARES_SOCKET_BAD,
                    (events & RNR_NSP_EV_WRITE) ? fd : ARES_SOCKET_BAD);
    dns_loop_bound(st);
}

void dns_sock_state_cb(void *data, ares_socket_t fd, int readable, int writable)
{
    struct dns_state *st = data;
    unsigned ev = (readable ? RNR_NSP_EV_READ : 0) | (writable ? RNR_NSP_EV_WRITE : 0);

    if (ev == 0) {
        st->host->unwatch_fd(st->p, fd);
        return;
    }
    if (st->host->watch_fd(st->p, fd, ev, on_fd, st) != 0)
        st->host->log(st->p, RNR_NSP_LOG_ERR, "cannot watch c-ares socket %d", fd);
}

static void on_timer(void *arg)
{
    struct dns_state *st = arg;

    st->timer = NULL;
    st->timer_due = 0;
    /* No socket: only the deadlines are looked at. */
    ares_process_fd(st->channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
    dns_loop_kick(st);
}

/* The timer at `due` (monotonic ms), unless an earlier one is armed: c-ares
 * tells again then. */
static void arm(struct dns_state *st, uint64_t now, uint64_t due)
{
    if (st->timer != NULL && st->timer_due <= due)
        return;
    dns_loop_stop(st);
    st->timer = st->host->timer_add(st->p, due - now, on_timer, st);
    if (st->timer != NULL)
        st->timer_due = due;
    else
        st->host->log(st->p, RNR_NSP_LOG_ERR, "cannot arm the c-ares timer");
}

void dns_loop_kick(struct dns_state *st)
{
    struct timeval tv, *t;
    uint64_t now;

    if (st->channel == NULL)
        return;
    t = ares_timeout(st->channel, NULL, &tv);
    if (t == NULL) {
        dns_loop_stop(st);
        return;
    }
    now = st->host->now_ms();
    /* Rounded up: waking early would only find nothing due yet. */
    arm(st, now, now + (uint64_t)t->tv_sec * 1000u + ((uint64_t)t->tv_usec + 999u) / 1000u);
}

void dns_loop_bound(struct dns_state *st)
{
    uint64_t now;

    if (st->channel == NULL)
        return;
    if (st->try_ms <= 0) {
        dns_loop_kick(st);      /* no bound known: ask */
        return;
    }
    if (st->ninflight == 0) {
        dns_loop_stop(st);      /* every question answered: nothing is due */
        return;
    }
    now = st->host->now_ms();
    arm(st, now, now + (uint64_t)st->try_ms);
}

void dns_loop_stop(struct dns_state *st)
{
    if (st->timer != NULL)
        st->host->timer_cancel(st->p, st->timer);
    st->timer = NULL;
    st->timer_due = 0;
}
