/* SPDX-License-Identifier: MIT */
/*
 * rnrd's side of the answer cache (nsp/anscache.h, doc/anscache.md): the
 * file next to the socket, what a lookup records on its way, and what
 * invalidates.
 *
 * A lookup is stored when it was delivered whole (every result reached
 * the client's queue, none dropped for a limit) and every provider that
 * took part called lookup_reusable: the entry lives for the shortest of
 * their times, under the generation read when the lookup began, so an
 * answer computed across an invalidation is never served.
 *
 * The key is the LOOKUP_BEGIN body as the client encodes it (flags, then
 * the query set) with LUP_FLUSHCACHE cleared: librnr builds the same
 * bytes for its probe, and a LUP_FLUSHCACHE lookup, which never reads
 * the cache, refreshes the entry the others read.  The value: u32 final
 * status, u32 number of results, then each result as u32 length and its
 * RESULT body.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "alloc.h"
#include "anscache.h"
#include "log.h"
#include "lookup.h"
#include "rnrd.h"
#include "wire_ops.h"

int rnrd_answers_open(struct rnrd *d)
{
    char path[4096];
    int rc;

    if (d->answer_cache_size == 0) {
        log_info("answer cache: off (answer-cache-size = 0)");
        return 0;
    }
    if (rnr_anscache_path(d->socket_path, path, sizeof path) != 0) {
        log_warning("answer cache: off (%s.cache: path too long)", d->socket_path);
        return 0;
    }
    rc = rnr_anscache_create(path, d->answer_cache_size, &d->answers);
    if (rc != 0) {
        /* Lookups still work, each through the socket. */
        log_warning("answer cache: off (%s: %s)", path,
                    rc == WSAEINVAL ? "bad answer-cache-size" : strerror(errno));
        return 0;
    }
    log_info("answer cache: %s, %zu bytes", path, d->answer_cache_size);
    return 0;
}

void rnrd_answers_hold(struct rnrd *d)
{
    int rc;

    if (d->answers == NULL)
        return;
    /* Without it readers still see a dead daemon, through the file lock,
     * at the price of a system call per probe. */
    if ((rc = rnr_anscache_hold(d->answers)) != 0)
        log_info("answer cache: readers ask the file lock (%s)",
                 rc == WSAEOPNOTSUPP ? "this C library keeps its mutex elsewhere"
                                     : "cannot lock the liveness mutex");
}

void rnrd_answers_close(struct rnrd *d)
{
    rnr_anscache_destroy(d->answers, 1);
    d->answers = NULL;
}

void rnrd_answers_changed(struct rnrd *d)
{
    if (d->answers != NULL)
        rnr_anscache_invalidate(d->answers);
}

/* u64 as the protocol writes it: low half, high half. */
static void put_u64(struct rnr_wbuf *w, uint64_t v)
{
    rnr_wire_put_u32(w, (uint32_t)v);
    rnr_wire_put_u32(w, (uint32_t)(v >> 32));
}

int rnrd_answers_request(struct rnrd_client *c, uint32_t id, struct rnr_rbuf *r)
{
    struct rnr_anscache_id ai;
    struct rnr_wbuf *w;

    if (rnr_rbuf_finish(r) != 0)
        return -1;
    if (c->d->answers == NULL) {
        rnrd_reply_status(c, RNR_MSG_ANSWER_CACHE, id, WSASERVICE_NOT_FOUND);
        return 0;
    }
    /* Clients map the file only when it is this very one: a file renamed
     * over it, or a copy of another daemon's, is not. */
    rnr_anscache_identity(c->d->answers, &ai);
    w = rnrd_reply_begin(c, RNR_MSG_ANSWER_CACHE, id);
    put_u64(w, ai.dev);
    put_u64(w, ai.ino);
    put_u64(w, ai.seed);
    rnrd_reply_end(c, RNR_MSG_ANSWER_CACHE, id);
    return 0;
}

