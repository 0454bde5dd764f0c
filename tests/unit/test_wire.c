/* SPDX-License-Identifier: MIT */
/*
 * The wire codec (wire.h): exact byte layout, frames, round trips, and
 * hostile input: every truncation, every over-limit count and length,
 * random corruption and allocation failure, all without leaks (run under
 * valgrind).
 *
 * Linked with -Wl,--wrap for the rnr allocators so allocation failures
 * can be injected into the decoders.
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
#include "classinfo.h"
#include "queryset.h"
#include "wire.h"

/* ------------------------------------------------------------------ */
/* Allocation failure injection                                         */
/* ------------------------------------------------------------------ */
void *__real_rnr_malloc(size_t n);
void *__real_rnr_calloc(size_t nmemb, size_t size);
void *__real_rnr_realloc(void *p, size_t n);
void *__wrap_rnr_malloc(size_t n);
void *__wrap_rnr_calloc(size_t nmemb, size_t size);
void *__wrap_rnr_realloc(void *p, size_t n);

static long g_fail_at = -1;  /* fail the allocation with this index */
static long g_alloc_count;

static int alloc_should_fail(void)
{
    return g_fail_at >= 0 && g_alloc_count++ == g_fail_at;
}

void *__wrap_rnr_malloc(size_t n)
{
    return alloc_should_fail() ? NULL : __real_rnr_malloc(n);
}

void *__wrap_rnr_calloc(size_t nmemb, size_t size)
{
    return alloc_should_fail() ? NULL : __real_rnr_calloc(nmemb, size);
}

void *__wrap_rnr_realloc(void *p, size_t n)
{
    return alloc_should_fail() ? NULL : __real_rnr_realloc(p, n);
}

static void fail_alloc_at(long n)
{
    g_fail_at = n;
    g_alloc_count = 0;
}

/* ------------------------------------------------------------------ */
/* Sample data                                                          */
/* ------------------------------------------------------------------ */
static const GUID g_class = SVCID_INET_HOSTADDRBYNAME;
static const GUID g_prov = { 0x12345678, 0x9abc, 0xdef0, { 1, 2, 3, 4, 5, 6, 7, 8 } };

struct sample {
    WSAQUERYSETA       qs;
    GUID               cls, prov;
    WSAVERSION         ver;
    AFPROTOCOLS        afp[2];
    CSADDR_INFO        csa[3];
    struct sockaddr_in sin_l, sin_r;
    struct sockaddr_in6 sin6;
    struct sockaddr_un sun;
    BLOB               blob;
    uint8_t            blobdata[13];
    char               name[32], comment[32], context[8], query[16];
};

static void sample_init(struct sample *s)
{
    size_t i;

    memset(s, 0, sizeof(*s));
    s->cls = g_class;
    s->prov = g_prov;
    s->ver.dwVersion = 7;
    s->ver.ecHow = COMP_NOTLESS;
    s->afp[0].iAddressFamily = AF_INET;
    s->afp[0].iProtocol = IPPROTO_TCP;
    s->afp[1].iAddressFamily = AF_INET6;
    s->afp[1].iProtocol = -1;  /* negative INTs must survive the u32 */
    s->sin_l.sin_family = AF_INET;
    s->sin_l.sin_port = htons(1234);
    s->sin_l.sin_addr.s_addr = htonl(0x7f000001);
    s->sin_r.sin_family = AF_INET;
    s->sin_r.sin_port = htons(21);
    s->sin_r.sin_addr.s_addr = htonl(0xc0a80101);
    s->sin6.sin6_family = AF_INET6;
    s->sin6.sin6_port = htons(80);
    s->sin6.sin6_addr.s6_addr[15] = 1;
    s->sun.sun_family = AF_UNIX;
    strcpy(s->sun.sun_path, "/run/x");

    s->csa[0].LocalAddr.lpSockaddr = (struct sockaddr *)&s->sin_l;
    s->csa[0].LocalAddr.iSockaddrLength = sizeof(s->sin_l);
    s->csa[0].RemoteAddr.lpSockaddr = (struct sockaddr *)&s->sin_r;
    s->csa[0].RemoteAddr.iSockaddrLength = sizeof(s->sin_r);
    s->csa[0].iSocketType = SOCK_STREAM;
    s->csa[0].iProtocol = IPPROTO_TCP;
    s->csa[1].RemoteAddr.lpSockaddr = (struct sockaddr *)&s->sin6;
    s->csa[1].RemoteAddr.iSockaddrLength = sizeof(s->sin6);
    s->csa[1].iSocketType = SOCK_DGRAM;
    s->csa[1].iProtocol = IPPROTO_UDP;
    s->csa[2].RemoteAddr.lpSockaddr = (struct sockaddr *)&s->sun;
    s->csa[2].RemoteAddr.iSockaddrLength =
        (INT)(offsetof(struct sockaddr_un, sun_path) + strlen(s->sun.sun_path) + 1);
    s->csa[2].iSocketType = SOCK_STREAM;

    for (i = 0; i < sizeof(s->blobdata); i++)
        s->blobdata[i] = (uint8_t)(i * 17 + 3);
    s->blob.cbSize = sizeof(s->blobdata);
    s->blob.pBlobData = s->blobdata;

    strcpy(s->name, "www.example.com");
    strcpy(s->comment, "a comment");
    strcpy(s->context, "\\");
    strcpy(s->query, "ftp/tcp");

    s->qs.dwSize = sizeof(WSAQUERYSETA);
    s->qs.lpszServiceInstanceName = s->name;
    s->qs.lpServiceClassId = &s->cls;
    s->qs.lpVersion = &s->ver;
    s->qs.lpszComment = s->comment;
    s->qs.dwNameSpace = NS_DNS;
    s->qs.lpNSProviderId = &s->prov;
    s->qs.lpszContext = s->context;
    s->qs.dwNumberOfProtocols = 2;
    s->qs.lpafpProtocols = s->afp;
    s->qs.lpszQueryString = s->query;
    s->qs.dwNumberOfCsAddrs = 3;
    s->qs.lpcsaBuffer = s->csa;
    s->qs.dwOutputFlags = RESULT_IS_ALIAS;
    s->qs.lpBlob = &s->blob;
}

static void assert_str_eq_null(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        assert_ptr_equal(a, b);
    else
        assert_string_equal(a, b);
}

static void assert_inside(const void *p, const void *base, size_t size, size_t n)
{
    const uint8_t *q = p, *b = base;

    assert_non_null(p);
    assert_true(q >= b && q + n <= b + size);
}

static void assert_sa_eq(const SOCKET_ADDRESS *a, const SOCKET_ADDRESS *b,
                         const void *base, size_t size)
{
    if (b->lpSockaddr == NULL) {
        assert_null(a->lpSockaddr);
        assert_int_equal(a->iSockaddrLength, 0);
        return;
    }
    assert_int_equal(a->iSockaddrLength, b->iSockaddrLength);
    assert_inside(a->lpSockaddr, base, size, (size_t)a->iSockaddrLength);
    assert_memory_equal(a->lpSockaddr, b->lpSockaddr, (size_t)b->iSockaddrLength);
}

