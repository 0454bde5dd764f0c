/* SPDX-License-Identifier: MIT */
/*
 * A <-> W conversion of query sets and service class information
 * (client/wconv.h), and the SDK layout of the W structures.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include <rnr/winsock2.h>
#include <rnr/nspapi.h>
#include "alloc.h"
#include "utf16.h"
#include "wconv.h"

static const GUID g_class = { 0x12345678, 0x1234, 0x5678, { 1, 2, 3, 4, 5, 6, 7, 8 } };

static void test_layout(void **state)
{
    (void)state;
    /* The A and W query sets differ only in what their strings point to. */
    assert_int_equal(sizeof(WSAQUERYSETW), sizeof(WSAQUERYSETA));
    assert_int_equal(offsetof(WSAQUERYSETW, lpBlob), offsetof(WSAQUERYSETA, lpBlob));
    assert_int_equal(offsetof(WSAQUERYSETW, lpszQueryString),
                     offsetof(WSAQUERYSETA, lpszQueryString));
    assert_int_equal(sizeof(WSASERVICECLASSINFOW), sizeof(WSASERVICECLASSINFOA));
    assert_int_equal(sizeof(WSANSCLASSINFOW), sizeof(WSANSCLASSINFOA));
    assert_int_equal(sizeof(WSANAMESPACE_INFOW), sizeof(WSANAMESPACE_INFOA));
    /* The SDK's sizes: 372 and 628 bytes, no pointers in either. */
    assert_int_equal(sizeof(WSAPROTOCOL_INFOA), 372);
    assert_int_equal(sizeof(WSAPROTOCOL_INFOW), 628);
    assert_int_equal(offsetof(WSAPROTOCOL_INFOW, szProtocol),
                     offsetof(WSAPROTOCOL_INFOA, szProtocol));
    assert_int_equal(sizeof(SERVICE_INFOW), sizeof(SERVICE_INFOA));
    assert_int_equal(sizeof(NS_SERVICE_INFOW), sizeof(NS_SERVICE_INFOA));
    assert_int_equal(sizeof(SERVICE_TYPE_INFO_ABSW), sizeof(SERVICE_TYPE_INFO_ABSA));
    assert_int_equal(offsetof(SERVICE_TYPE_INFO_ABSW, Values),
                     offsetof(SERVICE_TYPE_INFO_ABSA, Values));
    assert_int_equal(sizeof(PROTOCOL_INFOW), sizeof(PROTOCOL_INFOA));
    assert_int_equal(sizeof(NS_INFOW), sizeof(NS_INFOA));
}

static void test_qs_w_to_a(void **state)
{
    WSAQUERYSETW w;
    WSAQUERYSETA *a = NULL;
    GUID cls = g_class;
    AFPROTOCOLS afp = { AF_INET, 6 };

    (void)state;
    memset(&w, 0, sizeof(w));
    w.dwSize = sizeof(w);
    w.lpszServiceInstanceName = (LPWSTR)u"caf\u00e9 \U0001F600";
    w.lpszComment = (LPWSTR)u"comment";
    w.lpServiceClassId = &cls;
    w.dwNameSpace = NS_ALL;
    w.dwNumberOfProtocols = 1;
    w.lpafpProtocols = &afp;
    assert_int_equal(rnr_qs_w_to_a(&w, &a), 0);
    assert_non_null(a);
    assert_int_equal(a->dwSize, sizeof(WSAQUERYSETA));
    assert_string_equal(a->lpszServiceInstanceName, "caf\xc3\xa9 \xf0\x9f\x98\x80");
    assert_string_equal(a->lpszComment, "comment");
    assert_null(a->lpszContext);
    assert_null(a->lpszQueryString);
    assert_memory_equal(a->lpServiceClassId, &g_class, sizeof(GUID));
    assert_ptr_not_equal(a->lpServiceClassId, &cls);   /* a copy: flat */
    assert_int_equal(a->dwNumberOfProtocols, 1);
    assert_int_equal(a->lpafpProtocols[0].iProtocol, 6);
    rnr_free(a);
}

