/* SPDX-License-Identifier: MIT */
/*
 * <rnr/ws2tcpip.h> without rnrd: the SDK layouts, the Windows values of
 * the constants, flag validation and error mapping of getaddrinfo /
 * getnameinfo / GetAddrInfoExA on numeric hosts and services (which need
 * no provider), and inet_pton / inet_ntop against the strings Wine's
 * ws2_32 tests record Windows' answers for.
 */
#include "config.h"

#include <rnr/winsock2.h>
#include <rnr/ws2tcpip.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ws2tcpip_int.h"

/* ---------------------------------------------------------------- layouts */

static void test_layouts(void **state)
{
    (void)state;
    /* The SDK's order: ai_addrlen (size_t), ai_canonname, ai_addr. */
    assert_int_equal(offsetof(ADDRINFOA, ai_flags), 0);
    assert_int_equal(offsetof(ADDRINFOA, ai_family), 4);
    assert_int_equal(offsetof(ADDRINFOA, ai_socktype), 8);
    assert_int_equal(offsetof(ADDRINFOA, ai_protocol), 12);
    assert_int_equal(offsetof(ADDRINFOA, ai_addrlen), 16);
    assert_int_equal(sizeof(((ADDRINFOA *)0)->ai_addrlen), sizeof(size_t));
    assert_int_equal(offsetof(ADDRINFOA, ai_canonname), 16 + sizeof(size_t));
    assert_int_equal(offsetof(ADDRINFOA, ai_addr),
                     16 + sizeof(size_t) + sizeof(char *));
    assert_int_equal(offsetof(ADDRINFOA, ai_next),
                     16 + sizeof(size_t) + 2 * sizeof(void *));
    assert_true(offsetof(ADDRINFOA, ai_canonname) < offsetof(ADDRINFOA, ai_addr));

    assert_int_equal(offsetof(ADDRINFOEXA, ai_addrlen), 16);
    assert_int_equal(offsetof(ADDRINFOEXA, ai_canonname), 16 + sizeof(size_t));
    assert_int_equal(offsetof(ADDRINFOEXA, ai_addr), 16 + sizeof(size_t) + sizeof(void *));
    assert_int_equal(offsetof(ADDRINFOEXA, ai_blob), 16 + sizeof(size_t) + 2 * sizeof(void *));
    assert_int_equal(offsetof(ADDRINFOEXA, ai_bloblen), 16 + sizeof(size_t) + 3 * sizeof(void *));
    assert_int_equal(offsetof(ADDRINFOEXA, ai_provider),
                     16 + 2 * sizeof(size_t) + 3 * sizeof(void *));
    assert_int_equal(offsetof(ADDRINFOEXA, ai_next),
                     16 + 2 * sizeof(size_t) + 4 * sizeof(void *));
    /* Windows code says `struct addrinfo`: it is ADDRINFOA here. */
    assert_int_equal(sizeof(struct addrinfo), sizeof(ADDRINFOA));
}

static void test_constants(void **state)
{
    (void)state;
    assert_int_equal(EAI_NONAME, 11001);
    assert_int_equal(EAI_NODATA, 11001);
    assert_int_equal(EAI_AGAIN, 11002);
    assert_int_equal(EAI_FAIL, 11003);
    assert_int_equal(EAI_FAMILY, 10047);
    assert_int_equal(EAI_MEMORY, 8);
    assert_int_equal(EAI_BADFLAGS, 10022);
    assert_int_equal(EAI_SERVICE, 10109);
    assert_int_equal(EAI_SOCKTYPE, 10044);
    assert_int_equal(EAI_NOSECURENAME, 11032);
    assert_int_equal(EAI_IPSECPOLICY, 11033);
    assert_int_equal(AI_PASSIVE, 0x1);
    assert_int_equal(AI_CANONNAME, 0x2);
    assert_int_equal(AI_NUMERICHOST, 0x4);
    assert_int_equal(AI_NUMERICSERV, 0x8);
    assert_int_equal(AI_ALL, 0x100);
    assert_int_equal(AI_ADDRCONFIG, 0x400);
    assert_int_equal(AI_V4MAPPED, 0x800);
    assert_int_equal(AI_NON_AUTHORITATIVE, 0x4000);
    assert_int_equal(AI_SECURE, 0x8000);
    assert_int_equal(AI_RETURN_PREFERRED_NAMES, 0x10000);
    assert_int_equal(AI_FQDN, 0x20000);
    assert_int_equal(AI_FILESERVER, 0x40000);
    assert_int_equal(AI_DISABLE_IDN_ENCODING, 0x80000);
    assert_int_equal(NI_NOFQDN, 0x01);
    assert_int_equal(NI_NUMERICHOST, 0x02);
    assert_int_equal(NI_NAMEREQD, 0x04);
    assert_int_equal(NI_NUMERICSERV, 0x08);
    assert_int_equal(NI_DGRAM, 0x10);
    assert_int_equal(NI_MAXHOST, 1025);
    assert_int_equal(NI_MAXSERV, 32);
}

