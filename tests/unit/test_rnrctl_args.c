/* SPDX-License-Identifier: MIT */
/*
 * rnrctl pieces that need no daemon: the option iterator, class aliases
 * and tcp:/udp: port bounds, name spaces, LUP flag lists (and what they
 * reject), transport addresses, versions, exit codes, and the output side:
 * UTF-8 checking, JSON escaping (checked by an independent strict JSON
 * parser on fixed and random input), terminal sanitising, tables and
 * sockaddr formatting.
 */
#include <config.h>
#include <limits.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "alloc.h"
#include "args.h"
#include "output.h"
#include "suggest.h"

/* ------------------------------------------------------------------ */
/* Option iterator                                                      */
/* ------------------------------------------------------------------ */
enum { T_HELP = 1, T_NS, T_FLAG, T_QUERY };

static const struct rnrctl_opt topts[] = {
    { "help", 'h', 0, T_HELP },
    { "ns", 0, 1, T_NS },
    { "multiple", 0, 0, T_FLAG },
    { "query", 'q', 1, T_QUERY },
    { NULL, 0, 0, 0 }
};

static void test_parser_mixed(void **state)
{
    char *argv[] = { "lookup", "host", "--ns", "dns", "name", "--ns=12", "--multiple",
                     "-qftp", "-q", "x", "--", "--ns", "-", NULL };
    int argc = (int)(sizeof argv / sizeof argv[0]) - 1;
    struct rnrctl_parser p;
    const char *val;
    char err[128];

    (void)state;
    rnrctl_parser_init(&p, argc, argv, 1);
    assert_int_equal(rnrctl_parser_next(&p, topts, &val, err, sizeof err), RNRCTL_OPT_POSITIONAL);
    assert_string_equal(val, "host");
    assert_int_equal(rnrctl_parser_next(&p, topts, &val, err, sizeof err), T_NS);
    assert_string_equal(val, "dns");
    assert_int_equal(rnrctl_parser_next(&p, topts, &val, err, sizeof err), RNRCTL_OPT_POSITIONAL);
    assert_string_equal(val, "name");
    assert_int_equal(rnrctl_parser_next(&p, topts, &val, err, sizeof err), T_NS);
    assert_string_equal(val, "12");
    assert_int_equal(rnrctl_parser_next(&p, topts, &val, err, sizeof err), T_FLAG);
    assert_null(val);
    assert_int_equal(rnrctl_parser_next(&p, topts, &val, err, sizeof err), T_QUERY);
    assert_string_equal(val, "ftp");
    assert_int_equal(rnrctl_parser_next(&p, topts, &val, err, sizeof err), T_QUERY);
    assert_string_equal(val, "x");
    /* After "--" everything is positional, "-" always is. */
    assert_int_equal(rnrctl_parser_next(&p, topts, &val, err, sizeof err), RNRCTL_OPT_POSITIONAL);
    assert_string_equal(val, "--ns");
    assert_int_equal(rnrctl_parser_next(&p, topts, &val, err, sizeof err), RNRCTL_OPT_POSITIONAL);
    assert_string_equal(val, "-");
    assert_int_equal(rnrctl_parser_next(&p, topts, &val, err, sizeof err), RNRCTL_OPT_END);
}

static void expect_parse_error(char *arg1, char *arg2, const char *want)
{
    char *argv[] = { "cmd", arg1, arg2, NULL };
    int argc = arg2 != NULL ? 3 : 2;
    struct rnrctl_parser p;
    const char *val;
    char err[128] = "";

    rnrctl_parser_init(&p, argc, argv, 1);
    assert_int_equal(rnrctl_parser_next(&p, topts, &val, err, sizeof err), RNRCTL_OPT_ERROR);
    assert_non_null(strstr(err, want));
}

static void test_parser_errors(void **state)
{
    (void)state;
    expect_parse_error("--nope", NULL, "unknown option '--nope'");
    expect_parse_error("--nope=3", NULL, "unknown option '--nope'");
    expect_parse_error("-x", NULL, "unknown option '-x'");
    expect_parse_error("-hx", NULL, "unknown option '-hx'");
    expect_parse_error("--ns", NULL, "option '--ns' needs an argument");
    expect_parse_error("-q", NULL, "option '-q' needs an argument");
    expect_parse_error("--multiple=1", NULL, "option '--multiple' takes no argument");
    /* A prefix is not an abbreviation: exact names only. */
    expect_parse_error("--mult", NULL, "unknown option '--mult'");
    /* A near miss is named; something far from every option is not. */
    expect_parse_error("--mulitple", NULL, "unknown option '--mulitple'; did you mean '--multiple'?");
    expect_parse_error("--qeury=x", NULL, "did you mean '--query'?");
    expect_parse_error("--zzzzzz", NULL, "unknown option '--zzzzzz'");
    {
        char *argv[] = { "cmd", "--zzzzzz", NULL };
        struct rnrctl_parser p;
        const char *val;
        char err[128] = "";

        rnrctl_parser_init(&p, 2, argv, 1);
        assert_int_equal(rnrctl_parser_next(&p, topts, &val, err, sizeof err), RNRCTL_OPT_ERROR);
        assert_null(strstr(err, "did you mean"));
    }
}

