/* SPDX-License-Identifier: MIT */
/*
 * Host results shared by the hosts, local and dns providers: reading the
 * family / protocol restrictions and the service of a query, collecting
 * addresses and aliases, and emitting the WSAQUERYSET (CSADDRs, hostent
 * blob) plus one RESULT_IS_ALIAS result per alias.
 */
#ifndef RNR_HOSTRES_H
#define RNR_HOSTRES_H

#include <stddef.h>
#include <stdint.h>

#include <rnr/nsp.h>

#include "hostsdb.h"

/* A socket type / protocol pair of the CSADDRs to produce. */
struct hr_pair {
    int socktype;
    int proto;
    uint16_t port;   /* host order */
};

/* What a query asks of a host result. */
struct hr_query {
    int            allow4, allow6;
    struct hr_pair pairs[2][2];   /* [0] IPv4, [1] IPv6 */
    unsigned       npairs[2];
};

/* Derives the restrictions of qs.  The class decides the port: a
 * SVCID_TCP/UDP(port) class forces that port and protocol; otherwise
 * lpszQueryString may name a service ("ftp", "ftp/tcp", "21/udp")
 * resolved in `services` (may be NULL: numbers only).  Returns 0 or
 * WSASERVICE_NOT_FOUND for an unknown service. */
int hr_query_init(struct hr_query *q, const WSAQUERYSETA *qs,
                  const struct hostsdb *services);

/* The hostent family for a host with IPv4 / IPv6 addresses: AF_INET when
 * it has IPv4 ones the query allows, else AF_INET6 when allowed, else 0. */
int hr_primary_family(const struct hr_query *q, int has4, int has6);

int hr_family_allowed(const struct hr_query *q, int af);

/* An address's roles: a CSADDR, and/or an h_addr_list entry of the
 * hostent (only those of the hostent's family are used).  They differ
 * where glibc's hosts parser differs from the file: "::1" is 127.0.0.1
 * in an AF_INET hostent. */
#define HR_CSADDR 0x1u
#define HR_BLOB   0x2u
#define HR_BOTH   (HR_CSADDR | HR_BLOB)

struct hr_addr {
    int      af;
    uint8_t  addr[16];
    uint32_t scope_id;
    unsigned roles;
};

struct hr_result {
    const char     *name;
    int             blob_af;       /* 0: no blob */
    struct hr_addr *addrs;
    size_t          naddrs, addrs_cap;
    const char    **aliases;       /* blob h_aliases, as given */
    size_t          naliases, aliases_cap;
    const char    **alias_results; /* distinct, not the name */
    size_t          nalias_results, alias_results_cap;
};

void hr_init(struct hr_result *r, const char *name, int blob_af);
void hr_clear(struct hr_result *r);   /* frees the arrays, keeps nothing */

/* Strings are borrowed: they must outlive hr_emit.  hr_add_addr gives
 * the address both roles; hr_add_addr_roles only those of `roles`. */
int hr_add_addr(struct hr_result *r, int af, const void *addr,
                uint32_t scope_id);
int hr_add_addr_roles(struct hr_result *r, int af, const void *addr,
                      uint32_t scope_id, unsigned roles);
int hr_add_alias(struct hr_result *r, const char *alias);
int hr_add_alias_result(struct hr_result *r, const char *alias);

/* Addresses of the local host, for the local provider and for the dns
 * provider's answers about the local host and "localhost". */
struct ifaddrs;
typedef int  (*hr_getifaddrs_fn)(struct ifaddrs **);
typedef void (*hr_freeifaddrs_fn)(struct ifaddrs *);

/* 127.0.0.1 and ::1. */
int hr_add_loopback(struct hr_result *r);
/* The addresses of the interfaces that are up, IPv4 then IPv6, without
 * loopback ones or duplicates; loopback only when there is nothing else.
 * get / put enumerate the interfaces (getifaddrs, or a test's). */
int hr_add_local_addrs(struct hr_result *r, hr_getifaddrs_fn get,
                       hr_freeifaddrs_fn put);
/* Does r hold an address of family af? */
int hr_has_family(const struct hr_result *r, int af);

/* Emits r as a result of class `class_id` and then its alias results.
 * Returns 0; WSANO_DATA when r has no address the query allows (nothing
 * emitted); WSAENOBUFS when the lookup is full or memory ran out. */
int hr_emit(const struct rnr_nsp_host *host, struct rnr_nsp_lookup *lk,
            const struct hr_query *q, const GUID *class_id,
            const struct hr_result *r);

/* Emits one RESULT_IS_ALIAS result. */
int hr_emit_alias(const struct rnr_nsp_host *host, struct rnr_nsp_lookup *lk,
                  const GUID *class_id, const char *alias);

#endif