/* ---------------------------------------------------------------- getaddrinfo */

static int setup(void **state)
{
    WSADATA d;

    (void)state;
    return WSAStartup(MAKEWORD(2, 2), &d);
}

static int teardown(void **state)
{
    (void)state;
    WSACleanup();
    return 0;
}

static int gai(const char *node, const char *serv, int flags, int family,
               int socktype, int protocol, ADDRINFOA **res)
{
    ADDRINFOA hints;

    memset(&hints, 0, sizeof hints);
    hints.ai_flags = flags;
    hints.ai_family = family;
    hints.ai_socktype = socktype;
    hints.ai_protocol = protocol;
    *res = (ADDRINFOA *)(uintptr_t)0xdeadbeef;
    WSASetLastError(0x1234);
    return getaddrinfo(node, serv, &hints, res);
}

static void check_fail(int rc, int want, ADDRINFOA *res)
{
    assert_int_equal(rc, want);
    assert_int_equal(WSAGetLastError(), want);
    assert_null(res);
}

/* The call first, then the checks on what it left in res. */
#define expect_fail(call, want, res) do { \
        int rc_ = (call);                  \
        check_fail(rc_, (want), (res));    \
    } while (0)

static void test_gai_errors(void **state)
{
    ADDRINFOA *res, hints;

    (void)state;
    expect_fail(gai(NULL, NULL, 0, 0, 0, 0, &res), EAI_NONAME, res);
    expect_fail(gai("1.2.3.4", NULL, 0, 12345, 0, 0, &res), EAI_FAMILY, res);
    expect_fail(gai("1.2.3.4", NULL, 0, AF_INET, 12345, 0, &res), EAI_SOCKTYPE, res);
    expect_fail(gai("1.2.3.4", NULL, 0, AF_INET, SOCK_STREAM, IPPROTO_UDP, &res),
                EAI_SOCKTYPE, res);
    expect_fail(gai("1.2.3.4", NULL, 0x200, 0, 0, 0, &res), EAI_BADFLAGS, res);
    expect_fail(gai("1.2.3.4", NULL, AI_CANONNAME | AI_FQDN, 0, 0, 0, &res),
                EAI_BADFLAGS, res);
    expect_fail(gai(NULL, "80", AI_CANONNAME, 0, 0, 0, &res), EAI_BADFLAGS, res);
    expect_fail(gai("1.2.3.4", NULL, (int)AI_EXTENDED, 0, 0, 0, &res), EAI_BADFLAGS, res);
    expect_fail(gai("1.2.3.4", NULL, AI_RESOLUTION_HANDLE, 0, 0, 0, &res), EAI_BADFLAGS, res);
    expect_fail(gai("1.2.3.4", NULL, AI_RETURN_PREFERRED_NAMES, 0, 0, 0, &res),
                EAI_BADFLAGS, res);
    expect_fail(gai("1.2.3.4", NULL, AI_SECURE, 0, 0, 0, &res), EAI_NOSECURENAME, res);
    expect_fail(gai("localhost", NULL, AI_NUMERICHOST, 0, 0, 0, &res), EAI_NONAME, res);
    expect_fail(gai("192.168.1.253:1024", NULL, AI_NUMERICHOST, 0, 0, 0, &res),
                EAI_NONAME, res);
    expect_fail(gai("[beef::cafe", NULL, AI_NUMERICHOST, 0, 0, 0, &res), EAI_NONAME, res);
    expect_fail(gai("beef::cafe]", NULL, AI_NUMERICHOST, 0, 0, 0, &res), EAI_NONAME, res);
    expect_fail(gai("[beef::cafe]", NULL, AI_NUMERICHOST, AF_INET, 0, 0, &res),
                EAI_NONAME, res);
    expect_fail(gai("1.2.3.4", NULL, 0, AF_INET6, 0, 0, &res), EAI_NONAME, res);
    expect_fail(gai("1.2.3.4", "http", AI_NUMERICSERV, 0, 0, 0, &res), EAI_NONAME, res);

    /* Other hint members must be zero: WSANO_RECOVERY. */
    memset(&hints, 0, sizeof hints);
    hints.ai_addrlen = 4;
    res = (ADDRINFOA *)(uintptr_t)1;
    assert_int_equal(getaddrinfo("1.2.3.4", NULL, &hints, &res), EAI_FAIL);
    assert_null(res);
    assert_int_equal(getaddrinfo("1.2.3.4", NULL, NULL, NULL), EAI_BADFLAGS);
}

