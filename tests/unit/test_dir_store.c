/* SPDX-License-Identifier: MIT */
/*
 * The directory's XML codec, tree and store, on real files: records read
 * back field for field, documents checked with line numbers, an
 * interrupted append cut off, damaged lines skipped and reported, and a
 * snapshot that replaces the journal without losing anything.
 */
#include "config.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include <rnr/nsp.h>

#include "alloc.h"
#include "dir_store.h"
#include "dir_store_int.h"
#include "dir_tree.h"
#include "dir_xml.h"
#include "guid.h"
#include "queryset.h"

/* ------------------------------------------------------------ codec */

static void sample(WSAQUERYSETA *qs, CSADDR_INFO cs[2], struct sockaddr_in *s4,
                   struct sockaddr_in6 *s6, WSAVERSION *v, BLOB *b, GUID *g)
{
    static uint8_t bytes[] = { 0, 0xff, '<', 10 };

    memset(qs, 0, sizeof *qs);
    memset(cs, 0, 2 * sizeof *cs);
    memset(s4, 0, sizeof *s4);
    memset(s6, 0, sizeof *s6);
    assert_int_equal(rnr_guid_parse("{11111111-2222-3333-4444-555555555555}", g), 0);
    s4->sin_family = AF_INET;
    s4->sin_port = htons(80);
    inet_pton(AF_INET, "192.0.2.1", &s4->sin_addr);
    s6->sin6_family = AF_INET6;
    s6->sin6_port = htons(443);
    s6->sin6_scope_id = 3;
    inet_pton(AF_INET6, "fe80::2", &s6->sin6_addr);
    cs[0].RemoteAddr.lpSockaddr = (LPSOCKADDR)s4;
    cs[0].RemoteAddr.iSockaddrLength = sizeof *s4;
    cs[0].iSocketType = 1;
    cs[0].iProtocol = 6;
    cs[1].LocalAddr.lpSockaddr = (LPSOCKADDR)s6;
    cs[1].LocalAddr.iSockaddrLength = sizeof *s6;
    cs[1].iSocketType = 2;
    cs[1].iProtocol = -1;
    v->dwVersion = 4000000000u;
    v->ecHow = COMP_EQUAL;
    b->cbSize = sizeof bytes;
    b->pBlobData = bytes;
    qs->dwSize = sizeof *qs;
    qs->lpszServiceInstanceName = "na<m>e & \"q\"";
    qs->lpServiceClassId = g;
    qs->lpVersion = v;
    qs->lpszComment = "tab\there\nnewline\r\xc3\xa9";
    qs->dwNumberOfCsAddrs = 2;
    qs->lpcsaBuffer = cs;
    qs->lpBlob = b;
}

static void test_record_round_trip(void **state)
{
    WSAQUERYSETA           qs, *r;
    CSADDR_INFO            cs[2];
    struct sockaddr_in     s4;
    struct sockaddr_in6    s6;
    WSAVERSION             v;
    BLOB                   b;
    GUID                   g;
    struct dir_text        t;
    struct dir_xml_parser *p;
    struct dir_xml_rec     rec;
    char                   err[256];

    (void)state;
    sample(&qs, cs, &s4, &s6, &v, &b, &g);
    dir_text_init(&t);
    dir_xml_put_entry(&t, &qs, "\\a\\b c", 1000, 0, 0);
    assert_int_equal(t.error, 0);
    assert_null(strchr(t.data, '\n'));          /* one record, one line */
    assert_int_equal(dir_xml_parser_new(&p), 0);
    memset(&rec, 0, sizeof rec);
    assert_int_equal(dir_xml_parse_record(p, t.data, t.len, &rec, err, sizeof err), 0);
    r = rec.qs;
    assert_false(rec.del);
    assert_int_equal(rec.owner, 1000);
    assert_string_equal(r->lpszContext, "\\a\\b c");
    assert_string_equal(r->lpszServiceInstanceName, qs.lpszServiceInstanceName);
    assert_string_equal(r->lpszComment, qs.lpszComment);
    assert_true(rnr_guid_equal(r->lpServiceClassId, &g));
    assert_int_equal(r->lpVersion->dwVersion, 4000000000u);
    assert_int_equal(r->lpBlob->cbSize, b.cbSize);
    assert_memory_equal(r->lpBlob->pBlobData, b.pBlobData, b.cbSize);
    assert_int_equal(r->dwNumberOfCsAddrs, 2);
    assert_memory_equal(r->lpcsaBuffer[0].RemoteAddr.lpSockaddr, &s4, sizeof s4);
    assert_null(r->lpcsaBuffer[0].LocalAddr.lpSockaddr);
    assert_memory_equal(r->lpcsaBuffer[1].LocalAddr.lpSockaddr, &s6, sizeof s6);
    assert_int_equal(r->lpcsaBuffer[1].iProtocol, -1);
    dir_xml_rec_clear(&rec);

    /* A deletion. */
    t.len = 0;
    dir_xml_put_del(&t, "\\", &g, "x&y");
    assert_int_equal(dir_xml_parse_record(p, t.data, t.len, &rec, err, sizeof err), 0);
    assert_true(rec.del);
    assert_string_equal(rec.qs->lpszServiceInstanceName, "x&y");
    dir_xml_rec_clear(&rec);

    /* Bad records get a reason. */
    assert_int_equal(dir_xml_parse_record(p, "<entry", 6, &rec, err, sizeof err), WSAEINVAL);
    assert_true(err[0] != '\0');
    assert_int_equal(dir_xml_parse_record(p, "<entry context=\"\\\" class=\"nope\" name=\"a\"/>",
                                          42, &rec, err, sizeof err), WSAEINVAL);
    assert_non_null(strstr(err, "not a GUID"));
    dir_xml_parser_free(p);
    dir_text_free(&t);
}

/* ------------------------------------------------------------ packed entries */

static void assert_sockaddr_same(const SOCKET_ADDRESS *a, const SOCKET_ADDRESS *b)
{
    assert_int_equal(a->iSockaddrLength, b->iSockaddrLength);
    assert_true((a->lpSockaddr == NULL) == (b->lpSockaddr == NULL));
    if (a->lpSockaddr != NULL)
        assert_memory_equal(a->lpSockaddr, b->lpSockaddr, (size_t)a->iSockaddrLength);
}

