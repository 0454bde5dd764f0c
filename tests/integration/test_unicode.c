/* SPDX-License-Identifier: MIT */
/*
 * The W half of librnr against a real rnrd with the hosts, directory and
 * sap providers (and the test provider, which stores names as given):
 * every W function answers what its A twin answers, for
 * ASCII and non-ASCII names; a name registered through W is found through
 * A and W and the other way round; a lone surrogate is WSAEINVAL.
 *
 * The conversions are compiled in (client/utf16.c) to compare the two
 * halves' text.
 */
#include "config.h"

#include <rnr/nspapi.h>

#include "itest.h"
#include "alloc.h"
#include "utf16.h"

#define DIR_ID "{8C6B8C1E-3F2A-4D55-9B0E-6A1F2C3D4E0D}"
#define EXTRA_CONF \
    "[provider directory]\nmodule = directory\nnamespace = NS_NDS\n" \
    "[provider sap]\nmodule = sap\nnamespace = NS_SAP\ninterfaces = lo\nipv6 = off\n" \
    "interval = 1\n" \
    "[provider mem]\nmodule = " RNRT_MODULE_TESTPROV "\nnamespace = NS_X500\n"

/* "Drucker Büro 日本 😀": two-byte, three-byte and four-byte UTF-8. */
#define NAME8  "Drucker B\xc3\xbcro \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80"
#define NAME16 u"Drucker B\u00fcro \u65e5\u672c \U0001F600"
#define HOST8  "caf\xc3\xa9.example"
#define HOST16 u"caf\u00e9.example"

static struct rnrt_daemon daemon_;
static GUID byname = SVCID_INET_HOSTADDRBYNAME;
static const WCHAR lone[] = { 'a', 0xD800, 'b', 0 };

static int group_setup(void **state)
{
    static const char hosts[] = "192.0.2.50  " HOST8 " caf\xc3\xa9\n";
    WSADATA wd;
    char all[2048];

    (void)state;
    if (rnrt_daemon_init(&daemon_, EXTRA_CONF) != 0)
        return -1;
    snprintf(all, sizeof all, "%s%s", rnrt_default_hosts, hosts);
    if (rnrt_write_file(daemon_.hosts, all) != 0 || rnrt_daemon_start(&daemon_) != 0)
        return -1;
    return WSAStartup(MAKEWORD(2, 2), &wd);
}

static int group_teardown(void **state)
{
    (void)state;
    return rnrt_session_end(&daemon_);
}

/* ------------------------------------------------------------ helpers */

static char *u8(const WCHAR *w)
{
    char *s = NULL;

    assert_int_equal(rnr_utf16_to_utf8_dup(w, &s), 0);
    return s;
}

/* Every W result of a lookup, each converted to an A flat copy's text
 * for comparison: name, comment, context, and the raw addresses. */
struct wres {
    size_t n;
    char  *name[32];
    DWORD  ns[32];
    DWORD  naddr[32];
    struct sockaddr_storage addr[32];
};

static void wres_free(struct wres *r)
{
    size_t i;

    for (i = 0; i < r->n; i++)
        rnr_free(r->name[i]);
    r->n = 0;
}

static int lookup_w(const WSAQUERYSETW *q, DWORD flags, struct wres *res)
{
    HANDLE h;
    int status = 0;

    memset(res, 0, sizeof *res);
    if (WSALookupServiceBeginW((LPWSAQUERYSETW)q, flags, &h) != 0)
        return WSAGetLastError();
    for (;;) {
        DWORD len = 0;
        WSAQUERYSETW *buf;
        int err;

        /* A size query gives bytes; the W record is kept for the call
         * that has room. */
        if (WSALookupServiceNextW(h, 0, &len, NULL) == 0) {
            status = -1;
            break;
        }
        err = WSAGetLastError();
        if (err != WSAEFAULT) {
            if (res->n == 0 && err != WSA_E_NO_MORE)
                status = err;
            break;
        }
        assert_true(len >= sizeof(WSAQUERYSETW));
        buf = malloc(len);
        assert_non_null(buf);
        assert_int_equal(WSALookupServiceNextW(h, 0, &len, buf), 0);
        if (res->n < 32) {
            size_t i = res->n++;

            res->name[i] = buf->lpszServiceInstanceName != NULL
                           ? u8(buf->lpszServiceInstanceName) : NULL;
            res->ns[i] = buf->dwNameSpace;
            res->naddr[i] = buf->dwNumberOfCsAddrs;
            if (buf->dwNumberOfCsAddrs > 0)
                memcpy(&res->addr[i], buf->lpcsaBuffer[0].RemoteAddr.lpSockaddr,
                       (size_t)buf->lpcsaBuffer[0].RemoteAddr.iSockaddrLength);
        }
        free(buf);
    }
    WSALookupServiceEnd(h);
    return status;
}

