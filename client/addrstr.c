/* SPDX-License-Identifier: MIT */
/*
 * WSAAddressToString / WSAStringToAddress for AF_INET and AF_INET6.
 *
 * Pure string work in the calling process: no daemon round trip.  The
 * forms are those of Windows:
 *
 *   AF_INET   "a.b.c.d"            "a.b.c.d:port"
 *   AF_INET6  "v6addr"  "v6addr%scope"  "[v6addr]:port"  "[v6addr%scope]:port"
 *
 * Output leaves out a port of 0 and a scope of 0, as Windows does, so the
 * brackets appear only with a port.  Input takes a missing port as 0 (the
 * reference: "a missing port number will default to zero") and also
 * "[v6addr]" with no port.
 *
 * Parsing is strict: the whole string must be consumed, with no spaces
 * anywhere.  The reference is silent on which IPv4 forms are accepted, so
 * they are Windows' (Wine's tests, test_WSAStringToAddress): every form
 * inet_addr takes ("1.2.3" is 1.2.0.3, "0x7f000001" and "017700000001"
 * are 127.0.0.1), with a port read the same way ("127.0.0.1:0x50" is port
 * 80) and never 0.  IPv6 text is what inet_pton takes, with a decimal
 * port.  See doc/windows-rules.md.
 */
#include "config.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "client.h"
#include "guid.h"
#include "ws2tcpip_int.h"

/* "[" + the longest IPv6 text + "%" + 10 scope digits + "]:" + 5 port
 * digits + NUL; INET6_ADDRSTRLEN already counts a NUL. */
#define ADDRSTR_MAX (1 + INET6_ADDRSTRLEN + 1 + 10 + 2 + 5)

/* ------------------------------------------------------------------ */
/* Address -> string                                                    */
/* ------------------------------------------------------------------ */

static int format_in(const void *sa, DWORD salen, char *out, size_t outlen)
{
    struct sockaddr_in a;
    char host[INET_ADDRSTRLEN];
    unsigned port;
    int n;

    if (salen < sizeof(a))
        return WSAEINVAL;
    /* Copied out: the caller's bytes need not be aligned for the struct. */
    memcpy(&a, sa, sizeof(a));
    if (inet_ntop(AF_INET, &a.sin_addr, host, sizeof(host)) == NULL)
        return WSAEINVAL;
    port = ntohs(a.sin_port);
    if (port != 0)
        n = snprintf(out, outlen, "%s:%u", host, port);
    else
        n = snprintf(out, outlen, "%s", host);
    return n < 0 || (size_t)n >= outlen ? WSAEINVAL : 0;
}

static int format_in6(const void *sa, DWORD salen, char *out, size_t outlen)
{
    struct sockaddr_in6 a;
    char host[INET6_ADDRSTRLEN];
    char scope[12] = "";
    unsigned port;
    int n;

    if (salen < sizeof(a))
        return WSAEINVAL;
    memcpy(&a, sa, sizeof(a));
    /* Windows' text of the address (RtlIpv6AddressToString), the same as
     * inet_ntop's here: glibc's differs for ISATAP and some embedded IPv4. */
    if (rnr_ntop6((const uint8_t *)&a.sin6_addr, host, sizeof(host)) != 0)
        return WSAEINVAL;
    /* Windows prints the scope as a number even when an interface of that
     * index has a name: the string must not depend on the machine. */
    if (a.sin6_scope_id != 0)
        snprintf(scope, sizeof(scope), "%%%lu", (unsigned long)a.sin6_scope_id);
    port = ntohs(a.sin6_port);
    if (port != 0)
        n = snprintf(out, outlen, "[%s%s]:%u", host, scope, port);
    else
        n = snprintf(out, outlen, "%s%s", host, scope);
    return n < 0 || (size_t)n >= outlen ? WSAEINVAL : 0;
}

static int format_address(const struct sockaddr *sa, DWORD salen,
                          const WSAPROTOCOL_INFOA *pi, char *out, size_t outlen)
{
    sa_family_t family;

    if (salen < offsetof(struct sockaddr, sa_family) + sizeof(family))
        return WSAEINVAL;
    memcpy(&family, (const char *)sa + offsetof(struct sockaddr, sa_family),
           sizeof(family));
    /* A provider named by lpProtocolInfo translates only its own family. */
    if (pi != NULL && pi->iAddressFamily != (int)family)
        return WSAEINVAL;
    switch (family) {
    case AF_INET:
        return format_in(sa, salen, out, outlen);
    case AF_INET6:
        return format_in6(sa, salen, out, outlen);
    default:
        return WSAEINVAL;
    }
}

