/* SPDX-License-Identifier: MIT */
/*
 * Default socket and state paths (paths.h) and rnr_path_mkdirs.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <errno.h>
#include <ftw.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rnr/winsock2.h>
#include "paths.h"

static char g_tmp[256];

static int setup(void **state)
{
    (void)state;
    snprintf(g_tmp, sizeof(g_tmp), "/tmp/rnr-test-paths-XXXXXX");
    if (mkdtemp(g_tmp) == NULL)
        return -1;
    unsetenv(RNR_SOCKET_ENV);
    unsetenv("XDG_RUNTIME_DIR");
    unsetenv("XDG_STATE_HOME");
    return 0;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)flag;
    (void)ftw;
    (void)st;
    return remove(path);
}

static int teardown(void **state)
{
    (void)state;
    return nftw(g_tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void test_env_socket_wins(void **state)
{
    char buf[256];
    (void)state;

    setenv(RNR_SOCKET_ENV, "/somewhere/else.sock", 1);
    assert_int_equal(rnr_path_client_socket(buf, sizeof(buf)), 0);
    assert_string_equal(buf, "/somewhere/else.sock");
    /* The daemon does not read RNR_SOCKET. */
    assert_int_equal(rnr_path_daemon_socket(buf, sizeof(buf)), 0);
    assert_string_not_equal(buf, "/somewhere/else.sock");
    /* Short buffer. */
    strcpy(buf, "untouched");
    assert_int_equal(rnr_path_client_socket(buf, 5), WSAENOBUFS);
    unsetenv(RNR_SOCKET_ENV);
}

/* The non-root rules, as plain checks returning the failing line (0 when
 * all pass), so they can run in a child that dropped root. */
#define CHECK(c) do { if (!(c)) return __LINE__; } while (0)

static int user_checks(void)
{
    char buf[256], want[300], dir[300];
    FILE *f;

    setenv("XDG_RUNTIME_DIR", g_tmp, 1);
    snprintf(want, sizeof(want), "%s/rnrd/rnrd.sock", g_tmp);
    CHECK(rnr_path_daemon_socket(buf, sizeof(buf)) == 0);
    CHECK(strcmp(buf, want) == 0);
    /* The per-user socket does not exist yet: clients use the system one. */
    CHECK(rnr_path_client_socket(buf, sizeof(buf)) == 0);
    CHECK(strcmp(buf, RNR_RUNDIR "/rnrd.sock") == 0);
    snprintf(dir, sizeof(dir), "%s/rnrd", g_tmp);
    CHECK(mkdir(dir, 0700) == 0);
    f = fopen(want, "w");
    CHECK(f != NULL);
    fclose(f);
    CHECK(rnr_path_client_socket(buf, sizeof(buf)) == 0);
    CHECK(strcmp(buf, want) == 0);

    /* Relative XDG values are ignored. */
    setenv("XDG_RUNTIME_DIR", "relative/dir", 1);
    CHECK(rnr_path_daemon_socket(buf, sizeof(buf)) == 0);
    snprintf(want, sizeof(want), "/tmp/rnrd-%lu/rnrd.sock", (unsigned long)geteuid());
    CHECK(strcmp(buf, want) == 0);
    unsetenv("XDG_RUNTIME_DIR");
    CHECK(rnr_path_daemon_socket(buf, sizeof(buf)) == 0);
    CHECK(strcmp(buf, want) == 0);

    setenv("XDG_STATE_HOME", "/x/state", 1);
    CHECK(rnr_path_daemon_state(buf, sizeof(buf)) == 0);
    CHECK(strcmp(buf, "/x/state/rnrd") == 0);
    unsetenv("XDG_STATE_HOME");
    setenv("HOME", "/home/someone", 1);
    CHECK(rnr_path_daemon_state(buf, sizeof(buf)) == 0);
    CHECK(strcmp(buf, "/home/someone/.local/state/rnrd") == 0);
    CHECK(rnr_path_daemon_state(buf, 10) == WSAENOBUFS);
    return 0;
}

static void test_user_paths(void **state)
{
    char buf[256];
    pid_t pid;
    int st, fds[2], verdict;
    ssize_t n;
    (void)state;

    if (geteuid() != 0) {
        assert_int_equal(user_checks(), 0);
        return;
    }
    assert_int_equal(rnr_path_daemon_socket(buf, sizeof(buf)), 0);
    assert_string_equal(buf, RNR_RUNDIR "/rnrd.sock");
    assert_int_equal(rnr_path_client_socket(buf, sizeof(buf)), 0);
    assert_string_equal(buf, RNR_RUNDIR "/rnrd.sock");
    assert_int_equal(rnr_path_daemon_state(buf, sizeof(buf)), 0);
    assert_string_equal(buf, RNR_STATEDIR);

    /* Run the non-root rules as nobody.  The verdict goes through a pipe,
     * not the exit status, which valgrind may override in the child. */
    assert_int_equal(chmod(g_tmp, 0777), 0);
    assert_int_equal(pipe(fds), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int rc = -1;

        close(fds[0]);
        if (setgid(65534) == 0 && setuid(65534) == 0)
            rc = user_checks();
        if (write(fds[1], &rc, sizeof(rc)) != (ssize_t)sizeof(rc))
            _exit(2);
        _exit(0);
    }
    close(fds[1]);
    verdict = -2;
    n = read(fds[0], &verdict, sizeof(verdict));
    close(fds[0]);
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_int_equal(n, sizeof(verdict));
    if (verdict == -1)
        skip();
    if (verdict != 0)
        fail_msg("user_checks failed at line %d", verdict);
}