/* ------------------------------------------------------------------ */
/* Did you mean                                                         */
/* ------------------------------------------------------------------ */
static void test_suggest(void **state)
{
    static const char *const cmds[] = { "providers", "lookup", "register", "status",
                                         "stats", "log-level" };
    char longw[RNR_SUGGEST_MAX_LEN + 2];

    (void)state;
    assert_int_equal(rnr_suggest_distance("", ""), 0);
    assert_int_equal(rnr_suggest_distance("abc", ""), 3);
    assert_int_equal(rnr_suggest_distance("lookup", "LookUp"), 0);
    assert_int_equal(rnr_suggest_distance("lokup", "lookup"), 1);
    assert_int_equal(rnr_suggest_distance("stauts", "status"), 1);   /* a swap */
    assert_int_equal(rnr_suggest_distance("kitten", "sitting"), 3);
    memset(longw, 'a', sizeof longw - 1);
    longw[sizeof longw - 1] = '\0';
    assert_true(rnr_suggest_distance(longw, "a") == UINT_MAX);

    assert_string_equal(rnr_suggest_pick("lokup", cmds, 6), "lookup");
    assert_string_equal(rnr_suggest_pick("stauts", cmds, 6), "status");
    assert_string_equal(rnr_suggest_pick("stat", cmds, 6), "stats");
    assert_string_equal(rnr_suggest_pick("loglevel", cmds, 6), "log-level");
    /* Too far to be a typo: nothing. */
    assert_null(rnr_suggest_pick("frobnicate", cmds, 6));
    assert_null(rnr_suggest_pick("xy", cmds, 6));
    assert_null(rnr_suggest_pick(longw, cmds, 6));
    /* The first of equally close ones; NULL candidates are skipped. */
    {
        static const char *const two[] = { NULL, "cat", "car" };

        assert_string_equal(rnr_suggest_pick("cax", two, 3), "cat");
    }
}

/* ------------------------------------------------------------------ */
/* Classes                                                              */
/* ------------------------------------------------------------------ */
static void expect_class(const char *s, const GUID *want)
{
    GUID g;
    char err[128];

    memset(&g, 0xAA, sizeof g);
    assert_int_equal(rnrctl_parse_class(s, &g, err, sizeof err), 0);
    assert_memory_equal(&g, want, sizeof g);
}

static void expect_class_error(const char *s, int status)
{
    GUID g, orig;
    char err[128] = "";

    memset(&g, 0x5A, sizeof g);
    orig = g;
    assert_int_equal(rnrctl_parse_class(s, &g, err, sizeof err), status);
    assert_memory_equal(&g, &orig, sizeof g);   /* untouched on failure */
    assert_true(err[0] != '\0');
}

static void test_class_aliases(void **state)
{
    static const GUID byname = SVCID_INET_HOSTADDRBYNAME;
    static const GUID bystr = SVCID_INET_HOSTADDRBYINETSTRING;
    static const GUID svc = SVCID_INET_SERVICEBYNAME;
    static const GUID hn = SVCID_HOSTNAME;
    static const GUID custom = { 0x12345678, 0x9ABC, 0xDEF0,
                                 { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88 } };

    (void)state;
    expect_class("host", &byname);
    expect_class("HOST", &byname);
    expect_class("addr", &bystr);
    expect_class("service", &svc);
    expect_class("hostname", &hn);
    expect_class("Hostname", &hn);
    expect_class("{12345678-9ABC-DEF0-1122-334455667788}", &custom);
    expect_class("12345678-9abc-def0-1122-334455667788", &custom);
    expect_class("{0002A803-0000-0000-C000-000000000046}", &byname);

    expect_class_error("printer", RNRCTL_CLASS_NOT_ALIAS);
    expect_class_error("hosts", RNRCTL_CLASS_NOT_ALIAS);
    expect_class_error("", WSAEINVAL);
    /* Almost a GUID is not an alias either: left to the installed names. */
    expect_class_error("{12345678-9ABC-DEF0-1122-33445566778}", RNRCTL_CLASS_NOT_ALIAS);
}

static void test_class_ports(void **state)
{
    static const GUID tcp80 = SVCID_TCP(80);
    static const GUID udp53 = SVCID_UDP(53);
    static const GUID tcp1 = SVCID_TCP(1);
    static const GUID udpmax = SVCID_UDP(65535);
    GUID g;
    char err[128];

    (void)state;
    expect_class("tcp:80", &tcp80);
    expect_class("TCP:80", &tcp80);
    expect_class("udp:53", &udp53);
    expect_class("tcp:1", &tcp1);
    expect_class("udp:65535", &udpmax);
    assert_int_equal(rnrctl_parse_class("tcp:8080", &g, err, sizeof err), 0);
    assert_true(IS_SVCID_TCP(&g));
    assert_false(IS_SVCID_UDP(&g));
    assert_int_equal(PORT_FROM_SVCID_TCP(&g), 8080);

    expect_class_error("tcp:0", WSAEINVAL);
    expect_class_error("tcp:65536", WSAEINVAL);
    expect_class_error("udp:99999999999999999999", WSAEINVAL);
    expect_class_error("tcp:", WSAEINVAL);
    expect_class_error("tcp:-1", WSAEINVAL);
    expect_class_error("tcp:+80", WSAEINVAL);
    expect_class_error("tcp: 80", WSAEINVAL);
    expect_class_error("tcp:80x", WSAEINVAL);
    expect_class_error("tcp:0x50", WSAEINVAL);
    expect_class_error("udp:ftp", WSAEINVAL);
}

