/* SPDX-License-Identifier: MIT */
/*
 * The handle table: what applications hold as a HANDLE is an index into a
 * table plus a generation number, encoded into the pointer-sized value,
 * never a pointer.  A stale handle (its slot was freed, maybe reused) or a
 * forged one (any other value) is recognised and refused, so a buggy
 * caller gets WSA_INVALID_HANDLE instead of a use-after-free.
 *
 * Generations come from one counter per shard that is never reset, not
 * even by rnr_htable_free(): handles of an earlier WSAStartup session stay
 * invalid in the next.
 *
 * The table is split into RNR_HTABLE_SHARDS shards, each with its own
 * lock on its own cache line; a thread adds to the shard it was given on
 * its first add (round robin), and the shard is part of the handle.  Every
 * Begin, Next and End passes the table, and with one lock threads whose
 * lookups are answered from the answer cache spent most of their time
 * queued on it.  A table with a limit (`max`) uses one shard, so the limit
 * is exact.
 *
 * The table stores `void *` and never owns what it points to: add() hands
 * the caller's reference to the table, remove()/pop() hand it back.
 * Thread-safe; the shard locks are leaves (nothing else is locked under
 * them, except the `ref` callback of get(), which must not lock).
 */
#ifndef RNR_CLIENT_HANDLES_H
#define RNR_CLIENT_HANDLES_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include <rnr/winsock2.h>

struct rnr_hslot;

#define RNR_HTABLE_SHARDS 8u

struct rnr_hshard {
    pthread_mutex_t   lock;
    struct rnr_hslot *slots;
    uint32_t          nslots;
    uint32_t          free_head;  /* local index + 1 of the first free slot; 0: none */
    uint32_t          count;      /* slots in use */
    uint32_t          gen;        /* last generation handed out */
} __attribute__((aligned(64)));

struct rnr_htable {
    struct rnr_hshard shard[RNR_HTABLE_SHARDS];
    uint32_t          max;        /* slot limit (0: RNR_HTABLE_MAX, sharded) */
};

/* Most slots a table holds (index + 1 must fit the 20-bit index field of
 * the 32-bit encoding); a shard of a sharded table holds an eighth. */
#define RNR_HTABLE_MAX ((1u << 20) - 1)

/* Adaptive mutexes: holders keep them for a few instructions, so a thread
 * that finds one taken spins briefly instead of sleeping in the kernel. */
#define RNR_HSHARD_INIT { .lock = PTHREAD_ADAPTIVE_MUTEX_INITIALIZER_NP }
#define RNR_HTABLE_INITIALIZER { .shard = {                   \
        RNR_HSHARD_INIT, RNR_HSHARD_INIT, RNR_HSHARD_INIT, RNR_HSHARD_INIT, \
        RNR_HSHARD_INIT, RNR_HSHARD_INIT, RNR_HSHARD_INIT, RNR_HSHARD_INIT }, \
    .max = 0 }

/* Store obj (non-NULL).  0 and *out set; WSAEMFILE when the table is full;
 * WSA_NOT_ENOUGH_MEMORY when it cannot grow. */
int rnr_htable_add(struct rnr_htable *t, void *obj, HANDLE *out);

/* The object of a valid handle, or NULL.  `ref` (optional) is called on
 * it under the shard's lock, so the object cannot be removed and released
 * between the look-up and the caller taking its reference. */
void *rnr_htable_get(struct rnr_htable *t, HANDLE h, void (*ref)(void *));

/* Remove a valid handle and return its object (the table's reference goes
 * to the caller), or NULL when the handle is not valid. */
void *rnr_htable_remove(struct rnr_htable *t, HANDLE h);

/* Remove any one entry and return its object; NULL when empty. */
void *rnr_htable_pop(struct rnr_htable *t);

/* Could h have been handed out by this table (live or not)?  Tells a
 * handle that was valid once from one that never was, as far as the
 * encoding allows (a slot index in range and a generation already used;
 * the generation counter wrapping blurs it). */
int rnr_htable_issued(struct rnr_htable *t, HANDLE h);

/* Number of handles in use. */
size_t rnr_htable_count(struct rnr_htable *t);

/* Release the slot array once empty (entries still present are dropped
 * from the table, not released).  The table stays usable; accepts NULL. */
void rnr_htable_free(struct rnr_htable *t);

/* Hold / release every shard lock across fork() (see startup.c). */
void rnr_htable_lock(struct rnr_htable *t);
void rnr_htable_unlock(struct rnr_htable *t);

#endif
