/*
 * The connection to rnrd (conn.h): connect, write frames, read and
 * dispatch frames leader / follower, die and reconnect, survive fork().
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "client.h"
#include "conn.h"
#include "msgtab.h"
#include "paths.h"
#include "peer.h"
#include "queryset.h"
#include "status.h"
#include "wire.h"

#define READ_CHUNK   65536u          /* read size, and the idle buffer size */
#define container_of(p, type, member) \
    ((type *)(void *)((char *)(p) - offsetof(type, member)))

/* Intrusive chained hash: id -> rnr_idnode.  Power-of-two buckets, grown at
 * load factor 1; ids are sequential (requests) or daemon-chosen handles. */
struct rnr_idmap {
    struct rnr_idnode **b;
    size_t              nb;
    size_t              n;
};

/* A thread blocked in rnr_call_run or rnr_conn_wait_lookup.  Lives on that
 * thread's stack; linked in conn->waiters while it waits. */
struct rnr_waiter {
    pthread_cond_t           cond;
    struct rnr_waiter       *prev, *next;
    const struct rnr_call   *call;     /* waiting for this reply, or */
    const struct rnr_lookup *lookup;   /* for news on this lookup */
};

/* A frame decoded by the reader, waiting to be dispatched. */
struct rnr_inframe {
    struct rnr_wire_hdr h;
    uint32_t            handle;   /* LOOKUP_BEGIN reply */
    struct rnr_result  *result;   /* LOOKUP_RESULT */
    uint8_t            *body;     /* other replies: a copy of the body */
    size_t              len;
};

struct rnr_conn {
    int                refs;       /* under its slot's lock */
    unsigned           slot;       /* the pool slot it was opened for */
    int                fd;
    int                evfd;       /* interrupts the reader's poll */
    pthread_mutex_t    wlock;      /* whole frames onto fd */
    pthread_mutex_t    lock;       /* everything down to `next_id` */
    int                dead;       /* 0 or the death status */
    int                reading;    /* a leader is reading */
    struct rnr_waiter *reader;     /* ... and this is its own wait */
    struct rnr_waiter *waiters;    /* every waiting thread, oldest first */
    struct rnr_waiter *waiters_tail;
    struct rnr_idmap   calls;      /* pending requests by id */
    struct rnr_idmap   lookups;    /* lookups receiving results, by handle */
    uint32_t           next_id;    /* atomic */
    /* Read state: owned by the leader (reading == 1), no lock needed. */
    uint8_t            *rbuf;
    size_t              rlen, rcap;
    struct rnr_inframe *in;
    size_t              nin, capin;
    /* Every connection object, for fork (g_lock). */
    struct rnr_conn    *all_prev, *all_next;
    /* The socket it was dialled to (fixed once open): the answer cache
     * is looked for next to it. */
    char                path[sizeof(((struct sockaddr_un *)0)->sun_path)];
};

/* The connection pool: RNR_CONN_SLOTS slots, each holding at most one
 * live connection, opened lazily.  A thread is pinned to one slot (chosen
 * round robin on its first call), so up to RNR_CONN_SLOTS threads each
 * read their own socket, with no leader / follower handoff and no
 * connection lock shared with the others; more threads share slots, and a
 * shared connection multiplexes them as before.  A lookup stays on the
 * connection it was begun on. */
struct rnr_slot {
    pthread_mutex_t  lock;        /* `conn`, and the reference counts of
                                   * every connection opened for the slot */
    struct rnr_conn *conn;        /* its connection (a reference) or NULL */
} __attribute__((aligned(64)));   /* a cache line each: threads pinned to
                                   * neighbouring slots share nothing */

#define SLOT_INIT { PTHREAD_MUTEX_INITIALIZER, NULL }
static struct rnr_slot  g_slots[] = {        /* RNR_CONN_SLOTS of them */
    SLOT_INIT, SLOT_INIT, SLOT_INIT, SLOT_INIT
};
#define RNR_CONN_SLOTS (sizeof(g_slots) / sizeof(g_slots[0]))
static unsigned         g_slot_next;      /* atomic: round robin */
static __thread int     t_slot = -1;      /* this thread's slot */

