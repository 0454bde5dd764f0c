/* SPDX-License-Identifier: MIT */
/*
 * librnr without a daemon: WSAStartup version negotiation (the API
 * reference's table, adapted to a DLL supporting 1.0 .. 2.2), reference
 * counting, WSANOTINITIALISED from every call before WSAStartup, the
 * per-thread last error, argument checks, and WSASYSNOTREADY (fast) when
 * RNR_SOCKET names a socket nobody listens on.
 */
#include "config.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include <rnr/winsock2.h>

static const GUID g_hostaddr = SVCID_INET_HOSTADDRBYNAME;

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static void init_qs(WSAQUERYSETA *qs, GUID *cls, char *name)
{
    memset(qs, 0, sizeof(*qs));
    qs->dwSize = sizeof(*qs);
    qs->lpServiceClassId = cls;
    qs->lpszServiceInstanceName = name;
    qs->dwNameSpace = NS_ALL;
}

/* ------------------------------------------------------------------ */

struct vrow {
    WORD requested;
    int  result;
    WORD version;
};

static void test_version_table(void **state)
{
    /* Windows' answers (ReactOS's WSAStartup apitest, run against
     * Windows): 0.x refused, other 1.x granted as 1.1, above 2.2 as 2.2. */
    static const struct vrow rows[] = {
        { MAKEWORD(1, 1), 0, MAKEWORD(1, 1) },
        { MAKEWORD(1, 0), 0, MAKEWORD(1, 0) },
        { MAKEWORD(1, 2), 0, MAKEWORD(1, 1) },
        { MAKEWORD(1, 9), 0, MAKEWORD(1, 1) },
        { MAKEWORD(1, 15), 0, MAKEWORD(1, 1) },
        { MAKEWORD(1, 255), 0, MAKEWORD(1, 1) },
        { MAKEWORD(2, 0), 0, MAKEWORD(2, 0) },
        { MAKEWORD(2, 1), 0, MAKEWORD(2, 1) },
        { MAKEWORD(2, 2), 0, MAKEWORD(2, 2) },
        { MAKEWORD(2, 3), 0, MAKEWORD(2, 2) },
        { MAKEWORD(2, 255), 0, MAKEWORD(2, 2) },
        { MAKEWORD(3, 0), 0, MAKEWORD(2, 2) },
        { MAKEWORD(15, 255), 0, MAKEWORD(2, 2) },
        { MAKEWORD(255, 255), 0, MAKEWORD(2, 2) },
        /* Refused, yet WSADATA says 2.2. */
        { MAKEWORD(0, 0), WSAVERNOTSUPPORTED, MAKEWORD(2, 2) },
        { MAKEWORD(0, 9), WSAVERNOTSUPPORTED, MAKEWORD(2, 2) },
        { MAKEWORD(0, 255), WSAVERNOTSUPPORTED, MAKEWORD(2, 2) },
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        WSADATA d;
        int rc;

        memset(&d, 0x55, sizeof(d));
        WSASetLastError(4242);
        rc = WSAStartup(rows[i].requested, &d);
        assert_int_equal(rc, rows[i].result);
        assert_int_equal(d.wVersion, rows[i].version);
        assert_int_equal(d.wHighVersion, RNR_WINSOCK_HIGH_VERSION);
        assert_true(strlen(d.szDescription) > 0);
        assert_true(strlen(d.szDescription) <= WSADESCRIPTION_LEN);
        assert_string_equal(d.szSystemStatus, "Running");
        /* The bytes past the status string's NUL stay the caller's. */
        assert_int_equal((unsigned char)d.szSystemStatus[sizeof "Running"], 0x55);
        /* Never written, whatever the outcome. */
        assert_ptr_equal(d.lpVendorInfo, (void *)(UINTPTR_MAX / 0xff * 0x55));
        if (LOBYTE(d.wVersion) == 1) {
            assert_int_equal(d.iMaxSockets, 32767);
            assert_int_equal(d.iMaxUdpDg, 65467);
        } else {
            assert_int_equal(d.iMaxSockets, 0);
            assert_int_equal(d.iMaxUdpDg, 0);
        }
        if (rc != 0) {
            /* The error is the return value; no reference taken. */
            assert_int_equal(WSAGetLastError(), 4242);
            assert_int_equal(WSACleanup(), SOCKET_ERROR);
            assert_int_equal(WSAGetLastError(), WSANOTINITIALISED);
            continue;
        }
        assert_int_equal(WSAGetLastError(), 0);
        assert_int_equal(WSACleanup(), 0);
    }
}

