/* SPDX-License-Identifier: MIT */
/*
 * Legacy name-service API: SetService.
 *
 * SERVICE_REGISTER / SERVICE_DEREGISTER become WSASetService calls made
 * provider by provider, so that the call can tell which name-space
 * providers accepted and report SET_SERVICE_PARTIAL_SUCCESS (one
 * WSASetService over NS_ALL succeeds as soon as one provider does, and
 * would hide the others' failures).  Providers that take no
 * registrations at all (WSAEOPNOTSUPP, the local provider) are not
 * counted: they are not name spaces a service can be registered in.
 *
 * SERVICE_FLAG_DEFER queues the operation in this process until a
 * SERVICE_FLUSH, as the reference describes.  SERVICE_ADD_TYPE and
 * SERVICE_DELETE_TYPE install and remove a service class in rnrd's class
 * store, which every name space shares.
 */
#include "config.h"

#include <pthread.h>
#include <string.h>

#include "client.h"
#include "nspapi_int.h"
#include "alloc.h"
#include "queryset.h"

/* A registration or deregistration waiting for SERVICE_FLUSH. */
struct deferred {
    struct deferred  *next;
    DWORD             name_space;
    WSAESETSERVICEOP  op;
    WSAQUERYSETA     *qs;        /* flat copy */
};

static pthread_mutex_t g_defer_lock = PTHREAD_MUTEX_INITIALIZER;
static struct deferred *g_deferred;       /* oldest first */

/* Operations never flushed die with the process; free them at unload so
 * that leak checkers see a clean exit. */
__attribute__((destructor)) static void deferred_release(void)
{
    struct deferred *d;

    while ((d = g_deferred) != NULL) {
        g_deferred = d->next;
        rnr_free(d->qs);
        rnr_free(d);
    }
}

/* The socket type and protocol of a registered address: SERVICE_ADDRESS
 * does not carry them.  A UDP port class is a datagram service; anything
 * else over IP is taken as TCP, the common case for a registered server. */
static void reg_transport(const GUID *type, int family, INT *socktype, INT *proto)
{
    *socktype = 0;
    *proto = 0;
    if (family != AF_INET && family != AF_INET6)
        return;
    if (type != NULL && IS_SVCID_UDP(type)) {
        *socktype = SOCK_DGRAM;
        *proto = IPPROTO_UDP;
    } else {
        *socktype = SOCK_STREAM;
        *proto = IPPROTO_TCP;
    }
}

/* SERVICE_INFO -> WSAQUERYSETA (a flat copy, rnr_free it).  Addresses
 * become CSADDRs whose RemoteAddr is the sockaddr the service listens on;
 * ServiceSpecificInfo becomes the blob and dwVersion the version. */
static int reg_queryset(const SERVICE_INFOA *si, DWORD name_space, WSAQUERYSETA **out)
{
    const SERVICE_ADDRESSES *sa = si->lpServiceAddress;
    CSADDR_INFO *cs = NULL;
    WSAVERSION ver;
    WSAQUERYSETA q;
    BLOB blob;
    DWORD i, n = 0;

    if (si->lpServiceType == NULL || si->lpServiceName == NULL)
        return WSAEINVAL;
    if (sa != NULL && sa->dwAddressCount > RNR_QS_MAX_CSADDRS)
        return WSAEINVAL;
    memset(&q, 0, sizeof(q));
    q.dwSize = sizeof(q);
    q.lpServiceClassId = si->lpServiceType;
    q.lpszServiceInstanceName = si->lpServiceName;
    q.lpszComment = si->lpComment;
    q.dwNameSpace = name_space;
    ver.dwVersion = si->dwVersion;
    ver.ecHow = COMP_EQUAL;
    q.lpVersion = &ver;
    if (sa != NULL && sa->dwAddressCount > 0) {
        if ((cs = rnr_calloc(sa->dwAddressCount, sizeof(*cs))) == NULL)
            return WSA_NOT_ENOUGH_MEMORY;
        for (i = 0; i < sa->dwAddressCount; i++) {
            const SERVICE_ADDRESS *a = &sa->Addresses[i];
            sa_family_t fam;

            if (a->lpAddress == NULL || a->dwAddressLength < sizeof(fam)) {
                rnr_free(cs);
                return WSAEINVAL;
            }
            /* lpAddress is a BYTE pointer: maybe unaligned. */
            memcpy(&fam, a->lpAddress + offsetof(struct sockaddr, sa_family), sizeof(fam));
            cs[n].RemoteAddr.lpSockaddr = (struct sockaddr *)(void *)a->lpAddress;
            cs[n].RemoteAddr.iSockaddrLength = (INT)a->dwAddressLength;
            reg_transport(si->lpServiceType, fam, &cs[n].iSocketType, &cs[n].iProtocol);
            n++;
        }
        q.dwNumberOfCsAddrs = n;
        q.lpcsaBuffer = cs;
    }
    if (si->ServiceSpecificInfo.cbSize > 0) {
        blob = si->ServiceSpecificInfo;
        q.lpBlob = &blob;
    }
    if (rnr_qs_validate(&q, 1) != 0) {
        rnr_free(cs);
        return WSAEINVAL;
    }
    *out = rnr_qs_dup(&q, NULL);
    rnr_free(cs);
    return *out != NULL ? 0 : WSA_NOT_ENOUGH_MEMORY;
}

