/* SPDX-License-Identifier: MIT */
/*
 * rnrctl lookup: WSALookupServiceBegin / Next / End, every result printed.
 */
#include <config.h>

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <netdb.h>

#include "alloc.h"
#include "blob.h"
#include "class_xml.h"
#include "guid.h"
#include "rnrctl.h"

static const char rnrctl_help_lookup[] =
"Usage: rnrctl lookup CLASS [NAME] [options]\n"
"\n"
"Look NAME up in service class CLASS (WSALookupServiceBegin/Next/End) and\n"
"print every result: name, class, provider, name space, context, comment,\n"
"version, flags, addresses, blob.  Without NAME the instance name is NULL\n"
"(for class hostname: the local host).  Names may hold * and ? wildcards\n"
"where the provider can enumerate.\n"
"\n"
"CLASS: a GUID, host, addr, service, hostname, tcp:PORT, udp:PORT, or the\n"
"name of an installed class.\n"
"\n"
"Options:\n"
"  --ns NS              name space: number, NS_* name or short name (dns,\n"
"                       hosts, local ...); default NS_ALL\n"
"  --provider ID        one provider: its GUID, its identifier, or the first\n"
"                       word(s) of it (hosts, local; see rnrctl providers)\n"
"  --context CTX        where to start in a hierarchical name space\n"
"  --query STRING       query string (e.g. ftp/tcp with class hostname)\n"
"  --family FAMILY      inet or inet6; repeatable; only those addresses\n"
"  --protocol PROTO     tcp or udp; only those addresses\n"
"  --flags LIST         comma-separated: deep, containers, nocontainers,\n"
"                       nearest, flushcache, res-service, return-name,\n"
"                       return-type, return-version, return-comment,\n"
"                       return-addr, return-blob, return-aliases,\n"
"                       return-query-string, return-all.  Without any\n"
"                       return-* flag, return-all is added (the default)\n"
"  --version N[+]       only version N (N+: N or later)\n"
"  --short              one line per address, NAME: ADDRESS -- provider P,\n"
"                       then a line saying how long the lookup took and\n"
"                       whether rnrd answered or the answer cache did\n"
"  --json               print a JSON array of result objects\n"
"  -h, --help           show this help\n"
"\n"
"With --json the array (possibly empty) is printed whenever the lookup\n"
"started, even when it then fails; errors go to stderr.\n"
"\n"
"Examples:\n"
"  rnrctl lookup host localhost\n"
"  rnrctl lookup host localhost --short\n"
"  rnrctl lookup host www.example.com --ns dns --family inet6\n"
"  rnrctl lookup addr 127.0.0.1\n"
"  rnrctl lookup service ftp/tcp\n"
"  rnrctl lookup hostname --query ftp/tcp --protocol tcp\n"
"  rnrctl lookup tcp:5000 '*' --flags deep --context '\\'\n"
"\n"
"Exit status: 0 results printed; 1 nothing found; 2 usage; 3 rnrd not\n"
"reachable; 4 permission denied; 5 other failure.\n";

enum {
    O_QUERY = RNRCTL_O_FIRST,
    O_FAMILY,
    O_FLAGS,
    O_SHORT
};

static const struct rnrctl_opt opts[] = {
    RNRCTL_COMMON_OPTS,
    RNRCTL_TARGET_OPTS,
    { "query",    0, 1, O_QUERY },
    { "family",   0, 1, O_FAMILY },
    { "flags",    0, 1, O_FLAGS },
    { "short",    0, 0, O_SHORT },
    RNRCTL_OPTS_END
};

#define MAX_FAMILIES 2
/* First buffer for Next; most results fit, the others grow it. */
#define LOOKUP_BUF_INITIAL 4096u
#define LOOKUP_BUF_MAX     (64u * 1024 * 1024)

struct lookup {
    struct rnrctl_target t;
    const char *query;
    DWORD       flags;
    int         families[MAX_FAMILIES];
    int         nfamilies;
    int         short_form;
    /* --short: lines gathered so that addresses can be aligned. */
    struct short_line *lines;
    size_t      nlines, cap;
};

struct short_line {
    char       *name;      /* made safe (out_text_dup) */
    char        addr[OUT_ADDR_STRLEN];   /* or "(no address)" */
    int         has_addr;
    const char *provider;  /* in rnrctl's provider list; NULL: unknown */
};

