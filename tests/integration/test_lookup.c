/* SPDX-License-Identifier: MIT */
/*
 * Lookups through a real rnrd with the hosts, local and test providers:
 * routing (NS_ALL, one name space, one provider, protocol restrictions),
 * the LUP_RETURN_* mask, the WSAEFAULT retry loop and LUP_FLUSHPREVIOUS.
 */
#include "config.h"

#include "itest.h"

static struct rnrt_daemon daemon_;
static GUID hostaddrbyname = SVCID_INET_HOSTADDRBYNAME;
static GUID hostname_class = SVCID_HOSTNAME;
static GUID servicebyname = SVCID_INET_SERVICEBYNAME;

#define ALL_BUT_BLOB (LUP_RETURN_ALL & ~(LUP_RETURN_BLOB | LUP_RETURN_ALIASES))

static int group_setup(void **state)
{
    WSADATA wd;
    (void)state;
    if (rnrt_daemon_init(&daemon_,
                         "[provider mem]\nmodule = " RNRT_MODULE_TESTPROV "\n"
                         "namespace = NS_X500\n") != 0 ||
        rnrt_daemon_start(&daemon_) != 0)
        return -1;
    return WSAStartup(MAKEWORD(2, 2), &wd);
}

static int group_teardown(void **state)
{
    (void)state;
    return rnrt_session_end(&daemon_);   /* rnrd must exit cleanly on SIGTERM */
}

static void test_enum_providers(void **state)
{
    char buf[4096];
    DWORD len = 8;
    WSANAMESPACE_INFOA *ns = (void *)buf;
    GUID hosts = rnrt_guid(RNRT_HOSTS_ID), local = rnrt_guid(RNRT_LOCAL_ID);
    int n;
    (void)state;

    /* Too small: WSAEFAULT and the size needed. */
    assert_int_equal(WSAEnumNameSpaceProviders(&len, ns), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEFAULT);
    assert_true(len > 3 * sizeof *ns);
    assert_true(len <= sizeof buf);

    n = WSAEnumNameSpaceProviders(&len, ns);
    assert_int_equal(n, 3);
    assert_true(rnr_guid_equal(&ns[0].NSProviderId, &hosts));
    assert_int_equal(ns[0].dwNameSpace, NS_TCPIP_HOSTS);
    assert_true(ns[0].fActive);
    assert_non_null(ns[0].lpszIdentifier);
    assert_true(rnr_guid_equal(&ns[1].NSProviderId, &local));
    assert_int_equal(ns[1].dwNameSpace, NS_TCPIP_LOCAL);
    assert_int_equal(ns[2].dwNameSpace, NS_X500);
    /* Strings live inside the caller's buffer. */
    assert_true(ns[2].lpszIdentifier > buf && ns[2].lpszIdentifier < buf + len);
}

static void test_ns_all_finds_hosts_entry(void **state)
{
    WSAQUERYSETA q;
    struct rnrt_results res;
    GUID hosts = rnrt_guid(RNRT_HOSTS_ID);
    char a[80];
    (void)state;

    rnrt_qs_init(&q, &hostaddrbyname, "ALPHA.example");
    assert_int_equal(rnrt_lookup(&q, ALL_BUT_BLOB, &res), 0);
    assert_int_equal(res.n, 1);
    assert_string_equal(res.r[0]->lpszServiceInstanceName, "alpha.example");
    assert_true(rnr_guid_equal(res.r[0]->lpNSProviderId, &hosts));
    assert_int_equal(res.r[0]->dwNameSpace, NS_TCPIP_HOSTS);
    assert_int_equal(res.r[0]->dwNumberOfCsAddrs, 2);
    assert_string_equal(rnrt_addr(res.r[0], 0, a, sizeof a), "192.0.2.10:0");
    assert_string_equal(rnrt_addr(res.r[0], 1, a, sizeof a), "[2001:db8::10]:0");
    rnrt_results_free(&res);

    /* An alias resolves to the canonical entry. */
    rnrt_qs_init(&q, &hostaddrbyname, "al");
    assert_int_equal(rnrt_lookup(&q, LUP_RETURN_NAME, &res), 0);
    assert_int_equal(res.n, 1);
    assert_string_equal(res.r[0]->lpszServiceInstanceName, "alpha.example");
    rnrt_results_free(&res);
}