/* The A and W lookups of one name answer alike. */
static void same_results(GUID *cls, const char *name8, const WCHAR *name16, DWORD ns,
                         DWORD flags, size_t min)
{
    struct rnrt_results a;
    struct wres w;
    WSAQUERYSETA qa;
    WSAQUERYSETW qw;
    size_t i;

    rnrt_qs_init(&qa, cls, name8);
    qa.dwNameSpace = ns;
    memset(&qw, 0, sizeof qw);
    qw.dwSize = sizeof qw;
    qw.lpServiceClassId = cls;
    qw.lpszServiceInstanceName = (LPWSTR)name16;
    qw.dwNameSpace = ns;
    assert_int_equal(rnrt_lookup(&qa, flags, &a), 0);
    assert_int_equal(lookup_w(&qw, flags, &w), 0);
    assert_true(a.n >= min);
    assert_int_equal(w.n, a.n);
    for (i = 0; i < a.n; i++) {
        assert_non_null(a.r[i]->lpszServiceInstanceName);
        assert_string_equal(w.name[i], a.r[i]->lpszServiceInstanceName);
        assert_int_equal(w.ns[i], a.r[i]->dwNameSpace);
        assert_int_equal(w.naddr[i], a.r[i]->dwNumberOfCsAddrs);
        if (w.naddr[i] > 0)
            assert_memory_equal(&w.addr[i], a.r[i]->lpcsaBuffer[0].RemoteAddr.lpSockaddr,
                                (size_t)a.r[i]->lpcsaBuffer[0].RemoteAddr.iSockaddrLength);
    }
    rnrt_results_free(&a);
    wres_free(&w);
}

/* ------------------------------------------------------------ hosts */

static void test_hosts(void **state)
{
    (void)state;
    same_results(&byname, "alpha.example", u"alpha.example", NS_ALL, LUP_RETURN_ALL, 1);
    same_results(&byname, HOST8, HOST16, NS_ALL, LUP_RETURN_ALL, 1);
    same_results(&byname, HOST8, HOST16, NS_TCPIP_HOSTS, LUP_RETURN_NAME | LUP_RETURN_ADDR, 1);
}

/* WSALookupServiceNextW's sizes are bytes, the held record survives a
 * short call and LUP_FLUSHPREVIOUS drops it. */
static void test_next_sizing(void **state)
{
    WSAQUERYSETW q, *buf;
    DWORD len = 0, need;
    HANDLE h;

    (void)state;
    memset(&q, 0, sizeof q);
    q.dwSize = sizeof q;
    q.lpServiceClassId = &byname;
    q.lpszServiceInstanceName = (LPWSTR)HOST16;
    q.dwNameSpace = NS_TCPIP_HOSTS;
    assert_int_equal(WSALookupServiceBeginW(&q, LUP_RETURN_NAME | LUP_RETURN_ADDR, &h), 0);
    assert_int_equal(WSALookupServiceNextW(h, 0, &len, NULL), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEFAULT);
    need = len;
    buf = malloc(need);
    len = need - 1;
    assert_int_equal(WSALookupServiceNextW(h, 0, &len, buf), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEFAULT);
    assert_int_equal(len, need);
    /* Exactly the bytes asked for is enough; the name is the W one. */
    assert_int_equal(WSALookupServiceNextW(h, 0, &len, buf), 0);
    assert_memory_equal(buf->lpszServiceInstanceName, HOST16, sizeof(HOST16));
    assert_true((char *)buf->lpszServiceInstanceName >= (char *)buf &&
                (char *)buf->lpszServiceInstanceName + sizeof(HOST16) <= (char *)buf + need);
    free(buf);
    assert_int_equal(WSALookupServiceNextW(h, 0, &len, NULL), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSA_E_NO_MORE);
    assert_int_equal(WSALookupServiceEnd(h), 0);

    /* Refused for size, then flushed: the lookup ends. */
    assert_int_equal(WSALookupServiceBeginW(&q, LUP_RETURN_NAME, &h), 0);
    len = 0;
    assert_int_equal(WSALookupServiceNextW(h, 0, &len, NULL), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEFAULT);
    len = 0;
    assert_int_equal(WSALookupServiceNextW(h, LUP_FLUSHPREVIOUS, &len, NULL), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSA_E_NO_MORE);
    assert_int_equal(WSALookupServiceEnd(h), 0);
}

