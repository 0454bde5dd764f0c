/* SPDX-License-Identifier: MIT */
/*
 * hostent / servent blobs.
 *
 * Layout built here (every offset a uintptr_t from the blob start, so the
 * header has exactly the shape of struct hostent / struct servent on the
 * host ABI with pointers swapped for offsets):
 *
 *   hostent: header | aliases[] 0 | addr_list[] 0 | address bytes | strings
 *   servent: header | aliases[] 0 | strings
 *
 * The unpackers trust nothing: each offset must land after the header and
 * inside the blob, each array must end with a 0 slot inside the blob, each
 * string must end with a NUL inside the blob, each address must fit.  All
 * reads and writes go through memcpy, so neither the blob nor the output
 * buffer has to be aligned (the caller aligns buf if it wants to use it as
 * a struct hostent in place, as librnr does).
 */
#include "blob.h"
#include "alloc.h"

#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include <rnr/winsock2.h>

/* The blob headers: struct hostent / servent with offsets for pointers. */
struct blob_hostent {
    uintptr_t h_name;
    uintptr_t h_aliases;
    int       h_addrtype;
    int       h_length;
    uintptr_t h_addr_list;
};

struct blob_servent {
    uintptr_t s_name;
    uintptr_t s_aliases;
    int       s_port;
    uintptr_t s_proto;
};

_Static_assert(sizeof(struct blob_hostent) == sizeof(struct hostent),
               "hostent blob header must mirror struct hostent");
_Static_assert(sizeof(struct blob_servent) == sizeof(struct servent),
               "servent blob header must mirror struct servent");

/* Upper bound on any blob we build or accept: far above what a hosts line
 * or a DNS answer yields, low enough that size arithmetic cannot wrap. */
#define BLOB_MAX ((size_t)1 << 30)

#define SLOT sizeof(uintptr_t)

/* ------------------------------------------------------------ building */

static size_t count_aliases(char *const *aliases, size_t *strbytes)
{
    size_t n = 0;

    if (aliases == NULL)
        return 0;
    for (; aliases[n] != NULL; n++) {
        *strbytes += strlen(aliases[n]) + 1;
        if (*strbytes > BLOB_MAX)
            return SIZE_MAX;
    }
    return n;
}

static void put_slot(uint8_t *blob, size_t at, uintptr_t value)
{
    memcpy(blob + at, &value, SLOT);
}

/* Appends a string at *str, returns its offset. */
static uintptr_t put_string(uint8_t *blob, size_t *str, const char *s)
{
    size_t at = *str, len = strlen(s) + 1;

    memcpy(blob + at, s, len);
    *str += len;
    return at;
}

static void put_aliases(uint8_t *blob, size_t arr, size_t *str,
                        char *const *aliases, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        put_slot(blob, arr + i * SLOT, put_string(blob, str, aliases[i]));
    put_slot(blob, arr + n * SLOT, 0);
}

int rnr_blob_hostent(const char *name, char *const *aliases, int af,
                     int addrlen, const void *addrs, size_t naddrs,
                     uint8_t **out, size_t *outlen)
{
    struct blob_hostent h;
    size_t strbytes = 0, nal, al_off, ad_off, bytes_off, str, total, i;
    uint8_t *blob;

    if (out == NULL || outlen == NULL)
        return WSAEINVAL;
    if (!((af == AF_INET && addrlen == 4) || (af == AF_INET6 && addrlen == 16)))
        return WSAEINVAL;
    if (naddrs > 0 && addrs == NULL)
        return WSAEINVAL;
    if (naddrs > BLOB_MAX / (SLOT + (size_t)addrlen))
        return WSAEINVAL;
    if (name != NULL)
        strbytes = strlen(name) + 1;
    nal = count_aliases(aliases, &strbytes);
    if (nal == SIZE_MAX || strbytes > BLOB_MAX || nal > BLOB_MAX / SLOT)
        return WSAEINVAL;

    al_off = sizeof h;
    ad_off = al_off + (nal + 1) * SLOT;
    bytes_off = ad_off + (naddrs + 1) * SLOT;
    str = bytes_off + naddrs * (size_t)addrlen;
    total = str + strbytes;
    if (total > BLOB_MAX)
        return WSAEINVAL;

    blob = rnr_calloc(1, total);
    if (blob == NULL)
        return WSAENOBUFS;

    memset(&h, 0, sizeof h);
    h.h_addrtype = af;
    h.h_length = addrlen;
    h.h_aliases = al_off;
    h.h_addr_list = ad_off;
    if (name != NULL)
        h.h_name = put_string(blob, &str, name);
    put_aliases(blob, al_off, &str, aliases, nal);
    for (i = 0; i < naddrs; i++) {
        size_t at = bytes_off + i * (size_t)addrlen;

        memcpy(blob + at, (const uint8_t *)addrs + i * (size_t)addrlen,
               (size_t)addrlen);
        put_slot(blob, ad_off + i * SLOT, at);
    }
    put_slot(blob, ad_off + naddrs * SLOT, 0);
    memcpy(blob, &h, sizeof h);

    *out = blob;
    *outlen = total;
    return 0;
}

