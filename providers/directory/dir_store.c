/* SPDX-License-Identifier: MIT */
/*
 * The directory on disk (dir_store.h): files, appends, compaction.
 * Reading the files back is dir_load.c.
 */
#include "config.h"

#include "dir_store.h"
#include "dir_store_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rnr/nsp.h>

#include "alloc.h"

/* Slicing by 8 (eight bytes per step through eight tables): loading
 * checks every byte of the store, and this is several times faster than
 * a byte at a time. */
uint32_t dir_store_crc32_more(uint32_t crc, const void *p, size_t n)
{
    static uint32_t t[8][256];
    static int      ready;
    const uint8_t  *b = p;
    uint32_t        c = crc ^ 0xffffffffu;
    size_t          i;
    int             k;

    if (!ready) {
        for (i = 0; i < 256; i++) {
            uint32_t v = (uint32_t)i;

            for (k = 0; k < 8; k++)
                v = (v & 1) ? 0xedb88320u ^ (v >> 1) : v >> 1;
            t[0][i] = v;
        }
        for (i = 0; i < 256; i++)
            for (k = 1; k < 8; k++)
                t[k][i] = (t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 0xff];
        ready = 1;
    }
    for (; n >= 8; b += 8, n -= 8) {
        uint32_t lo = c ^ ((uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
                           (uint32_t)b[3] << 24);

        c = t[7][lo & 0xff] ^ t[6][(lo >> 8) & 0xff] ^ t[5][(lo >> 16) & 0xff] ^
            t[4][lo >> 24] ^ t[3][b[4]] ^ t[2][b[5]] ^ t[1][b[6]] ^ t[0][b[7]];
    }
    for (; n > 0; b++, n--)
        c = t[0][(c ^ *b) & 0xff] ^ (c >> 8);
    return c ^ 0xffffffffu;
}

uint32_t dir_store_crc32(const void *p, size_t n)
{
    return dir_store_crc32_more(0, p, n);
}

int dir_store_errno_status(int err)
{
    return err == ENOSPC || err == EDQUOT ? WSAEDQUOT : WSASYSCALLFAILURE;
}

void dir_store_path(const struct dir_store *s, char *buf, size_t len, const char *kind,
                    uint64_t n, const char *suffix)
{
    snprintf(buf, len, "%s/%s.%llu%s", s->dir, kind, (unsigned long long)n, suffix);
}

/* "CRC32 xml\n" appended to t. */
void dir_store_make_line(struct dir_text *t, const char *xml, size_t len)
{
    char crc[10];

    snprintf(crc, sizeof crc, "%08x ", dir_store_crc32(xml, len));
    dir_text_put(t, crc, 9);
    dir_text_put(t, xml, len);
    dir_text_put(t, "\n", 1);
}

int dir_store_write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);

        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return errno;
        if (w == 0)
            return EIO;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int fsync_dir(struct dir_store *s)
{
    return fsync(s->dirfd) == 0 ? 0 : errno;
}

/* Opens (creating, empty) journal.n as the active journal. */
int dir_store_journal_create(struct dir_store *s, uint64_t n)
{
    char path[4200];
    int  fd, err;

    dir_store_path(s, path, sizeof path, "journal", n, "");
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) {
        err = errno;
        s->cb.log(s->cb.logp, RNR_NSP_LOG_ERR, "%s: cannot create: %s", path, strerror(err));
        return err;
    }
    /* The file must still be there after a crash before a record in it is
     * acknowledged. */
    if ((err = fsync_dir(s)) != 0) {
        s->cb.log(s->cb.logp, RNR_NSP_LOG_ERR, "%s: fsync: %s", s->dir, strerror(err));
        close(fd);
        unlink(path);
        return err;
    }
    if (s->jfd >= 0)
        close(s->jfd);
    s->jfd = fd;
    s->jnum = n;
    s->jsize = 0;
    s->jwritten = 0;
    s->unsynced = 0;
    return 0;
}