static void test_startup_null(void **state)
{
    (void)state;
    WSASetLastError(0);
    assert_int_equal(WSAStartup(MAKEWORD(2, 2), NULL), WSAEFAULT);
    /* The error is the return value, not the last error. */
    assert_int_equal(WSAGetLastError(), 0);
    assert_int_equal(WSACleanup(), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSANOTINITIALISED);
    /* The version is checked before the pointer. */
    assert_int_equal(WSAStartup(MAKEWORD(0, 1), NULL), WSAVERNOTSUPPORTED);
    assert_int_equal(WSAStartup(0, NULL), WSAVERNOTSUPPORTED);
    assert_int_equal(WSACleanup(), SOCKET_ERROR);
}

static void test_refcount(void **state)
{
    WSADATA d;
    DWORD len = 0;

    (void)state;
    assert_int_equal(WSACleanup(), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSANOTINITIALISED);

    assert_int_equal(WSAStartup(MAKEWORD(2, 2), &d), 0);
    assert_int_equal(WSAStartup(MAKEWORD(1, 1), &d), 0);
    assert_int_equal(WSAStartup(MAKEWORD(2, 0), &d), 0);
    assert_int_equal(WSACleanup(), 0);
    assert_int_equal(WSACleanup(), 0);
    /* Still started once: calls are past the initialisation check. */
    assert_int_equal(WSAEnumNameSpaceProvidersA(NULL, NULL), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEFAULT);
    assert_int_equal(WSACleanup(), 0);
    assert_int_equal(WSAEnumNameSpaceProvidersA(&len, NULL), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSANOTINITIALISED);
    assert_int_equal(WSACleanup(), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSANOTINITIALISED);
}

static void expect_not_initialised(int rc)
{
    assert_int_equal(rc, SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSANOTINITIALISED);
}

static void test_not_initialised_everywhere(void **state)
{
    GUID cls = g_hostaddr;
    WSAQUERYSETA qs;
    WSASERVICECLASSINFOA ci;
    HANDLE h = NULL;
    DWORD len = 4096;
    char buf[4096];

    (void)state;
    init_qs(&qs, &cls, "x");
    memset(&ci, 0, sizeof(ci));
    ci.lpServiceClassId = &cls;
    ci.lpszServiceClassName = "x";

    expect_not_initialised(WSALookupServiceBeginA(&qs, LUP_RETURN_ALL, &h));
    expect_not_initialised(WSALookupServiceBegin(&qs, LUP_RETURN_ALL, &h));
    /* Checked before anything else, even with bad arguments. */
    expect_not_initialised(WSALookupServiceBeginA(NULL, 0, NULL));
    expect_not_initialised(WSALookupServiceNextA((HANDLE)1, 0, &len, (WSAQUERYSETA *)buf));
    expect_not_initialised(WSALookupServiceNext(NULL, 0, NULL, NULL));
    expect_not_initialised(WSALookupServiceEnd((HANDLE)1));
    expect_not_initialised(WSASetServiceA(&qs, RNRSERVICE_REGISTER, 0));
    expect_not_initialised(WSASetService(NULL, RNRSERVICE_REGISTER, 0));
    expect_not_initialised(WSAInstallServiceClassA(&ci));
    expect_not_initialised(WSAInstallServiceClass(NULL));
    expect_not_initialised(WSARemoveServiceClass(&cls));
    expect_not_initialised(WSAGetServiceClassInfoA(NULL, &cls, &len,
                                                   (WSASERVICECLASSINFOA *)buf));
    expect_not_initialised(WSAGetServiceClassInfo(NULL, NULL, NULL, NULL));
    expect_not_initialised(WSAGetServiceClassNameByServiceClassIdA(&cls, buf, &len));
    expect_not_initialised(WSAGetServiceClassNameByServiceClassId(NULL, NULL, NULL));
    expect_not_initialised(WSAEnumNameSpaceProvidersA(&len, (WSANAMESPACE_INFOA *)buf));
    expect_not_initialised(WSAEnumNameSpaceProviders(NULL, NULL));
    expect_not_initialised(rnr_enum_service_classes(&len, (WSASERVICECLASSINFOA *)buf));
    expect_not_initialised(WSACleanup());
    assert_null(h);
    assert_int_equal(len, 4096);
}

/* ------------------------------------------------------------------ */

static void *thread_errors(void *arg)
{
    int *seen = arg;

    seen[0] = WSAGetLastError();          /* a new thread starts at 0 */
    WSASetLastError(2222);
    seen[1] = WSAGetLastError();
    (void)WSACleanup();                   /* fails: sets this thread's only */
    seen[2] = WSAGetLastError();
    return NULL;
}

static void test_last_error_per_thread(void **state)
{
    pthread_t t;
    int seen[3];

    (void)state;
    WSASetLastError(1111);
    assert_int_equal(pthread_create(&t, NULL, thread_errors, seen), 0);
    assert_int_equal(pthread_join(t, NULL), 0);
    assert_int_equal(seen[0], 0);
    assert_int_equal(seen[1], 2222);
    assert_int_equal(seen[2], WSANOTINITIALISED);
    assert_int_equal(WSAGetLastError(), 1111);
}

