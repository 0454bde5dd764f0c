/* SPDX-License-Identifier: MIT */
/*
 * WSAAddressToString / WSAStringToAddress without a daemon: tables of
 * valid and invalid IPv4 and IPv6 strings, the output forms, the exact
 * short-buffer boundary (length - 1 fails with the needed length, length
 * succeeds), argument errors, WSANOTINITIALISED, and round trips of random
 * addresses, ports and scopes in both directions.
 *
 * RNR_TEST_SEED=n repeats a run of the random round trips.
 */
#include "config.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <rnr/winsock2.h>

#define CANARY 0xA5

/* ------------------------------------------------------------------ */
/* Helpers                                                              */
/* ------------------------------------------------------------------ */

static uint64_t g_rng;

static uint32_t rnd(void)
{
    /* xorshift64*: deterministic for a seed, no libc state shared. */
    g_rng ^= g_rng >> 12;
    g_rng ^= g_rng << 25;
    g_rng ^= g_rng >> 27;
    return (uint32_t)((g_rng * 0x2545F4914F6CDD1DULL) >> 32);
}

static int all_bytes(const void *p, size_t len, int value)
{
    const unsigned char *b = p;
    size_t i;

    for (i = 0; i < len; i++)
        if (b[i] != (unsigned char)value)
            return 0;
    return 1;
}

static struct sockaddr_in make_in(const char *addr, unsigned port)
{
    struct sockaddr_in a;

    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    assert_int_equal(inet_pton(AF_INET, addr, &a.sin_addr), 1);
    return a;
}

static struct sockaddr_in6 make_in6(const char *addr, unsigned port, uint32_t scope)
{
    struct sockaddr_in6 a;

    memset(&a, 0, sizeof(a));
    a.sin6_family = AF_INET6;
    a.sin6_port = htons((uint16_t)port);
    a.sin6_scope_id = scope;
    assert_int_equal(inet_pton(AF_INET6, addr, &a.sin6_addr), 1);
    return a;
}

/* WSAAddressToString into a big buffer; the text must fill exactly the
 * length reported. */
static void to_string(const void *sa, DWORD salen, char *out, size_t outlen)
{
    DWORD len = (DWORD)outlen;

    assert_int_equal(WSAAddressToStringA((LPSOCKADDR)sa, salen, NULL, out, &len), 0);
    assert_int_equal(len, strlen(out) + 1);
}

/* WSAStringToAddress that must succeed with the family's sockaddr size. */
static void from_string(const char *s, int af, struct sockaddr_storage *ss)
{
    int len = (int)sizeof(*ss);

    memset(ss, CANARY, sizeof(*ss));
    if (WSAStringToAddressA((LPSTR)s, af, NULL, (LPSOCKADDR)ss, &len) != 0)
        fail_msg("\"%s\" (family %d) refused: %d", s, af, WSAGetLastError());
    assert_int_equal(len, af == AF_INET ? (int)sizeof(struct sockaddr_in)
                                        : (int)sizeof(struct sockaddr_in6));
}

/* WSAStringToAddress that must fail with WSAEINVAL.  As on Windows, the
 * family's sockaddr has been zeroed (sin_family 0), nothing past it is
 * touched, and the length is left alone. */
static void refused(const char *s, int af)
{
    struct sockaddr_storage ss;
    int len = (int)sizeof(ss);
    size_t need = af == AF_INET ? sizeof(struct sockaddr_in)
                                : sizeof(struct sockaddr_in6);

    memset(&ss, CANARY, sizeof(ss));
    WSASetLastError(0);
    if (WSAStringToAddressA((LPSTR)s, af, NULL, (LPSOCKADDR)&ss, &len) != SOCKET_ERROR)
        fail_msg("\"%s\" (family %d) accepted", s, af);
    if (WSAGetLastError() != WSAEINVAL)
        fail_msg("\"%s\" (family %d): error %d, not WSAEINVAL", s, af, WSAGetLastError());
    assert_int_equal(len, (int)sizeof(ss));
    if (!all_bytes(&ss, need, 0))
        fail_msg("\"%s\" (family %d): sockaddr not zeroed", s, af);
    assert_true(all_bytes((char *)&ss + need, sizeof(ss) - need, CANARY));
}

/* ------------------------------------------------------------------ */
/* Tables                                                               */
/* ------------------------------------------------------------------ */

struct v4row {
    const char *in;
    const char *addr;
    unsigned    port;
    const char *out;      /* what WSAAddressToString gives back */
};