int dir_store_write(struct dir_store *s, const char *xml, size_t len)
{
    char path[4200];
    int  err = 0;

    s->line.len = 0;
    s->line.error = 0;
    dir_store_make_line(&s->line, xml, len);
    if (s->line.error) {
        s->stats.append_errors++;
        return WSAENOBUFS;
    }
    if (s->jfd < 0 && (err = dir_store_journal_create(s, s->jnext)) != 0)
        goto fail;
    err = dir_store_write_all(s->jfd, s->line.data, s->line.len);
    if (err != 0) {
        dir_store_path(s, path, sizeof path, "journal", s->jnum, "");
        s->cb.log(s->cb.logp, RNR_NSP_LOG_ERR, "%s: cannot write a record: %s (not registered)",
                  path, strerror(err));
        /* Earlier records waiting for their sync stay; only this line's
         * part goes. */
        if (ftruncate(s->jfd, (off_t)s->jwritten) != 0)
            s->cb.log(s->cb.logp, RNR_NSP_LOG_ERR, "%s: cannot cut back to %llu bytes: %s",
                      path, (unsigned long long)s->jwritten, strerror(errno));
        goto fail;
    }
    s->jwritten += s->line.len;
    s->unsynced++;
    s->stats.appends++;
    s->stats.journal_records++;
    return 0;
fail:
    s->stats.append_errors++;
    return dir_store_errno_status(err);
}

int dir_store_sync_fd(const struct dir_store *s)
{
    return s->jfd;
}

uint64_t dir_store_unsynced(const struct dir_store *s)
{
    return s->unsynced;
}

int dir_store_synced(struct dir_store *s, uint64_t size, uint64_t records, int err)
{
    char path[4200];

    if (err == 0) {
        s->jsize = size;
        s->unsynced -= records;
        return 0;
    }
    dir_store_path(s, path, sizeof path, "journal", s->jnum, "");
    s->cb.log(s->cb.logp, RNR_NSP_LOG_ERR, "%s: cannot sync %llu record(s): %s (not registered)",
              path, (unsigned long long)s->unsynced, strerror(err));
    if (ftruncate(s->jfd, (off_t)s->jsize) != 0 || fdatasync(s->jfd) != 0)
        s->cb.log(s->cb.logp, RNR_NSP_LOG_ERR, "%s: cannot cut back to %llu bytes: %s",
                  path, (unsigned long long)s->jsize, strerror(errno));
    s->stats.append_errors += s->unsynced;
    s->stats.journal_records -= s->unsynced < s->stats.journal_records ?
                                s->unsynced : s->stats.journal_records;
    s->unsynced = 0;
    s->jwritten = s->jsize;
    return dir_store_errno_status(err);
}

uint64_t dir_store_written(const struct dir_store *s)
{
    return s->jwritten;
}

/* The two steps at once, on the caller's thread (an rnrd without the
 * deferred set_service slots). */
int dir_store_append(struct dir_store *s, const char *xml, size_t len)
{
    int rc = dir_store_write(s, xml, len);

    if (rc != 0)
        return rc;
    return dir_store_synced(s, s->jwritten, s->unsynced,
                            fdatasync(s->jfd) == 0 ? 0 : errno);
}

/* ------------------------------------------------------------ compaction */

int dir_store_should_compact(const struct dir_store *s, size_t live)
{
    uint64_t want = live / 4 > s->compact_min ? live / 4 : s->compact_min;

    /* After a damaged snapshot, the next one is due at once: until it is
     * written, every start loads the older generation and its journals. */
    return s->child <= 0 && (s->compact_due || s->stats.journal_records >= want) &&
           s->stats.journal_records >= s->retry_at;
}

void dir_store_set_compact_min(struct dir_store *s, uint64_t records)
{
    s->compact_min = records > 0 ? records : DIR_STORE_COMPACT_MIN;
}

const struct dir_store_stats *dir_store_stats(const struct dir_store *s)
{
    return &s->stats;
}

void dir_store_close(struct dir_store *s)
{
    if (s == NULL)
        return;
    dir_store_snapshot_abandon(s);
    if (s->jfd >= 0)
        close(s->jfd);
    if (s->dirfd >= 0)
        close(s->dirfd);
    dir_xml_parser_free(s->parser);
    dir_text_free(&s->line);
    dir_text_free(&s->snap);
    rnr_free(s->dir);
    rnr_free(s);
}