/* ------------------------------------------------------------------ */
/* Blobs                                                                */
/* ------------------------------------------------------------------ */
enum blob_kind { BLOB_RAW, BLOB_HOSTENT, BLOB_SERVENT };

static enum blob_kind blob_kind_of_class(const GUID *cls)
{
    static const GUID byname = SVCID_INET_HOSTADDRBYNAME;
    static const GUID bystring = SVCID_INET_HOSTADDRBYINETSTRING;
    static const GUID hostname = SVCID_HOSTNAME;
    static const GUID service = SVCID_INET_SERVICEBYNAME;

    if (rnr_guid_equal(cls, &byname) || rnr_guid_equal(cls, &bystring) ||
        rnr_guid_equal(cls, &hostname))
        return BLOB_HOSTENT;
    if (rnr_guid_equal(cls, &service))
        return BLOB_SERVENT;
    return BLOB_RAW;
}

/* The blob's format follows the query's class (a SERVICEBYNAME query
 * answers with SVCID_TCP(port) results carrying a servent); the result's
 * own class decides only for queries of other classes. */
static enum blob_kind blob_kind_of(const struct lookup *lk, const WSAQUERYSETA *r)
{
    enum blob_kind k = blob_kind_of_class(&lk->t.class_id);

    if (k == BLOB_RAW && r->lpServiceClassId != NULL)
        k = blob_kind_of_class(r->lpServiceClassId);
    return k;
}

/* Unpacks a hostent/servent blob into a new buffer (rnr_free); NULL when
 * the class carries no such blob or the blob does not decode, in which
 * case only its size and bytes are shown. */
static void *blob_decode(enum blob_kind kind, const BLOB *b)
{
    size_t cap = 512, needed = 0;
    void *buf = NULL, *nbuf;
    int tries, r;

    if (kind == BLOB_RAW || b->pBlobData == NULL || b->cbSize == 0)
        return NULL;
    for (tries = 0; tries < 4; tries++) {
        nbuf = rnr_realloc(buf, cap);
        if (nbuf == NULL)
            break;
        buf = nbuf;
        r = kind == BLOB_HOSTENT
            ? rnr_blob_unpack_hostent(b->pBlobData, b->cbSize, buf, cap, &needed)
            : rnr_blob_unpack_servent(b->pBlobData, b->cbSize, buf, cap, &needed);
        if (r == 0)
            return buf;
        if (r != WSAEFAULT || needed <= cap || needed > LOOKUP_BUF_MAX)
            break;
        cap = needed;
    }
    rnr_free(buf);
    return NULL;
}

static int hostent_addr(const struct hostent *h, const char *a, char *buf, size_t len)
{
    if ((h->h_addrtype == AF_INET && h->h_length == 4) ||
        (h->h_addrtype == AF_INET6 && h->h_length == 16))
        return inet_ntop(h->h_addrtype, a, buf, (socklen_t)len) != NULL ? 0 : WSAEINVAL;
    return WSAEINVAL;
}

static void print_blob_text(enum blob_kind kind, const void *dec, FILE *f)
{
    char addr[INET6_ADDRSTRLEN];
    char **pp;

    if (kind == BLOB_HOSTENT) {
        const struct hostent *h = dec;

        fputs(", hostent: name ", f);
        out_text(f, h->h_name);
        fputs("; aliases", f);
        for (pp = h->h_aliases; pp != NULL && *pp != NULL; pp++) {
            fputc(' ', f);
            out_text(f, *pp);
        }
        fputs("; addresses", f);
        for (pp = h->h_addr_list; pp != NULL && *pp != NULL; pp++)
            if (hostent_addr(h, *pp, addr, sizeof addr) == 0)
                fprintf(f, " %s", addr);
    } else {
        const struct servent *s = dec;

        fputs(", servent: name ", f);
        out_text(f, s->s_name);
        fprintf(f, "; port %u; protocol ", (unsigned)ntohs((uint16_t)s->s_port));
        out_text(f, s->s_proto);
        fputs("; aliases", f);
        for (pp = s->s_aliases; pp != NULL && *pp != NULL; pp++) {
            fputc(' ', f);
            out_text(f, *pp);
        }
    }
}

