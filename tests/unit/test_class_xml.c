/* SPDX-License-Identifier: MIT */
/*
 * XML service classes: exact results for a valid file, "FILE:LINE: reason"
 * for schema, well-formedness and semantic errors, the size limit, the
 * built-in schema being etc/rnr-class.rng, and the name-space names.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "alloc.h"
#include "class_xml.h"
#include "xml_err.h"

#define SCHEMA_FILE SRCDIR "/etc/rnr-class.rng"

#define GOOD_XML \
    "<?xml version=\"1.0\"?>\n" \
    "<serviceClass id=\"{12345678-9ABC-DEF0-1122-334455667788}\" name=\"Example Service\">\n" \
    "  <value name=\"TcpPort\" namespace=\"12\" type=\"dword\">5000</value>\n" \
    "  <value name=\"SapId\" namespace=\"NS_SAP\" type=\"dword\"> 0x0278 </value>\n" \
    "  <value name=\"Note\" namespace=\"0\" type=\"string\">text &amp; more</value>\n" \
    "  <value name=\"Raw\" namespace=\"nds\" type=\"binary\">00ff10\n AB</value>\n" \
    "  <value name=\"Path\" namespace=\"NS_ALL\" type=\"expand-string\"></value>\n" \
    "  <value name=\"List\" namespace=\"dns\" type=\"multi-string\">\n" \
    "    <item>a</item>\n" \
    "    <item>bc</item>\n" \
    "  </value>\n" \
    "  <value name=\"Flag\" namespace=\"tcpip-hosts\" type=\"none\"/>\n" \
    "</serviceClass>\n"

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long  n;

    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    assert_true(n >= 0);
    rewind(f);
    buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static void check_good_class(const WSASERVICECLASSINFOA *ci)
{
    static const GUID want = { 0x12345678, 0x9ABC, 0xDEF0,
                               { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88 } };
    const WSANSCLASSINFOA *e;
    DWORD dw;

    assert_non_null(ci);
    assert_memory_equal(ci->lpServiceClassId, &want, sizeof(GUID));
    assert_string_equal(ci->lpszServiceClassName, "Example Service");
    assert_int_equal(ci->dwCount, 7);
    e = ci->lpClassInfos;

    assert_string_equal(e[0].lpszName, "TcpPort");
    assert_int_equal(e[0].dwNameSpace, NS_DNS);
    assert_int_equal(e[0].dwValueType, REG_DWORD);
    assert_int_equal(e[0].dwValueSize, 4);
    memcpy(&dw, e[0].lpValue, 4);
    assert_int_equal(dw, 5000);

    assert_string_equal(e[1].lpszName, "SapId");
    assert_int_equal(e[1].dwNameSpace, NS_SAP);
    assert_int_equal(e[1].dwValueType, REG_DWORD);
    memcpy(&dw, e[1].lpValue, 4);
    assert_int_equal(dw, 0x0278);

    assert_string_equal(e[2].lpszName, "Note");
    assert_int_equal(e[2].dwNameSpace, NS_ALL);
    assert_int_equal(e[2].dwValueType, REG_SZ);
    assert_int_equal(e[2].dwValueSize, sizeof("text & more"));
    assert_string_equal((const char *)e[2].lpValue, "text & more");

    assert_string_equal(e[3].lpszName, "Raw");
    assert_int_equal(e[3].dwNameSpace, NS_NDS);
    assert_int_equal(e[3].dwValueType, REG_BINARY);
    assert_int_equal(e[3].dwValueSize, 4);
    assert_memory_equal(e[3].lpValue, "\x00\xff\x10\xab", 4);

    assert_string_equal(e[4].lpszName, "Path");
    assert_int_equal(e[4].dwValueType, REG_EXPAND_SZ);
    assert_int_equal(e[4].dwValueSize, 1);
    assert_string_equal((const char *)e[4].lpValue, "");

    assert_string_equal(e[5].lpszName, "List");
    assert_int_equal(e[5].dwNameSpace, NS_DNS);
    assert_int_equal(e[5].dwValueType, REG_MULTI_SZ);
    assert_int_equal(e[5].dwValueSize, 6);
    assert_memory_equal(e[5].lpValue, "a\0bc\0", 6);

    assert_string_equal(e[6].lpszName, "Flag");
    assert_int_equal(e[6].dwNameSpace, NS_TCPIP_HOSTS);
    assert_int_equal(e[6].dwValueType, REG_NONE);
    assert_int_equal(e[6].dwValueSize, 0);
}

static void test_valid(void **state)
{
    WSASERVICECLASSINFOA *ci = NULL;
    char err[256] = "";

    (void)state;
    assert_int_equal(rnr_class_xml_parse(GOOD_XML, strlen(GOOD_XML), "good.xml", NULL,
                                         &ci, err, sizeof(err)), 0);
    check_good_class(ci);
    rnr_free(ci);

    /* The schema from the source tree gives the same result. */
    ci = NULL;
    assert_int_equal(rnr_class_xml_parse(GOOD_XML, strlen(GOOD_XML), "good.xml",
                                         SCHEMA_FILE, &ci, err, sizeof(err)), 0);
    check_good_class(ci);
    rnr_free(ci);
}

