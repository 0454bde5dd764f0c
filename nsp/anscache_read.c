/* SPDX-License-Identifier: MIT */
/*
 * The answer cache's reader (anscache.h, doc/anscache.md): librnr maps
 * rnrd's cache file read-only and answers a lookup from it.
 *
 * Nothing in the mapping is trusted.  The layout is checked once at open
 * and kept in the view (a later change of the header in the file is not
 * seen); every slot field is checked against that layout before it is
 * used, and what was copied counts only if the slot's sequence counter
 * was even and unchanged around the copy.
 */
#include "config.h"

#include "anscache_int.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <rnr/winsock2.h>

#include "alloc.h"
#include "hash.h"

/* Larger than any file rnr_anscache_create makes (1 GB of data plus its
 * index), small enough that no size sum below can overflow. */
#define VIEW_MAX_FILE ((uint64_t)2 << 30)

struct rnr_anscache_view {
    int                   fd;
    uint8_t              *map;
    size_t                size;
    struct anscache_hdr  *hdr;       /* only gen, head and the liveness word
                                      * are read from it */
    struct anscache_slot *slots;
    const uint8_t        *data;
    uint64_t              data_size;
    uint64_t              seed;
    uint32_t              mask;      /* nbuckets - 1 */
};

/* The shared seeded hash; the file's seed makes its buckets unguessable
 * from outside rnrd.  Its output is part of the file format. */
uint64_t rnr_anscache_hash(uint64_t seed, const void *key, size_t klen)
{
    return rnr_hash64(seed, key, klen);
}

uint64_t rnr_anscache_now_ms(void)
{
    struct timespec ts;

    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return UINT64_MAX;
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* The layout the header describes, if it is one this reader can use and
 * it fills a file of st_size bytes exactly. */
static int layout_ok(const struct anscache_hdr *h, uint64_t st_size)
{
    uint64_t index_bytes;

    if (h->magic != ANSCACHE_MAGIC || h->version != ANSCACHE_VERSION ||
        h->hdr_size != sizeof(struct anscache_hdr) ||
        h->slot_size != sizeof(struct anscache_slot) || h->ways != ANSCACHE_WAYS)
        return 0;
    if (h->nbuckets == 0 || h->nbuckets > ANSCACHE_MAX_BUCKETS ||
        (h->nbuckets & (h->nbuckets - 1)) != 0)
        return 0;
    index_bytes = (uint64_t)h->nbuckets * ANSCACHE_WAYS * sizeof(struct anscache_slot);
    if (h->index_off != sizeof(struct anscache_hdr) ||
        h->data_off != h->index_off + index_bytes)
        return 0;
    if (h->data_size < 2 * ANSCACHE_REC_HDR || h->data_size % 8 != 0 ||
        h->data_size > VIEW_MAX_FILE || h->data_off + h->data_size != h->file_size ||
        h->file_size != st_size)
        return 0;
    return 1;
}

/* 1 when the file is the one id names, belongs to one of owners and is
 * writable by nobody else. */
static int vouched(const struct stat *st, const struct anscache_hdr *h,
                   const struct rnr_anscache_id *id, const uid_t *owners, size_t nowners)
{
    size_t i;

    if ((uint64_t)st->st_dev != id->dev || (uint64_t)st->st_ino != id->ino ||
        h->seed != id->seed || (st->st_mode & (S_IWGRP | S_IWOTH)) != 0)
        return 0;
    for (i = 0; i < nowners; i++)
        if (owners[i] == st->st_uid)
            return 1;
    return 0;
}

static int view_open(const char *path, const struct rnr_anscache_id *id, const uid_t *owners,
                     size_t nowners, struct rnr_anscache_view **out)
{
    struct rnr_anscache_view *v = NULL;
    struct anscache_hdr h;
    struct stat st;
    void *map = MAP_FAILED;
    ssize_t n;
    int fd = -1, rc;

    if (path == NULL || out == NULL)
        return WSAEINVAL;
    /* O_NONBLOCK: a FIFO at path must not hang the client (it is then
     * refused as not a regular file). */
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        rc = (errno == ENOENT || errno == ENOTDIR) ? WSASERVICE_NOT_FOUND : WSASYSCALLFAILURE;
        goto done;
    }
    if (fstat(fd, &st) != 0) {
        rc = WSASYSCALLFAILURE;
        goto done;
    }
    if (!S_ISREG(st.st_mode) || st.st_size < (off_t)sizeof(h) ||
        (uint64_t)st.st_size > VIEW_MAX_FILE) {
        rc = WSAEINVAL;
        goto done;
    }
    /* The header from the file, not the mapping: what is checked here is
     * what the view keeps, whatever the mapping says later. */
    n = pread(fd, &h, sizeof(h), 0);
    if (n != (ssize_t)sizeof(h)) {
        rc = n < 0 ? WSASYSCALLFAILURE : WSAEINVAL;
        goto done;
    }
    if (!layout_ok(&h, (uint64_t)st.st_size)) {
        rc = WSAEINVAL;
        goto done;
    }
    if (id != NULL && !vouched(&st, &h, id, owners, nowners)) {
        rc = WSAEACCES;
        goto done;
    }
    map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED) {
        rc = WSASYSCALLFAILURE;
        goto done;
    }
    v = rnr_calloc(1, sizeof(*v));
    if (v == NULL) {
        rc = WSAENOBUFS;
        goto done;
    }
    v->fd = fd;
    v->map = map;
    v->size = (size_t)st.st_size;
    v->hdr = map;
    v->slots = (struct anscache_slot *)(v->map + h.index_off);
    v->data = v->map + h.data_off;
    v->data_size = h.data_size;
    v->seed = h.seed;
    v->mask = h.nbuckets - 1;
    *out = v;
    fd = -1;
    map = MAP_FAILED;
    rc = 0;
