/* SPDX-License-Identifier: MIT */
/*
 * The daemon's one event loop: epoll for descriptors, a min-heap of
 * one-shot timers, an idle hook run after every batch of events.  The same
 * objects serve rnrd itself and the providers (through the host
 * interface), so fd callbacks and timers have the provider interface's
 * shapes; `owner` tags what a provider registered so it can all be removed
 * when that provider goes away.
 */
#ifndef RNRD_LOOP_H
#define RNRD_LOOP_H

#include <stdint.h>
#include <rnr/nsp.h>

struct rnrd_loop;

/* Timers are the objects providers see as struct rnr_nsp_timer. */
typedef struct rnr_nsp_timer rnrd_timer;

int  rnrd_loop_new(struct rnrd_loop **out);
void rnrd_loop_free(struct rnrd_loop *loop);     /* accepts NULL */

/* rnrd's own watches only (providers never see it): with it among the
 * events, a peer gone for good (EPOLLHUP) is reported as RNRD_EV_HUP too,
 * so that no work is done for it. */
#define RNRD_EV_HUP 0x100u

/* Watch fd for RNR_NSP_EV_READ / RNR_NSP_EV_WRITE (0: keep registered,
 * report nothing).  Errors and hang-ups are reported as READ|WRITE so the
 * owner's next read or write sees them.  A second call replaces callback
 * and events.  Returns 0 or -1 (errno set). */
int  rnrd_loop_watch(struct rnrd_loop *loop, int fd, unsigned events,
                     rnr_nsp_fd_cb cb, void *arg, const void *owner);
void rnrd_loop_unwatch(struct rnrd_loop *loop, int fd);
/* Owner of the watch on fd (NULL when not watched). */
const void *rnrd_loop_watch_owner(const struct rnrd_loop *loop, int fd);

rnrd_timer *rnrd_loop_timer_add(struct rnrd_loop *loop, uint64_t delay_ms,
                                rnr_nsp_timer_cb cb, void *arg, const void *owner);
/* Accepts NULL; must not be called for a timer that already fired. */
void rnrd_loop_timer_cancel(struct rnrd_loop *loop, rnrd_timer *t);
/* Is t a pending timer of this loop?  (Defensive checks of provider calls.) */
int  rnrd_loop_timer_pending(const struct rnrd_loop *loop, const rnrd_timer *t);

/* Remove every watch and timer registered with this owner; returns how
 * many there were. */
size_t rnrd_loop_drop_owner(struct rnrd_loop *loop, const void *owner);

/* Run after every batch of events and timers (flushing client output). */
void rnrd_loop_set_idle(struct rnrd_loop *loop, void (*cb)(void *), void *arg);

/* Run until rnrd_loop_stop.  Returns 0, or -1 when epoll_wait failed. */
int  rnrd_loop_run(struct rnrd_loop *loop);
void rnrd_loop_stop(struct rnrd_loop *loop);

uint64_t rnrd_now_ms(void);

#endif
