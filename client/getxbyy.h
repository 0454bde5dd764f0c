/* SPDX-License-Identifier: MIT */
/*
 * Internals of the Winsock 1.1 layer (getxbyy.c, hostdb.c, servdb.c,
 * protodb.c, protodb_parse.c, inet.c, tls.c).  Not exported.
 *
 * Same convention as client.h: helpers return 0 or a WSA code; only the
 * public functions record an error with WSASetLastError.
 */
#ifndef RNR_CLIENT_GETXBYY_H
#define RNR_CLIENT_GETXBYY_H

#include <stdint.h>
#include <stdio.h>

#include <rnr/winsock2.h>

/* ------------------------------------------------------------ tls.c */

/* Per-thread result storage, one slot per function: what a function
 * returned stays valid until that function is called again in the same
 * thread (the reference promises only "until the next Windows Sockets
 * call in this thread", so this is more generous). */
enum rnr_tls_slot {
    RNR_TLS_HOSTBYNAME,
    RNR_TLS_HOSTBYADDR,
    RNR_TLS_SERVBYNAME,
    RNR_TLS_SERVBYPORT,
    RNR_TLS_PROTOBYNAME,
    RNR_TLS_PROTOBYNUMBER,
    RNR_TLS_NSLOTS
};

/* The slot's buffer, grown to at least `size` bytes (its old contents are
 * lost when it grows), aligned for any structure; *cap gets its size.
 * NULL when out of memory (the old buffer is kept). */
void *rnr_tls_buf(enum rnr_tls_slot slot, size_t size, size_t *cap);

/* ------------------------------------------------------------ getxbyy.c */

/* Enough for a typical hostent / servent result without a heap copy. */
#define RNR_XBYY_STACK 2048

/* One lookup result, flattened: in `stack` when it fits, else on the
 * heap.  qs points at whichever holds it. */
struct rnr_xbyy_result {
    WSAQUERYSETA *qs;
    void         *heap;
    union {
        WSAQUERYSETA  qs;
        unsigned char bytes[RNR_XBYY_STACK];
    } stack;
};

/* Accepts or skips a result (e.g. a hostent of the wrong family). */
typedef int (*rnr_xbyy_accept_fn)(const WSAQUERYSETA *qs, int arg);

/* Runs WSALookupServiceBegin/Next/End for stage `stage` of q (see
 * rnr_xbyy_qs_init) and keeps the first result q->accept takes.  Returns
 * 0 and fills *r (free with rnr_xbyy_result_free), or the lookup's WSA
 * error (WSA_E_NO_MORE when nothing was accepted).  The thread's last
 * error is as before on success. */
struct rnr_xbyy_query;
int  rnr_xbyy_lookup(const struct rnr_xbyy_query *q, int stage,
                     struct rnr_xbyy_result *r);
void rnr_xbyy_result_free(struct rnr_xbyy_result *r);

/* A provider answering with more rejected results than this is not
 * going to produce an acceptable one. */
#define RNR_XBYY_MAX_SKIPPED 64

/* Turns a hostent / servent blob into the structure (nsp/blob.h). */
typedef int (*rnr_xbyy_unpack_fn)(const uint8_t *blob, size_t bloblen,
                                  void *buf, size_t buflen, size_t *needed);

/* What one getXbyY call asks rnrd, built by hostdb.c / servdb.c and run
 * either synchronously (rnr_xbyy_run) or by the asynchronous engine
 * (async_engine.c), so that both answer exactly alike.  The strings are
 * borrowed. */
struct rnr_xbyy_query {
    const GUID        *cls;
    const char        *instance;
    /* NULL, or what to look up when `instance` finds nothing: found, the
     * answer is WSANO_DATA ("valid name, no data record of requested
     * type"), else not_found. */
    const char        *fallback;
    int                af;          /* the query's family restriction, 0: none */
    int                af2;         /* a second family allowed (with af), 0: none */
    DWORD              ns;          /* dwNameSpace (0: NS_ALL) */
    const GUID        *provider;    /* lpNSProviderId, NULL: any */
    DWORD              flags;       /* LUP_RETURN_* */
    rnr_xbyy_accept_fn accept;      /* NULL: the first result */
    int                arg;
    int                not_found;   /* the code for "nothing found" */
    rnr_xbyy_unpack_fn unpack;
};