static const struct v4row g_v4_valid[] = {
    { "0.0.0.0",               "0.0.0.0",         0,     "0.0.0.0" },
    { "0.0.0.1",               "0.0.0.1",         0,     "0.0.0.1" },
    { "1.2.3.4",               "1.2.3.4",         0,     "1.2.3.4" },
    { "1.2.3.4:1",             "1.2.3.4",         1,     "1.2.3.4:1" },
    { "127.0.0.1:80",          "127.0.0.1",       80,    "127.0.0.1:80" },
    { "10.0.0.1:8080",         "10.0.0.1",        8080,  "10.0.0.1:8080" },
    { "192.168.1.254:443",     "192.168.1.254",   443,   "192.168.1.254:443" },
    { "255.255.255.255",       "255.255.255.255", 0,     "255.255.255.255" },
    { "255.255.255.255:65535", "255.255.255.255", 65535, "255.255.255.255:65535" },
    { "0.0.0.0:65535",         "0.0.0.0",         65535, "0.0.0.0:65535" },
    { "100.64.0.1:1",          "100.64.0.1",      1,     "100.64.0.1:1" },
    { "224.0.0.251:5353",      "224.0.0.251",     5353,  "224.0.0.251:5353" },
    { "169.254.1.1",           "169.254.1.1",     0,     "169.254.1.1" },
    { "8.8.8.8:53",            "8.8.8.8",         53,    "8.8.8.8:53" },
    { "9.9.9.9:65534",         "9.9.9.9",         65534, "9.9.9.9:65534" },
    { "172.16.0.10:22",        "172.16.0.10",     22,    "172.16.0.10:22" },
    { "203.0.113.7:10000",     "203.0.113.7",     10000, "203.0.113.7:10000" },
    { "198.51.100.200:65000",  "198.51.100.200",  65000, "198.51.100.200:65000" },
    { "128.0.0.0:32768",       "128.0.0.0",       32768, "128.0.0.0:32768" },
    { "10.20.30.40:99",        "10.20.30.40",     99,    "10.20.30.40:99" },
    { "255.0.255.0:12345",     "255.0.255.0",     12345, "255.0.255.0:12345" },
    { "0.255.0.255",           "0.255.0.255",     0,     "0.255.0.255" },
    { "192.0.2.0:9",           "192.0.2.0",       9,     "192.0.2.0:9" },
    { "1.0.0.0:100",           "1.0.0.0",         100,   "1.0.0.0:100" },
    { "99.199.249.250:10",     "99.199.249.250",  10,    "99.199.249.250:10" },
    /* Every inet_addr form, for the address and the port, as Windows
     * (Wine's tests, test_WSAStringToAddress). */
    { "1.2.3",                 "1.2.0.3",         0,     "1.2.0.3" },
    { "1.2.3:1",               "1.2.0.3",         1,     "1.2.0.3:1" },
    { "1.2",                   "1.0.0.2",         0,     "1.0.0.2" },
    { "1.2:1",                 "1.0.0.2",         1,     "1.0.0.2:1" },
    { "1",                     "0.0.0.1",         0,     "0.0.0.1" },
    { "1:1",                   "0.0.0.1",         1,     "0.0.0.1:1" },
    { "1.223756",              "1.3.106.12",      0,     "1.3.106.12" },
    { "3.4.756",               "3.4.2.244",       0,     "3.4.2.244" },
    { "203569230",             "12.34.56.78",     0,     "12.34.56.78" },
    { "203569230:123",         "12.34.56.78",     123,   "12.34.56.78:123" },
    { "0x7f000001",            "127.0.0.1",       0,     "127.0.0.1" },
    { "0X00010203",            "0.1.2.3",         0,     "0.1.2.3" },
    { "0x00010203:10",         "0.1.2.3",         10,    "0.1.2.3:10" },
    { "0x1234",                "0.0.18.52",       0,     "0.0.18.52" },
    { "0x123456789",           "35.69.103.137",   0,     "35.69.103.137" },
    { "017700000001",          "127.0.0.1",       0,     "127.0.0.1" },
    { "0777",                  "0.0.1.255",       0,     "0.0.1.255" },
    { "0777:10",               "0.0.1.255",       10,    "0.0.1.255:10" },
    { "1.1.1.0xaA",            "1.1.1.170",       0,     "1.1.1.170" },
    { "1.1.1.0XaA",            "1.1.1.170",       0,     "1.1.1.170" },
    { "1.1.1.0xff",            "1.1.1.255",       0,     "1.1.1.255" },
    { "1.1.1.010",             "1.1.1.8",         0,     "1.1.1.8" },
    { "1.1.1.00",              "1.1.1.0",         0,     "1.1.1.0" },
    { "1.1.1.007",             "1.1.1.7",         0,     "1.1.1.7" },
    { "01.2.3.04",             "1.2.3.4",         0,     "1.2.3.4" },
    { "127.0.0.1:0x50",        "127.0.0.1",       80,    "127.0.0.1:80" },
    { "127.127.127.127:0xAbCd", "127.127.127.127", 43981, "127.127.127.127:43981" },
    { "127.127.127.127:0XaBcD", "127.127.127.127", 43981, "127.127.127.127:43981" },
    { "127.127.127.127:010",   "127.127.127.127", 8,     "127.127.127.127:8" },
    { "127.127.127.127:007",   "127.127.127.127", 7,     "127.127.127.127:7" },
};