/* What the entry gives back is what it was given, field for field. */
static void assert_qs_same(const WSAQUERYSETA *a, const WSAQUERYSETA *b)
{
    DWORD i;

    assert_int_equal(a->dwSize, b->dwSize);
    assert_memory_equal(a->lpServiceClassId, b->lpServiceClassId, sizeof(GUID));
    assert_string_equal(a->lpszServiceInstanceName, b->lpszServiceInstanceName);
    assert_null(b->lpszContext);
    assert_true((a->lpVersion == NULL) == (b->lpVersion == NULL));
    if (a->lpVersion != NULL)
        assert_memory_equal(a->lpVersion, b->lpVersion, sizeof(WSAVERSION));
    assert_true((a->lpszComment == NULL) == (b->lpszComment == NULL));
    if (a->lpszComment != NULL)
        assert_string_equal(a->lpszComment, b->lpszComment);
    assert_true((a->lpBlob == NULL) == (b->lpBlob == NULL));
    if (a->lpBlob != NULL) {
        assert_int_equal(a->lpBlob->cbSize, b->lpBlob->cbSize);
        assert_true((a->lpBlob->pBlobData == NULL) == (b->lpBlob->pBlobData == NULL));
        if (a->lpBlob->pBlobData != NULL)
            assert_memory_equal(a->lpBlob->pBlobData, b->lpBlob->pBlobData, a->lpBlob->cbSize);
    }
    assert_int_equal(a->dwNumberOfCsAddrs, b->dwNumberOfCsAddrs);
    for (i = 0; i < a->dwNumberOfCsAddrs; i++) {
        assert_int_equal(a->lpcsaBuffer[i].iSocketType, b->lpcsaBuffer[i].iSocketType);
        assert_int_equal(a->lpcsaBuffer[i].iProtocol, b->lpcsaBuffer[i].iProtocol);
        assert_sockaddr_same(&a->lpcsaBuffer[i].LocalAddr, &b->lpcsaBuffer[i].LocalAddr);
        assert_sockaddr_same(&a->lpcsaBuffer[i].RemoteAddr, &b->lpcsaBuffer[i].RemoteAddr);
    }
}

/* qs into an entry and out again; the entry, for more checks. */
static struct dir_entry *pack_round_trip(const WSAQUERYSETA *qs)
{
    struct dir_entry *e = dir_entry_new(rnr_qs_dup(qs, NULL), 5);
    WSAQUERYSETA     *x;

    assert_non_null(e);
    assert_int_equal(dir_entry_expand(e, &x), 0);
    assert_qs_same(qs, x);
    assert_int_equal(dir_entry_bytes(e), rnr_qs_flat_size(x));
    assert_int_equal(dir_entry_bytes(e), rnr_qs_flat_size(qs));
    assert_string_equal(dir_entry_name(e), qs->lpszServiceInstanceName);
    assert_memory_equal(dir_entry_class(e), qs->lpServiceClassId, sizeof(GUID));
    assert_int_equal(dir_entry_naddrs(e), qs->dwNumberOfCsAddrs);
    assert_true((dir_entry_version(e) == NULL) == (qs->lpVersion == NULL));
    rnr_free(x);
    return e;
}

/* Sockaddrs the short forms cannot say exactly stay byte for byte, and
 * any IPv4 or IPv6 one of full size is still indexed. */
static void test_entry_packed(void **state)
{
    WSAQUERYSETA        qs;
    CSADDR_INFO         cs[5];
    struct sockaddr_in  s4, odd4;
    struct sockaddr_in6 s6, flow6;
    unsigned char       other[5] = { 0x7f, 0, 1, 2, 3 };
    WSAVERSION          v;
    BLOB                b, empty = { 0, NULL };
    GUID                g;
    struct dir_entry   *e;
    int                 af = AF_UNSPEC;
    const void         *a;

    (void)state;
    sample(&qs, cs, &s4, &s6, &v, &b, &g);
    dir_entry_free(pack_round_trip(&qs));

    memset(&cs[2], 0, 3 * sizeof cs[0]);
    odd4 = s4;
    odd4.sin_zero[3] = 9;
    inet_pton(AF_INET, "198.51.100.7", &odd4.sin_addr);
    flow6 = s6;
    flow6.sin6_flowinfo = htonl(5);
    inet_pton(AF_INET6, "2001:db8::9", &flow6.sin6_addr);
    cs[2].RemoteAddr.lpSockaddr = (LPSOCKADDR)&odd4;
    cs[2].RemoteAddr.iSockaddrLength = sizeof odd4;
    cs[3].RemoteAddr.lpSockaddr = (LPSOCKADDR)&flow6;
    cs[3].RemoteAddr.iSockaddrLength = sizeof flow6;
    cs[3].LocalAddr.lpSockaddr = (LPSOCKADDR)(void *)other;
    cs[3].LocalAddr.iSockaddrLength = sizeof other;
    cs[4].RemoteAddr.lpSockaddr = (LPSOCKADDR)&s4;     /* the same as cs[0]: one link */
    cs[4].RemoteAddr.iSockaddrLength = sizeof s4;
    qs.dwNumberOfCsAddrs = 5;
    qs.lpVersion = NULL;
    qs.lpszComment = NULL;
    qs.lpBlob = &empty;
    e = pack_round_trip(&qs);
    assert_int_equal(e->nalinks, 3);
    a = dir_alink_addr(&dir_entry_links(e)[0], &af);
    assert_int_equal(af, AF_INET);
    assert_memory_equal(a, &s4.sin_addr, 4);
    assert_int_equal(dir_entry_links(e)[1].csaddr, 2);
    a = dir_alink_addr(&dir_entry_links(e)[1], &af);
    assert_int_equal(af, AF_INET);
    assert_memory_equal(a, &odd4.sin_addr, 4);
    a = dir_alink_addr(&dir_entry_links(e)[2], &af);
    assert_int_equal(af, AF_INET6);
    assert_memory_equal(a, &flow6.sin6_addr, 16);
    dir_entry_free(e);

    qs.dwNumberOfCsAddrs = 0;
    qs.lpcsaBuffer = NULL;
    qs.lpBlob = NULL;
    e = pack_round_trip(&qs);
    assert_int_equal(e->nalinks, 0);
    dir_entry_free(e);
}

static void test_text_ok(void **state)
{
    (void)state;
    assert_true(dir_xml_text_ok("plain \t\r\n \xc3\xa9 \xf0\x9f\x98\x80"));
    assert_true(dir_xml_text_ok(NULL));
    assert_false(dir_xml_text_ok("ctl\x01"));
    assert_false(dir_xml_text_ok("\xc3"));            /* truncated */
    assert_false(dir_xml_text_ok("\xc0\xaf"));        /* overlong */
    assert_false(dir_xml_text_ok("\xed\xa0\x80"));    /* surrogate */
    assert_false(dir_xml_text_ok("\xef\xbf\xbe"));    /* U+FFFE */
}

