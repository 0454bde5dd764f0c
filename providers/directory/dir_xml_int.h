/* SPDX-License-Identifier: MIT */
/*
 * Inside the directory's XML reader: shared by the record builder
 * (dir_xml_rec.c), the store's streaming parser (dir_xml_sax.c) and the
 * import documents (dir_xml_read.c).
 *
 * A record is built from element events, whatever produced them:
 * libxml2's SAX2 callbacks for the store (no tree: loading 100,000
 * records is mostly this), or a walk over a parsed and validated tree
 * for an import document.  Either way the same checks run in the same
 * order, so a record means the same thing in a journal and in an export.
 */
#ifndef RNR_DIR_XML_INT_H
#define RNR_DIR_XML_INT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "dir_xml.h"
#include "xml_err.h"

/* Parser options: never the network, never a DTD, entities unexpanded. */
#define DIR_XML_OPTS (XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_NOERROR | \
                      XML_PARSE_BIG_LINES | XML_PARSE_COMPACT)

/* Builds one <entry> or <del> from the events of its element and what is
 * inside.  Buffers are kept from one record to the next. */
struct dir_rb {
    struct rnr_xml_err *x;
    int              rc;        /* the first error (WSA code) */
    int              depth;     /* 1 inside the record's element */
    int              del;
    int              what;      /* the depth-2 element being read */
    int              collect;   /* depth of the element whose text is gathered, 0 none */
    int              sub;       /* which one is gathering: RB_COMMENT ... */
    int              attrs;     /* whose attributes dir_rb_attr takes */
    long             line, cline;
    GUID             clsid;
    DWORD            ver;
    int              has_ver;
    long long        owner_uid;
    int              admin_mark;

    /* Attributes and comment: offsets into `str` (SIZE_MAX when absent). */
    struct dir_text  str;
    size_t           context, cls, name, version, owner, admin, comment;
    size_t           socktype, protocol;
    struct dir_text  text;      /* the text being gathered */

    CSADDR_INFO             *cs;
    struct sockaddr_storage *sas;   /* 2 per address: local, remote */
    size_t                   ncs, cscap;
    uint8_t                 *blob;
    size_t                   bloblen, blobcap;
    int                      has_blob;
};

void dir_rb_init(struct dir_rb *b, struct rnr_xml_err *x);
void dir_rb_free(struct dir_rb *b);
/* An element starts: its name, then each attribute without a namespace
 * (dir_rb_attr: the value need not be NUL-terminated), then
 * dir_rb_attrs_done.  The first start begins a new record. */
void dir_rb_start(struct dir_rb *b, const char *name, long line);
void dir_rb_attr(struct dir_rb *b, const char *name, const char *val, size_t len);
void dir_rb_attrs_done(struct dir_rb *b);
/* Character data (text, CDATA, resolved references). */
void dir_rb_text(struct dir_rb *b, const char *s, size_t len);
/* An element ends; 1 when it was the record's, which is then complete. */
int  dir_rb_end(struct dir_rb *b);
/* The complete record into *out (0), or its first error (WSAEINVAL, or
 * WSAENOBUFS), whose reason is in the dir_xerr. */
int  dir_rb_finish(struct dir_rb *b, struct dir_xml_rec *out);

#endif