static const char *const g_v4_invalid[] = {
    "", " ", ":", ":80", "1.2.3.4.5",
    "256.1.1.1", "1.2.3.256", "999.999.999.999", "1.2.3.-1", "1.2.3.4.",
    ".1.2.3.4", "1.2.3..4", "a.b.c.d", "localhost", "1,2,3,4",
    "1.2.3.4:", "1.2.3.4:65536", "1.2.3.4:99999", "1.2.3.4:1234567",
    "1.2.3.4:4294967376", "1.2.3.4:-1", "1.2.3.4:+1", "1.2.3.4:080",
    "1.2.3.4:1a", "1.2.3.4:65535x",
    "1.2.3.4:80:90", "1.2.3.4::80",
    " 1.2.3.4", "1.2.3.4 ", "1.2.3.4\t", "1.2.3.4\n", "1.2.3.4: 80",
    "1.2.3.4 :80", "1.2.3.4:80 ", "1.2.3 .4",
    "::1", "::ffff:1.2.3.4", "[1.2.3.4]:80", "1.2.3.4%1", "1.2.3.4%lo",
    "1.2.3.4/24", "\xef\xbc\x91.2.3.4",
    /* Windows' refusals (Wine's tests, test_WSAStringToAddress). */
    "127.127.127.127:0", "1.2.3.4:00", "1.2.3.4:0x0", "0.0.0.0:0",
    "127.127.127.127:", "127.127.127.127:65537", "127.127.127.127::1",
    "127.127.127.127:0x", "127.127.127.127:0x10000", "127.127.127.127:08",
    "127.127.127.127:008", "127.127.127.127:0a", "127.127.127.127:0o10",
    "127.127.127.127:0b10", "255.255.255.256", "a", "1.1.1.0x", "1.1.1.0x100",
    "1.1.1.08", "1.1.1.008", "1.1.1.0a", "1.1.1.0o10", "1.1.1.0b10",
    "1.1.1.-2", "-1", "1000.2000", "1.2.", "1..2", "1...2", "1.2.3.",
    "2001::1", "756.3.4", "3.756.4", "3.4.756.1", "3.4.65536", "3.4.5.6.7",
    "3.4.5.+6", " 3.4.5.6", "\t3.4.5.6", "3.4.5.6 ", "3.4.5.6:7 ",
    "3.4.5.6: 7", "3. 4.5.6", ".", "[0.1.2.3]", "0x00010Q03", "x00010203",
    "1234BEEF", ":1", "0x", "08", "1.16777216", "1.2.65536",
};

struct v6row {
    const char *in;
    const char *addr;
    unsigned    port;
    uint32_t    scope;
    const char *out;
};

static const struct v6row g_v6_valid[] = {
    { "::",                    "::",          0,     0, "::" },
    { "::1",                   "::1",         0,     0, "::1" },
    { "[::1]",                 "::1",         0,     0, "::1" },
    { "[::1]:0",               "::1",         0,     0, "::1" },
    { "[::1]:80",              "::1",         80,    0, "[::1]:80" },
    { "[::]:65535",            "::",          65535, 0, "[::]:65535" },
    { "fe80::1%2",             "fe80::1",     0,     2, "fe80::1%2" },
    { "fe80::1%0",             "fe80::1",     0,     0, "fe80::1" },
    { "[fe80::1%2]:443",       "fe80::1",     443,   2, "[fe80::1%2]:443" },
    { "[fe80::1%2]",           "fe80::1",     0,     2, "fe80::1%2" },
    { "[fe80::1%4294967295]:65535", "fe80::1", 65535, 4294967295u,
      "[fe80::1%4294967295]:65535" },
    { "2001:db8::1",           "2001:db8::1", 0,     0, "2001:db8::1" },
    { "2001:DB8::1",           "2001:db8::1", 0,     0, "2001:db8::1" },
    { "2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1", 0, 0, "2001:db8::1" },
    { "[2001:0DB8::0001]:1",   "2001:db8::1", 1,     0, "[2001:db8::1]:1" },
    { "1:2:3:4:5:6:7:8",       "1:2:3:4:5:6:7:8", 0, 0, "1:2:3:4:5:6:7:8" },
    { "[1:2:3:4:5:6:7:8]:65535", "1:2:3:4:5:6:7:8", 65535, 0,
      "[1:2:3:4:5:6:7:8]:65535" },
    { "::ffff:1.2.3.4",        "::ffff:1.2.3.4", 0,  0, "::ffff:1.2.3.4" },
    { "[::ffff:10.0.0.1]:8080", "::ffff:10.0.0.1", 8080, 0, "[::ffff:10.0.0.1]:8080" },
    { "::ffff:0102:0304",      "::ffff:1.2.3.4", 0,  0, "::ffff:1.2.3.4" },
    { "64:ff9b::192.0.2.33",   "64:ff9b::c000:221", 0, 0, "64:ff9b::c000:221" },
    { "ff02::fb",              "ff02::fb",    0,     0, "ff02::fb" },
    { "[ff02::1%1]:5353",      "ff02::1",     5353,  1, "[ff02::1%1]:5353" },
    /* No brackets, no port: the ":80" belongs to the address, which
     * inet_ntop prints in the IPv4-compatible form (the first 96 bits 0). */
    { "::1:80",                "::1:80",      0,     0, "::0.1.0.128" },
    { "::0.1.0.128",           "::1:80",      0,     0, "::0.1.0.128" },
    { "2001:db8:0:0:1:0:0:1",  "2001:db8::1:0:0:1", 0, 0, "2001:db8::1:0:0:1" },
    { "0:0:0:0:0:0:0:0",       "::",          0,     0, "::" },
    { "fe80::",                "fe80::",      0,     0, "fe80::" },
    /* ISATAP: dotted, as Windows prints it (glibc would not). */
    { "fe80::5efe:c000:201",   "fe80::5efe:c000:201", 0, 0, "fe80::5efe:192.0.2.1" },
    { "[2001:db8::200:5efe:1.2.3.4]:80", "2001:db8::200:5efe:102:304", 80, 0,
      "[2001:db8::200:5efe:1.2.3.4]:80" },
    { "[2001:db8::]:1",        "2001:db8::",  1,     0, "[2001:db8::]:1" },
    { "1::",                   "1::",         0,     0, "1::" },
    { "::2:3:4:5:6:7:8",       "0:2:3:4:5:6:7:8", 0, 0, "0:2:3:4:5:6:7:8" },
    { "1:2:3:4:5:6:7::",       "1:2:3:4:5:6:7:0", 0, 0, "1:2:3:4:5:6:7:0" },
    { "abcd:ef01:2345:6789:abcd:ef01:2345:6789",
      "abcd:ef01:2345:6789:abcd:ef01:2345:6789", 0, 0,
      "abcd:ef01:2345:6789:abcd:ef01:2345:6789" },
    { "[ABCD:EF01:2345:6789:ABCD:EF01:2345:6789%7]:7",
      "abcd:ef01:2345:6789:abcd:ef01:2345:6789", 7, 7,
      "[abcd:ef01:2345:6789:abcd:ef01:2345:6789%7]:7" },
};

