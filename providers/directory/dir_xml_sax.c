/* SPDX-License-Identifier: MIT */
/*
 * The store's records (dir_xml.h): libxml2 in SAX2 mode straight into
 * the record builder, without a tree.  Start-up reads every record of
 * the store, so this is the part of loading that counts: no node, no
 * attribute copy that is not kept, one flat allocation per record.
 *
 * A batch is "<batch>" + records separated by "\n" + "</batch>".  Each
 * record must be one element alone on its line, exactly as if it were
 * parsed by itself: a record element is taken only once what follows it
 * is known to be the separator (white space with exactly one newline)
 * and the next record's start tag, or the end of the batch.  Anything
 * else between records (text, a comment, a second element on a line, a
 * well-formedness error) stops the batch there, and the caller parses
 * the rest one by one, which names the damaged line.
 */
#include "config.h"

#include "dir_xml_int.h"

#include <string.h>

#include <libxml/parser.h>
#include <libxml/SAX2.h>

#include "alloc.h"
#include "queryset.h"

struct dir_xml_parser {
    xmlParserCtxtPtr ctxt;
    xmlSAXHandler    sax;
    struct dir_rb    rb;
    struct rnr_xml_err  x;         /* the record's error (a batch) or the line's */
    char             err[300];
    struct dir_text  amp;       /* an attribute value with its "&#38;" undone */

    int    batch;
    int    depth;               /* in the document */
    int    failed;              /* the batch stops here */
    int    doctype;

    /* A batch. */
    size_t             n, k;    /* records expected, taken */
    size_t             nl;      /* newlines since the last record */
    int                pending; /* a complete record not yet taken */
    struct dir_xml_rec prec;
    int                prc;
    dir_xml_each_fn    fn;
    void              *ctx;

    /* One record. */
    struct dir_xml_rec one;
    int                one_rc, got;
};

static struct dir_xml_parser *parser_of(void *ctx)
{
    return ((xmlParserCtxtPtr)ctx)->_private;
}

static void stop(struct dir_xml_parser *p)
{
    p->failed = 1;
    xmlStopParser(p->ctxt);
}

/* The element depth in the document at which records are. */
static int record_depth(const struct dir_xml_parser *p)
{
    return p->batch ? 2 : 1;
}

static void take_pending(struct dir_xml_parser *p)
{
    if (!p->pending)
        return;
    p->fn(p->ctx, p->k++, &p->prec, p->prc, p->err);
    dir_xml_rec_clear(&p->prec);
    p->pending = 0;
}

/* Without XML_PARSE_NOENT, libxml2 hands an attribute's "&" (from
 * "&amp;" or "&#38;") over as "&#38;", and nothing else with a "&" in
 * it: no other entity can exist.  The value with each one made "&" again
 * goes to p->amp: 0, or WSAENOBUFS (the value is then taken as it came,
 * and fails the record's checks). */
static int unescape_amp(struct dir_xml_parser *p, const char *v, size_t n)
{
    const char *amp;

    p->amp.len = 0;
    p->amp.error = 0;
    while ((amp = memchr(v, '&', n)) != NULL) {
        size_t k = (size_t)(amp - v) + 1;

        dir_text_put(&p->amp, v, k);
        if (n - k >= 4 && memcmp(amp + 1, "#38;", 4) == 0)
            k += 4;
        v += k;
        n -= k;
    }
    dir_text_put(&p->amp, v, n);
    return p->amp.error;
}

