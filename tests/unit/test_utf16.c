/* SPDX-License-Identifier: MIT */
/*
 * UTF-16 <-> UTF-8 conversion at librnr's boundary (client/utf16.h).
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <rnr/winsock2.h>
#include "alloc.h"
#include "utf16.h"

static void test_wcslen(void **state)
{
    (void)state;
    assert_int_equal(rnr_wcslen(u""), 0);
    assert_int_equal(rnr_wcslen(u"abc"), 3);
    assert_int_equal(rnr_wcslen(u"\U0001F600"), 2);
    assert_int_equal(rnr_wcslen(NULL), 0);
}

static void test_types(void **state)
{
    (void)state;
    /* The SDK layout depends on WCHAR being two bytes. */
    assert_int_equal(sizeof(WCHAR), 2);
    assert_int_equal(sizeof(TEXT("ab")), 3);  /* UNICODE is not defined here */
}

static void check_to_utf8(const WCHAR *w, const char *want)
{
    char *s = (char *)0x1;

    assert_int_equal(rnr_utf16_to_utf8_dup(w, &s), 0);
    assert_non_null(s);
    assert_string_equal(s, want);
    rnr_free(s);
}

static void test_to_utf8(void **state)
{
    (void)state;
    check_to_utf8(u"", "");
    check_to_utf8(u"printer", "printer");
    check_to_utf8(u"caf\u00e9", "caf\xc3\xa9");
    check_to_utf8(u"\u07ff\u0800", "\xdf\xbf\xe0\xa0\x80");
    check_to_utf8(u"\u65e5\u672c", "\xe6\x97\xa5\xe6\x9c\xac");
    check_to_utf8(u"\uffff", "\xef\xbf\xbf");
    /* Surrogate pairs: the first and last supplementary code points. */
    check_to_utf8(u"\U00010000", "\xf0\x90\x80\x80");
    check_to_utf8(u"x\U0001F600y", "x\xf0\x9f\x98\x80y");
    check_to_utf8(u"\U0010FFFF", "\xf4\x8f\xbf\xbf");
}

static void check_to_utf8_bad(const WCHAR *w)
{
    char *s = (char *)0x1;

    assert_int_equal(rnr_utf16_to_utf8_dup(w, &s), WSAEINVAL);
    assert_ptr_equal(s, (char *)0x1);  /* untouched on failure */
}

static void test_to_utf8_invalid(void **state)
{
    static const WCHAR lone_high[] = { 'a', 0xD83D, 0 };
    static const WCHAR high_then_text[] = { 0xD83D, 'a', 0 };
    static const WCHAR lone_low[] = { 0xDE00, 0 };
    static const WCHAR reversed[] = { 0xDE00, 0xD83D, 0 };
    static const WCHAR two_high[] = { 0xD83D, 0xD83D, 0xDE00, 0 };

    (void)state;
    check_to_utf8_bad(lone_high);
    check_to_utf8_bad(high_then_text);
    check_to_utf8_bad(lone_low);
    check_to_utf8_bad(reversed);
    check_to_utf8_bad(two_high);
}

static void test_to_utf8_null(void **state)
{
    char *s = (char *)0x1;

    (void)state;
    assert_int_equal(rnr_utf16_to_utf8_dup(NULL, &s), 0);
    assert_null(s);
}

static void check_to_utf16(const char *s, const WCHAR *want)
{
    WCHAR buf[16];
    WCHAR *dup = NULL;
    size_t need = 0, wl = rnr_wcslen(want);

    assert_int_equal(rnr_utf8_to_utf16(s, buf, 16, &need), 0);
    assert_int_equal(need, wl + 1);
    assert_memory_equal(buf, want, (wl + 1) * sizeof(WCHAR));
    assert_int_equal(rnr_utf8_to_utf16_dup(s, &dup), 0);
    assert_non_null(dup);
    assert_memory_equal(dup, want, (wl + 1) * sizeof(WCHAR));
    rnr_free(dup);
}

static void test_to_utf16(void **state)
{
    /* C forbids \u escapes below U+00A0. */
    static const WCHAR del[] = { 0x7F, 0 };
    static const WCHAR pad[] = { 0x80, 0 };

    (void)state;
    check_to_utf16("", u"");
    check_to_utf16("printer", u"printer");
    check_to_utf16("\x7f", del);
    check_to_utf16("\xc2\x80", pad);
    check_to_utf16("caf\xc3\xa9", u"caf\u00e9");
    check_to_utf16("\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80", u"\u0800\ud7ff\ue000");
    check_to_utf16("\xef\xbf\xbf", u"\uffff");
    check_to_utf16("\xf0\x90\x80\x80", u"\U00010000");
    check_to_utf16("x\xf0\x9f\x98\x80y", u"x\U0001F600y");
    check_to_utf16("\xf4\x8f\xbf\xbf", u"\U0010FFFF");
}

static void check_to_utf16_bad(const char *s)
{
    WCHAR buf[16] = { 0x55 };
    WCHAR *dup = (WCHAR *)0x1;
    size_t need = 1234;

    assert_int_equal(rnr_utf8_to_utf16(s, buf, 16, &need), WSAEINVAL);
    assert_int_equal(buf[0], 0x55);
    assert_int_equal(need, 1234);
    assert_int_equal(rnr_utf8_to_utf16(s, NULL, 0, &need), WSAEINVAL);
    assert_int_equal(need, 1234);
    assert_int_equal(rnr_utf8_to_utf16_dup(s, &dup), WSAEINVAL);
    assert_ptr_equal(dup, (WCHAR *)0x1);
}

