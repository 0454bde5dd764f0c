/* SPDX-License-Identifier: MIT */
/*
 * Paged directory lookups (providers/directory/dir_page.c): a request
 * decodes to what was encoded, every malformed or cut request is refused
 * with WSAEINVAL (it comes from any client), and the page order is a
 * depth-first walk, ASCII case-insensitive, then by class.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "alloc.h"
#include "dir_page.h"

static const GUID cls_a = { 0x6A1B0C2Du, 0, 0x4000, { 0x80, 0, 0, 0, 0, 0, 0, 0xC1 } };
static const GUID cls_b = { 0x6A1B0C2Du, 0, 0x4000, { 0x80, 0, 0, 0, 0, 0, 0, 0xC2 } };

static int decode(const uint8_t *p, size_t n, struct dir_page *out)
{
    BLOB b;

    b.cbSize = (ULONG)n;
    b.pBlobData = (BYTE *)(uintptr_t)p;
    return dir_page_decode(&b, out);
}

static void test_round_trip(void **state)
{
    struct dir_page pg;
    uint8_t        *buf;
    size_t          len;

    (void)state;
    assert_int_equal(dir_page_encode(1000, NULL, NULL, NULL, &buf, &len), 0);
    assert_int_equal(decode(buf, len, &pg), 0);
    assert_int_equal(pg.size, 1000);
    assert_false(pg.has_cursor);
    dir_page_clear(&pg);
    rnr_free(buf);

    assert_int_equal(dir_page_encode(7, "\\a\\b c", &cls_b, "na me", &buf, &len), 0);
    assert_int_equal(decode(buf, len, &pg), 0);
    assert_int_equal(pg.size, 7);
    assert_true(pg.has_cursor);
    assert_string_equal(pg.context, "\\a\\b c");
    assert_string_equal(pg.name, "na me");
    assert_memory_equal(&pg.cls, &cls_b, sizeof cls_b);
    dir_page_clear(&pg);
    dir_page_clear(&pg);        /* twice: harmless */
    rnr_free(buf);
}

/* Every prefix of a valid request, and every single-byte change in its
 * header fields, is refused rather than read past its end. */
static void test_refused(void **state)
{
    struct dir_page pg;
    uint8_t        *buf, bad[64];
    size_t          len, i;
    BLOB            other = { 4, (BYTE *)"abcd" };

    (void)state;
    assert_false(dir_page_requested(NULL));
    assert_false(dir_page_requested(&other));
    assert_int_equal(dir_page_encode(3, "\\c", &cls_a, "x", &buf, &len), 0);
    assert_true(len < sizeof bad);
    for (i = 8; i < len; i++)
        assert_int_equal(decode(buf, i, &pg), WSAEINVAL);
    /* A byte too many. */
    memcpy(bad, buf, len);
    bad[len] = 0;
    assert_int_equal(decode(bad, len + 1, &pg), WSAEINVAL);
    /* Version 2; size 0; size over the maximum; cursor flag 2. */
    memcpy(bad, buf, len);
    bad[8] = 2;
    assert_int_equal(decode(bad, len, &pg), WSAEINVAL);
    memcpy(bad, buf, len);
    memset(bad + 12, 0, 4);
    assert_int_equal(decode(bad, len, &pg), WSAEINVAL);
    memcpy(bad, buf, len);
    memset(bad + 12, 0xff, 4);
    assert_int_equal(decode(bad, len, &pg), WSAEINVAL);
    memcpy(bad, buf, len);
    bad[16] = 2;
    assert_int_equal(decode(bad, len, &pg), WSAEINVAL);
    /* A context length past the end, and one holding a NUL. */
    memcpy(bad, buf, len);
    bad[20] = 0xff;
    assert_int_equal(decode(bad, len, &pg), WSAEINVAL);
    memcpy(bad, buf, len);
    bad[25] = '\0';
    assert_int_equal(decode(bad, len, &pg), WSAEINVAL);
    rnr_free(buf);
    /* Strings too long for a query set; no class with a cursor. */
    {
        char *big = malloc(5000);

        assert_non_null(big);
        memset(big, 'a', 4999);
        big[4999] = '\0';
        assert_int_equal(dir_page_encode(3, big, &cls_a, "x", &buf, &len), WSAEINVAL);
        assert_int_equal(dir_page_encode(3, "\\c", &cls_a, big, &buf, &len), WSAEINVAL);
        free(big);
    }
    assert_int_equal(dir_page_encode(3, "\\c", NULL, "x", &buf, &len), WSAEINVAL);
    assert_int_equal(dir_page_encode(0, NULL, NULL, NULL, &buf, &len), WSAEINVAL);
}

static void test_order(void **state)
{
    (void)state;
    /* A container, what is inside it, then its next sibling. */
    assert_true(dir_page_path_cmp("\\", "\\a") < 0);
    assert_true(dir_page_path_cmp("\\a", "\\a\\b") < 0);
    assert_true(dir_page_path_cmp("\\a\\b", "\\a!") < 0);
    assert_true(dir_page_path_cmp("\\a\\z", "\\ab") < 0);
    assert_int_equal(dir_page_path_cmp("\\Eng\\Printers", "\\eng\\printers"), 0);
    /* Then the name, case-insensitively, then the class. */
    assert_true(dir_page_cmp("\\a", "zz", &cls_a, "\\a\\b", "aa", &cls_a) < 0);
    assert_true(dir_page_cmp("\\a", "Laser", &cls_b, "\\a", "laser-1", &cls_a) < 0);
    assert_int_equal(dir_page_cmp("\\a", "LASER", &cls_a, "\\A", "laser", &cls_a), 0);
    assert_true(dir_page_cmp("\\a", "laser", &cls_a, "\\a", "LASER", &cls_b) < 0);
    assert_true(dir_page_cmp("\\a", "laser", &cls_b, "\\a", "laser", &cls_a) > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_order),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
