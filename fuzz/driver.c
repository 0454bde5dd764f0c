/* SPDX-License-Identifier: MIT */
/*
 * Standalone replay driver: a main() for the fuzz targets when they are
 * built without libFuzzer (gcc, or clang without --enable-fuzzing), so
 * `make check` feeds every committed corpus file to its target and the
 * sanitizer build catches a regression without clang's fuzzer runtime.
 *
 *   fuzz_NAME [FILE|DIR]...
 *
 * With no argument the corpus is $FUZZ_CORPUS_DIR/NAME, else
 * $(srcdir)/fuzz/corpus/NAME (NAME from the program's own name, libtool's
 * "lt-" prefix dropped).  An empty corpus is a failure: a replay that
 * replays nothing cannot fail.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef FUZZ_CORPUS_TOP
#define FUZZ_CORPUS_TOP "fuzz/corpus"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int run_file(const char *path, size_t *count)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    long n;
    int rc = -1;

    if (f == NULL) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        return -1;
    }
    if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0)
        goto done;
    /* One byte more than the data, so an empty file still has a buffer;
     * the target is given exactly n bytes (ASan sees any overread). */
    buf = malloc((size_t)n + 1);
    if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n)
        goto done;
    LLVMFuzzerTestOneInput(n > 0 ? buf : NULL, (size_t)n);
    (*count)++;
    rc = 0;
done:
    if (rc != 0)
        fprintf(stderr, "%s: cannot read\n", path);
    free(buf);
    fclose(f);
    return rc;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_path(const char *path, size_t *count)
{
    struct dirent *e;
    struct stat st;
    char **names = NULL, full[4096];
    size_t n = 0, cap = 0, i;
    DIR *dir;
    int rc = 0;

    if (stat(path, &st) != 0) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode))
        return run_file(path, count);
    dir = opendir(path);
    if (dir == NULL) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        return -1;
    }
    while ((e = readdir(dir)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            char **v = realloc(names, (cap ? cap * 2 : 64) * sizeof *v);

            if (v == NULL) {
                rc = -1;
                break;
            }
            names = v;
            cap = cap ? cap * 2 : 64;
        }
        names[n] = strdup(e->d_name);
        if (names[n] == NULL) {
            rc = -1;
            break;
        }
        n++;
    }
    closedir(dir);
    /* Sorted, so a failure is reproducible file by file. */
    if (n > 0)
        qsort(names, n, sizeof *names, name_cmp);
    for (i = 0; i < n; i++) {
        if (rc == 0) {
            snprintf(full, sizeof full, "%s/%s", path, names[i]);
            if (run_file(full, count) != 0)
                rc = -1;
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

int main(int argc, char **argv)
{
    const char *base, *top;
    char dflt[4096];
    size_t count = 0;
    int i, rc = 0;

    if (LLVMFuzzerInitialize != NULL)
        LLVMFuzzerInitialize(&argc, &argv);
    if (argc > 1) {
        for (i = 1; i < argc && rc == 0; i++)
            if (run_path(argv[i], &count) != 0)
                rc = 1;
    } else {
        base = strrchr(argv[0], '/');
        base = base ? base + 1 : argv[0];
        if (strncmp(base, "lt-", 3) == 0)
            base += 3;
        if (strncmp(base, "fuzz_", 5) == 0)
            base += 5;
        top = getenv("FUZZ_CORPUS_DIR");
        if (top == NULL || top[0] == '\0')
            top = FUZZ_CORPUS_TOP;
        snprintf(dflt, sizeof dflt, "%s/%s", top, base);
        if (run_path(dflt, &count) != 0)
            rc = 1;
    }
    if (rc == 0 && count == 0) {
        fprintf(stderr, "%s: no corpus input found\n", argv[0]);
        rc = 1;
    }
    printf("%s: %zu input(s) replayed%s\n", argv[0], count, rc ? ", FAILED" : "");
    return rc;
}
