/* SPDX-License-Identifier: MIT */
/*
 * An entry's query set in packed form (dir_tree.h): what a stored query
 * set can hold (dir_set.c and the loader build it: a class, a name, maybe
 * a version, a comment and a blob, addresses normalised) without the
 * WSAQUERYSETA's pointers and counters.  After the address link slots:
 *
 *   [WSAVERSION, if DIR_HAS_VER]  (first: the data starts 8-aligned)
 *   name NUL  [comment NUL, if DIR_HAS_COMMENT]
 *   [ULONG size, bytes, if DIR_HAS_BLOB]
 *   per address: INT socket type, INT protocol, local, remote
 *
 * an address as one tag byte then: nothing (none), port and IPv4 address
 * (a sockaddr_in as normalise() leaves it), port, IPv6 address and scope
 * (likewise), or any other sockaddr's length (INT) and bytes.  Fields
 * are copied in and out with memcpy: nothing after the version is
 * aligned.
 */
#include "config.h"

#include "dir_tree.h"

#include <netinet/in.h>
#include <stddef.h>
#include <string.h>

#include "alloc.h"
#include "queryset.h"

#define DIR_HAS_VER       0x01u
#define DIR_HAS_COMMENT   0x02u
#define DIR_HAS_BLOB      0x04u
#define DIR_BLOB_NODATA   0x08u     /* pBlobData was NULL */

enum { SA_NONE, SA_IN4, SA_IN6, SA_RAW };

/* Writes, or only counts while p is NULL. */
struct pk {
    unsigned char *p;
    size_t         n;
};

static void pk_put(struct pk *w, const void *src, size_t len)
{
    if (w->p != NULL && len > 0)
        memcpy(w->p + w->n, src, len);
    w->n += len;
}

static void pk_tag(struct pk *w, unsigned char tag)
{
    pk_put(w, &tag, 1);
}

static void sa_decode(const unsigned char *p, void *out, size_t len);

/* The short form of an IPv4 or IPv6 sockaddr of its own size into rec:
 * its length, or 0 for any other. */
static size_t sa_short(const unsigned char *s, size_t len, unsigned char *rec)
{
    sa_family_t fam;

    memcpy(&fam, s, sizeof fam);
    if (fam == AF_INET && len == sizeof(struct sockaddr_in)) {
        rec[0] = SA_IN4;
        memcpy(rec + 1, s + offsetof(struct sockaddr_in, sin_port), 2);
        memcpy(rec + 3, s + offsetof(struct sockaddr_in, sin_addr), 4);
        return 1 + 2 + 4;
    }
    if (fam == AF_INET6 && len == sizeof(struct sockaddr_in6)) {
        rec[0] = SA_IN6;
        memcpy(rec + 1, s + offsetof(struct sockaddr_in6, sin6_port), 2);
        memcpy(rec + 3, s + offsetof(struct sockaddr_in6, sin6_addr), 16);
        memcpy(rec + 19, s + offsetof(struct sockaddr_in6, sin6_scope_id), 4);
        return 1 + 2 + 16 + 4;
    }
    return 0;
}

static void pk_sockaddr(struct pk *w, const SOCKET_ADDRESS *sa)
{
    const unsigned char *s = (const unsigned char *)sa->lpSockaddr;
    size_t               len = sa->iSockaddrLength > 0 ? (size_t)sa->iSockaddrLength : 0, n;
    unsigned char        rec[1 + 2 + 16 + 4], back[sizeof(struct sockaddr_in6)];

    if (s == NULL || len == 0) {
        pk_tag(w, SA_NONE);
        return;
    }
    /* The short form only when it gives back the exact bytes (a
     * sockaddr_in's padding zero, a sockaddr_in6's flow label 0). */
    if ((n = sa_short(s, len, rec)) > 0) {
        sa_decode(rec, back, len);
        if (memcmp(back, s, len) == 0) {
            pk_put(w, rec, n);
            return;
        }
    }
    pk_tag(w, SA_RAW);
    pk_put(w, &sa->iSockaddrLength, sizeof(INT));
    pk_put(w, s, len);
}

