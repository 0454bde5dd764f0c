/* SPDX-License-Identifier: MIT */
/*
 * A <-> W structure conversion (wconv.h).  Going out, one routine runs
 * twice over a layout cursor, measuring then filling, so the size reported
 * with WSAEFAULT is exactly what the fill uses (layout.h).
 */
#include "config.h"

#include <string.h>

#include "alloc.h"
#include "classinfo.h"
#include "layout.h"
#include "queryset.h"
#include "utf16.h"
#include "wconv.h"

/* ------------------------------------------------------------------ */
/* W -> A                                                               */
/* ------------------------------------------------------------------ */

/* The converted strings of one structure, freed together. */
struct wc_strings {
    char  *s[8];
    size_t n;
};

static void wc_strings_free(struct wc_strings *ws)
{
    size_t i;

    for (i = 0; i < ws->n; i++)
        rnr_free(ws->s[i]);
    ws->n = 0;
}

/* *out = w converted (NULL for NULL), remembered in ws. */
static int wc_in(struct wc_strings *ws, const WCHAR *w, char **out)
{
    char *s = NULL;
    int rc;

    if ((rc = rnr_utf16_to_utf8_dup(w, &s)) != 0)
        return rc;
    if (s != NULL)
        ws->s[ws->n++] = s;
    *out = s;
    return 0;
}

int rnr_qs_w_to_a(const WSAQUERYSETW *qs, WSAQUERYSETA **out)
{
    struct wc_strings ws = { .n = 0 };
    WSAQUERYSETA a, *flat;
    int rc;

    if (qs == NULL)
        return WSAEFAULT;
    memset(&a, 0, sizeof(a));
    a.dwSize = qs->dwSize;
    a.lpServiceClassId = qs->lpServiceClassId;
    a.lpVersion = qs->lpVersion;
    a.dwNameSpace = qs->dwNameSpace;
    a.lpNSProviderId = qs->lpNSProviderId;
    a.dwNumberOfProtocols = qs->dwNumberOfProtocols;
    a.lpafpProtocols = qs->lpafpProtocols;
    a.dwNumberOfCsAddrs = qs->dwNumberOfCsAddrs;
    a.lpcsaBuffer = qs->lpcsaBuffer;
    a.dwOutputFlags = qs->dwOutputFlags;
    a.lpBlob = qs->lpBlob;
    if ((rc = wc_in(&ws, qs->lpszServiceInstanceName, &a.lpszServiceInstanceName)) != 0 ||
        (rc = wc_in(&ws, qs->lpszComment, &a.lpszComment)) != 0 ||
        (rc = wc_in(&ws, qs->lpszContext, &a.lpszContext)) != 0 ||
        (rc = wc_in(&ws, qs->lpszQueryString, &a.lpszQueryString)) != 0)
        goto done;
    /* Validated before the copy, which trusts the counts and lengths:
     * what the A function would refuse is refused here with the same
     * code, before anything is read past the caller's arrays.  The class
     * is left to the A function, which knows whether it needs one. */
    if ((rc = rnr_qs_validate(&a, 0)) != 0)
        goto done;
    if ((flat = rnr_qs_dup(&a, NULL)) == NULL) {
        rc = WSA_NOT_ENOUGH_MEMORY;
        goto done;
    }
    flat->dwSize = qs->dwSize;
    *out = flat;
done:
    wc_strings_free(&ws);
    return rc;
}

