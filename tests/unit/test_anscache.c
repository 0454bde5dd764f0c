/* SPDX-License-Identifier: MIT */
/*
 * The answer cache (nsp/anscache.h): a real file in a temporary
 * directory, a writer and readers in this process and in forked ones
 * (liveness after kill -9, torn reads under a writer hammering puts).
 *
 * RNR_ANSCACHE_SEEDS=DIR also writes the fuzz target's seed files there
 * (fuzz/corpus/anscache/seed-*; see test_write_seeds).
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <linux/futex.h>
#include <unistd.h>

#include <rnr/winsock2.h>

#include "anscache_int.h"

#define MISS  RNR_ANSCACHE_MISS
#define HIT   RNR_ANSCACHE_HIT
#define STALE RNR_ANSCACHE_STALE

static char g_dir[256];
static char g_path[512];

static int setup(void **state)
{
    (void)state;
    snprintf(g_dir, sizeof(g_dir), "/tmp/rnr-test-anscache-XXXXXX");
    if (mkdtemp(g_dir) == NULL)
        return -1;
    snprintf(g_path, sizeof(g_path), "%s/rnrd.sock.cache", g_dir);
    return 0;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static int teardown(void **state)
{
    (void)state;
    return nftw(g_dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static uint64_t later(uint64_t ms)
{
    return rnr_anscache_now_ms() + ms;
}

#define FOREVER later(3600 * 1000)

static int get_str(struct rnr_anscache_view *v, const char *key, char *buf, size_t len)
{
    size_t n = 12345;
    int r = rnr_anscache_get(v, key, strlen(key), buf, len - 1, &n);

    if (r == HIT) {
        assert_true(n < len);
        buf[n] = '\0';
    } else {
        assert_int_equal(n, 12345);   /* set only on a hit */
    }
    return r;
}

static int put_str(struct rnr_anscache *c, const char *key, const char *val, uint64_t exp)
{
    return rnr_anscache_put(c, key, strlen(key), val, strlen(val), exp, rnr_anscache_gen(c));
}

static void open_pair(size_t bytes, struct rnr_anscache **c, struct rnr_anscache_view **v)
{
    assert_int_equal(rnr_anscache_create(g_path, bytes, c), 0);
    assert_int_equal(rnr_anscache_open(g_path, v), 0);
}

static void test_round_trip(void **state)
{
    struct rnr_anscache *c = NULL;
    struct rnr_anscache_view *v = NULL;
    struct rnr_anscache_stats st;
    struct stat sb;
    char buf[64];
    size_t n = 0;

    (void)state;
    open_pair(64 << 10, &c, &v);
    assert_int_equal(stat(g_path, &sb), 0);
    assert_int_equal(sb.st_mode & 07777, 0644);
    assert_int_equal(sb.st_size, 64 << 10);

    assert_int_equal(get_str(v, "www.example.com", buf, sizeof(buf)), MISS);
    assert_int_equal(put_str(c, "www.example.com", "192.0.2.1", FOREVER), 0);
    assert_int_equal(get_str(v, "www.example.com", buf, sizeof(buf)), HIT);
    assert_string_equal(buf, "192.0.2.1");
    /* Another key, a prefix of it, an extension of it: misses. */
    assert_int_equal(get_str(v, "www.example.org", buf, sizeof(buf)), MISS);
    assert_int_equal(get_str(v, "www.example.co", buf, sizeof(buf)), MISS);
    assert_int_equal(get_str(v, "www.example.com.", buf, sizeof(buf)), MISS);
    /* A buffer one byte short is a miss; an exact one a hit. */
    assert_int_equal(rnr_anscache_get(v, "www.example.com", 15, buf, 8, &n), MISS);
    assert_int_equal(rnr_anscache_get(v, "www.example.com", 15, buf, 9, &n), HIT);
    assert_int_equal(n, 9);
    /* Empty key and empty value are entries like any other. */
    assert_int_equal(rnr_anscache_put(c, "", 0, "", 0, FOREVER, rnr_anscache_gen(c)), 0);
    n = 99;
    assert_int_equal(rnr_anscache_get(v, "", 0, NULL, 0, &n), HIT);
    assert_int_equal(n, 0);
    /* A second view of the same file sees the same. */
    {
        struct rnr_anscache_view *v2 = NULL;

        assert_int_equal(rnr_anscache_open(g_path, &v2), 0);
        assert_int_equal(get_str(v2, "www.example.com", buf, sizeof(buf)), HIT);
        assert_string_equal(buf, "192.0.2.1");
        rnr_anscache_close(v2);
    }
    rnr_anscache_stats(c, &st);
    assert_int_equal(st.puts, 2);
    assert_int_equal(st.entries, 2);
    assert_int_equal(st.replaced, 0);
    assert_int_equal(st.bytes, 64 << 10);
    rnr_anscache_close(v);
    rnr_anscache_destroy(c, 1);
    rnr_anscache_close(NULL);
    rnr_anscache_destroy(NULL, 1);
}

