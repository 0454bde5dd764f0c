/* SPDX-License-Identifier: MIT */
/*
 * Publishing from the shell: a real rnrd with the sap provider (loopback
 * only: registrations are found locally, nothing need cross a network)
 * and the real rnrctl.
 *
 *   - `rnrctl publish` keeps its registration while it runs, also past
 *     client-idle-timeout-ms of silence on its connection, and
 *     withdraws it on SIGINT or SIGTERM, exiting 0; it registers again
 *     when rnrd restarts under it;
 *   - a plain `rnrctl register` on NS_SAP warns and exits 6, leaving
 *     nothing; with --persistent it stays until deregistered;
 *   - deleting its last address takes a registration away; an address
 *     it does not have is WSASERVICE_NOT_FOUND;
 *   - the help's example no longer registers on NS_SAP for nothing.
 */
#include "config.h"

#include <signal.h>
#include <sys/wait.h>

#include "itest.h"

#define SAP_CONF \
    "[provider sap]\nmodule = sap\nnamespace = NS_SAP\ninterfaces = lo\nipv6 = off\n" \
    "interval = 1\n"

static struct rnrt_daemon daemon_;

static int group_setup(void **state)
{
    (void)state;
    if (rnrt_daemon_init(&daemon_, SAP_CONF) != 0 ||
        rnrt_daemon_add_keys(&daemon_, "client-idle-timeout-ms = 300\n") != 0 ||
        rnrt_daemon_start(&daemon_) != 0)
        return -1;
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    return rnrt_daemon_stop(&daemon_) == 0 ? (rnrt_daemon_destroy(&daemon_), 0) : -1;
}

/* `rnrctl publish ARGS...` in the background, its output in `log`. */
static pid_t publish_start(const char *log, const char *ns, const char *name)
{
    char prog[512];
    pid_t pid;

    snprintf(prog, sizeof prog, "%s/client/rnrctl/rnrctl", rnrt_builddir());
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        FILE *f = freopen(log, "w", stdout);

        if (f == NULL || dup2(fileno(stdout), 2) < 0)
            _exit(127);
        execl(prog, "rnrctl", "publish", "tcp:631", name, "--addr", "192.0.2.10:631",
              "--ns", ns, (char *)NULL);
        _exit(127);
    }
    return pid;
}

/* Waits up to 10 s for `what` in the file at path. */
static int wait_for(const char *path, const char *what)
{
    long long deadline = rnrt_now_ms() + 10000;

    while (rnrt_now_ms() < deadline) {
        if (rnrt_file_has(path, what))
            return 1;
        usleep(20000);
    }
    return 0;
}

