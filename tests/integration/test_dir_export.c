/* SPDX-License-Identifier: MIT */
/*
 * rnrctl directory export and import at scale, through a real rnrd whose
 * max-results-per-lookup (1,000) is far below the store's size: 20,000
 * generated entries, 5,000 of them in one container, are imported and
 * exported whole, and a fresh daemon that imports the export exports the
 * same file (100,000 each way is `make bench`, bench/bench_dir_export.c).
 * -o FILE is atomic: a target whose directory cannot be written, or that
 * fills up, leaves the old FILE as it was and no temporary file behind.
 * An import refused after a thousand registrations takes them all back.
 * Progress shows on a terminal only: not with stderr redirected, not with
 * --quiet.  Malformed page requests are refused.
 */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <rnr/nspids.h>

#include "itest.h"

#define DIR_CONF "[provider directory]\nmodule = directory\nnamespace = NS_NDS\n"

#define N_ENTRIES 20000
#define N_BIG     5000      /* in one container: five times the limit */
#define LIMIT     1000

static struct rnrt_daemon *running[2];
static char                rnrctl[512];

static int teardown(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < 2; i++) {
        if (running[i] != NULL) {
            rnrt_daemon_kill9(running[i]);
            rnrt_daemon_destroy(running[i]);
            running[i] = NULL;
        }
    }
    return 0;
}

/* The whole of a (small) file, NUL-terminated; "" when unreadable. */
static char *slurp(const char *path)
{
    FILE  *f = fopen(path, "r");
    char  *buf = malloc(1 << 16);
    size_t n = 0;

    assert_non_null(buf);
    if (f != NULL) {
        n = fread(buf, 1, (1 << 16) - 1, f);
        fclose(f);
    }
    buf[n] = '\0';
    return buf;
}

/* A daemon with the directory provider and the low result limit; its
 * socket becomes RNR_SOCKET. */
static void start(struct rnrt_daemon *d, int slot)
{
    assert_int_equal(rnrt_daemon_init(d, DIR_CONF), 0);
    assert_int_equal(rnrt_system("sed -i 's/^\\[daemon\\]$/[daemon]\\n"
                                 "max-results-per-lookup = %d/' '%s'", LIMIT, d->conf), 0);
    assert_int_equal(rnrt_daemon_start(d), 0);
    running[slot] = d;
    snprintf(rnrctl, sizeof rnrctl, "%s/client/rnrctl/rnrctl", rnrt_builddir());
}

static void stop(struct rnrt_daemon *d, int slot)
{
    assert_int_equal(rnrt_daemon_stop(d), 0);
    rnrt_daemon_destroy(d);
    running[slot] = NULL;
}

/* n entries: the first N_BIG (or all, if fewer) in \big, the others in
 * fifty containers, each name unique; one in ten has a comment with
 * markup to escape, every one an address. */
static void generate(const char *path, int n)
{
    FILE *f = fopen(path, "w");
    int   i;

    assert_non_null(f);
    fprintf(f, "<?xml version=\"1.0\"?>\n<directory version=\"1\">\n");
    for (i = 0; i < n; i++) {
        char ctx[32];

        if (i < N_BIG)
            snprintf(ctx, sizeof ctx, "\\big");
        else
            snprintf(ctx, sizeof ctx, "\\spread\\c%02d", i % 50);
        fprintf(f, "<entry context=\"%s\" class=\"{6A1B0C2D-0000-4000-8000-0000000000C1}\" "
                "name=\"e%05d\" version=\"%d\">\n", ctx, i, i);
        if (i % 10 == 0)
            fprintf(f, "  <comment>entry &lt;%d&gt; &amp; more</comment>\n", i);
        fprintf(f, "  <address socktype=\"1\" protocol=\"6\"><remote>192.0.2.%d:%d</remote>"
                "</address>\n</entry>\n", i % 250 + 1, 1000 + i % 60000);
    }
    fprintf(f, "</directory>\n");
    assert_int_equal(fclose(f), 0);
}

/* The sorted list of entry names in an XML file, written to out. */
static void names(const char *xml, const char *out)
{
    assert_int_equal(rnrt_system("grep -o ' name=\"e[0-9]*\"' '%s' | sort > '%s'", xml, out), 0);
}

