/* SPDX-License-Identifier: MIT */
/*
 * The Winsock 1.1 getXbyY functions as WSALookupServiceBegin/Next/End
 * sequences (API reference, "Basic Approach for getxbyy"): a special
 * service class, LUP_RETURN_BLOB, a query constrained to one address
 * family, and the hostent / servent the provider placed in the blob
 * (offsets for pointers, nsp/blob.h) turned back into a structure with
 * real pointers in the thread's storage.
 */
#include "config.h"

#include <string.h>

#include "alloc.h"
#include "blob.h"
#include "getxbyy.h"

void rnr_xbyy_result_free(struct rnr_xbyy_result *r)
{
    if (r == NULL)
        return;
    rnr_free(r->heap);
    r->heap = NULL;
    r->qs = NULL;
}

/* The next result of h into r (the stack buffer when it fits). */
static int next_result(HANDLE h, struct rnr_xbyy_result *r)
{
    DWORD len = sizeof r->stack;
    void *p;
    int tries;

    rnr_free(r->heap);
    r->heap = NULL;
    if (WSALookupServiceNextA(h, 0, &len, &r->stack.qs) == 0) {
        r->qs = &r->stack.qs;
        return 0;
    }
    /* Too big: the record stays first in line and len is its size.  A
     * second try is enough unless the size lied; bound the loop anyway. */
    for (tries = 0; tries < 3; tries++) {
        int st = WSAGetLastError();

        if (st != WSAEFAULT)
            return st;
        p = rnr_malloc(len);
        if (p == NULL)
            return WSAENOBUFS;
        if (WSALookupServiceNextA(h, 0, &len, p) == 0) {
            r->heap = p;
            r->qs = p;
            return 0;
        }
        rnr_free(p);
    }
    return WSANO_RECOVERY;
}

void rnr_xbyy_qs_init(const struct rnr_xbyy_query *q, int stage,
                      WSAQUERYSETA *qs, GUID *cls, AFPROTOCOLS afp[2])
{
    *cls = *q->cls;
    memset(qs, 0, sizeof *qs);
    qs->dwSize = sizeof *qs;
    qs->lpszServiceInstanceName =
        (char *)(uintptr_t)(stage == 0 ? q->instance : q->fallback);
    qs->lpServiceClassId = cls;
    /* getaddrinfo's GetAddrInfoEx twin chooses the providers as
     * WSALookupServiceBegin does; the getXbyY functions ask them all. */
    qs->dwNameSpace = q->ns;
    qs->lpNSProviderId = (GUID *)(uintptr_t)q->provider;
    if (q->af != 0) {
        /* "The query is constrained to those NSPs that support AF_INET"
         * (or AF_INET6 for an IPv6 gethostbyaddr); protocol 0 = any. */
        afp[0].iAddressFamily = q->af;
        afp[0].iProtocol = 0;
        qs->dwNumberOfProtocols = 1;
        qs->lpafpProtocols = afp;
        if (q->af2 != 0) {
            afp[1].iAddressFamily = q->af2;
            afp[1].iProtocol = 0;
            qs->dwNumberOfProtocols = 2;
        }
    }
}

int rnr_xbyy_lookup(const struct rnr_xbyy_query *q, int stage,
                    struct rnr_xbyy_result *r)
{
    int saved = WSAGetLastError(), st, n;
    AFPROTOCOLS afp[2];
    WSAQUERYSETA qs;
    GUID cls;
    HANDLE h;

    r->qs = NULL;
    r->heap = NULL;
    rnr_xbyy_qs_init(q, stage, &qs, &cls, afp);
    if (WSALookupServiceBeginA(&qs, q->flags, &h) != 0)
        return WSAGetLastError();
    for (n = 0; n < RNR_XBYY_MAX_SKIPPED; n++) {
        st = next_result(h, r);
        if (st != 0 || q->accept == NULL || q->accept(r->qs, q->arg))
            break;
    }
    if (n == RNR_XBYY_MAX_SKIPPED)
        st = WSA_E_NO_MORE;
    WSALookupServiceEnd(h);
    if (st != 0) {
        rnr_xbyy_result_free(r);
        return st;
    }
    /* The WSAEFAULT retry (or End) may have recorded an error; a
     * successful call leaves the thread's last error alone. */
    WSASetLastError(saved);
    return 0;
}

