/* SPDX-License-Identifier: MIT */
/*
 * The sap provider (NS_SAP): services advertised and discovered on the
 * local links over UDP (doc/sap-protocol.md).  The state shared by its
 * files:
 *   sap.c        ops table, lifecycle, stats, service-class SAP ids
 *   sap_conf.c   [provider sap] keys and the key file
 *   sap_net.c    sockets, interfaces, sending and receiving datagrams
 *   sap_rx.c     what a received packet does: checks, table, answers
 *   sap_reg.c    registrations, advertising, withdrawals
 *   sap_files.c  services described in files (services-dir)
 *   sap_query.c  lookups: from the table, or a query and a reply window
 *   sap_auth.c   HMAC-SHA-256 tags
 *   sap_packet.c the codec; sap_table.c the remote service table
 */
#ifndef RNR_SAP_H
#define RNR_SAP_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdint.h>
#include <sys/socket.h>

#include <rnr/nsp.h>

#include "bucket.h"
#include "sap_packet.h"
#include "sap_table.h"

#define SAP_DEFAULT_PORT        7571u
#define SAP_DEFAULT_GROUP4      "239.255.82.83"
#define SAP_DEFAULT_GROUP6      "ff02::7571"
#define SAP_DEFAULT_INTERVAL_S  60u
#define SAP_DEFAULT_WINDOW_MS   500u
#define SAP_DEFAULT_MAX_ENTRIES 4096u
#define SAP_DEFAULT_PER_SENDER  256u
/* How far a packet's timestamp may be from the receiver's clock. */
#define SAP_DEFAULT_SKEW_S      30u
/* Per uid, root and admin-group exempt (doc/sap-protocol.md "Trust"). */
#define SAP_DEFAULT_QUOTA_ENTRIES 64u
#define SAP_DEFAULT_QUOTA_BYTES   65536u
#define SAP_TTL_INTERVALS       3u
#define SAP_MAX_IFACES          32u
#define SAP_KEY_MIN             16u
#define SAP_KEY_MAX             1024u
#define SAP_MAX_REGS            1024u
#define SAP_MAX_FILE_SERVICES   256u
/* Responses sent and queries sent: token buckets of this many per
 * second, the same burst. */
#define SAP_RESPONSE_RATE       50u
#define SAP_QUERY_RATE          20u
/* Received datagrams handled per wake-up before the loop gets a turn. */
#define SAP_RX_BATCH            64u
/* Drop counters are logged at most this often, when they moved. */
#define SAP_DROP_LOG_MS         1000u

/* RNR_SERVICE_PERSISTENT lives in <rnr/winsock2.h>; older headers. */
#ifndef RNR_SERVICE_PERSISTENT
#define RNR_SERVICE_PERSISTENT  0x00010000
#endif

enum { SAP_V4_OFF, SAP_V4_BROADCAST, SAP_V4_MULTICAST };

struct sap_conf {
    uint16_t        port;
    char            ifnames[SAP_MAX_IFACES][IF_NAMESIZE];
    unsigned        nifnames;           /* 0: every suitable interface */
    int             ipv4;               /* SAP_V4_* */
    int             ipv6;               /* 1: multicast, 0: off */
    struct in_addr  group4;
    struct in6_addr group6;
    unsigned        interval_s;
    unsigned        reply_window_ms;
    size_t          max_entries;
    size_t          max_per_sender;
    unsigned        max_skew_s;         /* freshness window, either way */
    int             trust_all;          /* trust = all */
    size_t          quota_entries;      /* per non-admin uid */
    size_t          quota_bytes;
    uint8_t         key[SAP_KEY_MAX];
    size_t          keylen;             /* 0: no authentication */
    char           *services_dir;       /* NULL: none */
};

struct sap_iface {
    char           name[IF_NAMESIZE];
    unsigned       index;
    int            v4;                  /* has an IPv4 address to send from */
    struct in_addr bcast4;
    int            v6;
};

