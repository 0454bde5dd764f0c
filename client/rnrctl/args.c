/* SPDX-License-Identifier: MIT */
/*
 * rnrctl argument parsing (see args.h).
 */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>
#include <net/if.h>

#include "args.h"
#include "class_xml.h"
#include "guid.h"
#include "suggest.h"

int rnrctl_exit_for_status(int status)
{
    switch (status) {
    case 0:
        return RNRCTL_EXIT_OK;
    case WSAHOST_NOT_FOUND:
    case WSASERVICE_NOT_FOUND:
    case WSANO_DATA:
    case WSATYPE_NOT_FOUND:
    case WSA_E_NO_MORE:   /* a lookup that ended without a single result */
        return RNRCTL_EXIT_NOTFOUND;
    case WSASYSNOTREADY:
        return RNRCTL_EXIT_NODAEMON;
    case WSAEACCES:
        return RNRCTL_EXIT_ACCESS;
    default:
        return RNRCTL_EXIT_FAILURE;
    }
}

/* ------------------------------------------------------------------ */
/* Option iterator                                                      */
/* ------------------------------------------------------------------ */
void rnrctl_parser_init(struct rnrctl_parser *p, int argc, char *const *argv, int first)
{
    p->argc = argc;
    p->argv = argv;
    p->next = first;
    p->no_options = 0;
}

static int take_arg(struct rnrctl_parser *p, const char *inline_val,
                    const char **val, const char *shown, char *err, size_t errlen)
{
    if (inline_val != NULL) {
        *val = inline_val;
        return 0;
    }
    if (p->next >= p->argc) {
        snprintf(err, errlen, "option '%s' needs an argument", shown);
        return RNRCTL_OPT_ERROR;
    }
    *val = p->argv[p->next++];
    return 0;
}

int rnrctl_parser_next(struct rnrctl_parser *p, const struct rnrctl_opt *opts,
                       const char **val, char *err, size_t errlen)
{
    const struct rnrctl_opt *o;
    const char *a;
    char shown[64];

    *val = NULL;
    for (;;) {
        if (p->next >= p->argc)
            return RNRCTL_OPT_END;
        a = p->argv[p->next++];
        /* "-" alone is an ordinary argument, as in most tools. */
        if (p->no_options || a[0] != '-' || a[1] == '\0') {
            *val = a;
            return RNRCTL_OPT_POSITIONAL;
        }
        if (strcmp(a, "--") == 0) {
            p->no_options = 1;
            continue;
        }
        break;
    }

    if (a[1] == '-') {
        const char *name = a + 2;
        const char *eq = strchr(name, '=');
        size_t nlen = eq != NULL ? (size_t)(eq - name) : strlen(name);

        for (o = opts; o->name != NULL || o->short_name != 0; o++)
            if (o->name != NULL && strlen(o->name) == nlen && strncmp(o->name, name, nlen) == 0)
                break;
        snprintf(shown, sizeof shown, "--%.*s", (int)(nlen > 40 ? 40 : nlen), name);
        if (o->name == NULL && o->short_name == 0) {
            struct rnr_suggest sg;
            char word[RNR_SUGGEST_MAX_LEN + 1];

            snprintf(word, sizeof word, "%.*s", (int)(nlen > RNR_SUGGEST_MAX_LEN
                                                      ? RNR_SUGGEST_MAX_LEN : nlen), name);
            rnr_suggest_init(&sg, word);
            for (o = opts; o->name != NULL || o->short_name != 0; o++)
                rnr_suggest_add(&sg, o->name);
            if (rnr_suggest_best(&sg) != NULL)
                snprintf(err, errlen, "unknown option '%s'; did you mean '--%s'?", shown,
                         rnr_suggest_best(&sg));
            else
                snprintf(err, errlen, "unknown option '%s'", shown);
            return RNRCTL_OPT_ERROR;
        }
        if (!o->has_arg) {
            if (eq != NULL) {
                snprintf(err, errlen, "option '%s' takes no argument", shown);
                return RNRCTL_OPT_ERROR;
            }
            return o->id;
        }
        if (take_arg(p, eq != NULL ? eq + 1 : NULL, val, shown, err, errlen) != 0)
            return RNRCTL_OPT_ERROR;
        return o->id;
    }

    for (o = opts; o->name != NULL || o->short_name != 0; o++)
        if (o->short_name != 0 && o->short_name == a[1])
            break;
    if ((o->name == NULL && o->short_name == 0) || (!o->has_arg && a[2] != '\0')) {
        snprintf(err, errlen, "unknown option '%.40s'", a);
        return RNRCTL_OPT_ERROR;
    }
    if (!o->has_arg)
        return o->id;
    snprintf(shown, sizeof shown, "-%c", a[1]);
    if (take_arg(p, a[2] != '\0' ? a + 2 : NULL, val, shown, err, errlen) != 0)
        return RNRCTL_OPT_ERROR;
    return o->id;
}

