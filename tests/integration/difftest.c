/* SPDX-License-Identifier: MIT */
/*
 * The differential tests' common ground (difftest.h).
 */
#include "config.h"

#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
#define RNR_NO_WINSOCK_NAMES
#include "itest.h"
#include "difftest.h"

#include <errno.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>

static uint64_t g_rng = 1;
static unsigned g_scale = 100;
static char     g_dir[64];

void rnrt_strlist_add(struct rnrt_strlist *l, const char *s)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 256;
        l->v = realloc(l->v, l->cap * sizeof *l->v);
        assert_non_null(l->v);
    }
    l->v[l->n] = strdup(s);
    assert_non_null(l->v[l->n]);
    l->n++;
}

void rnrt_strlist_free(struct rnrt_strlist *l)
{
    size_t i;

    for (i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

uint32_t rnrt_rand(uint32_t n)
{
    g_rng ^= g_rng << 13;
    g_rng ^= g_rng >> 7;
    g_rng ^= g_rng << 17;
    return n ? (uint32_t)((g_rng >> 11) % n) : 0;
}

unsigned rnrt_scaled(unsigned n)
{
    unsigned v = n * g_scale / 100;

    return v < 20 ? 20 : v;
}

static int bind_over(const char *src, const char *target)
{
    /* The kernel ignores the type of a bind mount; "none" rather than
     * NULL keeps valgrind 3.19's mount() check quiet. */
    if (mount(src, target, "none", MS_BIND, NULL) != 0) {
        fprintf(stderr, "bind %s over %s: %s\n", src, target, strerror(errno));
        return -1;
    }
    return 0;
}

/* Before any NSS call: glibc must read the generated files. */
static int private_etc(const struct rnrt_etc_file *files, size_t n)
{
    char target[160];
    size_t i;

    if (unshare(CLONE_NEWNS) != 0) {
        fprintf(stderr, "unshare(CLONE_NEWNS): %s: skipped\n", strerror(errno));
        return 77;
    }
    if (mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) != 0) {
        fprintf(stderr, "make / private: %s: skipped\n", strerror(errno));
        return 77;
    }
    for (i = 0; i < n; i++) {
        snprintf(target, sizeof target, "/etc/%s", files[i].name);
        if (bind_over(files[i].path, target) != 0)
            return 77;
    }
    /* The hosts provider mirrors nss_files with "multi on" (Debian's
     * /etc/host.conf); the environment says so whatever host.conf has. */
    setenv("RESOLV_MULTI", "on", 1);
    return 0;
}

static int write_file(struct rnrt_etc_file *f)
{
    FILE *fp;

    snprintf(f->path, sizeof f->path, "%s/%s", g_dir, f->name);
    if (f->gen == NULL)
        return rnrt_write_file(f->path, f->text);
    if ((fp = fopen(f->path, "w")) == NULL)
        return -1;
    f->gen(fp);
    return fclose(fp);
}

int rnrt_diff_begin(const char *tag, uint64_t seed, struct rnrt_etc_file *files, size_t n)
{
    const char *env;
    size_t i;
    int rc;

    if (geteuid() != 0) {
        fprintf(stderr, "not root: no private mount namespace; skipped\n");
        return 77;
    }
    g_rng = (env = getenv("RNRT_SEED")) != NULL ? strtoull(env, NULL, 0) | 1 : seed;
    if ((env = getenv("RNRT_SCALE")) != NULL && atoi(env) > 0)
        g_scale = (unsigned)atoi(env);
    printf("seed 0x%llx, scale %u%%\n", (unsigned long long)g_rng, g_scale);
    snprintf(g_dir, sizeof g_dir, "/tmp/rnr-%s-XXXXXX", tag);
    if (mkdtemp(g_dir) == NULL) {
        fprintf(stderr, "mkdtemp: %s\n", strerror(errno));
        return 1;
    }
    chmod(g_dir, 0755);
    for (i = 0; i < n; i++)
        if (write_file(&files[i]) != 0) {
            fprintf(stderr, "cannot write %s\n", files[i].path);
            rnrt_diff_end(files, i + 1);
            return 1;
        }
    if ((rc = private_etc(files, n)) != 0)
        rnrt_diff_end(files, n);
    return rc;
}

void rnrt_diff_end(struct rnrt_etc_file *files, size_t n)
{
    size_t i;

    if (getenv("RNRT_KEEP") != NULL)
        return;
    for (i = 0; i < n; i++)
        unlink(files[i].path);
    rmdir(g_dir);
}

static const char *file_path(const struct rnrt_etc_file *files, size_t n, const char *name)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (strcmp(files[i].name, name) == 0)
            return files[i].path;
    return "/nonexistent";
}

int rnrt_diff_daemon_start(struct rnrt_daemon *d, const struct rnrt_etc_file *files,
                           size_t n)
{
    WSADATA wd;
    char cmd[1024];

    if (rnrt_daemon_init(d, NULL) != 0)
        return -1;
    snprintf(cmd, sizeof cmd, "cp %s %s && cp %s %s", file_path(files, n, "hosts"),
             d->hosts, file_path(files, n, "services"), d->services);
    if (system(cmd) != 0 || rnrt_daemon_start(d) != 0)
        return -1;
    return WSAStartup(MAKEWORD(2, 2), &wd);
}