/* ------------------------------------------------------------ registration */

static void fill_addr(struct sockaddr_in *sin, CSADDR_INFO *cs, unsigned port)
{
    memset(sin, 0, sizeof *sin);
    sin->sin_family = AF_INET;
    sin->sin_port = htons((uint16_t)port);
    sin->sin_addr.s_addr = htonl(0xC0000214);    /* 192.0.2.20 */
    memset(cs, 0, sizeof *cs);
    cs->RemoteAddr.lpSockaddr = (LPSOCKADDR)sin;
    cs->RemoteAddr.iSockaddrLength = sizeof *sin;
    cs->iSocketType = SOCK_STREAM;
    cs->iProtocol = IPPROTO_TCP;
}

static int set_w(GUID *cls, const WCHAR *name, DWORD ns, WSAESETSERVICEOP op, unsigned port)
{
    struct sockaddr_in sin;
    CSADDR_INFO cs;
    WSAQUERYSETW q;

    fill_addr(&sin, &cs, port);
    memset(&q, 0, sizeof q);
    q.dwSize = sizeof q;
    q.lpServiceClassId = cls;
    q.lpszServiceInstanceName = (LPWSTR)name;
    q.dwNameSpace = ns;
    q.dwNumberOfCsAddrs = 1;
    q.lpcsaBuffer = &cs;
    return WSASetServiceW(&q, op, 0) == 0 ? 0 : WSAGetLastError();
}

static int set_a(GUID *cls, const char *name, DWORD ns, WSAESETSERVICEOP op, unsigned port)
{
    struct sockaddr_in sin;
    CSADDR_INFO cs;
    WSAQUERYSETA q;

    fill_addr(&sin, &cs, port);
    rnrt_qs_init(&q, cls, name);
    q.dwNameSpace = ns;
    q.dwNumberOfCsAddrs = 1;
    q.lpcsaBuffer = &cs;
    return WSASetServiceA(&q, op, 0) == 0 ? 0 : WSAGetLastError();
}

static void registered_both_ways(DWORD ns, unsigned port)
{
    GUID cls = SVCID_TCP(port);

    /* Non-ASCII through W, found through A and W. */
    assert_int_equal(set_w(&cls, NAME16, ns, RNRSERVICE_REGISTER, port), 0);
    same_results(&cls, NAME8, NAME16, ns, LUP_RETURN_ALL, 1);
    /* ASCII through W. */
    assert_int_equal(set_w(&cls, u"plain-w", ns, RNRSERVICE_REGISTER, port), 0);
    same_results(&cls, "plain-w", u"plain-w", ns, LUP_RETURN_ALL, 1);
    /* Non-ASCII through A, found through W. */
    assert_int_equal(set_a(&cls, "\xc3\x85ngstr\xc3\xb6m", ns, RNRSERVICE_REGISTER, port), 0);
    same_results(&cls, "\xc3\x85ngstr\xc3\xb6m", u"\u00c5ngstr\u00f6m", ns, LUP_RETURN_ALL, 1);
    /* A wildcard lookup lists them alike. */
    same_results(&cls, "*", u"*", ns, LUP_RETURN_NAME | LUP_RETURN_ADDR, 3);
    /* Deregistered through W, gone for A. */
    assert_int_equal(set_w(&cls, NAME16, ns, RNRSERVICE_DELETE, port), 0);
    {
        struct rnrt_results a;
        WSAQUERYSETA q;

        rnrt_qs_init(&q, &cls, NAME8);
        q.dwNameSpace = ns;
        assert_int_not_equal(rnrt_lookup(&q, LUP_RETURN_NAME, &a), 0);
        rnrt_results_free(&a);
    }
    assert_int_equal(set_w(&cls, u"plain-w", ns, RNRSERVICE_DELETE, port), 0);
    assert_int_equal(set_a(&cls, "\xc3\x85ngstr\xc3\xb6m", ns, RNRSERVICE_DELETE, port), 0);
}

