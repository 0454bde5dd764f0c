/* SPDX-License-Identifier: MIT */
/*
 * No entity expansion anywhere: `rnrctl directory import`, run by an
 * unprivileged user on documents that user wrote, refuses a billion
 * laughs whose entities sit inside an attribute value, and an element
 * with 200,000 attributes, at once and in little memory, naming the
 * DOCTYPE or the limit; and an import's parse grows linearly with the
 * file (10,000 and 100,000 entries, CPU time printed).  rnrctl runs
 * under limits (1 GiB of address space but under ASan, 60 s of CPU) so
 * that a parser that expands fails the test instead of taking the
 * machine.
 */
#include "config.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>

#include "itest.h"

/* AddressSanitizer reserves terabytes of address space for its shadow:
 * under it, only the CPU limit applies (the peak RSS is still checked). */
#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifndef UNDER_ASAN
#define UNDER_ASAN 0
#endif

#define DIR_CONF "[provider directory]\nmodule = directory\nnamespace = NS_NDS\n"

static struct rnrt_daemon *current;
static char                work[64];

static int teardown(void **state)
{
    char cmd[128];

    (void)state;
    if (current != NULL) {
        rnrt_daemon_kill9(current);
        rnrt_daemon_destroy(current);
        current = NULL;
    }
    if (work[0] != '\0') {
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", work);
        if (system(cmd) != 0)
            print_message("cannot remove %s\n", work);
        work[0] = '\0';
    }
    return 0;
}

/* What one rnrctl run gave: its exit status, peak RSS, CPU time and
 * what it wrote to stderr. */
struct outcome {
    int  status;        /* exit code, or 128 + signal */
    long maxrss_kb;
    long cpu_ms;
    char err[4096];
};

struct job {
    const char *file;
    int         out;    /* the struct outcome goes back through this pipe */
};