/* ------------------------------------------------------------------ */
/* Name spaces, families, protocols, versions, numbers                  */
/* ------------------------------------------------------------------ */
static void test_namespace(void **state)
{
    DWORD ns = 999;
    char err[160];

    (void)state;
    assert_int_equal(rnrctl_parse_namespace("12", &ns, err, sizeof err), 0);
    assert_int_equal(ns, NS_DNS);
    assert_int_equal(rnrctl_parse_namespace("NS_TCPIP_HOSTS", &ns, err, sizeof err), 0);
    assert_int_equal(ns, NS_TCPIP_HOSTS);
    assert_int_equal(rnrctl_parse_namespace("dns", &ns, err, sizeof err), 0);
    assert_int_equal(ns, NS_DNS);
    assert_int_equal(rnrctl_parse_namespace("hosts", &ns, err, sizeof err), 0);
    assert_int_equal(ns, NS_TCPIP_HOSTS);
    assert_int_equal(rnrctl_parse_namespace("local", &ns, err, sizeof err), 0);
    assert_int_equal(ns, NS_TCPIP_LOCAL);
    assert_int_equal(rnrctl_parse_namespace("NS_ALL", &ns, err, sizeof err), 0);
    assert_int_equal(ns, NS_ALL);

    ns = 77;
    assert_int_equal(rnrctl_parse_namespace("bogus", &ns, err, sizeof err), WSAEINVAL);
    assert_int_equal(ns, 77);
    assert_non_null(strstr(err, "bogus"));
    assert_int_equal(rnrctl_parse_namespace("", &ns, err, sizeof err), WSAEINVAL);
    assert_int_equal(rnrctl_parse_namespace("-1", &ns, err, sizeof err), WSAEINVAL);
    assert_int_equal(rnrctl_parse_namespace("99999999999", &ns, err, sizeof err), WSAEINVAL);
}

static void test_family_protocol(void **state)
{
    int v = -7;
    char err[128];

    (void)state;
    assert_int_equal(rnrctl_parse_family("inet", &v, err, sizeof err), 0);
    assert_int_equal(v, AF_INET);
    assert_int_equal(rnrctl_parse_family("inet6", &v, err, sizeof err), 0);
    assert_int_equal(v, AF_INET6);
    assert_int_equal(rnrctl_parse_family("IPv4", &v, err, sizeof err), 0);
    assert_int_equal(v, AF_INET);
    v = -7;
    assert_int_equal(rnrctl_parse_family("unix", &v, err, sizeof err), WSAEINVAL);
    assert_int_equal(v, -7);
    assert_non_null(strstr(err, "unix"));

    assert_int_equal(rnrctl_parse_protocol("tcp", &v, err, sizeof err), 0);
    assert_int_equal(v, IPPROTO_TCP);
    assert_int_equal(rnrctl_parse_protocol("UDP", &v, err, sizeof err), 0);
    assert_int_equal(v, IPPROTO_UDP);
    assert_int_equal(rnrctl_parse_protocol("sctp", &v, err, sizeof err), WSAEINVAL);
    assert_int_equal(v, IPPROTO_UDP);
}

static void test_version(void **state)
{
    WSAVERSION v;
    char err[128];

    (void)state;
    assert_int_equal(rnrctl_parse_version("3", 1, &v, err, sizeof err), 0);
    assert_int_equal(v.dwVersion, 3);
    assert_int_equal(v.ecHow, COMP_EQUAL);
    assert_int_equal(rnrctl_parse_version("3+", 1, &v, err, sizeof err), 0);
    assert_int_equal(v.dwVersion, 3);
    assert_int_equal(v.ecHow, COMP_NOTLESS);
    assert_int_equal(rnrctl_parse_version("4294967295", 0, &v, err, sizeof err), 0);
    assert_int_equal(v.dwVersion, 4294967295u);

    v.dwVersion = 42;
    assert_int_equal(rnrctl_parse_version("3+", 0, &v, err, sizeof err), WSAEINVAL);
    assert_int_equal(rnrctl_parse_version("4294967296", 1, &v, err, sizeof err), WSAEINVAL);
    assert_int_equal(rnrctl_parse_version("", 1, &v, err, sizeof err), WSAEINVAL);
    assert_int_equal(rnrctl_parse_version("+", 1, &v, err, sizeof err), WSAEINVAL);
    assert_int_equal(rnrctl_parse_version("-1", 1, &v, err, sizeof err), WSAEINVAL);
    assert_int_equal(rnrctl_parse_version("3++", 1, &v, err, sizeof err), WSAEINVAL);
    assert_int_equal(rnrctl_parse_version("1.5", 1, &v, err, sizeof err), WSAEINVAL);
    assert_int_equal(v.dwVersion, 42);
}

static void test_ulong(void **state)
{
    unsigned long v = 5;

    (void)state;
    assert_int_equal(rnrctl_parse_ulong("0", 0, 10, &v), 0);
    assert_int_equal(v, 0);
    assert_int_equal(rnrctl_parse_ulong("10", 0, 10, &v), 0);
    assert_int_equal(v, 10);
    assert_int_equal(rnrctl_parse_ulong("11", 0, 10, &v), WSAEINVAL);
    assert_int_equal(rnrctl_parse_ulong("0", 1, 10, &v), WSAEINVAL);
    assert_int_equal(rnrctl_parse_ulong(" 1", 0, 10, &v), WSAEINVAL);
    assert_int_equal(rnrctl_parse_ulong("1 ", 0, 10, &v), WSAEINVAL);
    assert_int_equal(rnrctl_parse_ulong("", 0, 10, &v), WSAEINVAL);
    assert_int_equal(rnrctl_parse_ulong(NULL, 0, 10, &v), WSAEINVAL);
    assert_int_equal(rnrctl_parse_ulong("99999999999999999999999", 0, ~0ul, &v), WSAEINVAL);
    assert_int_equal(v, 10);
}

