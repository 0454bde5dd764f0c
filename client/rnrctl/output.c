/* SPDX-License-Identifier: MIT */
/*
 * rnrctl output: JSON writer, text tables, value formatting (output.h).
 */
#include <config.h>

#include <assert.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <rnr/winsock2.h>

#include "alloc.h"
#include "output.h"

size_t out_utf8_len(const unsigned char *p, size_t n)
{
    unsigned char c = p[0];
    unsigned char lo = 0x80, hi = 0xBF;
    size_t need, i;

    if (n == 0)
        return 0;
    if (c < 0x80)
        return 1;
    if (c < 0xC2)           /* continuation byte, or overlong C0/C1 lead */
        return 0;
    if (c < 0xE0) {
        need = 2;
    } else if (c < 0xF0) {
        need = 3;
        if (c == 0xE0)
            lo = 0xA0;      /* overlong */
        else if (c == 0xED)
            hi = 0x9F;      /* UTF-16 surrogates */
    } else if (c < 0xF5) {
        need = 4;
        if (c == 0xF0)
            lo = 0x90;      /* overlong */
        else if (c == 0xF4)
            hi = 0x8F;      /* beyond U+10FFFF */
    } else {
        return 0;
    }
    if (n < need || p[1] < lo || p[1] > hi)
        return 0;
    for (i = 2; i < need; i++)
        if (p[i] < 0x80 || p[i] > 0xBF)
            return 0;
    return need;
}

/* ------------------------------------------------------------------ */
/* JSON                                                                 */
/* ------------------------------------------------------------------ */
void out_json_init(struct out_json *j, FILE *f, int pretty)
{
    memset(j, 0, sizeof *j);
    j->f = f;
    j->pretty = pretty;
}

void out_json_finish(struct out_json *j)
{
    assert(j->depth == 0);
    fputc('\n', j->f);
}

static void json_newline(struct out_json *j)
{
    unsigned i;

    if (!j->pretty)
        return;
    fputc('\n', j->f);
    for (i = 0; i < j->depth; i++)
        fputs("  ", j->f);
}

/* Comma and indentation before a value or a key. */
static void json_before(struct out_json *j)
{
    if (j->after_key) {
        j->after_key = 0;
        return;
    }
    if (j->depth == 0)
        return;
    if (j->count[j->depth - 1])
        fputc(',', j->f);
    j->count[j->depth - 1] = 1;
    json_newline(j);
}

static void json_open(struct out_json *j, int c)
{
    json_before(j);
    fputc(c, j->f);
    /* Nesting is fixed by rnrctl's own documents, never by input. */
    assert(j->depth < OUT_JSON_MAX_DEPTH);
    j->count[j->depth++] = 0;
}

static void json_close(struct out_json *j, int c)
{
    assert(j->depth > 0 && !j->after_key);
    j->depth--;
    if (j->count[j->depth])
        json_newline(j);
    fputc(c, j->f);
}

void out_json_object_begin(struct out_json *j) { json_open(j, '{'); }
void out_json_object_end(struct out_json *j)   { json_close(j, '}'); }
void out_json_array_begin(struct out_json *j)  { json_open(j, '['); }
void out_json_array_end(struct out_json *j)    { json_close(j, ']'); }

void out_json_escape(FILE *f, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, len;

    fputc('"', f);
    while (i < n) {
        unsigned char c = p[i];

        switch (c) {
        case '"':  fputs("\\\"", f); i++; continue;
        case '\\': fputs("\\\\", f); i++; continue;
        case '\b': fputs("\\b", f);  i++; continue;
        case '\f': fputs("\\f", f);  i++; continue;
        case '\n': fputs("\\n", f);  i++; continue;
        case '\r': fputs("\\r", f);  i++; continue;
        case '\t': fputs("\\t", f);  i++; continue;
        default:   break;
        }
        if (c < 0x20 || c == 0x7F) {
            fprintf(f, "\\u%04x", c);
            i++;
            continue;
        }
        len = out_utf8_len(p + i, n - i);
        if (len == 0) {
            /* Not UTF-8: keep the byte visible as the Latin-1 character
             * of the same value, so the document stays valid. */
            fprintf(f, "\\u%04x", c);
            i++;
            continue;
        }
        fwrite(p + i, 1, len, f);
        i += len;
    }
    fputc('"', f);
}