/* Deep comparison of a decoded flat query set with its source. */
static void assert_qs_eq(const WSAQUERYSETA *got, size_t size, const WSAQUERYSETA *want)
{
    DWORD i;

    assert_int_equal(got->dwSize, sizeof(WSAQUERYSETA));
    assert_str_eq_null(got->lpszServiceInstanceName, want->lpszServiceInstanceName);
    if (want->lpServiceClassId) {
        assert_inside(got->lpServiceClassId, got, size, sizeof(GUID));
        assert_memory_equal(got->lpServiceClassId, want->lpServiceClassId, sizeof(GUID));
    } else {
        assert_null(got->lpServiceClassId);
    }
    if (want->lpVersion) {
        assert_inside(got->lpVersion, got, size, sizeof(WSAVERSION));
        assert_int_equal(got->lpVersion->dwVersion, want->lpVersion->dwVersion);
        assert_int_equal(got->lpVersion->ecHow, want->lpVersion->ecHow);
    } else {
        assert_null(got->lpVersion);
    }
    assert_str_eq_null(got->lpszComment, want->lpszComment);
    assert_int_equal(got->dwNameSpace, want->dwNameSpace);
    if (want->lpNSProviderId) {
        assert_inside(got->lpNSProviderId, got, size, sizeof(GUID));
        assert_memory_equal(got->lpNSProviderId, want->lpNSProviderId, sizeof(GUID));
    } else {
        assert_null(got->lpNSProviderId);
    }
    assert_str_eq_null(got->lpszContext, want->lpszContext);
    assert_int_equal(got->dwNumberOfProtocols, want->dwNumberOfProtocols);
    if (want->dwNumberOfProtocols) {
        assert_inside(got->lpafpProtocols, got, size,
                      want->dwNumberOfProtocols * sizeof(AFPROTOCOLS));
        assert_memory_equal(got->lpafpProtocols, want->lpafpProtocols,
                            want->dwNumberOfProtocols * sizeof(AFPROTOCOLS));
    } else {
        assert_null(got->lpafpProtocols);
    }
    assert_str_eq_null(got->lpszQueryString, want->lpszQueryString);
    assert_int_equal(got->dwNumberOfCsAddrs, want->dwNumberOfCsAddrs);
    if (want->dwNumberOfCsAddrs)
        assert_inside(got->lpcsaBuffer, got, size,
                      want->dwNumberOfCsAddrs * sizeof(CSADDR_INFO));
    else
        assert_null(got->lpcsaBuffer);
    for (i = 0; i < want->dwNumberOfCsAddrs; i++) {
        assert_sa_eq(&got->lpcsaBuffer[i].LocalAddr, &want->lpcsaBuffer[i].LocalAddr, got, size);
        assert_sa_eq(&got->lpcsaBuffer[i].RemoteAddr, &want->lpcsaBuffer[i].RemoteAddr, got, size);
        assert_int_equal(got->lpcsaBuffer[i].iSocketType, want->lpcsaBuffer[i].iSocketType);
        assert_int_equal(got->lpcsaBuffer[i].iProtocol, want->lpcsaBuffer[i].iProtocol);
    }
    assert_int_equal(got->dwOutputFlags, want->dwOutputFlags);
    if (want->lpBlob) {
        assert_inside(got->lpBlob, got, size, sizeof(BLOB));
        assert_int_equal(got->lpBlob->cbSize, want->lpBlob->cbSize);
        if (want->lpBlob->cbSize) {
            assert_inside(got->lpBlob->pBlobData, got, size, want->lpBlob->cbSize);
            assert_memory_equal(got->lpBlob->pBlobData, want->lpBlob->pBlobData,
                                want->lpBlob->cbSize);
        } else {
            assert_null(got->lpBlob->pBlobData);
        }
    } else {
        assert_null(got->lpBlob);
    }
}

/* Encode qs as a bare body; returns a malloc'ed copy and its length. */
static uint8_t *encode_qs(const WSAQUERYSETA *qs, size_t *len)
{
    struct rnr_wbuf w;
    uint8_t *out;

    rnr_wbuf_init(&w);
    rnr_wire_put_queryset(&w, qs);
    assert_int_equal(w.error, 0);
    out = malloc(w.len ? w.len : 1);
    assert_non_null(out);
    memcpy(out, w.data, w.len);
    *len = w.len;
    rnr_wbuf_free(&w);
    return out;
}

/* ------------------------------------------------------------------ */
/* Primitives                                                           */
/* ------------------------------------------------------------------ */
static void test_put_primitives_little_endian(void **state)
{
    static const uint8_t want[] = {
        0xAB,
        0x34, 0x12,
        0x44, 0x33, 0x22, 0x11,
        3, 0, 0, 0, 'a', 'b', 'c',
        0xFF, 0xFF, 0xFF, 0xFF,
        0, 0, 0, 0,
        2, 0, 0, 0, 0xDE, 0xAD,
        0xFF, 0xFF, 0xFF, 0xFF,
        0x78, 0x56, 0x34, 0x12, 0xbc, 0x9a, 0xf0, 0xde, 1, 2, 3, 4, 5, 6, 7, 8,
        0,
        1, 0x78, 0x56, 0x34, 0x12, 0xbc, 0x9a, 0xf0, 0xde, 1, 2, 3, 4, 5, 6, 7, 8,
    };
    static const uint8_t dead[] = { 0xDE, 0xAD };
    struct rnr_wbuf w;
    (void)state;

    rnr_wbuf_init(&w);
    rnr_wire_put_u8(&w, 0xAB);
    rnr_wire_put_u16(&w, 0x1234);
    rnr_wire_put_u32(&w, 0x11223344);
    rnr_wire_put_string(&w, "abc");
    rnr_wire_put_string(&w, NULL);
    rnr_wire_put_string(&w, "");
    rnr_wire_put_bytes(&w, dead, 2, 0);
    rnr_wire_put_bytes(&w, NULL, 0, 1);
    rnr_wire_put_guid(&w, &g_prov);
    rnr_wire_put_optguid(&w, NULL);
    rnr_wire_put_optguid(&w, &g_prov);
    assert_int_equal(w.error, 0);
    assert_int_equal(w.len, sizeof(want));
    assert_memory_equal(w.data, want, sizeof(want));
    rnr_wbuf_free(&w);
    assert_null(w.data);
    rnr_wbuf_free(&w);  /* a zeroed wbuf is fine */
    rnr_wbuf_free(NULL);
}

static void test_get_primitives(void **state)
{
    static const uint8_t in[] = {
        0xAB, 0x34, 0x12, 0x44, 0x33, 0x22, 0x11,
        0x78, 0x56, 0x34, 0x12, 0xbc, 0x9a, 0xf0, 0xde, 1, 2, 3, 4, 5, 6, 7, 8,
        0, 1, 0x78, 0x56, 0x34, 0x12, 0xbc, 0x9a, 0xf0, 0xde, 1, 2, 3, 4, 5, 6, 7, 8,
    };
    struct rnr_rbuf r;
    uint8_t u8;
    uint16_t u16;
    uint32_t u32;
    GUID g, g2 = { 0 };
    int present = -1;
    (void)state;

    rnr_rbuf_init(&r, in, sizeof(in));
    assert_int_equal(rnr_wire_get_u8(&r, &u8), 0);
    assert_int_equal(u8, 0xAB);
    assert_int_equal(rnr_wire_get_u16(&r, &u16), 0);
    assert_int_equal(u16, 0x1234);
    assert_int_equal(rnr_wire_get_u32(&r, &u32), 0);
    assert_int_equal(u32, 0x11223344);
    assert_int_equal(rnr_wire_get_guid(&r, &g), 0);
    assert_memory_equal(&g, &g_prov, sizeof(GUID));
    memset(&g2, 0x5A, sizeof(g2));
    assert_int_equal(rnr_wire_get_optguid(&r, &g2, &present), 0);
    assert_int_equal(present, 0);
    assert_int_equal(g2.Data1, 0x5A5A5A5A);  /* untouched when absent */
    assert_int_equal(rnr_wire_get_optguid(&r, &g2, &present), 0);
    assert_int_equal(present, 1);
    assert_memory_equal(&g2, &g_prov, sizeof(GUID));
    assert_int_equal(rnr_rbuf_finish(&r), 0);

    /* Reading past the end fails, leaves the output alone, and sticks. */
    u32 = 99;
    assert_int_equal(rnr_wire_get_u32(&r, &u32), WSAEINVAL);
    assert_int_equal(u32, 99);
    assert_int_equal(r.error, WSAEINVAL);
    assert_int_equal(rnr_rbuf_finish(&r), WSAEINVAL);

    /* Sticky: after a failure even a readable u8 is refused. */
    rnr_rbuf_init(&r, in, 3);
    assert_int_equal(rnr_wire_get_u32(&r, &u32), WSAEINVAL);
    assert_int_equal(rnr_wire_get_u8(&r, &u8), WSAEINVAL);

    /* optguid tag other than 0/1 is malformed. */
    {
        static const uint8_t bad[] = { 2 };

        rnr_rbuf_init(&r, bad, sizeof(bad));
        present = 7;
        assert_int_equal(rnr_wire_get_optguid(&r, &g2, &present), WSAEINVAL);
        assert_int_equal(present, 7);
    }

    /* Trailing bytes are an error for finish. */
    rnr_rbuf_init(&r, in, 2);
    assert_int_equal(rnr_wire_get_u8(&r, &u8), 0);
    assert_int_equal(rnr_rbuf_finish(&r), WSAEINVAL);

    /* An empty body. */
    rnr_rbuf_init(&r, NULL, 0);
    assert_int_equal(rnr_rbuf_finish(&r), 0);
}