static void test_replace(void **state)
{
    struct rnr_anscache *c = NULL;
    struct rnr_anscache_view *v = NULL;
    struct rnr_anscache_stats st;
    char buf[64];
    int i;

    (void)state;
    open_pair(64 << 10, &c, &v);
    assert_int_equal(put_str(c, "k", "first value", FOREVER), 0);
    assert_int_equal(put_str(c, "k", "2nd", FOREVER), 0);
    assert_int_equal(get_str(v, "k", buf, sizeof(buf)), HIT);
    assert_string_equal(buf, "2nd");
    for (i = 0; i < 1000; i++) {
        char val[32];

        snprintf(val, sizeof(val), "value %d", i);
        assert_int_equal(put_str(c, "k", val, FOREVER), 0);
        assert_int_equal(get_str(v, "k", buf, sizeof(buf)), HIT);
        assert_string_equal(buf, val);
    }
    rnr_anscache_stats(c, &st);
    assert_int_equal(st.entries, 1);
    assert_int_equal(st.replaced, 1001);
    rnr_anscache_close(v);
    rnr_anscache_destroy(c, 1);
}

static void test_expiry(void **state)
{
    struct rnr_anscache *c = NULL;
    struct rnr_anscache_view *v = NULL;
    uint64_t exp;
    char buf[64];

    (void)state;
    open_pair(64 << 10, &c, &v);
    /* Already dead: not served. */
    assert_int_equal(put_str(c, "past", "x", rnr_anscache_now_ms() - 1), 0);
    assert_int_equal(get_str(v, "past", buf, sizeof(buf)), MISS);
    assert_int_equal(put_str(c, "zero", "x", 0), 0);
    assert_int_equal(get_str(v, "zero", buf, sizeof(buf)), MISS);
    /* Dies while cached: served until then, then not. */
    exp = later(100);
    assert_int_equal(put_str(c, "soon", "y", exp), 0);
    while (rnr_anscache_now_ms() < exp) {
        if (get_str(v, "soon", buf, sizeof(buf)) != HIT)
            break;  /* only once the clock has passed exp (checked below) */
        usleep(10000);
    }
    assert_true(rnr_anscache_now_ms() >= exp);
    assert_int_equal(get_str(v, "soon", buf, sizeof(buf)), MISS);
    /* A dead answer replacing a live one removes it. */
    assert_int_equal(put_str(c, "k", "live", FOREVER), 0);
    assert_int_equal(get_str(v, "k", buf, sizeof(buf)), HIT);
    assert_int_equal(put_str(c, "k", "dead", 1), 0);
    assert_int_equal(get_str(v, "k", buf, sizeof(buf)), MISS);
    rnr_anscache_close(v);
    rnr_anscache_destroy(c, 1);
}

static void test_generation(void **state)
{
    struct rnr_anscache *c = NULL;
    struct rnr_anscache_view *v = NULL;
    struct rnr_anscache_stats st;
    uint32_t g0, g1;
    char buf[64];

    (void)state;
    open_pair(64 << 10, &c, &v);
    g0 = rnr_anscache_gen(c);
    assert_int_equal(put_str(c, "a", "1", FOREVER), 0);
    assert_int_equal(put_str(c, "b", "2", FOREVER), 0);
    assert_int_equal(get_str(v, "a", buf, sizeof(buf)), HIT);
    rnr_anscache_invalidate(c);
    g1 = rnr_anscache_gen(c);
    assert_int_not_equal(g0, g1);
    assert_int_equal(get_str(v, "a", buf, sizeof(buf)), MISS);
    assert_int_equal(get_str(v, "b", buf, sizeof(buf)), MISS);
    /* An answer computed before the invalidation is never served. */
    assert_int_equal(rnr_anscache_put(c, "a", 1, "old", 3, FOREVER, g0), 0);
    assert_int_equal(get_str(v, "a", buf, sizeof(buf)), MISS);
    /* One computed after is; a late old one does not displace it. */
    assert_int_equal(rnr_anscache_put(c, "a", 1, "new", 3, FOREVER, g1), 0);
    assert_int_equal(rnr_anscache_put(c, "a", 1, "old", 3, FOREVER, g0), 0);
    assert_int_equal(get_str(v, "a", buf, sizeof(buf)), HIT);
    assert_string_equal(buf, "new");
    rnr_anscache_stats(c, &st);
    assert_int_equal(st.invalidations, 1);
    /* A reader opened after the invalidation agrees. */
    rnr_anscache_close(v);
    assert_int_equal(rnr_anscache_open(g_path, &v), 0);
    assert_int_equal(get_str(v, "a", buf, sizeof(buf)), HIT);
    assert_int_equal(get_str(v, "b", buf, sizeof(buf)), MISS);
    rnr_anscache_close(v);
    rnr_anscache_destroy(c, 1);
}

/* A value that says which key and which put it belongs to. */
static size_t make_value(uint8_t *b, unsigned key, unsigned serial, size_t len)
{
    size_t i;

    snprintf((char *)b, len, "%u:%u:", key, serial);
    for (i = strlen((char *)b); i < len; i++)
        b[i] = (uint8_t)(key * 31 + serial * 7 + i);
    return len;
}

