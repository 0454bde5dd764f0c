/* SPDX-License-Identifier: MIT */
/*
 * Query set data model (queryset.h): exact flat sizes over many shapes,
 * pointers inside the buffer and aligned, short buffers untouched,
 * validation, the result filters and wildcards.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>

#include "alloc.h"
#include "queryset.h"

/* ------------------------------------------------------------------ */
/* A query set built from a shape description                           */
/* ------------------------------------------------------------------ */
#define MAXCS 6

struct shape {
    WSAQUERYSETA qs;
    GUID         cls, prov;
    WSAVERSION   ver;
    AFPROTOCOLS  afp[4];
    CSADDR_INFO  csa[MAXCS];
    struct sockaddr_storage ss[2 * MAXCS];
    BLOB         blob;
    uint8_t      blobdata[40];
    char         s[4][64];
};

static const size_t str_lens[] = { 0, 1, 7, 8, 9, 15, 16, 63 };
static const size_t blob_lens[] = { 0, 1, 7, 8, 13, 40 };

/* Deterministic shape number -> query set. */
static void shape_build(struct shape *sh, unsigned long k)
{
    unsigned mask = (unsigned)(k & 0x3FF);
    unsigned long r = k >> 10;
    size_t i, j, ncs, nproto;
    const size_t sa_lens[] = { 0, sizeof(struct sockaddr_in), sizeof(struct sockaddr_in6),
                               offsetof(struct sockaddr_un, sun_path) + 3, 2, 128 };

    memset(sh, 0, sizeof(*sh));
    sh->qs.dwSize = sizeof(WSAQUERYSETA);
    sh->cls = (GUID)SVCID_TCP(80);
    sh->prov = (GUID){ 0xdeadbeef, 1, 2, { 9, 8, 7, 6, 5, 4, 3, 2 } };
    sh->ver.dwVersion = (DWORD)k;
    sh->ver.ecHow = (k & 1) ? COMP_NOTLESS : COMP_EQUAL;

    for (i = 0; i < 4; i++) {
        size_t n = str_lens[(r + i * 3) % 8];

        memset(sh->s[i], 'a' + (int)i, n);
        sh->s[i][n] = '\0';
    }
    if (mask & 1)
        sh->qs.lpszServiceInstanceName = sh->s[0];
    if (mask & 2)
        sh->qs.lpServiceClassId = &sh->cls;
    if (mask & 4)
        sh->qs.lpVersion = &sh->ver;
    if (mask & 8)
        sh->qs.lpszComment = sh->s[1];
    sh->qs.dwNameSpace = (DWORD)(r % 61);
    if (mask & 16)
        sh->qs.lpNSProviderId = &sh->prov;
    if (mask & 32)
        sh->qs.lpszContext = sh->s[2];
    if (mask & 64) {
        nproto = 1 + r % 4;
        for (i = 0; i < nproto; i++) {
            sh->afp[i].iAddressFamily = (i & 1) ? AF_INET6 : AF_INET;
            sh->afp[i].iProtocol = (INT)i * 6;
        }
        sh->qs.dwNumberOfProtocols = (DWORD)nproto;
        sh->qs.lpafpProtocols = sh->afp;
    }
    if (mask & 128)
        sh->qs.lpszQueryString = sh->s[3];
    if (mask & 256) {
        ncs = 1 + r % MAXCS;
        for (i = 0; i < ncs; i++) {
            for (j = 0; j < 2; j++) {
                SOCKET_ADDRESS *sa = j ? &sh->csa[i].RemoteAddr : &sh->csa[i].LocalAddr;
                struct sockaddr_storage *st = &sh->ss[2 * i + j];
                size_t len = sa_lens[(r + i * 2 + j) % 6];
                uint8_t *b = (uint8_t *)st;
                size_t q;

                for (q = 0; q < sizeof(*st); q++)
                    b[q] = (uint8_t)(q + i * 7 + j);
                if (len == 0)
                    continue;
                if (len == sizeof(struct sockaddr_in))
                    st->ss_family = AF_INET;
                else if (len == sizeof(struct sockaddr_in6))
                    st->ss_family = AF_INET6;
                else
                    st->ss_family = AF_UNIX;
                sa->lpSockaddr = (struct sockaddr *)st;
                sa->iSockaddrLength = (INT)len;
            }
            sh->csa[i].iSocketType = SOCK_STREAM;
            sh->csa[i].iProtocol = (INT)i;
        }
        sh->qs.dwNumberOfCsAddrs = (DWORD)ncs;
        sh->qs.lpcsaBuffer = sh->csa;
    }
    if (mask & 512) {
        size_t n = blob_lens[r % 6];

        for (i = 0; i < n; i++)
            sh->blobdata[i] = (uint8_t)(i ^ 0x5A);
        sh->blob.cbSize = (ULONG)n;
        sh->blob.pBlobData = n ? sh->blobdata : NULL;
        sh->qs.lpBlob = &sh->blob;
    }
    sh->qs.dwOutputFlags = (DWORD)(r & 0x71);
}

