/* SPDX-License-Identifier: MIT */
/*
 * Shared by the fuzz targets (fuzz/fuzz_NAME.c, corpus in fuzz/corpus/NAME):
 * the libFuzzer entry points and a few helpers.
 */
#ifndef RNR_FUZZ_H
#define RNR_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A finding that is not a memory error: a wrong answer.  abort() so both
 * libFuzzer and the replay driver stop on it with the input saved. */
#define FUZZ_CHECK(cond)                                                    \
    do {                                                                    \
        if (!(cond)) {                                                      \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, \
                    #cond);                                                 \
            abort();                                                        \
        }                                                                   \
    } while (0)

/* The input as a NUL-terminated string (cut at its first NUL), malloc'd. */
char *fuzz_cstring(const uint8_t *data, size_t size);

/* The input in a private file (memfd), for parsers that take a path;
 * returns the path ("/proc/self/fd/N") in buf, fd in *fd.  0 or -1. */
int fuzz_memfile(const uint8_t *data, size_t size, char *buf, size_t buflen, int *fd);

#endif
