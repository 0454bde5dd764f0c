/* SPDX-License-Identifier: MIT */
/*
 * The reader of a connection (conn_int.h).
 *
 * Contract: frames are read leader / follower (conn.h): whichever waiting
 * thread finds no reader becomes it, polls with no lock, decodes into
 * c->in, then dispatches under the connection lock to the call or lookup
 * each frame is for and wakes its thread.  A frame that does not parse,
 * or a reply of a type this connection never asks for (msgtab.h,
 * RNR_MSGF_POOL), kills the connection: every pending call completes with
 * the death status and every lookup is lost.  Here too the lookups' side:
 * waiting on one, cancelling it.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "conn_int.h"
#include "msgtab.h"
#include "queryset.h"
#include "status.h"
#include "wire.h"

#define READ_CHUNK   65536u          /* read size, and the idle buffer size */

/* ------------------------------------------------------------------ */
/* waking                                                               */
/* ------------------------------------------------------------------ */

void rnr_conn_poke(struct rnr_conn *c)
{
    uint64_t one = 1;

    if (c->evfd >= 0 && write(c->evfd, &one, sizeof(one)) < 0) {
        /* EAGAIN: the counter is already non-zero, the reader will wake. */
    }
}

/* Lock held.  Milliseconds the reader may wait in poll: until the earliest
 * deadline of a request someone waits for, -1 for none; 0 when one passed. */
static int reader_timeout(const struct rnr_conn *c)
{
    const struct rnr_waiter *w;
    uint64_t first = UINT64_MAX, now;

    for (w = c->waiters; w != NULL; w = w->next)
        if (w->call != NULL && w->call->deadline_ms != 0 && w->call->deadline_ms < first)
            first = w->call->deadline_ms;
    if (first == UINT64_MAX)
        return -1;
    now = rnr_conn_now_ms();
    if (first <= now)
        return 0;
    return first - now > INT32_MAX ? INT32_MAX : (int)(first - now);
}

static int waiter_ready(const struct rnr_waiter *w)
{
    const struct rnr_lookup *lk = w->lookup;

    if (w->call != NULL)
        return w->call->done;
    return lk->head != NULL || lk->done || lk->cancelled || lk->lost;
}

static void wake_call(struct rnr_conn *c, const struct rnr_call *call)
{
    struct rnr_waiter *w;

    for (w = c->waiters; w != NULL; w = w->next)
        if (w->call == call)
            pthread_cond_signal(&w->cond);
}

static void wake_lookup(struct rnr_conn *c, const struct rnr_lookup *lk)
{
    struct rnr_waiter *w;

    for (w = c->waiters; w != NULL; w = w->next)
        if (w->lookup == lk)
            pthread_cond_signal(&w->cond);
    /* The reader itself may be waiting on lk, in poll with no lock. */
    if (c->reading && c->reader != NULL && c->reader->lookup == lk)
        rnr_conn_poke(c);
}

/* ------------------------------------------------------------------ */
/* death                                                                */
/* ------------------------------------------------------------------ */

/* Lock held.  Every pending request completes with `status`; every lookup
 * still expecting results is lost; every waiter wakes.  The fd is shut
 * down (the daemon sees EOF, a reader in poll wakes) but closed only when
 * the last reference goes, so no thread can ever use a reused fd number. */
void rnr_conn_fail(struct rnr_conn *c, int status)
{
    struct rnr_idnode *nd;
    struct rnr_waiter *w;

    if (c->dead)
        return;
    c->dead = status;
    if (c->fd >= 0)
        shutdown(c->fd, SHUT_RDWR);
    rnr_conn_poke(c);
    while ((nd = rnr_idmap_pop(&c->calls)) != NULL) {
        struct rnr_call *call = container_of(nd, struct rnr_call, node);

        call->status = status;
        call->done = 1;
    }
    while ((nd = rnr_idmap_pop(&c->lookups)) != NULL) {
        struct rnr_lookup *lk = container_of(nd, struct rnr_lookup, node);

        lk->registered = 0;
        lk->lost = 1;
    }
    for (w = c->waiters; w != NULL; w = w->next)
        pthread_cond_signal(&w->cond);
}

/* ------------------------------------------------------------------ */
/* reading: decode without the lock, dispatch with it                   */
/* ------------------------------------------------------------------ */

