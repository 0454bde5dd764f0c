/* SPDX-License-Identifier: MIT */
/*
 * glibc's gethostbyname, for bench_lookup's baseline.  See glibc_hosts.h
 * for why this file must not include any rnr header.
 */
#include "config.h"

#include <netdb.h>
#include <string.h>
#include <sys/socket.h>

#include "glibc_hosts.h"

static int has_addr(const struct hostent *he, uint32_t want)
{
    char **a;

    if (he->h_addrtype != AF_INET || he->h_length != (int)sizeof(want))
        return 0;
    for (a = he->h_addr_list; *a != NULL; a++) {
        uint32_t got;

        memcpy(&got, *a, sizeof(got));
        if (got == want)
            return 1;
    }
    return 0;
}

int bench_glibc_lookup(const char *name, uint32_t want, int reentrant)
{
    /* gethostbyname_r's result points into ret and buf: they must outlive
     * the check below, so they live at function scope. */
    struct hostent  ret;
    struct hostent *he;
    char            buf[1024];   /* one name, one address: plenty */
    int             herr = 0;

    if (!reentrant) {
        /* What a Winsock 1.1 application calls: the static result is only
         * ever touched by the one thread of the single-threaded run. */
        he = gethostbyname(name);
        if (he == NULL)
            return h_errno > 0 ? h_errno : NO_RECOVERY;
    } else if (gethostbyname_r(name, &ret, buf, sizeof(buf), &he, &herr) != 0 ||
               he == NULL) {
        return herr > 0 ? herr : NO_RECOVERY;
    }
    return has_addr(he, want) ? 0 : BENCH_GLIBC_WRONG_ADDR;
}

const char *bench_glibc_strerror(int herr)
{
    return hstrerror(herr);
}
