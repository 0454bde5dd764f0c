/* SPDX-License-Identifier: MIT */
/*
 * Errors and white space for rnr's libxml2 readers (xml_err.h).
 */
#include "config.h"

#include "xml_err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <libxml/tree.h>

void rnr_xml_err_set(struct rnr_xml_err *x, long line, const char *fmt, ...)
{
    va_list ap;
    int     n = 0;

    if (x->set)
        return;
    x->set = 1;
    if (x->buf == NULL || x->len == 0)
        return;
    if (x->name != NULL && line > 0)
        n = snprintf(x->buf, x->len, "%s:%ld: ", x->name, line);
    else if (x->name != NULL)
        n = snprintf(x->buf, x->len, "%s: ", x->name);
    if (n < 0 || (size_t)n >= x->len)
        return;
    va_start(ap, fmt);
    vsnprintf(x->buf + n, x->len - (size_t)n, fmt, ap);
    va_end(ap);
}

void rnr_xml_err_libxml(void *ctx, RNR_XML_ERROR *e)
{
    struct rnr_xml_err *x = ctx;
    char                msg[512];
    size_t              n;
    long                line;

    if (x == NULL || e == NULL || e->level < XML_ERR_ERROR)
        return;
    snprintf(msg, sizeof msg, "%s", e->message != NULL ? e->message : "error");
    n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        msg[--n] = '\0';
    line = e->line;
    if (line <= 0 && e->node != NULL)
        line = xmlGetLineNo((const xmlNode *)e->node);
    rnr_xml_err_set(x, line, "%s", msg);
}

/* The line of p[at], counted only when there is something to report. */
static long line_at(const char *p, size_t at)
{
    long        line = 1;
    const char *q = p, *end = p + at, *nl;

    while (q < end && (nl = memchr(q, '\n', (size_t)(end - q))) != NULL) {
        line++;
        q = nl + 1;
    }
    return line;
}

/* The first `needle` at or after p[i], or NULL. */
static const char *find(const char *p, size_t len, size_t i, const char *needle)
{
    return i <= len ? memmem(p + i, len - i, needle, strlen(needle)) : NULL;
}

int rnr_xml_prescan(const char *p, size_t len, struct rnr_xml_err *x)
{
    size_t      i = 0, attrs, name, namelen;
    const char *q;

    for (;;) {
        if ((q = i < len ? memchr(p + i, '<', len - i) : NULL) == NULL)
            return 0;
        i = (size_t)(q - p);
        if (len - i >= 4 && memcmp(q, "<!--", 4) == 0) {
            q = find(p, len, i + 4, "-->");
        } else if (len - i >= 9 && memcmp(q, "<![CDATA[", 9) == 0) {
            q = find(p, len, i + 9, "]]>");
        } else if (len - i >= 2 && q[1] == '?') {
            q = find(p, len, i + 2, "?>");
        } else if (len - i >= 2 && q[1] == '!') {
            rnr_xml_err_set(x, line_at(p, i), "%s declarations are not allowed (no DTD, no "
                            "entities)", len - i >= 9 && memcmp(q, "<!DOCTYPE", 9) == 0 ?
                            "DOCTYPE" : "markup");
            return -1;
        } else if (len - i >= 2 && q[1] == '/') {
            q = memchr(q, '>', len - i);
        } else {
            /* A start tag: its name, then name="value" pairs. */
            name = ++i;
            while (i < len && !rnr_xml_is_space((unsigned char)p[i]) && p[i] != '>' &&
                   p[i] != '/')
                i++;
            namelen = i - name < 64 ? i - name : 64;
            for (attrs = 0;;) {
                size_t start;
                char   quote;

                while (i < len && rnr_xml_is_space((unsigned char)p[i]))
                    i++;
                if (i >= len || p[i] == '>' || p[i] == '/' || p[i] == '<')
                    break;
                while (i < len && p[i] != '=' && p[i] != '>' && p[i] != '<')
                    i++;
                if (i >= len || p[i] != '=')
                    break;
                i++;
                while (i < len && rnr_xml_is_space((unsigned char)p[i]))
                    i++;
                if (i >= len || (p[i] != '"' && p[i] != '\''))
                    break;
                if (++attrs > RNR_XML_MAX_ATTRS) {
                    rnr_xml_err_set(x, line_at(p, i), "element <%.*s> has more than %u "
                                    "attributes", (int)namelen, p + name, RNR_XML_MAX_ATTRS);
                    return -1;
                }
                quote = p[i];
                start = ++i;
                if ((q = memchr(p + i, quote, len - i)) == NULL)
                    return 0;
                i = (size_t)(q - p);
                if (i - start > RNR_XML_MAX_ATTR_LEN) {
                    rnr_xml_err_set(x, line_at(p, start), "an attribute value of %zu bytes "
                                    "(the limit is %u)", i - start, RNR_XML_MAX_ATTR_LEN);
                    return -1;
                }
                i++;
            }
            continue;
        }
        if (q == NULL)
            return 0;
        i = (size_t)(q - p) + 1;
    }
}

int rnr_xml_is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

char *rnr_xml_trim(char *s)
{
    size_t n;

    while (rnr_xml_is_space(*s))
        s++;
    n = strlen(s);
    while (n > 0 && rnr_xml_is_space(s[n - 1]))
        s[--n] = '\0';
    return s;
}
