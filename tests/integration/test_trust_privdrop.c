/* SPDX-License-Identifier: MIT */
/*
 * No root walk over a tree the daemon's account controls (daemon/privdrop.c,
 * doc/architecture.md "Trust").  rnrd is started as root with user =
 * mallory: the account it switches to is the attacker.  Between starts,
 * mallory keeps swapping a directory of the state tree with a symbolic
 * link to a root-only directory (renameat2 RENAME_EXCHANGE, as fast as
 * she can); whatever root does below the state directory would sooner or
 * later follow it.  After a dozen starts the root-only directory and the
 * file in it still belong to root.
 *
 * Also: a configured user that does not exist, or no user configured and
 * no daemon account, makes a root rnrd refuse to start, saying so;
 * `user = root` runs as root.
 *
 * Needs root (it creates the user); skipped otherwise.
 */
#include "config.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "itest.h"

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

#define STARTS 12
#define NPAIRS 16      /* directories mallory swaps with links */
#define NFILES 16      /* root's files in the root-only directory, x0... */

static struct {
    char  dir[64];
    char  state[128], run[128], sock[160], conf[160], log[160];
    char  target[128], secret[160];
    uid_t mallory;
    gid_t mallory_gid;
    pid_t swapper;      /* mallory's, while it runs */
    int   skip;
} T;

static int write_conf(const char *user_line)
{
    char buf[1024];
    int n = snprintf(buf, sizeof buf,
                     "[daemon]\n%s\nsocket = %s\nstate-dir = %s\nmodule-dir = %s/none\n"
                     "class-dir = %s/none\nlog-level = info\n",
                     user_line, T.sock, T.state, T.dir, T.dir);

    if (n < 0 || (size_t)n >= sizeof buf)
        return -1;
    return rnrt_write_file(T.conf, buf);
}

static pid_t g_rnrd;    /* the last one started, stopped by the teardown */

static pid_t rnrd_spawn(void)
{
    char rnrd[512];
    pid_t pid;

    snprintf(rnrd, sizeof rnrd, "%s/daemon/rnrd", rnrt_builddir());
    pid = fork();
    if (pid == 0) {
        int fd = open(T.log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        char *env[] = { "PATH=/usr/bin:/bin", NULL };

        if (fd >= 0)
            dup2(fd, 2);
        execle(rnrd, rnrd, "--foreground", "--config", T.conf, (char *)NULL, env);
        _exit(127);
    }
    g_rnrd = pid;
    return pid;
}

/* How many times an rnrd said it serves in the log: it says so once the
 * privilege drop and every provider are done. */
static int ready_count(void)
{
    char line[1024];
    FILE *f = fopen(T.log, "r");
    int n = 0;

    if (f == NULL)
        return 0;
    while (fgets(line, sizeof line, f) != NULL)
        if (strstr(line, "notice: listening on ") != NULL)
            n++;
    fclose(f);
    return n;
}

/* Until rnrd serves (1) or exits (0, its status in *status); -1: neither
 * within 10 s.  ready0: ready_count() before it was started. */
static int rnrd_settle(pid_t pid, int ready0, int *status)
{
    int st, i;

    for (i = 0; i < 1000; i++) {
        if (waitpid(pid, &st, WNOHANG) == pid) {
            *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
            return 0;
        }
        if (ready_count() > ready0)
            return 1;
        usleep(10000);
    }
    return -1;
}

static void rnrd_stop(pid_t pid)
{
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
}

/* "Uid:" of /proc/PID/status: the real uid, or -1. */
static long proc_uid(pid_t pid)
{
    char path[64], line[256];
    long uid = -1;
    FILE *f;

    snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
    if ((f = fopen(path, "r")) == NULL)
        return -1;
    while (fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, "Uid: %ld", &uid) == 1)
            break;
    fclose(f);
    return uid;
}

