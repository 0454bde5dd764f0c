/* SPDX-License-Identifier: MIT */
/*
 * Snapshots of the directory store (dir_store.h): in the caller, or in a
 * forked child that writes from its copy-on-write image of the tree while
 * the daemon goes on serving (at 100,000 entries a snapshot is about
 * 25 MB and its fsync; done in the loop, that would stall every client).
 *
 * Either way appends move to journal.G first: the snapshot then holds
 * exactly what the journals before G hold, and a failed or interrupted
 * snapshot leaves the previous snapshot and every journal since, which
 * load to the same state.
 */
#include "config.h"

#include "dir_store.h"
#include "dir_store_int.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rnr/nsp.h>

#include "alloc.h"

/* Snapshot lines are buffered up to this before a write(). */
#define SNAP_FLUSH (1u << 20)

void dir_store_snap_put(struct dir_store *s, const char *xml, size_t len)
{
    size_t from = s->snap.len;

    if (s->snap_err != 0)
        return;
    dir_store_make_line(&s->snap, xml, len);
    if (s->snap.error) {
        s->snap_err = ENOMEM;
        return;
    }
    s->snap_records++;
    s->snap_crc = dir_store_crc32_more(s->snap_crc, s->snap.data + from, s->snap.len - from);
    if (s->snap.len >= SNAP_FLUSH) {
        s->snap_err = dir_store_write_all(s->snap_fd, s->snap.data, s->snap.len);
        s->snap.len = 0;
    }
}

/* snapshot.g.tmp written, synced, read back against its trailer and
 * renamed to snapshot.g, the directory synced.  0 or errno; the .tmp is
 * removed on failure. */
static int write_snapshot(struct dir_store *s, uint64_t g,
                          int (*dump)(void *ctx, struct dir_store *s), void *ctx)
{
    char     tmp[4200], snap[4200], trailer[64], why[160];
    uint64_t records;
    int      err;

    dir_store_path(s, tmp, sizeof tmp, "snapshot", g, ".tmp");
    dir_store_path(s, snap, sizeof snap, "snapshot", g, "");
    s->snap_fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (s->snap_fd < 0)
        return errno;
    s->snap_err = 0;
    s->snap.len = 0;
    s->snap.error = 0;
    s->snap_records = 0;
    s->snap_crc = 0;
    dir_text_puts(&s->snap, DIR_SNAP_HEADER "\n");
    if (dump(ctx, s) != 0 && s->snap_err == 0)
        s->snap_err = ENOMEM;
    snprintf(trailer, sizeof trailer, DIR_SNAP_TRAILER " %llu %08x\n",
             (unsigned long long)s->snap_records, s->snap_crc);
    dir_text_puts(&s->snap, trailer);
    if (s->snap.error && s->snap_err == 0)
        s->snap_err = ENOMEM;
    if (s->snap_err == 0)
        s->snap_err = dir_store_write_all(s->snap_fd, s->snap.data, s->snap.len);
    err = s->snap_err;
    if (err == 0 && fsync(s->snap_fd) != 0)
        err = errno;
    if (close(s->snap_fd) != 0 && err == 0)
        err = errno;
    s->snap_fd = -1;
    /* What the disk gives back is what a restart will load: a snapshot
     * that does not verify never replaces the generation before it. */
    if (err == 0 && (dir_store_snapshot_verify(tmp, &records, why, sizeof why) != 0 ||
                     records != s->snap_records))
        err = EIO;
    if (err == 0 && rename(tmp, snap) != 0)
        err = errno;
    if (err == 0 && fsync(s->dirfd) != 0)
        err = errno;
    if (err != 0)
        unlink(tmp);
    return err;
}

/* Appends go to journal.g from now on; returns g, or 0 (logged). */
static uint64_t next_generation(struct dir_store *s)
{
    uint64_t g = (s->jfd >= 0 ? s->jnum : s->jnext) + 1;

    if (dir_store_journal_create(s, g) != 0)
        return 0;
    s->jnext = g + 1;
    return g;
}

static void done(struct dir_store *s, uint64_t g, int err, uint64_t records)
{
    char snap[4200];

    dir_store_path(s, snap, sizeof snap, "snapshot", g, "");
    if (err == 0) {
        /* The generation G replaces stays as its fallback; the one
         * before that goes. */
        dir_store_remove_below(s, s->base);
        s->base = g;
        s->compact_due = 0;
        s->stats.compactions++;
        s->retry_at = 0;
        s->cb.log(s->cb.logp, RNR_NSP_LOG_INFO, "%s: snapshot written", snap);
        return;
    }
    /* What it would have covered is still only in the journals. */
    s->stats.journal_records += records;
    s->stats.compaction_errors++;
    s->retry_at = s->stats.journal_records * 2;
    s->cb.log(s->cb.logp, RNR_NSP_LOG_ERR, "%s: cannot write a snapshot: %s (the journals "
              "keep every record; retried later)", snap, strerror(err));
}