static void assert_in(const void *p, const uint8_t *base, size_t size, size_t n)
{
    const uint8_t *q = p;

    assert_non_null(p);
    assert_true(q >= base && q + n <= base + size);
    /* Every item starts on an RNR_ALIGN boundary from the buffer start. */
    assert_int_equal((size_t)(q - base) % RNR_ALIGN, 0);
}

static void assert_str_copy(const char *got, const char *want, const uint8_t *base, size_t size)
{
    if (want == NULL) {
        assert_null(got);
        return;
    }
    assert_in(got, base, size, strlen(want) + 1);
    assert_ptr_not_equal(got, want);
    assert_string_equal(got, want);
}

/* Checks a flat copy against its source: same content, every pointer
 * inside [base, base + size) and aligned. */
static void assert_flat_copy(const WSAQUERYSETA *got, const WSAQUERYSETA *want,
                             const uint8_t *base, size_t size)
{
    DWORD i;
    int j;

    assert_ptr_equal(got, base);
    assert_int_equal(got->dwSize, sizeof(WSAQUERYSETA));
    assert_str_copy(got->lpszServiceInstanceName, want->lpszServiceInstanceName, base, size);
    assert_str_copy(got->lpszComment, want->lpszComment, base, size);
    assert_str_copy(got->lpszContext, want->lpszContext, base, size);
    assert_str_copy(got->lpszQueryString, want->lpszQueryString, base, size);
    if (want->lpServiceClassId) {
        assert_in(got->lpServiceClassId, base, size, sizeof(GUID));
        assert_memory_equal(got->lpServiceClassId, want->lpServiceClassId, sizeof(GUID));
    } else {
        assert_null(got->lpServiceClassId);
    }
    if (want->lpNSProviderId) {
        assert_in(got->lpNSProviderId, base, size, sizeof(GUID));
        assert_memory_equal(got->lpNSProviderId, want->lpNSProviderId, sizeof(GUID));
    } else {
        assert_null(got->lpNSProviderId);
    }
    if (want->lpVersion) {
        assert_in(got->lpVersion, base, size, sizeof(WSAVERSION));
        assert_memory_equal(got->lpVersion, want->lpVersion, sizeof(WSAVERSION));
    } else {
        assert_null(got->lpVersion);
    }
    assert_int_equal(got->dwNameSpace, want->dwNameSpace);
    assert_int_equal(got->dwOutputFlags, want->dwOutputFlags);
    if (want->dwNumberOfProtocols && want->lpafpProtocols) {
        assert_int_equal(got->dwNumberOfProtocols, want->dwNumberOfProtocols);
        assert_in(got->lpafpProtocols, base, size,
                  want->dwNumberOfProtocols * sizeof(AFPROTOCOLS));
        assert_memory_equal(got->lpafpProtocols, want->lpafpProtocols,
                            want->dwNumberOfProtocols * sizeof(AFPROTOCOLS));
    } else {
        assert_int_equal(got->dwNumberOfProtocols, 0);
        assert_null(got->lpafpProtocols);
    }
    if (want->dwNumberOfCsAddrs && want->lpcsaBuffer) {
        assert_int_equal(got->dwNumberOfCsAddrs, want->dwNumberOfCsAddrs);
        assert_in(got->lpcsaBuffer, base, size, want->dwNumberOfCsAddrs * sizeof(CSADDR_INFO));
        for (i = 0; i < want->dwNumberOfCsAddrs; i++) {
            for (j = 0; j < 2; j++) {
                const SOCKET_ADDRESS *g = j ? &got->lpcsaBuffer[i].RemoteAddr
                                            : &got->lpcsaBuffer[i].LocalAddr;
                const SOCKET_ADDRESS *w = j ? &want->lpcsaBuffer[i].RemoteAddr
                                            : &want->lpcsaBuffer[i].LocalAddr;

                if (w->lpSockaddr == NULL) {
                    assert_null(g->lpSockaddr);
                    assert_int_equal(g->iSockaddrLength, 0);
                } else {
                    assert_int_equal(g->iSockaddrLength, w->iSockaddrLength);
                    assert_in(g->lpSockaddr, base, size, (size_t)w->iSockaddrLength);
                    assert_memory_equal(g->lpSockaddr, w->lpSockaddr,
                                        (size_t)w->iSockaddrLength);
                }
            }
            assert_int_equal(got->lpcsaBuffer[i].iSocketType, want->lpcsaBuffer[i].iSocketType);
            assert_int_equal(got->lpcsaBuffer[i].iProtocol, want->lpcsaBuffer[i].iProtocol);
        }
    } else {
        assert_int_equal(got->dwNumberOfCsAddrs, 0);
        assert_null(got->lpcsaBuffer);
    }
    if (want->lpBlob) {
        assert_in(got->lpBlob, base, size, sizeof(BLOB));
        assert_int_equal(got->lpBlob->cbSize, want->lpBlob->pBlobData ? want->lpBlob->cbSize : 0);
        if (want->lpBlob->cbSize && want->lpBlob->pBlobData) {
            assert_in(got->lpBlob->pBlobData, base, size, want->lpBlob->cbSize);
            assert_memory_equal(got->lpBlob->pBlobData, want->lpBlob->pBlobData,
                                want->lpBlob->cbSize);
        } else {
            assert_null(got->lpBlob->pBlobData);
        }
    } else {
        assert_null(got->lpBlob);
    }
}

