/* SPDX-License-Identifier: MIT */
/*
 * The directory's XML codec (dir_xml.h), writing: plain text assembly,
 * since one record is written per registration and no tree is needed for
 * it.  Reading is dir_xml_sax.c (the store's lines) and dir_xml_read.c
 * (export documents), both through dir_xml_rec.c.
 */
#include "config.h"

#include "dir_xml.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "alloc.h"
#include "guid.h"
#include "queryset.h"

/* ------------------------------------------------------------ text */

void dir_text_init(struct dir_text *t)
{
    memset(t, 0, sizeof *t);
}

void dir_text_free(struct dir_text *t)
{
    if (t == NULL)
        return;
    rnr_free(t->data);
    memset(t, 0, sizeof *t);
}

void dir_text_put(struct dir_text *t, const char *s, size_t n)
{
    if (t->error)
        return;
    if (t->len + n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 256;
        char  *p;

        while (cap < t->len + n + 1)
            cap *= 2;
        p = rnr_realloc(t->data, cap);
        if (p == NULL) {
            t->error = WSAENOBUFS;
            return;
        }
        t->data = p;
        t->cap = cap;
    }
    memcpy(t->data + t->len, s, n);
    t->len += n;
    t->data[t->len] = '\0';
}

void dir_text_puts(struct dir_text *t, const char *s)
{
    dir_text_put(t, s, strlen(s));
}

static void text_printf(struct dir_text *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void text_printf(struct dir_text *t, const char *fmt, ...)
{
    char    buf[128];
    va_list ap;
    int     n;

    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n > 0 && (size_t)n < sizeof buf)
        dir_text_put(t, buf, (size_t)n);
}

/* Escaped for both attribute values and text: white space that XML
 * would normalise goes as a character reference, so a record stays on
 * one line and reads back byte for byte. */
static void put_escaped(struct dir_text *t, const char *s)
{
    const char *run = s;

    for (; *s != '\0'; s++) {
        const char *rep;

        switch (*s) {
        case '&':  rep = "&amp;"; break;
        case '<':  rep = "&lt;"; break;
        case '>':  rep = "&gt;"; break;
        case '"':  rep = "&quot;"; break;
        case '\t': rep = "&#9;"; break;
        case '\n': rep = "&#10;"; break;
        case '\r': rep = "&#13;"; break;
        default:   continue;
        }
        dir_text_put(t, run, (size_t)(s - run));
        dir_text_puts(t, rep);
        run = s + 1;
    }
    dir_text_put(t, run, (size_t)(s - run));
}

static void put_hex(struct dir_text *t, const uint8_t *p, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    char   buf[128];
    size_t i, k = 0;

    for (i = 0; i < n; i++) {
        buf[k++] = digits[p[i] >> 4];
        buf[k++] = digits[p[i] & 15];
        if (k == sizeof buf) {
            dir_text_put(t, buf, k);
            k = 0;
        }
    }
    dir_text_put(t, buf, k);
}

int dir_xml_text_ok(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    if (s == NULL)
        return 1;
    while (*p != '\0') {
        unsigned c = *p, need, i;
        uint32_t cp;

        if (c < 0x80) {
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
                return 0;
            if (c == 0x7f)
                return 0;
            p++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf) {
            need = 1;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            need = 2;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            need = 3;
            cp = c & 0x07;
        } else {
            return 0;
        }
        for (i = 1; i <= need; i++) {
            if ((p[i] & 0xc0) != 0x80)
                return 0;
            cp = cp << 6 | (p[i] & 0x3f);
        }
        /* Overlong forms, surrogates, beyond U+10FFFF, and the two
         * non-characters XML forbids. */
        if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) || cp > 0x10ffff ||
            (cp >= 0xd800 && cp <= 0xdfff) || cp == 0xfffe || cp == 0xffff)
            return 0;
        p += need + 1;
    }
    return 1;
}

/* ------------------------------------------------------------ writing */