int rnr_class_w_to_a(const WSASERVICECLASSINFOW *ci, WSASERVICECLASSINFOA **out)
{
    struct wc_strings ws = { .n = 0 };
    WSASERVICECLASSINFOA a, *flat;
    WSANSCLASSINFOA *v = NULL;
    char **names = NULL;
    DWORD i;
    int rc = 0;

    if (ci == NULL)
        return WSAEFAULT;
    /* Beyond the A bounds the A validation refuses it anyway; checking
     * first keeps the allocation below bounded. */
    if (ci->dwCount > RNR_CLASS_MAX_ENTRIES || (ci->dwCount > 0 && ci->lpClassInfos == NULL))
        return WSAEINVAL;
    memset(&a, 0, sizeof(a));
    a.lpServiceClassId = ci->lpServiceClassId;
    a.dwCount = ci->dwCount;
    if ((rc = wc_in(&ws, ci->lpszServiceClassName, &a.lpszServiceClassName)) != 0)
        goto done;
    if (ci->dwCount > 0) {
        v = rnr_calloc(ci->dwCount, sizeof(*v));
        names = rnr_calloc(ci->dwCount, sizeof(*names));
        if (v == NULL || names == NULL) {
            rc = WSA_NOT_ENOUGH_MEMORY;
            goto done;
        }
        for (i = 0; i < ci->dwCount; i++) {
            const WSANSCLASSINFOW *e = &ci->lpClassInfos[i];

            if ((rc = rnr_utf16_to_utf8_dup(e->lpszName, &names[i])) != 0)
                goto done;
            v[i].lpszName = names[i];
            v[i].dwNameSpace = e->dwNameSpace;
            v[i].dwValueType = e->dwValueType;
            v[i].dwValueSize = e->dwValueSize;
            v[i].lpValue = e->lpValue;
        }
        a.lpClassInfos = v;
    }
    /* As for query sets: the A validation first, so the copy never reads
     * past what the caller gave. */
    if ((rc = rnr_class_validate(&a)) != 0)
        goto done;
    if ((flat = rnr_class_dup(&a, NULL)) == NULL) {
        rc = WSA_NOT_ENOUGH_MEMORY;
        goto done;
    }
    *out = flat;
done:
    for (i = 0; names != NULL && i < ci->dwCount; i++)
        rnr_free(names[i]);
    rnr_free(names);
    rnr_free(v);
    wc_strings_free(&ws);
    return rc;
}

/* ------------------------------------------------------------------ */
/* A -> W                                                               */
/* ------------------------------------------------------------------ */

/* s as UTF-16 at the cursor; NULL stays NULL.  Invalid UTF-8 sets *bad. */
static WCHAR *lay_wstr(struct rnr_layout *l, const char *s, int *bad)
{
    size_t need = 0;
    WCHAR *d;
    int rc;

    if (s == NULL)
        return NULL;
    rc = rnr_utf8_to_utf16(s, NULL, 0, &need);
    if (rc == WSAEINVAL) {
        *bad = 1;
        return NULL;
    }
    d = rnr_layout_take_n(l, need, sizeof(WCHAR));
    if (d != NULL)
        (void)rnr_utf8_to_utf16(s, d, need, &need);
    return d;
}

static void lay_qs(struct rnr_layout *l, const void *src, int *bad)
{
    const WSAQUERYSETA *a = src;
    WSAQUERYSETW *w = rnr_layout_take(l, sizeof(*w));
    WSAQUERYSETW tmp;
    DWORD i;

    if (w == NULL)
        w = &tmp;           /* measuring: written and thrown away */
    memset(w, 0, sizeof(*w));
    w->dwSize = sizeof(WSAQUERYSETW);
    w->dwNameSpace = a->dwNameSpace;
    w->dwOutputFlags = a->dwOutputFlags;
    w->lpszServiceInstanceName = lay_wstr(l, a->lpszServiceInstanceName, bad);
    if (a->lpServiceClassId != NULL)
        w->lpServiceClassId = rnr_layout_copy(l, a->lpServiceClassId, sizeof(GUID));
    if (a->lpVersion != NULL)
        w->lpVersion = rnr_layout_copy(l, a->lpVersion, sizeof(WSAVERSION));
    w->lpszComment = lay_wstr(l, a->lpszComment, bad);
    if (a->lpNSProviderId != NULL)
        w->lpNSProviderId = rnr_layout_copy(l, a->lpNSProviderId, sizeof(GUID));
    w->lpszContext = lay_wstr(l, a->lpszContext, bad);
    if (a->dwNumberOfProtocols > 0 && a->lpafpProtocols != NULL) {
        w->dwNumberOfProtocols = a->dwNumberOfProtocols;
        w->lpafpProtocols = rnr_layout_copy(l, a->lpafpProtocols,
                                            a->dwNumberOfProtocols * sizeof(AFPROTOCOLS));
    }
    w->lpszQueryString = lay_wstr(l, a->lpszQueryString, bad);
    if (a->dwNumberOfCsAddrs > 0 && a->lpcsaBuffer != NULL) {
        CSADDR_INFO *cs = rnr_layout_copy(l, a->lpcsaBuffer,
                                          a->dwNumberOfCsAddrs * sizeof(CSADDR_INFO));

        w->dwNumberOfCsAddrs = a->dwNumberOfCsAddrs;
        w->lpcsaBuffer = cs;
        for (i = 0; i < a->dwNumberOfCsAddrs; i++) {
            const CSADDR_INFO *s = &a->lpcsaBuffer[i];
            void *la = NULL, *ra = NULL;

            if (s->LocalAddr.lpSockaddr != NULL && s->LocalAddr.iSockaddrLength > 0)
                la = rnr_layout_copy(l, s->LocalAddr.lpSockaddr,
                                     (size_t)s->LocalAddr.iSockaddrLength);
            if (s->RemoteAddr.lpSockaddr != NULL && s->RemoteAddr.iSockaddrLength > 0)
                ra = rnr_layout_copy(l, s->RemoteAddr.lpSockaddr,
                                     (size_t)s->RemoteAddr.iSockaddrLength);
            if (cs != NULL) {
                cs[i].LocalAddr.lpSockaddr = s->LocalAddr.lpSockaddr != NULL ? la : NULL;
                cs[i].RemoteAddr.lpSockaddr = s->RemoteAddr.lpSockaddr != NULL ? ra : NULL;
            }
        }
    }
    if (a->lpBlob != NULL) {
        BLOB *b = rnr_layout_take(l, sizeof(BLOB));
        BYTE *data = NULL;

        if (a->lpBlob->cbSize > 0 && a->lpBlob->pBlobData != NULL)
            data = rnr_layout_copy(l, a->lpBlob->pBlobData, a->lpBlob->cbSize);
        if (b != NULL) {
            b->cbSize = data != NULL ? a->lpBlob->cbSize : 0;
            b->pBlobData = data;
        }
        w->lpBlob = b;
    }
}

