/* SPDX-License-Identifier: MIT */
/*
 * The service class XML loader (nsp/class_xml.c) with the built-in
 * RELAX NG schema, as `rnrctl class install` and rnrd's class directory
 * use it: a document loads into a valid flat class or is refused with a
 * message.
 */
#include "config.h"

#include <string.h>

#include <libxml/parser.h>

#include "alloc.h"
#include "class_xml.h"
#include "classinfo.h"

#include "fuzz.h"

static void quiet(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    xmlInitParser();
    /* libxml2 prints every parse error of every input otherwise. */
    xmlSetGenericErrorFunc(NULL, quiet);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    WSASERVICECLASSINFOA *ci = NULL;
    char err[512];
    int rc;

    err[0] = '\0';
    rc = rnr_class_xml_parse((const char *)data, size, "fuzz.xml", NULL, &ci, err, sizeof err);
    if (rc == 0) {
        FUZZ_CHECK(ci != NULL);
        FUZZ_CHECK(rnr_class_validate(ci) == 0);
        FUZZ_CHECK(rnr_class_flat_size(ci) > 0);
    } else {
        FUZZ_CHECK(rc == WSAEINVAL || rc == WSA_NOT_ENOUGH_MEMORY || rc == WSAENOBUFS);
        FUZZ_CHECK(ci == NULL && err[0] != '\0');
    }
    rnr_free(ci);
    return 0;
}