static uint64_t add_saturating(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

int rnrd_answers_take_report(struct rnrd *d, const uint8_t *body, size_t len)
{
    struct rnr_rbuf r;
    uint64_t hits, misses;

    rnr_rbuf_init(&r, body, len);
    if (rnr_wire_get_u64(&r, &hits) != 0 || rnr_wire_get_u64(&r, &misses) != 0 ||
        rnr_rbuf_finish(&r) != 0)
        return -1;
    d->stats.answer_hits = add_saturating(d->stats.answer_hits, hits);
    d->stats.answer_misses = add_saturating(d->stats.answer_misses, misses);
    return 0;
}

/* Hits are answered inside the clients, so only they can count them; what
 * they report is their word (a client can lie about its own lookups, and
 * so skew the rate: SECURITY.md).  Sums saturate rather than wrap. */
int rnrd_answers_report(struct rnrd_client *c, uint32_t id, struct rnr_rbuf *r)
{
    if (rnrd_answers_take_report(c->d, r->p, r->left) != 0)
        return -1;
    rnrd_reply_status(c, RNR_MSG_CACHE_REPORT, id, 0);
    return 0;
}

void rnrd_answers_lookup_begin(struct rnrd_lookup *l, const uint8_t *body, size_t len)
{
    struct rnrd *d = l->client->d;
    uint32_t flags;

    if (d->answers == NULL || len < 4)
        return;
    if ((l->ans_key = rnr_malloc(len)) == NULL)
        return;     /* not stored: nothing else changes */
    memcpy(l->ans_key, body, len);
    flags = rnr_le32_load(body) & ~(uint32_t)LUP_FLUSHCACHE;
    rnr_le32_store(l->ans_key, flags);
    l->ans_klen = len;
    l->ans_gen = rnr_anscache_gen(d->answers);
    l->ans_ok = 1;
    rnr_wbuf_init(&l->ans_val);
    rnr_wire_put_u32(&l->ans_val, 0);    /* status, set when done */
    rnr_wire_put_u32(&l->ans_val, 0);    /* count */
}

void rnrd_answers_lookup_result(struct rnrd_lookup *l, const uint8_t *frame, size_t len)
{
    if (!l->ans_ok)
        return;
    /* Past what an entry may hold, the answer is never stored: stop
     * gathering now rather than hold it all to the end. */
    if (len < RNR_WIRE_HDR_LEN ||
        l->ans_val.len + 4 + (len - RNR_WIRE_HDR_LEN) > RNR_ANSCACHE_VALUE_MAX) {
        rnr_wbuf_free(&l->ans_val);
        l->ans_ok = 0;
        return;
    }
    rnr_wire_put_bytes(&l->ans_val, frame + RNR_WIRE_HDR_LEN,
                       (uint32_t)(len - RNR_WIRE_HDR_LEN), 0);
    l->ans_count++;
    if (l->ans_val.error != 0)
        l->ans_ok = 0;
}

void rnrd_answers_lookup_done(struct rnrd_lookup *l, int status)
{
    struct rnrd *d = l->client->d;
    uint64_t ms = UINT64_MAX;
    size_t i;

    if (!l->ans_ok || d->answers == NULL)
        return;
    for (i = 0; i < l->nsubs; i++) {
        const struct rnr_nsp_lookup *s = l->subs[i];

        if (!s->reusable)
            return;
        if (s->reusable_ms < ms)
            ms = s->reusable_ms;
    }
    /* librnr would never read a larger one: storing it would only evict
     * answers it does read. */
    if (ms == 0 || l->ans_val.len < 8 || l->ans_val.len > RNR_ANSCACHE_VALUE_MAX)
        return;
    rnr_le32_store(l->ans_val.data, (uint32_t)status);
    rnr_le32_store(l->ans_val.data + 4, (uint32_t)l->ans_count);
    if (rnr_anscache_put(d->answers, l->ans_key, l->ans_klen, l->ans_val.data,
                         l->ans_val.len, rnrd_now_ms() + ms, l->ans_gen) == 0)
        d->stats.answers_stored++;
}

void rnrd_answers_lookup_free(struct rnrd_lookup *l)
{
    rnr_free(l->ans_key);
    l->ans_key = NULL;
    rnr_wbuf_free(&l->ans_val);
    l->ans_ok = 0;
}
