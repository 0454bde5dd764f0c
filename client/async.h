/* SPDX-License-Identifier: MIT */
/*
 * Internals of the asynchronous getXbyY (doc/architecture.md,
 * "Asynchronous calls"): the window queues (window.c), the requests and
 * their handles (async.c), the background engine that runs the lookups
 * over its own connection to rnrd (async_engine.c).  Not exported.
 *
 * Locks, outermost first: the engine's step lock (async_engine.c), the
 * async lock (rnr_async_lock: the task
 * table, every task's `cancelled`, the engine's inbox), the window lock
 * (window.c: every window and its queue), the handle tables' own leaf
 * locks.  A request's buffer is written and its message posted with the
 * async lock held, so WSACancelAsyncRequest, rnr_window_destroy and
 * WSACleanup, which take it too, leave no write in flight when they
 * return.
 */
#ifndef RNR_CLIENT_ASYNC_H
#define RNR_CLIENT_ASYNC_H

#include <stddef.h>
#include <stdint.h>

#include <rnr/winsock2.h>
#include "getxbyy.h"

/* ------------------------------------------------------------ window.c */

/* A queued message.  Each request allocates its own when it is made, so
 * posting the completion cannot fail for want of memory. */
struct rnr_winmsg {
    struct rnr_winmsg *next;
    MSG                msg;
};

/* Is hwnd a live window?  Window lock taken inside.  (WSANSPIoctl checks
 * its window at call time; the WSAAsyncGetXByY family does not.) */
int  rnr_window_alive(HWND hwnd);

/* Queue m (ownership passes) on hwnd with the given contents; when hwnd
 * is no longer a window m is freed (the message dropped). */
void rnr_window_post(HWND hwnd, struct rnr_winmsg *m, UINT message,
                     WPARAM wparam, LPARAM lparam);

/* fork() support (startup.c), taken inside the async lock. */
void rnr_window_atfork_prepare(void);
void rnr_window_atfork_parent(void);
void rnr_window_atfork_child(void);

/* ------------------------------------------------------------ async.c */

enum rnr_async_kind { RNR_ASYNC_HOST, RNR_ASYNC_SERV };

/* One request bound for rnrd.  Owned by the engine once submitted; the
 * application's side only sets `cancelled` (async lock held). */
struct rnr_async_task {
    struct rnr_async_task *next;      /* engine lists */
    struct rnr_async_task *live_prev, *live_next;  /* async.c, async lock */
    HANDLE                 handle;
    HWND                   hwnd;
    UINT                   message;
    char                  *buf;
    size_t                 buflen;
    struct rnr_winmsg     *msg;       /* preallocated completion */
    struct rnr_xbyy_query  q;         /* strings point into `text` */
    int                    stage;     /* 0, 1: q.fallback */
    unsigned               skipped;   /* results refused by q.accept */
    int                    cancelled; /* async lock */
    char                   text[];
};

void rnr_async_lock(void);
void rnr_async_unlock(void);

/* Engine side: finish t (any thread, async lock NOT held).  status 0 with
 * the accepted result qs: unpacked into the caller's buffer (WSAENOBUFS
 * and the size needed when it is short); else status is the error.
 * Posts unless t was cancelled, then frees t. */
void rnr_async_complete(struct rnr_async_task *t, int status,
                        const WSAQUERYSETA *qs);
/* Free a task that will never complete (cancelled, or shutdown). */
void rnr_async_task_free(struct rnr_async_task *t);

/* Final WSACleanup: every pending request cancelled, the engine stopped. */
void rnr_async_shutdown(void);

/* Destroying hwnd: cancel every request addressed to it. */
void rnr_async_cancel_window(HWND hwnd);

void rnr_async_atfork_prepare(void);
void rnr_async_atfork_parent(void);
void rnr_async_atfork_child(void);

/* ------------------------------------------------------------ async_engine.c */

/* Async lock held.  Hand t to the engine, starting its thread if needed.
 * 0, or WSAEWOULDBLOCK (the thread cannot be started). */
int  rnr_engine_submit(struct rnr_async_task *t);
/* Async lock held.  t was cancelled: wake the engine so that it ends the
 * lookup on rnrd's side now rather than when its answer comes. */
void rnr_engine_poke(void);
/* Stop the engine thread and free what it holds (async lock NOT held;
 * every task must already be cancelled). */
void rnr_engine_stop(void);
/* fork: prepare waits for the engine to be between two steps (before the
 * async lock is taken); the child, which has no engine thread, frees
 * what it held (async lock held, every task cancelled). */
void rnr_engine_atfork_prepare(void);
void rnr_engine_atfork_parent(void);
void rnr_engine_atfork_child(void);

#endif
