/* SPDX-License-Identifier: MIT */
/*
 * The answer cache: lookups answered from shared memory, without a round
 * trip to rnrd (doc/anscache.md).
 *
 * rnrd is the only writer.  It keeps one file, next to its socket
 * (rnr_anscache_path), mapped read-write, and stores there the complete
 * answer of a lookup its providers said may be reused (the key: the
 * LOOKUP_BEGIN request's flags and query set, as encoded on the wire; the
 * value: the results, as encoded on the wire, and the final status) with
 * the time it stops being valid.  Clients map the same file read-only and
 * look there first: a hit is answered in the client, as nscd's shared
 * database does for glibc.
 *
 * What keeps a hit correct:
 *   - expiry: each entry carries the CLOCK_MONOTONIC millisecond at which
 *     it dies (every process on the machine shares that clock);
 *   - the generation: one counter in the header; rnrd bumps it
 *     (rnr_anscache_invalidate) on anything that may change an answer (a
 *     registration, a class installed or removed, a reload, a provider's
 *     data changing, a cache flush), and a reader only takes entries
 *     stored under the current generation;
 *   - liveness: rnrd holds an open-file-description write lock on the
 *     whole file for as long as it runs.  The kernel drops it when rnrd
 *     dies, kill -9 included; a reader that finds no lock answers "stale"
 *     and its caller goes to the socket, where it learns the daemon is
 *     gone (WSASYSNOTREADY), and reopens the cache once connected again
 *     (a restarted rnrd has replaced the file by then: rename).  rnrd
 *     never replaces its cache file while it runs.
 *   - torn reads: entries are read under a sequence counter (seqlock) and
 *     copied out; a reader that raced the writer answers "miss".  A reader
 *     never trusts anything in the mapping: every offset and length is
 *     bounds-checked against the mapping before use (the file is written
 *     by rnrd only, owned by it, mode 0644, but a reader must not crash on
 *     any content).
 *
 * Space: a fixed-size file (rnr_anscache_create's `bytes`), a hash index
 * of slots and a circular data area; a new entry overwrites the oldest
 * data (and whatever slot pointed there).  Nothing is ever allocated by a
 * reader after rnr_anscache_open.
 *
 * Every call returns 0 or a WSA error code (status.h), except where said.
 */
#ifndef RNR_NSP_ANSCACHE_H
#define RNR_NSP_ANSCACHE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The largest value librnr reads (into a buffer on its stack: no
 * allocation on a lookup); rnrd stores nothing larger. */
#define RNR_ANSCACHE_VALUE_MAX 8192u

/* ---- the writer (rnrd) ---- */

struct rnr_anscache;

/* Creates a new cache file at `path` (written as a temporary file in the
 * same directory, then renamed over path), `bytes` long (at least 64 kB;
 * rounded up to a page), mode 0644, takes the liveness lock (close-on-exec;
 * a child forked without exec would keep it: don't) and
 * maps it.  *out is set only on success.  Errors: WSAEINVAL (bytes too
 * small or too large: more than 1 GB), WSAENOBUFS, WSAEACCES or
 * WSASYSCALLFAILURE for file-system failures (errno is kept). */
int  rnr_anscache_create(const char *path, size_t bytes, struct rnr_anscache **out);

/* Liveness without a system call for readers: locks a process-shared
 * robust mutex in the file's header and says so there.  Readers then look
 * at the mutex's futex word, which the kernel marks when this thread dies
 * (kill -9 included), instead of asking for the file lock on every probe.
 * Call it from the thread that runs until rnr_anscache_destroy, in the
 * process that will keep running (after any daemonizing fork: a child
 * does not own it).  0; WSAEOPNOTSUPP when the C library does not keep
 * the kernel's word where readers look (they keep asking for the lock);
 * WSASYSCALLFAILURE. */
int  rnr_anscache_hold(struct rnr_anscache *c);

/* Unmaps and closes (which drops the liveness lock); with unlink_file,
 * removes the file first, but only if path still names this cache's file.
 * Accepts NULL. */
void rnr_anscache_destroy(struct rnr_anscache *c, int unlink_file);