static void test_get_string(void **state)
{
    static const uint8_t ok[] = { 3, 0, 0, 0, 'a', 'b', 'c' };
    static const uint8_t nul[] = { 3, 0, 0, 0, 'a', 0, 'c' };
    static const uint8_t null_s[] = { 0xFF, 0xFF, 0xFF, 0xFF };
    static const uint8_t empty[] = { 0, 0, 0, 0 };
    static const uint8_t huge[] = { 0xFE, 0xFF, 0xFF, 0xFF, 'x' };
    struct rnr_rbuf r;
    char *s = (char *)"sentinel";
    (void)state;

    rnr_rbuf_init(&r, ok, sizeof(ok));
    assert_int_equal(rnr_wire_get_string(&r, 16, &s), 0);
    assert_string_equal(s, "abc");
    assert_int_equal(rnr_rbuf_finish(&r), 0);
    rnr_free(s);

    /* Exactly at the bound is fine; one over is not. */
    rnr_rbuf_init(&r, ok, sizeof(ok));
    assert_int_equal(rnr_wire_get_string(&r, 3, &s), 0);
    rnr_free(s);
    s = (char *)"sentinel";
    rnr_rbuf_init(&r, ok, sizeof(ok));
    assert_int_equal(rnr_wire_get_string(&r, 2, &s), WSAEINVAL);
    assert_string_equal(s, "sentinel");

    rnr_rbuf_init(&r, nul, sizeof(nul));
    assert_int_equal(rnr_wire_get_string(&r, 16, &s), WSAEINVAL);
    assert_string_equal(s, "sentinel");

    rnr_rbuf_init(&r, null_s, sizeof(null_s));
    assert_int_equal(rnr_wire_get_string(&r, 16, &s), 0);
    assert_null(s);

    rnr_rbuf_init(&r, empty, sizeof(empty));
    assert_int_equal(rnr_wire_get_string(&r, 16, &s), 0);
    assert_non_null(s);
    assert_string_equal(s, "");
    rnr_free(s);

    /* A length far beyond the data, with an unlimited bound. */
    s = (char *)"sentinel";
    rnr_rbuf_init(&r, huge, sizeof(huge));
    assert_int_equal(rnr_wire_get_string(&r, SIZE_MAX, &s), WSAEINVAL);
    assert_string_equal(s, "sentinel");
}

static void test_put_rejects(void **state)
{
    struct rnr_wbuf w;
    (void)state;

    /* The NULL marker cannot be used as a real length. */
    rnr_wbuf_init(&w);
    rnr_wire_put_bytes(&w, "x", 0xFFFFFFFFu, 0);
    assert_int_not_equal(w.error, 0);
    rnr_wire_put_u32(&w, 1);  /* ignored after the error */
    assert_int_equal(w.len, 0);
    rnr_wbuf_reset(&w);
    assert_int_equal(w.error, 0);

    rnr_wire_put_queryset(&w, NULL);
    assert_int_not_equal(w.error, 0);
    rnr_wbuf_reset(&w);
    rnr_wire_put_classinfo(&w, NULL);
    assert_int_not_equal(w.error, 0);
    rnr_wbuf_reset(&w);
    rnr_wire_put_nsinfo(&w, NULL);
    assert_int_not_equal(w.error, 0);
    rnr_wbuf_free(&w);
}

static void test_wbuf_consume(void **state)
{
    struct rnr_wbuf w;
    uint32_t i;
    (void)state;

    rnr_wbuf_init(&w);
    for (i = 0; i < 1000; i++)
        rnr_wire_put_u32(&w, i);
    assert_int_equal(w.len, 4000);
    rnr_wbuf_consume(&w, 6);
    assert_int_equal(w.len, 3994);
    assert_int_equal(w.data[0], 0);   /* high bytes of 1, then 2 */
    assert_int_equal(w.data[2], 2);
    rnr_wbuf_consume(&w, 5000);
    assert_int_equal(w.len, 0);
    rnr_wire_put_u8(&w, 9);
    assert_int_equal(w.len, 1);
    assert_int_equal(w.data[0], 9);
    rnr_wbuf_free(&w);
}

/* ------------------------------------------------------------------ */
/* Frames                                                               */
/* ------------------------------------------------------------------ */
static void test_frame_roundtrip(void **state)
{
    struct rnr_wbuf w;
    struct rnr_wire_hdr h;
    struct rnr_rbuf r;
    uint32_t v;
    (void)state;

    rnr_wbuf_init(&w);
    rnr_wire_frame_begin(&w, RNR_MSG_LOOKUP_BEGIN | RNR_MSG_REPLY, 0xA1B2C3D4u, WSANO_DATA);
    rnr_wire_put_u32(&w, 0xCAFEBABEu);
    rnr_wire_frame_end(&w, RNR_WIRE_MAX_FRAME);
    rnr_wire_frame_begin(&w, RNR_MSG_PING, 2, 0);
    rnr_wire_frame_end(&w, RNR_WIRE_MAX_FRAME);
    assert_int_equal(w.error, 0);
    assert_int_equal(w.len, 20 + 16);

    /* Exact header bytes of the first frame. */
    {
        static const uint8_t want[] = {
            20, 0, 0, 0, 1, 0, 0x81, 0, 0xD4, 0xC3, 0xB2, 0xA1, 0xFC, 0x2A, 0, 0,
            0xBE, 0xBA, 0xFE, 0xCA,
        };
        assert_memory_equal(w.data, want, sizeof(want));
    }

    assert_int_equal(rnr_wire_hdr_parse(w.data, RNR_WIRE_MAX_FRAME, &h), 0);
    assert_int_equal(h.length, 20);
    assert_int_equal(h.version, RNR_WIRE_VERSION);
    assert_int_equal(h.type, RNR_MSG_LOOKUP_BEGIN | RNR_MSG_REPLY);
    assert_int_equal(h.id, 0xA1B2C3D4u);
    assert_int_equal(h.status, WSANO_DATA);
    rnr_rbuf_init(&r, w.data + RNR_WIRE_HDR_LEN, h.length - RNR_WIRE_HDR_LEN);
    assert_int_equal(rnr_wire_get_u32(&r, &v), 0);
    assert_int_equal(v, 0xCAFEBABEu);
    assert_int_equal(rnr_rbuf_finish(&r), 0);

    assert_int_equal(rnr_wire_hdr_parse(w.data + 20, RNR_WIRE_MAX_FRAME, &h), 0);
    assert_int_equal(h.length, 16);
    assert_int_equal(h.type, RNR_MSG_PING);
    assert_int_equal(h.id, 2);
    rnr_wbuf_free(&w);
}