static void test_catalog_order_and_namespace(void **state)
{
    WSAQUERYSETA q;
    struct rnrt_results res;
    (void)state;

    /* NS_ALL: hosts answers first, then local. */
    rnrt_qs_init(&q, &hostaddrbyname, "localhost");
    assert_int_equal(rnrt_lookup(&q, LUP_RETURN_NAME, &res), 0);
    assert_int_equal(res.n, 2);
    assert_int_equal(res.r[0]->dwNameSpace, NS_TCPIP_HOSTS);
    assert_int_equal(res.r[1]->dwNameSpace, NS_TCPIP_LOCAL);
    rnrt_results_free(&res);

    q.dwNameSpace = NS_TCPIP_LOCAL;
    assert_int_equal(rnrt_lookup(&q, LUP_RETURN_NAME, &res), 0);
    assert_int_equal(res.n, 1);
    assert_int_equal(res.r[0]->dwNameSpace, NS_TCPIP_LOCAL);
    rnrt_results_free(&res);

    /* A name space nobody serves. */
    q.dwNameSpace = NS_NIS;
    assert_int_equal(rnrt_lookup(&q, LUP_RETURN_NAME, &res), WSASERVICE_NOT_FOUND);
}

static void test_provider_id(void **state)
{
    WSAQUERYSETA q;
    struct rnrt_results res;
    GUID local = rnrt_guid(RNRT_LOCAL_ID);
    GUID unknown = rnrt_guid("{01234567-89AB-CDEF-0123-456789ABCDEF}");
    (void)state;

    rnrt_qs_init(&q, &hostaddrbyname, "localhost");
    q.lpNSProviderId = &local;
    assert_int_equal(rnrt_lookup(&q, LUP_RETURN_NAME, &res), 0);
    assert_int_equal(res.n, 1);
    assert_true(rnr_guid_equal(res.r[0]->lpNSProviderId, &local));
    rnrt_results_free(&res);

    q.lpNSProviderId = &unknown;
    assert_int_equal(rnrt_lookup(&q, LUP_RETURN_NAME, &res), WSAEINVAL);
}

static void test_protocol_restriction(void **state)
{
    WSAQUERYSETA q;
    struct rnrt_results res;
    AFPROTOCOLS v6 = { AF_INET6, IPPROTO_TCP }, v4 = { AF_INET, IPPROTO_TCP };
    char a[80];
    (void)state;

    rnrt_qs_init(&q, &hostaddrbyname, "alpha.example");
    q.dwNumberOfProtocols = 1;
    q.lpafpProtocols = &v6;
    assert_int_equal(rnrt_lookup(&q, LUP_RETURN_NAME | LUP_RETURN_ADDR, &res), 0);
    assert_int_equal(res.n, 1);
    assert_int_equal(res.r[0]->dwNumberOfCsAddrs, 1);
    assert_string_equal(rnrt_addr(res.r[0], 0, a, sizeof a), "[2001:db8::10]:0");
    rnrt_results_free(&res);

    /* The name exists, but has no IPv4 address. */
    rnrt_qs_init(&q, &hostaddrbyname, "gamma6.example");
    q.dwNumberOfProtocols = 1;
    q.lpafpProtocols = &v4;
    assert_int_equal(rnrt_lookup(&q, LUP_RETURN_NAME | LUP_RETURN_ADDR, &res), WSANO_DATA);
}

