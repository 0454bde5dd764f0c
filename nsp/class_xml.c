/* SPDX-License-Identifier: MIT */
/*
 * Service classes described in XML (class_xml.h, etc/rnr-class.rng).
 *
 * Three stages, each naming the line of what it rejects:
 *   1. libxml2 parses the text: no network, no DTD loading, no entity
 *      substitution, and a document carrying a DOCTYPE is refused outright,
 *      so a class file can neither reach outside itself nor expand.
 *   2. RELAX NG validation fixes the structure.
 *   3. Semantic checks the schema cannot express well (GUID, name space,
 *      number ranges, hex, rnr's size limits) with xmlGetLineNo().
 * The result is built as a scattered class and flattened with
 * rnr_class_dup(), so the caller frees one block.
 */
#include "config.h"

#include "class_xml.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/SAX2.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "alloc.h"
#include "classinfo.h"
#include "guid.h"
#include "xml_err.h"

/* A class file is a handful of values; anything near this is hostile. */
#define RNR_CLASS_XML_MAX_SIZE (1u << 20)

/* ------------------------------------------------------------------ */
/* Name spaces                                                          */
/* ------------------------------------------------------------------ */

static const struct {
    DWORD       ns;
    const char *name;
} ns_names[] = {
    { NS_ALL, "NS_ALL" },
    { NS_SAP, "NS_SAP" },
    { NS_NDS, "NS_NDS" },
    { NS_PEER_BROWSE, "NS_PEER_BROWSE" },
    { NS_SLP, "NS_SLP" },
    { NS_DHCP, "NS_DHCP" },
    { NS_TCPIP_LOCAL, "NS_TCPIP_LOCAL" },
    { NS_TCPIP_HOSTS, "NS_TCPIP_HOSTS" },
    { NS_DNS, "NS_DNS" },
    { NS_NETBT, "NS_NETBT" },
    { NS_WINS, "NS_WINS" },
    { NS_NLA, "NS_NLA" },
    { NS_BTH, "NS_BTH" },
    { NS_NBP, "NS_NBP" },
    { NS_MS, "NS_MS" },
    { NS_STDA, "NS_STDA" },
    { NS_NTDS, "NS_NTDS" },
    { NS_X500, "NS_X500" },
    { NS_NIS, "NS_NIS" },
    { NS_NISPLUS, "NS_NISPLUS" },
    { NS_WRQ, "NS_WRQ" },
    { NS_NETDES, "NS_NETDES" },
    /* nspapi.h spellings of existing values: accepted, never printed
     * (rnr_namespace_name finds the entries above first). */
    { 0, "NS_DEFAULT" },
    { 50, "NS_VNS" },
};

#define N_NS_NAMES (sizeof(ns_names) / sizeof(ns_names[0]))

/* Case-insensitive, '-' equal to '_', so "tcpip-hosts" reads as a config
 * writer would expect. */
static int ns_word_equal(const char *a, const char *b)
{
    for (; *a != '\0' && *b != '\0'; a++, b++) {
        char ca = (*a == '-') ? '_' : *a, cb = (*b == '-') ? '_' : *b;

        if (ca >= 'a' && ca <= 'z')
            ca = (char)(ca - 'a' + 'A');
        if (cb >= 'a' && cb <= 'z')
            cb = (char)(cb - 'a' + 'A');
        if (ca != cb)
            return 0;
    }
    return *a == '\0' && *b == '\0';
}

long rnr_namespace_from_string(const char *s)
{
    size_t        i;
    unsigned long v = 0;

    if (s == NULL || *s == '\0')
        return -1;
    if (*s >= '0' && *s <= '9') {
        /* Any decimal DWORD: third-party providers may use name spaces
         * winsock2.h does not name. */
        for (i = 0; s[i] != '\0'; i++) {
            if (s[i] < '0' || s[i] > '9')
                return -1;
            v = v * 10 + (unsigned long)(s[i] - '0');
            if (v > 0xFFFFFFFFul)
                return -1;
        }
        return (long)v;
    }
    for (i = 0; i < N_NS_NAMES; i++) {
        if (ns_word_equal(s, ns_names[i].name) || ns_word_equal(s, ns_names[i].name + 3))
            return (long)ns_names[i].ns;
    }
    return -1;
}

