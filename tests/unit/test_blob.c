/* SPDX-License-Identifier: MIT */
/*
 * hostent / servent blobs (nsp/blob.h): round trips, the offset layout
 * promised by the API reference, short buffers, and rejection of every
 * malformed offset, string and array.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <stdlib.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <rnr/winsock2.h>

#include "alloc.h"
#include "blob.h"

/* Output buffers aligned for struct hostent, as librnr provides. */
union outbuf {
    struct hostent h;
    struct servent s;
    uint8_t        b[4096];
};

#define SLOT sizeof(uintptr_t)

static uintptr_t slot_at(const uint8_t *blob, size_t at)
{
    uintptr_t v;

    memcpy(&v, blob + at, SLOT);
    return v;
}

static void set_slot(uint8_t *blob, size_t at, uintptr_t v)
{
    memcpy(blob + at, &v, SLOT);
}

static void build_h4(uint8_t **blob, size_t *len)
{
    char *aliases[] = { "www", "web.example.org", NULL };
    uint8_t addrs[8] = { 10, 0, 0, 1, 192, 168, 1, 2 };

    assert_int_equal(rnr_blob_hostent("host.example.org", aliases, AF_INET, 4,
                                      addrs, 2, blob, len), 0);
}

static void test_hostent_v4_roundtrip(void **state)
{
    union outbuf out;
    uint8_t *blob;
    size_t len, need = 0;
    const struct hostent *h = &out.h;

    (void)state;
    build_h4(&blob, &len);
    /* The layout is the API's: header first, offsets from the blob start,
     * pointer-sized. */
    assert_true(len > sizeof(struct hostent));
    assert_true(slot_at(blob, offsetof(struct hostent, h_name)) >= sizeof(struct hostent));
    assert_string_equal((const char *)blob + slot_at(blob, offsetof(struct hostent, h_name)),
                        "host.example.org");

    assert_int_equal(rnr_blob_unpack_hostent(blob, len, &out, sizeof out, &need), 0);
    assert_true(need <= sizeof out);
    assert_string_equal(h->h_name, "host.example.org");
    assert_int_equal(h->h_addrtype, AF_INET);
    assert_int_equal(h->h_length, 4);
    assert_string_equal(h->h_aliases[0], "www");
    assert_string_equal(h->h_aliases[1], "web.example.org");
    assert_null(h->h_aliases[2]);
    assert_memory_equal(h->h_addr_list[0], "\x0a\x00\x00\x01", 4);
    assert_memory_equal(h->h_addr_list[1], "\xc0\xa8\x01\x02", 4);
    assert_null(h->h_addr_list[2]);
    /* Everything points inside the caller's buffer. */
    assert_true((const uint8_t *)h->h_name >= out.b &&
                (const uint8_t *)h->h_name < out.b + need);
    assert_true((const uint8_t *)h->h_addr_list[1] < out.b + need);
    rnr_free(blob);
}

static void test_hostent_v6_no_aliases(void **state)
{
    union outbuf out;
    uint8_t a6[16], *blob;
    size_t len, need;

    (void)state;
    assert_int_equal(inet_pton(AF_INET6, "2001:db8::42", a6), 1);
    assert_int_equal(rnr_blob_hostent("six", NULL, AF_INET6, 16, a6, 1, &blob, &len), 0);
    assert_int_equal(rnr_blob_unpack_hostent(blob, len, &out, sizeof out, &need), 0);
    assert_string_equal(out.h.h_name, "six");
    assert_int_equal(out.h.h_addrtype, AF_INET6);
    assert_int_equal(out.h.h_length, 16);
    assert_non_null(out.h.h_aliases);
    assert_null(out.h.h_aliases[0]);
    assert_memory_equal(out.h.h_addr_list[0], a6, 16);
    assert_null(out.h.h_addr_list[1]);
    rnr_free(blob);
}

static void test_hostent_bad_args(void **state)
{
    uint8_t a[16] = { 0 }, *blob = NULL;
    size_t len = 0;

    (void)state;
    assert_int_equal(rnr_blob_hostent("x", NULL, AF_INET, 16, a, 1, &blob, &len), WSAEINVAL);
    assert_int_equal(rnr_blob_hostent("x", NULL, AF_INET6, 4, a, 1, &blob, &len), WSAEINVAL);
    assert_int_equal(rnr_blob_hostent("x", NULL, AF_UNIX, 4, a, 1, &blob, &len), WSAEINVAL);
    assert_int_equal(rnr_blob_hostent("x", NULL, AF_INET, 4, NULL, 1, &blob, &len), WSAEINVAL);
    assert_int_equal(rnr_blob_hostent("x", NULL, AF_INET, 4, a, 1, NULL, &len), WSAEINVAL);
    assert_null(blob);
    assert_int_equal(len, 0);
}

