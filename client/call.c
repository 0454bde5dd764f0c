/* SPDX-License-Identifier: MIT */
/*
 * Requests (conn.h, rnr_call_*).
 *
 * Contract: a call owns one request frame and, once sent, one entry in
 * its connection's map of pending requests; it completes exactly once,
 * by its reply (dispatched by the reader), by the connection's death, or
 * by its deadline (msgtab.h RNR_MSGF_DEADLINE: rnrd answers these at
 * once, so silence means a wedged daemon).  A request that provably never
 * left (stale connection) is moved to a fresh connection and sent once
 * more, which cannot run it twice.
 */
#include "config.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alloc.h"
#include "conn_int.h"
#include "msgtab.h"
#include "wire.h"

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
        rc = rnr_idmap_insert(&c->calls, &call->node);
    pthread_mutex_unlock(&c->lock);
    if (rc != 0)
        return rc;
    /* A failed write kills the connection, which completes the call. */
    return rnr_conn_write(c, call->w.data, call->w.len, unsent);
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
        rnr_conn_wait(c, &w);
    }
    if (!call->done) {
        rnr_idmap_remove(&c->calls, &call->node);
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
    rnr_conn_fail(c, WSASYSNOTREADY);
    pthread_mutex_unlock(&c->lock);
    call->status = WSASYSNOTREADY;
    return WSASYSNOTREADY;
}