static void test_frame_end_over_max(void **state)
{
    struct rnr_wbuf w;
    struct rnr_wire_hdr h;
    uint8_t big[100];
    (void)state;

    memset(big, 7, sizeof(big));
    rnr_wbuf_init(&w);
    rnr_wire_frame_begin(&w, RNR_MSG_PING, 1, 0);
    rnr_wire_frame_end(&w, 64);
    assert_int_equal(w.error, 0);
    assert_int_equal(w.len, 16);

    rnr_wire_frame_begin(&w, RNR_MSG_LOOKUP_RESULT, 2, 0);
    rnr_wire_put_bytes(&w, big, sizeof(big), 0);
    rnr_wire_frame_end(&w, 64);
    assert_int_equal(w.error, WSAENOBUFS);
    /* The oversized frame is cut off; the earlier one is intact. */
    assert_int_equal(w.len, 16);
    assert_int_equal(rnr_wire_hdr_parse(w.data, 64, &h), 0);
    assert_int_equal(h.id, 1);

    /* An error raised between frames: the next frame's begin is skipped,
     * and its end must not cut into the complete frame before it. */
    rnr_wbuf_reset(&w);
    rnr_wire_frame_begin(&w, RNR_MSG_PING, 7, 0);
    rnr_wire_frame_end(&w, 64);
    rnr_wire_put_bytes(&w, big, 0xFFFFFFFFu, 0);   /* invalid: sets error */
    assert_int_not_equal(w.error, 0);
    rnr_wire_frame_begin(&w, RNR_MSG_PING, 8, 0);
    rnr_wire_frame_end(&w, 64);
    assert_int_equal(w.len, 16);
    assert_int_equal(rnr_wire_hdr_parse(w.data, 64, &h), 0);
    assert_int_equal(h.id, 7);
    /* Once the caller clears the error, framing carries on. */
    w.error = 0;
    rnr_wire_frame_begin(&w, RNR_MSG_PING, 9, 0);
    rnr_wire_frame_end(&w, 64);
    assert_int_equal(w.error, 0);
    assert_int_equal(w.len, 32);
    assert_int_equal(rnr_wire_hdr_parse(w.data + 16, 64, &h), 0);
    assert_int_equal(h.id, 9);

    /* Exactly at the limit is fine. */
    rnr_wbuf_reset(&w);
    rnr_wire_frame_begin(&w, RNR_MSG_LOOKUP_RESULT, 3, 0);
    rnr_wire_put_bytes(&w, big, 64 - 16 - 4, 0);
    rnr_wire_frame_end(&w, 64);
    assert_int_equal(w.error, 0);
    assert_int_equal(w.len, 64);
    rnr_wbuf_free(&w);
}

static void put_hdr(uint8_t *p, uint32_t len, uint16_t ver, uint16_t type)
{
    memset(p, 0, 16);
    p[0] = (uint8_t)len;
    p[1] = (uint8_t)(len >> 8);
    p[2] = (uint8_t)(len >> 16);
    p[3] = (uint8_t)(len >> 24);
    p[4] = (uint8_t)ver;
    p[5] = (uint8_t)(ver >> 8);
    p[6] = (uint8_t)type;
}

static void test_hdr_parse_rejects(void **state)
{
    uint8_t b[16];
    struct rnr_wire_hdr h;
    (void)state;

    memset(&h, 0x33, sizeof(h));
    put_hdr(b, 15, 1, 1);
    assert_int_equal(rnr_wire_hdr_parse(b, RNR_WIRE_MAX_FRAME, &h), WSAEINVAL);
    put_hdr(b, 0, 1, 1);
    assert_int_equal(rnr_wire_hdr_parse(b, RNR_WIRE_MAX_FRAME, &h), WSAEINVAL);
    put_hdr(b, RNR_WIRE_MAX_FRAME + 1, 1, 1);
    assert_int_equal(rnr_wire_hdr_parse(b, RNR_WIRE_MAX_FRAME, &h), WSAEINVAL);
    put_hdr(b, 0xFFFFFFFFu, 1, 1);
    assert_int_equal(rnr_wire_hdr_parse(b, RNR_WIRE_MAX_FRAME, &h), WSAEINVAL);
    put_hdr(b, 100, 1, 1);
    assert_int_equal(rnr_wire_hdr_parse(b, 99, &h), WSAEINVAL);
    put_hdr(b, 16, 2, 1);
    assert_int_equal(rnr_wire_hdr_parse(b, RNR_WIRE_MAX_FRAME, &h), WSAEINVAL);
    put_hdr(b, 16, 0x0100, 1);   /* big-endian 1 */
    assert_int_equal(rnr_wire_hdr_parse(b, RNR_WIRE_MAX_FRAME, &h), WSAEINVAL);
    assert_int_equal(h.length, 0x33333333u);  /* untouched on failure */

    put_hdr(b, 16, 1, 1);
    assert_int_equal(rnr_wire_hdr_parse(b, RNR_WIRE_MAX_FRAME, &h), 0);
    put_hdr(b, RNR_WIRE_MAX_FRAME, 1, 1);
    assert_int_equal(rnr_wire_hdr_parse(b, RNR_WIRE_MAX_FRAME, &h), 0);
    assert_int_equal(h.length, RNR_WIRE_MAX_FRAME);
}

/* ------------------------------------------------------------------ */
/* Query sets                                                           */
/* ------------------------------------------------------------------ */
static void roundtrip_qs(const WSAQUERYSETA *qs)
{
    uint8_t *enc;
    size_t len, size = 0;
    struct rnr_rbuf r;
    WSAQUERYSETA *got = NULL;

    enc = encode_qs(qs, &len);
    rnr_rbuf_init(&r, enc, len);
    assert_int_equal(rnr_wire_get_queryset(&r, &got, &size), 0);
    assert_int_equal(rnr_rbuf_finish(&r), 0);
    assert_non_null(got);
    assert_int_equal(size, rnr_qs_flat_size(got));
    assert_qs_eq(got, size, qs);
    assert_int_equal(rnr_qs_validate(got, 0), 0);
    rnr_free(got);
    free(enc);
}

static void test_qs_roundtrip_full(void **state)
{
    struct sample s;
    (void)state;

    sample_init(&s);
    roundtrip_qs(&s.qs);
}

static void test_qs_roundtrip_shapes(void **state)
{
    struct sample s;
    unsigned mask;
    (void)state;

    /* Every subset of the optional parts. */
    for (mask = 0; mask < (1u << 10); mask++) {
        sample_init(&s);
        if (mask & 1)   s.qs.lpszServiceInstanceName = NULL;
        if (mask & 2)   s.qs.lpServiceClassId = NULL;
        if (mask & 4)   s.qs.lpVersion = NULL;
        if (mask & 8)   s.qs.lpszComment = NULL;
        if (mask & 16)  s.qs.lpNSProviderId = NULL;
        if (mask & 32)  s.qs.lpszContext = NULL;
        if (mask & 64)  { s.qs.dwNumberOfProtocols = 0; s.qs.lpafpProtocols = NULL; }
        if (mask & 128) s.qs.lpszQueryString = NULL;
        if (mask & 256) { s.qs.dwNumberOfCsAddrs = 0; s.qs.lpcsaBuffer = NULL; }
        if (mask & 512) s.qs.lpBlob = NULL;
        roundtrip_qs(&s.qs);
    }

    /* Empty strings and an empty (non-NULL) blob. */
    sample_init(&s);
    s.name[0] = '\0';
    s.comment[0] = '\0';
    s.blob.cbSize = 0;
    s.blob.pBlobData = NULL;
    roundtrip_qs(&s.qs);
}

static void test_qs_golden_bytes(void **state)
{
    /* One small query set, byte for byte, so every implementation of the
     * protocol (doc/protocol.md) can check itself against it. */
    static const uint8_t want[] = {
        1, 0, 0, 0, 'a',                                   /* name */
        1, 0x00, 0xa8, 0x02, 0x00, 0, 0, 0, 0,             /* class */
        0xC0, 0, 0, 0, 0, 0, 0, 0x46,
        0,                                                  /* no version */
        0xFF, 0xFF, 0xFF, 0xFF,                             /* comment NULL */
        12, 0, 0, 0,                                        /* NS_DNS */
        0,                                                  /* no provider */
        0xFF, 0xFF, 0xFF, 0xFF,                             /* context NULL */
        1, 0, 0, 0, 2, 0, 0, 0, 6, 0, 0, 0,                 /* AF_INET/TCP */
        0xFF, 0xFF, 0xFF, 0xFF,                             /* query NULL */
        1, 0, 0, 0,                                         /* one csaddr */
        0, 0, 0, 0,                                         /* local NULL */
        16, 0, 0, 0, 2, 0, 0, 21, 10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0,
        1, 0, 0, 0, 6, 0, 0, 0,                             /* STREAM, TCP */
        1, 0, 0, 0,                                         /* outputflags */
        0xFF, 0xFF, 0xFF, 0xFF,                             /* blob NULL */
    };
    GUID cls = SVCID_HOSTNAME;
    AFPROTOCOLS afp = { AF_INET, IPPROTO_TCP };
    struct sockaddr_in sin;
    CSADDR_INFO ca;
    WSAQUERYSETA qs;
    uint8_t *enc;
    size_t len;
    (void)state;

    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_port = htons(21);
    sin.sin_addr.s_addr = htonl(0x0a000001);
    memset(&ca, 0, sizeof(ca));
    ca.RemoteAddr.lpSockaddr = (struct sockaddr *)&sin;
    ca.RemoteAddr.iSockaddrLength = sizeof(sin);
    ca.iSocketType = SOCK_STREAM;
    ca.iProtocol = IPPROTO_TCP;
    memset(&qs, 0, sizeof(qs));
    qs.dwSize = sizeof(qs);
    qs.lpszServiceInstanceName = (char *)"a";
    qs.lpServiceClassId = &cls;
    qs.dwNameSpace = NS_DNS;
    qs.dwNumberOfProtocols = 1;
    qs.lpafpProtocols = &afp;
    qs.dwNumberOfCsAddrs = 1;
    qs.lpcsaBuffer = &ca;
    qs.dwOutputFlags = 1;

    enc = encode_qs(&qs, &len);
    assert_int_equal(len, sizeof(want));
    assert_memory_equal(enc, want, sizeof(want));
    free(enc);
    roundtrip_qs(&qs);
}