int rnr_blob_servent(const char *name, char *const *aliases, int port_net,
                     const char *proto, uint8_t **out, size_t *outlen)
{
    struct blob_servent s;
    size_t strbytes = 0, nal, al_off, str, total;
    uint8_t *blob;

    if (out == NULL || outlen == NULL)
        return WSAEINVAL;
    if (name != NULL)
        strbytes += strlen(name) + 1;
    if (proto != NULL)
        strbytes += strlen(proto) + 1;
    nal = count_aliases(aliases, &strbytes);
    if (nal == SIZE_MAX || strbytes > BLOB_MAX || nal > BLOB_MAX / SLOT)
        return WSAEINVAL;

    al_off = sizeof s;
    str = al_off + (nal + 1) * SLOT;
    total = str + strbytes;
    if (total > BLOB_MAX)
        return WSAEINVAL;

    blob = rnr_calloc(1, total);
    if (blob == NULL)
        return WSAENOBUFS;

    memset(&s, 0, sizeof s);
    s.s_port = port_net;
    s.s_aliases = al_off;
    if (name != NULL)
        s.s_name = put_string(blob, &str, name);
    if (proto != NULL)
        s.s_proto = put_string(blob, &str, proto);
    put_aliases(blob, al_off, &str, aliases, nal);
    memcpy(blob, &s, sizeof s);

    *out = blob;
    *outlen = total;
    return 0;
}

/* ----------------------------------------------------------- unpacking */

/* A read-only view of an untrusted blob. */
struct blob_view {
    const uint8_t *p;
    size_t         len;
    size_t         hdr;   /* header size: no offset may point below it */
};

/* Is [off, off + n) a valid target inside the blob? */
static int view_range_ok(const struct blob_view *v, uintptr_t off, size_t n)
{
    return off >= v->hdr && off <= v->len && n <= v->len - off;
}

static uintptr_t view_slot(const struct blob_view *v, size_t at)
{
    uintptr_t x;

    memcpy(&x, v->p + at, SLOT);
    return x;
}

/* Checks an optional string: 0 (NULL) or NUL-terminated inside the blob.
 * Adds its size (with NUL) to *bytes.  Returns 0 or -1. */
static int view_string(const struct blob_view *v, uintptr_t off, size_t *bytes)
{
    const uint8_t *nul;

    if (off == 0)
        return 0;
    if (!view_range_ok(v, off, 1))
        return -1;
    nul = memchr(v->p + off, '\0', v->len - off);
    if (nul == NULL)
        return -1;
    *bytes += (size_t)(nul - (v->p + off)) + 1;
    return 0;
}

/* Checks a 0-terminated offset array whose elements are strings (elemlen
 * 0) or fixed-size items of elemlen bytes.  The array itself may be 0
 * (NULL) only when `nullable`.  *count gets the element count, *bytes
 * grows by the element payload.  Returns 0 or -1. */
static int view_array(const struct blob_view *v, uintptr_t off, size_t elemlen,
                      int nullable, size_t *count, size_t *bytes)
{
    size_t n = 0;

    if (off == 0) {
        *count = 0;
        return nullable ? 0 : -1;
    }
    for (;;) {
        uintptr_t e;

        if (n > v->len / SLOT || !view_range_ok(v, off + n * SLOT, SLOT))
            return -1;
        e = view_slot(v, off + n * SLOT);
        if (e == 0)
            break;
        if (elemlen == 0) {
            if (view_string(v, e, bytes) != 0)
                return -1;
        } else {
            if (!view_range_ok(v, e, elemlen))
                return -1;
            *bytes += elemlen;
        }
        n++;
    }
    *count = n;
    return 0;
}

/* A write cursor into the caller's buffer. */
struct out_cursor {
    uint8_t *base;
    size_t   at;
};

static char *out_string(struct out_cursor *c, const struct blob_view *v,
                        uintptr_t off)
{
    size_t len;
    char *d;

    if (off == 0)
        return NULL;
    len = strlen((const char *)v->p + off) + 1;   /* validated before */
    d = (char *)c->base + c->at;
    memcpy(d, v->p + off, len);
    c->at += len;
    return d;
}

