/* SPDX-License-Identifier: MIT */
/*
 * The wire message table (nsp/msgtab.h): one entry per type, sorted,
 * names and flags consistent, lookups of requests, replies and unknown
 * types.  With --dump, prints the table instead ("0x01 LOOKUP_BEGIN
 * DEADLINE POOL REQUEST" a line) for tests/integration/msgtab_sync.sh,
 * which holds the Python test client to the same table.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "msgtab.h"
#include "wire.h"

static const struct { unsigned flag; const char *name; } flag_names[] = {
    { RNR_MSGF_REQUEST, "REQUEST" },     { RNR_MSGF_PUSHED, "PUSHED" },
    { RNR_MSGF_POOL, "POOL" },           { RNR_MSGF_DEADLINE, "DEADLINE" },
    { RNR_MSGF_UNAWAITED, "UNAWAITED" }, { RNR_MSGF_ADMIN, "ADMIN" },
    { RNR_MSGF_INVALIDATES, "INVALIDATES" }, { RNR_MSGF_OPS, "OPS" },
};
#define NFLAGS (sizeof flag_names / sizeof flag_names[0])

static int dump(void)
{
    const struct rnr_msg_info *t;
    size_t n, i, k;

    t = rnr_msg_table(&n);
    for (i = 0; i < n; i++) {
        printf("0x%02x %s", t[i].type, t[i].name);
        for (k = 0; k < NFLAGS; k++)
            if (t[i].flags & flag_names[k].flag)
                printf(" %s", flag_names[k].name);
        putchar('\n');
    }
    return fflush(stdout) == 0 ? 0 : 1;
}

static void test_table_shape(void **state)
{
    const struct rnr_msg_info *t;
    unsigned known = 0;
    size_t n, i, j, k;

    (void)state;
    t = rnr_msg_table(&n);
    assert_true(n > 0);
    for (k = 0; k < NFLAGS; k++)
        known |= flag_names[k].flag;
    for (i = 0; i < n; i++) {
        unsigned f = t[i].flags;

        if (i > 0)
            assert_true(t[i - 1].type < t[i].type);
        assert_int_equal(f & ~known, 0);
        /* Exactly one of request and pushed; nothing without a reply bit
         * of its own may collide with one. */
        assert_true(!(f & RNR_MSGF_REQUEST) != !(f & RNR_MSGF_PUSHED));
        assert_int_equal(t[i].type & RNR_MSG_REPLY, 0);
        assert_true(t[i].name != NULL && t[i].name[0] != '\0');
        for (j = 0; j < i; j++)
            assert_string_not_equal(t[i].name, t[j].name);
        /* Flags about the reply only make sense for requests. */
        if (f & RNR_MSGF_PUSHED)
            assert_int_equal(f, RNR_MSGF_PUSHED);
        /* librnr never waits for what it does not await, and never sends
         * the operations requests. */
        if (f & RNR_MSGF_UNAWAITED)
            assert_int_equal(f & RNR_MSGF_DEADLINE, 0);
        if (f & (RNR_MSGF_DEADLINE | RNR_MSGF_UNAWAITED))
            assert_true(f & RNR_MSGF_POOL);
        if (f & RNR_MSGF_OPS)
            assert_int_equal(f & RNR_MSGF_POOL, 0);
        if (f & RNR_MSGF_INVALIDATES)
            assert_true(f & RNR_MSGF_REQUEST);
        assert_ptr_equal(rnr_msg_find(t[i].type), &t[i]);
    }
}

static void test_lookups(void **state)
{
    char buf[RNR_MSG_NAME_MAX];

    (void)state;
    assert_string_equal(rnr_msg_find(RNR_MSG_PING)->name, "PING");
    assert_ptr_equal(rnr_msg_find(RNR_MSG_PING | RNR_MSG_REPLY), rnr_msg_find(RNR_MSG_PING));
    assert_string_equal(rnr_msg_find(RNR_MSG_CACHE_REPORT)->name, "CACHE_REPORT");
    assert_true(rnr_msg_flags(RNR_MSG_CACHE_REPORT) & RNR_MSGF_UNAWAITED);
    assert_true(rnr_msg_flags(RNR_MSG_LOOKUP_BEGIN) & RNR_MSGF_DEADLINE);
    assert_false(rnr_msg_flags(RNR_MSG_SET_SERVICE) & RNR_MSGF_DEADLINE);
    /* Pushed types have no replies; unknown types nothing. */
    assert_null(rnr_msg_find(RNR_MSG_LOOKUP_RESULT | RNR_MSG_REPLY));
    assert_null(rnr_msg_find(0x00));
    assert_null(rnr_msg_find(0x3F));
    assert_null(rnr_msg_find(0xFFFF));
    assert_int_equal(rnr_msg_flags(0x7F), 0);
    assert_string_equal(rnr_msg_describe(RNR_MSG_PING, buf, sizeof buf), "PING");
    assert_string_equal(rnr_msg_describe(RNR_MSG_SET_SERVICE | RNR_MSG_REPLY, buf, sizeof buf),
                        "SET_SERVICE reply");
    assert_string_equal(rnr_msg_describe(0x55, buf, sizeof buf), "0x55");
    assert_string_equal(rnr_msg_describe(RNR_MSG_CHANGE | RNR_MSG_REPLY, buf, sizeof buf),
                        "0xc2");
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_shape),
        cmocka_unit_test(test_lookups),
    };

    if (argc > 1 && strcmp(argv[1], "--dump") == 0)
        return dump();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
