/* SPDX-License-Identifier: MIT */
/*
 * Query set data model: validation, exact-size flattening, filters.
 *
 * flat_size and flatten share one layout routine (qs_layout) that runs
 * either in measure mode (no buffer) or fill mode, so the size reported
 * to a caller can never disagree with the bytes actually written.
 */
#include "config.h"

#include "queryset.h"
#include "alloc.h"
#include "layout.h"

#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>

static void lay_sockaddr(struct rnr_layout *l, SOCKET_ADDRESS *dst, const SOCKET_ADDRESS *src)
{
    dst->lpSockaddr = NULL;
    dst->iSockaddrLength = 0;
    if (src->lpSockaddr == NULL || src->iSockaddrLength <= 0)
        return;
    dst->lpSockaddr = rnr_layout_copy(l, src->lpSockaddr, (size_t)src->iSockaddrLength);
    dst->iSockaddrLength = src->iSockaddrLength;
}

/* Lays out qs; in fill mode (l->base != NULL) the caller has zeroed the
 * region and the header is written last from `out`. */
static void qs_layout(struct rnr_layout *l, const WSAQUERYSETA *qs)
{
    WSAQUERYSETA out;
    DWORD i;

    memset(&out, 0, sizeof(out));
    (void)rnr_layout_take(l, sizeof(WSAQUERYSETA));

    out.dwSize = sizeof(WSAQUERYSETA);
    out.dwNameSpace = qs->dwNameSpace;
    out.dwOutputFlags = qs->dwOutputFlags;

    out.lpszServiceInstanceName = rnr_layout_str(l, qs->lpszServiceInstanceName);
    if (qs->lpServiceClassId != NULL)
        out.lpServiceClassId = rnr_layout_copy(l, qs->lpServiceClassId, sizeof(GUID));
    if (qs->lpVersion != NULL)
        out.lpVersion = rnr_layout_copy(l, qs->lpVersion, sizeof(WSAVERSION));
    out.lpszComment = rnr_layout_str(l, qs->lpszComment);
    if (qs->lpNSProviderId != NULL)
        out.lpNSProviderId = rnr_layout_copy(l, qs->lpNSProviderId, sizeof(GUID));
    out.lpszContext = rnr_layout_str(l, qs->lpszContext);

    if (qs->dwNumberOfProtocols > 0 && qs->lpafpProtocols != NULL) {
        out.lpafpProtocols = rnr_layout_take_n(l, qs->dwNumberOfProtocols, sizeof(AFPROTOCOLS));
        if (out.lpafpProtocols != NULL)
            memcpy(out.lpafpProtocols, qs->lpafpProtocols,
                   (size_t)qs->dwNumberOfProtocols * sizeof(AFPROTOCOLS));
        out.dwNumberOfProtocols = qs->dwNumberOfProtocols;
    }

    out.lpszQueryString = rnr_layout_str(l, qs->lpszQueryString);

    if (qs->dwNumberOfCsAddrs > 0 && qs->lpcsaBuffer != NULL) {
        CSADDR_INFO *ca = rnr_layout_take_n(l, qs->dwNumberOfCsAddrs, sizeof(CSADDR_INFO));

        for (i = 0; i < qs->dwNumberOfCsAddrs && !l->overflow; i++) {
            const CSADDR_INFO *s = &qs->lpcsaBuffer[i];
            CSADDR_INFO d;

            d.iSocketType = s->iSocketType;
            d.iProtocol = s->iProtocol;
            lay_sockaddr(l, &d.LocalAddr, &s->LocalAddr);
            lay_sockaddr(l, &d.RemoteAddr, &s->RemoteAddr);
            if (ca != NULL)
                ca[i] = d;
        }
        out.lpcsaBuffer = ca;
        out.dwNumberOfCsAddrs = qs->dwNumberOfCsAddrs;
    }

    if (qs->lpBlob != NULL) {
        BLOB *b = rnr_layout_take(l, sizeof(BLOB));
        BLOB d = { 0, NULL };

        if (qs->lpBlob->cbSize > 0 && qs->lpBlob->pBlobData != NULL) {
            d.cbSize = qs->lpBlob->cbSize;
            d.pBlobData = rnr_layout_copy(l, qs->lpBlob->pBlobData, qs->lpBlob->cbSize);
        }
        if (b != NULL)
            *b = d;
        out.lpBlob = b;
    }

    if (l->base != NULL)
        memcpy(l->base, &out, sizeof(out));
}