static int group_setup(void **state)
{
    int i;

    (void)state;
    if (geteuid() != 0 || rnrt_user_ensure(RNRT_USER_MALLORY, &T.mallory, &T.mallory_gid) != 0) {
        T.skip = 1;
        return 0;
    }
    strcpy(T.dir, "/tmp/rnrt-drop-XXXXXX");
    if (mkdtemp(T.dir) == NULL || chmod(T.dir, 0755) != 0)
        return -1;
    snprintf(T.state, sizeof T.state, "%s/state", T.dir);
    snprintf(T.run, sizeof T.run, "%s/run", T.dir);
    snprintf(T.sock, sizeof T.sock, "%s/rnrd.sock", T.run);
    snprintf(T.conf, sizeof T.conf, "%s/rnrd.conf", T.dir);
    snprintf(T.log, sizeof T.log, "%s/rnrd.log", T.dir);
    /* What mallory must never get: a root-only directory and file. */
    snprintf(T.target, sizeof T.target, "%s/root-only", T.dir);
    snprintf(T.secret, sizeof T.secret, "%s/secret", T.target);
    if (mkdir(T.target, 0700) != 0)
        return -1;
    for (i = 0; i < NFILES; i++) {
        snprintf(T.secret, sizeof T.secret, "%s/x%d", T.target, i);
        if (rnrt_write_file(T.secret, "root's\n") != 0 || chmod(T.secret, 0600) != 0)
            return -1;
    }
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    if (g_rnrd > 0 && waitpid(g_rnrd, NULL, WNOHANG) == 0) {
        kill(g_rnrd, SIGKILL);
        waitpid(g_rnrd, NULL, 0);
    }
    if (T.swapper > 0) {
        kill(T.swapper, SIGKILL);
        waitpid(T.swapper, NULL, 0);
    }
    if (!T.skip && getenv("RNRT_KEEP") == NULL)
        rnrt_system("rm -rf '%s'", T.dir);
    return 0;
}

/* Mallory, for ever: in classes/, each pair dN and lN (a symbolic link to
 * the root-only directory) changes places, again and again.  dN holds
 * files named as root's are in the root-only directory: a walk that read
 * dN's names and then builds a path through dN ("dN/x3") lands on root's
 * file whenever dN is the link at that moment. */
