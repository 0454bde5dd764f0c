/* SPDX-License-Identifier: MIT */
/*
 * The client <-> rnrd wire codec (format in wire.h).
 *
 * Integers are assembled byte by byte so the encoding is little-endian on
 * every host.  Decoders treat their input as hostile: every count and
 * length is checked against its bound and against the bytes left before
 * anything is allocated, and composite decoders build into temporaries
 * that are freed on every path, writing the caller's output only once
 * everything has been checked.
 */
#include "config.h"

#include "wire.h"
#include "alloc.h"
#include "classinfo.h"
#include "queryset.h"

#include <string.h>

#define WIRE_NULL_LEN 0xFFFFFFFFu

/* Smallest encodings, to reject counts the remaining bytes cannot hold
 * before allocating arrays for them. */
#define WIRE_MIN_PROTO  8u   /* u32 af, u32 proto */
#define WIRE_MIN_CSADDR 16u  /* two empty sockaddrs, u32, u32 */
#define WIRE_MIN_CLASS  16u  /* empty string, u32, u32, empty bytes */

/* ------------------------------------------------------------------ */
/* Output buffer                                                        */
/* ------------------------------------------------------------------ */
void rnr_wbuf_init(struct rnr_wbuf *w)
{
    memset(w, 0, sizeof(*w));
}

void rnr_wbuf_free(struct rnr_wbuf *w)
{
    if (w == NULL)
        return;
    rnr_free(w->data);
    memset(w, 0, sizeof(*w));
}

void rnr_wbuf_reset(struct rnr_wbuf *w)
{
    w->len = 0;
    w->frame_start = 0;
    w->error = 0;
}

void rnr_wbuf_consume(struct rnr_wbuf *w, size_t n)
{
    if (n >= w->len) {
        w->len = 0;
        w->frame_start = 0;
        return;
    }
    memmove(w->data, w->data + n, w->len - n);
    w->len -= n;
    w->frame_start = w->frame_start > n ? w->frame_start - n : 0;
}

static void wbuf_fail(struct rnr_wbuf *w, int err)
{
    if (w->error == 0)
        w->error = err;
}

/* Room for n more bytes; returns where they go, or NULL (error set). */
static uint8_t *wbuf_extend(struct rnr_wbuf *w, size_t n)
{
    size_t need, cap;
    uint8_t *p;

    if (w->error)
        return NULL;
    if (n > SIZE_MAX - w->len) {
        wbuf_fail(w, WSAENOBUFS);
        return NULL;
    }
    need = w->len + n;
    if (need > w->cap) {
        cap = w->cap ? w->cap : 256;
        while (cap < need)
            cap = cap > SIZE_MAX / 2 ? need : cap * 2;
        p = rnr_realloc(w->data, cap);
        if (p == NULL) {
            wbuf_fail(w, WSAENOBUFS);
            return NULL;
        }
        w->data = p;
        w->cap = cap;
    }
    p = w->data + w->len;
    w->len = need;
    return p;
}

