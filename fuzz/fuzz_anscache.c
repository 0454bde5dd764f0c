/* SPDX-License-Identifier: MIT */
/*
 * The answer cache's reader (nsp/anscache_read.c), as librnr maps rnrd's
 * cache file: the input is the whole file.  Open must accept it or say
 * WSAEINVAL; once open, a lookup aimed at every slot (its own tag, the
 * key its record claims to hold) must answer exactly what a plain model
 * of the rules says (doc/anscache.md, "What a reader checks"), never
 * crash or read outside the mapping; a lookup by the public get is a hit
 * or a miss while the input's "writer" (this target) holds the lock, and
 * stale once it lets go, unless the file says its writer holds the
 * liveness mutex: then the mutex's word alone decides.
 */
#include "config.h"

#include <fcntl.h>
#include <linux/futex.h>
#include <string.h>
#include <unistd.h>

#include <rnr/winsock2.h>

#include "anscache_int.h"

#include "fuzz.h"

#define KEY_MAX   (64u << 10)
#define SLOTS_MAX 1024u

struct model {
    const uint8_t        *file;
    struct anscache_hdr   h;
    const uint8_t        *data;
};

static void slot_at(const struct model *m, uint64_t i, struct anscache_slot *s)
{
    memcpy(s, m->file + m->h.index_off + i * sizeof(*s), sizeof(*s));
}

/* The rules, written plainly over the static bytes: the value's offset in
 * the data area when slot s answers key, or -1. */
static int64_t model_slot(const struct model *m, const struct anscache_slot *s,
                          const uint8_t *key, size_t klen, uint32_t tag, uint64_t now,
                          size_t buflen)
{
    uint64_t ds = m->h.data_size, pos = s->pos, head = m->h.head, off, need;

    if ((s->seq & 1) || !s->used || s->tag != tag || s->gen != m->h.gen || s->klen != klen ||
        s->expires <= now || s->vlen > buflen)
        return -1;
    off = pos % ds;
    need = ANSCACHE_REC_HDR + (uint64_t)klen + s->vlen;
    if (off + need > ds || memcmp(m->data + off + ANSCACHE_REC_HDR, key, klen) != 0)
        return -1;
    if (head < pos || head - pos > ds || head - pos < need)
        return -1;
    return (int64_t)(off + ANSCACHE_REC_HDR + klen);
}

/* The first slot of the bucket that answers: its value's offset, and its
 * length in *vlen; -1 for a miss. */
static int64_t model_lookup(const struct model *m, const uint8_t *key, size_t klen,
                            uint32_t tag, uint64_t now, size_t buflen, size_t *vlen)
{
    uint64_t first = (uint64_t)(tag & (m->h.nbuckets - 1)) * ANSCACHE_WAYS, i;
    struct anscache_slot s;
    int64_t at;

    for (i = first; i < first + ANSCACHE_WAYS; i++) {
        slot_at(m, i, &s);
        at = model_slot(m, &s, key, klen, tag, now, buflen);
        if (at >= 0) {
            *vlen = s.vlen;
            return at;
        }
    }
    return -1;
}

static void probe(struct rnr_anscache_view *v, const struct model *m, const uint8_t *key,
                  size_t klen, uint32_t tag, size_t buflen)
{
    static uint8_t buf[KEY_MAX];
    uint64_t before, after;
    int64_t at1, at2;
    size_t n = 0, n1 = 0, n2 = 0;
    int r;

    before = rnr_anscache_now_ms();
    r = rnr_anscache_lookup(v, key, klen, tag, buf, buflen, &n);
    after = rnr_anscache_now_ms();
    FUZZ_CHECK(r == RNR_ANSCACHE_HIT || r == RNR_ANSCACHE_MISS);
    at1 = model_lookup(m, key, klen, tag, before, buflen, &n1);
    at2 = model_lookup(m, key, klen, tag, after, buflen, &n2);
    if (at1 != at2 || n1 != n2)
        return;     /* an entry expired during the call: either answer */
    if (at1 < 0) {
        FUZZ_CHECK(r == RNR_ANSCACHE_MISS);
        return;
    }
    FUZZ_CHECK(r == RNR_ANSCACHE_HIT);
    FUZZ_CHECK(n == n1 && n <= buflen);
    FUZZ_CHECK(n == 0 || memcmp(buf, m->data + at1, n) == 0);
}