static void test_wrap(void **state)
{
    struct rnr_anscache *c = NULL;
    struct rnr_anscache_view *v = NULL;
    struct rnr_anscache_stats st;
    uint8_t val[512], got[512];
    char key[32];
    unsigned i, hits = 0;
    size_t n;
    enum { KEYS = 400 };
    size_t lens[KEYS];

    (void)state;
    /* 4 kB of data, 128 slots: the area wraps many times. */
    assert_int_equal(rnr_anscache_create_sized(g_path, 16, 4096, &c), 0);
    assert_int_equal(rnr_anscache_open(g_path, &v), 0);
    for (i = 0; i < KEYS; i++) {
        snprintf(key, sizeof(key), "key-%u", i);
        lens[i] = 20 + (i * 37) % 400;   /* uneven: records pad at the end */
        make_value(val, i, 0, lens[i]);
        assert_int_equal(rnr_anscache_put(c, key, strlen(key), val, lens[i], FOREVER,
                                          rnr_anscache_gen(c)), 0);
        /* The newest is always there. */
        assert_int_equal(rnr_anscache_get(v, key, strlen(key), got, sizeof(got), &n), HIT);
        assert_int_equal(n, lens[i]);
        assert_memory_equal(got, val, n);
    }
    /* Older ones: gone, or intact; never someone else's bytes. */
    for (i = 0; i < KEYS; i++) {
        snprintf(key, sizeof(key), "key-%u", i);
        if (rnr_anscache_get(v, key, strlen(key), got, sizeof(got), &n) != HIT)
            continue;
        hits++;
        make_value(val, i, 0, lens[i]);
        assert_int_equal(n, lens[i]);
        assert_memory_equal(got, val, n);
        assert_true(i >= KEYS - 4096 / 40);   /* records of 40 bytes or more */
    }
    assert_true(hits >= 2);
    rnr_anscache_stats(c, &st);
    assert_int_equal(st.entries, hits);
    assert_int_equal(st.evicted + st.entries, KEYS);   /* each key left once, or is there */
    rnr_anscache_close(v);
    rnr_anscache_destroy(c, 1);
}

/* The counters while both the ring and a full bucket push entries out,
 * and while one key is replaced across many laps of the ring. */
static void test_stats(void **state)
{
    struct rnr_anscache *c = NULL;
    struct rnr_anscache_stats st;
    uint8_t val[100];
    char key[32];
    unsigned i;

    (void)state;
    assert_int_equal(rnr_anscache_create_sized(g_path, 1, 1024, &c), 0);
    for (i = 0; i < 300; i++) {
        snprintf(key, sizeof(key), "s%u", i);
        assert_int_equal(rnr_anscache_put(c, key, strlen(key), val, 10 + i % 90, FOREVER,
                                          rnr_anscache_gen(c)), 0);
    }
    rnr_anscache_stats(c, &st);
    assert_int_equal(st.puts, 300);
    assert_true(st.entries >= 1 && st.entries <= ANSCACHE_WAYS);
    assert_int_equal(st.evicted + st.entries, 300);
    assert_int_equal(st.replaced, 0);
    rnr_anscache_destroy(c, 1);

    assert_int_equal(rnr_anscache_create_sized(g_path, 1, 1024, &c), 0);
    for (i = 0; i < 300; i++)
        assert_int_equal(rnr_anscache_put(c, "one", 3, val, 10 + i % 90, FOREVER,
                                          rnr_anscache_gen(c)), 0);
    rnr_anscache_stats(c, &st);
    assert_int_equal(st.entries, 1);
    assert_int_equal(st.replaced, 299);
    assert_int_equal(st.evicted, 0);
    rnr_anscache_destroy(c, 1);
}

static void test_too_large(void **state)
{
    struct rnr_anscache *c = NULL;
    struct rnr_anscache_view *v = NULL;
    struct rnr_anscache_stats st;
    static uint8_t big[8192], got[8192];
    const size_t area = 4096, limit = area / 8;   /* a record of 512 bytes */
    size_t n = 0;

    (void)state;
    memset(big, 'v', sizeof(big));
    assert_int_equal(rnr_anscache_create_sized(g_path, 1, area, &c), 0);
    assert_int_equal(rnr_anscache_open(g_path, &v), 0);
    /* key + value + the 8-byte record header: at most an eighth. */
    assert_int_equal(rnr_anscache_put(c, "k", 1, big, limit - 8 - 1, FOREVER,
                                      rnr_anscache_gen(c)), 0);
    assert_int_equal(rnr_anscache_get(v, "k", 1, got, sizeof(got), &n), HIT);
    assert_int_equal(n, limit - 9);
    assert_int_equal(rnr_anscache_put(c, "k", 1, big, limit - 8, FOREVER,
                                      rnr_anscache_gen(c)), WSAENOBUFS);
    assert_int_equal(rnr_anscache_put(c, big, limit, "v", 1, FOREVER,
                                      rnr_anscache_gen(c)), WSAENOBUFS);
    assert_int_equal(rnr_anscache_put(c, "k", 1, big, SIZE_MAX, FOREVER,
                                      rnr_anscache_gen(c)), WSAENOBUFS);
    /* Refused, the old entry stays. */
    assert_int_equal(rnr_anscache_get(v, "k", 1, got, sizeof(got), &n), HIT);
    rnr_anscache_stats(c, &st);
    assert_int_equal(st.too_large, 3);
    assert_int_equal(st.puts, 1);
    rnr_anscache_close(v);
    rnr_anscache_destroy(c, 1);

    /* The public size: an eighth of a 64 kB file's data area. */
    open_pair(64 << 10, &c, &v);
    assert_int_equal(rnr_anscache_put(c, "k", 1, big, sizeof(big), FOREVER,
                                      rnr_anscache_gen(c)), WSAENOBUFS);
    assert_int_equal(rnr_anscache_put(c, "k", 1, big, 4096, FOREVER,
                                      rnr_anscache_gen(c)), 0);
    assert_int_equal(rnr_anscache_get(v, "k", 1, got, sizeof(got), &n), HIT);
    assert_int_equal(n, 4096);
    rnr_anscache_close(v);
    rnr_anscache_destroy(c, 1);
}

