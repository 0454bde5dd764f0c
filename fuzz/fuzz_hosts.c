/* SPDX-License-Identifier: MIT */
/*
 * The hosts file parser and index (providers/common/hostsdb*.c), as the
 * hosts and local providers load /etc/hosts.  Every line kept must be
 * found again by each of its names and by its address, and the lookups
 * must come back in file order.
 */
#include "config.h"

#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hostsdb.h"

#include "fuzz.h"

static void quiet(struct rnr_nsp_provider *p, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void quiet(struct rnr_nsp_provider *p, int level, const char *fmt, ...)
{
    (void)p;
    (void)level;
    (void)fmt;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct hostsdb *db = NULL;
    char path[64];
    size_t n, i;
    int fd;

    if (fuzz_memfile(data, size, path, sizeof path, &fd) != 0)
        return 0;
    if (hostsdb_load(path, NULL, 0, quiet, NULL, &db) != 0)
        goto done;
    n = hostsdb_host_count(db);
    for (i = 0; i < n; i++) {
        struct hostsdb_host h;
        struct hostsdb_iter it;
        uint32_t id, prev;
        unsigned k;
        int found;

        hostsdb_host_get(db, (uint32_t)i, &h);
        FUZZ_CHECK(h.af == AF_INET || h.af == AF_INET6);
        FUZZ_CHECK(h.nnames >= 1);
        for (k = 0; k < h.nnames; k++) {
            const char *name = hostsdb_host_name(db, (uint32_t)i, k);

            FUZZ_CHECK(name != NULL && name[0] != '\0');
            FUZZ_CHECK(hostsdb_find_name(db, name, &it) == 1);
            found = 0;
            prev = 0;
            while (hostsdb_next(db, &it, &id)) {
                FUZZ_CHECK(id < n);
                FUZZ_CHECK(!found || id > prev);   /* file order, each once */
                prev = id;
                if (id == i)
                    found = 1;
            }
            FUZZ_CHECK(found);
        }
        FUZZ_CHECK(hostsdb_find_addr(db, h.af, h.addr, &it) == 1);
        found = 0;
        while (hostsdb_next(db, &it, &id))
            if (id == i)
                found = 1;
        FUZZ_CHECK(found);
    }
    (void)hostsdb_memory(db);
done:
    hostsdb_free(db);
    close(fd);
    return 0;
}
