/* SPDX-License-Identifier: MIT */
/*
 * UTF-16 <-> UTF-8 conversion (utf16.h).  Strict in both directions
 * (RFC 3629 for UTF-8, unpaired surrogates refused in UTF-16): the result
 * names a service, and two spellings of one name must never both be valid.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "alloc.h"
#include "utf16.h"

size_t rnr_wcslen(const WCHAR *s)
{
    size_t n = 0;

    if (s == NULL)
        return 0;
    while (s[n] != 0)
        n++;
    return n;
}

/* The code point at s[*i], *i moved past it; -1 for an unpaired or
 * reversed surrogate. */
static int32_t utf16_next(const WCHAR *s, size_t *i)
{
    uint32_t c = s[*i];

    if (c >= 0xDC00 && c <= 0xDFFF)
        return -1;
    if (c >= 0xD800 && c <= 0xDBFF) {
        uint32_t lo = s[*i + 1];

        if (lo < 0xDC00 || lo > 0xDFFF)
            return -1;
        *i += 2;
        return (int32_t)(0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00));
    }
    *i += 1;
    return (int32_t)c;
}

static size_t utf8_len_of(uint32_t c)
{
    return c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
}

static char *utf8_put(char *p, uint32_t c)
{
    if (c < 0x80) {
        *p++ = (char)c;
    } else if (c < 0x800) {
        *p++ = (char)(0xC0 | (c >> 6));
        *p++ = (char)(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        *p++ = (char)(0xE0 | (c >> 12));
        *p++ = (char)(0x80 | ((c >> 6) & 0x3F));
        *p++ = (char)(0x80 | (c & 0x3F));
    } else {
        *p++ = (char)(0xF0 | (c >> 18));
        *p++ = (char)(0x80 | ((c >> 12) & 0x3F));
        *p++ = (char)(0x80 | ((c >> 6) & 0x3F));
        *p++ = (char)(0x80 | (c & 0x3F));
    }
    return p;
}

int rnr_utf16_to_utf8_dup(const WCHAR *s, char **out)
{
    size_t i = 0, len = 0;
    char *buf = NULL, *p;
    int rc = 0;

    if (s == NULL) {
        *out = NULL;
        return 0;
    }
    /* Two passes: validate and size first, so nothing is allocated for
     * input that is refused. */
    while (s[i] != 0) {
        int32_t c = utf16_next(s, &i);

        if (c < 0) {
            rc = WSAEINVAL;
            goto done;
        }
        len += utf8_len_of((uint32_t)c);
    }
    buf = rnr_malloc(len + 1);
    if (buf == NULL) {
        rc = WSA_NOT_ENOUGH_MEMORY;
        goto done;
    }
    p = buf;
    for (i = 0; s[i] != 0;)
        p = utf8_put(p, (uint32_t)utf16_next(s, &i));
    *p = '\0';
    *out = buf;
    buf = NULL;
done:
    rnr_free(buf);
    return rc;
}

/* The code point at s, *adv set to its length in bytes; -1 for anything
 * RFC 3629 does not allow.  A NUL inside a sequence is a truncation. */
static int32_t utf8_next(const unsigned char *s, size_t *adv)
{
    uint32_t c = s[0], min;
    size_t n, k;

    if (c < 0x80) {
        *adv = 1;
        return (int32_t)c;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        c &= 0x1F;
        min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        c &= 0x0F;
        min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        c &= 0x07;
        min = 0x10000;
    } else {
        /* 0x80..0xBF stray continuation, 0xC0/0xC1 always overlong,
         * 0xF5.. beyond U+10FFFF. */
        return -1;
    }
    for (k = 1; k < n; k++) {
        if ((s[k] & 0xC0) != 0x80)
            return -1;
        c = (c << 6) | (s[k] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return -1;
    *adv = n;
    return (int32_t)c;
}

/* Walks s once; writes into out only when out is not NULL.  Returns the
 * WCHARs needed including the terminator, or 0 for invalid input. */
static size_t utf8_walk(const char *s, WCHAR *out)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, n = 0;

    while (u[i] != 0) {
        size_t adv;
        int32_t c = utf8_next(u + i, &adv);

        if (c < 0)
            return 0;
        if (c >= 0x10000) {
            if (out != NULL) {
                out[n] = (WCHAR)(0xD800 + (((uint32_t)c - 0x10000) >> 10));
                out[n + 1] = (WCHAR)(0xDC00 + (((uint32_t)c - 0x10000) & 0x3FF));
            }
            n += 2;
        } else {
            if (out != NULL)
                out[n] = (WCHAR)c;
            n += 1;
        }
        i += adv;
    }
    if (out != NULL)
        out[n] = 0;
    return n + 1;
}

int rnr_utf8_to_utf16(const char *s, WCHAR *out, size_t cap, size_t *need)
{
    size_t n;

    if (s == NULL)
        s = "";
    n = utf8_walk(s, NULL);
    if (n == 0)
        return WSAEINVAL;
    *need = n;
    if (out == NULL || cap < n)
        return WSAEFAULT;
    utf8_walk(s, out);
    return 0;
}

int rnr_utf8_to_utf16_dup(const char *s, WCHAR **out)
{
    WCHAR *buf = NULL;
    size_t n;
    int rc = 0;

    if (s == NULL) {
        *out = NULL;
        return 0;
    }
    n = utf8_walk(s, NULL);
    if (n == 0) {
        rc = WSAEINVAL;
        goto done;
    }
    buf = rnr_malloc(n * sizeof(WCHAR));
    if (buf == NULL) {
        rc = WSA_NOT_ENOUGH_MEMORY;
        goto done;
    }
    utf8_walk(s, buf);
    *out = buf;
    buf = NULL;
done:
    rnr_free(buf);
    return rc;
}
