/* SPDX-License-Identifier: MIT */
/*
 * Registration tells the truth: a real rnrd with providers that store
 * nothing (hosts, local) beside one that stores (the directory), a real
 * second user (RNRT_USER_MALLORY) created by the test, and rnrctl as an
 * administrator runs it.
 *
 *   - mallory's register and deregister of root's entry over NS_ALL are
 *     refused (WSAEACCES through librnr, exit 4 from rnrctl), whatever
 *     the static providers answer; rnrctl prints each provider's part;
 *   - a name the directory cannot store (a byte 0xFF) is refused, not
 *     "registered";
 *   - deregistering what nobody has is WSASERVICE_NOT_FOUND (exit 1);
 *   - the last address going takes the entry with it;
 *   - with only static providers in scope the reference's NOP still
 *     succeeds, and rnrctl says nothing was stored (exit 1);
 *   - rnrctl still registers through an rnrd from before the report.
 *
 * Needs root (to create the user and become it): skips otherwise.
 */
#include "config.h"

#include <sys/wait.h>

#include "itest.h"
#include "wire.h"

#define DIR_ID   RNR_NSPID_DIRECTORY_TEXT
#define DIR_CONF "[provider directory]\nmodule = directory\nnamespace = NS_NDS\n"

static struct rnrt_daemon daemon_;

static int group_setup(void **state)
{
    WSADATA wd;
    uid_t uid;
    gid_t gid;

    (void)state;
    if (geteuid() != 0 || rnrt_user_ensure(RNRT_USER_MALLORY, &uid, &gid) != 0)
        return 0;   /* each test skips */
    if (rnrt_daemon_init(&daemon_, DIR_CONF) != 0 || rnrt_daemon_start(&daemon_) != 0)
        return -1;
    return WSAStartup(MAKEWORD(2, 2), &wd);
}

static int group_teardown(void **state)
{
    (void)state;
    WSACleanup();
    if (daemon_.pid > 0)
        rnrt_daemon_destroy(&daemon_);
    return 0;
}

static void need_daemon(void)
{
    if (daemon_.pid <= 0)
        skip();
}

/* A host registration over NS_ALL through librnr: its status. */
static int set_host(const char *name, const char *ip, WSAESETSERVICEOP op)
{
    GUID cls = SVCID_INET_HOSTADDRBYNAME;
    struct sockaddr_in sin;
    CSADDR_INFO ca;
    WSAQUERYSETA q;

    memset(&q, 0, sizeof q);
    memset(&ca, 0, sizeof ca);
    memset(&sin, 0, sizeof sin);
    q.dwSize = sizeof q;
    q.lpszServiceInstanceName = (char *)name;
    q.lpServiceClassId = &cls;
    q.dwNameSpace = NS_ALL;
    if (ip != NULL) {
        sin.sin_family = AF_INET;
        inet_pton(AF_INET, ip, &sin.sin_addr);
        ca.RemoteAddr.lpSockaddr = (LPSOCKADDR)&sin;
        ca.RemoteAddr.iSockaddrLength = sizeof sin;
        ca.iSocketType = SOCK_STREAM;
        ca.iProtocol = IPPROTO_TCP;
        q.dwNumberOfCsAddrs = 1;
        q.lpcsaBuffer = &ca;
    }
    return WSASetService(&q, op, 0) == 0 ? 0 : WSAGetLastError();
}

/* Runs as mallory: a nonzero code names the check that failed. */
static int mallory_is_refused(void *arg)
{
    char out[4096];

    (void)arg;
    if (set_host("web1", "10.6.6.6", RNRSERVICE_REGISTER) != WSAEACCES)
        return 1;
    if (set_host("web1", NULL, RNRSERVICE_DEREGISTER) != WSAEACCES)
        return 2;
    if (set_host("web1", NULL, RNRSERVICE_DELETE) != WSAEACCES)
        return 3;
    if (rnrt_rnrctl("register host web1 --addr 10.6.6.6:0", out, sizeof out) != 4)
        return 4;
    if (strstr(out, "hosts: not applicable") == NULL ||
        strstr(out, "local: not applicable") == NULL ||
        strstr(out, "directory: refused: WSAEACCES") == NULL || strstr(out, "registered") != NULL)
        return 5;
    if (rnrt_rnrctl("deregister host web1", out, sizeof out) != 4)
        return 6;
    if (strstr(out, "directory: refused: WSAEACCES") == NULL ||
        strstr(out, "deregistered") != NULL)
        return 7;
    return 0;
}