const char *rnr_namespace_name(DWORD ns)
{
    size_t i;

    for (i = 0; i < N_NS_NAMES; i++) {
        if (ns_names[i].ns == ns)
            return ns_names[i].name;
    }
    return NULL;
}

/* ------------------------------------------------------------------ */
/* The built-in schema: a byte-for-byte copy of etc/rnr-class.rng       */
/* (tests/unit/test_class_xml.c checks that they are identical).        */
/* ------------------------------------------------------------------ */

static const char builtin_schema[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<!--\n"
    "  rnr service class description (WSASERVICECLASSINFO), one class per file.\n"
    "\n"
    "    <serviceClass id=\"{GUID}\" name=\"Example Service\">\n"
    "      <value name=\"TcpPort\" namespace=\"NS_DNS\" type=\"dword\">5000</value>\n"
    "      <value name=\"Aliases\" namespace=\"0\" type=\"multi-string\">\n"
    "        <item>a</item><item>b</item>\n"
    "      </value>\n"
    "    </serviceClass>\n"
    "\n"
    "  The schema checks the structure; rnr checks the rest and names the line:\n"
    "  the id is a GUID, namespace a number or an NS_* name, a dword a decimal\n"
    "  or 0x-hex number below 2^32, binary an even number of hex digits, and\n"
    "  the sizes are within rnr's limits.  rnr carries a built-in copy of this\n"
    "  file (nsp/class_xml.c); keep the two identical.\n"
    "-->\n"
    "<grammar xmlns=\"http://relaxng.org/ns/structure/1.0\"\n"
    "         datatypeLibrary=\"http://www.w3.org/2001/XMLSchema-datatypes\">\n"
    "  <start>\n"
    "    <element name=\"serviceClass\">\n"
    "      <attribute name=\"id\">\n"
    "        <ref name=\"nonEmptyToken\"/>\n"
    "      </attribute>\n"
    "      <attribute name=\"name\">\n"
    "        <data type=\"string\"><param name=\"minLength\">1</param></data>\n"
    "      </attribute>\n"
    "      <zeroOrMore>\n"
    "        <ref name=\"value\"/>\n"
    "      </zeroOrMore>\n"
    "    </element>\n"
    "  </start>\n"
    "\n"
    "  <define name=\"nonEmptyToken\">\n"
    "    <data type=\"token\"><param name=\"minLength\">1</param></data>\n"
    "  </define>\n"
    "\n"
    "  <define name=\"value\">\n"
    "    <element name=\"value\">\n"
    "      <attribute name=\"name\">\n"
    "        <data type=\"string\"><param name=\"minLength\">1</param></data>\n"
    "      </attribute>\n"
    "      <attribute name=\"namespace\">\n"
    "        <ref name=\"nonEmptyToken\"/>\n"
    "      </attribute>\n"
    "      <choice>\n"
    "        <group>\n"
    "          <attribute name=\"type\">\n"
    "            <choice>\n"
    "              <value>string</value>\n"
    "              <value>expand-string</value>\n"
    "            </choice>\n"
    "          </attribute>\n"
    "          <text/>\n"
    "        </group>\n"
    "        <group>\n"
    "          <attribute name=\"type\"><value>dword</value></attribute>\n"
    "          <ref name=\"nonEmptyToken\"/>\n"
    "        </group>\n"
    "        <group>\n"
    "          <attribute name=\"type\"><value>binary</value></attribute>\n"
    "          <text/>\n"
    "        </group>\n"
    "        <group>\n"
    "          <attribute name=\"type\"><value>multi-string</value></attribute>\n"
    "          <zeroOrMore>\n"
    "            <element name=\"item\"><text/></element>\n"
    "          </zeroOrMore>\n"
    "        </group>\n"
    "        <group>\n"
    "          <attribute name=\"type\"><value>none</value></attribute>\n"
    "          <empty/>\n"
    "        </group>\n"
    "      </choice>\n"
    "    </element>\n"
    "  </define>\n"
    "</grammar>\n";

const char *rnr_class_xml_builtin_schema(void)
{
    return builtin_schema;
}

/* ------------------------------------------------------------------ */
/* Semantic checks                                                      */
/* ------------------------------------------------------------------ */

/* "5000" or "0x0278"; 0 and *out on success, -1 for bad syntax, -2 for
 * out of range. */
static int parse_dword(const char *s, DWORD *out)
{
    unsigned long long v = 0;
    int                base = 10, d;

    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    if (*s == '\0')
        return -1;
    for (; *s != '\0'; s++) {
        d = rnr_hex_digit((unsigned char)*s);
        if (d < 0 || d >= base)
            return -1;
        v = v * (unsigned)base + (unsigned)d;
        if (v > 0xFFFFFFFFull) {
            /* Keep reading: "99999999999x" is a syntax error first. */
            for (s++; *s != '\0'; s++) {
                d = rnr_hex_digit((unsigned char)*s);
                if (d < 0 || d >= base)
                    return -1;
            }
            return -2;
        }
    }
    *out = (DWORD)v;
    return 0;
}

/* One entry under construction; owns name and value. */
struct xentry {
    char  *name;
    DWORD  ns;
    DWORD  type;
    DWORD  size;
    void  *value;
};

static void xentries_free(struct xentry *v, size_t n)
{
    size_t i;

    if (v == NULL)
        return;
    for (i = 0; i < n; i++) {
        rnr_free(v[i].name);
        rnr_free(v[i].value);
    }
    rnr_free(v);
}

static int is_element(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && xmlStrcmp(n->name, (const xmlChar *)name) == 0;
}

/* Attribute value (trimmed copy, rnr_free) or NULL. */
static char *attr_dup(const xmlNode *node, const char *name, int do_trim)
{
    xmlChar *v = xmlGetProp(node, (const xmlChar *)name);
    char    *r;

    if (v == NULL)
        return NULL;
    r = rnr_strdup(do_trim ? rnr_xml_trim((char *)v) : (char *)v);
    xmlFree(v);
    return r;
}

static char *content_dup(const xmlNode *node)
{
    xmlChar *v = xmlNodeGetContent(node);
    char    *r;

    if (v == NULL)
        return rnr_strdup("");
    r = rnr_strdup((char *)v);
    xmlFree(v);
    return r;
}

/* One reader per value type, each filling e->value / e->size from the
 * element.  They return 0, or WSAEINVAL (message set) / WSAENOBUFS. */
static int value_none(const xmlNode *node, struct xentry *e, struct rnr_xml_err *x)
{
    (void)node;
    (void)x;
    e->size = 0;
    e->value = NULL;
    return 0;
}

static int value_string(const xmlNode *node, struct xentry *e, struct rnr_xml_err *x)
{
    char  *text = content_dup(node);
    size_t total;
    int    status = WSAENOBUFS;

    if (text == NULL)
        goto done;
    total = strlen(text) + 1;
    if (total > RNR_CLASS_MAX_VALUE) {
        rnr_xml_err_set(x, xmlGetLineNo(node),
                        "value '%s': string of %zu bytes exceeds the limit of %u",
                        e->name, total - 1, RNR_CLASS_MAX_VALUE - 1);
        status = WSAEINVAL;
        goto done;
    }
    e->value = text;
    e->size = (DWORD)total;
    text = NULL;
    status = 0;

done:
    rnr_free(text);
    return status;
}

static int value_dword(const xmlNode *node, struct xentry *e, struct rnr_xml_err *x)
{
    char *text = content_dup(node), *t;
    int   status = WSAENOBUFS, r;
    DWORD dw;

    if (text == NULL)
        goto done;
    t = rnr_xml_trim(text);
    r = parse_dword(t, &dw);
    if (r != 0) {
        if (r == -2)
            rnr_xml_err_set(x, xmlGetLineNo(node),
                            "value '%s': dword '%s' out of range (0 to 4294967295)", e->name, t);
        else
            rnr_xml_err_set(x, xmlGetLineNo(node),
                            "value '%s': dword '%s' is not a decimal or 0x-hex number", e->name, t);
        status = WSAEINVAL;
        goto done;
    }
    e->value = rnr_malloc(sizeof(DWORD));
    if (e->value == NULL)
        goto done;
    memcpy(e->value, &dw, sizeof(DWORD));
    e->size = sizeof(DWORD);
    status = 0;

done:
    rnr_free(text);
    return status;
}

/* White space may separate bytes (long values wrap); every other
 * character must be a hex digit, in pairs.  Checked in full before the
 * bytes are allocated and decoded. */
static int value_binary(const xmlNode *node, struct xentry *e, struct rnr_xml_err *x)
{
    long     line = xmlGetLineNo(node);
    char    *text = content_dup(node), *p;
    size_t   total = 0, k = 0;
    int      status = WSAENOBUFS, hi = -1, lo;
    uint8_t *bin;

    if (text == NULL)
        goto done;
    for (p = text; *p != '\0'; p++) {
        if (rnr_xml_is_space(*p))
            continue;
        if (rnr_hex_digit((unsigned char)*p) < 0) {
            rnr_xml_err_set(x, line, "value '%s': binary value contains '%c', not a hex digit",
                            e->name, *p);
            status = WSAEINVAL;
            goto done;
        }
        total++;
    }
    if (total % 2 != 0) {
        rnr_xml_err_set(x, line, "value '%s': binary value has an odd number of hex digits (%zu)",
                        e->name, total);
        status = WSAEINVAL;
        goto done;
    }
    if (total / 2 > RNR_CLASS_MAX_VALUE) {
        rnr_xml_err_set(x, line, "value '%s': binary value of %zu bytes exceeds the limit of %u",
                        e->name, total / 2, RNR_CLASS_MAX_VALUE);
        status = WSAEINVAL;
        goto done;
    }
    if (total == 0) {
        e->value = NULL;
        e->size = 0;
        status = 0;
        goto done;
    }
    bin = rnr_malloc(total / 2);
    if (bin == NULL)
        goto done;
    for (p = text; *p != '\0'; p++) {
        if (rnr_xml_is_space(*p))
            continue;
        lo = rnr_hex_digit((unsigned char)*p);
        if (hi < 0) {
            hi = lo;
        } else {
            bin[k++] = (uint8_t)(hi << 4 | lo);
            hi = -1;
        }
    }
    e->value = bin;
    e->size = (DWORD)k;
    status = 0;

done:
    rnr_free(text);
    return status;
}

/* "a\0bc\0\0"; an empty list is the terminating "\0" alone.  An empty
 * item would end the list early, so it is refused.  A first pass checks
 * and sizes the items, a second copies them. */
static int value_multi_string(const xmlNode *node, struct xentry *e, struct rnr_xml_err *x)
{
    const xmlNode *c;
    char          *text = NULL, *p = NULL;
    size_t         total = 1, k = 0;
    int            status = WSAENOBUFS;

    for (c = node->children; c != NULL; c = c->next) {
        if (!is_element(c, "item"))
            continue;
        rnr_free(text);
        text = content_dup(c);
        if (text == NULL)
            goto done;
        if (*text == '\0') {
            rnr_xml_err_set(x, xmlGetLineNo(c), "value '%s': empty item in a multi-string",
                            e->name);
            status = WSAEINVAL;
            goto done;
        }
        total += strlen(text) + 1;
        if (total > RNR_CLASS_MAX_VALUE) {
            rnr_xml_err_set(x, xmlGetLineNo(c),
                            "value '%s': multi-string exceeds the limit of %u bytes",
                            e->name, RNR_CLASS_MAX_VALUE);
            status = WSAEINVAL;
            goto done;
        }
    }
    p = rnr_malloc(total);
    if (p == NULL)
        goto done;
    for (c = node->children; c != NULL; c = c->next) {
        if (!is_element(c, "item"))
            continue;
        rnr_free(text);
        text = content_dup(c);
        if (text == NULL)
            goto done;
        memcpy(p + k, text, strlen(text) + 1);
        k += strlen(text) + 1;
    }
    p[k] = '\0';
    e->value = p;
    e->size = (DWORD)total;
    p = NULL;
    status = 0;

done:
    rnr_free(p);
    rnr_free(text);
    return status;
}

static int value_from_node(const xmlNode *node, struct xentry *e, struct rnr_xml_err *x)
{
    switch (e->type) {
    case REG_NONE:
        return value_none(node, e, x);
    case REG_SZ:
    case REG_EXPAND_SZ:
        return value_string(node, e, x);
    case REG_DWORD:
        return value_dword(node, e, x);
    case REG_BINARY:
        return value_binary(node, e, x);
    case REG_MULTI_SZ:
        return value_multi_string(node, e, x);
    default:
        rnr_xml_err_set(x, xmlGetLineNo(node), "value '%s': unsupported type", e->name);
        return WSAEINVAL;
    }
}

static int type_from_string(const char *s, DWORD *out)
{
    static const struct { const char *name; DWORD type; } types[] = {
        { "string", REG_SZ }, { "expand-string", REG_EXPAND_SZ },
        { "dword", REG_DWORD }, { "binary", REG_BINARY },
        { "multi-string", REG_MULTI_SZ }, { "none", REG_NONE },
    };
    size_t i;

    for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        if (strcmp(s, types[i].name) == 0) {
            *out = types[i].type;
            return 0;
        }
    }
    return -1;
}