struct sap_reg {
    struct sap_reg  *next;
    uid_t            uid;
    int              admin;             /* the owner was an admin when it wrote it */
    uint64_t         client_id;         /* 0 for the daemon (files) */
    int              persistent;
    int              from_file;
    struct sap_entry e;
};

struct sap_hit {
    struct sap_entry *e;
    uint64_t sender;
    uint8_t  hops;
    uint32_t rtt_ms;
    uint64_t heard_ms;
};

struct sap_pending {
    struct sap_pending    *next;
    struct sap_state      *st;
    struct rnr_nsp_lookup *lk;
    struct rnr_nsp_timer  *timer;
    GUID      cls;
    char      pattern[SAP_MAX_NAME + 1];   /* "" matches any name */
    DWORD     flags;
    uint64_t  start_ms;
    uint32_t  query_seq;
    struct sap_hit *hits;                  /* seen (and, NEAREST, held) */
    size_t    nhits, cap;
    size_t    emitted;
    int       nearest;
    int       guarded;       /* untrusted entries for their owner only */
    uid_t     uid;           /* the caller */
};

/* A sap_entry as a query set, with the storage it points into
 * (sap_entry_view). */
struct sap_view {
    WSAQUERYSETA            r;
    GUID                    cls;
    WSAVERSION              ver;
    CSADDR_INFO             csa[SAP_MAX_ADDRS];
    struct sockaddr_storage rem[SAP_MAX_ADDRS], loc[SAP_MAX_ADDRS];
};

struct sap_classid {
    GUID     cls;
    uint16_t sap_id;
};

struct sap_stats {
    uint64_t rx_packets, tx_packets, tx_errors;
    uint64_t drop_malformed, drop_own, drop_auth, drop_offlink, drop_stale;
    uint64_t drop_version, drop_late, drop_duplicate;
    uint64_t table_full, expired, withdrawn;
    uint64_t queries_sent, queries_answered, responses_limited, queries_limited;
    uint64_t lookups;
    uint64_t withheld, refused_quota, refused_key;
};

struct sap_state {
    const struct rnr_nsp_host *host;
    struct rnr_nsp_provider   *p;
    struct sap_conf   conf;
    int               fd4, fd6;
    struct sap_iface  ifaces[SAP_MAX_IFACES];
    unsigned          nifaces;
    uint64_t          sender_id;
    uint32_t          seq;
    uint64_t          start_ms;               /* monotonic, at startup */
    struct sap_table *table;
    struct sap_reg   *regs;
    size_t            nregs;
    struct sap_pending *pending;
    struct rnr_nsp_timer *adv_timer, *sweep_timer;
    struct sap_classid *classes;
    size_t            nclasses;
    struct rnr_bucket responses, queries;
    struct { uint64_t sender; uint32_t seq; } answered[16];
    unsigned          answered_next;
    struct sap_stats  stats;
    uint64_t          drops_logged, drops_log_ms;
    uint64_t          last_query_ms;          /* 0: never queried */
    uint64_t          rng;
    struct sap_writer txw;
    uint8_t           rxbuf[SAP_MAX_PACKET + 1];
};

/* What came with a datagram. */
struct sap_rxmeta {
    struct sockaddr_storage src;
    socklen_t src_len;
    unsigned  ifindex;
    int       ttl;                        /* IP TTL / hop limit, -1 unknown */
};

/* sap.c */
uint16_t sap_class_sap_id(const struct sap_state *st, const GUID *cls);
uint64_t sap_now(const struct sap_state *st);
/* Wall-clock milliseconds since the Unix epoch (packet timestamps). */
uint64_t sap_wall_ms(void);
uint64_t sap_random(struct sap_state *st);

/* sap_conf.c: the section into *c (defaults filled); WSAEINVAL with a
 * logged reason. */
int  sap_conf_read(struct sap_state *st, struct sap_conf *c);
/* The keys of [provider sap] and their deeper check (rnr_nsp_ops). */
extern const struct rnr_nsp_key sap_config_keys[];
void sap_check_config(const struct rnr_nsp_check *chk);
void sap_conf_clear(struct sap_conf *c);

