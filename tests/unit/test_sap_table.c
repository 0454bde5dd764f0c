/* SPDX-License-Identifier: MIT */
/*
 * The sap provider's remote service table (providers/sap/sap_table.c):
 * update and replace, withdrawal, expiry, the total and per-sender bounds
 * (a full table drops newcomers, never the known), the replay check (a
 * strictly increasing sequence per sender, recorded from its first
 * packet), the bounded sender records, and growth of the bound on
 * reload.
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
#include "sap_table.h"

static const GUID cls_a = { 0x11111111u, 1, 2, { 1, 2, 3, 4, 5, 6, 7, 8 } };
static const GUID cls_b = { 0x22222222u, 1, 2, { 1, 2, 3, 4, 5, 6, 7, 8 } };

static struct sap_entry *mk(const GUID *cls, const char *name, unsigned naddrs)
{
    static struct sap_entry e;
    unsigned i;

    memset(&e, 0, sizeof e);
    e.cls = *cls;
    snprintf(e.name, sizeof e.name, "%s", name);
    for (i = 0; i < naddrs; i++) {
        e.addrs[i].family = 4;
        e.addrs[i].port = (uint16_t)(100 + i);
    }
    e.naddrs = (uint8_t)naddrs;
    return &e;
}

static size_t count_class(const struct sap_table *t, const GUID *cls)
{
    const struct sap_tentry *e;
    size_t n = 0;

    for (e = sap_table_first(t); e != NULL; e = e->next)
        n += rnr_guid_equal(&e->cls, cls);
    return n;
}

static void test_update_replace_remove(void **state)
{
    struct sap_table *t = sap_table_new(16, 16);
    const struct sap_tentry *e;
    struct sap_entry *in;

    (void)state;
    assert_non_null(t);
    in = mk(&cls_a, "svc", 2);
    snprintf(in->comment, sizeof in->comment, "first");
    assert_int_equal(sap_table_update(t, 1, in, 0, 3000, SAP_RTT_NONE, 100, &e), SAP_T_ADDED);
    assert_string_equal(e->comment, "first");
    assert_int_equal(e->naddrs, 2);
    /* Same sender, class and name: replaced, addresses and all. */
    in = mk(&cls_a, "svc", 1);
    assert_int_equal(sap_table_update(t, 1, in, 0, 3000, 12, 200, &e), SAP_T_UPDATED);
    assert_null(e->comment);
    assert_int_equal(e->naddrs, 1);
    assert_int_equal(e->rtt_ms, 12);
    assert_int_equal(e->expires_ms, 3200);
    /* A later advertisement keeps the measured response time. */
    assert_int_equal(sap_table_update(t, 1, in, 0, 3000, SAP_RTT_NONE, 300, &e), SAP_T_UPDATED);
    assert_int_equal(e->rtt_ms, 12);
    /* Another sender, another class: separate entries. */
    assert_int_equal(sap_table_update(t, 2, mk(&cls_a, "svc", 0), 1, 3000, SAP_RTT_NONE, 300,
                                      NULL), SAP_T_ADDED);
    assert_int_equal(sap_table_update(t, 1, mk(&cls_b, "svc", 0), 0, 3000, SAP_RTT_NONE, 300,
                                      NULL), SAP_T_ADDED);
    assert_int_equal(sap_table_count(t), 3);
    assert_int_equal(count_class(t, &cls_a), 2);
    assert_true(sap_table_has_class(t, &cls_b));
    assert_int_equal(sap_table_remove(t, 1, &cls_b, "svc"), 1);
    assert_int_equal(sap_table_remove(t, 1, &cls_b, "svc"), 0);
    assert_false(sap_table_has_class(t, &cls_b));
    assert_int_equal(sap_table_remove(t, 3, &cls_a, "svc"), 0);
    assert_int_equal(sap_table_count(t), 2);
    sap_table_free(t);
    sap_table_free(NULL);
}

static void test_expiry(void **state)
{
    struct sap_table *t = sap_table_new(16, 16);

    (void)state;
    assert_int_equal(sap_table_update(t, 1, mk(&cls_a, "short", 0), 0, 1000, SAP_RTT_NONE, 0,
                                      NULL), SAP_T_ADDED);
    assert_int_equal(sap_table_update(t, 1, mk(&cls_a, "long", 0), 0, 5000, SAP_RTT_NONE, 0,
                                      NULL), SAP_T_ADDED);
    assert_int_equal(sap_table_expire(t, 999), 0);
    assert_int_equal(sap_table_expire(t, 1000), 1);
    assert_int_equal(sap_table_count(t), 1);
    /* Refreshed before it expired: lives on. */
    assert_int_equal(sap_table_update(t, 1, mk(&cls_a, "long", 0), 0, 5000, SAP_RTT_NONE, 4000,
                                      NULL), SAP_T_UPDATED);
    assert_int_equal(sap_table_expire(t, 8999), 0);
    assert_int_equal(sap_table_expire(t, 9000), 1);
    assert_int_equal(sap_table_count(t), 0);
    /* TTLs are capped. */
    assert_int_equal(sap_table_update(t, 1, mk(&cls_a, "x", 0), 0, UINT32_MAX, SAP_RTT_NONE, 0,
                                      NULL), SAP_T_ADDED);
    assert_int_equal(sap_table_expire(t, SAP_MAX_TTL_MS), 1);
    sap_table_free(t);
}

