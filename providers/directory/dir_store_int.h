/* SPDX-License-Identifier: MIT */
/*
 * Inside the directory store: shared by dir_store.c (writing) and
 * dir_load.c (opening and reading back).
 */
#ifndef RNR_DIR_STORE_INT_H
#define RNR_DIR_STORE_INT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "dir_store.h"
#include "dir_xml.h"

/* A snapshot is written once the journal holds this many records, or a
 * quarter as many as there are live entries if that is more: what
 * start-up replays stays below 1.25 times the live entries, and a write
 * costs about four snapshot lines later (sequential, unsynced until the
 * one fsync of the snapshot). */
#define DIR_STORE_COMPACT_MIN 4096u

/* The longest line a record can need (1024 addresses, 4 strings of
 * 4 KiB escaped, a 64 KiB blob in hex); anything longer is damage. */
#define DIR_STORE_MAX_LINE (4u << 20)

struct dir_store {
    char                  *dir;
    int                    dirfd;
    struct dir_store_cb    cb;
    struct dir_xml_parser *parser;   /* while loading */

    int      jfd;        /* active journal, -1 until the first append */
    uint64_t jnum;       /* its number */
    uint64_t jsize;      /* its durable size: where a failed append is cut back to */
    uint64_t jwritten;   /* its size, records not yet synced included */
    uint64_t unsynced;   /* those records */
    uint64_t jnext;      /* the number the next new journal gets */

    struct dir_text line;       /* the record being appended */
    struct dir_text snap;       /* snapshot lines not written yet */
    int             snap_fd;
    int             snap_err;
    uint64_t        snap_records;   /* for the trailer: record lines written */
    uint32_t        snap_crc;       /* and the checksum of their bytes */
    uint64_t        retry_at;   /* journal_records before the next try */
    pid_t           child;      /* writing a snapshot in the background */
    int             child_fd;   /* its end of the pipe: "0" on success */
    uint64_t        child_gen;
    uint64_t        child_records;  /* journal records it will cover */
    uint64_t        compact_min;
    /* The generation loaded or last written (0: none, the journals alone):
     * the fallback kept when the next snapshot is written. */
    uint64_t        base;
    int             compact_due;    /* a snapshot replaces a damaged one */

    struct dir_store_stats stats;
};

int  dir_store_errno_status(int err);
int  dir_store_write_all(int fd, const char *p, size_t n);
/* Creates journal.n (fsyncing the directory) and appends go there. */
int  dir_store_journal_create(struct dir_store *s, uint64_t n);
void dir_store_make_line(struct dir_text *t, const char *xml, size_t len);
/* Kills a background snapshot and removes what it left (dir_snap.c). */
void dir_store_snapshot_abandon(struct dir_store *s);
/* The first and last lines of a snapshot (dir_store.h). */
#define DIR_SNAP_HEADER "#rnr-snapshot 1"
#define DIR_SNAP_TRAILER "#end"

/* Reads the snapshot at path back against its trailer: 0 if it holds
 * (*records: how many), 1 for a snapshot without the header whose every
 * line is a sound record line, -1 if it is damaged (why: the reason). */
int  dir_store_snapshot_verify(const char *path, uint64_t *records, char *why, size_t len);
/* Removes every snapshot.N and journal.N with N < g. */
void dir_store_remove_below(struct dir_store *s, uint64_t g);
void dir_store_path(const struct dir_store *s, char *buf, size_t len, const char *kind,
                    uint64_t n, const char *suffix);

#endif