/* One <value> element into e (zeroed by the caller). */
static int entry_from_node(const xmlNode *node, struct xentry *e, struct rnr_xml_err *x)
{
    long  line = xmlGetLineNo(node);
    char *ns = NULL, *type = NULL;
    long  nsv;
    int   status = WSAENOBUFS;

    /* A schema given by path may be laxer than ours: check presence. */
    if (!xmlHasProp(node, (const xmlChar *)"name") ||
        !xmlHasProp(node, (const xmlChar *)"namespace") ||
        !xmlHasProp(node, (const xmlChar *)"type")) {
        rnr_xml_err_set(x, line, "value needs name, namespace and type attributes");
        status = WSAEINVAL;
        goto done;
    }
    e->name = attr_dup(node, "name", 0);
    ns = attr_dup(node, "namespace", 1);
    type = attr_dup(node, "type", 1);
    if (e->name == NULL || ns == NULL || type == NULL)
        goto done;

    status = WSAEINVAL;
    if (strlen(e->name) > RNR_CLASS_MAX_NAME) {
        rnr_xml_err_set(x, line, "value name of %zu bytes exceeds the limit of %u",
                 strlen(e->name), RNR_CLASS_MAX_NAME);
        goto done;
    }
    nsv = rnr_namespace_from_string(ns);
    if (nsv < 0) {
        rnr_xml_err_set(x, line, "value '%s': unknown name space '%s'", e->name, ns);
        goto done;
    }
    e->ns = (DWORD)nsv;
    if (type_from_string(type, &e->type) != 0) {
        rnr_xml_err_set(x, line, "value '%s': unknown type '%s'", e->name, type);
        goto done;
    }
    status = value_from_node(node, e, x);

done:
    rnr_free(ns);
    rnr_free(type);
    return status;
}