static void test_qs_truncation_every_offset(void **state)
{
    struct sample s;
    uint8_t *enc, *copy;
    size_t len, cut;
    struct rnr_rbuf r;
    WSAQUERYSETA *sentinel = (WSAQUERYSETA *)&s, *got;
    size_t size;
    (void)state;

    sample_init(&s);
    enc = encode_qs(&s.qs, &len);
    for (cut = 0; cut < len; cut++) {
        /* A fresh exact-size copy so valgrind catches any overread. */
        copy = malloc(cut ? cut : 1);
        assert_non_null(copy);
        memcpy(copy, enc, cut);
        got = sentinel;
        size = 12345;
        rnr_rbuf_init(&r, copy, cut);
        assert_int_equal(rnr_wire_get_queryset(&r, &got, &size), WSAEINVAL);
        assert_ptr_equal(got, sentinel);
        assert_int_equal(size, 12345);
        assert_int_not_equal(rnr_rbuf_finish(&r), 0);
        free(copy);
    }

    /* One trailing byte: the query set decodes, finish refuses. */
    copy = malloc(len + 1);
    assert_non_null(copy);
    memcpy(copy, enc, len);
    copy[len] = 0;
    rnr_rbuf_init(&r, copy, len + 1);
    assert_int_equal(rnr_wire_get_queryset(&r, &got, NULL), 0);
    assert_int_equal(rnr_rbuf_finish(&r), WSAEINVAL);
    rnr_free(got);
    free(copy);
    free(enc);
}

/* Build a query set body by hand, with the counts and lengths given. */
struct qs_spec {
    uint32_t name_len;      /* 0xFFFFFFFF = NULL */
    uint8_t  hasver;
    uint32_t echow;
    uint32_t nproto;        /* written count */
    uint32_t nproto_real;   /* pairs actually written */
    uint32_t ncsaddr;
    uint32_t ncsaddr_real;
    uint32_t salen;         /* remote sockaddr length of each csaddr */
    uint16_t safamily;
    uint32_t blob_len;
    uint8_t  class_tag;
};

static void spec_default(struct qs_spec *p)
{
    memset(p, 0, sizeof(*p));
    p->name_len = 4;
    p->class_tag = 1;
    p->salen = sizeof(struct sockaddr_in);
    p->safamily = AF_INET;
    p->blob_len = 0xFFFFFFFFu;
}

static void put_fill(struct rnr_wbuf *w, uint8_t c, size_t n)
{
    while (n--)
        rnr_wire_put_u8(w, c);
}

static void spec_encode(const struct qs_spec *p, struct rnr_wbuf *w)
{
    uint32_t i;

    rnr_wire_put_u32(w, p->name_len);
    /* A length claiming more than the body holds gets only a few bytes. */
    if (p->name_len != 0xFFFFFFFFu)
        put_fill(w, 'n', p->name_len > 65536 ? 8 : p->name_len);
    rnr_wire_put_u8(w, p->class_tag);
    if (p->class_tag == 1)
        rnr_wire_put_guid(w, &g_class);
    rnr_wire_put_u8(w, p->hasver);
    if (p->hasver) {
        rnr_wire_put_u32(w, 1);
        rnr_wire_put_u32(w, p->echow);
    }
    rnr_wire_put_string(w, NULL);
    rnr_wire_put_u32(w, NS_ALL);
    rnr_wire_put_optguid(w, NULL);
    rnr_wire_put_string(w, NULL);
    rnr_wire_put_u32(w, p->nproto);
    for (i = 0; i < p->nproto_real; i++) {
        rnr_wire_put_u32(w, AF_INET);
        rnr_wire_put_u32(w, 0);
    }
    rnr_wire_put_string(w, NULL);
    rnr_wire_put_u32(w, p->ncsaddr);
    for (i = 0; i < p->ncsaddr_real; i++) {
        rnr_wire_put_u32(w, 0);
        rnr_wire_put_u32(w, p->salen);
        if (p->salen >= 2 && p->salen != 0xFFFFFFFFu) {
            rnr_wire_put_u8(w, (uint8_t)p->safamily);   /* host order sa_family */
            rnr_wire_put_u8(w, (uint8_t)(p->safamily >> 8));
            put_fill(w, 0, p->salen - 2);
        } else if (p->salen == 1) {
            put_fill(w, 0, 1);
        }
        rnr_wire_put_u32(w, SOCK_STREAM);
        rnr_wire_put_u32(w, 0);
    }
    rnr_wire_put_u32(w, 0);
    rnr_wire_put_u32(w, p->blob_len);
    if (p->blob_len != 0xFFFFFFFFu)
        put_fill(w, 0xB0, p->blob_len);
    assert_int_equal(w->error, 0);
}

static int spec_decode(const struct qs_spec *p)
{
    struct rnr_wbuf w;
    struct rnr_rbuf r;
    WSAQUERYSETA *got = NULL;
    int rc;

    rnr_wbuf_init(&w);
    spec_encode(p, &w);
    rnr_rbuf_init(&r, w.data, w.len);
    rc = rnr_wire_get_queryset(&r, &got, NULL);
    if (rc == 0) {
        assert_non_null(got);
        rc = rnr_rbuf_finish(&r);
        rnr_free(got);
    }
    rnr_wbuf_free(&w);
    return rc;
}