/* sap_net.c */
int  sap_net_open(struct sap_state *st);
void sap_net_close(struct sap_state *st);
/* To every chosen interface, each family enabled. */
void sap_net_send_all(struct sap_state *st, const uint8_t *buf, size_t len);
void sap_net_send_to(struct sap_state *st, const struct sockaddr_storage *dst,
                     socklen_t dlen, const uint8_t *buf, size_t len);
int  sap_net_iface_chosen(const struct sap_state *st, unsigned ifindex);

/* sap_rx.c */
void sap_rx_packet(struct sap_state *st, const uint8_t *buf, size_t len,
                   const struct sap_rxmeta *m);
void sap_rx_log_drops(struct sap_state *st);

/* sap_auth.c: tags the packet in place (last SAP_TAG_LEN bytes). */
void sap_auth_sign(const struct sap_conf *c, uint8_t *buf, size_t len);
int  sap_auth_verify(const struct sap_conf *c, const uint8_t *buf, size_t signed_len,
                     const uint8_t *tag);

/* sap_reg.c */
/* Served to every caller's host, address and service lookups: root's,
 * an admin's and the daemon's own (services-dir). */
int  sap_reg_trusted(const struct sap_reg *r);
int  sap_reg_set_service(void *state, const struct rnr_nsp_caller *caller,
                         const WSAQUERYSETA *qs, WSAESETSERVICEOP op, DWORD flags);
void sap_reg_client_closed(void *state, uint64_t client_id);
int  sap_reg_add(struct sap_state *st, const struct sap_reg *tmpl, DWORD flags);
void sap_reg_start_timer(struct sap_state *st);
/* Withdraws and frees every registration matching from_file (-1: all). */
void sap_reg_drop_all(struct sap_state *st, int from_file, int withdraw);
/* Sends a packet of `type` with entries e[0..n) split as needed. */
void sap_send_entries(struct sap_state *st, uint8_t type, const struct sap_entry *const *e,
                      size_t n);
uint32_t sap_next_seq(struct sap_state *st);
/* Finishes w (sequence, timestamp, padding to pad_to) and tags it;
 * the datagram's length. */
size_t   sap_seal(struct sap_state *st, struct sap_writer *w, size_t pad_to);
/* Fills e from a query set (class, name, version, comment, addresses). */
int  sap_entry_from_qs(struct sap_state *st, const WSAQUERYSETA *qs, struct sap_entry *e);

/* sap_query.c */
/* The host, address and service classes: what `trust = admin` guards. */
int  sap_resolution_class(const GUID *g);
/* e as a lookup result (v->r), valid while e and v are. */
void sap_entry_view(const struct sap_entry *e, struct sap_view *v);
void sap_tentry_to_entry(const struct sap_tentry *t, struct sap_entry *e);

/* sap_notify.c: tell rnrd's subscribers (nsp.h, host->changed).  A
 * local registration added or changed, or about to go; an entry heard
 * from the link, and what the table held before (NULL: new), or one
 * about to be withdrawn or to expire. */
void sap_notify_reg(struct sap_state *st, const struct sap_reg *r, int kind);
void sap_notify_heard(struct sap_state *st, const struct sap_entry *old,
                      const struct sap_entry *e);
void sap_notify_gone(struct sap_state *st, const struct sap_tentry *t);

/* sap_files.c: (re)loads services-dir. */
void sap_files_load(struct sap_state *st);
int  sap_parse_service_file(const char *text, struct sap_entry *e, char *err, size_t errlen);

/* sap_query.c */
int  sap_query_begin(void *state, struct rnr_nsp_lookup *lk, const WSAQUERYSETA *qs,
                     DWORD flags);
void sap_query_cancel(void *state, struct rnr_nsp_lookup *lk);
/* A service heard (advertisement or response) while lookups wait. */
void sap_query_heard(struct sap_state *st, uint64_t sender, const struct sap_entry *e,
                     uint8_t hops, uint64_t now);
void sap_query_cancel_all(struct sap_state *st);
int  sap_name_matches(const char *pattern, const char *name);

const struct rnr_nsp_ops *rnr_sap_entry(unsigned abi_version);

#endif
