/* SPDX-License-Identifier: MIT */
/*
 * Router rules (DESIGN.md "How a lookup flows", router.h) over hand-built
 * catalogs: no daemon, no modules.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <sys/socket.h>

#include "catalog.h"
#include "router.h"

#define ID(n) { 0x11110000u + (n), 0x2222, 0x3333, { 0, 1, 2, 3, 4, 5, 6, (n) } }

/* Catalog order: hosts, local, dns6 (disabled), dns, directory (any
 * family), sap (disabled). */
static struct rnr_catalog_entry entries[] = {
    { .name = "hosts", .id = ID(1), .name_space = NS_TCPIP_HOSTS, .enabled = 1,
      .families = RNR_NSP_AF_INET | RNR_NSP_AF_INET6 },
    { .name = "local", .id = ID(2), .name_space = NS_TCPIP_LOCAL, .enabled = 1,
      .families = RNR_NSP_AF_INET },
    { .name = "dns6", .id = ID(3), .name_space = NS_DNS, .enabled = 0,
      .families = RNR_NSP_AF_INET6 },
    { .name = "dns", .id = ID(4), .name_space = NS_DNS, .enabled = 1,
      .families = RNR_NSP_AF_INET6 },
    { .name = "directory", .id = ID(5), .name_space = NS_NDS, .enabled = 1,
      .families = RNR_NSP_AF_ANY },
    { .name = "sap", .id = ID(6), .name_space = NS_SAP, .enabled = 0,
      .families = RNR_NSP_AF_INET },
};

static const struct rnr_catalog cat = { entries, sizeof(entries) / sizeof(entries[0]) };

#define NCAT (sizeof(entries) / sizeof(entries[0]))
#define SENTINEL ((size_t)0xdeadbeef)

static void init_qs(WSAQUERYSETA *qs, DWORD ns)
{
    static GUID cls = SVCID_HOSTNAME;

    memset(qs, 0, sizeof(*qs));
    qs->dwSize = sizeof(*qs);
    qs->lpServiceClassId = &cls;
    qs->dwNameSpace = ns;
}

static void fill_sentinel(size_t *idx, size_t *n)
{
    size_t i;

    for (i = 0; i < NCAT; i++)
        idx[i] = SENTINEL;
    *n = SENTINEL;
}

/* Asserts that the selection is exactly `want` (catalog indices, in order,
 * terminated by -1). */
static void expect_sel(const size_t *idx, size_t n, const int *want)
{
    size_t k = 0;

    while (want[k] >= 0) {
        assert_true(k < n);
        assert_int_equal(idx[k], (size_t)want[k]);
        k++;
    }
    assert_int_equal(n, k);
}

static void expect_untouched(const size_t *idx, size_t n)
{
    size_t i;

    assert_int_equal(n, SENTINEL);
    for (i = 0; i < NCAT; i++)
        assert_int_equal(idx[i], SENTINEL);
}

static void test_ns_all_catalog_order(void **state)
{
    WSAQUERYSETA qs;
    size_t idx[NCAT], n;
    static const int want[] = { 0, 1, 3, 4, -1 };

    (void)state;
    init_qs(&qs, NS_ALL);
    fill_sentinel(idx, &n);
    assert_int_equal(rnr_router_select_lookup(&cat, &qs, idx, &n), 0);
    expect_sel(idx, n, want);
}

static void test_by_name_space(void **state)
{
    WSAQUERYSETA qs;
    size_t idx[NCAT], n;
    static const int want_dns[] = { 3, -1 };
    static const int want_hosts[] = { 0, -1 };

    (void)state;
    init_qs(&qs, NS_DNS);
    fill_sentinel(idx, &n);
    assert_int_equal(rnr_router_select_lookup(&cat, &qs, idx, &n), 0);
    expect_sel(idx, n, want_dns);   /* dns6 is disabled */

    init_qs(&qs, NS_TCPIP_HOSTS);
    assert_int_equal(rnr_router_select_lookup(&cat, &qs, idx, &n), 0);
    expect_sel(idx, n, want_hosts);

    /* Only a disabled provider serves NS_SAP; nobody serves NS_NIS. */
    init_qs(&qs, NS_SAP);
    fill_sentinel(idx, &n);
    assert_int_equal(rnr_router_select_lookup(&cat, &qs, idx, &n), WSASERVICE_NOT_FOUND);
    expect_untouched(idx, n);
    init_qs(&qs, NS_NIS);
    assert_int_equal(rnr_router_select_lookup(&cat, &qs, idx, &n), WSASERVICE_NOT_FOUND);
    expect_untouched(idx, n);
}

