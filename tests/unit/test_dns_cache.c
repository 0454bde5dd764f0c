/* SPDX-License-Identifier: MIT */
/*
 * The dns provider's answer reader (dns_msg) and cache (dns_cache), on
 * messages built here and a clock the test moves.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#define RNR_NO_WINSOCK_NAMES
#include <rnr/winsock2.h>

#include "dns_cache.h"
#include "dns_msg.h"

/* ---- building messages ---- */

struct mb {
    uint8_t b[4096];
    size_t  n;
};

static void put8(struct mb *m, unsigned v) { m->b[m->n++] = (uint8_t)v; }
static void put16(struct mb *m, unsigned v) { put8(m, v >> 8); put8(m, v & 0xff); }
static void put32(struct mb *m, uint32_t v) { put16(m, v >> 16); put16(m, v & 0xffff); }

static void put_name(struct mb *m, const char *name)
{
    while (*name != '\0') {
        size_t l = strcspn(name, ".");

        put8(m, (unsigned)l);
        memcpy(m->b + m->n, name, l);
        m->n += l;
        name += l;
        if (*name == '.')
            name++;
    }
    put8(m, 0);
}

static void header(struct mb *m, unsigned rcode, unsigned an, unsigned ns,
                   const char *qname, unsigned qtype)
{
    m->n = 0;
    put16(m, 0x1234);
    put16(m, 0x8180 | rcode);
    put16(m, 1);
    put16(m, an);
    put16(m, ns);
    put16(m, 0);
    put_name(m, qname);
    put16(m, qtype);
    put16(m, 1);
}

static void rr_head(struct mb *m, const char *owner, unsigned type, uint32_t ttl,
                    unsigned rdlen)
{
    put_name(m, owner);
    put16(m, type);
    put16(m, 1);
    put32(m, ttl);
    put16(m, rdlen);
}

static void rr_a(struct mb *m, const char *owner, uint32_t ttl, const uint8_t a[4])
{
    rr_head(m, owner, DNS_T_A, ttl, 4);
    memcpy(m->b + m->n, a, 4);
    m->n += 4;
}

static void rr_cname(struct mb *m, const char *owner, uint32_t ttl, const char *target)
{
    struct mb t;

    t.n = 0;
    put_name(&t, target);
    rr_head(m, owner, DNS_T_CNAME, ttl, (unsigned)t.n);
    memcpy(m->b + m->n, t.b, t.n);
    m->n += t.n;
}

static void rr_soa(struct mb *m, const char *owner, uint32_t ttl, uint32_t minimum)
{
    struct mb t;

    t.n = 0;
    put_name(&t, "ns.example");
    put_name(&t, "admin.example");
    put32(&t, 1);
    put32(&t, 3600);
    put32(&t, 600);
    put32(&t, 86400);
    put32(&t, minimum);
    rr_head(m, owner, DNS_T_SOA, ttl, (unsigned)t.n);
    memcpy(m->b + m->n, t.b, t.n);
    m->n += t.n;
}

static struct dns_answer *parse_ok(const struct mb *m)
{
    struct dns_answer *a = NULL;

    assert_int_equal(dns_msg_parse(m->b, m->n, &a), 0);
    assert_non_null(a);
    return a;
}

/* ---- dns_msg ---- */

static const uint8_t ip1[4] = { 192, 0, 2, 1 }, ip2[4] = { 192, 0, 2, 2 };

