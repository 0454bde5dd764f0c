/* SPDX-License-Identifier: MIT */
/*
 * GUID helpers (guid.h) and the svcguid.h values and macros, checked
 * against spec/constants.md.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "guid.h"

static const uint8_t tail[8] = { 0xC0, 0, 0, 0, 0, 0, 0, 0x46 };

static void assert_svcid(const GUID *g, uint32_t d1, uint16_t d3)
{
    assert_int_equal(g->Data1, d1);
    assert_int_equal(g->Data2, 0);
    assert_int_equal(g->Data3, d3);
    assert_memory_equal(g->Data4, tail, 8);
}

static void test_svcid_values(void **state)
{
    GUID hostname = SVCID_HOSTNAME;
    GUID byinet = SVCID_INET_HOSTADDRBYINETSTRING;
    GUID byname_svc = SVCID_INET_SERVICEBYNAME;
    GUID byname = SVCID_INET_HOSTADDRBYNAME;
    GUID byaddr = SVCID_INET_HOSTNAMEBYADDR;
    GUID tcp = SVCID_TCP(21), udp = SVCID_UDP(53);
    GUID tcprr = SVCID_TCP_RR(443, 33), udprr = SVCID_UDP_RR(0xFFFF, 0xFFFF);
    GUID dns = SVCID_DNS(28);
    GUID nw = SVCID_NETWARE(0x0004), nw2 = SVCID_NETWORK(0x0278);
    (void)state;

    assert_svcid(&hostname, 0x0002a800, 0);
    assert_svcid(&byinet, 0x0002a801, 0);
    assert_svcid(&byname_svc, 0x0002a802, 0);
    assert_svcid(&byname, 0x0002a803, 0);
    assert_svcid(&byaddr, 0x0002a801, 0);   /* same GUID as HOSTADDRBYINETSTRING */
    assert_svcid(&tcp, 0x00090015, 0);
    assert_svcid(&udp, 0x000A0035, 0);
    assert_svcid(&tcprr, 0x000901BB, 33);
    assert_svcid(&udprr, 0x000AFFFF, 0xFFFF);
    assert_svcid(&dns, 0x00090035, 28);
    assert_svcid(&nw, 0x000B0004, 0);
    assert_svcid(&nw2, 0x000B0278, 0);

    /* The port is masked to 16 bits. */
    {
        GUID big = SVCID_TCP(0x12345);
        assert_svcid(&big, 0x00092345, 0);
    }
}

static void test_svcid_macros(void **state)
{
    GUID tcp = SVCID_TCP(8080), udp = SVCID_UDP(161), nw = SVCID_NETWARE(0x0640);
    GUID tcprr = SVCID_TCP_RR(53, 15), dns = SVCID_DNS(1);
    GUID host = SVCID_HOSTNAME, g;
    (void)state;

    assert_true(IS_SVCID_TCP(&tcp));
    assert_false(IS_SVCID_UDP(&tcp));
    assert_false(IS_SVCID_NETWARE(&tcp));
    assert_true(IS_SVCID_UDP(&udp));
    assert_false(IS_SVCID_TCP(&udp));
    assert_true(IS_SVCID_NETWARE(&nw));
    assert_true(IS_SVCID_NETWORK(&nw));
    assert_false(IS_SVCID_TCP(&nw));
    assert_false(IS_SVCID_TCP(&host));
    assert_false(IS_SVCID_UDP(&host));
    assert_false(IS_SVCID_NETWARE(&host));

    /* IS_SVCID_TCP ignores Data3 (the RR type); NETWARE requires 0. */
    assert_true(IS_SVCID_TCP(&tcprr));
    assert_true(IS_SVCID_TCP(&dns));
    g = nw;
    g.Data3 = 1;
    assert_false(IS_SVCID_NETWARE(&g));
    /* Data2 and the tail are checked. */
    g = tcp;
    g.Data2 = 1;
    assert_false(IS_SVCID_TCP(&g));
    g = tcp;
    g.Data4[7] = 0x47;
    assert_false(IS_SVCID_TCP(&g));
    g = udp;
    g.Data4[0] = 0;
    assert_false(IS_SVCID_UDP(&g));

    assert_int_equal(PORT_FROM_SVCID_TCP(&tcp), 8080);
    assert_int_equal(PORT_FROM_SVCID_UDP(&udp), 161);
    assert_int_equal(PORT_FROM_SVCID_TCP(&dns), 53);
    assert_int_equal(RR_FROM_SVCID(&tcprr), 15);
    assert_int_equal(RR_FROM_SVCID(&dns), 1);
    assert_int_equal(SAPID_FROM_SVCID_NETWARE(&nw), 0x0640);
    assert_int_equal(SAPID_FROM_SVCID_NETWORK(&nw), 0x0640);

    /* Run-time setters give the same GUIDs as the initialisers. */
    memset(&g, 0x55, sizeof(g));
    SET_TCP_SVCID(&g, 8080);
    assert_true(rnr_guid_equal(&g, &tcp));
    SET_UDP_SVCID(&g, 161);
    assert_true(rnr_guid_equal(&g, &udp));
    SET_NETWARE_SVCID(&g, 0x0640);
    assert_true(rnr_guid_equal(&g, &nw));
}