static pthread_mutex_t  g_lock = PTHREAD_MUTEX_INITIALIZER;   /* g_all */
static struct rnr_conn *g_all;    /* every connection not yet destroyed */

/* ------------------------------------------------------------------ */
/* id maps                                                              */
/* ------------------------------------------------------------------ */

static size_t idmap_slot(const struct rnr_idmap *m, uint32_t id)
{
    return (size_t)(id * 2654435761u) & (m->nb - 1);
}

static struct rnr_idnode *idmap_find(const struct rnr_idmap *m, uint32_t id)
{
    struct rnr_idnode *nd;

    if (m->nb == 0)
        return NULL;
    for (nd = m->b[idmap_slot(m, id)]; nd != NULL; nd = nd->next)
        if (nd->id == id)
            return nd;
    return NULL;
}

static int idmap_grow(struct rnr_idmap *m)
{
    size_t nb = m->nb ? m->nb * 2 : 16, i;
    struct rnr_idnode **b = rnr_calloc(nb, sizeof(*b));
    struct rnr_idmap nm;

    if (b == NULL)
        return WSA_NOT_ENOUGH_MEMORY;
    nm.b = b;
    nm.nb = nb;
    for (i = 0; i < m->nb; i++) {
        struct rnr_idnode *nd = m->b[i], *next;

        for (; nd != NULL; nd = next) {
            size_t s = idmap_slot(&nm, nd->id);

            next = nd->next;
            nd->next = b[s];
            b[s] = nd;
        }
    }
    rnr_free(m->b);
    m->b = b;
    m->nb = nb;
    return 0;
}

static int idmap_insert(struct rnr_idmap *m, struct rnr_idnode *nd)
{
    size_t s;
    int rc;

    if (m->n >= m->nb && (rc = idmap_grow(m)) != 0)
        return rc;
    s = idmap_slot(m, nd->id);
    nd->next = m->b[s];
    m->b[s] = nd;
    m->n++;
    return 0;
}

static void idmap_remove(struct rnr_idmap *m, struct rnr_idnode *nd)
{
    struct rnr_idnode **pp;

    if (m->nb == 0)
        return;
    for (pp = &m->b[idmap_slot(m, nd->id)]; *pp != NULL; pp = &(*pp)->next) {
        if (*pp == nd) {
            *pp = nd->next;
            nd->next = NULL;
            m->n--;
            return;
        }
    }
}

/* Remove and return any node; NULL when empty. */
static struct rnr_idnode *idmap_pop(struct rnr_idmap *m)
{
    size_t i;

    for (i = 0; m->n > 0 && i < m->nb; i++) {
        struct rnr_idnode *nd = m->b[i];

        if (nd != NULL) {
            m->b[i] = nd->next;
            nd->next = NULL;
            m->n--;
            return nd;
        }
    }
    return NULL;
}

static void idmap_free(struct rnr_idmap *m)
{
    rnr_free(m->b);
    m->b = NULL;
    m->nb = 0;
    m->n = 0;
}

/* ------------------------------------------------------------------ */
/* waking                                                               */
/* ------------------------------------------------------------------ */

static void poke(struct rnr_conn *c)
{
    uint64_t one = 1;

    if (c->evfd >= 0 && write(c->evfd, &one, sizeof(one)) < 0) {
        /* EAGAIN: the counter is already non-zero, the reader will wake. */
    }
}

/* ------------------------------------------------------------------ */
/* reply deadlines                                                      */
/* ------------------------------------------------------------------ */

/* A daemon that does not answer a question it answers at once (a lookup's
 * BEGIN, a class or provider query) within this long is taken for gone
 * (SIGSTOPped, wedged): the connection fails with WSASYSNOTREADY instead
 * of holding every caller, getaddrinfo through NSS included, forever.
 * Requests whose work may take long (registrations, class installs)
 * and waits for results have no deadline: which do is RNR_MSGF_DEADLINE
 * in the message table (nsp/msgtab.def).
 * RNR_REQUEST_TIMEOUT_MS overrides; 0 turns it off. */
#define DEFAULT_TIMEOUT_MS 10000u