/* Which failure to report when no provider accepted: a refusal first,
 * then any real error (the daemon ranks them the same way). */
static int failure_rank(int st)
{
    return st == WSAEACCES ? 2 : st != 0;
}

/* The legacy code for what went wrong, where the reference names one. */
static int legacy_error(WSAESETSERVICEOP op, int st)
{
    if (op == RNRSERVICE_REGISTER && st == WSAEALREADY)
        return ERROR_ALREADY_REGISTERED;
    if (op != RNRSERVICE_REGISTER && st == WSASERVICE_NOT_FOUND)
        return ERROR_SERVICE_NOT_FOUND;
    return st;
}

/* One operation on every active provider of the name space (NS_DEFAULT:
 * all of them).  0 with *partial set when some refused; else the error. */
static int set_each_provider(WSAQUERYSETA *qs, DWORD name_space, WSAESETSERVICEOP op,
                             int *partial)
{
    WSANAMESPACE_INFOA *ns = NULL;
    DWORD len = 0;
    int n = SOCKET_ERROR, i, tries, ok = 0, failed = 0, worst = 0, st;

    /* Providers may be added (rnrd reloaded) between sizing and copying. */
    for (tries = 0; tries < 4; tries++) {
        n = WSAEnumNameSpaceProvidersA(&len, ns);
        if (n != SOCKET_ERROR)
            break;
        st = WSAGetLastError();
        rnr_free(ns);
        ns = NULL;
        if (st != WSAEFAULT)
            return st;
        if ((ns = rnr_malloc(len)) == NULL)
            return WSA_NOT_ENOUGH_MEMORY;
    }
    if (n == SOCKET_ERROR) {
        rnr_free(ns);
        return WSAEFAULT;
    }
    for (i = 0; i < n; i++) {
        if (!ns[i].fActive ||
            (name_space != NS_DEFAULT && ns[i].dwNameSpace != name_space))
            continue;
        qs->lpNSProviderId = &ns[i].NSProviderId;
        qs->dwNameSpace = ns[i].dwNameSpace;
        st = WSASetServiceA(qs, op, 0) == 0 ? 0 : WSAGetLastError();
        if (st == 0) {
            ok++;
        } else if (st != WSAEOPNOTSUPP) {
            failed++;
            if (failure_rank(st) > failure_rank(worst))
                worst = st;
        } else if (worst == 0) {
            worst = st;     /* reported only when nothing else went wrong */
        }
    }
    qs->lpNSProviderId = NULL;
    qs->dwNameSpace = name_space;
    rnr_free(ns);
    if (ok == 0)
        return legacy_error(op, worst != 0 ? worst : WSASERVICE_NOT_FOUND);
    if (failed > 0)
        *partial = 1;
    return 0;
}

