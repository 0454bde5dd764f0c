/* SPDX-License-Identifier: MIT */
/*
 * The query set and class info codecs (nsp/wire.c, nsp/queryset.c,
 * nsp/classinfo.c): a wire body decodes into a flat structure, or fails
 * cleanly.  What decodes must survive the round trips the daemon and
 * librnr make with it: flatten into an exact-size buffer, a masked view
 * re-flattened, encode again (the same bytes as the input's consumed
 * part, up to NULL for empty arrays and values, which the flat form
 * normalises), and decode that again, which must then be a fixed point.
 *
 * Input: byte 0 selects query set (even) or class info (odd), the rest is
 * the body.
 */
#include "config.h"

#include <string.h>

#include "alloc.h"
#include "classinfo.h"
#include "queryset.h"
#include "wire.h"

#include "fuzz.h"

/* The flat form writes an empty array or value as NULL, so a second
 * round trip must give exactly the bytes of the first. */
static void check_fixed_point_qs(const WSAQUERYSETA *qs, const struct rnr_wbuf *w1)
{
    struct rnr_rbuf r;
    struct rnr_wbuf w2;
    WSAQUERYSETA *again = NULL;

    (void)qs;
    FUZZ_CHECK(w1->error == 0);
    rnr_rbuf_init(&r, w1->data, w1->len);
    FUZZ_CHECK(rnr_wire_get_queryset(&r, &again, NULL) == 0 && r.left == 0);
    rnr_wbuf_init(&w2);
    rnr_wire_put_queryset(&w2, again);
    FUZZ_CHECK(w2.error == 0 && w2.len == w1->len && memcmp(w2.data, w1->data, w1->len) == 0);
    rnr_wbuf_free(&w2);
    rnr_free(again);
}

static void one_queryset(const uint8_t *body, size_t len)
{
    struct rnr_rbuf r;
    struct rnr_wbuf w;
    WSAQUERYSETA *qs = NULL, *copy = NULL, view;
    size_t size = 0, used, n;
    uint8_t *buf = NULL;

    rnr_rbuf_init(&r, body, len);
    if (rnr_wire_get_queryset(&r, &qs, &size) != 0)
        return;
    FUZZ_CHECK(qs != NULL);
    FUZZ_CHECK(rnr_qs_validate(qs, 0) == 0);
    FUZZ_CHECK(size == rnr_qs_flat_size(qs));
    used = len - r.left;

    /* Too short a buffer is refused untouched; the exact size works. */
    buf = rnr_malloc(size);
    FUZZ_CHECK(buf != NULL);
    FUZZ_CHECK(rnr_qs_flatten(qs, buf, size - 1) == 0);
    FUZZ_CHECK(rnr_qs_flatten(qs, buf, size) == size);
    copy = (WSAQUERYSETA *)buf;

    /* Re-encoding gives what was read, up to the flat form's NULLs. */
    rnr_wbuf_init(&w);
    rnr_wire_put_queryset(&w, copy);
    FUZZ_CHECK(w.error == 0 && w.len <= used);
    check_fixed_point_qs(copy, &w);
    rnr_wbuf_free(&w);

    /* What the daemon does to a result before sending it. */
    rnr_qs_mask(&view, qs, LUP_RETURN_ALL);
    n = rnr_qs_flat_size(&view);
    rnr_free(buf);
    buf = rnr_malloc(n);
    FUZZ_CHECK(buf != NULL);
    FUZZ_CHECK(rnr_qs_flatten(&view, buf, n) == n);
    rnr_qs_mask(&view, qs, LUP_RETURN_NAME | LUP_RETURN_BLOB);
    FUZZ_CHECK(rnr_qs_flat_size(&view) <= size);

    rnr_free(buf);
    rnr_free(qs);
}

static void one_classinfo(const uint8_t *body, size_t len)
{
    struct rnr_rbuf r, r2;
    struct rnr_wbuf w;
    WSASERVICECLASSINFOA *ci = NULL, *again = NULL, *sub = NULL;
    size_t size = 0, used, n;
    uint8_t *buf;

    rnr_rbuf_init(&r, body, len);
    if (rnr_wire_get_classinfo(&r, &ci, &size) != 0)
        return;
    FUZZ_CHECK(ci != NULL);
    FUZZ_CHECK(size == rnr_class_flat_size(ci));
    used = len - r.left;

    buf = rnr_malloc(size);
    FUZZ_CHECK(buf != NULL);
    FUZZ_CHECK(rnr_class_flatten(ci, buf, size - 1) == 0);
    FUZZ_CHECK(rnr_class_flatten(ci, buf, size) == size);
    FUZZ_CHECK(rnr_class_equal(ci, (WSASERVICECLASSINFOA *)buf));

    rnr_wbuf_init(&w);
    rnr_wire_put_classinfo(&w, (WSASERVICECLASSINFOA *)buf);
    FUZZ_CHECK(w.error == 0 && w.len <= used);
    rnr_rbuf_init(&r2, w.data, w.len);
    FUZZ_CHECK(rnr_wire_get_classinfo(&r2, &again, NULL) == 0);
    FUZZ_CHECK(rnr_class_equal(ci, again));
    rnr_wbuf_free(&w);

    /* The per-name-space view the daemon hands a provider. */
    sub = rnr_class_dup_for_ns(ci, NS_DNS, &n);
    if (sub != NULL)
        FUZZ_CHECK(n <= size && rnr_class_validate(sub) == 0);

    rnr_free(sub);
    rnr_free(again);
    rnr_free(buf);
    rnr_free(ci);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    if (data[0] & 1)
        one_classinfo(data + 1, size - 1);
    else
        one_queryset(data + 1, size - 1);
    return 0;
}