uint64_t rnr_conn_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static uint64_t timeout_ms(void)
{
    static int64_t cached = -1;     /* atomic; -1: environment not read */
    int64_t v = __atomic_load_n(&cached, __ATOMIC_RELAXED);

    if (v < 0) {
        const char *e = getenv("RNR_REQUEST_TIMEOUT_MS");
        char *end;
        unsigned long long t = e != NULL ? strtoull(e, &end, 10) : DEFAULT_TIMEOUT_MS;

        if (e != NULL && (*e == '\0' || *end != '\0' || t > 86400000ull))
            t = DEFAULT_TIMEOUT_MS;
        v = (int64_t)t;
        __atomic_store_n(&cached, v, __ATOMIC_RELAXED);
    }
    return (uint64_t)v;
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
        poke(c);
}

/* ------------------------------------------------------------------ */
/* death                                                                */
/* ------------------------------------------------------------------ */

/* Lock held.  Every pending request completes with `status`; every lookup
 * still expecting results is lost; every waiter wakes.  The fd is shut
 * down (the daemon sees EOF, a reader in poll wakes) but closed only when
 * the last reference goes, so no thread can ever use a reused fd number. */
static void conn_fail(struct rnr_conn *c, int status)
{
    struct rnr_idnode *nd;
    struct rnr_waiter *w;

    if (c->dead)
        return;
    c->dead = status;
    if (c->fd >= 0)
        shutdown(c->fd, SHUT_RDWR);
    poke(c);
    while ((nd = idmap_pop(&c->calls)) != NULL) {
        struct rnr_call *call = container_of(nd, struct rnr_call, node);

        call->status = status;
        call->done = 1;
    }
    while ((nd = idmap_pop(&c->lookups)) != NULL) {
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

static void inframe_clear(struct rnr_inframe *f)
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
    inframe_clear(&f);
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

        nd = idmap_find(&c->calls, f->h.id);
        if (nd == NULL)
            return 0;                  /* LOOKUP_END's reply: nobody waits */
        call = container_of(nd, struct rnr_call, node);
        idmap_remove(&c->calls, nd);
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
            if (idmap_find(&c->lookups, f->handle) != NULL) {
                /* The daemon reused a handle that is still open. */
                call->status = WSASYSNOTREADY;
                return WSASYSNOTREADY;
            }
            if (idmap_insert(&c->lookups, &lk->node) != 0)
                call->status = WSA_NOT_ENOUGH_MEMORY;  /* Begin ends it */
            else
                lk->registered = 1;
        }
        call->body = f->body;
        call->len = f->len;
        f->body = NULL;
        return 0;
    }

    nd = idmap_find(&c->lookups, f->h.id);
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
        idmap_remove(&c->lookups, nd);
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
        inframe_clear(&c->in[i]);
    }
    c->nin = 0;
    return rc;
}

/* Lock held.  Block until w is ready or the connection is dead, reading
 * for everybody whenever no one else is. */
static void conn_wait(struct rnr_conn *c, struct rnr_waiter *w)
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
        poke(c);

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
            conn_fail(c, rc != 0 ? rc : rc2);
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
/* writing                                                              */
/* ------------------------------------------------------------------ */

/* Write a whole frame.  A partial write leaves the stream corrupt, so any
 * failure kills the connection.  0 or the death status; *unsent (optional)
 * tells whether not a single byte left, i.e. the peer cannot have seen
 * the frame. */
static int conn_write(struct rnr_conn *c, const uint8_t *p, size_t n, int *unsent)
{
    int rc = 0;

    if (unsent != NULL)
        *unsent = 1;
    pthread_mutex_lock(&c->wlock);
    /* No check for death first: a dead connection's fd is shut down, so
     * send() fails at once and the death status is returned below. */
    while (n > 0) {
        ssize_t k = send(c->fd, p, n, MSG_NOSIGNAL);

        if (k > 0) {
            if (unsent != NULL)
                *unsent = 0;
            p += k;
            n -= (size_t)k;
            continue;
        }
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            struct pollfd pfd;

            pfd.fd = c->fd;
            pfd.events = POLLOUT;
            pfd.revents = 0;
            if (poll(&pfd, 1, -1) < 0 && errno != EINTR) {
                rc = WSASYSNOTREADY;
                break;
            }
            continue;
        }
        rc = WSASYSNOTREADY;
        break;
    }
    pthread_mutex_unlock(&c->wlock);
    if (rc != 0) {
        pthread_mutex_lock(&c->lock);
        conn_fail(c, rc);
        rc = c->dead;
        pthread_mutex_unlock(&c->lock);
    }
    return rc;
}