static uint64_t file_seed(void)
{
    struct anscache_hdr h;
    int fd = open(g_path, O_RDONLY);

    assert_true(fd >= 0);
    assert_int_equal(pread(fd, &h, sizeof(h), 0), sizeof(h));
    close(fd);
    return h.seed;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

/* Two keys of the file's hash with the same 32-bit tag (so the same
 * bucket too): a birthday search over "collide-N". */
static void find_collision(uint64_t seed, char *k1, char *k2, size_t len)
{
    size_t count = (size_t)1 << 18, i;
    uint64_t *t;

    for (;;) {
        t = malloc(count * sizeof(*t));
        assert_non_null(t);
        for (i = 0; i < count; i++) {
            char key[32];

            snprintf(key, sizeof(key), "collide-%zu", i);
            t[i] = (uint64_t)rnr_anscache_tag(rnr_anscache_hash(seed, key, strlen(key))) << 32 | i;
        }
        qsort(t, count, sizeof(*t), cmp_u64);
        for (i = 1; i < count; i++)
            if (t[i] >> 32 == t[i - 1] >> 32) {
                snprintf(k1, len, "collide-%u", (unsigned)(t[i - 1] & 0xffffffffu));
                snprintf(k2, len, "collide-%u", (unsigned)(t[i] & 0xffffffffu));
                free(t);
                return;
            }
        free(t);
        count *= 2;
    }
}

static void test_collision(void **state)
{
    struct rnr_anscache *c = NULL;
    struct rnr_anscache_view *v = NULL;
    char k1[32], k2[32], buf[64], key[32], val[32];
    unsigned i, hits = 0;

    (void)state;
    /* One bucket: every key shares it. */
    assert_int_equal(rnr_anscache_create_sized(g_path, 1, 16384, &c), 0);
    assert_int_equal(rnr_anscache_open(g_path, &v), 0);
    find_collision(file_seed(), k1, k2, sizeof(k1));
    assert_string_not_equal(k1, k2);
    assert_int_equal(rnr_anscache_tag(rnr_anscache_hash(file_seed(), k1, strlen(k1))),
                     rnr_anscache_tag(rnr_anscache_hash(file_seed(), k2, strlen(k2))));
    /* Same tag, one stored: the other misses. */
    assert_int_equal(put_str(c, k1, "one", FOREVER), 0);
    assert_int_equal(get_str(v, k2, buf, sizeof(buf)), MISS);
    /* Both stored: each its own, whichever order the slots are in. */
    assert_int_equal(put_str(c, k2, "two", FOREVER), 0);
    assert_int_equal(get_str(v, k1, buf, sizeof(buf)), HIT);
    assert_string_equal(buf, "one");
    assert_int_equal(get_str(v, k2, buf, sizeof(buf)), HIT);
    assert_string_equal(buf, "two");
    assert_int_equal(put_str(c, k2, "deux", FOREVER), 0);
    assert_int_equal(get_str(v, k1, buf, sizeof(buf)), HIT);
    assert_string_equal(buf, "one");
    assert_int_equal(get_str(v, k2, buf, sizeof(buf)), HIT);
    assert_string_equal(buf, "deux");

    /* A full bucket: the oldest goes, the eight newest stay. */
    for (i = 0; i < 20; i++) {
        snprintf(key, sizeof(key), "full-%u", i);
        snprintf(val, sizeof(val), "v%u", i);
        assert_int_equal(put_str(c, key, val, FOREVER), 0);
    }
    for (i = 0; i < 20; i++) {
        snprintf(key, sizeof(key), "full-%u", i);
        snprintf(val, sizeof(val), "v%u", i);
        if (get_str(v, key, buf, sizeof(buf)) == HIT) {
            assert_string_equal(buf, val);
            assert_true(i >= 20 - ANSCACHE_WAYS);
            hits++;
        }
    }
    assert_int_equal(hits, ANSCACHE_WAYS);
    assert_int_equal(get_str(v, k1, buf, sizeof(buf)), MISS);
    rnr_anscache_close(v);
    rnr_anscache_destroy(c, 1);
}

static void test_stale_after_destroy(void **state)
{
    struct rnr_anscache *c = NULL, *c2 = NULL;
    struct rnr_anscache_view *v = NULL, *v2 = NULL;
    char buf[64], moved[600];
    struct stat sb;

    (void)state;
    open_pair(64 << 10, &c, &v);
    assert_int_equal(put_str(c, "k", "v", FOREVER), 0);
    assert_int_equal(get_str(v, "k", buf, sizeof(buf)), HIT);
    rnr_anscache_destroy(c, 1);
    assert_int_equal(get_str(v, "k", buf, sizeof(buf)), STALE);
    assert_int_equal(stat(g_path, &sb), -1);
    assert_int_equal(rnr_anscache_open(g_path, &v2), WSASERVICE_NOT_FOUND);
    assert_null(v2);
    rnr_anscache_close(v);

    /* destroy(unlink) leaves alone a file that replaced its own... */
    open_pair(64 << 10, &c, &v);
    snprintf(moved, sizeof(moved), "%s.moved", g_path);
    assert_int_equal(rename(g_path, moved), 0);
    assert_int_equal(rnr_anscache_create(g_path, 64 << 10, &c2), 0);
    rnr_anscache_destroy(c, 1);
    assert_int_equal(stat(g_path, &sb), 0);
    assert_int_equal(get_str(v, "k", buf, sizeof(buf)), STALE);
    /* ... whose readers are not stale. */
    assert_int_equal(rnr_anscache_open(g_path, &v2), 0);
    assert_int_equal(get_str(v2, "k", buf, sizeof(buf)), MISS);
    /* Without unlink the file stays, stale. */
    rnr_anscache_destroy(c2, 0);
    assert_int_equal(stat(g_path, &sb), 0);
    assert_int_equal(get_str(v2, "k", buf, sizeof(buf)), STALE);
    rnr_anscache_close(v2);
    assert_int_equal(rnr_anscache_open(g_path, &v2), 0);
    assert_int_equal(get_str(v2, "k", buf, sizeof(buf)), STALE);
    rnr_anscache_close(v2);
    rnr_anscache_close(v);
}

/* A writer in a child: creates the cache, stores k, with `hold` takes the
 * liveness mutex (rnr_anscache_hold), says so, waits. */
static pid_t fork_writer(int hold)
{
    int p[2];
    pid_t pid;
    char b;

    assert_int_equal(pipe(p), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct rnr_anscache *c = NULL;

        close(p[0]);
        if (rnr_anscache_create(g_path, 64 << 10, &c) != 0 ||
            put_str(c, "k", "from the child", FOREVER) != 0 ||
            (hold && rnr_anscache_hold(c) != 0) || write(p[1], "r", 1) != 1)
            _exit(1);
        for (;;)
            pause();
    }
    close(p[1]);
    assert_int_equal(read(p[0], &b, 1), 1);
    close(p[0]);
    return pid;
}

/* The header as the file says it, read past any mapping. */
static void read_hdr(struct anscache_hdr *h)
{
    int fd = open(g_path, O_RDONLY);

    assert_true(fd >= 0);
    assert_int_equal(pread(fd, h, sizeof(*h), 0), (ssize_t)sizeof(*h));
    close(fd);
}

/* Killed, the writer is seen gone at once, with no help from it: through
 * the file lock, and through the robust mutex's word when it holds that
 * (a load, no system call: the kernel marks the word as the thread dies). */
static void test_stale_after_kill(void **state)
{
    struct rnr_anscache_view *v = NULL;
    struct anscache_hdr h;
    char buf[64];
    int status, hold;
    pid_t pid;

    (void)state;
    for (hold = 0; hold <= 1; hold++) {
        pid = fork_writer(hold);
        read_hdr(&h);
        assert_int_equal(h.live_held, (uint32_t)hold);
        if (hold)   /* one thread: its id is the pid */
            assert_int_equal(h.live.word, (uint32_t)pid);
        assert_int_equal(rnr_anscache_open(g_path, &v), 0);
        assert_int_equal(get_str(v, "k", buf, sizeof(buf)), HIT);
        assert_string_equal(buf, "from the child");
        /* Stopped is not dead. */
        assert_int_equal(kill(pid, SIGSTOP), 0);
        assert_int_equal(waitpid(pid, &status, WUNTRACED), pid);
        assert_int_equal(get_str(v, "k", buf, sizeof(buf)), HIT);
        assert_int_equal(kill(pid, SIGKILL), 0);
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
        assert_int_equal(get_str(v, "k", buf, sizeof(buf)), STALE);
        if (hold) {
            read_hdr(&h);
            assert_true(h.live.word & FUTEX_OWNER_DIED);
        }
        rnr_anscache_close(v);
        v = NULL;
    }
}

/* A holding writer that shuts down cleanly unlocks: readers of its file
 * see it gone; a hold is taken once however often it is asked; a forked
 * child dying changes nothing. */
static void test_hold_then_destroy(void **state)
{
    struct rnr_anscache *c = NULL;
    struct rnr_anscache_view *v = NULL;
    char buf[64];
    int status;
    pid_t pid;

    (void)state;
    assert_int_equal(rnr_anscache_hold(NULL), WSAEINVAL);
    open_pair(64 << 10, &c, &v);
    assert_int_equal(rnr_anscache_hold(c), 0);
    assert_int_equal(rnr_anscache_hold(c), 0);
    assert_int_equal(put_str(c, "k", "v", FOREVER), 0);
    assert_int_equal(get_str(v, "k", buf, sizeof(buf)), HIT);
    /* A child of the holder (rnrd forks for snapshots) owns nothing: its
     * death leaves the word alone. */
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(0);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_int_equal(get_str(v, "k", buf, sizeof(buf)), HIT);
    rnr_anscache_destroy(c, 0);
    assert_int_equal(get_str(v, "k", buf, sizeof(buf)), STALE);
    rnr_anscache_close(v);
}

/* ---- a writer process and a reader racing ---- */

#define RACE_KEYS 64

/* Value: key number, serial, length, payload, then a checksum of it all. */
static size_t race_value(uint8_t *b, unsigned key, unsigned serial)
{
    uint32_t len = 16 + (serial * 97u + key * 13u) % 700, sum = 0;
    size_t i;

    memcpy(b, &key, 4);
    memcpy(b + 4, &serial, 4);
    memcpy(b + 8, &len, 4);
    for (i = 12; i < len - 4; i++)
        b[i] = (uint8_t)(serial + i * key);
    for (i = 0; i < len - 4; i++)
        sum = sum * 31 + b[i];
    memcpy(b + len - 4, &sum, 4);
    return len;
}

static int race_check(const uint8_t *b, size_t n, unsigned key)
{
    uint32_t k, len, sum = 0, want;
    size_t i;

    if (n < 16)
        return 0;
    memcpy(&k, b, 4);
    memcpy(&len, b + 8, 4);
    if (k != key || len != n)
        return 0;
    for (i = 0; i < n - 4; i++)
        sum = sum * 31 + b[i];
    memcpy(&want, b + n - 4, 4);
    return sum == want;
}

static void race_writer(int ready_fd)
{
    struct rnr_anscache *c = NULL;
    uint8_t val[1024];
    unsigned serial;

    /* Small: the data area wraps every few dozen puts. */
    if (rnr_anscache_create_sized(g_path, 4, 16384, &c) != 0 || write(ready_fd, "r", 1) != 1)
        _exit(1);
    for (serial = 0;; serial++) {
        unsigned key = serial % RACE_KEYS;
        char k[16];
        size_t n = race_value(val, key, serial);

        snprintf(k, sizeof(k), "race-%u", key);
        if (rnr_anscache_put(c, k, strlen(k), val, n, UINT64_MAX, rnr_anscache_gen(c)) != 0)
            _exit(2);
        if (serial % 5000 == 4999)
            rnr_anscache_invalidate(c);
    }
}

/* One reader: gets until it has run a second and seen 20000 hits (the
 * writer never stops, so hits come; the minute is only against a hang).
 * No cmocka asserts here: it also runs in a second thread. */
struct race_reader {
    struct rnr_anscache_view *v;
    unsigned long gets, hits, bad, stale;
};

static void *race_read(void *arg)
{
    struct race_reader *rr = arg;
    uint8_t buf[1024];
    uint64_t start = rnr_anscache_now_ms();

    while ((rnr_anscache_now_ms() - start < 1000 || rr->hits < 20000) &&
           rnr_anscache_now_ms() - start < 60000) {
        unsigned key = (unsigned)(rr->gets * 7 % RACE_KEYS);
        char k[16];
        size_t n = 0;
        int r;

        snprintf(k, sizeof(k), "race-%u", key);
        r = rnr_anscache_get(rr->v, k, strlen(k), buf, sizeof(buf), &n);
        if (r == STALE)
            rr->stale++;
        if (r == HIT) {
            rr->hits++;
            if (!race_check(buf, n, key))
                rr->bad++;
        }
        rr->gets++;
    }
    return NULL;
}

/* A writer process hammering puts, replaces and invalidations; two
 * threads of this process reading through one view. */
static void test_race(void **state)
{
    struct rnr_anscache_view *v = NULL;
    struct race_reader rr[2];
    pthread_t th;
    int p[2], status, i;
    pid_t pid;
    char b;

    (void)state;
    assert_int_equal(pipe(p), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(p[0]);
        race_writer(p[1]);
    }
    close(p[1]);
    assert_int_equal(read(p[0], &b, 1), 1);
    close(p[0]);
    assert_int_equal(rnr_anscache_open(g_path, &v), 0);
    memset(rr, 0, sizeof(rr));
    rr[0].v = rr[1].v = v;
    assert_int_equal(pthread_create(&th, NULL, race_read, &rr[1]), 0);
    race_read(&rr[0]);
    assert_int_equal(pthread_join(th, NULL), 0);
    assert_int_equal(kill(pid, SIGKILL), 0);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));   /* not an early exit: it was writing */
    for (i = 0; i < 2; i++) {
        print_message("race, reader %d: %lu gets, %lu hits, %lu torn\n", i, rr[i].gets,
                      rr[i].hits, rr[i].bad);
        assert_int_equal(rr[i].bad, 0);
        assert_int_equal(rr[i].stale, 0);
        assert_true(rr[i].hits >= 20000);
    }
    rnr_anscache_close(v);
}

