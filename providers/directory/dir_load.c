/*
 * Opening the directory store: which files make up the current
 * generation, reading their records back, cutting off an interrupted
 * append, and reporting damage without stopping (dir_store.h).
 */
#include "config.h"

#include "dir_store.h"
#include "dir_store_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rnr/nsp.h>

#include "alloc.h"
#include "guid.h"
#include "status.h"

/* Records parsed together (one libxml2 parse per batch). */
#define DIR_LOAD_BATCH 512u
/* Bytes read at a time: a few batches, small enough to stay in cache. */
#define DIR_LOAD_CHUNK (256u << 10)

/* "journal.12" -> 12 when name is KIND.NUMBER exactly. */
static int file_number(const char *name, const char *kind, uint64_t *out)
{
    size_t   k = strlen(kind);
    uint64_t v = 0;
    const char *p;

    if (strncmp(name, kind, k) != 0 || name[k] != '.' || name[k + 1] == '\0')
        return 0;
    for (p = name + k + 1; *p != '\0'; p++) {
        if (*p < '0' || *p > '9' || v > (UINT64_MAX - 9) / 10)
            return 0;
        v = v * 10 + (uint64_t)(*p - '0');
    }
    *out = v;
    return 1;
}

static int hex8(const char *p, uint32_t *out)
{
    uint32_t v = 0;
    int      i;

    for (i = 0; i < 8; i++) {
        int d = rnr_hex_digit((unsigned char)p[i]);

        if (d < 0)
            return -1;
        v = v << 4 | (uint32_t)d;
    }
    *out = v;
    return 0;
}

static void damaged(struct dir_store *s, const char *path, long line, const char *why)
{
    s->stats.damaged++;
    if (line > 0)
        s->cb.log(s->cb.ctx, RNR_NSP_LOG_WARNING, "%s:%ld: damaged record skipped: %s",
                  path, line, why);
    else
        s->cb.log(s->cb.ctx, RNR_NSP_LOG_WARNING, "%s: damaged file skipped: %s", path, why);
}

/* What is known of a file while it is read. */
struct reading {
    struct dir_store *s;
    const char       *path;
    int               snapshot;
    /* Lines whose checksum held, parsed together (dir_xml_parse_batch). */
    const char       *span[DIR_LOAD_BATCH];
    size_t            spanlen[DIR_LOAD_BATCH];
    long              line[DIR_LOAD_BATCH];
    size_t            n;
    size_t            bytes;
};

/* A record read: applied, or reported. */
static void take(struct reading *rd, long lineno, struct dir_xml_rec *rec, int rc,
                 const char *err)
{
    struct dir_store *s = rd->s;
    char              why[300];

    if (rc != 0) {
        damaged(s, rd->path, lineno, err[0] ? err : rnr_status_text(rc));
    } else if (rd->snapshot && rec->del) {
        damaged(s, rd->path, lineno, "a deletion in a snapshot");
    } else if ((rc = s->cb.apply(s->cb.ctx, rec)) != 0) {
        snprintf(why, sizeof why, "cannot be applied: %s", rnr_status_text(rc));
        damaged(s, rd->path, lineno, why);
    } else {
        s->stats.loaded++;
        if (!rd->snapshot)
            s->stats.journal_records++;
    }
}

static void take_batched(void *ctx, size_t i, struct dir_xml_rec *rec, int status,
                         const char *err)
{
    struct reading *rd = ctx;

    take(rd, rd->line[i], rec, status, err);
}

static void flush(struct reading *rd)
{
    struct dir_store  *s = rd->s;
    struct dir_xml_rec rec;
    char               err[300];
    size_t             i = 0;
    int                rc;

    if (rd->n == 0)
        return;
    s->line.len = 0;
    s->line.error = 0;
    dir_text_puts(&s->line, "<batch>");
    for (i = 0; i < rd->n; i++) {
        if (i > 0)
            dir_text_put(&s->line, "\n", 1);
        dir_text_put(&s->line, rd->span[i], rd->spanlen[i]);
    }
    dir_text_puts(&s->line, "</batch>");
    i = s->line.error ? 0 : dir_xml_parse_batch(s->parser, s->line.data, s->line.len, rd->n,
                                                take_batched, rd);
    /* What the batch did not take: one by one, to name the bad line. */
    for (; i < rd->n; i++) {
        memset(&rec, 0, sizeof rec);
        rc = dir_xml_parse_record(s->parser, rd->span[i], rd->spanlen[i], &rec, err, sizeof err);
        take(rd, rd->line[i], &rec, rc, err);
        dir_xml_rec_clear(&rec);
    }
    rd->n = 0;
    rd->bytes = 0;
}