static void json_string_list(struct out_json *j, char **list)
{
    out_json_array_begin(j);
    for (; list != NULL && *list != NULL; list++)
        out_json_string(j, *list);
    out_json_array_end(j);
}

static void print_blob_json(struct out_json *j, enum blob_kind kind, const void *dec)
{
    char addr[INET6_ADDRSTRLEN];
    char **pp;

    if (dec == NULL) {
        out_json_null(j);
        return;
    }
    out_json_object_begin(j);
    if (kind == BLOB_HOSTENT) {
        const struct hostent *h = dec;

        out_json_kv_string(j, "type", "hostent");
        out_json_kv_string(j, "name", h->h_name);
        out_json_key(j, "aliases");
        json_string_list(j, h->h_aliases);
        out_json_kv_int(j, "addrtype", h->h_addrtype);
        out_json_key(j, "addresses");
        out_json_array_begin(j);
        for (pp = h->h_addr_list; pp != NULL && *pp != NULL; pp++)
            if (hostent_addr(h, *pp, addr, sizeof addr) == 0)
                out_json_string(j, addr);
        out_json_array_end(j);
    } else {
        const struct servent *s = dec;

        out_json_kv_string(j, "type", "servent");
        out_json_kv_string(j, "name", s->s_name);
        out_json_key(j, "aliases");
        json_string_list(j, s->s_aliases);
        out_json_kv_uint(j, "port", ntohs((uint16_t)s->s_port));
        out_json_kv_string(j, "protocol", s->s_proto);
    }
    out_json_object_end(j);
}

/* ------------------------------------------------------------------ */
/* One result                                                           */
/* ------------------------------------------------------------------ */
static void output_flags_text(DWORD fl, char *buf, size_t len)
{
    static const struct { DWORD bit; const char *name; } names[] = {
        { RESULT_IS_ALIAS, "alias" },
        { RESULT_IS_ADDED, "added" },
        { RESULT_IS_CHANGED, "changed" },
        { RESULT_IS_DELETED, "deleted" },
    };
    size_t i, o = 0;
    DWORD rest = fl;

    buf[0] = '\0';
    for (i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (!(fl & names[i].bit))
            continue;
        o += (size_t)snprintf(buf + o, len - o, "%s%s", o ? "," : "", names[i].name);
        rest &= ~names[i].bit;
        if (o >= len)
            return;
    }
    if (rest != 0)
        snprintf(buf + o, len - o, "%s0x%lx", o ? "," : "", (unsigned long)rest);
    if (fl == 0)
        snprintf(buf, len, "-");
}

static void print_label(FILE *f, const char *label)
{
    fprintf(f, "  %-12s", label);
}

static void print_guid_line(FILE *f, const char *label, const GUID *g, const char *name)
{
    char id[RNR_GUID_STRLEN];

    print_label(f, label);
    if (g == NULL) {
        fputs("-\n", f);
        return;
    }
    rnr_guid_format(g, id);
    fputs(id, f);
    if (name != NULL) {
        fputs(" (", f);
        out_text(f, name);
        fputc(')', f);
    }
    fputc('\n', f);
}

static void print_text_line(FILE *f, const char *label, const char *s)
{
    print_label(f, label);
    out_text(f, s);
    fputc('\n', f);
}

/* One line per CSADDR: "tcp 192.0.2.1:80 (remote; local 0.0.0.0:0)". */
static void print_csaddr_text(FILE *f, const CSADDR_INFO *ca, int first)
{
    const char *proto = out_protocol_name(ca->iSocketType, ca->iProtocol);
    char remote[OUT_ADDR_STRLEN], local[OUT_ADDR_STRLEN], pbuf[24];

    if (proto == NULL) {
        snprintf(pbuf, sizeof pbuf, "proto %d", ca->iProtocol);
        proto = pbuf;
    }
    out_format_sockaddr(ca->RemoteAddr.lpSockaddr, ca->RemoteAddr.iSockaddrLength, 1, remote);
    out_format_sockaddr(ca->LocalAddr.lpSockaddr, ca->LocalAddr.iSockaddrLength, 1, local);
    print_label(f, first ? "addresses" : "");
    if (ca->RemoteAddr.lpSockaddr != NULL && ca->LocalAddr.lpSockaddr != NULL)
        fprintf(f, "%s %s (remote; local %s)\n", proto, remote, local);
    else if (ca->RemoteAddr.lpSockaddr != NULL)
        fprintf(f, "%s %s (remote)\n", proto, remote);
    else if (ca->LocalAddr.lpSockaddr != NULL)
        fprintf(f, "%s %s (local)\n", proto, local);
    else
        fprintf(f, "%s - (no address)\n", proto);
}

