/* SPDX-License-Identifier: MIT */
/*
 * hostsdb: loading.  Parses the hosts and services files into flat arrays
 * and one string arena, then builds the indexes (hostsdb_query.c answers
 * from them).
 */
#include "hostsdb_int.h"
#include "hdb_reader.h"
#include "alloc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <rnr/winsock2.h>

/* Per-file parse state: where we are and how much we complained. */
struct parse {
    struct hostsdb *db;
    const char     *path;
    unsigned        lineno;
    unsigned        complaints;
    rnr_nsp_log_fn           log;
    struct rnr_nsp_provider *logp;
};

static void complain(struct parse *ps, const char *what)
{
    ps->complaints++;
    if (ps->log != NULL && ps->complaints <= HOSTSDB_MAX_COMPLAINTS)
        ps->log(ps->logp, RNR_NSP_LOG_WARNING, "%s:%u: %s, line skipped", ps->path,
                ps->lineno, what);
}

/* Grows *arr (of *cap elements of size elem) to hold `need` elements. */
static int grow(void **arr, uint32_t *cap, uint32_t need, size_t elem)
{
    uint32_t ncap;
    void *p;

    if (need <= *cap)
        return 0;
    ncap = *cap < 64 ? 64 : *cap;
    while (ncap < need)
        ncap = ncap > UINT32_MAX / 2 ? UINT32_MAX : ncap * 2;
    p = rnr_realloc(*arr, (size_t)ncap * elem);
    if (p == NULL)
        return WSAENOBUFS;
    *arr = p;
    *cap = ncap;
    return 0;
}

/* Copies s[0..len) plus a NUL into the arena; *off gets its offset. */
static int arena_add(struct hostsdb *db, const char *s, size_t len,
                     uint32_t *off)
{
    size_t need = db->arena_len + len + 1, ncap;
    char *p;

    if (need > UINT32_MAX)
        return WSAENOBUFS;
    if (need > db->arena_cap) {
        ncap = db->arena_cap < 4096 ? 4096 : db->arena_cap;
        while (ncap < need)
            ncap *= 2;
        if (ncap > UINT32_MAX)
            ncap = UINT32_MAX;
        p = rnr_realloc(db->arena, ncap);
        if (p == NULL)
            return WSAENOBUFS;
        db->arena = p;
        db->arena_cap = ncap;
    }
    memcpy(db->arena + db->arena_len, s, len);
    db->arena[db->arena_len + len] = '\0';
    *off = (uint32_t)db->arena_len;
    db->arena_len = need;
    return 0;
}

/* Tokenizer over a comment-stripped line: the next whitespace-separated
 * field, or NULL. */
static const char *next_field(const char **cur, size_t *len)
{
    const char *p = *cur, *s;

    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\v' || *p == '\f')
        p++;
    if (*p == '\0')
        return NULL;
    s = p;
    while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\r' &&
           *p != '\v' && *p != '\f')
        p++;
    *cur = p;
    *len = (size_t)(p - s);
    return s;
}

/* Names may hold any byte but whitespace (taken care of by the tokenizer)
 * and control characters, up to HOSTSDB_MAX_NAME bytes. */