static void on_start(void *ctx, const xmlChar *localname, const xmlChar *prefix,
                     const xmlChar *uri, int nb_ns, const xmlChar **ns, int nb_attributes,
                     int nb_defaulted, const xmlChar **attrs)
{
    struct dir_xml_parser *p = parser_of(ctx);
    int                    i;

    (void)prefix;
    (void)uri;
    (void)nb_ns;
    (void)ns;
    (void)nb_defaulted;
    p->depth++;
    if (p->failed)
        return;
    if (p->batch && p->depth == 1) {
        if (strcmp((const char *)localname, "batch") != 0)
            stop(p);
        return;
    }
    if (p->depth == record_depth(p)) {
        if (p->batch) {
            size_t seen = p->k + (size_t)p->pending;

            if (p->nl != (seen > 0 ? 1u : 0u) || seen >= p->n) {
                stop(p);
                return;
            }
            take_pending(p);
            p->x.set = 0;
            p->err[0] = '\0';
        }
    }
    dir_rb_start(&p->rb, (const char *)localname, xmlSAX2GetLineNumber(ctx));
    for (i = 0; i < nb_attributes; i++) {
        const xmlChar **a = attrs + 5 * i;
        const char     *v = (const char *)a[3];
        size_t          n = (size_t)(a[4] - a[3]);

        if (a[2] != NULL)   /* attributes in a namespace are not ours */
            continue;
        if (memchr(v, '&', n) != NULL && unescape_amp(p, v, n) == 0) {
            v = p->amp.data;
            n = p->amp.len;
        }
        dir_rb_attr(&p->rb, (const char *)a[0], v, n);
    }
    dir_rb_attrs_done(&p->rb);
}

static void on_end(void *ctx, const xmlChar *localname, const xmlChar *prefix,
                   const xmlChar *uri)
{
    struct dir_xml_parser *p = parser_of(ctx);
    int                    d = p->depth--;

    (void)localname;
    (void)prefix;
    (void)uri;
    if (p->failed)
        return;
    if (p->batch && d == 1) {
        /* No trailing separator: the last record ends the batch. */
        if (p->nl != 0 || p->k + (size_t)p->pending != p->n)
            stop(p);
        else
            take_pending(p);
        return;
    }
    if (d < record_depth(p) || !dir_rb_end(&p->rb))
        return;
    if (p->batch) {
        memset(&p->prec, 0, sizeof p->prec);
        p->prc = dir_rb_finish(&p->rb, &p->prec);
        p->pending = 1;
        p->nl = 0;
    } else {
        p->one_rc = dir_rb_finish(&p->rb, &p->one);
        p->got = 1;
    }
}

static void on_text(void *ctx, const xmlChar *ch, int len)
{
    struct dir_xml_parser *p = parser_of(ctx);
    int                    i;

    if (p->failed)
        return;
    if (p->batch && p->depth == 1) {
        for (i = 0; i < len; i++) {
            if (ch[i] == '\n')
                p->nl++;
            else if (ch[i] != ' ' && ch[i] != '\t' && ch[i] != '\r') {
                stop(p);
                return;
            }
        }
    } else if (p->depth >= record_depth(p)) {
        dir_rb_text(&p->rb, (const char *)ch, (size_t)len);
    }
}

static void on_cdata(void *ctx, const xmlChar *ch, int len)
{
    struct dir_xml_parser *p = parser_of(ctx);

    if (p->batch && p->depth == 1)
        stop(p);
    else
        on_text(ctx, ch, len);
}

/* Comments and processing instructions are fine inside a record, or
 * around a record parsed alone; between records of a batch they could
 * hide a line boundary. */
static void on_comment(void *ctx, const xmlChar *value)
{
    struct dir_xml_parser *p = parser_of(ctx);

    (void)value;
    if (p->batch && p->depth == 1)
        stop(p);
}

static void on_pi(void *ctx, const xmlChar *target, const xmlChar *data)
{
    (void)target;
    on_comment(ctx, data);
}

static void on_doctype(void *ctx, const xmlChar *name, const xmlChar *eid,
                       const xmlChar *sid)
{
    struct dir_xml_parser *p = parser_of(ctx);

    (void)name;
    (void)eid;
    (void)sid;
    p->doctype = 1;
    stop(p);
}

static void on_error(void *ctx, RNR_XML_ERROR *e)
{
    struct dir_xml_parser *p = parser_of(ctx);

    if (e == NULL || e->level < XML_ERR_ERROR)
        return;
    if (p->batch)
        stop(p);
    else
        rnr_xml_err_libxml(&p->x, e);
}