static void test_exit_codes(void **state)
{
    (void)state;
    assert_int_equal(rnrctl_exit_for_status(0), 0);
    assert_int_equal(rnrctl_exit_for_status(WSAHOST_NOT_FOUND), 1);
    assert_int_equal(rnrctl_exit_for_status(WSASERVICE_NOT_FOUND), 1);
    assert_int_equal(rnrctl_exit_for_status(WSANO_DATA), 1);
    assert_int_equal(rnrctl_exit_for_status(WSATYPE_NOT_FOUND), 1);
    assert_int_equal(rnrctl_exit_for_status(WSA_E_NO_MORE), 1);
    assert_int_equal(rnrctl_exit_for_status(WSASYSNOTREADY), 3);
    assert_int_equal(rnrctl_exit_for_status(WSAEACCES), 4);
    assert_int_equal(rnrctl_exit_for_status(WSAEINVAL), 5);
    assert_int_equal(rnrctl_exit_for_status(WSATRY_AGAIN), 5);
    assert_int_equal(rnrctl_exit_for_status(WSAEALREADY), 5);
}

/* ------------------------------------------------------------------ */
/* Flags                                                                */
/* ------------------------------------------------------------------ */
static void expect_flags(const char *s, DWORD want)
{
    DWORD f = 0;
    char err[512];

    assert_int_equal(rnrctl_parse_lup_flags(s, &f, err, sizeof err), 0);
    assert_int_equal(f, want);
}

static void expect_flags_error(const char *s, const char *want)
{
    DWORD f = 0x1234;
    char err[512] = "";

    assert_int_equal(rnrctl_parse_lup_flags(s, &f, err, sizeof err), WSAEINVAL);
    assert_int_equal(f, 0x1234);
    assert_non_null(strstr(err, want));
}

static void test_flags(void **state)
{
    (void)state;
    /* No return-* flag: every field is returned. */
    expect_flags("deep", LUP_DEEP | LUP_RETURN_ALL);
    expect_flags("deep,nearest,flushcache", LUP_DEEP | LUP_NEAREST | LUP_FLUSHCACHE | LUP_RETURN_ALL);
    expect_flags("containers", LUP_CONTAINERS | LUP_RETURN_ALL);
    expect_flags("nocontainers", LUP_NOCONTAINERS | LUP_RETURN_ALL);
    expect_flags("res-service", LUP_RES_SERVICE | LUP_RETURN_ALL);
    expect_flags("return-all", LUP_RETURN_ALL);
    /* Any return-* flag: only those fields. */
    expect_flags("return-name", LUP_RETURN_NAME);
    expect_flags("return-name,return-addr", LUP_RETURN_NAME | LUP_RETURN_ADDR);
    expect_flags("deep,return-blob", LUP_DEEP | LUP_RETURN_BLOB);
    expect_flags("return-type,return-version,return-comment,return-aliases,return-query-string",
                 LUP_RETURN_TYPE | LUP_RETURN_VERSION | LUP_RETURN_COMMENT |
                 LUP_RETURN_ALIASES | LUP_RETURN_QUERY_STRING);
    /* SDK spellings and blanks around items. */
    expect_flags("LUP_DEEP, LUP_RETURN_ADDR", LUP_DEEP | LUP_RETURN_ADDR);
    expect_flags(" Return-Name ", LUP_RETURN_NAME);

    expect_flags_error("", "empty");
    expect_flags_error("deep,,nearest", "empty item");
    expect_flags_error("deep,", "empty item");
    expect_flags_error(",deep", "empty item");
    expect_flags_error("deep,bogus", "unknown flag 'bogus'");
    expect_flags_error("flushprevious", "unknown flag");
    expect_flags_error("return-everything-and-then-some-more-bytes", "unknown flag");
    expect_flags_error("containers,nocontainers", "exclude each other");
}

/* ------------------------------------------------------------------ */
/* Addresses                                                            */
/* ------------------------------------------------------------------ */
static void expect_v4(const char *s, const char *ip, unsigned port)
{
    struct sockaddr_storage ss;
    struct sockaddr_in sin, want;
    int len = 0;
    char err[160];

    assert_int_equal(rnrctl_parse_addr(s, &ss, &len, err, sizeof err), 0);
    assert_int_equal(len, sizeof(struct sockaddr_in));
    memcpy(&sin, &ss, sizeof sin);
    memset(&want, 0, sizeof want);
    want.sin_family = AF_INET;
    want.sin_port = htons((uint16_t)port);
    assert_int_equal(inet_pton(AF_INET, ip, &want.sin_addr), 1);
    assert_memory_equal(&sin, &want, sizeof sin);
}

static void expect_v6(const char *s, const char *ip, unsigned port, uint32_t scope)
{
    struct sockaddr_storage ss;
    struct sockaddr_in6 sin6, want;
    int len = 0;
    char err[160];

    assert_int_equal(rnrctl_parse_addr(s, &ss, &len, err, sizeof err), 0);
    assert_int_equal(len, sizeof(struct sockaddr_in6));
    memcpy(&sin6, &ss, sizeof sin6);
    memset(&want, 0, sizeof want);
    want.sin6_family = AF_INET6;
    want.sin6_port = htons((uint16_t)port);
    want.sin6_scope_id = scope;
    assert_int_equal(inet_pton(AF_INET6, ip, &want.sin6_addr), 1);
    assert_memory_equal(&sin6, &want, sizeof sin6);
}

static void expect_addr_error(const char *s)
{
    struct sockaddr_storage ss;
    int len = -3;
    char err[160] = "";

    assert_int_equal(rnrctl_parse_addr(s, &ss, &len, err, sizeof err), WSAEINVAL);
    assert_int_equal(len, -3);
    assert_true(err[0] != '\0');
}

