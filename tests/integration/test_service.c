/* SPDX-License-Identifier: MIT */
/*
 * Registration and service classes through a real rnrd: class install /
 * lookup / removal, persistence across a restart, WSAEACCES for an
 * unprivileged caller (a child process running as nobody), ownership of
 * registrations, WSASetService scope.
 */
#include "config.h"

#include <grp.h>
#include <pwd.h>
#include <sys/wait.h>

#include "itest.h"

static struct rnrt_daemon daemon_;
static GUID class_id;   /* set in setup */

static int group_setup(void **state)
{
    WSADATA wd;
    (void)state;
    if (rnrt_daemon_init(&daemon_,
                         "[provider mem]\nmodule = " RNRT_MODULE_TESTPROV "\n"
                         "namespace = NS_X500\n") != 0 ||
        rnrt_daemon_start(&daemon_) != 0)
        return -1;
    if (rnr_guid_parse("{5D0E6B7A-1C2B-4A3D-9E8F-0A1B2C3D4E5F}", &class_id) != 0)
        return -1;
    return WSAStartup(MAKEWORD(2, 2), &wd);
}

static int group_teardown(void **state)
{
    (void)state;
    return rnrt_session_end(&daemon_);
}

static void make_class(WSASERVICECLASSINFOA *ci, WSANSCLASSINFOA v[2], DWORD *port, DWORD *sap)
{
    *port = 5000;
    *sap = 0x0278;
    v[0] = (WSANSCLASSINFOA){ SERVICE_TYPE_VALUE_TCPPORT, NS_DNS, REG_DWORD, sizeof *port, port };
    v[1] = (WSANSCLASSINFOA){ SERVICE_TYPE_VALUE_SAPID, NS_SAP, REG_DWORD, sizeof *sap, sap };
    ci->lpServiceClassId = &class_id;
    ci->lpszServiceClassName = "Example Service";
    ci->dwCount = 2;
    ci->lpClassInfos = v;
}

/* Runs fn in a child process that has become `nobody`; returns its exit code. */
static int as_nobody(int (*fn)(void))
{
    struct passwd *pw = getpwnam("nobody");
    pid_t pid;
    int st;

    assert_non_null(pw);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        WSADATA wd;
        WSACleanup();   /* the parent's connection is not ours */
        if (setgroups(0, NULL) != 0 || setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) != 0 ||
            setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) != 0)
            _exit(100);
        if (WSAStartup(MAKEWORD(2, 2), &wd) != 0)
            _exit(101);
        _exit(fn());
    }
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st));
    return WEXITSTATUS(st);
}

static int nobody_installs_class(void)
{
    WSASERVICECLASSINFOA ci;
    WSANSCLASSINFOA v[2];
    DWORD port, sap;
    GUID other = class_id;

    make_class(&ci, v, &port, &sap);
    other.Data1 ^= 1;
    ci.lpServiceClassId = &other;
    if (WSAInstallServiceClass(&ci) != SOCKET_ERROR)
        return 1;
    if (WSAGetLastError() != WSAEACCES)
        return 2;
    if (WSARemoveServiceClass(&class_id) != SOCKET_ERROR || WSAGetLastError() != WSAEACCES)
        return 3;
    return 0;
}

static void test_class_install_persists(void **state)
{
    WSASERVICECLASSINFOA ci, *out;
    WSANSCLASSINFOA v[2];
    DWORD port, sap, len;
    char name[64];
    GUID hosts = rnrt_guid(RNRT_HOSTS_ID);
    (void)state;

    make_class(&ci, v, &port, &sap);
    assert_int_equal(WSAInstallServiceClass(&ci), 0);
    assert_int_equal(WSAInstallServiceClass(&ci), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEALREADY);

    /* Unprivileged callers may neither install nor remove. */
    assert_int_equal(as_nobody(nobody_installs_class), 0);

    /* Survives a restart of the daemon (the client keeps running). */
    assert_int_equal(rnrt_daemon_stop(&daemon_), 0);
    assert_int_equal(rnrt_daemon_start(&daemon_), 0);

    len = sizeof name;
    assert_int_equal(WSAGetServiceClassNameByServiceClassId(&class_id, name, &len), 0);
    assert_string_equal(name, "Example Service");

    /* Whole class, with no provider named. */
    len = 0;
    assert_int_equal(WSAGetServiceClassInfo(NULL, &class_id, &len, NULL), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEFAULT);
    out = malloc(len);
    assert_int_equal(WSAGetServiceClassInfo(NULL, &class_id, &len, out), 0);
    assert_int_equal(out->dwCount, 2);
    assert_string_equal(out->lpszServiceClassName, "Example Service");
    assert_int_equal(*(DWORD *)out->lpClassInfos[0].lpValue, 5000);
    free(out);

    /* The hosts provider (NS_TCPIP_HOSTS) sees no entry of its name space. */
    len = 4096;
    out = malloc(len);
    assert_int_equal(WSAGetServiceClassInfo(&hosts, &class_id, &len, out), 0);
    assert_int_equal(out->dwCount, 0);
    free(out);

    assert_int_equal(WSARemoveServiceClass(&class_id), 0);
    assert_int_equal(WSARemoveServiceClass(&class_id), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSATYPE_NOT_FOUND);
}

