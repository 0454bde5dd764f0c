/* SPDX-License-Identifier: MIT */
/*
 * libnss_rnr.so.2: the hosts database.
 *
 *   gethostbyname{,2,3}_r  SVCID_INET_HOSTADDRBYNAME restricted to the
 *                          family asked; the hostent comes from the
 *                          record's hostent blob (the providers build
 *                          exactly what glibc's nss_files would), else
 *                          from its name and CSADDRs.
 *   gethostbyname4_r       the same lookup for both families (what
 *                          getaddrinfo calls): one gaih_addrtuple per
 *                          CSADDR, in the provider's order.
 *   gethostbyaddr{,2}_r    SVCID_INET_HOSTADDRBYINETSTRING with the
 *                          address as text.
 *
 * Every lookup asks for TCP only (the afp pairs): a provider gives one
 * CSADDR per address and protocol, and the daemon drops the pairs that do
 * not match, so each address comes once.  The first record that yields a
 * usable answer is the answer, as glibc's own sources do.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "nss_rnr.h"
#include "blob.h"

static const GUID g_byname = SVCID_INET_HOSTADDRBYNAME;
static const GUID g_byaddr = SVCID_INET_HOSTADDRBYINETSTRING;

/* What a record says about a host, with pointers into the record, the
 * unpacked blob or the query: valid until host_view_clear. */
struct addr_ref {
    int            af;
    const uint8_t *bytes;
    uint32_t       scope_id;
};

struct host_view {
    const char      *name;
    char           **aliases;    /* NULL-terminated, never NULL */
    struct addr_ref *addrs;      /* malloc'd */
    size_t           naddrs;
    void            *blob;       /* the unpacked hostent blob, malloc'd */
};

static char *g_no_aliases[1] = { NULL };

static size_t addr_len(int af)
{
    return af == AF_INET ? 4 : af == AF_INET6 ? 16 : 0;
}

static void host_view_clear(struct host_view *v)
{
    free(v->addrs);
    free(v->blob);
    memset(v, 0, sizeof *v);
}

/* RnR providers read '*' and '?' as wildcards and "" as the local host;
 * NSS asks for one exact name, which none of those is. */
static int name_ok(const char *name)
{
    return name != NULL && name[0] != '\0' && strpbrk(name, "*?") == NULL;
}

static const char *record_name(const WSAQUERYSETA *rec, const char *fallback)
{
    const char *n = rec->lpszServiceInstanceName;

    return n != NULL && n[0] != '\0' ? n : fallback;
}

/* The remote address of cs when it is one of family af (AF_UNSPEC: IPv4
 * or IPv6) for TCP (or any protocol).  Returns its bytes inside the
 * record, or NULL. */
static const uint8_t *cs_addr(const CSADDR_INFO *cs, int af, int *family,
                              uint32_t *scope_id)
{
    const struct sockaddr *sa = cs->RemoteAddr.lpSockaddr;
    int len = cs->RemoteAddr.iSockaddrLength;
    sa_family_t fam;

    if (sa == NULL || len < (int)sizeof(sa_family_t) ||
        (cs->iProtocol != 0 && cs->iProtocol != IPPROTO_TCP))
        return NULL;
    memcpy(&fam, &sa->sa_family, sizeof fam);
    if (af != AF_UNSPEC && fam != af)
        return NULL;
    if (fam == AF_INET && len >= (int)sizeof(struct sockaddr_in)) {
        *family = AF_INET;
        *scope_id = 0;
        return (const uint8_t *)sa + offsetof(struct sockaddr_in, sin_addr);
    }
    if (fam == AF_INET6 && len >= (int)sizeof(struct sockaddr_in6)) {
        *family = AF_INET6;
        memcpy(scope_id, (const uint8_t *)sa +
               offsetof(struct sockaddr_in6, sin6_scope_id), sizeof *scope_id);
        return (const uint8_t *)sa + offsetof(struct sockaddr_in6, sin6_addr);
    }
    return NULL;
}

/* The addresses of the record's CSADDRs of family af.  0 (none is fine),
 * or WSA_NOT_ENOUGH_MEMORY. */