typedef void lay_fn(struct rnr_layout *l, const void *src, int *bad);

/* Run lay to measure, check *lenp, run it again into buf. */
static int lay_out(lay_fn *lay, const void *src, void *buf, DWORD *lenp)
{
    struct rnr_layout l = { NULL, 0, 0 };
    size_t need;
    int bad = 0;

    lay(&l, src, &bad);
    if (bad)
        return WSAEINVAL;
    need = rnr_layout_size(&l);
    if (need > 0xFFFFFFFFu)
        return WSAENOBUFS;
    if (buf == NULL || *lenp < need) {
        *lenp = (DWORD)need;
        return WSAEFAULT;
    }
    l.base = buf;
    l.off = 0;
    lay(&l, src, &bad);
    *lenp = (DWORD)need;
    return 0;
}

int rnr_qs_a_to_w(const WSAQUERYSETA *qs, WSAQUERYSETW *buf, DWORD *lenp)
{
    if (qs == NULL || lenp == NULL)
        return WSAEFAULT;
    return lay_out(lay_qs, qs, buf, lenp);
}

static void lay_class(struct rnr_layout *l, const void *src, int *bad)
{
    const WSASERVICECLASSINFOA *a = src;
    WSASERVICECLASSINFOW *w = rnr_layout_take(l, sizeof(*w));
    WSASERVICECLASSINFOW tmp;
    WSANSCLASSINFOW *v = NULL;
    DWORD i;

    if (w == NULL)
        w = &tmp;
    memset(w, 0, sizeof(*w));
    if (a->lpServiceClassId != NULL)
        w->lpServiceClassId = rnr_layout_copy(l, a->lpServiceClassId, sizeof(GUID));
    w->lpszServiceClassName = lay_wstr(l, a->lpszServiceClassName, bad);
    if (a->dwCount == 0 || a->lpClassInfos == NULL)
        return;
    w->dwCount = a->dwCount;
    w->lpClassInfos = v = rnr_layout_take_n(l, a->dwCount, sizeof(WSANSCLASSINFOW));
    for (i = 0; i < a->dwCount; i++) {
        const WSANSCLASSINFOA *e = &a->lpClassInfos[i];
        WCHAR *name = lay_wstr(l, e->lpszName, bad);
        void *val = NULL;

        if (e->lpValue != NULL && e->dwValueSize > 0)
            val = rnr_layout_copy(l, e->lpValue, e->dwValueSize);
        if (v != NULL) {
            v[i].lpszName = name;
            v[i].dwNameSpace = e->dwNameSpace;
            v[i].dwValueType = e->dwValueType;
            v[i].dwValueSize = e->dwValueSize;
            v[i].lpValue = val;
        }
    }
}

int rnr_class_a_to_w(const WSASERVICECLASSINFOA *ci, WSASERVICECLASSINFOW *buf,
                     DWORD *lenp)
{
    if (ci == NULL || lenp == NULL)
        return WSAEFAULT;
    return lay_out(lay_class, ci, buf, lenp);
}

int rnr_wstr_out(const char *s, WCHAR *out, DWORD *lenp)
{
    size_t need = 0;
    int rc;

    rc = rnr_utf8_to_utf16(s, out, out != NULL ? *lenp : 0, &need);
    if (rc == WSAEINVAL)
        return rc;
    if (need > 0xFFFFFFFFu)
        return WSAENOBUFS;
    *lenp = (DWORD)need;
    return rc;
}
