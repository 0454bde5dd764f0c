/* SPDX-License-Identifier: MIT */
/*
 * libnss_rnr.so.2: starting the private librnr, running lookups, mapping
 * WSA statuses onto glibc's NSS conventions, carving the caller's buffer.
 */
#include "config.h"

#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

#include "nss_rnr.h"

/* ------------------------------------------------------------ startup */

static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static int g_start_status;

/* The module never calls WSACleanup: glibc keeps NSS modules loaded until
 * exit, and the copy of librnr inside is ours alone, so one WSAStartup
 * for the life of the process is exactly right.  A forked child inherits
 * the started library; librnr's own fork handlers drop the parent's
 * connection in it. */
static void start_once(void)
{
    WSADATA data;

    g_start_status = WSAStartup(MAKEWORD(2, 2), &data);
}

static int start(void)
{
    if (pthread_once(&g_once, start_once) != 0)
        return WSASYSNOTREADY;
    return g_start_status;
}

/* Where the module's librnr connects.  librnr honours $RNR_SOCKET and the
 * per-user socket ($XDG_RUNTIME_DIR ...), which is what a user wants from
 * rnrctl, but inside a setuid or setgid program (sudo, ping, su) the
 * environment belongs to the unprivileged caller: letting it pick the
 * daemon would let it answer the privileged program's name lookups (sudo
 * matches hosts in sudoers).  In secure-execution mode the module only
 * talks to the system daemon.  The link wraps librnr's call (Makefile.am,
 * -Wl,--wrap=rnr_path_client_socket), so librnr itself stays unchanged. */
int __real_rnr_path_client_socket(char *buf, size_t len);
int __wrap_rnr_path_client_socket(char *buf, size_t len);

int __wrap_rnr_path_client_socket(char *buf, size_t len)
{
    int n;

    if (getauxval(AT_SECURE) == 0)
        return __real_rnr_path_client_socket(buf, len);
    if (buf == NULL || len == 0)
        return WSAENOBUFS;
    n = snprintf(buf, len, "%s/rnrd.sock", RNR_RUNDIR);
    if (n < 0 || (size_t)n >= len) {
        buf[0] = '\0';
        return WSAENOBUFS;
    }
    return 0;
}

/* ------------------------------------------------------------ lookups */

static int last_error(void)
{
    int e = WSAGetLastError();

    /* A failure without a code must still be a failure. */
    return e != 0 ? e : WSANO_RECOVERY;
}

int nss_rnr_begin(struct nss_rnr_lookup *lk, const GUID *class_id,
                  const char *name, const AFPROTOCOLS *afp, DWORD nafp,
                  DWORD flags)
{
    WSAQUERYSETA qs;
    GUID cls = *class_id;
    AFPROTOCOLS protos[2];
    HANDLE h;
    int rc;

    memset(lk, 0, sizeof *lk);
    lk->rec = &lk->stack.qs;
    lk->cap = sizeof lk->stack;
    if ((rc = start()) != 0)
        return rc;
    if (nafp > sizeof protos / sizeof protos[0])
        return WSAEINVAL;
    /* The query set's pointers are not const; give librnr copies. */
    if (nafp > 0)
        memcpy(protos, afp, nafp * sizeof *afp);

    memset(&qs, 0, sizeof qs);
    qs.dwSize = sizeof qs;
    qs.lpszServiceInstanceName = (char *)(uintptr_t)name;
    qs.lpServiceClassId = &cls;
    qs.dwNameSpace = NS_ALL;
    qs.dwNumberOfProtocols = nafp;
    qs.lpafpProtocols = nafp > 0 ? protos : NULL;
    if (WSALookupServiceBeginA(&qs, flags, &h) != 0)
        return last_error();
    lk->handle = h;
    lk->begun = 1;
    return 0;
}

int nss_rnr_next(struct nss_rnr_lookup *lk, const WSAQUERYSETA **rec)
{
    DWORD flags = 0, len;
    void *p;
    int rc;

    for (;;) {
        len = (DWORD)lk->cap;
        if (WSALookupServiceNextA(lk->handle, flags, &len, lk->rec) == 0) {
            flags = 0;
            /* Alias records carry a name only; hostent and servent
             * aliases come inside the blobs. */
            if (lk->rec->dwOutputFlags & RESULT_IS_ALIAS)
                continue;
            *rec = lk->rec;
            return 0;
        }
        rc = last_error();
        if (rc != WSAEFAULT)
            return rc;
        /* librnr asked for less than it had: do not spin on it. */
        if (len <= lk->cap)
            return WSANO_RECOVERY;
        if (len > NSS_RNR_MAX_RECORD) {
            /* Not worth the memory in every process: skip the record. */
            flags = LUP_FLUSHPREVIOUS;
            continue;
        }
        p = malloc(len);
        if (p == NULL)
            return WSA_NOT_ENOUGH_MEMORY;
        free(lk->heap);
        lk->heap = p;
        lk->rec = p;
        lk->cap = len;
        flags = 0;
    }
}

