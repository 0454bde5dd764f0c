/* SPDX-License-Identifier: MIT */
/*
 * The connection to rnrd (doc/architecture.md, "Connection").
 *
 * A small pool of AF_UNIX streams per process (pool.c: RNR_CONN_SLOTS
 * slots), each opened lazily by the first call that needs it.  Every
 * thread is pinned to one slot, chosen round robin on its first call, so
 * a few threads each have a connection of their own and more threads
 * share.  A lookup stays on the connection it was begun on.  A connection
 * is an fd plus a "process" step (read what the socket has, decode,
 * dispatch each frame to the request or lookup it belongs to); the
 * synchronous API sits on top:
 *
 *   - writes: a whole frame at a time under a short write lock;
 *   - reads: leader / follower.  A thread that needs a frame and finds no
 *     reader becomes the reader: it polls the socket (and an eventfd used
 *     to interrupt it) with no lock held, decodes, then dispatches under
 *     the connection lock, waking whoever each frame was for.  Other
 *     threads sleep on their own condition variable.  A reader whose own
 *     wait is over hands the role to the next waiter.
 *
 * When the connection dies (EOF, an I/O error, a frame that does not
 * parse, or the final WSACleanup) every pending request completes with
 * the death status (WSASYSNOTREADY, or WSA_E_CANCELLED for WSACleanup) and
 * every lookup still receiving results is marked lost.  The next
 * rnr_conn_acquire() in that slot opens a new connection, so a restarted
 * daemon is picked up without restarting the application.
 *
 * Locks, outermost first: the startup lock (startup.c), the slot locks (a
 * slot's current connection and the reference counts of the connections
 * opened for it; in slot order when several are taken), the global
 * connection list lock (every connection object, for fork), a
 * connection's write lock, its connection lock, the handle table lock,
 * the lookup reference lock (lookup.c).
 * The startup state lock (startup.c) is a leaf taken under any of them.
 * Nothing blocks while holding a lock except a writer waiting for socket
 * space under the write lock.
 */
#ifndef RNR_CLIENT_CONN_H
#define RNR_CLIENT_CONN_H

#include <stddef.h>
#include <stdint.h>

#include <rnr/winsock2.h>
#include "dial.h"
#include "idmap.h"
#include "wire.h"

struct rnr_conn;

/* One pushed result, flat (one rnr_free). */
struct rnr_result {
    struct rnr_result *next;
    WSAQUERYSETA      *qs;
    size_t             size;   /* rnr_qs_flat_size(qs) */
};

/* A lookup as the connection sees it.  Created by lookup.c; the fields
 * below `conn` are protected by the connection lock (rnr_conn_lock).
 * `conn` is fixed once the lookup is registered (before that, a request
 * resent on a fresh connection moves the lookup with it). */
struct rnr_nspnotify;

struct rnr_lookup {
    int                refs;      /* rnr_lookup_ref/unref (lookup.c) */
    /* What WSALookupServiceBegin asked (flat, or NULL), for WSANSPIoctl
     * (nspioctl.c), and its state there; fixed once the handle exists. */
    WSAQUERYSETA      *qs;
    DWORD              flags;
    struct rnr_nspnotify *notify;
    /* WSALookupServiceNextW's result refused for size, kept for the next
     * call (lookup_w.c); flat, or NULL.  Under the connection lock. */
    WSAQUERYSETA      *w_held;
    struct rnr_conn   *conn;      /* the connection it was begun on (a reference) */
    struct rnr_idnode  node;      /* node.id = daemon handle */
    struct rnr_result *head;      /* queued results, oldest first */
    struct rnr_result **tail;
    int                done_status;   /* LOOKUP_DONE status */
    unsigned           has_remote : 1;   /* the daemon gave it a handle */
    unsigned           registered : 1;   /* in the connection's map: results may come */
    unsigned           done : 1;         /* LOOKUP_DONE received */
    unsigned           done_reported : 1;
    unsigned           cancelled : 1;    /* WSALookupServiceEnd / WSACleanup */
    unsigned           lost : 1;         /* the connection died before DONE */
    unsigned           head_faulted : 1; /* head was refused with WSAEFAULT */
    unsigned           from_cache : 1;   /* answered by the answer cache: no round trip */
};