/* The sum of what the layout must hold, computed independently, as a
 * lower bound; the upper bound allows one alignment pad per item. */
static void size_bounds(const WSAQUERYSETA *qs, size_t *lo, size_t *items)
{
    size_t n = sizeof(WSAQUERYSETA), k = 0;
    DWORD i;

    if (qs->lpszServiceInstanceName) { n += strlen(qs->lpszServiceInstanceName) + 1; k++; }
    if (qs->lpszComment) { n += strlen(qs->lpszComment) + 1; k++; }
    if (qs->lpszContext) { n += strlen(qs->lpszContext) + 1; k++; }
    if (qs->lpszQueryString) { n += strlen(qs->lpszQueryString) + 1; k++; }
    if (qs->lpServiceClassId) { n += sizeof(GUID); k++; }
    if (qs->lpNSProviderId) { n += sizeof(GUID); k++; }
    if (qs->lpVersion) { n += sizeof(WSAVERSION); k++; }
    if (qs->dwNumberOfProtocols) { n += qs->dwNumberOfProtocols * sizeof(AFPROTOCOLS); k++; }
    if (qs->dwNumberOfCsAddrs) {
        n += qs->dwNumberOfCsAddrs * sizeof(CSADDR_INFO);
        k++;
        for (i = 0; i < qs->dwNumberOfCsAddrs; i++) {
            if (qs->lpcsaBuffer[i].LocalAddr.lpSockaddr) {
                n += (size_t)qs->lpcsaBuffer[i].LocalAddr.iSockaddrLength;
                k++;
            }
            if (qs->lpcsaBuffer[i].RemoteAddr.lpSockaddr) {
                n += (size_t)qs->lpcsaBuffer[i].RemoteAddr.iSockaddrLength;
                k++;
            }
        }
    }
    if (qs->lpBlob) {
        n += sizeof(BLOB) + qs->lpBlob->cbSize;
        k += 2;
    }
    *lo = n;
    *items = k;
}

static void check_shape(const WSAQUERYSETA *qs)
{
    size_t size, lo, items, used;
    uint8_t *buf, *snap;
    WSAQUERYSETA *dup;
    size_t dsize = 0;

    size = rnr_qs_flat_size(qs);
    size_bounds(qs, &lo, &items);
    assert_true(size >= lo);
    assert_true(size <= lo + items * (RNR_ALIGN - 1));

    /* Exact fit, with a guard zone that must stay untouched. */
    buf = malloc(size + 64);
    assert_non_null(buf);
    memset(buf, 0xA5, size + 64);
    used = rnr_qs_flatten(qs, buf, size);
    assert_int_equal(used, size);
    assert_flat_copy((WSAQUERYSETA *)buf, qs, buf, size);
    {
        size_t i;
        for (i = size; i < size + 64; i++)
            assert_int_equal(buf[i], 0xA5);
    }

    /* A flat copy flattens to the same size (nothing depends on where
     * the source lives). */
    assert_int_equal(rnr_qs_flat_size((WSAQUERYSETA *)buf), size);

    /* One byte short: 0, and the buffer is left exactly as it was. */
    snap = malloc(size + 64);
    assert_non_null(snap);
    memset(buf, 0x3C, size + 64);
    memcpy(snap, buf, size + 64);
    assert_int_equal(rnr_qs_flatten(qs, buf, size - 1), 0);
    assert_memory_equal(buf, snap, size + 64);
    assert_int_equal(rnr_qs_flatten(qs, buf, 0), 0);
    assert_memory_equal(buf, snap, size + 64);

    /* A larger buffer uses the same number of bytes. */
    assert_int_equal(rnr_qs_flatten(qs, buf, size + 64), size);

    dup = rnr_qs_dup(qs, &dsize);
    assert_non_null(dup);
    assert_int_equal(dsize, size);
    assert_flat_copy(dup, qs, (const uint8_t *)dup, dsize);
    rnr_free(dup);

    free(snap);
    free(buf);
}

static void test_flatten_many_shapes(void **state)
{
    struct shape sh;
    unsigned long k;
    unsigned count = 0;
    (void)state;

    /* Every subset of optional fields, each with several size variants. */
    for (k = 0; k < (1ul << 10) * 13; k += 1) {
        shape_build(&sh, k);
        assert_int_equal(rnr_qs_validate(&sh.qs, 0), 0);
        check_shape(&sh.qs);
        count++;
    }
    assert_true(count > 10000);
}