static void test_gai_numeric(void **state)
{
    ADDRINFOA *res;
    const struct sockaddr_in *sin;
    const struct sockaddr_in6 *sin6;
    char text[64];

    (void)state;
    assert_int_equal(gai("192.168.1.253", NULL, 0, 0, 0, 0, &res), 0);
    assert_int_equal(WSAGetLastError(), 0);
    assert_non_null(res);
    assert_null(res->ai_next);
    assert_int_equal(res->ai_family, AF_INET);
    assert_int_equal(res->ai_socktype, 0);        /* Windows: as hinted */
    assert_int_equal(res->ai_protocol, 0);
    assert_int_equal(res->ai_addrlen, sizeof(struct sockaddr_in));
    assert_null(res->ai_canonname);
    sin = (const void *)res->ai_addr;
    assert_int_equal(sin->sin_port, 0);
    assert_string_equal(inet_ntop(AF_INET, &sin->sin_addr, text, sizeof text),
                        "192.168.1.253");
    freeaddrinfo(res);

    /* inet_addr's forms, as Windows' getaddrinfo reads them. */
    assert_int_equal(gai("127.1", "8080", 0, AF_INET, SOCK_STREAM, 0, &res), 0);
    sin = (const void *)res->ai_addr;
    assert_int_equal(ntohl(sin->sin_addr.s_addr), 0x7f000001);
    assert_int_equal(ntohs(sin->sin_port), 8080);
    assert_int_equal(res->ai_socktype, SOCK_STREAM);
    freeaddrinfo(res);

    assert_int_equal(gai("[beef::cafe]:10239", "", 0, 0, 0, 0, &res), 0);
    assert_int_equal(res->ai_family, AF_INET6);
    sin6 = (const void *)res->ai_addr;
    assert_int_equal(sin6->sin6_port, 0);
    assert_string_equal(inet_ntop(AF_INET6, &sin6->sin6_addr, text, sizeof text),
                        "beef::cafe");
    freeaddrinfo(res);

    assert_int_equal(gai("fe80::1%7", NULL, AI_CANONNAME, AF_INET6, 0, 0, &res), 0);
    sin6 = (const void *)res->ai_addr;
    assert_int_equal(sin6->sin6_scope_id, 7);
    assert_string_equal(res->ai_canonname, "fe80::1%7");
    freeaddrinfo(res);

    assert_int_equal(gai("10.0.0.1", NULL, AI_V4MAPPED, AF_INET6, 0, 0, &res), 0);
    sin6 = (const void *)res->ai_addr;
    assert_string_equal(inet_ntop(AF_INET6, &sin6->sin6_addr, text, sizeof text),
                        "::ffff:10.0.0.1");
    freeaddrinfo(res);

    /* No node: loopback, or the wildcard with AI_PASSIVE; IPv6 first. */
    assert_int_equal(gai(NULL, "0", 0, 0, 0, 0, &res), 0);
    assert_int_equal(res->ai_family, AF_INET6);
    assert_non_null(res->ai_next);
    assert_int_equal(res->ai_next->ai_family, AF_INET);
    sin = (const void *)res->ai_next->ai_addr;
    assert_int_equal(ntohl(sin->sin_addr.s_addr), 0x7f000001);
    freeaddrinfo(res);
    assert_int_equal(gai(NULL, "21", AI_PASSIVE, AF_INET, 0, 0, &res), 0);
    sin = (const void *)res->ai_addr;
    assert_int_equal(sin->sin_addr.s_addr, 0);
    assert_int_equal(ntohs(sin->sin_port), 21);
    assert_null(res->ai_next);
    freeaddrinfo(res);

    freeaddrinfo(NULL);
}

