/* SPDX-License-Identifier: MIT */
/*
 * Privilege drop.  rnrd started as root opens its socket, the answer
 * cache next to it and its state lock first, then becomes the configured
 * user for good, before the class store and the providers start:
 *
 *   user unset     the daemon account (configure --with-daemon-user,
 *                  default "rnrd"); rnrd refuses to start as root when
 *                  it does not exist
 *   user = root    stays root, silently
 *   user = NAME    NAME, or rnrd refuses to start when NAME is unknown
 *   group = NAME   instead of the user's primary group
 *
 * Supplementary groups are reduced to that one group; real, effective and
 * saved ids all change, and getting root back is tried and must fail.
 * Started as any other user (systemd's User= / DynamicUser=) nothing
 * changes.
 *
 * Root touches nothing below a directory the daemon's account controls:
 * only the state directory itself (and the socket directory rnrd created)
 * is handed over, through a descriptor opened without following a
 * symbolic link; everything below it (the class store, the providers'
 * directories and files) is created after the drop, by the daemon's
 * account.  A walk over that tree as root would follow whatever the
 * account swapped in between looking at an entry and changing it.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "paths.h"
#include "rnrd.h"

#ifndef RNR_DAEMON_USER
#define RNR_DAEMON_USER "rnrd"
#endif

/* The ids a root rnrd switches to: 1 with *uid and *gid set, 0 when it
 * stays root (user = root, or not started as root), -1 when it must not
 * start (said unless quiet). */
static int drop_target(const struct rnrd *d, int quiet, uid_t *uid, gid_t *gid)
{
    const char *user = d->cfg->user, *group = d->cfg->group;
    struct passwd *pw;
    struct group *gr;

    if (geteuid() != 0)
        return 0;
    if (user == NULL) {
        pw = getpwnam(RNR_DAEMON_USER);
        if (pw == NULL) {
            if (!quiet)
                log_err("started as root, and there is no user \"" RNR_DAEMON_USER "\" to "
                        "switch to: create it, set user in [daemon], or set user = root to "
                        "run as root");
            return -1;
        }
    } else if (strcmp(user, "root") == 0 && group == NULL) {
        return 0;
    } else if ((pw = getpwnam(user)) == NULL) {
        if (!quiet)
            log_err("user = %s: no such user", user);
        return -1;
    }
    *uid = pw->pw_uid;
    *gid = pw->pw_gid;
    if (group != NULL) {
        gr = getgrnam(group);
        if (gr == NULL) {
            if (!quiet)
                log_err("group = %s: no such group", group);
            return -1;
        }
        *gid = gr->gr_gid;
    }
    return 1;
}

int rnrd_own_dir(const struct rnrd *d, const char *dir, const char *what)
{
    char why[1024];
    uid_t uid, also = (uid_t)-1;
    gid_t gid;
    int err;

    /* Handed over by an earlier start: the account it was handed to. */
    if (drop_target(d, 1, &uid, &gid) == 1)
        also = uid;
    why[0] = '\0';
    err = rnr_path_dir_check(dir, also, why, sizeof why);
    if (err == 0)
        return 0;
    if (why[0] != '\0')
        log_err("refusing the %s directory: %s", what, why);
    else
        log_err("%s: cannot use it as the %s directory: %s", dir, what, strerror(err));
    return -1;
}

/* Gives dir itself, and nothing below it, to uid:gid. */
static int hand_over(const char *dir, uid_t uid, gid_t gid)
{
    struct stat st;
    int fd, rc = -1;

    fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        log_err("%s: cannot hand it to uid %ld: %s", dir, (long)uid, strerror(errno));
        return -1;
    }
    if (fstat(fd, &st) != 0 || ((st.st_uid != uid || st.st_gid != gid) &&
                                fchown(fd, uid, gid) != 0)) {
        log_err("%s: cannot hand it to uid %ld: %s", dir, (long)uid, strerror(errno));
        goto done;
    }
    rc = 0;
done:
    close(fd);
    return rc;
}

static int hand_over_socket_dir(const struct rnrd *d, uid_t uid, gid_t gid)
{
    char dir[4096];
    char *slash;

    if (d->socket_activated || !d->sock_dir_created)
        return 0;
    snprintf(dir, sizeof dir, "%s", d->socket_path);
    slash = strrchr(dir, '/');
    if (slash == NULL || slash == dir)
        return 0;
    *slash = '\0';
    /* So that the unprivileged daemon can remove its socket at exit. */
    return hand_over(dir, uid, gid);
}

static int switch_ids(uid_t uid, gid_t gid)
{
    uid_t ru, eu, su;
    gid_t rg, eg, sg;

    if (setgroups(1, &gid) != 0 || setresgid(gid, gid, gid) != 0 ||
        setresuid(uid, uid, uid) != 0) {
        log_err("cannot switch to uid %ld gid %ld: %s", (long)uid, (long)gid, strerror(errno));
        return -1;
    }
    if (getresuid(&ru, &eu, &su) != 0 || getresgid(&rg, &eg, &sg) != 0 ||
        ru != uid || eu != uid || su != uid || rg != gid || eg != gid || sg != gid) {
        log_err("privilege drop did not take: ids are not uid %ld gid %ld", (long)uid,
                (long)gid);
        return -1;
    }
    /* The drop must be for good. */
    if (uid != 0 && (setuid(0) == 0 || seteuid(0) == 0)) {
        log_err("privilege drop: root could be regained; refusing to run");
        return -1;
    }
    return 0;
}

int rnrd_privdrop(struct rnrd *d)
{
    uid_t uid;
    gid_t gid;
    int rc;

    if (geteuid() != 0) {
        if (d->cfg->user != NULL)
            log_info("not started as root: user = %s has nothing to do", d->cfg->user);
        return 0;
    }
    rc = drop_target(d, 0, &uid, &gid);
    if (rc <= 0)
        return rc;
    if (hand_over(d->state_dir, uid, gid) != 0 || hand_over_socket_dir(d, uid, gid) != 0 ||
        switch_ids(uid, gid) != 0)
        return -1;
    log_info("running as uid %ld gid %ld", (long)uid, (long)gid);
    return 0;
}