static int view_csaddrs(struct host_view *v, const WSAQUERYSETA *rec, int af)
{
    const CSADDR_INFO *cs = rec->lpcsaBuffer;
    size_t n = cs != NULL ? rec->dwNumberOfCsAddrs : 0, i;
    uint32_t scope;
    int fam;

    if (n == 0)
        return 0;
    v->addrs = calloc(n, sizeof *v->addrs);
    if (v->addrs == NULL)
        return WSA_NOT_ENOUGH_MEMORY;
    for (i = 0; i < n; i++) {
        const uint8_t *a = cs_addr(&cs[i], af, &fam, &scope);

        if (a == NULL)
            continue;
        v->addrs[v->naddrs].af = fam;
        v->addrs[v->naddrs].bytes = a;
        v->addrs[v->naddrs].scope_id = scope;
        v->naddrs++;
    }
    return 0;
}

/* The record's hostent blob when it is one of family af (AF_UNSPEC: any)
 * with at least one address: name, aliases and addresses.  0 with the
 * view filled, 1 when the blob is absent, malformed or of no use, or
 * WSA_NOT_ENOUGH_MEMORY. */
static int view_blob(struct host_view *v, const WSAQUERYSETA *rec, int af)
{
    const BLOB *b = rec->lpBlob;
    struct hostent h;
    size_t need = 0, n, i;

    if (b == NULL || b->pBlobData == NULL || b->cbSize == 0)
        return 1;
    /* Sizing call first: the blob is checked completely either way. */
    if (rnr_blob_unpack_hostent(b->pBlobData, b->cbSize, NULL, 0, &need) !=
        WSAEFAULT || need < sizeof h)
        return 1;
    v->blob = malloc(need);
    if (v->blob == NULL)
        return WSA_NOT_ENOUGH_MEMORY;
    if (rnr_blob_unpack_hostent(b->pBlobData, b->cbSize, v->blob, need,
                                NULL) != 0)
        return 1;
    memcpy(&h, v->blob, sizeof h);
    if ((af != AF_UNSPEC && h.h_addrtype != af) ||
        (size_t)h.h_length != addr_len(h.h_addrtype) ||
        h.h_addr_list == NULL || h.h_addr_list[0] == NULL)
        return 1;
    for (n = 0; h.h_addr_list[n] != NULL; n++)
        ;
    v->addrs = calloc(n, sizeof *v->addrs);
    if (v->addrs == NULL)
        return WSA_NOT_ENOUGH_MEMORY;
    for (i = 0; i < n; i++) {
        v->addrs[i].af = h.h_addrtype;
        v->addrs[i].bytes = (const uint8_t *)h.h_addr_list[i];
    }
    v->naddrs = n;
    v->name = h.h_name;
    v->aliases = h.h_aliases != NULL ? h.h_aliases : g_no_aliases;
    return 0;
}

/* What a lookup wants from a record. */
enum view_mode {
    VIEW_HOSTENT,   /* a hostent of one family: the blob, else CSADDRs */
    VIEW_TUPLES,    /* getaddrinfo: every CSADDR, else the blob */
    VIEW_REVERSE    /* gethostbyaddr: the blob, else the name alone */
};

/* A reverse answer: the blob's name and aliases, else the record's name
 * alone; either way with the address asked (self) as its only address,
 * as glibc's gethostbyaddr gives it.  0, 1, or WSA_NOT_ENOUGH_MEMORY. */
static int view_reverse(struct host_view *v, const WSAQUERYSETA *rec, int af,
                        const void *self)
{
    int rc = view_blob(v, rec, af);

    if (rc == WSA_NOT_ENOUGH_MEMORY)
        return rc;
    if (rc == 1) {
        host_view_clear(v);
        v->name = record_name(rec, NULL);
    }
    /* v->blob stays: the name and aliases may point into it. */
    free(v->addrs);
    v->naddrs = 0;
    v->addrs = calloc(1, sizeof *v->addrs);
    if (v->addrs == NULL)
        return WSA_NOT_ENOUGH_MEMORY;
    v->addrs[0].af = af;
    v->addrs[0].bytes = self;
    v->naddrs = 1;
    return 0;
}