static void test_addr(void **state)
{
    (void)state;
    expect_v4("1.2.3.4:80", "1.2.3.4", 80);
    expect_v4("1.2.3.4", "1.2.3.4", 0);
    expect_v4("255.255.255.255:65535", "255.255.255.255", 65535);
    expect_v4("0.0.0.0:0", "0.0.0.0", 0);
    expect_v6("[::1]:53", "::1", 53, 0);
    expect_v6("[::1]", "::1", 0, 0);
    expect_v6("::1", "::1", 0, 0);
    expect_v6("2001:db8::10", "2001:db8::10", 0, 0);
    expect_v6("[2001:db8::10]:8080", "2001:db8::10", 8080, 0);
    expect_v6("[fe80::1%3]:80", "fe80::1", 80, 3);
    expect_v6("[::ffff:1.2.3.4]:80", "::ffff:1.2.3.4", 80, 0);
    if (if_nametoindex("lo") != 0)
        expect_v6("[fe80::1%lo]:80", "fe80::1", 80, if_nametoindex("lo"));

    expect_addr_error("");
    expect_addr_error("1.2.3.4:");
    expect_addr_error("1.2.3.4:65536");
    expect_addr_error("1.2.3.4:-1");
    expect_addr_error("1.2.3.4:http");
    expect_addr_error("1.2.3");
    expect_addr_error("1.2.3.256");
    expect_addr_error("localhost:80");
    expect_addr_error("[::1");
    expect_addr_error("[::1]x");
    expect_addr_error("[::1]:");
    expect_addr_error("[::1]:99999");
    expect_addr_error("[1.2.3.4]:80");
    expect_addr_error("[fe80::1%no-such-if0]:80");
    expect_addr_error("[]:80");
    expect_addr_error("[0000:0000:0000:0000:0000:0000:0000:0000:0000:0000:0000:0000:0000:0000]:1");
}

/* ------------------------------------------------------------------ */
/* A strict JSON parser, independent of output.c, for checking          */
/* ------------------------------------------------------------------ */
struct jp {
    const unsigned char *p, *end;
    unsigned char out[8192];   /* decoded bytes of the last string */
    size_t outlen;
    int depth;
};

static void jp_ws(struct jp *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\n' || *j->p == '\t' || *j->p == '\r'))
        j->p++;
}

static void jp_put(struct jp *j, uint32_t cp)
{
    unsigned char *o = j->out + j->outlen;

    if (j->outlen + 4 > sizeof j->out)
        return;
    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        j->outlen += 1;
    } else if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        j->outlen += 2;
    } else if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        j->outlen += 3;
    } else {
        o[0] = (unsigned char)(0xF0 | (cp >> 18));
        o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
        o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[3] = (unsigned char)(0x80 | (cp & 0x3F));
        j->outlen += 4;
    }
}

/* One raw UTF-8 character, decoded by the book (RFC 3629). */
static int jp_utf8(struct jp *j, uint32_t *cp)
{
    const unsigned char *p = j->p;
    size_t left = (size_t)(j->end - p), n, i;
    uint32_t v;

    if (p[0] < 0x80) {
        n = 1;
        v = p[0];
    } else if ((p[0] & 0xE0) == 0xC0) {
        n = 2;
        v = p[0] & 0x1F;
    } else if ((p[0] & 0xF0) == 0xE0) {
        n = 3;
        v = p[0] & 0x0F;
    } else if ((p[0] & 0xF8) == 0xF0) {
        n = 4;
        v = p[0] & 0x07;
    } else {
        return -1;
    }
    if (left < n)
        return -1;
    for (i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return -1;
        v = (v << 6) | (p[i] & 0x3F);
    }
    if ((n == 2 && v < 0x80) || (n == 3 && v < 0x800) || (n == 4 && v < 0x10000) ||
        v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return -1;
    j->p += n;
    *cp = v;
    return 0;
}

static int jp_hex4(struct jp *j, uint32_t *v)
{
    int i;

    *v = 0;
    if (j->end - j->p < 4)
        return -1;
    for (i = 0; i < 4; i++) {
        unsigned char c = *j->p++;

        *v <<= 4;
        if (c >= '0' && c <= '9')
            *v |= (uint32_t)(c - '0');
        else if (c >= 'a' && c <= 'f')
            *v |= (uint32_t)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            *v |= (uint32_t)(c - 'A' + 10);
        else
            return -1;
    }
    return 0;
}

static int jp_string(struct jp *j)
{
    uint32_t cp;

    j->outlen = 0;
    if (j->p >= j->end || *j->p != '"')
        return -1;
    j->p++;
    while (j->p < j->end) {
        unsigned char c = *j->p;

        if (c == '"') {
            j->p++;
            return 0;
        }
        if (c < 0x20)
            return -1;
        if (c == '\\') {
            j->p++;
            if (j->p >= j->end)
                return -1;
            c = *j->p++;
            switch (c) {
            case '"': case '\\': case '/': jp_put(j, c); break;
            case 'b': jp_put(j, '\b'); break;
            case 'f': jp_put(j, '\f'); break;
            case 'n': jp_put(j, '\n'); break;
            case 'r': jp_put(j, '\r'); break;
            case 't': jp_put(j, '\t'); break;
            case 'u':
                if (jp_hex4(j, &cp) != 0)
                    return -1;
                /* rnrctl never writes surrogate escapes. */
                if (cp >= 0xD800 && cp <= 0xDFFF)
                    return -1;
                jp_put(j, cp);
                break;
            default:
                return -1;
            }
            continue;
        }
        if (jp_utf8(j, &cp) != 0)
            return -1;
        jp_put(j, cp);
    }
    return -1;
}

static int jp_value(struct jp *j);

static int jp_number(struct jp *j)
{
    const unsigned char *s = j->p;

    if (j->p < j->end && *j->p == '-')
        j->p++;
    if (j->p >= j->end || *j->p < '0' || *j->p > '9')
        return -1;
    if (*j->p == '0')
        j->p++;
    else
        while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
            j->p++;
    return j->p > s ? 0 : -1;
}

static int jp_literal(struct jp *j, const char *lit)
{
    size_t n = strlen(lit);

    if ((size_t)(j->end - j->p) < n || memcmp(j->p, lit, n) != 0)
        return -1;
    j->p += n;
    return 0;
}

static int jp_container(struct jp *j, int close, int object)
{
    j->p++;
    if (++j->depth > 64)
        return -1;
    jp_ws(j);
    if (j->p < j->end && *j->p == close) {
        j->p++;
        j->depth--;
        return 0;
    }
    for (;;) {
        jp_ws(j);
        if (object) {
            if (jp_string(j) != 0)
                return -1;
            jp_ws(j);
            if (j->p >= j->end || *j->p++ != ':')
                return -1;
        }
        if (jp_value(j) != 0)
            return -1;
        jp_ws(j);
        if (j->p >= j->end)
            return -1;
        if (*j->p == ',') {
            j->p++;
            continue;
        }
        if (*j->p++ != close)
            return -1;
        j->depth--;
        return 0;
    }
}

static int jp_value(struct jp *j)
{
    jp_ws(j);
    if (j->p >= j->end)
        return -1;
    switch (*j->p) {
    case '{': return jp_container(j, '}', 1);
    case '[': return jp_container(j, ']', 0);
    case '"': return jp_string(j);
    case 't': return jp_literal(j, "true");
    case 'f': return jp_literal(j, "false");
    case 'n': return jp_literal(j, "null");
    default:  return jp_number(j);
    }
}

/* A whole document: one value, blanks around it, nothing else. */
static int json_valid(const char *doc, size_t n)
{
    static struct jp j;

    memset(&j, 0, sizeof j);
    j.p = (const unsigned char *)doc;
    j.end = j.p + n;
    if (jp_value(&j) != 0)
        return 0;
    jp_ws(&j);
    return j.p == j.end;
}

/* The escaped form of n bytes, via a memory stream. */
static char *escape(const char *s, size_t n, size_t *outlen)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    assert_non_null(f);
    out_json_escape(f, s, n);
    assert_int_equal(fclose(f), 0);
    *outlen = len;
    return buf;
}