static void print_result_text(struct rnrctl *c, const struct lookup *lk,
                              const WSAQUERYSETA *r, unsigned long index)
{
    char buf[64];
    DWORD i;

    if (index > 1)
        fputc('\n', stdout);
    rnrctl_paint(c, RNRCTL_SGR_BOLD);
    fputs("result ", stdout);
    fprintf(stdout, "%lu: ", index);
    out_text(stdout, r->lpszServiceInstanceName);
    rnrctl_paint(c, NULL);
    fputc('\n', stdout);
    print_guid_line(stdout, "class", r->lpServiceClassId,
                    r->lpServiceClassId != NULL ? rnrctl_class_name(c, r->lpServiceClassId) : NULL);
    print_guid_line(stdout, "provider", r->lpNSProviderId,
                    r->lpNSProviderId != NULL ? rnrctl_provider_name(c, r->lpNSProviderId) : NULL);
    rnrctl_format_namespace(r->dwNameSpace, buf, sizeof buf);
    print_text_line(stdout, "name space", buf);
    print_text_line(stdout, "context", r->lpszContext);
    print_text_line(stdout, "comment", r->lpszComment);
    print_text_line(stdout, "query", r->lpszQueryString);
    if (r->lpVersion != NULL)
        snprintf(buf, sizeof buf, "%lu%s", (unsigned long)r->lpVersion->dwVersion,
                 r->lpVersion->ecHow == COMP_NOTLESS ? " (or later)" : "");
    print_text_line(stdout, "version", r->lpVersion != NULL ? buf : NULL);
    output_flags_text(r->dwOutputFlags, buf, sizeof buf);
    print_text_line(stdout, "flags", buf);
    for (i = 0; r->lpcsaBuffer != NULL && i < r->dwNumberOfCsAddrs; i++)
        print_csaddr_text(stdout, &r->lpcsaBuffer[i], i == 0);
    if (r->lpcsaBuffer == NULL || r->dwNumberOfCsAddrs == 0)
        print_text_line(stdout, "addresses", NULL);
    print_label(stdout, "blob");
    if (r->lpBlob == NULL || r->lpBlob->pBlobData == NULL) {
        fputs("-\n", stdout);
    } else {
        enum blob_kind kind = blob_kind_of(lk, r);
        void *dec = blob_decode(kind, r->lpBlob);

        fprintf(stdout, "%lu bytes", (unsigned long)r->lpBlob->cbSize);
        if (dec != NULL)
            print_blob_text(kind, dec, stdout);
        fputc('\n', stdout);
        rnr_free(dec);
    }
}

static void json_sockaddr(struct out_json *j, const SOCKET_ADDRESS *sa)
{
    char addr[OUT_ADDR_STRLEN];
    const struct sockaddr *s = sa->lpSockaddr;

    if (s == NULL) {
        out_json_null(j);
        return;
    }
    out_json_object_begin(j);
    if (out_format_sockaddr(s, sa->iSockaddrLength, 0, addr) == 0) {
        /* Both families keep the port at the same offset. */
        struct sockaddr_in sin;

        memcpy(&sin, s, sizeof sin);
        out_json_kv_string(j, "family", s->sa_family == AF_INET ? "inet" : "inet6");
        out_json_kv_string(j, "address", addr);
        out_json_kv_uint(j, "port", ntohs(sin.sin_port));
    } else {
        out_json_kv_uint(j, "family", sa->iSockaddrLength >= (int)sizeof(sa_family_t)
                                      ? s->sa_family : 0);
        out_json_kv_null(j, "address");
        out_json_kv_null(j, "port");
    }
    out_json_object_end(j);
}

