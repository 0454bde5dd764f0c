/* SPDX-License-Identifier: MIT */
/* Helpers shared by the fuzz targets (fuzz.h). */
#include "config.h"

#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"

char *fuzz_cstring(const uint8_t *data, size_t size)
{
    const uint8_t *nul = size ? memchr(data, 0, size) : NULL;
    size_t n = nul ? (size_t)(nul - data) : size;
    char *s = malloc(n + 1);

    if (s == NULL)
        abort();
    if (n > 0)
        memcpy(s, data, n);
    s[n] = '\0';
    return s;
}

int fuzz_memfile(const uint8_t *data, size_t size, char *buf, size_t buflen, int *fd)
{
    size_t off = 0;
    int f = memfd_create("fuzz", MFD_CLOEXEC);

    if (f < 0)
        return -1;
    while (off < size) {
        ssize_t n = write(f, data + off, size - off);

        if (n <= 0) {
            close(f);
            return -1;
        }
        off += (size_t)n;
    }
    snprintf(buf, buflen, "/proc/self/fd/%d", f);
    *fd = f;
    return 0;
}