static void test_mkdirs(void **state)
{
    char path[512], file[400];
    struct stat st;
    FILE *f;
    (void)state;

    snprintf(path, sizeof(path), "%s/a/b//c/", g_tmp);
    assert_int_equal(rnr_path_mkdirs(path, 0700), 0);
    snprintf(path, sizeof(path), "%s/a/b/c", g_tmp);
    assert_int_equal(stat(path, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(st.st_mode & 0777, 0700);
    /* Existing is fine. */
    assert_int_equal(rnr_path_mkdirs(path, 0700), 0);
    /* A file in the way is ENOTDIR. */
    snprintf(file, sizeof(file), "%s/a/file", g_tmp);
    f = fopen(file, "w");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(rnr_path_mkdirs(file, 0700), ENOTDIR);
    snprintf(path, sizeof(path), "%s/sub", file);
    assert_int_not_equal(rnr_path_mkdirs(path, 0700), 0);
    assert_int_equal(rnr_path_mkdirs("", 0700), EINVAL);
    assert_int_equal(rnr_path_mkdirs(NULL, 0700), EINVAL);
}

static void test_socket_kind(void **state)
{
    char buf[256];

    (void)state;
    snprintf(buf, sizeof buf, "%s/rnrd.sock", RNR_RUNDIR);
    assert_int_equal(rnr_path_socket_kind(buf), RNR_PATH_SYSTEM);
    snprintf(buf, sizeof buf, "/tmp/rnrd-%lu/rnrd.sock", (unsigned long)geteuid());
    assert_int_equal(rnr_path_socket_kind(buf), RNR_PATH_USER);
    setenv("XDG_RUNTIME_DIR", "/run/user/4242", 1);
    assert_int_equal(rnr_path_socket_kind(buf), RNR_PATH_OTHER);
    assert_int_equal(rnr_path_socket_kind("/run/user/4242/rnrd/rnrd.sock"), RNR_PATH_USER);
    assert_int_equal(rnr_path_socket_kind("/somewhere/rnrd.sock"), RNR_PATH_OTHER);
    assert_int_equal(rnr_path_socket_kind(NULL), RNR_PATH_OTHER);
}

/* rnrd's own directories: a real directory, its owner's, nobody else's to
 * write. */
static void test_dir_check(void **state)
{
    char dir[400], link[400], why[600];
    uid_t other = geteuid() + 12345;

    (void)state;
    snprintf(dir, sizeof dir, "%s/own", g_tmp);
    assert_int_equal(mkdir(dir, 0700), 0);
    why[0] = '\0';
    assert_int_equal(rnr_path_dir_check(dir, (uid_t)-1, why, sizeof why), 0);
    assert_int_equal(chmod(dir, 0775), 0);
    assert_int_equal(rnr_path_dir_check(dir, (uid_t)-1, why, sizeof why), EPERM);
    assert_non_null(strstr(why, "writable by its group (mode 0775)"));
    assert_int_equal(chmod(dir, 0757), 0);
    assert_int_equal(rnr_path_dir_check(dir, (uid_t)-1, why, sizeof why), EPERM);
    assert_non_null(strstr(why, "writable by others"));
    assert_int_equal(chmod(dir, 0755), 0);
    snprintf(link, sizeof link, "%s/link", g_tmp);
    assert_int_equal(symlink(dir, link), 0);
    assert_int_equal(rnr_path_dir_check(link, (uid_t)-1, why, sizeof why), ELOOP);
    assert_non_null(strstr(why, "symbolic link"));
    snprintf(link, sizeof link, "%s/none", g_tmp);
    assert_int_equal(rnr_path_dir_check(link, (uid_t)-1, why, sizeof why), ENOENT);
    /* Someone else's: only root can make one here. */
    if (geteuid() == 0) {
        assert_int_equal(chown(dir, other, other), 0);
        assert_int_equal(rnr_path_dir_check(dir, (uid_t)-1, why, sizeof why), EPERM);
        assert_non_null(strstr(why, "belongs to uid"));
        /* ... unless it is the account rnrd switches to. */
        assert_int_equal(rnr_path_dir_check(dir, other, why, sizeof why), 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_env_socket_wins, setup, teardown),
        cmocka_unit_test_setup_teardown(test_user_paths, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mkdirs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_socket_kind, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dir_check, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
