/* SPDX-License-Identifier: MIT */
/*
 * A damaged snapshot loses nothing: a real rnrd writes snapshots of a
 * small store (snapshot-min-records = 8), the newest is then emptied, cut
 * short or given a bad line on disk, or a crash leaves a snapshot without
 * its end, and the restarted rnrd still has every entry: it loads the
 * generation before (kept for this), renames the bad file aside and says
 * so at error level.  Then a fresh snapshot replaces the bad one.
 */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "itest.h"

#define DIR_ID RNR_NSPID_DIRECTORY_TEXT
#define DIR_CONF "[provider directory]\nmodule = directory\nnamespace = NS_NDS\n" \
                 "snapshot-min-records = 8\n"
#define CTX "\\recover"
#define ENTRIES 25

static GUID cls, dir_id;
static struct rnrt_daemon *current;

static int teardown(void **state)
{
    (void)state;
    if (current != NULL) {
        rnrt_daemon_kill9(current);
        rnrt_daemon_destroy(current);
        current = NULL;
    }
    return 0;
}

static void start(struct rnrt_daemon *d)
{
    WSADATA wd;

    cls = rnrt_guid("{6A1B0C2D-0000-4000-8000-00000000D1C1}");
    dir_id = rnrt_guid(DIR_ID);
    current = d;
    assert_int_equal(rnrt_daemon_init(d, DIR_CONF), 0);
    assert_int_equal(rnrt_daemon_start(d), 0);
    assert_int_equal(WSAStartup(MAKEWORD(2, 2), &wd), 0);
}

static void finish(struct rnrt_daemon *d)
{
    WSACleanup();
    assert_int_equal(rnrt_daemon_stop(d), 0);
    rnrt_daemon_destroy(d);
    current = NULL;
}

static int reg(int i)
{
    WSAQUERYSETA       qs;
    CSADDR_INFO        cs;
    struct sockaddr_in sin;
    char               name[32];

    snprintf(name, sizeof name, "e%d", i);
    memset(&qs, 0, sizeof qs);
    memset(&cs, 0, sizeof cs);
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_port = htons((uint16_t)(1000 + i));
    inet_pton(AF_INET, "192.0.2.9", &sin.sin_addr);
    cs.RemoteAddr.lpSockaddr = (LPSOCKADDR)&sin;
    cs.RemoteAddr.iSockaddrLength = sizeof sin;
    cs.iSocketType = SOCK_STREAM;
    cs.iProtocol = IPPROTO_TCP;
    qs.dwSize = sizeof qs;
    qs.lpServiceClassId = &cls;
    qs.lpszServiceInstanceName = name;
    qs.lpszContext = CTX;
    qs.lpNSProviderId = &dir_id;
    qs.dwNumberOfCsAddrs = 1;
    qs.lpcsaBuffer = &cs;
    return WSASetServiceA(&qs, RNRSERVICE_REGISTER, 0) == 0 ? 0 : WSAGetLastError();
}

/* Which of e0..e(n-1) the daemon has: a bit string, '1' for present. */
static void present(int n, char *out)
{
    WSAQUERYSETA        q;
    struct rnrt_results res;
    size_t              i;

    memset(out, '0', (size_t)n);
    out[n] = '\0';
    memset(&q, 0, sizeof q);
    q.dwSize = sizeof q;
    q.lpServiceClassId = &cls;
    q.lpszServiceInstanceName = "*";
    q.lpszContext = CTX;
    q.lpNSProviderId = &dir_id;
    rnrt_lookup(&q, LUP_RETURN_NAME, &res);
    for (i = 0; i < res.n; i++) {
        int k = atoi(res.r[i]->lpszServiceInstanceName + 1);

        if (k >= 0 && k < n)
            out[k] = '1';
    }
    rnrt_results_free(&res);
}

static void assert_all_present(int n)
{
    char got[128], want[128];

    present(n, got);
    memset(want, '1', (size_t)n);
    want[n] = '\0';
    if (strcmp(got, want) != 0)
        fail_msg("entries e0..e%d present: %s (log %s)", n - 1, got, current->log);
}