static void test_load_file(void **state)
{
    char dir[] = "/tmp/rnr-class-xml-XXXXXX", path[256], err[512] = "";
    WSASERVICECLASSINFOA *ci = NULL, *sentinel = (WSASERVICECLASSINFOA *)&ci;
    FILE *f;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/example.xml", dir);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(GOOD_XML, f);
    fclose(f);
    assert_int_equal(rnr_class_xml_load(path, NULL, &ci, err, sizeof(err)), 0);
    check_good_class(ci);
    rnr_free(ci);
    unlink(path);

    /* A missing file: the message names it, *out is not touched. */
    ci = sentinel;
    assert_int_equal(rnr_class_xml_load(path, NULL, &ci, err, sizeof(err)), WSAEINVAL);
    assert_ptr_equal(ci, sentinel);
    assert_true(strncmp(err, path, strlen(path)) == 0);
    assert_non_null(strstr(err, "No such file"));

    /* A directory is not a class file. */
    assert_int_equal(rnr_class_xml_load(dir, NULL, &ci, err, sizeof(err)), WSAEINVAL);
    assert_non_null(strstr(err, "not a regular file"));
    rmdir(dir);
}

static void test_builtin_schema_identical(void **state)
{
    size_t len;
    char  *file = slurp(SCHEMA_FILE, &len);

    (void)state;
    assert_true(len > 100);
    assert_int_equal(strlen(rnr_class_xml_builtin_schema()), len);
    assert_string_equal(rnr_class_xml_builtin_schema(), file);
    free(file);
}

/* Parses doc (as "t.xml"), expects WSAEINVAL and a message that starts
 * with "t.xml:LINE: " and contains `what`. */
static void expect_error(const char *doc, long line, const char *what)
{
    WSASERVICECLASSINFOA *ci = NULL, *sentinel = (WSASERVICECLASSINFOA *)&ci;
    char err[512] = "", prefix[64];

    ci = sentinel;
    assert_int_equal(rnr_class_xml_parse(doc, strlen(doc), "t.xml", NULL, &ci, err,
                                         sizeof(err)), WSAEINVAL);
    assert_ptr_equal(ci, sentinel);
    snprintf(prefix, sizeof(prefix), "t.xml:%ld: ", line);
    if (strncmp(err, prefix, strlen(prefix)) != 0 || strstr(err, what) == NULL)
        fail_msg("got '%s', want prefix '%s' and '%s'", err, prefix, what);
}

#define HEAD "<?xml version=\"1.0\"?>\n" \
    "<serviceClass id=\"{12345678-9ABC-DEF0-1122-334455667788}\" name=\"X\">\n"
#define TAIL "</serviceClass>\n"

static void test_schema_errors(void **state)
{
    (void)state;
    /* Unknown type (line 4). */
    expect_error(HEAD
                 "  <value name=\"a\" namespace=\"0\" type=\"string\">x</value>\n"
                 "  <value name=\"b\" namespace=\"0\" type=\"float\">1.5</value>\n"
                 TAIL, 4, "value");
    /* Unknown element (line 5). */
    expect_error(HEAD
                 "  <value name=\"a\" namespace=\"0\" type=\"string\">x</value>\n"
                 "\n"
                 "  <bogus/>\n"
                 TAIL, 5, "bogus");
    /* Missing name attribute on the root (line 2). */
    expect_error("<?xml version=\"1.0\"?>\n"
                 "<serviceClass id=\"{12345678-9ABC-DEF0-1122-334455667788}\">\n"
                 TAIL, 2, "serviceClass failed to validate attributes");
    /* Content where none is allowed (line 3). */
    expect_error(HEAD
                 "  <value name=\"a\" namespace=\"0\" type=\"none\">x</value>\n"
                 TAIL, 3, "value");
    /* Wrong root. */
    expect_error("<?xml version=\"1.0\"?>\n\n<klass/>\n", 3, "klass");
}

