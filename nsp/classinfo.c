/* SPDX-License-Identifier: MIT */
/*
 * Service class information: validation, exact-size flattening, copies.
 *
 * As in queryset.c, measuring and filling run through the same layout
 * routine so that the two can never disagree.
 */
#include "config.h"

#include "classinfo.h"
#include "alloc.h"
#include "layout.h"
#include "guid.h"

#include <stdint.h>
#include <string.h>

/* `keep` selects entries (NULL keeps all): used for the per-name-space
 * copy without building a temporary array. */
static void ci_layout(struct rnr_layout *l, const WSASERVICECLASSINFOA *ci,
                      int (*keep)(const WSANSCLASSINFOA *, DWORD), DWORD ns)
{
    WSASERVICECLASSINFOA out;
    WSANSCLASSINFOA *arr = NULL;
    DWORD i, n = 0;

    memset(&out, 0, sizeof(out));
    (void)rnr_layout_take(l, sizeof(WSASERVICECLASSINFOA));

    if (ci->lpServiceClassId != NULL)
        out.lpServiceClassId = rnr_layout_copy(l, ci->lpServiceClassId, sizeof(GUID));
    out.lpszServiceClassName = rnr_layout_str(l, ci->lpszServiceClassName);

    if (ci->lpClassInfos != NULL) {
        for (i = 0; i < ci->dwCount; i++)
            if (keep == NULL || keep(&ci->lpClassInfos[i], ns))
                n++;
    }
    if (n > 0) {
        DWORD k = 0;

        arr = rnr_layout_take_n(l, n, sizeof(WSANSCLASSINFOA));
        for (i = 0; i < ci->dwCount && !l->overflow; i++) {
            const WSANSCLASSINFOA *s = &ci->lpClassInfos[i];
            WSANSCLASSINFOA d;

            if (keep != NULL && !keep(s, ns))
                continue;
            d.lpszName = rnr_layout_str(l, s->lpszName);
            d.dwNameSpace = s->dwNameSpace;
            d.dwValueType = s->dwValueType;
            d.dwValueSize = 0;
            d.lpValue = NULL;
            if (s->dwValueSize > 0 && s->lpValue != NULL) {
                d.dwValueSize = s->dwValueSize;
                d.lpValue = rnr_layout_copy(l, s->lpValue, s->dwValueSize);
            }
            if (arr != NULL)
                arr[k] = d;
            k++;
        }
    }
    out.dwCount = n;
    out.lpClassInfos = arr;

    if (l->base != NULL)
        memcpy(l->base, &out, sizeof(out));
}

static size_t ci_measure(const WSASERVICECLASSINFOA *ci,
                         int (*keep)(const WSANSCLASSINFOA *, DWORD), DWORD ns)
{
    struct rnr_layout l = { NULL, 0, 0 };

    ci_layout(&l, ci, keep, ns);
    return rnr_layout_size(&l);
}

static WSASERVICECLASSINFOA *ci_dup(const WSASERVICECLASSINFOA *ci,
                                    int (*keep)(const WSANSCLASSINFOA *, DWORD),
                                    DWORD ns, size_t *size_out)
{
    struct rnr_layout l = { NULL, 0, 0 };
    size_t need;
    uint8_t *p;

    if (ci == NULL)
        return NULL;
    need = ci_measure(ci, keep, ns);
    if (need == SIZE_MAX)
        return NULL;
    p = rnr_calloc(1, need);
    if (p == NULL)
        return NULL;
    l.base = p;
    ci_layout(&l, ci, keep, ns);
    if (size_out != NULL)
        *size_out = need;
    return (WSASERVICECLASSINFOA *)(void *)p;
}

size_t rnr_class_flat_size(const WSASERVICECLASSINFOA *ci)
{
    if (ci == NULL)
        return 0;
    return ci_measure(ci, NULL, 0);
}

