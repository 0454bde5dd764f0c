/* SPDX-License-Identifier: MIT */
/*
 * Default locations of the control socket and the daemon's state, shared
 * by rnrd and librnr so that both sides agree without configuration.
 */
#include "config.h"

#include "paths.h"

#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <rnr/winsock2.h>

#ifndef RNR_RUNDIR
#define RNR_RUNDIR "/run/rnrd"
#endif
#ifndef RNR_STATEDIR
#define RNR_STATEDIR "/var/lib/rnrd"
#endif

#define SOCK_NAME "rnrd.sock"

static int path_fmt(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int path_fmt(char *buf, size_t len, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (buf == NULL || len == 0)
        return WSAENOBUFS;
    va_start(ap, fmt);
    n = vsnprintf(buf, len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= len) {
        buf[0] = '\0';
        return WSAENOBUFS;
    }
    return 0;
}

/* XDG base-directory variables count only when set to an absolute path
 * (the spec says relative values are invalid and must be ignored). */
static const char *xdg_dir(const char *var)
{
    const char *v = getenv(var);

    return (v != NULL && v[0] == '/') ? v : NULL;
}

static int user_socket(char *buf, size_t len)
{
    const char *rt = xdg_dir("XDG_RUNTIME_DIR");

    if (rt != NULL)
        return path_fmt(buf, len, "%s/rnrd/" SOCK_NAME, rt);
    return path_fmt(buf, len, "/tmp/rnrd-%lu/" SOCK_NAME, (unsigned long)geteuid());
}

static int system_socket(char *buf, size_t len)
{
    return path_fmt(buf, len, "%s/" SOCK_NAME, RNR_RUNDIR);
}

int rnr_path_daemon_socket(char *buf, size_t len)
{
    if (geteuid() == 0)
        return system_socket(buf, len);
    return user_socket(buf, len);
}

int rnr_path_client_socket(char *buf, size_t len)
{
    const char *env = getenv(RNR_SOCKET_ENV);
    char tmp[PATH_MAX];
    struct stat st;
    int rc;

    if (env != NULL && env[0] != '\0')
        return path_fmt(buf, len, "%s", env);
    if (geteuid() == 0)
        return system_socket(buf, len);
    /* Built in a scratch buffer so that buf is only written once the
     * choice between the per-user and the system socket is made. */
    if (user_socket(tmp, sizeof(tmp)) == 0 && stat(tmp, &st) == 0)
        return path_fmt(buf, len, "%s", tmp);
    rc = system_socket(buf, len);
    return rc;
}

int rnr_path_socket_kind(const char *path)
{
    char buf[PATH_MAX];

    if (path == NULL)
        return RNR_PATH_OTHER;
    if (system_socket(buf, sizeof buf) == 0 && strcmp(buf, path) == 0)
        return RNR_PATH_SYSTEM;
    if (user_socket(buf, sizeof buf) == 0 && strcmp(buf, path) == 0)
        return RNR_PATH_USER;
    return RNR_PATH_OTHER;
}

int rnr_path_dir_check(const char *dir, uid_t also, char *why, size_t whylen)
{
    struct stat st;
    uid_t me = geteuid();

    if (lstat(dir, &st) != 0)
        return errno;
    if (S_ISLNK(st.st_mode)) {
        path_fmt(why, whylen, "%s is a symbolic link; rnrd wants a directory of its own", dir);
        return ELOOP;
    }
    if (!S_ISDIR(st.st_mode)) {
        path_fmt(why, whylen, "%s is not a directory", dir);
        return ENOTDIR;
    }
    if (st.st_uid != me && (also == (uid_t)-1 || st.st_uid != also)) {
        path_fmt(why, whylen, "%s already exists and belongs to uid %lu, not to uid %lu that "
                 "rnrd runs as: another user could replace what rnrd keeps there "
                 "(remove it, or give it to uid %lu)", dir, (unsigned long)st.st_uid,
                 (unsigned long)me, (unsigned long)me);
        return EPERM;
    }
    if (st.st_mode & (S_IWGRP | S_IWOTH)) {
        path_fmt(why, whylen, "%s is writable by %s (mode %04o): others could replace what "
                 "rnrd keeps there (chmod go-w it)", dir,
                 (st.st_mode & S_IWOTH) ? "others" : "its group", (unsigned)(st.st_mode & 07777));
        return EPERM;
    }
    return 0;
}

int rnr_path_daemon_state(char *buf, size_t len)
{
    const char *dir;
    const char *home;
    struct passwd pw, *res = NULL;
    char pwbuf[4096];

    if (geteuid() == 0)
        return path_fmt(buf, len, "%s", RNR_STATEDIR);
    dir = xdg_dir("XDG_STATE_HOME");
    if (dir != NULL)
        return path_fmt(buf, len, "%s/rnrd", dir);
    home = getenv("HOME");
    if (home == NULL || home[0] != '/') {
        if (getpwuid_r(geteuid(), &pw, pwbuf, sizeof(pwbuf), &res) == 0 && res != NULL &&
            res->pw_dir != NULL && res->pw_dir[0] == '/')
            home = res->pw_dir;
        else
            home = NULL;
    }
    if (home != NULL)
        return path_fmt(buf, len, "%s/.local/state/rnrd", home);
    /* No usable home at all (a system account): a private /tmp directory
     * is better than refusing to start. */
    return path_fmt(buf, len, "/tmp/rnrd-%lu/state", (unsigned long)geteuid());
}

static int mkdir_one(const char *path, unsigned mode)
{
    struct stat st;

    if (mkdir(path, (mode_t)mode) == 0)
        return 0;
    if (errno != EEXIST)
        return errno;
    if (stat(path, &st) != 0)
        return errno;
    return S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
}

int rnr_path_mkdirs(const char *dir, unsigned mode)
{
    char tmp[PATH_MAX];
    size_t n, i;
    int rc;

    if (dir == NULL || dir[0] == '\0')
        return EINVAL;
    n = strlen(dir);
    if (n >= sizeof(tmp))
        return ENAMETOOLONG;
    memcpy(tmp, dir, n + 1);
    /* Create each missing prefix in turn; the leading '/' is skipped. */
    for (i = 1; i < n; i++) {
        if (tmp[i] != '/' || tmp[i - 1] == '/')
            continue;
        tmp[i] = '\0';
        rc = mkdir_one(tmp, mode);
        tmp[i] = '/';
        if (rc != 0)
            return rc;
    }
    return mkdir_one(tmp, mode);
}
