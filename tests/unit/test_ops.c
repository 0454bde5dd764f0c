/* SPDX-License-Identifier: MIT */
/*
 * Operations messages (nsp/wire_ops.c) and rnrd's latency histogram
 * (daemon/stats.c): round trips, every truncation, over-limit counts,
 * malformed keys; bucket bounds and percentile accuracy.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <rnr/nspids.h>

#include "guid.h"
#include "stats.h"
#include "wire_ops.h"

/* The body of a frame built in w (header skipped). */
static const uint8_t *body_of(const struct rnr_wbuf *w, size_t *len)
{
    *len = w->len - RNR_WIRE_HDR_LEN;
    return w->data + RNR_WIRE_HDR_LEN;
}

static void frame(struct rnr_wbuf *w)
{
    rnr_wbuf_init(w);
    rnr_wire_frame_begin(w, RNR_MSG_STATS | RNR_MSG_REPLY, 1, 0);
}

static void put_stats(struct rnr_wbuf *w, const char *key)
{
    frame(w);
    rnr_wire_put_u32(w, 2);
    rnr_wire_put_figure(w, "clients", 3);
    rnr_wire_put_figure(w, "frames-in", (uint64_t)1 << 40);
    rnr_wire_put_u32(w, 1);
    rnr_wire_put_string(w, "dns");
    rnr_wire_put_u64(w, 10);
    rnr_wire_put_u64(w, 9);
    rnr_wire_put_u64(w, 1);
    rnr_wire_put_u64(w, 10);
    rnr_wire_put_u64(w, 50);
    rnr_wire_put_u64(w, 90);
    rnr_wire_put_u64(w, UINT64_MAX);
    rnr_wire_put_u32(w, 1);
    rnr_wire_put_figure(w, key, 42);
    rnr_wire_frame_end(w, RNR_WIRE_MAX_FRAME);
    assert_int_equal(w->error, 0);
}

static void test_stats_round_trip(void **st)
{
    struct rnr_ops_stats *s = NULL;
    struct rnr_wbuf w;
    const uint8_t *b;
    size_t len, cut;

    (void)st;
    put_stats(&w, "cache.hits");
    b = body_of(&w, &len);
    assert_int_equal(rnr_ops_stats_decode(b, len, &s), 0);
    assert_int_equal(s->nfig, 2);
    assert_string_equal(s->fig[1].key, "frames-in");
    assert_true(s->fig[1].value == (uint64_t)1 << 40);
    assert_int_equal(s->nprov, 1);
    assert_string_equal(s->prov[0].name, "dns");
    assert_int_equal(s->prov[0].lookups, 10);
    assert_true(s->prov[0].p99_us == UINT64_MAX);
    assert_int_equal(s->prov[0].nfig, 1);
    assert_string_equal(s->prov[0].fig[0].key, "cache.hits");
    assert_int_equal(s->prov[0].fig[0].value, 42);
    rnr_ops_stats_free(s);
    /* Every truncation fails cleanly (valgrind: no leak). */
    for (cut = 0; cut < len; cut++) {
        s = NULL;
        assert_int_equal(rnr_ops_stats_decode(b, cut, &s), WSAEINVAL);
        assert_null(s);
    }
    rnr_wbuf_free(&w);
}

static void test_stats_bad_key(void **st)
{
    static const char *const bad[] = { "Upper", "with space", "", "x\x01" };
    struct rnr_ops_stats *s = NULL;
    struct rnr_wbuf w;
    const uint8_t *b;
    size_t len, i;
    char longkey[RNR_OPS_MAX_KEY + 2];

    (void)st;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        put_stats(&w, bad[i]);
        b = body_of(&w, &len);
        assert_int_equal(rnr_ops_stats_decode(b, len, &s), WSAEINVAL);
        assert_null(s);
        rnr_wbuf_free(&w);
    }
    memset(longkey, 'a', sizeof longkey - 1);
    longkey[sizeof longkey - 1] = '\0';
    put_stats(&w, longkey);
    b = body_of(&w, &len);
    assert_int_equal(rnr_ops_stats_decode(b, len, &s), WSAEINVAL);
    rnr_wbuf_free(&w);
    assert_true(rnr_ops_key_ok("a.b-c_9"));
    assert_false(rnr_ops_key_ok(NULL));
}