static void print_result_json(struct rnrctl *c, struct out_json *j, const struct lookup *lk,
                              const WSAQUERYSETA *r)
{
    char id[RNR_GUID_STRLEN];
    DWORD i;

    out_json_object_begin(j);
    out_json_kv_string(j, "name", r->lpszServiceInstanceName);
    out_json_key(j, "class");
    if (r->lpServiceClassId != NULL) {
        rnr_guid_format(r->lpServiceClassId, id);
        out_json_string(j, id);
        out_json_kv_string(j, "class_name", rnrctl_class_name(c, r->lpServiceClassId));
    } else {
        out_json_null(j);
        out_json_kv_null(j, "class_name");
    }
    out_json_key(j, "provider");
    if (r->lpNSProviderId != NULL) {
        rnr_guid_format(r->lpNSProviderId, id);
        out_json_string(j, id);
        out_json_kv_string(j, "provider_name", rnrctl_provider_name(c, r->lpNSProviderId));
    } else {
        out_json_null(j);
        out_json_kv_null(j, "provider_name");
    }
    out_json_kv_uint(j, "namespace", r->dwNameSpace);
    out_json_kv_string(j, "namespace_name", rnr_namespace_name(r->dwNameSpace));
    out_json_kv_string(j, "context", r->lpszContext);
    out_json_kv_string(j, "comment", r->lpszComment);
    out_json_kv_string(j, "query_string", r->lpszQueryString);
    out_json_key(j, "version");
    if (r->lpVersion != NULL) {
        out_json_object_begin(j);
        out_json_kv_uint(j, "number", r->lpVersion->dwVersion);
        out_json_kv_string(j, "comparison",
                           r->lpVersion->ecHow == COMP_NOTLESS ? "notless" : "equal");
        out_json_object_end(j);
    } else {
        out_json_null(j);
    }
    out_json_kv_uint(j, "output_flags", r->dwOutputFlags);
    out_json_kv_bool(j, "alias", (r->dwOutputFlags & RESULT_IS_ALIAS) != 0);
    out_json_key(j, "addresses");
    out_json_array_begin(j);
    for (i = 0; r->lpcsaBuffer != NULL && i < r->dwNumberOfCsAddrs; i++) {
        const CSADDR_INFO *ca = &r->lpcsaBuffer[i];

        out_json_object_begin(j);
        out_json_kv_string(j, "protocol", out_protocol_name(ca->iSocketType, ca->iProtocol));
        out_json_kv_int(j, "socket_type", ca->iSocketType);
        out_json_kv_int(j, "protocol_number", ca->iProtocol);
        out_json_key(j, "local");
        json_sockaddr(j, &ca->LocalAddr);
        out_json_key(j, "remote");
        json_sockaddr(j, &ca->RemoteAddr);
        out_json_object_end(j);
    }
    out_json_array_end(j);
    out_json_key(j, "blob");
    if (r->lpBlob == NULL || r->lpBlob->pBlobData == NULL) {
        out_json_null(j);
    } else {
        enum blob_kind kind = blob_kind_of(lk, r);
        void *dec = blob_decode(kind, r->lpBlob);

        out_json_object_begin(j);
        out_json_kv_uint(j, "size", r->lpBlob->cbSize);
        out_json_key(j, "data");
        out_json_hex(j, r->lpBlob->pBlobData, r->lpBlob->cbSize);
        out_json_key(j, "decoded");
        print_blob_json(j, kind, dec);
        out_json_object_end(j);
        rnr_free(dec);
    }
    out_json_object_end(j);
}

/* ------------------------------------------------------------------ */
/* --short                                                              */
/* ------------------------------------------------------------------ */
/* addr NULL: a result without addresses. */
static int short_add(struct lookup *lk, const char *name, const char *addr,
                     const char *provider)
{
    struct short_line *l;

    if (lk->nlines == lk->cap) {
        size_t cap = lk->cap ? lk->cap * 2 : 16;

        if ((l = rnr_realloc(lk->lines, cap * sizeof *l)) == NULL)
            return WSAENOBUFS;
        lk->lines = l;
        lk->cap = cap;
    }
    l = &lk->lines[lk->nlines];
    if ((l->name = out_text_dup(name)) == NULL)
        return WSAENOBUFS;
    snprintf(l->addr, sizeof l->addr, "%s", addr != NULL ? addr : "(no address)");
    l->has_addr = addr != NULL;
    l->provider = provider;
    lk->nlines++;
    return 0;
}

