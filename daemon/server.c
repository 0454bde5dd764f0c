/* SPDX-License-Identifier: MIT */
/*
 * The control socket.  A leftover socket file is removed only when nothing
 * answers on it: a second rnrd must not steal the first one's socket.
 * The file is world-connectable (0666); access control is per request,
 * from SO_PEERCRED.  Under socket activation systemd owns the socket:
 * rnrd takes the descriptor it was passed and never unlinks the file.
 */
#include "config.h"

#include <errno.h>
#include <dirent.h>
#include <stddef.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "alloc.h"
#include "log.h"
#include "lookup.h"
#include "paths.h"
#include "rnrd.h"
#include "sdnotify.h"

#define ACCEPT_BATCH     32
#define ACCEPT_PAUSE_MS  200
/* Descriptors kept for everything but clients: providers' sockets and
 * files (dns, sap, the directory's journal), the class store, logging. */
#define FD_HEADROOM      128

static void server_accept(void *arg, int fd, unsigned events);

struct rnrd *rnrd_new(void)
{
    struct rnrd *d = rnr_calloc(1, sizeof *d);

    if (d == NULL)
        return NULL;
    d->listen_fd = -1;
    d->signal_fd = -1;
    d->lock_fd = -1;
    d->opt_log_level = -1;
    TAILQ_INIT(&d->clients);
    TAILQ_INIT(&d->dirty);
    TAILQ_INIT(&d->uids);
    d->fd_max_clients = SIZE_MAX;   /* until server_fit_fds knows better */
#ifdef __GLIBC__
    /* Client buffers above 128 KiB get their own mappings, returned to
     * the system when freed: a burst of large frames must not leave
     * rnrd at its high-water mark (glibc would otherwise raise the
     * threshold to the largest block freed and keep them in its heap). */
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);
#endif
    rnr_wbuf_init(&d->scratch);
    rnrd_lookups_init();
    return d;
}

static int sun_fill(struct sockaddr_un *sun, const char *path)
{
    memset(sun, 0, sizeof *sun);
    sun->sun_family = AF_UNIX;
    if (strlen(path) >= sizeof sun->sun_path)
        return -1;
    memcpy(sun->sun_path, path, strlen(path) + 1);
    return 0;
}

/* 1: someone listens there, 0: stale, -1: cannot tell (message logged). */
static int socket_in_use(const char *path, const struct sockaddr_un *sun)
{
    int fd, rc, err;

    /* Non-blocking: a live daemon with a full backlog answers EAGAIN
     * instead of keeping us waiting. */
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        log_err("socket: %s", strerror(errno));
        return -1;
    }
    rc = connect(fd, (const struct sockaddr *)sun, sizeof *sun);
    err = errno;
    close(fd);
    if (rc == 0)
        return 1;
    if (err == ECONNREFUSED || err == ENOENT)
        return 0;
    if (err == EAGAIN)
        return 1;   /* listening, backlog full */
    log_err("%s: cannot test the existing socket: %s", path, strerror(err));
    return -1;
}

static int socket_dir(struct rnrd *d, const char *path)
{
    char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
    char *slash;
    int err;

    memcpy(dir, path, strlen(path) + 1);
    slash = strrchr(dir, '/');
    if (slash == NULL || slash == dir)
        return 0;
    *slash = '\0';
    d->sock_dir_created = access(dir, F_OK) != 0;
    /* The system directory is for everyone to traverse; a per-user one is
     * private to its user. */
    err = rnr_path_mkdirs(dir, geteuid() == 0 ? 0755 : 0700);
    if (err != 0) {
        log_err("%s: cannot create the socket directory: %s", dir, strerror(err));
        return -1;
    }
    /* One another user controls would let them replace the socket or the
     * answer cache under rnrd's clients. */
    return rnrd_own_dir(d, dir, "socket");
}

