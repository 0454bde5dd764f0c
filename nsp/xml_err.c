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
