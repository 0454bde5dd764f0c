/* SPDX-License-Identifier: MIT */
/*
 * inet_pton / inet_ntop with Windows' grammar (Microsoft's inet_pton and
 * inet_ntop pages; Wine's ws2_32 tests, test_inet_pton and
 * test_addr_to_print, record what Windows answers), which is not glibc's
 * in a few places:
 *
 *   IPv4: exactly four decimal parts 0..255, no leading zero ("0" itself
 *   is fine), nothing before or after ("3.4.5.6 " is not an address).
 *   glibc agrees here.
 *
 *   IPv6: groups of 1-4 hex digits, one "::", an embedded IPv4 address
 *   only last and only where two groups remain.  Unlike glibc, the
 *   embedded IPv4 parts may have up to three digits with leading zeros
 *   ("1::001.2.3.4"), and a leading "::" followed by seven groups is
 *   refused ("::0:0:0:0:0:0:0": Windows misparses it and fails).  "::"
 *   standing for no group at all is refused, as by glibc.  No scope
 *   ("%16") or prefix ("/16").
 *
 *   On failure Windows' inet_pton may have written part of the address
 *   into the caller's buffer; rnr writes it only on success.
 *
 *   inet_ntop formats IPv6 the way Windows' RtlIpv6AddressToString does:
 *   lower-case hex, the longest run of two or more zero groups (the first
 *   of equal runs) as "::", and the last 32 bits as dotted IPv4 for the
 *   IPv4-compatible (::a.b.c.d, not :: or ::1), IPv4-mapped
 *   (::ffff:a.b.c.d) and IPv4-translated (::ffff:0:a.b.c.d) forms, and
 *   ISATAP addresses (...:5efe:a.b.c.d, ...:200:5efe:a.b.c.d).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "client.h"
#include "ws2tcpip_int.h"

#include <rnr/ws2tcpip.h>

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Four dotted decimal parts of at most `maxdigits` digits each (leading
 * zeros refused when `strict`).  *end: after the last digit. */
static int parse4(const char *s, uint8_t out[4], int maxdigits, int strict,
                  const char **end)
{
    int part, n;

    for (part = 0; part < 4; part++) {
        unsigned v = 0;

        if (part > 0) {
            if (*s != '.')
                return 0;
            s++;
        }
        for (n = 0; s[n] >= '0' && s[n] <= '9'; n++) {
            if (n == maxdigits)
                return 0;
            v = v * 10 + (unsigned)(s[n] - '0');
        }
        if (n == 0 || v > 255 || (strict && n > 1 && s[0] == '0'))
            return 0;
        out[part] = (uint8_t)v;
        s += n;
    }
    *end = s;
    return 1;
}

int rnr_pton4(const char *s, uint8_t out[4])
{
    uint8_t a[4];
    const char *end;

    if (!parse4(s, a, 3, 1, &end) || *end != '\0')
        return 0;
    memcpy(out, a, 4);
    return 1;
}

int rnr_pton6_end(const char *s, uint8_t out[16], const char **endp)
{
    uint8_t a[16];
    int ngroups = 0, gap = -1, leading_gap = 0, i;
    const char *p = s;

    memset(a, 0, sizeof a);
    if (p[0] == ':') {
        if (p[1] != ':')
            return 0;
        gap = 0;
        leading_gap = 1;
        p += 2;
    }
    while (*p != '\0' && *p != '%') {
        unsigned v = 0;
        int n;

        if (ngroups == 8)
            return 0;
        /* An embedded IPv4 address: digits followed by a '.' before any
         * ':' (the group would otherwise end at the '.'). */
        for (n = 0; hexval((unsigned char)p[n]) >= 0; n++)
            ;
        if (p[n] == '.') {
            const char *e;

            if (ngroups > 6 || !parse4(p, a + 2 * ngroups, 3, 0, &e) ||
                (*e != '\0' && *e != '%'))
                return 0;
            ngroups += 2;
            p = e;
            break;
        }
        if (n == 0 || n > 4)
            return 0;
        for (i = 0; i < n; i++)
            v = (v << 4) | (unsigned)hexval((unsigned char)p[i]);
        a[2 * ngroups] = (uint8_t)(v >> 8);
        a[2 * ngroups + 1] = (uint8_t)v;
        ngroups++;
        p += n;
        if (*p == '\0' || *p == '%')
            break;
        if (*p != ':')
            return 0;
        p++;
        if (*p == ':') {
            if (gap >= 0)
                return 0;
            gap = ngroups;
            p++;
        } else if (*p == '\0' || *p == '%') {
            return 0;        /* a single trailing ':' */
        }
    }
    if (gap < 0 && ngroups != 8)
        return 0;
    if (gap >= 0) {
        int tail = ngroups - gap;

        /* "::" stands for at least one group; Windows also refuses a
         * leading "::" before seven groups. */
        if (ngroups > 7 || (leading_gap && ngroups == 7))
            return 0;
        memmove(a + 2 * (8 - tail), a + 2 * gap, (size_t)(2 * tail));
        memset(a + 2 * gap, 0, (size_t)(2 * (8 - ngroups)));
    }
    memcpy(out, a, 16);
    *endp = p;
    return 1;
}