/* The document (already schema-valid) into a flat class. */
static int class_from_doc(xmlDoc *doc, WSASERVICECLASSINFOA **out, struct rnr_xml_err *x)
{
    const xmlNode        *root = xmlDocGetRootElement(doc);
    const xmlNode        *c;
    struct xentry        *ents = NULL;
    size_t                n = 0, cap = 0, i, j;
    char                 *id_text = NULL, *name = NULL;
    GUID                  id;
    WSANSCLASSINFOA      *infos = NULL;
    WSASERVICECLASSINFOA  tmp, *flat;
    long                  line;
    int                   status = WSAENOBUFS;

    if (root == NULL || !is_element(root, "serviceClass")) {
        rnr_xml_err_set(x, root != NULL ? xmlGetLineNo(root) : 0, "the root element must be serviceClass");
        status = WSAEINVAL;
        goto done;
    }
    line = xmlGetLineNo(root);
    if (!xmlHasProp(root, (const xmlChar *)"id") || !xmlHasProp(root, (const xmlChar *)"name")) {
        rnr_xml_err_set(x, line, "class needs id and name attributes");
        status = WSAEINVAL;
        goto done;
    }
    id_text = attr_dup(root, "id", 1);
    name = attr_dup(root, "name", 0);
    if (id_text == NULL || name == NULL)
        goto done;
    status = WSAEINVAL;
    if (rnr_guid_parse(id_text, &id) != 0) {
        rnr_xml_err_set(x, line, "class id '%s' is not a GUID", id_text);
        goto done;
    }
    if (strlen(name) > RNR_CLASS_MAX_NAME) {
        rnr_xml_err_set(x, line, "class name of %zu bytes exceeds the limit of %u",
                 strlen(name), RNR_CLASS_MAX_NAME);
        goto done;
    }

    for (c = root->children; c != NULL; c = c->next)
        cap += is_element(c, "value") ? 1 : 0;
    if (cap > RNR_CLASS_MAX_ENTRIES) {
        /* Name the first value past the limit. */
        for (c = root->children, i = 0; c != NULL; c = c->next) {
            if (is_element(c, "value") && ++i > RNR_CLASS_MAX_ENTRIES)
                break;
        }
        rnr_xml_err_set(x, c != NULL ? xmlGetLineNo(c) : line,
                 "more than %u values in one class", RNR_CLASS_MAX_ENTRIES);
        goto done;
    }
    status = WSAENOBUFS;
    ents = rnr_calloc(cap ? cap : 1, sizeof(*ents));
    infos = rnr_calloc(cap ? cap : 1, sizeof(*infos));
    if (ents == NULL || infos == NULL)
        goto done;

    for (c = root->children; c != NULL; c = c->next) {
        if (!is_element(c, "value"))
            continue;
        status = entry_from_node(c, &ents[n], x);
        n++;
        if (status != 0)
            goto done;
        /* Two values of one name in one name space would leave a reader
         * guessing which one counts. */
        for (j = 0; j + 1 < n; j++) {
            if (ents[j].ns == ents[n - 1].ns && strcasecmp(ents[j].name, ents[n - 1].name) == 0) {
                rnr_xml_err_set(x, xmlGetLineNo(c), "value '%s' appears twice for name space %lu",
                         ents[n - 1].name, (unsigned long)ents[n - 1].ns);
                status = WSAEINVAL;
                goto done;
            }
        }
    }

    for (i = 0; i < n; i++) {
        infos[i].lpszName = ents[i].name;
        infos[i].dwNameSpace = ents[i].ns;
        infos[i].dwValueType = ents[i].type;
        infos[i].dwValueSize = ents[i].size;
        infos[i].lpValue = ents[i].value;
    }
    tmp.lpServiceClassId = &id;
    tmp.lpszServiceClassName = name;
    tmp.dwCount = (DWORD)n;
    tmp.lpClassInfos = n ? infos : NULL;

    status = rnr_class_validate(&tmp);
    if (status != 0) {
        rnr_xml_err_set(x, line, "class rejected by validation (error %d)", status);
        status = WSAEINVAL;
        goto done;
    }
    flat = rnr_class_dup(&tmp, NULL);
    if (flat == NULL) {
        status = WSAENOBUFS;
        goto done;
    }
    *out = flat;
    status = 0;

done:
    if (status == WSAENOBUFS)
        rnr_xml_err_set(x, 0, "out of memory");
    xentries_free(ents, n);
    rnr_free(infos);
    rnr_free(id_text);
    rnr_free(name);
    return status;
}

