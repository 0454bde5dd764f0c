/* SPDX-License-Identifier: MIT */
/*
 * dns provider (NS_DNS) on c-ares: the state shared by its files.
 *
 *   dns.c         ops table, lifecycle, stats, control commands
 *   dns_conf.c    the [provider dns] section and the c-ares options
 *   dns_loop.c    the c-ares channel driven by rnrd's loop
 *   dns_msg.c     reading an answer message (dns_msg.h, fuzzable)
 *   dns_cache.c   the TTL / negative / LRU cache (dns_cache.h)
 *   dns_query.c   questions on the wire, coalesced, feeding the cache
 *   dns_lookup.c  one client lookup: search list, families, results
 */
#ifndef RNR_DNS_H
#define RNR_DNS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>

#include <ares.h>
#include <rnr/nsp.h>
#include <rnr/nspids.h>

#include "dns_cache.h"
#include "hostsdb.h"

#define DNS_DEFAULT_SERVICES_FILE "/etc/services"
/* Names tried for one lookup at most (the name and its search list). */
#define DNS_MAX_CANDIDATES 8u
#define DNS_MAX_SEARCH     6u
#define DNS_MAX_SERVERS    16u

/* Settings from [provider dns]; unset ones come from resolv.conf. */
struct dns_conf {
    char    *servers;          /* c-ares CSV "1.2.3.4:53,[::1]:5353", or NULL */
    char    *search[DNS_MAX_SEARCH];
    int      nsearch;          /* -1: resolv.conf's */
    int      ndots;            /* -1: resolv.conf's */
    int      timeout_ms;       /* -1: resolv.conf's */
    int      attempts;         /* -1: resolv.conf's */
    char    *resolv_conf;      /* NULL: /etc/resolv.conf */
    char    *services_file;
    struct dns_cache_conf cache;
};

/* One name question on the wire (or about to be), shared by every lookup
 * that needs it: concurrent identical questions are asked once. */
struct dns_waiter;
typedef void (*dns_waiter_cb)(struct dns_waiter *w, struct dns_answer *a);

struct dns_question {
    char                  *name;      /* normalised: lower case, no final dot */
    int                    qtype;
    struct dns_state      *st;
    TAILQ_HEAD(, dns_waiter) waiters;
    struct dns_question   *hnext;     /* in-flight table chain */
    int                    channel_gen;
    int                    unsent;    /* on st->unsent, not yet asked */
    int                    orphan;    /* asked, and nobody waits any more */
    int                    swept;     /* asked again by a sweep once already */
    TAILQ_ENTRY(dns_question) unsent_link;
};

struct dns_waiter {
    struct dns_question *q;           /* NULL when not waiting */
    dns_waiter_cb        cb;
    void                *arg;
    TAILQ_ENTRY(dns_waiter) link;
};

struct dns_lookup;

struct dns_state {
    const struct rnr_nsp_host *host;
    struct rnr_nsp_provider   *p;
    struct dns_conf            conf;
    struct hostsdb            *services;   /* never NULL after startup */

    ares_channel               channel;
    int                        channel_gen;  /* bumped by a reload */
    int                        ndots;        /* effective, for the search */
    char                     **search;       /* effective search list */
    size_t                     nsearch;
    int                        try_ms;       /* effective first-try timeout */
    struct rnr_nsp_timer      *timer;
    uint64_t                   timer_due;    /* monotonic ms, 0: none */

    struct dns_cache          *cache;

    struct dns_question      **inflight;     /* hash table */
    size_t                     inflight_size;
    uint64_t                   inflight_seed; /* its hash's, random */
    size_t                     ninflight;
    /* New questions go on the wire from a zero-delay timer, after the
     * loop has written this round's replies (dns_query.c says why). */
    TAILQ_HEAD(, dns_question) unsent;
    struct rnr_nsp_timer      *send_timer;
    /* Questions nobody waits for: swept off the wire when many. */
    size_t                     norphans;
    size_t                     nswept_live;  /* swept, and still wanted */
    struct rnr_nsp_timer      *sweep_timer;
    int                        sweeping;

    TAILQ_HEAD(, dns_lookup)   lookups;
    size_t                     nlookups;     /* in flight */
    int                        reloading;

    uint64_t lookups_total;
    uint64_t queries_sent;
    uint64_t queries_coalesced;
    uint64_t answers;
    uint64_t timeouts;
    uint64_t servfails;
    uint64_t cancelled;
    uint64_t queries_dropped;
};

/* dns_conf.c: reads the section into *out (0, or WSAEINVAL with the
 * reason logged); dns_conf_clear frees it. */
int  dns_conf_read(struct dns_state *st, struct dns_conf *out);
/* The keys of [provider dns] and their deeper check (rnr_nsp_ops). */
extern const struct rnr_nsp_key dns_config_keys[];
void dns_check_config(const struct rnr_nsp_check *chk);
void dns_conf_clear(struct dns_conf *c);
/* A c-ares channel for conf, its sockets on the loop; *ndots and
 * *search (rnr_free each string and the array) receive the effective
 * search settings, resolv.conf's where conf leaves them unset. */
int  dns_channel_open(struct dns_state *st, const struct dns_conf *conf,
                      ares_channel *out, int *ndots, int *try_ms, char ***search,
                      size_t *nsearch);
void dns_search_free(char **search, size_t n);

/* dns_loop.c */
void dns_loop_kick(struct dns_state *st);   /* the timer at c-ares's deadline */
void dns_loop_bound(struct dns_state *st);  /* after c-ares work: no later than due */
void dns_loop_stop(struct dns_state *st);
void dns_sock_state_cb(void *data, ares_socket_t fd, int readable,
                       int writable);

/* dns_query.c: asks (name, qtype).  Unless `fresh`, a cached answer is
 * returned at once in *cached (a reference: dns_answer_unref) and 1 is
 * returned.  Otherwise w waits (0 returned) and its callback gets the
 * answer (borrowed for the call) exactly once, unless cancelled first.
 * Returns a WSA error when the question cannot be asked. */
int  dns_query_ask(struct dns_state *st, const char *name, int qtype,
                   int fresh, struct dns_waiter *w, struct dns_answer **cached);
void dns_query_cancel(struct dns_waiter *w);
void dns_query_free_all(struct dns_state *st);

/* Normalises name into buf (lower case, final dot dropped); 0 or -1
 * when it is no valid DNS name. */
int  dns_name_normalise(const char *name, char *buf, size_t len);

/* dns_lookup.c */
int  dns_lookup_begin(void *state, struct rnr_nsp_lookup *lk,
                      const WSAQUERYSETA *qs, DWORD flags);
void dns_lookup_cancel(void *state, struct rnr_nsp_lookup *lk);
void dns_lookup_cancel_all(struct dns_state *st);

/* The entry point's body, callable from tests that link the sources. */
const struct rnr_nsp_ops *rnr_dns_entry(unsigned abi_version);

#endif
