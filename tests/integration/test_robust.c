/* SPDX-License-Identifier: MIT */
/*
 * rnrd under bad conditions: a Next blocked on a slow provider cancelled
 * from another thread; garbage, truncated and oversized messages on the
 * socket (only that client is dropped); the daemon killed with -9 and
 * restarted while the client keeps running.
 */
#include "config.h"

#include <pthread.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <poll.h>
#include <sys/wait.h>

#include "itest.h"

static struct rnrt_daemon daemon_;
static GUID slow_class = { 0x11111111, 0x2222, 0x3333, { 4, 5, 6, 7, 8, 9, 10, 11 } };
static GUID hostaddrbyname = SVCID_INET_HOSTADDRBYNAME;

static int group_setup(void **state)
{
    WSADATA wd;
    (void)state;
    if (rnrt_daemon_init(&daemon_,
                         "[provider slow]\nmodule = " RNRT_MODULE_TESTPROV "\n"
                         "namespace = NS_X500\n"
                         "delay-ms = never\n") != 0 ||
        rnrt_daemon_start(&daemon_) != 0)
        return -1;
    return WSAStartup(MAKEWORD(2, 2), &wd);
}

static int group_teardown(void **state)
{
    (void)state;
    return rnrt_session_end(&daemon_);
}

/* A lookup that only the hosts provider answers: proves the daemon serves. */
static int hosts_lookup_works(void)
{
    WSAQUERYSETA q;
    struct rnrt_results res;
    int rc;

    rnrt_qs_init(&q, &hostaddrbyname, "alpha.example");
    q.dwNameSpace = NS_TCPIP_HOSTS;
    rc = rnrt_lookup(&q, LUP_RETURN_NAME, &res);
    rnrt_results_free(&res);
    return rc;
}

struct blocked_next {
    HANDLE    h;
    int       rc;
    int       err;
    long long returned_ms;
};

static void *blocked_next_thread(void *arg)
{
    struct blocked_next *b = arg;
    char buf[1024];
    DWORD len = sizeof buf;

    b->rc = WSALookupServiceNext(b->h, 0, &len, (WSAQUERYSETA *)buf);
    b->err = WSAGetLastError();
    b->returned_ms = rnrt_now_ms();
    return NULL;
}

static void test_end_cancels_blocked_next(void **state)
{
    WSAQUERYSETA q;
    struct blocked_next b;
    pthread_t t;
    long long ended_ms;
    (void)state;

    rnrt_qs_init(&q, &slow_class, "anything");
    q.dwNameSpace = NS_X500;
    memset(&b, 0, sizeof b);
    assert_int_equal(WSALookupServiceBegin(&q, LUP_RETURN_NAME, &b.h), 0);
    assert_int_equal(pthread_create(&t, NULL, blocked_next_thread, &b), 0);
    usleep(200000);             /* let it block in Next */
    assert_int_equal(b.returned_ms, 0);

    /* Other lookups on the same connection are not held up meanwhile. */
    assert_int_equal(hosts_lookup_works(), 0);

    ended_ms = rnrt_now_ms();
    assert_int_equal(WSALookupServiceEnd(b.h), 0);
    assert_int_equal(pthread_join(t, NULL), 0);
    assert_int_equal(b.rc, SOCKET_ERROR);
    assert_int_equal(b.err, WSA_E_CANCELLED);
    /* "At once": generous bound that only catches a hang. */
    assert_true(b.returned_ms - ended_ms < 2000);
}

/* Sends bytes and expects the daemon to close the connection. */
static void expect_dropped(const void *msg, size_t len, int half_close)
{
    int fd = rnrt_raw_connect(&daemon_);
    struct pollfd pfd = { fd, POLLIN, 0 };
    char buf[256];
    ssize_t n;

    assert_int_equal(send(fd, msg, len, MSG_NOSIGNAL), (ssize_t)len);
    if (half_close)
        shutdown(fd, SHUT_WR);
    assert_int_equal(poll(&pfd, 1, 5000), 1);
    do {
        n = read(fd, buf, sizeof buf);
    } while (n > 0);
    assert_int_equal(n, 0);   /* EOF: the daemon hung up on us */
    close(fd);
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = v; p[1] = v >> 8; p[2] = v >> 16; p[3] = v >> 24;
}

