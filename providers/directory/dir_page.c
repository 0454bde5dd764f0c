/* SPDX-License-Identifier: MIT */
/*
 * Paged directory lookups: the request blob and the order (dir_page.h).
 * Shared by the provider, which answers pages, and rnrctl, which asks for
 * them and checks that what comes back follows the same order.
 */
#include "config.h"

#include "dir_page.h"

#include <string.h>

#include "alloc.h"
#include "queryset.h"
#include "wire.h"

#define HEAD_LEN 20u        /* magic, version, size, cursor */

int dir_page_requested(const BLOB *b)
{
    return b != NULL && b->pBlobData != NULL && b->cbSize >= 8 &&
           memcmp(b->pBlobData, DIR_PAGE_MAGIC, 8) == 0;
}

/* A u32-counted string at *p (n bytes left) into a fresh NUL-terminated
 * copy.  0, WSAEINVAL or WSAENOBUFS. */
static int take_string(const uint8_t **p, size_t *n, char **out)
{
    uint32_t len;
    char    *s;

    if (*n < 4)
        return WSAEINVAL;
    len = rnr_le32_load(*p);
    if (len > RNR_QS_MAX_STRING || *n - 4 < len || memchr(*p + 4, '\0', len) != NULL)
        return WSAEINVAL;
    if ((s = rnr_malloc((size_t)len + 1)) == NULL)
        return WSAENOBUFS;
    memcpy(s, *p + 4, len);
    s[len] = '\0';
    *p += 4 + len;
    *n -= 4 + (size_t)len;
    *out = s;
    return 0;
}

int dir_page_decode(const BLOB *b, struct dir_page *out)
{
    struct dir_page pg;
    const uint8_t  *p;
    size_t          n;
    uint32_t        cursor;
    int             rc = WSAEINVAL;

    memset(&pg, 0, sizeof pg);
    if (!dir_page_requested(b) || b->cbSize < HEAD_LEN)
        goto done;
    p = b->pBlobData;
    n = b->cbSize;
    pg.size = rnr_le32_load(p + 12);
    cursor = rnr_le32_load(p + 16);
    if (rnr_le32_load(p + 8) != 1 || pg.size == 0 || pg.size > DIR_PAGE_MAX || cursor > 1)
        goto done;
    p += HEAD_LEN;
    n -= HEAD_LEN;
    if (cursor) {
        if ((rc = take_string(&p, &n, &pg.context)) != 0)
            goto done;
        rc = WSAEINVAL;
        if (n < 16)
            goto done;
        pg.cls.Data1 = rnr_le32_load(p);
        pg.cls.Data2 = (uint16_t)(p[4] | p[5] << 8);
        pg.cls.Data3 = (uint16_t)(p[6] | p[7] << 8);
        memcpy(pg.cls.Data4, p + 8, 8);
        p += 16;
        n -= 16;
        if ((rc = take_string(&p, &n, &pg.name)) != 0)
            goto done;
        pg.has_cursor = 1;
    }
    rc = n == 0 ? 0 : WSAEINVAL;
done:
    if (rc != 0) {
        dir_page_clear(&pg);
        return rc;
    }
    *out = pg;
    return 0;
}

void dir_page_clear(struct dir_page *pg)
{
    if (pg == NULL)
        return;
    rnr_free(pg->context);
    rnr_free(pg->name);
    pg->context = pg->name = NULL;
    pg->has_cursor = 0;
}

static void put_string(uint8_t **p, const char *s, size_t len)
{
    rnr_le32_store(*p, (uint32_t)len);
    memcpy(*p + 4, s, len);
    *p += 4 + len;
}

int dir_page_encode(uint32_t size, const char *context, const GUID *cls, const char *name,
                    uint8_t **out, size_t *len)
{
    size_t   clen = context != NULL ? strlen(context) : 0;
    size_t   nlen = context != NULL && name != NULL ? strlen(name) : 0;
    size_t   total = HEAD_LEN + (context != NULL ? 4 + clen + 16 + 4 + nlen : 0);
    uint8_t *buf, *p;

    if (size == 0 || size > DIR_PAGE_MAX || clen > RNR_QS_MAX_STRING ||
        nlen > RNR_QS_MAX_STRING || (context != NULL && cls == NULL))
        return WSAEINVAL;
    if ((buf = rnr_malloc(total)) == NULL)
        return WSAENOBUFS;
    memcpy(buf, DIR_PAGE_MAGIC, 8);
    rnr_le32_store(buf + 8, 1);
    rnr_le32_store(buf + 12, size);
    rnr_le32_store(buf + 16, context != NULL);
    p = buf + HEAD_LEN;
    if (context != NULL) {
        put_string(&p, context, clen);
        rnr_le32_store(p, cls->Data1);
        p[4] = (uint8_t)cls->Data2;
        p[5] = (uint8_t)(cls->Data2 >> 8);
        p[6] = (uint8_t)cls->Data3;
        p[7] = (uint8_t)(cls->Data3 >> 8);
        memcpy(p + 8, cls->Data4, 8);
        p += 16;
        put_string(&p, name != NULL ? name : "", nlen);
    }
    *out = buf;
    *len = total;
    return 0;
}

static int fold(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* Component by component: the separator sorts before any other byte, so
 * "\a" < "\a\b" < "\a!" (a container, then what is inside it, then its
 * next sibling: the order of a depth-first walk). */
int dir_page_path_cmp(const char *a, const char *b)
{
    const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;

    for (;; x++, y++) {
        int cx = *x == '\\' ? 1 : *x == '\0' ? 0 : fold(*x) + 1;
        int cy = *y == '\\' ? 1 : *y == '\0' ? 0 : fold(*y) + 1;

        if (cx != cy)
            return cx < cy ? -1 : 1;
        if (cx == 0)
            return 0;
    }
}

static int name_cmp(const char *a, const char *b)
{
    const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;

    for (;; x++, y++) {
        int cx = fold(*x), cy = fold(*y);

        if (cx != cy)
            return cx < cy ? -1 : 1;
        if (cx == 0)
            return 0;
    }
}

static int guid_cmp(const GUID *a, const GUID *b)
{
    if (a->Data1 != b->Data1)
        return a->Data1 < b->Data1 ? -1 : 1;
    if (a->Data2 != b->Data2)
        return a->Data2 < b->Data2 ? -1 : 1;
    if (a->Data3 != b->Data3)
        return a->Data3 < b->Data3 ? -1 : 1;
    return memcmp(a->Data4, b->Data4, 8);
}

int dir_page_cmp(const char *ctx_a, const char *name_a, const GUID *cls_a,
                 const char *ctx_b, const char *name_b, const GUID *cls_b)
{
    int r = dir_page_path_cmp(ctx_a, ctx_b);

    if (r == 0)
        r = name_cmp(name_a, name_b);
    if (r == 0)
        r = guid_cmp(cls_a, cls_b);
    return r;
}
