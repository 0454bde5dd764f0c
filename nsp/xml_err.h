/* SPDX-License-Identifier: MIT */
/*
 * What rnr's libxml2 readers (class files, the directory's store and
 * exports) share: the first error of a document as "NAME:LINE: reason",
 * libxml2's own errors collected the same way, and XML white space.
 */
#ifndef RNR_XML_ERR_H
#define RNR_XML_ERR_H

#include <stddef.h>

#include <libxml/xmlerror.h>

/* libxml2 2.12 made the structured error handler's argument const. */
#if LIBXML_VERSION >= 21200
#define RNR_XML_ERROR const xmlError
#else
#define RNR_XML_ERROR xmlError
#endif

/* The first error wins: libxml2 follows a real problem with
 * consequential ones ("failed to validate content"). */
struct rnr_xml_err {
    char       *buf;
    size_t      len;
    const char *name;   /* the document's name; NULL: the reason alone */
    int         set;
};

void rnr_xml_err_set(struct rnr_xml_err *x, long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A structured error handler for libxml2; ctx is a struct rnr_xml_err.
 * Warnings are ignored. */
void rnr_xml_err_libxml(void *ctx, RNR_XML_ERROR *e);

/* What every document rnr reads may hold, checked by rnr_xml_prescan
 * before libxml2 sees a byte: no element has more attributes than any
 * schema of rnr's gives one, and no value is longer than the longest
 * string a record can hold written as character references. */
#define RNR_XML_MAX_ATTRS    32u
#define RNR_XML_MAX_ATTR_LEN (64u << 10)

/* A look at the raw document (UTF-8; the readers make libxml2 read it
 * as that too) before it is parsed: a DOCTYPE or any other markup
 * declaration, which is where entities come from, is refused before
 * anything could be expanded, as is an element with more than
 * RNR_XML_MAX_ATTRS attributes (libxml2 compares each new attribute with
 * every earlier one) or a value longer than RNR_XML_MAX_ATTR_LEN.  One
 * pass, linear in len.  0, or -1 with the reason and line in x.  What is
 * not well-formed is left to the parser to report. */
int   rnr_xml_prescan(const char *data, size_t len, struct rnr_xml_err *x);

int   rnr_xml_is_space(int c);      /* space, tab, LF, CR */
/* s without leading and trailing XML white space (cut in place). */
char *rnr_xml_trim(char *s);

#endif
