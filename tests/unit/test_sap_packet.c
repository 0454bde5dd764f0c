/* SPDX-License-Identifier: MIT */
/*
 * The SAP packet codec (providers/sap/sap_packet.c): round trips of every
 * type, the exact layout of doc/sap-protocol.md, room and padding, and
 * rejection of every kind of malformed packet, including every truncation
 * and every single-byte corruption of a valid one (never a crash), and
 * the freshness rule that stops replays.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <cmocka.h>

#include <rnr/winsock2.h>

#include "guid.h"
#include "sap_packet.h"

static const GUID cls = { 0x5D0E6B7Au, 0x1C2B, 0x4A3D,
                          { 0x9E, 0x8F, 0x0A, 0x1B, 0x2C, 0x3D, 0x4E, 0x5F } };
/* 2026-12-07 08:00:00 UTC */
#define STAMP 1796630400000ull

static void entry_init(struct sap_entry *e, const char *name, unsigned naddrs)
{
    unsigned i;

    memset(e, 0, sizeof *e);
    e->cls = cls;
    e->sap_id = 0x0278;
    e->has_version = 1;
    e->version = 7;
    snprintf(e->name, sizeof e->name, "%s", name);
    snprintf(e->comment, sizeof e->comment, "floor %u", naddrs);
    for (i = 0; i < naddrs; i++) {
        struct sap_addr *a = &e->addrs[i];

        a->family = (i % 2) ? 6 : 4;
        a->socktype = 1;
        a->protocol = 6;
        a->port = (uint16_t)(5000 + i);
        a->addr[0] = a->family == 4 ? 192 : 0x20;
        a->addr[3] = (uint8_t)i;
        if (a->family == 6)
            a->addr[15] = (uint8_t)i;
    }
    e->naddrs = (uint8_t)naddrs;
}

static size_t build(uint8_t *out, uint8_t type, const struct sap_entry *e, unsigned n)
{
    struct sap_writer w;
    size_t len;
    unsigned i;

    sap_writer_begin(&w, type, 0, 0x0102030405060708ull, 180000, 0, SAP_MAX_PACKET);
    for (i = 0; i < n; i++)
        assert_int_equal(sap_writer_add(&w, &e[i]), 0);
    len = sap_writer_finish(&w, 42, STAMP, 0);
    memcpy(out, w.buf, len);
    return len;
}

static void test_layout(void **state)
{
    struct sap_entry e;
    uint8_t buf[SAP_MAX_PACKET];
    size_t len;

    (void)state;
    entry_init(&e, "svc", 1);
    len = build(buf, SAP_ADVERTISE, &e, 1);
    /* header 36 + entry 28 + "svc" + "floor 1" + one IPv4 address (10) */
    assert_int_equal(len, 36 + 28 + 3 + 7 + 10);
    assert_memory_equal(buf, "RnRS", 4);
    assert_int_equal(buf[4], 0x20);
    assert_int_equal(buf[5], SAP_ADVERTISE);
    assert_int_equal(buf[6], 0);
    assert_int_equal(buf[8], 0x01);
    assert_int_equal(buf[15], 0x08);
    assert_int_equal(buf[19], 42);                       /* sequence */
    assert_int_equal(buf[20] << 24 | buf[21] << 16 | buf[22] << 8 | buf[23], 180000);
    {
        uint64_t stamp = 0;                              /* timestamp, big-endian */
        unsigned i;

        for (i = 24; i < 32; i++)
            stamp = stamp << 8 | buf[i];
        assert_true(stamp == STAMP);
    }
    assert_int_equal(buf[33], 1);                        /* count */
    assert_int_equal(buf[34] << 8 | buf[35], len - 36);  /* body length */
    assert_int_equal(buf[36] << 8 | buf[37], len - 36);  /* entry length */
    assert_int_equal(buf[38], 0x5D);                     /* Data1, big-endian */
    assert_int_equal(buf[54] << 8 | buf[55], 0x0278);    /* SAP id */
    assert_int_equal(buf[56], 1);                        /* version flag */
    assert_int_equal(buf[57], 3);
    assert_int_equal(buf[58], 7);
    assert_int_equal(buf[59], 1);
    assert_int_equal(buf[63], 7);                        /* version */
    assert_memory_equal(buf + 64, "svc", 3);
    assert_int_equal(buf[74], 4);                        /* family */
    assert_int_equal(buf[78] << 8 | buf[79], 5000);
    assert_int_equal(buf[80], 192);
}