/* ------------------------------------------------------------------ */
/* Numbers                                                              */
/* ------------------------------------------------------------------ */
int rnrctl_parse_ulong(const char *s, unsigned long min, unsigned long max,
                       unsigned long *out)
{
    unsigned long v;
    char *end;

    /* strtoul accepts leading blanks, signs and "-1" -> ULONG_MAX: refuse
     * all of that by demanding a digit first. */
    if (s == NULL || !isdigit((unsigned char)s[0]))
        return WSAEINVAL;
    errno = 0;
    v = strtoul(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < min || v > max)
        return WSAEINVAL;
    *out = v;
    return 0;
}

/* ------------------------------------------------------------------ */
/* Service classes                                                      */
/* ------------------------------------------------------------------ */
static const struct {
    const char *alias;
    GUID        guid;
} class_aliases[] = {
    { "host",     SVCID_INET_HOSTADDRBYNAME },
    { "addr",     SVCID_INET_HOSTADDRBYINETSTRING },
    { "service",  SVCID_INET_SERVICEBYNAME },
    { "hostname", SVCID_HOSTNAME },
};

const char *rnrctl_class_alias(size_t i)
{
    return i < sizeof class_aliases / sizeof class_aliases[0] ? class_aliases[i].alias : NULL;
}

int rnrctl_parse_class(const char *s, GUID *out, char *err, size_t errlen)
{
    GUID g;
    size_t i;

    if (s == NULL || s[0] == '\0') {
        snprintf(err, errlen, "empty service class");
        return WSAEINVAL;
    }
    if (rnr_guid_parse(s, &g) == 0) {
        *out = g;
        return 0;
    }
    for (i = 0; i < sizeof class_aliases / sizeof class_aliases[0]; i++) {
        if (strcasecmp(s, class_aliases[i].alias) == 0) {
            *out = class_aliases[i].guid;
            return 0;
        }
    }
    if (strncasecmp(s, "tcp:", 4) == 0 || strncasecmp(s, "udp:", 4) == 0) {
        static const GUID tcp0 = SVCID_TCP(0), udp0 = SVCID_UDP(0);
        unsigned long port;

        /* Port 0 names no service; a well-known class needs a real port. */
        if (rnrctl_parse_ulong(s + 4, 1, 65535, &port) != 0) {
            snprintf(err, errlen, "bad port in '%.40s' (want %.3s:1..65535)", s, s);
            return WSAEINVAL;
        }
        g = (s[0] == 't' || s[0] == 'T') ? tcp0 : udp0;
        g.Data1 |= (uint32_t)port;
        *out = g;
        return 0;
    }
    snprintf(err, errlen, "unknown service class '%.60s'", s);
    return RNRCTL_CLASS_NOT_ALIAS;
}

/* ------------------------------------------------------------------ */
/* Name spaces, families, protocols                                     */
/* ------------------------------------------------------------------ */
int rnrctl_parse_namespace(const char *s, DWORD *out, char *err, size_t errlen)
{
    long ns = s != NULL && s[0] != '\0' ? rnr_namespace_from_string(s) : -1;

    /* The providers' names are what users know the TCP/IP name spaces by. */
    if (ns < 0 && s != NULL && strcasecmp(s, "hosts") == 0)
        ns = NS_TCPIP_HOSTS;
    if (ns < 0 && s != NULL && strcasecmp(s, "local") == 0)
        ns = NS_TCPIP_LOCAL;

    if (ns < 0 || (unsigned long)ns > UINT32_MAX) {
        snprintf(err, errlen, "unknown name space '%.40s' (a number, NS_* name or short name such as dns)",
                 s != NULL ? s : "");
        return WSAEINVAL;
    }
    *out = (DWORD)ns;
    return 0;
}

