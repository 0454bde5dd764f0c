/* SPDX-License-Identifier: MIT */
/*
 * Typed configuration values (confkey.h).  The messages say what was
 * expected, in the words rnrd.conf(5) uses, so that one line of
 * `rnrd --check-config` is enough to fix the value.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "confkey.h"

#define CONFKEY_MAX_PATH 4095u

const struct rnr_nsp_key *rnr_confkey_find(const struct rnr_nsp_key *keys, const char *name)
{
    if (keys == NULL || name == NULL)
        return NULL;
    for (; keys->name != NULL; keys++)
        if (strcmp(keys->name, name) == 0)
            return keys;
    return NULL;
}

int rnr_confkey_bool(const char *value, int *out)
{
    static const char *const yes[] = { "yes", "true", "on", "1" };
    static const char *const no[] = { "no", "false", "off", "0" };
    size_t i;

    if (value == NULL)
        return -1;
    for (i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        if (strcasecmp(value, yes[i]) == 0) {
            *out = 1;
            return 0;
        }
        if (strcasecmp(value, no[i]) == 0) {
            *out = 0;
            return 0;
        }
    }
    return -1;
}

int rnr_confkey_uint(const char *value, uint64_t min, uint64_t max, uint64_t *out)
{
    uint64_t n = 0;
    const char *p;

    if (value == NULL || value[0] == '\0')
        return -1;
    for (p = value; *p != '\0'; p++) {
        unsigned d;

        if (*p < '0' || *p > '9')
            return -1;
        d = (unsigned)(*p - '0');
        if (n > (UINT64_MAX - d) / 10)
            return -1;
        n = n * 10 + d;
    }
    if (n < min || n > max)
        return -1;
    *out = n;
    return 0;
}

int rnr_confkey_hostport(const char *item, size_t len, char *host, size_t hostlen,
                         int *is_v6, unsigned *port)
{
    char addr[INET6_ADDRSTRLEN + 1], pbuf[8];
    const char *end = item + len, *h, *he, *ps = NULL, *close, *colon;
    unsigned char bin[16];
    uint64_t pn = 0;
    size_t hl, pl;
    int v6;

    if (len == 0)
        return -1;
    if (item[0] == '[') {
        close = memchr(item, ']', len);
        if (close == NULL)
            return -1;
        h = item + 1;
        he = close;
        if (close + 1 < end) {
            if (close[1] != ':')
                return -1;
            ps = close + 2;
        }
    } else {
        colon = memchr(item, ':', len);
        /* A bare IPv6 address has several colons and no port. */
        if (colon != NULL && memchr(colon + 1, ':', (size_t)(end - colon - 1)) == NULL)
            ps = colon + 1;
        h = item;
        he = ps != NULL ? colon : end;
    }
    hl = (size_t)(he - h);
    if (hl == 0 || hl >= sizeof addr || hl >= hostlen)
        return -1;
    memcpy(addr, h, hl);
    addr[hl] = '\0';
    v6 = strchr(addr, ':') != NULL;
    if (inet_pton(v6 ? AF_INET6 : AF_INET, addr, bin) != 1)
        return -1;
    if (ps != NULL) {
        pl = (size_t)(end - ps);
        if (pl == 0 || pl >= sizeof pbuf)
            return -1;
        memcpy(pbuf, ps, pl);
        pbuf[pl] = '\0';
        if (rnr_confkey_uint(pbuf, 1, 65535, &pn) != 0)
            return -1;
    }
    memcpy(host, addr, hl + 1);
    *is_v6 = v6;
    *port = (unsigned)pn;
    return 0;
}

const char *rnr_confkey_item(const char **cursor, size_t *len)
{
    const char *s = *cursor + strspn(*cursor, ", \t");
    size_t n = strcspn(s, ", \t");

    *cursor = s + n;
    if (n == 0)
        return NULL;
    *len = n;
    return s;
}

static int check_hostports(const struct rnr_nsp_key *key, const char *value, char *why,
                           size_t whylen)
{
    char host[INET6_ADDRSTRLEN + 1];
    const char *s, *cur = value;
    uint64_t n = 0;
    unsigned port;
    size_t len;
    int v6;

    while ((s = rnr_confkey_item(&cur, &len)) != NULL) {
        if (rnr_confkey_hostport(s, len, host, sizeof host, &v6, &port) != 0) {
            snprintf(why, whylen, "'%.*s' is not ADDRESS, ADDRESS:PORT or [IPV6]:PORT "
                     "(port 1 to 65535)", (int)(len > 64 ? 64 : len), s);
            return -1;
        }
        n++;
    }
    if (n == 0) {
        snprintf(why, whylen, "expected at least one ADDRESS[:PORT]");
        return -1;
    }
    if (key->max != 0 && n > key->max) {
        snprintf(why, whylen, "%" PRIu64 " addresses, at most %" PRIu64, n, key->max);
        return -1;
    }
    return 0;
}

static int check_enum(const struct rnr_nsp_key *key, const char *value, char *why,
                      size_t whylen)
{
    size_t i, used;

    for (i = 0; key->values != NULL && key->values[i] != NULL; i++)
        if (strcasecmp(value, key->values[i]) == 0)
            return 0;
    used = (size_t)snprintf(why, whylen, "'%s' is not one of", value);
    for (i = 0; key->values != NULL && key->values[i] != NULL && used < whylen; i++)
        used += (size_t)snprintf(why + used, whylen - used, "%s %s", i > 0 ? "," : "",
                                 key->values[i]);
    return -1;
}

int rnr_confkey_check(const struct rnr_nsp_key *key, const char *value, char *why,
                      size_t whylen)
{
    uint64_t n;
    int b;

    if (whylen > 0)
        why[0] = '\0';
    if (key == NULL || value == NULL || why == NULL || whylen == 0)
        return -1;
    switch (key->type) {
    case RNR_NSP_KEY_STRING:
        return 0;
    case RNR_NSP_KEY_PATH:
        if (strlen(value) > CONFKEY_MAX_PATH) {
            snprintf(why, whylen, "path longer than %u bytes", CONFKEY_MAX_PATH);
            return -1;
        }
        return 0;
    case RNR_NSP_KEY_BOOL:
        if (rnr_confkey_bool(value, &b) == 0)
            return 0;
        snprintf(why, whylen, "'%s' is not yes, no, true, false, on, off, 1 or 0", value);
        return -1;
    case RNR_NSP_KEY_UINT:
        if (rnr_confkey_uint(value, key->min, key->max, &n) == 0)
            return 0;
        snprintf(why, whylen, "'%s' is not a number from %" PRIu64 " to %" PRIu64, value,
                 key->min, key->max);
        return -1;
    case RNR_NSP_KEY_HOSTPORTS:
        return check_hostports(key, value, why, whylen);
    case RNR_NSP_KEY_ENUM:
        return check_enum(key, value, why, whylen);
    }
    snprintf(why, whylen, "key of an unknown type (%d)", (int)key->type);
    return -1;
}

const char *rnr_confkey_type_name(enum rnr_nsp_key_type type)
{
    switch (type) {
    case RNR_NSP_KEY_STRING:    return "string";
    case RNR_NSP_KEY_BOOL:      return "bool";
    case RNR_NSP_KEY_UINT:      return "uint";
    case RNR_NSP_KEY_HOSTPORTS: return "hostports";
    case RNR_NSP_KEY_PATH:      return "path";
    case RNR_NSP_KEY_ENUM:      return "enum";
    }
    return "unknown";
}