static void test_qs_w_to_a_invalid(void **state)
{
    static const WCHAR lone[] = { 'x', 0xD800, 0 };
    static const WCHAR low[] = { 0xDC00, 'x', 0 };
    WSAQUERYSETW w;
    WSAQUERYSETA *a = (WSAQUERYSETA *)0x1;
    GUID cls = g_class;

    (void)state;
    assert_int_equal(rnr_qs_w_to_a(NULL, &a), WSAEFAULT);
    memset(&w, 0, sizeof(w));
    w.dwSize = sizeof(w);
    w.lpServiceClassId = &cls;
    w.lpszServiceInstanceName = (LPWSTR)lone;
    assert_int_equal(rnr_qs_w_to_a(&w, &a), WSAEINVAL);
    w.lpszServiceInstanceName = (LPWSTR)u"ok";
    w.lpszContext = (LPWSTR)low;
    assert_int_equal(rnr_qs_w_to_a(&w, &a), WSAEINVAL);
    /* Counts the A validation refuses are refused before the copy reads
     * the arrays they claim (one element here, not a million). */
    w.lpszContext = NULL;
    {
        CSADDR_INFO one;
        AFPROTOCOLS afp = { AF_INET, 6 };

        memset(&one, 0, sizeof(one));
        w.dwNumberOfCsAddrs = 1000000;
        w.lpcsaBuffer = &one;
        assert_int_equal(rnr_qs_w_to_a(&w, &a), WSAEINVAL);
        w.dwNumberOfCsAddrs = 0;
        w.lpcsaBuffer = NULL;
        w.dwNumberOfProtocols = 1000000;
        w.lpafpProtocols = &afp;
        assert_int_equal(rnr_qs_w_to_a(&w, &a), WSAEINVAL);
        w.dwNumberOfProtocols = 0;
        w.lpafpProtocols = NULL;
        w.dwSize = sizeof(w) + 4;
        assert_int_equal(rnr_qs_w_to_a(&w, &a), WSAEINVAL);
    }
    assert_ptr_equal(a, (WSAQUERYSETA *)0x1);
}

/* Is [p, p + n) inside [base, base + len)? */
static int inside(const void *p, size_t n, const void *base, size_t len)
{
    const char *c = p, *b = base;

    return c >= b && c + n <= b + len;
}

static void test_qs_a_to_w(void **state)
{
    struct sockaddr_in sin;
    CSADDR_INFO cs;
    WSAVERSION ver = { 3, COMP_EQUAL };
    BYTE blobdata[5] = { 1, 2, 3, 4, 5 };
    BLOB blob = { sizeof(blobdata), blobdata };
    GUID cls = g_class;
    WSAQUERYSETA a;
    WSAQUERYSETW *w;
    DWORD need = 0, len;
    uint8_t *buf;

    (void)state;
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_port = htons(80);
    sin.sin_addr.s_addr = htonl(0x7f000001);
    memset(&cs, 0, sizeof(cs));
    cs.RemoteAddr.lpSockaddr = (LPSOCKADDR)&sin;
    cs.RemoteAddr.iSockaddrLength = sizeof(sin);
    cs.iSocketType = SOCK_STREAM;
    cs.iProtocol = 6;
    memset(&a, 0, sizeof(a));
    a.dwSize = sizeof(a);
    a.lpszServiceInstanceName = "\xe6\x97\xa5\xe6\x9c\xac-printer";
    a.lpszComment = "\xf0\x9f\x98\x80";
    a.lpszContext = "ctx";
    a.lpServiceClassId = &cls;
    a.lpVersion = &ver;
    a.dwNameSpace = NS_SAP;
    a.dwNumberOfCsAddrs = 1;
    a.lpcsaBuffer = &cs;
    a.lpBlob = &blob;
    a.dwOutputFlags = RESULT_IS_ALIAS;

    /* Size query: NULL buffer, then one byte short; both give the size in
     * bytes and write nothing. */
    assert_int_equal(rnr_qs_a_to_w(&a, NULL, &need), WSAEFAULT);
    assert_true(need > sizeof(WSAQUERYSETW));
    buf = rnr_malloc(need + 16);
    memset(buf, 0xAA, need + 16);
    len = need - 1;
    assert_int_equal(rnr_qs_a_to_w(&a, (WSAQUERYSETW *)buf, &len), WSAEFAULT);
    assert_int_equal(len, need);
    assert_int_equal(buf[0], 0xAA);

    /* Exact fit: everything inside the buffer, nothing past it. */
    len = need;
    assert_int_equal(rnr_qs_a_to_w(&a, (WSAQUERYSETW *)buf, &len), 0);
    assert_int_equal(len, need);
    assert_int_equal(buf[need], 0xAA);
    w = (WSAQUERYSETW *)buf;
    assert_int_equal(w->dwSize, sizeof(WSAQUERYSETW));
    assert_int_equal(w->dwNameSpace, NS_SAP);
    assert_int_equal(w->dwOutputFlags, RESULT_IS_ALIAS);
    assert_memory_equal(w->lpszServiceInstanceName, u"\u65e5\u672c-printer",
                        sizeof(u"\u65e5\u672c-printer"));
    assert_true(inside(w->lpszServiceInstanceName, sizeof(u"\u65e5\u672c-printer"), buf, need));
    assert_memory_equal(w->lpszComment, u"\U0001F600", sizeof(u"\U0001F600"));
    assert_memory_equal(w->lpszContext, u"ctx", sizeof(u"ctx"));
    assert_null(w->lpszQueryString);
    assert_true(inside(w->lpServiceClassId, sizeof(GUID), buf, need));
    assert_memory_equal(w->lpServiceClassId, &g_class, sizeof(GUID));
    assert_true(inside(w->lpVersion, sizeof(WSAVERSION), buf, need));
    assert_int_equal(w->lpVersion->dwVersion, 3);
    assert_int_equal(w->dwNumberOfCsAddrs, 1);
    assert_true(inside(w->lpcsaBuffer, sizeof(CSADDR_INFO), buf, need));
    assert_null(w->lpcsaBuffer[0].LocalAddr.lpSockaddr);
    assert_true(inside(w->lpcsaBuffer[0].RemoteAddr.lpSockaddr, sizeof(sin), buf, need));
    assert_memory_equal(w->lpcsaBuffer[0].RemoteAddr.lpSockaddr, &sin, sizeof(sin));
    assert_int_equal(w->lpcsaBuffer[0].iProtocol, 6);
    assert_true(inside(w->lpBlob, sizeof(BLOB), buf, need));
    assert_int_equal(w->lpBlob->cbSize, 5);
    assert_true(inside(w->lpBlob->pBlobData, 5, buf, need));
    assert_memory_equal(w->lpBlob->pBlobData, blobdata, 5);
    rnr_free(buf);
}

