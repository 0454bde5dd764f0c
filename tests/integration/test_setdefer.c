/* SPDX-License-Identifier: MIT */
/*
 * WSASetService completed later by its provider (nsp.h,
 * set_service_defer / set_service_done), through a real rnrd and the
 * test provider with `hold-sets = yes`: a held registration does not
 * stall the daemon (other clients' lookups are answered meanwhile, while
 * the writer still waits), the reply aggregates as before, the answer
 * cache never serves what was computed while the change was pending, a
 * writer killed before completion leaves the daemon sound, and a
 * provider stopped with tokens pending fails them cleanly.
 *
 * Order comes from the provider itself, never from sleeps: it writes a
 * byte to a FIFO when it holds a registration, and releases held ones
 * when it is asked for the instance "testprov-release".
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "itest.h"

#define HELD_ID "{8C6B8C1E-3F2A-4D55-9B0E-6A1F2C3D4EF1}"

static struct rnrt_daemon daemon_;
static GUID class_id;
static GUID held_id;
static char fifo_path[160];
static int  fifo_fd = -1;

static int group_setup(void **state)
{
    char conf[512];
    WSADATA wd;
    (void)state;

    /* A lost completion would leave a writer waiting forever: fail instead. */
    alarm(300);
    snprintf(fifo_path, sizeof fifo_path, "/tmp/rnrt-setdefer-%ld.fifo", (long)getpid());
    unlink(fifo_path);
    if (mkfifo(fifo_path, 0600) != 0)
        return -1;
    /* Read-write: the provider's non-blocking open always finds a reader. */
    if ((fifo_fd = open(fifo_path, O_RDWR | O_CLOEXEC)) < 0)
        return -1;
    snprintf(conf, sizeof conf,
             "[provider mem]\nmodule = " RNRT_MODULE_TESTPROV "\nnamespace = NS_X500\n"
             "[provider held]\nmodule = " RNRT_MODULE_TESTPROV "\nnamespace = NS_X500\n"
             "id = " HELD_ID "\nhold-sets = yes\nhold-fifo = %s\nreusable-ms = 600000\n",
             fifo_path);
    if (rnrt_daemon_init(&daemon_, conf) != 0 || rnrt_daemon_start(&daemon_) != 0)
        return -1;
    if (rnr_guid_parse("{6A1B2C3D-4E5F-4071-8293-A4B5C6D7E8F9}", &class_id) != 0 ||
        rnr_guid_parse(HELD_ID, &held_id) != 0)
        return -1;
    return WSAStartup(MAKEWORD(2, 2), &wd);
}

static int group_teardown(void **state)
{
    (void)state;
    if (fifo_fd >= 0)
        close(fifo_fd);
    unlink(fifo_path);
    return rnrt_session_end(&daemon_);
}

/* Blocks until the provider has held one more registration. */
static void wait_held(void)
{
    rnrt_read_byte(fifo_fd);
}

/* A registration of `name` (with one address) in every X.500 provider,
 * or only the held one. */
struct writer {
    pthread_t  t;
    const char *name;
    int         held_only;
    WSAESETSERVICEOP op;
    int         rc, err;
    volatile int done;
};

static int do_set(const char *name, int held_only, WSAESETSERVICEOP op, int *err)
{
    struct sockaddr_in sin;
    CSADDR_INFO ca;
    WSAQUERYSETA q;
    int rc;

    rnrt_csaddr_tcp4(&ca, &sin, 0xC0000264, 7000);   /* 192.0.2.100 */
    rnrt_qs_init(&q, &class_id, name);
    q.dwNameSpace = NS_X500;
    if (held_only)
        q.lpNSProviderId = &held_id;
    q.dwNumberOfCsAddrs = 1;
    q.lpcsaBuffer = &ca;
    rc = WSASetService(&q, op, 0);
    *err = rc != 0 ? WSAGetLastError() : 0;
    return rc;
}

static void *writer_run(void *arg)
{
    struct writer *w = arg;

    w->rc = do_set(w->name, w->held_only, w->op, &w->err);
    __atomic_store_n(&w->done, 1, __ATOMIC_SEQ_CST);
    return NULL;
}

static void writer_start(struct writer *w, const char *name, int held_only,
                         WSAESETSERVICEOP op)
{
    memset(w, 0, sizeof *w);
    w->name = name;
    w->held_only = held_only;
    w->op = op;
    assert_int_equal(pthread_create(&w->t, NULL, writer_run, w), 0);
}

static int writer_done(struct writer *w)
{
    return __atomic_load_n(&w->done, __ATOMIC_SEQ_CST);
}