int dir_store_compact(struct dir_store *s, int (*dump)(void *ctx, struct dir_store *s), void *ctx)
{
    uint64_t records = s->stats.journal_records, g;
    int      err;

    if (s->child > 0)
        return WSAEALREADY;
    if ((g = next_generation(s)) == 0)
        err = EIO;
    else
        err = write_snapshot(s, g, dump, ctx);
    s->stats.journal_records = 0;
    done(s, g, err, records);
    if (s->snap.cap > 4 * SNAP_FLUSH)
        dir_text_free(&s->snap);
    return err == 0 ? 0 : dir_store_errno_status(err);
}

/* In the child: nothing of the daemon's but the store directory and the
 * pipe stays open, so clients see their connections close when the
 * daemon closes them, not when the snapshot is done. */
static void close_others(int keep1, int keep2)
{
    int lo = keep1 < keep2 ? keep1 : keep2, hi = keep1 < keep2 ? keep2 : keep1, fd, max;

    if ((lo <= 3 || close_range(3, (unsigned)lo - 1, 0) == 0) &&
        (hi <= lo + 1 || close_range((unsigned)lo + 1, (unsigned)hi - 1, 0) == 0) &&
        close_range((unsigned)hi + 1, ~0u, 0) == 0)
        return;
    /* A kernel without close_range (before 5.9). */
    max = (int)sysconf(_SC_OPEN_MAX);
    if (max <= 0 || max > 65536)
        max = 65536;
    for (fd = 3; fd < max; fd++)
        if (fd != lo && fd != hi)
            close(fd);
}

int dir_store_compact_start(struct dir_store *s, int (*dump)(void *ctx, struct dir_store *s),
                            void *ctx, int *fd)
{
    pid_t    parent = getpid(), pid;
    uint64_t g;
    int      p[2];

    if (s->child > 0)
        return WSAEALREADY;
    if (pipe2(p, O_CLOEXEC) != 0)
        return WSASYSCALLFAILURE;
    if ((g = next_generation(s)) == 0) {
        close(p[0]);
        close(p[1]);
        return WSASYSCALLFAILURE;
    }
    pid = fork();
    if (pid < 0) {
        close(p[0]);
        close(p[1]);
        /* Journal g is simply the journal now; the snapshot waits. */
        s->retry_at = s->stats.journal_records * 2;
        return WSASYSCALLFAILURE;
    }
    if (pid == 0) {
        int err;

        /* A daemon killed with -9 takes its snapshot writer along. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(1);
        close_others(s->dirfd, p[1]);
        err = write_snapshot(s, g, dump, ctx);
        if (write(p[1], err == 0 ? "0" : "1", 1) != 1)
            _exit(1);
        if (err != 0 && write(p[1], &err, sizeof err) != (ssize_t)sizeof err)
            _exit(1);
        _exit(err == 0 ? 0 : 1);
    }
    close(p[1]);
    s->child = pid;
    s->child_fd = p[0];
    s->child_gen = g;
    s->child_records = s->stats.journal_records;
    s->stats.journal_records = 0;
    *fd = p[0];
    return 0;
}

int dir_store_compact_finish(struct dir_store *s)
{
    char    ok = '1';
    int     err = EIO;
    ssize_t r;

    if (s->child <= 0)
        return 0;
    do
        r = read(s->child_fd, &ok, 1);
    while (r < 0 && errno == EINTR);
    if (r == 1 && ok == '0')
        err = 0;
    else if (r == 1 && read(s->child_fd, &err, sizeof err) != (ssize_t)sizeof err)
        err = EIO;
    close(s->child_fd);
    waitpid(s->child, NULL, 0);
    s->child = 0;
    s->child_fd = -1;
    done(s, s->child_gen, err, s->child_records);
    return err == 0 ? 0 : dir_store_errno_status(err);
}

void dir_store_snapshot_abandon(struct dir_store *s)
{
    char tmp[4200];

    if (s->child <= 0)
        return;
    kill(s->child, SIGKILL);
    waitpid(s->child, NULL, 0);
    close(s->child_fd);
    dir_store_path(s, tmp, sizeof tmp, "snapshot", s->child_gen, ".tmp");
    unlink(tmp);
    s->child = 0;
    s->child_fd = -1;
}