/* The query set of a getXbyY lookup of `instance` (stage 0: q->instance,
 * 1: q->fallback), pointing into *cls and afp[0..1]. */
void rnr_xbyy_qs_init(const struct rnr_xbyy_query *q, int stage,
                      WSAQUERYSETA *qs, GUID *cls, AFPROTOCOLS afp[2]);

/* Stage `stage` of q ended with st (0: a result was accepted, else the
 * lookup's status).  Returns the call's status, or RNR_XBYY_AGAIN when
 * the fallback lookup (stage 1) must run first. */
#define RNR_XBYY_AGAIN (-1)
int rnr_xbyy_outcome(const struct rnr_xbyy_query *q, int stage, int st);

/* The structure in result qs's blob, unpacked into buf.  0 (*needed =
 * bytes used), WSAEFAULT with *needed when buflen is short, or
 * WSANO_RECOVERY (no or malformed blob). */
int rnr_xbyy_unpack(const struct rnr_xbyy_query *q, const WSAQUERYSETA *qs,
                    void *buf, size_t buflen, size_t *needed);

/* Runs q synchronously, the structure unpacked into the thread's slot.
 * 0 and *out, or the call's error. */
int rnr_xbyy_run(const struct rnr_xbyy_query *q, enum rnr_tls_slot slot,
                 void **out);

/* ------------------------------------------------------------ hostdb.c, servdb.c */

/* The queries of gethostbyname, gethostbyaddr (text: INET6_ADDRSTRLEN
 * bytes the query points into) and getservbyname / getservbyport (query:
 * RNR_SERV_QUERY_MAX bytes; key: RNR_SERV_PORT_KEY bytes).  0, or the
 * call's error for arguments that need no lookup to be refused. */
#define RNR_SERV_QUERY_MAX 320
#define RNR_SERV_PORT_KEY  8
int rnr_hostdb_query_byname(const char *name, struct rnr_xbyy_query *q);
int rnr_hostdb_query_byaddr(const char *addr, int len, int type, char *text,
                            struct rnr_xbyy_query *q);
int rnr_servdb_query(const char *key, const char *proto, char *query,
                     struct rnr_xbyy_query *q);
int rnr_servdb_port_key(int port, char *key);

/* ------------------------------------------------------------ protodb.c */

/* getprotobyname (name) / getprotobynumber (name NULL) into buf: 0,
 * WSAEFAULT with *needed when buflen is short, WSAHOST_NOT_FOUND,
 * WSANO_RECOVERY (no database) or WSAENOBUFS. */
int rnr_protodb_lookup(const char *name, int number, void *buf, size_t buflen,
                       size_t *needed);

/* The error a getXbyY function reports for lookup status st:
 * "nothing found" (WSASERVICE_NOT_FOUND, WSA_E_NO_MORE) becomes
 * not_found, the documented codes pass, the rest is WSANO_RECOVERY. */
int rnr_xbyy_status(int st, int not_found);

/* h_addrtype of the hostent blob in qs, or -1 without a usable blob. */
int rnr_xbyy_blob_family(const WSAQUERYSETA *qs);

/* ------------------------------------------------------------ inet.c */

/* glibc's inet_aton grammar (a, a.b, a.b.c, a.b.c.d; decimal, 0 octal,
 * 0x hex parts).  On success returns 1, *addr (network order) and *end
 * (the first character not parsed: NUL or an ASCII space); else 0. */
int rnr_inet_parse4(const char *cp, uint32_t *addr, const char **end);

/* ------------------------------------------------------------ protodb_parse.c */

/* Searches an open protocols file, read the way glibc's nss_files reads
 * it (see protodb_parse.c), for the first line whose name or an alias is
 * `name` byte for byte or, when no line has it so, the first that has it
 * ignoring ASCII case; with name NULL, for the first line whose number is
 * `number`.  Returns 0 and *line (the line as read, rnr_free),
 * WSAHOST_NOT_FOUND, WSAENOBUFS or WSANO_RECOVERY (read error). */
int rnr_protodb_find(FILE *f, const char *name, int number, char **line);

/* Builds the protoent of a line rnr_protodb_find returned into buf: the
 * structure first, then the alias array, then the strings.  Returns 0;
 * WSAEFAULT with *needed (nothing written) when buflen is short;
 * WSANO_RECOVERY if the line is not a protocols entry. */
int rnr_protodb_build(const char *line, void *buf, size_t buflen,
                      size_t *needed);

#endif
