/* SPDX-License-Identifier: MIT */
/*
 * Reading a DNS answer message (RFC 1035) into what the provider keeps:
 * the outcome, the CNAME chain from the question's name, the records of
 * the question's type at the end of the chain, and the TTL to cache it
 * for (RFC 2308 for negative answers).  c-ares sends and receives; this
 * reads the message itself because c-ares 1.18 has no reader for the
 * authority section's SOA.  Standalone (no c-ares) so that a fuzz target
 * can call dns_msg_parse on any bytes.
 */
#ifndef RNR_DNS_MSG_H
#define RNR_DNS_MSG_H

#include <stddef.h>
#include <stdint.h>

#define DNS_T_A      1
#define DNS_T_CNAME  5
#define DNS_T_SOA    6
#define DNS_T_PTR   12
#define DNS_T_AAAA  28

#define DNS_MAX_NAME     255u   /* presentation form, with its NUL */
#define DNS_MAX_CHAIN     16u   /* CNAME hops followed */
#define DNS_MAX_RECORDS  256u   /* records of one answer kept */

/* A parsed answer, shared by reference between the cache and lookups. */
struct dns_answer {
    unsigned  refs;
    int       status;    /* 0, WSAHOST_NOT_FOUND, WSANO_DATA, WSATRY_AGAIN,
                          * WSANO_RECOVERY */
    int       qtype;
    int       has_ttl;   /* ttl is the server's (records, or an SOA) */
    uint32_t  ttl;       /* seconds */
    char     *qname;     /* the question, as the server echoed it */
    char     *canon;     /* owner of the records: end of the CNAME chain */
    char    **aliases;   /* the chain before canon, qname first */
    size_t    naliases;
    uint8_t (*addrs)[16];/* A (first 4 bytes) or AAAA */
    size_t    naddrs;
    char    **names;     /* PTR targets */
    size_t    nnames;
};

/* Parses msg.  On success *out is a new answer (one reference) and 0 is
 * returned; WSANO_RECOVERY for a malformed message, WSAENOBUFS when
 * memory ran out. */
int  dns_msg_parse(const uint8_t *msg, size_t len, struct dns_answer **out);

/* An answer carrying only an outcome (timeouts, refusals without a
 * message); NULL when memory ran out. */
struct dns_answer *dns_answer_status(int qtype, int status);

struct dns_answer *dns_answer_ref(struct dns_answer *a);
void dns_answer_unref(struct dns_answer *a);   /* accepts NULL */

#endif