static long file_size(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

/* The status of a deep lookup of every class from the root with `blob`
 * as page request: Begin's, or the first Next's. */
static int page_lookup(const uint8_t *blob, size_t len, DWORD flags)
{
    static GUID       any;
    static const GUID dir_id = RNR_NSPID_DIRECTORY;
    WSAQUERYSETA      qs;
    BLOB              b;
    HANDLE            h;
    char              buf[4096];
    DWORD             blen = sizeof buf;
    int               rc;

    memset(&qs, 0, sizeof qs);
    qs.dwSize = sizeof qs;
    qs.lpServiceClassId = &any;
    qs.lpNSProviderId = (GUID *)&dir_id;
    qs.lpszContext = "\\";
    b.cbSize = (ULONG)len;
    b.pBlobData = (BYTE *)(uintptr_t)blob;
    qs.lpBlob = &b;
    if (WSALookupServiceBeginA(&qs, flags, &h) != 0)
        return WSAGetLastError();
    rc = WSALookupServiceNextA(h, 0, &blen, (WSAQUERYSETA *)buf) == 0 ? 0 : WSAGetLastError();
    WSALookupServiceEnd(h);
    return rc;
}

/* Page requests come from any client: a malformed one, or one asking for
 * containers, is WSAEINVAL, and rnrd goes on. */
static void bad_page_requests(void)
{
    static const uint8_t size0[20] = { 'R', 'N', 'R', 'D', 'P', 'A', 'G', 'E', 1, 0, 0, 0 };
    static const uint8_t cut[26] = { 'R', 'N', 'R', 'D', 'P', 'A', 'G', 'E', 1, 0, 0, 0, 5, 0,
                                     0, 0, 1, 0, 0, 0, 200, 0, 0, 0, '\\', 'b' };
    static const uint8_t ok[20] = { 'R', 'N', 'R', 'D', 'P', 'A', 'G', 'E', 1, 0, 0, 0, 5 };
    WSADATA              wd;

    assert_int_equal(WSAStartup(MAKEWORD(2, 2), &wd), 0);
    assert_int_equal(page_lookup(size0, sizeof size0, LUP_DEEP), WSAEINVAL);
    assert_int_equal(page_lookup(cut, sizeof cut, LUP_DEEP), WSAEINVAL);
    assert_int_equal(page_lookup(ok, sizeof ok, LUP_DEEP | LUP_CONTAINERS), WSAEINVAL);
    assert_int_equal(page_lookup(ok, sizeof ok, LUP_DEEP | LUP_RETURN_NAME), 0);
    WSACleanup();
}

static void test_round_trip(void **state)
{
    static struct rnrt_daemon a, b;
    char gen[300], ex1[300], ex2[300], ex3[300], err[300], out[300], n1[300], n2[300];
    char *text;

    (void)state;
    start(&a, 0);
    snprintf(gen, sizeof gen, "%s/gen.xml", a.dir);
    snprintf(ex1, sizeof ex1, "%s/export1.xml", a.dir);
    snprintf(ex2, sizeof ex2, "%s/export2.xml", a.dir);
    snprintf(ex3, sizeof ex3, "%s/export3.xml", a.dir);
    snprintf(err, sizeof err, "%s/err.txt", a.dir);
    snprintf(out, sizeof out, "%s/out.txt", a.dir);
    snprintf(n1, sizeof n1, "%s/names1.txt", a.dir);
    snprintf(n2, sizeof n2, "%s/names2.txt", a.dir);
    generate(gen, N_ENTRIES);

    /* --quiet, stderr and stdout redirected: nothing at all. */
    assert_int_equal(rnrt_system("'%s' directory import --quiet '%s' >'%s' 2>'%s'",
                                 rnrctl, gen, out, err), 0);
    assert_int_equal(file_size(err), 0);
    assert_int_equal(file_size(out), 0);
    bad_page_requests();

    /* More than one lookup may return, in the store and in \big. */
    assert_int_equal(rnrt_system("'%s' stats | grep -q 'max-results-per-lookup *%d$'",
                                 rnrctl, LIMIT), 0);
    assert_int_equal(rnrt_system("'%s' directory export -o '%s' 2>'%s'", rnrctl, ex1, err), 0);
    /* Not a terminal: the summary, no progress line. */
    text = slurp(err);
    assert_non_null(strstr(text, "20000 entries written to"));
    assert_null(strchr(text, '\r'));
    assert_null(strchr(text, '\033'));
    free(text);
    names(gen, n1);
    names(ex1, n2);
    assert_int_equal(rnrt_system("cmp -s '%s' '%s'", n1, n2), 0);
    assert_int_equal(rnrt_system("test \"$(grep -c '<entry context=\"\\\\big\"' '%s')\" = %d", ex1,
                                 N_BIG), 0);
    assert_int_equal(rnrt_system("xmllint --noout '%s' 2>/dev/null || "
                                 "! command -v xmllint >/dev/null",
                                 ex1), 0);
    /* Standard output gets the same document. */
    assert_int_equal(rnrt_system("'%s' directory export -q > '%s' 2>'%s'", rnrctl, ex3, err), 0);
    assert_int_equal(file_size(err), 0);
    assert_int_equal(rnrt_system("cmp -s '%s' '%s'", ex1, ex3), 0);

    /* Into a fresh daemon and out again: the same file. */
    start(&b, 1);
    assert_int_equal(rnrt_system("'%s' directory import '%s' >'%s' 2>'%s'",
                                 rnrctl, ex1, out, err), 0);
    assert_int_equal(file_size(err), 0);
    assert_int_equal(rnrt_system("grep -q 'imported 20000 entries' '%s'", out), 0);
    assert_int_equal(rnrt_system("'%s' directory export -q -o '%s'", rnrctl, ex2), 0);
    assert_int_equal(rnrt_system("cmp -s '%s' '%s'", ex1, ex2), 0);

    /* On a terminal (script(1) gives it one): the progress line. */
    if (rnrt_system("command -v script >/dev/null") == 0) {
        assert_int_equal(rnrt_system("script -qec \"'%s' directory export -o '%s'\" "
                                     "/dev/null >'%s' 2>&1",
                                     rnrctl, ex2, out), 0);
        text = slurp(out);
        assert_non_null(strstr(text, "\r\033[Kdirectory export: "));
        assert_non_null(strstr(text, " entries, "));
        free(text);
        assert_int_equal(rnrt_system("script -qec \"'%s' directory export -q -o '%s'\" "
                                     "/dev/null >'%s' 2>&1",
                                     rnrctl, ex2, out), 0);
        assert_int_equal(file_size(out), 0);
    } else {
        print_message("no script(1): the terminal part is skipped\n");
    }
    stop(&b, 1);
    stop(&a, 0);
}

/* As the unprivileged user: rnrctl directory import -q FILE, stderr to
 * FILE.err; the exit status. */
static int import_as_user(void *arg)
{
    const char *file = arg;

    return rnrt_system("'%s' directory import -q '%s' 2>'%s.err'", rnrctl, file, file);
}

/* A refusal well into a large import (the user's quota, 1,000 entries,
 * with hundreds of registrations in flight): every entry registered is
 * taken back, and the store is as it was. */
static void test_rollback_at_scale(void **state)
{
    static struct rnrt_daemon a;
    char   work[300], gen[320], err[340], ex[300];
    char  *text;
    uid_t  uid;
    gid_t  gid;
    int    st;

    (void)state;
    if (geteuid() != 0 || rnrt_user_ensure(RNRT_USER_MALLORY, &uid, &gid) != 0) {
        print_message("needs root and a second user: skipped\n");
        skip();
    }
    start(&a, 0);
    /* Where the user writes its stderr (not the socket's directory:
     * rnrctl trusts no socket in a directory others may write). */
    snprintf(work, sizeof work, "%s/work", a.dir);
    snprintf(gen, sizeof gen, "%s/gen.xml", work);
    snprintf(err, sizeof err, "%s/gen.xml.err", work);
    snprintf(ex, sizeof ex, "%s/export.xml", a.dir);
    assert_int_equal(mkdir(work, 0777), 0);
    assert_int_equal(chmod(work, 0777), 0);
    generate(gen, 3000);
    assert_int_equal(chmod(gen, 0644), 0);
    st = rnrt_run_as(RNRT_USER_MALLORY, import_as_user, gen);
    text = slurp(err);
    print_message("%s", text);
    assert_int_equal(st, 5);
    assert_non_null(strstr(text, "nothing was imported"));
    free(text);
    assert_int_equal(rnrt_system("'%s' directory export -q -o '%s'", rnrctl, ex), 0);
    assert_int_equal(rnrt_system("! grep -q '<entry ' '%s'", ex), 0);
    assert_int_equal(rnrt_system("'%s' stats | grep -q 'directory *entries *0$'", rnrctl), 0);
    stop(&a, 0);
}

/* Files in dir other than the one named: a temporary file left behind. */
static int others_in(const char *dir, const char *keep)
{
    DIR           *d = opendir(dir);
    struct dirent *e;
    int            n = 0;

    assert_non_null(d);
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
            strcmp(e->d_name, keep) != 0) {
            print_message("left behind: %s\n", e->d_name);
            n++;
        }
    closedir(d);
    return n;
}