static uint16_t le16_load(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

void rnr_wire_put_u8(struct rnr_wbuf *w, uint8_t v)
{
    uint8_t *p = wbuf_extend(w, 1);

    if (p != NULL)
        p[0] = v;
}

void rnr_wire_put_u16(struct rnr_wbuf *w, uint16_t v)
{
    uint8_t *p = wbuf_extend(w, 2);

    if (p != NULL) {
        p[0] = (uint8_t)v;
        p[1] = (uint8_t)(v >> 8);
    }
}

void rnr_wire_put_u32(struct rnr_wbuf *w, uint32_t v)
{
    uint8_t *p = wbuf_extend(w, 4);

    if (p != NULL)
        rnr_le32_store(p, v);
}

static void put_raw(struct rnr_wbuf *w, const void *src, size_t n)
{
    uint8_t *p;

    if (n == 0)
        return;
    p = wbuf_extend(w, n);
    if (p != NULL)
        memcpy(p, src, n);
}

void rnr_wire_put_bytes(struct rnr_wbuf *w, const void *p, uint32_t n, int is_null)
{
    if (is_null) {
        rnr_wire_put_u32(w, WIRE_NULL_LEN);
        return;
    }
    /* The all-ones length is the NULL marker; it cannot carry data. */
    if (n == WIRE_NULL_LEN || (n > 0 && p == NULL)) {
        wbuf_fail(w, WSAEINVAL);
        return;
    }
    rnr_wire_put_u32(w, n);
    put_raw(w, p, n);
}

void rnr_wire_put_string(struct rnr_wbuf *w, const char *s)
{
    size_t n;

    if (s == NULL) {
        rnr_wire_put_u32(w, WIRE_NULL_LEN);
        return;
    }
    n = strlen(s);
    if (n >= WIRE_NULL_LEN) {
        wbuf_fail(w, WSAENOBUFS);
        return;
    }
    rnr_wire_put_u32(w, (uint32_t)n);
    put_raw(w, s, n);
}

void rnr_wire_put_guid(struct rnr_wbuf *w, const GUID *g)
{
    if (g == NULL) {
        wbuf_fail(w, WSAEINVAL);
        return;
    }
    rnr_wire_put_u32(w, g->Data1);
    rnr_wire_put_u16(w, g->Data2);
    rnr_wire_put_u16(w, g->Data3);
    put_raw(w, g->Data4, sizeof(g->Data4));
}

void rnr_wire_put_optguid(struct rnr_wbuf *w, const GUID *g)
{
    if (g == NULL) {
        rnr_wire_put_u8(w, 0);
        return;
    }
    rnr_wire_put_u8(w, 1);
    rnr_wire_put_guid(w, g);
}

static void put_sockaddr(struct rnr_wbuf *w, const SOCKET_ADDRESS *sa)
{
    if (sa->lpSockaddr == NULL || sa->iSockaddrLength <= 0) {
        rnr_wire_put_u32(w, 0);
        return;
    }
    rnr_wire_put_bytes(w, sa->lpSockaddr, (uint32_t)sa->iSockaddrLength, 0);
}

void rnr_wire_put_queryset(struct rnr_wbuf *w, const WSAQUERYSETA *qs)
{
    DWORD i, n;

    if (qs == NULL) {
        wbuf_fail(w, WSAEINVAL);
        return;
    }
    rnr_wire_put_string(w, qs->lpszServiceInstanceName);
    rnr_wire_put_optguid(w, qs->lpServiceClassId);
    if (qs->lpVersion != NULL) {
        rnr_wire_put_u8(w, 1);
        rnr_wire_put_u32(w, qs->lpVersion->dwVersion);
        rnr_wire_put_u32(w, (uint32_t)qs->lpVersion->ecHow);
    } else {
        rnr_wire_put_u8(w, 0);
    }
    rnr_wire_put_string(w, qs->lpszComment);
    rnr_wire_put_u32(w, qs->dwNameSpace);
    rnr_wire_put_optguid(w, qs->lpNSProviderId);
    rnr_wire_put_string(w, qs->lpszContext);

    n = qs->lpafpProtocols != NULL ? qs->dwNumberOfProtocols : 0;
    rnr_wire_put_u32(w, n);
    for (i = 0; i < n && !w->error; i++) {
        rnr_wire_put_u32(w, (uint32_t)qs->lpafpProtocols[i].iAddressFamily);
        rnr_wire_put_u32(w, (uint32_t)qs->lpafpProtocols[i].iProtocol);
    }

    rnr_wire_put_string(w, qs->lpszQueryString);

    n = qs->lpcsaBuffer != NULL ? qs->dwNumberOfCsAddrs : 0;
    rnr_wire_put_u32(w, n);
    for (i = 0; i < n && !w->error; i++) {
        const CSADDR_INFO *ca = &qs->lpcsaBuffer[i];

        put_sockaddr(w, &ca->LocalAddr);
        put_sockaddr(w, &ca->RemoteAddr);
        rnr_wire_put_u32(w, (uint32_t)ca->iSocketType);
        rnr_wire_put_u32(w, (uint32_t)ca->iProtocol);
    }

    rnr_wire_put_u32(w, qs->dwOutputFlags);
    if (qs->lpBlob == NULL)
        rnr_wire_put_bytes(w, NULL, 0, 1);
    else if (qs->lpBlob->pBlobData == NULL)
        rnr_wire_put_bytes(w, NULL, 0, 0);
    else
        rnr_wire_put_bytes(w, qs->lpBlob->pBlobData, qs->lpBlob->cbSize, 0);
}

void rnr_wire_put_classinfo(struct rnr_wbuf *w, const WSASERVICECLASSINFOA *ci)
{
    DWORD i, n;

    if (ci == NULL) {
        wbuf_fail(w, WSAEINVAL);
        return;
    }
    rnr_wire_put_optguid(w, ci->lpServiceClassId);
    rnr_wire_put_string(w, ci->lpszServiceClassName);
    n = ci->lpClassInfos != NULL ? ci->dwCount : 0;
    rnr_wire_put_u32(w, n);
    for (i = 0; i < n && !w->error; i++) {
        const WSANSCLASSINFOA *e = &ci->lpClassInfos[i];

        rnr_wire_put_string(w, e->lpszName);
        rnr_wire_put_u32(w, e->dwNameSpace);
        rnr_wire_put_u32(w, e->dwValueType);
        if (e->lpValue == NULL)
            rnr_wire_put_bytes(w, NULL, 0, 1);
        else
            rnr_wire_put_bytes(w, e->lpValue, e->dwValueSize, 0);
    }
}

void rnr_wire_put_nsinfo(struct rnr_wbuf *w, const WSANAMESPACE_INFOA *ns)
{
    if (ns == NULL) {
        wbuf_fail(w, WSAEINVAL);
        return;
    }
    rnr_wire_put_guid(w, &ns->NSProviderId);
    rnr_wire_put_u32(w, ns->dwNameSpace);
    rnr_wire_put_u32(w, ns->fActive ? 1u : 0u);
    rnr_wire_put_u32(w, ns->dwVersion);
    rnr_wire_put_string(w, ns->lpszIdentifier);
}

/* ------------------------------------------------------------------ */
/* Frames                                                               */
/* ------------------------------------------------------------------ */
void rnr_wire_frame_begin(struct rnr_wbuf *w, uint16_t type, uint32_t id, uint32_t status)
{
    if (w->error)
        return;
    w->frame_start = w->len;
    rnr_wire_put_u32(w, 0);  /* patched by frame_end */
    rnr_wire_put_u16(w, RNR_WIRE_VERSION);
    rnr_wire_put_u16(w, type);
    rnr_wire_put_u32(w, id);
    rnr_wire_put_u32(w, status);
}

void rnr_wire_frame_end(struct rnr_wbuf *w, size_t max_frame)
{
    size_t flen;

    if (max_frame == 0)
        max_frame = RNR_WIRE_MAX_FRAME;
    /* On any error the unfinished frame is cut off, so the frames queued
     * before it stay sendable once the caller clears the error.  Between
     * frames frame_start sits at the end of the last complete one, so a
     * frame whose begin was skipped never cuts into earlier frames. */
    if (w->error) {
        if (w->frame_start <= w->len)
            w->len = w->frame_start;
        w->frame_start = w->len;
        return;
    }
    flen = w->len - w->frame_start;
    if (flen < RNR_WIRE_HDR_LEN || flen > max_frame || flen > UINT32_MAX) {
        w->len = w->frame_start;
        wbuf_fail(w, WSAENOBUFS);
        return;
    }
    rnr_le32_store(w->data + w->frame_start, (uint32_t)flen);
    w->frame_start = w->len;
}

int rnr_wire_hdr_parse(const void *p, size_t max_frame, struct rnr_wire_hdr *h)
{
    const uint8_t *b = p;
    struct rnr_wire_hdr t;

    if (b == NULL || h == NULL)
        return WSAEINVAL;
    if (max_frame == 0)
        max_frame = RNR_WIRE_MAX_FRAME;
    t.length = rnr_le32_load(b);
    t.version = le16_load(b + 4);
    t.type = le16_load(b + 6);
    t.id = rnr_le32_load(b + 8);
    t.status = rnr_le32_load(b + 12);
    if (t.length < RNR_WIRE_HDR_LEN || t.length > max_frame ||
        t.version != RNR_WIRE_VERSION)
        return WSAEINVAL;
    *h = t;
    return 0;
}

/* ------------------------------------------------------------------ */
/* Input buffer                                                         */
/* ------------------------------------------------------------------ */
void rnr_rbuf_init(struct rnr_rbuf *r, const void *p, size_t len)
{
    r->p = p;
    r->left = len;
    r->error = (p == NULL && len != 0) ? WSAEINVAL : 0;
}

static int rbuf_fail(struct rnr_rbuf *r, int err)
{
    if (r->error == 0)
        r->error = err;
    return r->error;
}

int rnr_rbuf_finish(struct rnr_rbuf *r)
{
    if (r->error)
        return r->error;
    if (r->left != 0)
        return rbuf_fail(r, WSAEINVAL);
    return 0;
}

static int rbuf_take(struct rnr_rbuf *r, size_t n, const uint8_t **out)
{
    if (r->error)
        return r->error;
    if (n > r->left)
        return rbuf_fail(r, WSAEINVAL);
    *out = r->p;
    r->p += n;
    r->left -= n;
    return 0;
}

int rnr_wire_get_u8(struct rnr_rbuf *r, uint8_t *v)
{
    const uint8_t *p;

    if (rbuf_take(r, 1, &p))
        return r->error;
    *v = p[0];
    return 0;
}

int rnr_wire_get_u16(struct rnr_rbuf *r, uint16_t *v)
{
    const uint8_t *p;

    if (rbuf_take(r, 2, &p))
        return r->error;
    *v = le16_load(p);
    return 0;
}

int rnr_wire_get_u32(struct rnr_rbuf *r, uint32_t *v)
{
    const uint8_t *p;

    if (rbuf_take(r, 4, &p))
        return r->error;
    *v = rnr_le32_load(p);
    return 0;
}

int rnr_wire_get_guid(struct rnr_rbuf *r, GUID *g)
{
    const uint8_t *p;

    if (rbuf_take(r, 16, &p))
        return r->error;
    g->Data1 = rnr_le32_load(p);
    g->Data2 = le16_load(p + 4);
    g->Data3 = le16_load(p + 6);
    memcpy(g->Data4, p + 8, 8);
    return 0;
}

int rnr_wire_get_optguid(struct rnr_rbuf *r, GUID *g, int *present)
{
    uint8_t tag;
    GUID t;

    if (rnr_wire_get_u8(r, &tag))
        return r->error;
    if (tag > 1)
        return rbuf_fail(r, WSAEINVAL);
    if (tag == 1) {
        if (rnr_wire_get_guid(r, &t))
            return r->error;
        *g = t;
    }
    *present = tag;
    return 0;
}

/* A length-prefixed byte run viewed in place.  *is_null distinguishes
 * the NULL marker from an empty run. */
static int get_bytes_view(struct rnr_rbuf *r, size_t max_len, const uint8_t **p,
                          uint32_t *len, int *is_null)
{
    const uint8_t *q = NULL;
    uint32_t n;

    if (rnr_wire_get_u32(r, &n))
        return r->error;
    if (n == WIRE_NULL_LEN) {
        *p = NULL;
        *len = 0;
        *is_null = 1;
        return 0;
    }
    if (n > max_len)
        return rbuf_fail(r, WSAEINVAL);
    if (rbuf_take(r, n, &q))
        return r->error;
    *p = n > 0 ? q : NULL;
    *len = n;
    *is_null = 0;
    return 0;
}

int rnr_wire_get_string(struct rnr_rbuf *r, size_t max_len, char **out)
{
    const uint8_t *p = NULL;
    uint32_t n = 0;
    int is_null = 0;
    char *s;

    if (get_bytes_view(r, max_len, &p, &n, &is_null))
        return r->error;
    if (is_null) {
        *out = NULL;
        return 0;
    }
    if (n > 0 && memchr(p, '\0', n) != NULL)
        return rbuf_fail(r, WSAEINVAL);
    s = rnr_malloc((size_t)n + 1);
    if (s == NULL)
        return rbuf_fail(r, WSAENOBUFS);
    if (n > 0)
        memcpy(s, p, n);
    s[n] = '\0';
    *out = s;
    return 0;
}

/* A sockaddr viewed in place in the frame; it is only read through
 * memcpy (validate, flatten), so its alignment does not matter. */
static int get_sockaddr(struct rnr_rbuf *r, SOCKET_ADDRESS *sa)
{
    const uint8_t *p = NULL;
    uint32_t n = 0;
    int is_null = 0;

    if (get_bytes_view(r, RNR_QS_MAX_SOCKADDR, &p, &n, &is_null))
        return r->error;
    sa->lpSockaddr = n > 0 ? (LPSOCKADDR)(uintptr_t)p : NULL;
    sa->iSockaddrLength = (INT)n;
    return 0;
}

static int get_count(struct rnr_rbuf *r, uint32_t max, size_t min_each, uint32_t *n)
{
    uint32_t v;

    if (rnr_wire_get_u32(r, &v))
        return r->error;
    if (v > max || v > r->left / min_each)
        return rbuf_fail(r, WSAEINVAL);
    *n = v;
    return 0;
}

/*
 * The query-set decoder below mirrors rnr_wire_put_queryset field by
 * field.  Each helper leans on the reader's sticky error: once a read
 * fails, every later read returns at once without touching its output,
 * so the fields are read unconditionally and the error is looked at
 * once, before anything is validated or copied out.  Outputs are
 * pre-set to "absent" so a failed read leaves nothing to free but what
 * an earlier, successful read allocated.
 */
static void get_version(struct rnr_rbuf *r, WSAVERSION *ver, int *present)
{
    uint8_t tag = 0;
    uint32_t how = COMP_EQUAL;

    *present = 0;
    rnr_wire_get_u8(r, &tag);
    if (tag > 1)
        rbuf_fail(r, WSAEINVAL);
    if (tag != 1 || r->error)
        return;
    rnr_wire_get_u32(r, &ver->dwVersion);
    rnr_wire_get_u32(r, &how);
    if (how != COMP_EQUAL && how != COMP_NOTLESS)
        rbuf_fail(r, WSAEINVAL);
    ver->ecHow = (WSAECOMPARATOR)how;
    *present = r->error == 0;
}

static void get_protocols(struct rnr_rbuf *r, AFPROTOCOLS **out, DWORD *count)
{
    AFPROTOCOLS *afp = NULL;
    uint32_t n = 0, i, af = 0, proto = 0;

    get_count(r, RNR_QS_MAX_PROTOCOLS, WIRE_MIN_PROTO, &n);
    if (n > 0 && !r->error && (afp = rnr_calloc(n, sizeof(*afp))) == NULL)
        rbuf_fail(r, WSAENOBUFS);
    for (i = 0; i < n && !r->error; i++) {
        rnr_wire_get_u32(r, &af);
        rnr_wire_get_u32(r, &proto);
        afp[i].iAddressFamily = (INT)af;
        afp[i].iProtocol = (INT)proto;
    }
    *out = afp;
    *count = afp != NULL ? n : 0;
}

static void get_csaddrs(struct rnr_rbuf *r, CSADDR_INFO **out, DWORD *count)
{
    CSADDR_INFO *csa = NULL;
    uint32_t n = 0, i, type = 0, proto = 0;

    get_count(r, RNR_QS_MAX_CSADDRS, WIRE_MIN_CSADDR, &n);
    if (n > 0 && !r->error && (csa = rnr_calloc(n, sizeof(*csa))) == NULL)
        rbuf_fail(r, WSAENOBUFS);
    for (i = 0; i < n && !r->error; i++) {
        get_sockaddr(r, &csa[i].LocalAddr);
        get_sockaddr(r, &csa[i].RemoteAddr);
        rnr_wire_get_u32(r, &type);
        rnr_wire_get_u32(r, &proto);
        csa[i].iSocketType = (INT)type;
        csa[i].iProtocol = (INT)proto;
    }
    *out = csa;
    *count = csa != NULL ? n : 0;
}

/* The blob is viewed in place in the frame; rnr_qs_dup copies it. */
static void get_blob(struct rnr_rbuf *r, BLOB *blob, int *present)
{
    const uint8_t *p = NULL;
    uint32_t n = 0;
    int is_null = 1;

    get_bytes_view(r, RNR_QS_MAX_BLOB, &p, &n, &is_null);
    blob->cbSize = n;
    blob->pBlobData = (BYTE *)(uintptr_t)p;
    *present = !is_null && r->error == 0;
}

int rnr_wire_get_queryset(struct rnr_rbuf *r, WSAQUERYSETA **out, size_t *size_out)
{
    WSAQUERYSETA qs, *res;
    GUID cls, prov;
    WSAVERSION ver;
    BLOB blob;
    int has_cls = 0, has_ver = 0, has_prov = 0, has_blob = 0, rc;
    size_t size = 0;

    if (r->error)
        return r->error;
    memset(&qs, 0, sizeof(qs));
    qs.dwSize = sizeof(qs);

    rnr_wire_get_string(r, RNR_QS_MAX_STRING, &qs.lpszServiceInstanceName);
    rnr_wire_get_optguid(r, &cls, &has_cls);
    get_version(r, &ver, &has_ver);
    rnr_wire_get_string(r, RNR_QS_MAX_STRING, &qs.lpszComment);
    rnr_wire_get_u32(r, &qs.dwNameSpace);
    rnr_wire_get_optguid(r, &prov, &has_prov);
    rnr_wire_get_string(r, RNR_QS_MAX_STRING, &qs.lpszContext);
    get_protocols(r, &qs.lpafpProtocols, &qs.dwNumberOfProtocols);
    rnr_wire_get_string(r, RNR_QS_MAX_STRING, &qs.lpszQueryString);
    get_csaddrs(r, &qs.lpcsaBuffer, &qs.dwNumberOfCsAddrs);
    rnr_wire_get_u32(r, &qs.dwOutputFlags);
    get_blob(r, &blob, &has_blob);
    if ((rc = r->error) != 0)
        goto done;

    qs.lpServiceClassId = has_cls ? &cls : NULL;
    qs.lpVersion = has_ver ? &ver : NULL;
    qs.lpNSProviderId = has_prov ? &prov : NULL;
    qs.lpBlob = has_blob ? &blob : NULL;
    if (rnr_qs_validate(&qs, 0) != 0) {
        rc = rbuf_fail(r, WSAEINVAL);
        goto done;
    }
    res = rnr_qs_dup(&qs, &size);
    if (res == NULL) {
        rc = rbuf_fail(r, WSAENOBUFS);
        goto done;
    }
    *out = res;
    if (size_out != NULL)
        *size_out = size;

done:
    rnr_free(qs.lpszServiceInstanceName);
    rnr_free(qs.lpszComment);
    rnr_free(qs.lpszContext);
    rnr_free(qs.lpszQueryString);
    rnr_free(qs.lpafpProtocols);
    rnr_free(qs.lpcsaBuffer);
    return rc;
}

int rnr_wire_get_classinfo(struct rnr_rbuf *r, WSASERVICECLASSINFOA **out, size_t *size_out)
{
    WSASERVICECLASSINFOA ci, *res;
    WSANSCLASSINFOA *ents = NULL;
    GUID id;
    char *name = NULL;
    const uint8_t *vp;
    uint32_t n = 0, i, vlen;
    int present, is_null, rc;
    size_t size = 0;

    if (r->error)
        return r->error;
    memset(&ci, 0, sizeof(ci));

    if ((rc = rnr_wire_get_optguid(r, &id, &present)) != 0)
        goto done;
    ci.lpServiceClassId = present ? &id : NULL;
    if ((rc = rnr_wire_get_string(r, RNR_CLASS_MAX_NAME, &name)) != 0)
        goto done;
    ci.lpszServiceClassName = name;

    if ((rc = get_count(r, RNR_CLASS_MAX_ENTRIES, WIRE_MIN_CLASS, &n)) != 0)
        goto done;
    if (n > 0) {
        ents = rnr_calloc(n, sizeof(*ents));
        if (ents == NULL) {
            n = 0;
            rc = rbuf_fail(r, WSAENOBUFS);
            goto done;
        }
        for (i = 0; i < n; i++) {
            if ((rc = rnr_wire_get_string(r, RNR_CLASS_MAX_NAME, &ents[i].lpszName)) != 0 ||
                (rc = rnr_wire_get_u32(r, &ents[i].dwNameSpace)) != 0 ||
                (rc = rnr_wire_get_u32(r, &ents[i].dwValueType)) != 0 ||
                (rc = get_bytes_view(r, RNR_CLASS_MAX_VALUE, &vp, &vlen, &is_null)) != 0)
                goto done;
            ents[i].dwValueSize = vlen;
            ents[i].lpValue = (LPVOID)(uintptr_t)vp;
        }
    }
    ci.dwCount = n;
    ci.lpClassInfos = ents;

    if (rnr_class_validate(&ci) != 0) {
        rc = rbuf_fail(r, WSAEINVAL);
        goto done;
    }
    res = rnr_class_dup(&ci, &size);
    if (res == NULL) {
        rc = rbuf_fail(r, WSAENOBUFS);
        goto done;
    }
    *out = res;
    if (size_out != NULL)
        *size_out = size;
    rc = 0;

done:
    for (i = 0; i < n && ents != NULL; i++)
        rnr_free(ents[i].lpszName);
    rnr_free(ents);
    rnr_free(name);
    return rc;
}

int rnr_wire_get_nsinfo(struct rnr_rbuf *r, WSANAMESPACE_INFOA *ns)
{
    WSANAMESPACE_INFOA t;
    uint32_t active;
    char *ident = NULL;

    memset(&t, 0, sizeof(t));
    if (rnr_wire_get_guid(r, &t.NSProviderId) || rnr_wire_get_u32(r, &t.dwNameSpace) ||
        rnr_wire_get_u32(r, &active) || rnr_wire_get_u32(r, &t.dwVersion) ||
        rnr_wire_get_string(r, RNR_QS_MAX_STRING, &ident))
        return r->error;
    if (active > 1) {
        rnr_free(ident);
        return rbuf_fail(r, WSAEINVAL);
    }
    t.fActive = (BOOL)active;
    t.lpszIdentifier = ident;
    *ns = t;
    return 0;
}