static unsigned pk_query(struct pk *w, const WSAQUERYSETA *qs)
{
    unsigned has = 0;
    DWORD    i;

    if (qs->lpVersion != NULL) {
        has |= DIR_HAS_VER;
        pk_put(w, qs->lpVersion, sizeof *qs->lpVersion);
    }
    pk_put(w, qs->lpszServiceInstanceName, strlen(qs->lpszServiceInstanceName) + 1);
    if (qs->lpszComment != NULL) {
        has |= DIR_HAS_COMMENT;
        pk_put(w, qs->lpszComment, strlen(qs->lpszComment) + 1);
    }
    if (qs->lpBlob != NULL) {
        has |= DIR_HAS_BLOB | (qs->lpBlob->pBlobData == NULL ? DIR_BLOB_NODATA : 0);
        pk_put(w, &qs->lpBlob->cbSize, sizeof(ULONG));
        if (qs->lpBlob->pBlobData != NULL)
            pk_put(w, qs->lpBlob->pBlobData, qs->lpBlob->cbSize);
    }
    for (i = 0; i < qs->dwNumberOfCsAddrs; i++) {
        pk_put(w, &qs->lpcsaBuffer[i].iSocketType, sizeof(INT));
        pk_put(w, &qs->lpcsaBuffer[i].iProtocol, sizeof(INT));
        pk_sockaddr(w, &qs->lpcsaBuffer[i].LocalAddr);
        pk_sockaddr(w, &qs->lpcsaBuffer[i].RemoteAddr);
    }
    return has;
}

/* ------------------------------------------------------------ reading */

static size_t link_slots(const struct dir_entry *e)
{
    return e->ncsaddrs < DIR_MAX_INDEXED_ADDRS ? e->ncsaddrs : DIR_MAX_INDEXED_ADDRS;
}

struct dir_alink *dir_entry_links(struct dir_entry *e)
{
    return (struct dir_alink *)(void *)(e + 1);
}

static const unsigned char *entry_data(const struct dir_entry *e)
{
    return (const unsigned char *)(const void *)(e + 1) + link_slots(e) * sizeof(struct dir_alink);
}

static const unsigned char *entry_comment(const struct dir_entry *e)
{
    const unsigned char *p = (const unsigned char *)dir_entry_name(e);

    return p + strlen((const char *)p) + 1;
}

/* Where the blob (size first) would be, then the addresses. */
static const unsigned char *entry_blob(const struct dir_entry *e)
{
    const unsigned char *p = entry_comment(e);

    return (e->has & DIR_HAS_COMMENT) ? p + strlen((const char *)p) + 1 : p;
}

static const unsigned char *entry_addrs(const struct dir_entry *e)
{
    const unsigned char *p = entry_blob(e);
    ULONG n = 0;

    if (!(e->has & DIR_HAS_BLOB))
        return p;
    memcpy(&n, p, sizeof n);
    return p + sizeof n + ((e->has & DIR_BLOB_NODATA) ? 0 : n);
}

/* The sockaddr a record stands for: its length (0: none), and the
 * record that follows. */
static const unsigned char *sa_next(const unsigned char *p, size_t *len)
{
    INT n;

    switch (*p) {
    case SA_IN4:
        *len = sizeof(struct sockaddr_in);
        return p + 1 + 2 + 4;
    case SA_IN6:
        *len = sizeof(struct sockaddr_in6);
        return p + 1 + 2 + 16 + 4;
    case SA_RAW:
        memcpy(&n, p + 1, sizeof n);
        *len = (size_t)n;
        return p + 1 + sizeof n + (size_t)n;
    default:
        *len = 0;
        return p + 1;
    }
}

/* The sockaddr of record p, into out (room for its length). */
static void sa_decode(const unsigned char *p, void *out, size_t len)
{
    struct sockaddr_in  s4;
    struct sockaddr_in6 s6;

    if (*p == SA_IN4) {
        memset(&s4, 0, sizeof s4);
        s4.sin_family = AF_INET;
        memcpy(&s4.sin_port, p + 1, 2);
        memcpy(&s4.sin_addr, p + 3, 4);
        memcpy(out, &s4, sizeof s4);
    } else if (*p == SA_IN6) {
        memset(&s6, 0, sizeof s6);
        s6.sin6_family = AF_INET6;
        memcpy(&s6.sin6_port, p + 1, 2);
        memcpy(&s6.sin6_addr, p + 3, 16);
        memcpy(&s6.sin6_scope_id, p + 19, 4);
        memcpy(out, &s6, sizeof s6);
    } else if (*p == SA_RAW) {
        memcpy(out, p + 1 + sizeof(INT), len);
    }
}

/* The IPv4 or IPv6 address of sockaddr record p, as the index keys it
 * (any sockaddr of that family and at least its size), or NULL. */
