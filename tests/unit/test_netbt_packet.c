/* SPDX-License-Identifier: MIT */
/*
 * The NetBIOS Name Service codec (providers/netbt/nbns_packet.c): names
 * in the first-level encoding with a scope, the exact bytes of RFC 1002's
 * name query, round trips of every packet rnr sends or reads, and
 * rejection of every kind of malformed packet, including every truncation
 * of a valid one.
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

#include "nbns_packet.h"

static size_t enc(const struct nbns_msg *m, uint8_t *buf, size_t cap)
{
    size_t len = 0;

    assert_int_equal(nbns_encode(m, buf, cap, &len), 0);
    return len;
}

static void names_from_text(void **state)
{
    struct nbns_name n;
    char text[NBNS_NAME_TEXT];

    (void)state;
    assert_int_equal(nbns_name_from_text("fred", 0x20, NULL, &n), 0);
    assert_memory_equal(n.b, "FRED           \x20", 16);
    assert_string_equal(n.scope, "");
    assert_int_equal(nbns_name_from_text("wg#1c", 0x00, "corp.example", &n), 0);
    assert_memory_equal(n.b, "WG             \x1c", 16);
    assert_string_equal(n.scope, "CORP.EXAMPLE");
    nbns_name_to_text(n.b, text);
    assert_string_equal(text, "WG<1C>");
    assert_int_equal(nbns_name_from_text("ABCDEFGHIJKLMNO", 0, NULL, &n), 0);
    /* Too long, empty, dotted, bad characters, bad suffixes, bad scopes. */
    assert_int_equal(nbns_name_from_text("ABCDEFGHIJKLMNOP", 0, NULL, &n), WSAEINVAL);
    assert_int_equal(nbns_name_from_text("", 0, NULL, &n), WSAEINVAL);
    assert_int_equal(nbns_name_from_text("#20", 0, NULL, &n), WSAEINVAL);
    assert_int_equal(nbns_name_from_text("host.example", 0, NULL, &n), WSAEINVAL);
    assert_int_equal(nbns_name_from_text("a b", 0, NULL, &n), WSAEINVAL);
    assert_int_equal(nbns_name_from_text("a*", 0, NULL, &n), WSAEINVAL);
    assert_int_equal(nbns_name_from_text("A#1", 0, NULL, &n), WSAEINVAL);
    assert_int_equal(nbns_name_from_text("A#1G", 0, NULL, &n), WSAEINVAL);
    assert_int_equal(nbns_name_from_text("A#123", 0, NULL, &n), WSAEINVAL);
    assert_int_equal(nbns_name_from_text("A", 0, "a..b", &n), WSAEINVAL);
    assert_int_equal(nbns_name_from_text("A", 0, ".a", &n), WSAEINVAL);
    assert_int_equal(nbns_name_from_text("A", 0, "a b", &n), WSAEINVAL);
    assert_int_equal(nbns_name_from_text("A", 256, NULL, &n), WSAEINVAL);
}

static void names_compare_without_case(void **state)
{
    struct nbns_name a, b;

    (void)state;
    assert_int_equal(nbns_name_from_text("Fred", 0, "Scope", &a), 0);
    assert_int_equal(nbns_name_from_text("FRED", 0, "scope", &b), 0);
    memcpy(b.b, "fred", 4);
    strcpy(b.scope, "scope");
    assert_true(nbns_name_equal(&a, &b));
    b.b[15] = 0x20;
    assert_false(nbns_name_equal(&a, &b));
}

/* RFC 1001 14.1's example: "FRED" is EGFCEFEECACACACACACACACACACACACA. */
static void query_bytes(void **state)
{
    static const uint8_t want[] =
        "\x12\x34\x01\x10\x00\x01\x00\x00\x00\x00\x00\x00"
        "\x20" "EGFCEFEECACACACACACACACACACACACA" "\x07" "NETBIOS" "\x03" "COM" "\x00"
        "\x00\x20\x00\x01";
    struct nbns_msg m;
    uint8_t buf[NBNS_MAX_SEND];

    (void)state;
    memset(&m, 0, sizeof m);
    m.id = 0x1234;
    m.flags = NBNS_F_RD | NBNS_F_BROADCAST;
    m.has_question = 1;
    m.qtype = NBNS_TYPE_NB;
    assert_int_equal(nbns_name_from_text("FRED", ' ', "netbios.com", &m.qname), 0);
    assert_int_equal(enc(&m, buf, sizeof buf), sizeof want - 1);
    assert_memory_equal(buf, want, sizeof want - 1);
}

static struct nbns_msg *registration(void)
{
    static struct nbns_msg m;

