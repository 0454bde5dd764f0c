/* SPDX-License-Identifier: MIT */
/*
 * Text for the server: search filters (RFC 4515) and DNs (RFC 4514)
 * built from names a client chose, so that no name can widen a search or
 * point a write elsewhere.
 */
#include "config.h"

#include "ldap_codec.h"

#include <string.h>

#include "alloc.h"

void lp_buf_free(struct lp_buf *b)
{
    if (b == NULL)
        return;
    rnr_free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

void lp_buf_putn(struct lp_buf *b, const char *s, size_t n)
{
    char  *d;
    size_t cap;

    if (b->error)
        return;
    if (b->len + n + 1 > b->cap) {
        cap = b->cap ? b->cap : 128;
        while (cap < b->len + n + 1)
            cap *= 2;
        if ((d = rnr_realloc(b->data, cap)) == NULL) {
            b->error = 1;
            return;
        }
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void lp_buf_puts(struct lp_buf *b, const char *s)
{
    lp_buf_putn(b, s, strlen(s));
}

static void put_hex(struct lp_buf *b, unsigned char c)
{
    static const char hex[] = "0123456789abcdef";
    char esc[3] = { '\\', hex[c >> 4], hex[c & 15] };

    lp_buf_putn(b, esc, 3);
}

void lp_filter_escape(struct lp_buf *b, const char *s, int wild)
{
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;

        if (wild && (c == '*' || c == '?'))
            lp_buf_putn(b, "*", 1);
        else if (c == '*' || c == '(' || c == ')' || c == '\\' || c < 0x20 || c >= 0x7f)
            put_hex(b, c);
        else
            lp_buf_putn(b, s, 1);
    }
}

/* A binary assertion value (a GUID), every byte escaped. */
void lp_filter_bytes(struct lp_buf *b, const unsigned char *v, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        put_hex(b, v[i]);
}

void lp_dn_escape(struct lp_buf *b, const char *s)
{
    size_t n = strlen(s), i;

    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        if (strchr(",+\"\\<>;=", c) != NULL || (i == 0 && (c == ' ' || c == '#')) ||
            (i == n - 1 && c == ' ')) {
            char esc[2] = { '\\', (char)c };
            lp_buf_putn(b, esc, 2);
        } else if (c < 0x20 || c == 0x7f) {
            put_hex(b, c);
        } else {
            lp_buf_putn(b, s + i, 1);
        }
    }
}

int lp_context_dn(const char *context, const char *container, char **out)
{
    struct lp_buf b = { 0 };
    const char   *c = context != NULL ? context : "";
    const char   *end;
    int           rc = 0;

    /* Components are written innermost first: walk from the end. */
    while (*c == '\\')
        c++;
    end = c + strlen(c);
    while (end > c && end[-1] == '\\')
        end--;
    while (end > c) {
        const char *start = end;
        char       *comp;

        while (start > c && start[-1] != '\\')
            start--;
        if (start == end || end - start > LP_NAME_MAX) {
            rc = WSAEINVAL;
            goto done;
        }
        if ((comp = rnr_strndup(start, (size_t)(end - start))) == NULL) {
            rc = WSA_NOT_ENOUGH_MEMORY;
            goto done;
        }
        lp_buf_puts(&b, "CN=");
        lp_dn_escape(&b, comp);
        lp_buf_puts(&b, ",");
        rnr_free(comp);
        end = start > c ? start - 1 : start;
        if (end > c && end[-1] == '\\') {
            rc = WSAEINVAL;   /* an empty component: "a\\\\b" */
            goto done;
        }
    }
    lp_buf_puts(&b, container);
    if (b.error) {
        rc = WSA_NOT_ENOUGH_MEMORY;
        goto done;
    }
    *out = b.data;
    b.data = NULL;
done:
    lp_buf_free(&b);
    return rc;
}
