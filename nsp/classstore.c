/* SPDX-License-Identifier: MIT */
/*
 * The daemon's persistent service-class store (classstore.h).
 *
 * On disk: DIR/{GUID}.class, one per installed class:
 *
 *   "RNRC"  u32 format version  u32 CRC-32 of payload  u32 payload length
 *   payload = the class in the wire encoding (rnr_wire_put_classinfo)
 *
 * integers little-endian, as on the wire.  Reusing the wire codec means
 * one encoder, one bounded decoder and one set of limits for both.
 *
 * In memory: an array in load/install order (load order is sorted by file
 * name, so listings are stable from one start to the next).  A store holds
 * at most a few hundred classes; linear search is the simplest correct
 * thing.
 */
#include "config.h"

#include "classstore.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "classinfo.h"
#include "guid.h"
#include "paths.h"
#include "wire.h"

#define CS_MAGIC        "RNRC"
#define CS_VERSION      1u
#define CS_HDR_LEN      16u
/* A class at every classinfo.h limit encodes to a little over 1 MiB. */
#define CS_MAX_PAYLOAD  (2u << 20)
#define CS_SUFFIX       ".class"
/* Temporary files start with '.', which no class file name does. */
#define CS_TMP_PREFIX   ".tmp-"

struct cs_entry {
    WSASERVICECLASSINFOA *ci;       /* flat, owned */
    int                   is_static;
};

struct rnr_classstore {
    char                 *dir;
    int                   dirfd;    /* for fsync after rename / unlink */
    rnr_classstore_log_fn log;
    void                 *log_ctx;
    struct cs_entry      *v;
    size_t                n, cap;
};

/* ------------------------------------------------------------------ */
/* Helpers                                                              */
/* ------------------------------------------------------------------ */

