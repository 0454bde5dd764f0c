/* SPDX-License-Identifier: MIT */
/*
 * The directory's indexes are seeded (dir_tree.h): names a client picked
 * to share one bucket under the case-folded 32-bit FNV-1a the tree used
 * before spread out, and every one of them is still found, in any case.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "alloc.h"
#include "dir_tree.h"
#include "queryset.h"

#define NNAMES 2048u     /* the entry index then has 2048 buckets */

static GUID hash_class = { 9, 8, 7, { 6, 5, 4, 3, 2, 1, 0, 1 } };

static uint32_t old_fnv(const char *s)
{
    uint32_t h = 2166136261u;

    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;

        h = (h ^ (c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c)) * 16777619u;
    }
    return h;
}

static WSAQUERYSETA *mkqs(const char *name)
{
    WSAQUERYSETA q;

    memset(&q, 0, sizeof q);
    q.dwSize = sizeof q;
    q.lpszServiceInstanceName = (char *)name;
    q.lpServiceClassId = &hash_class;
    return rnr_qs_dup(&q, NULL);
}

static size_t longest_chain(const struct dir_hash *h)
{
    size_t i, max = 0;

    for (i = 0; i < h->nb; i++) {
        const struct dir_hlink *l;
        size_t n = 0;

        for (l = h->b[i]; l != NULL; l = l->next)
            n++;
        if (n > max)
            max = n;
    }
    return max;
}

/* Found by brute force as an attacker would: NNAMES names whose old
 * hash falls in bucket 0 of NNAMES. */
static void test_fnv_collisions_spread(void **state)
{
    static char names[NNAMES][24];
    struct dir_tree   t;
    struct dir_path   p;
    struct dir_node  *n;
    struct dir_entry *e;
    unsigned long     c;
    size_t            k = 0, i;

    (void)state;
    for (c = 0; k < NNAMES; c++) {
        snprintf(names[k], sizeof names[k], "Svc-%lx", c);
        if ((old_fnv(names[k]) & (NNAMES - 1)) == 0)
            k++;
    }
    dir_tree_init(&t);
    assert_int_equal(dir_path_parse("\\flood", "\\", &p), 0);
    assert_int_equal(dir_tree_make_node(&t, &p, &n), 0);
    for (i = 0; i < NNAMES; i++) {
        e = dir_entry_new(mkqs(names[i]), 0);
        assert_non_null(e);
        dir_tree_put(&t, n, e, NULL);
    }
    assert_int_equal(t.entries.nb, NNAMES);
    /* One chain of 2048 under the old hash; about one a bucket now. */
    assert_true(longest_chain(&t.entries) <= 12);
    for (i = 0; i < NNAMES; i++) {
        char upper[24];
        size_t j;

        for (j = 0; names[i][j] != '\0'; j++)
            upper[j] = (char)(names[i][j] >= 'a' && names[i][j] <= 'z' ? names[i][j] - 32
                                                                          : names[i][j]);
        upper[j] = '\0';
        e = dir_tree_find_entry(&t, n, &hash_class, upper);
        assert_non_null(e);
        assert_string_equal(dir_entry_name(e), names[i]);
    }
    dir_tree_clear(&t);
}

/* Names longer than the hash's folding buffer hash by all their bytes,
 * and alike in any case. */
static void test_long_names(void **state)
{
    char a[300], b[300];
    struct dir_tree t;

    (void)state;
    dir_tree_init(&t);
    memset(a, 'x', sizeof a - 1);
    a[sizeof a - 1] = '\0';
    memcpy(b, a, sizeof a);
    b[sizeof b - 2] = 'y';
    assert_int_not_equal(dir_name_hash(&t, a), dir_name_hash(&t, b));
    b[sizeof b - 2] = 'X';
    assert_int_equal(dir_name_hash(&t, a), dir_name_hash(&t, b));
    assert_int_equal(dir_name_hash(&t, ""), dir_name_hash(&t, ""));
    dir_tree_clear(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fnv_collisions_spread),
        cmocka_unit_test(test_long_names),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