static void test_directory(void **state)
{
    (void)state;
    registered_both_ways(NS_NDS, 7101);
}

static void test_sap(void **state)
{
    (void)state;
    registered_both_ways(NS_SAP, 7102);
}

/* ------------------------------------------------------------ invalid text */

static void test_lone_surrogates(void **state)
{
    struct sockaddr_in sin;
    WSAQUERYSETW q;
    GUID cls = SVCID_TCP(7103), g;
    HANDLE h = (HANDLE)0x1;
    INT len = sizeof sin;
    DWORD dl = 64;
    CSADDR_INFO cs[4];

    (void)state;
    memset(&q, 0, sizeof q);
    q.dwSize = sizeof q;
    q.lpServiceClassId = &cls;
    q.lpszServiceInstanceName = (LPWSTR)lone;
    WSASetLastError(0);
    assert_int_equal(WSALookupServiceBeginW(&q, LUP_RETURN_NAME, &h), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEINVAL);
    assert_ptr_equal(h, (HANDLE)0x1);
    q.dwNameSpace = NS_NDS;
    assert_int_equal(WSASetServiceW(&q, RNRSERVICE_REGISTER, 0), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEINVAL);
    q.lpszServiceInstanceName = (LPWSTR)u"ok";
    q.lpszComment = (LPWSTR)lone;
    assert_int_equal(WSASetServiceW(&q, RNRSERVICE_REGISTER, 0), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEINVAL);
    assert_int_equal(WSAStringToAddressW((LPWSTR)lone, AF_INET, NULL, (LPSOCKADDR)&sin, &len),
                     SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEINVAL);
    assert_int_equal(GetTypeByNameW((LPWSTR)lone, &g), SOCKET_ERROR);
    assert_int_equal(GetLastError(), WSAEINVAL);
    assert_int_equal(GetAddressByNameW(NS_DEFAULT, &byname, (LPWSTR)lone, NULL, 0, NULL,
                                       cs, &dl, NULL, NULL), SOCKET_ERROR);
    assert_int_equal(GetLastError(), WSAEINVAL);
}

/* A provider's name that is not UTF-8 (the test provider keeps what the
 * A call gave it) fails that W result with WSAEINVAL, never mojibake;
 * the lookup goes on with the next result. */
static void test_bad_utf8_from_provider(void **state)
{
    GUID cls = SVCID_TCP(7106);
    WSAQUERYSETW q;
    BYTE buf[2048];
    DWORD len;
    HANDLE h;
    int good = 0, bad = 0, rc, i;

    (void)state;
    assert_int_equal(set_a(&cls, "bad\xff-x", NS_X500, RNRSERVICE_REGISTER, 7106), 0);
    assert_int_equal(set_a(&cls, "\xc3\xa9-x", NS_X500, RNRSERVICE_REGISTER, 7106), 0);
    memset(&q, 0, sizeof q);
    q.dwSize = sizeof q;
    q.lpServiceClassId = &cls;
    q.lpszServiceInstanceName = (LPWSTR)u"*-x";
    q.dwNameSpace = NS_X500;
    assert_int_equal(WSALookupServiceBeginW(&q, LUP_RETURN_NAME, &h), 0);
    for (i = 0; i < 4; i++) {
        len = sizeof buf;
        rc = WSALookupServiceNextW(h, 0, &len, (LPWSAQUERYSETW)buf);
        if (rc == 0) {
            assert_memory_equal(((LPWSAQUERYSETW)buf)->lpszServiceInstanceName, u"\u00e9-x",
                                sizeof(u"\u00e9-x"));
            good++;
            continue;
        }
        rc = WSAGetLastError();
        if (rc == WSA_E_NO_MORE)
            break;
        assert_int_equal(rc, WSAEINVAL);
        bad++;
    }
    assert_int_equal(good, 1);
    assert_int_equal(bad, 1);
    assert_int_equal(WSALookupServiceEnd(h), 0);
    assert_int_equal(set_a(&cls, "bad\xff-x", NS_X500, RNRSERVICE_DELETE, 7106), 0);
    assert_int_equal(set_a(&cls, "\xc3\xa9-x", NS_X500, RNRSERVICE_DELETE, 7106), 0);
}

