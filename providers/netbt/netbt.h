/* SPDX-License-Identifier: MIT */
/*
 * The netbt provider (NS_NETBT): NetBIOS names over TCP/IP, the name
 * service of RFC 1001/1002 on UDP port 137 (doc/netbt.md).  The state
 * shared by its files:
 *   netbt.c        ops table, lifecycle, reload, stats, control
 *   netbt_conf.c   [provider netbt] keys
 *   netbt_net.c    interfaces, sockets (opened before the privilege
 *                  drop), sending, receiving, rate limits
 *   netbt_txn.c    requests in flight: retransmission, node-type order
 *   netbt_cache.c  answers heard, for their TTL; negative ones briefly
 *   netbt_lookup.c lookups: names, suffixes, node status for addresses
 *   netbt_reg.c    registrations: claim, defend, refresh, release
 *   netbt_serve.c  answers to other nodes' queries and status requests
 *   nbns_packet.c  the codec
 */
#ifndef RNR_NETBT_H
#define RNR_NETBT_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdint.h>
#include <sys/socket.h>

#include <rnr/nsp.h>

#include "bucket.h"
#include "nbns_packet.h"

#define NETBT_MAX_IFACES        16u
#define NETBT_DEFAULT_TIMEOUT   750u     /* ms per attempt */
#define NETBT_DEFAULT_RETRIES   3u
#define NETBT_DEFAULT_TTL       300000u  /* s, as Windows and Samba register */
#define NETBT_DEFAULT_MAX_NAMES 64u
#define NETBT_DEFAULT_QUOTA     8u       /* names per non-admin uid */
#define NETBT_DEFAULT_CACHE     1024u
#define NETBT_DEFAULT_RATE      100u     /* replies per second, overall */
#define NETBT_DEFAULT_SRC_RATE  10u      /* replies per second, per source */
#define NETBT_NEG_TTL_MS        5000u    /* negative answers cached */
#define NETBT_MAX_CACHE_TTL_S   3600u    /* positive answers at most */
#define NETBT_MAX_TXNS          256u     /* requests in flight */
#define NETBT_MAX_LOOKUPS       256u
#define NETBT_RATE_SOURCES      64u      /* per-source buckets kept */
/* RFC 1002 section 6: a broadcast registration is sent three times,
 * 250 ms apart, and the name is ours when no one objects. */
#define NETBT_BCAST_REG_COUNT   3u
#define NETBT_BCAST_REG_MS      250u
#define NETBT_RX_BATCH          64u

/* RNR_SERVICE_PERSISTENT lives in <rnr/winsock2.h>; older headers. */
#ifndef RNR_SERVICE_PERSISTENT
#define RNR_SERVICE_PERSISTENT  0x00010000
#endif

enum { NETBT_NODE_B, NETBT_NODE_P, NETBT_NODE_M, NETBT_NODE_H };

struct netbt_conf {
    char           ifnames[NETBT_MAX_IFACES][IF_NAMESIZE];
    unsigned       nifnames;
    int            have_wins;
    struct sockaddr_in wins;
    char           scope[NBNS_MAX_SCOPE + 1];
    int            node_type;
    unsigned       timeout_ms;
    unsigned       retries;
    uint32_t       name_ttl;
    int            answer_host_name;
    unsigned       max_names;
    unsigned       quota;
    unsigned       cache_size;
    unsigned       reply_rate, source_rate;
};

struct netbt_iface {
    struct netbt_state *st;
    int            is_wins;             /* the WINS socket's pseudo-interface */
    char           name[IF_NAMESIZE];
    unsigned       index;
    int            fd;                  /* bound to the device, 0.0.0.0:137 */
    int            have_addr;
    struct in_addr addr, mask, bcast;
};

struct netbt_bucket {
    struct rnr_bucket b;
    uint32_t src;                       /* per-source buckets: the address */
};

