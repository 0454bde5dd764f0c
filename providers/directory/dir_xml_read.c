/* SPDX-License-Identifier: MIT */
/*
 * The directory's XML codec (dir_xml.h), reading export documents:
 * libxml2 with no network, no DTD and no entity expansion, validated
 * against the RELAX NG schema, then each <entry> through the same record
 * builder as the store's lines (dir_xml_rec.c), every error naming its
 * line.  The store's own lines are read by dir_xml_sax.c.
 */
#include "config.h"

#include "dir_xml_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/SAX2.h>
#include <libxml/tree.h>

#include "alloc.h"
#include "guid.h"

/* ------------------------------------------------------------ records */

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

static int is_elem(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* An element of a parsed document through the record builder, as the
 * SAX2 parser would have delivered it. */
static void walk(struct dir_rb *b, const xmlNode *e)
{
    const xmlAttr *a;
    const xmlNode *c;

    dir_rb_start(b, (const char *)e->name, xmlGetLineNo(e));
    for (a = e->properties; a != NULL; a = a->next) {
        xmlChar *v;

        if (a->ns != NULL || (v = xmlNodeListGetString(e->doc, a->children, 1)) == NULL)
            continue;
        dir_rb_attr(b, (const char *)a->name, (const char *)v, strlen((const char *)v));
        xmlFree(v);
    }
    dir_rb_attrs_done(b);
    for (c = e->children; c != NULL; c = c->next) {
        if (c->type == XML_ELEMENT_NODE)
            walk(b, c);
        else if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) &&
                 c->content != NULL)
            dir_rb_text(b, (const char *)c->content, strlen((const char *)c->content));
    }
    dir_rb_end(b);
}

/* ------------------------------------------------------------ documents */

#include "dir_schema.h"   /* dir_schema_text: etc/rnr-directory.rng */

const char *dir_xml_builtin_schema(void)
{
    return dir_schema_text;
}

