/* SPDX-License-Identifier: MIT */
/*
 * The services file parser (providers/common/hostsdb.c, the part both the
 * hosts and local providers use for /etc/services) and the query-string
 * resolver (hostsdb_serv_resolve: "ftp", "ftp/tcp", "21", "21/udp").
 * Every entry kept must be found by name and protocol and by port.
 *
 * Input: the services file, then optionally a NUL and a query text.
 */
#include "config.h"

#include <string.h>
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
    const uint8_t *nul = size ? memchr(data, 0, size) : NULL;
    size_t flen = nul ? (size_t)(nul - data) : size, n, i;
    char path[64], *query = NULL;
    int fd;

    if (fuzz_memfile(data, flen, path, sizeof path, &fd) != 0)
        return 0;
    if (hostsdb_load(NULL, path, 0, quiet, NULL, &db) != 0)
        goto done;
    n = hostsdb_serv_count(db);
    for (i = 0; i < n; i++) {
        struct hostsdb_serv s, t;
        uint32_t id;
        unsigned k;

        hostsdb_serv_get(db, (uint32_t)i, &s);
        FUZZ_CHECK(s.name != NULL && s.proto != NULL);
        /* The first entry with that name and protocol comes first in file
         * order, so at or before this one. */
        FUZZ_CHECK(hostsdb_serv_by_name(db, s.name, s.proto, &id) == 1 && id <= i);
        hostsdb_serv_get(db, id, &t);
        FUZZ_CHECK(strcasecmp(t.proto, s.proto) == 0 || strcmp(t.proto, s.proto) == 0);
        FUZZ_CHECK(hostsdb_serv_by_port(db, s.port, s.proto, &id) == 1 && id <= i);
        for (k = 0; k < s.naliases; k++) {
            const char *a = hostsdb_serv_alias(db, (uint32_t)i, k);

            FUZZ_CHECK(a != NULL);
            FUZZ_CHECK(hostsdb_serv_by_name(db, a, s.proto, &id) == 1 && id <= i);
        }
    }
    if (nul != NULL) {
        uint32_t id;
        unsigned port;
        const char *proto;

        query = fuzz_cstring(nul + 1, size - flen - 1);
        if (hostsdb_serv_resolve(db, query, &id, &port, &proto) == 1) {
            FUZZ_CHECK(port <= 65535 && proto != NULL);
            FUZZ_CHECK(id == UINT32_MAX || id < n);
        }
    }
done:
    free(query);
    hostsdb_free(db);
    close(fd);
    return 0;
}