    memset(&m, 0, sizeof m);
    m.id = 7;
    m.flags = (uint16_t)(NBNS_OP_REGISTER << 11 | NBNS_F_RD | NBNS_F_BROADCAST);
    m.has_question = 1;
    m.qtype = NBNS_TYPE_NB;
    assert_int_equal(nbns_name_from_text("HOSTA", 0x00, NULL, &m.qname), 0);
    m.rr_section = NBNS_SEC_AR;
    m.rrname = m.qname;
    m.rrtype = NBNS_TYPE_NB;
    m.ttl = 300000;
    m.naddrs = 1;
    m.addrs[0].flags = NBNS_NB_ONT_H;
    memcpy(m.addrs[0].ip, "\x0a\x01\x02\x03", 4);
    return &m;
}

static void round_trips(void **state)
{
    struct nbns_msg *m = registration(), d;
    uint8_t buf[NBNS_MAX_PACKET];
    size_t len, i;

    (void)state;
    /* Registration: the record points back at the question. */
    len = enc(m, buf, sizeof buf);
    assert_int_equal(len, 12 + 34 + 4 + 2 + 10 + 6);
    assert_int_equal(buf[50], 0xC0);
    assert_int_equal(buf[51], 12);
    assert_int_equal(nbns_decode(buf, len, &d), 0);
    assert_int_equal(d.rr_section, NBNS_SEC_AR);
    assert_true(nbns_name_equal(&d.rrname, &m->qname));
    assert_int_equal(d.ttl, 300000);
    assert_int_equal(d.naddrs, 1);
    assert_memory_equal(d.addrs[0].ip, "\x0a\x01\x02\x03", 4);
    assert_int_equal(NBNS_OPCODE(d.flags), NBNS_OP_REGISTER);

    /* A group answer with several addresses. */
    m->flags = NBNS_F_RESPONSE | NBNS_F_AA | NBNS_F_RD;
    m->has_question = 0;
    m->rr_section = NBNS_SEC_AN;
    m->naddrs = 3;
    for (i = 0; i < 3; i++) {
        m->addrs[i].flags = NBNS_NB_GROUP;
        memcpy(m->addrs[i].ip, "\x0a\x00\x00", 3);
        m->addrs[i].ip[3] = (uint8_t)(i + 1);
    }
    len = enc(m, buf, sizeof buf);
    assert_int_equal(nbns_decode(buf, len, &d), 0);
    assert_int_equal(d.naddrs, 3);
    assert_int_equal(d.addrs[2].ip[3], 3);
    assert_int_equal(d.addrs[1].flags, NBNS_NB_GROUP);

    /* A node status answer, names and MAC. */
    memset(m, 0, sizeof *m);
    m->flags = NBNS_F_RESPONSE | NBNS_F_AA;
    m->rr_section = NBNS_SEC_AN;
    nbns_name_wildcard("x", &m->rrname);
    m->rrtype = NBNS_TYPE_NBSTAT;
    m->nnames = 2;
    memcpy(m->names[0].b, "HOSTA          \x00", 16);
    m->names[0].flags = NBNS_NAME_ACTIVE;
    memcpy(m->names[1].b, "WG             \x1e", 16);
    m->names[1].flags = NBNS_NAME_ACTIVE | NBNS_NB_GROUP;
    memcpy(m->mac, "\x02\x00\x00\x00\x00\x01", 6);
    len = enc(m, buf, sizeof buf);
    assert_int_equal(nbns_decode(buf, len, &d), 0);
    assert_int_equal(d.nnames, 2);
    assert_memory_equal(d.names[1].b, "WG             \x1e", 16);
    assert_int_equal(d.names[1].flags, NBNS_NAME_ACTIVE | NBNS_NB_GROUP);
    assert_memory_equal(d.mac, "\x02\x00\x00\x00\x00\x01", 6);
    assert_string_equal(d.rrname.scope, "x");

    /* A WACK: a NULL record of two bytes. */
    memset(m, 0, sizeof *m);
    m->flags = (uint16_t)(NBNS_F_RESPONSE | NBNS_OP_WACK << 11);
    m->rr_section = NBNS_SEC_AN;
    assert_int_equal(nbns_name_from_text("A", 0, NULL, &m->rrname), 0);
    m->rrtype = NBNS_TYPE_NULL;
    m->ttl = 10;
    m->has_null_data = 1;
    m->null_data = 0x2910;
    len = enc(m, buf, sizeof buf);
    assert_int_equal(nbns_decode(buf, len, &d), 0);
    assert_int_equal(d.null_data, 0x2910);
}

static void encode_limits(void **state)
{
    struct nbns_msg *m = registration();
    uint8_t buf[NBNS_MAX_PACKET];
    size_t len = 99;

    (void)state;
    assert_int_equal(nbns_encode(m, buf, 40, &len), WSAENOBUFS);
    assert_int_equal(len, 99);
    m->naddrs = NBNS_MAX_ADDRS + 1;
    assert_int_equal(nbns_encode(m, buf, sizeof buf, &len), WSAEINVAL);
    m->naddrs = 1;
    strcpy(m->qname.scope, "bad..scope");
    assert_int_equal(nbns_encode(m, buf, sizeof buf, &len), WSAEINVAL);
}