static void test_hostent_short_buffer(void **state)
{
    union outbuf out, canary;
    uint8_t *blob;
    size_t len, need = 0, need2 = 0;

    (void)state;
    build_h4(&blob, &len);
    assert_int_equal(rnr_blob_unpack_hostent(blob, len, NULL, 0, &need), WSAEFAULT);
    assert_true(need > sizeof(struct hostent));
    memset(&out, 0xAB, sizeof out);
    canary = out;
    assert_int_equal(rnr_blob_unpack_hostent(blob, len, &out, need - 1, &need2), WSAEFAULT);
    assert_int_equal(need2, need);
    assert_memory_equal(&out, &canary, sizeof out);   /* untouched */
    assert_int_equal(rnr_blob_unpack_hostent(blob, len, &out, need, &need2), 0);
    assert_string_equal(out.h.h_aliases[1], "web.example.org");
    rnr_free(blob);
}

static void test_servent_roundtrip(void **state)
{
    char *aliases[] = { "fsp", "fspd", NULL };
    union outbuf out;
    uint8_t *blob;
    size_t len, need;

    (void)state;
    assert_int_equal(rnr_blob_servent("ftp", aliases, htons(21), "tcp", &blob, &len), 0);
    assert_int_equal(rnr_blob_unpack_servent(blob, len, &out, sizeof out, &need), 0);
    assert_string_equal(out.s.s_name, "ftp");
    assert_string_equal(out.s.s_proto, "tcp");
    assert_int_equal(ntohs((uint16_t)out.s.s_port), 21);
    assert_string_equal(out.s.s_aliases[0], "fsp");
    assert_string_equal(out.s.s_aliases[1], "fspd");
    assert_null(out.s.s_aliases[2]);

    assert_int_equal(rnr_blob_unpack_servent(blob, len, &out, need - 1, &len), WSAEFAULT);
    assert_int_equal(len, need);
    rnr_free(blob);
}

static void test_servent_null_fields(void **state)
{
    union outbuf out;
    uint8_t *blob;
    size_t len, need;

    (void)state;
    assert_int_equal(rnr_blob_servent("x", NULL, htons(7), NULL, &blob, &len), 0);
    assert_int_equal(rnr_blob_unpack_servent(blob, len, &out, sizeof out, &need), 0);
    assert_null(out.s.s_proto);
    assert_null(out.s.s_aliases[0]);
    rnr_free(blob);
}

/* Unpacking must reject: expect WSANO_RECOVERY and no write past the
 * header-sized prefix of an untouched buffer. */
static void expect_bad_h(const uint8_t *blob, size_t len)
{
    union outbuf out;
    size_t need = 12345;

    assert_int_equal(rnr_blob_unpack_hostent(blob, len, &out, sizeof out, &need),
                     WSANO_RECOVERY);
    assert_int_equal(need, 12345);
}

static void test_hostent_malformed(void **state)
{
    const size_t o_name = offsetof(struct hostent, h_name);
    const size_t o_al = offsetof(struct hostent, h_aliases);
    const size_t o_ad = offsetof(struct hostent, h_addr_list);
    const size_t o_type = offsetof(struct hostent, h_addrtype);
    const size_t o_len = offsetof(struct hostent, h_length);
    uint8_t *good, *b;
    size_t len, al, ad, cut;
    int v;

    (void)state;
    build_h4(&good, &len);
    b = malloc(len);
    assert_non_null(b);
    al = slot_at(good, o_al);
    ad = slot_at(good, o_ad);

    /* Truncated anywhere: header, arrays, address bytes, strings. */
    expect_bad_h(good, 0);
    expect_bad_h(NULL, len);
    for (cut = 0; cut < len; cut++)
        expect_bad_h(good, cut);

    /* Each offset slot in the header: into the header, at the end, past
     * the end, huge, "negative". */
    {
        const size_t slots[] = { o_name, o_al, o_ad };
        const uintptr_t bad[] = { 1, sizeof(struct hostent) - 1, len, len + 1,
                                  UINTPTR_MAX, UINTPTR_MAX - 7 };
        size_t i, j;

        for (i = 0; i < 3; i++)
            for (j = 0; j < sizeof bad / sizeof bad[0]; j++) {
                memcpy(b, good, len);
                set_slot(b, slots[i], bad[j]);
                expect_bad_h(b, len);
            }
    }
    /* h_addr_list may not be NULL (h_aliases and h_name may). */
    memcpy(b, good, len);
    set_slot(b, o_ad, 0);
    expect_bad_h(b, len);

    /* Family / length mismatches. */
    memcpy(b, good, len);
    v = AF_INET6;
    memcpy(b + o_type, &v, sizeof v);
    expect_bad_h(b, len);
    memcpy(b, good, len);
    v = 16;
    memcpy(b + o_len, &v, sizeof v);
    expect_bad_h(b, len);
    memcpy(b, good, len);
    v = -4;
    memcpy(b + o_len, &v, sizeof v);
    expect_bad_h(b, len);

    /* Array elements out of range, and an address running off the end. */
    memcpy(b, good, len);
    set_slot(b, al, len + 100);
    expect_bad_h(b, len);
    memcpy(b, good, len);
    set_slot(b, ad + SLOT, len - 2);
    expect_bad_h(b, len);
    memcpy(b, good, len);
    set_slot(b, ad, 3);
    expect_bad_h(b, len);

    /* Unterminated arrays: the terminator slot overwritten so the array
     * runs on into the address bytes and strings. */
    memcpy(b, good, len);
    set_slot(b, ad + 2 * SLOT, (uintptr_t)0x4141414141414141ull);
    expect_bad_h(b, len);
    /* An array starting in the last few bytes (slot not complete). */
    memcpy(b, good, len);
    set_slot(b, o_al, len - 3);
    expect_bad_h(b, len);

    /* Unterminated string: the last NUL of the blob removed. */
    memcpy(b, good, len);
    b[len - 1] = 'x';
    expect_bad_h(b, len);

    free(b);
    rnr_free(good);
}

