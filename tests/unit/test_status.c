/* SPDX-License-Identifier: MIT */
/*
 * Status names, texts and the no-result ranking (status.h).
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <rnr/winsock2.h>
#include "status.h"

#define CODE(c) { c, #c }
static const struct {
    int         code;
    const char *name;
} g_all[] = {
    CODE(WSAEINTR), CODE(WSAEACCES), CODE(WSAEFAULT), CODE(WSAEINVAL), CODE(WSAEMFILE),
    CODE(WSAEWOULDBLOCK), CODE(WSAEINPROGRESS), CODE(WSAEALREADY), CODE(WSAEOPNOTSUPP),
    CODE(WSAEAFNOSUPPORT), CODE(WSAENETDOWN), CODE(WSAENOBUFS), CODE(WSAEPROCLIM),
    CODE(WSASYSNOTREADY), CODE(WSAVERNOTSUPPORTED), CODE(WSANOTINITIALISED),
    CODE(WSAENOMORE), CODE(WSAECANCELLED), CODE(WSAEPROVIDERFAILEDINIT),
    CODE(WSASYSCALLFAILURE), CODE(WSASERVICE_NOT_FOUND), CODE(WSATYPE_NOT_FOUND),
    CODE(WSA_E_NO_MORE), CODE(WSA_E_CANCELLED), CODE(WSAEREFUSED),
    CODE(WSAHOST_NOT_FOUND), CODE(WSATRY_AGAIN), CODE(WSANO_RECOVERY), CODE(WSANO_DATA),
    CODE(WSA_INVALID_HANDLE), CODE(WSA_NOT_ENOUGH_MEMORY), CODE(WSA_INVALID_PARAMETER),
    CODE(WSA_OPERATION_ABORTED),
};

static void test_values(void **state)
{
    (void)state;
    /* spec/constants.md */
    assert_int_equal(WSAEINTR, 10004);
    assert_int_equal(WSAEACCES, 10013);
    assert_int_equal(WSAEFAULT, 10014);
    assert_int_equal(WSAEINVAL, 10022);
    assert_int_equal(WSAEWOULDBLOCK, 10035);
    assert_int_equal(WSAEINPROGRESS, 10036);
    assert_int_equal(WSAEALREADY, 10037);
    assert_int_equal(WSAEAFNOSUPPORT, 10047);
    assert_int_equal(WSAENOBUFS, 10055);
    assert_int_equal(WSAENETDOWN, 10050);
    assert_int_equal(WSASYSNOTREADY, 10091);
    assert_int_equal(WSAVERNOTSUPPORTED, 10092);
    assert_int_equal(WSANOTINITIALISED, 10093);
    assert_int_equal(WSAEPROCLIM, 10067);
    assert_int_equal(WSAENOMORE, 10102);
    assert_int_equal(WSAECANCELLED, 10103);
    assert_int_equal(WSAEPROVIDERFAILEDINIT, 10106);
    assert_int_equal(WSASYSCALLFAILURE, 10107);
    assert_int_equal(WSASERVICE_NOT_FOUND, 10108);
    assert_int_equal(WSATYPE_NOT_FOUND, 10109);
    assert_int_equal(WSA_E_NO_MORE, 10110);
    assert_int_equal(WSA_E_CANCELLED, 10111);
    assert_int_equal(WSAEREFUSED, 10112);
    assert_int_equal(WSAHOST_NOT_FOUND, 11001);
    assert_int_equal(WSATRY_AGAIN, 11002);
    assert_int_equal(WSANO_RECOVERY, 11003);
    assert_int_equal(WSANO_DATA, 11004);
    assert_int_equal(WSANO_ADDRESS, 11004);
    assert_int_equal(WSA_INVALID_HANDLE, 6);
    assert_int_equal(WSA_NOT_ENOUGH_MEMORY, 8);
    assert_int_equal(WSA_INVALID_PARAMETER, 87);
    assert_int_equal(WSA_OPERATION_ABORTED, 995);
}

