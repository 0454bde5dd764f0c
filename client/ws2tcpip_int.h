/* SPDX-License-Identifier: MIT */
/*
 * Internals of the ws2tcpip functions (gai.c, gai_ex.c, nameinfo.c,
 * inet_pton.c).  Not exported.  Helpers return 0 or a WSA code and never
 * touch the thread's last error; the public functions record it.
 */
#ifndef RNR_CLIENT_WS2TCPIP_INT_H
#define RNR_CLIENT_WS2TCPIP_INT_H

#include <stddef.h>
#include <stdint.h>

#include <rnr/winsock2.h>

/* ------------------------------------------------------------ inet_pton.c */

/* Windows' inet_pton grammar (see inet_pton.c): 1 and out written, or 0. */
int rnr_pton4(const char *s, uint8_t out[4]);
int rnr_pton6(const char *s, uint8_t out[16]);
/* The same IPv6 grammar, stopping at a '%' (a scope for the caller) or
 * the end: 1, out and *end; or 0. */
int rnr_pton6_end(const char *s, uint8_t out[16], const char **end);

/* Windows' text of an address into buf: 0, or WSAEINVAL when cap bytes
 * cannot hold it and its NUL (buf untouched). */
int rnr_ntop4(const uint8_t a[4], char *buf, size_t cap);
int rnr_ntop6(const uint8_t a[16], char *buf, size_t cap);

/* ------------------------------------------------------------ gai.c */

/* The flags rnr accepts: everything else is WSAEINVAL (EAI_BADFLAGS). */
#define RNR_GAI_KNOWN_FLAGS 0x000fcd1fu

/* What one getaddrinfo-family call asks.  Strings are UTF-8, borrowed. */
struct rnr_gai_req {
    const char  *node;        /* NULL: the local host (AI_PASSIVE: any) */
    const char  *service;     /* NULL: port 0 */
    unsigned     flags;       /* AI_ */
    int          family, socktype, protocol;
    DWORD        ns;          /* GetAddrInfoEx's name space (NS_ALL) */
    const GUID  *provider;    /* GetAddrInfoEx's lpNspId, or NULL */
};

struct rnr_gai_addr {
    int                     family;
    socklen_t               len;
    struct sockaddr_storage sa;
};

/* The answer: addresses in the order the provider gave them, the
 * canonical name (NULL when none was asked or given) and the provider
 * that answered (zero GUID for numeric hosts). */
struct rnr_gai_result {
    struct rnr_gai_addr *addrs;
    size_t               n;
    int                  socktype, protocol;
    char                *canon;
    GUID                 provider;
};

/* Resolves req: 0 and *res (free with rnr_gai_result_clear), or an EAI_
 * (WSA) code. */
int  rnr_gai_resolve(const struct rnr_gai_req *req, struct rnr_gai_result *res);
void rnr_gai_result_clear(struct rnr_gai_result *res);

/* How one of the four ADDRINFO types is laid out beyond the prefix they
 * share (ai_flags to ai_addr): its size, where ai_next is, and where
 * ai_provider is (0: it has none). */
struct rnr_gai_shape {
    size_t size, off_next, off_provider;
};
extern const struct rnr_gai_shape rnr_gai_shape_a, rnr_gai_shape_w,
    rnr_gai_shape_exa, rnr_gai_shape_exw;

/* res as one freeable block of elements of `shape`: the elements, the
 * socket addresses, the provider's GUID (EX types, NULL in ai_provider
 * when res has none), then canon's canon_bytes (its NUL included) as the
 * first element's ai_canonname.  Unset members are zero.  NULL when out
 * of memory. */
void *rnr_gai_list_build(const struct rnr_gai_result *res, unsigned flags,
                         const struct rnr_gai_shape *shape, const void *canon,
                         size_t canon_bytes);

/* The status getaddrinfo reports for a lookup status. */
int  rnr_gai_status(int st);

/* ------------------------------------------------------------ gai_ex.c */

/* GetAddrInfoExA/W's checks of the hints and of the asynchronous
 * arguments, then rnr_gai_resolve.  *flags_out: the hints' flags. */
struct timeval;
struct addrinfoexA;
int rnr_gai_ex_resolve(const char *name, const char *service, DWORD ns,
                       const GUID *nsp_id, const struct addrinfoexA *hints,
                       struct timeval *timeout, void *ov, void *cr,
                       LPHANDLE handle, unsigned *flags_out,
                       struct rnr_gai_result *res);

/* ------------------------------------------------------------ nameinfo.c */

/* getnameinfo's checks and lookups: the host into host (RNR_NI_MAXHOST
 * bytes) when want_host, the service into serv (RNR_NI_MAXSERV) when
 * want_serv, UTF-8.  0 or the call's error. */
int rnr_nameinfo_resolve(const struct sockaddr *sa, socklen_t salen, int want_host,
                         int want_serv, int flags, char *host, char *serv);

/* Bytes to round `n` up to for the next piece of a result block. */
#define RNR_GAI_ALIGN(n) (((n) + 15u) & ~(size_t)15u)

#endif