static void expect_escape(const char *s, size_t n, const char *want)
{
    size_t len;
    char *got = escape(s, n, &len);

    assert_string_equal(got, want);
    assert_true(json_valid(got, len));
    free(got);
}

static void test_json_escape(void **state)
{
    (void)state;
    expect_escape("plain", 5, "\"plain\"");
    expect_escape("", 0, "\"\"");
    expect_escape("a\"b\\c/d", 7, "\"a\\\"b\\\\c/d\"");
    expect_escape("\b\f\n\r\t", 5, "\"\\b\\f\\n\\r\\t\"");
    expect_escape("\x01\x1f\x7f", 3, "\"\\u0001\\u001f\\u007f\"");
    expect_escape("a\0b", 3, "\"a\\u0000b\"");
    /* Valid UTF-8 passes through: 2, 3 and 4 byte sequences. */
    expect_escape("\xc3\xa9", 2, "\"\xc3\xa9\"");
    expect_escape("\xe2\x82\xac", 3, "\"\xe2\x82\xac\"");
    expect_escape("\xf0\x9f\x98\x80", 4, "\"\xf0\x9f\x98\x80\"");
    expect_escape("\xef\xbf\xbf", 3, "\"\xef\xbf\xbf\"");
    expect_escape("\xf4\x8f\xbf\xbf", 4, "\"\xf4\x8f\xbf\xbf\"");
    /* Anything else becomes \u00XX, byte by byte. */
    expect_escape("\xff", 1, "\"\\u00ff\"");
    expect_escape("a\x80z", 3, "\"a\\u0080z\"");
    expect_escape("\xc0\x80", 2, "\"\\u00c0\\u0080\"");               /* overlong NUL */
    expect_escape("\xe0\x80\xaf", 3, "\"\\u00e0\\u0080\\u00af\"");     /* overlong '/' */
    expect_escape("\xed\xa0\x80", 3, "\"\\u00ed\\u00a0\\u0080\"");     /* surrogate */
    expect_escape("\xf4\x90\x80\x80", 4, "\"\\u00f4\\u0090\\u0080\\u0080\""); /* > U+10FFFF */
    expect_escape("\xe2\x82", 2, "\"\\u00e2\\u0082\"");               /* truncated */
    expect_escape("\xe2\x82z", 3, "\"\\u00e2\\u0082z\"");
    expect_escape("\xf8\x88\x80\x80\x80", 5,
                  "\"\\u00f8\\u0088\\u0080\\u0080\\u0080\"");          /* 5-byte form */
}