static void test_success_clears_last_error(void **state)
{
    WSADATA d;

    (void)state;
    /* As on Windows: a successful WSAStartup or WSACleanup sets the last
     * error to 0, whether or not it is the final cleanup. */
    WSASetLastError(4242);
    assert_int_equal(WSAStartup(MAKEWORD(2, 2), &d), 0);
    assert_int_equal(WSAGetLastError(), 0);
    assert_int_equal(WSAStartup(MAKEWORD(2, 2), &d), 0);
    WSASetLastError(4242);
    assert_int_equal(WSACleanup(), 0);
    assert_int_equal(WSAGetLastError(), 0);
    WSASetLastError(4242);
    assert_int_equal(WSACleanup(), 0);
    assert_int_equal(WSAGetLastError(), 0);
}

/* ------------------------------------------------------------------ */
/* With WSAStartup, without a daemon                                   */
/* ------------------------------------------------------------------ */

static int setup_started(void **state)
{
    WSADATA d;

    (void)state;
    setenv(RNR_SOCKET_ENV, "/nonexistent-rnr-test-dir/rnrd.sock", 1);
    return WSAStartup(MAKEWORD(2, 2), &d) == 0 ? 0 : -1;
}

static int teardown_started(void **state)
{
    (void)state;
    return WSACleanup() == 0 ? 0 : -1;
}

static void expect_error(int rc, int err)
{
    assert_int_equal(rc, SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), err);
}

static void test_bad_arguments(void **state)
{
    GUID cls = g_hostaddr;
    WSAQUERYSETA qs;
    WSASERVICECLASSINFOA ci;
    HANDLE h = NULL;
    DWORD len = 64;
    char buf[64];
    int local;

    (void)state;
    init_qs(&qs, &cls, "x");

    /* Begin */
    expect_error(WSALookupServiceBeginA(NULL, 0, &h), WSAEFAULT);
    expect_error(WSALookupServiceBeginA(&qs, 0, NULL), WSAEFAULT);
    qs.dwSize = 3;
    expect_error(WSALookupServiceBeginA(&qs, 0, &h), WSAEINVAL);
    qs.dwSize = sizeof(qs);
    qs.lpServiceClassId = NULL;                 /* required */
    expect_error(WSALookupServiceBeginA(&qs, 0, &h), WSAEINVAL);
    qs.lpServiceClassId = &cls;
    qs.dwNumberOfProtocols = 2;                 /* count without array */
    expect_error(WSALookupServiceBeginA(&qs, 0, &h), WSAEINVAL);
    qs.dwNumberOfProtocols = 0;
    assert_null(h);

    /* Next / End: handles are never dereferenced */
    expect_error(WSALookupServiceNextA(NULL, 0, &len, (WSAQUERYSETA *)buf), WSA_INVALID_HANDLE);
    expect_error(WSALookupServiceNextA((HANDLE)&local, 0, &len, (WSAQUERYSETA *)buf),
                 WSA_INVALID_HANDLE);
    expect_error(WSALookupServiceNextA((HANDLE)(intptr_t)-1, 0, &len, NULL), WSA_INVALID_HANDLE);
    expect_error(WSALookupServiceEnd(NULL), WSA_INVALID_HANDLE);
    expect_error(WSALookupServiceEnd((HANDLE)&local), WSA_INVALID_HANDLE);
    expect_error(WSALookupServiceEnd((HANDLE)(uintptr_t)0x100000001ull), WSA_INVALID_HANDLE);
    assert_int_equal(len, 64);

    /* SetService */
    expect_error(WSASetServiceA(NULL, RNRSERVICE_REGISTER, 0), WSAEFAULT);
    expect_error(WSASetServiceA(&qs, (WSAESETSERVICEOP)3, 0), WSAEINVAL);
    expect_error(WSASetServiceA(&qs, (WSAESETSERVICEOP)-1, 0), WSAEINVAL);
    qs.lpServiceClassId = NULL;
    expect_error(WSASetServiceA(&qs, RNRSERVICE_REGISTER, 0), WSAEINVAL);
    qs.lpServiceClassId = &cls;

    /* Classes */
    expect_error(WSAInstallServiceClassA(NULL), WSAEFAULT);
    memset(&ci, 0, sizeof(ci));
    ci.lpszServiceClassName = "no id";
    expect_error(WSAInstallServiceClassA(&ci), WSAEINVAL);
    expect_error(WSARemoveServiceClass(NULL), WSAEINVAL);
    expect_error(WSAGetServiceClassInfoA(NULL, NULL, &len, (WSASERVICECLASSINFOA *)buf),
                 WSA_INVALID_PARAMETER);
    expect_error(WSAGetServiceClassInfoA(NULL, &cls, NULL, (WSASERVICECLASSINFOA *)buf),
                 WSAEFAULT);
    expect_error(WSAGetServiceClassNameByServiceClassIdA(NULL, buf, &len),
                 WSA_INVALID_PARAMETER);
    expect_error(WSAGetServiceClassNameByServiceClassIdA(&cls, buf, NULL), WSAEFAULT);
    expect_error(WSAEnumNameSpaceProvidersA(NULL, NULL), WSAEFAULT);
    expect_error(rnr_enum_service_classes(NULL, NULL), WSAEFAULT);
}

