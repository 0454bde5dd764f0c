/* SPDX-License-Identifier: MIT */
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
#include <time.h>
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
        s->cb.log(s->cb.logp, RNR_NSP_LOG_WARNING, "%s:%ld: damaged record skipped: %s",
                  path, line, why);
    else
        s->cb.log(s->cb.logp, RNR_NSP_LOG_WARNING, "%s: damaged file skipped: %s", path, why);
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

    /* A snapshot's header and trailer, checked before it was loaded. */
    if (rd->snapshot && n > 0 && p[0] == '#')
        return;
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
            s->cb.log(s->cb.logp, RNR_NSP_LOG_NOTICE, "%s: incomplete last record (%llu "
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

/* ------------------------------------------------------------ verifying */

/* A snapshot read back against its trailer, a chunk at a time and in
 * constant memory (however long its lines). */
struct verify {
    int         legacy;     /* no header: each line is checked alone */
    int         meta;       /* the current line is a '#' line */
    int         ended;      /* the trailer was read */
    size_t      col;        /* bytes of the current line so far */
    char        head[64];   /* a '#' line, or a record's "CRC32 " prefix */
    uint32_t    crc;        /* of the record lines, newlines included */
    uint32_t    linecrc;    /* without the header: the current record's */
    uint64_t    records;
    uint64_t    want_records;
    uint32_t    want_crc;
    long        lineno;
    const char *why;        /* set at the first damage */
    long        why_line;
};

/* Part of a line (no newline in it). */
static void verify_part(struct verify *v, const char *p, size_t n)
{
    size_t k;

    if (v->col == 0) {
        if (v->lineno == 0)
            v->legacy = p[0] != '#';
        v->meta = p[0] == '#';
    }
    v->why_line = v->lineno + 1;   /* should this part be the damage */
    if (v->col + n > DIR_STORE_MAX_LINE) {
        v->why = "a line too long";
        return;
    }
    if (v->meta) {
        k = v->col < sizeof v->head - 1 ? sizeof v->head - 1 - v->col : 0;
        memcpy(v->head + v->col, p, n < k ? n : k);
    } else if (v->ended) {
        v->why = "records after the trailer";
        return;
    } else if (!v->legacy) {
        v->crc = dir_store_crc32_more(v->crc, p, n);
    } else {
        /* "CRC32 " into head, the record after it into linecrc. */
        k = v->col < 9 ? 9 - v->col : 0;
        if (k > n)
            k = n;
        memcpy(v->head + v->col, p, k);
        v->linecrc = dir_store_crc32_more(v->linecrc, p + k, n - k);
    }
    v->col += n;
}

static void verify_eol(struct verify *v)
{
    unsigned long long records;
    unsigned int       crc;
    uint32_t           want;
    char               extra;

    v->why_line = ++v->lineno;
    if (v->col == 0) {
        if (!v->legacy)
            v->why = "an empty line";
    } else if (v->meta) {
        v->head[v->col < sizeof v->head ? v->col : sizeof v->head - 1] = '\0';
        if (v->lineno == 1 && strcmp(v->head, DIR_SNAP_HEADER) == 0) {
            /* the header */
        } else if (v->lineno > 1 && !v->legacy && !v->ended && v->col < sizeof v->head &&
                   sscanf(v->head, DIR_SNAP_TRAILER " %llu %8x%c", &records, &crc, &extra) == 2) {
            v->ended = 1;
            v->want_records = records;
            v->want_crc = crc;
        } else {
            v->why = "an unknown '#' line";
        }
    } else if (!v->legacy) {
        v->crc = dir_store_crc32_more(v->crc, "\n", 1);
        v->records++;
    } else if (v->col < 10 || v->head[8] != ' ' || hex8(v->head, &want) != 0) {
        v->why = "not a record line (CRC32 <record/>)";
    } else if (want != v->linecrc) {
        v->why = "a record's checksum does not match";
    } else {
        v->records++;
    }
    v->col = 0;
    v->linecrc = 0;
}

int dir_store_snapshot_verify(const char *path, uint64_t *records, char *why, size_t len)
{
    struct verify v;
    struct stat   st;
    char         *buf = NULL;
    int           fd, rc = -1;

    memset(&v, 0, sizeof v);
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0 || fstat(fd, &st) != 0) {
        snprintf(why, len, "%s", strerror(errno));
        goto done;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(why, len, "not a regular file");
        goto done;
    }
    if ((buf = rnr_malloc(DIR_LOAD_CHUNK)) == NULL) {
        snprintf(why, len, "out of memory");
        goto done;
    }
    while (v.why == NULL) {
        ssize_t     r = read(fd, buf, DIR_LOAD_CHUNK);
        const char *p = buf, *nl;
        size_t      n;

        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            snprintf(why, len, "%s", strerror(errno));
            goto done;
        }
        if (r == 0)
            break;
        for (n = (size_t)r; n > 0 && v.why == NULL;) {
            size_t seg;

            nl = memchr(p, '\n', n);
            seg = nl != NULL ? (size_t)(nl - p) : n;
            if (seg > 0)
                verify_part(&v, p, seg);
            if (nl != NULL && v.why == NULL) {
                verify_eol(&v);
                seg++;
            }

            p += seg;
            n -= seg;
        }
    }
    if (v.why == NULL) {
        v.why_line = 0;
        if (v.lineno == 0 && v.col == 0)
            v.why = "empty (not even the header line)";
        else if (v.col > 0)
            v.why = "an incomplete last line (cut short)";
        else if (!v.legacy && !v.ended)
            v.why = "no trailer (cut short)";
    }
    if (v.why != NULL && v.why_line > 0)
        snprintf(why, len, "%s at line %ld", v.why, v.why_line);
    else if (v.why != NULL)
        snprintf(why, len, "%s", v.why);
    if (v.why != NULL)
        goto done;
    if (!v.legacy && v.records != v.want_records) {
        snprintf(why, len, "%llu records where the trailer says %llu",
                 (unsigned long long)v.records, (unsigned long long)v.want_records);
        goto done;
    }
    if (!v.legacy && v.crc != v.want_crc) {
        snprintf(why, len, "the records' checksum does not match the trailer's");
        goto done;
    }
    *records = v.records;
    rc = v.legacy ? 1 : 0;