static void test_roundtrip(void **state)
{
    struct sap_entry in[3], out;
    struct sap_header h;
    struct sap_cursor c;
    uint8_t buf[SAP_MAX_PACKET];
    size_t len;
    unsigned i, k;

    (void)state;
    entry_init(&in[0], "a", 0);
    entry_init(&in[1], "printer-two", SAP_MAX_ADDRS);
    entry_init(&in[2], "c", 3);
    in[2].has_version = 0;
    in[2].version = 0;
    in[2].comment[0] = '\0';
    len = build(buf, SAP_ADVERTISE, in, 3);
    assert_int_equal(sap_packet_parse(buf, len, &h), 0);
    assert_int_equal(h.type, SAP_ADVERTISE);
    assert_int_equal(h.count, 3);
    assert_true(h.sender == 0x0102030405060708ull);
    assert_int_equal(h.seq, 42);
    assert_int_equal(h.ttl_ms, 180000);
    assert_true(h.stamp_ms == STAMP);
    assert_null(h.tag);
    sap_cursor_init(&c, buf, &h);
    for (i = 0; i < 3; i++) {
        assert_int_equal(sap_cursor_next(&c, &out), 1);
        assert_true(rnr_guid_equal(&out.cls, &cls));
        assert_string_equal(out.name, in[i].name);
        assert_string_equal(out.comment, in[i].comment);
        assert_int_equal(out.has_version, in[i].has_version);
        assert_int_equal(out.version, in[i].version);
        assert_int_equal(out.sap_id, 0x0278);
        assert_int_equal(out.naddrs, in[i].naddrs);
        for (k = 0; k < out.naddrs; k++) {
            assert_int_equal(out.addrs[k].family, in[i].addrs[k].family);
            assert_int_equal(out.addrs[k].socktype, in[i].addrs[k].socktype);
            assert_int_equal(out.addrs[k].protocol, in[i].addrs[k].protocol);
            assert_int_equal(out.addrs[k].port, in[i].addrs[k].port);
            assert_memory_equal(out.addrs[k].addr, in[i].addrs[k].addr, 16);
        }
    }
    assert_int_equal(sap_cursor_next(&c, &out), 0);
}

/* QUERY and WITHDRAW carry class and name only; a QUERY may leave the
 * name empty (any). */
static void test_query_withdraw(void **state)
{
    struct sap_entry e, out;
    struct sap_header h;
    struct sap_cursor c;
    struct sap_writer w;
    size_t len;

    (void)state;
    entry_init(&e, "", 4);
    sap_writer_begin(&w, SAP_QUERY, 0, 1, 0, 0, SAP_MAX_PACKET);
    assert_int_equal(sap_writer_add(&w, &e), 0);
    len = sap_writer_finish(&w, 1, STAMP, SAP_MAX_PACKET);
    assert_int_equal(len, SAP_MAX_PACKET);            /* padded */
    assert_int_equal(sap_packet_parse(w.buf, len, &h), 0);
    sap_cursor_init(&c, w.buf, &h);
    assert_int_equal(sap_cursor_next(&c, &out), 1);
    assert_string_equal(out.name, "");
    assert_int_equal(out.naddrs, 0);
    assert_string_equal(out.comment, "");

    sap_writer_begin(&w, SAP_WITHDRAW, 0, 1, 0, 0, SAP_MAX_PACKET);
    assert_int_equal(sap_writer_add(&w, &e), 0);
    len = sap_writer_finish(&w, 2, STAMP, 0);
    /* An empty name is a QUERY's privilege. */
    assert_int_equal(sap_packet_parse(w.buf, len, &h), -1);
}

/* The writer refuses what does not fit, and room counts the tag. */
static void test_room(void **state)
{
    struct sap_entry e;
    struct sap_writer w;
    size_t len, n = 0;

    (void)state;
    entry_init(&e, "x", SAP_MAX_ADDRS);
    snprintf(e.comment, sizeof e.comment, "%0255d", 0);
    sap_writer_begin(&w, SAP_ADVERTISE, 0, 1, 1000, 1, SAP_MAX_PACKET);
    while (sap_writer_add(&w, &e) == 0)
        n++;
    assert_true(n >= 1);
    assert_true(w.len + SAP_TAG_LEN <= SAP_MAX_PACKET);
    len = sap_writer_finish(&w, 1, STAMP, 0);
    assert_true(len <= SAP_MAX_PACKET);
    /* A response no larger than a small query: nothing fits. */
    sap_writer_begin(&w, SAP_RESPONSE, 0, 1, 1000, 0, 100);
    assert_int_equal(sap_writer_add(&w, &e), -1);
    assert_int_equal(w.count, 0);
}

