/* SPDX-License-Identifier: MIT */
/*
 * librnr's side of the answer cache (nsp/anscache.h, doc/anscache.md):
 * rnrd's cache file mapped read-only, probed by WSALookupServiceBegin
 * with the bytes it would send, so a repeated lookup is answered without
 * a round trip.
 *
 * One mapping per process, opened on first use: the library asks the
 * daemon it talks to which file its cache is (ANSWER_CACHE) and maps the
 * file next to the socket only when it is that very one.  When there is
 * none (answer-cache-size = 0, no daemon) another try waits a second, so
 * a process without a cache pays one request a second, not one per
 * lookup.  When the daemon is gone the
 * probe says "stale": the mapping is dropped, the lookup goes to the
 * socket (and learns WSASYSNOTREADY there), and a later lookup maps the
 * new daemon's file.  RNR_ANSWER_CACHE=0 in the environment turns the
 * probe off (tests of a provider's own cache use it).
 *
 * rnrd never sees a hit, so the library counts its hits and misses and
 * reports them (CACHE_REPORT) for `rnrctl stats`: at most once a second
 * while lookups go on, at the final WSACleanup and at exit.
 */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alloc.h"
#include "anscache.h"
#include "answers.h"
#include "conn.h"
#include "peer.h"
#include "queryset.h"
#include "wire.h"

#define RETRY_MS        1000u

/* Each thread counts on its own and adds to the process's totals every
 * FLUSH_EVERY lookups or REPORT_MS, so that threads probing at once
 * never write a shared cache line per lookup; what the process has
 * gathered goes to rnrd every REPORT_MS (or REPORT_AFTER lookups). */
#define FLUSH_EVERY     64u
#define REPORT_MS       1000u
#define REPORT_AFTER    4096u

/* Readers take the current view with one atomic load and no lock: a
 * lookup costs no lock traffic between threads.  A view is therefore never
 * unmapped while the process may be using it: a stale one (its daemon
 * gone) is retired, and retired views are unmapped by the final
 * WSACleanup.  Daemon restarts are rare; past MAX_RETIRED of them the
 * probe turns itself off rather than keep more mappings.  The open lock
 * (a plain mutex: it is taken across fork) covers opening and retiring. */
#define MAX_RETIRED 16u

static pthread_mutex_t g_open_lock = PTHREAD_MUTEX_INITIALIZER;
static struct rnr_anscache_view *g_view;     /* atomic loads and stores */
static struct rnr_anscache_view *g_retired[MAX_RETIRED];   /* open lock */
static unsigned g_nretired;                  /* open lock */
static uint64_t g_next_try_ms;               /* written under the open lock, atomic */
static int g_off = -1;                       /* atomic; -1: environment not read yet */
static unsigned g_epoch;                     /* open lock: bumped by the final WSACleanup */

struct probe_count {
    uint32_t hits, misses;
    uint64_t flush_ms;          /* coarse clock: flush at or after it */
};
static __thread struct probe_count t_count;
static uint64_t g_hits, g_misses;            /* atomic: gathered, not reported yet */
static uint64_t g_report_ms;                 /* atomic: next report at or after it */

static int cache_off(void)
{
    int off = __atomic_load_n(&g_off, __ATOMIC_RELAXED);

    if (off < 0) {
        const char *e = getenv("RNR_ANSWER_CACHE");

        off = e != NULL && strcmp(e, "0") == 0;
        __atomic_store_n(&g_off, off, __ATOMIC_RELAXED);
    }
    return off;
}

static int get_u64(struct rnr_rbuf *r, uint64_t *v)
{
    uint32_t lo, hi;

    if (rnr_wire_get_u32(r, &lo) != 0 || rnr_wire_get_u32(r, &hi) != 0)
        return -1;
    *v = (uint64_t)hi << 32 | lo;
    return 0;
}

/* Asks the daemon which file its cache is (ANSWER_CACHE, on the calling
 * thread's connection, so from a daemon nsp/peer.h trusts) and maps that
 * file if it is still there: the same device and inode, the same header
 * seed, owned by a uid trusted for the socket and writable by nobody
 * else.  A file merely found next to the socket is never read: a copy of
 * another daemon's cache renamed there would serve that daemon's
 * answers, and its liveness word would even say "alive".  A round trip:
 * the open lock is not held.  The view, or NULL. */
static struct rnr_anscache_view *view_fetch(void)
{
    struct rnr_anscache_view *v = NULL;
    struct rnr_anscache_id id;
    struct rnr_peer_trust t;
    struct rnr_call call;
    struct rnr_rbuf r;
    const char *sock;
    char path[4200];

