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

/* Runs WSALookupServiceBegin/Next/End for class `cls` and `instance`
 * (may be NULL), restricted to address family af (0: unrestricted), with
 * the LUP_RETURN_* `flags`, and keeps the first result `accept` takes
 * (NULL: the first).  Returns 0 and fills *r (free with
 * rnr_xbyy_result_free), or the lookup's WSA error (WSA_E_NO_MORE when
 * nothing was accepted).  The thread's last error is as before on
 * success. */
int  rnr_xbyy_lookup(const GUID *cls, const char *instance, int af,
                     DWORD flags, rnr_xbyy_accept_fn accept, int arg,
                     struct rnr_xbyy_result *r);
void rnr_xbyy_result_free(struct rnr_xbyy_result *r);

/* The hostent / servent in the result's blob, unpacked with real pointers
 * into the thread's slot.  0 and *out, WSANO_RECOVERY (no or malformed
 * blob) or WSAENOBUFS. */
int rnr_xbyy_hostent(const WSAQUERYSETA *qs, enum rnr_tls_slot slot,
                     struct hostent **out);
int rnr_xbyy_servent(const WSAQUERYSETA *qs, enum rnr_tls_slot slot,
                     struct servent **out);

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