int rnrctl_parse_family(const char *s, int *out, char *err, size_t errlen)
{
    if (strcasecmp(s, "inet") == 0 || strcasecmp(s, "ipv4") == 0 || strcmp(s, "4") == 0) {
        *out = AF_INET;
        return 0;
    }
    if (strcasecmp(s, "inet6") == 0 || strcasecmp(s, "ipv6") == 0 || strcmp(s, "6") == 0) {
        *out = AF_INET6;
        return 0;
    }
    snprintf(err, errlen, "unknown address family '%.40s' (want inet or inet6)", s);
    return WSAEINVAL;
}

int rnrctl_parse_protocol(const char *s, int *out, char *err, size_t errlen)
{
    if (strcasecmp(s, "tcp") == 0) {
        *out = IPPROTO_TCP;
        return 0;
    }
    if (strcasecmp(s, "udp") == 0) {
        *out = IPPROTO_UDP;
        return 0;
    }
    snprintf(err, errlen, "unknown protocol '%.40s' (want tcp or udp)", s);
    return WSAEINVAL;
}

/* ------------------------------------------------------------------ */
/* LUP_* flags                                                          */
/* ------------------------------------------------------------------ */
static const struct {
    const char *name;
    DWORD       bit;
} lup_names[] = {
    { "deep",                LUP_DEEP },
    { "containers",          LUP_CONTAINERS },
    { "nocontainers",        LUP_NOCONTAINERS },
    { "nearest",             LUP_NEAREST },
    { "flushcache",          LUP_FLUSHCACHE },
    { "res-service",         LUP_RES_SERVICE },
    { "return-name",         LUP_RETURN_NAME },
    { "return-type",         LUP_RETURN_TYPE },
    { "return-version",      LUP_RETURN_VERSION },
    { "return-comment",      LUP_RETURN_COMMENT },
    { "return-addr",         LUP_RETURN_ADDR },
    { "return-blob",         LUP_RETURN_BLOB },
    { "return-aliases",      LUP_RETURN_ALIASES },
    { "return-query-string", LUP_RETURN_QUERY_STRING },
    { "return-all",          LUP_RETURN_ALL },
};

int rnrctl_parse_lup_flags(const char *s, DWORD *out, char *err, size_t errlen)
{
    DWORD flags = 0;
    const char *p = s;

    if (s == NULL || s[0] == '\0') {
        snprintf(err, errlen, "empty flag list");
        return WSAEINVAL;
    }
    for (;;) {
        const char *end = strchr(p, ',');
        size_t n = end != NULL ? (size_t)(end - p) : strlen(p);
        char item[32];
        const char *name;
        size_t i, j;

        while (n > 0 && isspace((unsigned char)*p)) {
            p++;
            n--;
        }
        while (n > 0 && isspace((unsigned char)p[n - 1]))
            n--;
        if (n == 0) {
            snprintf(err, errlen, "empty item in flag list '%.60s'", s);
            return WSAEINVAL;
        }
        if (n >= sizeof item) {
            snprintf(err, errlen, "unknown flag '%.*s...'", 20, p);
            return WSAEINVAL;
        }
        /* Accept the SDK spelling too (LUP_RETURN_ALL == return-all). */
        for (j = 0; j < n; j++)
            item[j] = p[j] == '_' ? '-' : (char)tolower((unsigned char)p[j]);
        item[n] = '\0';
        name = strncmp(item, "lup-", 4) == 0 ? item + 4 : item;
        for (i = 0; i < sizeof lup_names / sizeof lup_names[0]; i++)
            if (strcmp(name, lup_names[i].name) == 0)
                break;
        if (i == sizeof lup_names / sizeof lup_names[0]) {
            snprintf(err, errlen, "unknown flag '%s' (want deep, containers, nocontainers, nearest, "
                     "flushcache, res-service, return-name, return-type, return-version, "
                     "return-comment, return-addr, return-blob, return-aliases, "
                     "return-query-string or return-all)", item);
            return WSAEINVAL;
        }
        flags |= lup_names[i].bit;
        if (end == NULL)
            break;
        p = end + 1;
    }
    if ((flags & LUP_CONTAINERS) && (flags & LUP_NOCONTAINERS)) {
        snprintf(err, errlen, "flags containers and nocontainers exclude each other");
        return WSAEINVAL;
    }
    if ((flags & LUP_RETURN_ALL) == 0)
        flags |= LUP_RETURN_ALL;
    *out = flags;
    return 0;
}