static void write_file(const char *path, const void *b, size_t n)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

    assert_true(fd >= 0);
    assert_int_equal(write(fd, b, n), (ssize_t)n);
    close(fd);
}

/* A client maps only the file the daemon names: the same inode, the same
 * seed, an owner it trusts, writable by nobody else. */
static void test_open_vouched(void **state)
{
    struct rnr_anscache *c;
    struct rnr_anscache_view *v = NULL;
    struct rnr_anscache_id id, other;
    char copy[600], cmd[2600];
    uid_t me = geteuid(), nobody = me + 12345;

    (void)state;
    assert_int_equal(rnr_anscache_create(g_path, 65536, &c), 0);
    rnr_anscache_identity(c, &id);
    assert_int_equal(rnr_anscache_open_vouched(g_path, &id, &me, 1, &v), 0);
    rnr_anscache_close(v);
    v = NULL;
    /* Another owner than the trusted ones. */
    assert_int_equal(rnr_anscache_open_vouched(g_path, &id, &nobody, 1, &v), WSAEACCES);
    assert_int_equal(rnr_anscache_open_vouched(g_path, &id, NULL, 0, &v), WSAEACCES);
    /* Writable by the group or others. */
    assert_int_equal(chmod(g_path, 0664), 0);
    assert_int_equal(rnr_anscache_open_vouched(g_path, &id, &me, 1, &v), WSAEACCES);
    assert_int_equal(chmod(g_path, 0644), 0);
    /* Another seed. */
    other = id;
    other.seed ^= 1;
    assert_int_equal(rnr_anscache_open_vouched(g_path, &other, &me, 1, &v), WSAEACCES);
    /* A copy, byte for byte, renamed over it: another inode. */
    snprintf(copy, sizeof copy, "%s.copy", g_path);
    snprintf(cmd, sizeof cmd, "cp '%s' '%s' && mv '%s' '%s'", g_path, copy, copy, g_path);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(rnr_anscache_open(g_path, &v), 0);   /* a valid cache ... */
    rnr_anscache_close(v);
    v = NULL;
    assert_int_equal(rnr_anscache_open_vouched(g_path, &id, &me, 1, &v), WSAEACCES);
    assert_null(v);
    assert_int_equal(rnr_anscache_open_vouched(g_path, NULL, &me, 1, &v), WSAEINVAL);
    rnr_anscache_destroy(c, 0);
}

