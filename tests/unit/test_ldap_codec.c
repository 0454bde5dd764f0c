/* SPDX-License-Identifier: MIT */
/*
 * The ldap provider's codecs (providers/ldap/ldap_codec.c, ldap_filter.c):
 * each value decodes to what was encoded, the byte layouts are the ones
 * doc/ldap.md draws (a GUID in Active Directory's little-endian order,
 * sockaddrs with Windows' family numbers), every cut, padded or
 * inconsistent value from a server is refused with WSAEINVAL, filters and
 * DNs escape what RFC 4515 and RFC 4514 say, and the error table.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <cmocka.h>

#include <ldap.h>

#include "alloc.h"
#include "ldap_codec.h"

static void test_guid(void **state)
{
    /* SVCID_TCP(8080)'s GUID: {00091F90-0000-0000-C000-000000000046}. */
    static const GUID g = { 0x00091F90u, 0, 0, { 0xC0, 0, 0, 0, 0, 0, 0, 0x46 } };
    static const unsigned char want[16] = { 0x90, 0x1F, 0x09, 0x00, 0x00, 0x00, 0x00, 0x00,
                                            0xC0, 0, 0, 0, 0, 0, 0, 0x46 };
    static const GUID h = { 0x01020304u, 0x0506, 0x0708, { 9, 10, 11, 12, 13, 14, 15, 16 } };
    unsigned char b[16];
    GUID out;

    (void)state;
    lp_guid_put(&g, b);
    assert_memory_equal(b, want, 16);
    lp_guid_put(&h, b);
    assert_int_equal(b[0], 0x04);
    assert_int_equal(b[3], 0x01);
    assert_int_equal(b[4], 0x06);
    assert_int_equal(b[6], 0x08);
    assert_int_equal(b[8], 9);
    assert_int_equal(lp_guid_get(b, 16, &out), 0);
    assert_memory_equal(&out, &h, sizeof h);
    assert_int_equal(lp_guid_get(b, 15, &out), WSAEINVAL);
    assert_int_equal(lp_guid_get(b, 17, &out), WSAEINVAL);
}

static void test_version(void **state)
{
    WSAVERSION v = { 0x01020304u, COMP_NOTLESS }, out;
    unsigned char b[8];

    (void)state;
    lp_version_put(&v, b);
    assert_int_equal(b[0], 4);
    assert_int_equal(b[3], 1);
    assert_int_equal(b[4], 1);   /* COMP_NOTLESS */
    assert_int_equal(lp_version_get(b, 8, &out), 0);
    assert_int_equal(out.dwVersion, v.dwVersion);
    assert_int_equal(out.ecHow, COMP_NOTLESS);
    assert_int_equal(lp_version_get(b, 7, &out), WSAEINVAL);
    assert_int_equal(lp_version_get(b, 0, &out), WSAEINVAL);
    b[4] = 7;   /* no such comparator */
    assert_int_equal(lp_version_get(b, 8, &out), WSAEINVAL);
}

