/* SPDX-License-Identifier: MIT */
/*
 * The directory on disk: an append-only journal of XML records (one per
 * line, "CRC32 <entry .../>" or "CRC32 <del .../>"), compacted now and
 * then into a snapshot of the same lines.
 *
 *   snapshot.G   every live entry when generation G began, between a
 *                header line "#rnr-snapshot 1" and a trailer
 *                "#end RECORDS CRC32" (the record lines' count and the
 *                checksum of all their bytes)
 *   journal.N    the changes since, N >= G, replayed in order
 *
 * An append is durable before dir_store_append returns (write + fdatasync;
 * a new journal's directory entry is fsync'd before its first record), and
 * costs the same whatever the store's size.  The provider itself uses the
 * split form (dir_store_write, then a sync in its thread, then
 * dir_store_synced: dir_pend.c), so the fdatasync runs off rnrd's loop
 * and one covers every record written while the previous one ran.  Compaction first moves
 * appends to a new journal.G, then writes snapshot.G.tmp, fsyncs it,
 * reads it back against its trailer, renames it to snapshot.G and fsyncs
 * the directory.  The generation before G (its snapshot and every
 * journal since) stays as the fallback: only what is older goes.
 *
 * Loading takes the newest snapshot whose trailer holds and the journals
 * from its generation on.  A snapshot that fails (empty, cut short, a
 * damaged line) is renamed aside to snapshot.G.bad-TIME and the
 * generation before it is loaded instead, with every journal since: a
 * damaged snapshot loses nothing while its fallback is there, and the
 * next write starts a fresh snapshot.  Only the newest snapshot without
 * any older file to fall back to is loaded for what is sound in it.  A
 * snapshot without the header (written before the trailer existed) is
 * checked line by line instead.  All of this is logged at error level:
 * what was recovered, from which files, and what could not be.  In the
 * journals, an incomplete last line (an interrupted append, never
 * acknowledged) is cut off, a damaged line is reported with its path,
 * line and reason and skipped, and the rest still loads.
 */
#ifndef RNR_DIR_STORE_H
#define RNR_DIR_STORE_H

#include <stddef.h>
#include <stdint.h>

#include <rnr/nsp.h>

#include "dir_xml.h"

struct dir_store;

struct dir_store_cb {
    void *ctx;
    /* The host's logger and the provider it logs for (<rnr/nsp.h>). */
    void (*log)(struct rnr_nsp_provider *p, int level, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
    struct rnr_nsp_provider *logp;
    /* One sound record, while loading.  It may take rec->qs (setting it
     * to NULL).  A non-zero return (a WSA code) is reported with the
     * record's path and line, and the record skipped. */
    int (*apply)(void *ctx, struct dir_xml_rec *rec);
};

struct dir_store_stats {
    uint64_t appends;
    uint64_t append_errors;
    uint64_t compactions;
    uint64_t compaction_errors;
    uint64_t damaged;          /* records or files skipped while loading */
    uint64_t journal_records;  /* records since the last snapshot */
    uint64_t loaded;           /* records applied while loading */
};

/* Loads the store in dir (which must exist).  0, WSAENOBUFS, or
 * WSASYSCALLFAILURE when the directory itself cannot be read (logged). */
int  dir_store_open(const char *dir, const struct dir_store_cb *cb, struct dir_store **out);
void dir_store_close(struct dir_store *s);          /* accepts NULL */

/* Appends one record durably.  0, WSAEDQUOT (disk full or quota), or
 * WSASYSCALLFAILURE (any other I/O error); the journal is left as it was
 * on failure.  Logged with the path and the system's reason. */
int  dir_store_append(struct dir_store *s, const char *xml, size_t len);

/* The same in two steps, so that the sync runs off rnrd's loop and one
 * covers every record written before it (group commit):
 * dir_store_write appends a record without syncing (0, WSAENOBUFS,
 * WSAEDQUOT or WSASYSCALLFAILURE; only this line is taken back on
 * failure); fdatasync(dir_store_sync_fd()) then covers every record up to
 * dir_store_written() as it was before the sync began (`records` of
 * them, out of dir_store_unsynced()), and dir_store_synced reports it:
 * with err 0 they are durable; otherwise every record not yet durable is
 * cut off the journal and the status for all of them returned.  The
 * journal must not change (compaction) while records wait for a sync. */
int      dir_store_write(struct dir_store *s, const char *xml, size_t len);
int      dir_store_sync_fd(const struct dir_store *s);
uint64_t dir_store_written(const struct dir_store *s);
uint64_t dir_store_unsynced(const struct dir_store *s);
int      dir_store_synced(struct dir_store *s, uint64_t size, uint64_t records, int err);

/* Is a snapshot worth writing, with `live` entries in memory (and none
 * being written)?  Always, after a load that met a damaged snapshot. */
int  dir_store_should_compact(const struct dir_store *s, size_t live);
/* Writes a new snapshot: `dump` calls dir_store_snap_put once per live
 * entry and returns 0.  Appends move to a new journal first, so the
 * snapshot covers exactly the journals before it.  0 or a WSA error (the
 * old generation stays). */
int  dir_store_compact(struct dir_store *s, int (*dump)(void *ctx, struct dir_store *s),
                       void *ctx);
/* The same in a forked child, so the daemon goes on serving while a
 * large snapshot is written and synced: *fd becomes readable when the
 * child is done, and dir_store_compact_finish then completes it.
 * WSAEALREADY while one is running. */
int  dir_store_compact_start(struct dir_store *s,
                             int (*dump)(void *ctx, struct dir_store *s), void *ctx, int *fd);
int  dir_store_compact_finish(struct dir_store *s);
/* The fewest journal records that make a snapshot worth it; 0 restores
 * the default (DIR_STORE_COMPACT_MIN in dir_store_int.h). */
void dir_store_set_compact_min(struct dir_store *s, uint64_t records);
void dir_store_snap_put(struct dir_store *s, const char *xml, size_t len);

const struct dir_store_stats *dir_store_stats(const struct dir_store *s);

/* The line checksum (CRC-32, IEEE), for tests and tools; _more goes on
 * from the checksum of what came before (0 for nothing), so that
 * dir_store_crc32_more(dir_store_crc32(a), b) is the checksum of a then b. */
uint32_t dir_store_crc32(const void *p, size_t n);
uint32_t dir_store_crc32_more(uint32_t crc, const void *p, size_t n);

#endif
