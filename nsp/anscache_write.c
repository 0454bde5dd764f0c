/* SPDX-License-Identifier: MIT */
/*
 * The answer cache's writer (anscache.h, doc/anscache.md): rnrd's side.
 *
 * A put appends a record (key, value) at the head of the circular data
 * area, first invalidating every slot whose record the new bytes cover
 * (walking the records from the tail, the oldest), then points a slot of
 * the key's bucket at it.  Slots change under their sequence counter;
 * the head is published before the bytes it claims are written, so a
 * reader can tell both a slot and a record that changed under it.
 */
#include "config.h"

#include "anscache_int.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rnr/winsock2.h>

#include "alloc.h"
#include "hash.h"

#define CACHE_MIN_BYTES ((size_t)64 << 10)
#define CACHE_MAX_BYTES ((size_t)1 << 30)
#define CACHE_PAGE      4096u

struct rnr_anscache {
    int                   fd;
    char                 *path;
    uint8_t              *map;
    size_t                size;
    dev_t                 dev;
    ino_t                 ino;
    struct anscache_hdr  *hdr;
    struct anscache_slot *slots;
    uint8_t              *data;
    uint64_t              data_size;
    uint32_t              nbuckets;
    uint64_t              head;      /* == hdr->head, which only we write */
    uint64_t              tail;      /* oldest record not yet overwritten */
    int                   held;      /* hdr->live locked by this process */
    struct rnr_anscache_stats st;
};

_Static_assert(sizeof(pthread_mutex_t) <= sizeof(((struct anscache_hdr *)0)->live),
               "the liveness mutex fits its place in the header");

static int fs_error(int err)
{
    return (err == EACCES || err == EPERM || err == EROFS) ? WSAEACCES : WSASYSCALLFAILURE;
}

static void layout_init(struct anscache_hdr *h, uint32_t nbuckets, uint64_t data_size)
{
    h->magic = ANSCACHE_MAGIC;
    h->version = ANSCACHE_VERSION;
    h->hdr_size = sizeof(struct anscache_hdr);
    h->slot_size = sizeof(struct anscache_slot);
    h->ways = ANSCACHE_WAYS;
    h->nbuckets = nbuckets;
    h->index_off = sizeof(struct anscache_hdr);
    h->data_off = h->index_off + (uint64_t)nbuckets * ANSCACHE_WAYS * sizeof(struct anscache_slot);
    h->data_size = data_size;
    h->file_size = h->data_off + data_size;
    h->seed = rnr_hash_seed();
    atomic_store_explicit(&h->gen, 1, memory_order_relaxed);
    atomic_store_explicit(&h->head, 0, memory_order_relaxed);
}

int rnr_anscache_create_sized(const char *path, uint32_t nbuckets, size_t data_size,
                              struct rnr_anscache **out)
{
    static const char sfx[] = ".XXXXXX";
    struct rnr_anscache *c = NULL;
    struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
    struct stat st;
    char *tmp = NULL;
    size_t plen, size;
    int fd = -1, rc, err = 0;

    if (path == NULL || out == NULL || nbuckets == 0 || nbuckets > ANSCACHE_MAX_BUCKETS ||
        (nbuckets & (nbuckets - 1)) != 0 || data_size < 64 || data_size % 8 != 0 ||
        data_size > CACHE_MAX_BYTES)
        return WSAEINVAL;
    size = sizeof(struct anscache_hdr) + (size_t)nbuckets * ANSCACHE_WAYS *
           sizeof(struct anscache_slot) + data_size;
    c = rnr_calloc(1, sizeof(*c));
    if (c == NULL) {
        rc = WSAENOBUFS;
        goto done;
    }
    c->fd = -1;
    c->map = MAP_FAILED;
    plen = strlen(path);
    tmp = rnr_malloc(plen + sizeof(sfx));
    if (tmp == NULL || (c->path = rnr_strdup(path)) == NULL) {
        rc = WSAENOBUFS;
        goto done;
    }
    memcpy(tmp, path, plen);
    memcpy(tmp + plen, sfx, sizeof(sfx));
    /* A file readers never see half-made: built aside, then renamed. */
    fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0) {
        err = errno;
        tmp[0] = '\0';
        rc = fs_error(err);
        goto done;
    }
    /* The liveness lock goes with the file description, so it survives
     * the rename and dies with rnrd. */
    if (fchmod(fd, 0644) != 0 || ftruncate(fd, (off_t)size) != 0 ||
        fcntl(fd, F_OFD_SETLK, &fl) != 0 || fstat(fd, &st) != 0) {
        err = errno;
        rc = fs_error(err);
        goto done;
    }
    c->map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (c->map == MAP_FAILED) {
        err = errno;
        rc = WSASYSCALLFAILURE;
        goto done;
    }
    c->size = size;
    c->hdr = (struct anscache_hdr *)c->map;
    layout_init(c->hdr, nbuckets, data_size);
    c->slots = (struct anscache_slot *)(c->map + c->hdr->index_off);
    c->data = c->map + c->hdr->data_off;
    c->data_size = data_size;
    c->nbuckets = nbuckets;
    c->dev = st.st_dev;
    c->ino = st.st_ino;
    if (rename(tmp, path) != 0) {
        err = errno;
        rc = fs_error(err);
        goto done;
    }
    tmp[0] = '\0';
    c->fd = fd;
    fd = -1;
    *out = c;
    c = NULL;
    rc = 0;