/* One request / reply exchange.  Set up with rnr_call_start, write the body
 * with rnr_wire_put_* on call->w, run with rnr_call_run, release with
 * rnr_call_cleanup. */
struct rnr_call {
    struct rnr_idnode  node;      /* node.id = request id */
    struct rnr_conn   *conn;      /* a reference */
    struct rnr_wbuf    w;
    uint16_t           type;
    struct rnr_lookup *lookup;    /* LOOKUP_BEGIN: registered on success */
    int                done;
    int                status;    /* transport failure or the daemon's status */
    uint8_t           *body;      /* reply body on success (rnr_malloc), may be NULL */
    size_t             len;
    uint64_t           deadline_ms;  /* CLOCK_MONOTONIC; 0: none (call.c) */
};

/* CLOCK_MONOTONIC in milliseconds: reply deadlines, answer cache retries. */
uint64_t rnr_conn_now_ms(void);

/* The calling thread's slot's live connection, opened now if needed;
 * takes a reference (release with rnr_conn_put).  0, WSANOTINITIALISED,
 * WSASYSNOTREADY (no daemon), WSA_NOT_ENOUGH_MEMORY. */
int  rnr_conn_acquire(struct rnr_conn **out);
void rnr_conn_ref(struct rnr_conn *c);

/* The socket path a pool connection was opened with. */
const char *rnr_conn_path(const struct rnr_conn *c);
void rnr_conn_put(struct rnr_conn *c);    /* accepts NULL */

/* Final WSACleanup: kill every connection of the pool (pending requests
 * complete with WSA_E_CANCELLED) and forget them. */
void rnr_conn_shutdown(void);

/* Acquire a connection, pick a request id and begin the frame.  On error
 * the call is left clean (rnr_call_cleanup is still allowed). */
int  rnr_call_start(struct rnr_call *call, uint16_t type);
/* Finish the frame, send it, wait for the reply.  Returns call->status:
 * 0 (reply body in call->body / call->len), the daemon's error, or a
 * transport error (WSASYSNOTREADY, WSA_E_CANCELLED, WSAENOBUFS when the
 * request is too large). */
int  rnr_call_run(struct rnr_call *call);
void rnr_call_cleanup(struct rnr_call *call);
/* The reply body did not decode: the protocol says such a frame ends the
 * connection.  Kills it and returns WSASYSNOTREADY. */
int  rnr_call_bad_reply(struct rnr_call *call);

/* Send LOOKUP_END for a daemon handle without waiting: its reply matches
 * no pending request and is dropped on arrival.  0 or the transport
 * error. */
int  rnr_conn_send_end(struct rnr_conn *c, uint32_t handle);
/* Send CACHE_REPORT (this process's answer-cache hits and misses) the same
 * way.  0 or the transport error. */
int  rnr_conn_send_cache_report(struct rnr_conn *c, uint64_t hits, uint64_t misses);
/* A reference to some pooled connection that is alive (rnr_conn_put), or
 * NULL: never connects, never checks WSAStartup, for the last words of a
 * process or of the final WSACleanup. */
struct rnr_conn *rnr_conn_any_live(void);

/* The connection lock, for lookup.c reading and changing lookup state. */
void rnr_conn_lock(struct rnr_conn *c);
void rnr_conn_unlock(struct rnr_conn *c);
/* 0 while alive, else the status it died with.  Lock held. */
int  rnr_conn_dead(struct rnr_conn *c);
/* Lock held: block until lk has a result, is done, cancelled or lost, or
 * the connection died.  Reads for everybody while it is the leader. */
void rnr_conn_wait_lookup(struct rnr_conn *c, struct rnr_lookup *lk);
/* Lock held: stop delivering to lk, mark it cancelled, wake every thread
 * waiting on it (interrupting the reader if it is one of them). */
void rnr_conn_cancel_lookup(struct rnr_conn *c, struct rnr_lookup *lk);
/* Lock held: take lk out of the map (no more results will be queued). */
void rnr_conn_unregister_lookup(struct rnr_conn *c, struct rnr_lookup *lk);

/* fork() support (startup.c). */
void rnr_conn_atfork_prepare(void);
void rnr_conn_atfork_parent(void);
void rnr_conn_atfork_child(void);

#endif
