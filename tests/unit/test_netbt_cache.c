/* SPDX-License-Identifier: MIT */
/*
 * The netbt provider's answer cache (providers/netbt/netbt_cache.c):
 * names compare without case, answers expire at their TTL (capped),
 * negative ones after NETBT_NEG_TTL_MS, the bound holds and the entry
 * closest to expiring is the one that goes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <cmocka.h>

#include "netbt.h"

static struct nbns_name nm(const char *text)
{
    struct nbns_name n;

    assert_int_equal(nbns_name_from_text(text, 0, NULL, &n), 0);
    return n;
}

static struct nbns_addr ad(uint8_t last)
{
    struct nbns_addr a = { 0, { 10, 0, 0, last } };

    return a;
}

static void expiry_and_case(void **state)
{
    struct netbt_cache *c = netbt_cache_new(4);
    struct nbns_name n = nm("Alpha"), up = nm("ALPHA");
    struct nbns_addr a = ad(1), out[NBNS_MAX_ADDRS];
    size_t k = 99;
    uint64_t exp = 0;

    (void)state;
    assert_non_null(c);
    netbt_cache_put(c, &n, &a, 1, 2000, 1000);
    assert_int_equal(netbt_cache_get(c, &up, 2999, out, &k, &exp), 1);
    assert_int_equal(k, 1);
    assert_int_equal(exp, 3000);
    assert_int_equal(out[0].ip[3], 1);
    assert_int_equal(netbt_cache_get(c, &up, 3000, out, &k, &exp), 0);
    /* A negative answer lives NETBT_NEG_TTL_MS, whatever is asked. */
    netbt_cache_put(c, &n, NULL, 0, 999999, 5000);
    assert_int_equal(netbt_cache_get(c, &n, 5000 + NETBT_NEG_TTL_MS - 1, out, &k, &exp), 1);
    assert_int_equal(k, 0);
    assert_int_equal(netbt_cache_get(c, &n, 5000 + NETBT_NEG_TTL_MS, out, &k, &exp), 0);
    /* TTLs are capped. */
    netbt_cache_put(c, &n, &a, 1, UINT32_MAX * 1000ull, 0);
    assert_int_equal(netbt_cache_get(c, &n, 0, out, &k, &exp), 1);
    assert_int_equal(exp, NETBT_MAX_CACHE_TTL_S * 1000ull);
    /* Another suffix is another name. */
    n.b[15] = 0x20;
    assert_int_equal(netbt_cache_get(c, &n, 0, out, &k, &exp), 0);
    netbt_cache_free(c);
    netbt_cache_free(NULL);
}

static void bounded(void **state)
{
    struct netbt_cache *c = netbt_cache_new(3);
    struct nbns_addr a = ad(2), out[NBNS_MAX_ADDRS];
    char text[8];
    size_t k, i;
    uint64_t exp;

    (void)state;
    /* B expires first: it is the one D replaces. */
    netbt_cache_put(c, &(struct nbns_name){ 0 }, &a, 1, 0, 0);   /* ttl 0: not kept */
    assert_int_equal(netbt_cache_count(c), 0);
    for (i = 0; i < 3; i++) {
        struct nbns_name n;

        snprintf(text, sizeof text, "%c", (int)('A' + i));
        n = nm(text);
        netbt_cache_put(c, &n, &a, 1, i == 1 ? 100 : 10000, 0);
    }
    {
        struct nbns_name d = nm("D"), b = nm("B"), x = nm("A");

        netbt_cache_put(c, &d, &a, 1, 10000, 1);
        assert_int_equal(netbt_cache_count(c), 3);
        assert_int_equal(netbt_cache_get(c, &b, 2, out, &k, &exp), 0);
        assert_int_equal(netbt_cache_get(c, &d, 2, out, &k, &exp), 1);
        assert_int_equal(netbt_cache_get(c, &x, 2, out, &k, &exp), 1);
    }
    /* Many addresses are kept up to the bound. */
    {
        struct nbns_addr many[NBNS_MAX_ADDRS + 4];
        struct nbns_name g = nm("G");

        for (i = 0; i < NBNS_MAX_ADDRS + 4; i++)
            many[i] = ad((uint8_t)i);
        netbt_cache_put(c, &g, many, NBNS_MAX_ADDRS + 4, 1000, 0);
        assert_int_equal(netbt_cache_get(c, &g, 0, out, &k, &exp), 1);
        assert_int_equal(k, NBNS_MAX_ADDRS);
    }
    netbt_cache_flush(c);
    assert_int_equal(netbt_cache_count(c), 0);
    netbt_cache_free(c);
    /* A cache of size 0 keeps nothing. */
    c = netbt_cache_new(0);
    netbt_cache_put(c, &(struct nbns_name){ 0 }, &a, 1, 1000, 0);
    assert_int_equal(netbt_cache_count(c), 0);
    netbt_cache_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(expiry_and_case),
        cmocka_unit_test(bounded),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