static void test_refusal_not_masked(void **state)
{
    char out[4096];

    (void)state;
    need_daemon();
    assert_int_equal(rnrt_rnrctl("register host web1 --addr 10.9.9.9:0", out, sizeof out), 0);
    assert_non_null(strstr(out, "directory: stored"));
    assert_non_null(strstr(out, "hosts: not applicable"));
    assert_int_equal(rnrt_run_as(RNRT_USER_MALLORY, mallory_is_refused, NULL), 0);
    /* Root's entry is still there, with root's address. */
    assert_int_equal(rnrt_rnrctl("lookup host web1 --ns NS_NDS", out, sizeof out), 0);
    assert_non_null(strstr(out, "10.9.9.9"));
    assert_null(strstr(out, "10.6.6.6"));
    /* JSON says the same, provider by provider. */
    assert_int_equal(rnrt_rnrctl("--json deregister host web1", out, sizeof out), 0);
    assert_non_null(strstr(out, "\"outcome\": \"removed\""));
    assert_non_null(strstr(out, "\"outcome\": \"not-applicable\""));
}

static void test_bad_name_refused(void **state)
{
    char out[4096];

    (void)state;
    need_daemon();
    assert_int_equal(set_host("bad\xff", "10.1.1.1", RNRSERVICE_REGISTER), WSAEINVAL);
    assert_int_equal(rnrt_rnrctl("register host \"$(printf 'bad\\377')\" --addr 10.1.1.1:0",
                                 out, sizeof out), 5);
    assert_non_null(strstr(out, "directory: refused: WSAEINVAL"));
    assert_null(strstr(out, "registered"));
    /* The name shows escaped, never as a raw byte. */
    assert_non_null(strstr(out, "bad\\xff"));
}

static void test_deregister_nothing(void **state)
{
    char out[4096];

    (void)state;
    need_daemon();
    assert_int_equal(set_host("nobody-has-this", NULL, RNRSERVICE_DEREGISTER),
                     WSASERVICE_NOT_FOUND);
    assert_int_equal(set_host("nobody-has-this", NULL, RNRSERVICE_DELETE), WSASERVICE_NOT_FOUND);
    assert_int_equal(rnrt_rnrctl("deregister host nobody-has-this", out, sizeof out), 1);
    assert_non_null(strstr(out, "directory: refused: WSASERVICE_NOT_FOUND"));
    assert_non_null(strstr(out, "WSASERVICE_NOT_FOUND: Service not found (nobody-has-this)"));
}

static void test_last_address_takes_entry(void **state)
{
    char out[4096];

    (void)state;
    need_daemon();
    /* Deregistering drops the addresses: no empty shell stays behind. */
    assert_int_equal(rnrt_rnrctl("register host shell1 --addr 10.2.2.2:0", out, sizeof out), 0);
    assert_int_equal(rnrt_rnrctl("deregister host shell1", out, sizeof out), 0);
    assert_non_null(strstr(out, "directory: removed"));
    assert_int_equal(rnrt_rnrctl("lookup host shell1 --ns NS_NDS", out, sizeof out), 1);
    assert_non_null(strstr(out, "WSASERVICE_NOT_FOUND"));
    /* Deleting addresses one by one: the entry goes with the last. */
    assert_int_equal(rnrt_rnrctl("register host shell2 --addr 10.3.3.3:0 --addr 10.3.3.4:0 "
                                 "--multiple", out, sizeof out), 0);
    assert_int_equal(rnrt_rnrctl("delete host shell2 --addr 10.3.3.3:0 --multiple",
                                 out, sizeof out), 0);
    assert_int_equal(rnrt_rnrctl("lookup host shell2 --ns NS_NDS", out, sizeof out), 0);
    assert_non_null(strstr(out, "10.3.3.4"));
    assert_int_equal(rnrt_rnrctl("delete host shell2 --addr 10.3.3.4:0 --multiple",
                                 out, sizeof out), 0);
    assert_int_equal(rnrt_rnrctl("lookup host shell2 --ns NS_NDS", out, sizeof out), 1);
}