static void test_utf8_len(void **state)
{
    (void)state;
    assert_int_equal(out_utf8_len((const unsigned char *)"a", 1), 1);
    assert_int_equal(out_utf8_len((const unsigned char *)"\xc2\x80", 2), 2);
    assert_int_equal(out_utf8_len((const unsigned char *)"\xc2\x80", 1), 0);
    assert_int_equal(out_utf8_len((const unsigned char *)"\xc1\xbf", 2), 0);
    assert_int_equal(out_utf8_len((const unsigned char *)"\xe0\xa0\x80", 3), 3);
    assert_int_equal(out_utf8_len((const unsigned char *)"\xe0\x9f\xbf", 3), 0);
    assert_int_equal(out_utf8_len((const unsigned char *)"\xed\x9f\xbf", 3), 3);
    assert_int_equal(out_utf8_len((const unsigned char *)"\xed\xa0\x80", 3), 0);
    assert_int_equal(out_utf8_len((const unsigned char *)"\xf0\x90\x80\x80", 4), 4);
    assert_int_equal(out_utf8_len((const unsigned char *)"\xf0\x8f\xbf\xbf", 4), 0);
    assert_int_equal(out_utf8_len((const unsigned char *)"\xf4\x90\x80\x80", 4), 0);
    assert_int_equal(out_utf8_len((const unsigned char *)"\xf5\x80\x80\x80", 4), 0);
    assert_int_equal(out_utf8_len((const unsigned char *)"\x80", 1), 0);
}

/* Is s (n bytes) valid UTF-8 by the test's own decoder? */
static int utf8_valid(const unsigned char *s, size_t n)
{
    struct jp j;
    uint32_t cp;

    j.p = s;
    j.end = s + n;
    while (j.p < j.end)
        if (jp_utf8(&j, &cp) != 0)
            return 0;
    return 1;
}

static void test_json_random(void **state)
{
    static struct jp j;
    unsigned char in[64];
    unsigned seed = 12345, round;
    size_t n, i, len;
    char *out;

    (void)state;
    for (round = 0; round < 20000; round++) {
        n = (size_t)(rand_r(&seed) % sizeof in);
        for (i = 0; i < n; i++) {
            /* Bias towards the interesting bytes: controls, quotes, lead
             * and continuation bytes. */
            unsigned r = (unsigned)rand_r(&seed);

            switch (r % 4) {
            case 0:  in[i] = (unsigned char)(r >> 8); break;
            case 1:  in[i] = (unsigned char)(0x80 | ((r >> 8) & 0x7F)); break;
            case 2:  in[i] = "\"\\\x01\x1f\x7f\n\xc2\xe0\xed\xf0\xf4\xff"[(r >> 8) % 12]; break;
            default: in[i] = (unsigned char)('a' + (r >> 8) % 26); break;
            }
        }
        out = escape((const char *)in, n, &len);
        assert_true(json_valid(out, len));
        /* Valid UTF-8 must come back byte for byte. */
        if (utf8_valid(in, n)) {
            memset(&j, 0, sizeof j);
            j.p = (const unsigned char *)out;
            j.end = j.p + len;
            assert_int_equal(jp_string(&j), 0);
            assert_int_equal(j.outlen, n);
            assert_memory_equal(j.out, in, n);
        }
        free(out);
    }
}

static void test_json_keys(void **state)
{
    char *buf = NULL, longkey[300];
    size_t len = 0;
    FILE *f;
    struct out_json j;

    (void)state;
    memset(longkey, 'a', sizeof longkey - 1);
    longkey[sizeof longkey - 1] = '\0';
    longkey[5] = '-';
    f = open_memstream(&buf, &len);
    assert_non_null(f);
    out_json_init(&j, f, 0);
    out_json_object_begin(&j);
    out_json_kv_uint(&j, "uptime-ms", 1);
    out_json_kv_uint(&j, "cache.hits", 2);
    out_json_kv_double(&j, "hit-rate", 0.5);
    out_json_kv_uint(&j, longkey, 3);
    out_json_object_end(&j);
    out_json_finish(&j);
    assert_int_equal(fclose(f), 0);
    longkey[5] = '_';
    assert_non_null(strstr(buf, "{\"uptime_ms\":1,\"cache_hits\":2,\"hit_rate\":0.5,\"aaaaa_"));
    assert_non_null(strstr(buf, longkey));
    free(buf);
}

static void test_json_writer(void **state)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f;
    struct out_json j;
    int pretty;

    (void)state;
    for (pretty = 0; pretty <= 1; pretty++) {
        f = open_memstream(&buf, &len);
        assert_non_null(f);
        out_json_init(&j, f, pretty);
        out_json_array_begin(&j);
        out_json_object_begin(&j);
        out_json_kv_string(&j, "name", "x\ny");
        out_json_kv_string(&j, "nul", NULL);
        out_json_kv_uint(&j, "port", 65535);
        out_json_kv_int(&j, "neg", -3);
        out_json_kv_bool(&j, "alias", 1);
        out_json_kv_null(&j, "blob");
        out_json_key(&j, "empty");
        out_json_array_begin(&j);
        out_json_array_end(&j);
        out_json_key(&j, "obj");
        out_json_object_begin(&j);
        out_json_object_end(&j);
        out_json_key(&j, "hex");
        out_json_hex(&j, "\x00\xff", 2);
        out_json_key(&j, "k\x01\xff");
        out_json_string_n(&j, "a\0b", 3);
        out_json_object_end(&j);
        out_json_object_begin(&j);
        out_json_object_end(&j);
        out_json_array_end(&j);
        out_json_finish(&j);
        assert_int_equal(fclose(f), 0);
        assert_true(json_valid(buf, len));
        if (!pretty)
            assert_string_equal(buf,
                "[{\"name\":\"x\\ny\",\"nul\":null,\"port\":65535,\"neg\":-3,\"alias\":true,"
                "\"blob\":null,\"empty\":[],\"obj\":{},\"hex\":\"00ff\","
                "\"k\\u0001\\u00ff\":\"a\\u0000b\"},{}]\n");
        else
            assert_non_null(strstr(buf, "\n  {\n    \"name\": \"x\\ny\",\n"));
        free(buf);
        buf = NULL;
    }

    /* An empty top-level array. */
    f = open_memstream(&buf, &len);
    out_json_init(&j, f, 1);
    out_json_array_begin(&j);
    out_json_array_end(&j);
    out_json_finish(&j);
    fclose(f);
    assert_string_equal(buf, "[]\n");
    free(buf);
}