void rnr_inframe_clear(struct rnr_inframe *f)
{
    if (f->result != NULL) {
        rnr_free(f->result->qs);
        rnr_free(f->result);
    }
    rnr_free(f->body);
    memset(f, 0, sizeof(*f));
}

/* Decode one complete frame into c->in.  0, or the status the connection
 * dies with: WSASYSNOTREADY for a frame that does not parse (the protocol
 * says such a frame ends the connection), WSA_NOT_ENOUGH_MEMORY when it
 * cannot be held (dropping it would leave a waiter hanging forever). */
static int decode_frame(struct rnr_conn *c, const struct rnr_wire_hdr *h,
                        const uint8_t *body, size_t len)
{
    struct rnr_inframe f;
    struct rnr_rbuf r;
    int rc = 0;

    memset(&f, 0, sizeof(f));
    f.h = *h;
    rnr_rbuf_init(&r, body, len);
    /* A status reaches the application as it is, so it must be one the
     * daemon can mean: a known code, and not WSAEFAULT, which is about a
     * caller's buffer the daemon never sees (the caller would be told to
     * grow its buffer without being told to what size). */
    if (h->status != 0 && (h->status > INT32_MAX || (int)h->status == WSAEFAULT ||
                           rnr_status_name((int)h->status) == NULL)) {
        rc = WSASYSNOTREADY;
        goto done;
    }
    if (h->type & RNR_MSG_REPLY) {
        unsigned req = h->type & ~(unsigned)RNR_MSG_REPLY;

        /* Only replies to what this connection sends (msgtab.h). */
        if (!(rnr_msg_flags(h->type) & RNR_MSGF_POOL)) {
            rc = WSASYSNOTREADY;
            goto done;
        }
        /* A failed reply has an empty body; anything in it is ignored. */
        if (h->status != 0) {
            /* nothing to decode */
        } else if (req == RNR_MSG_LOOKUP_BEGIN) {
            if (rnr_wire_get_u32(&r, &f.handle) != 0 || rnr_rbuf_finish(&r) != 0)
                rc = WSASYSNOTREADY;
        } else if (len > 0) {
            /* Decoded (and validated) by the caller, which knows the type;
             * it drops the connection if the body is bad. */
            f.body = rnr_malloc(len);
            if (f.body == NULL) {
                rc = WSA_NOT_ENOUGH_MEMORY;
                goto done;
            }
            memcpy(f.body, body, len);
            f.len = len;
        }
    } else if (h->type == RNR_MSG_LOOKUP_RESULT) {
        f.result = rnr_calloc(1, sizeof(*f.result));
        if (f.result == NULL) {
            rc = WSA_NOT_ENOUGH_MEMORY;
            goto done;
        }
        if (rnr_wire_get_queryset(&r, &f.result->qs, NULL) != 0 ||
            rnr_rbuf_finish(&r) != 0) {
            rc = WSASYSNOTREADY;
            goto done;
        }
        f.result->size = rnr_qs_flat_size(f.result->qs);
    } else if (h->type == RNR_MSG_LOOKUP_DONE) {
        if (len != 0)
            rc = WSASYSNOTREADY;
    } else {
        rc = WSASYSNOTREADY;
    }
    if (rc != 0)
        goto done;

    if (c->nin == c->capin) {
        size_t cap = c->capin ? c->capin * 2 : 16;
        struct rnr_inframe *in = rnr_realloc(c->in, cap * sizeof(*in));

        if (in == NULL) {
            rc = WSA_NOT_ENOUGH_MEMORY;
            goto done;
        }
        c->in = in;
        c->capin = cap;
    }
    c->in[c->nin++] = f;
    memset(&f, 0, sizeof(f));
done:
    rnr_inframe_clear(&f);
    return rc;
}

/* Make room for the next read: a whole frame once its header is in,
 * READ_CHUNK otherwise.  The header was validated by decode_all. */