static void test_gai_ex(void **state)
{
    ADDRINFOEXA *res = NULL, hints;
    struct timeval tv = { 1, 0 };
    WSAOVERLAPPED ov;
    HANDLE h = NULL;

    (void)state;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_INET;
    assert_int_equal(GetAddrInfoExA("1.2.3.4", "80", NS_ALL, NULL, &hints, &res,
                                    NULL, NULL, NULL, NULL), 0);
    assert_non_null(res);
    assert_int_equal(res->ai_family, AF_INET);
    assert_null(res->ai_blob);
    assert_null(res->ai_provider);     /* numeric: no provider answered */
    FreeAddrInfoEx(res);
    FreeAddrInfoEx(NULL);

    /* Synchronous only: the asynchronous arguments are refused. */
    memset(&ov, 0, sizeof ov);
    res = (ADDRINFOEXA *)(uintptr_t)1;
    assert_int_equal(GetAddrInfoExA("1.2.3.4", NULL, NS_ALL, NULL, NULL, &res,
                                    &tv, NULL, NULL, NULL), WSAEINVAL);
    assert_null(res);
    assert_int_equal(GetAddrInfoExA("1.2.3.4", NULL, NS_ALL, NULL, NULL, &res,
                                    NULL, &ov, NULL, NULL), WSAEINVAL);
    assert_int_equal(GetAddrInfoExA("1.2.3.4", NULL, NS_ALL, NULL, NULL, &res,
                                    NULL, NULL, NULL, &h), WSAEINVAL);
    assert_int_equal(WSAGetLastError(), WSAEINVAL);
    assert_int_equal(GetAddrInfoExCancel(&h), WSA_INVALID_HANDLE);
    assert_int_equal(GetAddrInfoExOverlappedResult(&ov), WSAEINVAL);

    hints.ai_provider = (LPGUID)&hints;
    assert_int_equal(GetAddrInfoExA("1.2.3.4", NULL, NS_ALL, NULL, &hints, &res,
                                    NULL, NULL, NULL, NULL), WSANO_RECOVERY);
}

/* ---------------------------------------------------------------- getnameinfo */

static void test_nameinfo_numeric(void **state)
{
    struct sockaddr_in sin;
    struct sockaddr_in6 sin6;
    char host[NI_MAXHOST], serv[NI_MAXSERV], small[4];

    (void)state;
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_port = htons(4321);
    sin.sin_addr.s_addr = htonl(0x0a000102);
    assert_int_equal(getnameinfo((struct sockaddr *)&sin, sizeof sin, host, sizeof host,
                                 serv, sizeof serv, NI_NUMERICHOST | NI_NUMERICSERV), 0);
    assert_string_equal(host, "10.0.1.2");
    assert_string_equal(serv, "4321");
    assert_int_equal(WSAGetLastError(), 0);

    strcpy(small, "xyz");
    assert_int_equal(getnameinfo((struct sockaddr *)&sin, sizeof sin, small, sizeof small,
                                 NULL, 0, NI_NUMERICHOST), WSAEFAULT);
    assert_string_equal(small, "xyz");            /* untouched on failure */
    assert_int_equal(getnameinfo((struct sockaddr *)&sin, sizeof sin, NULL, 0, NULL, 0,
                                 NI_NUMERICHOST), EAI_NONAME);
    assert_int_equal(getnameinfo((struct sockaddr *)&sin, sizeof sin, host, sizeof host,
                                 NULL, 0, 0x100), EAI_BADFLAGS);
    assert_int_equal(getnameinfo((struct sockaddr *)&sin, sizeof sin - 1, host, sizeof host,
                                 NULL, 0, NI_NUMERICHOST), WSAEFAULT);
    assert_int_equal(getnameinfo(NULL, sizeof sin, host, sizeof host, NULL, 0,
                                 NI_NUMERICHOST), WSAEFAULT);
    sin.sin_family = AF_UNIX;
    assert_int_equal(getnameinfo((struct sockaddr *)&sin, sizeof sin, host, sizeof host,
                                 NULL, 0, NI_NUMERICHOST), EAI_FAMILY);

    memset(&sin6, 0, sizeof sin6);
    sin6.sin6_family = AF_INET6;
    sin6.sin6_scope_id = 3;
    assert_int_equal(inet_pton(AF_INET6, "fe80::2", &sin6.sin6_addr), 1);
    assert_int_equal(getnameinfo((struct sockaddr *)&sin6, sizeof sin6, host, sizeof host,
                                 serv, sizeof serv, NI_NUMERICHOST | NI_NUMERICSERV), 0);
    assert_string_equal(host, "fe80::2%3");
    assert_string_equal(serv, "0");
}

/* ---------------------------------------------------------------- inet_pton */

struct v4case { const char *in; int ret; uint32_t addr; };
struct v6case { const char *in; int ret; const char *canon; };