static void test_servent_malformed(void **state)
{
    char *aliases[] = { "a1", NULL };
    const size_t o_name = offsetof(struct servent, s_name);
    const size_t o_al = offsetof(struct servent, s_aliases);
    const size_t o_proto = offsetof(struct servent, s_proto);
    union outbuf out;
    uint8_t *good, *b;
    size_t len, cut, need;

    (void)state;
    assert_int_equal(rnr_blob_servent("svc", aliases, htons(99), "udp", &good, &len), 0);
    b = malloc(len);
    assert_non_null(b);
    for (cut = 0; cut < len; cut++)
        assert_int_equal(rnr_blob_unpack_servent(good, cut, &out, sizeof out, &need),
                         WSANO_RECOVERY);
    {
        const size_t slots[] = { o_name, o_al, o_proto };
        const uintptr_t bad[] = { 2, len, len + 9, UINTPTR_MAX };
        size_t i, j;

        for (i = 0; i < 3; i++)
            for (j = 0; j < sizeof bad / sizeof bad[0]; j++) {
                memcpy(b, good, len);
                set_slot(b, slots[i], bad[j]);
                assert_int_equal(rnr_blob_unpack_servent(b, len, &out, sizeof out, &need),
                                 WSANO_RECOVERY);
            }
    }
    memcpy(b, good, len);
    b[len - 1] = 'z';
    assert_int_equal(rnr_blob_unpack_servent(b, len, &out, sizeof out, &need),
                     WSANO_RECOVERY);
    free(b);
    rnr_free(good);
}

/* Random garbage and random single-byte mutations of good blobs never
 * crash or read out of bounds (valgrind / ASan watch this), and whatever
 * unpacks has every pointer inside the output. */
static void test_fuzz_mutations(void **state)
{
    union outbuf out;
    uint8_t *h, *s, *b;
    size_t hl, sl, need, i;
    unsigned seed = 12345;

    (void)state;
    build_h4(&h, &hl);
    assert_int_equal(rnr_blob_servent("ftp", NULL, htons(21), "tcp", &s, &sl), 0);
    for (i = 0; i < 20000; i++) {
        const uint8_t *src = (i & 1) ? h : s;
        size_t len = (i & 1) ? hl : sl, k;

        b = malloc(len);   /* exact size: any overread is caught */
        assert_non_null(b);
        memcpy(b, src, len);
        for (k = 0; k < 1 + (i % 4); k++) {
            seed = seed * 1103515245u + 12345u;
            b[(seed >> 8) % len] = (uint8_t)(seed >> 20);
        }
        if (i & 1) {
            if (rnr_blob_unpack_hostent(b, len, &out, sizeof out, &need) == 0) {
                char **a;

                assert_true(need <= sizeof out);
                for (a = out.h.h_aliases; *a != NULL; a++)
                    assert_true((uint8_t *)*a >= out.b && (uint8_t *)*a < out.b + need);
                for (a = out.h.h_addr_list; *a != NULL; a++)
                    assert_true((uint8_t *)*a >= out.b &&
                                (uint8_t *)*a + out.h.h_length <= out.b + need);
            }
        } else {
            (void)rnr_blob_unpack_servent(b, len, &out, sizeof out, &need);
        }
        free(b);
    }
    rnr_free(h);
    rnr_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hostent_v4_roundtrip),
        cmocka_unit_test(test_hostent_v6_no_aliases),
        cmocka_unit_test(test_hostent_bad_args),
        cmocka_unit_test(test_hostent_short_buffer),
        cmocka_unit_test(test_servent_roundtrip),
        cmocka_unit_test(test_servent_null_fields),
        cmocka_unit_test(test_hostent_malformed),
        cmocka_unit_test(test_servent_malformed),
        cmocka_unit_test(test_fuzz_mutations),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