void out_json_key(struct out_json *j, const char *key)
{
    char buf[128], *k = buf;
    size_t n = strlen(key), i;

    assert(j->depth > 0 && !j->after_key);
    json_before(j);
    /* One key style in every document, snake_case, whatever the key's
     * source (rnrd's figures are "uptime-ms", "cache.hits"): a key is
     * then a plain jq path (.daemon.uptime_ms). */
    if (n >= sizeof buf && (k = rnr_malloc(n + 1)) == NULL) {
        out_json_escape(j->f, key, n);    /* as it is, rather than not at all */
    } else {
        for (i = 0; i < n; i++)
            k[i] = key[i] == '-' || key[i] == '.' ? '_' : key[i];
        out_json_escape(j->f, k, n);
        if (k != buf)
            rnr_free(k);
    }
    fputs(j->pretty ? ": " : ":", j->f);
    j->after_key = 1;
}

void out_json_string_n(struct out_json *j, const char *s, size_t n)
{
    json_before(j);
    if (s == NULL)
        fputs("null", j->f);
    else
        out_json_escape(j->f, s, n);
}

void out_json_string(struct out_json *j, const char *s)
{
    out_json_string_n(j, s, s != NULL ? strlen(s) : 0);
}

void out_json_uint(struct out_json *j, unsigned long long v)
{
    json_before(j);
    fprintf(j->f, "%llu", v);
}

void out_json_double(struct out_json *j, double v)
{
    json_before(j);
    /* JSON has no NaN or infinity. */
    if (v != v || v > 1e300 || v < -1e300)
        fputs("null", j->f);
    else
        fprintf(j->f, "%.6g", v);
}

void out_json_int(struct out_json *j, long long v)
{
    json_before(j);
    fprintf(j->f, "%lld", v);
}

void out_json_bool(struct out_json *j, int v)
{
    json_before(j);
    fputs(v ? "true" : "false", j->f);
}

void out_json_null(struct out_json *j)
{
    json_before(j);
    fputs("null", j->f);
}

void out_json_hex(struct out_json *j, const void *p, size_t n)
{
    const unsigned char *b = p;
    size_t i;

    json_before(j);
    if (p == NULL) {
        fputs("null", j->f);
        return;
    }
    fputc('"', j->f);
    for (i = 0; i < n; i++)
        fprintf(j->f, "%02x", b[i]);
    fputc('"', j->f);
}

void out_json_kv_string(struct out_json *j, const char *key, const char *s)
{
    out_json_key(j, key);
    out_json_string(j, s);
}

void out_json_kv_uint(struct out_json *j, const char *key, unsigned long long v)
{
    out_json_key(j, key);
    out_json_uint(j, v);
}

void out_json_kv_double(struct out_json *j, const char *key, double v)
{
    out_json_key(j, key);
    out_json_double(j, v);
}

void out_json_kv_int(struct out_json *j, const char *key, long long v)
{
    out_json_key(j, key);
    out_json_int(j, v);
}

void out_json_kv_bool(struct out_json *j, const char *key, int v)
{
    out_json_key(j, key);
    out_json_bool(j, v);
}

void out_json_kv_null(struct out_json *j, const char *key)
{
    out_json_key(j, key);
    out_json_null(j);
}

/* ------------------------------------------------------------------ */
/* Text                                                                 */
/* ------------------------------------------------------------------ */
/* Writes the safe form of s into dst (room for 4 * strlen(s) + 1). */
static void text_sanitize(const char *s, char *dst)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s), i = 0, len;
    char *d = dst;

    while (i < n) {
        unsigned char c = p[i];

        if (c >= 0x20 && c < 0x7F) {
            *d++ = (char)c;
            i++;
            continue;
        }
        len = c >= 0x80 ? out_utf8_len(p + i, n - i) : 0;
        /* U+0080..U+009F are C1 controls (CSI is U+009B): escape them as
         * well, byte by byte. */
        if (len > 1 && !(c == 0xC2 && p[i + 1] < 0xA0)) {
            memcpy(d, p + i, len);
            d += len;
            i += len;
            continue;
        }
        d += sprintf(d, "\\x%02x", c);
        i++;
    }
    *d = '\0';
}

char *out_text_dup(const char *s)
{
    char *r;

    if (s == NULL)
        s = "-";
    r = rnr_malloc(4 * strlen(s) + 1);
    if (r != NULL)
        text_sanitize(s, r);
    return r;
}

void out_text(FILE *f, const char *s)
{
    char *t = out_text_dup(s);

    fputs(t != NULL ? t : "?", f);
    rnr_free(t);
}