static void test_stats_counts(void **st)
{
    struct rnr_ops_stats *s = NULL;
    struct rnr_wbuf w;
    const uint8_t *b;
    size_t len;

    (void)st;
    /* A count the body cannot hold, and one over the bound. */
    frame(&w);
    rnr_wire_put_u32(&w, 1000);
    rnr_wire_frame_end(&w, RNR_WIRE_MAX_FRAME);
    b = body_of(&w, &len);
    assert_int_equal(rnr_ops_stats_decode(b, len, &s), WSAEINVAL);
    rnr_wbuf_free(&w);
    frame(&w);
    rnr_wire_put_u32(&w, 0);
    rnr_wire_put_u32(&w, RNR_WIRE_MAX_PROVIDERS + 1);
    rnr_wire_frame_end(&w, RNR_WIRE_MAX_FRAME);
    b = body_of(&w, &len);
    assert_int_equal(rnr_ops_stats_decode(b, len, &s), WSAEINVAL);
    rnr_wbuf_free(&w);
    /* Trailing bytes. */
    frame(&w);
    rnr_wire_put_u32(&w, 0);
    rnr_wire_put_u32(&w, 0);
    rnr_wire_put_u8(&w, 0);
    rnr_wire_frame_end(&w, RNR_WIRE_MAX_FRAME);
    b = body_of(&w, &len);
    assert_int_equal(rnr_ops_stats_decode(b, len, &s), WSAEINVAL);
    assert_int_equal(rnr_ops_stats_decode(b, len - 1, &s), 0);
    assert_int_equal(s->nprov, 0);
    rnr_ops_stats_free(s);
    rnr_wbuf_free(&w);
    rnr_ops_stats_free(NULL);
}

static void test_status(void **st)
{
    static const GUID id = RNR_NSPID_HOSTS;
    struct rnr_ops_status *s = NULL;
    struct rnr_wbuf w;
    const uint8_t *b;
    size_t len, cut;

    (void)st;
    frame(&w);
    rnr_wire_put_string(&w, "0.1.0");
    rnr_wire_put_u32(&w, 1234);
    rnr_wire_put_u64(&w, 5000);
    rnr_wire_put_u32(&w, 1);
    rnr_wire_put_string(&w, "hosts");
    rnr_wire_put_string(&w, "hosts");
    rnr_wire_put_string(&w, "Hosts file");
    rnr_wire_put_u32(&w, RNR_OPS_PROV_STARTED);
    rnr_wire_put_guid(&w, &id);
    rnr_wire_put_u32(&w, NS_TCPIP_HOSTS);
    rnr_wire_frame_end(&w, RNR_WIRE_MAX_FRAME);
    b = body_of(&w, &len);
    assert_int_equal(rnr_ops_status_decode(b, len, &s), 0);
    assert_string_equal(s->version, "0.1.0");
    assert_int_equal(s->pid, 1234);
    assert_int_equal(s->uptime_ms, 5000);
    assert_int_equal(s->nprov, 1);
    assert_string_equal(s->prov[0].display_name, "Hosts file");
    assert_true(rnr_guid_equal(&s->prov[0].id, &id));
    assert_int_equal(s->prov[0].name_space, NS_TCPIP_HOSTS);
    rnr_ops_status_free(s);
    for (cut = 0; cut < len; cut++) {
        s = NULL;
        assert_int_equal(rnr_ops_status_decode(b, cut, &s), WSAEINVAL);
        assert_null(s);
    }
    /* An unknown provider state is refused. */
    w.data[w.len - 4 - 16 - 4] = 7;
    assert_int_equal(rnr_ops_status_decode(b, len, &s), WSAEINVAL);
    rnr_wbuf_free(&w);
}

/* Every body cut short of its end is refused, and nothing handed out. */
static void every_cut_fails(int (*decode)(const void *, size_t, struct rnr_ops_control **),
                            const uint8_t *b, size_t len)
{
    struct rnr_ops_control *c;
    size_t cut;

    for (cut = 0; cut < len; cut++) {
        c = NULL;
        assert_int_equal(decode(b, cut, &c), WSAEINVAL);
        assert_null(c);
    }
}

static void test_control(void **st)
{
    struct rnr_ops_control *c = NULL;
    struct rnr_wbuf w;
    const uint8_t *b;
    size_t len;

    (void)st;
    frame(&w);
    rnr_wire_put_u32(&w, 2);
    rnr_wire_put_string(&w, "dns");
    rnr_wire_put_u32(&w, 0);
    rnr_wire_put_string(&w, "sap");
    rnr_wire_put_u32(&w, WSAEINVAL);
    rnr_wire_frame_end(&w, RNR_WIRE_MAX_FRAME);
    b = body_of(&w, &len);
    assert_int_equal(rnr_ops_control_decode(b, len, &c), 0);
    assert_int_equal(c->n, 2);
    assert_string_equal(c->res[1].provider, "sap");
    assert_int_equal(c->res[1].status, WSAEINVAL);
    rnr_ops_control_free(c);
    every_cut_fails(rnr_ops_control_decode, b, len);
    rnr_wbuf_free(&w);
    /* A NULL provider name is not an answer. */
    frame(&w);
    rnr_wire_put_u32(&w, 1);
    rnr_wire_put_string(&w, NULL);
    rnr_wire_put_u32(&w, 0);
    rnr_wire_frame_end(&w, RNR_WIRE_MAX_FRAME);
    b = body_of(&w, &len);
    assert_int_equal(rnr_ops_control_decode(b, len, &c), WSAEINVAL);
    rnr_wbuf_free(&w);
}