    if (rnr_call_start(&call, RNR_MSG_ANSWER_CACHE) != 0 || rnr_call_run(&call) != 0)
        goto done;   /* no daemon, or no cache (WSASERVICE_NOT_FOUND) */
    rnr_rbuf_init(&r, call.body, call.len);
    if (get_u64(&r, &id.dev) != 0 || get_u64(&r, &id.ino) != 0 ||
        get_u64(&r, &id.seed) != 0 || rnr_rbuf_finish(&r) != 0) {
        rnr_call_bad_reply(&call);
        goto done;
    }
    sock = rnr_conn_path(call.conn);
    rnr_peer_trusted(sock, &t);
    if (rnr_anscache_path(sock, path, sizeof path) == 0)
        rnr_anscache_open_vouched(path, &id, t.uids, t.n, &v);
done:
    rnr_call_cleanup(&call);
    return v;
}

/* The current view, mapped now if there is none and the retry time has
 * come; NULL when there is none. */
static struct rnr_anscache_view *view_get(void)
{
    struct rnr_anscache_view *v, *cur;
    uint64_t now = rnr_conn_now_ms();
    unsigned epoch;

    pthread_mutex_lock(&g_open_lock);
    v = __atomic_load_n(&g_view, __ATOMIC_RELAXED);
    if (v != NULL || now < g_next_try_ms || g_nretired >= MAX_RETIRED) {
        pthread_mutex_unlock(&g_open_lock);
        return v;
    }
    /* Other threads meanwhile go to the socket, without waiting here. */
    __atomic_store_n(&g_next_try_ms, now + RETRY_MS, __ATOMIC_RELAXED);
    epoch = g_epoch;
    pthread_mutex_unlock(&g_open_lock);

    v = view_fetch();
    if (v == NULL)
        return NULL;
    pthread_mutex_lock(&g_open_lock);
    cur = __atomic_load_n(&g_view, __ATOMIC_RELAXED);
    if (cur == NULL && epoch == g_epoch) {
        __atomic_store_n(&g_view, v, __ATOMIC_RELEASE);
    } else {
        /* Another thread mapped one first, or WSACleanup came: nobody
         * has seen this view. */
        rnr_anscache_close(v);
        v = cur;
    }
    pthread_mutex_unlock(&g_open_lock);
    return v;
}

/* v answered "stale": retire it (open lock not held). */
static void view_retire(struct rnr_anscache_view *v)
{
    pthread_mutex_lock(&g_open_lock);
    if (__atomic_load_n(&g_view, __ATOMIC_RELAXED) == v) {
        __atomic_store_n(&g_view, NULL, __ATOMIC_RELEASE);
        g_retired[g_nretired++] = v;    /* view_open stops at MAX_RETIRED */
        __atomic_store_n(&g_next_try_ms, 0, __ATOMIC_RELAXED);   /* map the new file next */
    }
    pthread_mutex_unlock(&g_open_lock);
}

/* The value into results on lk: u32 status, u32 count, count x (u32
 * length, RESULT body).  0, or -1 when it does not decode (a miss). */
static int answer_decode(const uint8_t *val, size_t len, struct rnr_lookup *lk)
{
    struct rnr_result *head = NULL, **tail = &head, *r;
    struct rnr_rbuf rb;
    uint32_t status, count, i;

    rnr_rbuf_init(&rb, val, len);
    if (rnr_wire_get_u32(&rb, &status) != 0 || rnr_wire_get_u32(&rb, &count) != 0 ||
        status > INT32_MAX)
        return -1;
    for (i = 0; i < count; i++) {
        struct rnr_rbuf one;
        uint32_t n;

        if (rnr_wire_get_u32(&rb, &n) != 0 || n > rb.left)
            goto fail;
        rnr_rbuf_init(&one, rb.p, n);
        rb.p += n;
        rb.left -= n;
        if ((r = rnr_calloc(1, sizeof *r)) == NULL)
            goto fail;
        *tail = r;
        tail = &r->next;
        if (rnr_wire_get_queryset(&one, &r->qs, &r->size) != 0 || rnr_rbuf_finish(&one) != 0)
            goto fail;
    }
    if (rnr_rbuf_finish(&rb) != 0)
        goto fail;
    lk->head = head;
    lk->tail = head != NULL ? tail : &lk->head;
    lk->done = 1;
    lk->done_status = (int)status;
    lk->from_cache = 1;
    return 0;
fail:
    while ((r = head) != NULL) {
        head = r->next;
        rnr_free(r->qs);
        rnr_free(r);
    }
    return -1;
}

/* A clock good to a few milliseconds, for the counting timers: it costs
 * no system call and less than the precise one. */