/* The result's addresses as lines; one line "(no address)" without. */
static int short_result(struct rnrctl *c, struct lookup *lk, const WSAQUERYSETA *r)
{
    const char *prov = r->lpNSProviderId != NULL ? rnrctl_provider_name(c, r->lpNSProviderId)
                                                 : NULL;
    size_t first = lk->nlines, k;
    char addr[OUT_ADDR_STRLEN];
    DWORD i;
    int rc;

    for (i = 0; r->lpcsaBuffer != NULL && i < r->dwNumberOfCsAddrs; i++) {
        const SOCKET_ADDRESS *sa = &r->lpcsaBuffer[i].RemoteAddr;
        struct sockaddr_in sin;

        if (sa->lpSockaddr == NULL)
            sa = &r->lpcsaBuffer[i].LocalAddr;
        if (sa->lpSockaddr == NULL)
            continue;
        /* A host's address has no port: "192.0.2.1", not "192.0.2.1:0".
         * Both families keep the port at the same offset. */
        memset(&sin, 0, sizeof sin);
        if (sa->iSockaddrLength >= (int)sizeof sin)
            memcpy(&sin, sa->lpSockaddr, sizeof sin);
        out_format_sockaddr(sa->lpSockaddr, sa->iSockaddrLength, sin.sin_port != 0, addr);
        /* An address once per result, though it comes for tcp and udp. */
        for (k = first; k < lk->nlines; k++)
            if (lk->lines[k].has_addr && strcmp(lk->lines[k].addr, addr) == 0)
                break;
        if (k < lk->nlines)
            continue;
        if ((rc = short_add(lk, r->lpszServiceInstanceName, addr, prov)) != 0)
            return rc;
    }
    if (lk->nlines > first)
        return 0;
    /* A service's answer is its port, in a servent blob. */
    if (r->lpBlob != NULL && blob_kind_of(lk, r) == BLOB_SERVENT) {
        struct servent *se = blob_decode(BLOB_SERVENT, r->lpBlob);

        if (se != NULL) {
            char proto[17] = "?";
            size_t n = 0;

            /* The provider's bytes: only what a protocol name is made of,
             * so that the line stays plain text of known width. */
            for (k = 0; se->s_proto != NULL && se->s_proto[k] != '\0' && n < 16; k++)
                if (isalnum((unsigned char)se->s_proto[k]) || se->s_proto[k] == '-')
                    proto[n++] = se->s_proto[k];
            proto[n > 0 ? n : 1] = '\0';
            snprintf(addr, sizeof addr, "port %u/%s", (unsigned)ntohs((uint16_t)se->s_port),
                     proto);
            rnr_free(se);
            return short_add(lk, r->lpszServiceInstanceName, addr, prov);
        }
    }
    /* An alias without addresses only names what the others answer. */
    if (!(r->dwOutputFlags & RESULT_IS_ALIAS))
        return short_add(lk, r->lpszServiceInstanceName, NULL, prov);
    return 0;
}

static uint64_t now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* "12us", "1.25ms", "2.50s". */
static void short_elapsed(uint64_t us, char *buf, size_t len)
{
    if (us < 1000)
        snprintf(buf, len, "%lluus", (unsigned long long)us);
    else if (us < 1000000)
        snprintf(buf, len, "%.2fms", (double)us / 1e3);
    else
        snprintf(buf, len, "%.2fs", (double)us / 1e6);
}

/* The lines, addresses aligned, then as resolvectl does a line on how
 * the answer was had: "-- 2 addresses in 0.31ms, from rnrd". */