static void test_sysnotready_fast(void **state)
{
    GUID cls = g_hostaddr;
    WSAQUERYSETA qs;
    HANDLE h = NULL;
    DWORD len = 0;
    double t0, dt;
    int i;

    (void)state;
    init_qs(&qs, &cls, "localhost");
    t0 = now_ms();
    for (i = 0; i < 20; i++) {
        expect_error(WSALookupServiceBeginA(&qs, LUP_RETURN_ALL, &h), WSASYSNOTREADY);
        expect_error(WSAEnumNameSpaceProvidersA(&len, NULL), WSASYSNOTREADY);
        expect_error(WSARemoveServiceClass(&cls), WSASYSNOTREADY);
        expect_error(WSASetServiceA(&qs, RNRSERVICE_REGISTER, 0), WSASYSNOTREADY);
        expect_error(WSAGetServiceClassNameByServiceClassIdA(&cls, NULL, &len), WSASYSNOTREADY);
    }
    dt = now_ms() - t0;
    /* 100 failed calls: each is a failed connect(), microseconds. */
    assert_true(dt < 1000.0);
    assert_null(h);
    assert_int_equal(len, 0);
}

static void test_strerror(void **state)
{
    (void)state;
    assert_non_null(strstr(rnr_strerror(WSAEFAULT), "WSAEFAULT"));
    assert_non_null(strstr(rnr_strerror(WSASYSNOTREADY), "WSASYSNOTREADY"));
    assert_non_null(strstr(rnr_strerror(WSA_E_NO_MORE), "WSA_E_NO_MORE"));
    assert_non_null(strstr(rnr_strerror(WSA_INVALID_HANDLE), "WSA_INVALID_HANDLE"));
    assert_non_null(rnr_strerror(-5));
    assert_non_null(rnr_strerror(123456));
}

/* Every error code the public headers define has its text, which starts
 * with the code's name: read from the headers themselves, so a code added
 * later without a text fails here. */
static void test_strerror_every_code(void **state)
{
    static const char *const headers[] = { "winsock2.h", "ws2addr.h", "ws2async.h",
                                           "nspapi.h", "ws2nspioctl.h" };
    char path[4096], line[512], name[128];
    size_t i, checked = 0;
    (void)state;

    for (i = 0; i < sizeof headers / sizeof headers[0]; i++) {
        FILE *f;
        long v;

        snprintf(path, sizeof path, "%s/include/rnr/%s", RNR_TOP_SRCDIR, headers[i]);
        if ((f = fopen(path, "r")) == NULL)
            fail_msg("%s: cannot open", path);
        while (fgets(line, sizeof line, f) != NULL) {
            const char *text;

            if (sscanf(line, "#define %127[A-Z0-9_] %ld", name, &v) != 2 ||
                strncmp(name, "WSA", 3) != 0)
                continue;
            /* WSAE..., WSASYSNOTREADY ... above WSABASEERR; WSA_... from the
             * Win32 range (WSA_INVALID_HANDLE 6 ...); not sizes. */
            if (!((v > WSABASEERR && v < WSABASEERR + 2000) ||
                  (strncmp(name, "WSA_", 4) == 0 && v > 0 && v < 1000)))
                continue;
            text = rnr_strerror((int)v);
            if (strncmp(text, name, strlen(name)) != 0 || text[strlen(name)] != ':')
                fail_msg("%s (%ld) has no text: \"%s\"", name, v, text);
            checked++;
        }
        fclose(f);
    }
    assert_true(checked >= 35);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version_table),
        cmocka_unit_test(test_startup_null),
        cmocka_unit_test(test_refcount),
        cmocka_unit_test(test_not_initialised_everywhere),
        cmocka_unit_test(test_last_error_per_thread),
        cmocka_unit_test(test_success_clears_last_error),
        cmocka_unit_test_setup_teardown(test_bad_arguments, setup_started, teardown_started),
        cmocka_unit_test_setup_teardown(test_sysnotready_fast, setup_started, teardown_started),
        cmocka_unit_test(test_strerror),
        cmocka_unit_test(test_strerror_every_code),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