size_t rnr_qs_flat_size(const WSAQUERYSETA *qs)
{
    struct rnr_layout l = { NULL, 0, 0 };

    if (qs == NULL)
        return 0;
    qs_layout(&l, qs);
    return rnr_layout_size(&l);
}

/* Lays qs out into buf, `need` (its flat size) bytes. */
static size_t qs_fill(const WSAQUERYSETA *qs, void *buf, size_t need)
{
    struct rnr_layout l = { NULL, 0, 0 };

    /* Zero first so padding never carries stale bytes to a peer. */
    memset(buf, 0, need);
    l.base = buf;
    qs_layout(&l, qs);
    return l.off;
}

size_t rnr_qs_flatten(const WSAQUERYSETA *qs, void *buf, size_t len)
{
    size_t need;

    if (qs == NULL || buf == NULL)
        return 0;
    need = rnr_qs_flat_size(qs);
    if (need == SIZE_MAX || len < need)
        return 0;
    return qs_fill(qs, buf, need);
}

WSAQUERYSETA *rnr_qs_dup(const WSAQUERYSETA *qs, size_t *size_out)
{
    size_t need;
    void *p;

    if (qs == NULL)
        return NULL;
    need = rnr_qs_flat_size(qs);
    if (need == SIZE_MAX)
        return NULL;
    p = rnr_malloc(need);
    if (p == NULL)
        return NULL;
    /* The size is known: one layout pass, not two more. */
    if (qs_fill(qs, p, need) != need) {
        rnr_free(p);
        return NULL;
    }
    if (size_out != NULL)
        *size_out = need;
    return p;
}

static int str_ok(const char *s)
{
    return s == NULL || strnlen(s, RNR_QS_MAX_STRING + 1) <= RNR_QS_MAX_STRING;
}

static int sockaddr_ok(const SOCKET_ADDRESS *sa)
{
    sa_family_t fam;
    size_t len;

    /* NULL is "no address"; flatten normalises its length to 0. */
    if (sa->lpSockaddr == NULL)
        return 1;
    if (sa->iSockaddrLength < (INT)sizeof(sa_family_t) ||
        (size_t)sa->iSockaddrLength > RNR_QS_MAX_SOCKADDR)
        return 0;
    len = (size_t)sa->iSockaddrLength;
    /* memcpy: a sockaddr handed in by an application (or pointing into
     * a wire buffer) need not be aligned. */
    memcpy(&fam, (const uint8_t *)sa->lpSockaddr + offsetof(struct sockaddr, sa_family),
           sizeof(fam));
    if (fam == AF_INET && len < sizeof(struct sockaddr_in))
        return 0;
    if (fam == AF_INET6 && len < sizeof(struct sockaddr_in6))
        return 0;
    return 1;
}

int rnr_qs_validate(const WSAQUERYSETA *qs, int need_class)
{
    DWORD i;

    if (qs == NULL)
        return WSAEFAULT;
    if (qs->dwSize != sizeof(WSAQUERYSETA))
        return WSAEINVAL;
    if (need_class && qs->lpServiceClassId == NULL)
        return WSAEINVAL;
    if (!str_ok(qs->lpszServiceInstanceName) || !str_ok(qs->lpszComment) ||
        !str_ok(qs->lpszContext) || !str_ok(qs->lpszQueryString))
        return WSAEINVAL;
    if (qs->lpVersion != NULL &&
        qs->lpVersion->ecHow != COMP_EQUAL && qs->lpVersion->ecHow != COMP_NOTLESS)
        return WSAEINVAL;

    if (qs->dwNumberOfProtocols > RNR_QS_MAX_PROTOCOLS)
        return WSAEINVAL;
    if (qs->dwNumberOfProtocols > 0 && qs->lpafpProtocols == NULL)
        return WSAEINVAL;

    if (qs->dwNumberOfCsAddrs > RNR_QS_MAX_CSADDRS)
        return WSAEINVAL;
    if (qs->dwNumberOfCsAddrs > 0 && qs->lpcsaBuffer == NULL)
        return WSAEINVAL;
    for (i = 0; i < qs->dwNumberOfCsAddrs; i++) {
        if (!sockaddr_ok(&qs->lpcsaBuffer[i].LocalAddr) ||
            !sockaddr_ok(&qs->lpcsaBuffer[i].RemoteAddr))
            return WSAEINVAL;
    }

    if (qs->lpBlob != NULL) {
        if (qs->lpBlob->cbSize > RNR_QS_MAX_BLOB)
            return WSAEINVAL;
        if (qs->lpBlob->cbSize > 0 && qs->lpBlob->pBlobData == NULL)
            return WSAEINVAL;
    }
    return 0;
}