static void short_print(struct rnrctl *c, const struct lookup *lk, unsigned long results,
                        uint64_t us, int cached)
{
    size_t i, w = 0, naddr = 0;
    char took[32];

    for (i = 0; i < lk->nlines; i++) {
        size_t lw = out_text_width(lk->lines[i].name) + 2 + strlen(lk->lines[i].addr);

        if (lw > w)
            w = lw;
    }
    for (i = 0; i < lk->nlines; i++) {
        const struct short_line *l = &lk->lines[i];
        size_t lw = out_text_width(l->name) + 2 + strlen(l->addr);

        fputs(l->name, stdout);
        fputs(": ", stdout);
        if (l->has_addr) {
            rnrctl_paint(c, RNRCTL_SGR_BOLD);
            fputs(l->addr, stdout);
            rnrctl_paint(c, NULL);
            naddr++;
        } else {
            fputs(l->addr, stdout);
        }
        printf("%*s", (int)(w - lw) + 2, "");
        rnrctl_paint(c, RNRCTL_SGR_DIM);
        fputs("-- provider ", stdout);
        out_text(stdout, l->provider);
        rnrctl_paint(c, NULL);
        putchar('\n');
    }
    short_elapsed(us, took, sizeof took);
    rnrctl_paint(c, RNRCTL_SGR_DIM);
    printf("-- %zu address%s", naddr, naddr == 1 ? "" : "es");
    if (naddr == 0)
        printf(" (%lu result%s)", results, results == 1 ? "" : "s");
    printf(" in %s, from ", took);
    rnrctl_paint(c, NULL);
    rnrctl_paint(c, cached ? RNRCTL_SGR_GREEN : RNRCTL_SGR_YELLOW);
    fputs(cached ? "the answer cache" : "rnrd", stdout);
    rnrctl_paint(c, NULL);
    putchar('\n');
}

static void short_free(struct lookup *lk)
{
    size_t i;

    for (i = 0; i < lk->nlines; i++)
        rnr_free(lk->lines[i].name);
    rnr_free(lk->lines);
    lk->lines = NULL;
    lk->nlines = lk->cap = 0;
}

/* ------------------------------------------------------------------ */
/* The command                                                          */
/* ------------------------------------------------------------------ */
static int parse_args(struct rnrctl *c, struct lookup *lk, int argc, char **argv, int *help)
{
    struct rnrctl_parser p;
    const char *val;
    char err[512];
    int id, v, i, r;

    rnrctl_parser_init(&p, argc, argv, 1);
    while ((id = rnrctl_parser_next(&p, opts, &val, err, sizeof err)) != RNRCTL_OPT_END) {
        switch (id) {
        case RNRCTL_OPT_ERROR:
            return rnrctl_usage(c, "%s", err);
        case RNRCTL_O_HELP:
            *help = 1;
            return 0;
        case O_QUERY:
            lk->query = val;
            break;
        case O_FAMILY:
            if (rnrctl_parse_family(val, &v, err, sizeof err) != 0)
                return rnrctl_usage(c, "--family: %s", err);
            for (i = 0; i < lk->nfamilies && lk->families[i] != v; i++)
                ;
            if (i == lk->nfamilies)
                lk->families[lk->nfamilies++] = v;
            break;
        case O_FLAGS:
            if (rnrctl_parse_lup_flags(val, &lk->flags, err, sizeof err) != 0)
                return rnrctl_usage(c, "--flags: %s", err);
            break;
        case O_SHORT:
            lk->short_form = 1;
            break;
        default:
            if ((r = rnrctl_target_opt(c, &lk->t, id, val, 1)) != 0)
                return r;
            break;
        }
    }
    if (lk->t.class_arg == NULL)
        return rnrctl_usage(c, "missing CLASS");
    if (lk->short_form && c->json)
        return rnrctl_usage(c, "--short and --json exclude each other");
    return 0;
}

/* Next until the end, growing the buffer on WSAEFAULT.  Returns the
 * status the lookup ended with (0, or the error that stopped it) and the
 * number of results printed. */
static int run_lookup(struct rnrctl *c, struct lookup *lk, HANDLE h,
                      struct out_json *j, unsigned long *count)
{
    DWORD cap = LOOKUP_BUF_INITIAL, len;
    WSAQUERYSETA *buf = rnr_malloc(cap), *nbuf;
    int status = 0;