static int wait_exit(pid_t pid)
{
    int st;

    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* rnrctl lookup's exit status for tcp:631 NAME on NS_SAP; output in out. */
static int find(const char *name, char *out, size_t len)
{
    char args[256];

    snprintf(args, sizeof args, "lookup tcp:631 %s --ns NS_SAP", name);
    return rnrt_rnrctl(args, out, len);
}

static void publish_until(int sig, const char *ns, const char *name)
{
    char log[256], out[4096];
    pid_t pid;

    snprintf(log, sizeof log, "%s/publish-%s.out", daemon_.dir, name);
    pid = publish_start(log, ns, name);
    assert_true(wait_for(log, "published"));
    assert_true(rnrt_file_has(log, "sap: held until rnrctl exits"));
    assert_int_equal(find(name, out, sizeof out), 0);
    assert_non_null(strstr(out, "192.0.2.10:631"));
    /* Silent for longer than client-idle-timeout-ms: rnrd keeps the
     * connection, since closing it would withdraw the registration. */
    usleep(1000 * 1000);
    assert_int_equal(find(name, out, sizeof out), 0);
    assert_false(rnrt_file_has(log, "registering again"));
    assert_int_equal(kill(pid, sig), 0);
    assert_int_equal(wait_exit(pid), 0);
    assert_true(rnrt_file_has(log, "sap: removed"));
    assert_int_equal(find(name, out, sizeof out), 1);
}

static void test_publish_sigint(void **state)
{
    (void)state;
    publish_until(SIGINT, "NS_SAP", "printer1");
}

static void test_publish_sigterm_ns_all(void **state)
{
    (void)state;
    publish_until(SIGTERM, "NS_ALL", "printer2");
}

/* rnrd restarts under a running publish: it registers again. */
static void test_publish_survives_restart(void **state)
{
    char log[256], out[4096];
    pid_t pid;

    (void)state;
    snprintf(log, sizeof log, "%s/publish-restart.out", daemon_.dir);
    pid = publish_start(log, "NS_SAP", "phoenix");
    assert_true(wait_for(log, "published"));
    assert_int_equal(rnrt_daemon_stop(&daemon_), 0);
    assert_int_equal(rnrt_daemon_start(&daemon_), 0);
    assert_true(wait_for(log, "registering again"));
    {
        long long deadline = rnrt_now_ms() + 10000;

        while (find("phoenix", out, sizeof out) != 0 && rnrt_now_ms() < deadline)
            usleep(50000);
    }
    assert_int_equal(find("phoenix", out, sizeof out), 0);
    assert_int_equal(kill(pid, SIGINT), 0);
    assert_int_equal(wait_exit(pid), 0);
    assert_int_equal(find("phoenix", out, sizeof out), 1);
}

static void test_plain_register_warns(void **state)
{
    char out[4096];

    (void)state;
    assert_int_equal(rnrt_rnrctl("register tcp:631 brief --addr 192.0.2.11:631 --ns NS_SAP",
                                 out, sizeof out), 6);
    assert_non_null(strstr(out, "sap: held until rnrctl exits"));
    assert_non_null(strstr(out, "warning"));
    assert_non_null(strstr(out, "--persistent"));
    assert_int_equal(find("brief", out, sizeof out), 1);

    assert_int_equal(rnrt_rnrctl("register tcp:631 lasting --addr 192.0.2.12:631 --ns NS_SAP "
                                 "--persistent", out, sizeof out), 0);
    assert_non_null(strstr(out, "sap: stored"));
    assert_null(strstr(out, "warning"));
    assert_int_equal(find("lasting", out, sizeof out), 0);
    assert_int_equal(rnrt_rnrctl("deregister tcp:631 lasting --ns NS_SAP", out, sizeof out), 0);
    assert_non_null(strstr(out, "sap: removed"));
    assert_int_equal(find("lasting", out, sizeof out), 1);

    /* publish is what --persistent is not. */
    assert_int_equal(rnrt_rnrctl("publish tcp:631 x --addr 192.0.2.13:631 --persistent",
                                 out, sizeof out), 2);
}

/* sap, like the directory: the last address takes the registration, and
 * an address it does not have is not found. */
static void test_sap_last_address(void **state)
{
    char out[4096];

    (void)state;
    assert_int_equal(rnrt_rnrctl("register tcp:631 two --addr 192.0.2.20:631 "
                                 "--addr 192.0.2.21:631 --multiple --ns NS_SAP --persistent",
                                 out, sizeof out), 0);
    assert_int_equal(rnrt_rnrctl("delete tcp:631 two --addr 192.0.2.99:631 --multiple "
                                 "--ns NS_SAP", out, sizeof out), 1);
    assert_non_null(strstr(out, "sap: refused: WSASERVICE_NOT_FOUND"));
    assert_int_equal(rnrt_rnrctl("delete tcp:631 two --addr 192.0.2.20:631 --multiple "
                                 "--ns NS_SAP", out, sizeof out), 0);
    assert_int_equal(find("two", out, sizeof out), 0);
    assert_non_null(strstr(out, "192.0.2.21:631"));
    assert_null(strstr(out, "192.0.2.20:631"));
    assert_int_equal(rnrt_rnrctl("delete tcp:631 two --addr 192.0.2.21:631 --multiple "
                                 "--ns NS_SAP", out, sizeof out), 0);
    assert_non_null(strstr(out, "sap: removed"));
    assert_int_equal(find("two", out, sizeof out), 1);
    assert_int_equal(rnrt_rnrctl("deregister tcp:631 two --ns NS_SAP", out, sizeof out), 1);
}

static void test_help_example(void **state)
{
    char out[8192];

    (void)state;
    assert_int_equal(rnrt_rnrctl("--help", out, sizeof out), 0);
    assert_non_null(strstr(out, "rnrctl publish tcp:5000 myservice"));
    assert_null(strstr(out, "rnrctl register tcp:5000 myservice --addr 192.0.2.1:5000 "
                            "--ns NS_SAP\n"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_publish_sigint),
        cmocka_unit_test(test_publish_sigterm_ns_all),
        cmocka_unit_test(test_publish_survives_restart),
        cmocka_unit_test(test_plain_register_warns),
        cmocka_unit_test(test_sap_last_address),
        cmocka_unit_test(test_help_example),
    };
    return cmocka_run_group_tests_name("integration: rnrctl publish", tests, group_setup,
                                       group_teardown);
}