static void test_msg_cname_chain(void **state)
{
    struct mb m;
    struct dns_answer *a;
    (void)state;

    header(&m, 0, 5, 0, "WWW.Example", DNS_T_A);
    /* Out of order, plus a record of another owner that must be left. */
    rr_a(&m, "host.example", 300, ip1);
    rr_cname(&m, "www.example", 600, "mid.example");
    rr_a(&m, "other.example", 5, ip2);
    rr_cname(&m, "mid.example", 120, "HOST.example");
    rr_a(&m, "host.example", 200, ip2);
    a = parse_ok(&m);
    assert_int_equal(a->status, 0);
    assert_int_equal(a->qtype, DNS_T_A);
    assert_string_equal(a->qname, "www.example");
    assert_string_equal(a->canon, "host.example");
    assert_int_equal(a->naliases, 2);
    assert_string_equal(a->aliases[0], "www.example");
    assert_string_equal(a->aliases[1], "mid.example");
    assert_int_equal(a->naddrs, 2);
    assert_memory_equal(a->addrs[0], ip1, 4);
    assert_memory_equal(a->addrs[1], ip2, 4);
    /* The smallest TTL of what was used (other.example's 5 was not). */
    assert_true(a->has_ttl);
    assert_int_equal(a->ttl, 120);
    dns_answer_unref(a);
}

static void test_msg_negative(void **state)
{
    struct mb m;
    struct dns_answer *a;
    (void)state;

    /* NXDOMAIN: min(SOA TTL, SOA MINIMUM), RFC 2308. */
    header(&m, 3, 0, 1, "nx.example", DNS_T_A);
    rr_soa(&m, "example", 900, 30);
    a = parse_ok(&m);
    assert_int_equal(a->status, WSAHOST_NOT_FOUND);
    assert_true(a->has_ttl);
    assert_int_equal(a->ttl, 30);
    dns_answer_unref(a);

    header(&m, 0, 0, 1, "txt.example", DNS_T_AAAA);
    rr_soa(&m, "example", 10, 30);
    a = parse_ok(&m);
    assert_int_equal(a->status, WSANO_DATA);
    assert_int_equal(a->ttl, 10);
    dns_answer_unref(a);

    /* No SOA: no TTL of the server's. */
    header(&m, 3, 0, 0, "nx.example", DNS_T_A);
    a = parse_ok(&m);
    assert_int_equal(a->status, WSAHOST_NOT_FOUND);
    assert_false(a->has_ttl);
    dns_answer_unref(a);

    /* A CNAME to nothing of the type: NODATA, with the chain. */
    header(&m, 0, 1, 0, "alias.example", DNS_T_A);
    rr_cname(&m, "alias.example", 60, "target.example");
    a = parse_ok(&m);
    assert_int_equal(a->status, WSANO_DATA);
    assert_string_equal(a->canon, "target.example");
    dns_answer_unref(a);
}

static void test_msg_rcodes(void **state)
{
    static const struct { unsigned rcode; int status; } map[] = {
        { 1, WSANO_RECOVERY }, { 2, WSATRY_AGAIN }, { 4, WSANO_RECOVERY },
        { 5, WSANO_RECOVERY },
    };
    struct mb m;
    size_t i;
    (void)state;

    for (i = 0; i < sizeof map / sizeof map[0]; i++) {
        struct dns_answer *a;

        header(&m, map[i].rcode, 0, 0, "x.example", DNS_T_A);
        a = parse_ok(&m);
        assert_int_equal(a->status, map[i].status);
        dns_answer_unref(a);
    }
}

static void test_msg_malformed(void **state)
{
    struct dns_answer *a = NULL;
    struct mb m;
    size_t cut;
    (void)state;

    assert_int_equal(dns_msg_parse((const uint8_t *)"abc", 3, &a), WSANO_RECOVERY);
    /* A compression pointer to itself, and one pointing forwards. */
    header(&m, 0, 1, 0, "x.example", DNS_T_A);
    m.b[m.n] = 0xC0;
    m.b[m.n + 1] = (uint8_t)m.n;
    m.n += 2;
    put16(&m, DNS_T_A);
    assert_int_equal(dns_msg_parse(m.b, m.n, &a), 0);   /* the record is dropped */
    assert_int_equal(a->status, WSANO_DATA);
    dns_answer_unref(a);
    m.n = 12;
    put8(&m, 0xC0);
    put8(&m, 0x20);
    assert_int_equal(dns_msg_parse(m.b, m.n, &a), WSANO_RECOVERY);
    /* A wrong A length. */
    header(&m, 0, 1, 0, "x.example", DNS_T_A);
    rr_head(&m, "x.example", DNS_T_A, 60, 3);
    put8(&m, 1); put8(&m, 2); put8(&m, 3);
    a = parse_ok(&m);
    assert_int_equal(a->status, WSANO_DATA);
    dns_answer_unref(a);
    /* Every truncation of a good message parses or fails cleanly. */
    header(&m, 0, 2, 0, "www.example", DNS_T_A);
    rr_cname(&m, "www.example", 60, "host.example");
    rr_a(&m, "host.example", 60, ip1);
    for (cut = 0; cut < m.n; cut++) {
        a = NULL;
        if (dns_msg_parse(m.b, cut, &a) == 0) {
            assert_int_not_equal(a->status, 0);
            dns_answer_unref(a);
        }
    }
}