static void test_names_and_texts(void **state)
{
    size_t i, j;
    (void)state;

    for (i = 0; i < sizeof(g_all) / sizeof(g_all[0]); i++) {
        const char *n = rnr_status_name(g_all[i].code);
        const char *t = rnr_status_text(g_all[i].code);

        if (n == NULL)
            fail_msg("no name for %d", g_all[i].code);
        assert_string_equal(n, g_all[i].name);
        assert_non_null(t);
        assert_true(strlen(t) > 3);
        assert_string_not_equal(t, rnr_status_text(-12345));
        assert_null(strchr(t, '\n'));
        /* Distinct codes have distinct texts, except the two no-more /
         * cancelled pairs, which mean the same thing. */
        for (j = 0; j < i; j++) {
            int a = g_all[i].code, b = g_all[j].code;

            if ((a == WSA_E_NO_MORE && b == WSAENOMORE) ||
                (a == WSAENOMORE && b == WSA_E_NO_MORE))
                continue;
            assert_string_not_equal(t, rnr_status_text(b));
        }
    }
    assert_string_equal(rnr_status_name(WSANO_ADDRESS), "WSANO_DATA");
    assert_string_equal(rnr_status_name(WSANOTINITIALIZED), "WSANOTINITIALISED");
}

static void test_unknown(void **state)
{
    static const int unknown[] = { -1, 1, 10000, 10001, 10999, 11005, 99999, INT32_MIN };
    size_t i;
    (void)state;

    for (i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
        assert_null(rnr_status_name(unknown[i]));
        assert_non_null(rnr_status_text(unknown[i]));
    }
    assert_non_null(rnr_status_text(0));
}

static void test_merge(void **state)
{
    /* In decreasing order of how much they tell. */
    static const int order[] = {
        WSANO_DATA, WSATRY_AGAIN, WSANO_RECOVERY, WSAHOST_NOT_FOUND, WSASERVICE_NOT_FOUND,
    };
    static const int others[] = { WSAEINVAL, WSAENOBUFS, WSA_E_CANCELLED, WSAEFAULT };
    size_t i, j;
    (void)state;

    for (i = 0; i < 5; i++) {
        for (j = 0; j < 5; j++) {
            int want = order[i < j ? i : j];

            assert_int_equal(rnr_status_merge(order[i], order[j]), want);
        }
        for (j = 0; j < 4; j++) {
            assert_int_equal(rnr_status_merge(order[i], others[j]), order[i]);
            assert_int_equal(rnr_status_merge(others[j], order[i]), order[i]);
        }
        assert_int_equal(rnr_status_merge(order[i], 0), order[i]);
        assert_int_equal(rnr_status_merge(0, order[i]), order[i]);
    }
    for (j = 0; j < 4; j++) {
        assert_int_equal(rnr_status_merge(others[j], 0), others[j]);
        assert_int_equal(rnr_status_merge(0, others[j]), others[j]);
    }
    /* Among equally ranked others, the first stays. */
    assert_int_equal(rnr_status_merge(WSAEINVAL, WSAENOBUFS), WSAEINVAL);
    assert_int_equal(rnr_status_merge(WSAENOBUFS, WSAEINVAL), WSAENOBUFS);
    assert_int_equal(rnr_status_merge(0, 0), 0);

    /* Folding a list (the router's use) gives the best of all. */
    {
        static const int seq[] = { 0, WSASERVICE_NOT_FOUND, WSAEINVAL, WSANO_RECOVERY,
                                   WSAHOST_NOT_FOUND, 0 };
        int acc = 0;

        for (i = 0; i < sizeof(seq) / sizeof(seq[0]); i++)
            acc = rnr_status_merge(acc, seq[i]);
        assert_int_equal(acc, WSANO_RECOVERY);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_names_and_texts),
        cmocka_unit_test(test_unknown),
        cmocka_unit_test(test_merge),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