static void test_flatten_empty_and_minimal(void **state)
{
    WSAQUERYSETA qs;
    uint8_t buf[sizeof(WSAQUERYSETA) + 8];
    (void)state;

    memset(&qs, 0, sizeof(qs));
    qs.dwSize = sizeof(qs);
    assert_int_equal(rnr_qs_flat_size(&qs), sizeof(WSAQUERYSETA));
    check_shape(&qs);
    assert_int_equal(rnr_qs_flatten(&qs, buf, sizeof(buf)), sizeof(WSAQUERYSETA));
    assert_int_equal(rnr_qs_flatten(NULL, buf, sizeof(buf)), 0);
    assert_int_equal(rnr_qs_flatten(&qs, NULL, 1000), 0);
    assert_int_equal(rnr_qs_flat_size(NULL), 0);
    assert_null(rnr_qs_dup(NULL, NULL));

    /* dwSize in the copy is always sizeof, whatever the source said. */
    qs.dwSize = 3;
    assert_int_equal(rnr_qs_flatten(&qs, buf, sizeof(buf)), sizeof(WSAQUERYSETA));
    assert_int_equal(((WSAQUERYSETA *)buf)->dwSize, sizeof(WSAQUERYSETA));
}

static void test_flatten_normalises(void **state)
{
    WSAQUERYSETA qs, *d;
    AFPROTOCOLS afp = { AF_INET, 0 };
    CSADDR_INFO ca[2];
    struct sockaddr_in sin;
    BLOB blob = { 5, NULL };
    size_t size;
    (void)state;

    memset(&qs, 0, sizeof(qs));
    qs.dwSize = sizeof(qs);

    /* Zero count with a non-NULL array: NULL array. */
    qs.dwNumberOfProtocols = 0;
    qs.lpafpProtocols = &afp;
    qs.dwNumberOfCsAddrs = 0;
    qs.lpcsaBuffer = ca;
    d = rnr_qs_dup(&qs, &size);
    assert_non_null(d);
    assert_int_equal(size, sizeof(WSAQUERYSETA));
    assert_null(d->lpafpProtocols);
    assert_null(d->lpcsaBuffer);
    rnr_free(d);

    /* A CSADDR whose lpSockaddr is NULL keeps NULL and length 0, whatever
     * length it claimed. */
    memset(ca, 0, sizeof(ca));
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    ca[0].LocalAddr.lpSockaddr = NULL;
    ca[0].LocalAddr.iSockaddrLength = 16;
    ca[0].RemoteAddr.lpSockaddr = (struct sockaddr *)&sin;
    ca[0].RemoteAddr.iSockaddrLength = sizeof(sin);
    ca[1].LocalAddr.lpSockaddr = NULL;
    ca[1].LocalAddr.iSockaddrLength = 0;
    ca[1].RemoteAddr.lpSockaddr = NULL;
    ca[1].RemoteAddr.iSockaddrLength = 99;
    qs.lpafpProtocols = NULL;
    qs.dwNumberOfCsAddrs = 2;
    /* A blob with a size but no data: kept as an empty blob. */
    qs.lpBlob = &blob;
    d = rnr_qs_dup(&qs, &size);
    assert_non_null(d);
    assert_int_equal(d->dwNumberOfCsAddrs, 2);
    assert_null(d->lpcsaBuffer[0].LocalAddr.lpSockaddr);
    assert_int_equal(d->lpcsaBuffer[0].LocalAddr.iSockaddrLength, 0);
    assert_non_null(d->lpcsaBuffer[0].RemoteAddr.lpSockaddr);
    assert_int_equal(d->lpcsaBuffer[0].RemoteAddr.iSockaddrLength, sizeof(sin));
    assert_null(d->lpcsaBuffer[1].LocalAddr.lpSockaddr);
    assert_null(d->lpcsaBuffer[1].RemoteAddr.lpSockaddr);
    assert_int_equal(d->lpcsaBuffer[1].RemoteAddr.iSockaddrLength, 0);
    assert_non_null(d->lpBlob);
    assert_int_equal(d->lpBlob->cbSize, 0);
    assert_null(d->lpBlob->pBlobData);
    assert_int_equal(size, rnr_qs_flat_size(&qs));
    rnr_free(d);

    /* A count with a NULL array (invalid, but flatten must stay safe). */
    memset(&qs, 0, sizeof(qs));
    qs.dwSize = sizeof(qs);
    qs.dwNumberOfProtocols = 3;
    qs.dwNumberOfCsAddrs = 4;
    d = rnr_qs_dup(&qs, &size);
    assert_non_null(d);
    assert_int_equal(d->dwNumberOfProtocols, 0);
    assert_int_equal(d->dwNumberOfCsAddrs, 0);
    assert_null(d->lpafpProtocols);
    assert_null(d->lpcsaBuffer);
    rnr_free(d);
}

