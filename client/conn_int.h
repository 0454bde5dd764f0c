/* SPDX-License-Identifier: MIT */
/*
 * The inside of a connection to rnrd, shared by the files that make it
 * (conn.h is the outside):
 *
 *   idmap.c       id maps: requests by id, lookups by handle;
 *   pool.c        opening, reference counting, the slot pool, fork;
 *   call.c        one request / reply exchange, deadlines, resending;
 *   conn_read.c   the reader: waiting, decoding, dispatching, death;
 *   conn_write.c  whole frames onto the socket.
 *
 * Locking is as conn.h says; every function below that says "lock held"
 * wants the connection lock.
 */
#ifndef RNR_CLIENT_CONN_INT_H
#define RNR_CLIENT_CONN_INT_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "conn.h"
#include "idmap.h"

#define container_of(p, type, member) \
    ((type *)(void *)((char *)(p) - offsetof(type, member)))

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

/* conn_read.c.  Wake the reader out of its poll. */
void rnr_conn_poke(struct rnr_conn *c);
/* Lock held.  Kill the connection: see conn_read.c. */
void rnr_conn_fail(struct rnr_conn *c, int status);
/* Lock held.  Block until w is ready or the connection is dead, reading
 * for everybody whenever no one else is. */
void rnr_conn_wait(struct rnr_conn *c, struct rnr_waiter *w);
/* Free what a decoded frame holds and zero it. */
void rnr_inframe_clear(struct rnr_inframe *f);

/* conn_write.c.  Write a whole frame (no lock held): 0 or the death
 * status; *unsent (optional) tells whether the peer cannot have seen any
 * of it. */
int  rnr_conn_write(struct rnr_conn *c, const uint8_t *p, size_t n, int *unsent);

#endif
