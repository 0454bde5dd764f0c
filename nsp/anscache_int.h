/* SPDX-License-Identifier: MIT */
/*
 * The answer cache's file layout (doc/anscache.md), shared by its writer
 * (anscache_write.c), its reader (anscache_read.c), the unit test and the
 * fuzz target.  Not part of the contract: anscache.h is.
 *
 *   [header][index: nbuckets * WAYS slots][data area: data_size bytes]
 *
 * Every number is in the writer's native byte order (the magic tells).
 */
#ifndef RNR_NSP_ANSCACHE_INT_H
#define RNR_NSP_ANSCACHE_INT_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "anscache.h"

/* Readers in other processes share these atomics through the mapping:
 * they must be plain loads and stores, never a lock in libatomic. */
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "32-bit atomics must be lock-free");
_Static_assert(ATOMIC_LLONG_LOCK_FREE == 2, "64-bit atomics must be lock-free");

#define ANSCACHE_MAGIC   0x3143534e41524e52ull   /* "RNRANSC1" little-endian */
#define ANSCACHE_VERSION 1u
#define ANSCACHE_WAYS    8u     /* slots per bucket: a key lives in one of them */
#define ANSCACHE_REC_HDR 8u     /* struct anscache_rec */
#define ANSCACHE_PAD     UINT32_MAX   /* anscache_rec.slot of a padding record */
#define ANSCACHE_MAX_BUCKETS (1u << 24)

struct anscache_hdr {
    uint64_t magic;
    uint32_t version;
    uint32_t hdr_size;          /* sizeof(struct anscache_hdr) */
    uint32_t slot_size;         /* sizeof(struct anscache_slot) */
    uint32_t ways;              /* ANSCACHE_WAYS */
    uint32_t nbuckets;          /* a power of two */
    uint32_t reserved0;
    uint64_t index_off;         /* == hdr_size */
    uint64_t data_off;          /* index_off + nbuckets * ways * slot_size */
    uint64_t data_size;         /* a multiple of 8 */
    uint64_t file_size;         /* data_off + data_size */
    uint64_t seed;              /* of the key hash, random per file */
    _Atomic uint32_t gen;       /* entries of another generation are dead */
    /* 1 once the writer holds `live` (rnr_anscache_hold): readers then
     * read liveness from its first word instead of asking for the lock. */
    _Atomic uint32_t live_held;
    /* End of the data stream claimed by the writer (an absolute position:
     * it never wraps).  Published before the bytes it covers are
     * overwritten, so a reader that read a record at pos knows it was
     * intact when head - pos <= data_size. */
    _Atomic uint64_t head;
    /* A process-shared robust pthread mutex the writer keeps locked.  Its
     * first word is the kernel's robust futex word: the owner's thread id
     * while held; FUTEX_OWNER_DIED set by the kernel when the owner dies
     * (kill -9 included), 0 once unlocked.  Old files have zeros here. */
    union {
        uint8_t          bytes[40];
        _Atomic uint32_t word;
    } live;
};
_Static_assert(sizeof(struct anscache_hdr) == 128, "header layout");

/* One index entry, a cache line.  Every field but seq is written only
 * while seq is odd; a reader takes what it read only if seq was even and
 * unchanged around its copy (a seqlock). */
struct anscache_slot {
    _Atomic uint32_t seq;
    _Atomic uint32_t used;      /* 0: empty */
    _Atomic uint32_t tag;       /* anscache_tag of the key */
    _Atomic uint32_t gen;       /* generation it was stored under */
    _Atomic uint32_t klen;
    _Atomic uint32_t vlen;
    _Atomic uint64_t expires;   /* CLOCK_MONOTONIC ms */
    _Atomic uint64_t pos;       /* absolute stream position of its record */
    uint8_t reserved[24];
};
_Static_assert(sizeof(struct anscache_slot) == 64, "slot layout");

/* A record in the data area, at stream position pos (offset pos %
 * data_size): this header, the key, the value, padding to 8 bytes.  A
 * record never wraps: one that would is preceded by a padding record
 * (slot ANSCACHE_PAD) to the end of the area.  Only the writer reads
 * these headers (to find the slot whose data it is about to overwrite). */
struct anscache_rec {
    uint32_t slot;
    uint32_t len;               /* of the whole record, a multiple of 8 */
};

/* The key hash (seeded by the file's seed) and its 32-bit tag; a key's
 * bucket is tag & (nbuckets - 1). */
uint64_t rnr_anscache_hash(uint64_t seed, const void *key, size_t klen);
static inline uint32_t rnr_anscache_tag(uint64_t h)
{
    return (uint32_t)(h ^ (h >> 32));
}

/* CLOCK_MONOTONIC in ms; UINT64_MAX if the clock fails (nothing is fresh). */
uint64_t rnr_anscache_now_ms(void);

/* rnr_anscache_create with the layout given: nbuckets (a power of two,
 * at least 1) and data_size (a multiple of 8, at least 64).  For tests and
 * seeds that need a tiny index or data area. */
int rnr_anscache_create_sized(const char *path, uint32_t nbuckets, size_t data_size,
                              struct rnr_anscache **out);

/* rnr_anscache_get with the tag given and without the liveness check:
 * the fuzz target reaches every slot with it. */
int rnr_anscache_lookup(struct rnr_anscache_view *v, const void *key, size_t klen,
                        uint32_t tag, void *buf, size_t buflen, size_t *vlen);

#endif
