/* SPDX-License-Identifier: MIT */
/*
 * Building one <entry> or <del> from element events (dir_xml_int.h),
 * with the checks the schema cannot make: GUIDs, numbers, hex,
 * addresses and rnr's size limits, each naming the line.
 */
#include "config.h"

#include "dir_xml_int.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "guid.h"
#include "queryset.h"

enum { RB_NONE, RB_RECORD, RB_ADDRESS, RB_COMMENT, RB_BLOB, RB_LOCAL, RB_REMOTE };

#define ABSENT SIZE_MAX

/* ------------------------------------------------------------ values */

static int parse_ulong(const char *s, unsigned long max, unsigned long *out)
{
    unsigned long v = 0;

    if (s == NULL || *s == '\0')
        return -1;
    for (; *s != '\0'; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        if (v > (max - (unsigned long)(*s - '0')) / 10)
            return -1;
        v = v * 10 + (unsigned long)(*s - '0');
    }
    *out = v;
    return 0;
}

static int parse_int(const char *s, int *out)
{
    unsigned long v;
    int           neg = s != NULL && *s == '-';

    if (parse_ulong(neg ? s + 1 : s, neg ? 2147483648ul : 2147483647ul, &v) != 0)
        return -1;
    *out = neg ? (int)(-(long)v) : (int)v;
    return 0;
}

/* Hex digits (XML white space ignored) into out[0..max); the count. */
static long parse_hex(const char *s, uint8_t *out, size_t max)
{
    size_t n = 0;
    int    hi = -1;

    for (; *s != '\0'; s++) {
        int v;

        if (rnr_xml_is_space(*s))
            continue;
        if ((v = rnr_hex_digit((unsigned char)*s)) < 0)
            return -1;
        if (hi < 0) {
            hi = v;
            continue;
        }
        if (n >= max)
            return -1;
        out[n++] = (uint8_t)(hi << 4 | v);
        hi = -1;
    }
    return hi < 0 ? (long)n : -1;
}

/* "a.b.c.d:port", "[v6%scope]:port" or "raw:HEX" into *ss. */
static int parse_sockaddr(char *text, struct sockaddr_storage *ss, INT *len)
{
    char          *s = rnr_xml_trim(text), *colon, *pct;
    unsigned long  port, scope = 0;

    memset(ss, 0, sizeof *ss);
    if (strncmp(s, "raw:", 4) == 0) {
        long n = parse_hex(s + 4, (uint8_t *)ss, RNR_QS_MAX_SOCKADDR);

        if (n < (long)sizeof(sa_family_t))
            return -1;
        *len = (INT)n;
        return 0;
    }
    if (*s == '[') {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
        char *end = strchr(s, ']');

        if (end == NULL || end[1] != ':' || parse_ulong(end + 2, 65535, &port) != 0)
            return -1;
        *end = '\0';
        if ((pct = strchr(s + 1, '%')) != NULL) {
            *pct = '\0';
            if (parse_ulong(pct + 1, 0xfffffffful, &scope) != 0)
                return -1;
        }
        if (inet_pton(AF_INET6, s + 1, &s6->sin6_addr) != 1)
            return -1;
        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons((uint16_t)port);
        s6->sin6_scope_id = (uint32_t)scope;
        *len = (INT)sizeof *s6;
        return 0;
    }
    colon = strrchr(s, ':');
    if (colon == NULL || parse_ulong(colon + 1, 65535, &port) != 0)
        return -1;
    *colon = '\0';
    {
        struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

        if (inet_pton(AF_INET, s, &s4->sin_addr) != 1)
            return -1;
        s4->sin_family = AF_INET;
        s4->sin_port = htons((uint16_t)port);
        *len = (INT)sizeof *s4;
    }
    return 0;
}

/* ------------------------------------------------------------ builder */

