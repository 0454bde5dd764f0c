/* SPDX-License-Identifier: MIT */
/*
 * The shared seeded hash (hash.h): seeds matter, equal keys agree, no
 * length reads past its key, its output stays what answer-cache files
 * were written with, and names an attacker picked to collide under
 * plain FNV-1a spread out under it.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>

#include "hash.h"

#define NBUCKETS 1024u
#define NKEYS    10000u

static void test_seed_matters(void **state)
{
    const char *k = "printer.example.org";

    (void)state;
    assert_int_not_equal(rnr_hash64(1, k, strlen(k)), rnr_hash64(2, k, strlen(k)));
    assert_int_not_equal(rnr_hash64(0, "", 0), rnr_hash64(1, "", 0));
}

static void test_equal_keys(void **state)
{
    char a[32], b[32];

    (void)state;
    memcpy(a, "same-key-in-two-buffers", 24);
    memcpy(b, "same-key-in-two-buffers", 24);
    assert_int_equal(rnr_hash64(42, a, 24), rnr_hash64(42, b, 24));
    /* Length is part of the key: a trailing NUL is not ignored. */
    assert_int_not_equal(rnr_hash64(42, a, 23), rnr_hash64(42, a, 24));
}

/* Each key ends on the last byte before a PROT_NONE page: reading one
 * byte too far faults. */
static void test_no_overread(void **state)
{
    long pg = sysconf(_SC_PAGESIZE);
    uint8_t *m;
    size_t len;
    uint64_t prev = 0;

    (void)state;
    m = mmap(NULL, (size_t)pg * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(m != MAP_FAILED);
    assert_int_equal(mprotect(m + pg, (size_t)pg, PROT_NONE), 0);
    memset(m, 'x', (size_t)pg);
    for (len = 0; len <= 64; len++) {
        uint64_t h = rnr_hash64(7, m + pg - len, len);

        if (len > 0)
            assert_int_not_equal(h, prev);
        prev = h;
    }
    munmap(m, (size_t)pg * 2);
}

/* The answer-cache index is hashed with this function by readers in
 * other processes: these values were produced by the cache's own hash
 * before it moved to hash.c and must never change (on a little-endian
 * host, where the words are loaded as they are here). */
static void test_pinned_values(void **state)
{
    const uint16_t one = 1;

    (void)state;
    if (*(const uint8_t *)&one != 1)
        skip();
    assert_true(rnr_hash64(0, "", 0) == UINT64_C(0));
    assert_true(rnr_hash64(0x0123456789abcdefull, "abc", 3) == UINT64_C(0x2b246e6b70c3bb74));
    assert_true(rnr_hash64(0x0123456789abcdefull, "sixteen-byte-key", 16) == UINT64_C(0x37cc2826cf7a4c4e));
}

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ull;

    for (; *s != '\0'; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
    return h;
}

static size_t longest_chain(uint64_t seed, char (*keys)[16], size_t n)
{
    static unsigned count[NBUCKETS];
    size_t i, max = 0;

    memset(count, 0, sizeof count);
    for (i = 0; i < n; i++) {
        unsigned b = (unsigned)(rnr_hash64(seed, keys[i], strlen(keys[i])) & (NBUCKETS - 1));

        if (++count[b] > max)
            max = count[b];
    }
    return max;
}

/* What the dns cache and the sap table hashed with before: 10,000 names
 * that all share one bucket of 1024 under plain FNV-1a, found by brute
 * force in a fraction of a second, as an attacker would.  Under random
 * seeds they spread (about ten a bucket), and two seeds place them
 * differently, so learning one process's layout says nothing of another's. */
static void test_fnv_collisions_spread(void **state)
{
    static char keys[NKEYS][16];
    size_t n = 0, i, moved = 0;
    uint64_t s1 = rnr_hash_seed(), s2 = rnr_hash_seed();
    unsigned long c;

    (void)state;
    for (c = 0; n < NKEYS; c++) {
        snprintf(keys[n], sizeof keys[n], "h%lx", c);
        if ((fnv1a(keys[n]) & (NBUCKETS - 1)) == 0)
            n++;
    }
    assert_int_not_equal(s1, s2);
    assert_true(longest_chain(s1, keys, n) < 40);
    assert_true(longest_chain(s2, keys, n) < 40);
    for (i = 0; i < n; i++)
        if ((rnr_hash64(s1, keys[i], strlen(keys[i])) & (NBUCKETS - 1)) !=
            (rnr_hash64(s2, keys[i], strlen(keys[i])) & (NBUCKETS - 1)))
            moved++;
    assert_true(moved > n / 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed_matters),
        cmocka_unit_test(test_equal_keys),
        cmocka_unit_test(test_no_overread),
        cmocka_unit_test(test_pinned_values),
        cmocka_unit_test(test_fnv_collisions_spread),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