size_t out_text_width(const char *s)
{
    size_t w = 0;

    for (; *s != '\0'; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            w++;
    return w;
}

/* ------------------------------------------------------------------ */
/* Tables                                                               */
/* ------------------------------------------------------------------ */
int out_table_init(struct out_table *t, size_t ncols, const char *const *headers)
{
    memset(t, 0, sizeof *t);
    t->ncols = ncols;
    return out_table_add(t, headers);
}

int out_table_add(struct out_table *t, const char *const *row)
{
    size_t i;

    if (t->error != 0)
        return t->error;
    if (t->nrows == t->cap) {
        size_t cap = t->cap != 0 ? t->cap * 2 : 8;
        char **cells = rnr_realloc(t->cells, cap * t->ncols * sizeof *cells);

        if (cells == NULL)
            goto nomem;
        t->cells = cells;
        t->cap = cap;
    }
    for (i = 0; i < t->ncols; i++) {
        char *c = out_text_dup(row[i]);

        if (c == NULL) {
            while (i > 0)
                rnr_free(t->cells[t->nrows * t->ncols + --i]);
            goto nomem;
        }
        t->cells[t->nrows * t->ncols + i] = c;
    }
    t->nrows++;
    return 0;
nomem:
    t->error = WSAENOBUFS;
    return t->error;
}

void out_table_print(const struct out_table *t, FILE *f)
{
    size_t r, c, w;
    size_t *width = rnr_calloc(t->ncols != 0 ? t->ncols : 1, sizeof *width);

    if (width == NULL)
        return;
    for (r = 0; r < t->nrows; r++)
        for (c = 0; c < t->ncols; c++) {
            w = out_text_width(t->cells[r * t->ncols + c]);
            if (w > width[c])
                width[c] = w;
        }
    for (r = 0; r < t->nrows; r++) {
        for (c = 0; c < t->ncols; c++) {
            const char *cell = t->cells[r * t->ncols + c];

            fputs(cell, f);
            if (c + 1 < t->ncols) {
                for (w = out_text_width(cell); w < width[c] + 2; w++)
                    fputc(' ', f);
            }
        }
        fputc('\n', f);
    }
    rnr_free(width);
}

void out_table_free(struct out_table *t)
{
    size_t i;

    if (t == NULL || t->cells == NULL)
        return;
    for (i = 0; i < t->nrows * t->ncols; i++)
        rnr_free(t->cells[i]);
    rnr_free(t->cells);
    t->cells = NULL;
    t->nrows = t->cap = 0;
}

/* ------------------------------------------------------------------ */
/* Values                                                               */
/* ------------------------------------------------------------------ */
int out_format_sockaddr(const struct sockaddr *sa, int salen, int with_port,
                        char buf[OUT_ADDR_STRLEN])
{
    char host[INET6_ADDRSTRLEN];

    if (sa == NULL || salen < (int)sizeof(sa_family_t)) {
        snprintf(buf, OUT_ADDR_STRLEN, "-");
        return WSAEINVAL;
    }
    if (sa->sa_family == AF_INET && salen >= (int)sizeof(struct sockaddr_in)) {
        struct sockaddr_in sin;

        memcpy(&sin, sa, sizeof sin);   /* the buffer may be unaligned */
        inet_ntop(AF_INET, &sin.sin_addr, host, sizeof host);
        if (with_port)
            snprintf(buf, OUT_ADDR_STRLEN, "%s:%u", host, (unsigned)ntohs(sin.sin_port));
        else
            snprintf(buf, OUT_ADDR_STRLEN, "%s", host);
        return 0;
    }
    if (sa->sa_family == AF_INET6 && salen >= (int)sizeof(struct sockaddr_in6)) {
        struct sockaddr_in6 sin6;
        char scope[IF_NAMESIZE + 2] = "";

        memcpy(&sin6, sa, sizeof sin6);
        inet_ntop(AF_INET6, &sin6.sin6_addr, host, sizeof host);
        if (sin6.sin6_scope_id != 0)
            snprintf(scope, sizeof scope, "%%%u", (unsigned)sin6.sin6_scope_id);
        if (with_port)
            snprintf(buf, OUT_ADDR_STRLEN, "[%s%s]:%u", host, scope,
                     (unsigned)ntohs(sin6.sin6_port));
        else
            snprintf(buf, OUT_ADDR_STRLEN, "%s%s", host, scope);
        return 0;
    }
    snprintf(buf, OUT_ADDR_STRLEN, "family %u", (unsigned)sa->sa_family);
    return WSAEINVAL;
}

const char *out_protocol_name(int socktype, int protocol)
{
    if (protocol == IPPROTO_TCP)
        return "tcp";
    if (protocol == IPPROTO_UDP)
        return "udp";
    if (protocol == 0 && socktype == SOCK_STREAM)
        return "tcp";
    if (protocol == 0 && socktype == SOCK_DGRAM)
        return "udp";
    return NULL;
}