/* ------------------------------------------------------------ classes, providers */

static void test_classes(void **state)
{
    GUID cls = rnrt_guid("{7E0D1C2B-0000-4000-8000-00000000AA01}");
    DWORD port = 7104, len, wlen;
    WSANSCLASSINFOW v = { (LPWSTR)u"Port", NS_DNS, REG_DWORD, sizeof port, &port };
    WSASERVICECLASSINFOW ci = { &cls, (LPWSTR)u"Imprimante \u00e9t\u00e9", 1, &v };
    WSASERVICECLASSINFOA *a;
    WSASERVICECLASSINFOW *w;
    WCHAR name[64];
    char aname[64];

    (void)state;
    assert_int_equal(WSAInstallServiceClassW(&ci), 0);

    len = 0;
    assert_int_equal(WSAGetServiceClassInfoA(NULL, &cls, &len, NULL), SOCKET_ERROR);
    a = malloc(len);
    assert_int_equal(WSAGetServiceClassInfoA(NULL, &cls, &len, a), 0);
    assert_string_equal(a->lpszServiceClassName, "Imprimante \xc3\xa9t\xc3\xa9");

    wlen = 0;
    assert_int_equal(WSAGetServiceClassInfoW(NULL, &cls, &wlen, NULL), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEFAULT);
    w = malloc(wlen);
    assert_int_equal(WSAGetServiceClassInfoW(NULL, &cls, &wlen, w), 0);
    assert_memory_equal(w->lpszServiceClassName, u"Imprimante \u00e9t\u00e9",
                        sizeof(u"Imprimante \u00e9t\u00e9"));
    assert_int_equal(w->dwCount, a->dwCount);
    assert_memory_equal(w->lpClassInfos[0].lpValue, &port, sizeof port);
    free(a);
    free(w);

    /* The name: bytes for A, WCHARs for W, the terminating 0 counted. */
    len = sizeof aname;
    assert_int_equal(WSAGetServiceClassNameByServiceClassIdA(&cls, aname, &len), 0);
    assert_int_equal(len, strlen(aname) + 1);
    wlen = 3;
    assert_int_equal(WSAGetServiceClassNameByClassIdW(&cls, name, &wlen), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEFAULT);
    assert_int_equal(wlen, rnr_wcslen(u"Imprimante \u00e9t\u00e9") + 1);
    assert_int_equal(WSAGetServiceClassNameByServiceClassIdW(&cls, name, &wlen), 0);
    assert_memory_equal(name, u"Imprimante \u00e9t\u00e9", sizeof(u"Imprimante \u00e9t\u00e9"));

    /* The legacy pair: GetNameByTypeW counts bytes. */
    memset(name, 0, sizeof name);
    assert_int_equal(GetNameByTypeW(&cls, name, 2 * 5), SOCKET_ERROR);
    assert_int_equal(GetLastError(), ERROR_INSUFFICIENT_BUFFER);
    assert_int_equal(GetNameByTypeW(&cls, name, sizeof name), 0);
    assert_memory_equal(name, u"Imprimante \u00e9t\u00e9", sizeof(u"Imprimante \u00e9t\u00e9"));
    {
        GUID got, got_a;

        assert_int_equal(GetTypeByNameW((LPWSTR)u"Imprimante \u00e9t\u00e9", &got), 0);
        assert_int_equal(GetTypeByNameA("Imprimante \xc3\xa9t\xc3\xa9", &got_a), 0);
        assert_memory_equal(&got, &cls, sizeof cls);
        assert_memory_equal(&got_a, &cls, sizeof cls);
    }
    assert_int_equal(WSARemoveServiceClass(&cls), 0);
}