static void test_qs_a_to_w_invalid(void **state)
{
    static const char *bad[] = { "\xc0\xaf", "\xed\xa0\x80", "a\x80", "\xf4\x90\x80\x80" };
    WSAQUERYSETA a;
    uint8_t buf[512];
    DWORD len;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        memset(&a, 0, sizeof(a));
        a.dwSize = sizeof(a);
        a.lpszServiceInstanceName = (char *)bad[i];
        len = sizeof(buf);
        assert_int_equal(rnr_qs_a_to_w(&a, (WSAQUERYSETW *)buf, &len), WSAEINVAL);
        assert_int_equal(len, sizeof(buf));
        /* Invalid beats too small: no size is offered for a record that
         * can never be converted. */
        len = 0;
        assert_int_equal(rnr_qs_a_to_w(&a, NULL, &len), WSAEINVAL);
    }
}

static void test_class_roundtrip(void **state)
{
    DWORD v1 = 1234;
    WSANSCLASSINFOW e[2];
    WSASERVICECLASSINFOW w, *back;
    WSASERVICECLASSINFOA *a = NULL;
    GUID cls = g_class;
    DWORD need = 0, len;
    uint8_t *buf;

    (void)state;
    memset(e, 0, sizeof(e));
    e[0].lpszName = (LPWSTR)u"Port\u00e9";
    e[0].dwNameSpace = NS_SAP;
    e[0].dwValueType = REG_DWORD;
    e[0].dwValueSize = sizeof(v1);
    e[0].lpValue = &v1;
    e[1].lpszName = (LPWSTR)u"Empty";
    e[1].dwNameSpace = NS_DNS;
    e[1].dwValueType = REG_BINARY;
    memset(&w, 0, sizeof(w));
    w.lpServiceClassId = &cls;
    w.lpszServiceClassName = (LPWSTR)u"\u65e5\u672c class";
    w.dwCount = 2;
    w.lpClassInfos = e;

    assert_int_equal(rnr_class_w_to_a(&w, &a), 0);
    assert_string_equal(a->lpszServiceClassName, "\xe6\x97\xa5\xe6\x9c\xac class");
    assert_int_equal(a->dwCount, 2);
    assert_string_equal(a->lpClassInfos[0].lpszName, "Port\xc3\xa9");
    assert_int_equal(a->lpClassInfos[0].dwValueSize, sizeof(v1));
    assert_memory_equal(a->lpClassInfos[0].lpValue, &v1, sizeof(v1));
    assert_string_equal(a->lpClassInfos[1].lpszName, "Empty");

    assert_int_equal(rnr_class_a_to_w(a, NULL, &need), WSAEFAULT);
    buf = rnr_malloc(need);
    len = need - 1;
    assert_int_equal(rnr_class_a_to_w(a, (WSASERVICECLASSINFOW *)buf, &len), WSAEFAULT);
    assert_int_equal(len, need);
    assert_int_equal(rnr_class_a_to_w(a, (WSASERVICECLASSINFOW *)buf, &len), 0);
    back = (WSASERVICECLASSINFOW *)buf;
    assert_true(inside(back->lpServiceClassId, sizeof(GUID), buf, need));
    assert_memory_equal(back->lpszServiceClassName, u"\u65e5\u672c class",
                        sizeof(u"\u65e5\u672c class"));
    assert_int_equal(back->dwCount, 2);
    assert_true(inside(back->lpClassInfos, 2 * sizeof(WSANSCLASSINFOW), buf, need));
    assert_memory_equal(back->lpClassInfos[0].lpszName, u"Port\u00e9", sizeof(u"Port\u00e9"));
    assert_true(inside(back->lpClassInfos[0].lpValue, sizeof(v1), buf, need));
    assert_memory_equal(back->lpClassInfos[0].lpValue, &v1, sizeof(v1));
    assert_int_equal(back->lpClassInfos[1].dwNameSpace, NS_DNS);
    rnr_free(buf);
    rnr_free(a);
}