static void test_by_provider_id(void **state)
{
    WSAQUERYSETA qs;
    size_t idx[NCAT], n;
    GUID dir = ID(5), hosts = ID(1), unknown = ID(9), dns6 = ID(3);
    static const int want_dir[] = { 4, -1 };
    static const int want_hosts[] = { 0, -1 };

    (void)state;
    /* The provider id wins over the name space. */
    init_qs(&qs, NS_DNS);
    qs.lpNSProviderId = &dir;
    fill_sentinel(idx, &n);
    assert_int_equal(rnr_router_select_lookup(&cat, &qs, idx, &n), 0);
    expect_sel(idx, n, want_dir);

    init_qs(&qs, NS_ALL);
    qs.lpNSProviderId = &hosts;
    assert_int_equal(rnr_router_select_lookup(&cat, &qs, idx, &n), 0);
    expect_sel(idx, n, want_hosts);

    qs.lpNSProviderId = &unknown;
    fill_sentinel(idx, &n);
    assert_int_equal(rnr_router_select_lookup(&cat, &qs, idx, &n), WSAEINVAL);
    expect_untouched(idx, n);

    qs.lpNSProviderId = &dns6;
    assert_int_equal(rnr_router_select_lookup(&cat, &qs, idx, &n), WSASERVICE_NOT_FOUND);
    expect_untouched(idx, n);
}

static void test_family_restriction(void **state)
{
    WSAQUERYSETA qs;
    size_t idx[NCAT], n;
    AFPROTOCOLS v4[] = { { AF_INET, IPPROTO_TCP } };
    AFPROTOCOLS v6[] = { { AF_INET6, IPPROTO_UDP } };
    AFPROTOCOLS both[] = { { AF_INET6, IPPROTO_TCP }, { AF_INET, IPPROTO_TCP } };
    AFPROTOCOLS unspec[] = { { AF_UNSPEC, 0 } };
    AFPROTOCOLS unix_only[] = { { AF_UNIX, 0 } };
    static const int want_v4[] = { 0, 1, 4, -1 };
    static const int want_v6[] = { 0, 3, 4, -1 };
    static const int want_all[] = { 0, 1, 3, 4, -1 };
    static const int want_any[] = { 4, -1 };

    (void)state;
    init_qs(&qs, NS_ALL);
    qs.dwNumberOfProtocols = 1;
    qs.lpafpProtocols = v4;
    fill_sentinel(idx, &n);
    assert_int_equal(rnr_router_select_lookup(&cat, &qs, idx, &n), 0);
    expect_sel(idx, n, want_v4);

    qs.lpafpProtocols = v6;
    assert_int_equal(rnr_router_select_lookup(&cat, &qs, idx, &n), 0);
    expect_sel(idx, n, want_v6);

    qs.dwNumberOfProtocols = 2;
    qs.lpafpProtocols = both;
    assert_int_equal(rnr_router_select_lookup(&cat, &qs, idx, &n), 0);
    expect_sel(idx, n, want_all);

    /* AF_UNSPEC matches every provider. */
    qs.dwNumberOfProtocols = 1;
    qs.lpafpProtocols = unspec;
    assert_int_equal(rnr_router_select_lookup(&cat, &qs, idx, &n), 0);
    expect_sel(idx, n, want_all);

    /* A family nobody names: only the AF_ANY provider. */
    qs.lpafpProtocols = unix_only;
    assert_int_equal(rnr_router_select_lookup(&cat, &qs, idx, &n), 0);
    expect_sel(idx, n, want_any);

    /* Count 0 with a pointer, or NULL with a count: no restriction. */
    qs.dwNumberOfProtocols = 0;
    qs.lpafpProtocols = unix_only;
    assert_int_equal(rnr_router_select_lookup(&cat, &qs, idx, &n), 0);
    expect_sel(idx, n, want_all);
    qs.dwNumberOfProtocols = 1;
    qs.lpafpProtocols = NULL;
    assert_int_equal(rnr_router_select_lookup(&cat, &qs, idx, &n), 0);
    expect_sel(idx, n, want_all);
}