static void test_csaddr(void **state)
{
    struct sockaddr_in      s4 = { .sin_family = AF_INET, .sin_port = htons(8080) };
    struct sockaddr_in6     s6 = { .sin6_family = AF_INET6, .sin6_port = htons(443),
                                   .sin6_scope_id = 3 };
    struct sockaddr_storage l, r;
    CSADDR_INFO ca = { .iSocketType = SOCK_STREAM, .iProtocol = IPPROTO_TCP }, out;
    unsigned char b[LP_CSADDR_MAX];
    size_t len;

    (void)state;
    inet_pton(AF_INET, "192.0.2.1", &s4.sin_addr);
    inet_pton(AF_INET6, "2001:db8::1", &s6.sin6_addr);
    ca.RemoteAddr.lpSockaddr = (LPSOCKADDR)&s4;
    ca.RemoteAddr.iSockaddrLength = sizeof s4;
    assert_int_equal(lp_csaddr_put(&ca, b, &len), 0);
    assert_int_equal(len, 16 + 16);
    assert_int_equal(b[0], SOCK_STREAM);
    assert_int_equal(b[4], IPPROTO_TCP);
    assert_int_equal(b[8], 0);    /* no local address */
    assert_int_equal(b[12], 16);  /* remote: a SOCKADDR_IN */
    assert_int_equal(b[16], 2);   /* Windows' AF_INET */
    assert_int_equal(b[18], 0x1F); /* port 8080 in network order */
    assert_int_equal(b[19], 0x90);
    assert_int_equal(b[20], 192);
    assert_int_equal(lp_csaddr_get(b, len, &out, &l, &r), 0);
    assert_null(out.LocalAddr.lpSockaddr);
    assert_int_equal(out.RemoteAddr.iSockaddrLength, sizeof s4);
    assert_memory_equal(out.RemoteAddr.lpSockaddr, &s4, sizeof s4);

    ca.LocalAddr.lpSockaddr = (LPSOCKADDR)&s6;
    ca.LocalAddr.iSockaddrLength = sizeof s6;
    assert_int_equal(lp_csaddr_put(&ca, b, &len), 0);
    assert_int_equal(len, 16 + 28 + 16);
    assert_int_equal(b[16], 23);  /* Windows' AF_INET6 */
    assert_int_equal(lp_csaddr_get(b, len, &out, &l, &r), 0);
    assert_int_equal(out.LocalAddr.iSockaddrLength, sizeof s6);
    assert_memory_equal(out.LocalAddr.lpSockaddr, &s6, sizeof s6);
    assert_int_equal(out.iSocketType, SOCK_STREAM);

    /* Malformed: cut, padded, lengths that disagree, a family unknown. */
    assert_int_equal(lp_csaddr_get(b, len - 1, &out, &l, &r), WSAEINVAL);
    assert_int_equal(lp_csaddr_get(b, 15, &out, &l, &r), WSAEINVAL);
    b[8] = 27;
    assert_int_equal(lp_csaddr_get(b, len, &out, &l, &r), WSAEINVAL);
    b[8] = 28;
    b[16] = 99;
    assert_int_equal(lp_csaddr_get(b, len, &out, &l, &r), WSAEINVAL);
    memset(b, 0, 16);
    assert_int_equal(lp_csaddr_get(b, 16, &out, &l, &r), WSAEINVAL);   /* no address */
    b[8] = 0xff;
    b[11] = 0xff;
    assert_int_equal(lp_csaddr_get(b, 16, &out, &l, &r), WSAEINVAL);   /* huge length */
    /* Refused on the way out: a family the schema does not carry. */
    s4.sin_family = AF_UNIX;
    ca.LocalAddr.iSockaddrLength = 0;
    assert_int_equal(lp_csaddr_put(&ca, b, &len), WSAEINVAL);
}

static void test_classinfo(void **state)
{
    DWORD port = 8080;
    WSANSCLASSINFOA ci = { .lpszName = "SapId", .dwNameSpace = NS_NTDS,
                           .dwValueType = REG_DWORD, .dwValueSize = 4, .lpValue = &port };
    WSANSCLASSINFOA out;
    unsigned char *b;
    size_t len;

    (void)state;
    assert_int_equal(lp_classinfo_put(&ci, &b, &len), 0);
    assert_int_equal(len, 16 + 5 + 4);
    assert_int_equal(b[0], NS_NTDS);
    assert_int_equal(b[8], 5);
    assert_memory_equal(b + 16, "SapId", 5);
    assert_int_equal(lp_classinfo_get(b, len, &out), 0);
    assert_string_equal(out.lpszName, "SapId");
    assert_int_equal(out.dwValueType, REG_DWORD);
    assert_int_equal(out.dwValueSize, 4);
    assert_memory_equal(out.lpValue, &port, 4);
    rnr_free(out.lpszName);
    rnr_free(out.lpValue);
    assert_int_equal(lp_classinfo_get(b, len - 1, &out), WSAEINVAL);
    assert_int_equal(lp_classinfo_get(b, 10, &out), WSAEINVAL);
    b[16] = '\0';   /* a NUL inside the name */
    assert_int_equal(lp_classinfo_get(b, len, &out), WSAEINVAL);
    b[16] = 'S';
    b[8] = 0;       /* an empty name */
    assert_int_equal(lp_classinfo_get(b, len, &out), WSAEINVAL);
    b[8] = 5;
    b[15] = 0x80;   /* a value length past the bound */
    assert_int_equal(lp_classinfo_get(b, len, &out), WSAEINVAL);
    rnr_free(b);
    ci.lpszName = "";
    assert_int_equal(lp_classinfo_put(&ci, &b, &len), WSAEINVAL);
}

static char *filter_of(const char *s, int wild)
{
    struct lp_buf b = { 0 };

    lp_filter_escape(&b, s, wild);
    return b.data != NULL ? b.data : rnr_strdup("");
}

