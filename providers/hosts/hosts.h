/* SPDX-License-Identifier: MIT */
/*
 * The hosts provider's state, shared by its files: hosts.c (ops,
 * lifecycle, loading), hosts_watch.c (inotify), hosts_lookup.c (queries).
 */
#ifndef RNR_HOSTS_H
#define RNR_HOSTS_H

#include <stdint.h>

#include <rnr/nsp.h>

#include "hostsdb.h"

#define HOSTS_DEFAULT_HOSTS_FILE    "/etc/hosts"
#define HOSTS_DEFAULT_SERVICES_FILE "/etc/services"

/* Changes are picked up this long after the last event on a file, so an
 * editor's burst of writes costs one reload. */
#define HOSTS_RELOAD_DELAY_MS 100u

/* Lines merged into one host result at most (glibc merges every line of a
 * name; a result cannot carry more addresses than this anyway). */
#define HOSTS_MAX_MERGE 1024u

/* One watched (directory, file name) pair. */
struct hosts_watch {
    int   wd;
    char *base;
};

#define HOSTS_MAX_WATCHES 4
/* How long an answer may be served from the answer cache (hosts_lookup.c). */
#define HOSTS_REUSABLE_MS 60000u

struct hosts_state {
    const struct rnr_nsp_host *host;
    struct rnr_nsp_provider   *p;
    char           *hosts_path;
    char           *services_path;
    struct hostsdb *db;            /* never NULL after startup */

    int                   ifd;     /* inotify, -1 when unavailable */
    struct hosts_watch    watches[HOSTS_MAX_WATCHES];
    unsigned              nwatches;
    struct rnr_nsp_timer *timer;   /* pending debounced reload */

    uint64_t lookups;
    uint64_t reloads;
    uint64_t reload_failures;
};

/* hosts.c: loads the files at the current paths and swaps the result in
 * when it loaded.  `why` goes to the log. */
int  hosts_reload_files(struct hosts_state *st, const char *why);

/* hosts_watch.c */
void hosts_watch_start(struct hosts_state *st);  /* (re)watches the paths */
void hosts_watch_stop(struct hosts_state *st);

/* hosts_lookup.c: answers qs completely (emit, then finish). */
int  hosts_lookup_begin(void *state, struct rnr_nsp_lookup *lk,
                        const WSAQUERYSETA *qs, DWORD flags);

/* The entry point's body, callable from tests that link the sources. */
const struct rnr_nsp_ops *rnr_hosts_entry(unsigned abi_version);

#endif
