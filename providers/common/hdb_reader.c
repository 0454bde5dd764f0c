/* SPDX-License-Identifier: MIT */
/*
 * Bounded line reader (see hdb_reader.h).
 */
#include "hdb_reader.h"
#include "alloc.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A file bigger than this is refused rather than indexed: even at 64
 * bytes a line it is several million entries. */
#define HDB_MAX_FILE_BYTES ((size_t)512 << 20)

struct hdb_reader {
    int      fd;
    int      eof;
    unsigned lineno;
    size_t   max_line;
    size_t   total;      /* bytes read so far */
    size_t   start, end; /* unread data is buf[start, end) */
    size_t   cap;        /* buf holds cap bytes plus a NUL */
    char     buf[];
};

int hdb_reader_open(const char *path, size_t max_line, struct hdb_reader **out)
{
    struct hdb_reader *r;
    struct stat st;
    int fd, saved;

    /* O_NONBLOCK so that opening a FIFO cannot hang; fstat rejects it. */
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0)
        return -1;
    if (fstat(fd, &st) != 0)
        goto fail;
    if (!S_ISREG(st.st_mode)) {
        errno = EINVAL;
        goto fail;
    }
    r = rnr_malloc(sizeof *r + 2 * max_line + 2);
    if (r == NULL) {
        errno = ENOMEM;
        goto fail;
    }
    memset(r, 0, sizeof *r);
    r->fd = fd;
    r->max_line = max_line;
    r->cap = 2 * max_line + 1;
    *out = r;
    return 0;
fail:
    saved = errno;
    close(fd);
    errno = saved;
    return -1;
}

void hdb_reader_close(struct hdb_reader *r)
{
    if (r == NULL)
        return;
    close(r->fd);
    rnr_free(r);
}

/* Reads more data after buf[end].  Returns 1 when data came, 0 at EOF,
 * -1 on error. */
static int fill(struct hdb_reader *r)
{
    ssize_t n;

    if (r->start > 0) {
        memmove(r->buf, r->buf + r->start, r->end - r->start);
        r->end -= r->start;
        r->start = 0;
    }
    do {
        n = read(r->fd, r->buf + r->end, r->cap - r->end);
    } while (n < 0 && errno == EINTR);
    if (n < 0)
        return -1;
    if (n == 0) {
        r->eof = 1;
        return 0;
    }
    r->total += (size_t)n;
    if (r->total > HDB_MAX_FILE_BYTES) {
        errno = EFBIG;
        return -1;
    }
    r->end += (size_t)n;
    return 1;
}

/* Drops data up to and including the next newline (an over-long line). */
static int skip_line(struct hdb_reader *r)
{
    for (;;) {
        char *nl = memchr(r->buf + r->start, '\n', r->end - r->start);

        if (nl != NULL) {
            r->start = (size_t)(nl - r->buf) + 1;
            return 0;
        }
        r->start = r->end = 0;
        if (r->eof)
            return 0;
        if (fill(r) < 0)
            return -1;
    }
}

int hdb_reader_next(struct hdb_reader *r, char **line, unsigned *flags,
                    unsigned *lineno)
{
    for (;;) {
        size_t avail = r->end - r->start;
        char *p = r->buf + r->start;
        char *nl = memchr(p, '\n', avail);
        size_t len = nl != NULL ? (size_t)(nl - p) : avail;

        if (len > r->max_line) {
            r->lineno++;
            if (skip_line(r) < 0)
                return -1;
            *line = NULL;
            *flags = HDB_LINE_OVERLONG;
            *lineno = r->lineno;
            return 1;
        }
        if (nl != NULL || (r->eof && avail > 0)) {
            p[len] = '\0';
            r->start += nl != NULL ? len + 1 : len;
            r->lineno++;
            *line = p;
            *flags = memchr(p, '\0', len) != NULL ? HDB_LINE_NUL : 0;
            *lineno = r->lineno;
            return 1;
        }
        if (r->eof)
            return 0;
        if (fill(r) < 0)
            return -1;
    }
}