/* ------------------------------------------------------------------ */
/* life cycle                                                           */
/* ------------------------------------------------------------------ */

static void conn_destroy(struct rnr_conn *c)
{
    size_t i;

    if (c->fd >= 0)
        close(c->fd);
    if (c->evfd >= 0)
        close(c->evfd);
    for (i = 0; i < c->nin; i++)
        inframe_clear(&c->in[i]);
    rnr_free(c->in);
    rnr_free(c->rbuf);
    idmap_free(&c->calls);
    idmap_free(&c->lookups);
    pthread_mutex_destroy(&c->lock);
    pthread_mutex_destroy(&c->wlock);
    rnr_free(c);
}

int rnr_conn_dial_daemon(int *out, char *path, size_t plen)
{
    char sock[sizeof(((struct sockaddr_un *)0)->sun_path)];
    int fd = -1, rc;

    if (rnr_path_client_socket(sock, sizeof sock) != 0)
        return WSASYSNOTREADY;
    /* A daemon another user runs, or one in a directory another user may
     * change, would answer for this process: refused like a missing one
     * (rnrctl says why). */
    if ((rc = rnr_peer_dial(sock, &fd, NULL, NULL, 0)) != 0)
        return rc;
    if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0 ||
        (path != NULL && (plen <= strlen(sock)))) {
        close(fd);
        return WSASYSNOTREADY;
    }
    if (path != NULL)
        memcpy(path, sock, strlen(sock) + 1);
    *out = fd;
    return 0;
}

int rnr_conn_dial(int *out)
{
    return rnr_conn_dial_daemon(out, NULL, 0);
}

const char *rnr_conn_path(const struct rnr_conn *c)
{
    return c->path;
}

/* Connect to the daemon.  No daemon: WSASYSNOTREADY at once (AF_UNIX
 * connect fails immediately with ENOENT or ECONNREFUSED). */
static int conn_open(unsigned slot, struct rnr_conn **out)
{
    struct rnr_conn *c;
    int rc = 0;

    c = rnr_calloc(1, sizeof(*c));
    if (c == NULL)
        return WSA_NOT_ENOUGH_MEMORY;
    c->refs = 1;
    c->slot = slot;
    c->fd = -1;
    c->evfd = -1;
    pthread_mutex_init(&c->lock, NULL);
    pthread_mutex_init(&c->wlock, NULL);

    if ((rc = rnr_conn_dial_daemon(&c->fd, c->path, sizeof c->path)) != 0)
        goto done;
    c->evfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (c->evfd < 0) {
        rc = rnr_status_from_dial_errno(errno);
        goto done;
    }
    *out = c;
    c = NULL;
done:
    if (c != NULL)
        conn_destroy(c);
    return rc;
}

/* Connection references are counted under the lock of the slot the
 * connection was opened for, rather than with atomics or under the
 * connection's own lock: the ordering between the last user and the
 * destroyer (which destroys the connection's locks) stays visible to tools
 * (helgrind) as well as correct.  Threads pinned to different slots share
 * no lock here. */
void rnr_conn_ref(struct rnr_conn *c)
{
    pthread_mutex_lock(&g_slots[c->slot].lock);
    c->refs++;
    pthread_mutex_unlock(&g_slots[c->slot].lock);
}

void rnr_conn_put(struct rnr_conn *c)
{
    int left;

    if (c == NULL)
        return;
    pthread_mutex_lock(&g_slots[c->slot].lock);
    left = --c->refs;
    pthread_mutex_unlock(&g_slots[c->slot].lock);
    if (left > 0)
        return;
    /* Nobody else can reach it now, except fork's walk over g_all, which
     * holds g_lock. */
    pthread_mutex_lock(&g_lock);
    if (c->all_prev != NULL)
        c->all_prev->all_next = c->all_next;
    else if (g_all == c)
        g_all = c->all_next;
    if (c->all_next != NULL)
        c->all_next->all_prev = c->all_prev;
    pthread_mutex_unlock(&g_lock);
    conn_destroy(c);
}

