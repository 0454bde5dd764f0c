/* SPDX-License-Identifier: MIT */
/*
 * Connections and their pool (conn.h): open, reference, acquire, shut
 * down, survive fork().
 *
 * Contract: a connection object lives until its last reference goes
 * (rnr_conn_put), whatever its state; it is dialled once (dial.c) and
 * never reconnected: a dead one is replaced in its slot by the next
 * rnr_conn_acquire.  Every live object is on one list, for the fork
 * handlers, which leave the child with every inherited connection dead
 * and its fds closed.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "alloc.h"
#include "client.h"
#include "conn_int.h"
#include "status.h"

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

static void conn_destroy(struct rnr_conn *c)
{
    size_t i;

    if (c->fd >= 0)
        close(c->fd);
    if (c->evfd >= 0)
        close(c->evfd);
    for (i = 0; i < c->nin; i++)
        rnr_inframe_clear(&c->in[i]);
    rnr_free(c->in);
    rnr_free(c->rbuf);
    rnr_idmap_free(&c->calls);
    rnr_idmap_free(&c->lookups);
    pthread_mutex_destroy(&c->lock);
    pthread_mutex_destroy(&c->wlock);
    rnr_free(c);
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
        rnr_conn_fail(c, WSA_E_CANCELLED);
        pthread_mutex_unlock(&c->lock);
        rnr_conn_put(c);
    }
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
        rnr_idmap_free(&c->calls);
        while ((nd = rnr_idmap_pop(&c->lookups)) != NULL) {
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