done:
    if (tmp != NULL && tmp[0] != '\0')
        unlink(tmp);
    if (fd >= 0)
        close(fd);
    rnr_free(tmp);
    rnr_anscache_destroy(c, 0);
    if (err != 0)
        errno = err;
    return rc;
}

void rnr_anscache_identity(const struct rnr_anscache *c, struct rnr_anscache_id *out)
{
    out->dev = (uint64_t)c->dev;
    out->ino = (uint64_t)c->ino;
    out->seed = c->hdr->seed;
}

int rnr_anscache_create(const char *path, size_t bytes, struct rnr_anscache **out)
{
    size_t total, index;
    uint32_t nbuckets = 1;

    if (bytes < CACHE_MIN_BYTES || bytes > CACHE_MAX_BYTES)
        return WSAEINVAL;
    total = (bytes + CACHE_PAGE - 1) & ~(size_t)(CACHE_PAGE - 1);
    /* About one slot per 512 bytes of file: answers are 200 to 400 bytes
     * each, so the index and the data run out at about the same time.
     * The index takes an eighth of the file. */
    while ((size_t)nbuckets * 2 * ANSCACHE_WAYS <= total / 512)
        nbuckets *= 2;
    index = (size_t)nbuckets * ANSCACHE_WAYS * sizeof(struct anscache_slot);
    return rnr_anscache_create_sized(path, nbuckets,
                                     total - sizeof(struct anscache_hdr) - index, out);
}

int rnr_anscache_hold(struct rnr_anscache *c)
{
    pthread_mutex_t *m;
    pthread_mutexattr_t a;
    uint32_t w;
    int err;

    if (c == NULL)
        return WSAEINVAL;
    if (c->held)
        return 0;
    m = (pthread_mutex_t *)(void *)c->hdr->live.bytes;
    if (pthread_mutexattr_init(&a) != 0)
        return WSASYSCALLFAILURE;
    err = pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
    if (err == 0)
        err = pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
    if (err == 0)
        err = pthread_mutex_init(m, &a);
    pthread_mutexattr_destroy(&a);
    if (err == 0 && (err = pthread_mutex_lock(m)) != 0)
        pthread_mutex_destroy(m);
    if (err != 0)
        return WSASYSCALLFAILURE;
    /* Readers read the kernel's word, not the C library's structure:
     * make sure this C library keeps it where they look. */
    w = atomic_load_explicit(&c->hdr->live.word, memory_order_relaxed);
    if ((w & FUTEX_TID_MASK) != ((uint32_t)gettid() & FUTEX_TID_MASK)) {
        pthread_mutex_unlock(m);
        pthread_mutex_destroy(m);
        memset(c->hdr->live.bytes, 0, sizeof(c->hdr->live.bytes));
        return WSAEOPNOTSUPP;
    }
    c->held = 1;
    atomic_store_explicit(&c->hdr->live_held, 1, memory_order_release);
    return 0;
}

void rnr_anscache_destroy(struct rnr_anscache *c, int unlink_file)
{
    struct stat st;

    if (c == NULL)
        return;
    /* Unlocked before the unmap: the C library keeps the mutex on this
     * thread's robust list, which must not point into unmapped memory.
     * A word of 0 says "gone" to readers as the dead owner's would. */
    if (c->held && c->map != MAP_FAILED)
        pthread_mutex_unlock((pthread_mutex_t *)(void *)c->hdr->live.bytes);
    /* Someone may have put another file at path since: leave that one. */
    if (unlink_file && c->fd >= 0 && stat(c->path, &st) == 0 && st.st_dev == c->dev &&
        st.st_ino == c->ino)
        unlink(c->path);
    if (c->map != MAP_FAILED)
        munmap(c->map, c->size);
    if (c->fd >= 0)
        close(c->fd);   /* drops the lock: readers now answer "stale" */
    rnr_free(c->path);
    rnr_free(c);
}

