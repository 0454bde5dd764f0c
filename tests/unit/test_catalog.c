/* SPDX-License-Identifier: MIT */
/*
 * Module loading: name resolution against the module directory, and every
 * refusal naming the file and the reason.  Uses tests/unit/nsp_dummy.la.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dlfcn.h>
#include <cmocka.h>

#include "catalog.h"

#define MODDIR BUILDDIR "/tests/unit/.libs"

static void load_ok(const char *dir, const char *module)
{
    void *dl = (void *)1;
    const struct rnr_nsp_ops *ops = NULL;
    char err[512] = "";

    assert_int_equal(rnr_catalog_load_module(dir, module, &dl, &ops, err, sizeof(err)), 0);
    assert_non_null(dl);
    assert_non_null(ops);
    assert_string_equal(ops->name, "dummy");
    assert_int_equal(ops->default_name_space, NS_NDS);
    assert_int_equal(ops->version, 7);
    dlclose(dl);
}

static void test_resolution(void **state)
{
    (void)state;
    setenv("RNR_DUMMY_MODE", "good", 1);
    load_ok(MODDIR, "nsp_dummy");
    load_ok(MODDIR, "nsp_dummy.so");
    /* A name with a '/' is a path; the directory is not consulted. */
    load_ok("/nonexistent", MODDIR "/nsp_dummy.so");
    /* An ops table of an older, smaller <rnr/nsp.h> of the same ABI. */
    setenv("RNR_DUMMY_MODE", "old", 1);
    load_ok(MODDIR, "nsp_dummy");
}

static void expect_fail(const char *module, const char *mode, const char *what)
{
    void *dl = (void *)1;
    const struct rnr_nsp_ops *ops = (const void *)1;
    char err[512] = "";

    setenv("RNR_DUMMY_MODE", mode, 1);
    assert_int_equal(rnr_catalog_load_module(MODDIR, module, &dl, &ops, err, sizeof(err)),
                     WSAEPROVIDERFAILEDINIT);
    /* Outputs untouched, message names the file and the reason. */
    assert_ptr_equal(dl, (void *)1);
    assert_ptr_equal(ops, (const void *)1);
    assert_non_null(strstr(err, module[0] == '/' ? module : "nsp_"));
    if (strstr(err, what) == NULL)
        fail_msg("error '%s' does not mention '%s'", err, what);
}

static void test_refusals(void **state)
{
    (void)state;
    expect_fail("nsp_missing", "good", "nsp_missing.so");
    expect_fail("nsp_missing", "good", "No such file");
    expect_fail("nsp_dummy", "refuse", "rejected provider ABI version");
    expect_fail("nsp_dummy", "abi", "built for provider ABI version");
    expect_fail("nsp_dummy", "noname", "no name");
    expect_fail("nsp_dummy", "small", "ops table of 0 bytes is too small");
    expect_fail("nsp_dummy", "noname", MODDIR "/nsp_dummy.so");
}

static void test_bad_args(void **state)
{
    void *dl = NULL;
    const struct rnr_nsp_ops *ops = NULL;
    char err[64];

    (void)state;
    assert_int_equal(rnr_catalog_load_module(MODDIR, "", &dl, &ops, err, sizeof(err)),
                     WSAEPROVIDERFAILEDINIT);
    assert_int_equal(rnr_catalog_load_module(MODDIR, NULL, &dl, &ops, NULL, 0),
                     WSAEPROVIDERFAILEDINIT);
    /* A tiny error buffer is truncated, not overrun. */
    setenv("RNR_DUMMY_MODE", "noname", 1);
    assert_int_equal(rnr_catalog_load_module(MODDIR, "nsp_dummy", &dl, &ops, err, 8),
                     WSAEPROVIDERFAILEDINIT);
    assert_int_equal(strlen(err), 7);
    assert_null(dl);
    assert_null(ops);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resolution),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_bad_args),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