static const char *const g_v6_invalid[] = {
    "", ":", ":::", "[]", "[]:80", "%1", "[%1]:80",
    "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::1", "02001:db8::1",
    "g::1", "::1::2", "1.2.3.4", "1.2.3.4:80", "localhost",
    "[::1", "::1]", "[::1]:", "[::1]:65536", "[::1]:-1", "[::1]:+1",
    "[::1]:080", "[::1]:0x50", "[::1]80", "[::1]:80x", "[::1]:80:90",
    "[[::1]]:80", "[::1]]:80", "[::1] :80", "[::1]: 80", " ::1", "::1 ",
    "[ ::1]:80", "::1\n", "fe80::1%", "[fe80::1%]:80", "fe80::1%4294967296",
    "fe80::1%99999999999", "fe80::1%-1", "fe80::1%+1", "fe80::1%01",
    "fe80::1%2%3", "fe80::1%2 ", "fe80::1% 2", "fe80::1%rnr-no-such-if0",
    "fe80::1%aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "fe80::1%lo:80",
    "fe80::1%lo:", "[fe80::1%lo:1]:80", "fe80::1%lo/", "fe80::1%lo\t",
    "::ffff:1.2.3", "::ffff:256.1.1.1", "::ffff:01.2.3.4", "1.2.3.4::",
    "::1/128", "::1%", "[::1%lo]x",
    "0000:0000:0000:0000:0000:0000:0000:0000:0000",
};

/* ------------------------------------------------------------------ */
/* String -> address                                                    */
/* ------------------------------------------------------------------ */

static void test_v4_valid(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(g_v4_valid) / sizeof(g_v4_valid[0]); i++) {
        const struct v4row *r = &g_v4_valid[i];
        struct sockaddr_storage ss;
        struct sockaddr_in want = make_in(r->addr, r->port);
        char text[128];

        from_string(r->in, AF_INET, &ss);
        /* The whole sockaddr_in, sin_zero included. */
        if (memcmp(&ss, &want, sizeof(want)) != 0)
            fail_msg("\"%s\": wrong address", r->in);
        to_string(&ss, sizeof(struct sockaddr_in), text, sizeof(text));
        assert_string_equal(text, r->out);
    }
}

static void test_v4_invalid(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(g_v4_invalid) / sizeof(g_v4_invalid[0]); i++)
        refused(g_v4_invalid[i], AF_INET);
}

static void test_v6_valid(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(g_v6_valid) / sizeof(g_v6_valid[0]); i++) {
        const struct v6row *r = &g_v6_valid[i];
        struct sockaddr_storage ss;
        struct sockaddr_in6 want = make_in6(r->addr, r->port, r->scope);
        char text[128];

        from_string(r->in, AF_INET6, &ss);
        if (memcmp(&ss, &want, sizeof(want)) != 0)
            fail_msg("\"%s\": wrong address", r->in);
        to_string(&ss, sizeof(struct sockaddr_in6), text, sizeof(text));
        assert_string_equal(text, r->out);
    }
}

static void test_v6_invalid(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(g_v6_invalid) / sizeof(g_v6_invalid[0]); i++)
        refused(g_v6_invalid[i], AF_INET6);
}