/* ---- dns_cache ---- */

static const struct dns_cache_conf conf = {
    .size = 3, .min_ttl = 0, .max_ttl = 100, .negative_ttl = 7, .servfail_ttl = 2,
};

static struct dns_answer *answer(int status, int has_ttl, uint32_t ttl)
{
    struct dns_answer *a = dns_answer_status(DNS_T_A, status);

    assert_non_null(a);
    a->has_ttl = has_ttl;
    a->ttl = ttl;
    return a;
}

static void put(struct dns_cache *c, const char *name, struct dns_answer *a,
                uint64_t now)
{
    dns_cache_put(c, name, DNS_T_A, a, now);
    dns_answer_unref(a);
}

static int cached(struct dns_cache *c, const char *name, uint64_t now)
{
    struct dns_answer *a = dns_cache_get(c, name, DNS_T_A, now);

    dns_answer_unref(a);
    return a != NULL;
}

static uint32_t ttl_of(const struct dns_cache_conf *k, struct dns_answer *a)
{
    uint32_t ttl = dns_cache_ttl(k, a);

    dns_answer_unref(a);
    return ttl;
}

static void test_cache_ttls(void **state)
{
    struct dns_cache_conf k = conf;
    (void)state;

    assert_int_equal(ttl_of(&k, answer(0, 1, 50)), 50);
    assert_int_equal(ttl_of(&k, answer(0, 1, 5000)), 100);   /* clamped */
    k.min_ttl = 10;
    assert_int_equal(ttl_of(&k, answer(0, 1, 1)), 10);
    assert_int_equal(ttl_of(&k, answer(WSAHOST_NOT_FOUND, 1, 30)), 30);
    assert_int_equal(ttl_of(&k, answer(WSANO_DATA, 0, 0)), 10);
    k.min_ttl = 0;
    assert_int_equal(ttl_of(&k, answer(WSANO_DATA, 0, 0)), 7);
    assert_int_equal(ttl_of(&k, answer(WSATRY_AGAIN, 0, 0)), 2);
    assert_int_equal(ttl_of(&k, answer(WSANO_RECOVERY, 0, 0)), 2);
    assert_int_equal(ttl_of(&k, answer(0, 1, 0)), 0);
}

static void test_cache_expiry(void **state)
{
    struct dns_cache *c = dns_cache_new(&conf);
    struct dns_cache_stats st;
    (void)state;

    put(c, "a.example", answer(0, 1, 10), 1000);
    put(c, "nx.example", answer(WSAHOST_NOT_FOUND, 0, 0), 1000);
    put(c, "zero.example", answer(0, 1, 0), 1000);      /* never stored */
    assert_true(cached(c, "a.example", 10999));
    assert_false(cached(c, "a.example", 11000));         /* expired */
    assert_true(cached(c, "nx.example", 7999));          /* negative default */
    assert_false(cached(c, "nx.example", 8000));
    assert_false(cached(c, "zero.example", 1000));
    /* Another type is another entry. */
    put(c, "b.example", answer(0, 1, 10), 0);
    assert_null(dns_cache_get(c, "b.example", DNS_T_AAAA, 0));
    dns_cache_get_stats(c, &st);
    assert_int_equal(st.hits, 2);
    assert_int_equal(st.misses, 4);
    assert_int_equal(st.expired, 2);
    assert_int_equal(st.entries, 1);
    dns_cache_free(c);
}