static void test_flatten_padding_zeroed(void **state)
{
    struct shape sh;
    size_t size, i;
    uint8_t *a, *b;
    (void)state;

    /* Flatten into buffers holding different garbage: padding must come
     * out zeroed in both, never stale.  The shape has no pointers after
     * the header (strings, GUIDs, version, protocols), so everything past
     * the header must be byte-identical. */
    shape_build(&sh, 0xFF | (3ul << 10));
    size = rnr_qs_flat_size(&sh.qs);
    a = malloc(size);
    b = malloc(size);
    assert_non_null(a);
    assert_non_null(b);
    memset(a, 0xFF, size);
    memset(b, 0x11, size);
    assert_int_equal(rnr_qs_flatten(&sh.qs, a, size), size);
    assert_int_equal(rnr_qs_flatten(&sh.qs, b, size), size);
    assert_true(size > sizeof(WSAQUERYSETA) + 40);
    for (i = sizeof(WSAQUERYSETA); i < size; i++)
        assert_int_equal(a[i], b[i]);
    free(a);
    free(b);
}

/* ------------------------------------------------------------------ */
/* Validation                                                           */
/* ------------------------------------------------------------------ */
static void test_validate(void **state)
{
    struct shape sh;
    char *big;
    struct sockaddr_in6 sin6;
    (void)state;

    assert_int_equal(rnr_qs_validate(NULL, 0), WSAEFAULT);
    assert_int_equal(rnr_qs_validate(NULL, 1), WSAEFAULT);

    shape_build(&sh, 0x3FF);
    assert_int_equal(rnr_qs_validate(&sh.qs, 1), 0);

    sh.qs.dwSize = sizeof(WSAQUERYSETA) - 1;
    assert_int_equal(rnr_qs_validate(&sh.qs, 0), WSAEINVAL);
    sh.qs.dwSize = 0;
    assert_int_equal(rnr_qs_validate(&sh.qs, 0), WSAEINVAL);
    sh.qs.dwSize = sizeof(WSAQUERYSETA);

    sh.qs.lpServiceClassId = NULL;
    assert_int_equal(rnr_qs_validate(&sh.qs, 0), 0);
    assert_int_equal(rnr_qs_validate(&sh.qs, 1), WSAEINVAL);

    /* Strings: at the bound fine, one over rejected, in every string. */
    big = malloc(RNR_QS_MAX_STRING + 2);
    assert_non_null(big);
    memset(big, 'x', RNR_QS_MAX_STRING + 1);
    big[RNR_QS_MAX_STRING] = '\0';
    shape_build(&sh, 0x3FF);
    sh.qs.lpszServiceInstanceName = big;
    sh.qs.lpszComment = big;
    sh.qs.lpszContext = big;
    sh.qs.lpszQueryString = big;
    assert_int_equal(rnr_qs_validate(&sh.qs, 1), 0);
    big[RNR_QS_MAX_STRING] = 'x';
    big[RNR_QS_MAX_STRING + 1] = '\0';
    shape_build(&sh, 0x3FF);
    sh.qs.lpszServiceInstanceName = big;
    assert_int_equal(rnr_qs_validate(&sh.qs, 1), WSAEINVAL);
    shape_build(&sh, 0x3FF);
    sh.qs.lpszComment = big;
    assert_int_equal(rnr_qs_validate(&sh.qs, 1), WSAEINVAL);
    shape_build(&sh, 0x3FF);
    sh.qs.lpszContext = big;
    assert_int_equal(rnr_qs_validate(&sh.qs, 1), WSAEINVAL);
    shape_build(&sh, 0x3FF);
    sh.qs.lpszQueryString = big;
    assert_int_equal(rnr_qs_validate(&sh.qs, 1), WSAEINVAL);
    free(big);

    /* Version comparator. */
    shape_build(&sh, 0x3FF);
    sh.ver.ecHow = (WSAECOMPARATOR)2;
    assert_int_equal(rnr_qs_validate(&sh.qs, 1), WSAEINVAL);

    /* Protocols. */
    {
        AFPROTOCOLS many[RNR_QS_MAX_PROTOCOLS + 1];

        memset(many, 0, sizeof(many));
        shape_build(&sh, 0x3FF);
        sh.qs.lpafpProtocols = many;
        sh.qs.dwNumberOfProtocols = RNR_QS_MAX_PROTOCOLS;
        assert_int_equal(rnr_qs_validate(&sh.qs, 1), 0);
        sh.qs.dwNumberOfProtocols = RNR_QS_MAX_PROTOCOLS + 1;
        assert_int_equal(rnr_qs_validate(&sh.qs, 1), WSAEINVAL);
        sh.qs.dwNumberOfProtocols = 1;
        sh.qs.lpafpProtocols = NULL;
        assert_int_equal(rnr_qs_validate(&sh.qs, 1), WSAEINVAL);
        sh.qs.dwNumberOfProtocols = 0;
        assert_int_equal(rnr_qs_validate(&sh.qs, 1), 0);
    }

    /* CSADDRs. */
    {
        CSADDR_INFO *many = calloc(RNR_QS_MAX_CSADDRS + 1, sizeof(*many));

        assert_non_null(many);
        shape_build(&sh, 0x3FF);
        sh.qs.lpcsaBuffer = many;
        sh.qs.dwNumberOfCsAddrs = RNR_QS_MAX_CSADDRS;
        assert_int_equal(rnr_qs_validate(&sh.qs, 1), 0);
        sh.qs.dwNumberOfCsAddrs = RNR_QS_MAX_CSADDRS + 1;
        assert_int_equal(rnr_qs_validate(&sh.qs, 1), WSAEINVAL);
        sh.qs.dwNumberOfCsAddrs = 2;
        sh.qs.lpcsaBuffer = NULL;
        assert_int_equal(rnr_qs_validate(&sh.qs, 1), WSAEINVAL);
        free(many);
    }

    /* Sockaddr lengths and families. */
    {
        CSADDR_INFO ca;
        struct sockaddr_storage ss;

        memset(&ca, 0, sizeof(ca));
        memset(&ss, 0, sizeof(ss));
        shape_build(&sh, 0x3FF);
        sh.qs.lpcsaBuffer = &ca;
        sh.qs.dwNumberOfCsAddrs = 1;
        assert_int_equal(rnr_qs_validate(&sh.qs, 1), 0);   /* both NULL */

        ca.RemoteAddr.lpSockaddr = (struct sockaddr *)&ss;
        ss.ss_family = AF_UNIX;
        ca.RemoteAddr.iSockaddrLength = sizeof(sa_family_t);
        assert_int_equal(rnr_qs_validate(&sh.qs, 1), 0);
        ca.RemoteAddr.iSockaddrLength = sizeof(sa_family_t) - 1;
        assert_int_equal(rnr_qs_validate(&sh.qs, 1), WSAEINVAL);
        ca.RemoteAddr.iSockaddrLength = 0;
        assert_int_equal(rnr_qs_validate(&sh.qs, 1), WSAEINVAL);
        ca.RemoteAddr.iSockaddrLength = -1;
        assert_int_equal(rnr_qs_validate(&sh.qs, 1), WSAEINVAL);
        ca.RemoteAddr.iSockaddrLength = RNR_QS_MAX_SOCKADDR;
        assert_int_equal(rnr_qs_validate(&sh.qs, 1), 0);
        ca.RemoteAddr.iSockaddrLength = RNR_QS_MAX_SOCKADDR + 1;
        assert_int_equal(rnr_qs_validate(&sh.qs, 1), WSAEINVAL);

        ss.ss_family = AF_INET;
        ca.RemoteAddr.iSockaddrLength = sizeof(struct sockaddr_in) - 1;
        assert_int_equal(rnr_qs_validate(&sh.qs, 1), WSAEINVAL);
        ca.RemoteAddr.iSockaddrLength = sizeof(struct sockaddr_in);
        assert_int_equal(rnr_qs_validate(&sh.qs, 1), 0);

        ss.ss_family = AF_INET6;
        assert_int_equal(rnr_qs_validate(&sh.qs, 1), WSAEINVAL);
        ca.RemoteAddr.iSockaddrLength = sizeof(struct sockaddr_in6) - 1;
        assert_int_equal(rnr_qs_validate(&sh.qs, 1), WSAEINVAL);
        ca.RemoteAddr.iSockaddrLength = sizeof(struct sockaddr_in6);
        assert_int_equal(rnr_qs_validate(&sh.qs, 1), 0);

        /* The local address is checked too. */
        memset(&sin6, 0, sizeof(sin6));
        sin6.sin6_family = AF_INET6;
        ca.LocalAddr.lpSockaddr = (struct sockaddr *)&sin6;
        ca.LocalAddr.iSockaddrLength = 16;
        assert_int_equal(rnr_qs_validate(&sh.qs, 1), WSAEINVAL);
        ca.LocalAddr.iSockaddrLength = sizeof(sin6);
        assert_int_equal(rnr_qs_validate(&sh.qs, 1), 0);
    }

    /* Blob. */
    {
        uint8_t *data = calloc(1, RNR_QS_MAX_BLOB + 1);
        BLOB b;

        assert_non_null(data);
        shape_build(&sh, 0x3FF);
        sh.qs.lpBlob = &b;
        b.pBlobData = data;
        b.cbSize = RNR_QS_MAX_BLOB;
        assert_int_equal(rnr_qs_validate(&sh.qs, 1), 0);
        b.cbSize = RNR_QS_MAX_BLOB + 1;
        assert_int_equal(rnr_qs_validate(&sh.qs, 1), WSAEINVAL);
        b.cbSize = 1;
        b.pBlobData = NULL;
        assert_int_equal(rnr_qs_validate(&sh.qs, 1), WSAEINVAL);
        b.cbSize = 0;
        assert_int_equal(rnr_qs_validate(&sh.qs, 1), 0);
        free(data);
    }
}