static const void *sa_addr(const unsigned char *p, int *af)
{
    sa_family_t fam;
    INT         n;

    if (*p == SA_IN4 || *p == SA_IN6) {
        *af = *p == SA_IN4 ? AF_INET : AF_INET6;
        return p + 3;
    }
    if (*p != SA_RAW)
        return NULL;
    memcpy(&n, p + 1, sizeof n);
    p += 1 + sizeof n;
    if ((size_t)n < sizeof fam)
        return NULL;
    memcpy(&fam, p, sizeof fam);
    if (fam == AF_INET && (size_t)n >= sizeof(struct sockaddr_in)) {
        *af = AF_INET;
        return p + offsetof(struct sockaddr_in, sin_addr);
    }
    if (fam == AF_INET6 && (size_t)n >= sizeof(struct sockaddr_in6)) {
        *af = AF_INET6;
        return p + offsetof(struct sockaddr_in6, sin6_addr);
    }
    return NULL;
}

const void *dir_alink_addr(const struct dir_alink *l, int *af)
{
    return sa_addr(entry_data(l->e) + l->off, af);
}

const GUID *dir_entry_class(const struct dir_entry *e)
{
    return &e->cls;
}

const char *dir_entry_name(const struct dir_entry *e)
{
    return (const char *)entry_data(e) + ((e->has & DIR_HAS_VER) ? sizeof(WSAVERSION) : 0);
}

const WSAVERSION *dir_entry_version(const struct dir_entry *e)
{
    return (e->has & DIR_HAS_VER) ? (const WSAVERSION *)(const void *)entry_data(e) : NULL;
}

DWORD dir_entry_naddrs(const struct dir_entry *e)
{
    return e->ncsaddrs;
}

uint64_t dir_entry_bytes(const struct dir_entry *e)
{
    return e->qbytes;
}

/* ------------------------------------------------------------ entries */

/* Whether e already has a link for this address. */
static int addr_seen_before(struct dir_entry *e, int af, const void *a)
{
    uint32_t j;
    int bf = AF_UNSPEC;

    for (j = 0; j < e->nalinks; j++) {
        const void *b = dir_alink_addr(&dir_entry_links(e)[j], &bf);

        if (b != NULL && bf == af && memcmp(a, b, af == AF_INET6 ? 16 : 4) == 0)
            return 1;
    }
    return 0;
}

/* The links of e's distinct remote addresses, the first
 * DIR_MAX_INDEXED_ADDRS, into the slots made for them. */
static void entry_index_addrs(struct dir_entry *e)
{
    const unsigned char *data = entry_data(e), *p = entry_addrs(e);
    uint32_t i;
    size_t   len;
    int      af;

    for (i = 0; i < e->ncsaddrs && e->nalinks < DIR_MAX_INDEXED_ADDRS; i++) {
        const unsigned char *remote = sa_next(p + 2 * sizeof(INT), &len);
        const void *a = sa_addr(remote, &af);
        struct dir_alink *l;

        p = sa_next(remote, &len);
        if (a == NULL || addr_seen_before(e, af, a))
            continue;
        l = &dir_entry_links(e)[e->nalinks++];
        l->e = e;
        l->csaddr = i;
        l->off = (uint32_t)(remote - data);
    }
}

/* The parts of qs an entry keeps: what dir_set.c and the loader store
 * (the context is the node's). */
static void kept_parts(const WSAQUERYSETA *qs, WSAQUERYSETA *v)
{
    memset(v, 0, sizeof *v);
    v->dwSize = sizeof *v;
    v->lpServiceClassId = qs->lpServiceClassId;
    v->lpszServiceInstanceName = qs->lpszServiceInstanceName;
    v->lpVersion = qs->lpVersion;
    v->lpszComment = qs->lpszComment;
    v->lpBlob = qs->lpBlob;
    v->dwNumberOfCsAddrs = qs->dwNumberOfCsAddrs;
    v->lpcsaBuffer = qs->lpcsaBuffer;
}

struct dir_entry *dir_entry_new(WSAQUERYSETA *qs, uid_t owner)
{
    WSAQUERYSETA      v;
    struct dir_entry *e;
    struct pk         w = { NULL, 0 };
    size_t            nl, head, qlen;