/* Last: it leaves this process in a private mount namespace. */
static void test_atomic_target(void **state)
{
    static struct rnrt_daemon a;
    char gen[300], mnt[300], target[320], err[300];
    char *text;

    (void)state;
    if (geteuid() != 0) {
        print_message("needs root (a tmpfs of its own): skipped\n");
        skip();
    }
    start(&a, 0);
    snprintf(gen, sizeof gen, "%s/gen.xml", a.dir);
    snprintf(mnt, sizeof mnt, "%s/target", a.dir);
    snprintf(target, sizeof target, "%s/export.xml", mnt);
    snprintf(err, sizeof err, "%s/err.txt", a.dir);
    generate(gen, 2000);
    assert_int_equal(rnrt_system("'%s' directory import -q '%s'", rnrctl, gen), 0);
    if (unshare(CLONE_NEWNS) != 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) {
        print_message("no private mount namespace (%s): skipped\n", strerror(errno));
        stop(&a, 0);
        skip();
    }
    assert_int_equal(mkdir(mnt, 0755), 0);
    assert_int_equal(mount("rnrt", mnt, "tmpfs", 0, "size=64k,mode=0755"), 0);
    assert_int_equal(rnrt_write_file(target, "old\n"), 0);

    /* A directory that cannot be written (read-only, even for root). */
    assert_int_equal(mount("rnrt", mnt, "tmpfs", MS_REMOUNT | MS_RDONLY, "size=64k"), 0);
    assert_int_equal(rnrt_system("'%s' directory export -o '%s' 2>'%s'", rnrctl, target, err), 5);
    text = slurp(err);
    print_message("read-only: %s", text);
    assert_non_null(strstr(text, "left as it was"));
    free(text);
    text = slurp(target);
    assert_string_equal(text, "old\n");
    free(text);

    /* Writable but too small for the export (about 500 KB): it fills up. */
    assert_int_equal(mount("rnrt", mnt, "tmpfs", MS_REMOUNT, "size=64k"), 0);
    assert_int_equal(rnrt_system("'%s' directory export -o '%s' 2>'%s'", rnrctl, target, err), 5);
    text = slurp(err);
    print_message("full: %s", text);
    assert_non_null(strstr(text, strerror(ENOSPC)));
    assert_non_null(strstr(text, "left as it was"));
    free(text);
    text = slurp(target);
    assert_string_equal(text, "old\n");
    free(text);
    assert_int_equal(others_in(mnt, "export.xml"), 0);

    /* Room enough: replaced whole, nothing else left. */
    assert_int_equal(mount("rnrt", mnt, "tmpfs", MS_REMOUNT, "size=8m"), 0);
    assert_int_equal(rnrt_system("'%s' directory export -q -o '%s'", rnrctl, target), 0);
    assert_int_equal(rnrt_system("test \"$(grep -c '<entry ' '%s')\" = 2000", target), 0);
    assert_int_equal(rnrt_system("tail -n 1 '%s' | grep -q '^</directory>$'", target), 0);
    assert_int_equal(others_in(mnt, "export.xml"), 0);
    umount2(mnt, MNT_DETACH);
    stop(&a, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_round_trip, teardown),
        cmocka_unit_test_teardown(test_rollback_at_scale, teardown),
        cmocka_unit_test_teardown(test_atomic_target, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