static unsigned my_slot(void)
{
    if (t_slot < 0)
        t_slot = (int)(__atomic_fetch_add(&g_slot_next, 1, __ATOMIC_RELAXED)
                       % RNR_CONN_SLOTS);
    return (unsigned)t_slot;
}

/* Slot lock held.  A reference to the slot's connection if it is alive,
 * else NULL. */
static struct rnr_conn *slot_get_live(struct rnr_slot *s)
{
    struct rnr_conn *c = s->conn;
    int dead;

    if (c == NULL)
        return NULL;
    pthread_mutex_lock(&c->lock);
    dead = c->dead;
    pthread_mutex_unlock(&c->lock);
    if (dead != 0)
        return NULL;
    c->refs++;
    return c;
}

int rnr_conn_acquire(struct rnr_conn **out)
{
    unsigned slot = my_slot();
    struct rnr_slot *s = &g_slots[slot];
    struct rnr_conn *c = NULL, *fresh = NULL, *discard = NULL;
    int rc;

    /* The startup check is made under the slot lock, and the final
     * WSACleanup empties every slot under it after making that check
     * fail: no connection is installed after the shutdown. */
    pthread_mutex_lock(&s->lock);
    if ((rc = rnr_client_enter(NULL)) == 0)
        c = slot_get_live(s);
    pthread_mutex_unlock(&s->lock);
    if (rc != 0 || c != NULL)
        goto done;

    /* Connect without the slot lock: if another thread of the slot
     * connected first, use theirs. */
    if ((rc = conn_open(slot, &fresh)) != 0)
        goto done;
    pthread_mutex_lock(&s->lock);
    if ((rc = rnr_client_enter(NULL)) != 0) {
        discard = fresh;                /* WSACleanup ran meanwhile */
    } else if ((c = slot_get_live(s)) != NULL) {
        discard = fresh;
    } else {
        discard = s->conn;              /* the dead one: drop the slot's ref */
        s->conn = fresh;
        fresh->refs++;                  /* the slot's reference (not shared yet) */
        pthread_mutex_lock(&g_lock);
        fresh->all_next = g_all;
        if (g_all != NULL)
            g_all->all_prev = fresh;
        g_all = fresh;
        pthread_mutex_unlock(&g_lock);
        c = fresh;                      /* conn_open's reference: the caller's */
    }
    pthread_mutex_unlock(&s->lock);
    rnr_conn_put(discard);
done:
    if (rc == 0)
        *out = c;
    return rc;
}

void rnr_conn_shutdown(void)
{
    struct rnr_conn *c;
    size_t i;

    for (i = 0; i < RNR_CONN_SLOTS; i++) {
        pthread_mutex_lock(&g_slots[i].lock);
        c = g_slots[i].conn;
        g_slots[i].conn = NULL;
        pthread_mutex_unlock(&g_slots[i].lock);
        if (c == NULL)
            continue;
        pthread_mutex_lock(&c->lock);
        conn_fail(c, WSA_E_CANCELLED);
        pthread_mutex_unlock(&c->lock);
        rnr_conn_put(c);
    }
}

/* ------------------------------------------------------------------ */
/* requests                                                             */
/* ------------------------------------------------------------------ */

int rnr_call_start(struct rnr_call *call, uint16_t type)
{
    int rc;

    memset(call, 0, sizeof(*call));
    rnr_wbuf_init(&call->w);
    if ((rc = rnr_conn_acquire(&call->conn)) != 0)
        return rc;
    call->type = type;
    call->node.id = __atomic_fetch_add(&call->conn->next_id, 1, __ATOMIC_RELAXED);
    rnr_wire_frame_begin(&call->w, type, call->node.id, 0);
    return 0;
}

/* Put the call's frame on its connection.  0, or the status with
 * *unsent = 1 when the daemon cannot have seen any of it (the connection
 * was already dead, or the very first send() failed). */