/* What record rec says of the host for family af.  A hostent wants the
 * blob (it has the aliases, and glibc's view of odd lines such as "::1"
 * in an AF_INET hostent) and falls back on the CSADDRs; getaddrinfo
 * wants every CSADDR and falls back on the blob.  0 with v filled, 1
 * when the record has nothing for af, or WSA_NOT_ENOUGH_MEMORY. */
static int host_view_get(struct host_view *v, const WSAQUERYSETA *rec,
                         int af, enum view_mode mode, const char *qname,
                         const void *self)
{
    int rc;

    memset(v, 0, sizeof *v);
    switch (mode) {
    case VIEW_TUPLES:
        rc = view_csaddrs(v, rec, af);
        if (rc == 0 && v->naddrs == 0) {
            host_view_clear(v);
            rc = view_blob(v, rec, af);
        }
        break;
    case VIEW_HOSTENT:
        rc = view_blob(v, rec, af);
        if (rc == 1) {
            host_view_clear(v);
            rc = view_csaddrs(v, rec, af);
            if (rc == 0 && v->naddrs == 0)
                rc = 1;
        }
        break;
    default:
        rc = view_reverse(v, rec, af, self);
        break;
    }
    if (rc == 0) {
        if (v->name == NULL || v->name[0] == '\0')
            v->name = record_name(rec, qname);
        if (v->aliases == NULL)
            v->aliases = g_no_aliases;
        if (v->name == NULL)
            rc = 1;    /* a host without a name is no answer */
    }
    if (rc != 0)
        host_view_clear(v);
    return rc;
}

/* Runs the records of a lookup until one gives a host for af.  0 with v
 * filled; else the lookup's status, WSANO_DATA when records came but
 * none had an address of the family. */
static int find_host(struct nss_rnr_lookup *lk, int af, enum view_mode mode,
                     const char *qname, const void *self,
                     struct host_view *v)
{
    const WSAQUERYSETA *rec;
    int rc, seen = 0;

    while ((rc = nss_rnr_next(lk, &rec)) == 0) {
        seen = 1;
        rc = host_view_get(v, rec, af, mode, qname, self);
        if (rc != 1)
            return rc;
    }
    return seen && rc == WSA_E_NO_MORE ? WSANO_DATA : rc;
}

/* Copies v into the caller's hostent and buffer as a hostent of family
 * af.  0, or -1 when the buffer is too short (nothing written to
 * result). */
static int put_hostent(const struct host_view *v, int af,
                       struct hostent *result, char *buffer, size_t buflen)
{
    size_t alen = addr_len(af), nal, i;
    struct nss_rnr_buf b;
    char **aliases, **addrs, *name;
    uint8_t *bytes;

    for (nal = 0; v->aliases[nal] != NULL; nal++)
        ;
    /* The counts come from a bounded record; this only keeps the sizes
     * below from wrapping. */
    if (nal >= buflen || v->naddrs >= buflen)
        return -1;
    nss_rnr_buf_init(&b, buffer, buflen);
    aliases = nss_rnr_buf_take(&b, (nal + 1) * sizeof *aliases);
    addrs = nss_rnr_buf_take(&b, (v->naddrs + 1) * sizeof *addrs);
    bytes = nss_rnr_buf_take(&b, v->naddrs * alen);
    name = nss_rnr_buf_strdup(&b, v->name);
    if (aliases == NULL || addrs == NULL || bytes == NULL || name == NULL)
        return -1;
    for (i = 0; i < nal; i++)
        if ((aliases[i] = nss_rnr_buf_strdup(&b, v->aliases[i])) == NULL)
            return -1;
    aliases[nal] = NULL;
    for (i = 0; i < v->naddrs; i++) {
        addrs[i] = (char *)bytes + i * alen;
        memcpy(addrs[i], v->addrs[i].bytes, alen);
    }
    addrs[v->naddrs] = NULL;

