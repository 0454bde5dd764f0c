/*
 * The directory's XML codec (dir_xml.h), reading: libxml2 with no
 * network, no DTD and no entity expansion, then the checks the schema
 * cannot make (GUIDs, numbers, hex, addresses, rnr's size limits), each
 * naming the line.  Records one by one or in batches (the store), whole
 * documents against the RELAX NG schema (import).
 */
#include "config.h"

#include "dir_xml.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "alloc.h"
#include "guid.h"
#include "queryset.h"

#if LIBXML_VERSION >= 21200
#define DIR_XML_ERROR const xmlError
#else
#define DIR_XML_ERROR xmlError
#endif

/* ------------------------------------------------------------ errors */

struct xerr {
    char       *buf;
    size_t      len;
    const char *name;   /* NULL: no "NAME:" prefix (store records) */
    int         set;    /* the first error wins */
};

static void xerr(struct xerr *x, long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void xerr(struct xerr *x, long line, const char *fmt, ...)
{
    char    msg[400];
    va_list ap;

    if (x->set)
        return;
    x->set = 1;
    if (x->buf == NULL || x->len == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (x->name != NULL && line > 0)
        snprintf(x->buf, x->len, "%s:%ld: %s", x->name, line, msg);
    else if (x->name != NULL)
        snprintf(x->buf, x->len, "%s: %s", x->name, msg);
    else
        snprintf(x->buf, x->len, "%s", msg);
}

static void on_libxml_error(void *ctx, DIR_XML_ERROR *e)
{
    struct xerr *x = ctx;
    char         msg[300];
    size_t       n;
    long         line;

    if (x == NULL || e == NULL || e->level < XML_ERR_ERROR)
        return;
    snprintf(msg, sizeof msg, "%s", e->message != NULL ? e->message : "error");
    n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        msg[--n] = '\0';
    line = e->line;
    if (line <= 0 && e->node != NULL)
        line = xmlGetLineNo((const xmlNode *)e->node);
    xerr(x, line, "%s", msg);
}

/* ------------------------------------------------------------ reading */

static int is_elem(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* The text of a node's only text child, borrowed; NULL when it has
 * another shape (then libxml2's own functions assemble it). */
static const char *single_text(const xmlNode *children)
{
    if (children == NULL)
        return "";
    if (children->next == NULL && children->type == XML_TEXT_NODE && children->content != NULL)
        return (const char *)children->content;
    return NULL;
}

static char *prop(const xmlNode *n, const char *name)
{
    const xmlAttr *a;
    const char    *t;
    xmlChar       *v;
    char          *s;

    /* Loading copies every attribute of every record: one copy, not two. */
    for (a = n->properties; a != NULL; a = a->next) {
        if (a->ns == NULL && strcmp((const char *)a->name, name) == 0 &&
            (t = single_text(a->children)) != NULL)
            return rnr_strdup(t);
    }
    if ((v = xmlGetProp(n, (const xmlChar *)name)) == NULL)
        return NULL;
    s = rnr_strdup((const char *)v);
    xmlFree(v);
    return s;
}

static char *content(const xmlNode *n)
{
    const char *t = single_text(n->children);
    xmlChar    *v;
    char       *s;

    if (t != NULL)
        return rnr_strdup(t);
    v = xmlNodeGetContent(n);
    s = rnr_strdup(v != NULL ? (const char *)v : "");
    xmlFree(v);
    return s;
}

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

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Hex digits (XML white space ignored) into out[0..max); the count. */
static long parse_hex(const char *s, uint8_t *out, size_t max)
{
    size_t n = 0;
    int    hi = -1;

    for (; *s != '\0'; s++) {
        int v;

        if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
            continue;
        if ((v = hexval(*s)) < 0)
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

static char *trim(char *s)
{
    size_t n;

    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        s++;
    n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

/* "a.b.c.d:port", "[v6%scope]:port" or "raw:HEX" into *ss. */
static int parse_sockaddr(char *text, struct sockaddr_storage *ss, INT *len)
{
    char          *s = trim(text), *colon, *pct;
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

/* What an <entry> or <del> is read into before it is flattened. */
struct scratch {
    char                    *context, *cls_text, *name, *version, *owner, *comment;
    GUID                     cls;
    WSAVERSION               ver;
    CSADDR_INFO             *cs;
    struct sockaddr_storage *sas;       /* 2 per address */
    DWORD                    ncs;
    uint8_t                 *blob;
    BLOB                     blobd;
    int                      has_blob;
};

static void scratch_free(struct scratch *s)
{
    rnr_free(s->context);
    rnr_free(s->cls_text);
    rnr_free(s->name);
    rnr_free(s->version);
    rnr_free(s->owner);
    rnr_free(s->comment);
    rnr_free(s->cs);
    rnr_free(s->sas);
    rnr_free(s->blob);
}

static int read_address(const xmlNode *a, struct scratch *s, struct xerr *x)
{
    long         line = xmlGetLineNo(a);
    CSADDR_INFO *ca = &s->cs[s->ncs];
    char        *st = prop(a, "socktype"), *pr = prop(a, "protocol");
    const xmlNode *c;
    int          rc = WSAEINVAL;

    memset(ca, 0, sizeof *ca);
    if (st == NULL || pr == NULL || parse_int(st, &ca->iSocketType) != 0 ||
        parse_int(pr, &ca->iProtocol) != 0) {
        xerr(x, line, "address needs integer socktype and protocol attributes");
        goto done;
    }
    for (c = a->children; c != NULL; c = c->next) {
        int             remote = is_elem(c, "remote");
        SOCKET_ADDRESS *sa = remote ? &ca->RemoteAddr : &ca->LocalAddr;
        char           *text;
        int             bad;

        if (!remote && !is_elem(c, "local"))
            continue;
        if (sa->lpSockaddr != NULL) {
            xerr(x, xmlGetLineNo(c), "address has two <%s> elements", c->name);
            goto done;
        }
        if ((text = content(c)) == NULL) {
            rc = WSAENOBUFS;
            goto done;
        }
        sa->lpSockaddr = (LPSOCKADDR)&s->sas[2 * s->ncs + (remote ? 1 : 0)];
        bad = parse_sockaddr(text, (struct sockaddr_storage *)sa->lpSockaddr,
                             &sa->iSockaddrLength);
        if (bad)
            xerr(x, xmlGetLineNo(c), "<%s> '%s' is not an address (a.b.c.d:port, "
                 "[v6]:port or raw:HEX)", c->name, trim(text));
        rnr_free(text);
        if (bad)
            goto done;
    }
    s->ncs++;
    rc = 0;
done:
    rnr_free(st);
    rnr_free(pr);
    return rc;
}

static int read_children(const xmlNode *e, struct scratch *s, struct xerr *x)
{
    const xmlNode *c;
    size_t         n = 0;

    for (c = e->children; c != NULL; c = c->next)
        n += is_elem(c, "address");
    if (n > RNR_QS_MAX_CSADDRS) {
        xerr(x, xmlGetLineNo(e), "more than %u addresses", RNR_QS_MAX_CSADDRS);
        return WSAEINVAL;
    }
    if (n > 0) {
        s->cs = rnr_calloc(n, sizeof *s->cs);
        s->sas = rnr_calloc(2 * n, sizeof *s->sas);
        if (s->cs == NULL || s->sas == NULL)
            return WSAENOBUFS;
    }
    for (c = e->children; c != NULL; c = c->next) {
        int rc;

        if (is_elem(c, "address")) {
            if ((rc = read_address(c, s, x)) != 0)
                return rc;
        } else if (is_elem(c, "comment")) {
            if (s->comment != NULL) {
                xerr(x, xmlGetLineNo(c), "entry has two comments");
                return WSAEINVAL;
            }
            if ((s->comment = content(c)) == NULL)
                return WSAENOBUFS;
        } else if (is_elem(c, "blob")) {
            char *text;
            long  len;

            if (s->has_blob) {
                xerr(x, xmlGetLineNo(c), "entry has two blobs");
                return WSAEINVAL;
            }
            if ((text = content(c)) == NULL ||
                (s->blob = rnr_malloc(strlen(text) / 2 + 1)) == NULL) {
                rnr_free(text);
                return WSAENOBUFS;
            }
            len = parse_hex(text, s->blob, strlen(text) / 2 + 1);
            rnr_free(text);
            if (len < 0 || (unsigned long)len > RNR_QS_MAX_BLOB) {
                xerr(x, xmlGetLineNo(c), len < 0 ? "blob is not an even number of hex digits"
                                                 : "blob exceeds %u bytes", RNR_QS_MAX_BLOB);
                return WSAEINVAL;
            }
            s->blobd.cbSize = (ULONG)len;
            s->blobd.pBlobData = s->blob;
            s->has_blob = 1;
        } else if (c->type == XML_ELEMENT_NODE) {
            xerr(x, xmlGetLineNo(c), "unexpected element <%s> in an entry", c->name);
            return WSAEINVAL;
        }
    }
    return 0;
}

static int check_string(const char *what, const char *v, long line, struct xerr *x)
{
    if (v == NULL)
        return 0;
    if (strlen(v) > RNR_QS_MAX_STRING) {
        xerr(x, line, "%s exceeds %u bytes", what, RNR_QS_MAX_STRING);
        return WSAEINVAL;
    }
    return 0;
}

/* An <entry> or <del> element into *out. */
static int rec_from_node(const xmlNode *e, struct dir_xml_rec *out, struct xerr *x)
{
    struct scratch s;
    WSAQUERYSETA   qs;
    long           line = xmlGetLineNo(e);
    int            del = is_elem(e, "del"), rc = WSAENOBUFS;
    unsigned long  v;

    memset(&s, 0, sizeof s);
    if (!del && !is_elem(e, "entry")) {
        xerr(x, line, "unexpected element <%s>", e->name);
        return WSAEINVAL;
    }
    s.context = prop(e, "context");
    s.cls_text = prop(e, "class");
    s.name = prop(e, "name");
    s.version = prop(e, "version");
    s.owner = prop(e, "owner");
    rc = WSAEINVAL;
    if (s.context == NULL || s.cls_text == NULL || s.name == NULL) {
        xerr(x, line, "%s needs context, class and name attributes", e->name);
        goto done;
    }
    if (rnr_guid_parse(s.cls_text, &s.cls) != 0) {
        xerr(x, line, "class '%s' is not a GUID", s.cls_text);
        goto done;
    }
    if (s.name[0] == '\0') {
        xerr(x, line, "empty name");
        goto done;
    }
    if (check_string("name", s.name, line, x) || check_string("context", s.context, line, x))
        goto done;
    memset(&qs, 0, sizeof qs);
    qs.dwSize = sizeof qs;
    qs.lpszServiceInstanceName = s.name;
    qs.lpServiceClassId = &s.cls;
    qs.lpszContext = s.context;
    out->owner = -1;
    if (s.owner != NULL) {
        if (parse_ulong(s.owner, 0xfffffffful, &v) != 0) {
            xerr(x, line, "owner '%s' is not a uid", s.owner);
            goto done;
        }
        out->owner = (long long)v;
    }
    if (!del) {
        if (s.version != NULL) {
            if (parse_ulong(s.version, 0xfffffffful, &v) != 0) {
                xerr(x, line, "version '%s' is not a number below 2^32", s.version);
                goto done;
            }
            s.ver.dwVersion = (DWORD)v;
            s.ver.ecHow = COMP_EQUAL;
            qs.lpVersion = &s.ver;
        }
        if ((rc = read_children(e, &s, x)) != 0)
            goto done;
        rc = WSAEINVAL;
        if (check_string("comment", s.comment, line, x))
            goto done;
        qs.lpszComment = s.comment;
        qs.dwNumberOfCsAddrs = s.ncs;
        qs.lpcsaBuffer = s.ncs ? s.cs : NULL;
        qs.lpBlob = s.has_blob ? &s.blobd : NULL;
    }
    if (rnr_qs_validate(&qs, 1) != 0) {
        xerr(x, line, "entry rejected (an address length does not fit its family)");
        goto done;
    }
    rc = WSAENOBUFS;
    if ((out->qs = rnr_qs_dup(&qs, NULL)) == NULL)
        goto done;
    out->del = del;
    out->line = line;
    rc = 0;
done:
    if (rc == WSAENOBUFS)
        xerr(x, line, "out of memory");
    scratch_free(&s);
    return rc;
}

void dir_xml_rec_clear(struct dir_xml_rec *r)
{
    if (r == NULL)
        return;
    rnr_free(r->qs);
    r->qs = NULL;
}

void dir_xml_recs_free(struct dir_xml_rec *recs, size_t n)
{
    size_t i;

    if (recs == NULL)
        return;
    for (i = 0; i < n; i++)
        dir_xml_rec_clear(&recs[i]);
    rnr_free(recs);
}

/* ------------------------------------------------------------ records */

struct dir_xml_parser {
    xmlParserCtxtPtr ctxt;
};

int dir_xml_parser_new(struct dir_xml_parser **out)
{
    struct dir_xml_parser *p = rnr_calloc(1, sizeof *p);

    if (p == NULL)
        return WSAENOBUFS;
    if ((p->ctxt = xmlNewParserCtxt()) == NULL) {
        rnr_free(p);
        return WSAENOBUFS;
    }
    *out = p;
    return 0;
}

void dir_xml_parser_free(struct dir_xml_parser *p)
{
    if (p == NULL)
        return;
    xmlFreeParserCtxt(p->ctxt);
    rnr_free(p);
}

/* Parser options: never the network, never a DTD, entities unexpanded. */
#define DIR_XML_OPTS (XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_NOERROR | \
                      XML_PARSE_BIG_LINES | XML_PARSE_COMPACT)

int dir_xml_parse_record(struct dir_xml_parser *p, const char *xml, size_t len,
                         struct dir_xml_rec *out, char *err, size_t errlen)
{
    struct xerr             x = { err, errlen, NULL, 0 };
    xmlStructuredErrorFunc  saved_fn = xmlStructuredError;
    void                   *saved_ctx = xmlStructuredErrorContext;
    struct dir_xml_rec      r;
    xmlDocPtr               doc;
    const xmlNode          *root;
    int                     rc = WSAEINVAL;

    if (err != NULL && errlen > 0)
        err[0] = '\0';
    memset(&r, 0, sizeof r);
    if (len > (size_t)RNR_QS_MAX_CSADDRS * 1024 + 4 * RNR_QS_MAX_STRING * 6 + 2 * RNR_QS_MAX_BLOB) {
        xerr(&x, 0, "record of %zu bytes is too long", len);
        return WSAEINVAL;
    }
    xmlSetStructuredErrorFunc(&x, on_libxml_error);
    doc = xmlCtxtReadMemory(p->ctxt, xml, (int)len, NULL, "UTF-8", DIR_XML_OPTS);
    if (doc == NULL) {
        xerr(&x, 0, "not well-formed XML");
        goto done;
    }
    root = xmlDocGetRootElement(doc);
    if (doc->intSubset != NULL || root == NULL) {
        xerr(&x, 0, "not a record");
        goto done;
    }
    rc = rec_from_node(root, &r, &x);
    if (rc == 0)
        *out = r;
done:
    xmlFreeDoc(doc);
    xmlSetStructuredErrorFunc(saved_ctx, saved_fn);
    return rc;
}

int dir_xml_parse_batch(struct dir_xml_parser *p, const char *xml, size_t len, size_t n,
                        dir_xml_each_fn fn, void *ctx)
{
    struct xerr             x = { NULL, 0, NULL, 0 };
    xmlStructuredErrorFunc  saved_fn = xmlStructuredError;
    void                   *saved_ctx = xmlStructuredErrorContext;
    xmlDocPtr               doc;
    const xmlNode          *root, *c;
    size_t                  k = 0;
    int                     rc = WSAEINVAL;

    xmlSetStructuredErrorFunc(&x, on_libxml_error);
    doc = xmlCtxtReadMemory(p->ctxt, xml, (int)len, NULL, "UTF-8", DIR_XML_OPTS | XML_PARSE_HUGE);
    root = doc != NULL ? xmlDocGetRootElement(doc) : NULL;
    if (root == NULL || doc->intSubset != NULL || !is_elem(root, "batch"))
        goto done;
    for (c = root->children; c != NULL; c = c->next) {
        if (c->type == XML_ELEMENT_NODE)
            k++;
        else if (c->type != XML_TEXT_NODE)
            goto done;
    }
    if (k != n)
        goto done;
    for (c = root->children, k = 0; c != NULL; c = c->next) {
        struct dir_xml_rec r;
        char               err[300];
        struct xerr        ex = { err, sizeof err, NULL, 0 };
        int                st;

        if (c->type != XML_ELEMENT_NODE)
            continue;
        memset(&r, 0, sizeof r);
        err[0] = '\0';
        st = rec_from_node(c, &r, &ex);
        fn(ctx, k++, &r, st, err);
        dir_xml_rec_clear(&r);
    }
    rc = 0;
done:
    xmlFreeDoc(doc);
    xmlSetStructuredErrorFunc(saved_ctx, saved_fn);
    return rc;
}

/* ------------------------------------------------------------ documents */

#include "dir_schema.h"   /* dir_schema_text: etc/rnr-directory.rng */

const char *dir_xml_builtin_schema(void)
{
    return dir_schema_text;
}

static xmlRelaxNGPtr schema_load(const char *path, struct xerr *x)
{
    xmlRelaxNGParserCtxtPtr pc;
    xmlRelaxNGPtr           schema;
    struct xerr             sx = { x->buf, x->len, path ? path : "(built-in rnr-directory.rng)", 0 };

    pc = path != NULL ? xmlRelaxNGNewParserCtxt(path)
                      : xmlRelaxNGNewMemParserCtxt(dir_schema_text, (int)strlen(dir_schema_text));
    if (pc == NULL) {
        xerr(&sx, 0, "out of memory");
        x->set = 1;
        return NULL;
    }
    xmlRelaxNGSetParserStructuredErrors(pc, on_libxml_error, &sx);
    schema = xmlRelaxNGParse(pc);
    if (schema == NULL)
        xerr(&sx, 0, "cannot load the RELAX NG schema");
    x->set |= sx.set;
    xmlRelaxNGFreeParserCtxt(pc);
    return schema;
}

static int same_key(const WSAQUERYSETA *a, const WSAQUERYSETA *b)
{
    return rnr_guid_equal(a->lpServiceClassId, b->lpServiceClassId) &&
           strcasecmp(a->lpszServiceInstanceName, b->lpszServiceInstanceName) == 0 &&
           strcasecmp(a->lpszContext, b->lpszContext) == 0;
}

static int key_cmp(const void *pa, const void *pb)
{
    const WSAQUERYSETA *a = (*(const struct dir_xml_rec *const *)pa)->qs;
    const WSAQUERYSETA *b = (*(const struct dir_xml_rec *const *)pb)->qs;
    int c = strcasecmp(a->lpszContext, b->lpszContext);

    if (c == 0)
        c = memcmp(a->lpServiceClassId, b->lpServiceClassId, sizeof(GUID));
    if (c == 0)
        c = strcasecmp(a->lpszServiceInstanceName, b->lpszServiceInstanceName);
    if (c == 0)
        c = (*(const struct dir_xml_rec *const *)pa)->line <
            (*(const struct dir_xml_rec *const *)pb)->line ? -1 : 1;
    return c;
}

/* Two entries for one service would leave the result to their order. */
static int check_duplicates(struct dir_xml_rec *r, size_t n, struct xerr *x)
{
    struct dir_xml_rec **v;
    size_t i;
    int    rc = 0;

    if (n < 2)
        return 0;
    if ((v = rnr_malloc(n * sizeof *v)) == NULL) {
        xerr(x, 0, "out of memory");
        return WSAENOBUFS;
    }
    for (i = 0; i < n; i++)
        v[i] = &r[i];
    qsort(v, n, sizeof *v, key_cmp);
    for (i = 1; i < n && rc == 0; i++) {
        if (same_key(v[i - 1]->qs, v[i]->qs)) {
            xerr(x, v[i]->line, "entry repeats the one on line %ld (same context, class "
                 "and name)", v[i - 1]->line);
            rc = WSAEINVAL;
        }
    }
    rnr_free(v);
    return rc;
}

static int doc_entries(xmlDocPtr doc, struct dir_xml_rec **recs, size_t *count, struct xerr *x)
{
    const xmlNode      *root = xmlDocGetRootElement(doc), *c;
    struct dir_xml_rec *r = NULL;
    size_t              n = 0, cap = 0;
    int                 rc = 0;

    if (root == NULL || !is_elem(root, "directory")) {
        xerr(x, root ? xmlGetLineNo(root) : 0, "the root element must be <directory>");
        return WSAEINVAL;
    }
    for (c = root->children; c != NULL; c = c->next)
        cap += is_elem(c, "entry");
    if ((r = rnr_calloc(cap ? cap : 1, sizeof *r)) == NULL) {
        xerr(x, 0, "out of memory");
        return WSAENOBUFS;
    }
    for (c = root->children; c != NULL && rc == 0; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (!is_elem(c, "entry")) {
            xerr(x, xmlGetLineNo(c), "unexpected element <%s>", c->name);
            rc = WSAEINVAL;
            break;
        }
        if ((rc = rec_from_node(c, &r[n], x)) != 0)
            break;
        if (r[n].owner >= 0)
            r[n].owner = -1;   /* imported entries belong to the importer */
        n++;
    }
    if (rc == 0)
        rc = check_duplicates(r, n, x);
    if (rc != 0) {
        dir_xml_recs_free(r, n);
        return rc;
    }
    *recs = r;
    *count = n;
    return 0;
}

int dir_xml_parse_document(const char *data, size_t len, const char *name,
                           const char *schema_path, struct dir_xml_rec **recs,
                           size_t *n, char *err, size_t errlen)
{
    struct xerr             x = { err, errlen, name ? name : "(directory)", 0 };
    xmlStructuredErrorFunc  saved_fn = xmlStructuredError;
    void                   *saved_ctx = xmlStructuredErrorContext;
    xmlParserCtxtPtr        pc = NULL;
    xmlDocPtr               doc = NULL;
    xmlRelaxNGPtr           schema = NULL;
    xmlRelaxNGValidCtxtPtr  vc = NULL;
    int                     rc = WSAEINVAL;

    if (err != NULL && errlen > 0)
        err[0] = '\0';
    if (data == NULL || recs == NULL || n == NULL) {
        xerr(&x, 0, "no input");
        return WSAEINVAL;
    }
    if (len > DIR_XML_MAX_DOC) {
        xerr(&x, 0, "document of %zu bytes exceeds the limit of %u bytes", len, DIR_XML_MAX_DOC);
        return WSAEINVAL;
    }
    xmlSetStructuredErrorFunc(&x, on_libxml_error);
    if ((pc = xmlNewParserCtxt()) == NULL) {
        xerr(&x, 0, "out of memory");
        rc = WSAENOBUFS;
        goto done;
    }
    doc = xmlCtxtReadMemory(pc, data, (int)len, x.name, NULL,
                            (DIR_XML_OPTS & ~XML_PARSE_NOERROR) | XML_PARSE_HUGE);
    if (doc == NULL) {
        xerr(&x, 0, "not well-formed XML");
        goto done;
    }
    if (doc->intSubset != NULL || doc->extSubset != NULL) {
        xerr(&x, 0, "DOCTYPE declarations are not allowed");
        goto done;
    }
    if ((schema = schema_load(schema_path, &x)) == NULL)
        goto done;
    if ((vc = xmlRelaxNGNewValidCtxt(schema)) == NULL) {
        xerr(&x, 0, "out of memory");
        rc = WSAENOBUFS;
        goto done;
    }
    xmlRelaxNGSetValidStructuredErrors(vc, on_libxml_error, &x);
    if (xmlRelaxNGValidateDoc(vc, doc) != 0) {
        xerr(&x, 0, "does not match the directory schema");
        goto done;
    }
    rc = doc_entries(doc, recs, n, &x);
done:
    xmlRelaxNGFreeValidCtxt(vc);
    xmlRelaxNGFree(schema);
    xmlFreeDoc(doc);
    xmlFreeParserCtxt(pc);
    xmlSetStructuredErrorFunc(saved_ctx, saved_fn);
    return rc;
}
