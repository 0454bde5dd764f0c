/* SPDX-License-Identifier: MIT */
/*
 * Windows RnR code compiles against <rnr/winsock2.h> with only its include
 * line changed, and runs.  The function below is written the way the
 * Windows SDK samples write it (ZeroMemory, LPWSAQUERYSET, the two-call
 * WSAEFAULT sizing idiom) and must not be "fixed" into Linux style.
 */
#include "config.h"

#include <rnr/winsock2.h>   /* on Windows: #include <winsock2.h> + <svcguid.h> */
#include <stdio.h>
#include <stdlib.h>

#include "itest.h"

static int CountHostResults(const char *host)
{
    WSAQUERYSET qs;
    HANDLE hLookup;
    GUID guid = SVCID_INET_HOSTADDRBYNAME;
    DWORD dwLength;
    LPWSAQUERYSET pResults;
    int count = 0;

    ZeroMemory(&qs, sizeof(qs));
    qs.dwSize = sizeof(WSAQUERYSET);
    qs.lpServiceClassId = &guid;
    qs.lpszServiceInstanceName = (LPSTR)host;
    qs.dwNameSpace = NS_ALL;
    if (WSALookupServiceBegin(&qs, LUP_RETURN_NAME | LUP_RETURN_ADDR, &hLookup) == SOCKET_ERROR)
        return -WSAGetLastError();
    for (;;) {
        dwLength = 0;
        if (WSALookupServiceNext(hLookup, 0, &dwLength, NULL) == SOCKET_ERROR &&
            WSAGetLastError() != WSAEFAULT)
            break;
        pResults = (LPWSAQUERYSET)malloc(dwLength);
        if (pResults == NULL)
            break;
        if (WSALookupServiceNext(hLookup, 0, &dwLength, pResults) == SOCKET_ERROR) {
            free(pResults);
            break;
        }
        if (pResults->dwNumberOfCsAddrs > 0)
            count++;
        free(pResults);
    }
    WSALookupServiceEnd(hLookup);
    return count;
}

static struct rnrt_daemon daemon_;

static void test_windows_style_code_runs(void **state)
{
    WSADATA wsaData;
    (void)state;

    assert_int_equal(WSAStartup(MAKEWORD(2, 2), &wsaData), 0);
    assert_int_equal(LOBYTE(wsaData.wVersion), 2);
    assert_int_equal(HIBYTE(wsaData.wVersion), 2);
    assert_int_equal(CountHostResults("alpha.example"), 1);
    assert_int_equal(CountHostResults("nosuch.example"), 0);
    assert_int_equal(WSACleanup(), 0);
}

static int setup(void **state)
{
    (void)state;
    return rnrt_daemon_init(&daemon_, NULL) == 0 && rnrt_daemon_start(&daemon_) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
    int rc;
    (void)state;
    rc = rnrt_daemon_stop(&daemon_);
    rnrt_daemon_destroy(&daemon_);
    return rc;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_windows_style_code_runs),
    };
    return cmocka_run_group_tests_name("integration: Windows source", tests, setup, teardown);
}
