/* SPDX-License-Identifier: MIT */
/*
 * The protocols file parser behind getprotobyname / getprotobynumber
 * (client/protodb_parse.c).  A line found is built into a protoent that
 * holds the name or number asked for, with a short buffer refused first
 * with the exact size needed.
 *
 * Input: u8 mode, i32 number, the name (up to a NUL), then the file.
 * Mode bit 0: search by name (else by number).
 */
#include "config.h"

#include <netdb.h>
#include <string.h>
#include <strings.h>

#include "alloc.h"
#include "getxbyy.h"

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul;
    char *name = NULL, *line = NULL;
    uint8_t *buf = NULL;
    size_t needed = 0, needed2 = 0;
    int32_t number;
    int by_name, rc;
    FILE *f = NULL;

    if (size < 5)
        return 0;
    by_name = data[0] & 1;
    memcpy(&number, data + 1, 4);
    data += 5;
    size -= 5;
    nul = memchr(data, 0, size);
    if (nul == NULL)
        return 0;
    name = fuzz_cstring(data, (size_t)(nul - data));
    size -= (size_t)(nul - data) + 1;
    data = nul + 1;
    /* fmemopen of 0 bytes fails; the file is then an empty one. */
    f = size > 0 ? fmemopen((void *)data, size, "r") : fopen("/dev/null", "r");
    if (f == NULL)
        goto done;
    rc = rnr_protodb_find(f, by_name ? name : NULL, number, &line);
    if (rc != 0) {
        FUZZ_CHECK(rc == WSAHOST_NOT_FOUND || rc == WSAENOBUFS || rc == WSANO_RECOVERY);
        goto done;
    }
    FUZZ_CHECK(line != NULL);
    rc = rnr_protodb_build(line, NULL, 0, &needed);
    FUZZ_CHECK(rc == WSAEFAULT && needed >= sizeof(struct protoent));
    buf = malloc(needed);
    FUZZ_CHECK(buf != NULL);
    rc = rnr_protodb_build(line, buf, needed, &needed2);
    FUZZ_CHECK(rc == 0);
    {
        struct protoent *p = (struct protoent *)buf;
        int match = 0;
        char **a;

        FUZZ_CHECK(p->p_name != NULL && p->p_aliases != NULL);
        if (by_name) {
            match = strcasecmp(p->p_name, name) == 0;
            for (a = p->p_aliases; *a != NULL; a++)
                match |= strcasecmp(*a, name) == 0;
        } else {
            match = p->p_proto == number;
        }
        FUZZ_CHECK(match);
    }
done:
    if (f != NULL)
        fclose(f);
    rnr_free(line);
    free(buf);
    free(name);
    return 0;
}