/* ------------------------------------------------------------------ */
/* Filters                                                              */
/* ------------------------------------------------------------------ */
static void test_mask(void **state)
{
    struct shape sh;
    WSAQUERYSETA v;
    static const DWORD flags[] = {
        0, LUP_RETURN_NAME, LUP_RETURN_TYPE, LUP_RETURN_VERSION, LUP_RETURN_COMMENT,
        LUP_RETURN_ADDR, LUP_RETURN_BLOB, LUP_RETURN_QUERY_STRING, LUP_RETURN_ALIASES,
        LUP_RETURN_ALL, LUP_RETURN_NAME | LUP_RETURN_ADDR,
    };
    size_t i;
    (void)state;

    shape_build(&sh, 0x3FF);
    for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
        DWORD f = flags[i];

        memset(&v, 0x77, sizeof(v));
        rnr_qs_mask(&v, &sh.qs, f);
        /* Always kept. */
        assert_int_equal(v.dwSize, sh.qs.dwSize);
        assert_int_equal(v.dwNameSpace, sh.qs.dwNameSpace);
        assert_ptr_equal(v.lpNSProviderId, sh.qs.lpNSProviderId);
        assert_ptr_equal(v.lpszContext, sh.qs.lpszContext);
        assert_int_equal(v.dwOutputFlags, sh.qs.dwOutputFlags);
        /* Always dropped. */
        assert_int_equal(v.dwNumberOfProtocols, 0);
        assert_null(v.lpafpProtocols);
        /* Per flag. */
        assert_ptr_equal(v.lpszServiceInstanceName,
                         (f & LUP_RETURN_NAME) ? sh.qs.lpszServiceInstanceName : NULL);
        assert_ptr_equal(v.lpServiceClassId,
                         (f & LUP_RETURN_TYPE) ? sh.qs.lpServiceClassId : NULL);
        assert_ptr_equal(v.lpVersion, (f & LUP_RETURN_VERSION) ? sh.qs.lpVersion : NULL);
        assert_ptr_equal(v.lpszComment, (f & LUP_RETURN_COMMENT) ? sh.qs.lpszComment : NULL);
        assert_ptr_equal(v.lpcsaBuffer, (f & LUP_RETURN_ADDR) ? sh.qs.lpcsaBuffer : NULL);
        assert_int_equal(v.dwNumberOfCsAddrs,
                         (f & LUP_RETURN_ADDR) ? sh.qs.dwNumberOfCsAddrs : 0);
        assert_ptr_equal(v.lpBlob, (f & LUP_RETURN_BLOB) ? sh.qs.lpBlob : NULL);
        assert_ptr_equal(v.lpszQueryString,
                         (f & LUP_RETURN_QUERY_STRING) ? sh.qs.lpszQueryString : NULL);
    }
    /* The source is not modified. */
    assert_non_null(sh.qs.lpafpProtocols);
    assert_non_null(sh.qs.lpszServiceInstanceName);

    /* The masked view flattens to fewer bytes than the whole. */
    rnr_qs_mask(&v, &sh.qs, LUP_RETURN_NAME);
    assert_true(rnr_qs_flat_size(&v) < rnr_qs_flat_size(&sh.qs));
}

