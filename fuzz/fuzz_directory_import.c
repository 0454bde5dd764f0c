/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: `rnrctl directory import`'s reader (dir_xml_parse_document
 * in providers/directory/dir_xml.c: libxml2, the built-in RELAX NG schema,
 * the semantic checks).  What it accepts must survive the way back: every
 * entry written out again (as export does) and re-read gives a document
 * that parses to the same number of entries.
 *
 * Build: see fuzz/ (one target per file, LLVMFuzzerTestOneInput);
 * seeds in fuzz/corpus/directory_import/.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "dir_xml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dir_xml_rec *recs = NULL, *again = NULL;
    size_t              n = 0, m = 0, i;
    struct dir_text     t;
    char                err[512];

    if (size > (1u << 20))
        return 0;
    if (dir_xml_parse_document((const char *)data, size, "fuzz.xml", NULL, &recs, &n, err,
                               sizeof err) != 0) {
        /* A refusal always says why. */
        if (err[0] == '\0')
            abort();
        return 0;
    }
    dir_text_init(&t);
    dir_xml_doc_begin(&t);
    for (i = 0; i < n; i++)
        dir_xml_put_entry(&t, recs[i].qs, recs[i].qs->lpszContext, -1, 0, 1);
    dir_xml_doc_end(&t);
    if (!t.error) {
        if (dir_xml_parse_document(t.data, t.len, "again.xml", NULL, &again, &m, err,
                                   sizeof err) != 0 || m != n)
            abort();
        dir_xml_recs_free(again, m);
    }
    dir_text_free(&t);
    dir_xml_recs_free(recs, n);
    return 0;
}
