/* SPDX-License-Identifier: MIT */
/*
 * inet_addr / inet_ntoa: every documented form, and glibc's inet_addr as
 * the oracle for a large generated set of strings (well-formed, odd and
 * garbage).  The first part compiles snippets written the way the API
 * reference writes them, with the Winsock names as <rnr/winsock2.h> maps
 * them; the second undoes the mapping to reach glibc's functions.
 */
#include "config.h"

#include <rnr/winsock2.h>

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

/* ---------------------------------------------------------------- *
 * Reference-style code, compiled unchanged (Winsock names, FAR).    *
 * ---------------------------------------------------------------- */
static unsigned long ref_style_addr(const char FAR *cp)
{
    unsigned long addr = inet_addr(cp);

    if (addr == INADDR_NONE)
        return 0;
    return addr;
}

static char FAR *ref_style_ntoa(unsigned long addr)
{
    struct in_addr in;

    in.s_addr = (in_addr_t)addr;
    return inet_ntoa(in);
}

/* Never run (no rnrd here): it has to compile and link. */
static int ref_style_lookups(void)
{
    struct hostent FAR *hp;
    struct servent FAR *sp;
    struct protoent FAR *pp;
    LPHOSTENT lph;
    PSERVENT ps;
    PROTOENT *pe;
    char name[256];
    unsigned long a = inet_addr("192.9.200.120");

    if (gethostname(name, sizeof(name)) == SOCKET_ERROR)
        return WSAGetLastError();
    hp = gethostbyname(name);
    lph = gethostbyaddr((const char FAR *)&a, 4, AF_INET);
    sp = getservbyname("time", "tcp");
    ps = getservbyport(sp != NULL ? sp->s_port : htons(37), NULL);
    pp = getprotobyname("tcp");
    pe = getprotobynumber(IPPROTO_UDP);
    return hp != NULL && lph != NULL && ps != NULL && pp != NULL && pe != NULL;
}

static void test_reference_snippets(void **state)
{
    (void)state;
    assert_int_equal(ref_style_addr("1.2.3.4"), htonl(0x01020304));
    assert_string_equal(ref_style_ntoa(htonl(0xc009c878)), "192.9.200.120");
    assert_non_null((void *)ref_style_lookups);
    /* The Winsock names are the rnr functions. */
    assert_ptr_equal((void *)&inet_addr, (void *)&rnr_inet_addr);
    assert_ptr_equal((void *)&gethostbyname, (void *)&rnr_gethostbyname);
}

/* ---------------------------------------------------------------- *
 * From here on, inet_addr / inet_ntoa are glibc's.                  *
 * ---------------------------------------------------------------- */
#undef inet_addr
#undef inet_ntoa

static void check(const char *s)
{
    unsigned long want = (unsigned long)inet_addr(s);
    unsigned long got = rnr_inet_addr(s);

    if (got != want)
        fail_msg("inet_addr(\"%s\"): rnr 0x%lx, glibc 0x%lx", s, got, want);
}

