/* SPDX-License-Identifier: MIT */
/*
 * Which rnrd a client may talk to (peer.h).
 */
#include "config.h"

#include "peer.h"
#include "status.h"

#include <errno.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <rnr/winsock2.h>

#include "paths.h"

#ifndef RNR_DAEMON_USER
#define RNR_DAEMON_USER "rnrd"
#endif

static void trust_add(struct rnr_peer_trust *t, uid_t uid)
{
    if (rnr_peer_trusts(t, uid) || t->n >= RNR_PEER_MAX_UIDS)
        return;
    t->uids[t->n++] = uid;
}

/* The account's uid, when it exists.  Looked up at each dial: the daemon
 * account may be created (or be a systemd dynamic user) after the
 * process started. */
static void trust_add_user(struct rnr_peer_trust *t, const char *name)
{
    struct passwd pw, *res = NULL;
    char buf[2048];

    if (name == NULL || name[0] == '\0')
        return;
    if (getpwnam_r(name, &pw, buf, sizeof buf, &res) == 0 && res != NULL)
        trust_add(t, res->pw_uid);
}

void rnr_peer_trusted(const char *sock_path, struct rnr_peer_trust *t)
{
    t->n = 0;
    switch (rnr_path_socket_kind(sock_path)) {
    case RNR_PATH_SYSTEM:
        trust_add(t, 0);
        trust_add_user(t, RNR_DAEMON_USER);
        break;
    case RNR_PATH_USER:
        trust_add(t, geteuid());
        break;
    default:
        trust_add(t, geteuid());
        trust_add(t, 0);
        trust_add_user(t, RNR_DAEMON_USER);
        trust_add_user(t, secure_getenv("RNR_DAEMON_USER"));
        break;
    }
}

int rnr_peer_trusts(const struct rnr_peer_trust *t, uid_t uid)
{
    size_t i;

    for (i = 0; i < t->n; i++)
        if (t->uids[i] == uid)
            return 1;
    return 0;
}

static void say(char *why, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void say(char *why, size_t len, const char *fmt, ...)
{
    va_list ap;

    if (why == NULL || len == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(why, len, fmt, ap);
    va_end(ap);
}

/* "uid 0 or 1000" for messages. */
static void trusted_text(const struct rnr_peer_trust *t, char *buf, size_t len)
{
    size_t i, used = 0;
    int n;

    buf[0] = '\0';
    for (i = 0; i < t->n && used < len; i++) {
        n = snprintf(buf + used, len - used, "%s%lu", i == 0 ? "" : i + 1 == t->n ? " or " : ", ",
                     (unsigned long)t->uids[i]);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

int rnr_peer_check_dir(const char *sock_path, const struct rnr_peer_trust *t, char *why,
                       size_t whylen)
{
    char dir[sizeof(((struct sockaddr_un *)0)->sun_path)], uids[64];
    const char *slash;
    struct stat st;
    size_t n;

    if (sock_path == NULL || (n = strlen(sock_path)) >= sizeof dir) {
        say(why, whylen, "the socket path is too long");
        return WSASYSNOTREADY;
    }
    slash = strrchr(sock_path, '/');
    if (slash == NULL) {
        memcpy(dir, ".", 2);
    } else if (slash == sock_path) {
        memcpy(dir, "/", 2);
    } else {
        memcpy(dir, sock_path, (size_t)(slash - sock_path));
        dir[slash - sock_path] = '\0';
    }
    if (lstat(dir, &st) != 0) {
        if (why != NULL && whylen > 0)
            why[0] = '\0';          /* no directory: no daemon */
        return WSASYSNOTREADY;
    }
    trusted_text(t, uids, sizeof uids);
    if (S_ISLNK(st.st_mode)) {
        say(why, whylen, "%s is a symbolic link, not a directory of its own", dir);
        return WSASYSNOTREADY;
    }
    if (!S_ISDIR(st.st_mode)) {
        say(why, whylen, "%s is not a directory", dir);
        return WSASYSNOTREADY;
    }
    if (!rnr_peer_trusts(t, st.st_uid)) {
        say(why, whylen, "%s belongs to uid %lu, not to uid %s: another user may have put "
            "a daemon there", dir, (unsigned long)st.st_uid, uids);
        return WSASYSNOTREADY;
    }
    if (st.st_mode & (S_IWGRP | S_IWOTH)) {
        say(why, whylen, "%s is writable by %s (mode %04o): anyone there may replace the "
            "socket", dir, (st.st_mode & S_IWOTH) ? "others" : "its group",
            (unsigned)(st.st_mode & 07777));
        return WSASYSNOTREADY;
    }
    return 0;
}

int rnr_peer_dial(const char *sock_path, int *out, uid_t *peer, char *why, size_t whylen)
{
    struct rnr_peer_trust t;
    struct sockaddr_un sa;
    struct ucred cred;
    socklen_t clen = sizeof cred;
    char uids[64];
    int fd = -1, rc;

    if (why != NULL && whylen > 0)
        why[0] = '\0';
    if (sock_path == NULL || strlen(sock_path) >= sizeof sa.sun_path)
        return WSASYSNOTREADY;
    rnr_peer_trusted(sock_path, &t);
    if ((rc = rnr_peer_check_dir(sock_path, &t, why, whylen)) != 0)
        return rc;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    memcpy(sa.sun_path, sock_path, strlen(sock_path) + 1);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return rnr_status_from_dial_errno(errno);
    /* Blocking connect: it only waits when the daemon's backlog is full;
     * a missing daemon fails at once.  Retrying after EINTR is safe for
     * AF_UNIX (the socket stays unconnected). */
    while (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
        if (errno != EINTR) {
            rc = rnr_status_from_dial_errno(errno);
            goto done;
        }
    }
    /* The directory may have changed since it was looked at; who listens
     * cannot be faked: the kernel recorded it at listen(). */
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) != 0 || clen != sizeof cred) {
        say(why, whylen, "%s: cannot tell who runs the daemon: %s", sock_path, strerror(errno));
        rc = WSASYSNOTREADY;
        goto done;
    }
    if (!rnr_peer_trusts(&t, cred.uid)) {
        trusted_text(&t, uids, sizeof uids);
        say(why, whylen, "%s: the daemon runs as uid %lu, not as uid %s", sock_path,
            (unsigned long)cred.uid, uids);
        rc = WSASYSNOTREADY;
        goto done;
    }
done:
    if (rc != 0) {
        close(fd);
        return rc;
    }
    *out = fd;
    if (peer != NULL)
        *peer = cred.uid;
    return 0;
}