static void test_to_utf16_invalid(void **state)
{
    (void)state;
    /* Overlong forms. */
    check_to_utf16_bad("\xc0\x80");
    check_to_utf16_bad("\xc1\xbf");
    check_to_utf16_bad("\xe0\x80\x80");
    check_to_utf16_bad("\xe0\x9f\xbf");
    check_to_utf16_bad("\xf0\x80\x80\x80");
    check_to_utf16_bad("\xf0\x8f\xbf\xbf");
    /* Encoded surrogates (CESU-8 and lone halves). */
    check_to_utf16_bad("\xed\xa0\x80");
    check_to_utf16_bad("\xed\xbf\xbf");
    check_to_utf16_bad("\xed\xa0\xbd\xed\xb8\x80");
    /* Above U+10FFFF. */
    check_to_utf16_bad("\xf4\x90\x80\x80");
    check_to_utf16_bad("\xf5\x80\x80\x80");
    check_to_utf16_bad("\xf8\x88\x80\x80\x80");
    check_to_utf16_bad("\xfe");
    check_to_utf16_bad("\xff");
    /* Truncated sequences, at the end and before more text. */
    check_to_utf16_bad("\xc3");
    check_to_utf16_bad("ab\xe6\x97");
    check_to_utf16_bad("\xf0\x9f\x98");
    check_to_utf16_bad("\xe6\x97x");
    check_to_utf16_bad("\xf0\x9f\x98 ");
    /* Stray continuation bytes. */
    check_to_utf16_bad("\x80");
    check_to_utf16_bad("a\xbf");
    check_to_utf16_bad("\xc3\xa9\xa9");
}

static void test_sizing(void **state)
{
    WCHAR buf[8];
    size_t need = 0;

    (void)state;
    /* Exact fit: "caf\u00e9" plus terminator is 5 WCHARs. */
    memset(buf, 0x55, sizeof(buf));
    assert_int_equal(rnr_utf8_to_utf16("caf\xc3\xa9", buf, 5, &need), 0);
    assert_int_equal(need, 5);
    assert_memory_equal(buf, u"caf\u00e9", 5 * sizeof(WCHAR));
    assert_int_equal(buf[5], 0x5555);

    /* One short: nothing written, the size still reported. */
    memset(buf, 0x55, sizeof(buf));
    need = 0;
    assert_int_equal(rnr_utf8_to_utf16("caf\xc3\xa9", buf, 4, &need), WSAEFAULT);
    assert_int_equal(need, 5);
    assert_int_equal(buf[0], 0x5555);

    /* Zero cap, with and without a buffer. */
    need = 0;
    assert_int_equal(rnr_utf8_to_utf16("caf\xc3\xa9", buf, 0, &need), WSAEFAULT);
    assert_int_equal(need, 5);
    need = 0;
    assert_int_equal(rnr_utf8_to_utf16("caf\xc3\xa9", NULL, 0, &need), WSAEFAULT);
    assert_int_equal(need, 5);

    /* A surrogate pair needs two WCHARs: exact fit and one short. */
    need = 0;
    assert_int_equal(rnr_utf8_to_utf16("\xf0\x9f\x98\x80", buf, 2, &need), WSAEFAULT);
    assert_int_equal(need, 3);
    assert_int_equal(rnr_utf8_to_utf16("\xf0\x9f\x98\x80", buf, 3, &need), 0);
    assert_memory_equal(buf, u"\U0001F600", 3 * sizeof(WCHAR));

    /* The empty string needs only its terminator. */
    assert_int_equal(rnr_utf8_to_utf16("", buf, 0, &need), WSAEFAULT);
    assert_int_equal(need, 1);
    assert_int_equal(rnr_utf8_to_utf16("", buf, 1, &need), 0);
    assert_int_equal(buf[0], 0);
}

static void test_to_utf16_null(void **state)
{
    WCHAR *dup = (WCHAR *)0x1;

    (void)state;
    assert_int_equal(rnr_utf8_to_utf16_dup(NULL, &dup), 0);
    assert_null(dup);
}

static void test_roundtrip(void **state)
{
    static const WCHAR w[] = u"\u00e9\u4e2d\U0001F600\U0010FFFFz";
    char *s = NULL;
    WCHAR *back = NULL;

    (void)state;
    assert_int_equal(rnr_utf16_to_utf8_dup(w, &s), 0);
    assert_int_equal(rnr_utf8_to_utf16_dup(s, &back), 0);
    assert_memory_equal(back, w, sizeof(w));
    rnr_free(s);
    rnr_free(back);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wcslen),
        cmocka_unit_test(test_types),
        cmocka_unit_test(test_to_utf8),
        cmocka_unit_test(test_to_utf8_invalid),
        cmocka_unit_test(test_to_utf8_null),
        cmocka_unit_test(test_to_utf16),
        cmocka_unit_test(test_to_utf16_invalid),
        cmocka_unit_test(test_sizing),
        cmocka_unit_test(test_to_utf16_null),
        cmocka_unit_test(test_roundtrip),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