static void test_tag_region(void **state)
{
    struct sap_entry e;
    struct sap_header h;
    struct sap_writer w;
    size_t len;

    (void)state;
    entry_init(&e, "t", 1);
    sap_writer_begin(&w, SAP_ADVERTISE, 0, 1, 1000, 1, SAP_MAX_PACKET);
    assert_int_equal(sap_writer_add(&w, &e), 0);
    len = sap_writer_finish(&w, 9, STAMP, 0);
    assert_int_equal(sap_packet_parse(w.buf, len, &h), 0);
    assert_true(h.flags & SAP_F_AUTH);
    assert_int_equal(h.signed_len, len - SAP_TAG_LEN);
    assert_ptr_equal(h.tag, w.buf + len - SAP_TAG_LEN);
    /* AUTH without room for a tag */
    assert_int_equal(sap_packet_parse(w.buf, SAP_HEADER_LEN + 10, &h), -1);
}

static void test_malformed(void **state)
{
    struct sap_entry e;
    struct sap_header h;
    uint8_t buf[SAP_MAX_PACKET + 8], bad[SAP_MAX_PACKET + 8];
    size_t len;

    (void)state;
    entry_init(&e, "m", 2);
    len = build(buf, SAP_ADVERTISE, &e, 1);
    assert_int_equal(sap_packet_parse(buf, len, &h), 0);
    assert_int_equal(sap_packet_parse(NULL, 0, &h), -1);
    assert_int_equal(sap_packet_parse(buf, SAP_HEADER_LEN - 1, &h), -1);
#define MUTATE(off, val) do { memcpy(bad, buf, len); bad[off] = (uint8_t)(val); \
        assert_int_equal(sap_packet_parse(bad, len, &h), -1); } while (0)
    MUTATE(0, 'X');                    /* magic */
    MUTATE(4, 0x10);                   /* another major version (1.0) */
    MUTATE(4, 0x30);
    MUTATE(5, 0);                      /* type */
    MUTATE(5, 5);
    MUTATE(33, 2);                     /* count beyond the body */
    MUTATE(33, 0);                     /* count short of the body */
    MUTATE(34, 0x10);                  /* body length past the end */
    MUTATE(37, 27);                    /* entry length below the minimum */
    MUTATE(37, 0xFF);                  /* entry length past the body */
    MUTATE(57, 0);                     /* empty name in an ADVERTISE */
    MUTATE(59, SAP_MAX_ADDRS + 1);     /* too many addresses */
    MUTATE(59, 3);                     /* addresses overrun the entry */
    MUTATE(64, 0);                     /* NUL in the name */
    MUTATE(65 + 7 - 1, 0);             /* NUL in the comment */
    MUTATE(65 + 7, 5);                 /* address family */
    MUTATE(65 + 7 + 3, 1);             /* reserved byte */
#undef MUTATE
    /* A minor version is accepted, and so are unknown flags. */
    memcpy(bad, buf, len);
    bad[4] = 0x2F;
    bad[6] = 0x80;
    bad[56] = 0x81;
    assert_int_equal(sap_packet_parse(bad, len, &h), 0);
    /* Oversized */
    memset(bad, 0, sizeof bad);
    memcpy(bad, buf, len);
    assert_int_equal(sap_packet_parse(bad, SAP_MAX_PACKET + 1, &h), -1);
}

/* Extra bytes at the end of an entry belong to later minor versions. */
static void test_entry_extension(void **state)
{
    struct sap_entry e, out;
    struct sap_header h;
    struct sap_cursor c;
    uint8_t buf[SAP_MAX_PACKET];
    size_t len;

    (void)state;
    entry_init(&e, "ext", 1);
    len = build(buf, SAP_ADVERTISE, &e, 1);
    memset(buf + len, 0xAB, 5);
    buf[37] = (uint8_t)(buf[37] + 5);
    buf[35] = (uint8_t)(buf[35] + 5);
    len += 5;
    assert_int_equal(sap_packet_parse(buf, len, &h), 0);
    sap_cursor_init(&c, buf, &h);
    assert_int_equal(sap_cursor_next(&c, &out), 1);
    assert_string_equal(out.name, "ext");
    assert_int_equal(out.naddrs, 1);
}