    kept_parts(qs, &v);
    if (v.lpszServiceInstanceName == NULL || v.lpServiceClassId == NULL ||
        v.dwNumberOfCsAddrs > RNR_QS_MAX_CSADDRS)
        return NULL;
    /* What the query set takes flat: the quotas count that, whatever the
     * packing saves, and dir_entry_expand builds exactly that. */
    qlen = rnr_qs_flat_size(&v);
    if (qlen == SIZE_MAX || qlen > UINT32_MAX)
        return NULL;
    pk_query(&w, &v);
    nl = v.dwNumberOfCsAddrs < DIR_MAX_INDEXED_ADDRS ? v.dwNumberOfCsAddrs
                                                     : DIR_MAX_INDEXED_ADDRS;
    head = sizeof *e + nl * sizeof(struct dir_alink);
    if (w.n > SIZE_MAX - head || (e = rnr_calloc(1, head + w.n)) == NULL)
        return NULL;
    e->ncsaddrs = v.dwNumberOfCsAddrs;
    w.p = (unsigned char *)e + head;
    w.n = 0;
    e->has = (unsigned char)pk_query(&w, &v);
    e->qbytes = (uint32_t)qlen;
    e->cls = *v.lpServiceClassId;
    entry_index_addrs(e);
    e->owner = owner;
    rnr_free(qs);
    return e;
}

void dir_entry_free(struct dir_entry *e)
{
    rnr_free(e);
}

/* ------------------------------------------------------------ expanding */

/* e's CSADDR_INFOs into cs and their sockaddrs after them (cs NULL: only
 * measure); the bytes they take. */
static size_t addrs_decode(const struct dir_entry *e, CSADDR_INFO *cs)
{
    const unsigned char *p = entry_addrs(e);
    size_t   at = RNR_ALIGN_UP(e->ncsaddrs * sizeof *cs), len;
    uint32_t i;
    int      k;

    for (i = 0; i < e->ncsaddrs; i++) {
        if (cs != NULL) {
            memcpy(&cs[i].iSocketType, p, sizeof(INT));
            memcpy(&cs[i].iProtocol, p + sizeof(INT), sizeof(INT));
        }
        p += 2 * sizeof(INT);
        for (k = 0; k < 2; k++) {
            SOCKET_ADDRESS *sa = cs == NULL ? NULL : k == 0 ? &cs[i].LocalAddr
                                                            : &cs[i].RemoteAddr;
            const unsigned char *rec = p;

            p = sa_next(rec, &len);
            if (sa != NULL && len > 0) {
                sa->lpSockaddr = (LPSOCKADDR)(void *)((char *)cs + at);
                sa->iSockaddrLength = (INT)len;
                sa_decode(rec, sa->lpSockaddr, len);
            }
            at += RNR_ALIGN_UP(len);
        }
    }
    return at;
}

int dir_entry_expand(const struct dir_entry *e, WSAQUERYSETA **out)
{
    WSAQUERYSETA  v, *q = NULL;
    CSADDR_INFO  *cs = NULL;
    BLOB          blob;
    int           rc = WSA_NOT_ENOUGH_MEMORY;

    memset(&v, 0, sizeof v);
    v.dwSize = sizeof v;
    v.lpServiceClassId = (GUID *)&e->cls;
    v.lpVersion = (WSAVERSION *)dir_entry_version(e);
    v.lpszServiceInstanceName = (char *)dir_entry_name(e);
    if (e->has & DIR_HAS_COMMENT)
        v.lpszComment = (char *)entry_comment(e);
    if (e->has & DIR_HAS_BLOB) {
        const unsigned char *p = entry_blob(e);

        memcpy(&blob.cbSize, p, sizeof blob.cbSize);
        blob.pBlobData = (e->has & DIR_BLOB_NODATA) ? NULL : (BYTE *)(p + sizeof blob.cbSize);
        v.lpBlob = &blob;
    }
    if (e->ncsaddrs > 0) {
        if ((cs = rnr_calloc(1, addrs_decode(e, NULL))) == NULL)
            goto done;
        addrs_decode(e, cs);
        v.dwNumberOfCsAddrs = e->ncsaddrs;
        v.lpcsaBuffer = cs;
    }
    if ((q = rnr_malloc(e->qbytes)) == NULL)
        goto done;
    if (rnr_qs_flatten(&v, q, e->qbytes) != e->qbytes)
        goto done;
    *out = q;
    q = NULL;
    rc = 0;
done:
    rnr_free(q);
    rnr_free(cs);
    return rc;
}