struct netbt_stats {
    uint64_t rx_packets, tx_packets, tx_errors;
    uint64_t malformed, rate_limited, offlink, own, unknown_ops;
    uint64_t queries_sent, queries_answered, status_answered;
    uint64_t lookups, cache_hits, negative_hits;
    uint64_t registered, conflicts, defended, refreshed, released;
    uint64_t refused_quota, table_full;
};

struct netbt_txn;
struct netbt_reg;
struct netbt_lookup;
struct netbt_cache;

struct netbt_state {
    const struct rnr_nsp_host *host;
    struct rnr_nsp_provider   *p;
    struct netbt_conf   conf;
    struct netbt_iface  ifaces[NETBT_MAX_IFACES];
    unsigned            nifaces;
    struct netbt_iface  wins;           /* unicast to the WINS server */
    struct netbt_txn   *txns;
    size_t              ntxns;
    uint16_t            next_id;
    struct netbt_reg   *regs;
    size_t              nregs;
    struct netbt_lookup *lookups;
    size_t              nlookups;
    struct netbt_cache *cache;
    struct rnr_bucket   replies;
    struct netbt_bucket sources[NETBT_RATE_SOURCES];
    struct netbt_stats  stats;
    char                hostname[NBNS_NAME_LEN];
    uint8_t             rxbuf[NBNS_MAX_PACKET + 1];
};

/* Where a packet came from. */
struct netbt_rx {
    struct sockaddr_in src;
    struct netbt_iface *iface;          /* NULL: the WINS socket */
};

/* netbt_conf.c */
extern const struct rnr_nsp_key netbt_keys[];
void netbt_check_config(const struct rnr_nsp_check *chk);
/* The section into *c; 0 or WSAEINVAL (logged). */
int  netbt_conf_read(const struct rnr_nsp_host *host, struct rnr_nsp_provider *p,
                     struct netbt_conf *c);
/* interfaces = "eth0, eth1" into names; 0 or -1. */
int  netbt_conf_ifnames(const char *v, char names[][IF_NAMESIZE], unsigned *n);

/* netbt_net.c */
int  netbt_net_privileged_open(const struct rnr_nsp_check *conf, int *fds, size_t *nfds);
int  netbt_net_start(struct netbt_state *st);
void netbt_net_stop(struct netbt_state *st);
void netbt_net_refresh_addrs(struct netbt_state *st);
/* One datagram; counted.  iface NULL: through the WINS socket. */
void netbt_net_send(struct netbt_state *st, struct netbt_iface *iface,
                    const struct sockaddr_in *to, const struct nbns_msg *m);
/* A broadcast on every configured interface. */
void netbt_net_broadcast(struct netbt_state *st, const struct nbns_msg *m);
/* 0 and a token taken, or -1: over the overall or the source's rate. */
int  netbt_net_may_reply(struct netbt_state *st, uint32_t src);
/* Our own address on the interface a packet came in on (or the first
 * one with an address): 0 when there is none. */
uint32_t netbt_net_local_addr(const struct netbt_state *st, const struct netbt_iface *f);
int  netbt_net_is_own(const struct netbt_state *st, uint32_t addr);
/* The interface whose subnet holds addr, else the first with a socket,
 * else NULL (the WINS socket). */
struct netbt_iface *netbt_net_route(struct netbt_state *st, uint32_t addr);

/* netbt_txn.c: one request, retransmitted, over broadcast and/or WINS
 * as the node type orders them.  done() runs once: 0 with the answer
 * (positive), WSAHOST_NOT_FOUND (negative, or nobody answered) or the
 * registration's verdict; the transaction is freed after it returns. */
enum { NETBT_TX_QUERY, NETBT_TX_STATUS, NETBT_TX_REGISTER, NETBT_TX_REFRESH,
       NETBT_TX_RELEASE };