/* Every prefix and every one-byte change of valid packets: the parser
 * answers, and an accepted packet always walks to its end. */
static void test_exhaustive_corruption(void **state)
{
    struct sap_entry e[2], out;
    struct sap_header h;
    struct sap_cursor c;
    uint8_t buf[SAP_MAX_PACKET], bad[SAP_MAX_PACKET];
    size_t len, i, n;
    unsigned v;
    int r;

    (void)state;
    entry_init(&e[0], "first", 3);
    entry_init(&e[1], "second", 2);
    len = build(buf, SAP_RESPONSE, e, 2);
    for (n = 0; n < len; n++)
        assert_int_equal(sap_packet_parse(buf, n, &h), -1);
    for (i = 0; i < len; i++) {
        for (v = 0; v < 256; v += 17) {
            memcpy(bad, buf, len);
            bad[i] ^= (uint8_t)(v | 1);
            if (sap_packet_parse(bad, len, &h) != 0)
                continue;
            sap_cursor_init(&c, bad, &h);
            while ((r = sap_cursor_next(&c, &out)) == 1)
                assert_true(strlen(out.name) <= SAP_MAX_NAME && out.naddrs <= SAP_MAX_ADDRS);
            assert_int_equal(r, 0);
        }
    }
}

/* A 1.x packet is another version (to be counted as such), not
 * garbage; its 28-byte header does not parse as this one's. */
static void test_other_version(void **state)
{
    static const uint8_t v1[] = {
        'R', 'n', 'R', 'S', 0x10, 1, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 1,
        0, 0, 0x0B, 0xB8, 0, 0, 0, 0
    };
    struct sap_entry e;
    struct sap_header h;
    uint8_t buf[SAP_MAX_PACKET];
    size_t len;

    (void)state;
    assert_true(sap_packet_other_version(v1, sizeof v1));
    assert_int_equal(sap_packet_parse(v1, sizeof v1, &h), -1);
    entry_init(&e, "now", 1);
    len = build(buf, SAP_ADVERTISE, &e, 1);
    assert_false(sap_packet_other_version(buf, len));
    assert_false(sap_packet_other_version((const uint8_t *)"RnRS", 4));
    assert_false(sap_packet_other_version((const uint8_t *)"XnRS\x10", 5));
    assert_false(sap_packet_other_version(NULL, 0));
}

/* Fresh: within the window of the receiver's clock either way, and not
 * stamped before the receiver started. */
static void test_fresh(void **state)
{
    const uint64_t now = STAMP, start = STAMP - 600000;

    (void)state;
    assert_int_equal(sap_packet_fresh(now, now, start, 30000), 0);
    assert_int_equal(sap_packet_fresh(now - 30000, now, start, 30000), 0);
    assert_int_equal(sap_packet_fresh(now + 30000, now, start, 30000), 0);
    /* A capture replayed later than the window: refused, however
     * little the receiver remembers. */
    assert_int_equal(sap_packet_fresh(now - 30001, now, start, 30000), -1);
    assert_int_equal(sap_packet_fresh(now + 30001, now, start, 30000), -1);
    assert_int_equal(sap_packet_fresh(0, now, 0, 30000), -1);
    assert_int_equal(sap_packet_fresh(UINT64_MAX, now, start, 30000), -1);
    /* A receiver that started 5 s ago refuses what was stamped before,
     * even well inside the window: it cannot have been sent to it. */
    assert_int_equal(sap_packet_fresh(now - 5001, now, now - 5000, 30000), -1);
    assert_int_equal(sap_packet_fresh(now - 5000, now, now - 5000, 30000), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout),
        cmocka_unit_test(test_roundtrip),
        cmocka_unit_test(test_query_withdraw),
        cmocka_unit_test(test_room),
        cmocka_unit_test(test_tag_region),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_entry_extension),
        cmocka_unit_test(test_exhaustive_corruption),
        cmocka_unit_test(test_other_version),
        cmocka_unit_test(test_fresh),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