static void test_version_matches(void **state)
{
    WSAVERSION eq5 = { 5, COMP_EQUAL }, nl5 = { 5, COMP_NOTLESS };
    WSAVERSION v4 = { 4, COMP_EQUAL }, v5 = { 5, COMP_NOTLESS }, v6 = { 6, COMP_EQUAL };
    WSAVERSION bad = { 5, (WSAECOMPARATOR)9 };
    (void)state;

    assert_true(rnr_qs_version_matches(NULL, NULL));
    assert_true(rnr_qs_version_matches(NULL, &v4));
    assert_false(rnr_qs_version_matches(&eq5, NULL));
    assert_false(rnr_qs_version_matches(&nl5, NULL));

    assert_false(rnr_qs_version_matches(&eq5, &v4));
    assert_true(rnr_qs_version_matches(&eq5, &v5));   /* the result's ecHow is irrelevant */
    assert_false(rnr_qs_version_matches(&eq5, &v6));

    assert_false(rnr_qs_version_matches(&nl5, &v4));
    assert_true(rnr_qs_version_matches(&nl5, &v5));
    assert_true(rnr_qs_version_matches(&nl5, &v6));

    assert_false(rnr_qs_version_matches(&bad, &v5));
}

static void test_csaddr_matches(void **state)
{
    struct sockaddr_in sin;
    struct sockaddr_in6 sin6;
    CSADDR_INFO c4, c6, cl, cnone;
    AFPROTOCOLS tcp4 = { AF_INET, IPPROTO_TCP }, any4 = { AF_INET, 0 };
    AFPROTOCOLS udp6 = { AF_INET6, IPPROTO_UDP };
    AFPROTOCOLS both[2] = { { AF_INET6, IPPROTO_UDP }, { AF_INET, IPPROTO_TCP } };
    (void)state;

    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    memset(&sin6, 0, sizeof(sin6));
    sin6.sin6_family = AF_INET6;
    memset(&c4, 0, sizeof(c4));
    c4.RemoteAddr.lpSockaddr = (struct sockaddr *)&sin;
    c4.RemoteAddr.iSockaddrLength = sizeof(sin);
    c4.iProtocol = IPPROTO_TCP;
    memset(&c6, 0, sizeof(c6));
    c6.RemoteAddr.lpSockaddr = (struct sockaddr *)&sin6;
    c6.RemoteAddr.iSockaddrLength = sizeof(sin6);
    c6.iProtocol = 0;
    memset(&cl, 0, sizeof(cl));   /* local address only */
    cl.LocalAddr.lpSockaddr = (struct sockaddr *)&sin;
    cl.LocalAddr.iSockaddrLength = sizeof(sin);
    cl.iProtocol = IPPROTO_UDP;
    memset(&cnone, 0, sizeof(cnone));

    assert_true(rnr_qs_csaddr_matches(&c4, NULL, 0));
    assert_true(rnr_qs_csaddr_matches(&c4, &tcp4, 0));
    assert_true(rnr_qs_csaddr_matches(&c4, &tcp4, 1));
    assert_true(rnr_qs_csaddr_matches(&c4, &any4, 1));
    assert_false(rnr_qs_csaddr_matches(&c4, &udp6, 1));
    assert_true(rnr_qs_csaddr_matches(&c4, both, 2));

    /* Result protocol 0 matches any requested protocol of its family. */
    assert_true(rnr_qs_csaddr_matches(&c6, &udp6, 1));
    assert_false(rnr_qs_csaddr_matches(&c6, &tcp4, 1));
    assert_true(rnr_qs_csaddr_matches(&c6, both, 2));

    /* Family from the local address when there is no remote one. */
    assert_false(rnr_qs_csaddr_matches(&cl, &tcp4, 1));
    assert_true(rnr_qs_csaddr_matches(&cl, &any4, 1));

    /* No address at all has no family to match. */
    assert_false(rnr_qs_csaddr_matches(&cnone, &tcp4, 1));
    assert_true(rnr_qs_csaddr_matches(&cnone, &tcp4, 0));
}

