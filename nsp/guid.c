/* SPDX-License-Identifier: MIT */
/*
 * GUID helpers.  Parsing is strict on purpose: GUIDs arrive from the
 * command line, XML class files and configuration, and a typo there
 * should be an error, not a silently different class.
 */
#include "config.h"

#include "guid.h"

#include <stdio.h>
#include <string.h>

static const GUID g_null;

int rnr_guid_equal(const GUID *a, const GUID *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    return a->Data1 == b->Data1 && a->Data2 == b->Data2 && a->Data3 == b->Data3 &&
           memcmp(a->Data4, b->Data4, sizeof(a->Data4)) == 0;
}

int rnr_guid_is_null(const GUID *g)
{
    return g == NULL || rnr_guid_equal(g, &g_null);
}

void rnr_guid_format(const GUID *g, char buf[RNR_GUID_STRLEN])
{
    const GUID *v = g ? g : &g_null;

    snprintf(buf, RNR_GUID_STRLEN,
             "{%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X}",
             (unsigned)v->Data1, (unsigned)v->Data2, (unsigned)v->Data3,
             v->Data4[0], v->Data4[1], v->Data4[2], v->Data4[3],
             v->Data4[4], v->Data4[5], v->Data4[6], v->Data4[7]);
}

int rnr_hex_digit(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Exactly `digits` hex digits at s; no sign, prefix or blanks. */
static int hexfield(const char *s, int digits, uint32_t *out)
{
    uint32_t v = 0;
    int i, d;

    for (i = 0; i < digits; i++) {
        d = rnr_hex_digit((unsigned char)s[i]);
        if (d < 0)
            return -1;
        v = (v << 4) | (uint32_t)d;
    }
    *out = v;
    return 0;
}

int rnr_guid_parse(const char *s, GUID *out)
{
    /* Offsets of the fields within the 36-character unbraced form. */
    static const int byte_off[8] = { 19, 21, 24, 26, 28, 30, 32, 34 };
    GUID g;
    uint32_t v;
    size_t len;
    int i;

    if (s == NULL)
        return WSAEINVAL;
    len = strlen(s);
    if (len == 38 && s[0] == '{' && s[37] == '}')
        s++;
    else if (len != 36)
        return WSAEINVAL;
    if (s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-')
        return WSAEINVAL;

    if (hexfield(s, 8, &v) != 0)
        return WSAEINVAL;
    g.Data1 = v;
    if (hexfield(s + 9, 4, &v) != 0)
        return WSAEINVAL;
    g.Data2 = (uint16_t)v;
    if (hexfield(s + 14, 4, &v) != 0)
        return WSAEINVAL;
    g.Data3 = (uint16_t)v;
    for (i = 0; i < 8; i++) {
        if (hexfield(s + byte_off[i], 2, &v) != 0)
            return WSAEINVAL;
        g.Data4[i] = (uint8_t)v;
    }
    *out = g;
    return 0;
}

static const struct {
    GUID        id;
    const char *name;
} g_wellknown[] = {
    { SVCID_HOSTNAME,                  "HOSTNAME" },
    { SVCID_INET_HOSTADDRBYINETSTRING, "INET_HOSTADDRBYINETSTRING" },
    { SVCID_INET_SERVICEBYNAME,        "INET_SERVICEBYNAME" },
    { SVCID_INET_HOSTADDRBYNAME,       "INET_HOSTADDRBYNAME" },
};

const char *rnr_guid_wellknown_name(const GUID *g)
{
    size_t i;

    if (g == NULL)
        return NULL;
    for (i = 0; i < sizeof(g_wellknown) / sizeof(g_wellknown[0]); i++)
        if (rnr_guid_equal(g, &g_wellknown[i].id))
            return g_wellknown[i].name;
    return NULL;
}
