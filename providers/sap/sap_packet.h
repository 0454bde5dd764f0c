/* SPDX-License-Identifier: MIT */
/*
 * The SAP packet codec (doc/sap-protocol.md): pure functions over byte
 * buffers, shared by the provider, its unit tests and the fuzz target.
 * Nothing here touches sockets, time or the daemon.
 */
#ifndef RNR_SAP_PACKET_H
#define RNR_SAP_PACKET_H

#include <stddef.h>
#include <stdint.h>

#include <rnr/winsock2.h>

#define SAP_MAGIC          "RnRS"
#define SAP_VERSION        0x20u   /* 2.0: major in the high nibble */
#define SAP_HEADER_LEN     36u
#define SAP_ENTRY_MIN      28u
#define SAP_MAX_PACKET     1400u
#define SAP_TAG_LEN        32u
#define SAP_MAX_NAME       255u
#define SAP_MAX_COMMENT    255u
#define SAP_MAX_ADDRS      16u
#define SAP_MAX_TTL_MS     86400000u

enum sap_type {
    SAP_ADVERTISE = 1,
    SAP_WITHDRAW  = 2,
    SAP_QUERY     = 3,
    SAP_RESPONSE  = 4
};

#define SAP_F_AUTH      0x01u
#define SAP_F_TRUNCATED 0x02u

#define SAP_EF_VERSION  0x01u

/* One transport address of an entry.  scope is not on the wire: the
 * receiver sets it for IPv6 link-local addresses. */
struct sap_addr {
    uint8_t  family;      /* 4 or 6 */
    uint8_t  socktype;
    uint8_t  protocol;
    uint16_t port;        /* host order */
    uint8_t  addr[16];
    uint32_t scope;
};

struct sap_entry {
    GUID     cls;
    uint16_t sap_id;
    uint8_t  has_version;
    uint32_t version;
    char     name[SAP_MAX_NAME + 1];
    char     comment[SAP_MAX_COMMENT + 1];
    uint8_t  naddrs;
    struct sap_addr addrs[SAP_MAX_ADDRS];
};

struct sap_header {
    uint8_t  version;
    uint8_t  type;
    uint8_t  flags;
    uint8_t  hops;
    uint64_t sender;
    uint32_t seq;
    uint32_t ttl_ms;
    uint64_t stamp_ms;     /* sender's wall clock, ms since the Unix epoch */
    uint16_t count;
    uint16_t body_len;
    size_t   signed_len;   /* bytes covered by the tag (AUTH), else 0 */
    const uint8_t *tag;    /* the tag (AUTH), else NULL */
};

/* Checks the header and that every entry decodes; 0 or -1 (malformed).
 * On success *h describes the packet and sap_entries_* walk it. */
int  sap_packet_parse(const uint8_t *buf, size_t len, struct sap_header *h);
/* 1 when buf starts like a packet of another major version of this
 * protocol (a peer to upgrade, not garbage). */
int  sap_packet_other_version(const uint8_t *buf, size_t len);

/* The freshness rule of doc/sap-protocol.md "Replay": a packet stamped
 * stamp_ms is accepted at wall-clock time now_ms when it is within
 * window_ms of it either way and not stamped before since_ms (when the
 * receiver started, on the same clock).  0 or -1. */
int  sap_packet_fresh(uint64_t stamp_ms, uint64_t now_ms, uint64_t since_ms,
                      uint32_t window_ms);

struct sap_cursor {
    const uint8_t *p;
    size_t         left;
    unsigned       remaining;
    uint8_t        type;
};
void sap_cursor_init(struct sap_cursor *c, const uint8_t *buf, const struct sap_header *h);
/* 1 with *e filled, 0 at the end, -1 when malformed (never after a
 * successful sap_packet_parse). */
int  sap_cursor_next(struct sap_cursor *c, struct sap_entry *e);

/* Building a packet. */
struct sap_writer {
    uint8_t  buf[SAP_MAX_PACKET];
    size_t   len;
    size_t   limit;      /* total bytes allowed, tag included */
    uint16_t count;
    int      tagged;
};
/* limit: at most this many bytes in all (capped at SAP_MAX_PACKET). */
void   sap_writer_begin(struct sap_writer *w, uint8_t type, uint8_t flags, uint64_t sender,
                        uint32_t ttl_ms, int tagged, size_t limit);
/* Appends an entry (QUERY/WITHDRAW: class, SAP id and name only).
 * 0, or -1 when it does not fit (the packet is unchanged). */
int    sap_writer_add(struct sap_writer *w, const struct sap_entry *e);
/* Sets the sequence, the timestamp, the counts, zero padding up to
 * pad_to bytes (tag included) and reserves the tag, which the caller then
 * writes over the last SAP_TAG_LEN bytes.  Returns the datagram length. */
size_t sap_writer_finish(struct sap_writer *w, uint32_t seq, uint64_t stamp_ms, size_t pad_to);
void   sap_writer_set_flag(struct sap_writer *w, uint8_t flag);

/* Encoded size of an entry of this type. */
size_t sap_entry_size(uint8_t type, const struct sap_entry *e);

/* GUID in wire order (Data1, Data2, Data3 big-endian, Data4). */
void sap_guid_put(uint8_t out[16], const GUID *g);
void sap_guid_get(const uint8_t in[16], GUID *g);

#endif