static void test_bounds(void **state)
{
    struct sap_table *t = sap_table_new(10, 4);
    char name[32];
    unsigned i;

    (void)state;
    for (i = 0; i < 6; i++) {
        snprintf(name, sizeof name, "s%u", i);
        assert_int_equal(sap_table_update(t, 7, mk(&cls_a, name, 0), 0, 1000, SAP_RTT_NONE, 0,
                                          NULL), i < 4 ? SAP_T_ADDED : SAP_T_SENDER_FULL);
    }
    assert_int_equal(sap_table_sender_count(t, 7), 4);
    /* Updates of known entries still pass at the bound. */
    assert_int_equal(sap_table_update(t, 7, mk(&cls_a, "s0", 0), 0, 1000, SAP_RTT_NONE, 1,
                                      NULL), SAP_T_UPDATED);
    /* A flood of forged senders fills the rest and is then dropped. */
    for (i = 0; i < 1000; i++)
        (void)sap_table_update(t, 1000 + i, mk(&cls_b, "flood", 0), 0, 1000, SAP_RTT_NONE, 0,
                               NULL);
    assert_int_equal(sap_table_count(t), 10);
    assert_int_equal(count_class(t, &cls_a), 4);
    assert_int_equal(sap_table_update(t, 5000, mk(&cls_b, "late", 0), 0, 1000, SAP_RTT_NONE, 0,
                                      NULL), SAP_T_FULL);
    /* A larger bound (reload) makes room and keeps everything. */
    sap_table_set_limits(t, 5000, 4);
    for (i = 0; i < 3000; i++)
        assert_int_equal(sap_table_update(t, 10000 + i, mk(&cls_b, "more", 0), 0, 1000,
                                          SAP_RTT_NONE, 0, NULL), SAP_T_ADDED);
    assert_int_equal(sap_table_count(t), 3010);
    assert_int_equal(sap_table_remove(t, 7, &cls_a, "s3"), 1);
    assert_int_equal(sap_table_remove(t, 10000 + 2999, &cls_b, "more"), 1);
    assert_true(sap_table_memory(t) > 3000 * sizeof(struct sap_tentry));
    /* s1, s2, six flood entries, 2999 more; s0 was refreshed at 1. */
    assert_int_equal(sap_table_expire(t, 1000), 2 + 6 + 2999);
    assert_int_equal(sap_table_expire(t, 1001), 1);
    assert_int_equal(sap_table_count(t), 0);
    sap_table_free(t);
}