    result->h_name = name;
    result->h_aliases = aliases;
    result->h_addrtype = af;
    result->h_length = (int)alen;
    result->h_addr_list = addrs;
    return 0;
}

/* Checks the arguments glibc passes through from applications. */
static int family_ok(int af, socklen_t len)
{
    return addr_len(af) != 0 && len >= addr_len(af);
}

static enum nss_status bad_family(int *errnop, int *h_errnop)
{
    *errnop = EAFNOSUPPORT;
    *h_errnop = NETDB_INTERNAL;
    return NSS_STATUS_UNAVAIL;
}

/* ------------------------------------------------------------ by name */

enum nss_status _nss_rnr_gethostbyname3_r(const char *name, int af,
                                          struct hostent *result,
                                          char *buffer, size_t buflen,
                                          int *errnop, int *h_errnop,
                                          int32_t *ttlp, char **canonp)
{
    AFPROTOCOLS afp = { af, IPPROTO_TCP };
    struct nss_rnr_lookup lk;
    struct host_view v = { 0 };
    enum nss_status st;
    int saved_errno = errno;
    int rc;

    /* rnr keeps no time to live: *ttlp stays as the caller set it, as
     * with nss_files. */
    (void)ttlp;
    if (addr_len(af) == 0)
        return bad_family(errnop, h_errnop);
    if (!name_ok(name))
        return nss_rnr_fail(WSAHOST_NOT_FOUND, errnop, h_errnop);

    rc = nss_rnr_begin(&lk, &g_byname, name, &afp, 1,
                       LUP_RETURN_NAME | LUP_RETURN_ADDR | LUP_RETURN_BLOB);
    if (rc == 0)
        rc = find_host(&lk, af, VIEW_HOSTENT, name, NULL, &v);
    if (rc != 0) {
        st = nss_rnr_fail(rc, errnop, h_errnop);
        goto done;
    }
    if (put_hostent(&v, af, result, buffer, buflen) != 0) {
        st = nss_rnr_erange(errnop, h_errnop);
        goto done;
    }
    if (canonp != NULL)
        *canonp = result->h_name;
    st = NSS_STATUS_SUCCESS;
done:
    host_view_clear(&v);
    return nss_rnr_end(&lk, st, saved_errno);
}

enum nss_status _nss_rnr_gethostbyname2_r(const char *name, int af,
                                          struct hostent *result,
                                          char *buffer, size_t buflen,
                                          int *errnop, int *h_errnop)
{
    return _nss_rnr_gethostbyname3_r(name, af, result, buffer, buflen,
                                     errnop, h_errnop, NULL, NULL);
}

/* Like nss_files without RES_USE_INET6 (deprecated): IPv4. */
enum nss_status _nss_rnr_gethostbyname_r(const char *name,
                                         struct hostent *result,
                                         char *buffer, size_t buflen,
                                         int *errnop, int *h_errnop)
{
    return _nss_rnr_gethostbyname3_r(name, AF_INET, result, buffer, buflen,
                                     errnop, h_errnop, NULL, NULL);
}

/* Lays the tuples of v out in the buffer and links them at *pat.  Like
 * nss_files, a tuple the caller already put at *pat is filled rather
 * than replaced (older getaddrinfo passes one).  0, or -1 when the
 * buffer is too short (nothing written). */
static int put_tuples(const struct host_view *v,
                      struct gaih_addrtuple **pat,
                      char *buffer, size_t buflen)
{
    size_t fresh = v->naddrs - (*pat != NULL ? 1 : 0), k = 0, i;
    struct gaih_addrtuple *tuples, *t;
    struct nss_rnr_buf b;
    char *name;

    if (v->naddrs >= buflen)
        return -1;
    nss_rnr_buf_init(&b, buffer, buflen);
    tuples = nss_rnr_buf_take(&b, fresh * sizeof *tuples);
    name = nss_rnr_buf_strdup(&b, v->name);
    if (tuples == NULL || name == NULL)
        return -1;
    for (i = 0; i < v->naddrs; i++) {
        t = *pat != NULL ? *pat : &tuples[k++];
        t->next = NULL;
        /* Only the first tuple names the host (getaddrinfo's canonical
         * name); the others say NULL, as nss_files does. */
        t->name = i == 0 ? name : NULL;
        t->family = v->addrs[i].af;
        memset(t->addr, 0, sizeof t->addr);
        memcpy(t->addr, v->addrs[i].bytes, addr_len(v->addrs[i].af));
        t->scopeid = v->addrs[i].scope_id;
        *pat = t;
        pat = &t->next;
    }
    return 0;
}

