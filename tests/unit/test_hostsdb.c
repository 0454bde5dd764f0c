/* SPDX-License-Identifier: MIT */
/*
 * hostsdb: parsing hosts and services files (comments, aliases, case,
 * IPv6, duplicates, garbage, huge lines) and the indexes over them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <rnr/winsock2.h>

#include "hostsdb.h"

static char tmpdir[] = "/tmp/test_hostsdb.XXXXXX";
static char logbuf[8192];
static unsigned nlogs;

static void test_log(struct rnr_nsp_provider *p, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void test_log(struct rnr_nsp_provider *p, int level, const char *fmt, ...)
{
    size_t used = strlen(logbuf);
    va_list ap;

    (void)p;
    assert_int_equal(level, RNR_NSP_LOG_WARNING);
    nlogs++;
    va_start(ap, fmt);
    vsnprintf(logbuf + used, sizeof logbuf - used, fmt, ap);
    va_end(ap);
    used = strlen(logbuf);
    if (used + 1 < sizeof logbuf) {
        logbuf[used] = '\n';
        logbuf[used + 1] = '\0';
    }
}

static char *path_of(const char *name)
{
    static char buf[4][256];
    static int k;

    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", tmpdir, name);
    return buf[k];
}

static const char *write_file(const char *name, const void *data, size_t len)
{
    const char *p = path_of(name);
    FILE *f = fopen(p, "wb");

    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
    return p;
}

static const char *write_text(const char *name, const char *text)
{
    return write_file(name, text, strlen(text));
}

static struct hostsdb *load(const char *hosts, const char *services)
{
    struct hostsdb *db = NULL;

    logbuf[0] = '\0';
    nlogs = 0;
    assert_int_equal(hostsdb_load(hosts, services, 0, test_log, NULL, &db), 0);
    assert_non_null(db);
    return db;
}

/* Line ids carrying name, in iteration order; returns the count. */
static size_t lines_of(const struct hostsdb *db, const char *name,
                       uint32_t *ids, size_t max)
{
    struct hostsdb_iter it;
    uint32_t id;
    size_t n = 0;

    if (!hostsdb_find_name(db, name, &it))
        return 0;
    while (n < max && hostsdb_next(db, &it, &id))
        ids[n++] = id;
    return n;
}

