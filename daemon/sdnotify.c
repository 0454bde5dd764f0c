/* SPDX-License-Identifier: MIT */
/*
 * sd_notify and sd_listen_fds, reimplemented (sdnotify.h).  The protocol
 * is small and stable, and rnrd has no other use for libsystemd.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "loop.h"
#include "sdnotify.h"

#define LISTEN_FDS_START 3

static int notify_fd = -1;
static struct sockaddr_un notify_addr;
static socklen_t notify_len;
static uint64_t watchdog_ms;    /* between pings; 0: no watchdog */

static long env_long(const char *name);

/* sd_watchdog_enabled(3): $WATCHDOG_USEC, for this process when
 * $WATCHDOG_PID says so (or is unset).  Pings go out at half the
 * interval, as systemd advises. */
static void watchdog_read(void)
{
    long usec = env_long("WATCHDOG_USEC"), pid = env_long("WATCHDOG_PID");
    const char *p = getenv("WATCHDOG_PID");

    watchdog_ms = 0;
    if (usec > 0 && (p == NULL || (pid >= 0 && (pid_t)pid == getpid()))) {
        watchdog_ms = (uint64_t)usec / 2000u;
        if (watchdog_ms == 0)
            watchdog_ms = 1;
    }
    unsetenv("WATCHDOG_USEC");
    unsetenv("WATCHDOG_PID");
}

int rnrd_notify_init(void)
{
    const char *path = getenv("NOTIFY_SOCKET");
    size_t n;
    int rc = -1;

    watchdog_read();
    if (path == NULL || path[0] == '\0') {
        watchdog_ms = 0;
        return 0;
    }
    n = strlen(path);
    /* A path, or '@' for an abstract socket. */
    if ((path[0] != '/' && path[0] != '@') || n >= sizeof notify_addr.sun_path) {
        log_warning("NOTIFY_SOCKET=%s: not a socket path; not notifying systemd", path);
        goto done;
    }
    memset(&notify_addr, 0, sizeof notify_addr);
    notify_addr.sun_family = AF_UNIX;
    memcpy(notify_addr.sun_path, path, n);
    if (path[0] == '@')
        notify_addr.sun_path[0] = '\0';
    notify_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n +
                             (path[0] == '@' ? 0 : 1));
    /* Non-blocking: a receiver that stops reading (its queue holds a few
     * datagrams) must never stall the event loop; what does not fit is
     * dropped, and a watchdog that misses pings for good does its job. */
    notify_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (notify_fd < 0) {
        log_warning("NOTIFY_SOCKET: socket: %s; not notifying systemd", strerror(errno));
        goto done;
    }
    rc = 0;
done:
    if (rc != 0)
        watchdog_ms = 0;
    unsetenv("NOTIFY_SOCKET");
    return rc;
}

void rnrd_notify(const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    int n;

    if (notify_fd < 0)
        return;
    va_start(ap, fmt);
    n = vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof msg)
        return;
    if (sendto(notify_fd, msg, (size_t)n, MSG_NOSIGNAL, (struct sockaddr *)&notify_addr,
               notify_len) < 0)
        log_debug("sd_notify %s: %s", msg, strerror(errno));
}

static void watchdog_ping(void *arg)
{
    struct rnrd_loop *loop = arg;

    rnrd_notify("WATCHDOG=1");
    /* Re-armed from the loop itself: a loop that stops turning stops the
     * pings, and systemd kills rnrd. */
    if (rnrd_loop_timer_add(loop, watchdog_ms, watchdog_ping, loop, &watchdog_ms) == NULL)
        log_err("watchdog: cannot arm the next ping; systemd will restart rnrd");
}

int rnrd_watchdog_start(struct rnrd_loop *loop)
{
    if (watchdog_ms == 0)
        return 0;
    log_info("watchdog: pinging systemd every %llu ms", (unsigned long long)watchdog_ms);
    watchdog_ping(loop);
    return 1;
}

void rnrd_notify_close(void)
{
    if (notify_fd >= 0)
        close(notify_fd);
    notify_fd = -1;
}

static long env_long(const char *name)
{
    const char *v = getenv(name);
    char *end;
    long x;

    if (v == NULL || v[0] == '\0')
        return -1;
    errno = 0;
    x = strtol(v, &end, 10);
    if (errno != 0 || *end != '\0' || x < 0)
        return -1;
    return x;
}

int rnrd_listen_fd(int *out)
{
    long pid = env_long("LISTEN_PID"), n = env_long("LISTEN_FDS");
    int fd = LISTEN_FDS_START, type = 0, listening = 0, rc = -1;
    socklen_t len = sizeof type;
    struct sockaddr_un sun;
    socklen_t slen = sizeof sun;

    unsetenv("LISTEN_PID");
    unsetenv("LISTEN_FDS");
    unsetenv("LISTEN_FDNAMES");
    /* Meant for another process (inherited through a fork): not ours. */
    if (pid < 0 || n < 0 || (pid_t)pid != getpid())
        return 0;
    if (n == 0)
        return 0;
    if (n != 1) {
        log_err("socket activation: %ld sockets passed; rnrd listens on exactly one", n);
        return -1;
    }
    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0 || type != SOCK_STREAM ||
        getsockname(fd, (struct sockaddr *)&sun, &slen) != 0 || sun.sun_family != AF_UNIX) {
        log_err("socket activation: descriptor %d is not an AF_UNIX stream socket", fd);
        return -1;
    }
    len = sizeof listening;
    if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) != 0 || !listening) {
        log_err("socket activation: descriptor %d is not listening (use Accept=no)", fd);
        return -1;
    }
    if (fcntl(fd, F_SETFD, FD_CLOEXEC) != 0 ||
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) != 0) {
        log_err("socket activation: descriptor %d: %s", fd, strerror(errno));
        return -1;
    }
    *out = fd;
    rc = 1;
    return rc;
}