/* Descriptors open now. */
static size_t fds_open(void)
{
    DIR *dir = opendir("/proc/self/fd");
    struct dirent *e;
    size_t n = 0;

    if (dir == NULL)
        return 16;
    while ((e = readdir(dir)) != NULL)
        if (e->d_name[0] != '.')
            n++;
    closedir(dir);
    return n;
}

/*
 * Every client is a descriptor: with RLIMIT_NOFILE below max-clients,
 * accept() would fail first (EMFILE) and lock everyone out, root
 * included.  So the soft limit is raised to the hard one when it is too
 * low (systemd's default soft limit is 1024), and when even that is too
 * low the number of clients served is capped to what fits, keeping the
 * reserve for admins inside it.
 */
static void server_fit_fds(struct rnrd *d)
{
    size_t want = d->limits.max_clients + FD_HEADROOM + fds_open(), room;
    struct rlimit rl;

    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) {
        log_warning("getrlimit(RLIMIT_NOFILE): %s", strerror(errno));
        return;
    }
    if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want) {
        rlim_t old = rl.rlim_cur;

        /* All of it: a reload may raise max-clients later. */
        rl.rlim_cur = rl.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &rl) != 0) {
            log_warning("setrlimit(RLIMIT_NOFILE, %llu): %s", (unsigned long long)rl.rlim_cur,
                        strerror(errno));
            rl.rlim_cur = old;
        } else {
            log_info("RLIMIT_NOFILE raised from %llu to %llu for max-clients",
                     (unsigned long long)old, (unsigned long long)rl.rlim_cur);
        }
    }
    if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= want) {
        d->fd_max_clients = (rl.rlim_cur == RLIM_INFINITY ? SIZE_MAX : rl.rlim_cur) -
                            (want - d->limits.max_clients);
        return;
    }
    room = want - d->limits.max_clients;
    d->fd_max_clients = rl.rlim_cur > room + 1 ? rl.rlim_cur - room : 1;
    log_warning("RLIMIT_NOFILE is %llu (hard limit): serving at most %zu clients, not "
                "max-clients %zu (the last %zu for root and admin-group)",
                (unsigned long long)rl.rlim_cur, d->fd_max_clients, d->limits.max_clients,
                d->limits.reserved_admin_clients);
}

/* The socket systemd passed (rnrd.socket). */
static int server_adopt(struct rnrd *d, int fd)
{
    struct sockaddr_un sun;
    socklen_t len = sizeof sun;
    char *path;

    memset(&sun, 0, sizeof sun);
    if (getsockname(fd, (struct sockaddr *)&sun, &len) == 0 && sun.sun_path[0] != '\0' &&
        len > offsetof(struct sockaddr_un, sun_path) &&
        (path = rnr_strndup(sun.sun_path, sizeof sun.sun_path)) != NULL) {
        if (strcmp(path, d->socket_path) != 0)
            log_info("socket activation: listening on %s (not the configured %s)", path,
                     d->socket_path);
        rnr_free(d->socket_path);
        d->socket_path = path;
    }
    if (rnrd_loop_watch(d->loop, fd, RNR_NSP_EV_READ, server_accept, d, d) != 0) {
        log_err("%s: cannot watch the passed socket: %s", d->socket_path, strerror(errno));
        return -1;
    }
    d->listen_fd = fd;
    d->socket_activated = 1;
    server_fit_fds(d);
    rnrd_clients_sweep_start(d);
    return 0;
}