/* SET_SERVICE's report: the same list with an outcome in each. */
static void test_setreport(void **st)
{
    struct rnr_ops_control *c = NULL;
    struct rnr_wbuf w;
    const uint8_t *b;
    size_t len;

    (void)st;
    frame(&w);
    rnr_wire_put_u32(&w, 2);
    rnr_wire_put_string(&w, "hosts");
    rnr_wire_put_u32(&w, RNR_SET_NOT_APPLICABLE);
    rnr_wire_put_u32(&w, 0);
    rnr_wire_put_string(&w, "directory");
    rnr_wire_put_u32(&w, RNR_SET_REFUSED);
    rnr_wire_put_u32(&w, WSAEACCES);
    rnr_wire_frame_end(&w, RNR_WIRE_MAX_FRAME);
    b = body_of(&w, &len);
    assert_int_equal(rnr_ops_setreport_decode(b, len, &c), 0);
    assert_int_equal(c->n, 2);
    assert_string_equal(c->res[0].provider, "hosts");
    assert_int_equal(c->res[0].outcome, RNR_SET_NOT_APPLICABLE);
    assert_int_equal(c->res[1].outcome, RNR_SET_REFUSED);
    assert_int_equal(c->res[1].status, WSAEACCES);
    rnr_ops_control_free(c);
    every_cut_fails(rnr_ops_setreport_decode, b, len);
    /* Read as a CONTROL reply, the outcomes are left over. */
    assert_int_equal(rnr_ops_control_decode(b, len, &c), WSAEINVAL);
    rnr_wbuf_free(&w);
    /* An outcome no daemon sends. */
    frame(&w);
    rnr_wire_put_u32(&w, 1);
    rnr_wire_put_string(&w, "sap");
    rnr_wire_put_u32(&w, RNR_SET_REFUSED + 1);
    rnr_wire_put_u32(&w, 0);
    rnr_wire_frame_end(&w, RNR_WIRE_MAX_FRAME);
    b = body_of(&w, &len);
    assert_int_equal(rnr_ops_setreport_decode(b, len, &c), WSAEINVAL);
    rnr_wbuf_free(&w);
}

/* ------------------------------------------------------------ histogram */

static void test_buckets(void **st)
{
    uint64_t v;
    unsigned b, prev = 0;

    (void)st;
    for (v = 0; v < 16; v++)
        assert_int_equal(rnrd_lat_bucket(v), v);
    /* Every value lies in its bucket, buckets are ordered, and a bucket
     * is at most 1/8 of its values wide. */
    for (v = 1; v < ((uint64_t)1 << 62); v = v * 3 / 2 + 1) {
        b = rnrd_lat_bucket(v);
        assert_true(b >= prev);
        assert_true(b < RNRD_LAT_BUCKETS);
        assert_true(rnrd_lat_bucket_high(b) >= v);
        assert_true(b == 0 || rnrd_lat_bucket_high(b - 1) < v);
        assert_true(rnrd_lat_bucket_high(b) - v <= v / 8);
        prev = b;
    }
    assert_int_equal(rnrd_lat_bucket(UINT64_MAX), RNRD_LAT_BUCKETS - 1);
}

static void test_percentiles(void **st)
{
    static struct rnrd_pstats s;
    uint64_t v, p;

    (void)st;
    assert_int_equal(rnrd_pstats_percentile(&s, 50), 0);
    for (v = 1; v <= 10000; v++)
        rnrd_pstats_record(&s, v);
    p = rnrd_pstats_percentile(&s, 50);
    assert_true(p >= 5000 && p <= 5000 + 5000 / 8);
    p = rnrd_pstats_percentile(&s, 90);
    assert_true(p >= 9000 && p <= 9000 + 9000 / 8);
    p = rnrd_pstats_percentile(&s, 99);
    assert_true(p >= 9900 && p <= 10000);    /* never above the maximum */
    assert_int_equal(rnrd_pstats_percentile(&s, 100), 10000);
    /* One slow outlier shows in p99 only when it is more than 1 %. */
    memset(&s, 0, sizeof s);
    for (v = 0; v < 99; v++)
        rnrd_pstats_record(&s, 100);
    rnrd_pstats_record(&s, 1000000);
    assert_true(rnrd_pstats_percentile(&s, 99) <= 100 + 100 / 8);
    assert_int_equal(rnrd_pstats_percentile(&s, 100), 1000000);
    assert_true(rnrd_status_is_error(WSATRY_AGAIN));
    assert_false(rnrd_status_is_error(WSAHOST_NOT_FOUND));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stats_round_trip),
        cmocka_unit_test(test_stats_bad_key),
        cmocka_unit_test(test_stats_counts),
        cmocka_unit_test(test_status),
        cmocka_unit_test(test_control),
        cmocka_unit_test(test_setreport),
        cmocka_unit_test(test_buckets),
        cmocka_unit_test(test_percentiles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