static void expect_bad(const uint8_t *buf, size_t len)
{
    struct nbns_msg d;

    d.id = 0xBEEF;
    assert_int_equal(nbns_decode(buf, len, &d), WSAEINVAL);
    assert_int_equal(d.id, 0xBEEF);
}

static void malformed(void **state)
{
    struct nbns_msg *m = registration();
    uint8_t good[NBNS_MAX_PACKET], b[NBNS_MAX_PACKET];
    size_t len, i;

    (void)state;
    len = enc(m, good, sizeof good);
    /* Every truncation. */
    for (i = 0; i < len; i++)
        expect_bad(good, i);
    /* A byte left over. */
    memcpy(b, good, len);
    b[len] = 0;
    expect_bad(b, len + 1);
    /* Counts beyond the packet, and counts no packet of the service has. */
    memcpy(b, good, len);
    b[7] = 1;                       /* an answer as well as the additional */
    expect_bad(b, len);
    b[7] = 0;
    b[5] = 2;                       /* two questions */
    expect_bad(b, len);
    b[5] = 1;
    b[11] = 0x40;                   /* 64 additional records */
    expect_bad(b, len);
    /* Not the first-level encoding: a letter past 'P'; a first label not
     * 32 long; a label too long for the rest; reserved label bits. */
    memcpy(b, good, len);
    b[13] = 'Q';
    expect_bad(b, len);
    memcpy(b, good, len);
    b[12] = 31;
    expect_bad(b, len);
    b[12] = 0x3F;
    expect_bad(b, len);
    b[12] = 0x80;
    expect_bad(b, len);
    /* A compression pointer to itself, forward, and past the end. */
    memcpy(b, good, len);
    b[50] = 0xC0;
    b[51] = 50;
    expect_bad(b, len);
    b[51] = 52;
    expect_bad(b, len);
    b[50] = 0xFF;
    b[51] = 0xFF;
    expect_bad(b, len);
    /* Wrong class, a record length beyond the packet, an NB record that
     * is not a whole number of entries. */
    memcpy(b, good, len);
    b[55] = 2;
    expect_bad(b, len);
    memcpy(b, good, len);
    b[61] = 7;
    expect_bad(b, len);
    b[61] = 5;
    expect_bad(b, len - 1);
    /* A header alone of too few bytes, an empty packet, an oversized one. */
    expect_bad(good, 11);
    expect_bad(good, 0);
    memset(b, 0, sizeof b);
    expect_bad(b, sizeof b);
    /* Header only: valid (no question, no record). */
    {
        struct nbns_msg d;

        assert_int_equal(nbns_decode(b, 12, &d), 0);
        assert_int_equal(d.has_question, 0);
    }
}

/* Two pointers pointing at each other never loop: each must point back. */
static void pointer_loops(void **state)
{
    uint8_t b[64];

    (void)state;
    memset(b, 0, sizeof b);
    b[5] = 1;                           /* one question */
    b[12] = 0xC0;
    b[13] = 14;                         /* forward to the next pointer */
    b[14] = 0xC0;
    b[15] = 12;                         /* and back */
    b[16] = 0; b[17] = 0x20; b[18] = 0; b[19] = 1;
    expect_bad(b, 20);
    /* Scope labels beyond 255 bytes of name. */
    {
        struct nbns_msg *m = registration();
        uint8_t buf[NBNS_MAX_PACKET];
        size_t len, pos, k;

        m->rr_section = NBNS_SEC_NONE;
        len = enc(m, buf, sizeof buf);
        pos = 12 + 33;
        for (k = 0; k < 4; k++) {
            buf[pos] = 60;
            memset(buf + pos + 1, 'a', 60);
            pos += 61;
        }
        buf[pos++] = 0;
        buf[pos++] = 0; buf[pos++] = 0x20; buf[pos++] = 0; buf[pos++] = 1;
        (void)len;
        expect_bad(buf, pos);
    }
}

static void node_status_counts(void **state)
{
    struct nbns_msg m;
    uint8_t buf[NBNS_MAX_PACKET];
    size_t len;

    (void)state;
    memset(&m, 0, sizeof m);
    m.flags = NBNS_F_RESPONSE;
    m.rr_section = NBNS_SEC_AN;
    nbns_name_wildcard(NULL, &m.rrname);
    m.rrtype = NBNS_TYPE_NBSTAT;
    m.nnames = 1;
    len = enc(&m, buf, sizeof buf);
    /* NUM_NAMES says more names than the record holds. */
    buf[12 + 34 + 10] = 9;
    expect_bad(buf, len);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(names_from_text),
        cmocka_unit_test(names_compare_without_case),
        cmocka_unit_test(query_bytes),
        cmocka_unit_test(round_trips),
        cmocka_unit_test(encode_limits),
        cmocka_unit_test(malformed),
        cmocka_unit_test(pointer_loops),
        cmocka_unit_test(node_status_counts),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