done:
    if (map != MAP_FAILED)
        munmap(map, (size_t)st.st_size);
    if (fd >= 0)
        close(fd);
    return rc;
}

int rnr_anscache_open(const char *path, struct rnr_anscache_view **out)
{
    return view_open(path, NULL, NULL, 0, out);
}

int rnr_anscache_open_vouched(const char *path, const struct rnr_anscache_id *id,
                              const uid_t *owners, size_t nowners,
                              struct rnr_anscache_view **out)
{
    if (id == NULL || (owners == NULL && nowners > 0))
        return WSAEINVAL;
    return view_open(path, id, owners, nowners, out);
}

void rnr_anscache_close(struct rnr_anscache_view *v)
{
    if (v == NULL)
        return;
    munmap(v->map, v->size);
    close(v->fd);
    rnr_free(v);
}

/* rnrd holds a write lock on the whole file while it runs: a read lock
 * we could take means it is gone (its file description closed, by exit
 * or by the kernel after a kill -9).  An error says nothing either way:
 * stale, so the caller asks the socket. */
static int writer_alive(const struct rnr_anscache_view *v)
{
    struct flock fl = { .l_type = F_RDLCK, .l_whence = SEEK_SET };

    /* A writer that holds the robust mutex: its futex word has its thread
     * id until it unlocks (0) or dies (the kernel sets FUTEX_OWNER_DIED
     * as the thread exits, before its files are closed). */
    if (atomic_load_explicit(&v->hdr->live_held, memory_order_acquire)) {
        uint32_t w = atomic_load_explicit(&v->hdr->live.word, memory_order_acquire);

        return (w & FUTEX_TID_MASK) != 0 && (w & FUTEX_OWNER_DIED) == 0;
    }
    if (fcntl(v->fd, F_OFD_GETLK, &fl) != 0)
        return 0;
    return fl.l_type != F_UNLCK;
}

/* One slot: 1 and the value in buf when it holds key, fresh, of the
 * current generation, in bounds, and was not written during the copy. */