static int reserve(struct rnr_conn *c)
{
    size_t need = READ_CHUNK;
    uint8_t *b;

    if (c->rlen >= RNR_WIRE_HDR_LEN) {
        struct rnr_wire_hdr h;

        if (rnr_wire_hdr_parse(c->rbuf, RNR_WIRE_MAX_FRAME, &h) != 0)
            return WSASYSNOTREADY;
        if (h.length > need)
            need = h.length;
    }
    if (c->rlen == 0 && c->rcap > 4 * READ_CHUNK) {
        /* Give back the memory of a past large frame. */
        rnr_free(c->rbuf);
        c->rbuf = NULL;
        c->rcap = 0;
    }
    if (c->rcap >= need && c->rcap > c->rlen)
        return 0;
    b = rnr_realloc(c->rbuf, need);
    if (b == NULL)
        return WSA_NOT_ENOUGH_MEMORY;
    c->rbuf = b;
    c->rcap = need;
    return 0;
}

/* Decode every complete frame in rbuf, keep the rest at its front. */
static int decode_all(struct rnr_conn *c)
{
    size_t off = 0;
    int rc = 0;

    while (c->rlen - off >= RNR_WIRE_HDR_LEN) {
        struct rnr_wire_hdr h;

        if (rnr_wire_hdr_parse(c->rbuf + off, RNR_WIRE_MAX_FRAME, &h) != 0) {
            rc = WSASYSNOTREADY;
            break;
        }
        if (c->rlen - off < h.length)
            break;
        rc = decode_frame(c, &h, c->rbuf + off + RNR_WIRE_HDR_LEN,
                          h.length - RNR_WIRE_HDR_LEN);
        if (rc != 0)
            break;
        off += h.length;
    }
    if (off > 0) {
        memmove(c->rbuf, c->rbuf + off, c->rlen - off);
        c->rlen -= off;
    }
    return rc;
}

/* The leader's step, run with no lock: wait for the socket or a poke (at
 * most `timeout` ms, -1: no limit, 0: a reply is overdue), read what is
 * there, decode it into c->in.  0 (maybe nothing read: EINTR, a poke, the
 * wait ran out and the caller looks again) or the status the connection
 * dies with. */
static int conn_pump(struct rnr_conn *c, int timeout)
{
    struct pollfd pfd[2];
    ssize_t n;
    int rc;

    if (timeout == 0)
        return WSASYSNOTREADY;              /* a reply is overdue */

    pfd[0].fd = c->fd;
    pfd[0].events = POLLIN;
    pfd[0].revents = 0;
    pfd[1].fd = c->evfd;
    pfd[1].events = POLLIN;
    pfd[1].revents = 0;
    if (poll(pfd, 2, timeout) < 0)
        return errno == EINTR || errno == EAGAIN ? 0 : WSASYSNOTREADY;
    if (pfd[1].revents & POLLIN) {
        uint64_t v;

        if (read(c->evfd, &v, sizeof(v)) < 0) {
            /* EAGAIN: another reader drained it first. */
        }
    }
    if ((pfd[0].revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL)) == 0)
        return 0;
    if ((rc = reserve(c)) != 0)
        return rc;
    n = recv(c->fd, c->rbuf + c->rlen, c->rcap - c->rlen, 0);
    if (n == 0)
        return WSASYSNOTREADY;              /* the daemon went away */
    if (n < 0)
        return errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK
               ? 0 : WSASYSNOTREADY;
    c->rlen += (size_t)n;
    return decode_all(c);
}

/* Lock held.  Deliver one decoded frame.  0, or a protocol error. */
static int dispatch_one(struct rnr_conn *c, struct rnr_inframe *f)
{
    struct rnr_idnode *nd;
    struct rnr_lookup *lk;

    if (f->h.type & RNR_MSG_REPLY) {
        struct rnr_call *call;

        nd = rnr_idmap_find(&c->calls, f->h.id);
        if (nd == NULL)
            return 0;                  /* LOOKUP_END's reply: nobody waits */
        call = container_of(nd, struct rnr_call, node);
        rnr_idmap_remove(&c->calls, nd);
        call->done = 1;
        wake_call(c, call);
        if ((unsigned)(call->type | RNR_MSG_REPLY) != f->h.type) {
            call->status = WSASYSNOTREADY;
            return WSASYSNOTREADY;
        }
        call->status = (int)f->h.status;
        if (call->status == 0 && call->lookup != NULL) {
            lk = call->lookup;
            lk->node.id = f->handle;
            lk->has_remote = 1;
            if (rnr_idmap_find(&c->lookups, f->handle) != NULL) {
                /* The daemon reused a handle that is still open. */
                call->status = WSASYSNOTREADY;
                return WSASYSNOTREADY;
            }
            if (rnr_idmap_insert(&c->lookups, &lk->node) != 0)
                call->status = WSA_NOT_ENOUGH_MEMORY;  /* Begin ends it */
            else
                lk->registered = 1;
        }
        call->body = f->body;
        call->len = f->len;
        f->body = NULL;
        return 0;
    }

    nd = rnr_idmap_find(&c->lookups, f->h.id);
    if (nd == NULL)
        return 0;                      /* ended early: frames in flight */
    lk = container_of(nd, struct rnr_lookup, node);
    if (f->h.type == RNR_MSG_LOOKUP_RESULT) {
        f->result->next = NULL;
        *lk->tail = f->result;
        lk->tail = &f->result->next;
        f->result = NULL;
    } else {                           /* LOOKUP_DONE */
        lk->done = 1;
        lk->done_status = (int)f->h.status;
        rnr_idmap_remove(&c->lookups, nd);
        lk->registered = 0;
    }
    wake_lookup(c, lk);
    return 0;
}