static void test_open_errors(void **state)
{
    struct rnr_anscache *c = NULL;
    struct rnr_anscache_view *v = NULL;
    static uint8_t img[64 << 10];
    char bad[600];
    struct anscache_hdr *h = (struct anscache_hdr *)img;
    int fd, i;

    (void)state;
    snprintf(bad, sizeof(bad), "%s/bad", g_dir);
    assert_int_equal(rnr_anscache_open(g_path, &v), WSASERVICE_NOT_FOUND);
    assert_int_equal(rnr_anscache_open("/nonexistent-dir/x.cache", &v), WSASERVICE_NOT_FOUND);
    assert_int_equal(rnr_anscache_open(g_dir, &v), WSAEINVAL);   /* a directory */
    assert_int_equal(mkfifo(bad, 0644), 0);                       /* a FIFO: no hang */
    assert_int_equal(rnr_anscache_open(bad, &v), WSAEINVAL);
    assert_int_equal(unlink(bad), 0);
    write_file(bad, "", 0);
    assert_int_equal(rnr_anscache_open(bad, &v), WSAEINVAL);
    for (i = 0; i < (int)sizeof(img); i++)
        img[i] = (uint8_t)(i * 7 + 3);
    write_file(bad, img, sizeof(img));
    assert_int_equal(rnr_anscache_open(bad, &v), WSAEINVAL);

    /* A real one, then changed a bit at a time. */
    assert_int_equal(rnr_anscache_create(g_path, sizeof(img), &c), 0);
    fd = open(g_path, O_RDONLY);
    assert_int_equal(read(fd, img, sizeof(img)), sizeof(img));
    close(fd);
    write_file(bad, img, sizeof(img));
    assert_int_equal(rnr_anscache_open(bad, &v), 0);
    rnr_anscache_close(v);
    v = NULL;
    write_file(bad, img, sizeof(img) - 4096);              /* truncated */
    assert_int_equal(rnr_anscache_open(bad, &v), WSAEINVAL);
    write_file(bad, img, sizeof(*h) - 1);                  /* half a header */
    assert_int_equal(rnr_anscache_open(bad, &v), WSAEINVAL);
    h->version++;                                          /* another version */
    write_file(bad, img, sizeof(img));
    assert_int_equal(rnr_anscache_open(bad, &v), WSAEINVAL);
    h->version--;
    h->magic ^= 1;
    write_file(bad, img, sizeof(img));
    assert_int_equal(rnr_anscache_open(bad, &v), WSAEINVAL);
    h->magic ^= 1;
    h->nbuckets *= 2;                                      /* sizes that do not add up */
    write_file(bad, img, sizeof(img));
    assert_int_equal(rnr_anscache_open(bad, &v), WSAEINVAL);
    h->nbuckets /= 2;
    h->data_size += 8;
    write_file(bad, img, sizeof(img));
    assert_int_equal(rnr_anscache_open(bad, &v), WSAEINVAL);
    assert_null(v);
    rnr_anscache_destroy(c, 1);
}

