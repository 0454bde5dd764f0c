/* SPDX-License-Identifier: MIT */
/*
 * libnss_rnr.so.2 internals: the glibc NSS module that resolves hosts and
 * services through rnrd (`hosts: files rnr dns` in nsswitch.conf).
 *
 * The module carries its own private copy of librnr (see Makefile.am,
 * section client/nss/): its WSAStartup, connection, handle table and
 * last error are separate from those of an application that links librnr
 * itself, and nothing but the _nss_rnr_* entry points is exported
 * (nss_rnr.map).
 *
 * Rules every entry point keeps, because the module runs inside arbitrary
 * processes: never go through NSS (no getservbyname, getaddrinfo ...: a
 * lookup would recurse into this module), never print, never trust what
 * the daemon sends, free everything before returning, and write the
 * caller's result only on NSS_STATUS_SUCCESS.
 */
#ifndef RNR_NSS_RNR_H
#define RNR_NSS_RNR_H

#include <nss.h>
#include <stddef.h>

#include <rnr/winsock2.h>

/* Every entry point, declared with glibc's own types so that the compiler
 * checks each definition against what glibc calls. */
extern nss_gethostbyname_r  _nss_rnr_gethostbyname_r;
extern nss_gethostbyname2_r _nss_rnr_gethostbyname2_r;
extern nss_gethostbyname3_r _nss_rnr_gethostbyname3_r;
extern nss_gethostbyname4_r _nss_rnr_gethostbyname4_r;
extern nss_gethostbyaddr_r  _nss_rnr_gethostbyaddr_r;
extern nss_gethostbyaddr2_r _nss_rnr_gethostbyaddr2_r;
extern nss_getservbyname_r  _nss_rnr_getservbyname_r;
extern nss_getservbyport_r  _nss_rnr_getservbyport_r;

/* Records on the stack up to this size; larger ones on the heap.  Host
 * and service records from a hosts file are a few hundred bytes. */
#define NSS_RNR_STACK_RECORD 2048u
/* A record larger than this is skipped rather than allocated. */
#define NSS_RNR_MAX_RECORD   (4u << 20)
/* "name/proto" texts longer than this name no service of any file. */
#define NSS_RNR_MAX_SERVICE_TEXT 1024u

/* One lookup in progress: begin, records one by one, end. */
struct nss_rnr_lookup {
    HANDLE        handle;
    int           begun;        /* handle is live: end it */
    WSAQUERYSETA *rec;          /* the current record: stack or heap */
    size_t        cap;
    void         *heap;
    union {
        WSAQUERYSETA qs;
        max_align_t  align;
        char         bytes[NSS_RNR_STACK_RECORD];
    } stack;
};

/* WSALookupServiceBegin for (class, name) restricted to the address
 * families of afp (NULL / 0: no restriction).  Starts librnr on first
 * use.  Returns 0 or the WSA status. */
int  nss_rnr_begin(struct nss_rnr_lookup *lk, const GUID *class_id,
                   const char *name, const AFPROTOCOLS *afp, DWORD nafp,
                   DWORD flags);
/* The next non-alias record (valid until the next call or the end):
 * 0 and *rec set, or the WSA status (WSA_E_NO_MORE at the end). */
int  nss_rnr_next(struct nss_rnr_lookup *lk, const WSAQUERYSETA **rec);
/* Ends the lookup and returns st.  A lookup that worked leaves errno as
 * the caller had it (saved_errno): librnr's socket calls may have
 * touched it on the way. */
enum nss_status nss_rnr_end(struct nss_rnr_lookup *lk, enum nss_status st, int saved_errno);

/* What a WSA status means to glibc: the NSS status, with *errnop and
 * *h_errnop (h_errnop may be NULL: the services functions have none). */
enum nss_status nss_rnr_fail(int wsa, int *errnop, int *h_errnop);
/* The caller's buffer is too short (glibc grows it and calls again only
 * for exactly this combination). */
enum nss_status nss_rnr_erange(int *errnop, int *h_errnop);

/* Carving the caller's buffer: pointer-aligned pieces from the front. */
struct nss_rnr_buf {
    char  *at;
    size_t left;
};

void  nss_rnr_buf_init(struct nss_rnr_buf *b, char *buffer, size_t buflen);
/* n bytes aligned for a pointer, or NULL when they do not fit. */
void *nss_rnr_buf_take(struct nss_rnr_buf *b, size_t n);
/* A copy of s, or NULL when it does not fit. */
char *nss_rnr_buf_strdup(struct nss_rnr_buf *b, const char *s);

/* ASCII-only case-insensitive comparison: the locale must not decide
 * whether "TCP" is "tcp" (in a Turkish locale 'I' is not 'i'). */
int nss_rnr_casecmp(const char *a, const char *b);

#endif