/* ------------------------------------------------------------------ */
/* Entry points                                                         */
/* ------------------------------------------------------------------ */

/* libxml2 records no line for the DTD node, so find the first "<!DOCTYPE"
 * in the text.  One inside an earlier comment would mislead it; the
 * message still names the right problem. */
static long doctype_line(const char *data, size_t len)
{
    static const char tag[] = "<!DOCTYPE";
    size_t            i;
    long              line = 1;

    for (i = 0; i + sizeof(tag) - 1 <= len; i++) {
        if (memcmp(data + i, tag, sizeof(tag) - 1) == 0)
            return line;
        if (data[i] == '\n')
            line++;
    }
    return 1;
}

static xmlRelaxNGPtr schema_load(const char *schema_path, struct rnr_xml_err *x)
{
    xmlRelaxNGParserCtxtPtr pctxt;
    xmlRelaxNGPtr           schema = NULL;
    struct rnr_xml_err          sx;

    /* Schema problems are reported against the schema, not the class. */
    sx.buf = x->buf;
    sx.len = x->len;
    sx.name = schema_path != NULL ? schema_path : "(built-in rnr-class.rng)";
    sx.set = 0;

    if (schema_path != NULL)
        pctxt = xmlRelaxNGNewParserCtxt(schema_path);
    else
        pctxt = xmlRelaxNGNewMemParserCtxt(builtin_schema, (int)(sizeof(builtin_schema) - 1));
    if (pctxt == NULL) {
        rnr_xml_err_set(&sx, 0, "out of memory");
        goto done;
    }
    xmlRelaxNGSetParserStructuredErrors(pctxt, rnr_xml_err_libxml, &sx);
    schema = xmlRelaxNGParse(pctxt);
    if (schema == NULL)
        rnr_xml_err_set(&sx, 0, "cannot load the RELAX NG schema");

done:
    x->set |= sx.set;
    xmlRelaxNGFreeParserCtxt(pctxt);
    return schema;
}