static void test_wellformedness(void **state)
{
    (void)state;
    expect_error(HEAD
                 "  <value name=\"a\" namespace=\"0\" type=\"string\">x</valu>\n"
                 TAIL, 3, "");
    expect_error(HEAD "  <value name=\"a\"\n\n namespace=\"0\" type=\"string\">&undefined;</value>\n"
                 TAIL, 5, "undefined");
    /* DOCTYPE (entity expansion, external entities) is refused. */
    expect_error("<?xml version=\"1.0\"?>\n"
                 "<!DOCTYPE serviceClass [<!ENTITY e \"boom\">]>\n"
                 "<serviceClass id=\"{12345678-9ABC-DEF0-1122-334455667788}\" name=\"&e;\"/>\n",
                 2, "DOCTYPE");
    expect_error("<?xml version=\"1.0\"?>\n<!-- c -->\n"
                 "<!DOCTYPE serviceClass SYSTEM \"file:///etc/passwd\">\n"
                 "<serviceClass id=\"{12345678-9ABC-DEF0-1122-334455667788}\" name=\"x\"/>\n",
                 3, "DOCTYPE");
}

/* Billion laughs with its entities inside an attribute value: refused at
 * the DOCTYPE, before anything is declared or expanded; the same with
 * the DOCTYPE after a comment that mentions one, and a declaration
 * without a DOCTYPE.  A DOCTYPE inside a comment or CDATA is text. */
static void test_no_dtd(void **state)
{
    static const char laughs[] =
        "<?xml version=\"1.0\"?>\n"
        "<!-- <!DOCTYPE in a comment is only text -->\n"
        "<!DOCTYPE serviceClass [\n"
        " <!ENTITY a \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\">\n"
        " <!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n"
        " <!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n"
        " <!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">\n"
        " <!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">\n"
        " <!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">\n"
        " <!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\">\n"
        "]>\n"
        "<serviceClass id=\"{12345678-9ABC-DEF0-1122-334455667788}\" name=\"&g;\"/>\n";
    static const char fine[] =
        "<?xml version=\"1.0\"?>\n"
        "<!-- <!DOCTYPE x [<!ENTITY e \"e\">]> is text here -->\n"
        "<serviceClass id=\"{12345678-9ABC-DEF0-1122-334455667788}\" name=\"X\">\n"
        "  <value name=\"a\" namespace=\"0\" type=\"string\"><![CDATA[<!DOCTYPE]]></value>\n"
        "</serviceClass>\n";
    WSASERVICECLASSINFOA *ci = NULL;
    char                  err[512];

    (void)state;
    expect_error(laughs, 3, "DOCTYPE declarations are not allowed");
    expect_error("<?xml version=\"1.0\"?>\n<!ENTITY e \"x\">\n"
                 "<serviceClass id=\"{12345678-9ABC-DEF0-1122-334455667788}\" name=\"&e;\"/>\n",
                 2, "declarations are not allowed");
    assert_int_equal(rnr_class_xml_parse(fine, strlen(fine), "t.xml", NULL, &ci, err,
                                         sizeof err), 0);
    assert_string_equal(ci->lpszServiceClassName, "X");
    rnr_free(ci);
}

/* libxml2 compares each attribute of an element with every earlier one:
 * many attributes are refused before it sees them, as is a huge value. */
static void test_attribute_limits(void **state)
{
    size_t n = 200000 * 16 + 4096, i, len;
    char  *doc = malloc(n), *big;

    (void)state;
    assert_non_null(doc);
    len = (size_t)snprintf(doc, n, "<?xml version=\"1.0\"?>\n\n<serviceClass "
                           "id=\"{12345678-9ABC-DEF0-1122-334455667788}\" name=\"X\"");
    for (i = 0; i < 200000; i++)
        len += (size_t)snprintf(doc + len, n - len, " a%zu=\"\"", i);
    snprintf(doc + len, n - len, "/>\n");
    /* Only the prescan's limit: the document is also beyond the size
     * class files may have. */
    {
        WSASERVICECLASSINFOA *ci = NULL;
        char                  err[512];
        struct rnr_xml_err    x = { err, sizeof err, "t.xml", 0 };

        assert_int_equal(rnr_xml_prescan(doc, strlen(doc), &x), -1);
        assert_string_equal(err, "t.xml:3: element <serviceClass> has more than 32 attributes");
        (void)ci;
    }
    len = (size_t)snprintf(doc, n, HEAD "  <value name=\"a\" namespace=\"0\" type=\"string\"");
    for (i = 0; i < 40; i++)
        len += (size_t)snprintf(doc + len, n - len, " a%zu=\"\"", i);
    snprintf(doc + len, n - len, ">x</value>\n" TAIL);
    expect_error(doc, 3, "element <value> has more than 32 attributes");

    big = malloc((64u << 10) + 2);
    assert_non_null(big);
    memset(big, 'x', (64u << 10) + 1);
    big[(64u << 10) + 1] = '\0';
    snprintf(doc, n, "<?xml version=\"1.0\"?>\n"
             "<serviceClass id=\"{12345678-9ABC-DEF0-1122-334455667788}\" name=\"%s\"/>\n", big);
    expect_error(doc, 2, "an attribute value of 65537 bytes (the limit is 65536)");
    free(big);
    free(doc);
}