/* Lock held.  Deliver everything decoded; stop at a protocol error. */
static int dispatch_all(struct rnr_conn *c)
{
    size_t i;
    int rc = 0;

    for (i = 0; i < c->nin; i++) {
        if (rc == 0)
            rc = dispatch_one(c, &c->in[i]);
        rnr_inframe_clear(&c->in[i]);
    }
    c->nin = 0;
    return rc;
}

void rnr_conn_wait(struct rnr_conn *c, struct rnr_waiter *w)
{
    pthread_cond_init(&w->cond, NULL);
    w->next = NULL;
    w->prev = c->waiters_tail;
    if (c->waiters_tail != NULL)
        c->waiters_tail->next = w;
    else
        c->waiters = w;
    c->waiters_tail = w;
    /* A reader in poll does not know this request's deadline yet. */
    if (c->reading && w->call != NULL && w->call->deadline_ms != 0)
        rnr_conn_poke(c);

    while (!waiter_ready(w) && !c->dead) {
        int rc, rc2, timeout;

        if (c->reading) {
            pthread_cond_wait(&w->cond, &c->lock);
            continue;
        }
        c->reading = 1;
        c->reader = w;
        timeout = reader_timeout(c);
        pthread_mutex_unlock(&c->lock);
        rc = conn_pump(c, timeout);
        pthread_mutex_lock(&c->lock);
        /* No longer the reader: dispatching under the lock, nobody can
         * take over before it is done, and wake_lookup need not poke. */
        c->reading = 0;
        c->reader = NULL;
        rc2 = dispatch_all(c);
        if (rc != 0 || rc2 != 0)
            rnr_conn_fail(c, rc != 0 ? rc : rc2);
    }

    if (w->prev != NULL)
        w->prev->next = w->next;
    else
        c->waiters = w->next;
    if (w->next != NULL)
        w->next->prev = w->prev;
    else
        c->waiters_tail = w->prev;
    /* Hand the reader role on: whoever is first in line either finds its
     * wait over (and passes it on in turn) or becomes the reader. */
    if (!c->reading && c->waiters != NULL)
        pthread_cond_signal(&c->waiters->cond);
    pthread_cond_destroy(&w->cond);
}

/* ------------------------------------------------------------------ */
/* lookups                                                              */
/* ------------------------------------------------------------------ */

void rnr_conn_lock(struct rnr_conn *c)
{
    pthread_mutex_lock(&c->lock);
}

void rnr_conn_unlock(struct rnr_conn *c)
{
    pthread_mutex_unlock(&c->lock);
}

int rnr_conn_dead(struct rnr_conn *c)
{
    return c->dead;
}

void rnr_conn_wait_lookup(struct rnr_conn *c, struct rnr_lookup *lk)
{
    struct rnr_waiter w;

    memset(&w, 0, sizeof(w));
    w.lookup = lk;
    rnr_conn_wait(c, &w);
}

void rnr_conn_unregister_lookup(struct rnr_conn *c, struct rnr_lookup *lk)
{
    if (lk->registered) {
        rnr_idmap_remove(&c->lookups, &lk->node);
        lk->registered = 0;
    }
}

void rnr_conn_cancel_lookup(struct rnr_conn *c, struct rnr_lookup *lk)
{
    rnr_conn_unregister_lookup(c, lk);
    lk->cancelled = 1;
    wake_lookup(c, lk);
}