done:
    if (fd >= 0)
        close(fd);
    rnr_free(buf);
    return rc;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

struct numbers {
    uint64_t *v;
    size_t    n, cap;
};

static int numbers_add(struct numbers *l, uint64_t v)
{
    if (l->n == l->cap) {
        size_t    cap = l->cap ? l->cap * 2 : 16;
        uint64_t *nv = rnr_realloc(l->v, cap * sizeof *nv);

        if (nv == NULL)
            return ENOMEM;
        l->v = nv;
        l->cap = cap;
    }
    l->v[l->n++] = v;
    return 0;
}

/* Lists the directory: the snapshots and the journals, each in
 * ascending order; leftovers of an interrupted compaction (*.tmp) go. */
static int scan(struct dir_store *s, struct numbers *snaps, struct numbers *journals)
{
    DIR           *d = opendir(s->dir);
    struct dirent *de;
    uint64_t       v;
    int            err = 0;

    if (d == NULL)
        return errno;
    while (err == 0 && (de = readdir(d)) != NULL) {
        size_t len = strlen(de->d_name);

        if (len > 4 && strcmp(de->d_name + len - 4, ".tmp") == 0 &&
            strncmp(de->d_name, "snapshot.", 9) == 0)
            unlinkat(dirfd(d), de->d_name, 0);
        else if (file_number(de->d_name, "snapshot", &v))
            err = numbers_add(snaps, v);
        else if (file_number(de->d_name, "journal", &v))
            err = numbers_add(journals, v);
    }
    closedir(d);
    /* qsort's base must not be NULL, even for 0 elements */
    if (snaps->n > 1)
        qsort(snaps->v, snaps->n, sizeof *snaps->v, cmp_u64);
    if (journals->n > 1)
        qsort(journals->v, journals->n, sizeof *journals->v, cmp_u64);
    return err;
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
        s->cb.log(s->cb.logp, RNR_NSP_LOG_WARNING, "%s: cannot cut the incomplete record: %s",
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

/* A damaged snapshot with an older generation to fall back to: moved
 * out of the way (kept for a look), so that the next start does not
 * meet it again.  0, or -1 when it cannot be moved. */
static int set_aside(struct dir_store *s, const char *path, char *aside, size_t len)
{
    snprintf(aside, len, "%s.bad-%lld", path, (long long)time(NULL));
    if (rename(path, aside) != 0 || fsync(s->dirfd) != 0) {
        s->cb.log(s->cb.logp, RNR_NSP_LOG_ERR, "%s: cannot rename it aside: %s", path,
                  strerror(errno));
        return -1;
    }
    return 0;
}

/* Which snapshot to load: the newest that verifies; one that does not
 * is renamed aside while anything older remains to fall back to, else
 * loaded for what is sound in it (*salvage).  0 when there is none left,
 * the journals alone. */
static uint64_t choose_base(struct dir_store *s, const struct numbers *snaps,
                            const struct numbers *journals, int *salvage, uint64_t *bad)
{
    char     path[4200], aside[4300], why[200];
    uint64_t records;
    size_t   k;
    int      rc;

    *salvage = 0;
    *bad = 0;
    for (k = snaps->n; k-- > 0;) {
        uint64_t g = snaps->v[k];

        dir_store_path(s, path, sizeof path, "snapshot", g, "");
        rc = dir_store_snapshot_verify(path, &records, why, sizeof why);
        if (rc == 1)
            s->cb.log(s->cb.logp, RNR_NSP_LOG_NOTICE, "%s: written before snapshots had a "
                      "trailer; every line checked instead", path);
        if (rc >= 0)
            return g;
        s->stats.damaged++;
        if (*bad == 0)
            *bad = g;
        if (k == 0 && (journals->n == 0 || journals->v[0] >= g)) {
            s->cb.log(s->cb.logp, RNR_NSP_LOG_ERR, "%s: damaged snapshot: %s; there is no "
                      "older generation to fall back to: loading what is sound in it, the "
                      "rest is lost", path, why);
            *salvage = 1;
            return g;
        }
        if (set_aside(s, path, aside, sizeof aside) != 0) {
            *salvage = 1;
            return g;
        }
        s->cb.log(s->cb.logp, RNR_NSP_LOG_ERR, "%s: damaged snapshot: %s; renamed to %s, "
                  "loading the generation before it", path, why, aside);
    }
    return 0;
}

/* The error-level account of a load that met a damaged snapshot. */
static void report_recovery(struct dir_store *s, uint64_t base, uint64_t bad, int salvage,
                            const struct numbers *journals, uint64_t damaged)
{
    char     from[4200], lost[160];
    uint64_t first = 0;
    size_t   k;

    for (k = 0; k < journals->n; k++)
        if (journals->v[k] >= base) {
            first = journals->v[k];
            break;
        }
    if (base > 0)
        dir_store_path(s, from, sizeof from, "snapshot", base, "");
    else
        snprintf(from, sizeof from, "%s: the journals alone (no older snapshot)", s->dir);
    if (damaged > 0)
        snprintf(lost, sizeof lost, "%llu damaged record(s) could not be recovered (logged "
                 "above)", (unsigned long long)damaged);
    else if (salvage)
        snprintf(lost, sizeof lost, "the damaged part of the snapshot could not be recovered");
    else if (base == 0 && first > 1)
        snprintf(lost, sizeof lost, "whatever only snapshot.%llu held from before journal.%llu "
                 "could not be recovered", (unsigned long long)bad, (unsigned long long)first);
    else
        snprintf(lost, sizeof lost, "nothing was lost");
    if (first > 0 && base > 0)
        s->cb.log(s->cb.logp, RNR_NSP_LOG_ERR, "recovered %llu record(s) from %s%s and "
                  "journal.%llu on, in place of the damaged snapshot.%llu; %s",
                  (unsigned long long)s->stats.loaded, from, salvage ? " (its sound part)" : "",
                  (unsigned long long)first, (unsigned long long)bad, lost);
    else if (first > 0)
        s->cb.log(s->cb.logp, RNR_NSP_LOG_ERR, "recovered %llu record(s) from %s, journal.%llu "
                  "on, in place of the damaged snapshot.%llu; %s",
                  (unsigned long long)s->stats.loaded, from, (unsigned long long)first,
                  (unsigned long long)bad, lost);
    else
        s->cb.log(s->cb.logp, RNR_NSP_LOG_ERR, "recovered %llu record(s) from %s%s, in place "
                  "of the damaged snapshot.%llu; %s", (unsigned long long)s->stats.loaded, from,
                  salvage ? " (its sound part)" : "", (unsigned long long)bad, lost);
}

int dir_store_open(const char *dir, const struct dir_store_cb *cb, struct dir_store **out)
{
    struct dir_store *s;
    struct numbers    snaps = { NULL, 0, 0 }, journals = { NULL, 0, 0 };
    uint64_t          base = 0, bad = 0, prev = 0, good = 0, damaged;
    size_t            k;
    char              path[4200];
    int               err = 0, rc = WSAENOBUFS, salvage = 0, whole;

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
        err = scan(s, &snaps, &journals);
    if (err != 0) {
        cb->log(cb->logp, RNR_NSP_LOG_ERR, "%s: cannot read the store: %s", dir, strerror(err));
        rc = err == ENOMEM ? WSAENOBUFS : WSASYSCALLFAILURE;
        goto done;
    }
    base = choose_base(s, &snaps, &journals, &salvage, &bad);
    damaged = s->stats.damaged;
    if (base > 0) {
        dir_store_path(s, path, sizeof path, "snapshot", base, "");
        load_file(s, path, 1, 0, &good);
    }
    whole = !salvage && s->stats.damaged == damaged;
    s->jnext = base > 0 ? base : 1;
    for (k = 0; k < journals.n; k++) {
        if (journals.v[k] < base)
            continue;
        dir_store_path(s, path, sizeof path, "journal", journals.v[k], "");
        if (load_file(s, path, 0, k + 1 == journals.n, &good) == 0 && k + 1 == journals.n)
            reopen_last(s, journals.v[k], good);
        s->jnext = journals.v[k] + 1;
    }
    if (bad > 0) {
        report_recovery(s, base, bad, salvage, &journals, s->stats.damaged - damaged);
        s->compact_due = 1;
    }
    /* Only now that the newest sound snapshot has loaded whole (a read
     * error would show as damage) may anything older go; the generation
     * before it stays as its fallback. */
    for (k = 0; k < snaps.n; k++)
        if (snaps.v[k] < base)
            prev = snaps.v[k];
    if (prev > 0 && whole)
        dir_store_remove_below(s, prev);
    s->base = base;
    /* Only loading parses; its buffers grew to the longest record. */
    dir_xml_parser_free(s->parser);
    s->parser = NULL;
    *out = s;
    s = NULL;
    rc = 0;
done:
    rnr_free(snaps.v);
    rnr_free(journals.v);
    dir_store_close(s);
    return rc;
}