static void test_semantic_errors(void **state)
{
    (void)state;
    expect_error("<?xml version=\"1.0\"?>\n\n"
                 "<serviceClass id=\"{1234-nope}\" name=\"X\"/>\n", 3, "not a GUID");
    expect_error(HEAD
                 "  <value name=\"a\" namespace=\"0\" type=\"string\">x</value>\n"
                 "  <value name=\"p\" namespace=\"0\" type=\"dword\">50x0</value>\n"
                 TAIL, 4, "not a decimal or 0x-hex");
    expect_error(HEAD
                 "  <value name=\"p\" namespace=\"0\" type=\"dword\">-1</value>\n"
                 TAIL, 3, "not a decimal");
    expect_error(HEAD
                 "  <value name=\"p\" namespace=\"0\" type=\"dword\">0x</value>\n"
                 TAIL, 3, "not a decimal");
    expect_error(HEAD "\n"
                 "  <value name=\"p\" namespace=\"0\" type=\"dword\">4294967296</value>\n"
                 TAIL, 4, "out of range");
    expect_error(HEAD
                 "  <value name=\"p\" namespace=\"0\" type=\"dword\">0x100000000</value>\n"
                 TAIL, 3, "out of range");
    expect_error(HEAD
                 "  <value name=\"r\" namespace=\"0\" type=\"binary\">00f</value>\n"
                 TAIL, 3, "odd number");
    expect_error(HEAD
                 "  <value name=\"r\" namespace=\"0\" type=\"binary\">00fg</value>\n"
                 TAIL, 3, "'g'");
    expect_error(HEAD
                 "  <value name=\"n\" namespace=\"NS_BOGUS\" type=\"string\">x</value>\n"
                 TAIL, 3, "unknown name space 'NS_BOGUS'");
    expect_error(HEAD
                 "  <value name=\"m\" namespace=\"0\" type=\"multi-string\">\n"
                 "    <item>a</item>\n"
                 "    <item></item>\n"
                 "  </value>\n"
                 TAIL, 5, "empty item");
    expect_error(HEAD
                 "  <value name=\"a\" namespace=\"dns\" type=\"string\">x</value>\n"
                 "  <value name=\"A\" namespace=\"12\" type=\"string\">y</value>\n"
                 TAIL, 4, "twice");
}

static void test_value_limits(void **state)
{
    size_t n = 4096, i;
    char  *doc = malloc(n + 1024), *p;
    WSASERVICECLASSINFOA *ci = NULL;
    char err[256];

    (void)state;
    assert_non_null(doc);
    /* 4095 characters fit a REG_SZ (4096 with the NUL)... */
    p = doc + sprintf(doc, HEAD "  <value name=\"s\" namespace=\"0\" type=\"string\">");
    for (i = 0; i < n - 1; i++)
        *p++ = 'x';
    strcpy(p, "</value>\n" TAIL);
    assert_int_equal(rnr_class_xml_parse(doc, strlen(doc), "t.xml", NULL, &ci, err,
                                         sizeof(err)), 0);
    assert_int_equal(ci->lpClassInfos[0].dwValueSize, 4096);
    rnr_free(ci);
    /* ... 4096 do not. */
    p = doc + sprintf(doc, HEAD "  <value name=\"s\" namespace=\"0\" type=\"string\">");
    for (i = 0; i < n; i++)
        *p++ = 'x';
    strcpy(p, "</value>\n" TAIL);
    expect_error(doc, 3, "exceeds the limit");
    free(doc);
}