enum nss_status nss_rnr_end(struct nss_rnr_lookup *lk, enum nss_status st, int saved_errno)
{
    if (lk->begun)
        WSALookupServiceEnd(lk->handle);
    lk->begun = 0;
    free(lk->heap);
    lk->heap = NULL;
    lk->rec = &lk->stack.qs;
    lk->cap = sizeof lk->stack;
    if (st == NSS_STATUS_SUCCESS)
        errno = saved_errno;
    return st;
}

/* ------------------------------------------------------------ statuses */

enum nss_status nss_rnr_fail(int wsa, int *errnop, int *h_errnop)
{
    enum nss_status st;
    int err, herr;

    switch (wsa) {
    case WSAHOST_NOT_FOUND:
    case WSASERVICE_NOT_FOUND:
    case WSATYPE_NOT_FOUND:
    case WSA_E_NO_MORE:
        /* Authoritative: rnrd's providers do not know the name. */
        st = NSS_STATUS_NOTFOUND, err = ENOENT, herr = HOST_NOT_FOUND;
        break;
    case WSANO_DATA:
        /* The name exists, without an address of the family asked. */
        st = NSS_STATUS_NOTFOUND, err = ENOENT, herr = NO_DATA;
        break;
    case WSATRY_AGAIN:
    case WSAENOBUFS:
    case WSA_NOT_ENOUGH_MEMORY:
    case WSAEMFILE:
    case WSAEPROCLIM:
        /* Passing: a later call may succeed.  errno must not be ERANGE,
         * which would make glibc grow the buffer and call again. */
        st = NSS_STATUS_TRYAGAIN, err = EAGAIN, herr = TRY_AGAIN;
        break;
    case WSASYSNOTREADY:
        /* No rnrd: UNAVAIL lets the next source answer. */
        st = NSS_STATUS_UNAVAIL, err = ECONNREFUSED, herr = NO_RECOVERY;
        break;
    default:
        /* Anything else (a name rnrd refuses, a broken record, a lost
         * connection) is rnr being unable to answer, not an answer. */
        st = NSS_STATUS_UNAVAIL, err = EIO, herr = NO_RECOVERY;
        break;
    }
    *errnop = err;
    if (h_errnop != NULL)
        *h_errnop = herr;
    return st;
}

enum nss_status nss_rnr_erange(int *errnop, int *h_errnop)
{
    *errnop = ERANGE;
    if (h_errnop != NULL)
        *h_errnop = NETDB_INTERNAL;
    return NSS_STATUS_TRYAGAIN;
}

/* ------------------------------------------------------------ buffer */

void nss_rnr_buf_init(struct nss_rnr_buf *b, char *buffer, size_t buflen)
{
    b->at = buffer;
    b->left = buffer != NULL ? buflen : 0;
}

void *nss_rnr_buf_take(struct nss_rnr_buf *b, size_t n)
{
    size_t pad = (size_t)(-(uintptr_t)b->at % _Alignof(max_align_t));
    char *p;

    if (b->left < pad || b->left - pad < n)
        return NULL;
    p = b->at + pad;
    b->at = p + n;
    b->left -= pad + n;
    return p;
}

char *nss_rnr_buf_strdup(struct nss_rnr_buf *b, const char *s)
{
    size_t n = strlen(s) + 1;
    char *p;

    if (b->left < n)
        return NULL;
    p = b->at;
    memcpy(p, s, n);
    b->at += n;
    b->left -= n;
    return p;
}

int nss_rnr_casecmp(const char *a, const char *b)
{
    unsigned char x, y;

    do {
        x = (unsigned char)*a++;
        y = (unsigned char)*b++;
        if (x >= 'A' && x <= 'Z')
            x = (unsigned char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (unsigned char)(y - 'A' + 'a');
    } while (x == y && x != '\0');
    return x - y;
}