int dir_xml_parser_new(struct dir_xml_parser **out)
{
    struct dir_xml_parser *p = rnr_calloc(1, sizeof *p);

    if (p == NULL)
        return WSAENOBUFS;
    if ((p->ctxt = xmlNewParserCtxt()) == NULL) {
        rnr_free(p);
        return WSAENOBUFS;
    }
    p->sax.initialized = XML_SAX2_MAGIC;
    p->sax.startElementNs = on_start;
    p->sax.endElementNs = on_end;
    p->sax.characters = on_text;
    p->sax.ignorableWhitespace = on_text;
    p->sax.cdataBlock = on_cdata;
    p->sax.comment = on_comment;
    p->sax.processingInstruction = on_pi;
    p->sax.internalSubset = on_doctype;
    p->sax.serror = on_error;
    dir_rb_init(&p->rb, &p->x);
    *out = p;
    return 0;
}

void dir_xml_parser_free(struct dir_xml_parser *p)
{
    if (p == NULL)
        return;
    xmlFreeParserCtxt(p->ctxt);
    dir_rb_free(&p->rb);
    dir_text_free(&p->amp);
    rnr_free(p);
}

/* One parse of xml with the parser's handlers; 1 when well-formed. */
static int run(struct dir_xml_parser *p, const char *xml, size_t len, int opts)
{
    xmlDocPtr doc;

    p->depth = p->failed = p->doctype = 0;
    p->rb.depth = 0;
    /* libxml2 may reset the context between documents: the handlers and
     * the way back to p are set again every time. */
    *p->ctxt->sax = p->sax;
    p->ctxt->_private = p;
    /* No DOCTYPE reaches libxml2 (and one would stop the parse at its
     * start: on_doctype), so no entity but the predefined ones exists;
     * a record has a bounded number of attributes, each of a bounded
     * size.  Never XML_PARSE_NOENT or XML_PARSE_HUGE. */
    p->x.set = 0;
    if (rnr_xml_prescan(xml, len, &p->x) != 0) {
        p->doctype = 1;
        return 0;
    }
    p->x.set = 0;
    doc = xmlCtxtReadMemory(p->ctxt, xml, (int)len, NULL, "UTF-8", opts);
    xmlFreeDoc(doc);   /* never built without a startDocument handler */
    return p->ctxt->wellFormed && !p->failed;
}

int dir_xml_parse_record(struct dir_xml_parser *p, const char *xml, size_t len,
                         struct dir_xml_rec *out, char *err, size_t errlen)
{
    int rc = WSAEINVAL;

    if (err != NULL && errlen > 0)
        err[0] = '\0';
    p->x.buf = err;
    p->x.len = errlen;
    p->x.name = NULL;
    p->x.set = 0;
    if (len > (size_t)RNR_QS_MAX_CSADDRS * 1024 + 4 * RNR_QS_MAX_STRING * 6 + 2 * RNR_QS_MAX_BLOB) {
        rnr_xml_err_set(&p->x, 0, "record of %zu bytes is too long", len);
        return WSAEINVAL;
    }
    p->batch = 0;
    p->got = 0;
    memset(&p->one, 0, sizeof p->one);
    if (!run(p, xml, len, DIR_XML_OPTS)) {
        rnr_xml_err_set(&p->x, 0, p->doctype ? "not a record" : "not well-formed XML");
    } else if (!p->got) {
        rnr_xml_err_set(&p->x, 0, "not a record");
    } else if ((rc = p->one_rc) == 0) {
        *out = p->one;
        p->one.qs = NULL;
    }
    dir_xml_rec_clear(&p->one);
    p->x.buf = NULL;
    p->x.len = 0;
    return rc;
}

size_t dir_xml_parse_batch(struct dir_xml_parser *p, const char *xml, size_t len, size_t n,
                           dir_xml_each_fn fn, void *ctx)
{
    p->x.buf = p->err;
    p->x.len = sizeof p->err;
    p->x.name = NULL;
    p->batch = 1;
    p->n = n;
    p->k = p->nl = 0;
    p->pending = 0;
    p->fn = fn;
    p->ctx = ctx;
    /* When the batch stops early, a record held back is not taken: it
     * is parsed again alone, with what followed it on its line. */
    if (!run(p, xml, len, DIR_XML_OPTS) && p->pending)
        dir_xml_rec_clear(&p->prec);
    p->pending = 0;
    p->x.buf = NULL;
    p->x.len = 0;
    return p->k;
}