static int file_contains(const char *path, const char *needle)
{
    FILE  *f = fopen(path, "r");
    char  *buf;
    size_t len;
    int    found;

    if (f == NULL)
        return 0;
    buf = malloc(1 << 20);
    assert_non_null(buf);
    len = fread(buf, 1, (1 << 20) - 1, f);
    buf[len] = '\0';
    fclose(f);
    found = strstr(buf, needle) != NULL;
    free(buf);
    return found;
}

/* A line of the log at error level that holds needle. */
static int error_logged(const char *path, const char *needle)
{
    FILE *f = fopen(path, "r");
    char  line[8192];
    int   found = 0;

    if (f == NULL)
        return 0;
    while (!found && fgets(line, sizeof line, f) != NULL)
        found = strstr(line, "rnrd: err: ") != NULL && strstr(line, needle) != NULL;
    fclose(f);
    return found;
}

static void store_dir(const struct rnrt_daemon *d, char *buf, size_t len)
{
    snprintf(buf, len, "%s/providers/directory", d->state);
}

/* The newest snapshot.N (0 if none); *tmp: whether a snapshot is being
 * written; *aside: whether a snapshot.N.bad-* is there. */
static unsigned long newest_snapshot(const struct rnrt_daemon *d, int *tmp, int *aside)
{
    char           dir[256];
    DIR           *dp;
    struct dirent *de;
    unsigned long  g, best = 0;
    char           rest[64];

    store_dir(d, dir, sizeof dir);
    *tmp = *aside = 0;
    dp = opendir(dir);
    assert_non_null(dp);
    while ((de = readdir(dp)) != NULL) {
        rest[0] = '\0';
        if (sscanf(de->d_name, "snapshot.%lu%63s", &g, rest) < 1)
            continue;
        if (strcmp(rest, ".tmp") == 0)
            *tmp = 1;
        else if (strncmp(rest, ".bad-", 5) == 0)
            *aside = 1;
        else if (rest[0] == '\0' && g > best)
            best = g;
    }
    closedir(dp);
    return best;
}

/* Registers e0..e(n-1), then waits until a snapshot has been written and
 * none is being written (the store is tiny: that is quick), and stops
 * rnrd.  Returns the newest snapshot's number. */
static unsigned long fill_and_stop(struct rnrt_daemon *d, int n)
{
    unsigned long g = 0;
    int           i, tmp = 1, aside, quiet = 0;

    for (i = 0; i < n; i++)
        assert_int_equal(reg(i), 0);
    for (i = 0; i < 500 && quiet < 3; i++) {
        usleep(20000);
        g = newest_snapshot(d, &tmp, &aside);
        quiet = g > 0 && !tmp ? quiet + 1 : 0;
    }
    assert_true(g > 0);
    assert_int_equal(rnrt_daemon_stop(d), 0);
    /* The generation before the newest is its fallback: still there. */
    {
        char dir[256], path[300];
        struct stat sb;

        store_dir(d, dir, sizeof dir);
        snprintf(path, sizeof path, "%s/journal.1", dir);
        if (g == 2)
            assert_int_equal(stat(path, &sb), 0);
    }
    return g;
}

static void read_snapshot(const struct rnrt_daemon *d, unsigned long g, char *buf, size_t cap,
                          size_t *len)
{
    char  dir[256], path[300];
    FILE *f;

    store_dir(d, dir, sizeof dir);
    snprintf(path, sizeof path, "%s/snapshot.%lu", dir, g);
    f = fopen(path, "r");
    assert_non_null(f);
    *len = fread(buf, 1, cap - 1, f);
    buf[*len] = '\0';
    fclose(f);
}

