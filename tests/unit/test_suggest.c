/* SPDX-License-Identifier: MIT */
/*
 * "Did you mean": edit distances and which candidate is suggested
 * (suggest.h).
 */
#include "config.h"

#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "suggest.h"

static void test_distance(void **state)
{
    (void)state;
    assert_int_equal(rnr_suggest_distance("", ""), 0);
    assert_int_equal(rnr_suggest_distance("port", "port"), 0);
    assert_int_equal(rnr_suggest_distance("", "port"), 4);
    assert_int_equal(rnr_suggest_distance("port", ""), 4);
    assert_int_equal(rnr_suggest_distance("prot", "port"), 1);       /* swap */
    assert_int_equal(rnr_suggest_distance("hosts-flie", "hosts-file"), 1);
    assert_int_equal(rnr_suggest_distance("enabeld", "enabled"), 1);
    assert_int_equal(rnr_suggest_distance("servers", "server"), 1);  /* delete */
    assert_int_equal(rnr_suggest_distance("server", "servers"), 1);  /* insert */
    assert_int_equal(rnr_suggest_distance("kitten", "sitting"), 3);
    assert_int_equal(rnr_suggest_distance("ca", "abc"), 3);          /* no swap then insert */
    assert_int_equal(rnr_suggest_distance(NULL, "x"), UINT_MAX);
}

static void test_too_long(void **state)
{
    char longword[RNR_SUGGEST_MAX_LEN + 2];

    (void)state;
    memset(longword, 'a', sizeof longword - 1);
    longword[sizeof longword - 1] = '\0';
    assert_int_equal(rnr_suggest_distance(longword, "a"), UINT_MAX);
    longword[RNR_SUGGEST_MAX_LEN] = '\0';   /* exactly the limit: compared */
    assert_int_equal(rnr_suggest_distance(longword, longword), 0);
}

static const char *suggest(const char *word, const char *const *cands)
{
    struct rnr_suggest s;

    rnr_suggest_init(&s, word);
    for (; *cands != NULL; cands++)
        rnr_suggest_add(&s, *cands);
    return rnr_suggest_best(&s);
}

static void test_best(void **state)
{
    static const char *const hosts[] = { "module", "namespace", "id", "enabled",
                                         "display-name", "hosts-file", "services-file", NULL };
    static const char *const daemon[] = { "socket", "state-dir", "module-dir", "class-dir",
                                          "max-clients", "max-clients-per-uid", NULL };
    static const char *const none[] = { NULL };

    (void)state;
    assert_string_equal(suggest("hosts-flie", hosts), "hosts-file");
    assert_string_equal(suggest("enabeld", hosts), "enabled");
    assert_string_equal(suggest("servics-file", hosts), "services-file");
    assert_string_equal(suggest("modul", hosts), "module");
    assert_string_equal(suggest("sokcet", daemon), "socket");
    assert_string_equal(suggest("max-client", daemon), "max-clients");
    /* Nothing close: no suggestion rather than a wrong one. */
    assert_null(suggest("bogus-key", hosts));
    assert_null(suggest("x", hosts));
    assert_null(suggest("completely-different", daemon));
    /* The word itself is no misspelling. */
    assert_null(suggest("enabled", hosts));
    assert_null(suggest("anything", none));
    /* Short words: one edit at most ("ib" is not "id" twice over). */
    assert_string_equal(suggest("ic", hosts), "id");
    assert_null(suggest("xy", hosts));
}

static void test_first_of_equals(void **state)
{
    static const char *const c[] = { "cat", "car", NULL };

    (void)state;
    /* "cab" is one edit from both; the first declared wins, every time. */
    assert_string_equal(suggest("cab", c), "cat");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_distance),
        cmocka_unit_test(test_too_long),
        cmocka_unit_test(test_best),
        cmocka_unit_test(test_first_of_equals),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