int rnrd_server_open(struct rnrd *d)
{
    struct sockaddr_un sun;
    struct stat st;
    mode_t mask;
    int fd = -1, rc;

    switch (rnrd_listen_fd(&fd)) {
    case 1:
        return server_adopt(d, fd);
    case 0:
        break;
    default:
        return -1;
    }
    if (sun_fill(&sun, d->socket_path) != 0) {
        log_err("%s: socket path too long (at most %zu bytes)", d->socket_path,
                sizeof sun.sun_path - 1);
        return -1;
    }
    if (socket_dir(d, d->socket_path) != 0)
        return -1;
    if (lstat(d->socket_path, &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) {
            log_err("%s: exists and is not a socket; not touching it", d->socket_path);
            return -1;
        }
        switch (socket_in_use(d->socket_path, &sun)) {
        case 1:
            log_err("%s: another rnrd is already listening there", d->socket_path);
            return -1;
        case 0:
            if (unlink(d->socket_path) != 0 && errno != ENOENT) {
                log_err("%s: cannot remove the stale socket: %s", d->socket_path,
                        strerror(errno));
                return -1;
            }
            log_info("%s: removed a stale socket", d->socket_path);
            break;
        default:
            return -1;
        }
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        log_err("socket: %s", strerror(errno));
        return -1;
    }
    /* Mode 0666 from bind itself: a chmod by path, as root, would follow
     * a symbolic link the directory's owner put there meanwhile. */
    mask = umask(0111);
    rc = bind(fd, (struct sockaddr *)&sun, sizeof sun);
    umask(mask);
    if (rc != 0) {
        if (errno == EADDRINUSE)   /* another rnrd won the race since lstat */
            log_err("%s: another rnrd is already listening there", d->socket_path);
        else
            log_err("%s: bind: %s", d->socket_path, strerror(errno));
        goto fail;
    }
    if (lstat(d->socket_path, &st) != 0) {
        log_err("%s: %s", d->socket_path, strerror(errno));
        unlink(d->socket_path);
        goto fail;
    }
    d->sock_dev = st.st_dev;
    d->sock_ino = st.st_ino;
    if (listen(fd, SOMAXCONN) != 0 ||
        rnrd_loop_watch(d->loop, fd, RNR_NSP_EV_READ, server_accept, d, d) != 0) {
        log_err("%s: listen: %s", d->socket_path, strerror(errno));
        unlink(d->socket_path);
        goto fail;
    }
    d->listen_fd = fd;
    server_fit_fds(d);
    rnrd_clients_sweep_start(d);
    return 0;
fail:
    close(fd);
    return -1;
}

void rnrd_server_close(struct rnrd *d)
{
    struct stat st;

    if (d->accept_timer != NULL) {
        rnrd_loop_timer_cancel(d->loop, d->accept_timer);
        d->accept_timer = NULL;
    }
    rnrd_clients_sweep_stop(d);
    if (d->listen_fd < 0)
        return;
    rnrd_loop_unwatch(d->loop, d->listen_fd);
    close(d->listen_fd);
    d->listen_fd = -1;
    /* Only our own socket: a newer rnrd may have replaced it. */
    if (!d->socket_activated && stat(d->socket_path, &st) == 0 && st.st_dev == d->sock_dev &&
        st.st_ino == d->sock_ino)
        unlink(d->socket_path);
}

static void server_resume(void *arg)
{
    struct rnrd *d = arg;

    d->accept_timer = NULL;
    if (d->listen_fd >= 0 &&
        rnrd_loop_watch(d->loop, d->listen_fd, RNR_NSP_EV_READ, server_accept, d, d) != 0)
        log_err("cannot watch the control socket again: %s", strerror(errno));
}

static void server_accept(void *arg, int lfd, unsigned events)
{
    struct rnrd *d = arg;
    int i;

    (void)events;
    for (i = 0; i < ACCEPT_BATCH; i++) {
        int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

        if (fd < 0) {
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
                /* The connection stays in the backlog and the socket stays
                 * readable: stop listening for a moment instead of
                 * spinning. */
                log_warning("accept: %s; pausing for %d ms", strerror(errno), ACCEPT_PAUSE_MS);
                if (d->accept_timer == NULL)
                    d->accept_timer = rnrd_loop_timer_add(d->loop, ACCEPT_PAUSE_MS,
                                                          server_resume, d, d);
                if (d->accept_timer != NULL)
                    rnrd_loop_watch(d->loop, lfd, 0, server_accept, d, d);
            } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
                       errno != ECONNABORTED) {
                log_warning("accept: %s", strerror(errno));
            }
            return;
        }
        /* Refused there when over a cap (closed at once). */
        rnrd_client_accept(d, fd);
    }
}