static void test_qs_limits(void **state)
{
    struct qs_spec p;
    (void)state;

    /* Host byte order for sa_family is only right on little-endian hosts
     * in spec_encode; the raw sockaddr is host-order by definition. */
    {
        uint16_t one = 1;
        if (*(uint8_t *)&one != 1)
            skip();
    }

    spec_default(&p);
    assert_int_equal(spec_decode(&p), 0);

    /* Strings. */
    spec_default(&p);
    p.name_len = RNR_QS_MAX_STRING;
    assert_int_equal(spec_decode(&p), 0);
    p.name_len = RNR_QS_MAX_STRING + 1;
    assert_int_equal(spec_decode(&p), WSAEINVAL);
    spec_default(&p);
    p.name_len = 0xFFFFFFFFu;
    assert_int_equal(spec_decode(&p), 0);
    spec_default(&p);
    p.name_len = 0xFFFFFFFEu;   /* claims far more than is there */
    assert_int_equal(spec_decode(&p), WSAEINVAL);

    /* Protocols. */
    spec_default(&p);
    p.nproto = p.nproto_real = RNR_QS_MAX_PROTOCOLS;
    assert_int_equal(spec_decode(&p), 0);
    p.nproto = p.nproto_real = RNR_QS_MAX_PROTOCOLS + 1;
    assert_int_equal(spec_decode(&p), WSAEINVAL);
    spec_default(&p);
    p.nproto = 0xFFFFFFFFu;
    p.nproto_real = 3;
    assert_int_equal(spec_decode(&p), WSAEINVAL);
    spec_default(&p);
    p.nproto = 40;              /* within bounds, data missing */
    p.nproto_real = 2;
    assert_int_equal(spec_decode(&p), WSAEINVAL);

    /* CSADDRs. */
    spec_default(&p);
    p.ncsaddr = p.ncsaddr_real = RNR_QS_MAX_CSADDRS;
    assert_int_equal(spec_decode(&p), 0);
    p.ncsaddr = p.ncsaddr_real = RNR_QS_MAX_CSADDRS + 1;
    assert_int_equal(spec_decode(&p), WSAEINVAL);
    spec_default(&p);
    p.ncsaddr = 0x7FFFFFFFu;
    p.ncsaddr_real = 1;
    assert_int_equal(spec_decode(&p), WSAEINVAL);

    /* Sockaddrs. */
    spec_default(&p);
    p.ncsaddr = p.ncsaddr_real = 1;
    p.salen = RNR_QS_MAX_SOCKADDR;
    assert_int_equal(spec_decode(&p), 0);
    p.salen = RNR_QS_MAX_SOCKADDR + 1;
    assert_int_equal(spec_decode(&p), WSAEINVAL);
    p.salen = 1;
    assert_int_equal(spec_decode(&p), WSAEINVAL);
    p.salen = 8;                /* AF_INET needs 16 */
    assert_int_equal(spec_decode(&p), WSAEINVAL);
    p.salen = 0;                /* NULL */
    assert_int_equal(spec_decode(&p), 0);
    p.salen = 0xFFFFFFFFu;      /* NULL marker is accepted too */
    assert_int_equal(spec_decode(&p), 0);
    p.safamily = AF_INET6;
    p.salen = sizeof(struct sockaddr_in);
    assert_int_equal(spec_decode(&p), WSAEINVAL);
    p.salen = sizeof(struct sockaddr_in6);
    assert_int_equal(spec_decode(&p), 0);

    /* Blob. */
    spec_default(&p);
    p.blob_len = RNR_QS_MAX_BLOB;
    assert_int_equal(spec_decode(&p), 0);
    p.blob_len = RNR_QS_MAX_BLOB + 1;
    assert_int_equal(spec_decode(&p), WSAEINVAL);
    p.blob_len = 0;
    assert_int_equal(spec_decode(&p), 0);

    /* Version and tags. */
    spec_default(&p);
    p.hasver = 1;
    p.echow = COMP_NOTLESS;
    assert_int_equal(spec_decode(&p), 0);
    p.echow = 2;
    assert_int_equal(spec_decode(&p), WSAEINVAL);
    spec_default(&p);
    p.hasver = 2;
    assert_int_equal(spec_decode(&p), WSAEINVAL);
    spec_default(&p);
    p.class_tag = 0;            /* no class is fine on the wire */
    assert_int_equal(spec_decode(&p), 0);
    p.class_tag = 3;
    assert_int_equal(spec_decode(&p), WSAEINVAL);
}

static void test_qs_string_with_nul_rejected(void **state)
{
    struct sample s;
    uint8_t *enc;
    size_t len;
    struct rnr_rbuf r;
    WSAQUERYSETA *got = NULL;
    (void)state;

    sample_init(&s);
    enc = encode_qs(&s.qs, &len);
    /* The name's bytes start right after its u32 length. */
    enc[4 + 3] = 0;
    rnr_rbuf_init(&r, enc, len);
    assert_int_equal(rnr_wire_get_queryset(&r, &got, NULL), WSAEINVAL);
    assert_null(got);
    free(enc);
}

/* Random corruption of a valid encoding: must never crash or leak, and
 * whatever decodes must be a valid, re-encodable query set. */
static void test_qs_random_corruption(void **state)
{
    struct sample s;
    uint8_t *enc, *copy;
    size_t len, k;
    unsigned seed = 12345, iter;
    (void)state;

    sample_init(&s);
    enc = encode_qs(&s.qs, &len);
    copy = malloc(len);
    assert_non_null(copy);
    for (iter = 0; iter < 20000; iter++) {
        struct rnr_rbuf r;
        WSAQUERYSETA *got = NULL;
        size_t size = 0, flips;

        memcpy(copy, enc, len);
        flips = 1 + rand_r(&seed) % 4;
        for (k = 0; k < flips; k++)
            copy[(size_t)rand_r(&seed) % len] = (uint8_t)rand_r(&seed);
        rnr_rbuf_init(&r, copy, len);
        if (rnr_wire_get_queryset(&r, &got, &size) == 0) {
            struct rnr_wbuf w;

            assert_int_equal(rnr_qs_validate(got, 0), 0);
            assert_int_equal(size, rnr_qs_flat_size(got));
            rnr_wbuf_init(&w);
            rnr_wire_put_queryset(&w, got);
            assert_int_equal(w.error, 0);
            rnr_wbuf_free(&w);
            rnr_free(got);
        }
    }
    free(copy);
    free(enc);
}

static void test_qs_alloc_failures(void **state)
{
    struct sample s;
    uint8_t *enc;
    size_t len;
    long n;
    int ok = 0;
    (void)state;

    sample_init(&s);
    enc = encode_qs(&s.qs, &len);
    for (n = 0; n < 64 && !ok; n++) {
        struct rnr_rbuf r;
        WSAQUERYSETA *got = (WSAQUERYSETA *)&s;
        int rc;

        fail_alloc_at(n);
        rnr_rbuf_init(&r, enc, len);
        rc = rnr_wire_get_queryset(&r, &got, NULL);
        fail_alloc_at(-1);
        if (rc == 0) {
            ok = 1;  /* no allocation left to fail */
            assert_qs_eq(got, rnr_qs_flat_size(got), &s.qs);
            rnr_free(got);
        } else {
            assert_int_equal(rc, WSAENOBUFS);
            assert_ptr_equal(got, (WSAQUERYSETA *)&s);
        }
    }
    assert_true(ok);
    assert_true(n > 4);  /* the decoder did allocate along the way */
    free(enc);
}

static void test_wbuf_alloc_failure(void **state)
{
    struct rnr_wbuf w;
    struct sample s;
    (void)state;

    sample_init(&s);
    rnr_wbuf_init(&w);
    fail_alloc_at(0);
    rnr_wire_frame_begin(&w, RNR_MSG_LOOKUP_RESULT, 1, 0);
    rnr_wire_put_queryset(&w, &s.qs);
    rnr_wire_frame_end(&w, RNR_WIRE_MAX_FRAME);
    fail_alloc_at(-1);
    assert_int_equal(w.error, WSAENOBUFS);
    assert_int_equal(w.len, 0);
    rnr_wbuf_reset(&w);
    rnr_wire_put_u32(&w, 5);
    assert_int_equal(w.error, 0);
    assert_int_equal(w.len, 4);
    rnr_wbuf_free(&w);
}

/* ------------------------------------------------------------------ */
/* Class info                                                           */
/* ------------------------------------------------------------------ */
struct csample {
    WSASERVICECLASSINFOA ci;
    GUID                 id;
    WSANSCLASSINFOA      e[4];
    DWORD                port;
    char                 sz[8];
    uint8_t              bin[5];
};

static void csample_init(struct csample *c)
{
    memset(c, 0, sizeof(*c));
    c->id = (GUID)SVCID_TCP(21);
    c->port = 21;
    strcpy(c->sz, "hello");
    memcpy(c->bin, "\x01\x02\x00\x04\x05", 5);
    c->e[0].lpszName = (char *)SERVICE_TYPE_VALUE_TCPPORT;
    c->e[0].dwNameSpace = NS_DNS;
    c->e[0].dwValueType = REG_DWORD;
    c->e[0].dwValueSize = sizeof(DWORD);
    c->e[0].lpValue = &c->port;
    c->e[1].lpszName = (char *)"Greeting";
    c->e[1].dwNameSpace = NS_ALL;
    c->e[1].dwValueType = REG_SZ;
    c->e[1].dwValueSize = 6;
    c->e[1].lpValue = c->sz;
    c->e[2].lpszName = (char *)"Raw";
    c->e[2].dwNameSpace = NS_SAP;
    c->e[2].dwValueType = REG_BINARY;
    c->e[2].dwValueSize = 5;
    c->e[2].lpValue = c->bin;
    c->e[3].lpszName = (char *)"Nothing";
    c->e[3].dwNameSpace = NS_NDS;
    c->e[3].dwValueType = REG_NONE;
    c->ci.lpServiceClassId = &c->id;
    c->ci.lpszServiceClassName = (char *)"FTP";
    c->ci.dwCount = 4;
    c->ci.lpClassInfos = c->e;
}