void rnr_qs_mask(WSAQUERYSETA *view, const WSAQUERYSETA *src, DWORD lup_flags)
{
    *view = *src;

    view->dwNumberOfProtocols = 0;
    view->lpafpProtocols = NULL;
    if (!(lup_flags & LUP_RETURN_NAME))
        view->lpszServiceInstanceName = NULL;
    if (!(lup_flags & LUP_RETURN_TYPE))
        view->lpServiceClassId = NULL;
    if (!(lup_flags & LUP_RETURN_VERSION))
        view->lpVersion = NULL;
    if (!(lup_flags & LUP_RETURN_COMMENT))
        view->lpszComment = NULL;
    if (!(lup_flags & LUP_RETURN_ADDR)) {
        view->dwNumberOfCsAddrs = 0;
        view->lpcsaBuffer = NULL;
    }
    if (!(lup_flags & LUP_RETURN_BLOB))
        view->lpBlob = NULL;
    if (!(lup_flags & LUP_RETURN_QUERY_STRING))
        view->lpszQueryString = NULL;
}

int rnr_qs_version_matches(const WSAVERSION *want, const WSAVERSION *have)
{
    if (want == NULL)
        return 1;
    if (have == NULL)
        return 0;
    switch (want->ecHow) {
    case COMP_EQUAL:
        return have->dwVersion == want->dwVersion;
    case COMP_NOTLESS:
        return have->dwVersion >= want->dwVersion;
    default:
        return 0;
    }
}

static int sockaddr_family(const SOCKET_ADDRESS *sa, int *fam)
{
    sa_family_t f;

    if (sa->lpSockaddr == NULL || sa->iSockaddrLength < (INT)sizeof(sa_family_t))
        return 0;
    memcpy(&f, (const uint8_t *)sa->lpSockaddr + offsetof(struct sockaddr, sa_family),
           sizeof(f));
    *fam = f;
    return 1;
}

int rnr_qs_csaddr_matches(const CSADDR_INFO *ca, const AFPROTOCOLS *afp, DWORD n)
{
    int fam = AF_UNSPEC;
    DWORD i;

    if (n == 0 || afp == NULL)
        return 1;
    if (ca == NULL)
        return 0;
    /* The remote address is what a client connects to; fall back to the
     * local one for entries that only carry a bind address. */
    if (!sockaddr_family(&ca->RemoteAddr, &fam))
        (void)sockaddr_family(&ca->LocalAddr, &fam);
    for (i = 0; i < n; i++) {
        if (afp[i].iAddressFamily != fam)
            continue;
        if (afp[i].iProtocol == 0 || ca->iProtocol == 0 ||
            afp[i].iProtocol == ca->iProtocol)
            return 1;
    }
    return 0;
}

static unsigned char ascii_lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c - 'A' + 'a') : c;
}

int rnr_wildcard_match(const char *pattern, const char *name)
{
    const unsigned char *p, *n, *star_p = NULL, *star_n = NULL;

    if (pattern == NULL || name == NULL)
        return 0;
    p = (const unsigned char *)pattern;
    n = (const unsigned char *)name;
    /* Greedy with one backtrack point: linear in practice, never
     * exponential however many '*' the pattern holds. */
    while (*n != '\0') {
        if (*p == '*') {
            while (*p == '*')
                p++;
            if (*p == '\0')
                return 1;
            star_p = p;
            star_n = n;
        } else if (*p == '?' || (*p != '\0' && ascii_lower(*p) == ascii_lower(*n))) {
            p++;
            n++;
        } else if (star_p != NULL) {
            p = star_p;
            n = ++star_n;
        } else {
            return 0;
        }
    }
    while (*p == '*')
        p++;
    return *p == '\0';
}