static void test_class_value_names(void **state)
{
    (void)state;
    assert_string_equal(SERVICE_TYPE_VALUE_SAPID, "SapId");
    assert_string_equal(SERVICE_TYPE_VALUE_TCPPORT, "TcpPort");
    assert_string_equal(SERVICE_TYPE_VALUE_UDPPORT, "UdpPort");
    assert_string_equal(SERVICE_TYPE_VALUE_OBJECTID, "ObjectId");
    assert_string_equal(SERVICE_TYPE_VALUE_IPXPORT, "IpxSocket");
    assert_string_equal(SERVICE_TYPE_VALUE_CONN, "ConnectionOriented");
}

static void test_equal_and_null(void **state)
{
    GUID a = SVCID_HOSTNAME, b = SVCID_HOSTNAME, z;
    int i;
    (void)state;

    memset(&z, 0, sizeof(z));
    assert_true(rnr_guid_equal(&a, &b));
    assert_true(rnr_guid_equal(NULL, NULL));
    assert_false(rnr_guid_equal(&a, NULL));
    assert_false(rnr_guid_equal(NULL, &a));
    for (i = 0; i < 16; i++) {
        GUID c = a;

        ((uint8_t *)&c)[i] ^= 0x01;
        assert_false(rnr_guid_equal(&a, &c));
    }

    assert_true(rnr_guid_is_null(&z));
    assert_true(rnr_guid_is_null(NULL));
    assert_false(rnr_guid_is_null(&a));
    for (i = 0; i < 16; i++) {
        GUID c = z;

        ((uint8_t *)&c)[i] = 0x80;
        assert_false(rnr_guid_is_null(&c));
    }
}

static void test_format(void **state)
{
    GUID g = { 0x0002a803, 0, 0, { 0xC0, 0, 0, 0, 0, 0, 0, 0x46 } };
    GUID h = { 0xdeadbeef, 0xabcd, 0x0123, { 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10 } };
    char buf[RNR_GUID_STRLEN + 4];
    (void)state;

    memset(buf, 'Z', sizeof(buf));
    rnr_guid_format(&g, buf);
    assert_string_equal(buf, "{0002A803-0000-0000-C000-000000000046}");
    assert_int_equal(strlen(buf), RNR_GUID_STRLEN - 1);
    assert_int_equal(buf[RNR_GUID_STRLEN], 'Z');   /* nothing past the NUL */
    rnr_guid_format(&h, buf);
    assert_string_equal(buf, "{DEADBEEF-ABCD-0123-FEDC-BA9876543210}");
}