static void test_not_found(void **state)
{
    WSAQUERYSETA q;
    struct rnrt_results res;
    (void)state;

    rnrt_qs_init(&q, &hostaddrbyname, "nosuch.example");
    assert_int_equal(rnrt_lookup(&q, LUP_RETURN_NAME, &res), WSAHOST_NOT_FOUND);
    /* A dotted address is not a host name for gethostbyname's query. */
    rnrt_qs_init(&q, &hostaddrbyname, "192.0.2.10");
    q.dwNameSpace = NS_TCPIP_HOSTS;
    assert_int_equal(rnrt_lookup(&q, LUP_RETURN_NAME, &res), WSAHOST_NOT_FOUND);
}

static void test_return_mask(void **state)
{
    WSAQUERYSETA q;
    struct rnrt_results res;
    (void)state;

    rnrt_qs_init(&q, &hostaddrbyname, "beta");
    q.dwNameSpace = NS_TCPIP_HOSTS;
    assert_int_equal(rnrt_lookup(&q, LUP_RETURN_NAME, &res), 0);
    assert_int_equal(res.n, 1);
    assert_string_equal(res.r[0]->lpszServiceInstanceName, "Beta.Example");
    assert_int_equal(res.r[0]->dwNumberOfCsAddrs, 0);
    assert_null(res.r[0]->lpcsaBuffer);
    assert_null(res.r[0]->lpBlob);
    assert_null(res.r[0]->lpServiceClassId);
    rnrt_results_free(&res);

    assert_int_equal(rnrt_lookup(&q, LUP_RETURN_ADDR | LUP_RETURN_BLOB, &res), 0);
    assert_int_equal(res.n, 1);
    assert_null(res.r[0]->lpszServiceInstanceName);
    assert_int_equal(res.r[0]->dwNumberOfCsAddrs, 1);
    assert_non_null(res.r[0]->lpBlob);
    assert_true(res.r[0]->lpBlob->cbSize > 0);
    rnrt_results_free(&res);
}

static void test_efault_retry_keeps_record(void **state)
{
    WSAQUERYSETA q, *buf;
    HANDLE h;
    DWORD len, need;
    (void)state;

    rnrt_qs_init(&q, &hostaddrbyname, "alpha.example");
    q.dwNameSpace = NS_TCPIP_HOSTS;
    assert_int_equal(WSALookupServiceBegin(&q, ALL_BUT_BLOB, &h), 0);

    len = sizeof(WSAQUERYSETA);
    buf = malloc(4096);
    assert_int_equal(WSALookupServiceNext(h, 0, &len, buf), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEFAULT);
    need = len;
    assert_true(need > sizeof(WSAQUERYSETA));
    assert_true(need < 4096);

    /* One byte short: still WSAEFAULT, still the full size. */
    len = need - 1;
    assert_int_equal(WSALookupServiceNext(h, 0, &len, buf), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEFAULT);
    assert_int_equal(len, need);

    len = need;
    assert_int_equal(WSALookupServiceNext(h, 0, &len, buf), 0);
    assert_string_equal(buf->lpszServiceInstanceName, "alpha.example");
    assert_int_equal(buf->dwNumberOfCsAddrs, 2);
    /* Everything the record points to is inside the buffer. */
    assert_true((char *)buf->lpszServiceInstanceName < (char *)buf + need);

    len = 4096;
    assert_int_equal(WSALookupServiceNext(h, 0, &len, buf), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSA_E_NO_MORE);
    assert_int_equal(WSALookupServiceEnd(h), 0);
    free(buf);

    /* A handle that has been ended is invalid. */
    len = 4096;
    assert_int_equal(WSALookupServiceNext(h, 0, &len, NULL), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSA_INVALID_HANDLE);
}