static void test_bad_messages_drop_only_that_client(void **state)
{
    uint8_t msg[64];
    (void)state;

    /* Random garbage. */
    memset(msg, 0xA5, sizeof msg);
    expect_dropped(msg, sizeof msg, 0);

    /* A header announcing a frame far beyond the limit. */
    memset(msg, 0, sizeof msg);
    put32(msg, 0x7FFFFFFF);
    msg[4] = 1;            /* version 1 */
    msg[6] = 0x01;         /* LOOKUP_BEGIN */
    expect_dropped(msg, 16, 0);

    /* A well-formed header whose body is truncated, then EOF. */
    memset(msg, 0, sizeof msg);
    put32(msg, 40);
    msg[4] = 1;
    msg[6] = 0x01;
    expect_dropped(msg, 20, 1);

    /* A complete frame whose body does not parse (a string longer than the body). */
    memset(msg, 0, sizeof msg);
    put32(msg, 28);
    msg[4] = 1;
    msg[6] = 0x01;
    put32(msg + 16, 0);            /* flags */
    put32(msg + 20, 1000);         /* instance name length */
    expect_dropped(msg, 28, 0);

    /* Wrong protocol version. */
    memset(msg, 0, sizeof msg);
    put32(msg, 16);
    msg[4] = 99;
    msg[6] = 0x0A;
    expect_dropped(msg, 16, 0);

    /* Everyone else carries on. */
    assert_int_equal(hosts_lookup_works(), 0);
}

static void test_daemon_killed_and_restarted(void **state)
{
    long long t0;
    HANDLE h;
    WSAQUERYSETA q;
    char buf[1024];
    DWORD len = sizeof buf;
    (void)state;

    assert_int_equal(hosts_lookup_works(), 0);
    /* A lookup left open across the crash. */
    rnrt_qs_init(&q, &slow_class, "x");
    q.dwNameSpace = NS_X500;
    assert_int_equal(WSALookupServiceBegin(&q, LUP_RETURN_NAME, &h), 0);

    rnrt_daemon_kill9(&daemon_);
    t0 = rnrt_now_ms();
    assert_int_equal(hosts_lookup_works(), WSASYSNOTREADY);
    assert_true(rnrt_now_ms() - t0 < 2000);   /* fails fast, no hang */
    assert_int_equal(WSALookupServiceNext(h, 0, &len, (WSAQUERYSETA *)buf), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSASYSNOTREADY);
    assert_int_equal(WSALookupServiceEnd(h), 0);

    /* Restarted: the same process carries on without a new WSAStartup. */
    assert_int_equal(rnrt_daemon_start(&daemon_), 0);
    assert_int_equal(hosts_lookup_works(), 0);
}

static void test_lookup_limit_per_client(void **state)
{
    WSAQUERYSETA q;
    HANDLE h[64];
    HANDLE extra;
    size_t i;
    (void)state;

    /* The harness configures max-lookups-per-client = 64. */
    rnrt_qs_init(&q, &slow_class, "held-open");
    q.dwNameSpace = NS_X500;
    for (i = 0; i < 64; i++)
        assert_int_equal(WSALookupServiceBegin(&q, LUP_RETURN_NAME, &h[i]), 0);
    assert_int_equal(WSALookupServiceBegin(&q, LUP_RETURN_NAME, &extra), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEMFILE);

    /* Another client is unaffected by this one's limit. */
    {
        pid_t pid = fork();
        int st;
        assert_true(pid >= 0);
        if (pid == 0) {
            WSADATA wd;
            WSACleanup();
            if (WSAStartup(MAKEWORD(2, 2), &wd) != 0)
                _exit(1);
            _exit(hosts_lookup_works() == 0 ? 0 : 2);
        }
        assert_int_equal(waitpid(pid, &st, 0), pid);
        assert_true(WIFEXITED(st));
        assert_int_equal(WEXITSTATUS(st), 0);
    }

    for (i = 0; i < 64; i++)
        assert_int_equal(WSALookupServiceEnd(h[i]), 0);
    /* The slots come back once the lookups are ended. */
    assert_int_equal(hosts_lookup_works(), 0);
}

static void test_containers_on_flat_namespace(void **state)
{
    WSAQUERYSETA q;
    struct rnrt_results res;
    (void)state;

    rnrt_qs_init(&q, &hostaddrbyname, NULL);
    q.dwNameSpace = NS_TCPIP_HOSTS;
    assert_int_equal(rnrt_lookup(&q, LUP_CONTAINERS | LUP_RETURN_NAME, &res), WSANO_DATA);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_end_cancels_blocked_next),
        cmocka_unit_test(test_bad_messages_drop_only_that_client),
        cmocka_unit_test(test_lookup_limit_per_client),
        cmocka_unit_test(test_containers_on_flat_namespace),
        cmocka_unit_test(test_daemon_killed_and_restarted),
    };
    return cmocka_run_group_tests_name("integration: robustness", tests, group_setup,
                                       group_teardown);
}