static void refuse_doctype(void *ctx, const xmlChar *name, const xmlChar *eid,
                           const xmlChar *sid)
{
    xmlParserCtxtPtr pctxt = ctx;

    (void)name;
    (void)eid;
    (void)sid;
    rnr_xml_err_set(pctxt->_private, xmlSAX2GetLineNumber(pctxt),
                    "DOCTYPE declarations are not allowed in class files");
    xmlStopParser(pctxt);
}

int rnr_class_xml_parse(const char *data, size_t len, const char *name,
                        const char *schema_path, WSASERVICECLASSINFOA **out,
                        char *err, size_t errlen)
{
    struct rnr_xml_err          x;
    xmlParserCtxtPtr        pctxt = NULL;
    xmlDocPtr               doc = NULL;
    xmlRelaxNGPtr           schema = NULL;
    xmlRelaxNGValidCtxtPtr  vctxt = NULL;
    xmlStructuredErrorFunc  saved_fn = xmlStructuredError;
    void                   *saved_ctx = xmlStructuredErrorContext;
    int                     status = WSAEINVAL;

    x.buf = err;
    x.len = errlen;
    x.name = name != NULL ? name : "(class)";
    x.set = 0;
    if (err != NULL && errlen > 0)
        err[0] = '\0';

    if (data == NULL || out == NULL) {
        rnr_xml_err_set(&x, 0, "no input");
        return WSAEINVAL;
    }
    if (len > RNR_CLASS_XML_MAX_SIZE) {
        rnr_xml_err_set(&x, 0, "file of %zu bytes exceeds the limit of %u bytes", len,
                 RNR_CLASS_XML_MAX_SIZE);
        return WSAEINVAL;
    }

    /* libxml2 reports parser errors through a per-thread handler; catch
     * them here (for the line numbers) instead of letting them reach
     * stderr, and put back whatever the program had. */
    /* No DOCTYPE before libxml2 sees a byte, so no entity is ever
     * declared, let alone expanded; attributes bounded in number and
     * size. */
    if (rnr_xml_prescan(data, len, &x) != 0)
        return WSAEINVAL;
    xmlSetStructuredErrorFunc(&x, rnr_xml_err_libxml);

    pctxt = xmlNewParserCtxt();
    if (pctxt == NULL) {
        rnr_xml_err_set(&x, 0, "out of memory");
        status = WSAENOBUFS;
        goto done;
    }
    /* Should one get past that, the parse stops at the DOCTYPE, before
     * its internal subset is read. */
    pctxt->sax->internalSubset = refuse_doctype;
    pctxt->_private = &x;
    /* No XML_PARSE_NOENT / DTDLOAD / DTDATTR / HUGE: entities stay
     * unexpanded, nothing outside the buffer is read, libxml2's limits
     * hold; read as UTF-8 whatever the declaration says, so that what
     * was prescanned is what is parsed. */
    doc = xmlCtxtReadMemory(pctxt, data, (int)len, x.name, "UTF-8",
                            XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_NOWARNING);
    if (doc == NULL || x.set) {
        rnr_xml_err_set(&x, 0, "not well-formed XML");
        goto done;
    }
    if (doc->intSubset != NULL || doc->extSubset != NULL) {
        rnr_xml_err_set(&x, doctype_line(data, len),
                 "DOCTYPE declarations are not allowed in class files");
        goto done;
    }

    schema = schema_load(schema_path, &x);
    if (schema == NULL)
        goto done;
    vctxt = xmlRelaxNGNewValidCtxt(schema);
    if (vctxt == NULL) {
        rnr_xml_err_set(&x, 0, "out of memory");
        status = WSAENOBUFS;
        goto done;
    }
    xmlRelaxNGSetValidStructuredErrors(vctxt, rnr_xml_err_libxml, &x);
    if (xmlRelaxNGValidateDoc(vctxt, doc) != 0) {
        rnr_xml_err_set(&x, 0, "does not match the class schema");
        goto done;
    }

    status = class_from_doc(doc, out, &x);

done:
    xmlRelaxNGFreeValidCtxt(vctxt);
    xmlRelaxNGFree(schema);
    xmlFreeDoc(doc);
    xmlFreeParserCtxt(pctxt);
    xmlSetStructuredErrorFunc(saved_ctx, saved_fn);
    return status;
}