int rnr_pton6(const char *s, uint8_t out[16])
{
    uint8_t a[16];
    const char *end;

    if (!rnr_pton6_end(s, a, &end) || *end != '\0')
        return 0;
    memcpy(out, a, 16);
    return 1;
}

int rnr_ntop4(const uint8_t a[4], char *buf, size_t cap)
{
    char tmp[16];
    int n = snprintf(tmp, sizeof tmp, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);

    if ((size_t)n >= cap)
        return WSAEINVAL;
    memcpy(buf, tmp, (size_t)n + 1);
    return 0;
}

int rnr_ntop6(const uint8_t a[16], char *buf, size_t cap)
{
    static const uint8_t zero10[10];
    char tmp[64];
    unsigned w[8];
    int i, n = 0, best = -1, bestlen = 0, embed4, limit;
    size_t len;

    for (i = 0; i < 8; i++)
        w[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
    embed4 = memcmp(a, zero10, 10) == 0 &&
             ((w[5] == 0 && (w[6] != 0 || w[7] > 1)) || w[5] == 0xffff);
    if (memcmp(a, zero10, 8) == 0 && w[4] == 0xffff && w[5] == 0)
        embed4 = 1;
    /* ISATAP (RFC 5214): interface id 0000:5efe or 0200:5efe under any
     * prefix, as Windows prints it ("fe80::5efe:192.0.2.1"). */
    if ((w[4] & 0xfdffu) == 0 && w[5] == 0x5efe)
        embed4 = 1;
    limit = embed4 ? 6 : 8;
    for (i = 0; i < limit;) {
        int j = i;

        while (j < limit && w[j] == 0)
            j++;
        if (j - i > bestlen && j - i >= 2) {
            best = i;
            bestlen = j - i;
        }
        i = j > i ? j : i + 1;
    }
    for (i = 0; i < limit; i++) {
        if (i == best) {
            n += snprintf(tmp + n, sizeof tmp - (size_t)n, "::");
            i += bestlen - 1;
            continue;
        }
        if (i > 0 && i != best + bestlen)
            tmp[n++] = ':';
        n += snprintf(tmp + n, sizeof tmp - (size_t)n, "%x", w[i]);
    }
    if (embed4) {
        if (best < 0 || best + bestlen != 6)
            tmp[n++] = ':';
        n += snprintf(tmp + n, sizeof tmp - (size_t)n, "%u.%u.%u.%u",
                      a[12], a[13], a[14], a[15]);
    }
    tmp[n] = '\0';
    len = (size_t)n;
    if (len >= cap)
        return WSAEINVAL;
    memcpy(buf, tmp, len + 1);
    return 0;
}

INT rnr_inet_pton(INT Family, const char *pszAddrString, void *pAddrBuf)
{
    uint8_t a[16];

    if (pszAddrString == NULL || pAddrBuf == NULL)
        return rnr_fail(WSAEFAULT);
    if (Family == AF_INET) {
        if (!rnr_pton4(pszAddrString, a))
            return 0;
        memcpy(pAddrBuf, a, 4);
        return 1;
    }
    if (Family == AF_INET6) {
        if (!rnr_pton6(pszAddrString, a))
            return 0;
        memcpy(pAddrBuf, a, 16);
        return 1;
    }
    return rnr_fail(WSAEAFNOSUPPORT);
}

const char *rnr_inet_ntop(INT Family, const void *pAddr, char *pStringBuf,
                          size_t StringBufSize)
{
    int rc;

    if (Family != AF_INET && Family != AF_INET6) {
        rnr_fail(WSAEAFNOSUPPORT);
        return NULL;
    }
    /* Windows: a NULL buffer or a short one is an invalid parameter. */
    if (pAddr == NULL || pStringBuf == NULL || StringBufSize == 0) {
        rnr_fail(WSAEINVAL);
        return NULL;
    }
    rc = Family == AF_INET ? rnr_ntop4(pAddr, pStringBuf, StringBufSize)
                           : rnr_ntop6(pAddr, pStringBuf, StringBufSize);
    if (rc != 0) {
        rnr_fail(rc);
        return NULL;
    }
    return pStringBuf;
}