/* ------------------------------------------------------------------ */
/* Text, tables, sockaddrs                                              */
/* ------------------------------------------------------------------ */
static void expect_text(const char *in, const char *want)
{
    char *got = out_text_dup(in);

    assert_non_null(got);
    assert_string_equal(got, want);
    rnr_free(got);
}

static void test_text(void **state)
{
    (void)state;
    expect_text("plain name", "plain name");
    expect_text(NULL, "-");
    expect_text("\\root\\dir", "\\root\\dir");
    expect_text("\x1b[31mred", "\\x1b[31mred");
    expect_text("a\nb\tc\x7f", "a\\x0ab\\x09c\\x7f");
    expect_text("caf\xc3\xa9 \xe2\x82\xac", "caf\xc3\xa9 \xe2\x82\xac");
    /* C1 controls (CSI = U+009B) and broken UTF-8. */
    expect_text("\xc2\x9b" "2J", "\\xc2\\x9b2J");
    expect_text("\xff\xfe", "\\xff\\xfe");
    expect_text("\xe2\x82", "\\xe2\\x82");
    assert_int_equal(out_text_width("caf\xc3\xa9"), 4);
    assert_int_equal(out_text_width(""), 0);
}

static void test_table(void **state)
{
    static const char *const hdr[] = { "ID", "NAME", "X" };
    static const char *const r1[] = { "1", "caf\xc3\xa9", "a" };
    static const char *const r2[] = { "22222", NULL, "b\x1b" };
    struct out_table t;
    char *buf = NULL;
    size_t len = 0;
    FILE *f;

    (void)state;
    assert_int_equal(out_table_init(&t, 3, hdr), 0);
    assert_int_equal(out_table_add(&t, r1), 0);
    assert_int_equal(out_table_add(&t, r2), 0);
    f = open_memstream(&buf, &len);
    out_table_print(&t, f);
    fclose(f);
    assert_string_equal(buf,
                        "ID     NAME  X\n"
                        "1      caf\xc3\xa9  a\n"
                        "22222  -     b\\x1b\n");
    free(buf);
    out_table_free(&t);
    out_table_free(&t);   /* twice is harmless */
}

static void test_sockaddr(void **state)
{
    struct sockaddr_in sin;
    struct sockaddr_in6 sin6;
    struct sockaddr sa;
    char buf[OUT_ADDR_STRLEN];

    (void)state;
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_port = htons(80);
    inet_pton(AF_INET, "192.0.2.1", &sin.sin_addr);
    assert_int_equal(out_format_sockaddr((struct sockaddr *)&sin, sizeof sin, 1, buf), 0);
    assert_string_equal(buf, "192.0.2.1:80");
    assert_int_equal(out_format_sockaddr((struct sockaddr *)&sin, sizeof sin, 0, buf), 0);
    assert_string_equal(buf, "192.0.2.1");
    /* Too short for its family. */
    assert_int_equal(out_format_sockaddr((struct sockaddr *)&sin, 4, 1, buf), WSAEINVAL);

    memset(&sin6, 0, sizeof sin6);
    sin6.sin6_family = AF_INET6;
    sin6.sin6_port = htons(53);
    inet_pton(AF_INET6, "::1", &sin6.sin6_addr);
    assert_int_equal(out_format_sockaddr((struct sockaddr *)&sin6, sizeof sin6, 1, buf), 0);
    assert_string_equal(buf, "[::1]:53");
    sin6.sin6_scope_id = 2;
    assert_int_equal(out_format_sockaddr((struct sockaddr *)&sin6, sizeof sin6, 1, buf), 0);
    assert_string_equal(buf, "[::1%2]:53");
    assert_int_equal(out_format_sockaddr((struct sockaddr *)&sin6, sizeof sin6, 0, buf), 0);
    assert_string_equal(buf, "::1%2");

    memset(&sa, 0, sizeof sa);
    sa.sa_family = AF_UNIX;
    assert_int_equal(out_format_sockaddr(&sa, sizeof sa, 1, buf), WSAEINVAL);
    assert_string_equal(buf, "family 1");
    assert_int_equal(out_format_sockaddr(NULL, 0, 1, buf), WSAEINVAL);
    assert_string_equal(buf, "-");

    assert_string_equal(out_protocol_name(SOCK_STREAM, IPPROTO_TCP), "tcp");
    assert_string_equal(out_protocol_name(SOCK_DGRAM, 0), "udp");
    assert_string_equal(out_protocol_name(0, IPPROTO_UDP), "udp");
    assert_null(out_protocol_name(SOCK_RAW, 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parser_mixed),
        cmocka_unit_test(test_parser_errors),
        cmocka_unit_test(test_class_aliases),
        cmocka_unit_test(test_class_ports),
        cmocka_unit_test(test_namespace),
        cmocka_unit_test(test_family_protocol),
        cmocka_unit_test(test_version),
        cmocka_unit_test(test_ulong),
        cmocka_unit_test(test_exit_codes),
        cmocka_unit_test(test_flags),
        cmocka_unit_test(test_addr),
        cmocka_unit_test(test_utf8_len),
        cmocka_unit_test(test_json_escape),
        cmocka_unit_test(test_json_random),
        cmocka_unit_test(test_json_writer),
        cmocka_unit_test(test_json_keys),
        cmocka_unit_test(test_suggest),
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_sockaddr),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