    if (buf == NULL)
        return WSAENOBUFS;
    for (;;) {
        len = cap;
        if (WSALookupServiceNextA(h, lk->flags, &len, buf) == 0) {
            ++*count;
            if (c->json) {
                print_result_json(c, j, lk, buf);
            } else if (lk->short_form) {
                if ((status = short_result(c, lk, buf)) != 0)
                    break;
            } else {
                print_result_text(c, lk, buf, *count);
            }
            continue;
        }
        status = rnrctl_last_error();
        if (status == WSAEFAULT) {
            /* The record stays first in line: retry it with the size the
             * library asked for.  A size that is no bigger would loop;
             * one beyond any sane record is refused. */
            if (len <= cap || len > LOOKUP_BUF_MAX) {
                status = WSAENOBUFS;
                break;
            }
            nbuf = rnr_realloc(buf, len);
            if (nbuf == NULL) {
                status = WSAENOBUFS;
                break;
            }
            buf = nbuf;
            cap = len;
            continue;
        }
        if (status == WSA_E_NO_MORE || status == WSAENOMORE)
            status = *count > 0 ? 0 : WSA_E_NO_MORE;
        break;
    }
    rnr_free(buf);
    return status;
}

static int rnrctl_cmd_lookup(struct rnrctl *c, int argc, char **argv)
{
    struct lookup lk;
    WSAQUERYSETA qs;
    AFPROTOCOLS afp[2 * MAX_FAMILIES];
    DWORD nafp = 0;
    struct out_json j;
    HANDLE h = NULL;
    unsigned long count = 0;
    const char *what;
    uint64_t t0 = 0;
    int help = 0, r, i, cached;

    memset(&lk, 0, sizeof lk);
    lk.t.ns = NS_ALL;
    lk.flags = LUP_RETURN_ALL;
    r = parse_args(c, &lk, argc, argv, &help);
    if (r != 0)
        return r;
    if (help) {
        fputs(rnrctl_help_lookup, stdout);
        return RNRCTL_EXIT_OK;
    }
    what = lk.t.name != NULL ? lk.t.name : lk.t.class_arg;

    if ((r = rnrctl_target_resolve(c, &lk.t)) != 0)
        return r;

    /* Each family with the protocol, or the protocol on both families. */
    if (lk.nfamilies == 0 && lk.t.protocol != 0) {
        afp[nafp].iAddressFamily = AF_INET;
        afp[nafp++].iProtocol = lk.t.protocol;
        afp[nafp].iAddressFamily = AF_INET6;
        afp[nafp++].iProtocol = lk.t.protocol;
    }
    for (i = 0; i < lk.nfamilies; i++) {
        afp[nafp].iAddressFamily = lk.families[i];
        afp[nafp++].iProtocol = lk.t.protocol;
    }

    rnrctl_target_queryset(&lk.t, &qs);
    qs.dwNumberOfProtocols = nafp;
    qs.lpafpProtocols = nafp != 0 ? afp : NULL;
    qs.lpszQueryString = (LPSTR)lk.query;

    if ((r = rnrctl_start(c)) != 0)
        return r;
    if (lk.short_form) {
        const WSANAMESPACE_INFOA *pl;
        int np;

        /* Fetched now, so that the time measured is the lookup's alone;
         * without the list, providers show as "-". */
        (void)rnrctl_get_providers(c, &pl, &np);
        t0 = now_us();
    }
    if (WSALookupServiceBeginA(&qs, lk.flags, &h) != 0) {
        int e = rnrctl_last_error();

        /* The router's answer to a provider id it does not know. */
        return rnrctl_fail(c, e, "%s%s", what,
                           e == WSAEINVAL && lk.t.provider_arg != NULL
                           ? "; is the provider right? see rnrctl providers" : "");
    }

    if (c->json) {
        out_json_init(&j, stdout, 1);
        out_json_array_begin(&j);
    }
    /* Before End: the handle says whether the answer cache answered. */
    cached = rnr_lookup_from_cache(h) == 1;
    r = run_lookup(c, &lk, h, &j, &count);
    if (lk.short_form && count > 0)
        short_print(c, &lk, count, now_us() - t0, cached);
    short_free(&lk);
    WSALookupServiceEnd(h);
    if (c->json) {
        out_json_array_end(&j);
        out_json_finish(&j);
    }

    if (r == WSA_E_NO_MORE)
        return rnrctl_not_found(c, what);
    if (r != 0)
        return rnrctl_fail(c, r, "%s%s", what, count > 0 ? ", after some results" : "");
    return RNRCTL_EXIT_OK;
}

const struct rnrctl_command rnrctl_command_lookup = {
    .name = "lookup",
    .synopsis = "CLASS [NAME]",
    .summary = "look a service up, print every result",
    .help = rnrctl_help_lookup,
    .run = rnrctl_cmd_lookup,
};
