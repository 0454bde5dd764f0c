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
    dir_xml_put_entry(&t, &qs, "\\a\\b c", 1000, 0);
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

/* ------------------------------------------------------------ store */

struct sink {
    int    loaded;
    int    deleted;
    int    logged_damage;
    char   last[512];
};

static void sink_log(void *ctx, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void sink_log(void *ctx, int level, const char *fmt, ...)
{
    struct sink *s = ctx;
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
    struct dir_store_cb cb = { s, sink_log, sink_apply };
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

    /* A snapshot replaces the journal: generation 2 alone is left. */
    assert_int_equal(dir_store_compact(st, dump_snap, &n), 0);
    put(st, "after");
    dir_store_close(st);
    snprintf(path, sizeof path, "%s/journal.1", dir);
    assert_int_equal(stat(path, &sb), -1);
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
    assert_int_equal(stat(path, &sb), -1);      /* superseded by snapshot.3 */
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

static void names_log(void *ctx, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void names_log(void *ctx, int level, const char *fmt, ...)
{
    struct names *nm = ctx;

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_record_round_trip),
        cmocka_unit_test(test_text_ok),
        cmocka_unit_test(test_document),
        cmocka_unit_test(test_paths),
        cmocka_unit_test(test_tree),
        cmocka_unit_test(test_store),
        cmocka_unit_test(test_store_group_sync),
        cmocka_unit_test(test_batch_lines),
        cmocka_unit_test(test_snapshot_child_fds),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
