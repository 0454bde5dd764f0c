/* SPDX-License-Identifier: MIT */
/*
 * systemd integration without libsystemd: the notify protocol
 * (sd_notify(3): one datagram of "KEY=VALUE" lines to $NOTIFY_SOCKET)
 * and socket activation (sd_listen_fds(3): $LISTEN_PID, $LISTEN_FDS,
 * descriptors from 3), and the watchdog (sd_watchdog_enabled(3):
 * $WATCHDOG_USEC, $WATCHDOG_PID).  They read and then remove their
 * environment variables, so nothing rnrd starts inherits them.
 */
#ifndef RNRD_SDNOTIFY_H
#define RNRD_SDNOTIFY_H

struct rnrd_loop;

/* Open the notify socket when $NOTIFY_SOCKET names one, and note the
 * watchdog interval asked for this process.  0, or -1 when it is set but
 * unusable (logged; rnrd goes on without notifying). */
int  rnrd_notify_init(void);
/* Send one state update, e.g. "READY=1".  No-op without a socket. */
void rnrd_notify(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void rnrd_notify_close(void);
/* Send WATCHDOG=1 now and then at half the interval systemd asked for,
 * from a timer of loop.  1 when pinging, 0 when no watchdog was asked
 * for (or there is no notify socket). */
int  rnrd_watchdog_start(struct rnrd_loop *loop);

/* The listening socket systemd passed: 1 with *fd set, 0 when none was
 * passed to this process, -1 (logged) when what was passed is unusable. */
int  rnrd_listen_fd(int *fd);

#endif