static uint8_t *encode_ci(const WSASERVICECLASSINFOA *ci, size_t *len)
{
    struct rnr_wbuf w;
    uint8_t *out;

    rnr_wbuf_init(&w);
    rnr_wire_put_classinfo(&w, ci);
    assert_int_equal(w.error, 0);
    out = malloc(w.len);
    assert_non_null(out);
    memcpy(out, w.data, w.len);
    *len = w.len;
    rnr_wbuf_free(&w);
    return out;
}

static void test_ci_roundtrip(void **state)
{
    struct csample c;
    uint8_t *enc;
    size_t len, size = 0;
    unsigned n;
    (void)state;

    for (n = 0; n <= 4; n++) {
        struct rnr_rbuf r;
        WSASERVICECLASSINFOA *got = NULL;
        DWORD i;

        csample_init(&c);
        c.ci.dwCount = n;
        if (n == 0)
            c.ci.lpClassInfos = NULL;
        if (n == 2)
            c.ci.lpszServiceClassName = NULL;
        enc = encode_ci(&c.ci, &len);
        rnr_rbuf_init(&r, enc, len);
        assert_int_equal(rnr_wire_get_classinfo(&r, &got, &size), 0);
        assert_int_equal(rnr_rbuf_finish(&r), 0);
        assert_int_equal(size, rnr_class_flat_size(got));
        assert_true(rnr_class_equal(got, &c.ci));
        assert_inside(got->lpServiceClassId, got, size, sizeof(GUID));
        for (i = 0; i < got->dwCount; i++) {
            assert_inside(got->lpClassInfos[i].lpszName, got, size, 1);
            if (got->lpClassInfos[i].dwValueSize)
                assert_inside(got->lpClassInfos[i].lpValue, got, size,
                              got->lpClassInfos[i].dwValueSize);
            else
                assert_null(got->lpClassInfos[i].lpValue);
        }
        rnr_free(got);
        free(enc);
    }
}

static void test_ci_truncation_every_offset(void **state)
{
    struct csample c;
    uint8_t *enc, *copy;
    size_t len, cut;
    (void)state;

    csample_init(&c);
    enc = encode_ci(&c.ci, &len);
    for (cut = 0; cut < len; cut++) {
        struct rnr_rbuf r;
        WSASERVICECLASSINFOA *got = (WSASERVICECLASSINFOA *)&c;
        size_t size = 777;

        copy = malloc(cut ? cut : 1);
        assert_non_null(copy);
        memcpy(copy, enc, cut);
        rnr_rbuf_init(&r, copy, cut);
        assert_int_equal(rnr_wire_get_classinfo(&r, &got, &size), WSAEINVAL);
        assert_ptr_equal(got, (WSASERVICECLASSINFOA *)&c);
        assert_int_equal(size, 777);
        free(copy);
    }
    free(enc);
}

static int ci_decode_raw(struct rnr_wbuf *w)
{
    struct rnr_rbuf r;
    WSASERVICECLASSINFOA *got = NULL;
    int rc;

    assert_int_equal(w->error, 0);
    rnr_rbuf_init(&r, w->data, w->len);
    rc = rnr_wire_get_classinfo(&r, &got, NULL);
    if (rc == 0)
        rc = rnr_rbuf_finish(&r);
    rnr_free(got);
    rnr_wbuf_reset(w);
    return rc;
}

static void ci_put_head(struct rnr_wbuf *w, int with_id, uint32_t name_len, uint32_t n)
{
    if (with_id)
        rnr_wire_put_optguid(w, &g_class);
    else
        rnr_wire_put_optguid(w, NULL);
    rnr_wire_put_u32(w, name_len);
    put_fill(w, 'c', name_len);
    rnr_wire_put_u32(w, n);
}

static void ci_put_entry(struct rnr_wbuf *w, uint32_t name_len, uint32_t type,
                         uint32_t vlen, uint8_t fill)
{
    rnr_wire_put_u32(w, name_len);
    put_fill(w, 'e', name_len);
    rnr_wire_put_u32(w, NS_ALL);
    rnr_wire_put_u32(w, type);
    rnr_wire_put_u32(w, vlen);
    if (vlen != 0xFFFFFFFFu)
        put_fill(w, fill, vlen);
}

static void test_ci_limits(void **state)
{
    struct rnr_wbuf w;
    uint32_t i;
    (void)state;

    rnr_wbuf_init(&w);

    ci_put_head(&w, 1, 3, 0);
    assert_int_equal(ci_decode_raw(&w), 0);
    ci_put_head(&w, 0, 3, 0);                       /* class id required */
    assert_int_equal(ci_decode_raw(&w), WSAEINVAL);
    ci_put_head(&w, 1, RNR_CLASS_MAX_NAME, 0);
    assert_int_equal(ci_decode_raw(&w), 0);
    ci_put_head(&w, 1, RNR_CLASS_MAX_NAME + 1, 0);
    assert_int_equal(ci_decode_raw(&w), WSAEINVAL);

    ci_put_head(&w, 1, 1, RNR_CLASS_MAX_ENTRIES);
    for (i = 0; i < RNR_CLASS_MAX_ENTRIES; i++)
        ci_put_entry(&w, 2, REG_BINARY, 1, 1);
    assert_int_equal(ci_decode_raw(&w), 0);
    ci_put_head(&w, 1, 1, RNR_CLASS_MAX_ENTRIES + 1);
    for (i = 0; i < RNR_CLASS_MAX_ENTRIES + 1; i++)
        ci_put_entry(&w, 2, REG_BINARY, 1, 1);
    assert_int_equal(ci_decode_raw(&w), WSAEINVAL);
    ci_put_head(&w, 1, 1, 0xFFFFFFFFu);
    ci_put_entry(&w, 2, REG_BINARY, 1, 1);
    assert_int_equal(ci_decode_raw(&w), WSAEINVAL);
    ci_put_head(&w, 1, 1, 200);                     /* entries missing */
    ci_put_entry(&w, 2, REG_BINARY, 1, 1);
    assert_int_equal(ci_decode_raw(&w), WSAEINVAL);

    ci_put_head(&w, 1, 1, 1);
    ci_put_entry(&w, 2, REG_BINARY, RNR_CLASS_MAX_VALUE, 1);
    assert_int_equal(ci_decode_raw(&w), 0);
    ci_put_head(&w, 1, 1, 1);
    ci_put_entry(&w, 2, REG_BINARY, RNR_CLASS_MAX_VALUE + 1, 1);
    assert_int_equal(ci_decode_raw(&w), WSAEINVAL);
    ci_put_head(&w, 1, 1, 1);
    ci_put_entry(&w, RNR_CLASS_MAX_NAME + 1, REG_BINARY, 1, 1);
    assert_int_equal(ci_decode_raw(&w), WSAEINVAL);
    ci_put_head(&w, 1, 1, 1);
    ci_put_entry(&w, 2, REG_DWORD, 3, 1);
    assert_int_equal(ci_decode_raw(&w), WSAEINVAL);
    ci_put_head(&w, 1, 1, 1);
    ci_put_entry(&w, 2, REG_DWORD, 4, 1);
    assert_int_equal(ci_decode_raw(&w), 0);
    ci_put_head(&w, 1, 1, 1);
    ci_put_entry(&w, 2, REG_SZ, 4, 'x');            /* no NUL */
    assert_int_equal(ci_decode_raw(&w), WSAEINVAL);
    ci_put_head(&w, 1, 1, 1);
    ci_put_entry(&w, 2, REG_SZ, 4, 0);
    assert_int_equal(ci_decode_raw(&w), 0);
    ci_put_head(&w, 1, 1, 1);
    ci_put_entry(&w, 2, REG_NONE, 0xFFFFFFFFu, 0);  /* NULL value */
    assert_int_equal(ci_decode_raw(&w), 0);

    rnr_wbuf_free(&w);
}