static void test_class_invalid(void **state)
{
    static const WCHAR lone[] = { 0xDBFF, 0 };
    WSANSCLASSINFOW e;
    WSASERVICECLASSINFOW w;
    WSASERVICECLASSINFOA *a = (WSASERVICECLASSINFOA *)0x1, ca;
    GUID cls = g_class;
    DWORD len = 0;

    (void)state;
    assert_int_equal(rnr_class_w_to_a(NULL, &a), WSAEFAULT);
    memset(&e, 0, sizeof(e));
    e.lpszName = (LPWSTR)lone;
    memset(&w, 0, sizeof(w));
    w.lpServiceClassId = &cls;
    w.lpszServiceClassName = (LPWSTR)u"ok";
    w.dwCount = 1;
    w.lpClassInfos = &e;
    assert_int_equal(rnr_class_w_to_a(&w, &a), WSAEINVAL);
    w.dwCount = 0;
    w.lpClassInfos = NULL;
    w.lpszServiceClassName = (LPWSTR)lone;
    assert_int_equal(rnr_class_w_to_a(&w, &a), WSAEINVAL);
    assert_ptr_equal(a, (WSASERVICECLASSINFOA *)0x1);

    memset(&ca, 0, sizeof(ca));
    ca.lpszServiceClassName = "\xe0\x80\x80";
    assert_int_equal(rnr_class_a_to_w(&ca, NULL, &len), WSAEINVAL);
}

static void test_wstr_out(void **state)
{
    WCHAR buf[8];
    DWORD len;

    (void)state;
    len = 0;
    assert_int_equal(rnr_wstr_out("caf\xc3\xa9", NULL, &len), WSAEFAULT);
    assert_int_equal(len, 5);                 /* WCHARs, the 0 counted */
    len = 4;
    assert_int_equal(rnr_wstr_out("caf\xc3\xa9", buf, &len), WSAEFAULT);
    assert_int_equal(len, 5);
    len = 8;
    assert_int_equal(rnr_wstr_out("caf\xc3\xa9", buf, &len), 0);
    assert_int_equal(len, 5);
    assert_memory_equal(buf, u"caf\u00e9", sizeof(u"caf\u00e9"));
    len = 8;
    assert_int_equal(rnr_wstr_out("\xff", buf, &len), WSAEINVAL);
    assert_int_equal(len, 8);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout),
        cmocka_unit_test(test_qs_w_to_a),
        cmocka_unit_test(test_qs_w_to_a_invalid),
        cmocka_unit_test(test_qs_a_to_w),
        cmocka_unit_test(test_qs_a_to_w_invalid),
        cmocka_unit_test(test_class_roundtrip),
        cmocka_unit_test(test_class_invalid),
        cmocka_unit_test(test_wstr_out),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