static int call_send(struct rnr_call *call, int *unsent)
{
    struct rnr_conn *c = call->conn;
    uint64_t t = timeout_ms();
    int rc;

    call->deadline_ms = t != 0 && (rnr_msg_flags(call->type) & RNR_MSGF_DEADLINE)
                       ? rnr_conn_now_ms() + t : 0;

    *unsent = 1;
    pthread_mutex_lock(&c->lock);
    if ((rc = c->dead) == 0)
        rc = idmap_insert(&c->calls, &call->node);
    pthread_mutex_unlock(&c->lock);
    if (rc != 0)
        return rc;
    /* A failed write kills the connection, which completes the call. */
    return conn_write(c, call->w.data, call->w.len, unsent);
}

/* Move a call that never left onto the current connection (reconnecting
 * if needed) under a new request id, patched into the frame header
 * (wire.h: u32 length, u16 version, u16 type, u32 id, u32 status). */
static int call_move(struct rnr_call *call)
{
    struct rnr_conn *fresh;
    uint32_t id;
    int rc;

    if ((rc = rnr_conn_acquire(&fresh)) != 0)
        return rc;
    if (call->lookup != NULL) {
        /* Not registered anywhere yet: nobody else can see it. */
        rnr_conn_ref(fresh);
        rnr_conn_put(call->lookup->conn);
        call->lookup->conn = fresh;
    }
    rnr_conn_put(call->conn);
    call->conn = fresh;
    call->done = 0;
    call->status = 0;
    id = __atomic_fetch_add(&fresh->next_id, 1, __ATOMIC_RELAXED);
    call->node.id = id;
    call->w.data[8] = (uint8_t)id;
    call->w.data[9] = (uint8_t)(id >> 8);
    call->w.data[10] = (uint8_t)(id >> 16);
    call->w.data[11] = (uint8_t)(id >> 24);
    return 0;
}

int rnr_call_run(struct rnr_call *call)
{
    struct rnr_conn *c;
    struct rnr_waiter w;
    int rc, unsent;

    rnr_wire_frame_end(&call->w, RNR_WIRE_MAX_FRAME);
    if (call->w.error != 0) {
        call->status = call->w.error;
        return call->status;
    }
    rc = call_send(call, &unsent);
    if (rc == WSASYSNOTREADY && unsent) {
        /* The connection was stale: the daemon went away (maybe restarted)
         * while nobody was reading, and the request never left.  Sending
         * it once more on a fresh connection cannot run it twice; this is
         * how a restarted daemon is picked up without a failed call. */
        if ((rc = call_move(call)) != 0) {
            call->status = rc;
            return rc;
        }
        rc = call_send(call, &unsent);
    }
    if (rc != 0 && unsent) {
        call->status = rc;
        return rc;
    }

    c = call->conn;
    pthread_mutex_lock(&c->lock);
    if (!call->done) {
        memset(&w, 0, sizeof(w));
        w.call = call;
        conn_wait(c, &w);
    }
    if (!call->done) {
        idmap_remove(&c->calls, &call->node);
        call->done = 1;
        call->status = c->dead ? c->dead : WSASYSNOTREADY;
    }
    pthread_mutex_unlock(&c->lock);
    return call->status;
}

void rnr_call_cleanup(struct rnr_call *call)
{
    rnr_wbuf_free(&call->w);
    rnr_free(call->body);
    call->body = NULL;
    rnr_conn_put(call->conn);
    call->conn = NULL;
}

int rnr_call_bad_reply(struct rnr_call *call)
{
    struct rnr_conn *c = call->conn;

    pthread_mutex_lock(&c->lock);
    conn_fail(c, WSASYSNOTREADY);
    pthread_mutex_unlock(&c->lock);
    call->status = WSASYSNOTREADY;
    return WSASYSNOTREADY;
}

/* A request whose reply nobody waits for: it matches no pending call and
 * is dropped on arrival (dispatch_one). */
static int conn_send_unawaited(struct rnr_conn *c, uint16_t type, const uint32_t *v, size_t n)
{
    struct rnr_wbuf w;
    size_t i;
    int rc;

    rnr_wbuf_init(&w);
    rnr_wire_frame_begin(&w, type, __atomic_fetch_add(&c->next_id, 1, __ATOMIC_RELAXED), 0);
    for (i = 0; i < n; i++)
        rnr_wire_put_u32(&w, v[i]);
    rnr_wire_frame_end(&w, RNR_WIRE_MAX_FRAME);
    rc = w.error != 0 ? w.error : conn_write(c, w.data, w.len, NULL);
    rnr_wbuf_free(&w);
    return rc;
}