static void test_ci_alloc_failures(void **state)
{
    struct csample c;
    uint8_t *enc;
    size_t len;
    long n;
    int ok = 0;
    (void)state;

    csample_init(&c);
    enc = encode_ci(&c.ci, &len);
    for (n = 0; n < 64 && !ok; n++) {
        struct rnr_rbuf r;
        WSASERVICECLASSINFOA *got = NULL;
        int rc;

        fail_alloc_at(n);
        rnr_rbuf_init(&r, enc, len);
        rc = rnr_wire_get_classinfo(&r, &got, NULL);
        fail_alloc_at(-1);
        if (rc == 0) {
            ok = 1;
            assert_true(rnr_class_equal(got, &c.ci));
            rnr_free(got);
        } else {
            assert_int_equal(rc, WSAENOBUFS);
            assert_null(got);
        }
    }
    assert_true(ok);
    free(enc);
}

static void test_ci_random_corruption(void **state)
{
    struct csample c;
    uint8_t *enc, *copy;
    size_t len, k;
    unsigned seed = 777, iter;
    (void)state;

    csample_init(&c);
    enc = encode_ci(&c.ci, &len);
    copy = malloc(len);
    assert_non_null(copy);
    for (iter = 0; iter < 20000; iter++) {
        struct rnr_rbuf r;
        WSASERVICECLASSINFOA *got = NULL;

        memcpy(copy, enc, len);
        for (k = 0; k < 1 + (size_t)rand_r(&seed) % 3; k++)
            copy[(size_t)rand_r(&seed) % len] = (uint8_t)rand_r(&seed);
        rnr_rbuf_init(&r, copy, len);
        if (rnr_wire_get_classinfo(&r, &got, NULL) == 0) {
            assert_int_equal(rnr_class_validate(got), 0);
            rnr_free(got);
        }
    }
    free(copy);
    free(enc);
}

/* ------------------------------------------------------------------ */
/* Name-space info                                                      */
/* ------------------------------------------------------------------ */
static void test_nsinfo_roundtrip(void **state)
{
    WSANAMESPACE_INFOA in, out;
    struct rnr_wbuf w;
    struct rnr_rbuf r;
    static const uint8_t want_tail[] = {
        11, 0, 0, 0, 1, 0, 0, 0, 3, 0, 0, 0, 5, 0, 0, 0, 'h', 'o', 's', 't', 's',
    };
    size_t cut;
    (void)state;

    memset(&in, 0, sizeof(in));
    in.NSProviderId = g_prov;
    in.dwNameSpace = NS_TCPIP_HOSTS;
    in.fActive = TRUE;
    in.dwVersion = 3;
    in.lpszIdentifier = (char *)"hosts";

    rnr_wbuf_init(&w);
    rnr_wire_put_nsinfo(&w, &in);
    assert_int_equal(w.error, 0);
    assert_int_equal(w.len, 16 + sizeof(want_tail));
    assert_memory_equal(w.data + 16, want_tail, sizeof(want_tail));

    rnr_rbuf_init(&r, w.data, w.len);
    assert_int_equal(rnr_wire_get_nsinfo(&r, &out), 0);
    assert_int_equal(rnr_rbuf_finish(&r), 0);
    assert_memory_equal(&out.NSProviderId, &g_prov, sizeof(GUID));
    assert_int_equal(out.dwNameSpace, NS_TCPIP_HOSTS);
    assert_int_equal(out.fActive, 1);
    assert_int_equal(out.dwVersion, 3);
    assert_string_equal(out.lpszIdentifier, "hosts");
    rnr_free(out.lpszIdentifier);

    for (cut = 0; cut < w.len; cut++) {
        memset(&out, 0x5C, sizeof(out));
        rnr_rbuf_init(&r, w.data, cut);
        assert_int_equal(rnr_wire_get_nsinfo(&r, &out), WSAEINVAL);
        assert_int_equal(out.dwNameSpace, 0x5C5C5C5Cu);
    }

    /* Any non-zero BOOL is sent as 1; 2 on the wire is malformed. */
    rnr_wbuf_reset(&w);
    in.fActive = 42;
    in.lpszIdentifier = NULL;
    rnr_wire_put_nsinfo(&w, &in);
    rnr_rbuf_init(&r, w.data, w.len);
    assert_int_equal(rnr_wire_get_nsinfo(&r, &out), 0);
    assert_int_equal(out.fActive, 1);
    assert_null(out.lpszIdentifier);
    w.data[16 + 4] = 2;
    rnr_rbuf_init(&r, w.data, w.len);
    assert_int_equal(rnr_wire_get_nsinfo(&r, &out), WSAEINVAL);
    rnr_wbuf_free(&w);
}

/* A whole ENUM_PROVIDERS reply frame, as the daemon builds it and the
 * library takes it apart. */
static void test_enum_reply_frame(void **state)
{
    WSANAMESPACE_INFOA ns[3];
    struct rnr_wbuf w;
    struct rnr_wire_hdr h;
    struct rnr_rbuf r;
    uint32_t n, i;
    static const char *names[3] = { "hosts", "local", "dns" };
    (void)state;

    rnr_wbuf_init(&w);
    rnr_wire_frame_begin(&w, RNR_MSG_ENUM_PROVIDERS | RNR_MSG_REPLY, 9, 0);
    rnr_wire_put_u32(&w, 3);
    for (i = 0; i < 3; i++) {
        memset(&ns[i], 0, sizeof(ns[i]));
        ns[i].NSProviderId = g_prov;
        ns[i].NSProviderId.Data1 = i;
        ns[i].dwNameSpace = NS_TCPIP_LOCAL + i;
        ns[i].fActive = (BOOL)(i != 1);
        ns[i].lpszIdentifier = (char *)names[i];
        rnr_wire_put_nsinfo(&w, &ns[i]);
    }
    rnr_wire_frame_end(&w, RNR_WIRE_MAX_FRAME);
    assert_int_equal(w.error, 0);

    assert_int_equal(rnr_wire_hdr_parse(w.data, RNR_WIRE_MAX_FRAME, &h), 0);
    assert_int_equal(h.length, w.len);
    rnr_rbuf_init(&r, w.data + RNR_WIRE_HDR_LEN, h.length - RNR_WIRE_HDR_LEN);
    assert_int_equal(rnr_wire_get_u32(&r, &n), 0);
    assert_int_equal(n, 3);
    for (i = 0; i < n; i++) {
        WSANAMESPACE_INFOA o;

        assert_int_equal(rnr_wire_get_nsinfo(&r, &o), 0);
        assert_int_equal(o.NSProviderId.Data1, i);
        assert_int_equal(o.dwNameSpace, NS_TCPIP_LOCAL + i);
        assert_int_equal(o.fActive, i != 1);
        assert_string_equal(o.lpszIdentifier, names[i]);
        rnr_free(o.lpszIdentifier);
    }
    assert_int_equal(rnr_rbuf_finish(&r), 0);
    rnr_wbuf_free(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_put_primitives_little_endian),
        cmocka_unit_test(test_get_primitives),
        cmocka_unit_test(test_get_string),
        cmocka_unit_test(test_put_rejects),
        cmocka_unit_test(test_wbuf_consume),
        cmocka_unit_test(test_frame_roundtrip),
        cmocka_unit_test(test_frame_end_over_max),
        cmocka_unit_test(test_hdr_parse_rejects),
        cmocka_unit_test(test_qs_roundtrip_full),
        cmocka_unit_test(test_qs_roundtrip_shapes),
        cmocka_unit_test(test_qs_golden_bytes),
        cmocka_unit_test(test_qs_truncation_every_offset),
        cmocka_unit_test(test_qs_limits),
        cmocka_unit_test(test_qs_string_with_nul_rejected),
        cmocka_unit_test(test_qs_random_corruption),
        cmocka_unit_test(test_qs_alloc_failures),
        cmocka_unit_test(test_wbuf_alloc_failure),
        cmocka_unit_test(test_ci_roundtrip),
        cmocka_unit_test(test_ci_truncation_every_offset),
        cmocka_unit_test(test_ci_limits),
        cmocka_unit_test(test_ci_alloc_failures),
        cmocka_unit_test(test_ci_random_corruption),
        cmocka_unit_test(test_nsinfo_roundtrip),
        cmocka_unit_test(test_enum_reply_frame),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
