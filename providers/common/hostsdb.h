/* SPDX-License-Identifier: MIT */
/*
 * hostsdb: an immutable, compact in-memory index of a hosts file and a
 * services file.
 *
 * Memory is the design constraint (100,000 hosts lines must cost well
 * under 256 bytes each): every string lives in one arena, records are
 * small fixed-size structs in flat arrays, and the indexes are open
 * addressing tables of 32-bit ids with per-key chains, so a name shared
 * by many lines ("localhost") is one key, not a probe cluster.
 *
 * A database is built once by hostsdb_load() and never changes; a reload
 * builds a new one and the caller swaps pointers.  Names compare ASCII
 * case-insensitively.  Iteration over the lines of one name or address
 * is in file order.
 */
#ifndef RNR_HOSTSDB_H
#define RNR_HOSTSDB_H

#include <stddef.h>
#include <stdint.h>

#include <rnr/nsp.h>

/* Parser bounds: longer lines and fields are skipped with a log line. */
#define HOSTSDB_MAX_LINE     4096u
#define HOSTSDB_MAX_NAME     255u
#define HOSTSDB_MAX_PROTO    31u
#define HOSTSDB_MAX_RECORDS  (1u << 24)  /* per file */
/* At most this many problems per file are logged, then a summary. */
#define HOSTSDB_MAX_COMPLAINTS 20u

struct hostsdb;

/* Load flags. */
#define HOSTSDB_MISSING_OK 0x1u   /* a missing file loads as empty */

/* Parses both files (either path may be NULL: that part stays empty) and
 * indexes them.  Problems in lines are logged through log (may be NULL), at
 * RNR_NSP_LOG_WARNING, with logp
 * and the lines skipped.  Returns 0 with *out set; WSANO_RECOVERY when a
 * file cannot be read (missing without HOSTSDB_MISSING_OK, unreadable,
 * I/O error, too large); WSAENOBUFS on ENOMEM. */
int  hostsdb_load(const char *hosts_path, const char *services_path,
                  unsigned flags, rnr_nsp_log_fn log, struct rnr_nsp_provider *logp,
                  struct hostsdb **out);
void hostsdb_free(struct hostsdb *db);

/* ---- hosts ---- */

/* One hosts line. */
struct hostsdb_host {
    int            af;        /* AF_INET or AF_INET6 */
    const uint8_t *addr;      /* 4 or 16 bytes */
    unsigned       nnames;    /* >= 1: the canonical name, then aliases */
};

size_t      hostsdb_host_count(const struct hostsdb *db);
void        hostsdb_host_get(const struct hostsdb *db, uint32_t id,
                             struct hostsdb_host *out);
const char *hostsdb_host_name(const struct hostsdb *db, uint32_t id,
                              unsigned i);

/* Iteration over the lines carrying one name or one address. */
struct hostsdb_iter {
    uint32_t node;
    uint32_t last;
    int      kind;
};

/* Start iterating over the lines that carry `name` (as canonical name or
 * alias) / own address (af, addr).  Returns 1 when there is at least one,
 * else 0. */
int hostsdb_find_name(const struct hostsdb *db, const char *name,
                      struct hostsdb_iter *it);
int hostsdb_find_addr(const struct hostsdb *db, int af, const void *addr,
                      struct hostsdb_iter *it);
/* The next line id in file order (each line once); 0 at the end. */
int hostsdb_next(const struct hostsdb *db, struct hostsdb_iter *it,
                 uint32_t *id);

/* ---- services ---- */

struct hostsdb_serv {
    const char *name;
    const char *proto;
    uint16_t    port;         /* host byte order */
    unsigned    naliases;
};

/* The first service in file order named `name` (or aliased so; case-
 * insensitive) with protocol `proto` (NULL: any).  1 found / 0. */
int hostsdb_serv_by_name(const struct hostsdb *db, const char *name,
                         const char *proto, uint32_t *id);
/* The first service in file order on `port` with `proto` (NULL: any). */
int hostsdb_serv_by_port(const struct hostsdb *db, unsigned port,
                         const char *proto, uint32_t *id);
void        hostsdb_serv_get(const struct hostsdb *db, uint32_t id,
                             struct hostsdb_serv *out);
const char *hostsdb_serv_alias(const struct hostsdb *db, uint32_t id,
                               unsigned i);
size_t      hostsdb_serv_count(const struct hostsdb *db);

/* Resolves a service text as used in query strings and SERVICEBYNAME
 * instance names: "ftp", "ftp/tcp", "21", "21/udp".  Numbers need not be
 * in the services file when a protocol is given or defaultable (port is
 * then the number, *id UINT32_MAX).  Returns 1 with *id / *port /
 * *proto_out (static "tcp"/"udp" or the entry's protocol) set, or 0. */
int hostsdb_serv_resolve(const struct hostsdb *db, const char *text,
                         uint32_t *id, unsigned *port, const char **proto_out);

/* Heap bytes held by the database (for tests and stats). */
size_t hostsdb_memory(const struct hostsdb *db);

#endif