static void test_forms(void **state)
{
    (void)state;
    /* a.b.c.d, a.b.c (16-bit c), a.b (24-bit b), a (32 bits). */
    assert_int_equal(rnr_inet_addr("192.9.200.120"), htonl(0xc009c878));
    assert_int_equal(rnr_inet_addr("128.10.513"), htonl(0x800a0201));
    assert_int_equal(rnr_inet_addr("10.65537"), htonl(0x0a010001));
    assert_int_equal(rnr_inet_addr("3232235777"), htonl(0xc0a80101));
    /* Octal and hex parts, mixed. */
    assert_int_equal(rnr_inet_addr("0300.011.0xc8.0X78"), htonl(0xc009c878));
    assert_int_equal(rnr_inet_addr("0xffffffff"), INADDR_NONE);
    assert_int_equal(rnr_inet_addr("0"), 0);
    /* Errors. */
    assert_int_equal(rnr_inet_addr("256.1.1.1"), INADDR_NONE);
    assert_int_equal(rnr_inet_addr("1.2.3.256"), INADDR_NONE);
    assert_int_equal(rnr_inet_addr("1.2.65536"), INADDR_NONE);
    assert_int_equal(rnr_inet_addr("1.16777216"), INADDR_NONE);
    assert_int_equal(rnr_inet_addr("4294967296"), INADDR_NONE);
    assert_int_equal(rnr_inet_addr("1.2.3.4.5"), INADDR_NONE);
    assert_int_equal(rnr_inet_addr("08"), INADDR_NONE);
    assert_int_equal(rnr_inet_addr("0x"), INADDR_NONE);
    assert_int_equal(rnr_inet_addr(""), INADDR_NONE);
    assert_int_equal(rnr_inet_addr(" 1.2.3.4"), INADDR_NONE);
    assert_int_equal(rnr_inet_addr("1.2.3.4x"), INADDR_NONE);
    assert_int_equal(rnr_inet_addr("1..2"), INADDR_NONE);
    assert_int_equal(rnr_inet_addr("1.2."), INADDR_NONE);
    assert_int_equal(rnr_inet_addr("-1"), INADDR_NONE);
    /* NULL: WSAEFAULT recorded, as on Windows; a bad string records
     * nothing. */
    WSASetLastError(0);
    assert_int_equal(rnr_inet_addr(" "), INADDR_NONE);
    assert_int_equal(WSAGetLastError(), 0);
    assert_int_equal(rnr_inet_addr(NULL), INADDR_NONE);
    assert_int_equal(WSAGetLastError(), WSAEFAULT);
    WSASetLastError(0);
    /* glibc accepts anything after white space. */
    assert_int_equal(rnr_inet_addr("1.2.3.4 junk"), htonl(0x01020304));
    assert_int_equal(rnr_inet_addr("1.2.3.4\n"), htonl(0x01020304));
}

static const char *const fixed_cases[] = {
    "1.2.3.4", "255.255.255.255", "255.255.255.256", "0.0.0.0", "1.2.3",
    "1.2", "1", "01.02.03.04", "0x1.0x2.0x3.0x4", "0x01020304", "017700000001",
    "0x7f.1", "0x7F.0.0.1", "0xG", "0x.1", "00", "000000000000000000000000001",
    "0x00000000000000000000000000ff", "4294967295", "4294967296",
    "18446744073709551615", "18446744073709551616", "99999999999999999999999",
    "1.2.3.4 ", "1.2.3.4\t", "1.2.3.4\v", "1.2.3.4\f", "1.2.3.4\r",
    "1.2.3.4\x85", "1.2.3.4\xa0", "1 .2", "1. 2", "+1.2.3.4", "1.+2.3.4",
    "1.-2.3.4", "1.2.3.-4", ".1.2.3", "1.2.3.", "1.2.3..", "..", ".", " ",
    "0x1.0x2.0xffff", "0x1.0xffffff", "0x1.0x1000000", "1.2.0x10000",
    "09", "07", "0.08", "0.07", "1e3", "1.2.3.4.", "1.2.3.4.5.6", "a.b.c.d",
    "127.0.0.1\n\n", "3.0x", "3.0xx", "0xx", "0X", "0Xa", "0xA.0Xb.0xC.0XD",
    "256", "255.", "1.256", "1.2.256", "1.2.3.0377", "1.2.3.0400",
    "0377.0377.0377.0377", "0400.1.1.1",
};

static void test_fixed_against_glibc(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof fixed_cases / sizeof fixed_cases[0]; i++)
        check(fixed_cases[i]);
}

/* xorshift: reproducible without touching rand()'s state. */
static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 11);
}