static void test_providers(void **state)
{
    WSANAMESPACE_INFOA *a;
    WSANAMESPACE_INFOW *w;
    DWORD alen = 0, wlen = 0;
    int na, nw, i;

    (void)state;
    assert_int_equal(WSAEnumNameSpaceProvidersA(&alen, NULL), SOCKET_ERROR);
    a = malloc(alen);
    na = WSAEnumNameSpaceProvidersA(&alen, a);
    assert_true(na >= 4);
    assert_int_equal(WSAEnumNameSpaceProvidersW(&wlen, NULL), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEFAULT);
    w = malloc(wlen);
    wlen -= 1;
    assert_int_equal(WSAEnumNameSpaceProvidersW(&wlen, w), SOCKET_ERROR);
    nw = WSAEnumNameSpaceProvidersW(&wlen, w);
    assert_int_equal(nw, na);
    for (i = 0; i < na; i++) {
        char *id = u8(w[i].lpszIdentifier);

        assert_string_equal(id, a[i].lpszIdentifier);
        assert_int_equal(w[i].dwNameSpace, a[i].dwNameSpace);
        assert_int_equal(w[i].fActive, a[i].fActive);
        assert_memory_equal(&w[i].NSProviderId, &a[i].NSProviderId, sizeof(GUID));
        assert_true((char *)w[i].lpszIdentifier > (char *)&w[na - 1] &&
                    (char *)w[i].lpszIdentifier < (char *)w + wlen);
        rnr_free(id);
    }
    free(a);
    free(w);
}

/* ------------------------------------------------------------ addresses, protocols, host */

static void test_address_strings(void **state)
{
    static const char *forms[] = { "192.0.2.1:80", "192.0.2.1", "[2001:db8::1]:443", "::1" };
    struct sockaddr_storage sa, sw;
    WCHAR text[64], *wf;
    char atext[64];
    DWORD alen, wlen;
    INT la, lw;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        int af = strchr(forms[i], ':') != NULL && strchr(forms[i], '.') == NULL ? AF_INET6 : AF_INET;

        assert_int_equal(rnr_utf8_to_utf16_dup(forms[i], &wf), 0);
        la = lw = sizeof sa;
        assert_int_equal(WSAStringToAddressA((LPSTR)forms[i], af, NULL, (LPSOCKADDR)&sa, &la), 0);
        assert_int_equal(WSAStringToAddressW(wf, af, NULL, (LPSOCKADDR)&sw, &lw), 0);
        assert_int_equal(la, lw);
        assert_memory_equal(&sa, &sw, (size_t)la);
        alen = sizeof atext;
        assert_int_equal(WSAAddressToStringA((LPSOCKADDR)&sa, (DWORD)la, NULL, atext, &alen), 0);
        /* WCHARs: one short, then exact. */
        wlen = (DWORD)strlen(atext);
        assert_int_equal(WSAAddressToStringW((LPSOCKADDR)&sa, (DWORD)la, NULL, text, &wlen),
                         SOCKET_ERROR);
        assert_int_equal(WSAGetLastError(), WSAEFAULT);
        assert_int_equal(wlen, alen);
        assert_int_equal(WSAAddressToStringW((LPSOCKADDR)&sa, (DWORD)la, NULL, text, &wlen), 0);
        assert_int_equal(wlen, alen);
        {
            char *back = u8(text);

            assert_string_equal(back, atext);
            rnr_free(back);
        }
        rnr_free(wf);
    }
}

