/* SPDX-License-Identifier: MIT */
/*
 * hostent / servent blobs (nsp/blob.c), as librnr and the NSS module
 * unpack them from a lookup result.  A blob unpacks into a structure
 * whose every pointer lies inside the output buffer, or is refused; a
 * short buffer is refused with the size needed, which then suffices.
 * What unpacks is packed again and must unpack to the same structure.
 *
 * Input: byte 0 selects hostent (even) or servent (odd), the rest is the
 * blob.
 */
#include "config.h"

#include <netdb.h>
#include <string.h>

#include <rnr/winsock2.h>

#include "alloc.h"
#include "blob.h"

#include "fuzz.h"

#define BUF_MAX 65536

/* strcmp that lets a NULL name or protocol equal only NULL. */
static int same(const char *a, const char *b)
{
    return a == NULL || b == NULL ? a == b : strcmp(a, b) == 0;
}

static int inside(const void *p, const uint8_t *buf, size_t len)
{
    const uint8_t *q = p;

    return q >= buf && q < buf + len;
}

static void check_string(const char *s, const uint8_t *buf, size_t len)
{
    if (s == NULL)      /* a NULL name or protocol stays NULL */
        return;
    FUZZ_CHECK(inside(s, buf, len));
    FUZZ_CHECK(memchr(s, 0, (size_t)(buf + len - (const uint8_t *)s)) != NULL);
}

static void one_hostent(const uint8_t *blob, size_t n, uint8_t *buf)
{
    struct hostent *h = (struct hostent *)buf;
    size_t needed = 0, i, nal = 0, nad = 0;
    char **aliases = NULL;
    uint8_t *addrs = NULL, *packed = NULL, *buf2 = NULL;
    size_t plen = 0, needed2 = 0;
    int rc;

    rc = rnr_blob_unpack_hostent(blob, n, buf, 16, &needed);
    if (rc == WSAEFAULT) {
        FUZZ_CHECK(needed > 16);
        if (needed > BUF_MAX)
            return;
        rc = rnr_blob_unpack_hostent(blob, n, buf, needed, &needed2);
    }
    if (rc != 0) {
        FUZZ_CHECK(rc == WSANO_RECOVERY || rc == WSAEFAULT);
        return;
    }
    if (needed == 0)
        needed = 16;
    check_string(h->h_name, buf, needed);
    FUZZ_CHECK(h->h_length >= 0 && h->h_length <= 16);
    for (i = 0; h->h_aliases[i] != NULL; i++)
        check_string(h->h_aliases[i], buf, needed);
    nal = i;
    for (i = 0; h->h_addr_list[i] != NULL; i++)
        FUZZ_CHECK(inside(h->h_addr_list[i], buf, needed) &&
                   inside(h->h_addr_list[i] + h->h_length - 1, buf, needed));
    nad = i;

    /* Pack it again (a valid family and length only): same structure. */
    if ((h->h_addrtype == AF_INET && h->h_length == 4) ||
        (h->h_addrtype == AF_INET6 && h->h_length == 16)) {
        struct hostent *h2;

        addrs = malloc(nad * (size_t)h->h_length + 1);
        FUZZ_CHECK(addrs != NULL);
        for (i = 0; i < nad; i++)
            memcpy(addrs + i * (size_t)h->h_length, h->h_addr_list[i], (size_t)h->h_length);
        aliases = h->h_aliases;
        (void)nal;
        rc = rnr_blob_hostent(h->h_name, aliases, h->h_addrtype, h->h_length, addrs, nad,
                              &packed, &plen);
        if (rc == 0) {
            buf2 = calloc(1, BUF_MAX);
            FUZZ_CHECK(buf2 != NULL);
            rc = rnr_blob_unpack_hostent(packed, plen, buf2, BUF_MAX, &needed2);
            FUZZ_CHECK(rc == 0);
            h2 = (struct hostent *)buf2;
            FUZZ_CHECK(same(h->h_name, h2->h_name));
            FUZZ_CHECK(h->h_addrtype == h2->h_addrtype && h->h_length == h2->h_length);
            for (i = 0; i < nal; i++)
                FUZZ_CHECK(h2->h_aliases[i] && strcmp(h->h_aliases[i], h2->h_aliases[i]) == 0);
            FUZZ_CHECK(h2->h_aliases[nal] == NULL);
            for (i = 0; i < nad; i++)
                FUZZ_CHECK(h2->h_addr_list[i] &&
                           memcmp(h->h_addr_list[i], h2->h_addr_list[i], (size_t)h->h_length) == 0);
            FUZZ_CHECK(h2->h_addr_list[nad] == NULL);
        } else {
            FUZZ_CHECK(rc == WSAEINVAL || rc == WSAENOBUFS);
        }
    }
    rnr_free(packed);
    free(addrs);
    free(buf2);
}

static void one_servent(const uint8_t *blob, size_t n, uint8_t *buf)
{
    struct servent *s = (struct servent *)buf;
    size_t needed = 0, needed2 = 0, i, nal, plen = 0;
    uint8_t *packed = NULL, *buf2 = NULL;
    int rc;

    rc = rnr_blob_unpack_servent(blob, n, buf, 8, &needed);
    if (rc == WSAEFAULT) {
        FUZZ_CHECK(needed > 8);
        if (needed > BUF_MAX)
            return;
        rc = rnr_blob_unpack_servent(blob, n, buf, needed, &needed2);
    }
    if (rc != 0) {
        FUZZ_CHECK(rc == WSANO_RECOVERY || rc == WSAEFAULT);
        return;
    }
    check_string(s->s_name, buf, needed);
    check_string(s->s_proto, buf, needed);
    for (i = 0; s->s_aliases[i] != NULL; i++)
        check_string(s->s_aliases[i], buf, needed);
    nal = i;
    rc = rnr_blob_servent(s->s_name, s->s_aliases, s->s_port, s->s_proto, &packed, &plen);
    if (rc == 0) {
        struct servent *s2;

        buf2 = calloc(1, BUF_MAX);
        FUZZ_CHECK(buf2 != NULL);
        FUZZ_CHECK(rnr_blob_unpack_servent(packed, plen, buf2, BUF_MAX, &needed2) == 0);
        s2 = (struct servent *)buf2;
        FUZZ_CHECK(same(s->s_name, s2->s_name) && same(s->s_proto, s2->s_proto));
        FUZZ_CHECK(s->s_port == s2->s_port);
        for (i = 0; i < nal; i++)
            FUZZ_CHECK(s2->s_aliases[i] && strcmp(s->s_aliases[i], s2->s_aliases[i]) == 0);
        FUZZ_CHECK(s2->s_aliases[nal] == NULL);
    } else {
        FUZZ_CHECK(rc == WSAEINVAL || rc == WSAENOBUFS);
    }
    rnr_free(packed);
    free(buf2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Aligned, as librnr aligns the buffer it unpacks into. */
    static uint64_t bufmem[BUF_MAX / 8];
    uint8_t *blob;

    if (size < 1)
        return 0;
    /* The blob in its own allocation, so ASan sees a read past its end. */
    blob = malloc(size - 1 + 1);
    FUZZ_CHECK(blob != NULL);
    memcpy(blob, data + 1, size - 1);
    memset(bufmem, 0, sizeof bufmem);
    if (data[0] & 1)
        one_servent(blob, size - 1, (uint8_t *)bufmem);
    else
        one_hostent(blob, size - 1, (uint8_t *)bufmem);
    free(blob);
    return 0;
}