int rnr_xbyy_blob_family(const WSAQUERYSETA *qs)
{
    int af;

    if (qs->lpBlob == NULL || qs->lpBlob->pBlobData == NULL ||
        qs->lpBlob->cbSize < sizeof(struct hostent))
        return -1;
    /* The blob header mirrors struct hostent (nsp/blob.c). */
    memcpy(&af, qs->lpBlob->pBlobData + offsetof(struct hostent, h_addrtype),
           sizeof af);
    return af;
}

int rnr_xbyy_unpack(const struct rnr_xbyy_query *q, const WSAQUERYSETA *qs,
                    void *buf, size_t buflen, size_t *needed)
{
    const BLOB *b = qs->lpBlob;

    if (b == NULL || b->pBlobData == NULL || b->cbSize == 0)
        return WSANO_RECOVERY;
    return q->unpack(b->pBlobData, b->cbSize, buf, buflen, needed);
}

int rnr_xbyy_outcome(const struct rnr_xbyy_query *q, int stage, int st)
{
    int nothing = st == WSASERVICE_NOT_FOUND || st == WSA_E_NO_MORE;

    if (stage == 1)
        return st == 0 ? WSANO_DATA : q->not_found;
    if (nothing && q->fallback != NULL)
        return RNR_XBYY_AGAIN;
    return st == 0 ? 0 : rnr_xbyy_status(st, q->not_found);
}

/* The structure into the thread's slot.  The unpacked structure is never
 * bigger than the blob plus a little alignment, so one allocation of that
 * size almost always suffices. */
static int unpack_tls(const struct rnr_xbyy_query *q, const WSAQUERYSETA *qs,
                      enum rnr_tls_slot slot, void **out)
{
    size_t cap, needed = 0;
    void *buf;
    int rc;

    if (qs->lpBlob == NULL)
        return WSANO_RECOVERY;
    buf = rnr_tls_buf(slot, qs->lpBlob->cbSize + 64, &cap);
    if (buf == NULL)
        return WSAENOBUFS;
    rc = rnr_xbyy_unpack(q, qs, buf, cap, &needed);
    if (rc == WSAEFAULT) {
        buf = rnr_tls_buf(slot, needed, &cap);
        if (buf == NULL)
            return WSAENOBUFS;
        rc = rnr_xbyy_unpack(q, qs, buf, cap, &needed);
    }
    if (rc != 0)
        return rc == WSAEFAULT ? WSANO_RECOVERY : rc;
    *out = buf;
    return 0;
}

int rnr_xbyy_run(const struct rnr_xbyy_query *q, enum rnr_tls_slot slot,
                 void **out)
{
    struct rnr_xbyy_result r;
    int stage, st;

    for (stage = 0;; stage = 1) {
        st = rnr_xbyy_outcome(q, stage, rnr_xbyy_lookup(q, stage, &r));
        if (st != 0)
            rnr_xbyy_result_free(&r);
        if (st != RNR_XBYY_AGAIN)
            break;
    }
    if (st != 0)
        return st;
    st = unpack_tls(q, r.qs, slot, out);
    rnr_xbyy_result_free(&r);
    return st;
}

int rnr_xbyy_status(int st, int not_found)
{
    switch (st) {
    case WSASERVICE_NOT_FOUND:   /* no provider for the class / family */
    case WSA_E_NO_MORE:          /* providers finished without a result */
    case WSAENOMORE:
        return not_found;
    case WSA_E_CANCELLED:        /* WSACleanup in another thread */
    case WSAECANCELLED:
        return WSAEINTR;
    case WSAHOST_NOT_FOUND:
    case WSATRY_AGAIN:
    case WSANO_RECOVERY:
    case WSANO_DATA:
    case WSANOTINITIALISED:
    case WSASYSNOTREADY:         /* rnrd not running: the design's clear error */
    case WSAENETDOWN:
    case WSAENOBUFS:
    case WSAEFAULT:
    case WSAEAFNOSUPPORT:
        return st;
    default:                     /* e.g. WSAEINVAL: nothing a retry fixes */
        return WSANO_RECOVERY;
    }
}
