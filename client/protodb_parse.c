/* SPDX-License-Identifier: MIT */
/*
 * The protocols database, read the way glibc 2.36's nss_files reads it
 * (nss/nss_files/files-proto.c, files-parse.c), so getprotobyname and
 * getprotobynumber answer exactly what glibc answers for the same file:
 *
 *   - leading white space is skipped; empty lines and lines starting
 *     with '#' are ignored; a '#' anywhere ends the line;
 *   - the name runs to the first white space (the run is swallowed);
 *   - the number is what strtoul(.., 10) reads there (an optional sign
 *     included), followed by white space or the end of the line; a value
 *     above 0xffffffff (so any negative one but -0) drops the line, one
 *     above INT_MAX wraps to a negative p_proto (checked against glibc
 *     2.36, which behaves so on 64-bit hosts);
 *   - the aliases are the white-space separated words after it.
 *
 * "White space" is isspace() in the C locale.  Names compare byte for
 * byte, like glibc; only when no line matches that way does a
 * case-insensitive match count (Winsock's names are case-insensitive),
 * so wherever glibc finds an entry we find the same one.
 *
 * No state: the file is read on every call, as glibc does, so an edited
 * file is seen at once and threads share nothing.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "getxbyy.h"

/* Lines beyond this are not protocols entries; stop rather than grow
 * without bound on a file that is not a protocols file. */
#define PROTO_LINE_MAX (1u << 20)

static int is_space(int c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* One parsed line: spans into the line text, which is not modified. */
struct proto_line {
    const char *name;
    size_t      name_len;
    int         number;
    const char *aliases;     /* the rest of the line (up to `end`) */
    const char *end;
};

static int parse_line(const char *line, struct proto_line *pl)
{
    const char *p = line, *end, *num_end;
    unsigned long v;
    char *endp;

    end = line + strcspn(line, "#\n");
    while (p < end && is_space((unsigned char)*p))
        p++;
    if (p == end)
        return 0;
    pl->name = p;
    while (p < end && !is_space((unsigned char)*p))
        p++;
    pl->name_len = (size_t)(p - pl->name);
    while (p < end && is_space((unsigned char)*p))
        p++;
    /* strtoul stops at the '#' or newline that ends the line (neither
     * is a digit) and skips nothing (p is at a non-space or at the end). */
    if (p == end)
        return 0;
    v = strtoul(p, &endp, 10);
    if (endp == p || (endp != end && !is_space((unsigned char)*endp)) ||
        v > 0xffffffffUL)
        return 0;
    num_end = endp;
    pl->number = (int)(unsigned int)v;
    pl->aliases = num_end;
    pl->end = end;
    return 1;
}

/* The next alias at or after *cur (NULL at the end); *len its length. */
static const char *next_alias(const struct proto_line *pl, const char **cur,
                              size_t *len)
{
    const char *p = *cur, *w;

    while (p < pl->end && is_space((unsigned char)*p))
        p++;
    if (p == pl->end)
        return NULL;
    w = p;
    while (p < pl->end && !is_space((unsigned char)*p))
        p++;
    *len = (size_t)(p - w);
    *cur = p;
    return w;
}

static int word_eq(const char *w, size_t n, const char *name, int fold)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (name[i] == '\0')
            return 0;
        if (fold ? lower((unsigned char)w[i]) != lower((unsigned char)name[i])
                 : w[i] != name[i])
            return 0;
    }
    return name[n] == '\0';
}

/* 2: the name or an alias is `name` exactly; 1: ignoring case; 0. */
static int name_match(const struct proto_line *pl, const char *name)
{
    const char *cur = pl->aliases, *w;
    int best = 0;
    size_t n;

    if (word_eq(pl->name, pl->name_len, name, 0))
        return 2;
    if (word_eq(pl->name, pl->name_len, name, 1))
        best = 1;
    while ((w = next_alias(pl, &cur, &n)) != NULL) {
        if (word_eq(w, n, name, 0))
            return 2;
        if (best == 0 && word_eq(w, n, name, 1))
            best = 1;
    }
    return best;
}

/* Reads one line (without limit but PROTO_LINE_MAX) into *buf.
 * 1 = a line, 0 = end of file, -1 = error (status in *st). */
static int read_line(FILE *f, char **buf, size_t *cap, int *st)
{
    size_t len = 0;

    for (;;) {
        if (*cap - len < 2) {
            size_t ncap = *cap ? *cap * 2 : 256;
            char *p;

            if (ncap > PROTO_LINE_MAX) {
                *st = WSANO_RECOVERY;
                return -1;
            }
            p = rnr_realloc(*buf, ncap);
            if (p == NULL) {
                *st = WSAENOBUFS;
                return -1;
            }
            *buf = p;
            *cap = ncap;
        }
        if (fgets(*buf + len, (int)(*cap - len), f) == NULL) {
            if (ferror(f)) {
                *st = WSANO_RECOVERY;
                return -1;
            }
            return len > 0;
        }
        len += strlen(*buf + len);
        if (len > 0 && (*buf)[len - 1] == '\n')
            return 1;
        if (feof(f))
            return 1;
    }
}

int rnr_protodb_find(FILE *f, const char *name, int number, char **line)
{
    char *buf = NULL, *folded = NULL;
    size_t cap = 0;
    struct proto_line pl;
    int rc = WSAHOST_NOT_FOUND, r, m, st = 0;

    while ((r = read_line(f, &buf, &cap, &st)) > 0) {
        if (!parse_line(buf, &pl))
            continue;
        if (name == NULL) {
            if (pl.number != number)
                continue;
            m = 2;
        } else {
            m = name_match(&pl, name);
        }
        if (m == 2) {
            *line = buf;
            buf = NULL;
            rc = 0;
            goto done;
        }
        if (m == 1 && folded == NULL && (folded = rnr_strdup(buf)) == NULL) {
            rc = WSAENOBUFS;
            goto done;
        }
    }
    if (r < 0) {
        rc = st;
        goto done;
    }
    if (folded != NULL) {
        *line = folded;
        folded = NULL;
        rc = 0;
    }
done:
    rnr_free(buf);
    rnr_free(folded);
    return rc;
}

int rnr_protodb_build(const char *line, void *buf, size_t buflen,
                      size_t *needed)
{
    struct proto_line pl;
    struct protoent *pe;
    const char *cur, *w;
    size_t naliases = 0, strbytes, need, n, k;
    char **arr, *s;

    if (!parse_line(line, &pl))
        return WSANO_RECOVERY;
    strbytes = pl.name_len + 1;
    cur = pl.aliases;
    while ((w = next_alias(&pl, &cur, &n)) != NULL) {
        naliases++;
        strbytes += n + 1;
    }
    need = sizeof *pe + (naliases + 1) * sizeof(char *) + strbytes;
    if (buflen < need) {
        *needed = need;
        return WSAEFAULT;
    }
    pe = buf;
    arr = (char **)(pe + 1);
    s = (char *)(arr + naliases + 1);
    pe->p_name = s;
    memcpy(s, pl.name, pl.name_len);
    s[pl.name_len] = '\0';
    s += pl.name_len + 1;
    cur = pl.aliases;
    for (k = 0; (w = next_alias(&pl, &cur, &n)) != NULL; k++) {
        arr[k] = s;
        memcpy(s, w, n);
        s[n] = '\0';
        s += n + 1;
    }
    arr[k] = NULL;
    pe->p_aliases = arr;
    pe->p_proto = pl.number;
    return 0;
}