static void test_cache_lru(void **state)
{
    struct dns_cache *c = dns_cache_new(&conf);
    struct dns_cache_conf small = conf;
    struct dns_cache_stats st;
    (void)state;

    put(c, "1", answer(0, 1, 60), 0);
    put(c, "2", answer(0, 1, 60), 0);
    put(c, "3", answer(0, 1, 60), 0);
    assert_true(cached(c, "1", 1));        /* 1 is now the newest */
    put(c, "4", answer(0, 1, 60), 2);      /* evicts 2, the oldest */
    assert_false(cached(c, "2", 3));
    assert_true(cached(c, "1", 3));
    assert_true(cached(c, "3", 3));
    assert_true(cached(c, "4", 3));
    dns_cache_get_stats(c, &st);
    assert_int_equal(st.evictions, 1);
    assert_int_equal(st.entries, 3);
    /* A replaced entry is not an eviction and not a second entry. */
    put(c, "4", answer(0, 1, 60), 4);
    dns_cache_get_stats(c, &st);
    assert_int_equal(st.entries, 3);
    assert_int_equal(st.evictions, 1);
    /* Shrinking evicts the least recently used (1 then 3 were used
     * before 4 was replaced). */
    small.size = 1;
    assert_int_equal(dns_cache_set_conf(c, &small), 0);
    assert_true(cached(c, "4", 5));
    assert_false(cached(c, "1", 5));
    dns_cache_free(c);
}

static void test_cache_flush_and_refresh(void **state)
{
    struct dns_cache *c = dns_cache_new(&conf);
    struct dns_answer *a;
    (void)state;

    put(c, "a.example", answer(0, 1, 60), 0);
    a = answer(0, 1, 60);
    dns_cache_put(c, "a.example", DNS_T_AAAA, a, 0);
    dns_answer_unref(a);
    put(c, "b.example", answer(0, 1, 60), 0);
    assert_int_equal(dns_cache_flush(c, "a.example"), 2);   /* every type */
    assert_false(cached(c, "a.example", 1));
    assert_true(cached(c, "b.example", 1));
    assert_int_equal(dns_cache_flush(c, NULL), 1);
    assert_false(cached(c, "b.example", 1));
    /* A newer answer replaces the entry (LUP_FLUSHCACHE's refresh). */
    put(c, "a.example", answer(0, 1, 60), 0);
    put(c, "a.example", answer(WSANO_DATA, 1, 60), 10);
    a = dns_cache_get(c, "a.example", DNS_T_A, 11);
    assert_non_null(a);
    assert_int_equal(a->status, WSANO_DATA);
    dns_answer_unref(a);
    /* An answer that may not be kept still removes the stale one. */
    put(c, "a.example", answer(0, 1, 0), 12);
    assert_false(cached(c, "a.example", 13));
    dns_cache_free(c);
    dns_cache_free(NULL);
}

static void test_cache_disabled(void **state)
{
    struct dns_cache_conf off = conf;
    struct dns_cache *c;
    (void)state;

    off.size = 0;
    c = dns_cache_new(&off);
    assert_non_null(c);
    put(c, "a.example", answer(0, 1, 60), 0);
    assert_false(cached(c, "a.example", 1));
    dns_cache_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_msg_cname_chain),
        cmocka_unit_test(test_msg_negative),
        cmocka_unit_test(test_msg_rcodes),
        cmocka_unit_test(test_msg_malformed),
        cmocka_unit_test(test_cache_ttls),
        cmocka_unit_test(test_cache_expiry),
        cmocka_unit_test(test_cache_lru),
        cmocka_unit_test(test_cache_flush_and_refresh),
        cmocka_unit_test(test_cache_disabled),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