/* A scope may name an interface; the output is always the number. */
static void test_v6_scope_name(void **state)
{
    unsigned idx = if_nametoindex("lo");
    struct sockaddr_storage ss;
    struct sockaddr_in6 want;
    char text[128], expect[128];

    (void)state;
    if (idx == 0)
        skip();
    want = make_in6("fe80::1", 0, idx);
    from_string("fe80::1%lo", AF_INET6, &ss);
    assert_memory_equal(&ss, &want, sizeof(want));
    to_string(&ss, sizeof(want), text, sizeof(text));
    snprintf(expect, sizeof(expect), "fe80::1%%%u", idx);
    assert_string_equal(text, expect);

    want = make_in6("fe80::1", 8080, idx);
    from_string("[fe80::1%lo]:8080", AF_INET6, &ss);
    assert_memory_equal(&ss, &want, sizeof(want));
}

/* Each family's strings are refused by the other. */
static void test_cross_family(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(g_v4_valid) / sizeof(g_v4_valid[0]); i++)
        refused(g_v4_valid[i].in, AF_INET6);
    for (i = 0; i < sizeof(g_v6_valid) / sizeof(g_v6_valid[0]); i++)
        refused(g_v6_valid[i].in, AF_INET);
}

static void test_s2a_errors(void **state)
{
    struct sockaddr_storage ss;
    WSAPROTOCOL_INFOA pi;
    int len;

    (void)state;
    /* NULL pointers. */
    len = (int)sizeof(ss);
    assert_int_equal(WSAStringToAddressA(NULL, AF_INET, NULL, (LPSOCKADDR)&ss, &len),
                     SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEFAULT);
    assert_int_equal(WSAStringToAddressA("1.2.3.4", AF_INET, NULL, (LPSOCKADDR)&ss, NULL),
                     SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEFAULT);

    /* Families other than AF_INET / AF_INET6. */
    len = (int)sizeof(ss);
    assert_int_equal(WSAStringToAddressA("1.2.3.4", AF_UNSPEC, NULL, (LPSOCKADDR)&ss, &len),
                     SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEINVAL);
    assert_int_equal(WSAStringToAddressA("/tmp/x", AF_UNIX, NULL, (LPSOCKADDR)&ss, &len),
                     SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEINVAL);
    assert_int_equal(WSAStringToAddressA("1.2.3.4", -1, NULL, (LPSOCKADDR)&ss, &len),
                     SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEINVAL);
    assert_int_equal(len, (int)sizeof(ss));

    /* A provider of another family cannot translate; its own family can. */
    memset(&pi, 0, sizeof(pi));
    pi.iAddressFamily = AF_INET6;
    assert_int_equal(WSAStringToAddressA("1.2.3.4", AF_INET, &pi, (LPSOCKADDR)&ss, &len),
                     SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEINVAL);
    assert_int_equal(WSAStringToAddressA("[::1]:1", AF_INET6, &pi, (LPSOCKADDR)&ss, &len), 0);
    assert_int_equal(len, (int)sizeof(struct sockaddr_in6));

    /* The unsuffixed name is the same function. */
    len = (int)sizeof(ss);
    assert_int_equal(WSAStringToAddress("1.2.3.4:5", AF_INET, NULL, (LPSOCKADDR)&ss, &len), 0);
    assert_int_equal(ntohs(((struct sockaddr_in *)&ss)->sin_port), 5);
    assert_ptr_equal((void *)WSAStringToAddress, (void *)WSAStringToAddressA);
}

/* lpAddressLength one short fails with the size needed and leaves the
 * buffer alone; exactly the size succeeds.  The size is checked before the
 * string is looked at, as on Windows. */
static void check_s2a_boundary(const char *s, int af, int need)
{
    struct sockaddr_storage ss;
    int len;

    memset(&ss, CANARY, sizeof(ss));
    len = need - 1;
    assert_int_equal(WSAStringToAddressA((LPSTR)s, af, NULL, (LPSOCKADDR)&ss, &len),
                     SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEFAULT);
    assert_int_equal(len, need);
    assert_true(all_bytes(&ss, sizeof(ss), CANARY));

    len = -1;
    assert_int_equal(WSAStringToAddressA((LPSTR)s, af, NULL, (LPSOCKADDR)&ss, &len),
                     SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEFAULT);
    assert_int_equal(len, need);

    len = 1000;
    assert_int_equal(WSAStringToAddressA((LPSTR)s, af, NULL, NULL, &len), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEFAULT);
    assert_int_equal(len, need);

    len = need;
    assert_int_equal(WSAStringToAddressA((LPSTR)s, af, NULL, (LPSOCKADDR)&ss, &len), 0);
    assert_int_equal(len, need);
    /* Nothing written past the sockaddr. */
    assert_true(all_bytes((char *)&ss + need, sizeof(ss) - (size_t)need, CANARY));
}

static void test_s2a_short(void **state)
{
    int len;
    struct sockaddr_in sin;

    (void)state;
    check_s2a_boundary("1.2.3.4:80", AF_INET, (int)sizeof(struct sockaddr_in));
    check_s2a_boundary("[fe80::1%3]:80", AF_INET6, (int)sizeof(struct sockaddr_in6));
    /* Short wins over unparsable. */
    len = 4;
    assert_int_equal(WSAStringToAddressA("garbage", AF_INET, NULL, (LPSOCKADDR)&sin, &len),
                     SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEFAULT);
    assert_int_equal(len, (int)sizeof(sin));
}

/* ------------------------------------------------------------------ */
/* Address -> string                                                    */
/* ------------------------------------------------------------------ */