INT WSAAddressToStringA(LPSOCKADDR lpsaAddress, DWORD dwAddressLength,
                        LPWSAPROTOCOL_INFOA lpProtocolInfo,
                        LPSTR lpszAddressString, LPDWORD lpdwAddressStringLength)
{
    char text[ADDRSTR_MAX];
    size_t need;
    int rc;

    if ((rc = rnr_client_enter(NULL)) != 0)
        goto done;
    if (lpsaAddress == NULL || lpdwAddressStringLength == NULL) {
        rc = WSAEFAULT;
        goto done;
    }
    if ((rc = format_address(lpsaAddress, dwAddressLength, lpProtocolInfo,
                             text, sizeof(text))) != 0)
        goto done;
    need = strlen(text) + 1;
    /* A NULL buffer is a size query: it gets the needed size like a short
     * one, the NUL counted. */
    if (lpszAddressString == NULL || *lpdwAddressStringLength < need) {
        *lpdwAddressStringLength = (DWORD)need;
        rc = WSAEFAULT;
        goto done;
    }
    memcpy(lpszAddressString, text, need);
    *lpdwAddressStringLength = (DWORD)need;
done:
    return rnr_result(rc);
}
RNR_ALIAS(WSAAddressToString, WSAAddressToStringA);

/* ------------------------------------------------------------------ */
/* String -> address                                                    */
/* ------------------------------------------------------------------ */

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Canonical decimal of [s, s + len), at most `max`: no sign, no spaces, no
 * leading zero.  (strtoul would take "+1", " 1" and "0x1".) */