/* One line (without its newline): checked, then queued for parsing. */
static void load_line(struct reading *rd, long lineno, const char *p, size_t n)
{
    uint32_t crc;

    if (n < 10 || p[8] != ' ' || hex8(p, &crc) != 0) {
        damaged(rd->s, rd->path, lineno, "not a record line (CRC32 <record/>)");
        return;
    }
    if (n > DIR_STORE_MAX_LINE) {
        damaged(rd->s, rd->path, lineno, "line too long");
        return;
    }
    if (dir_store_crc32(p + 9, n - 9) != crc) {
        damaged(rd->s, rd->path, lineno, "checksum mismatch");
        return;
    }
    rd->span[rd->n] = p + 9;
    rd->spanlen[rd->n] = n - 9;
    rd->line[rd->n] = lineno;
    rd->bytes += n;
    if (++rd->n == DIR_LOAD_BATCH || rd->bytes > (1u << 20))
        flush(rd);
}

/* The lines of buf[0..len) up to the last newline: queued, then parsed.
 * Returns how many bytes that was. */
static size_t load_lines(struct reading *rd, const char *buf, size_t len, long *lineno)
{
    size_t pos = 0;
    const char *nl;

    while (pos < len && (nl = memchr(buf + pos, '\n', len - pos)) != NULL) {
        ++*lineno;
        if (nl > buf + pos)
            load_line(rd, *lineno, buf + pos, (size_t)(nl - (buf + pos)));
        pos = (size_t)(nl - buf) + 1;
    }
    /* The spans point into buf, which is about to be reused. */
    flush(rd);
    return pos;
}

/* Reads a whole file, a chunk at a time through one buffer that stays in
 * the cache (on a slow machine, every pass over the whole file in memory
 * costs more than parsing it).  *good receives the length of its
 * complete lines (the end of the file unless the last line has no
 * newline). */
static int load_file(struct dir_store *s, const char *path, int snapshot, int last,
                     uint64_t *good)
{
    struct reading *rd = NULL;
    struct stat st;
    char       *buf = NULL;
    size_t      cap = DIR_LOAD_CHUNK, have = 0, used;
    uint64_t    done_bytes = 0;    /* of the file, before buf[0] */
    long        lineno = 0;
    int         fd, rc = -1, toolong = 0;

    *good = 0;
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0 || fstat(fd, &st) != 0) {
        damaged(s, path, 0, strerror(errno));
        goto done;
    }
    if (!S_ISREG(st.st_mode)) {
        damaged(s, path, 0, "not a regular file");
        goto done;
    }
    if ((buf = rnr_malloc(cap)) == NULL || (rd = rnr_malloc(sizeof *rd)) == NULL) {
        damaged(s, path, 0, "out of memory");
        goto done;
    }
    rd->s = s;
    rd->path = path;
    rd->snapshot = snapshot;
    rd->n = rd->bytes = 0;
    for (;;) {
        ssize_t r = read(fd, buf + have, cap - have);

        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            damaged(s, path, 0, strerror(errno));
            goto done;
        }
        if (r == 0)
            break;
        have += (size_t)r;
        used = 0;
        if (toolong) {
            /* The rest of a line already reported: up to its newline. */
            char *nl = memchr(buf, '\n', have);

            if (nl == NULL) {
                done_bytes += have;
                have = 0;
                continue;
            }
            lineno++;
            toolong = 0;
            used = (size_t)(nl - buf) + 1;
        }
        used += load_lines(rd, buf + used, have - used, &lineno);
        memmove(buf, buf + used, have - used);
        done_bytes += used;
        have -= used;
        *good = done_bytes;
        if (have < cap)
            continue;
        /* A whole buffer without a newline: a long record, or damage. */
        if (cap <= DIR_STORE_MAX_LINE) {
            char *nb = rnr_realloc(buf, cap * 2);

            if (nb == NULL) {
                damaged(s, path, 0, "out of memory");
                goto done;
            }
            buf = nb;
            cap *= 2;
        } else {
            damaged(s, path, lineno + 1, "line too long");
            done_bytes += have;
            have = 0;
            toolong = 1;
        }
    }
    if (have > 0 || toolong) {
        if (last && !snapshot) {
            s->cb.log(s->cb.ctx, RNR_NSP_LOG_NOTICE, "%s: incomplete last record (%llu "
                      "bytes from an interrupted write, never acknowledged) dropped",
                      path, (unsigned long long)(done_bytes + have - *good));
        } else {
            if (!toolong)
                damaged(s, path, lineno + 1, "incomplete last line");
            *good = done_bytes + have;
        }
    }
    rc = 0;
done:
    if (fd >= 0)
        close(fd);
    rnr_free(buf);
    rnr_free(rd);
    return rc;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

/* Lists the directory: the newest snapshot, the journals; leftovers of an
 * interrupted compaction (*.tmp) go. */
