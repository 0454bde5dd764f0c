/* SPDX-License-Identifier: MIT */
/*
 * gethostbyname, gethostbyaddr, gethostname (API reference, "The
 * gethostbyname function" etc.).
 */
#include "config.h"

#include <string.h>

#include "blob.h"
#include "client.h"
#include "getxbyy.h"

static const GUID g_byname = SVCID_INET_HOSTADDRBYNAME;
static const GUID g_byaddr = SVCID_INET_HOSTADDRBYINETSTRING;
static const GUID g_hostname = SVCID_HOSTNAME;

#define HOST_FLAGS (LUP_RETURN_BLOB | LUP_RETURN_NAME)

/* A hostent of the family asked for: a provider that ignores the
 * query's family restriction must not hand an IPv6 hostent to an IPv4
 * caller. */
static int accept_family(const WSAQUERYSETA *qs, int af)
{
    return rnr_xbyy_blob_family(qs) == af;
}

/* A hostent lookup restricted to (and accepting only) family af. */
static int host_query(struct rnr_xbyy_query *q, const GUID *cls,
                      const char *instance, int af)
{
    memset(q, 0, sizeof *q);
    q->cls = cls;
    q->instance = instance;
    q->af = af;
    q->flags = HOST_FLAGS;
    q->accept = accept_family;
    q->arg = af;
    q->not_found = WSAHOST_NOT_FOUND;
    q->unpack = rnr_blob_unpack_hostent;
    return 0;
}

static struct hostent *fail(int status)
{
    WSASetLastError(status);
    return NULL;
}

/* What the reference calls an "IP address string": what inet_addr reads
 * completely, or an IPv6 address. */
static int is_address_string(const char *name)
{
    uint8_t a6[16];
    uint32_t a4;
    const char *end;

    if (rnr_inet_parse4(name, &a4, &end) && *end == '\0')
        return 1;
    return inet_pton(AF_INET6, name, a6) == 1;
}

/*
 * Address strings: glibc's gethostbyname answers "1.2.3.4" (and "127.1")
 * itself with a hostent holding that address; the Winsock reference says
 * such a request "is treated exactly as if an unknown host name were
 * passed", and that an application should use inet_addr and
 * gethostbyaddr instead.  We follow the reference (WSAHOST_NOT_FOUND,
 * without asking rnrd: no provider could know such a name, and a DNS
 * provider might otherwise "resolve" it).  Names read from hosts files are
 * never address strings, so this does not affect the differential test
 * against glibc; it has its own case there.
 */
int rnr_hostdb_query_byname(const char *name, struct rnr_xbyy_query *q)
{
    if (name == NULL)
        return WSAEFAULT;
    if (is_address_string(name))
        return WSAHOST_NOT_FOUND;
    return host_query(q, &g_byname, name, AF_INET);
}

int rnr_hostdb_query_byaddr(const char *addr, int len, int type, char *text,
                            struct rnr_xbyy_query *q)
{
    int need;

    if (addr == NULL)
        return WSAEFAULT;
    if (type == AF_INET)
        need = 4;
    else if (type == AF_INET6)
        need = 16;
    else
        return WSAEAFNOSUPPORT;
    /* Only an exact length makes sense for the family (glibc agrees). */
    if (len != need)
        return WSAEFAULT;
    if (inet_ntop(type, addr, text, INET6_ADDRSTRLEN) == NULL)
        return WSANO_RECOVERY;
    return host_query(q, &g_byaddr, text, type);
}

struct hostent *rnr_gethostbyname(const char *name)
{
    struct rnr_xbyy_query q;
    void *he;
    int rc;

    if (name == NULL)
        return fail(WSAEFAULT);
    if ((rc = rnr_client_enter(NULL)) != 0 ||
        (rc = rnr_hostdb_query_byname(name, &q)) != 0 ||
        (rc = rnr_xbyy_run(&q, RNR_TLS_HOSTBYNAME, &he)) != 0)
        return fail(rc);
    return he;
}

struct hostent *rnr_gethostbyaddr(const char *addr, int len, int type)
{
    char text[INET6_ADDRSTRLEN];
    struct rnr_xbyy_query q;
    void *he;
    int rc, enter;

    /* Argument errors come before WSANOTINITIALISED. */
    rc = rnr_hostdb_query_byaddr(addr, len, type, text, &q);
    if (rc == WSAEFAULT || rc == WSAEAFNOSUPPORT)
        return fail(rc);
    if ((enter = rnr_client_enter(NULL)) != 0)
        return fail(enter);
    if (rc != 0 || (rc = rnr_xbyy_run(&q, RNR_TLS_HOSTBYADDR, &he)) != 0)
        return fail(rc);
    return he;
}

static int accept_named(const WSAQUERYSETA *qs, int arg)
{
    (void)arg;
    return qs->lpszServiceInstanceName != NULL &&
           qs->lpszServiceInstanceName[0] != '\0';
}

/* SVCID_HOSTNAME with a NULL instance and LUP_RETURN_NAME (the
 * reference's emulation of gethostname); the local provider always has
 * an answer, a token name on a machine without one. */
int rnr_gethostname(char *name, int namelen)
{
    struct rnr_xbyy_query q;
    struct rnr_xbyy_result r;
    size_t len;
    int rc;

    if (name == NULL || namelen <= 0)
        return rnr_fail(WSAEFAULT);
    if ((rc = rnr_client_enter(NULL)) != 0)
        return rnr_fail(rc);
    memset(&q, 0, sizeof q);
    q.cls = &g_hostname;
    q.flags = LUP_RETURN_NAME;
    q.accept = accept_named;
    rc = rnr_xbyy_lookup(&q, 0, &r);
    if (rc != 0)
        return rnr_fail(rnr_xbyy_status(rc, WSANO_RECOVERY));
    len = strlen(r.qs->lpszServiceInstanceName);
    if (len >= (size_t)namelen)
        rc = WSAEFAULT;
    else
        memcpy(name, r.qs->lpszServiceInstanceName, len + 1);
    rnr_xbyy_result_free(&r);
    return rnr_result(rc);
}