static void test_flushprevious_skips_record(void **state)
{
    WSAQUERYSETA q, *buf;
    HANDLE h;
    DWORD len;
    (void)state;

    rnrt_qs_init(&q, &hostaddrbyname, "alpha.example");
    q.dwNameSpace = NS_TCPIP_HOSTS;
    /* Main result, then the aliases "alpha" and "al". */
    assert_int_equal(WSALookupServiceBegin(&q, LUP_RETURN_NAME | LUP_RETURN_ALIASES, &h), 0);
    buf = malloc(4096);
    len = 8;
    assert_int_equal(WSALookupServiceNext(h, 0, &len, buf), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEFAULT);

    len = 4096;
    assert_int_equal(WSALookupServiceNext(h, LUP_FLUSHPREVIOUS, &len, buf), 0);
    assert_true(buf->dwOutputFlags & RESULT_IS_ALIAS);
    assert_string_equal(buf->lpszServiceInstanceName, "alpha");

    len = 4096;
    assert_int_equal(WSALookupServiceNext(h, 0, &len, buf), 0);
    assert_true(buf->dwOutputFlags & RESULT_IS_ALIAS);
    assert_string_equal(buf->lpszServiceInstanceName, "al");

    len = 4096;
    assert_int_equal(WSALookupServiceNext(h, 0, &len, buf), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSA_E_NO_MORE);
    WSALookupServiceEnd(h);
    free(buf);
}

static void test_service_and_query_string(void **state)
{
    WSAQUERYSETA q;
    struct rnrt_results res;
    GUID tcp21 = SVCID_TCP(21);
    char a[80];
    (void)state;

    rnrt_qs_init(&q, &servicebyname, "FTP/tcp");
    assert_int_equal(rnrt_lookup(&q, LUP_RETURN_NAME | LUP_RETURN_TYPE, &res), 0);
    assert_true(res.n >= 1);
    assert_string_equal(res.r[0]->lpszServiceInstanceName, "ftp");
    assert_true(rnr_guid_equal(res.r[0]->lpServiceClassId, &tcp21));
    rnrt_results_free(&res);

    /* A complete transport address for http on a host. */
    rnrt_qs_init(&q, &hostname_class, "delta.example");
    q.lpszQueryString = "http/tcp";
    assert_int_equal(rnrt_lookup(&q, LUP_RETURN_ADDR, &res), 0);
    assert_true(res.n >= 1);
    assert_string_equal(rnrt_addr(res.r[0], 0, a, sizeof a), "192.0.2.13:80");
    assert_int_equal(res.r[0]->lpcsaBuffer[0].iSocketType, SOCK_STREAM);
    rnrt_results_free(&res);
}

static void test_hosts_file_reload(void **state)
{
    WSAQUERYSETA q;
    struct rnrt_results res;
    char content[2048];
    long long deadline;
    (void)state;

    rnrt_qs_init(&q, &hostaddrbyname, "newhost.example");
    q.dwNameSpace = NS_TCPIP_HOSTS;
    assert_int_equal(rnrt_lookup(&q, LUP_RETURN_NAME, &res), WSAHOST_NOT_FOUND);

    snprintf(content, sizeof content, "%s192.0.2.99 newhost.example\n", rnrt_default_hosts);
    assert_int_equal(rnrt_write_file(daemon_.hosts, content), 0);
    /* The provider notices the change by itself; no SIGHUP, no restart. */
    deadline = rnrt_now_ms() + 5000;
    while (rnrt_lookup(&q, LUP_RETURN_NAME, &res) != 0 && rnrt_now_ms() < deadline)
        usleep(20000);
    assert_int_equal(res.status, 0);
    assert_int_equal(res.n, 1);
    rnrt_results_free(&res);
    assert_int_equal(rnrt_write_file(daemon_.hosts, rnrt_default_hosts), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_enum_providers),
        cmocka_unit_test(test_ns_all_finds_hosts_entry),
        cmocka_unit_test(test_catalog_order_and_namespace),
        cmocka_unit_test(test_provider_id),
        cmocka_unit_test(test_protocol_restriction),
        cmocka_unit_test(test_not_found),
        cmocka_unit_test(test_return_mask),
        cmocka_unit_test(test_efault_retry_keeps_record),
        cmocka_unit_test(test_flushprevious_skips_record),
        cmocka_unit_test(test_service_and_query_string),
        cmocka_unit_test(test_hosts_file_reload),
    };
    return cmocka_run_group_tests_name("integration: lookups", tests, group_setup, group_teardown);
}