enum nss_status _nss_rnr_gethostbyname4_r(const char *name,
                                          struct gaih_addrtuple **pat,
                                          char *buffer, size_t buflen,
                                          int *errnop, int *h_errnop,
                                          int32_t *ttlp)
{
    AFPROTOCOLS afp[2] = { { AF_INET, IPPROTO_TCP },
                           { AF_INET6, IPPROTO_TCP } };
    struct nss_rnr_lookup lk;
    struct host_view v = { 0 };
    enum nss_status st;
    int saved_errno = errno;
    int rc;

    (void)ttlp;
    if (pat == NULL)
        return nss_rnr_fail(WSAEFAULT, errnop, h_errnop);
    if (!name_ok(name))
        return nss_rnr_fail(WSAHOST_NOT_FOUND, errnop, h_errnop);

    rc = nss_rnr_begin(&lk, &g_byname, name, afp, 2,
                       LUP_RETURN_NAME | LUP_RETURN_ADDR | LUP_RETURN_BLOB);
    if (rc == 0)
        rc = find_host(&lk, AF_UNSPEC, VIEW_TUPLES, name, NULL, &v);
    if (rc != 0) {
        st = nss_rnr_fail(rc, errnop, h_errnop);
        goto done;
    }
    if (put_tuples(&v, pat, buffer, buflen) != 0) {
        st = nss_rnr_erange(errnop, h_errnop);
        goto done;
    }
    st = NSS_STATUS_SUCCESS;
done:
    host_view_clear(&v);
    return nss_rnr_end(&lk, st, saved_errno);
}

/* ------------------------------------------------------------ by address */

enum nss_status _nss_rnr_gethostbyaddr2_r(const void *addr, socklen_t len,
                                          int af, struct hostent *result,
                                          char *buffer, size_t buflen,
                                          int *errnop, int *h_errnop,
                                          int32_t *ttlp)
{
    AFPROTOCOLS afp = { af, IPPROTO_TCP };
    char text[INET6_ADDRSTRLEN];
    struct nss_rnr_lookup lk;
    struct host_view v = { 0 };
    enum nss_status st;
    int saved_errno = errno;
    int rc;

    (void)ttlp;
    if (addr == NULL || !family_ok(af, len))
        return bad_family(errnop, h_errnop);
    if (inet_ntop(af, addr, text, sizeof text) == NULL)
        return bad_family(errnop, h_errnop);

    rc = nss_rnr_begin(&lk, &g_byaddr, text, &afp, 1,
                       LUP_RETURN_NAME | LUP_RETURN_ADDR | LUP_RETURN_BLOB);
    if (rc == 0)
        rc = find_host(&lk, af, VIEW_REVERSE, NULL, addr, &v);
    if (rc != 0) {
        st = nss_rnr_fail(rc, errnop, h_errnop);
        goto done;
    }
    if (put_hostent(&v, af, result, buffer, buflen) != 0) {
        st = nss_rnr_erange(errnop, h_errnop);
        goto done;
    }
    st = NSS_STATUS_SUCCESS;
done:
    host_view_clear(&v);
    return nss_rnr_end(&lk, st, saved_errno);
}

enum nss_status _nss_rnr_gethostbyaddr_r(const void *addr, socklen_t len,
                                         int af, struct hostent *result,
                                         char *buffer, size_t buflen,
                                         int *errnop, int *h_errnop)
{
    return _nss_rnr_gethostbyaddr2_r(addr, len, af, result, buffer, buflen,
                                     errnop, h_errnop, NULL);
}