static void swapper(const char *classes)
{
    char d[NPAIRS][512], l[NPAIRS][512], inner[600];
    int i, k;

    if (setgroups(0, NULL) != 0 || setresgid(T.mallory_gid, T.mallory_gid, T.mallory_gid) != 0 ||
        setresuid(T.mallory, T.mallory, T.mallory) != 0)
        _exit(126);
    for (i = 0; i < NPAIRS; i++) {
        snprintf(d[i], sizeof d[i], "%s/d%d", classes, i);
        snprintf(l[i], sizeof l[i], "%s/l%d", classes, i);
        mkdir(d[i], 0755);
        for (k = 0; k < NFILES; k++) {
            snprintf(inner, sizeof inner, "%s/x%d", d[i], k);
            close(open(inner, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
        }
        if (symlink(T.target, l[i]) != 0 && errno != EEXIST)
            _exit(125);
    }
    for (;;)
        for (i = 0; i < NPAIRS; i++)
            syscall(SYS_renameat2, AT_FDCWD, d[i], AT_FDCWD, l[i], RENAME_EXCHANGE);
}

/* As mallory: `path` becomes a link to the root-only directory. */
static int plant(void *arg)
{
    const char *path = arg;

    rmdir(path);
    return symlink(T.target, path) == 0 ? 0 : 1;
}

/* The root-only directory and every file in it still belong to root. */
static void assert_root_only(void)
{
    char path[256];
    struct stat st;
    int i;

    assert_int_equal(lstat(T.target, &st), 0);
    assert_int_equal(st.st_uid, 0);
    for (i = 0; i < NFILES; i++) {
        snprintf(path, sizeof path, "%s/x%d", T.target, i);
        assert_int_equal(lstat(path, &st), 0);
        assert_int_equal(st.st_uid, 0);
    }
}

static void test_no_root_walk(void **state)
{
    char classes[256], provs[256];
    pid_t pid, sw;
    int i, status = 0, served = 0, r, ready0;

    (void)state;
    if (T.skip)
        skip();
    assert_int_equal(write_conf("user = " RNRT_USER_MALLORY), 0);
    /* The first start: the state directory is made and handed over. */
    ready0 = ready_count();
    pid = rnrd_spawn();
    assert_true(pid > 0);
    assert_int_equal(rnrd_settle(pid, ready0, &status), 1);
    assert_int_equal(proc_uid(pid), (long)T.mallory);
    rnrd_stop(pid);
    {
        struct stat st;

        assert_int_equal(stat(T.state, &st), 0);
        assert_int_equal(st.st_uid, T.mallory);
    }
    snprintf(classes, sizeof classes, "%s/classes", T.state);
    snprintf(provs, sizeof provs, "%s/providers", T.state);
    /* Made after the drop, by mallory's account. */
    {
        struct stat st;

        assert_int_equal(stat(classes, &st), 0);
        assert_int_equal(st.st_uid, T.mallory);
    }
    /* Mallory plants: providers as a link to the root-only directory, and
     * classes/sub racing with a link to it. */
    assert_int_equal(rnrt_run_as(RNRT_USER_MALLORY, plant, provs), 0);
    sw = fork();
    assert_true(sw >= 0);
    if (sw == 0)
        swapper(classes);
    T.swapper = sw;

    for (i = 0; i < STARTS; i++) {
        ready0 = ready_count();
    pid = rnrd_spawn();
        assert_true(pid > 0);
        r = rnrd_settle(pid, ready0, &status);
        if (r == 1) {
            served++;
            rnrd_stop(pid);
        } else if (r < 0) {
            rnrd_stop(pid);
        }
        assert_root_only();
    }
    kill(sw, SIGKILL);
    waitpid(sw, NULL, 0);
    T.swapper = 0;
    assert_root_only();
    /* rnrd kept starting (as mallory) over the planted tree. */
    assert_true(served > 0);
}

static void test_unknown_user_refused(void **state)
{
    pid_t pid;
    int status = -1, ready0;

    (void)state;
    if (T.skip)
        skip();
    rnrt_system("rm -rf '%s' '%s'", T.state, T.run);
    assert_int_equal(write_conf("user = rnrt-no-such-user"), 0);
    ready0 = ready_count();
    pid = rnrd_spawn();
    assert_true(pid > 0);
    assert_int_equal(rnrd_settle(pid, ready0, &status), 0);
    assert_int_equal(status, 1);
    assert_true(rnrt_file_has(T.log, "user = rnrt-no-such-user: no such user"));

    /* No user at all, and no daemon account to default to. */
    if (getpwnam(RNR_DAEMON_USER) == NULL) {
        assert_int_equal(write_conf(""), 0);
        ready0 = ready_count();
    pid = rnrd_spawn();
        assert_true(pid > 0);
        status = -1;
        assert_int_equal(rnrd_settle(pid, ready0, &status), 0);
        assert_int_equal(status, 1);
        assert_true(rnrt_file_has(T.log, "started as root, and there is no user \"" RNR_DAEMON_USER
                                    "\" to switch to"));
    }

    /* Said explicitly, root is fine. */
    assert_int_equal(write_conf("user = root"), 0);
    ready0 = ready_count();
    pid = rnrd_spawn();
    assert_true(pid > 0);
    assert_int_equal(rnrd_settle(pid, ready0, &status), 1);
    assert_int_equal(proc_uid(pid), 0);
    rnrd_stop(pid);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_root_walk),
        cmocka_unit_test(test_unknown_user_refused),
    };

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
