/* SPDX-License-Identifier: MIT */
/*
 * The unsuffixed names, built twice: with UNICODE (test_tchar_unicode)
 * they must be the W functions and structures, without it
 * (test_tchar_ansi) the A ones, exactly as the SDK headers make them.
 * Mostly compile-time checks; the program links against librnr and calls
 * a few functions through the unsuffixed names with TEXT() strings.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <rnr/winsock2.h>
#include <rnr/nspapi.h>

#define SAME_TYPE(a, b) __builtin_types_compatible_p(a, b)

#ifdef UNICODE
#define W_OR_A(w, a) w
#else
#define W_OR_A(w, a) a
#endif

_Static_assert(sizeof(WCHAR) == 2, "WCHAR is UTF-16");
_Static_assert(SAME_TYPE(TCHAR, W_OR_A(WCHAR, char)), "TCHAR follows UNICODE");
_Static_assert(SAME_TYPE(LPTSTR, W_OR_A(LPWSTR, LPSTR)), "LPTSTR follows UNICODE");
_Static_assert(sizeof(TEXT("ab")) == 3 * sizeof(TCHAR), "TEXT() follows UNICODE");
_Static_assert(sizeof(_T("ab")) == 3 * sizeof(TCHAR), "_T() follows UNICODE");
_Static_assert(SAME_TYPE(WSAQUERYSET, W_OR_A(WSAQUERYSETW, WSAQUERYSETA)), "WSAQUERYSET");
_Static_assert(SAME_TYPE(LPWSAQUERYSET, W_OR_A(LPWSAQUERYSETW, LPWSAQUERYSETA)), "LP");
_Static_assert(SAME_TYPE(WSASERVICECLASSINFO,
                         W_OR_A(WSASERVICECLASSINFOW, WSASERVICECLASSINFOA)), "class");
_Static_assert(SAME_TYPE(WSANSCLASSINFO, W_OR_A(WSANSCLASSINFOW, WSANSCLASSINFOA)), "ns");
_Static_assert(SAME_TYPE(WSANAMESPACE_INFO,
                         W_OR_A(WSANAMESPACE_INFOW, WSANAMESPACE_INFOA)), "nsinfo");
_Static_assert(SAME_TYPE(WSAPROTOCOL_INFO, W_OR_A(WSAPROTOCOL_INFOW, WSAPROTOCOL_INFOA)), "p");
_Static_assert(SAME_TYPE(SERVICE_INFO, W_OR_A(SERVICE_INFOW, SERVICE_INFOA)), "si");
_Static_assert(SAME_TYPE(NS_SERVICE_INFO, W_OR_A(NS_SERVICE_INFOW, NS_SERVICE_INFOA)), "nssi");
_Static_assert(SAME_TYPE(SERVICE_TYPE_INFO_ABS,
                         W_OR_A(SERVICE_TYPE_INFO_ABSW, SERVICE_TYPE_INFO_ABSA)), "abs");
_Static_assert(SAME_TYPE(PROTOCOL_INFO, W_OR_A(PROTOCOL_INFOW, PROTOCOL_INFOA)), "pi");
_Static_assert(SAME_TYPE(NS_INFO, W_OR_A(NS_INFOW, NS_INFOA)), "nsi");

/* Each unsuffixed name is the function of the right half: assigning it to
 * a pointer of the exact W (or A) type compiles only then. */
#define SAME_FN(name) \
    _Static_assert(SAME_TYPE(__typeof__(&name), __typeof__(&W_OR_A(name##W, name##A))), #name)
SAME_FN(WSALookupServiceBegin);
SAME_FN(WSALookupServiceNext);
SAME_FN(WSASetService);
SAME_FN(WSAInstallServiceClass);
SAME_FN(WSAGetServiceClassInfo);
SAME_FN(WSAGetServiceClassNameByClassId);
SAME_FN(WSAGetServiceClassNameByServiceClassId);
SAME_FN(WSAEnumNameSpaceProviders);
SAME_FN(WSAAddressToString);
SAME_FN(WSAStringToAddress);
SAME_FN(WSAEnumProtocols);
SAME_FN(GetAddressByName);
SAME_FN(GetService);
SAME_FN(SetService);
SAME_FN(GetTypeByName);
SAME_FN(GetNameByType);
SAME_FN(EnumProtocols);

static void test_through_unsuffixed(void **state)
{
    struct sockaddr_in sin;
    TCHAR text[64];
    DWORD len = 64;
    INT alen = sizeof sin;
    WSAPROTOCOL_INFO *p;
    DWORD plen = 0;
    int n;

    (void)state;
    assert_int_equal(WSAStringToAddress((LPTSTR)TEXT("192.0.2.7:8080"), AF_INET, NULL,
                                        (LPSOCKADDR)&sin, &alen), 0);
    assert_int_equal(ntohs(sin.sin_port), 8080);
    assert_int_equal(WSAAddressToString((LPSOCKADDR)&sin, sizeof sin, NULL, text, &len), 0);
    assert_int_equal(len, sizeof(TEXT("192.0.2.7:8080")) / sizeof(TCHAR));
    assert_memory_equal(text, TEXT("192.0.2.7:8080"), sizeof(TEXT("192.0.2.7:8080")));
    assert_int_equal(WSAEnumProtocols(NULL, NULL, &plen), SOCKET_ERROR);
    p = malloc(plen);
    n = WSAEnumProtocols(NULL, p, &plen);
    assert_true(n >= 0);
    assert_int_equal(plen, (DWORD)n * sizeof(WSAPROTOCOL_INFO));
    free(p);
}

static int setup(void **state)
{
    WSADATA d;

    (void)state;
    return WSAStartup(MAKEWORD(2, 2), &d);
}

static int teardown(void **state)
{
    (void)state;
    return WSACleanup();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_through_unsuffixed),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