static void fail(struct dir_rb *b, int rc, long line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void fail(struct dir_rb *b, int rc, long line, const char *fmt, ...)
{
    char    msg[400];
    va_list ap;

    if (b->rc != 0)
        return;
    b->rc = rc;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    rnr_xml_err_set(b->x, line, "%s", msg);
}

static const char *str(const struct dir_rb *b, size_t off)
{
    return off == ABSENT ? NULL : b->str.data + off;
}

/* A copy of s[0..n) in b->str, NUL-terminated; its offset. */
static size_t keep(struct dir_rb *b, const char *s, size_t n)
{
    size_t off = b->str.len;

    dir_text_put(&b->str, s, n);
    dir_text_put(&b->str, "", 1);
    return off;
}

void dir_rb_init(struct dir_rb *b, struct rnr_xml_err *x)
{
    memset(b, 0, sizeof *b);
    b->x = x;
}

void dir_rb_free(struct dir_rb *b)
{
    if (b == NULL)
        return;
    dir_text_free(&b->str);
    dir_text_free(&b->text);
    rnr_free(b->cs);
    rnr_free(b->sas);
    rnr_free(b->blob);
    memset(b, 0, sizeof *b);
}

static void record_begin(struct dir_rb *b, const char *name, long line)
{
    b->rc = 0;
    b->del = strcmp(name, "del") == 0;
    b->what = b->collect = b->sub = 0;
    b->line = b->cline = line;
    b->str.len = 0;
    b->str.error = 0;
    b->text.error = 0;
    b->context = b->cls = b->name = b->version = b->owner = b->admin = b->comment = ABSENT;
    b->has_ver = 0;
    b->owner_uid = -1;
    b->admin_mark = 0;
    b->ncs = 0;
    b->has_blob = 0;
    b->attrs = RB_RECORD;
    if (!b->del && strcmp(name, "entry") != 0)
        fail(b, WSAEINVAL, line, "unexpected element <%s>", name);
}

/* Room for one more address, zeroed. */
static int address_begin(struct dir_rb *b, long line)
{
    if (b->ncs >= RNR_QS_MAX_CSADDRS) {
        fail(b, WSAEINVAL, line, "more than %u addresses", RNR_QS_MAX_CSADDRS);
        return -1;
    }
    if (b->ncs == b->cscap) {
        size_t cap = b->cscap ? b->cscap * 2 : 4;
        CSADDR_INFO *cs = rnr_realloc(b->cs, cap * sizeof *cs);
        struct sockaddr_storage *sas;

        if (cs != NULL)
            b->cs = cs;
        sas = cs != NULL ? rnr_realloc(b->sas, 2 * cap * sizeof *sas) : NULL;
        if (sas == NULL) {
            fail(b, WSAENOBUFS, line, "out of memory");
            return -1;
        }
        b->sas = sas;
        b->cscap = cap;
    }
    memset(&b->cs[b->ncs], 0, sizeof b->cs[b->ncs]);
    b->socktype = b->protocol = ABSENT;
    return 0;
}

static void gather(struct dir_rb *b, int sub, long line)
{
    b->collect = b->depth;
    b->sub = sub;
    b->cline = line;
    b->text.len = 0;
}

void dir_rb_start(struct dir_rb *b, const char *name, long line)
{
    b->attrs = RB_NONE;
    if (++b->depth == 1) {
        record_begin(b, name, line);
        return;
    }
    /* A <del> is its attributes; text gathering takes nested text along
     * (as the element's text content would) but no elements. */
    if (b->rc != 0 || b->del || b->collect != 0)
        return;
    if (b->depth == 2) {
        if (strcmp(name, "address") == 0) {
            if (address_begin(b, line) == 0) {
                b->what = RB_ADDRESS;
                b->attrs = RB_ADDRESS;
                b->cline = line;
            }
        } else if (strcmp(name, "comment") == 0) {
            if (b->comment != ABSENT)
                fail(b, WSAEINVAL, line, "entry has two comments");
            gather(b, RB_COMMENT, line);
        } else if (strcmp(name, "blob") == 0) {
            if (b->has_blob)
                fail(b, WSAEINVAL, line, "entry has two blobs");
            gather(b, RB_BLOB, line);
        } else {
            fail(b, WSAEINVAL, line, "unexpected element <%s> in an entry", name);
        }
    } else if (b->depth == 3 && b->what == RB_ADDRESS) {
        int remote = strcmp(name, "remote") == 0;
        const CSADDR_INFO *ca = &b->cs[b->ncs];

        if (!remote && strcmp(name, "local") != 0)
            return;   /* anything else in an address is not looked at */
        if ((remote ? ca->RemoteAddr : ca->LocalAddr).iSockaddrLength != 0)
            fail(b, WSAEINVAL, line, "address has two <%s> elements", name);
        gather(b, remote ? RB_REMOTE : RB_LOCAL, line);
    }
}

void dir_rb_attr(struct dir_rb *b, const char *name, const char *val, size_t len)
{
    size_t *slot = NULL;

    if (b->rc != 0)
        return;
    if (b->attrs == RB_RECORD) {
        slot = strcmp(name, "context") == 0 ? &b->context
             : strcmp(name, "class") == 0   ? &b->cls
             : strcmp(name, "name") == 0    ? &b->name
             : strcmp(name, "version") == 0 ? &b->version
             : strcmp(name, "owner") == 0   ? &b->owner
             : strcmp(name, "admin") == 0   ? &b->admin : NULL;
    } else if (b->attrs == RB_ADDRESS) {
        slot = strcmp(name, "socktype") == 0 ? &b->socktype
             : strcmp(name, "protocol") == 0 ? &b->protocol : NULL;
    }
    if (slot != NULL && *slot == ABSENT)
        *slot = keep(b, val, len);
}

static int too_long(struct dir_rb *b, const char *what, const char *v, long line)
{
    if (v != NULL && strlen(v) > RNR_QS_MAX_STRING) {
        fail(b, WSAEINVAL, line, "%s exceeds %u bytes", what, RNR_QS_MAX_STRING);
        return 1;
    }
    return 0;
}

static void record_attrs(struct dir_rb *b)
{
    const char   *name = str(b, b->name), *v;
    unsigned long u;

    if (b->context == ABSENT || b->cls == ABSENT || b->name == ABSENT) {
        fail(b, WSAEINVAL, b->line, "%s needs context, class and name attributes",
             b->del ? "del" : "entry");
        return;
    }
    if (rnr_guid_parse(str(b, b->cls), &b->clsid) != 0) {
        fail(b, WSAEINVAL, b->line, "class '%s' is not a GUID", str(b, b->cls));
        return;
    }
    if (name[0] == '\0') {
        fail(b, WSAEINVAL, b->line, "empty name");
        return;
    }
    if (too_long(b, "name", name, b->line) || too_long(b, "context", str(b, b->context), b->line))
        return;
    if ((v = str(b, b->owner)) != NULL) {
        if (parse_ulong(v, 0xfffffffful, &u) != 0) {
            fail(b, WSAEINVAL, b->line, "owner '%s' is not a uid", v);
            return;
        }
        b->owner_uid = (long long)u;
    }
    if ((v = str(b, b->admin)) != NULL) {
        if (strcmp(v, "0") != 0 && strcmp(v, "1") != 0) {
            fail(b, WSAEINVAL, b->line, "admin '%s' is neither 0 nor 1", v);
            return;
        }
        b->admin_mark = v[0] == '1';
    }
    if (!b->del && (v = str(b, b->version)) != NULL) {
        if (parse_ulong(v, 0xfffffffful, &u) != 0) {
            fail(b, WSAEINVAL, b->line, "version '%s' is not a number below 2^32", v);
            return;
        }
        b->ver = (DWORD)u;
        b->has_ver = 1;
    }
}

void dir_rb_attrs_done(struct dir_rb *b)
{
    int which = b->attrs;

    b->attrs = RB_NONE;
    if (b->rc == 0 && b->str.error)
        fail(b, WSAENOBUFS, b->line, "out of memory");
    if (b->rc != 0)
        return;
    if (which == RB_RECORD) {
        record_attrs(b);
    } else if (which == RB_ADDRESS) {
        CSADDR_INFO *ca = &b->cs[b->ncs];
        const char  *st = str(b, b->socktype), *pr = str(b, b->protocol);

        if (st == NULL || pr == NULL || parse_int(st, &ca->iSocketType) != 0 ||
            parse_int(pr, &ca->iProtocol) != 0)
            fail(b, WSAEINVAL, b->cline, "address needs integer socktype and protocol "
                 "attributes");
    }
}

void dir_rb_text(struct dir_rb *b, const char *s, size_t len)
{
    if (b->rc == 0 && b->collect != 0)
        dir_text_put(&b->text, s, len);
}

/* The gathered text of a <comment>, <blob>, <local> or <remote>. */
static void gathered(struct dir_rb *b)
{
    char *t = b->text.data != NULL ? b->text.data : (char *)"";
    long  n;

    if (b->text.error) {
        fail(b, WSAENOBUFS, b->cline, "out of memory");
        return;
    }
    if (b->sub == RB_COMMENT) {
        b->comment = keep(b, t, b->text.len);
    } else if (b->sub == RB_BLOB) {
        if (b->blobcap < b->text.len / 2 + 1) {
            uint8_t *p = rnr_realloc(b->blob, b->text.len / 2 + 1);

            if (p == NULL) {
                fail(b, WSAENOBUFS, b->cline, "out of memory");
                return;
            }
            b->blob = p;
            b->blobcap = b->text.len / 2 + 1;
        }
        n = parse_hex(t, b->blob, b->text.len / 2 + 1);
        if (n < 0 || (unsigned long)n > RNR_QS_MAX_BLOB) {
            fail(b, WSAEINVAL, b->cline, n < 0 ? "blob is not an even number of hex digits"
                                               : "blob exceeds %u bytes", RNR_QS_MAX_BLOB);
            return;
        }
        b->bloblen = (size_t)n;
        b->has_blob = 1;
    } else {
        int             remote = b->sub == RB_REMOTE;
        CSADDR_INFO    *ca = &b->cs[b->ncs];
        SOCKET_ADDRESS *sa = remote ? &ca->RemoteAddr : &ca->LocalAddr;

        if (parse_sockaddr(t, &b->sas[2 * b->ncs + (remote ? 1 : 0)],
                           &sa->iSockaddrLength) != 0) {
            sa->iSockaddrLength = 0;
            fail(b, WSAEINVAL, b->cline, "<%s> '%s' is not an address (a.b.c.d:port, "
                 "[v6]:port or raw:HEX)", remote ? "remote" : "local", rnr_xml_trim(t));
        }
    }
}

int dir_rb_end(struct dir_rb *b)
{
    if (b->rc == 0 && !b->del && b->collect == b->depth) {
        gathered(b);
        b->collect = 0;
    }
    if (b->depth == 2) {
        if (b->rc == 0 && !b->del && b->what == RB_ADDRESS)
            b->ncs++;
        b->what = RB_NONE;
    }
    return --b->depth == 0;
}

int dir_rb_finish(struct dir_rb *b, struct dir_xml_rec *out)
{
    WSAQUERYSETA qs;
    WSAVERSION   ver;
    BLOB         blob;
    size_t       i;

    if (b->rc != 0)
        return b->rc;
    if (too_long(b, "comment", str(b, b->comment), b->line))
        return b->rc;
    memset(&qs, 0, sizeof qs);
    qs.dwSize = sizeof qs;
    qs.lpszServiceInstanceName = (char *)str(b, b->name);
    qs.lpServiceClassId = &b->clsid;
    qs.lpszContext = (char *)str(b, b->context);
    if (!b->del) {
        if (b->has_ver) {
            ver.dwVersion = b->ver;
            ver.ecHow = COMP_EQUAL;
            qs.lpVersion = &ver;
        }
        qs.lpszComment = (char *)str(b, b->comment);
        /* The sockaddrs may have moved while the arrays grew: pointed to
         * only now. */
        for (i = 0; i < b->ncs; i++) {
            if (b->cs[i].LocalAddr.iSockaddrLength != 0)
                b->cs[i].LocalAddr.lpSockaddr = (LPSOCKADDR)&b->sas[2 * i];
            if (b->cs[i].RemoteAddr.iSockaddrLength != 0)
                b->cs[i].RemoteAddr.lpSockaddr = (LPSOCKADDR)&b->sas[2 * i + 1];
        }
        qs.dwNumberOfCsAddrs = (DWORD)b->ncs;
        qs.lpcsaBuffer = b->ncs ? b->cs : NULL;
        if (b->has_blob) {
            blob.cbSize = (ULONG)b->bloblen;
            blob.pBlobData = b->blob;
            qs.lpBlob = &blob;
        }
    }
    if (rnr_qs_validate(&qs, 1) != 0) {
        fail(b, WSAEINVAL, b->line, "entry rejected (an address length does not fit its "
             "family)");
        return b->rc;
    }
    if ((out->qs = rnr_qs_dup(&qs, NULL)) == NULL) {
        fail(b, WSAENOBUFS, b->line, "out of memory");
        return b->rc;
    }
    out->del = b->del;
    out->owner = b->owner_uid;
    out->admin = b->admin_mark;
    out->line = b->line;
    return 0;
}