/* A lookup of `name` in the held provider; its status. */
static int held_lookup(const char *name, DWORD flags)
{
    struct rnrt_results res;
    WSAQUERYSETA q;
    int rc;

    rnrt_qs_init(&q, &class_id, name);
    q.lpNSProviderId = &held_id;
    rc = rnrt_lookup(&q, flags | LUP_RETURN_NAME, &res);
    rnrt_results_free(&res);
    return rc;
}

static void release(int fail)
{
    held_lookup(fail ? "testprov-release-fail" : "testprov-release", LUP_FLUSHCACHE);
}

static void test_lookups_served_while_held(void **state)
{
    GUID byname = SVCID_INET_HOSTADDRBYNAME;
    struct rnrt_results res;
    struct writer w;
    WSAQUERYSETA q;
    (void)state;

    /* Every X.500 provider: "mem" accepts at once, "held" holds. */
    writer_start(&w, "deferred-one", 0, RNRSERVICE_REGISTER);
    wait_held();

    /* The daemon serves others meanwhile: the hosts provider, and the
     * held provider itself, which still has the old data. */
    rnrt_qs_init(&q, &byname, "alpha.example");
    assert_int_equal(rnrt_lookup(&q, LUP_RETURN_NAME, &res), 0);
    assert_true(res.n >= 1);
    rnrt_results_free(&res);
    assert_int_equal(held_lookup("deferred-one", 0), WSASERVICE_NOT_FOUND);
    /* The writer waits until its last provider completes. */
    assert_false(writer_done(&w));

    release(0);
    assert_int_equal(pthread_join(w.t, NULL), 0);
    assert_int_equal(w.rc, 0);
    /* Not the answer cached while the registration was pending. */
    assert_int_equal(held_lookup("deferred-one", 0), 0);
}

static void test_failed_completion_aggregates(void **state)
{
    struct writer a, b;
    (void)state;

    /* Two writers at once, both held; a failure completes both with the
     * provider's status, and nothing was applied. */
    writer_start(&a, "deferred-a", 1, RNRSERVICE_REGISTER);
    wait_held();
    writer_start(&b, "deferred-b", 1, RNRSERVICE_REGISTER);
    wait_held();
    assert_false(writer_done(&a));
    assert_false(writer_done(&b));
    release(1);
    assert_int_equal(pthread_join(a.t, NULL), 0);
    assert_int_equal(pthread_join(b.t, NULL), 0);
    assert_int_equal(a.rc, SOCKET_ERROR);
    assert_int_equal(a.err, WSAEDQUOT);
    assert_int_equal(b.rc, SOCKET_ERROR);
    assert_int_equal(b.err, WSAEDQUOT);
    assert_int_equal(held_lookup("deferred-?", LUP_FLUSHCACHE), WSASERVICE_NOT_FOUND);

    /* One provider accepting is enough, as with synchronous ones: "mem"
     * accepts, "held" fails later. */
    writer_start(&a, "deferred-mixed", 0, RNRSERVICE_REGISTER);
    wait_held();
    release(1);
    assert_int_equal(pthread_join(a.t, NULL), 0);
    assert_int_equal(a.rc, 0);
}

static void test_writer_gone_before_completion(void **state)
{
    pid_t pid;
    int st;
    (void)state;

    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        WSADATA wd;
        int err;

        WSACleanup();   /* the parent's connection is not ours */
        if (WSAStartup(MAKEWORD(2, 2), &wd) != 0)
            _exit(101);
        do_set("deferred-orphan", 1, RNRSERVICE_REGISTER, &err);
        _exit(102);     /* never: killed while held */
    }
    wait_held();
    assert_int_equal(kill(pid, SIGKILL), 0);
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFSIGNALED(st));

    /* The token still completes; its reply goes nowhere. */
    release(0);
    assert_int_equal(held_lookup("deferred-orphan", LUP_FLUSHCACHE), 0);
}

static void test_provider_stopped_while_held(void **state)
{
    struct writer w;
    (void)state;

    writer_start(&w, "deferred-at-exit", 1, RNRSERVICE_REGISTER);
    wait_held();
    /* testprov leaves its tokens to the daemon: it fails them, replies
     * if it still can, and exits cleanly. */
    assert_int_equal(rnrt_daemon_stop(&daemon_), 0);
    assert_int_equal(pthread_join(w.t, NULL), 0);
    assert_int_equal(w.rc, SOCKET_ERROR);
    assert_true(w.err == WSANO_RECOVERY || w.err == WSASYSNOTREADY);
    assert_int_equal(rnrt_daemon_start(&daemon_), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lookups_served_while_held),
        cmocka_unit_test(test_failed_completion_aggregates),
        cmocka_unit_test(test_writer_gone_before_completion),
        cmocka_unit_test(test_provider_stopped_while_held),
    };

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
