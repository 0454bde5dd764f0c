/* SPDX-License-Identifier: MIT */
/*
 * Typed configuration values (confkey.h): what each declared type accepts
 * and what the refusal says.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "confkey.h"

static const char *const modes[] = { "broadcast", "multicast", "off", NULL };
static const struct rnr_nsp_key keys[] = {
    { .name = "text", .type = RNR_NSP_KEY_STRING },
    { .name = "flag", .type = RNR_NSP_KEY_BOOL },
    { .name = "port", .type = RNR_NSP_KEY_UINT, .min = 1, .max = 65535 },
    { .name = "servers", .type = RNR_NSP_KEY_HOSTPORTS, .max = 2 },
    { .name = "file", .type = RNR_NSP_KEY_PATH },
    { .name = "mode", .type = RNR_NSP_KEY_ENUM, .values = modes },
    { .name = NULL }
};

static int ok(const char *key, const char *value)
{
    char why[256];

    return rnr_confkey_check(rnr_confkey_find(keys, key), value, why, sizeof why) == 0;
}

static void refused(const char *key, const char *value, const char *expect)
{
    char why[256];

    assert_int_equal(rnr_confkey_check(rnr_confkey_find(keys, key), value, why, sizeof why),
                     -1);
    if (strstr(why, expect) == NULL)
        fail_msg("%s = %s: '%s' does not say '%s'", key, value, why, expect);
}

static void test_find(void **state)
{
    (void)state;
    assert_string_equal(rnr_confkey_find(keys, "port")->name, "port");
    assert_null(rnr_confkey_find(keys, "prot"));
    assert_null(rnr_confkey_find(NULL, "port"));
}

static void test_bool(void **state)
{
    int b = -1;

    (void)state;
    assert_true(ok("flag", "yes") && ok("flag", "No") && ok("flag", "on") && ok("flag", "0"));
    refused("flag", "maybe", "'maybe' is not yes, no");
    refused("flag", "", "is not yes, no");
    assert_int_equal(rnr_confkey_bool("TRUE", &b), 0);
    assert_int_equal(b, 1);
    assert_int_equal(rnr_confkey_bool("off", &b), 0);
    assert_int_equal(b, 0);
    b = 7;
    assert_int_equal(rnr_confkey_bool("2", &b), -1);
    assert_int_equal(b, 7);   /* untouched on failure */
}

static void test_uint(void **state)
{
    uint64_t n = 5;

    (void)state;
    assert_true(ok("port", "1") && ok("port", "65535"));
    refused("port", "0", "not a number from 1 to 65535");
    refused("port", "99999", "'99999' is not a number from 1 to 65535");
    refused("port", "-1", "not a number");
    refused("port", "12x", "not a number");
    refused("port", " 12", "not a number");
    refused("port", "", "not a number");
    refused("port", "184467440737095516160", "not a number");   /* overflow */
    assert_int_equal(rnr_confkey_uint("18446744073709551615", 0, UINT64_MAX, &n), 0);
    assert_true(n == UINT64_MAX);
    assert_int_equal(rnr_confkey_uint("18446744073709551616", 0, UINT64_MAX, &n), -1);
}

static void test_hostports(void **state)
{
    char host[64];
    unsigned port;
    int v6;

    (void)state;
    assert_true(ok("servers", "192.0.2.1"));
    assert_true(ok("servers", "192.0.2.1:53, [2001:db8::1]:5353"));
    assert_true(ok("servers", "2001:db8::1"));
    assert_true(ok("servers", "[::1]"));
    refused("servers", "1.2.3.4:99999", "'1.2.3.4:99999' is not ADDRESS, ADDRESS:PORT");
    refused("servers", "1.2.3.4:0", "port 1 to 65535");
    refused("servers", "1.2.3.4:", "is not ADDRESS");
    refused("servers", "example.org", "'example.org' is not ADDRESS");
    refused("servers", "[::1", "is not ADDRESS");
    refused("servers", "[::1]x", "is not ADDRESS");
    refused("servers", "", "at least one");
    refused("servers", " , ", "at least one");
    refused("servers", "1.1.1.1 2.2.2.2 3.3.3.3", "3 addresses, at most 2");

    assert_int_equal(rnr_confkey_hostport("[2001:db8::1]:853", 17, host, sizeof host, &v6,
                                          &port), 0);
    assert_string_equal(host, "2001:db8::1");
    assert_int_equal(v6, 1);
    assert_int_equal(port, 853);
    assert_int_equal(rnr_confkey_hostport("192.0.2.7,x", 9, host, sizeof host, &v6, &port), 0);
    assert_string_equal(host, "192.0.2.7");
    assert_int_equal(v6, 0);
    assert_int_equal(port, 0);
}

static void test_enum_path_string(void **state)
{
    char longpath[5000];

    (void)state;
    assert_true(ok("mode", "multicast") && ok("mode", "OFF"));
    refused("mode", "unicast", "'unicast' is not one of broadcast, multicast, off");
    assert_true(ok("text", "") && ok("text", "anything at all"));
    assert_true(ok("file", "/etc/hosts"));
    memset(longpath, 'a', sizeof longpath - 1);
    longpath[sizeof longpath - 1] = '\0';
    refused("file", longpath, "path longer than");
}

static void test_items(void **state)
{
    const char *cur = " a, bb\tccc,,", *s;
    size_t len = 99;

    (void)state;
    s = rnr_confkey_item(&cur, &len);
    assert_non_null(s);
    assert_int_equal(len, 1);
    assert_memory_equal(s, "a", 1);
    s = rnr_confkey_item(&cur, &len);
    assert_int_equal(len, 2);
    assert_memory_equal(s, "bb", 2);
    s = rnr_confkey_item(&cur, &len);
    assert_int_equal(len, 3);
    assert_memory_equal(s, "ccc", 3);
    assert_null(rnr_confkey_item(&cur, &len));
    assert_null(rnr_confkey_item(&cur, &len));   /* stays at the end */
    assert_int_equal(len, 3);                    /* untouched at the end */
}

static void test_bad_arguments(void **state)
{
    char why[8];

    (void)state;
    assert_int_equal(rnr_confkey_check(NULL, "x", why, sizeof why), -1);
    assert_int_equal(rnr_confkey_check(&keys[0], NULL, why, sizeof why), -1);
    /* A short buffer is cut, never overrun. */
    assert_int_equal(rnr_confkey_check(&keys[2], "99999", why, sizeof why), -1);
    assert_int_equal(strlen(why), sizeof why - 1);
    assert_string_equal(rnr_confkey_type_name(RNR_NSP_KEY_HOSTPORTS), "hostports");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_find),
        cmocka_unit_test(test_bool),
        cmocka_unit_test(test_uint),
        cmocka_unit_test(test_hostports),
        cmocka_unit_test(test_enum_path_string),
        cmocka_unit_test(test_items),
        cmocka_unit_test(test_bad_arguments),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
