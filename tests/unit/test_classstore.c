/* SPDX-License-Identifier: MIT */
/*
 * The persistent class store: installs survive close/open, duplicates and
 * unknown ids are refused with the documented codes, damaged files are
 * reported (path and reason) and skipped while good ones load, temporary
 * files are ignored, a failed write leaves nothing behind, and static
 * classes are served but neither persisted nor removable.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "alloc.h"
#include "classinfo.h"
#include "classstore.h"
#include "guid.h"

/* ------------------------------------------------------------------ */
/* Fixtures                                                             */
/* ------------------------------------------------------------------ */

struct logged {
    size_t n;
    char   path[32][512];
    char   reason[32][256];
};

static void log_cb(void *ctx, const char *path, const char *reason)
{
    struct logged *l = ctx;

    assert_true(l->n < 32);
    snprintf(l->path[l->n], sizeof(l->path[0]), "%s", path);
    snprintf(l->reason[l->n], sizeof(l->reason[0]), "%s", reason);
    l->n++;
}

struct fx {
    char          root[64];   /* mkdtemp */
    char          dir[128];   /* root/classes, created by open */
    struct logged log;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));

    if (f == NULL)
        return -1;
    strcpy(f->root, "/tmp/rnr-classstore-XXXXXX");
    if (mkdtemp(f->root) == NULL)
        return -1;
    snprintf(f->dir, sizeof(f->dir), "%s/classes", f->root);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    char cmd[256];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->root);
    if (system(cmd) != 0)
        return -1;
    free(f);
    return 0;
}

#define GID(n) { 0xC1A55000u + (n), 0x1234, 0x5678, { 0x9A, 0xBC, 0, 0, 0, 0, 0, (n) } }

static GUID id_a = GID(1), id_b = GID(2), id_c = GID(3), id_d = GID(4), id_e = GID(5);
static DWORD port = 5000;
static char note[] = "hello";
static BYTE raw[] = { 0, 0xff, 0x10 };

static WSANSCLASSINFOA ents[] = {
    { "TcpPort", NS_DNS, REG_DWORD, sizeof(DWORD), &port },
    { "Note", NS_ALL, REG_SZ, sizeof(note), note },
    { "Raw", NS_NDS, REG_BINARY, sizeof(raw), raw },
};

static void make_class(WSASERVICECLASSINFOA *ci, GUID *id, char *name, DWORD count)
{
    ci->lpServiceClassId = id;
    ci->lpszServiceClassName = name;
    ci->dwCount = count;
    ci->lpClassInfos = count ? ents : NULL;
}

static struct rnr_classstore *open_store(struct fx *f)
{
    struct rnr_classstore *cs = NULL;
    char err[256] = "";

    f->log.n = 0;
    if (rnr_classstore_open(f->dir, log_cb, &f->log, &cs, err, sizeof(err)) != 0)
        fail_msg("open: %s", err);
    assert_non_null(cs);
    return cs;
}

static void file_for(const struct fx *f, const GUID *id, char *buf, size_t len)
{
    char g[RNR_GUID_STRLEN];

    rnr_guid_format(id, g);
    snprintf(buf, len, "%s/%s.class", f->dir, g);
}

static size_t count_entries(const char *dir, const char *prefix)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    size_t n = 0;

    assert_non_null(d);
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0 &&
            strncmp(de->d_name, prefix, strlen(prefix)) == 0)
            n++;
    }
    closedir(d);
    return n;
}

static uint8_t *read_file(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    uint8_t *buf = malloc(1 << 16);

    assert_non_null(fp);
    assert_non_null(buf);
    *len = fread(buf, 1, 1 << 16, fp);
    fclose(fp);
    return buf;
}

static void write_file(const char *path, const void *p, size_t len)
{
    FILE *fp = fopen(path, "wb");

    assert_non_null(fp);
    assert_int_equal(fwrite(p, 1, len, fp), len);
    fclose(fp);
}