static void test_nothing_left(void **state)
{
    WSAQUERYSETA qs;
    size_t idx[NCAT], n;
    AFPROTOCOLS v4[] = { { AF_INET, IPPROTO_TCP } };
    AFPROTOCOLS unix_only[] = { { AF_UNIX, 0 } };
    GUID dns = ID(4);

    (void)state;
    /* The only enabled DNS provider serves IPv6 only. */
    init_qs(&qs, NS_DNS);
    qs.dwNumberOfProtocols = 1;
    qs.lpafpProtocols = v4;
    fill_sentinel(idx, &n);
    assert_int_equal(rnr_router_select_lookup(&cat, &qs, idx, &n), WSASERVICE_NOT_FOUND);
    expect_untouched(idx, n);

    /* The family filter applies to a provider named by id, too. */
    init_qs(&qs, NS_ALL);
    qs.lpNSProviderId = &dns;
    qs.dwNumberOfProtocols = 1;
    qs.lpafpProtocols = unix_only;
    assert_int_equal(rnr_router_select_lookup(&cat, &qs, idx, &n), WSASERVICE_NOT_FOUND);
    expect_untouched(idx, n);

    /* An empty catalog: nothing for NS_ALL, unknown for any id. */
    {
        const struct rnr_catalog empty = { NULL, 0 };

        init_qs(&qs, NS_ALL);
        assert_int_equal(rnr_router_select_lookup(&empty, &qs, idx, &n),
                         WSASERVICE_NOT_FOUND);
        qs.lpNSProviderId = &dns;
        assert_int_equal(rnr_router_select_lookup(&empty, &qs, idx, &n), WSAEINVAL);
        expect_untouched(idx, n);
    }
}

static void test_scope(void **state)
{
    size_t idx[NCAT], n;
    GUID sap = ID(6), dir = ID(5), unknown = ID(0x7f);
    static const int want_all[] = { 0, 1, 3, 4, -1 };
    static const int want_dns[] = { 3, -1 };
    static const int want_dir[] = { 4, -1 };

    (void)state;
    fill_sentinel(idx, &n);
    assert_int_equal(rnr_router_select_scope(&cat, NS_ALL, NULL, idx, &n), 0);
    expect_sel(idx, n, want_all);

    assert_int_equal(rnr_router_select_scope(&cat, NS_DNS, NULL, idx, &n), 0);
    expect_sel(idx, n, want_dns);

    /* Provider id beats the name space. */
    assert_int_equal(rnr_router_select_scope(&cat, NS_DNS, &dir, idx, &n), 0);
    expect_sel(idx, n, want_dir);

    fill_sentinel(idx, &n);
    assert_int_equal(rnr_router_select_scope(&cat, NS_ALL, &unknown, idx, &n), WSAEINVAL);
    expect_untouched(idx, n);
    assert_int_equal(rnr_router_select_scope(&cat, NS_ALL, &sap, idx, &n),
                     WSASERVICE_NOT_FOUND);
    expect_untouched(idx, n);
    assert_int_equal(rnr_router_select_scope(&cat, NS_SAP, NULL, idx, &n),
                     WSASERVICE_NOT_FOUND);
    assert_int_equal(rnr_router_select_scope(&cat, NS_X500, NULL, idx, &n),
                     WSASERVICE_NOT_FOUND);
    expect_untouched(idx, n);
}

static void test_catalog_find(void **state)
{
    GUID g = ID(4), unknown = ID(0x55);

    (void)state;
    assert_int_equal(rnr_catalog_find(&cat, &g), 3);
    assert_int_equal(rnr_catalog_find(&cat, &unknown), -1);
    assert_int_equal(rnr_catalog_find(&cat, NULL), -1);
    assert_int_equal(rnr_catalog_find(NULL, &g), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ns_all_catalog_order),
        cmocka_unit_test(test_by_name_space),
        cmocka_unit_test(test_by_provider_id),
        cmocka_unit_test(test_family_restriction),
        cmocka_unit_test(test_nothing_left),
        cmocka_unit_test(test_scope),
        cmocka_unit_test(test_catalog_find),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