static void test_parse(void **state)
{
    static const char *good[] = {
        "{0002A803-0000-0000-C000-000000000046}",
        "0002A803-0000-0000-C000-000000000046",
        "{0002a803-0000-0000-c000-000000000046}",
        "0002a803-0000-0000-C000-000000000046",
    };
    static const char *bad[] = {
        "",
        "{}",
        "{0002A803-0000-0000-C000-000000000046",
        "0002A803-0000-0000-C000-000000000046}",
        "(0002A803-0000-0000-C000-000000000046)",
        "{0002A803-0000-0000-C000-0000000000460}",
        "{0002A803-0000-0000-C000-00000000004}",
        "0002A803-0000-0000-C000-00000000004",
        "0002A803-0000-0000-C000-0000000000466",
        "0002A803 0000-0000-C000-000000000046",
        "0002A803-0000-0000-C000+000000000046",
        "0002A8030-000-0000-C000-000000000046",
        "0002A803-0000-0000-C0000-00000000046",
        "0002A80G-0000-0000-C000-000000000046",
        "0002A803-0000-0000-C000-00000000004g",
        "+002A803-0000-0000-C000-000000000046",
        " 002A803-0000-0000-C000-000000000046",
        "0x02A803-0000-0000-C000-000000000046",
        "0002A803-0000-0000-C000-000000000046 ",
        "0002A8030000-0000-C000-000000000046--",
        "{0002A803-0000-0000-C000-000000000046}}",
        "{{0002A803-0000-0000-C000-000000000046}",
    };
    GUID want = SVCID_INET_HOSTADDRBYNAME, g, sentinel;
    size_t i;
    (void)state;

    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        memset(&g, 0, sizeof(g));
        assert_int_equal(rnr_guid_parse(good[i], &g), 0);
        assert_true(rnr_guid_equal(&g, &want));
    }
    memset(&sentinel, 0x77, sizeof(sentinel));
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        g = sentinel;
        if (rnr_guid_parse(bad[i], &g) != WSAEINVAL)
            fail_msg("accepted \"%s\"", bad[i]);
        assert_memory_equal(&g, &sentinel, sizeof(g));
    }
    assert_int_equal(rnr_guid_parse(NULL, &g), WSAEINVAL);
}

static void test_format_parse_roundtrip(void **state)
{
    unsigned seed = 99;
    int i, j;
    char buf[RNR_GUID_STRLEN];
    (void)state;

    for (i = 0; i < 2000; i++) {
        GUID g, back;
        uint8_t *b = (uint8_t *)&g;

        for (j = 0; j < 16; j++)
            b[j] = (uint8_t)rand_r(&seed);
        rnr_guid_format(&g, buf);
        assert_int_equal(rnr_guid_parse(buf, &back), 0);
        assert_true(rnr_guid_equal(&g, &back));
        /* And without the braces. */
        buf[37] = '\0';
        assert_int_equal(rnr_guid_parse(buf + 1, &back), 0);
        assert_true(rnr_guid_equal(&g, &back));
    }
}

static void test_wellknown(void **state)
{
    GUID a = SVCID_HOSTNAME, b = SVCID_INET_HOSTADDRBYINETSTRING;
    GUID c = SVCID_INET_SERVICEBYNAME, d = SVCID_INET_HOSTADDRBYNAME;
    GUID e = SVCID_INET_HOSTNAMEBYADDR, t = SVCID_TCP(21), u = SVCID_UDP(53);
    GUID z;
    (void)state;

    memset(&z, 0, sizeof(z));
    assert_string_equal(rnr_guid_wellknown_name(&a), "HOSTNAME");
    assert_string_equal(rnr_guid_wellknown_name(&b), "INET_HOSTADDRBYINETSTRING");
    assert_string_equal(rnr_guid_wellknown_name(&c), "INET_SERVICEBYNAME");
    assert_string_equal(rnr_guid_wellknown_name(&d), "INET_HOSTADDRBYNAME");
    assert_string_equal(rnr_guid_wellknown_name(&e), "INET_HOSTADDRBYINETSTRING");
    assert_null(rnr_guid_wellknown_name(&t));
    assert_null(rnr_guid_wellknown_name(&u));
    assert_null(rnr_guid_wellknown_name(&z));
    assert_null(rnr_guid_wellknown_name(NULL));
    a.Data4[7] = 0;
    assert_null(rnr_guid_wellknown_name(&a));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_svcid_values),
        cmocka_unit_test(test_svcid_macros),
        cmocka_unit_test(test_class_value_names),
        cmocka_unit_test(test_equal_and_null),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_format_parse_roundtrip),
        cmocka_unit_test(test_wellknown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