struct netbt_txn {
    struct netbt_txn    *next;
    struct netbt_state  *st;
    int                  kind;
    uint16_t             id;
    struct nbns_name     name;
    uint16_t             nb_flags;      /* registration: G and ONT */
    struct sockaddr_in   unicast;       /* STATUS: the node asked */
    int                  phases[2];     /* 'b' or 'w', 0 ends */
    unsigned             phase, tries;
    struct rnr_nsp_timer *timer;
    struct nbns_msg     *answer;        /* the positive answer, once heard */
    int                  verdict;       /* registration: 0 or an error */
    int                  collect;       /* broadcast query: wait out the window */
    void (*done)(struct netbt_txn *t, int status);
    void                *owner;
};
/* nb_flags: a registration's, refresh's or release's G and ONT bits. */
struct netbt_txn *netbt_txn_start(struct netbt_state *st, int kind, const struct nbns_name *n,
                                  uint16_t nb_flags, const struct sockaddr_in *unicast,
                                  void (*done)(struct netbt_txn *, int), void *owner);
void netbt_txn_cancel(struct netbt_state *st, struct netbt_txn *t);
void netbt_txn_cancel_owner(struct netbt_state *st, void *owner);
/* A response: 1 when it belonged to a transaction. */
int  netbt_txn_response(struct netbt_state *st, const struct nbns_msg *m,
                        const struct netbt_rx *rx);
void netbt_txn_free_all(struct netbt_state *st);

/* netbt_cache.c */
struct netbt_cache *netbt_cache_new(size_t max);
void netbt_cache_free(struct netbt_cache *c);
/* ttl_ms 0 with naddrs 0: a negative answer (NETBT_NEG_TTL_MS). */
void netbt_cache_put(struct netbt_cache *c, const struct nbns_name *n,
                     const struct nbns_addr *a, size_t naddrs, uint64_t ttl_ms, uint64_t now);
/* 1 (found: *naddrs 0 for a negative answer, *expires set), 0 absent. */
int  netbt_cache_get(struct netbt_cache *c, const struct nbns_name *n, uint64_t now,
                     struct nbns_addr *a, size_t *naddrs, uint64_t *expires);
void netbt_cache_flush(struct netbt_cache *c);
size_t netbt_cache_count(const struct netbt_cache *c);

/* netbt_lookup.c */
int  netbt_lookup_begin(void *state, struct rnr_nsp_lookup *lk, const WSAQUERYSETA *qs,
                        DWORD flags);
void netbt_lookup_cancel(void *state, struct rnr_nsp_lookup *lk);
void netbt_lookup_free_all(struct netbt_state *st);

/* netbt_reg.c */
struct netbt_claim;
struct netbt_reg {
    struct netbt_reg *next;
    struct netbt_state *st;
    struct nbns_name  name;
    int               group;
    uid_t             uid;
    int               admin;            /* the owner was an admin when it wrote it */
    uint64_t          client_id;        /* 0: the daemon (the host name) */
    int               persistent;
    int               state;            /* NETBT_REG_* */
    int               orphaned;         /* its client left while claiming */
    struct netbt_txn *txn;
    struct rnr_nsp_timer *refresh;
    struct netbt_claim *claim;          /* the set_service it is part of */
};
enum { NETBT_REG_CLAIMING, NETBT_REG_ACTIVE };
int  netbt_set_service(void *state, const struct rnr_nsp_caller *caller, const WSAQUERYSETA *qs,
                       WSAESETSERVICEOP op, DWORD flags);
void netbt_client_closed(void *state, uint64_t client_id);
/* Every name released (rnrd stops) and freed. */
void netbt_reg_release_all(struct netbt_state *st);
const struct netbt_reg *netbt_reg_find(const struct netbt_state *st, const struct nbns_name *n);
/* Another node's registration request on the link: defended when it
 * would take a name this host holds. */
void netbt_reg_heard(struct netbt_state *st, const struct nbns_msg *m, const struct netbt_rx *rx);
/* answer-host-name: claim the host name's <00> and <20>. */
void netbt_reg_host_name(struct netbt_state *st);

/* netbt_serve.c: a request from another node. */
void netbt_serve(struct netbt_state *st, const struct nbns_msg *m, const struct netbt_rx *rx);

/* netbt.c */
void netbt_rx(struct netbt_state *st, const uint8_t *buf, size_t len, const struct netbt_rx *rx);

#endif