/* A slot changes only between these two: seq odd in between. */
static void slot_begin(struct anscache_slot *s)
{
    uint32_t seq = atomic_load_explicit(&s->seq, memory_order_relaxed);

    atomic_store_explicit(&s->seq, seq + 1, memory_order_relaxed);
    atomic_thread_fence(memory_order_release);
}

static void slot_end(struct anscache_slot *s)
{
    uint32_t seq = atomic_load_explicit(&s->seq, memory_order_relaxed);

    atomic_store_explicit(&s->seq, seq + 1, memory_order_release);
}

static void slot_clear(struct rnr_anscache *c, struct anscache_slot *s)
{
    if (!atomic_load_explicit(&s->used, memory_order_relaxed))
        return;
    slot_begin(s);
    atomic_store_explicit(&s->used, 0, memory_order_relaxed);
    atomic_store_explicit(&s->tag, 0, memory_order_relaxed);
    slot_end(s);
    c->st.entries--;
}

/* The record at the tail is about to be overwritten: its slot, if it
 * still points there, goes first (an eviction, unless it is the slot the
 * put replaces).  The headers are ours, but a bad one only skips to the
 * end of the lap. */
static void evict_tail(struct rnr_anscache *c, const struct anscache_slot *keep)
{
    uint64_t off = c->tail % c->data_size, room = c->data_size - off;
    struct anscache_rec rec;
    struct anscache_slot *s;

    memcpy(&rec, c->data + off, sizeof(rec));
    if (rec.len < ANSCACHE_REC_HDR || rec.len % 8 != 0 || rec.len > room)
        rec.len = (uint32_t)room;
    if (rec.slot != ANSCACHE_PAD && rec.slot < c->nbuckets * ANSCACHE_WAYS) {
        s = &c->slots[rec.slot];
        if (atomic_load_explicit(&s->used, memory_order_relaxed) &&
            atomic_load_explicit(&s->pos, memory_order_relaxed) == c->tail) {
            slot_clear(c, s);
            if (s != keep)
                c->st.evicted++;
        }
    }
    c->tail += rec.len;
}

/* Claims need bytes at the head (after a padding record when they would
 * wrap) and returns their stream position. */
static uint64_t claim(struct rnr_anscache *c, uint32_t need, const struct anscache_slot *keep)
{
    uint64_t off = c->head % c->data_size, start = c->head, end;
    struct anscache_rec pad;

    if (c->data_size - off < need)
        start += c->data_size - off;
    end = start + need;
    while (end - c->tail > c->data_size && c->tail < c->head)
        evict_tail(c, keep);
    /* Published before the bytes change: a reader that sees them changed
     * sees this head too (doc/anscache.md). */
    atomic_store_explicit(&c->hdr->head, end, memory_order_relaxed);
    atomic_thread_fence(memory_order_release);
    if (start != c->head) {
        pad.slot = ANSCACHE_PAD;
        pad.len = (uint32_t)(start - c->head);
        memcpy(c->data + off, &pad, sizeof(pad));
    }
    c->head = end;
    return start;
}

static int slot_holds(const struct rnr_anscache *c, struct anscache_slot *s, uint32_t tag,
                      const void *key, size_t klen)
{
    uint64_t pos = atomic_load_explicit(&s->pos, memory_order_relaxed);

    return atomic_load_explicit(&s->tag, memory_order_relaxed) == tag &&
           atomic_load_explicit(&s->klen, memory_order_relaxed) == klen &&
           (klen == 0 ||
            memcmp(c->data + pos % c->data_size + ANSCACHE_REC_HDR, key, klen) == 0);
}

/* The key's slot if it has one, else an empty one, else one whose entry
 * is dead (expired, old generation), else the oldest of the bucket.
 * *same says the first case. */
static struct anscache_slot *slot_pick(struct rnr_anscache *c, uint32_t tag, const void *key,
                                       size_t klen, uint32_t gen, uint64_t now, int *same)
{
    struct anscache_slot *b = c->slots + (size_t)(tag & (c->nbuckets - 1)) * ANSCACHE_WAYS;
    struct anscache_slot *empty = NULL, *dead = NULL, *oldest = NULL;
    uint32_t i;

    *same = 0;
    for (i = 0; i < ANSCACHE_WAYS; i++) {
        struct anscache_slot *s = &b[i];

        if (!atomic_load_explicit(&s->used, memory_order_relaxed)) {
            if (empty == NULL)
                empty = s;
            continue;
        }
        if (slot_holds(c, s, tag, key, klen)) {
            *same = 1;
            return s;
        }
        if (atomic_load_explicit(&s->gen, memory_order_relaxed) != gen ||
            atomic_load_explicit(&s->expires, memory_order_relaxed) <= now) {
            if (dead == NULL)
                dead = s;
        } else if (oldest == NULL || atomic_load_explicit(&s->pos, memory_order_relaxed) <
                                         atomic_load_explicit(&oldest->pos, memory_order_relaxed)) {
            oldest = s;
        }
    }
    return empty != NULL ? empty : dead != NULL ? dead : oldest;
}

