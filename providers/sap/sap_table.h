/* SPDX-License-Identifier: MIT */
/*
 * The table of services other hosts advertise: keyed by (sender, class,
 * instance name), bounded in total and per sender, each entry expiring at
 * its own time.  Pure data structure (no sockets, no clock of its own).
 */
#ifndef RNR_SAP_TABLE_H
#define RNR_SAP_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "sap_packet.h"

#define SAP_RTT_NONE UINT32_MAX

struct sap_table;

struct sap_tentry {
    struct sap_tentry *next, *prev;   /* list in insertion order */
    struct sap_tentry *hnext;         /* hash chain */
    struct sap_sender *sender;
    uint64_t  sender_id;
    GUID      cls;
    uint16_t  sap_id;
    uint8_t   has_version;
    uint8_t   hops;
    uint32_t  version;
    uint32_t  rtt_ms;                 /* query to response, or SAP_RTT_NONE */
    uint64_t  heard_ms;
    uint64_t  expires_ms;
    char     *name;
    char     *comment;                /* NULL when empty */
    uint8_t   naddrs;
    struct sap_addr *addrs;
};

enum sap_table_result {
    SAP_T_ADDED,
    SAP_T_UPDATED,
    SAP_T_FULL,         /* total bound reached: dropped */
    SAP_T_SENDER_FULL,  /* that sender's bound reached: dropped */
    SAP_T_NOMEM
};

/* NULL on allocation failure. */
struct sap_table *sap_table_new(size_t max_entries, size_t max_per_sender);
void   sap_table_free(struct sap_table *t);   /* accepts NULL */
void   sap_table_set_limits(struct sap_table *t, size_t max_entries, size_t max_per_sender);

enum sap_seq_result {
    SAP_SEQ_OK,         /* above every sequence seen from the sender: recorded */
    SAP_SEQ_DUPLICATE,  /* the last one again (the other family, a replay) */
    SAP_SEQ_STALE,      /* below it: a replay or a reordered old packet */
    SAP_SEQ_FULL        /* a new sender, and no room to remember it */
};

/* The replay check of doc/sap-protocol.md "Replay": a sender's sequence
 * must strictly increase.  The first packet of a sender unknown so far
 * is accepted and its sequence recorded (a sender record, bounded like
 * the entries). */
int    sap_table_check_seq(struct sap_table *t, uint64_t sender, uint32_t seq, uint64_t now_ms);
/* How long a sender without entries is remembered after it was last
 * heard from (or lost its last entry): past that, no packet it sent can
 * pass the freshness check, and its record may go. */
void   sap_table_set_sender_keep(struct sap_table *t, uint64_t keep_ms);

int    sap_table_update(struct sap_table *t, uint64_t sender, const struct sap_entry *e,
                        uint8_t hops, uint32_t ttl_ms, uint32_t rtt_ms, uint64_t now_ms,
                        const struct sap_tentry **out);
/* 1 when removed, 0 when absent. */
int    sap_table_remove(struct sap_table *t, uint64_t sender, const GUID *cls, const char *name);
/* Drops what expired at now_ms; returns how many. */
size_t sap_table_expire(struct sap_table *t, uint64_t now_ms);
/* The same, calling gone(arg, e) for each entry just before it goes. */
size_t sap_table_expire_each(struct sap_table *t, uint64_t now_ms,
                             void (*gone)(void *arg, const struct sap_tentry *e), void *arg);
/* The entry for (sender, class, name), or NULL; valid until the next
 * change to the table. */
const struct sap_tentry *sap_table_find(struct sap_table *t, uint64_t sender, const GUID *cls,
                                        const char *name);

/* Forgets the senders without entries not heard from for the keep time
 * (sap_table_set_sender_keep); returns how many. */
size_t sap_table_forget_senders(struct sap_table *t, uint64_t now_ms);
size_t sap_table_count(const struct sap_table *t);
size_t sap_table_senders(const struct sap_table *t);
size_t sap_table_sender_count(const struct sap_table *t, uint64_t sender);
size_t sap_table_memory(const struct sap_table *t);
const struct sap_tentry *sap_table_first(const struct sap_table *t);
/* 1 when some entry has this class. */
int    sap_table_has_class(const struct sap_table *t, const GUID *cls);

#endif