static xmlRelaxNGPtr schema_load(const char *path, struct rnr_xml_err *x)
{
    xmlRelaxNGParserCtxtPtr pc;
    xmlRelaxNGPtr           schema;
    struct rnr_xml_err             sx = { x->buf, x->len, path ? path : "(built-in rnr-directory.rng)", 0 };

    pc = path != NULL ? xmlRelaxNGNewParserCtxt(path)
                      : xmlRelaxNGNewMemParserCtxt(dir_schema_text, (int)strlen(dir_schema_text));
    if (pc == NULL) {
        rnr_xml_err_set(&sx, 0, "out of memory");
        x->set = 1;
        return NULL;
    }
    xmlRelaxNGSetParserStructuredErrors(pc, rnr_xml_err_libxml, &sx);
    schema = xmlRelaxNGParse(pc);
    if (schema == NULL)
        rnr_xml_err_set(&sx, 0, "cannot load the RELAX NG schema");
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
static int check_duplicates(struct dir_xml_rec *r, size_t n, struct rnr_xml_err *x)
{
    struct dir_xml_rec **v;
    size_t i;
    int    rc = 0;

    if (n < 2)
        return 0;
    if ((v = rnr_malloc(n * sizeof *v)) == NULL) {
        rnr_xml_err_set(x, 0, "out of memory");
        return WSAENOBUFS;
    }
    for (i = 0; i < n; i++)
        v[i] = &r[i];
    qsort(v, n, sizeof *v, key_cmp);
    for (i = 1; i < n && rc == 0; i++) {
        if (same_key(v[i - 1]->qs, v[i]->qs)) {
            rnr_xml_err_set(x, v[i]->line, "entry repeats the one on line %ld (same context, class "
                 "and name)", v[i - 1]->line);
            rc = WSAEINVAL;
        }
    }
    rnr_free(v);
    return rc;
}

static int doc_entries(xmlDocPtr doc, struct dir_xml_rec **recs, size_t *count,
                       struct rnr_xml_err *x)
{
    const xmlNode      *root = xmlDocGetRootElement(doc), *c;
    struct dir_xml_rec *r = NULL;
    struct dir_rb       b;
    size_t              n = 0, cap = 0;
    int                 rc = 0;

    if (root == NULL || !is_elem(root, "directory")) {
        rnr_xml_err_set(x, root ? xmlGetLineNo(root) : 0, "the root element must be <directory>");
        return WSAEINVAL;
    }
    for (c = root->children; c != NULL; c = c->next)
        cap += is_elem(c, "entry");
    if ((r = rnr_calloc(cap ? cap : 1, sizeof *r)) == NULL) {
        rnr_xml_err_set(x, 0, "out of memory");
        return WSAENOBUFS;
    }
    dir_rb_init(&b, x);
    for (c = root->children; c != NULL && rc == 0; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (!is_elem(c, "entry")) {
            rnr_xml_err_set(x, xmlGetLineNo(c), "unexpected element <%s>", c->name);
            rc = WSAEINVAL;
            break;
        }
        walk(&b, c);
        if ((rc = dir_rb_finish(&b, &r[n])) != 0)
            break;
        /* Imported entries belong to the importer, with its standing. */
        r[n].owner = -1;
        r[n].admin = 0;
        n++;
    }
    dir_rb_free(&b);
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

static void refuse_doctype(void *ctx, const xmlChar *name, const xmlChar *eid,
                           const xmlChar *sid)
{
    xmlParserCtxtPtr pc = ctx;

    (void)name;
    (void)eid;
    (void)sid;
    rnr_xml_err_set(pc->_private, xmlSAX2GetLineNumber(pc),
                    "DOCTYPE declarations are not allowed (no DTD, no entities)");
    xmlStopParser(pc);
}

int dir_xml_parse_document(const char *data, size_t len, const char *name,
                           const char *schema_path, struct dir_xml_rec **recs,
                           size_t *n, char *err, size_t errlen)
{
    struct rnr_xml_err             x = { err, errlen, name ? name : "(directory)", 0 };
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
        rnr_xml_err_set(&x, 0, "no input");
        return WSAEINVAL;
    }
    if (len > DIR_XML_MAX_DOC) {
        rnr_xml_err_set(&x, 0, "document of %zu bytes exceeds the limit of %u bytes", len, DIR_XML_MAX_DOC);
        return WSAEINVAL;
    }
    /* Before libxml2 sees a byte: no DOCTYPE (so no entity to expand),
     * a bounded number of attributes per element and bounded values. */
    if (rnr_xml_prescan(data, len, &x) != 0)
        return WSAEINVAL;
    xmlSetStructuredErrorFunc(&x, rnr_xml_err_libxml);
    if ((pc = xmlNewParserCtxt()) == NULL) {
        rnr_xml_err_set(&x, 0, "out of memory");
        rc = WSAENOBUFS;
        goto done;
    }
    /* And should one get past that, the parse stops at the DOCTYPE,
     * before its internal subset is read. */
    pc->sax->internalSubset = refuse_doctype;
    pc->_private = &x;
    /* Read as UTF-8 whatever the declaration says: the bytes prescanned
     * are the characters parsed.  Without XML_PARSE_HUGE, libxml2's own
     * limits on names, text and nesting stay. */
    doc = xmlCtxtReadMemory(pc, data, (int)len, x.name, "UTF-8",
                            DIR_XML_OPTS & ~XML_PARSE_NOERROR);
    if (doc == NULL || x.set) {
        rnr_xml_err_set(&x, 0, "not well-formed XML");
        goto done;
    }
    if (doc->intSubset != NULL || doc->extSubset != NULL) {
        rnr_xml_err_set(&x, 0, "DOCTYPE declarations are not allowed");
        goto done;
    }
    if ((schema = schema_load(schema_path, &x)) == NULL)
        goto done;
    if ((vc = xmlRelaxNGNewValidCtxt(schema)) == NULL) {
        rnr_xml_err_set(&x, 0, "out of memory");
        rc = WSAENOBUFS;
        goto done;
    }
    xmlRelaxNGSetValidStructuredErrors(vc, rnr_xml_err_libxml, &x);
    if (xmlRelaxNGValidateDoc(vc, doc) != 0) {
        rnr_xml_err_set(&x, 0, "does not match the directory schema");
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