int rnr_anscache_put(struct rnr_anscache *c, const void *key, size_t klen,
                     const void *val, size_t vlen, uint64_t expires_ms, uint32_t gen)
{
    struct anscache_slot *s;
    struct anscache_rec rec;
    uint64_t now, pos, off;
    uint32_t tag, need;
    int same, rc;

    if (c == NULL || (key == NULL && klen > 0) || (val == NULL && vlen > 0))
        return WSAEINVAL;
    if (klen > c->data_size / 8 || vlen > c->data_size / 8 ||
        RNR_ALIGN_UP(ANSCACHE_REC_HDR + klen + vlen) > c->data_size / 8) {
        c->st.too_large++;
        rc = WSAENOBUFS;
        goto done;
    }
    need = (uint32_t)RNR_ALIGN_UP(ANSCACHE_REC_HDR + klen + vlen);
    now = rnr_anscache_now_ms();
    tag = rnr_anscache_tag(rnr_anscache_hash(c->hdr->seed, key, klen));
    s = slot_pick(c, tag, key, klen, gen, now, &same);
    /* Computed across an invalidation: never served, so not stored (an
     * entry the key has may be newer than this answer: it stays). */
    if (gen != atomic_load_explicit(&c->hdr->gen, memory_order_relaxed)) {
        rc = 0;
        goto done;
    }
    /* Dead on arrival: the key's older answer is no better. */
    if (expires_ms <= now) {
        if (same)
            slot_clear(c, s);
        rc = 0;
        goto done;
    }
    if (!same && atomic_load_explicit(&s->used, memory_order_relaxed)) {
        if (atomic_load_explicit(&s->gen, memory_order_relaxed) == gen &&
            atomic_load_explicit(&s->expires, memory_order_relaxed) > now)
            c->st.evicted++;    /* a full bucket: its oldest live entry goes */
        slot_clear(c, s);
    }
    pos = claim(c, need, same ? s : NULL);
    off = pos % c->data_size;
    rec.slot = (uint32_t)(s - c->slots);
    rec.len = need;
    memcpy(c->data + off, &rec, sizeof(rec));
    if (klen > 0)
        memcpy(c->data + off + ANSCACHE_REC_HDR, key, klen);
    if (vlen > 0)
        memcpy(c->data + off + ANSCACHE_REC_HDR + klen, val, vlen);
    if (!atomic_load_explicit(&s->used, memory_order_relaxed))
        c->st.entries++;
    slot_begin(s);
    atomic_store_explicit(&s->used, 1, memory_order_relaxed);
    atomic_store_explicit(&s->tag, tag, memory_order_relaxed);
    atomic_store_explicit(&s->gen, gen, memory_order_relaxed);
    atomic_store_explicit(&s->klen, (uint32_t)klen, memory_order_relaxed);
    atomic_store_explicit(&s->vlen, (uint32_t)vlen, memory_order_relaxed);
    atomic_store_explicit(&s->expires, expires_ms, memory_order_relaxed);
    atomic_store_explicit(&s->pos, pos, memory_order_relaxed);
    slot_end(s);
    c->st.puts++;
    if (same)
        c->st.replaced++;
    rc = 0;
done:
    return rc;
}

uint32_t rnr_anscache_gen(const struct rnr_anscache *c)
{
    return atomic_load_explicit(&c->hdr->gen, memory_order_relaxed);
}

void rnr_anscache_invalidate(struct rnr_anscache *c)
{
    /* Release: a reader that sees the new generation sees nothing older
     * than it as current (and rnrd's later puts carry it). */
    atomic_fetch_add_explicit(&c->hdr->gen, 1, memory_order_release);
    c->st.invalidations++;
}

void rnr_anscache_stats(const struct rnr_anscache *c, struct rnr_anscache_stats *out)
{
    *out = c->st;
    out->bytes = c->size;
}

void rnr_anscache_stats_reset(struct rnr_anscache *c)
{
    /* entries is a gauge, not a count of events: it stays. */
    uint64_t entries = c->st.entries;

    memset(&c->st, 0, sizeof c->st);
    c->st.entries = entries;
}