static void write_snapshot(const struct rnrt_daemon *d, unsigned long g, const char *buf,
                           size_t len)
{
    char  dir[256], path[300];
    FILE *f;

    store_dir(d, dir, sizeof dir);
    snprintf(path, sizeof path, "%s/snapshot.%lu", dir, g);
    f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fwrite(buf, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

/* After the damage: every entry, the bad file aside, the error logged;
 * then one more entry gets a fresh snapshot, and a restart has it all
 * without a word about damage. */
static void check_recovered(struct rnrt_daemon *d, unsigned long g)
{
    int  tmp, aside, i, quiet = 0;
    char needle[64];

    assert_int_equal(rnrt_daemon_start(d), 0);
    assert_all_present(ENTRIES);
    newest_snapshot(d, &tmp, &aside);
    assert_true(aside);
    snprintf(needle, sizeof needle, "snapshot.%lu: damaged snapshot", g);
    assert_true(error_logged(d->log, needle));
    assert_true(error_logged(d->log, "renamed to"));
    snprintf(needle, sizeof needle, "in place of the damaged snapshot.%lu; nothing was lost", g);
    assert_true(error_logged(d->log, needle));

    assert_int_equal(reg(ENTRIES), 0);
    for (i = 0; i < 500 && quiet < 3; i++) {
        usleep(20000);
        quiet = newest_snapshot(d, &tmp, &aside) > g && !tmp ? quiet + 1 : 0;
    }
    assert_true(newest_snapshot(d, &tmp, &aside) > g);
    assert_int_equal(rnrt_daemon_stop(d), 0);
    assert_int_equal(truncate(d->log, 0), 0);
    assert_int_equal(rnrt_daemon_start(d), 0);
    assert_all_present(ENTRIES + 1);
    assert_false(file_contains(d->log, "damaged"));
}

/* (a) The newest snapshot emptied: everything is still there. */
static void test_empty_snapshot(void **state)
{
    static struct rnrt_daemon d;
    unsigned long             g;

    (void)state;
    start(&d);
    g = fill_and_stop(&d, ENTRIES);
    write_snapshot(&d, g, "", 0);
    check_recovered(&d, g);
    finish(&d);
}

/* (b) One line of the newest snapshot damaged (a name changed under its
 * checksum): not one entry lost, where skipping the line lost it. */
static void test_bad_line(void **state)
{
    static struct rnrt_daemon d;
    static char               buf[1 << 16];
    unsigned long             g;
    size_t                    len;
    char                     *q;

    (void)state;
    start(&d);
    g = fill_and_stop(&d, ENTRIES);
    read_snapshot(&d, g, buf, sizeof buf, &len);
    q = strstr(buf, "name=\"e3\"");
    assert_non_null(q);
    q[7] = '9';
    write_snapshot(&d, g, buf, len);
    check_recovered(&d, g);
    finish(&d);
}

/* (c) A crash around a snapshot: rnrd killed while its snapshots are
 * written, restarted, and every acknowledged entry is there; then what a
 * crash leaves when a snapshot's name reached the disk before its data
 * (a newer snapshot cut short) is recovered from the generation before. */
static void test_crash(void **state)
{
    static struct rnrt_daemon d;
    static char               buf[1 << 16];
    unsigned long             g;
    size_t                    len;
    int                       i, tmp, aside;

    (void)state;
    start(&d);
    for (i = 0; i < ENTRIES; i++)
        assert_int_equal(reg(i), 0);
    /* The 24th record started a snapshot (a quarter of the live entries,
     * at least 8): it is likely being written now. */
    rnrt_daemon_kill9(&d);
    assert_int_equal(rnrt_daemon_start(&d), 0);
    assert_all_present(ENTRIES);
    assert_false(file_contains(d.log, "damaged"));
    g = fill_and_stop(&d, ENTRIES);

    read_snapshot(&d, g, buf, sizeof buf, &len);
    write_snapshot(&d, g + 1, buf, len / 2);
    assert_int_equal(rnrt_daemon_start(&d), 0);
    assert_all_present(ENTRIES);
    newest_snapshot(&d, &tmp, &aside);
    assert_true(aside);
    {
        char needle[64];

        snprintf(needle, sizeof needle, "snapshot.%lu: damaged snapshot", g + 1);
        assert_true(error_logged(d.log, needle));
    }
    finish(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_empty_snapshot, teardown),
        cmocka_unit_test_teardown(test_bad_line, teardown),
        cmocka_unit_test_teardown(test_crash, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
