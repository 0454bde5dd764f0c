/*
 * sd_notify and sd_listen_fds, reimplemented (sdnotify.h).  The protocol
 * is small and stable, and rnrd has no other use for libsystemd.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "sdnotify.h"

#define LISTEN_FDS_START 3

static int notify_fd = -1;
static struct sockaddr_un notify_addr;
static socklen_t notify_len;

int rnrd_notify_init(void)
{
    const char *path = getenv("NOTIFY_SOCKET");
    size_t n;
    int rc = -1;

    if (path == NULL || path[0] == '\0')
        return 0;
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
    notify_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (notify_fd < 0) {
        log_warning("NOTIFY_SOCKET: socket: %s; not notifying systemd", strerror(errno));
        goto done;
    }
    rc = 0;
done:
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