static uint64_t coarse_now_ms(void)
{
    struct timespec ts;

    if (clock_gettime(CLOCK_MONOTONIC_COARSE, &ts) != 0)
        return 0;
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void count_flush(void)
{
    if (t_count.hits != 0)
        __atomic_fetch_add(&g_hits, t_count.hits, __ATOMIC_RELAXED);
    if (t_count.misses != 0)
        __atomic_fetch_add(&g_misses, t_count.misses, __ATOMIC_RELAXED);
    t_count.hits = t_count.misses = 0;
}

/* Send what the process has gathered on c; kept for later if it cannot
 * be sent. */
static void count_report(struct rnr_conn *c)
{
    uint64_t hits = __atomic_exchange_n(&g_hits, 0, __ATOMIC_RELAXED);
    uint64_t misses = __atomic_exchange_n(&g_misses, 0, __ATOMIC_RELAXED);

    if ((hits | misses) == 0)
        return;
    if (rnr_conn_send_cache_report(c, hits, misses) != 0) {
        __atomic_fetch_add(&g_hits, hits, __ATOMIC_RELAXED);
        __atomic_fetch_add(&g_misses, misses, __ATOMIC_RELAXED);
    }
}

static void count(struct rnr_conn *c, int hit)
{
    uint64_t now, due;

    if (hit)
        t_count.hits++;
    else
        t_count.misses++;
    if (t_count.hits + t_count.misses < FLUSH_EVERY) {
        now = coarse_now_ms();
        if (t_count.flush_ms == 0)
            t_count.flush_ms = now + REPORT_MS;     /* a thread's first probe */
        if (now < t_count.flush_ms)
            return;
    } else {
        now = coarse_now_ms();
    }
    t_count.flush_ms = now + REPORT_MS;
    count_flush();
    /* One thread reports: the one that moves the time on. */
    due = __atomic_load_n(&g_report_ms, __ATOMIC_RELAXED);
    if (now < due && __atomic_load_n(&g_hits, __ATOMIC_RELAXED) +
                     __atomic_load_n(&g_misses, __ATOMIC_RELAXED) < REPORT_AFTER)
        return;
    if (__atomic_compare_exchange_n(&g_report_ms, &due, now + REPORT_MS, 0,
                                    __ATOMIC_RELAXED, __ATOMIC_RELAXED))
        count_report(c);
}

void rnr_answers_report_now(void)
{
    struct rnr_conn *c;

    count_flush();
    if ((__atomic_load_n(&g_hits, __ATOMIC_RELAXED) |
         __atomic_load_n(&g_misses, __ATOMIC_RELAXED)) == 0)
        return;
    if ((c = rnr_conn_any_live()) == NULL)
        return;      /* no daemon to tell: the figures stay here */
    count_report(c);
    rnr_conn_put(c);
}

/* A process that ends without the final WSACleanup (most programs, and
 * every one resolving through the NSS module) still reports, if it has a
 * connection open; only what other threads counted since their last flush
 * is lost. */
__attribute__((destructor)) static void answers_at_exit(void)
{
    rnr_answers_report_now();
}

int rnr_answers_try(struct rnr_conn *c, const uint8_t *key, size_t klen, struct rnr_lookup *lk)
{
    struct rnr_anscache_view *v;
    uint8_t buf[RNR_ANSCACHE_VALUE_MAX];
    size_t vlen = 0;
    int rc;

    if (cache_off())
        return 0;
    v = __atomic_load_n(&g_view, __ATOMIC_ACQUIRE);
    if (v == NULL) {
        /* No cache to read (none yet, or rnrd has none): the open lock
         * only once the retry time has come, not on every lookup. */
        if (rnr_conn_now_ms() < __atomic_load_n(&g_next_try_ms, __ATOMIC_RELAXED))
            return 0;
        if ((v = view_get()) == NULL)
            return 0;
    }
    rc = rnr_anscache_get(v, key, klen, buf, sizeof buf, &vlen);
    if (rc == RNR_ANSCACHE_STALE) {
        view_retire(v);     /* not a miss: there was no cache to ask */
        return 0;
    }
    rc = rc == RNR_ANSCACHE_HIT && answer_decode(buf, vlen, lk) == 0;
    count(c, rc);
    return rc;
}

void rnr_answers_shutdown(void)
{
    unsigned i;

    pthread_mutex_lock(&g_open_lock);
    rnr_anscache_close(__atomic_exchange_n(&g_view, NULL, __ATOMIC_ACQ_REL));
    for (i = 0; i < g_nretired; i++)
        rnr_anscache_close(g_retired[i]);
    g_nretired = 0;
    g_epoch++;
    __atomic_store_n(&g_next_try_ms, 0, __ATOMIC_RELAXED);
    pthread_mutex_unlock(&g_open_lock);
}

void rnr_answers_atfork_prepare(void)
{
    pthread_mutex_lock(&g_open_lock);
}

void rnr_answers_atfork_release(void)
{
    pthread_mutex_unlock(&g_open_lock);
}

void rnr_answers_atfork_child(void)
{
    /* The parent reports its own lookups; the child starts from zero. */
    t_count.hits = t_count.misses = 0;
    __atomic_store_n(&g_hits, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&g_misses, 0, __ATOMIC_RELAXED);
    pthread_mutex_unlock(&g_open_lock);
}