static void test_protocols(void **state)
{
    WSAPROTOCOL_INFOA *a;
    WSAPROTOCOL_INFOW *w;
    PROTOCOL_INFOA *pa;
    PROTOCOL_INFOW *pw;
    DWORD alen = 0, wlen = 0;
    int na, nw, i;

    (void)state;
    assert_int_equal(WSAEnumProtocolsA(NULL, NULL, &alen), SOCKET_ERROR);
    a = malloc(alen);
    na = WSAEnumProtocolsA(NULL, a, &alen);
    assert_int_equal(WSAEnumProtocolsW(NULL, NULL, &wlen), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAENOBUFS);
    assert_int_equal(wlen, (DWORD)na * sizeof(WSAPROTOCOL_INFOW));
    w = malloc(wlen);
    nw = WSAEnumProtocolsW(NULL, w, &wlen);
    assert_int_equal(nw, na);
    for (i = 0; i < na; i++) {
        char *name = u8(w[i].szProtocol);

        assert_string_equal(name, a[i].szProtocol);
        assert_int_equal(w[i].iProtocol, a[i].iProtocol);
        assert_int_equal(w[i].dwCatalogEntryId, a[i].dwCatalogEntryId);
        rnr_free(name);
    }
    free(a);
    free(w);

    alen = wlen = 0;
    assert_int_equal(EnumProtocolsA(NULL, NULL, &alen), SOCKET_ERROR);
    pa = malloc(alen);
    na = EnumProtocolsA(NULL, pa, &alen);
    assert_int_equal(EnumProtocolsW(NULL, NULL, &wlen), SOCKET_ERROR);
    assert_int_equal(GetLastError(), ERROR_INSUFFICIENT_BUFFER);
    pw = malloc(wlen);
    nw = EnumProtocolsW(NULL, pw, &wlen);
    assert_int_equal(nw, na);
    for (i = 0; i < na; i++) {
        char *name = u8(pw[i].lpProtocol);

        assert_string_equal(name, pa[i].lpProtocol);
        assert_int_equal(pw[i].iSocketType, pa[i].iSocketType);
        assert_true((char *)pw[i].lpProtocol < (char *)pw + wlen);
        rnr_free(name);
    }
    free(pa);
    free(pw);
}

static void test_hostname(void **state)
{
    char host[256];
    WCHAR wh[256], tiny[2];
    char *back;

    (void)state;
    assert_int_equal(rnr_gethostname(host, sizeof host), 0);
    assert_int_equal(GetHostNameW(wh, 256), 0);
    back = u8(wh);
    assert_string_equal(back, host);
    rnr_free(back);
    /* namelen counts WCHARs: exactly the name and its 0 fits. */
    assert_int_equal(GetHostNameW(wh, (int)strlen(host) + 1), 0);
    assert_int_equal(GetHostNameW(wh, (int)strlen(host)), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEFAULT);
    assert_int_equal(GetHostNameW(tiny, 0), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEFAULT);
}

/* ------------------------------------------------------------ legacy nspapi */

static void test_legacy_lookup(void **state)
{
    BYTE ca[2048], cw[2048];
    char aliases_a[512];
    WCHAR aliases_w[512];
    DWORD la = sizeof ca, lw = sizeof cw, ala = sizeof aliases_a, alw = sizeof aliases_w;
    int na, nw, i;

    (void)state;
    na = GetAddressByNameA(NS_DEFAULT, &byname, HOST8, NULL, 0, NULL, ca, &la,
                           aliases_a, &ala);
    assert_true(na >= 1);
    /* Too small an alias buffer: both sizes, bytes. */
    alw = 2;
    nw = GetAddressByNameW(NS_DEFAULT, &byname, (LPWSTR)HOST16, NULL, 0, NULL, cw, &lw,
                           aliases_w, &alw);
    assert_int_equal(nw, SOCKET_ERROR);
    assert_int_equal(GetLastError(), ERROR_INSUFFICIENT_BUFFER);
    assert_true(alw > 2 && alw % 2 == 0);
    lw = sizeof cw;
    nw = GetAddressByNameW(NS_DEFAULT, &byname, (LPWSTR)HOST16, NULL, 0, NULL, cw, &lw,
                           aliases_w, &alw);
    assert_int_equal(nw, na);
    assert_int_equal(lw, la);
    for (i = 0; i < na; i++) {
        CSADDR_INFO *x = &((CSADDR_INFO *)ca)[i], *y = &((CSADDR_INFO *)cw)[i];

        assert_int_equal(x->RemoteAddr.iSockaddrLength, y->RemoteAddr.iSockaddrLength);
        assert_memory_equal(x->RemoteAddr.lpSockaddr, y->RemoteAddr.lpSockaddr,
                            (size_t)x->RemoteAddr.iSockaddrLength);
        assert_true((BYTE *)y->RemoteAddr.lpSockaddr >= cw &&
                    (BYTE *)y->RemoteAddr.lpSockaddr < cw + lw);
    }
    {
        /* The same alias list, UTF-16. */
        const char *p = aliases_a;
        const WCHAR *q = aliases_w;

        for (;;) {
            char *s = u8(q);

            assert_string_equal(s, p);
            rnr_free(s);
            if (*p == '\0')
                break;
            p += strlen(p) + 1;
            q += rnr_wcslen(q) + 1;
        }
    }
}