/* Every slot, asked for the key its record claims (or as many zeros when
 * the record is outside the data area) under its own tag. */
static void probe_slots(struct rnr_anscache_view *v, const struct model *m)
{
    static const uint8_t zeros[KEY_MAX];
    uint64_t nslots = (uint64_t)m->h.nbuckets * ANSCACHE_WAYS, i, off;
    struct anscache_slot s;
    const uint8_t *key;

    for (i = 0; i < nslots && i < SLOTS_MAX; i++) {
        slot_at(m, i, &s);
        if (s.klen > KEY_MAX)
            continue;
        off = s.pos % m->h.data_size;
        key = off + ANSCACHE_REC_HDR + s.klen <= m->h.data_size
                  ? m->data + off + ANSCACHE_REC_HDR : zeros;
        probe(v, m, key, s.klen, s.tag, KEY_MAX);
        if (s.vlen > 0 && s.vlen <= KEY_MAX) {
            probe(v, m, key, s.klen, s.tag, s.vlen);
            probe(v, m, key, s.klen, s.tag, s.vlen - 1);   /* one byte short: a miss */
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
    struct rnr_anscache_view *v = NULL;
    struct model m;
    uint8_t buf[256];
    char path[64];
    size_t n = 0;
    int fd, rc, tries;

    if (fuzz_memfile(data, size, path, sizeof path, &fd) != 0)
        return 0;
    /* This target is the writer: the reader opens path as a new file
     * description, which sees this one's lock. */
    FUZZ_CHECK(fcntl(fd, F_OFD_SETLK, &fl) == 0);
    rc = rnr_anscache_open(path, &v);
    if (rc != 0) {
        FUZZ_CHECK(rc == WSAEINVAL && v == NULL);
        goto done;
    }
    FUZZ_CHECK(size >= sizeof(m.h));
    m.file = data;
    memcpy(&m.h, data, sizeof(m.h));
    FUZZ_CHECK(m.h.file_size == size && m.h.data_off + m.h.data_size == size);
    m.data = data + m.h.data_off;
    probe_slots(v, &m);

    /* The public entry: a key from the data area, hashed with the seed. */
    rc = rnr_anscache_get(v, m.data, m.h.data_size < 24 ? m.h.data_size : 24, buf,
                          sizeof(buf), &n);
    if (m.h.live_held != 0) {
        /* The file says its writer holds the robust mutex: liveness is
         * that word's, whatever the lock (rnr_anscache_hold). */
        uint32_t w = m.h.live.word;
        int alive = (w & FUTEX_TID_MASK) != 0 && (w & FUTEX_OWNER_DIED) == 0;

        FUZZ_CHECK(alive ? rc != RNR_ANSCACHE_STALE : rc == RNR_ANSCACHE_STALE);
        close(fd);
        fd = -1;
        rc = rnr_anscache_get(v, "k", 1, buf, sizeof(buf), &n);
        FUZZ_CHECK(alive ? rc != RNR_ANSCACHE_STALE : rc == RNR_ANSCACHE_STALE);
        goto done;
    }
    FUZZ_CHECK(rc == RNR_ANSCACHE_HIT || rc == RNR_ANSCACHE_MISS);
    close(fd);      /* the writer goes */
    fd = -1;
    /* The lock goes with the last reference to the file description,
     * and another process may hold one for an instant (anything reading
     * /proc/PID/fd*): seen once in 1.5 million runs.  Stale within a
     * second, then. */
    for (tries = 0; tries < 1000; tries++) {
        rc = rnr_anscache_get(v, "k", 1, buf, sizeof(buf), &n);
        FUZZ_CHECK(rc == RNR_ANSCACHE_STALE || rc == RNR_ANSCACHE_MISS || rc == RNR_ANSCACHE_HIT);
        if (rc == RNR_ANSCACHE_STALE)
            break;
        usleep(1000);
    }
    FUZZ_CHECK(rc == RNR_ANSCACHE_STALE);
done:
    rnr_anscache_close(v);
    if (fd >= 0)
        close(fd);
    return 0;
}