/* Wine's test_inet_pton IPv4 table: Windows' answers. */
static const struct v4case v4cases[] = {
    { "", 0, 0 }, { " ", 0, 0 }, { "1.1.1.1", 1, 0x01010101 },
    { "0.0.0.0", 1, 0 }, { "127.127.127.255", 1, 0x7f7f7fff },
    { "127.127.127.255:123", 0, 0 }, { "127.127.127.256", 0, 0 },
    { "a", 0, 0 }, { "1.1.1.0xaA", 0, 0 }, { "1.1.1.0x", 0, 0 },
    { "1.1.1.010", 0, 0 }, { "1.1.1.00", 0, 0 }, { "1.1.1.0a", 0, 0 },
    { "1.1.1.-2", 0, 0 }, { "1", 0, 0 }, { "1.2", 0, 0 }, { "1.2.3", 0, 0 },
    { "203569230", 0, 0 }, { "3.4.5.6.7", 0, 0 }, { " 3.4.5.6", 0, 0 },
    { "\t3.4.5.6", 0, 0 }, { "3.4.5.6 ", 0, 0 }, { "3. 4.5.6", 0, 0 },
    { "[0.1.2.3]", 0, 0 }, { "0x00010203", 0, 0 }, { "0777", 0, 0 },
    { "::1", 0, 0 }, { ":1", 0, 0 },
};

/* A selection of Wine's IPv6 table, Windows' quirks included. */
static const struct v6case v6cases[] = {
    { "0000:0000:0000:0000:0000:0000:0000:0001", 1, "::1" },
    { "0:0:0:0:0:0:0::", 1, "::" },
    { "0:0:0:0:0:0:13.1.68.3", 1, "::13.1.68.3" },
    { "0:0:0:0:0:FFFF:129.144.52.38", 1, "::ffff:129.144.52.38" },
    { "1080:0:0:0:8:800:200c:417a", 1, "1080::8:800:200c:417a" },
    { "0:a:b:c:d:e:f::", 1, "0:a:b:c:d:e:f:0" },
    { "1111:2222:3333:4444:5555:6666:123.123.123.123", 1,
      "1111:2222:3333:4444:5555:6666:7b7b:7b7b" },
    { "1111:2222:3333:4444:0x5555:6666:7777:8888", 0, NULL },
    { "1111:2222:3333:4444:5555:6666::7777:8888", 0, NULL },
    { "1111:2222:3333:4444:5555:6666:7777::8888", 0, NULL },
    { "1111:2222:3333:4444:5555::0x88", 0, NULL },
    { "1111:2222:3333:4444:5555::08888", 0, NULL },
    { "1111:2222:3333:4444:5555::7777:8888", 1, "1111:2222:3333:4444:5555:0:7777:8888" },
    { "1:2:3:4:5:6::8", 1, "1:2:3:4:5:6:0:8" },
    { "2001:0000:1234:0000:0000:C1C0:ABCD:0876", 1, "2001:0:1234::c1c0:abcd:876" },
    { "::", 1, "::" },
    { "::%16", 0, NULL },
    { "::/16", 0, NULL },
    { "::01234", 0, NULL },
    { "::0:0:0:0:0:0", 1, "::" },
    { "::0:0:0:0:0:0:0", 0, NULL },       /* Windows refuses it */
    { "::0:a:b:c:d:e:f", 0, NULL },
    { "::123.123.123.123", 1, "::123.123.123.123" },
    { "':10.0.0.1", 0, NULL }, { "-1", 0, NULL },
    { "02001:0000:1234:0000:0000:C1C0:ABCD:0876", 0, NULL },
    { "2001:0::b.0", 0, NULL },
    { "1.2.3.4", 0, NULL }, { "1111", 0, NULL }, { "0x1111", 0, NULL },
    { "1111:2222:", 0, NULL }, { "1111:2222:3333", 0, NULL },
    { "1111:2222:3333:4444:5555:6666::1.2.3.4", 0, NULL },
    { "1111:2222:3333:4444:5555:6666:7777:1.2.3.4", 0, NULL },
    { "1111:2222:3333:4444:5555:6666:7777:8888:", 0, NULL },
    { "1111:2222:::", 0, NULL }, { "1111::5555:", 0, NULL },
    { "1111::3333::5555:6666:1.2.3.4", 0, NULL },
    { "12345::6:7:8", 0, NULL },
    { "1::001.2.3.4", 1, "1::102:304" },  /* leading zeros: Windows takes them */
    { "1::1.002.3.4", 1, "1::102:304" },
    { "1::0001.2.3.4", 0, NULL }, { "1::1.2.256.4", 0, NULL },
    { "1::1.2.3.4::1", 0, NULL }, { "1::1.2.3", 0, NULL },
    { "1::1.2a.3.4", 0, NULL }, { "1::1a.2.3.4", 0, NULL }, { "1::2::3", 0, NULL },
    { "2001:0000:1234: 0000:0000:C1C0:ABCD:0876", 0, NULL },
    { ":", 0, NULL }, { ":1111::", 0, NULL }, { "::.", 0, NULL },
    { "[::]", 0, NULL },
};