static void test_size_limit(void **state)
{
    size_t n = (1u << 20) + 1, len;
    char  *doc = malloc(n + 256), *p;
    WSASERVICECLASSINFOA *ci = NULL;
    char err[256] = "", dir[] = "/tmp/rnr-class-xml-XXXXXX", path[256];
    FILE *f;

    (void)state;
    assert_non_null(doc);
    /* Well-formed and valid apart from its size: a long comment. */
    p = doc + sprintf(doc, HEAD "<!--");
    memset(p, 'c', n);
    strcpy(p + n, "-->" TAIL);
    len = strlen(doc);
    assert_int_equal(rnr_class_xml_parse(doc, len, "big.xml", NULL, &ci, err, sizeof(err)),
                     WSAEINVAL);
    assert_null(ci);
    assert_true(strncmp(err, "big.xml: ", 9) == 0);
    assert_non_null(strstr(err, "exceeds the limit"));

    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/big.xml", dir);
    f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fwrite(doc, 1, len, f), len);
    fclose(f);
    err[0] = '\0';
    assert_int_equal(rnr_class_xml_load(path, NULL, &ci, err, sizeof(err)), WSAEINVAL);
    assert_null(ci);
    assert_non_null(strstr(err, "exceeds the limit"));
    assert_true(strncmp(err, path, strlen(path)) == 0);
    unlink(path);
    rmdir(dir);
    free(doc);
}

static void test_bad_schema_path(void **state)
{
    WSASERVICECLASSINFOA *ci = NULL;
    char err[512] = "";

    (void)state;
    assert_int_equal(rnr_class_xml_parse(GOOD_XML, strlen(GOOD_XML), "good.xml",
                                         "/nonexistent/schema.rng", &ci, err, sizeof(err)),
                     WSAEINVAL);
    assert_null(ci);
    assert_non_null(strstr(err, "/nonexistent/schema.rng"));
}

static void test_namespace_names(void **state)
{
    static const DWORD all[] = {
        NS_ALL, NS_SAP, NS_NDS, NS_PEER_BROWSE, NS_SLP, NS_DHCP, NS_TCPIP_LOCAL,
        NS_TCPIP_HOSTS, NS_DNS, NS_NETBT, NS_WINS, NS_NLA, NS_BTH, NS_NBP, NS_MS,
        NS_STDA, NS_NTDS, NS_X500, NS_NIS, NS_NISPLUS, NS_WRQ, NS_NETDES,
    };
    size_t i;
    char   buf[32];

    (void)state;
    assert_int_equal(rnr_namespace_from_string("NS_DNS"), 12);
    assert_int_equal(rnr_namespace_from_string("dns"), 12);
    assert_int_equal(rnr_namespace_from_string("12"), 12);
    assert_int_equal(rnr_namespace_from_string("ns_tcpip_hosts"), NS_TCPIP_HOSTS);
    assert_int_equal(rnr_namespace_from_string("tcpip-local"), NS_TCPIP_LOCAL);
    assert_int_equal(rnr_namespace_from_string("NS_DEFAULT"), 0);
    assert_int_equal(rnr_namespace_from_string("NS_VNS"), 50);
    assert_int_equal(rnr_namespace_from_string("0"), 0);
    assert_int_equal(rnr_namespace_from_string("4294967295"), 4294967295L);
    assert_int_equal(rnr_namespace_from_string("4294967296"), -1);
    assert_int_equal(rnr_namespace_from_string("12x"), -1);
    assert_int_equal(rnr_namespace_from_string("-1"), -1);
    assert_int_equal(rnr_namespace_from_string(""), -1);
    assert_int_equal(rnr_namespace_from_string(NULL), -1);
    assert_int_equal(rnr_namespace_from_string("NS_"), -1);
    assert_int_equal(rnr_namespace_from_string("dnsx"), -1);

    assert_string_equal(rnr_namespace_name(NS_DNS), "NS_DNS");
    assert_string_equal(rnr_namespace_name(0), "NS_ALL");
    assert_string_equal(rnr_namespace_name(50), "NS_WRQ");
    assert_null(rnr_namespace_name(99));
    for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        const char *name = rnr_namespace_name(all[i]);

        assert_non_null(name);
        assert_int_equal(rnr_namespace_from_string(name), all[i]);
        assert_int_equal(rnr_namespace_from_string(name + 3), all[i]);
        snprintf(buf, sizeof(buf), "%lu", (unsigned long)all[i]);
        assert_int_equal(rnr_namespace_from_string(buf), all[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),
        cmocka_unit_test(test_load_file),
        cmocka_unit_test(test_builtin_schema_identical),
        cmocka_unit_test(test_schema_errors),
        cmocka_unit_test(test_wellformedness),
        cmocka_unit_test(test_semantic_errors),
        cmocka_unit_test(test_no_dtd),
        cmocka_unit_test(test_attribute_limits),
        cmocka_unit_test(test_value_limits),
        cmocka_unit_test(test_size_limit),
        cmocka_unit_test(test_bad_schema_path),
        cmocka_unit_test(test_namespace_names),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
