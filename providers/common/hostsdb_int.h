/* SPDX-License-Identifier: MIT */
/*
 * hostsdb internals shared by its loader (hostsdb.c) and its query side
 * (hostsdb_query.c).  Not for the provider.
 */
#ifndef RNR_HOSTSDB_INT_H
#define RNR_HOSTSDB_INT_H

#include "hostsdb.h"
#include "hdb_index.h"

/* One hosts line: 24 bytes.  Its names are hnames[first .. first+nnames). */
struct hdb_host {
    uint8_t  addr[16];
    uint32_t first;
    uint16_t nnames;
    uint8_t  af;        /* AF_INET (2) or AF_INET6 (10) */
    uint8_t  pad;
};

/* One services line.  Its names (name, then aliases) are
 * snames[first .. first+nnames). */
struct hdb_serv {
    uint32_t first;
    uint32_t proto;     /* arena offset */
    uint16_t port;      /* host order */
    uint16_t nnames;
};

struct hostsdb {
    char            *arena;        /* every string, NUL-terminated */
    size_t           arena_len, arena_cap;

    struct hdb_host *hosts;
    uint32_t         nhosts, hosts_cap;
    uint32_t        *hnames;       /* arena offsets, per line contiguous */
    uint32_t         nhnames, hnames_cap;

    struct hdb_serv *servs;
    uint32_t         nservs, servs_cap;
    uint32_t        *snames;
    uint32_t         nsnames, snames_cap;

    struct hdb_index host_by_name;  /* nodes: hnames */
    struct hdb_index host_by_addr;  /* nodes: hosts */
    struct hdb_index serv_by_name;  /* nodes: snames */
    struct hdb_index serv_by_port;  /* nodes: servs */
};

/* Builds the four indexes over the loaded arrays. */
int hostsdb_build_indexes(struct hostsdb *db);

#endif