/* Length - 1 fails with the needed length (NUL counted) and an untouched
 * buffer; the length itself succeeds. */
static void check_a2s_boundary(const void *sa, DWORD salen, const char *expect)
{
    char buf[128];
    DWORD need = (DWORD)strlen(expect) + 1, len;

    len = 0;
    assert_int_equal(WSAAddressToStringA((LPSOCKADDR)sa, salen, NULL, NULL, &len),
                     SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEFAULT);
    assert_int_equal(len, need);

    memset(buf, CANARY, sizeof(buf));
    len = need - 1;
    assert_int_equal(WSAAddressToStringA((LPSOCKADDR)sa, salen, NULL, buf, &len),
                     SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEFAULT);
    assert_int_equal(len, need);
    assert_true(all_bytes(buf, sizeof(buf), CANARY));

    len = need;
    assert_int_equal(WSAAddressToStringA((LPSOCKADDR)sa, salen, NULL, buf, &len), 0);
    assert_int_equal(len, need);
    assert_string_equal(buf, expect);
    assert_true(all_bytes(buf + need, sizeof(buf) - need, CANARY));
}

static void test_a2s_short(void **state)
{
    struct sockaddr_in a4;
    struct sockaddr_in6 a6;

    (void)state;
    a4 = make_in("0.0.0.0", 0);
    check_a2s_boundary(&a4, sizeof(a4), "0.0.0.0");
    a4 = make_in("255.255.255.255", 65535);
    check_a2s_boundary(&a4, sizeof(a4), "255.255.255.255:65535");
    a6 = make_in6("::", 0, 0);
    check_a2s_boundary(&a6, sizeof(a6), "::");
    a6 = make_in6("::1", 1, 0);
    check_a2s_boundary(&a6, sizeof(a6), "[::1]:1");
    /* The longest form there is. */
    a6 = make_in6("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255", 65535, 4294967295u);
    check_a2s_boundary(&a6, sizeof(a6),
                       "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff%4294967295]:65535");
    a6 = make_in6("::ffff:255.255.255.255", 65535, 4294967295u);
    check_a2s_boundary(&a6, sizeof(a6), "[::ffff:255.255.255.255%4294967295]:65535");
    a6 = make_in6("fe80::1", 0, 12);
    check_a2s_boundary(&a6, sizeof(a6), "fe80::1%12");
}

static void test_a2s_errors(void **state)
{
    struct sockaddr_in a4 = make_in("1.2.3.4", 80);
    struct sockaddr_in6 a6 = make_in6("::1", 80, 0);
    struct sockaddr_storage ss;
    struct sockaddr_un_like { sa_family_t f; char path[20]; } un;
    WSAPROTOCOL_INFOA pi;
    char buf[128];
    DWORD len;

    (void)state;
    len = sizeof(buf);
    assert_int_equal(WSAAddressToStringA(NULL, sizeof(a4), NULL, buf, &len), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEFAULT);
    assert_int_equal(WSAAddressToStringA((LPSOCKADDR)&a4, sizeof(a4), NULL, buf, NULL),
                     SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEFAULT);

    /* Lengths too small for the family, down to none at all. */
    assert_int_equal(WSAAddressToStringA((LPSOCKADDR)&a4, sizeof(a4) - 1, NULL, buf, &len),
                     SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEINVAL);
    assert_int_equal(WSAAddressToStringA((LPSOCKADDR)&a6, sizeof(a6) - 1, NULL, buf, &len),
                     SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEINVAL);
    assert_int_equal(WSAAddressToStringA((LPSOCKADDR)&a4, 1, NULL, buf, &len), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEINVAL);
    assert_int_equal(WSAAddressToStringA((LPSOCKADDR)&a4, 0, NULL, buf, &len), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEINVAL);
    assert_int_equal(len, sizeof(buf));

    /* Other families. */
    memset(&un, 0, sizeof(un));
    un.f = AF_UNIX;
    assert_int_equal(WSAAddressToStringA((LPSOCKADDR)&un, sizeof(un), NULL, buf, &len),
                     SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEINVAL);
    un.f = AF_UNSPEC;
    assert_int_equal(WSAAddressToStringA((LPSOCKADDR)&un, sizeof(un), NULL, buf, &len),
                     SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEINVAL);

    /* A longer length (a whole sockaddr_storage) is fine. */
    memset(&ss, 0, sizeof(ss));
    memcpy(&ss, &a6, sizeof(a6));
    len = sizeof(buf);
    assert_int_equal(WSAAddressToStringA((LPSOCKADDR)&ss, sizeof(ss), NULL, buf, &len), 0);
    assert_string_equal(buf, "[::1]:80");

    /* lpProtocolInfo of another family refuses; of the same, translates. */
    memset(&pi, 0, sizeof(pi));
    pi.iAddressFamily = AF_INET6;
    assert_int_equal(WSAAddressToStringA((LPSOCKADDR)&a4, sizeof(a4), &pi, buf, &len),
                     SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEINVAL);
    len = sizeof(buf);
    assert_int_equal(WSAAddressToStringA((LPSOCKADDR)&a6, sizeof(a6), &pi, buf, &len), 0);
    assert_string_equal(buf, "[::1]:80");

    /* Unaligned input is read safely. */
    {
        char raw[sizeof(a4) + 1];

        memcpy(raw + 1, &a4, sizeof(a4));
        len = sizeof(buf);
        assert_int_equal(WSAAddressToStringA((LPSOCKADDR)(raw + 1), sizeof(a4), NULL, buf,
                                             &len), 0);
        assert_string_equal(buf, "1.2.3.4:80");
    }

    /* flowinfo is not part of the text. */
    a6.sin6_flowinfo = htonl(0x12345);
    len = sizeof(buf);
    assert_int_equal(WSAAddressToString((LPSOCKADDR)&a6, sizeof(a6), NULL, buf, &len), 0);
    assert_string_equal(buf, "[::1]:80");
    assert_ptr_equal((void *)WSAAddressToString, (void *)WSAAddressToStringA);
}