static void test_wildcards(void **state)
{
    static const struct {
        const char *pat, *name;
        int match;
    } cases[] = {
        { "", "", 1 },
        { "", "a", 0 },
        { "*", "", 1 },
        { "*", "anything", 1 },
        { "?", "", 0 },
        { "?", "a", 1 },
        { "?", "ab", 0 },
        { "abc", "abc", 1 },
        { "abc", "ABC", 1 },
        { "AbC", "aBc", 1 },
        { "abc", "abcd", 0 },
        { "abcd", "abc", 0 },
        { "a*", "a", 1 },
        { "a*", "abc", 1 },
        { "a*", "bac", 0 },
        { "*c", "abc", 1 },
        { "*c", "abcd", 0 },
        { "a*c", "ac", 1 },
        { "a*c", "abbbc", 1 },
        { "a*c", "abbbcd", 0 },
        { "a*b*c", "aXbYc", 1 },
        { "a*b*c", "aXcYb", 0 },
        { "*.example.com", "www.EXAMPLE.com", 1 },
        { "*.example.com", "example.com", 0 },
        { "printer-??", "printer-12", 1 },
        { "printer-??", "printer-1", 0 },
        { "**a**", "bab", 1 },
        { "*?", "", 0 },
        { "*?", "x", 1 },
        { "?*?", "xy", 1 },
        { "a*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 0 },
        { "*aab", "aaaab", 1 },
        { "*ab*ab", "abxabyab", 1 },
        { "\xc3\xa9*", "\xc3\xa9t\xc3\xa9", 1 },   /* UTF-8 bytes compare as bytes */
        { "\xc3\x89", "\xc3\xa9", 0 },             /* no case folding beyond ASCII */
    };
    size_t i;
    (void)state;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (rnr_wildcard_match(cases[i].pat, cases[i].name) != cases[i].match)
            fail_msg("pattern \"%s\" name \"%s\": expected %d", cases[i].pat,
                     cases[i].name, cases[i].match);
    }
    assert_false(rnr_wildcard_match(NULL, "a"));
    assert_false(rnr_wildcard_match("a", NULL));
}

static void test_wildcard_no_blowup(void **state)
{
    char name[4001], pat[200];
    size_t i;
    (void)state;

    memset(name, 'a', sizeof(name) - 1);
    name[sizeof(name) - 1] = '\0';
    for (i = 0; i + 2 < sizeof(pat); i += 2) {
        pat[i] = 'a';
        pat[i + 1] = '*';
    }
    pat[i] = 'b';
    pat[i + 1] = '\0';
    /* Exponential backtracking would not finish; linear-ish does at once. */
    assert_false(rnr_wildcard_match(pat, name));
    pat[i] = '\0';
    assert_true(rnr_wildcard_match(pat, name));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flatten_many_shapes),
        cmocka_unit_test(test_flatten_empty_and_minimal),
        cmocka_unit_test(test_flatten_normalises),
        cmocka_unit_test(test_flatten_padding_zeroed),
        cmocka_unit_test(test_validate),
        cmocka_unit_test(test_mask),
        cmocka_unit_test(test_version_matches),
        cmocka_unit_test(test_csaddr_matches),
        cmocka_unit_test(test_wildcards),
        cmocka_unit_test(test_wildcard_no_blowup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