static void test_sequence(void **state)
{
    struct sap_table *t = sap_table_new(16, 16);

    (void)state;
    sap_table_set_sender_keep(t, 5000);
    /* The first packet of a new sender records its sequence: an older
     * one after it is a replay. */
    assert_int_equal(sap_table_check_seq(t, 1, 50, 0), SAP_SEQ_OK);
    assert_int_equal(sap_table_check_seq(t, 1, 49, 0), SAP_SEQ_STALE);
    /* The same packet again (the other family, or a replay of the
     * latest): never accepted twice. */
    assert_int_equal(sap_table_check_seq(t, 1, 50, 0), SAP_SEQ_DUPLICATE);
    assert_int_equal(sap_table_check_seq(t, 1, 51, 10), SAP_SEQ_OK);
    assert_int_equal(sap_table_check_seq(t, 1, 50, 20), SAP_SEQ_STALE);
    assert_int_equal(sap_table_senders(t), 1);
    /* Without entries, remembered for the keep time after it was last
     * heard (replays do not count as heard) ... */
    assert_int_equal(sap_table_forget_senders(t, 5009), 0);
    assert_int_equal(sap_table_check_seq(t, 1, 50, 5009), SAP_SEQ_STALE);
    assert_int_equal(sap_table_forget_senders(t, 5010), 1);
    assert_int_equal(sap_table_senders(t), 0);
    /* ... when no packet it sent can be fresh any more (the caller's
     * clock window sees to that) and a new record starts over. */
    assert_int_equal(sap_table_check_seq(t, 1, 3, 5010), SAP_SEQ_OK);
    sap_table_free(t);

    /* A withdrawn service: its sender is kept for the keep time after its
     * last entry went, so the replayed advertisement stays refused. */
    t = sap_table_new(16, 16);
    sap_table_set_sender_keep(t, 5000);
    assert_int_equal(sap_table_check_seq(t, 2, 10, 100), SAP_SEQ_OK);
    assert_int_equal(sap_table_update(t, 2, mk(&cls_a, "b", 0), 0, 1000000, SAP_RTT_NONE, 100,
                                      NULL), SAP_T_ADDED);
    assert_int_equal(sap_table_check_seq(t, 2, 11, 200), SAP_SEQ_OK);
    assert_int_equal(sap_table_remove(t, 2, &cls_a, "b"), 1);
    assert_int_equal(sap_table_forget_senders(t, 5199), 0);
    assert_int_equal(sap_table_check_seq(t, 2, 10, 5199), SAP_SEQ_STALE);
    assert_int_equal(sap_table_forget_senders(t, 5200), 1);

    /* A sender with entries is never forgotten, however long ago it was
     * heard; it joins the forgettable once its last entry expires. */
    assert_int_equal(sap_table_update(t, 3, mk(&cls_a, "c", 0), 0, 100000, SAP_RTT_NONE, 0,
                                      NULL), SAP_T_ADDED);
    assert_int_equal(sap_table_check_seq(t, 3, 10, 0), SAP_SEQ_OK);
    assert_int_equal(sap_table_forget_senders(t, 99999), 0);
    assert_int_equal(sap_table_check_seq(t, 3, 9, 99999), SAP_SEQ_STALE);
    assert_int_equal(sap_table_expire(t, 100000), 1);
    assert_int_equal(sap_table_forget_senders(t, 104999), 0);
    assert_int_equal(sap_table_check_seq(t, 3, 10, 104999), SAP_SEQ_DUPLICATE);
    assert_int_equal(sap_table_forget_senders(t, 105000), 1);
    assert_int_equal(sap_table_senders(t), 0);
    sap_table_free(t);
}

/* Sender records are bounded: past the bound a new sender is refused
 * unless the oldest one without entries may be forgotten. */
static void test_sender_bound(void **state)
{
    struct sap_table *t = sap_table_new(4, 4);
    size_t n, i;

    (void)state;
    sap_table_set_sender_keep(t, 1000);
    /* Two with entries, then empty ones until the bound. */
    assert_int_equal(sap_table_update(t, 1, mk(&cls_a, "a", 0), 0, 100000, SAP_RTT_NONE, 0,
                                      NULL), SAP_T_ADDED);
    assert_int_equal(sap_table_update(t, 2, mk(&cls_a, "b", 0), 0, 100000, SAP_RTT_NONE, 0,
                                      NULL), SAP_T_ADDED);
    for (i = 100; sap_table_check_seq(t, i, 1, (uint64_t)i) == SAP_SEQ_OK; i++)
        assert_true(i < 100000);
    n = sap_table_senders(t);
    assert_true(n >= 2 * 4 && n < 1000);
    /* Refused: the oldest empty one was heard too recently. */
    assert_int_equal(sap_table_check_seq(t, 7777, 1, 1099), SAP_SEQ_FULL);
    assert_int_equal(sap_table_update(t, 7777, mk(&cls_a, "x", 0), 0, 1000, SAP_RTT_NONE, 1099,
                                      NULL), SAP_T_FULL);
    /* The oldest (sender 100, heard at 100) may go at 1100: room for one. */
    assert_int_equal(sap_table_check_seq(t, 7777, 1, 1100), SAP_SEQ_OK);
    assert_int_equal(sap_table_check_seq(t, 7778, 1, 1100), SAP_SEQ_FULL);
    assert_int_equal(sap_table_senders(t), n);
    /* Sender 100 was forgotten: its old sequence starts a new record
     * once the next oldest (101) may make room. */
    assert_int_equal(sap_table_check_seq(t, 100, 1, 1100), SAP_SEQ_FULL);
    assert_int_equal(sap_table_check_seq(t, 100, 1, 1101), SAP_SEQ_OK);
    /* Senders with entries stay. */
    assert_int_equal(sap_table_check_seq(t, 1, 0, 1100), SAP_SEQ_DUPLICATE);
    assert_int_equal(sap_table_sender_count(t, 2), 1);
    /* A sweep long after forgets every empty one. */
    assert_int_equal(sap_table_forget_senders(t, 1000000), n - 2);
    assert_int_equal(sap_table_senders(t), 2);
    sap_table_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_update_replace_remove),
        cmocka_unit_test(test_expiry),
        cmocka_unit_test(test_bounds),
        cmocka_unit_test(test_sequence),
        cmocka_unit_test(test_sender_bound),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