int rnr_conn_send_end(struct rnr_conn *c, uint32_t handle)
{
    return conn_send_unawaited(c, RNR_MSG_LOOKUP_END, &handle, 1);
}

int rnr_conn_send_cache_report(struct rnr_conn *c, uint64_t hits, uint64_t misses)
{
    /* u64 as the protocol writes it: low half, then high half. */
    const uint32_t v[4] = { (uint32_t)hits, (uint32_t)(hits >> 32),
                            (uint32_t)misses, (uint32_t)(misses >> 32) };

    return conn_send_unawaited(c, RNR_MSG_CACHE_REPORT, v, 4);
}

struct rnr_conn *rnr_conn_any_live(void)
{
    struct rnr_conn *c = NULL;
    size_t i;

    for (i = 0; i < RNR_CONN_SLOTS && c == NULL; i++) {
        pthread_mutex_lock(&g_slots[i].lock);
        c = slot_get_live(&g_slots[i]);
        pthread_mutex_unlock(&g_slots[i].lock);
    }
    return c;
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
    conn_wait(c, &w);
}

void rnr_conn_unregister_lookup(struct rnr_conn *c, struct rnr_lookup *lk)
{
    if (lk->registered) {
        idmap_remove(&c->lookups, &lk->node);
        lk->registered = 0;
    }
}

void rnr_conn_cancel_lookup(struct rnr_conn *c, struct rnr_lookup *lk)
{
    rnr_conn_unregister_lookup(c, lk);
    lk->cancelled = 1;
    wake_lookup(c, lk);
}

/* ------------------------------------------------------------------ */
/* fork                                                                 */
/* ------------------------------------------------------------------ */

void rnr_conn_atfork_prepare(void)
{
    struct rnr_conn *c;
    size_t i;

    for (i = 0; i < RNR_CONN_SLOTS; i++)
        pthread_mutex_lock(&g_slots[i].lock);
    pthread_mutex_lock(&g_lock);
    for (c = g_all; c != NULL; c = c->all_next) {
        pthread_mutex_lock(&c->wlock);
        pthread_mutex_lock(&c->lock);
    }
}

static void slots_unlock(void)
{
    size_t i;

    for (i = RNR_CONN_SLOTS; i > 0; i--)
        pthread_mutex_unlock(&g_slots[i - 1].lock);
}

void rnr_conn_atfork_parent(void)
{
    struct rnr_conn *c;

    for (c = g_all; c != NULL; c = c->all_next) {
        pthread_mutex_unlock(&c->lock);
        pthread_mutex_unlock(&c->wlock);
    }
    pthread_mutex_unlock(&g_lock);
    slots_unlock();
}

/* The child has one thread and shares the parent's sockets: it must not
 * read them (it would steal the parent's replies) nor wait on the parent's
 * threads.  Every inherited connection is abandoned: its fds closed in the
 * child only, its waits and requests forgotten (they belong to threads the
 * child does not have; leaked rather than touched), its lookups lost.  The
 * child's next call connects afresh. */
void rnr_conn_atfork_child(void)
{
    struct rnr_conn *c;
    struct rnr_idnode *nd;

    for (c = g_all; c != NULL; c = c->all_next) {
        c->waiters = NULL;
        c->waiters_tail = NULL;
        c->reading = 0;
        c->reader = NULL;
        c->nin = 0;
        c->rlen = 0;
        idmap_free(&c->calls);
        while ((nd = idmap_pop(&c->lookups)) != NULL) {
            struct rnr_lookup *lk = container_of(nd, struct rnr_lookup, node);

            lk->registered = 0;
            lk->lost = 1;
        }
        if (c->dead == 0)
            c->dead = WSASYSNOTREADY;
        if (c->fd >= 0)
            close(c->fd);
        if (c->evfd >= 0)
            close(c->evfd);
        c->fd = -1;
        c->evfd = -1;
        pthread_mutex_unlock(&c->lock);
        pthread_mutex_unlock(&c->wlock);
    }
    pthread_mutex_unlock(&g_lock);
    /* The slots keep their (dead) connections: the next call on each
     * replaces it. */
    slots_unlock();
}