static const char *check_name(const char *s, size_t len)
{
    size_t i;

    if (len > HOSTSDB_MAX_NAME)
        return "name too long";
    for (i = 0; i < len; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return "control character in name";
    return NULL;
}

/* Validates the name fields after *cur; returns NULL or the complaint. */
static const char *check_names(const char *cur, unsigned *count)
{
    const char *f, *bad;
    size_t len;
    unsigned n = 0;

    while ((f = next_field(&cur, &len)) != NULL) {
        if ((bad = check_name(f, len)) != NULL)
            return bad;
        n++;
    }
    *count = n;
    return NULL;
}

/* Appends the validated name fields after cur to names[]. */
static int add_names(struct hostsdb *db, const char *cur, uint32_t **names,
                     uint32_t *n, uint32_t *cap)
{
    const char *f;
    size_t len;
    int rc;

    while ((f = next_field(&cur, &len)) != NULL) {
        uint32_t off;

        if ((rc = grow((void **)names, cap, *n + 1, sizeof **names)) != 0 ||
            (rc = arena_add(db, f, len, &off)) != 0)
            return rc;
        (*names)[(*n)++] = off;
    }
    return 0;
}

static int parse_host_line(struct parse *ps, char *line)
{
    struct hostsdb *db = ps->db;
    struct hdb_host h;
    const char *cur = line, *f, *bad;
    char text[INET6_ADDRSTRLEN + 1];
    unsigned count;
    size_t len;
    int rc;

    line[strcspn(line, "#")] = '\0';
    if ((f = next_field(&cur, &len)) == NULL)
        return 0;
    memset(&h, 0, sizeof h);
    if (len >= sizeof text) {
        complain(ps, "bad address");
        return 0;
    }
    memcpy(text, f, len);
    text[len] = '\0';
    /* Exactly what inet_pton takes, like glibc: no "10.1", no scope ids. */
    if (inet_pton(AF_INET, text, h.addr) == 1) {
        h.af = AF_INET;
    } else if (inet_pton(AF_INET6, text, h.addr) == 1) {
        h.af = AF_INET6;
    } else {
        complain(ps, "bad address");
        return 0;
    }
    if ((bad = check_names(cur, &count)) != NULL) {
        complain(ps, bad);
        return 0;
    }
    if (count == 0) {
        complain(ps, "no host name");
        return 0;
    }
    if (db->nhosts >= HOSTSDB_MAX_RECORDS) {
        complain(ps, "too many entries");
        return 0;
    }
    if ((rc = grow((void **)&db->hosts, &db->hosts_cap, db->nhosts + 1,
                   sizeof *db->hosts)) != 0)
        return rc;
    h.first = db->nhnames;
    h.nnames = (uint16_t)count;   /* <= HOSTSDB_MAX_LINE / 2 */
    if ((rc = add_names(db, cur, &db->hnames, &db->nhnames,
                        &db->hnames_cap)) != 0)
        return rc;
    db->hosts[db->nhosts++] = h;
    return 0;
}

/* "port/proto" -> port, proto; returns NULL or the complaint. */
static const char *parse_portproto(const char *f, size_t len, unsigned *port,
                                   const char **proto, size_t *plen)
{
    const char *slash = memchr(f, '/', len);
    unsigned v = 0;
    size_t i, ndig;

    if (slash == NULL)
        return "missing protocol";
    ndig = (size_t)(slash - f);
    if (ndig == 0 || ndig > 5)
        return "bad port";
    for (i = 0; i < ndig; i++) {
        if (f[i] < '0' || f[i] > '9')
            return "bad port";
        v = v * 10 + (unsigned)(f[i] - '0');
    }
    if (v > 65535)
        return "bad port";
    *plen = len - ndig - 1;
    if (*plen == 0 || *plen > HOSTSDB_MAX_PROTO ||
        memchr(slash + 1, '/', *plen) != NULL)
        return "bad protocol";
    *port = v;
    *proto = slash + 1;
    return NULL;
}

static int parse_serv_line(struct parse *ps, char *line)
{
    struct hostsdb *db = ps->db;
    struct hdb_serv s;
    const char *cur = line, *name, *pp, *proto, *bad, *rest;
    size_t nlen, pplen, plen;
    unsigned port, count;
    uint32_t off;
    int rc;

    line[strcspn(line, "#")] = '\0';
    if ((name = next_field(&cur, &nlen)) == NULL)
        return 0;
    if ((pp = next_field(&cur, &pplen)) == NULL) {
        complain(ps, "missing port/protocol");
        return 0;
    }
    rest = cur;
    if ((bad = check_name(name, nlen)) != NULL ||
        (bad = parse_portproto(pp, pplen, &port, &proto, &plen)) != NULL ||
        (bad = check_name(proto, plen)) != NULL ||
        (bad = check_names(rest, &count)) != NULL) {
        complain(ps, bad);
        return 0;
    }
    if (db->nservs >= HOSTSDB_MAX_RECORDS) {
        complain(ps, "too many entries");
        return 0;
    }
    if ((rc = grow((void **)&db->servs, &db->servs_cap, db->nservs + 1,
                   sizeof *db->servs)) != 0 ||
        (rc = grow((void **)&db->snames, &db->snames_cap, db->nsnames + 1,
                   sizeof *db->snames)) != 0)
        return rc;
    memset(&s, 0, sizeof s);
    s.first = db->nsnames;
    s.nnames = (uint16_t)(count + 1);
    s.port = (uint16_t)port;
    if ((rc = arena_add(db, proto, plen, &s.proto)) != 0 ||
        (rc = arena_add(db, name, nlen, &off)) != 0)
        return rc;
    db->snames[db->nsnames++] = off;
    if ((rc = add_names(db, rest, &db->snames, &db->nsnames,
                        &db->snames_cap)) != 0)
        return rc;
    db->servs[db->nservs++] = s;
    return 0;
}

typedef int (*line_fn)(struct parse *ps, char *line);

static int parse_file(struct hostsdb *db, const char *path, unsigned flags,
                      line_fn fn, rnr_nsp_log_fn log, struct rnr_nsp_provider *logp)
{
    struct parse ps = { db, path, 0, 0, log, logp };
    struct hdb_reader *r = NULL;
    unsigned lflags;
    char *line;
    int rc = 0, got;

    if (hdb_reader_open(path, HOSTSDB_MAX_LINE, &r) != 0) {
        if (errno == ENOENT && (flags & HOSTSDB_MISSING_OK)) {
            if (log != NULL)
                log(logp, RNR_NSP_LOG_WARNING, "%s: missing, treated as empty", path);
            return 0;
        }
        if (log != NULL)
            log(logp, RNR_NSP_LOG_WARNING, "%s: %s", path,
                errno == EINVAL ? "not a regular file" : strerror(errno));
        return errno == ENOMEM ? WSAENOBUFS : WSANO_RECOVERY;
    }
    while ((got = hdb_reader_next(r, &line, &lflags, &ps.lineno)) == 1) {
        if (lflags & HDB_LINE_OVERLONG)
            complain(&ps, "line too long");
        else if (lflags & HDB_LINE_NUL)
            complain(&ps, "NUL byte");
        else if ((rc = fn(&ps, line)) != 0)
            goto done;
    }
    if (got < 0) {
        if (log != NULL)
            log(logp, RNR_NSP_LOG_WARNING, "%s: read error: %s", path, strerror(errno));
        rc = WSANO_RECOVERY;
        goto done;
    }
    if (log != NULL && ps.complaints > HOSTSDB_MAX_COMPLAINTS)
        log(logp, RNR_NSP_LOG_WARNING, "%s: %u more bad lines skipped", path,
            ps.complaints - HOSTSDB_MAX_COMPLAINTS);
done:
    hdb_reader_close(r);
    return rc;
}

/* Gives back the growth slack of an array: after a load the database is
 * read-only for its whole life, so capacity beyond the count is waste. */
static void shrink(void **arr, uint32_t *cap, uint32_t n, size_t elem)
{
    void *p;

    if (*arr == NULL || n == *cap)
        return;
    p = rnr_realloc(*arr, (n ? n : 1) * elem);
    if (p != NULL) {
        *arr = p;
        *cap = n;
    }
}

static void shrink_all(struct hostsdb *db)
{
    char *a;

    shrink((void **)&db->hosts, &db->hosts_cap, db->nhosts, sizeof *db->hosts);
    shrink((void **)&db->hnames, &db->hnames_cap, db->nhnames,
           sizeof *db->hnames);
    shrink((void **)&db->servs, &db->servs_cap, db->nservs, sizeof *db->servs);
    shrink((void **)&db->snames, &db->snames_cap, db->nsnames,
           sizeof *db->snames);
    if (db->arena != NULL && db->arena_len < db->arena_cap) {
        a = rnr_realloc(db->arena, db->arena_len ? db->arena_len : 1);
        if (a != NULL) {
            db->arena = a;
            db->arena_cap = db->arena_len;
        }
    }
}

int hostsdb_load(const char *hosts_path, const char *services_path,
                 unsigned flags, rnr_nsp_log_fn log, struct rnr_nsp_provider *logp,
                 struct hostsdb **out)
{
    struct hostsdb *db;
    int rc;

    db = rnr_calloc(1, sizeof *db);
    if (db == NULL)
        return WSAENOBUFS;
    if (hosts_path != NULL &&
        (rc = parse_file(db, hosts_path, flags, parse_host_line, log,
                         logp)) != 0)
        goto done;
    if (services_path != NULL &&
        (rc = parse_file(db, services_path, flags, parse_serv_line, log,
                         logp)) != 0)
        goto done;
    shrink_all(db);
    if ((rc = hostsdb_build_indexes(db)) != 0)
        goto done;
    *out = db;
    db = NULL;
done:
    hostsdb_free(db);
    return rc;
}

void hostsdb_free(struct hostsdb *db)
{
    if (db == NULL)
        return;
    hdb_index_free(&db->host_by_name);
    hdb_index_free(&db->host_by_addr);
    hdb_index_free(&db->serv_by_name);
    hdb_index_free(&db->serv_by_port);
    rnr_free(db->arena);
    rnr_free(db->hosts);
    rnr_free(db->hnames);
    rnr_free(db->servs);
    rnr_free(db->snames);
    rnr_free(db);
}