static void test_inet_pton(void **state)
{
    uint8_t buf[16], before[16];
    char text[INET6_ADDRSTRLEN_WS];
    size_t i;

    (void)state;
    WSASetLastError(0xbeef);
    assert_int_equal(inet_pton(AF_INET, NULL, buf), -1);
    assert_int_equal(WSAGetLastError(), WSAEFAULT);
    assert_int_equal(inet_pton(AF_UNSPEC, "127.0.0.1", buf), -1);
    assert_int_equal(WSAGetLastError(), WSAEAFNOSUPPORT);

    for (i = 0; i < sizeof v4cases / sizeof v4cases[0]; i++) {
        uint32_t a = 0xdeadbeef;

        WSASetLastError(0xbeef);
        assert_int_equal(inet_pton(AF_INET, v4cases[i].in, &a), v4cases[i].ret);
        assert_int_equal(WSAGetLastError(), 0xbeef);
        assert_int_equal(v4cases[i].ret ? ntohl(a) : a,
                         v4cases[i].ret ? v4cases[i].addr : 0xdeadbeef);
    }
    for (i = 0; i < sizeof v6cases / sizeof v6cases[0]; i++) {
        memset(buf, 0xab, sizeof buf);
        memcpy(before, buf, sizeof buf);
        WSASetLastError(0xbeef);
        if (inet_pton(AF_INET6, v6cases[i].in, buf) != v6cases[i].ret)
            fail_msg("inet_pton(%s) != %d", v6cases[i].in, v6cases[i].ret);
        assert_int_equal(WSAGetLastError(), 0xbeef);
        if (!v6cases[i].ret) {
            assert_memory_equal(buf, before, sizeof buf);
            continue;
        }
        assert_non_null(inet_ntop(AF_INET6, buf, text, sizeof text));
        assert_string_equal(text, v6cases[i].canon);
    }
}