static int defer(WSAQUERYSETA *qs, DWORD name_space, WSAESETSERVICEOP op)
{
    struct deferred *d = rnr_calloc(1, sizeof(*d)), **pp;

    if (d == NULL)
        return WSA_NOT_ENOUGH_MEMORY;
    d->qs = qs;
    d->name_space = name_space;
    d->op = op;
    pthread_mutex_lock(&g_defer_lock);
    for (pp = &g_deferred; *pp != NULL; pp = &(*pp)->next)
        ;
    *pp = d;
    pthread_mutex_unlock(&g_defer_lock);
    return 0;
}

/* Runs the deferred operations of the name space (NS_DEFAULT: all), in
 * the order they were asked for.  Each runs once, whatever its outcome:
 * the caller learns of failures from the status, and a retry is its
 * decision.  Fails only when every operation failed. */
static int flush(DWORD name_space, int *partial)
{
    struct deferred *todo = NULL, **tail = &todo, **pp, *d;
    int ok = 0, failed = 0, first_error = 0, st, part;

    pthread_mutex_lock(&g_defer_lock);
    for (pp = &g_deferred; (d = *pp) != NULL;) {
        if (name_space == NS_DEFAULT || d->name_space == name_space) {
            *pp = d->next;
            d->next = NULL;
            *tail = d;
            tail = &d->next;
        } else {
            pp = &d->next;
        }
    }
    pthread_mutex_unlock(&g_defer_lock);

    while ((d = todo) != NULL) {
        todo = d->next;
        part = 0;
        st = set_each_provider(d->qs, d->name_space, d->op, &part);
        if (st == 0)
            ok++;
        else if (failed++ == 0)
            first_error = st;
        if (part)
            *partial = 1;
        rnr_free(d->qs);
        rnr_free(d);
    }
    if (failed > 0 && ok == 0)
        return first_error;
    if (failed > 0)
        *partial = 1;
    return 0;
}

/* SERVICE_ADD_TYPE: the SERVICE_TYPE_INFO_ABS in ServiceSpecificInfo
 * becomes a class.  Its GUID is lpServiceType, which the reference says
 * the caller must set; when it is NULL the type is looked up by name as
 * GetTypeByName would (a services-database name gives its port class),
 * and an unknown name is an error rather than an invented GUID. */
static int add_type(const SERVICE_INFOA *si)
{
    const SERVICE_TYPE_INFO_ABSA *ti = (const void *)si->ServiceSpecificInfo.pBlobData;
    WSASERVICECLASSINFOA ci;
    WSANSCLASSINFOA *v = NULL;
    const char *name;
    GUID id;
    DWORD i;
    int rc;

    if (ti == NULL ||
        si->ServiceSpecificInfo.cbSize < offsetof(SERVICE_TYPE_INFO_ABSA, Values))
        return WSAEINVAL;
    if (ti->dwValueCount > (si->ServiceSpecificInfo.cbSize -
                            offsetof(SERVICE_TYPE_INFO_ABSA, Values)) /
                           sizeof(SERVICE_TYPE_VALUE_ABSA))
        return WSAEINVAL;
    name = ti->lpTypeName != NULL ? ti->lpTypeName : si->lpServiceName;
    if (name == NULL || name[0] == '\0')
        return WSAEINVAL;
    if (si->lpServiceType != NULL) {
        id = *si->lpServiceType;
    } else if ((rc = nsp_type_by_name(name, &id)) != 0) {
        return rc == WSATYPE_NOT_FOUND ? WSAEINVAL : rc;
    }
    if (ti->dwValueCount > 0 &&
        (v = rnr_calloc(ti->dwValueCount, sizeof(*v))) == NULL)
        return WSA_NOT_ENOUGH_MEMORY;
    for (i = 0; i < ti->dwValueCount; i++) {
        v[i].lpszName = ti->Values[i].lpValueName;
        v[i].dwNameSpace = ti->Values[i].dwNameSpace;
        v[i].dwValueType = ti->Values[i].dwValueType;
        v[i].dwValueSize = ti->Values[i].dwValueSize;
        v[i].lpValue = ti->Values[i].lpValue;
    }
    memset(&ci, 0, sizeof(ci));
    ci.lpServiceClassId = &id;
    ci.lpszServiceClassName = (char *)name;
    ci.dwCount = ti->dwValueCount;
    ci.lpClassInfos = v;
    rc = WSAInstallServiceClassA(&ci) == 0 ? 0 : WSAGetLastError();
    rnr_free(v);
    return rc == WSAEALREADY ? ERROR_ALREADY_REGISTERED : rc;
}