static void test_static_scope_stores_nothing(void **state)
{
    GUID cls = SVCID_INET_HOSTADDRBYNAME;
    WSAQUERYSETA q;
    char out[4096];

    (void)state;
    need_daemon();
    /* The API reference's NOP: accepted when no storing provider is in
     * scope ... */
    memset(&q, 0, sizeof q);
    q.dwSize = sizeof q;
    q.lpszServiceInstanceName = "static1";
    q.lpServiceClassId = &cls;
    q.dwNameSpace = NS_TCPIP_HOSTS;
    assert_int_equal(WSASetService(&q, RNRSERVICE_REGISTER, 0), 0);
    /* ... and rnrctl does not call that "registered". */
    assert_int_equal(rnrt_rnrctl("register host static1 --addr 10.4.4.4:0 --ns NS_TCPIP_HOSTS",
                                 out, sizeof out), 1);
    assert_non_null(strstr(out, "hosts: not applicable"));
    assert_non_null(strstr(out, "nothing registered"));
}

/* An rnrd from before the report, as far as SET_SERVICE goes: it drops a
 * request with bytes after the query set, and answers the plain one with
 * a bare status.  Serves two connections; exit 0 when the first asked
 * for the report and the second did not. */
static int old_daemon(int lfd)
{
    int conn, seen_report = 0;

    for (conn = 0; conn < 2; conn++) {
        uint8_t hdr[RNR_WIRE_HDR_LEN], body[8192];
        struct rnr_wire_hdr h;
        struct rnr_rbuf r;
        WSAQUERYSETA *qs = NULL;
        uint32_t op, flags;
        size_t n;
        int fd = accept(lfd, NULL, NULL);

        if (fd < 0 || recv(fd, hdr, sizeof hdr, MSG_WAITALL) != (ssize_t)sizeof hdr ||
            rnr_wire_hdr_parse(hdr, RNR_WIRE_MAX_FRAME, &h) != 0 ||
            h.type != RNR_MSG_SET_SERVICE || (n = h.length - RNR_WIRE_HDR_LEN) > sizeof body ||
            recv(fd, body, n, MSG_WAITALL) != (ssize_t)n)
            return 10 + conn;
        rnr_rbuf_init(&r, body, n);
        if (rnr_wire_get_u32(&r, &op) != 0 || rnr_wire_get_u32(&r, &flags) != 0 ||
            rnr_wire_get_queryset(&r, &qs, NULL) != 0)
            return 20 + conn;
        free(qs);
        if (rnr_rbuf_finish(&r) != 0) {
            seen_report += conn == 0;
            close(fd);   /* what the old rnrd does with a body it cannot decode */
            continue;
        }
        if (conn == 0)
            return 30;
        hdr[0] = RNR_WIRE_HDR_LEN;
        hdr[1] = hdr[2] = hdr[3] = 0;
        hdr[6] = RNR_MSG_SET_SERVICE | RNR_MSG_REPLY;
        memset(hdr + 12, 0, 4);
        if (send(fd, hdr, sizeof hdr, 0) != (ssize_t)sizeof hdr)
            return 40;
        close(fd);
    }
    return seen_report ? 0 : 50;
}

static void test_older_rnrd(void **state)
{
    struct sockaddr_un sun;
    char out[4096], args[512];
    pid_t pid;
    int lfd, st;

    (void)state;
    need_daemon();
    memset(&sun, 0, sizeof sun);
    sun.sun_family = AF_UNIX;
    assert_true(strlen(daemon_.dir) + sizeof "/old.sock" <= sizeof sun.sun_path);
    memcpy(sun.sun_path, daemon_.dir, strlen(daemon_.dir));
    strcat(sun.sun_path, "/old.sock");
    lfd = socket(AF_UNIX, SOCK_STREAM, 0);
    assert_true(lfd >= 0);
    assert_int_equal(bind(lfd, (struct sockaddr *)&sun, sizeof sun), 0);
    assert_int_equal(listen(lfd, 4), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(old_daemon(lfd));
    close(lfd);
    snprintf(args, sizeof args, "--socket '%s' register host old1 --addr 10.5.5.5:0",
             sun.sun_path);
    assert_int_equal(rnrt_rnrctl(args, out, sizeof out), 0);
    assert_non_null(strstr(out, "does not say what each provider did"));
    assert_non_null(strstr(out, "registered old1"));
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_refusal_not_masked),
        cmocka_unit_test(test_bad_name_refused),
        cmocka_unit_test(test_deregister_nothing),
        cmocka_unit_test(test_last_address_takes_entry),
        cmocka_unit_test(test_static_scope_stores_nothing),
        cmocka_unit_test(test_older_rnrd),
    };
    return cmocka_run_group_tests_name("integration: registration outcomes", tests,
                                       group_setup, group_teardown);
}