static void test_create_errors(void **state)
{
    struct rnr_anscache *c = NULL;
    char path[600];

    (void)state;
    assert_int_equal(rnr_anscache_create(g_path, (64 << 10) - 1, &c), WSAEINVAL);
    assert_int_equal(rnr_anscache_create(g_path, ((size_t)1 << 30) + 1, &c), WSAEINVAL);
    assert_int_equal(rnr_anscache_create_sized(g_path, 3, 4096, &c), WSAEINVAL);
    assert_int_equal(rnr_anscache_create_sized(g_path, 1, 4100, &c), WSAEINVAL);
    snprintf(path, sizeof(path), "%s/no/such/dir.cache", g_dir);
    errno = 0;
    assert_int_equal(rnr_anscache_create(path, 64 << 10, &c), WSASYSCALLFAILURE);
    assert_int_equal(errno, ENOENT);
    if (geteuid() != 0) {
        snprintf(path, sizeof(path), "%s/ro", g_dir);
        assert_int_equal(mkdir(path, 0555), 0);
        snprintf(path, sizeof(path), "%s/ro/x.cache", g_dir);
        assert_int_equal(rnr_anscache_create(path, 64 << 10, &c), WSAEACCES);
        assert_int_equal(errno, EACCES);
    }
    assert_null(c);
    /* Nothing left behind (no temporary file either). */
    assert_int_equal(access(g_path, F_OK), -1);
    /* A size not a multiple of the page is rounded up. */
    assert_int_equal(rnr_anscache_create(g_path, (64 << 10) + 1, &c), 0);
    {
        struct rnr_anscache_stats st;

        rnr_anscache_stats(c, &st);
        assert_int_equal(st.bytes, (64 << 10) + 4096);
    }
    rnr_anscache_destroy(c, 1);
}