static void test_legacy_service(void **state)
{
    GUID cls = SVCID_TCP(7105);
    struct sockaddr_in sin;
    SERVICE_ADDRESSES sa;
    SERVICE_INFOW si;
    BYTE ba[4096], bw[4096];
    DWORD la = sizeof ba, lw, status = 99;
    NS_SERVICE_INFOA *ra = (NS_SERVICE_INFOA *)ba;
    NS_SERVICE_INFOW *rw = (NS_SERVICE_INFOW *)bw;
    int na, nw, i;

    (void)state;
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_port = htons(7105);
    sin.sin_addr.s_addr = htonl(0xC0000215);
    memset(&sa, 0, sizeof sa);
    sa.dwAddressCount = 1;
    sa.Addresses[0].dwAddressType = AF_INET;
    sa.Addresses[0].dwAddressLength = sizeof sin;
    sa.Addresses[0].lpAddress = (BYTE *)&sin;
    memset(&si, 0, sizeof si);
    si.lpServiceType = &cls;
    si.lpServiceName = (LPWSTR)NAME16;
    si.lpComment = (LPWSTR)u"\u00e9crit en W";
    si.lpServiceAddress = &sa;
    assert_int_equal(SetServiceW(NS_NDS, SERVICE_REGISTER, 0, &si, NULL, &status), 0);
    assert_int_equal(status, 0);

    na = GetServiceA(NS_NDS, &cls, NAME8, PROP_ALL, ba, &la, NULL);
    assert_true(na >= 1);
    assert_string_equal(ra[0].ServiceInfo.lpServiceName, NAME8);
    lw = 8;
    assert_int_equal(GetServiceW(NS_NDS, &cls, (LPWSTR)NAME16, PROP_ALL, bw, &lw, NULL),
                     SOCKET_ERROR);
    assert_int_equal(GetLastError(), ERROR_INSUFFICIENT_BUFFER);
    assert_true(lw > 8 && lw <= sizeof bw);
    nw = GetServiceW(NS_NDS, &cls, (LPWSTR)NAME16, PROP_ALL, bw, &lw, NULL);
    assert_int_equal(nw, na);
    for (i = 0; i < na; i++) {
        char *n = u8(rw[i].ServiceInfo.lpServiceName);

        assert_string_equal(n, ra[i].ServiceInfo.lpServiceName);
        rnr_free(n);
        assert_int_equal(rw[i].dwNameSpace, ra[i].dwNameSpace);
        assert_int_equal(rw[i].ServiceInfo.lpServiceAddress->dwAddressCount,
                         ra[i].ServiceInfo.lpServiceAddress->dwAddressCount);
        assert_true((BYTE *)rw[i].ServiceInfo.lpServiceAddress < bw + lw);
    }
    assert_int_equal(SetServiceW(NS_NDS, SERVICE_DEREGISTER, 0, &si, NULL, &status), 0);
    la = sizeof ba;
    assert_int_equal(GetServiceA(NS_NDS, &cls, NAME8, PROP_ALL, ba, &la, NULL), 0);
    assert_int_equal(GetLastError(), ERROR_SERVICE_NOT_FOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hosts),
        cmocka_unit_test(test_next_sizing),
        cmocka_unit_test(test_directory),
        cmocka_unit_test(test_sap),
        cmocka_unit_test(test_lone_surrogates),
        cmocka_unit_test(test_bad_utf8_from_provider),
        cmocka_unit_test(test_classes),
        cmocka_unit_test(test_providers),
        cmocka_unit_test(test_address_strings),
        cmocka_unit_test(test_protocols),
        cmocka_unit_test(test_hostname),
        cmocka_unit_test(test_legacy_lookup),
        cmocka_unit_test(test_legacy_service),
    };

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