static void test_inet_ntop(void **state)
{
    static const uint8_t a2[16] = { 0,0,0,0,0,0,0,0,0,0,0xff,0xfe,0xcc,0x98,0xbd,0x74 };
    static const uint8_t a3[16] = { 0x20,0x30,0xa4,0xb1 };
    static const uint8_t a4[16] = { 0,0,0,0,0,0,0,0,0,0,0,0,0xcc,0x98,0xbd,0x74 };
    static const uint8_t a5[16] = { 0,0,0,0,0,0,0,0,0xff,0xff,0,0,1,2,3,4 };
    static const uint8_t a6[16] = { 0,1,0,0,0,2,0,0,0,0,0,3,0,0,0,4 };
    /* ISATAP, dotted as Windows prints it, under any prefix; 0200:5efe
     * too; ::ffff:1:a.b.c.d is none of the embedded forms. */
    static const struct { uint8_t a[16]; const char *text; } isatap[] = {
        { { 0xfe,0x80,0,0,0,0,0,0,0,0,0x5e,0xfe,192,0,2,1 }, "fe80::5efe:192.0.2.1" },
        { { 0,1,0,2,0,3,0,4,0,0,0x5e,0xfe,1,2,3,4 }, "1:2:3:4:0:5efe:1.2.3.4" },
        { { 0x20,0x01,0x0d,0xb8,0,0,0,0,2,0,0x5e,0xfe,1,2,3,4 }, "2001:db8::200:5efe:1.2.3.4" },
        { { 0,0,0,0,0,0,0,0,0,0,0x5e,0xfe,1,2,3,4 }, "::5efe:1.2.3.4" },
        { { 0,0,0,0,0,0,0,0,0,0,0xff,0xff,0,1,1,2 }, "::ffff:0.1.1.2" },
        { { 0,0,0,0,0,0,0,0,0xff,0xff,0,1,1,2,3,4 }, "::ffff:1:102:304" },
        { { 0xfe,0x80,0,0,0,0,0,0,1,0,0x5e,0xfe,1,2,3,4 }, "fe80::100:5efe:102:304" },
    };
    size_t k;
    uint32_t v4 = htonl(0x15102020);
    char dst[16], dst6[64];

    (void)state;
    assert_ptr_equal(inet_ntop(AF_INET, &v4, dst, sizeof dst), dst);
    assert_string_equal(dst, "21.16.32.32");
    assert_null(inet_ntop(1, &v4, dst, sizeof dst));
    assert_int_equal(WSAGetLastError(), WSAEAFNOSUPPORT);
    assert_null(inet_ntop(AF_INET, &v4, NULL, sizeof dst));
    assert_int_equal(WSAGetLastError(), WSAEINVAL);
    assert_null(inet_ntop(AF_INET, &v4, dst, 0));
    assert_int_equal(WSAGetLastError(), WSAEINVAL);
    assert_null(inet_ntop(AF_INET, &v4, dst, 6));
    assert_int_equal(WSAGetLastError(), WSAEINVAL);
    assert_non_null(inet_ntop(AF_INET, &v4, dst, 12));   /* exactly enough */

    assert_non_null(inet_ntop(AF_INET6, a2, dst6, sizeof dst6));
    assert_string_equal(dst6, "::fffe:cc98:bd74");
    for (k = 0; k < sizeof isatap / sizeof isatap[0]; k++) {
        assert_non_null(inet_ntop(AF_INET6, isatap[k].a, dst6, sizeof dst6));
        assert_string_equal(dst6, isatap[k].text);
    }
    assert_non_null(inet_ntop(AF_INET6, a3, dst6, sizeof dst6));
    assert_string_equal(dst6, "2030:a4b1::");
    assert_non_null(inet_ntop(AF_INET6, a4, dst6, sizeof dst6));
    assert_string_equal(dst6, "::204.152.189.116");
    assert_non_null(inet_ntop(AF_INET6, a5, dst6, sizeof dst6));
    assert_string_equal(dst6, "::ffff:0:1.2.3.4");
    assert_non_null(inet_ntop(AF_INET6, a6, dst6, sizeof dst6));
    assert_string_equal(dst6, "1:0:2::3:0:4");
    assert_null(inet_ntop(AF_INET6, a2, dst6, 16));
    assert_int_equal(WSAGetLastError(), WSAEINVAL);
    assert_non_null(inet_ntop(AF_INET6, a2, dst6, 18));
}

static void test_w_layouts(void **state)
{
    (void)state;
    assert_int_equal(sizeof(WCHAR), 2);
    assert_int_equal(offsetof(ADDRINFOW, ai_addrlen), offsetof(ADDRINFOA, ai_addrlen));
    assert_int_equal(offsetof(ADDRINFOW, ai_canonname), offsetof(ADDRINFOA, ai_canonname));
    assert_int_equal(offsetof(ADDRINFOW, ai_addr), offsetof(ADDRINFOA, ai_addr));
    assert_int_equal(offsetof(ADDRINFOW, ai_next), offsetof(ADDRINFOA, ai_next));
    assert_int_equal(sizeof(ADDRINFOEXW), sizeof(ADDRINFOEXA));
    assert_int_equal(offsetof(ADDRINFOEXW, ai_canonname), offsetof(ADDRINFOEXA, ai_canonname));
    assert_int_equal(offsetof(ADDRINFOEXW, ai_provider), offsetof(ADDRINFOEXA, ai_provider));
    assert_int_equal(offsetof(ADDRINFOEXW, ai_next), offsetof(ADDRINFOEXA, ai_next));
}

static int wcs_eq(const WCHAR *w, const char *s)
{
    for (; *s != '\0'; w++, s++)
        if (*w != (WCHAR)(unsigned char)*s)
            return 0;
    return *w == 0;
}