/* Stores value under key, valid until expires_ms (CLOCK_MONOTONIC, ms)
 * and while the generation is `gen` (rnr_anscache_gen, read by the
 * caller when the lookup began: an answer computed across an
 * invalidation is then never served).  A key already present is
 * replaced.  An entry too large for the cache (key, value and an 8-byte
 * record header: more than an eighth of the data area) is not stored:
 * WSAENOBUFS.  An answer of an old generation is dropped (0, the key's
 * entry untouched: it may be newer); one already expired is dropped and
 * removes the key's entry (0).  WSAEINVAL for NULL c, or a NULL key or
 * val with a non-zero length.  Never blocks; one thread at a time (as
 * every writer call). */
int  rnr_anscache_put(struct rnr_anscache *c, const void *key, size_t klen,
                      const void *val, size_t vlen, uint64_t expires_ms,
                      uint32_t gen);

/* The cache file as rnrd vouches for it to its clients (ANSWER_CACHE,
 * doc/protocol.md): the device and inode of the file it writes and the
 * random seed of its header.  A client maps a file only when all three
 * match, so a copy of another daemon's file, or any file renamed over
 * this one, is never read. */
struct rnr_anscache_id {
    uint64_t dev, ino, seed;
};
void rnr_anscache_identity(const struct rnr_anscache *c, struct rnr_anscache_id *out);

uint32_t rnr_anscache_gen(const struct rnr_anscache *c);
/* Every entry stored so far stops being served. */
void rnr_anscache_invalidate(struct rnr_anscache *c);

struct rnr_anscache_stats {
    uint64_t puts, replaced, evicted, too_large, invalidations;
    uint64_t entries;      /* live slots now (any generation) */
    uint64_t bytes;        /* size of the file */
};
void rnr_anscache_stats(const struct rnr_anscache *c, struct rnr_anscache_stats *out);
/* Zeroes the counters (rnrctl stats --reset); entries and bytes stay. */
void rnr_anscache_stats_reset(struct rnr_anscache *c);

/* ---- readers (librnr; any number of processes and threads) ---- */

struct rnr_anscache_view;

/* Maps the cache file at path read-only and checks its header (magic,
 * version, sizes consistent with the file's size).  *out set only on
 * success.  WSASERVICE_NOT_FOUND when there is no such file, WSAEINVAL
 * when it is not a valid cache, WSASYSCALLFAILURE otherwise. */
int  rnr_anscache_open(const char *path, struct rnr_anscache_view **out);
/* rnr_anscache_open for a client: the file must also be the one id names
 * (device, inode, header seed), belong to one of the nowners uids and be
 * writable by nobody else (no group or other write bit).  WSAEACCES when
 * it is not; the other errors as rnr_anscache_open.  Checked once, on the
 * descriptor that is mapped: probes cost nothing more. */
int  rnr_anscache_open_vouched(const char *path, const struct rnr_anscache_id *id,
                               const uid_t *owners, size_t nowners,
                               struct rnr_anscache_view **out);
void rnr_anscache_close(struct rnr_anscache_view *v);   /* accepts NULL */

enum {
    RNR_ANSCACHE_MISS  = 0,   /* not there, expired, old generation, torn */
    RNR_ANSCACHE_HIT   = 1,   /* *vlen bytes copied into buf */
    RNR_ANSCACHE_STALE = 2    /* the writer is gone or the file replaced:
                                 close this view */
};

/* Looks key up.  On a hit copies the value into buf and sets *vlen; a
 * value larger than buflen is a miss.  On anything but a hit buf's
 * content is undefined (a raced copy may have been written there) and
 * *vlen is untouched; bad arguments are a miss.  Thread-safe on one
 * view; never allocates, never blocks.  Liveness is checked on every
 * call, so a writer killed a moment ago is "stale" at once: from the
 * futex word of rnr_anscache_hold (a load) when the writer holds it,
 * else with one fcntl(F_OFD_GETLK). */
int  rnr_anscache_get(struct rnr_anscache_view *v, const void *key, size_t klen,
                      void *buf, size_t buflen, size_t *vlen);

/* The file next to a daemon socket: "<socket path>.cache".  0, or
 * WSAENOBUFS when it does not fit. */
int  rnr_anscache_path(const char *socket_path, char *buf, size_t len);

#endif