/* ------------------------------------------------------------------ */
/* Versions                                                             */
/* ------------------------------------------------------------------ */
int rnrctl_parse_version(const char *s, int allow_plus, WSAVERSION *out,
                         char *err, size_t errlen)
{
    char num[16];
    size_t n = strlen(s);
    WSAECOMPARATOR how = COMP_EQUAL;
    unsigned long v;

    if (allow_plus && n > 0 && s[n - 1] == '+') {
        how = COMP_NOTLESS;
        n--;
    }
    if (n == 0 || n >= sizeof num)
        goto bad;
    memcpy(num, s, n);
    num[n] = '\0';
    if (rnrctl_parse_ulong(num, 0, UINT32_MAX, &v) != 0)
        goto bad;
    out->dwVersion = (DWORD)v;
    out->ecHow = how;
    return 0;
bad:
    snprintf(err, errlen, "bad version '%.40s' (want a number%s)", s,
             allow_plus ? ", or N+ for N or later" : "");
    return WSAEINVAL;
}

/* ------------------------------------------------------------------ */
/* Addresses                                                            */
/* ------------------------------------------------------------------ */
static int parse_scope(const char *s, uint32_t *out)
{
    unsigned long v;
    unsigned idx;

    if (rnrctl_parse_ulong(s, 0, UINT32_MAX, &v) == 0) {
        *out = (uint32_t)v;
        return 0;
    }
    idx = if_nametoindex(s);
    if (idx == 0)
        return WSAEINVAL;
    *out = idx;
    return 0;
}

int rnrctl_parse_addr(const char *s, struct sockaddr_storage *out, int *outlen,
                      char *err, size_t errlen)
{
    char host[INET6_ADDRSTRLEN + IF_NAMESIZE + 2];
    const char *port_s = NULL, *colon;
    size_t hlen;
    int v6;
    unsigned long port = 0;

    if (s == NULL || s[0] == '\0') {
        snprintf(err, errlen, "empty address");
        return WSAEINVAL;
    }
    if (s[0] == '[') {
        const char *rb = strchr(s, ']');

        if (rb == NULL) {
            snprintf(err, errlen, "bad address '%.60s': missing ']'", s);
            return WSAEINVAL;
        }
        hlen = (size_t)(rb - s - 1);
        if (hlen >= sizeof host)
            goto bad;
        memcpy(host, s + 1, hlen);
        host[hlen] = '\0';
        if (rb[1] == ':')
            port_s = rb + 2;
        else if (rb[1] != '\0')
            goto bad;
        v6 = 1;
    } else {
        colon = strchr(s, ':');
        /* One colon separates an IPv4 host from its port; more than one
         * is a bare IPv6 address, which cannot carry a port. */
        v6 = colon != NULL && strchr(colon + 1, ':') != NULL;
        hlen = (!v6 && colon != NULL) ? (size_t)(colon - s) : strlen(s);
        if (hlen >= sizeof host)
            goto bad;
        memcpy(host, s, hlen);
        host[hlen] = '\0';
        if (!v6 && colon != NULL)
            port_s = colon + 1;
    }
    if (port_s != NULL && rnrctl_parse_ulong(port_s, 0, 65535, &port) != 0) {
        snprintf(err, errlen, "bad port in address '%.60s' (want 0..65535)", s);
        return WSAEINVAL;
    }

    if (v6) {
        struct sockaddr_in6 sin6;
        char *pct = strchr(host, '%');
        uint32_t scope = 0;

        memset(&sin6, 0, sizeof sin6);
        if (pct != NULL) {
            *pct = '\0';
            if (parse_scope(pct + 1, &scope) != 0) {
                snprintf(err, errlen, "bad address '%.60s': unknown interface '%s'", s, pct + 1);
                return WSAEINVAL;
            }
        }
        if (inet_pton(AF_INET6, host, &sin6.sin6_addr) != 1)
            goto bad;
        sin6.sin6_family = AF_INET6;
        sin6.sin6_port = htons((uint16_t)port);
        sin6.sin6_scope_id = scope;
        memset(out, 0, sizeof *out);
        memcpy(out, &sin6, sizeof sin6);
        *outlen = (int)sizeof sin6;
    } else {
        struct sockaddr_in sin;

        memset(&sin, 0, sizeof sin);
        if (inet_pton(AF_INET, host, &sin.sin_addr) != 1)
            goto bad;
        sin.sin_family = AF_INET;
        sin.sin_port = htons((uint16_t)port);
        memset(out, 0, sizeof *out);
        memcpy(out, &sin, sizeof sin);
        *outlen = (int)sizeof sin;
    }
    return 0;
bad:
    snprintf(err, errlen, "bad address '%.60s' (want 1.2.3.4:80, [::1]:80 or ::1)", s);
    return WSAEINVAL;
}