static void test_filter(void **state)
{
    static const unsigned char g[3] = { 0x00, 0x2a, 0xff };
    struct lp_buf b = { 0 };
    char *f;

    (void)state;
    f = filter_of("a*b(c)d\\e", 0);
    assert_string_equal(f, "a\\2ab\\28c\\29d\\5ce");
    rnr_free(f);
    f = filter_of("we?b*", 1);
    assert_string_equal(f, "we*b*");
    rnr_free(f);
    f = filter_of("x)(objectClass=*", 1);
    assert_string_equal(f, "x\\29\\28objectClass=*");
    rnr_free(f);
    f = filter_of("\x01\x7f", 0);
    assert_string_equal(f, "\\01\\7f");
    rnr_free(f);
    lp_filter_bytes(&b, g, 3);
    assert_string_equal(b.data, "\\00\\2a\\ff");
    lp_buf_free(&b);
}

static void test_dn(void **state)
{
    struct lp_buf b = { 0 };
    char *dn;

    (void)state;
    lp_dn_escape(&b, " a,b+c=\"d\"<e>;f\\ ");
    assert_string_equal(b.data, "\\ a\\,b\\+c\\=\\\"d\\\"\\<e\\>\\;f\\\\\\ ");
    lp_buf_free(&b);
    lp_dn_escape(&b, "#x");
    assert_string_equal(b.data, "\\#x");
    lp_buf_free(&b);

    assert_int_equal(lp_context_dn(NULL, "CN=W", &dn), 0);
    assert_string_equal(dn, "CN=W");
    rnr_free(dn);
    assert_int_equal(lp_context_dn("\\", "CN=W", &dn), 0);
    assert_string_equal(dn, "CN=W");
    rnr_free(dn);
    assert_int_equal(lp_context_dn("\\org\\unit", "CN=W", &dn), 0);
    assert_string_equal(dn, "CN=unit,CN=org,CN=W");
    rnr_free(dn);
    assert_int_equal(lp_context_dn("org\\a,b", "CN=W", &dn), 0);
    assert_string_equal(dn, "CN=a\\,b,CN=org,CN=W");
    rnr_free(dn);
    assert_int_equal(lp_context_dn("org\\\\unit", "CN=W", &dn), WSAEINVAL);
}

static void test_errors(void **state)
{
    (void)state;
    assert_int_equal(lp_ldap_to_wsa(LDAP_SUCCESS, LP_OP_ADD), 0);
    assert_int_equal(lp_ldap_to_wsa(LDAP_INSUFFICIENT_ACCESS, LP_OP_ADD), WSAEACCES);
    assert_int_equal(lp_ldap_to_wsa(LDAP_INVALID_CREDENTIALS, LP_OP_SEARCH), WSAEACCES);
    assert_int_equal(lp_ldap_to_wsa(LDAP_NO_SUCH_OBJECT, LP_OP_DELETE), WSASERVICE_NOT_FOUND);
    assert_int_equal(lp_ldap_to_wsa(LDAP_NO_SUCH_ATTRIBUTE, LP_OP_MODIFY), WSASERVICE_NOT_FOUND);
    assert_int_equal(lp_ldap_to_wsa(LDAP_SERVER_DOWN, LP_OP_SEARCH), WSATRY_AGAIN);
    assert_int_equal(lp_ldap_to_wsa(LDAP_TIMEOUT, LP_OP_SEARCH), WSATRY_AGAIN);
    assert_int_equal(lp_ldap_to_wsa(LDAP_BUSY, LP_OP_MODIFY), WSATRY_AGAIN);
    assert_int_equal(lp_ldap_to_wsa(LDAP_ALREADY_EXISTS, LP_OP_ADD), WSAEALREADY);
    assert_int_equal(lp_ldap_to_wsa(LDAP_OBJECT_CLASS_VIOLATION, LP_OP_ADD), WSAEINVAL);
    assert_int_equal(lp_ldap_to_wsa(LDAP_SIZELIMIT_EXCEEDED, LP_OP_SEARCH), 0);
    assert_int_equal(lp_ldap_to_wsa(LDAP_OTHER, LP_OP_SEARCH), WSANO_RECOVERY);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_guid),
        cmocka_unit_test(test_version),
        cmocka_unit_test(test_csaddr),
        cmocka_unit_test(test_classinfo),
        cmocka_unit_test(test_filter),
        cmocka_unit_test(test_dn),
        cmocka_unit_test(test_errors),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