int rnr_class_xml_load(const char *path, const char *schema_path,
                       WSASERVICECLASSINFOA **out, char *err, size_t errlen)
{
    struct rnr_xml_err x;
    struct stat    st;
    char          *data = NULL;
    size_t         have = 0;
    ssize_t        r;
    int            fd = -1, status = WSAEINVAL;

    x.buf = err;
    x.len = errlen;
    x.name = path != NULL ? path : "(null)";
    x.set = 0;

    if (path == NULL || out == NULL) {
        rnr_xml_err_set(&x, 0, "no file given");
        goto done;
    }
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0 || fstat(fd, &st) != 0) {
        rnr_xml_err_set(&x, 0, "%s", strerror(errno));
        goto done;
    }
    if (!S_ISREG(st.st_mode)) {
        rnr_xml_err_set(&x, 0, "not a regular file");
        goto done;
    }
    if (st.st_size > (off_t)RNR_CLASS_XML_MAX_SIZE) {
        rnr_xml_err_set(&x, 0, "file of %lld bytes exceeds the limit of %u bytes",
                 (long long)st.st_size, RNR_CLASS_XML_MAX_SIZE);
        goto done;
    }
    /* Read to EOF, one byte past the limit, in case the file grew. */
    data = rnr_malloc(RNR_CLASS_XML_MAX_SIZE + 1);
    if (data == NULL) {
        rnr_xml_err_set(&x, 0, "out of memory");
        status = WSAENOBUFS;
        goto done;
    }
    for (;;) {
        r = read(fd, data + have, RNR_CLASS_XML_MAX_SIZE + 1 - have);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            rnr_xml_err_set(&x, 0, "%s", strerror(errno));
            goto done;
        }
        if (r == 0 || (have += (size_t)r) > RNR_CLASS_XML_MAX_SIZE)
            break;
    }
    status = rnr_class_xml_parse(data, have, path, schema_path, out, err, errlen);

done:
    if (fd >= 0)
        close(fd);
    rnr_free(data);
    return status;
}