static int setup(void **state)
{
    (void)state;
    return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int teardown(void **state)
{
    char cmd[300];

    (void)state;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static const char hosts_text[] =
    "# comment line\n"
    "\n"
    "   \t  \n"
    "127.0.0.1\tlocalhost\n"
    "10.0.0.1   Foo foo-alias  shared   # trailing comment\n"
    "10.0.0.2 bar shared foo\r\n"
    "2001:db8::1\tfoo six\n"
    "fe80::1%lo scoped\n"
    "300.1.1.1 bad4\n"
    "10.1 short\n"
    "0x0a000005 hex\n"
    "10.0.0.9\n"
    "10.0.0.1 foo dupaddr\n"
    "10.0.0.3 FOO upper upper\n"
    "::1 localhost ip6-localhost\n"
    "10.0.0.7 ctl\x01name\n"
    "10.0.0.8 last";   /* no final newline */

static void test_hosts_parse(void **state)
{
    struct hostsdb *db;
    struct hostsdb_host h;
    uint32_t ids[16];
    uint8_t a6[16];
    size_t n;

    (void)state;
    db = load(write_text("hosts1", hosts_text), NULL);
    /* Valid lines: localhost, Foo, bar, foo(v6), foo(dupaddr), FOO, ::1, last. */
    assert_int_equal(hostsdb_host_count(db), 8);

    hostsdb_host_get(db, 1, &h);
    assert_int_equal(h.af, AF_INET);
    assert_memory_equal(h.addr, "\x0a\x00\x00\x01", 4);
    assert_int_equal(h.nnames, 3);
    assert_string_equal(hostsdb_host_name(db, 1, 0), "Foo");
    assert_string_equal(hostsdb_host_name(db, 1, 1), "foo-alias");
    assert_string_equal(hostsdb_host_name(db, 1, 2), "shared");
    assert_null(hostsdb_host_name(db, 1, 3));
    /* CRLF: the \r is whitespace, not part of the name. */
    assert_string_equal(hostsdb_host_name(db, 2, 2), "foo");

    hostsdb_host_get(db, 3, &h);
    assert_int_equal(h.af, AF_INET6);
    assert_int_equal(inet_pton(AF_INET6, "2001:db8::1", a6), 1);
    assert_memory_equal(h.addr, a6, 16);
    assert_string_equal(hostsdb_host_name(db, 7, 0), "last");

    /* Every skipped line was logged with file:line. */
    assert_non_null(strstr(logbuf, "hosts1:8: bad address"));   /* scope id */
    assert_non_null(strstr(logbuf, "hosts1:9: bad address"));
    assert_non_null(strstr(logbuf, "hosts1:10: bad address"));
    assert_non_null(strstr(logbuf, "hosts1:11: bad address"));
    assert_non_null(strstr(logbuf, "hosts1:12: no host name"));
    assert_non_null(strstr(logbuf, "hosts1:16: control character"));
    assert_int_equal(nlogs, 6);

    /* Case-insensitive names, file order, every line once. */
    n = lines_of(db, "FOO", ids, 16);
    assert_int_equal(n, 5);
    assert_int_equal(ids[0], 1);
    assert_int_equal(ids[1], 2);
    assert_int_equal(ids[2], 3);
    assert_int_equal(ids[3], 4);
    assert_int_equal(ids[4], 5);
    n = lines_of(db, "upper", ids, 16);   /* twice on one line: once */
    assert_int_equal(n, 1);
    n = lines_of(db, "Shared", ids, 16);
    assert_int_equal(n, 2);
    n = lines_of(db, "localhost", ids, 16);
    assert_int_equal(n, 2);
    assert_int_equal(lines_of(db, "scoped", ids, 16), 0);
    assert_int_equal(lines_of(db, "nosuch", ids, 16), 0);
    assert_int_equal(lines_of(db, "fo", ids, 16), 0);
    hostsdb_free(db);
}

static void test_hosts_by_addr(void **state)
{
    struct hostsdb_iter it;
    struct hostsdb *db;
    uint8_t a[16];
    uint32_t id;

    (void)state;
    db = load(write_text("hosts2", hosts_text), NULL);
    assert_int_equal(inet_pton(AF_INET, "10.0.0.1", a), 1);
    assert_true(hostsdb_find_addr(db, AF_INET, a, &it));
    assert_true(hostsdb_next(db, &it, &id));
    assert_int_equal(id, 1);
    assert_true(hostsdb_next(db, &it, &id));
    assert_int_equal(id, 4);
    assert_false(hostsdb_next(db, &it, &id));

    assert_int_equal(inet_pton(AF_INET6, "::1", a), 1);
    assert_true(hostsdb_find_addr(db, AF_INET6, a, &it));
    assert_true(hostsdb_next(db, &it, &id));
    assert_string_equal(hostsdb_host_name(db, id, 1), "ip6-localhost");

    /* Same bytes, other family: not the same address. */
    memset(a, 0, sizeof a);
    a[0] = 10;
    a[3] = 1;
    assert_false(hostsdb_find_addr(db, AF_INET6, a, &it));
    assert_int_equal(inet_pton(AF_INET, "10.9.9.9", a), 1);
    assert_false(hostsdb_find_addr(db, AF_INET, a, &it));
    assert_false(hostsdb_find_addr(db, AF_UNIX, a, &it));
    hostsdb_free(db);
}

static void test_hosts_huge_and_garbage(void **state)
{
    size_t big = 100000, i, n;
    char *text = malloc(big + 4096);
    struct hostsdb *db;
    uint32_t ids[4];

    (void)state;
    assert_non_null(text);
    /* A huge line, a line with a 300-byte name, binary garbage with a NUL,
     * then good lines that must still be parsed. */
    n = 0;
    n += (size_t)sprintf(text + n, "10.0.0.1 ");
    for (i = 0; i < big; i++)
        text[n++] = 'a';
    n += (size_t)sprintf(text + n, " huge\n10.0.0.2 ");
    for (i = 0; i < 300; i++)
        text[n++] = 'b';
    n += (size_t)sprintf(text + n, " longname\n");
    memcpy(text + n, "\xff\xfe\x00\x01garbage\n", 12);
    n += 12;
    n += (size_t)sprintf(text + n, "\xc3\xa9\xff\n");   /* not an address */
    n += (size_t)sprintf(text + n, "10.0.0.3 good1 g1\n10.0.0.4 good2\n");
    db = load(write_file("hosts3", text, n), NULL);
    assert_int_equal(hostsdb_host_count(db), 2);
    assert_int_equal(lines_of(db, "good1", ids, 4), 1);
    assert_int_equal(lines_of(db, "g1", ids, 4), 1);
    assert_int_equal(lines_of(db, "good2", ids, 4), 1);
    assert_int_equal(lines_of(db, "huge", ids, 4), 0);
    assert_int_equal(lines_of(db, "longname", ids, 4), 0);
    assert_non_null(strstr(logbuf, "hosts3:1: line too long"));
    assert_non_null(strstr(logbuf, "hosts3:2: name too long"));
    assert_non_null(strstr(logbuf, "hosts3:3: NUL byte"));
    assert_non_null(strstr(logbuf, "hosts3:4: bad address"));
    hostsdb_free(db);

    /* Lots of bad lines: the log is capped and summarised. */
    n = 0;
    for (i = 0; i < 1000; i++)
        n += (size_t)sprintf(text + n, "x%zu y\n", i);
    db = load(write_file("hosts4", text, n), NULL);
    assert_int_equal(hostsdb_host_count(db), 0);
    assert_int_equal(nlogs, HOSTSDB_MAX_COMPLAINTS + 1);
    assert_non_null(strstr(logbuf, "980 more bad lines skipped"));
    hostsdb_free(db);
    free(text);
}

static void test_missing_and_special_files(void **state)
{
    struct hostsdb *db = NULL;
    const char *fifo = path_of("fifo");

    (void)state;
    assert_int_equal(hostsdb_load(path_of("nope"), NULL, 0, test_log, NULL, &db),
                     WSANO_RECOVERY);
    assert_null(db);
    assert_int_equal(hostsdb_load(path_of("nope"), path_of("nope2"),
                                  HOSTSDB_MISSING_OK, test_log, NULL, &db), 0);
    assert_int_equal(hostsdb_host_count(db), 0);
    assert_int_equal(hostsdb_serv_count(db), 0);
    hostsdb_free(db);
    db = NULL;
    /* A directory, a FIFO (must not block): refused. */
    assert_int_equal(hostsdb_load(tmpdir, NULL, HOSTSDB_MISSING_OK, test_log,
                                  NULL, &db), WSANO_RECOVERY);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_int_equal(hostsdb_load(fifo, NULL, HOSTSDB_MISSING_OK, test_log,
                                  NULL, &db), WSANO_RECOVERY);
    assert_null(db);
    /* Empty file, and NULL paths. */
    db = load(write_text("empty", ""), NULL);
    assert_int_equal(hostsdb_host_count(db), 0);
    hostsdb_free(db);
    db = load(NULL, NULL);
    assert_false(hostsdb_find_name(db, "x", &(struct hostsdb_iter){ 0 }));
    hostsdb_free(db);
    hostsdb_free(NULL);
}

static const char services_text[] =
    "# services\n"
    "tcpmux\t\t1/tcp\n"
    "ftp-data\t20/tcp\n"
    "ftp\t\t21/tcp\t\tfsp fspd # File Transfer\n"
    "domain\t\t53/tcp\n"
    "domain\t\t53/udp\n"
    "Kerberos\t88/udp\t\tkerberos5 krb5\n"
    "kerberos\t88/tcp\n"
    "bad1\t\t70000/tcp\n"
    "bad2\t\t80\n"
    "bad3\t\tx1/tcp\n"
    "bad4\n"
    "sctpsvc\t\t9/sctp\n";

static void test_services(void **state)
{
    struct hostsdb_serv s;
    struct hostsdb *db;
    const char *proto;
    unsigned port;
    uint32_t id;

    (void)state;
    db = load(NULL, write_text("services1", services_text));
    assert_int_equal(hostsdb_serv_count(db), 8);
    assert_non_null(strstr(logbuf, "services1:9: bad port"));
    assert_non_null(strstr(logbuf, "services1:10: missing protocol"));
    assert_non_null(strstr(logbuf, "services1:11: bad port"));
    assert_non_null(strstr(logbuf, "services1:12: missing port/protocol"));

    assert_true(hostsdb_serv_by_name(db, "FTP", "TCP", &id));
    hostsdb_serv_get(db, id, &s);
    assert_string_equal(s.name, "ftp");
    assert_string_equal(s.proto, "tcp");
    assert_int_equal(s.port, 21);
    assert_int_equal(s.naliases, 2);
    assert_string_equal(hostsdb_serv_alias(db, id, 0), "fsp");
    assert_string_equal(hostsdb_serv_alias(db, id, 1), "fspd");
    assert_null(hostsdb_serv_alias(db, id, 2));
    assert_false(hostsdb_serv_by_name(db, "ftp", "udp", &id));
    /* By alias, and the first entry in file order without a protocol. */
    assert_true(hostsdb_serv_by_name(db, "fspd", NULL, &id));
    assert_true(hostsdb_serv_by_name(db, "kerberos", NULL, &id));
    hostsdb_serv_get(db, id, &s);
    assert_string_equal(s.name, "Kerberos");
    assert_string_equal(s.proto, "udp");
    assert_true(hostsdb_serv_by_name(db, "kerberos", "tcp", &id));
    hostsdb_serv_get(db, id, &s);
    assert_string_equal(s.name, "kerberos");

    assert_true(hostsdb_serv_by_port(db, 53, NULL, &id));
    hostsdb_serv_get(db, id, &s);
    assert_string_equal(s.proto, "tcp");
    assert_true(hostsdb_serv_by_port(db, 53, "udp", &id));
    hostsdb_serv_get(db, id, &s);
    assert_string_equal(s.proto, "udp");
    assert_false(hostsdb_serv_by_port(db, 54, NULL, &id));

    /* Query-string forms. */
    assert_true(hostsdb_serv_resolve(db, "ftp", &id, &port, &proto));
    assert_int_equal(port, 21);
    assert_string_equal(proto, "tcp");
    assert_true(hostsdb_serv_resolve(db, "KRB5/udp", &id, &port, &proto));
    assert_int_equal(port, 88);
    assert_true(hostsdb_serv_resolve(db, "53/udp", &id, &port, &proto));
    assert_string_equal(proto, "udp");
    assert_int_not_equal(id, UINT32_MAX);
    assert_true(hostsdb_serv_resolve(db, "8080", &id, &port, &proto));
    assert_int_equal(port, 8080);
    assert_int_equal(id, UINT32_MAX);
    assert_string_equal(proto, "tcp");
    assert_true(hostsdb_serv_resolve(db, "8080/udp", &id, &port, &proto));
    assert_string_equal(proto, "udp");
    assert_true(hostsdb_serv_resolve(db, "9/sctp", &id, &port, &proto));
    assert_string_equal(proto, "sctp");
    assert_false(hostsdb_serv_resolve(db, "8080/sctp", &id, &port, &proto));
    assert_false(hostsdb_serv_resolve(db, "nosuch", &id, &port, &proto));
    assert_false(hostsdb_serv_resolve(db, "ftp/", &id, &port, &proto));
    assert_false(hostsdb_serv_resolve(db, "/tcp", &id, &port, &proto));
    assert_false(hostsdb_serv_resolve(db, "65536", &id, &port, &proto));
    assert_false(hostsdb_serv_resolve(db, "", &id, &port, &proto));
    assert_false(hostsdb_serv_resolve(db, NULL, &id, &port, &proto));
    hostsdb_free(db);
}

/* The shape the memory benchmark uses: 100,000 distinct hosts with an
 * alias each, plus 20,000 lines repeating one name (must not go
 * quadratic).  Index bytes per entry stay far below the 256-byte RSS
 * budget. */
static void test_large(void **state)
{
    const size_t n = 100000, dups = 20000;
    char *text = malloc((n + dups) * 64);
    struct hostsdb *db;
    struct hostsdb_iter it;
    size_t len = 0, i, per_entry;
    uint32_t id, count = 0;
    clock_t t0;

    (void)state;
    assert_non_null(text);
    for (i = 0; i < n; i++)
        len += (size_t)sprintf(text + len, "10.%zu.%zu.%zu host%zu.bench.example h%zu\n",
                               (i >> 16) & 255, (i >> 8) & 255, i & 255, i, i);
    for (i = 0; i < dups; i++)
        len += (size_t)sprintf(text + len, "127.0.%zu.%zu dup\n", (i >> 8) & 255, i & 255);
    t0 = clock();
    db = load(write_file("hosts_large", text, len), NULL);
    assert_true((clock() - t0) < 5 * CLOCKS_PER_SEC);
    assert_int_equal(hostsdb_host_count(db), n + dups);
    per_entry = hostsdb_memory(db) / (n + dups);
    print_message("hostsdb: %zu bytes per entry\n", per_entry);
    assert_true(per_entry < 160);

    assert_true(hostsdb_find_name(db, "HOST99999.bench.example", &it));
    assert_true(hostsdb_next(db, &it, &id));
    assert_int_equal(id, 99999);
    assert_true(hostsdb_find_name(db, "h12345", &it));
    assert_true(hostsdb_next(db, &it, &id));
    assert_int_equal(id, 12345);
    assert_true(hostsdb_find_name(db, "dup", &it));
    while (hostsdb_next(db, &it, &id)) {
        assert_int_equal(id, n + count);
        count++;
    }
    assert_int_equal(count, dups);
    hostsdb_free(db);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hosts_parse),
        cmocka_unit_test(test_hosts_by_addr),
        cmocka_unit_test(test_hosts_huge_and_garbage),
        cmocka_unit_test(test_missing_and_special_files),
        cmocka_unit_test(test_services),
        cmocka_unit_test(test_large),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