/* A number written in a random base, sometimes out of range. */
static size_t put_part(char *p, size_t room)
{
    static const uint32_t edges[] = { 0, 1, 7, 8, 9, 255, 256, 65535, 65536,
                                      16777215, 16777216, 4294967295u };
    uint64_t v;
    int n;

    switch (next_rand() % 4) {
    case 0:
        v = edges[next_rand() % (sizeof edges / sizeof edges[0])];
        break;
    case 1:
        v = next_rand() % 300;
        break;
    case 2:
        v = ((uint64_t)next_rand() << 8) ^ next_rand();
        break;
    default:
        v = next_rand();
        break;
    }
    switch (next_rand() % 4) {
    case 0:
        n = snprintf(p, room, "0%llo", (unsigned long long)v);
        break;
    case 1:
        n = snprintf(p, room, next_rand() % 2 ? "0x%llx" : "0X%llX",
                     (unsigned long long)v);
        break;
    default:
        n = snprintf(p, room, "%llu", (unsigned long long)v);
        break;
    }
    return n > 0 && (size_t)n < room ? (size_t)n : 0;
}

static void make_structured(char *buf, size_t size)
{
    static const char *const tails[] = { "", "", "", " ", "\t", " x", "x",
                                         ".", "\n", "#", "8", "9", "g" };
    unsigned parts = 1 + next_rand() % 5, i;
    size_t len = 0;

    for (i = 0; i < parts; i++) {
        if (i > 0 && len + 1 < size)
            buf[len++] = '.';
        len += put_part(buf + len, size - len);
    }
    snprintf(buf + len, size - len, "%s",
             tails[next_rand() % (sizeof tails / sizeof tails[0])]);
}

static void make_garbage(char *buf, size_t size)
{
    static const char alphabet[] = "0123456789.xXaAfFgG \t\n+-\x80\xff";
    size_t len = next_rand() % (size - 1), i;

    for (i = 0; i < len; i++)
        buf[i] = alphabet[next_rand() % (sizeof alphabet - 1)];
    buf[len] = '\0';
}

static void test_generated_against_glibc(void **state)
{
    char buf[80];
    long i;

    (void)state;
    for (i = 0; i < 300000; i++) {
        if (i % 3 == 0)
            make_garbage(buf, 24);
        else
            make_structured(buf, sizeof buf);
        check(buf);
    }
}

static void test_ntoa(void **state)
{
    struct in_addr in;
    char want[16];
    long i;

    (void)state;
    for (i = 0; i < 100000; i++) {
        in.s_addr = (in_addr_t)next_rand() ^ ((in_addr_t)next_rand() << 21);
        if (i < 4)
            in.s_addr = i == 0 ? 0 : i == 1 ? 0xffffffffu : htonl(i == 2 ? 0x7f000001 : 0x0a000100);
        snprintf(want, sizeof want, "%s", inet_ntoa(in));
        assert_string_equal(rnr_inet_ntoa(in), want);
    }
    in.s_addr = htonl(0xc009c878);
    assert_string_equal(rnr_inet_ntoa(in), "192.9.200.120");
}

static void *ntoa_thread(void *arg)
{
    struct in_addr in;

    (void)arg;
    in.s_addr = htonl(0x0a0b0c0d);
    return rnr_inet_ntoa(in);
}

/* One buffer per thread: another thread's call leaves ours alone. */
static void test_ntoa_per_thread(void **state)
{
    struct in_addr in;
    pthread_t t;
    char *mine, *theirs;
    void *ret;

    (void)state;
    in.s_addr = htonl(0x01020304);
    mine = rnr_inet_ntoa(in);
    assert_int_equal(pthread_create(&t, NULL, ntoa_thread, NULL), 0);
    assert_int_equal(pthread_join(t, &ret), 0);
    theirs = ret;
    assert_ptr_not_equal(mine, theirs);
    assert_string_equal(mine, "1.2.3.4");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reference_snippets),
        cmocka_unit_test(test_forms),
        cmocka_unit_test(test_fixed_against_glibc),
        cmocka_unit_test(test_generated_against_glibc),
        cmocka_unit_test(test_ntoa),
        cmocka_unit_test(test_ntoa_per_thread),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