static void test_path(void **state)
{
    char buf[64];

    (void)state;
    assert_int_equal(rnr_anscache_path("/run/rnrd/rnrd.sock", buf, sizeof(buf)), 0);
    assert_string_equal(buf, "/run/rnrd/rnrd.sock.cache");
    strcpy(buf, "untouched");
    assert_int_equal(rnr_anscache_path("/run/rnrd/rnrd.sock", buf, 25), WSAENOBUFS);
    assert_string_equal(buf, "untouched");
    assert_int_equal(rnr_anscache_path("/run/rnrd/rnrd.sock", buf, 26), 0);
    assert_string_equal(buf, "/run/rnrd/rnrd.sock.cache");
    assert_int_equal(rnr_anscache_path(NULL, buf, sizeof(buf)), WSAENOBUFS);
    assert_int_equal(rnr_anscache_path("x", NULL, 0), WSAENOBUFS);
}

/* The fuzz target's seeds (fuzz/corpus/anscache): small caches made by
 * the writer, one per shape (empty, a few entries, wrapped, invalidated,
 * expired entries), written only when RNR_ANSCACHE_SEEDS names a
 * directory. */
static void write_seed(const char *dir, int i)
{
    char src[600], dst[600], cmd[1400];

    snprintf(src, sizeof(src), "%s", g_path);
    snprintf(dst, sizeof(dst), "%s/seed-%02d", dir, i);
    snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", src, dst);
    assert_int_equal(system(cmd), 0);
}

static void test_write_seeds(void **state)
{
    const char *dir = getenv("RNR_ANSCACHE_SEEDS");
    struct rnr_anscache *c = NULL;
    uint8_t val[256];
    char key[32];
    unsigned i;

    (void)state;
    if (dir == NULL)
        skip();
    assert_int_equal(rnr_anscache_create_sized(g_path, 1, 1024, &c), 0);
    write_seed(dir, 0);
    for (i = 0; i < 5; i++) {
        snprintf(key, sizeof(key), "key-%u", i);
        assert_int_equal(rnr_anscache_put(c, key, strlen(key), val,
                                          make_value(val, i, 0, 10 + i * 9), UINT64_MAX,
                                          rnr_anscache_gen(c)), 0);
    }
    write_seed(dir, 1);
    rnr_anscache_destroy(c, 1);
    assert_int_equal(rnr_anscache_create_sized(g_path, 1, 2048, &c), 0);
    for (i = 5; i < 40; i++) {
        snprintf(key, sizeof(key), "key-%u", i % 12);
        assert_int_equal(rnr_anscache_put(c, key, strlen(key), val,
                                          make_value(val, i, 1, 10 + i * 3), UINT64_MAX,
                                          rnr_anscache_gen(c)), 0);
    }
    write_seed(dir, 2);
    rnr_anscache_invalidate(c);
    assert_int_equal(put_str(c, "after", "invalidation", UINT64_MAX), 0);
    assert_int_equal(put_str(c, "short-lived", "x", later(1)), 0);
    write_seed(dir, 3);
    rnr_anscache_destroy(c, 1);
    assert_int_equal(rnr_anscache_create_sized(g_path, 4, 2048, &c), 0);
    for (i = 0; i < 30; i++) {
        snprintf(key, sizeof(key), "k%u", i);
        assert_int_equal(rnr_anscache_put(c, key, strlen(key), val,
                                          make_value(val, i, 2, 8 + i * 5), UINT64_MAX,
                                          rnr_anscache_gen(c)), 0);
    }
    write_seed(dir, 4);
    /* Held by this thread: the liveness word names a live owner. */
    assert_int_equal(rnr_anscache_hold(c), 0);
    write_seed(dir, 5);
    rnr_anscache_destroy(c, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_replace, setup, teardown),
        cmocka_unit_test_setup_teardown(test_expiry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_generation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wrap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stats, setup, teardown),
        cmocka_unit_test_setup_teardown(test_too_large, setup, teardown),
        cmocka_unit_test_setup_teardown(test_collision, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stale_after_destroy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stale_after_kill, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hold_then_destroy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_race, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_vouched, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_create_errors, setup, teardown),
        cmocka_unit_test(test_path),
        cmocka_unit_test_setup_teardown(test_write_seeds, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