/* An independent CRC-32 to build files by hand. */
static uint32_t crc32_ref(const uint8_t *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    size_t i;
    int k;

    for (i = 0; i < n; i++) {
        c ^= p[i];
        for (k = 0; k < 8; k++)
            c = (c & 1) ? (c >> 1) ^ 0xEDB88320u : c >> 1;
    }
    return ~c;
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void set_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

/* ------------------------------------------------------------------ */
/* Tests                                                                */
/* ------------------------------------------------------------------ */

static void test_install_persists(void **state)
{
    struct fx *f = *state;
    struct rnr_classstore *cs;
    WSASERVICECLASSINFOA a, b;
    const WSASERVICECLASSINFOA *got;
    char path[256];
    struct stat st;
    size_t len;
    uint8_t *buf;

    make_class(&a, &id_a, "Alpha Service", 3);
    make_class(&b, &id_b, "Beta", 0);

    cs = open_store(f);
    assert_int_equal(stat(f->dir, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    assert_int_equal(rnr_classstore_count(cs), 0);
    assert_int_equal(rnr_classstore_install(cs, &a), 0);
    assert_int_equal(rnr_classstore_install(cs, &b), 0);
    assert_int_equal(rnr_classstore_install(cs, &a), WSAEALREADY);
    assert_int_equal(rnr_classstore_count(cs), 2);
    assert_true(rnr_class_equal(rnr_classstore_get(cs, &id_a), &a));
    assert_true(rnr_class_equal(rnr_classstore_at(cs, 1), &b));
    assert_null(rnr_classstore_at(cs, 2));
    assert_ptr_equal(rnr_classstore_find_name(cs, "alpha SERVICE"),
                     rnr_classstore_get(cs, &id_a));
    assert_null(rnr_classstore_find_name(cs, "Alpha"));
    assert_null(rnr_classstore_get(cs, &id_c));

    /* One file each, named by the id, in the documented format; no
     * temporary file left. */
    file_for(f, &id_a, path, sizeof(path));
    buf = read_file(path, &len);
    assert_true(len > 16);
    assert_memory_equal(buf, "RNRC", 4);
    assert_int_equal(le32(buf + 4), 1);
    assert_int_equal(le32(buf + 12), len - 16);
    assert_int_equal(le32(buf + 8), crc32_ref(buf + 16, len - 16));
    free(buf);
    assert_int_equal(count_entries(f->dir, ""), 2);
    rnr_classstore_close(cs);

    cs = open_store(f);
    assert_int_equal(f->log.n, 0);
    assert_int_equal(rnr_classstore_count(cs), 2);
    got = rnr_classstore_get(cs, &id_a);
    assert_non_null(got);
    assert_true(rnr_class_equal(got, &a));
    assert_true(rnr_class_equal(rnr_classstore_get(cs, &id_b), &b));
    assert_int_equal(rnr_classstore_install(cs, &b), WSAEALREADY);
    rnr_classstore_close(cs);
}

static void test_remove(void **state)
{
    struct fx *f = *state;
    struct rnr_classstore *cs;
    WSASERVICECLASSINFOA a, b;
    char path[256];

    make_class(&a, &id_a, "Alpha", 2);
    make_class(&b, &id_b, "Beta", 1);
    cs = open_store(f);
    assert_int_equal(rnr_classstore_install(cs, &a), 0);
    assert_int_equal(rnr_classstore_install(cs, &b), 0);
    assert_int_equal(rnr_classstore_remove(cs, &id_a), 0);
    assert_int_equal(rnr_classstore_remove(cs, &id_a), WSATYPE_NOT_FOUND);
    assert_int_equal(rnr_classstore_remove(cs, &id_c), WSATYPE_NOT_FOUND);
    assert_null(rnr_classstore_get(cs, &id_a));
    assert_int_equal(rnr_classstore_count(cs), 1);
    file_for(f, &id_a, path, sizeof(path));
    assert_int_not_equal(access(path, F_OK), 0);
    rnr_classstore_close(cs);

    cs = open_store(f);
    assert_int_equal(rnr_classstore_count(cs), 1);
    assert_null(rnr_classstore_get(cs, &id_a));
    assert_true(rnr_class_equal(rnr_classstore_get(cs, &id_b), &b));
    /* Removed classes can be installed again. */
    assert_int_equal(rnr_classstore_install(cs, &a), 0);
    rnr_classstore_close(cs);
}

static void expect_logged(const struct logged *l, const char *path, const char *reason)
{
    size_t i, hits = 0;

    for (i = 0; i < l->n; i++) {
        if (strcmp(l->path[i], path) == 0) {
            hits++;
            if (strstr(l->reason[i], reason) == NULL)
                fail_msg("%s: reason '%s', want '%s'", path, l->reason[i], reason);
        }
    }
    if (hits != 1)
        fail_msg("%s reported %zu times", path, hits);
}

static void test_damaged_files(void **state)
{
    struct fx *f = *state;
    struct rnr_classstore *cs;
    WSASERVICECLASSINFOA a, b, c;
    char good_a[256], good_b[256], p[16][256];
    uint8_t *buf, *bad;
    size_t len, i;

    make_class(&a, &id_a, "Alpha", 3);
    make_class(&b, &id_b, "Beta", 1);
    make_class(&c, &id_c, "Gamma", 2);
    cs = open_store(f);
    assert_int_equal(rnr_classstore_install(cs, &a), 0);
    assert_int_equal(rnr_classstore_install(cs, &b), 0);
    assert_int_equal(rnr_classstore_install(cs, &c), 0);
    rnr_classstore_close(cs);

    file_for(f, &id_a, good_a, sizeof(good_a));
    file_for(f, &id_b, good_b, sizeof(good_b));
    buf = read_file(good_a, &len);
    bad = malloc(len + 64);
    assert_non_null(bad);

    /* Damaged copies under other class names: p[i] for GID(0x10 + i). */
    for (i = 0; i < 9; i++) {
        GUID g = GID(0x10 + i);

        file_for(f, &g, p[i], sizeof(p[i]));
    }
    /* 0: bad magic */
    memcpy(bad, buf, len);
    bad[0] = 'X';
    write_file(p[0], bad, len);
    /* 1: CRC mismatch (payload byte flipped) */
    memcpy(bad, buf, len);
    bad[len - 1] ^= 0x40;
    write_file(p[1], bad, len);
    /* 2: truncated header */
    write_file(p[2], buf, 10);
    /* 3: truncated payload */
    write_file(p[3], buf, len - 3);
    /* 4: valid header and CRC over a payload that does not decode */
    memcpy(bad, buf, 16);
    memset(bad + 16, 0xEE, 24);
    set_le32(bad + 12, 24);
    set_le32(bad + 8, crc32_ref(bad + 16, 24));
    write_file(p[4], bad, 40);
    /* 5: a good file under another class's name */
    write_file(p[5], buf, len);
    /* 6: unknown format version */
    memcpy(bad, buf, len);
    set_le32(bad + 4, 99);
    write_file(p[6], bad, len);
    /* 7: empty file */
    write_file(p[7], "", 0);
    /* 8: a directory where a file should be */
    assert_int_equal(mkdir(p[8], 0700), 0);
    /* 9: a name that is no GUID at all */
    snprintf(p[9], sizeof(p[9]), "%s/hello.class", f->dir);
    write_file(p[9], buf, len);
    /* 10: the good B damaged in place: B is lost, A and C survive */
    free(buf);
    buf = read_file(good_b, &len);
    buf[20] ^= 1;
    write_file(good_b, buf, len);
    snprintf(p[10], sizeof(p[10]), "%s", good_b);
    /* Not class files at all: ignored without a report. */
    snprintf(p[11], sizeof(p[11]), "%s/README", f->dir);
    write_file(p[11], "hi", 2);

    cs = open_store(f);
    expect_logged(&f->log, p[0], "magic");
    expect_logged(&f->log, p[1], "CRC");
    expect_logged(&f->log, p[2], "truncated");
    expect_logged(&f->log, p[3], "truncated");
    expect_logged(&f->log, p[4], "decode");
    expect_logged(&f->log, p[5], "does not match the class id");
    expect_logged(&f->log, p[6], "version");
    expect_logged(&f->log, p[7], "truncated");
    expect_logged(&f->log, p[8], "not a regular file");
    expect_logged(&f->log, p[9], "does not match the class id");
    expect_logged(&f->log, p[10], "CRC");
    assert_int_equal(f->log.n, 11);

    assert_int_equal(rnr_classstore_count(cs), 2);
    assert_true(rnr_class_equal(rnr_classstore_get(cs, &id_a), &a));
    assert_true(rnr_class_equal(rnr_classstore_get(cs, &id_c), &c));
    assert_null(rnr_classstore_get(cs, &id_b));
    /* A good class can replace the damaged file. */
    assert_int_equal(rnr_classstore_install(cs, &b), 0);
    rnr_classstore_close(cs);

    cs = open_store(f);
    assert_int_equal(f->log.n, 10);
    assert_int_equal(rnr_classstore_count(cs), 3);
    rnr_classstore_close(cs);
    free(buf);
    free(bad);
}

static void test_temp_file_ignored(void **state)
{
    struct fx *f = *state;
    struct rnr_classstore *cs;
    WSASERVICECLASSINFOA a, d;
    char path[256], tmp[300], g[RNR_GUID_STRLEN];
    uint8_t *buf;
    size_t len;

    make_class(&a, &id_a, "Alpha", 3);
    make_class(&d, &id_d, "Delta", 1);
    cs = open_store(f);
    assert_int_equal(rnr_classstore_install(cs, &d), 0);
    assert_int_equal(rnr_classstore_remove(cs, &id_d), 0);
    assert_int_equal(rnr_classstore_install(cs, &a), 0);
    rnr_classstore_close(cs);

    /* A crash between write and rename leaves a complete temporary file
     * of a class that was never acknowledged, and a half-written one. */
    file_for(f, &id_a, path, sizeof(path));
    buf = read_file(path, &len);
    rnr_guid_format(&id_d, g);
    snprintf(tmp, sizeof(tmp), "%s/.tmp-%s.class-AbC123", f->dir, g);
    write_file(tmp, buf, len);
    snprintf(tmp, sizeof(tmp), "%s/.tmp-%s.class-XyZ789", f->dir, g);
    write_file(tmp, buf, len / 2);
    free(buf);

    cs = open_store(f);
    assert_int_equal(f->log.n, 0);
    assert_int_equal(rnr_classstore_count(cs), 1);
    assert_null(rnr_classstore_get(cs, &id_d));
    assert_non_null(rnr_classstore_get(cs, &id_a));
    rnr_classstore_close(cs);
}

static void test_failed_write_changes_nothing(void **state)
{
    struct fx *f = *state;
    struct rnr_classstore *cs;
    WSASERVICECLASSINFOA e;
    char path[256];

    make_class(&e, &id_e, "Epsilon", 2);
    cs = open_store(f);
    /* A directory in the way makes the rename fail. */
    file_for(f, &id_e, path, sizeof(path));
    assert_int_equal(mkdir(path, 0700), 0);
    assert_int_equal(rnr_classstore_install(cs, &e), WSASYSCALLFAILURE);
    assert_null(rnr_classstore_get(cs, &id_e));
    assert_int_equal(rnr_classstore_count(cs), 0);
    assert_int_equal(count_entries(f->dir, ".tmp"), 0);
    assert_int_equal(count_entries(f->dir, ""), 1);
    assert_int_equal(rmdir(path), 0);

    /* With the obstacle gone, the same install works. */
    assert_int_equal(rnr_classstore_install(cs, &e), 0);
    assert_true(rnr_class_equal(rnr_classstore_get(cs, &id_e), &e));
    rnr_classstore_close(cs);
}

static void test_invalid(void **state)
{
    struct fx *f = *state;
    struct rnr_classstore *cs;
    WSASERVICECLASSINFOA bad;
    WSANSCLASSINFOA bad_ent = { "TcpPort", NS_DNS, REG_DWORD, 2, &port };
    char err[256] = "";

    cs = open_store(f);
    make_class(&bad, NULL, "No id", 0);
    assert_int_equal(rnr_classstore_install(cs, &bad), WSAEINVAL);
    make_class(&bad, &id_a, "Short dword", 0);
    bad.dwCount = 1;
    bad.lpClassInfos = &bad_ent;
    assert_int_equal(rnr_classstore_install(cs, &bad), WSAEINVAL);
    assert_int_equal(rnr_classstore_add_static(cs, &bad), WSAEINVAL);
    assert_int_equal(rnr_classstore_count(cs), 0);
    assert_int_equal(count_entries(f->dir, ""), 0);
    rnr_classstore_close(cs);
    rnr_classstore_close(NULL);

    /* A store directory that cannot be created. */
    cs = NULL;
    snprintf(err, sizeof(err), "untouched");
    {
        char path[256];

        snprintf(path, sizeof(path), "%s/file", f->root);
        write_file(path, "x", 1);
        snprintf(path, sizeof(path), "%s/file/classes", f->root);
        assert_int_equal(rnr_classstore_open(path, NULL, NULL, &cs, err, sizeof(err)),
                         WSASYSCALLFAILURE);
        assert_null(cs);
        assert_non_null(strstr(err, path));
    }
}

static void test_static_classes(void **state)
{
    struct fx *f = *state;
    struct rnr_classstore *cs;
    WSASERVICECLASSINFOA a, c;

    make_class(&a, &id_a, "Alpha", 3);
    make_class(&c, &id_c, "Gamma (static)", 2);
    cs = open_store(f);
    assert_int_equal(rnr_classstore_install(cs, &a), 0);
    assert_int_equal(rnr_classstore_add_static(cs, &c), 0);
    assert_int_equal(rnr_classstore_add_static(cs, &c), WSAEALREADY);
    assert_int_equal(rnr_classstore_add_static(cs, &a), WSAEALREADY);
    assert_int_equal(rnr_classstore_install(cs, &c), WSAEALREADY);
    assert_true(rnr_class_equal(rnr_classstore_get(cs, &id_c), &c));
    assert_non_null(rnr_classstore_find_name(cs, "GAMMA (STATIC)"));
    assert_int_equal(rnr_classstore_count(cs), 2);
    assert_int_equal(rnr_classstore_remove(cs, &id_c), WSAEACCES);
    assert_non_null(rnr_classstore_get(cs, &id_c));
    /* Only the installed class has a file. */
    assert_int_equal(count_entries(f->dir, ""), 1);
    rnr_classstore_close(cs);

    cs = open_store(f);
    assert_int_equal(rnr_classstore_count(cs), 1);
    assert_null(rnr_classstore_get(cs, &id_c));
    rnr_classstore_close(cs);
}

static void test_crc_reference(void **state)
{
    (void)state;
    /* The standard CRC-32 check value, so the file format is the one
     * every crc32 tool computes. */
    assert_int_equal(crc32_ref((const uint8_t *)"123456789", 9), 0xCBF43926u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crc_reference),
        cmocka_unit_test_setup_teardown(test_install_persists, setup, teardown),
        cmocka_unit_test_setup_teardown(test_remove, setup, teardown),
        cmocka_unit_test_setup_teardown(test_damaged_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_temp_file_ignored, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_write_changes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_invalid, setup, teardown),
        cmocka_unit_test_setup_teardown(test_static_classes, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