static int scan(struct dir_store *s, uint64_t *snap, uint64_t **journals, size_t *nj)
{
    DIR           *d = opendir(s->dir);
    struct dirent *de;
    uint64_t      *j = NULL, v;
    size_t         n = 0, cap = 0;

    *snap = 0;
    if (d == NULL)
        return errno;
    while ((de = readdir(d)) != NULL) {
        size_t len = strlen(de->d_name);

        if (len > 4 && strcmp(de->d_name + len - 4, ".tmp") == 0 &&
            strncmp(de->d_name, "snapshot.", 9) == 0) {
            unlinkat(dirfd(d), de->d_name, 0);
        } else if (file_number(de->d_name, "snapshot", &v)) {
            if (v > *snap)
                *snap = v;
        } else if (file_number(de->d_name, "journal", &v)) {
            if (n == cap) {
                uint64_t *nj2 = rnr_realloc(j, (cap ? cap * 2 : 16) * sizeof *j);

                if (nj2 == NULL) {
                    closedir(d);
                    rnr_free(j);
                    return ENOMEM;
                }
                j = nj2;
                cap = cap ? cap * 2 : 16;
            }
            j[n++] = v;
        }
    }
    closedir(d);
    if (n > 1)   /* qsort's base must not be NULL, even for 0 elements */
        qsort(j, n, sizeof *j, cmp_u64);
    *journals = j;
    *nj = n;
    return 0;
}

void dir_store_remove_below(struct dir_store *s, uint64_t g)
{
    DIR           *d;
    struct dirent *de;
    uint64_t       v;

    if ((d = opendir(s->dir)) == NULL)
        return;
    while ((de = readdir(d)) != NULL)
        if ((file_number(de->d_name, "snapshot", &v) || file_number(de->d_name, "journal", &v)) &&
            v < g)
            unlinkat(dirfd(d), de->d_name, 0);
    closedir(d);
}

/* Continue appending to the last journal, cut back to its complete lines. */
static void reopen_last(struct dir_store *s, uint64_t num, uint64_t good)
{
    char        path[4200];
    struct stat st;
    int         fd;

    dir_store_path(s, path, sizeof path, "journal", num, "");
    fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0 || fstat(fd, &st) != 0)
        goto fresh;
    if ((uint64_t)st.st_size != good &&
        (ftruncate(fd, (off_t)good) != 0 || fdatasync(fd) != 0)) {
        s->cb.log(s->cb.ctx, RNR_NSP_LOG_WARNING, "%s: cannot cut the incomplete record: %s",
                  path, strerror(errno));
        goto fresh;
    }
    s->jfd = fd;
    s->jnum = num;
    s->jsize = good;
    s->jwritten = good;
    return;
fresh:
    /* The next append starts a new journal instead. */
    if (fd >= 0)
        close(fd);
}

int dir_store_open(const char *dir, const struct dir_store_cb *cb, struct dir_store **out)
{
    struct dir_store *s;
    uint64_t *journals = NULL, snap = 0, good = 0;
    size_t    nj = 0, k;
    char      path[4200];
    int       err = 0, rc = WSAENOBUFS;

    if ((s = rnr_calloc(1, sizeof *s)) == NULL)
        return WSAENOBUFS;
    s->jfd = s->dirfd = s->snap_fd = s->child_fd = -1;
    s->compact_min = DIR_STORE_COMPACT_MIN;
    s->cb = *cb;
    if ((s->dir = rnr_strdup(dir)) == NULL || dir_xml_parser_new(&s->parser) != 0)
        goto done;
    rc = WSASYSCALLFAILURE;
    s->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (s->dirfd < 0)
        err = errno;
    else
        err = scan(s, &snap, &journals, &nj);
    if (err != 0) {
        cb->log(cb->ctx, RNR_NSP_LOG_ERR, "%s: cannot read the store: %s", dir, strerror(err));
        rc = err == ENOMEM ? WSAENOBUFS : WSASYSCALLFAILURE;
        goto done;
    }
    if (snap > 0) {
        dir_store_path(s, path, sizeof path, "snapshot", snap, "");
        load_file(s, path, 1, 0, &good);
    }
    s->jnext = snap > 0 ? snap : 1;
    for (k = 0; k < nj; k++) {
        if (journals[k] < snap)
            continue;
        dir_store_path(s, path, sizeof path, "journal", journals[k], "");
        if (load_file(s, path, 0, k + 1 == nj, &good) == 0 && k + 1 == nj)
            reopen_last(s, journals[k], good);
        s->jnext = journals[k] + 1;
    }
    /* What an interrupted compaction left of the previous generation. */
    dir_store_remove_below(s, snap);
    /* Only loading parses; its buffers grew to the longest record. */
    dir_xml_parser_free(s->parser);
    s->parser = NULL;
    *out = s;
    s = NULL;
    rc = 0;
done:
    rnr_free(journals);
    dir_store_close(s);
    return rc;
}