/* A successful call leaves the thread's last error alone. */
static void test_last_error_kept(void **state)
{
    struct sockaddr_storage ss;
    char buf[64];
    DWORD blen = sizeof(buf);
    int len = (int)sizeof(ss);

    (void)state;
    WSASetLastError(12345);
    assert_int_equal(WSAStringToAddressA("[::1]:9", AF_INET6, NULL, (LPSOCKADDR)&ss, &len), 0);
    assert_int_equal(WSAAddressToStringA((LPSOCKADDR)&ss, (DWORD)len, NULL, buf, &blen), 0);
    assert_int_equal(WSAGetLastError(), 12345);
}

static void test_not_initialised(void **state)
{
    struct sockaddr_in a4 = make_in("1.2.3.4", 80);
    struct sockaddr_storage ss;
    char buf[64];
    DWORD blen = sizeof(buf);
    int len = (int)sizeof(ss);

    (void)state;
    assert_int_equal(WSACleanup(), 0);
    assert_int_equal(WSAAddressToStringA((LPSOCKADDR)&a4, sizeof(a4), NULL, buf, &blen),
                     SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSANOTINITIALISED);
    assert_int_equal(WSAStringToAddressA("1.2.3.4", AF_INET, NULL, (LPSOCKADDR)&ss, &len),
                     SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSANOTINITIALISED);
    assert_int_equal(blen, sizeof(buf));
    assert_int_equal(len, (int)sizeof(ss));
    {
        WSADATA d;

        assert_int_equal(WSAStartup(MAKEWORD(2, 2), &d), 0);
    }
}

/* ------------------------------------------------------------------ */
/* Round trips                                                          */
/* ------------------------------------------------------------------ */

#define ROUNDS 2000

static unsigned rnd_port(void)
{
    /* A quarter of the ports are 0, which changes the output form. */
    return rnd() % 4 == 0 ? 0 : rnd() % 65536;
}

static uint32_t rnd_scope(void)
{
    switch (rnd() % 4) {
    case 0:  return 0;
    case 1:  return rnd() % 16;
    case 2:  return 4294967295u - rnd() % 4;
    default: return rnd();
    }
}

static void rnd_in6_addr(struct in6_addr *a)
{
    size_t i;

    /* Zero runs exercise "::"; a few mapped addresses the dotted tail. */
    for (i = 0; i < 8; i++) {
        uint16_t g = rnd() % 3 == 0 ? 0 : (uint16_t)rnd();

        a->s6_addr[2 * i] = (uint8_t)(g >> 8);
        a->s6_addr[2 * i + 1] = (uint8_t)g;
    }
    if (rnd() % 10 == 0) {
        memset(a->s6_addr, 0, 10);
        a->s6_addr[10] = a->s6_addr[11] = 0xff;
    }
}

/* sockaddr -> string -> sockaddr gives the same bytes. */
static void test_roundtrip_addr(void **state)
{
    int i;

    (void)state;
    for (i = 0; i < ROUNDS; i++) {
        struct sockaddr_storage back;
        char text[128];

        if (i % 2 == 0) {
            struct sockaddr_in a;

            memset(&a, 0, sizeof(a));
            a.sin_family = AF_INET;
            a.sin_addr.s_addr = rnd();
            a.sin_port = htons((uint16_t)rnd_port());
            to_string(&a, sizeof(a), text, sizeof(text));
            from_string(text, AF_INET, &back);
            if (memcmp(&back, &a, sizeof(a)) != 0)
                fail_msg("round %d: \"%s\" differs", i, text);
        } else {
            struct sockaddr_in6 a;

            memset(&a, 0, sizeof(a));
            a.sin6_family = AF_INET6;
            rnd_in6_addr(&a.sin6_addr);
            a.sin6_port = htons((uint16_t)rnd_port());
            a.sin6_scope_id = rnd_scope();
            to_string(&a, sizeof(a), text, sizeof(text));
            from_string(text, AF_INET6, &back);
            if (memcmp(&back, &a, sizeof(a)) != 0)
                fail_msg("round %d: \"%s\" differs", i, text);
        }
    }
}

/* The text Windows' rules give for an address, built independently of
 * librnr: inet_ntop, then the scope and the port when not 0. */
