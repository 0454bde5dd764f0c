/*
 * Privilege drop.  rnrd started as root opens its socket, its state and
 * every provider first (providers may need root to open what they need),
 * then becomes the configured user for good:
 *
 *   user unset     the account "rnrd" when it exists; otherwise rnrd
 *                  stays root and says so once (a fresh install without
 *                  the account keeps working; the package creates it)
 *   user = root    stays root, silently
 *   user = NAME    NAME, or rnrd refuses to start when NAME is unknown
 *   group = NAME   instead of the user's primary group
 *
 * Supplementary groups are reduced to that one group; real, effective and
 * saved ids all change, and getting root back is tried and must fail.
 * Started as any other user (systemd's User= / DynamicUser=) nothing
 * changes.  What rnrd writes later -- the state directory's class store
 * and provider directories, and the socket directory it created -- is
 * handed to the new user first.
 */
#include "config.h"

#include <errno.h>
#include <ftw.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "rnrd.h"

#define DEFAULT_USER "rnrd"

static uid_t chown_uid;
static gid_t chown_gid;

static int chown_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)type;
    (void)ftw;
    if (lchown(path, chown_uid, chown_gid) != 0) {
        log_err("%s: cannot hand it to uid %ld: %s", path, (long)chown_uid, strerror(errno));
        return -1;
    }
    return 0;
}

/* The state directory itself, and below it only what rnrd keeps there
 * (a state-dir pointed at a shared directory must not give it away). */
static int hand_over_state(const struct rnrd *d, uid_t uid, gid_t gid)
{
    static const char *const ours[] = { "classes", "providers" };
    char path[4096];
    size_t i;

    chown_uid = uid;
    chown_gid = gid;
    if (lchown(d->state_dir, uid, gid) != 0) {
        log_err("%s: cannot hand it to uid %ld: %s", d->state_dir, (long)uid, strerror(errno));
        return -1;
    }

    for (i = 0; i < sizeof ours / sizeof ours[0]; i++) {
        if ((size_t)snprintf(path, sizeof path, "%s/%s", d->state_dir, ours[i]) >= sizeof path)
            return -1;
        if (access(path, F_OK) != 0)
            continue;
        if (nftw(path, chown_one, 16, FTW_PHYS) != 0)
            return -1;
    }
    return 0;
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
    if (lchown(dir, uid, gid) != 0) {
        log_err("%s: cannot hand it to uid %ld: %s", dir, (long)uid, strerror(errno));
        return -1;
    }
    return 0;
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
    const char *user = d->cfg->user, *group = d->cfg->group;
    struct passwd *pw;
    struct group *gr;
    uid_t uid;
    gid_t gid;

    if (geteuid() != 0) {
        if (user != NULL)
            log_info("not started as root: user = %s has nothing to do", user);
        return 0;
    }
    if (user == NULL) {
        errno = 0;
        pw = getpwnam(DEFAULT_USER);
        if (pw == NULL) {
            log_warning("running as root: there is no user \"" DEFAULT_USER "\" to switch to "
                        "(create it, or set user in [daemon])");
            return 0;
        }
    } else if (strcmp(user, "root") == 0 && group == NULL) {
        return 0;
    } else if ((pw = getpwnam(user)) == NULL) {
        log_err("user = %s: no such user", user);
        return -1;
    }
    uid = pw->pw_uid;
    gid = pw->pw_gid;
    if (group != NULL) {
        gr = getgrnam(group);
        if (gr == NULL) {
            log_err("group = %s: no such group", group);
            return -1;
        }
        gid = gr->gr_gid;
    }
    if (hand_over_state(d, uid, gid) != 0 || hand_over_socket_dir(d, uid, gid) != 0 ||
        switch_ids(uid, gid) != 0)
        return -1;
    log_info("running as uid %ld gid %ld", (long)uid, (long)gid);
    return 0;
}