/* Copies a validated array of n elements: pointer slots at *slots_at (in
 * the output), payload after the cursor.  Returns the output array. */
static char **out_array(struct out_cursor *c, size_t slots_at,
                        const struct blob_view *v, uintptr_t off, size_t n,
                        size_t elemlen)
{
    char **arr = (char **)(void *)(c->base + slots_at);
    char *null = NULL;
    size_t i;

    for (i = 0; i < n; i++) {
        uintptr_t e = view_slot(v, off + i * SLOT);
        char *d;

        if (elemlen == 0) {
            d = out_string(c, v, e);
        } else {
            d = (char *)c->base + c->at;
            memcpy(d, v->p + e, elemlen);
            c->at += elemlen;
        }
        memcpy(c->base + slots_at + i * sizeof(char *), &d, sizeof d);
    }
    memcpy(c->base + slots_at + n * sizeof(char *), &null, sizeof null);
    return arr;
}

int rnr_blob_unpack_hostent(const uint8_t *blob, size_t bloblen,
                            void *buf, size_t buflen, size_t *needed)
{
    struct blob_view v = { blob, bloblen, sizeof(struct blob_hostent) };
    struct blob_hostent h;
    struct hostent out;
    struct out_cursor c;
    size_t bytes = 0, nal, nad, al_at, ad_at, need;

    if (blob == NULL || bloblen < sizeof h || bloblen > BLOB_MAX)
        return WSANO_RECOVERY;
    memcpy(&h, blob, sizeof h);
    if (!((h.h_addrtype == AF_INET && h.h_length == 4) ||
          (h.h_addrtype == AF_INET6 && h.h_length == 16)))
        return WSANO_RECOVERY;
    if (view_string(&v, h.h_name, &bytes) != 0 ||
        view_array(&v, h.h_aliases, 0, 1, &nal, &bytes) != 0 ||
        view_array(&v, h.h_addr_list, (size_t)h.h_length, 0, &nad, &bytes) != 0)
        return WSANO_RECOVERY;

    /* Both arrays are always present in the output (empty when NULL in the
     * blob): applications walk h_aliases without checking it. */
    al_at = sizeof out;
    ad_at = al_at + (nal + 1) * sizeof(char *);
    need = ad_at + (nad + 1) * sizeof(char *) + bytes;
    if (needed != NULL)
        *needed = need;
    if (buf == NULL || buflen < need)
        return WSAEFAULT;

    c.base = buf;
    c.at = ad_at + (nad + 1) * sizeof(char *);
    memset(&out, 0, sizeof out);
    out.h_addrtype = h.h_addrtype;
    out.h_length = h.h_length;
    out.h_addr_list = out_array(&c, ad_at, &v, h.h_addr_list, nad,
                                (size_t)h.h_length);
    out.h_name = out_string(&c, &v, h.h_name);
    out.h_aliases = out_array(&c, al_at, &v, h.h_aliases, nal, 0);
    memcpy(buf, &out, sizeof out);
    return 0;
}

int rnr_blob_unpack_servent(const uint8_t *blob, size_t bloblen,
                            void *buf, size_t buflen, size_t *needed)
{
    struct blob_view v = { blob, bloblen, sizeof(struct blob_servent) };
    struct blob_servent s;
    struct servent out;
    struct out_cursor c;
    size_t bytes = 0, nal, al_at, need;

    if (blob == NULL || bloblen < sizeof s || bloblen > BLOB_MAX)
        return WSANO_RECOVERY;
    memcpy(&s, blob, sizeof s);
    if (view_string(&v, s.s_name, &bytes) != 0 ||
        view_string(&v, s.s_proto, &bytes) != 0 ||
        view_array(&v, s.s_aliases, 0, 1, &nal, &bytes) != 0)
        return WSANO_RECOVERY;

    al_at = sizeof out;
    need = al_at + (nal + 1) * sizeof(char *) + bytes;
    if (needed != NULL)
        *needed = need;
    if (buf == NULL || buflen < need)
        return WSAEFAULT;

    c.base = buf;
    c.at = need - bytes;
    memset(&out, 0, sizeof out);
    out.s_port = s.s_port;
    out.s_name = out_string(&c, &v, s.s_name);
    out.s_proto = out_string(&c, &v, s.s_proto);
    out.s_aliases = out_array(&c, al_at, &v, s.s_aliases, nal, 0);
    memcpy(buf, &out, sizeof out);
    return 0;
}