size_t rnr_class_flatten(const WSASERVICECLASSINFOA *ci, void *buf, size_t len)
{
    struct rnr_layout l = { NULL, 0, 0 };
    size_t need;

    if (ci == NULL || buf == NULL)
        return 0;
    need = ci_measure(ci, NULL, 0);
    if (need == SIZE_MAX || len < need)
        return 0;
    memset(buf, 0, need);
    l.base = buf;
    ci_layout(&l, ci, NULL, 0);
    return l.off;
}

WSASERVICECLASSINFOA *rnr_class_dup(const WSASERVICECLASSINFOA *ci, size_t *size_out)
{
    return ci_dup(ci, NULL, 0, size_out);
}

static int keep_ns(const WSANSCLASSINFOA *e, DWORD ns)
{
    return e->dwNameSpace == ns || e->dwNameSpace == NS_ALL;
}

WSASERVICECLASSINFOA *rnr_class_dup_for_ns(const WSASERVICECLASSINFOA *ci, DWORD ns,
                                           size_t *size_out)
{
    return ci_dup(ci, ns == NS_ALL ? NULL : keep_ns, ns, size_out);
}

static int name_ok(const char *s)
{
    return s == NULL || strnlen(s, RNR_CLASS_MAX_NAME + 1) <= RNR_CLASS_MAX_NAME;
}

int rnr_class_validate(const WSASERVICECLASSINFOA *ci)
{
    DWORD i;

    if (ci == NULL)
        return WSAEFAULT;
    if (ci->lpServiceClassId == NULL)
        return WSAEINVAL;
    if (!name_ok(ci->lpszServiceClassName))
        return WSAEINVAL;
    if (ci->dwCount > RNR_CLASS_MAX_ENTRIES)
        return WSAEINVAL;
    if (ci->dwCount > 0 && ci->lpClassInfos == NULL)
        return WSAEINVAL;
    for (i = 0; i < ci->dwCount; i++) {
        const WSANSCLASSINFOA *e = &ci->lpClassInfos[i];

        if (!name_ok(e->lpszName))
            return WSAEINVAL;
        if (e->dwValueSize > RNR_CLASS_MAX_VALUE)
            return WSAEINVAL;
        if (e->dwValueSize > 0 && e->lpValue == NULL)
            return WSAEINVAL;
        if (e->dwValueType == REG_DWORD && e->dwValueSize != sizeof(DWORD))
            return WSAEINVAL;
        if (e->dwValueType == REG_SZ &&
            (e->dwValueSize == 0 || memchr(e->lpValue, '\0', e->dwValueSize) == NULL))
            return WSAEINVAL;
    }
    return 0;
}

static int str_equal(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    return strcmp(a, b) == 0;
}

int rnr_class_equal(const WSASERVICECLASSINFOA *a, const WSASERVICECLASSINFOA *b)
{
    DWORD i;

    if (a == NULL || b == NULL)
        return a == b;
    if ((a->lpServiceClassId == NULL) != (b->lpServiceClassId == NULL))
        return 0;
    if (a->lpServiceClassId != NULL &&
        !rnr_guid_equal(a->lpServiceClassId, b->lpServiceClassId))
        return 0;
    if (!str_equal(a->lpszServiceClassName, b->lpszServiceClassName))
        return 0;
    if (a->dwCount != b->dwCount)
        return 0;
    if (a->dwCount > 0 && (a->lpClassInfos == NULL || b->lpClassInfos == NULL))
        return a->lpClassInfos == b->lpClassInfos;
    for (i = 0; i < a->dwCount; i++) {
        const WSANSCLASSINFOA *x = &a->lpClassInfos[i], *y = &b->lpClassInfos[i];
        DWORD xs = x->lpValue ? x->dwValueSize : 0, ys = y->lpValue ? y->dwValueSize : 0;

        if (!str_equal(x->lpszName, y->lpszName) || x->dwNameSpace != y->dwNameSpace ||
            x->dwValueType != y->dwValueType || xs != ys)
            return 0;
        if (xs > 0 && memcmp(x->lpValue, y->lpValue, xs) != 0)
            return 0;
    }
    return 1;
}
