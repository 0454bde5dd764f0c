/* SPDX-License-Identifier: MIT */
/*
 * Paged directory lookups: how `rnrctl directory export` reads a store of
 * any size within the daemon's per-lookup limits (max-results-per-lookup,
 * max-output-per-lookup), which stay in force for every lookup.
 *
 * A lookup whose query set carries a page request in lpBlob (a
 * provider-specific restriction, as Winsock name spaces take them) returns
 * services only, never containers, in one total order: context path
 * component by component, then name, both ASCII case-insensitively, then
 * class.  At most `size` of them, and only those after the cursor when
 * there is one.  The next page starts after the last result received, so
 * a page the daemon cut short is no loss: the client asks again from
 * where it stopped.  An entry that exists from the first page to the last
 * is returned exactly once, whatever is registered or deleted meanwhile.
 *
 * The blob, integers little-endian:
 *   "RNRDPAGE" (8 bytes), u32 version (1), u32 size (1 .. DIR_PAGE_MAX),
 *   u32 cursor (0 or 1); with a cursor: u32 length and the bytes of its
 *   context, its class (u32, u16, u16, 8 bytes), u32 length and the bytes
 *   of its name (strings without NUL, at most 4096 bytes each).
 * A blob that does not start with "RNRDPAGE" is no page request.
 */
#ifndef RNR_DIR_PAGE_H
#define RNR_DIR_PAGE_H

#include <stddef.h>
#include <stdint.h>
#include <rnr/winsock2.h>

#define DIR_PAGE_MAGIC   "RNRDPAGE"
#define DIR_PAGE_MAX     1000000u

struct dir_page {
    uint32_t size;
    int      has_cursor;
    char    *context;      /* the cursor (rnr_free'd by dir_page_clear) */
    char    *name;
    GUID     cls;
};

/* Does the blob (may be NULL) hold a page request? */
int  dir_page_requested(const BLOB *b);
/* Decodes a page request.  0, WSAEINVAL (malformed) or WSAENOBUFS; *out
 * is set only on success. */
int  dir_page_decode(const BLOB *b, struct dir_page *out);
void dir_page_clear(struct dir_page *pg);      /* accepts a zeroed one */
/* Encodes a request for `size` entries after (context, cls, name), or
 * from the start when context is NULL.  0 with *out (rnr_free) and *len,
 * WSAEINVAL (a string too long) or WSAENOBUFS. */
int  dir_page_encode(uint32_t size, const char *context, const GUID *cls, const char *name,
                     uint8_t **out, size_t *len);

/* The page order: <0, 0 or >0 as a sorts before, with or after b. */
int  dir_page_path_cmp(const char *a, const char *b);
int  dir_page_cmp(const char *ctx_a, const char *name_a, const GUID *cls_a,
                  const char *ctx_b, const char *name_b, const GUID *cls_b);

#endif