/* SERVICE_DELETE_TYPE: lpServiceType, or the type named like add_type. */
static int delete_type(const SERVICE_INFOA *si)
{
    const SERVICE_TYPE_INFO_ABSA *ti = (const void *)si->ServiceSpecificInfo.pBlobData;
    const char *name = si->lpServiceName;
    GUID id;
    int rc;

    if (si->lpServiceType != NULL) {
        id = *si->lpServiceType;
    } else {
        if (ti != NULL && si->ServiceSpecificInfo.cbSize >=
                          offsetof(SERVICE_TYPE_INFO_ABSA, dwValueCount) &&
            ti->lpTypeName != NULL)
            name = ti->lpTypeName;
        if (name == NULL)
            return WSAEINVAL;
        if ((rc = nsp_type_by_name(name, &id)) != 0)
            return rc == WSATYPE_NOT_FOUND ? ERROR_SERVICE_DOES_NOT_EXIST : rc;
    }
    rc = WSARemoveServiceClass(&id) == 0 ? 0 : WSAGetLastError();
    return rc == WSATYPE_NOT_FOUND ? ERROR_SERVICE_DOES_NOT_EXIST : rc;
}

INT SetServiceA(DWORD dwNameSpace, DWORD dwOperation, DWORD dwFlags,
                LPSERVICE_INFOA lpServiceInfo,
                LPSERVICE_ASYNC_INFO lpServiceAsyncInfo,
                LPDWORD lpdwStatusFlags)
{
    int saved = WSAGetLastError(), partial = 0, rc;
    WSAESETSERVICEOP op;
    WSAQUERYSETA *qs;

    /* Started or not is checked by the WSA calls, except for a flush or a
     * deferral, which make none: check here so that they fail alike. */
    if ((rc = rnr_client_enter(NULL)) != 0)
        return nsp_fail(rc);
    if (lpServiceAsyncInfo != NULL)
        return nsp_fail(WSAEINVAL);
    if (lpServiceInfo == NULL && dwOperation != SERVICE_FLUSH)
        return nsp_fail(WSAEFAULT);

    switch (dwOperation) {
    case SERVICE_REGISTER:
    case SERVICE_DEREGISTER:
        /* SERVICE_FLAG_HARD has no counterpart: whether a registration
         * persists is each provider's nature. */
        op = dwOperation == SERVICE_REGISTER ? RNRSERVICE_REGISTER : RNRSERVICE_DEREGISTER;
        if ((rc = reg_queryset(lpServiceInfo, dwNameSpace, &qs)) != 0)
            break;
        if (dwFlags & SERVICE_FLAG_DEFER) {
            if ((rc = defer(qs, dwNameSpace, op)) != 0)
                rnr_free(qs);
            break;
        }
        rc = set_each_provider(qs, dwNameSpace, op, &partial);
        rnr_free(qs);
        break;
    case SERVICE_FLUSH:
        rc = flush(dwNameSpace, &partial);
        break;
    case SERVICE_ADD_TYPE:
        rc = add_type(lpServiceInfo);
        break;
    case SERVICE_DELETE_TYPE:
        rc = delete_type(lpServiceInfo);
        break;
    default:
        rc = WSAEINVAL;
        break;
    }
    if (lpdwStatusFlags != NULL)
        *lpdwStatusFlags = partial ? SET_SERVICE_PARTIAL_SUCCESS : 0;
    if (rc != 0)
        return nsp_fail(rc);
    WSASetLastError(saved);
    return 0;
}
RNR_ALIAS(SetService, SetServiceA);
