/* SPDX-License-Identifier: MIT */
/*
 * inet_addr / inet_ntoa (API reference).
 *
 * inet_addr follows glibc's inet_addr exactly, which the unit test checks
 * string by string against glibc: the a.b.c.d, a.b.c, a.b and a forms,
 * each part decimal, octal (leading 0) or hex (0x / 0X); the last part
 * fills the remaining 32, 24, 16 or 8 bits; anything after the address is
 * accepted only after an ASCII white-space character ("1.2.3.4 junk" is
 * 1.2.3.4, as in glibc and BSD).  Parsed by hand rather than with
 * strtoul, so the result depends neither on the locale nor on errno.
 */
#include "config.h"

#include <stdio.h>

#include "getxbyy.h"
#include "guid.h"

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

/* isascii(c) && isspace(c) in the C locale. */
static int is_space(int c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

/* One part, as strtoul(cp, &end, 0) reads a string starting with a digit:
 * "0x" not followed by a hex digit is the number 0 and stops at the 'x';
 * an octal part stops at the first 8 or 9.  Values above 32 bits fail
 * (glibc: ERANGE or > 0xffffffff). */
static int parse_part(const char *cp, uint32_t *val, const char **end)
{
    uint64_t v = 0;
    unsigned base = 10;
    int d;

    if (cp[0] == '0' && (cp[1] == 'x' || cp[1] == 'X') && rnr_hex_digit(cp[2]) >= 0) {
        base = 16;
        cp += 2;
    } else if (cp[0] == '0') {
        base = 8;
    }
    for (;; cp++) {
        d = rnr_hex_digit((unsigned char)*cp);
        if (d < 0 || (unsigned)d >= base)
            break;
        v = v * base + (unsigned)d;
        if (v > 0xffffffffu)
            return 0;   /* keep consuming would only grow it */
    }
    *val = (uint32_t)v;
    *end = cp;
    return 1;
}

int rnr_inet_parse4(const char *cp, uint32_t *addr, const char **end)
{
    static const uint32_t max[4] = { 0xffffffffu, 0xffffffu, 0xffffu, 0xffu };
    uint8_t bytes[4] = { 0, 0, 0, 0 };
    unsigned nparts = 0;
    uint32_t val, word;

    for (;;) {
        if (!is_digit((unsigned char)*cp))
            return 0;
        if (!parse_part(cp, &val, &cp))
            return 0;
        if (*cp != '.')
            break;
        if (nparts > 2 || val > 0xff)
            return 0;
        bytes[nparts++] = (uint8_t)val;
        cp++;
    }
    if (*cp != '\0' && !is_space((unsigned char)*cp))
        return 0;
    if (val > max[nparts])
        return 0;
    word = ((uint32_t)bytes[0] << 24) | ((uint32_t)bytes[1] << 16) |
           ((uint32_t)bytes[2] << 8) | val;
    *addr = htonl(word);
    *end = cp;
    return 1;
}

unsigned long rnr_inet_addr(const char *cp)
{
    uint32_t addr;
    const char *end;

    if (cp == NULL) {
        /* Windows records WSAEFAULT for a NULL string (Wine's tests,
         * test_inet_addr); a string that does not parse leaves the last
         * error alone. */
        WSASetLastError(WSAEFAULT);
        return INADDR_NONE;
    }
    if (!rnr_inet_parse4(cp, &addr, &end))
        return INADDR_NONE;
    return addr;
}

char *rnr_inet_ntoa(struct in_addr in)
{
    /* 16 = "255.255.255.255" + NUL; one per thread (the reference). */
    static __thread char buf[16];
    const uint8_t *b = (const uint8_t *)&in.s_addr;

    snprintf(buf, sizeof buf, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
    return buf;
}
