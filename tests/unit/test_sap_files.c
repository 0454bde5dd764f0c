/* SPDX-License-Identifier: MIT */
/*
 * The sap provider's service files (providers/sap/sap_files.c): the
 * format of doc/sap-protocol.md parsed, every bad line refused with its
 * number and the reason.  The provider around it is stubbed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <cmocka.h>

#include <arpa/inet.h>

#include "guid.h"
#include "sap.h"

/* Stubs: sap_files.c's loader is exercised by the netns test. */
uint16_t sap_class_sap_id(const struct sap_state *st, const GUID *cls)
{
    (void)st;
    (void)cls;
    return 0;
}
int sap_reg_add(struct sap_state *st, const struct sap_reg *tmpl, DWORD flags)
{
    (void)st;
    (void)tmpl;
    (void)flags;
    return 0;
}
void sap_reg_drop_all(struct sap_state *st, int from_file, int withdraw)
{
    (void)st;
    (void)from_file;
    (void)withdraw;
}

static void test_good(void **state)
{
    static const char text[] =
        "# a printer\n"
        "class = {5D0E6B7A-1C2B-4A3D-9E8F-0A1B2C3D4E5F}   # trailing comment\n"
        "  name =  printer1  \r\n"
        "comment = second floor\n"
        "\n"
        "version = 3\n"
        "address = 192.0.2.10:515/tcp\n"
        "address = [2001:db8::10]:515/UDP\n"
        "address = 192.0.2.11:9\n";
    struct sap_entry e;
    char err[160];
    GUID want;

    (void)state;
    assert_int_equal(sap_parse_service_file(text, &e, err, sizeof err), 0);
    assert_int_equal(rnr_guid_parse("{5D0E6B7A-1C2B-4A3D-9E8F-0A1B2C3D4E5F}", &want), 0);
    assert_true(rnr_guid_equal(&e.cls, &want));
    assert_string_equal(e.name, "printer1");
    assert_string_equal(e.comment, "second floor");
    assert_true(e.has_version);
    assert_int_equal(e.version, 3);
    assert_int_equal(e.naddrs, 3);
    assert_int_equal(e.addrs[0].family, 4);
    assert_int_equal(e.addrs[0].port, 515);
    assert_int_equal(e.addrs[0].protocol, IPPROTO_TCP);
    assert_int_equal(e.addrs[0].addr[3], 10);
    assert_int_equal(e.addrs[1].family, 6);
    assert_int_equal(e.addrs[1].protocol, IPPROTO_UDP);
    assert_int_equal(e.addrs[1].socktype, SOCK_DGRAM);
    assert_int_equal(e.addrs[1].addr[15], 0x10);
    assert_int_equal(e.addrs[2].protocol, IPPROTO_TCP);

    /* tcp:PORT and udp:PORT classes */
    assert_int_equal(sap_parse_service_file("class = tcp:5000\nname = x\n", &e, err,
                                            sizeof err), 0);
    assert_true(IS_SVCID_TCP(&e.cls));
    assert_int_equal(PORT_FROM_SVCID_TCP(&e.cls), 5000);
    assert_int_equal(sap_parse_service_file("class = UDP:53\nname = x\n", &e, err,
                                            sizeof err), 0);
    assert_true(IS_SVCID_UDP(&e.cls));
}

static void bad(const char *text, const char *want)
{
    struct sap_entry e;
    char err[160] = "";

    assert_int_equal(sap_parse_service_file(text, &e, err, sizeof err), -1);
    if (strstr(err, want) == NULL)
        fail_msg("'%s': error '%s' lacks '%s'", text, err, want);
}

static void test_bad(void **state)
{
    char big[400], many[2048];
    int i;

    (void)state;
    bad("name = x\n", "class and name are required");
    bad("class = tcp:1\n", "class and name are required");
    bad("class = {zz}\nname = x\n", "line 1: class");
    bad("class = tcp:70000\nname = x\n", "line 1: class");
    bad("class = tcp:\nname = x\n", "line 1: class");
    bad("class = tcp:1\nname = x*\n", "line 2: name");
    bad("class = tcp:1\nname =\n", "line 2: name");
    bad("class = tcp:1\nname = x\nversion = -\n", "line 3: version");
    bad("class = tcp:1\nname = x\nversion = 99999999999\n", "line 3: version");
    bad("class = tcp:1\nname = x\njunk\n", "line 3: not key = value");
    bad("class = tcp:1\nname = x\ncolour = red\n", "line 3: unknown key 'colour'");
    bad("class = tcp:1\nname = x\naddress = 1.2.3.4\n", "line 3: address");
    bad("class = tcp:1\nname = x\naddress = 1.2.3.4:80/sctp\n", "line 3: address");
    bad("class = tcp:1\nname = x\naddress = [::1:80\n", "line 3: address");
    bad("class = tcp:1\nname = x\naddress = 1.2.3.4:99999\n", "line 3: address");
    bad("class = tcp:1\nname = x\naddress = host.example:80\n", "line 3: address");
    snprintf(big, sizeof big, "class = tcp:1\nname = %0300d\n", 0);
    bad(big, "line 2: name");
    strcpy(many, "class = tcp:1\nname = x\n");
    for (i = 0; i < 17; i++)
        strcat(many, "address = 10.0.0.1:1\n");
    bad(many, "line 19: more than 16 addresses");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good),
        cmocka_unit_test(test_bad),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