/* CRC-32 (IEEE 802.3, reflected, as zlib's crc32()). */
static uint32_t crc32_ieee(const uint8_t *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    size_t   i;
    int      k;

    for (i = 0; i < n; i++) {
        c ^= p[i];
        for (k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return c ^ 0xFFFFFFFFu;
}

static void cs_log(const struct rnr_classstore *cs, const char *path, const char *reason)
{
    if (cs->log != NULL)
        cs->log(cs->log_ctx, path, reason);
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
    ssize_t r;

    while (n > 0) {
        r = write(fd, p, n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        p += r;
        n -= (size_t)r;
    }
    return 0;
}

/* "DIR/{GUID}.class"; -1 when it does not fit. */
static int class_path(const struct rnr_classstore *cs, const GUID *id, char *buf, size_t len)
{
    char g[RNR_GUID_STRLEN];
    int  r;

    rnr_guid_format(id, g);
    r = snprintf(buf, len, "%s/%s%s", cs->dir, g, CS_SUFFIX);
    return (r < 0 || (size_t)r >= len) ? -1 : 0;
}

static long find_id(const struct rnr_classstore *cs, const GUID *id)
{
    size_t i;

    for (i = 0; i < cs->n; i++) {
        if (rnr_guid_equal(cs->v[i].ci->lpServiceClassId, id))
            return (long)i;
    }
    return -1;
}

/* ASCII only: class names must not compare differently under another
 * locale. */
static int ascii_casecmp(const char *a, const char *b)
{
    unsigned char ca, cb;

    do {
        ca = (unsigned char)*a++;
        cb = (unsigned char)*b++;
        if (ca >= 'A' && ca <= 'Z')
            ca = (unsigned char)(ca - 'A' + 'a');
        if (cb >= 'A' && cb <= 'Z')
            cb = (unsigned char)(cb - 'A' + 'a');
    } while (ca != '\0' && ca == cb);
    return (int)ca - (int)cb;
}

/* Room for one more entry. */
static int reserve(struct rnr_classstore *cs)
{
    struct cs_entry *nv;
    size_t           ncap;

    if (cs->n < cs->cap)
        return 0;
    ncap = cs->cap ? cs->cap * 2 : 16;
    nv = rnr_realloc(cs->v, ncap * sizeof(*nv));
    if (nv == NULL)
        return WSAENOBUFS;
    cs->v = nv;
    cs->cap = ncap;
    return 0;
}

/* Takes ownership of ci on success only. */
static int append(struct rnr_classstore *cs, WSASERVICECLASSINFOA *ci, int is_static)
{
    if (reserve(cs) != 0)
        return WSAENOBUFS;
    cs->v[cs->n].ci = ci;
    cs->v[cs->n].is_static = is_static;
    cs->n++;
    return 0;
}

/* Header + payload of one class, in a newly allocated buffer. */
static int encode_file(const WSASERVICECLASSINFOA *ci, uint8_t **out, size_t *len_out)
{
    struct rnr_wbuf w;
    uint8_t        *buf = NULL;
    int             status = WSAENOBUFS;

    rnr_wbuf_init(&w);
    rnr_wire_put_classinfo(&w, ci);
    if (w.error != 0 || w.len > CS_MAX_PAYLOAD)
        goto done;
    buf = rnr_malloc(CS_HDR_LEN + w.len);
    if (buf == NULL)
        goto done;
    memcpy(buf, CS_MAGIC, 4);
    rnr_le32_store(buf + 4, CS_VERSION);
    rnr_le32_store(buf + 8, crc32_ieee(w.data, w.len));
    rnr_le32_store(buf + 12, (uint32_t)w.len);
    if (w.len > 0)
        memcpy(buf + CS_HDR_LEN, w.data, w.len);
    *out = buf;
    *len_out = CS_HDR_LEN + w.len;
    status = 0;

done:
    rnr_wbuf_free(&w);
    return status;
}

/* ------------------------------------------------------------------ */
/* Loading                                                              */
/* ------------------------------------------------------------------ */

/* Reads and checks one class file.  0 and *out, or -1 with *why set. */
static int load_file(const char *path, const char *fname, WSASERVICECLASSINFOA **out,
                     const char **why)
{
    struct stat           st;
    uint8_t              *buf = NULL;
    size_t                have = 0;
    ssize_t               r;
    uint32_t              plen;
    struct rnr_rbuf       rb;
    WSASERVICECLASSINFOA *ci = NULL;
    char                  g[RNR_GUID_STRLEN];
    int                   fd, status = -1;

    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        *why = strerror(errno);
        goto done;
    }
    if (fstat(fd, &st) != 0) {
        *why = strerror(errno);
        goto done;
    }
    if (!S_ISREG(st.st_mode)) {
        *why = "not a regular file";
        goto done;
    }
    if (st.st_size > (off_t)(CS_HDR_LEN + CS_MAX_PAYLOAD)) {
        *why = "file too large";
        goto done;
    }
    buf = rnr_malloc((size_t)st.st_size + 1);
    if (buf == NULL) {
        *why = "out of memory";
        goto done;
    }
    /* Read one byte more than fstat said, to notice a file that grew. */
    while (have <= (size_t)st.st_size) {
        r = read(fd, buf + have, (size_t)st.st_size + 1 - have);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            *why = strerror(errno);
            goto done;
        }
        if (r == 0)
            break;
        have += (size_t)r;
    }
    if (have != (size_t)st.st_size) {
        *why = "file changed while being read";
        goto done;
    }

    if (have < CS_HDR_LEN) {
        *why = "truncated header";
        goto done;
    }
    if (memcmp(buf, CS_MAGIC, 4) != 0) {
        *why = "bad magic (not an rnr class file)";
        goto done;
    }
    if (rnr_le32_load(buf + 4) != CS_VERSION) {
        *why = "unsupported format version";
        goto done;
    }
    plen = rnr_le32_load(buf + 12);
    if (plen > have - CS_HDR_LEN) {
        *why = "truncated payload";
        goto done;
    }
    if (plen < have - CS_HDR_LEN) {
        *why = "trailing bytes after the payload";
        goto done;
    }
    if (crc32_ieee(buf + CS_HDR_LEN, plen) != rnr_le32_load(buf + 8)) {
        *why = "CRC mismatch";
        goto done;
    }
    rnr_rbuf_init(&rb, buf + CS_HDR_LEN, plen);
    if (rnr_wire_get_classinfo(&rb, &ci, NULL) != 0 || rnr_rbuf_finish(&rb) != 0 ||
        ci == NULL || ci->lpServiceClassId == NULL) {
        *why = "payload does not decode as a service class";
        goto done;
    }
    /* The name is the key install/remove use: a file under another name
     * would be served but could never be removed. */
    rnr_guid_format(ci->lpServiceClassId, g);
    if (strlen(fname) != strlen(g) + strlen(CS_SUFFIX) || strncmp(fname, g, strlen(g)) != 0) {
        *why = "file name does not match the class id";
        goto done;
    }
    *out = ci;
    ci = NULL;
    status = 0;

done:
    if (fd >= 0)
        close(fd);
    rnr_free(buf);
    rnr_free(ci);
    return status;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int ends_with(const char *s, const char *suffix)
{
    size_t ls = strlen(s), lx = strlen(suffix);

    return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

static int load_all(struct rnr_classstore *cs, char *err, size_t errlen)
{
    DIR                  *d;
    struct dirent        *de;
    char                **names = NULL, **nn;
    size_t                n = 0, cap = 0, i;
    char                  path[4096];
    const char           *why;
    WSASERVICECLASSINFOA *ci;
    int                   status = WSASYSCALLFAILURE;

    d = opendir(cs->dir);
    if (d == NULL) {
        snprintf(err, errlen, "%s: %s", cs->dir, strerror(errno));
        goto done;
    }
    for (;;) {
        errno = 0;
        de = readdir(d);
        if (de == NULL) {
            if (errno != 0) {
                snprintf(err, errlen, "%s: %s", cs->dir, strerror(errno));
                goto done;
            }
            break;
        }
        /* Hidden names cover "." and "..", and temporary files left by a
         * crash in the middle of an install: those never held an
         * acknowledged class. */
        if (de->d_name[0] == '.' || !ends_with(de->d_name, CS_SUFFIX))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            nn = rnr_realloc(names, cap * sizeof(*names));
            if (nn == NULL)
                goto nomem;
            names = nn;
        }
        names[n] = rnr_strdup(de->d_name);
        if (names[n] == NULL)
            goto nomem;
        n++;
    }
    if (n > 0)
        qsort(names, n, sizeof(*names), cmp_names);

    for (i = 0; i < n; i++) {
        if (snprintf(path, sizeof(path), "%s/%s", cs->dir, names[i]) >= (int)sizeof(path)) {
            cs_log(cs, names[i], "path too long");
            continue;
        }
        ci = NULL;
        why = "unknown error";
        if (load_file(path, names[i], &ci, &why) != 0) {
            cs_log(cs, path, why);
            continue;
        }
        if (append(cs, ci, 0) != 0) {
            rnr_free(ci);
            goto nomem;
        }
    }
    status = 0;
    goto done;

nomem:
    snprintf(err, errlen, "%s: out of memory", cs->dir);
    status = WSAENOBUFS;

done:
    if (d != NULL)
        closedir(d);
    for (i = 0; i < n; i++)
        rnr_free(names[i]);
    rnr_free(names);
    return status;
}

/* ------------------------------------------------------------------ */
/* API                                                                  */
/* ------------------------------------------------------------------ */

int rnr_classstore_open(const char *dir, rnr_classstore_log_fn log, void *log_ctx,
                        struct rnr_classstore **out, char *err, size_t errlen)
{
    struct rnr_classstore *cs = NULL;
    char                   dummy[1];
    int                    status = WSASYSCALLFAILURE, e;

    if (err == NULL || errlen == 0) {
        err = dummy;
        errlen = sizeof(dummy);
    }
    err[0] = '\0';
    if (dir == NULL || *dir == '\0' || out == NULL) {
        snprintf(err, errlen, "no class store directory given");
        status = WSAEINVAL;
        goto done;
    }
    e = rnr_path_mkdirs(dir, 0700);
    if (e != 0) {
        snprintf(err, errlen, "%s: cannot create: %s", dir, strerror(e));
        goto done;
    }
    cs = rnr_calloc(1, sizeof(*cs));
    if (cs == NULL) {
        snprintf(err, errlen, "%s: out of memory", dir);
        status = WSAENOBUFS;
        goto done;
    }
    cs->dirfd = -1;
    cs->log = log;
    cs->log_ctx = log_ctx;
    cs->dir = rnr_strdup(dir);
    if (cs->dir == NULL) {
        snprintf(err, errlen, "%s: out of memory", dir);
        status = WSAENOBUFS;
        goto done;
    }
    cs->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (cs->dirfd < 0) {
        snprintf(err, errlen, "%s: %s", dir, strerror(errno));
        goto done;
    }
    status = load_all(cs, err, errlen);
    if (status != 0)
        goto done;
    *out = cs;
    cs = NULL;

done:
    rnr_classstore_close(cs);
    return status;
}

void rnr_classstore_close(struct rnr_classstore *cs)
{
    size_t i;

    if (cs == NULL)
        return;
    for (i = 0; i < cs->n; i++)
        rnr_free(cs->v[i].ci);
    rnr_free(cs->v);
    if (cs->dirfd >= 0)
        close(cs->dirfd);
    rnr_free(cs->dir);
    rnr_free(cs);
}

/* Write DIR/{GUID}.class crash-safely: temp file, fsync, rename, fsync
 * the directory.  On failure nothing is left behind. */
static int persist(struct rnr_classstore *cs, const WSASERVICECLASSINFOA *ci)
{
    char     final[4096], tmp[4096], g[RNR_GUID_STRLEN];
    uint8_t *buf = NULL;
    size_t   len = 0;
    int      fd = -1, status, renamed = 0, r;

    tmp[0] = '\0';
    status = encode_file(ci, &buf, &len);
    if (status != 0)
        goto done;
    status = WSASYSCALLFAILURE;
    rnr_guid_format(ci->lpServiceClassId, g);
    r = snprintf(tmp, sizeof(tmp), "%s/%s%s%s-XXXXXX", cs->dir, CS_TMP_PREFIX, g, CS_SUFFIX);
    if (r < 0 || (size_t)r >= sizeof(tmp) ||
        class_path(cs, ci->lpServiceClassId, final, sizeof(final)) != 0) {
        tmp[0] = '\0';
        goto done;
    }
    fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0) {
        tmp[0] = '\0';
        goto done;
    }
    if (write_all(fd, buf, len) != 0 || fsync(fd) != 0)
        goto done;
    r = close(fd);
    fd = -1;
    if (r != 0)
        goto done;
    if (rename(tmp, final) != 0)
        goto done;
    renamed = 1;
    if (fsync(cs->dirfd) != 0) {
        /* The rename may or may not reach the disk; we cannot
         * acknowledge it, so take it back rather than serve a class that
         * might vanish at the next crash. */
        unlink(final);
        (void)fsync(cs->dirfd);
        goto done;
    }
    status = 0;

done:
    if (fd >= 0)
        close(fd);
    if (status != 0 && tmp[0] != '\0' && !renamed)
        unlink(tmp);
    rnr_free(buf);
    return status;
}

/* What install and add_static both check before adding: a valid class
 * whose id is not taken yet.  0 and a flat copy of it in *out. */
static int copy_new(const struct rnr_classstore *cs, const WSASERVICECLASSINFOA *ci,
                    WSASERVICECLASSINFOA **out)
{
    if (cs == NULL || rnr_class_validate(ci) != 0)
        return WSAEINVAL;
    if (find_id(cs, ci->lpServiceClassId) >= 0)
        return WSAEALREADY;
    *out = rnr_class_dup(ci, NULL);
    return *out != NULL ? 0 : WSAENOBUFS;
}

int rnr_classstore_install(struct rnr_classstore *cs, const WSASERVICECLASSINFOA *ci)
{
    WSASERVICECLASSINFOA *copy = NULL;
    int                   status;

    status = copy_new(cs, ci, &copy);
    if (status != 0)
        goto done;
    /* Room in the array first: once the file is on disk the install is
     * acknowledged and must not fail. */
    status = reserve(cs);
    if (status != 0)
        goto done;
    status = persist(cs, copy);
    if (status != 0)
        goto done;
    (void)append(cs, copy, 0);
    copy = NULL;

done:
    rnr_free(copy);
    return status;
}

int rnr_classstore_add_static(struct rnr_classstore *cs, const WSASERVICECLASSINFOA *ci)
{
    WSASERVICECLASSINFOA *copy = NULL;
    int                   status;

    status = copy_new(cs, ci, &copy);
    if (status != 0)
        goto done;
    status = append(cs, copy, 1);
    if (status != 0)
        goto done;
    copy = NULL;

done:
    rnr_free(copy);
    return status;
}

int rnr_classstore_remove(struct rnr_classstore *cs, const GUID *id)
{
    char path[4096];
    long i;
    int  status = WSATYPE_NOT_FOUND;

    if (cs == NULL || id == NULL) {
        status = WSAEINVAL;
        goto done;
    }
    i = find_id(cs, id);
    if (i < 0)
        goto done;
    if (cs->v[i].is_static) {
        status = WSAEACCES;
        goto done;
    }
    status = WSASYSCALLFAILURE;
    if (class_path(cs, id, path, sizeof(path)) != 0)
        goto done;
    /* Already gone from disk is fine: the goal state is reached. */
    if (unlink(path) != 0 && errno != ENOENT)
        goto done;
    /* If this fsync fails a crash could bring the file back; the unlink
     * itself has happened, so memory follows the directory as it is now
     * rather than report a failure for a class that is already gone. */
    (void)fsync(cs->dirfd);
    rnr_free(cs->v[i].ci);
    memmove(&cs->v[i], &cs->v[i + 1], (cs->n - (size_t)i - 1) * sizeof(cs->v[0]));
    cs->n--;
    status = 0;

done:
    return status;
}

const WSASERVICECLASSINFOA *rnr_classstore_get(const struct rnr_classstore *cs, const GUID *id)
{
    long i;

    if (cs == NULL || id == NULL)
        return NULL;
    i = find_id(cs, id);
    return i < 0 ? NULL : cs->v[i].ci;
}

const WSASERVICECLASSINFOA *rnr_classstore_find_name(const struct rnr_classstore *cs,
                                                     const char *name)
{
    size_t i;

    if (cs == NULL || name == NULL)
        return NULL;
    for (i = 0; i < cs->n; i++) {
        if (cs->v[i].ci->lpszServiceClassName != NULL &&
            ascii_casecmp(cs->v[i].ci->lpszServiceClassName, name) == 0)
            return cs->v[i].ci;
    }
    return NULL;
}

size_t rnr_classstore_count(const struct rnr_classstore *cs)
{
    return cs != NULL ? cs->n : 0;
}

const WSASERVICECLASSINFOA *rnr_classstore_at(const struct rnr_classstore *cs, size_t i)
{
    if (cs == NULL || i >= cs->n)
        return NULL;
    return cs->v[i].ci;
}