static void put_sockaddr(struct dir_text *t, const char *tag, const SOCKET_ADDRESS *sa,
                         const char *pre)
{
    const struct sockaddr *s = (const struct sockaddr *)sa->lpSockaddr;
    char a[INET6_ADDRSTRLEN];

    if (s == NULL || sa->iSockaddrLength <= 0)
        return;
    text_printf(t, "%s<%s>", pre, tag);
    if (s->sa_family == AF_INET && (size_t)sa->iSockaddrLength >= sizeof(struct sockaddr_in)) {
        const struct sockaddr_in *s4 = (const void *)s;

        inet_ntop(AF_INET, &s4->sin_addr, a, sizeof a);
        text_printf(t, "%s:%u", a, ntohs(s4->sin_port));
    } else if (s->sa_family == AF_INET6 &&
               (size_t)sa->iSockaddrLength >= sizeof(struct sockaddr_in6) &&
               ((const struct sockaddr_in6 *)(const void *)s)->sin6_flowinfo == 0) {
        const struct sockaddr_in6 *s6 = (const void *)s;

        inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof a);
        if (s6->sin6_scope_id != 0)
            text_printf(t, "[%s%%%u]:%u", a, (unsigned)s6->sin6_scope_id, ntohs(s6->sin6_port));
        else
            text_printf(t, "[%s]:%u", a, ntohs(s6->sin6_port));
    } else {
        dir_text_puts(t, "raw:");
        put_hex(t, (const uint8_t *)s, (size_t)sa->iSockaddrLength);
    }
    text_printf(t, "</%s>", tag);
}

void dir_xml_put_entry(struct dir_text *t, const WSAQUERYSETA *qs, const char *context,
                       long long owner, int admin, int indent)
{
    const char *in1 = indent ? "\n    " : "", *in2 = indent ? "\n      " : "";
    char g[RNR_GUID_STRLEN];
    DWORD i;

    rnr_guid_format(qs->lpServiceClassId, g);
    dir_text_puts(t, indent ? "  <entry context=\"" : "<entry context=\"");
    put_escaped(t, context);
    text_printf(t, "\" class=\"%s\" name=\"", g);
    put_escaped(t, qs->lpszServiceInstanceName);
    dir_text_puts(t, "\"");
    if (qs->lpVersion != NULL)
        text_printf(t, " version=\"%lu\"", (unsigned long)qs->lpVersion->dwVersion);
    if (owner >= 0)
        text_printf(t, " owner=\"%lld\"", owner);
    if (admin)
        dir_text_puts(t, " admin=\"1\"");
    dir_text_puts(t, ">");
    if (qs->lpszComment != NULL) {
        text_printf(t, "%s<comment>", in1);
        put_escaped(t, qs->lpszComment);
        dir_text_puts(t, "</comment>");
    }
    for (i = 0; i < qs->dwNumberOfCsAddrs; i++) {
        const CSADDR_INFO *ca = &qs->lpcsaBuffer[i];

        text_printf(t, "%s<address socktype=\"%d\" protocol=\"%d\">", in1, ca->iSocketType,
                    ca->iProtocol);
        put_sockaddr(t, "local", &ca->LocalAddr, in2);
        put_sockaddr(t, "remote", &ca->RemoteAddr, in2);
        text_printf(t, "%s</address>", indent ? "\n    " : "");
    }
    if (qs->lpBlob != NULL) {
        text_printf(t, "%s<blob>", in1);
        put_hex(t, qs->lpBlob->pBlobData, qs->lpBlob->cbSize);
        dir_text_puts(t, "</blob>");
    }
    dir_text_puts(t, indent ? "\n  </entry>\n" : "</entry>");
}

void dir_xml_put_del(struct dir_text *t, const char *context, const GUID *cls, const char *name)
{
    char g[RNR_GUID_STRLEN];

    rnr_guid_format(cls, g);
    dir_text_puts(t, "<del context=\"");
    put_escaped(t, context);
    text_printf(t, "\" class=\"%s\" name=\"", g);
    put_escaped(t, name);
    dir_text_puts(t, "\"/>");
}

void dir_xml_doc_begin(struct dir_text *t)
{
    dir_text_puts(t, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                     "<!-- rnr directory export (etc/rnr-directory.rng) -->\n"
                     "<directory version=\"1\">\n");
}

void dir_xml_doc_end(struct dir_text *t)
{
    dir_text_puts(t, "</directory>\n");
}

