/* SPDX-License-Identifier: MIT */
/*
 * The directory's XML codec, shared by the store (one record per line in
 * its journal and snapshot files) and by `rnrctl directory export/import`
 * (one document, etc/rnr-directory.rng):
 *
 *   <directory version="1">
 *     <entry context="\eng\printers" class="{GUID}" name="laser-1" version="3">
 *       <comment>2nd floor</comment>
 *       <address socktype="1" protocol="6">
 *         <local>0.0.0.0:515</local>
 *         <remote>192.0.2.7:515</remote>
 *       </address>
 *       <blob>00ff10</blob>
 *     </entry>
 *   </directory>
 *
 * Store records are the same <entry> (with owner="UID") or
 * <del context=".." class=".." name=".."/>.  Addresses are "a.b.c.d:port",
 * "[v6%scope]:port", or "raw:HEX" (the whole sockaddr) for anything else.
 */
#ifndef RNR_DIR_XML_H
#define RNR_DIR_XML_H

#include <stddef.h>
#include <rnr/winsock2.h>

/* A growable text buffer; `error` is set (WSAENOBUFS) on allocation
 * failure and later writes are ignored. */
struct dir_text {
    char  *data;
    size_t len;
    size_t cap;
    int    error;
};

void dir_text_init(struct dir_text *t);
void dir_text_free(struct dir_text *t);     /* accepts a zeroed one */
void dir_text_put(struct dir_text *t, const char *s, size_t n);
void dir_text_puts(struct dir_text *t, const char *s);

/* Can s be carried in XML?  Valid UTF-8 without control characters but
 * tab, LF and CR.  NULL is fine. */
int dir_xml_text_ok(const char *s);

/* One decoded <entry> or <del>. */
struct dir_xml_rec {
    int           del;
    long long     owner;   /* -1 when the element has none */
    int           admin;   /* admin="1": the owner wrote it as an administrator */
    long          line;
    WSAQUERYSETA *qs;      /* flat (rnr_free); lpszContext as written */
};

void dir_xml_rec_clear(struct dir_xml_rec *r);   /* frees qs, accepts NULL */
void dir_xml_recs_free(struct dir_xml_rec *recs, size_t n);

/* Appends <entry> for qs, located at `context`; owner >= 0 adds owner="",
 * admin adds admin="1" (store records only: the trust mark).  `indent`
 * (document form) puts children on their own lines; the record form is
 * one line. */
void dir_xml_put_entry(struct dir_text *t, const WSAQUERYSETA *qs, const char *context,
                       long long owner, int admin, int indent);
void dir_xml_put_del(struct dir_text *t, const char *context, const GUID *cls,
                     const char *name);
void dir_xml_doc_begin(struct dir_text *t);
void dir_xml_doc_end(struct dir_text *t);

/* Store records: one parser reused for every line of a file. */
struct dir_xml_parser;
int  dir_xml_parser_new(struct dir_xml_parser **out);
void dir_xml_parser_free(struct dir_xml_parser *p);   /* accepts NULL */
/* Parses one record (the XML of one line).  0, or WSAEINVAL with the
 * reason in err (WSAENOBUFS when out of memory). */
int  dir_xml_parse_record(struct dir_xml_parser *p, const char *xml, size_t len,
                          struct dir_xml_rec *out, char *err, size_t errlen);

/* Many store records at once: `xml` is "<batch>", then n records
 * separated by "\n", then "</batch>".  fn is called for each record in
 * order (status 0 with the record, which fn may take, or an error and its
 * reason) as long as each is one element alone on its line; the count
 * taken is returned, and the caller parses the records from there one by
 * one (a damaged line stops the batch).  One parse per batch instead of
 * per record makes loading several times faster. */
typedef void (*dir_xml_each_fn)(void *ctx, size_t i, struct dir_xml_rec *rec, int status,
                                const char *err);
size_t dir_xml_parse_batch(struct dir_xml_parser *p, const char *xml, size_t len, size_t n,
                           dir_xml_each_fn fn, void *ctx);

/* An export document: parsed, validated against the schema (schema_path,
 * or the built-in copy of etc/rnr-directory.rng when NULL) and checked
 * entry by entry.  On success *recs holds *n entries (each with its line);
 * otherwise WSAEINVAL and err says "NAME:LINE: reason". */
#define DIR_XML_MAX_DOC (256u << 20)
int dir_xml_parse_document(const char *data, size_t len, const char *name,
                           const char *schema_path, struct dir_xml_rec **recs,
                           size_t *n, char *err, size_t errlen);
/* The built-in schema text. */
const char *dir_xml_builtin_schema(void);

#endif