static int parse_decimal(const char *s, size_t len, uint32_t max, uint32_t *value)
{
    uint64_t v = 0;
    size_t i;

    if (len == 0 || len > 10 || (len > 1 && s[0] == '0'))
        return WSAEINVAL;
    for (i = 0; i < len; i++) {
        if (!is_digit(s[i]))
            return WSAEINVAL;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    if (v > max)
        return WSAEINVAL;
    *value = (uint32_t)v;
    return 0;
}

/* The port after ':' runs to the end of the string. */
static int parse_port(const char *s, in_port_t *port)
{
    uint32_t v;
    int rc;

    if ((rc = parse_decimal(s, strlen(s), 65535, &v)) != 0)
        return rc;
    *port = htons((uint16_t)v);
    return 0;
}

/* A scope is a number, or else the name of an interface of this machine
 * (its index is stored; Windows itself takes numbers only). */
static int parse_scope(const char *s, size_t len, uint32_t *scope)
{
    char name[IF_NAMESIZE];
    unsigned idx;
    size_t i;

    if (len == 0)
        return WSAEINVAL;
    for (i = 0; i < len && is_digit(s[i]); i++)
        ;
    if (i == len)
        return parse_decimal(s, len, UINT32_MAX, scope);
    if (len >= sizeof(name))
        return WSAEINVAL;
    /* No interface name holds ':', '/' or white space (the kernel's
     * dev_valid_name), and the SIOCGIFINDEX behind if_nametoindex cuts a
     * name at ':' ("lo:80" would be lo): refuse them here. */
    for (i = 0; i < len; i++)
        if (s[i] == ':' || s[i] == '/' || s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r'))
            return WSAEINVAL;
    memcpy(name, s, len);
    name[len] = '\0';
    if ((idx = if_nametoindex(name)) == 0)
        return WSAEINVAL;
    *scope = idx;
    return 0;
}

/* One number of an IPv4 string as Windows reads it (Wine's tests of
 * WSAStringToAddressA): "0x" / "0X" then at least one hex digit, else a
 * leading 0 for octal (8 and 9 are errors, not the end of the number),
 * else decimal.  A value past 32 bits keeps its low 32 bits
 * ("0x123456789" is 0x23456789).  The number must end at '.', ':' or
 * the end of the string: no sign, no space, no other character. */
static int parse_v4_number(const char **sp, uint32_t *value, int *wrapped)
{
    const char *s = *sp;
    unsigned base = 10;
    uint64_t v = 0;
    int d;

    *wrapped = 0;

    if (!is_digit(*s))
        return WSAEINVAL;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
        if (rnr_hex_digit((unsigned char)*s) < 0)
            return WSAEINVAL;
    } else if (s[0] == '0') {
        base = 8;
    }
    for (; *s != '\0' && *s != '.' && *s != ':'; s++) {
        d = rnr_hex_digit((unsigned char)*s);
        if (d < 0 || (unsigned)d >= base)
            return WSAEINVAL;
        v = v * base + (unsigned)d;
        if (v > UINT32_MAX) {
            v &= UINT32_MAX;           /* the low 32 bits */
            *wrapped = 1;
        }
    }
    *value = (uint32_t)v;
    *sp = s;
    return 0;
}

/* Every form inet_addr takes ("a.b.c.d", "a.b.c", "a.b", "a", each part
 * decimal, octal or hex; the last part fills the bits left), optionally
 * followed by ":port" with a port read the same way, 1 .. 65535: an
 * explicit port 0 is refused.  Nothing may follow, not even the white
 * space inet_addr tolerates.  A port that needed more than 32 bits is
 * refused rather than cut (Wine's tests show only the address cut). */
static int parse_in(const char *s, struct sockaddr_in *out)
{
    static const uint32_t last_max[4] = { 0xffffffffu, 0xffffffu, 0xffffu, 0xffu };
    struct sockaddr_in a;
    uint32_t parts[4], port, word = 0;
    unsigned n = 0, i;
    int wrapped;

    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    for (;;) {
        if (n == 4 || parse_v4_number(&s, &parts[n], &wrapped) != 0)
            return WSAEINVAL;
        n++;
        if (*s != '.')
            break;
        s++;
    }
    for (i = 0; i + 1 < n; i++) {
        if (parts[i] > 0xff)
            return WSAEINVAL;
        word |= parts[i] << (24 - 8 * i);
    }
    if (parts[n - 1] > last_max[n - 1])
        return WSAEINVAL;
    a.sin_addr.s_addr = htonl(word | parts[n - 1]);
    if (*s == ':') {
        s++;
        if (parse_v4_number(&s, &port, &wrapped) != 0 || wrapped ||
            *s != '\0' || port == 0 || port > 0xffff)
            return WSAEINVAL;
        a.sin_port = htons((uint16_t)port);
    } else if (*s != '\0') {
        return WSAEINVAL;
    }
    *out = a;
    return 0;
}

static int parse_in6(const char *s, struct sockaddr_in6 *out)
{
    struct sockaddr_in6 a;
    char host[INET6_ADDRSTRLEN];
    const char *body = s, *end, *pct;
    size_t hlen;
    int rc;

    memset(&a, 0, sizeof(a));
    a.sin6_family = AF_INET6;
    if (s[0] == '[') {
        body = s + 1;
        if ((end = strchr(body, ']')) == NULL)
            return WSAEINVAL;
        if (end[1] == ':') {
            if ((rc = parse_port(end + 2, &a.sin6_port)) != 0)
                return rc;
        } else if (end[1] != '\0') {
            return WSAEINVAL;
        }
    } else {
        /* Without brackets there is no port: in "::1:80" the ":80" is part
         * of the address, as on Windows. */
        end = s + strlen(s);
    }
    pct = memchr(body, '%', (size_t)(end - body));
    hlen = (size_t)((pct != NULL ? pct : end) - body);
    if (hlen >= sizeof(host))
        return WSAEINVAL;
    memcpy(host, body, hlen);
    host[hlen] = '\0';
    if (inet_pton(AF_INET6, host, &a.sin6_addr) != 1)
        return WSAEINVAL;
    if (pct != NULL &&
        (rc = parse_scope(pct + 1, (size_t)(end - pct - 1), &a.sin6_scope_id)) != 0)
        return rc;
    *out = a;
    return 0;
}

INT WSAStringToAddressA(LPSTR AddressString, INT AddressFamily,
                        LPWSAPROTOCOL_INFOA lpProtocolInfo,
                        LPSOCKADDR lpAddress, LPINT lpAddressLength)
{
    union {
        struct sockaddr_in  v4;
        struct sockaddr_in6 v6;
    } a;
    int need, rc;

    if ((rc = rnr_client_enter(NULL)) != 0)
        goto done;
    if (AddressString == NULL || lpAddressLength == NULL) {
        rc = WSAEFAULT;
        goto done;
    }
    if ((AddressFamily != AF_INET && AddressFamily != AF_INET6) ||
        (lpProtocolInfo != NULL && lpProtocolInfo->iAddressFamily != AddressFamily)) {
        rc = WSAEINVAL;
        goto done;
    }
    need = AddressFamily == AF_INET ? (int)sizeof(a.v4) : (int)sizeof(a.v6);
    /* The size is checked before the string, as Windows does: a caller
     * sizing its buffer learns the size whatever the string. */
    if (lpAddress == NULL || *lpAddressLength < need) {
        *lpAddressLength = need;
        rc = WSAEFAULT;
        goto done;
    }
    /* Windows zeroes the structure once the size is known to suffice, so
     * a failed conversion leaves sin_family 0 rather than the caller's
     * bytes (Wine's tests, test_WSAStringToAddress).  Only the structure:
     * the rest of a larger buffer, and *lpAddressLength, stay as they
     * were. */
    memset(lpAddress, 0, (size_t)need);
    if (AddressFamily == AF_INET)
        rc = parse_in(AddressString, &a.v4);
    else
        rc = parse_in6(AddressString, &a.v6);
    if (rc != 0)
        goto done;
    memcpy(lpAddress, &a, (size_t)need);
    *lpAddressLength = need;
done:
    return rnr_result(rc);
}
RNR_ALIAS(WSAStringToAddress, WSAStringToAddressA);