/* As the unprivileged user: rnrctl directory import FILE, under limits. */
static int import_as_user(void *arg)
{
    const struct job *j = arg;
    struct outcome    o;
    struct rusage     ru;
    char              rnrctl[512];
    int               ep[2], st;
    ssize_t           n;
    size_t            have = 0;
    pid_t             pid;

    memset(&o, 0, sizeof o);
    snprintf(rnrctl, sizeof rnrctl, "%s/client/rnrctl/rnrctl", rnrt_builddir());
    if (pipe(ep) != 0)
        return 1;
    pid = fork();
    if (pid < 0)
        return 1;
    if (pid == 0) {
        struct rlimit as = { 1ul << 30, 1ul << 30 }, cpu = { 60, 60 };
        int           devnull = open("/dev/null", O_WRONLY);

        if (!UNDER_ASAN)
            setrlimit(RLIMIT_AS, &as);
        setrlimit(RLIMIT_CPU, &cpu);
        dup2(ep[1], 2);
        if (devnull >= 0)
            dup2(devnull, 1);
        close(ep[0]);
        execl(rnrctl, rnrctl, "directory", "import", j->file, (char *)NULL);
        _exit(127);
    }
    close(ep[1]);
    while (have < sizeof o.err - 1 && (n = read(ep[0], o.err + have, sizeof o.err - 1 - have)) > 0)
        have += (size_t)n;
    close(ep[0]);
    if (wait4(pid, &st, 0, &ru) != pid)
        return 1;
    o.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    o.maxrss_kb = ru.ru_maxrss;
    o.cpu_ms = (long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000 +
               (long)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000;
    return write(j->out, &o, sizeof o) == (ssize_t)sizeof o ? 0 : 1;
}

static void run_import(const char *file, struct outcome *o)
{
    struct job j;
    int        p[2];

    assert_int_equal(pipe(p), 0);
    j.file = file;
    j.out = p[1];
    assert_int_equal(rnrt_run_as(RNRT_USER_MALLORY, import_as_user, &j), 0);
    close(p[1]);
    assert_int_equal(read(p[0], o, sizeof *o), (ssize_t)sizeof *o);
    close(p[0]);
}

static void setup_run(struct rnrt_daemon *d)
{
    uid_t uid;
    gid_t gid;

    if (geteuid() != 0 || rnrt_user_ensure(RNRT_USER_MALLORY, &uid, &gid) != 0) {
        print_message("needs root and a second user: skipped\n");
        skip();
    }
    current = d;
    assert_int_equal(rnrt_daemon_init(d, DIR_CONF), 0);
    assert_int_equal(rnrt_daemon_start(d), 0);
    /* Files the user can read. */
    snprintf(work, sizeof work, "/tmp/rnrt-xml-XXXXXX");
    assert_non_null(mkdtemp(work));
    assert_int_equal(chmod(work, 0755), 0);
}

static FILE *create(const char *name, char *path, size_t len)
{
    FILE *f;

    snprintf(path, len, "%s/%s", work, name);
    f = fopen(path, "w");
    assert_non_null(f);
    return f;
}

static void finish(struct rnrt_daemon *d)
{
    assert_int_equal(rnrt_daemon_stop(d), 0);
    rnrt_daemon_destroy(d);
    current = NULL;
    teardown(NULL);
}

#define ENTRY_HEAD "<entry context=\"\\imp\" class=\"{6A1B0C2D-0000-4000-8000-0000000000C1}\" "

/* Ten levels of ten: 10^10 times 64 bytes once expanded. */
static void test_billion_laughs(void **state)
{
    static struct rnrt_daemon d;
    struct outcome            o;
    char                      path[256];
    FILE                     *f;
    int                       i, k;

    (void)state;
    setup_run(&d);
    f = create("laughs.xml", path, sizeof path);
    fprintf(f, "<?xml version=\"1.0\"?>\n<!DOCTYPE directory [\n"
            " <!ENTITY l0 \"lollollollollollollollollollollollollollollollollollollollollol\">\n");
    for (i = 1; i <= 10; i++) {
        fprintf(f, " <!ENTITY l%d \"", i);
        for (k = 0; k < 10; k++)
            fprintf(f, "&l%d;", i - 1);
        fprintf(f, "\">\n");
    }
    fprintf(f, "]>\n<directory version=\"1\">\n" ENTRY_HEAD "name=\"&l10;\"/>\n</directory>\n");
    assert_int_equal(fclose(f), 0);
    assert_int_equal(chmod(path, 0644), 0);

    run_import(path, &o);
    print_message("billion laughs: exit %d, %ld ms CPU, peak RSS %ld KiB: %s", o.status,
                  o.cpu_ms, o.maxrss_kb, o.err);
    assert_int_equal(o.status, 5);
    assert_non_null(strstr(o.err, "laughs.xml:2: DOCTYPE declarations are not allowed"));
    assert_true(o.maxrss_kb < 64 * 1024);
    finish(&d);
}

static void test_many_attributes(void **state)
{
    static struct rnrt_daemon d;
    struct outcome            o;
    char                      path[256];
    FILE                     *f;
    int                       i;

    (void)state;
    setup_run(&d);
    f = create("attrs.xml", path, sizeof path);
    fprintf(f, "<?xml version=\"1.0\"?>\n<directory version=\"1\">\n" ENTRY_HEAD "name=\"x\"");
    for (i = 0; i < 200000; i++)
        fprintf(f, " a%d=\"\"", i);
    fprintf(f, "/>\n</directory>\n");
    assert_int_equal(fclose(f), 0);
    assert_int_equal(chmod(path, 0644), 0);

    run_import(path, &o);
    print_message("200,000 attributes: exit %d, %ld ms CPU, peak RSS %ld KiB: %s", o.status,
                  o.cpu_ms, o.maxrss_kb, o.err);
    assert_int_equal(o.status, 5);
    assert_non_null(strstr(o.err, "attrs.xml:3: element <entry> has more than 32 attributes"));
    assert_true(o.maxrss_kb < 64 * 1024);
    finish(&d);
}

/* n entries, the last repeating the first: the whole file is parsed and
 * validated, then refused before anything is registered. */
static void write_entries(const char *name, int n, char *path, size_t len)
{
    FILE *f = create(name, path, len);
    int   i;

    fprintf(f, "<?xml version=\"1.0\"?>\n<directory version=\"1\">\n");
    for (i = 0; i < n; i++)
        fprintf(f, ENTRY_HEAD "name=\"e%d\" version=\"%d\">\n"
                "  <comment>entry &amp; number %d</comment>\n"
                "  <address socktype=\"1\" protocol=\"6\"><remote>192.0.2.%d:%d</remote>"
                "</address>\n</entry>\n", i, i, i, i % 250 + 1, 1000 + i % 60000);
    fprintf(f, ENTRY_HEAD "name=\"e0\"/>\n</directory>\n");
    assert_int_equal(fclose(f), 0);
    assert_int_equal(chmod(path, 0644), 0);
}

static void test_linear(void **state)
{
    static struct rnrt_daemon d;
    struct outcome            small, large;
    char                      path[256], want[80];

    (void)state;
    setup_run(&d);
    write_entries("e10k.xml", 10000, path, sizeof path);
    run_import(path, &small);
    snprintf(want, sizeof want, "e10k.xml:%d: entry repeats the one on line 3", 3 + 4 * 10000);
    if (small.status != 5 || strstr(small.err, want) == NULL)
        fail_msg("10,000 entries: exit %d: %s", small.status, small.err);
    write_entries("e100k.xml", 100000, path, sizeof path);
    run_import(path, &large);
    /* (Past line 65535, libxml2's line of an element may be one off.) */
    if (large.status != 5 || strstr(large.err, "e100k.xml:40000") == NULL ||
        strstr(large.err, ": entry repeats the one on line 3") == NULL)
        fail_msg("100,000 entries: exit %d: %s", large.status, large.err);
    print_message("import parse: 10,000 entries %ld ms CPU (%ld KiB); 100,000 entries %ld ms "
                  "CPU (%ld KiB)\n", small.cpu_ms, small.maxrss_kb, large.cpu_ms,
                  large.maxrss_kb);
    /* Ten times the file: well under a hundred times the time (a loose
     * bound: quadratic would be a hundred). */
    assert_true(large.cpu_ms <= 40 * small.cpu_ms + 2000);
    finish(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_billion_laughs, teardown),
        cmocka_unit_test_teardown(test_many_attributes, teardown),
        cmocka_unit_test_teardown(test_linear, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