static int slot_read(const struct rnr_anscache_view *v, struct anscache_slot *s,
                     const void *key, size_t klen, uint32_t tag, uint32_t gen,
                     uint64_t now, void *buf, size_t buflen, size_t *vlen)
{
    uint64_t off, pos, head;
    uint32_t seq, n;
    const uint8_t *rec;

    seq = atomic_load_explicit(&s->seq, memory_order_acquire);
    if (seq & 1u)
        return 0;   /* being written: a miss, never a wait */
    if (!atomic_load_explicit(&s->used, memory_order_relaxed) ||
        atomic_load_explicit(&s->tag, memory_order_relaxed) != tag ||
        atomic_load_explicit(&s->gen, memory_order_relaxed) != gen ||
        atomic_load_explicit(&s->klen, memory_order_relaxed) != klen ||
        atomic_load_explicit(&s->expires, memory_order_relaxed) <= now)
        return 0;
    n = atomic_load_explicit(&s->vlen, memory_order_relaxed);
    pos = atomic_load_explicit(&s->pos, memory_order_relaxed);
    if (n > buflen)
        return 0;
    /* klen and n are below 2^32 and data_size below 2^31: no overflow. */
    off = pos % v->data_size;
    if (ANSCACHE_REC_HDR + klen + n > v->data_size - off)
        return 0;
    rec = v->data + off + ANSCACHE_REC_HDR;
    if (klen > 0 && memcmp(rec, key, klen) != 0)   /* a tag collision */
        return 0;
    if (n > 0)
        memcpy(buf, rec + klen, n);
    /* Order the copy before the re-reads: a copy that saw any later write
     * also sees the counter (or head) that write was published behind. */
    atomic_thread_fence(memory_order_acquire);
    if (atomic_load_explicit(&s->seq, memory_order_relaxed) != seq)
        return 0;
    /* The record must lie in what the writer has claimed and not yet
     * claimed again: the slot may be intact while its bytes are not (a
     * writer that died between claiming and invalidating, or a bad file). */
    head = atomic_load_explicit(&v->hdr->head, memory_order_relaxed);
    if (head < pos || head - pos > v->data_size ||
        head - pos < ANSCACHE_REC_HDR + klen + n)
        return 0;
    *vlen = n;
    return 1;
}

static int lookup_at(struct rnr_anscache_view *v, const void *key, size_t klen,
                     uint32_t tag, uint64_t now, void *buf, size_t buflen, size_t *vlen)
{
    struct anscache_slot *bucket;
    uint32_t gen, i;

    if (v == NULL || vlen == NULL || (key == NULL && klen > 0) ||
        (buf == NULL && buflen > 0) || klen > UINT32_MAX)
        return RNR_ANSCACHE_MISS;
    gen = atomic_load_explicit(&v->hdr->gen, memory_order_acquire);
    bucket = v->slots + (size_t)(tag & v->mask) * ANSCACHE_WAYS;
    for (i = 0; i < ANSCACHE_WAYS; i++)
        if (slot_read(v, &bucket[i], key, klen, tag, gen, now, buf, buflen, vlen))
            return RNR_ANSCACHE_HIT;
    return RNR_ANSCACHE_MISS;
}

int rnr_anscache_lookup(struct rnr_anscache_view *v, const void *key, size_t klen,
                        uint32_t tag, void *buf, size_t buflen, size_t *vlen)
{
    return lookup_at(v, key, klen, tag, rnr_anscache_now_ms(), buf, buflen, vlen);
}

int rnr_anscache_get(struct rnr_anscache_view *v, const void *key, size_t klen,
                     void *buf, size_t buflen, size_t *vlen)
{
    uint64_t now;

    if (v == NULL)
        return RNR_ANSCACHE_MISS;
    if (!writer_alive(v))
        return RNR_ANSCACHE_STALE;
    now = rnr_anscache_now_ms();
    if (key == NULL && klen > 0)
        return RNR_ANSCACHE_MISS;
    return lookup_at(v, key, klen, rnr_anscache_tag(rnr_anscache_hash(v->seed, key, klen)),
                     now, buf, buflen, vlen);
}

int rnr_anscache_path(const char *socket_path, char *buf, size_t len)
{
    static const char suffix[] = ".cache";
    size_t n;

    if (socket_path == NULL || buf == NULL)
        return WSAENOBUFS;
    n = strlen(socket_path);
    if (n + sizeof(suffix) > len)
        return WSAENOBUFS;
    memcpy(buf, socket_path, n);
    memcpy(buf + n, suffix, sizeof(suffix));
    return 0;
}