static void test_class_name_of_port_class(void **state)
{
    GUID ftp = SVCID_TCP(21), host = SVCID_HOSTNAME;
    char name[64];
    DWORD len = sizeof name;
    (void)state;

    assert_int_equal(WSAGetServiceClassNameByServiceClassId(&ftp, name, &len), 0);
    assert_string_equal(name, "ftp");
    len = 2;
    assert_int_equal(WSAGetServiceClassNameByServiceClassId(&host, name, &len), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEFAULT);
    assert_true(len > 2);
}

static void fill_reg(WSAQUERYSETA *q, CSADDR_INFO *ca, struct sockaddr_in *sin, const char *name)
{
    memset(sin, 0, sizeof *sin);
    sin->sin_family = AF_INET;
    sin->sin_port = htons(5000);
    sin->sin_addr.s_addr = htonl(0xC0000264);
    memset(ca, 0, sizeof *ca);
    ca->RemoteAddr.lpSockaddr = (struct sockaddr *)sin;
    ca->RemoteAddr.iSockaddrLength = sizeof *sin;
    ca->iSocketType = SOCK_STREAM;
    ca->iProtocol = IPPROTO_TCP;
    rnrt_qs_init(q, &class_id, name);
    q->dwNameSpace = NS_X500;
    q->dwNumberOfCsAddrs = 1;
    q->lpcsaBuffer = ca;
}

static int nobody_registers(void)
{
    WSAQUERYSETA q;
    CSADDR_INFO ca;
    struct sockaddr_in sin;

    fill_reg(&q, &ca, &sin, "owned-by-nobody");
    return WSASetService(&q, RNRSERVICE_REGISTER, 0) == 0 ? 0 : 1;
}

static int nobody_deregisters_roots(void)
{
    WSAQUERYSETA q;
    CSADDR_INFO ca;
    struct sockaddr_in sin;

    fill_reg(&q, &ca, &sin, "owned-by-root");
    if (WSASetService(&q, RNRSERVICE_DEREGISTER, 0) != SOCKET_ERROR)
        return 1;
    return WSAGetLastError() == WSAEACCES ? 0 : 2;
}

static void test_registration_ownership(void **state)
{
    WSAQUERYSETA q;
    CSADDR_INFO ca;
    struct sockaddr_in sin;
    struct rnrt_results res;
    char a[80];
    (void)state;

    fill_reg(&q, &ca, &sin, "owned-by-root");
    assert_int_equal(WSASetService(&q, RNRSERVICE_REGISTER, 0), 0);
    assert_int_equal(as_nobody(nobody_registers), 0);
    assert_int_equal(as_nobody(nobody_deregisters_roots), 0);

    rnrt_qs_init(&q, &class_id, "owned-by-*");
    assert_int_equal(rnrt_lookup(&q, LUP_RETURN_NAME | LUP_RETURN_ADDR, &res), 0);
    assert_int_equal(res.n, 2);
    assert_string_equal(rnrt_addr(res.r[0], 0, a, sizeof a), "192.0.2.100:5000");
    rnrt_results_free(&res);

    /* Root may remove anybody's registration. */
    fill_reg(&q, &ca, &sin, "owned-by-nobody");
    assert_int_equal(WSASetService(&q, RNRSERVICE_DELETE, 0), 0);
    fill_reg(&q, &ca, &sin, "owned-by-root");
    assert_int_equal(WSASetService(&q, RNRSERVICE_DEREGISTER, 0), 0);
    rnrt_qs_init(&q, &class_id, "owned-by-*");
    assert_int_equal(rnrt_lookup(&q, LUP_RETURN_NAME, &res), WSASERVICE_NOT_FOUND);
}

static void test_setservice_scope(void **state)
{
    WSAQUERYSETA q;
    CSADDR_INFO ca;
    struct sockaddr_in sin;
    GUID local = rnrt_guid(RNRT_LOCAL_ID);
    GUID unknown = rnrt_guid("{01234567-89AB-CDEF-0123-456789ABCDEF}");
    (void)state;

    /* The hosts name space is static: REGISTER is accepted and changes nothing. */
    fill_reg(&q, &ca, &sin, "static-host");
    q.dwNameSpace = NS_TCPIP_HOSTS;
    assert_int_equal(WSASetService(&q, RNRSERVICE_REGISTER, 0), 0);

    /* A provider without a set_service slot refuses. */
    q.lpNSProviderId = &local;
    assert_int_equal(WSASetService(&q, RNRSERVICE_REGISTER, 0), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEOPNOTSUPP);

    q.lpNSProviderId = &unknown;
    assert_int_equal(WSASetService(&q, RNRSERVICE_REGISTER, 0), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEINVAL);

    assert_int_equal(WSASetService(NULL, RNRSERVICE_REGISTER, 0), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEFAULT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_class_install_persists),
        cmocka_unit_test(test_class_name_of_port_class),
        cmocka_unit_test(test_registration_ownership),
        cmocka_unit_test(test_setservice_scope),
    };
    return cmocka_run_group_tests_name("integration: registration and classes", tests,
                                       group_setup, group_teardown);
}