static void expected_text(const struct sockaddr_storage *ss, char *out, size_t outlen)
{
    char host[INET6_ADDRSTRLEN];

    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *a = (const struct sockaddr_in *)ss;

        inet_ntop(AF_INET, &a->sin_addr, host, sizeof(host));
        if (a->sin_port != 0)
            snprintf(out, outlen, "%s:%u", host, ntohs(a->sin_port));
        else
            snprintf(out, outlen, "%s", host);
    } else {
        const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)ss;
        char scope[16] = "";

        inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof(host));
        if (a->sin6_scope_id != 0)
            snprintf(scope, sizeof(scope), "%%%u", (unsigned)a->sin6_scope_id);
        if (a->sin6_port != 0)
            snprintf(out, outlen, "[%s%s]:%u", host, scope, ntohs(a->sin6_port));
        else
            snprintf(out, outlen, "%s%s", host, scope);
    }
}

/* A string in some accepted spelling -> sockaddr -> the canonical string,
 * which again gives the same sockaddr. */
static void test_roundtrip_string(void **state)
{
    int i;

    (void)state;
    for (i = 0; i < ROUNDS; i++) {
        struct sockaddr_storage ss, again;
        char in[160], out[128], expect[128];
        int af = i % 2 == 0 ? AF_INET : AF_INET6;
        unsigned port = rnd_port();
        size_t n = 0;

        if (af == AF_INET) {
            uint32_t v = rnd();

            n += (size_t)snprintf(in, sizeof(in), "%u.%u.%u.%u", v >> 24, (v >> 16) & 255,
                                  (v >> 8) & 255, v & 255);
            /* An explicit ":0" is refused for IPv4, as on Windows. */
            if (port != 0)
                snprintf(in + n, sizeof(in) - n, ":%u", port);
        } else {
            struct in6_addr a;
            uint32_t scope = rnd_scope();
            int bracket = port != 0 || rnd() % 2, g;

            rnd_in6_addr(&a);
            if (bracket)
                in[n++] = '[';
            /* Uncompressed, in upper or lower case, padded or not. */
            for (g = 0; g < 8; g++) {
                unsigned v = (unsigned)a.s6_addr[2 * g] << 8 | a.s6_addr[2 * g + 1];

                switch (rnd() % 3) {
                case 0:  n += (size_t)snprintf(in + n, sizeof(in) - n, "%x", v); break;
                case 1:  n += (size_t)snprintf(in + n, sizeof(in) - n, "%04X", v); break;
                default: n += (size_t)snprintf(in + n, sizeof(in) - n, "%04x", v); break;
                }
                if (g < 7)
                    in[n++] = ':';
            }
            if (scope != 0 || rnd() % 4 == 0)
                n += (size_t)snprintf(in + n, sizeof(in) - n, "%%%u", (unsigned)scope);
            if (bracket)
                snprintf(in + n, sizeof(in) - n, "]:%u", port);
            else
                in[n] = '\0';
        }

        from_string(in, af, &ss);
        expected_text(&ss, expect, sizeof(expect));
        to_string(&ss, af == AF_INET ? sizeof(struct sockaddr_in)
                                     : sizeof(struct sockaddr_in6), out, sizeof(out));
        if (strcmp(out, expect) != 0)
            fail_msg("\"%s\" printed as \"%s\", expected \"%s\"", in, out, expect);
        from_string(out, af, &again);
        if (memcmp(&again, &ss, af == AF_INET ? sizeof(struct sockaddr_in)
                                               : sizeof(struct sockaddr_in6)) != 0)
            fail_msg("\"%s\" -> \"%s\" parses differently", in, out);
        /* The port read is the port written. */
        if (af == AF_INET)
            assert_int_equal(ntohs(((struct sockaddr_in *)&ss)->sin_port), port);
        else
            assert_int_equal(ntohs(((struct sockaddr_in6 *)&ss)->sin6_port), port);
    }
}

/* ------------------------------------------------------------------ */

static int group_setup(void **state)
{
    WSADATA d;
    const char *seed = getenv("RNR_TEST_SEED");

    (void)state;
    g_rng = seed != NULL ? strtoull(seed, NULL, 0) : 0x9E3779B97F4A7C15ULL;
    if (g_rng == 0)
        g_rng = 1;
    print_message("random seed 0x%llx (RNR_TEST_SEED)\n", (unsigned long long)g_rng);
    return WSAStartup(MAKEWORD(2, 2), &d);
}

static int group_teardown(void **state)
{
    (void)state;
    return WSACleanup();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_v4_valid),
        cmocka_unit_test(test_v4_invalid),
        cmocka_unit_test(test_v6_valid),
        cmocka_unit_test(test_v6_invalid),
        cmocka_unit_test(test_v6_scope_name),
        cmocka_unit_test(test_cross_family),
        cmocka_unit_test(test_s2a_errors),
        cmocka_unit_test(test_s2a_short),
        cmocka_unit_test(test_a2s_short),
        cmocka_unit_test(test_a2s_errors),
        cmocka_unit_test(test_last_error_kept),
        cmocka_unit_test(test_not_initialised),
        cmocka_unit_test(test_roundtrip_addr),
        cmocka_unit_test(test_roundtrip_string),
    };

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