static void test_w_inet(void **state)
{
    static const uint8_t a4[16] = { 0,0,0,0,0,0,0,0,0,0,0,0,0xcc,0x98,0xbd,0x74 };
    static const WCHAR lone[] = { u'1', 0xd800, u'2', 0 };
    WCHAR buf[64];
    uint8_t addr[16];
    uint32_t v4;

    (void)state;
    WSASetLastError(0xbeef);
    assert_int_equal(InetPtonW(AF_INET, u"10.1.2.3", &v4), 1);
    assert_int_equal(ntohl(v4), 0x0a010203);
    assert_int_equal(WSAGetLastError(), 0xbeef);
    assert_int_equal(InetPtonW(AF_INET, u"1.2.3", &v4), 0);
    assert_int_equal(WSAGetLastError(), WSAEINVAL);
    assert_int_equal(InetPtonW(AF_INET6, lone, addr), 0);
    assert_int_equal(InetPtonW(AF_INET, NULL, &v4), -1);
    assert_int_equal(WSAGetLastError(), WSAEFAULT);
    assert_int_equal(InetPtonW(AF_UNSPEC, u"1.2.3.4", &v4), -1);
    assert_int_equal(WSAGetLastError(), WSAEAFNOSUPPORT);
    assert_int_equal(InetPtonW(AF_INET6, u"1::001.2.3.4", addr), 1);

    assert_ptr_equal(InetNtopW(AF_INET6, a4, buf, 64), buf);
    assert_true(wcs_eq(buf, "::204.152.189.116"));
    /* Sizes count WCHARs: 18 hold the 17 characters and the NUL. */
    assert_non_null(InetNtopW(AF_INET6, a4, buf, 18));
    assert_null(InetNtopW(AF_INET6, a4, buf, 17));
    assert_int_equal(WSAGetLastError(), WSAEINVAL);
    assert_null(InetNtopW(AF_INET6, a4, NULL, 64));
    assert_int_equal(WSAGetLastError(), WSAEINVAL);
}

static void test_w_gai(void **state)
{
    static const WCHAR lone[] = { u'h', 0xdc00, 0 };
    ADDRINFOW hints, *res;
    ADDRINFOA *resa;
    struct sockaddr_in sin;
    WCHAR host[NI_MAXHOST], serv[4];
    char hosta[NI_MAXHOST];

    (void)state;
    memset(&hints, 0, sizeof hints);
    hints.ai_flags = AI_CANONNAME;
    assert_int_equal(GetAddrInfoW(u"192.0.2.9", u"8080", &hints, &res), 0);
    assert_int_equal(WSAGetLastError(), 0);
    assert_true(wcs_eq(res->ai_canonname, "192.0.2.9"));
    assert_int_equal(gai("192.0.2.9", "8080", AI_CANONNAME, 0, 0, 0, &resa), 0);
    assert_int_equal(res->ai_family, resa->ai_family);
    assert_int_equal(res->ai_addrlen, resa->ai_addrlen);
    assert_memory_equal(res->ai_addr, resa->ai_addr, resa->ai_addrlen);
    FreeAddrInfoW(res);
    freeaddrinfo(resa);
    FreeAddrInfoW(NULL);
    FreeAddrInfoExW(NULL);

    res = (ADDRINFOW *)(uintptr_t)1;
    assert_int_equal(GetAddrInfoW(lone, NULL, NULL, &res), WSAEINVAL);
    assert_null(res);
    assert_int_equal(GetAddrInfoW(NULL, NULL, NULL, &res), EAI_NONAME);

    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_port = htons(4242);
    sin.sin_addr.s_addr = htonl(0x7f000001);
    assert_int_equal(GetNameInfoW((struct sockaddr *)&sin, sizeof sin, host, NI_MAXHOST,
                                  NULL, 0, NI_NUMERICHOST), 0);
    assert_true(wcs_eq(host, "127.0.0.1"));
    assert_int_equal(getnameinfo((struct sockaddr *)&sin, sizeof sin, hosta, sizeof hosta,
                                 NULL, 0, NI_NUMERICHOST), 0);
    assert_string_equal(hosta, "127.0.0.1");
    /* Four WCHARs cannot hold "4242" and its NUL: nothing written. */
    serv[0] = u'x';
    assert_int_equal(GetNameInfoW((struct sockaddr *)&sin, sizeof sin, host, NI_MAXHOST,
                                  serv, 4, NI_NUMERICHOST | NI_NUMERICSERV), WSAEFAULT);
    assert_int_equal(serv[0], u'x');
}

static void test_gai_strerror(void **state)
{
    (void)state;
    assert_string_equal(gai_strerror(EAI_NONAME), "No such host is known. ");
    assert_non_null(gai_strerror(12345678));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layouts),
        cmocka_unit_test(test_constants),
        cmocka_unit_test(test_inet_pton),
        cmocka_unit_test(test_inet_ntop),
        cmocka_unit_test(test_gai_strerror),
        cmocka_unit_test(test_w_layouts),
        cmocka_unit_test(test_w_inet),
        cmocka_unit_test_setup_teardown(test_w_gai, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gai_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gai_numeric, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gai_ex, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nameinfo_numeric, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