static void test_document(void **state)
{
    static const char good[] =
        "<?xml version=\"1.0\"?>\n<directory version=\"1\">\n"
        "  <entry context=\"\\a\" class=\"{11111111-2222-3333-4444-555555555555}\" name=\"x\""
        " version=\"2\">\n"
        "    <comment>c</comment>\n"
        "    <address socktype=\"1\" protocol=\"6\"><remote>[::1]:5</remote>"
        "<local>raw:0100</local></address>\n"
        "    <blob>00 ff</blob>\n"
        "  </entry>\n</directory>\n";
    static const char doctype[] =
        "<!DOCTYPE d [<!ENTITY e \"x\">]><directory version=\"1\"/>";
    static const char dup[] =
        "<directory version=\"1\">\n"
        "<entry context=\"\\a\" class=\"{11111111-2222-3333-4444-555555555555}\" name=\"x\"/>\n"
        "<entry context=\"\\b\" class=\"{11111111-2222-3333-4444-555555555555}\" name=\"x\"/>\n"
        "<entry context=\"\\A\" class=\"{11111111-2222-3333-4444-555555555555}\" name=\"X\"/>\n"
        "</directory>\n";
    static const char badblob[] =
        "<directory version=\"1\">\n"
        "<entry context=\"\\a\" class=\"{11111111-2222-3333-4444-555555555555}\" name=\"x\">\n"
        "<blob>abc</blob></entry>\n</directory>\n";
    struct dir_xml_rec *recs = NULL;
    size_t              n = 0;
    char                err[300];

    (void)state;
    assert_int_equal(dir_xml_parse_document(good, sizeof good - 1, "good.xml", NULL, &recs, &n,
                                            err, sizeof err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(recs[0].line, 3);
    assert_int_equal(recs[0].owner, -1);
    assert_int_equal(recs[0].qs->lpBlob->cbSize, 2);
    assert_int_equal(recs[0].qs->lpcsaBuffer[0].LocalAddr.iSockaddrLength, 2);
    dir_xml_recs_free(recs, n);

    assert_int_equal(dir_xml_parse_document(dup, sizeof dup - 1, "dup.xml", NULL, &recs, &n,
                                            err, sizeof err), WSAEINVAL);
    assert_non_null(strstr(err, "dup.xml:4: entry repeats the one on line 2"));
    assert_int_equal(dir_xml_parse_document(badblob, sizeof badblob - 1, "b.xml", NULL, &recs,
                                            &n, err, sizeof err), WSAEINVAL);
    assert_non_null(strstr(err, "b.xml:3:"));
    assert_int_equal(dir_xml_parse_document("<directory version=\"1\"><oops/></directory>", 42,
                                            "o.xml", NULL, &recs, &n, err, sizeof err),
                     WSAEINVAL);
    assert_non_null(strstr(err, "o.xml:1:"));
    assert_int_equal(dir_xml_parse_document(doctype, sizeof doctype - 1, "t.xml", NULL, &recs,
                                            &n, err, sizeof err), WSAEINVAL);
}

/* ------------------------------------------------------------ tree */

static void test_paths(void **state)
{
    struct dir_path p;
    char            deep[1024];
    int             i;

    (void)state;
    assert_int_equal(dir_path_parse(NULL, "\\org", &p), 0);
    assert_int_equal(p.n, 1);
    assert_int_equal(dir_path_parse("unit\\x", "\\org", &p), 0);
    assert_int_equal(p.n, 3);
    assert_string_equal(p.comp[2], "x");
    assert_int_equal(dir_path_parse("\\\\a\\\\b\\", "\\org", &p), 0);
    assert_int_equal(p.n, 2);
    assert_int_equal(dir_path_parse("\\", "\\org", &p), 0);
    assert_int_equal(p.n, 0);
    deep[0] = '\0';
    for (i = 0; i < 70; i++)
        strcat(deep, "\\a");
    assert_int_equal(dir_path_parse(deep, "\\", &p), WSAEINVAL);
    assert_int_equal(dir_path_parse("\\a\x02", "\\", &p), WSAEINVAL);
}

static GUID tree_class = { 1, 2, 3, { 4, 5, 6, 7, 8, 9, 10, 11 } };

static WSAQUERYSETA *mkqs(const char *name)
{
    WSAQUERYSETA q;

    memset(&q, 0, sizeof q);
    q.dwSize = sizeof q;
    q.lpszServiceInstanceName = (char *)name;
    q.lpServiceClassId = &tree_class;
    return rnr_qs_dup(&q, NULL);
}

static void test_tree(void **state)
{
    struct dir_tree   t;
    struct dir_path   p;
    struct dir_node  *n, *m;
    struct dir_entry *e;
    char              name[32];
    int               i;

    (void)state;
    dir_tree_init(&t);
    assert_int_equal(dir_path_parse("\\A\\b", "\\", &p), 0);
    assert_int_equal(dir_tree_make_node(&t, &p, &n), 0);
    assert_string_equal(n->path, "\\A\\b");
    assert_int_equal(t.nnodes, 2);
    /* Many entries: the hash grows; every one is found. */
    for (i = 0; i < 5000; i++) {
        snprintf(name, sizeof name, "e%d", i);
        e = dir_entry_new(mkqs(name), 7);
        assert_non_null(e);
        dir_tree_put(&t, n, e, NULL);
    }
    assert_int_equal(t.nentries, 5000);
    assert_int_equal(dir_path_parse("\\a\\B", "\\", &p), 0);
    assert_ptr_equal(dir_tree_find_node(&t, &p), n);
    e = dir_tree_find_entry(&t, n, &tree_class, "E4999");
    assert_non_null(e);
    /* Replacing keeps the place; removing the last prunes the path. */
    {
        struct dir_entry *ne = dir_entry_new(mkqs("e4999"), 8);

        dir_tree_put(&t, n, ne, e);
        assert_int_equal(t.nentries, 5000);
        assert_ptr_equal(n->ent_last, ne);
    }
    while ((e = n->ent_first) != NULL && t.nentries > 1)
        dir_tree_remove(&t, e);
    assert_int_equal(t.nnodes, 2);
    assert_int_equal(dir_path_parse("\\a\\c", "\\", &p), 0);
    assert_int_equal(dir_tree_make_node(&t, &p, &m), 0);
    assert_int_equal(t.nnodes, 3);
    dir_tree_prune(&t, m);
    assert_int_equal(t.nnodes, 2);
    dir_tree_remove(&t, n->ent_first);
    assert_int_equal(t.nnodes, 0);
    assert_null(t.root.child_first);
    dir_tree_clear(&t);
}

/* An entry named `name` in the container at `path`. */
static struct dir_entry *put_at(struct dir_tree *t, const char *path, const char *name)
{
    struct dir_path   p;
    struct dir_node  *n;
    struct dir_entry *e = dir_entry_new(mkqs(name), 0);

    assert_non_null(e);
    assert_int_equal(dir_path_parse(path, "\\", &p), 0);
    assert_int_equal(dir_tree_make_node(t, &p, &n), 0);
    e->node = n;
    dir_tree_put(t, n, e, NULL);
    return e;
}

/* A paused walk stays valid whatever is removed under it: it goes on
 * from what followed, and ends when its own container goes. */
static void test_tree_cursor(void **state)
{
    struct dir_tree    t;
    struct dir_cursor  c, top;
    struct dir_entry  *a1, *a2, *a3, *b1, *c1, *ne;
    struct dir_node   *a;

    (void)state;
    dir_tree_init(&t);
    a1 = put_at(&t, "\\r\\a", "a1");
    a2 = put_at(&t, "\\r\\a", "a2");
    a3 = put_at(&t, "\\r\\a", "a3");
    b1 = put_at(&t, "\\r\\b", "b1");
    c1 = put_at(&t, "\\r\\c", "c1");
    a = a1->node;

    memset(&c, 0, sizeof c);
    c.top = a->parent;
    c.deep = 1;
    c.node = a;
    c.entry = a2;
    dir_tree_cursor_add(&t, &c);
    /* Its next entry goes: the one after it is next. */
    dir_tree_remove(&t, a2);
    assert_ptr_equal(c.node, a);
    assert_ptr_equal(c.entry, a3);
    /* Replaced in place: the replacement is next. */
    ne = dir_entry_new(mkqs("a3"), 0);
    assert_non_null(ne);
    dir_tree_put(&t, a, ne, a3);
    assert_ptr_equal(c.entry, ne);
    /* Its container empties and is pruned: the next container, from its
     * first entry. */
    dir_tree_remove(&t, a1);
    dir_tree_remove(&t, ne);
    assert_ptr_equal(c.node, b1->node);
    assert_ptr_equal(c.entry, b1);
    /* The last entry of the container it is in: the node after it. */
    dir_tree_remove(&t, b1);
    assert_ptr_equal(c.node, c1->node);
    assert_ptr_equal(c.entry, c1);
    /* A second walk, of c's own container only. */
    memset(&top, 0, sizeof top);
    top.top = c1->node;
    top.node = c1->node;
    top.entry = c1;
    dir_tree_cursor_add(&t, &top);
    /* Everything goes: both walks end, without a dangling pointer. */
    dir_tree_remove(&t, c1);
    assert_null(top.top);
    assert_null(top.node);
    assert_null(c.top);
    assert_null(c.node);
    assert_int_equal(t.nnodes, 0);
    dir_tree_cursor_del(&t, &c);
    dir_tree_cursor_del(&t, &top);
    assert_null(t.cursors);
    dir_tree_clear(&t);
}

/* ------------------------------------------------------------ store */

/* The store logs for a provider handle it never looks into: here, the
 * test's own record of what was logged. */
#define LOGP(x) ((struct rnr_nsp_provider *)(void *)(x))

struct sink {
    int    loaded;
    int    deleted;
    int    logged_damage;
    char   last[512];
};

static void sink_log(struct rnr_nsp_provider *p, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void sink_log(struct rnr_nsp_provider *p, int level, const char *fmt, ...)
{
    struct sink *s = (struct sink *)(void *)p;
    va_list      ap;

    va_start(ap, fmt);
    vsnprintf(s->last, sizeof s->last, fmt, ap);
    va_end(ap);
    if (strstr(s->last, "damaged") != NULL)
        s->logged_damage++;
    (void)level;
}

static int sink_apply(void *ctx, struct dir_xml_rec *rec)
{
    struct sink *s = ctx;

    if (rec->del)
        s->deleted++;
    else
        s->loaded++;
    return 0;
}

static struct dir_store *open_store(const char *dir, struct sink *s)
{
    struct dir_store_cb cb = { s, sink_log, LOGP(s), sink_apply };
    struct dir_store   *st = NULL;

    memset(s, 0, sizeof *s);
    assert_int_equal(dir_store_open(dir, &cb, &st), 0);
    return st;
}

static void put_by(struct dir_store *st, const char *name,
                   int (*how)(struct dir_store *, const char *, size_t))
{
    char xml[256];

    snprintf(xml, sizeof xml, "<entry context=\"\\\" class=\"{11111111-2222-3333-4444-"
             "555555555555}\" name=\"%s\" owner=\"0\"></entry>", name);
    assert_int_equal(how(st, xml, strlen(xml)), 0);
}

static void put(struct dir_store *st, const char *name)
{
    put_by(st, name, dir_store_append);
}

static void put_unsynced(struct dir_store *st, const char *name)
{
    put_by(st, name, dir_store_write);
}

/* The split append (dir_pend.c): a sync covers what was written before
 * it; a failed one cuts every record not yet durable off the journal. */
static void test_store_group_sync(void **state)
{
    char              dir[] = "/tmp/test_dir_store-XXXXXX", cmd[400];
    struct dir_store *st;
    struct sink       s;
    uint64_t          size;

    (void)state;
    assert_non_null(mkdtemp(dir));
    st = open_store(dir, &s);
    put_unsynced(st, "a");
    put_unsynced(st, "b");
    size = dir_store_written(st);
    assert_int_equal(dir_store_unsynced(st), 2);
    assert_int_equal(fdatasync(dir_store_sync_fd(st)), 0);
    /* Written while that sync ran: not covered by it. */
    put_unsynced(st, "c");
    assert_int_equal(dir_store_synced(st, size, 2, 0), 0);
    assert_int_equal(dir_store_unsynced(st), 1);
    /* The next sync fails (disk full): "c" and "d" go, "a" and "b" stay. */
    put_unsynced(st, "d");
    assert_int_equal(dir_store_synced(st, dir_store_written(st), 2, ENOSPC), WSAEDQUOT);
    assert_int_equal(dir_store_unsynced(st), 0);
    assert_int_equal(dir_store_written(st), size);
    assert_int_equal(dir_store_synced(st, size, 0, EIO), WSASYSCALLFAILURE);
    /* Appending goes on from the durable end. */
    put_unsynced(st, "e");
    assert_int_equal(dir_store_synced(st, dir_store_written(st), 1, 0), 0);
    dir_store_close(st);
    st = open_store(dir, &s);
    assert_int_equal(s.loaded, 3);
    assert_int_equal(dir_store_stats(st)->damaged, 0);
    dir_store_close(st);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static int dump_snap(void *ctx, struct dir_store *s)
{
    int  i, n = *(int *)ctx;
    char xml[256];

    for (i = 0; i < n; i++) {
        snprintf(xml, sizeof xml, "<entry context=\"\\\" class=\"{11111111-2222-3333-4444-"
                 "555555555555}\" name=\"s%d\" owner=\"0\"></entry>", i);
        dir_store_snap_put(s, xml, strlen(xml));
    }
    return 0;
}

static void test_store(void **state)
{
    char              dir[] = "/tmp/test_dir_store-XXXXXX", path[300], cmd[400];
    struct dir_store *st;
    struct sink       s;
    int               fd, n = 3;
    struct stat       sb;

    (void)state;
    assert_non_null(mkdtemp(dir));
    st = open_store(dir, &s);
    put(st, "a");
    put(st, "b");
    put(st, "c");
    dir_store_close(st);

    /* An interrupted append: cut off on open, and appending goes on. */
    snprintf(path, sizeof path, "%s/journal.1", dir);
    fd = open(path, O_WRONLY | O_APPEND);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "1234abcd <entry con", 19), 19);
    close(fd);
    st = open_store(dir, &s);
    assert_int_equal(s.loaded, 3);
    assert_int_equal(s.logged_damage, 0);
    put(st, "d");
    dir_store_close(st);
    st = open_store(dir, &s);
    assert_int_equal(s.loaded, 4);
    assert_int_equal(dir_store_stats(st)->damaged, 0);
    dir_store_close(st);

    /* A flipped byte: that record alone is skipped and reported. */
    fd = open(path, O_RDWR);
    assert_true(fd >= 0);
    assert_int_equal(pwrite(fd, "Z", 1, 30), 1);
    close(fd);
    st = open_store(dir, &s);
    assert_int_equal(s.loaded, 3);
    assert_int_equal(s.logged_damage, 1);
    assert_non_null(strstr(s.last, "journal.1:1: damaged record skipped"));

    /* A snapshot replaces the journal, which stays as its fallback. */
    assert_int_equal(dir_store_compact(st, dump_snap, &n), 0);
    put(st, "after");
    dir_store_close(st);
    snprintf(path, sizeof path, "%s/journal.1", dir);
    assert_int_equal(stat(path, &sb), 0);
    snprintf(path, sizeof path, "%s/snapshot.2", dir);
    assert_int_equal(stat(path, &sb), 0);
    st = open_store(dir, &s);
    assert_int_equal(s.loaded, 4);              /* s0 s1 s2 + after */
    assert_int_equal(s.logged_damage, 0);
    dir_store_close(st);

    /* The same in a child: appends go on meanwhile and survive it. */
    st = open_store(dir, &s);
    {
        int cfd = -1, m = 5;

        assert_int_equal(dir_store_compact_start(st, dump_snap, &m, &cfd), 0);
        assert_true(cfd >= 0);
        assert_int_equal(dir_store_compact_start(st, dump_snap, &m, &cfd), WSAEALREADY);
        put(st, "during");
        assert_int_equal(dir_store_compact_finish(st), 0);
        assert_int_equal(dir_store_stats(st)->compactions, 1);
    }
    dir_store_close(st);
    snprintf(path, sizeof path, "%s/snapshot.2", dir);
    assert_int_equal(stat(path, &sb), 0);       /* snapshot.3's fallback */
    snprintf(path, sizeof path, "%s/journal.1", dir);
    assert_int_equal(stat(path, &sb), -1);      /* older than that: gone */
    st = open_store(dir, &s);
    assert_int_equal(s.loaded, 6);              /* s0..s4 + during */
    dir_store_close(st);

    /* Leftovers of an interrupted compaction are ignored and removed. */
    snprintf(path, sizeof path, "%s/snapshot.9.tmp", dir);
    fd = open(path, O_WRONLY | O_CREAT, 0600);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "garbage", 7), 7);
    close(fd);
    st = open_store(dir, &s);
    assert_int_equal(s.loaded, 6);
    assert_int_equal(stat(path, &sb), -1);
    dir_store_close(st);

    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* Every line of a file means what it would mean parsed alone, although
 * loading parses them in batches: a record run into the next line, two
 * on one line, or junk after one is damage, and the lines around it load. */
struct names {
    char list[4096];
    int  damaged;
};

static void names_log(struct rnr_nsp_provider *p, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void names_log(struct rnr_nsp_provider *p, int level, const char *fmt, ...)
{
    struct names *nm = (struct names *)(void *)p;

    (void)level;
    nm->damaged += strstr(fmt, "damaged") != NULL;
}

static int names_apply(void *ctx, struct dir_xml_rec *rec)
{
    struct names *nm = ctx;

    const char *name = rec->qs->lpszServiceInstanceName;
    size_t      n = strlen(nm->list), k = strlen(name);

    if (n + k + 2 <= sizeof nm->list) {
        memcpy(nm->list + n, name, k);
        memcpy(nm->list + n + k, " ", 2);
    }
    return 0;
}

static void put_line(FILE *f, const char *xml)
{
    fprintf(f, "%08x %s\n", dir_store_crc32(xml, strlen(xml)), xml);
}

#define E(name) "<entry context=\"\\x\" class=\"{11111111-2222-3333-4444-555555555555}\" " \
                "name=\"" name "\""

static void test_batch_lines(void **state)
{
    char                dir[] = "/tmp/test_dir_batch-XXXXXX", path[300];
    struct dir_store_cb cb;
    struct dir_store   *st = NULL;
    struct names        nm;
    FILE               *f;
    char               *big;
    size_t              i;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/journal.1", dir);
    f = fopen(path, "w");
    assert_non_null(f);
    put_line(f, E("a") "/>");
    put_line(f, E("b") "/> <!-- runs into");               /* damaged */
    put_line(f, "the next line -->");                      /* damaged */
    put_line(f, E("c") "></entry>");
    put_line(f, E("d") "/>" E("e") "/>");                  /* damaged */
    put_line(f, E("f") "/>junk");                          /* damaged */
    put_line(f, E("g"));                                   /* damaged */
    put_line(f, "owner=\"0\"/>");                          /* damaged */
    put_line(f, E("h&amp;i") "/>");
    put_line(f, "<!-- fine alone -->" E("j") "/>");
    /* Longer than a read: the buffer grows. */
    big = malloc(10u << 20);
    assert_non_null(big);
    strcpy(big, "<entry");
    memset(big + 6, ' ', 300000);
    strcpy(big + 300006, "context=\"\\x\" class=\"{11111111-2222-3333-4444-555555555555}\" "
           "name=\"k\"/>");
    put_line(f, big);
    /* Longer than a record may be (and than the buffer grows): skipped,
     * and reading goes on at the next line. */
    memset(big + 6, ' ', 9u << 20);
    strcpy(big + (9u << 20) + 6, "name=\"toolong\"/>");
    put_line(f, big);                                      /* damaged */
    for (i = 0; i < 600; i++)                              /* more than a batch */
        put_line(f, E("m") "/>");
    put_line(f, E("z") "/>");
    assert_int_equal(fclose(f), 0);
    free(big);

    memset(&nm, 0, sizeof nm);
    cb.ctx = &nm;
    cb.log = names_log;
    cb.logp = LOGP(&nm);
    cb.apply = names_apply;
    assert_int_equal(dir_store_open(dir, &cb, &st), 0);
    assert_int_equal(nm.damaged, 7);
    assert_int_equal(dir_store_stats(st)->loaded, 606);
    assert_int_equal(strncmp(nm.list, "a c h&i j k m m ", 16), 0);
    assert_non_null(strstr(nm.list, "m z "));
    dir_store_close(st);
    unlink(path);
    rmdir(dir);
}

/* The snapshot writer is a fork of the daemon: whatever it holds of the
 * daemon's (the listening socket, clients, the state lock) stays open
 * until it exits, blocking a restart and keeping clients waiting.  Its
 * dump lists the descriptors it has, as entries of the snapshot. */
static int dump_fds(void *ctx, struct dir_store *s)
{
    DIR           *d = opendir("/proc/self/fd");
    struct dirent *de;
    char           link[300], target[256], xml[1024];
    ssize_t        n;

    (void)ctx;
    if (d == NULL)
        return -1;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.' || atoi(de->d_name) < 3)
            continue;
        snprintf(link, sizeof link, "/proc/self/fd/%s", de->d_name);
        if ((n = readlink(link, target, sizeof target - 1)) < 0)
            continue;
        target[n] = '\0';
        snprintf(xml, sizeof xml, E("fd %s %s") "/>", de->d_name, target);
        dir_store_snap_put(s, xml, strlen(xml));
    }
    closedir(d);
    return 0;
}

static void test_snapshot_child_fds(void **state)
{
    char                dir[] = "/tmp/test_dir_fds-XXXXXX", cmd[300];
    struct dir_store_cb cb;
    struct dir_store   *st = NULL;
    struct names        nm;
    int                 extra, fd = -1;

    (void)state;
    assert_non_null(mkdtemp(dir));
    memset(&nm, 0, sizeof nm);
    cb.ctx = &nm;
    cb.log = names_log;
    cb.logp = LOGP(&nm);
    cb.apply = names_apply;
    assert_int_equal(dir_store_open(dir, &cb, &st), 0);
    extra = open("/dev/null", O_RDONLY);       /* a daemon's descriptor, not CLOEXEC */
    assert_true(extra >= 3);
    assert_int_equal(dir_store_compact_start(st, dump_fds, NULL, &fd), 0);
    assert_int_equal(dir_store_compact_finish(st), 0);
    dir_store_close(st);
    close(extra);

    assert_int_equal(dir_store_open(dir, &cb, &st), 0);
    dir_store_close(st);
    /* The listing worked (the snapshot being written is there)... */
    assert_non_null(strstr(nm.list, ".tmp "));
    /* ...and /dev/null, like every descriptor the store did not open, is not. */
    assert_null(strstr(nm.list, "/dev/null"));
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* ------------------------------------------------------------ damaged snapshots */

/* What a load logged (every line, with "E:" before the error-level ones)
 * and the names it applied, in order. */
struct seen {
    char log[16384];
    char names[4096];
    int  errors;
};

static void seen_log(struct rnr_nsp_provider *p, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void seen_log(struct rnr_nsp_provider *p, int level, const char *fmt, ...)
{
    struct seen *sn = (struct seen *)(void *)p;
    size_t       n = strlen(sn->log);
    va_list      ap;

    if (level == RNR_NSP_LOG_ERR) {
        sn->errors++;
        snprintf(sn->log + n, sizeof sn->log - n, "E:");
        n = strlen(sn->log);
    }
    va_start(ap, fmt);
    vsnprintf(sn->log + n, sizeof sn->log - n, fmt, ap);
    va_end(ap);
    n = strlen(sn->log);
    snprintf(sn->log + n, sizeof sn->log - n, "\n");
}

static int seen_apply(void *ctx, struct dir_xml_rec *rec)
{
    struct seen *sn = ctx;
    size_t       n = strlen(sn->names);

    snprintf(sn->names + n, sizeof sn->names - n, "%s ", rec->qs->lpszServiceInstanceName);
    return 0;
}

static struct dir_store *open_seen(const char *dir, struct seen *sn)
{
    struct dir_store_cb cb = { sn, seen_log, LOGP(sn), seen_apply };
    struct dir_store   *st = NULL;

    memset(sn, 0, sizeof *sn);
    assert_int_equal(dir_store_open(dir, &cb, &st), 0);
    return st;
}

/* The snapshot's entries are the names of a space-separated list. */
static int dump_names(void *ctx, struct dir_store *s)
{
    char  list[256], xml[256], *save = NULL, *name;

    snprintf(list, sizeof list, "%s", (const char *)ctx);
    for (name = strtok_r(list, " ", &save); name != NULL; name = strtok_r(NULL, " ", &save)) {
        snprintf(xml, sizeof xml, "<entry context=\"\\\" class=\"{11111111-2222-3333-4444-"
                 "555555555555}\" name=\"%s\" owner=\"0\"></entry>", name);
        dir_store_snap_put(s, xml, strlen(xml));
    }
    return 0;
}

/* Two generations: snapshot.2 (a b) + journal.2 (c), snapshot.3 (a b c)
 * + journal.3 (d).  Returns the store closed. */
static void two_generations(const char *dir)
{
    struct seen       sn;
    struct dir_store *st = open_seen(dir, &sn);

    put(st, "a");
    put(st, "b");
    assert_int_equal(dir_store_compact(st, dump_names, "a b"), 0);
    put(st, "c");
    assert_int_equal(dir_store_compact(st, dump_names, "a b c"), 0);
    put(st, "d");
    dir_store_close(st);
}

static int exists(const char *dir, const char *name)
{
    char        path[300];
    struct stat sb;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    return stat(path, &sb) == 0;
}

/* A file in dir whose name starts with prefix, or NULL. */
static const char *find_prefixed(const char *dir, const char *prefix, char *out, size_t len)
{
    DIR           *d = opendir(dir);
    struct dirent *de;
    const char    *r = NULL;

    assert_non_null(d);
    while ((de = readdir(d)) != NULL)
        if (strncmp(de->d_name, prefix, strlen(prefix)) == 0) {
            snprintf(out, len, "%s", de->d_name);
            r = out;
        }
    closedir(d);
    return r;
}

static void rewrite(const char *dir, const char *name, const char *(*edit)(const char *in))
{
    char  path[300], in[8192];
    FILE *f;
    size_t n;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "r");
    assert_non_null(f);
    n = fread(in, 1, sizeof in - 1, f);
    in[n] = '\0';
    fclose(f);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(edit(in), f);
    assert_int_equal(fclose(f), 0);
}

static const char *emptied(const char *in)
{
    (void)in;
    return "";
}

/* Cut after the header and the first record: no trailer. */
static const char *cut_short(const char *in)
{
    static char out[8192];
    const char *nl = strchr(strchr(in, '\n') + 1, '\n');

    snprintf(out, sizeof out, "%.*s", (int)(nl - in + 1), in);
    return out;
}

/* A byte of the second record changed: its name becomes "x". */
static const char *flipped(const char *in)
{
    static char out[8192];
    char       *q;

    snprintf(out, sizeof out, "%s", in);
    q = strstr(out, "name=\"b\"");
    assert_non_null(q);
    q[6] = 'x';
    return out;
}

/* One record line dropped, the trailer left: its count no longer holds. */
static const char *dropped(const char *in)
{
    static char out[8192];
    const char *l2 = strchr(in, '\n') + 1, *l3 = strchr(l2, '\n') + 1;

    snprintf(out, sizeof out, "%.*s%s", (int)(l2 - in), in, l3);
    return out;
}

/* Header and trailer gone: as written before they existed. */
static const char *legacy(const char *in)
{
    static char out[8192];
    const char *body = strchr(in, '\n') + 1, *end = strstr(in, "\n" DIR_SNAP_TRAILER);

    assert_non_null(end);
    snprintf(out, sizeof out, "%.*s", (int)(end - body + 1), body);
    return out;
}

static void test_snapshot_trailer(void **state)
{
    char              dir[] = "/tmp/test_dir_trailer-XXXXXX", path[300], cmd[300], why[200];
    char              text[8192];
    uint64_t          records = 0;
    FILE             *f;
    size_t            n;

    (void)state;
    assert_non_null(mkdtemp(dir));
    two_generations(dir);
    /* Both generations are there: the older is the newer's fallback. */
    assert_true(exists(dir, "snapshot.2") && exists(dir, "journal.2"));
    assert_true(exists(dir, "snapshot.3") && exists(dir, "journal.3"));
    assert_false(exists(dir, "journal.1"));
    snprintf(path, sizeof path, "%s/snapshot.3", dir);
    f = fopen(path, "r");
    assert_non_null(f);
    n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    assert_int_equal(strncmp(text, DIR_SNAP_HEADER "\n", strlen(DIR_SNAP_HEADER) + 1), 0);
    assert_non_null(strstr(text, "\n" DIR_SNAP_TRAILER " 3 "));
    assert_int_equal(dir_store_snapshot_verify(path, &records, why, sizeof why), 0);
    assert_int_equal(records, 3);

    rewrite(dir, "snapshot.3", cut_short);
    assert_int_equal(dir_store_snapshot_verify(path, &records, why, sizeof why), -1);
    assert_non_null(strstr(why, "no trailer"));
    rewrite(dir, "snapshot.2", dropped);
    snprintf(path, sizeof path, "%s/snapshot.2", dir);
    assert_int_equal(dir_store_snapshot_verify(path, &records, why, sizeof why), -1);
    assert_non_null(strstr(why, "1 records where the trailer says 2"));
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* A damaged newest snapshot: renamed aside, the generation before it and
 * every journal since loaded instead, all of it at error level. */
static void fallback_case(const char *(*edit)(const char *in), const char *what)
{
    char              dir[] = "/tmp/test_dir_fallback-XXXXXX", cmd[300], aside[300];
    struct seen       sn;
    struct dir_store *st;

    assert_non_null(mkdtemp(dir));
    two_generations(dir);
    rewrite(dir, "snapshot.3", edit);
    st = open_seen(dir, &sn);
    /* snapshot.2 (a b), journal.2 (c), journal.3 (d): nothing lost. */
    assert_string_equal(sn.names, "a b c d ");
    if (find_prefixed(dir, "snapshot.3.bad-", aside, sizeof aside) == NULL)
        fail_msg("%s: snapshot.3 not renamed aside; log:\n%s", what, sn.log);
    assert_false(exists(dir, "snapshot.3"));
    assert_non_null(strstr(sn.log, "E:"));
    assert_non_null(strstr(sn.log, "snapshot.3: damaged snapshot"));
    assert_non_null(strstr(sn.log, "recovered 4 record(s) from"));
    assert_non_null(strstr(sn.log, "snapshot.2 and journal.2 on"));
    assert_non_null(strstr(sn.log, "nothing was lost"));
    assert_int_equal(dir_store_stats(st)->damaged, 1);
    /* A fresh snapshot is due at once; it keeps snapshot.2's generation
     * as its own fallback. */
    put(st, "e");
    assert_true(dir_store_should_compact(st, 5));
    assert_int_equal(dir_store_compact(st, dump_names, "a b c d e"), 0);
    dir_store_close(st);
    assert_true(exists(dir, "snapshot.2"));
    st = open_seen(dir, &sn);
    assert_string_equal(sn.names, "a b c d e ");
    assert_int_equal(sn.errors, 0);
    dir_store_close(st);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static void test_snapshot_fallback(void **state)
{
    (void)state;
    fallback_case(emptied, "emptied");
    fallback_case(cut_short, "cut short");
    fallback_case(flipped, "a flipped byte");
    fallback_case(dropped, "a line dropped");
}

/* The oldest snapshot has nothing to fall back to: what is sound in it
 * loads and it stays where it is; a snapshot from before the trailer
 * loads as it always did. */
static void test_snapshot_salvage_legacy(void **state)
{
    char              dir[] = "/tmp/test_dir_salvage-XXXXXX", cmd[300], aside[300];
    struct seen       sn;
    struct dir_store *st;

    (void)state;
    assert_non_null(mkdtemp(dir));
    two_generations(dir);
    rewrite(dir, "snapshot.3", legacy);
    st = open_seen(dir, &sn);
    assert_string_equal(sn.names, "a b c d ");
    assert_int_equal(sn.errors, 0);
    assert_non_null(strstr(sn.log, "snapshot.3: written before snapshots had a trailer"));
    dir_store_close(st);

    /* A legacy snapshot with a damaged line, its fallback there. */
    rewrite(dir, "snapshot.3", flipped);
    st = open_seen(dir, &sn);
    assert_string_equal(sn.names, "a b c d ");
    assert_non_null(strstr(sn.log, "a record's checksum does not match at line 2"));
    dir_store_close(st);

    /* Nothing older: snapshot.2 alone with journal.2 on. */
    snprintf(cmd, sizeof cmd, "rm -f '%s'/snapshot.3.bad-* '%s'/journal.3", dir, dir);
    assert_int_equal(system(cmd), 0);
    rewrite(dir, "snapshot.2", flipped);
    st = open_seen(dir, &sn);
    assert_string_equal(sn.names, "a c ");       /* b's line is damaged */
    assert_true(exists(dir, "snapshot.2"));
    assert_null(find_prefixed(dir, "snapshot.2.bad-", aside, sizeof aside));
    assert_non_null(strstr(sn.log, "E:"));
    assert_non_null(strstr(sn.log, "no older generation to fall back to"));
    assert_non_null(strstr(sn.log, "1 damaged record(s) could not be recovered"));
    dir_store_close(st);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* ------------------------------------------------------------ no DTD */

#define LAUGHS_DTD \
    "<!DOCTYPE directory [\n" \
    " <!ENTITY a \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\">\n" \
    " <!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n" \
    " <!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n" \
    " <!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">\n" \
    " <!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">\n" \
    " <!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">\n" \
    " <!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\">\n" \
    "]>\n"

/* An import document: a billion laughs in an attribute value is refused
 * at its DOCTYPE, and an element with too many attributes by count. */
static void test_document_no_dtd(void **state)
{
    static const char laughs[] =
        "<?xml version=\"1.0\"?>\n" LAUGHS_DTD
        "<directory version=\"1\">\n"
        "<entry context=\"\\a\" class=\"{11111111-2222-3333-4444-555555555555}\" name=\"&g;\"/>\n"
        "</directory>\n";
    struct dir_xml_rec *recs = NULL;
    size_t              n = 0, len, i, cap = 1u << 20;
    char                err[300], *doc;

    (void)state;
    assert_int_equal(dir_xml_parse_document(laughs, sizeof laughs - 1, "l.xml", NULL, &recs,
                                            &n, err, sizeof err), WSAEINVAL);
    assert_string_equal(err, "l.xml:2: DOCTYPE declarations are not allowed (no DTD, no "
                        "entities)");
    doc = malloc(cap);
    assert_non_null(doc);
    len = (size_t)snprintf(doc, cap, "<directory version=\"1\">\n<entry context=\"\\a\" "
                           "class=\"{11111111-2222-3333-4444-555555555555}\" name=\"x\"");
    for (i = 0; i < 5000; i++)
        len += (size_t)snprintf(doc + len, cap - len, " a%zu=\"\"", i);
    len += (size_t)snprintf(doc + len, cap - len, "/>\n</directory>\n");
    assert_int_equal(dir_xml_parse_document(doc, len, "m.xml", NULL, &recs, &n, err,
                                            sizeof err), WSAEINVAL);
    assert_string_equal(err, "m.xml:2: element <entry> has more than 32 attributes");
    free(doc);
}

/* A journal line planted with a DOCTYPE, or an entity reference, is a
 * damaged record: reported and skipped, nothing expanded.  "&amp;" in a
 * value still means "&". */
static void test_journal_no_dtd(void **state)
{
    char                dir[] = "/tmp/test_dir_nodtd-XXXXXX", path[300];
    struct dir_store_cb cb;
    struct dir_store   *st = NULL;
    struct dir_xml_parser *p;
    struct dir_xml_rec  rec;
    struct seen        *sn = calloc(1, sizeof *sn);
    char                err[300];
    FILE               *f;
    static const char   planted[] = LAUGHS_DTD
        "<entry context=\"\\x\" class=\"{11111111-2222-3333-4444-555555555555}\" name=\"&g;\"/>";
    char                line[2048];
    size_t              i;

    (void)state;
    assert_non_null(sn);
    /* One line, as a record must be. */
    snprintf(line, sizeof line, "%s", planted);
    for (i = 0; line[i] != '\0'; i++)
        if (line[i] == '\n')
            line[i] = ' ';
    assert_int_equal(dir_xml_parser_new(&p), 0);
    memset(&rec, 0, sizeof rec);
    assert_int_equal(dir_xml_parse_record(p, line, strlen(line), &rec, err, sizeof err),
                     WSAEINVAL);
    assert_non_null(strstr(err, "DOCTYPE declarations are not allowed"));
    dir_xml_parser_free(p);

    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/journal.1", dir);
    f = fopen(path, "w");
    assert_non_null(f);
    put_line(f, E("a") "/>");
    put_line(f, line);                                        /* damaged */
    put_line(f, E("&g;") "/>");                               /* damaged */
    put_line(f, E("b&amp;c&#38;d") "/>");
    assert_int_equal(fclose(f), 0);
    cb.ctx = sn;
    cb.log = seen_log;
    cb.logp = LOGP(sn);
    cb.apply = seen_apply;
    assert_int_equal(dir_store_open(dir, &cb, &st), 0);
    assert_string_equal(sn->names, "a b&c&d ");
    assert_int_equal(dir_store_stats(st)->damaged, 2);
    assert_non_null(strstr(sn->log, "journal.1:2: damaged record skipped: DOCTYPE declarations "
                           "are not allowed"));
    assert_non_null(strstr(sn->log, "journal.1:3: damaged record skipped"));
    dir_store_close(st);
    unlink(path);
    rmdir(dir);
    free(sn);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_record_round_trip),
        cmocka_unit_test(test_entry_packed),
        cmocka_unit_test(test_text_ok),
        cmocka_unit_test(test_document),
        cmocka_unit_test(test_paths),
        cmocka_unit_test(test_tree),
        cmocka_unit_test(test_tree_cursor),
        cmocka_unit_test(test_store),
        cmocka_unit_test(test_store_group_sync),
        cmocka_unit_test(test_batch_lines),
        cmocka_unit_test(test_snapshot_child_fds),
        cmocka_unit_test(test_snapshot_trailer),
        cmocka_unit_test(test_snapshot_fallback),
        cmocka_unit_test(test_snapshot_salvage_legacy),
        cmocka_unit_test(test_document_no_dtd),
        cmocka_unit_test(test_journal_no_dtd),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
