/* SPDX-License-Identifier: MIT */
/*
 * The legacy name-service API (<rnr/nspapi.h>) through a real rnrd with
 * the hosts, local and test (in-memory, NS_X500) providers:
 * GetAddressByName (single, RES_FIND_MULTIPLE, RES_SERVICE, protocols,
 * the alias buffer, short buffers), SetService (register, deregister,
 * defer / flush, partial success, add / delete type), GetService with
 * PROP_* selections, GetTypeByName, GetNameByType, EnumProtocols and the
 * last error.
 */
#include "config.h"

#include <rnr/nspapi.h>

#include "itest.h"

#define ALIGN8(n) (((n) + 7) & ~(size_t)7)

static struct rnrt_daemon daemon_;
static GUID byname = SVCID_INET_HOSTADDRBYNAME;
static GUID svc_class;       /* an application's class, set in setup */

static int group_setup(void **state)
{
    WSADATA wd;
    (void)state;
    if (rnrt_daemon_init(&daemon_,
                         "[provider mem]\nmodule = " RNRT_MODULE_TESTPROV "\n"
                         "namespace = NS_X500\n") != 0 ||
        rnrt_daemon_start(&daemon_) != 0)
        return -1;
    if (rnr_guid_parse("{6A1D0C3E-2B4F-4E7A-8C9D-0E1F2A3B4C5D}", &svc_class) != 0)
        return -1;
    return WSAStartup(MAKEWORD(2, 2), &wd);
}

static int group_teardown(void **state)
{
    (void)state;
    return rnrt_session_end(&daemon_);
}

static const char *sa_text(const SOCKET_ADDRESS *sa, char *buf, size_t len)
{
    CSADDR_INFO cs;
    WSAQUERYSETA r;

    memset(&cs, 0, sizeof cs);
    memset(&r, 0, sizeof r);
    cs.RemoteAddr = *sa;
    r.lpcsaBuffer = &cs;
    return rnrt_addr(&r, 0, buf, len);
}

/* Every pointer of the CSADDR array points inside the caller's buffer,
 * after the array. */
static void assert_inside(const void *buf, DWORD len, int n)
{
    const CSADDR_INFO *cs = buf;
    const char *lo = (const char *)buf + (size_t)n * sizeof *cs, *hi = (const char *)buf + len;
    int i;

    for (i = 0; i < n; i++) {
        const char *l = (const char *)cs[i].LocalAddr.lpSockaddr;
        const char *r = (const char *)cs[i].RemoteAddr.lpSockaddr;
        assert_true(r >= lo && r + cs[i].RemoteAddr.iSockaddrLength <= hi);
        if (l != NULL)
            assert_true(l >= lo && l + cs[i].LocalAddr.iSockaddrLength <= hi);
    }
}

/* ------------------------------------------------------------------ */
/* GetAddressByName                                                     */
/* ------------------------------------------------------------------ */

static void test_getaddr_single(void **state)
{
    GUID ftp = SVCID_TCP(21);
    union { CSADDR_INFO cs[8]; char b[1024]; } u;
    DWORD len = sizeof u;
    char a[80];
    int n;
    (void)state;

    n = GetAddressByName(NS_DEFAULT, &ftp, "alpha", NULL, 0, NULL, &u, &len, NULL, NULL);
    assert_int_equal(n, 1);
    assert_string_equal(sa_text(&u.cs[0].RemoteAddr, a, sizeof a), "192.0.2.10:21");
    assert_int_equal(u.cs[0].iSocketType, SOCK_STREAM);
    assert_int_equal(u.cs[0].iProtocol, IPPROTO_TCP);
    /* The structures, then the two sockaddrs (local, remote). */
    assert_int_equal(len, sizeof(CSADDR_INFO) + 2 * sizeof(struct sockaddr_in));
    assert_inside(&u, len, n);

    /* Both families, both protocols: one CSADDR per (address, protocol). */
    {
        INT protos[] = { IPPROTO_TCP, IPPROTO_UDP, 0 };
        int tcp = 0, udp = 0, v6 = 0, i;

        len = sizeof u;
        n = GetAddressByName(NS_TCPIP_HOSTS, &byname, "alpha.example", protos, 0, NULL,
                             &u, &len, NULL, NULL);
        assert_int_equal(n, 4);
        assert_inside(&u, len, n);
        for (i = 0; i < n; i++) {
            tcp += u.cs[i].iProtocol == IPPROTO_TCP;
            udp += u.cs[i].iProtocol == IPPROTO_UDP;
            v6 += u.cs[i].RemoteAddr.lpSockaddr->sa_family == AF_INET6;
        }
        assert_int_equal(tcp, 2);
        assert_int_equal(udp, 2);
        assert_int_equal(v6, 2);

        /* UDP only. */
        protos[0] = IPPROTO_UDP;
        protos[1] = 0;
        len = sizeof u;
        n = GetAddressByName(NS_DEFAULT, &byname, "alpha.example", protos, 0, NULL,
                             &u, &len, NULL, NULL);
        assert_int_equal(n, 2);
        assert_int_equal(u.cs[0].iProtocol, IPPROTO_UDP);
        assert_int_equal(u.cs[1].iProtocol, IPPROTO_UDP);
    }

    /* Unknown name: the lookup's own status. */
    len = sizeof u;
    assert_int_equal(GetAddressByName(NS_DEFAULT, &byname, "no-such-host.example", NULL, 0,
                                      NULL, &u, &len, NULL, NULL), SOCKET_ERROR);
    assert_int_equal(GetLastError(), WSAHOST_NOT_FOUND);

    /* Bad arguments. */
    assert_int_equal(GetAddressByName(NS_DEFAULT, &byname, "alpha", NULL, 0, NULL,
                                      &u, NULL, NULL, NULL), SOCKET_ERROR);
    assert_int_equal(GetLastError(), WSAEFAULT);
    assert_int_equal(GetAddressByName(NS_DEFAULT, NULL, "alpha", NULL, 0, NULL,
                                      &u, &len, NULL, NULL), SOCKET_ERROR);
    assert_int_equal(GetLastError(), WSAEINVAL);
}

static void test_getaddr_aliases_and_short_buffers(void **state)
{
    char *buf, *al, small[4];
    DWORD len = 0, alen = sizeof small, need, aneed;
    const char expect[] = "alpha.example\0alpha\0al\0";   /* + the final NUL */
    int n;
    (void)state;

    /* Sizing call: no buffer at all. */
    assert_int_equal(GetAddressByName(NS_DEFAULT, &byname, "alpha.example", NULL, 0, NULL,
                                      NULL, &len, small, &alen), SOCKET_ERROR);
    assert_int_equal(GetLastError(), ERROR_INSUFFICIENT_BUFFER);
    need = len;
    aneed = alen;
    /* Each sockaddr starts 8-aligned: a 28-byte sockaddr_in6 takes 32. */
    assert_int_equal(need, 2 * sizeof(CSADDR_INFO) + 2 * sizeof(struct sockaddr_in) +
                           2 * ALIGN8(sizeof(struct sockaddr_in6)));
    assert_int_equal(aneed, sizeof expect);

    /* One byte short of each, in turn: the same sizes again. */
    buf = malloc(need);
    al = malloc(aneed);
    len = need - 1;
    alen = aneed;
    assert_int_equal(GetAddressByName(NS_DEFAULT, &byname, "alpha.example", NULL, 0, NULL,
                                      buf, &len, al, &alen), SOCKET_ERROR);
    assert_int_equal(GetLastError(), ERROR_INSUFFICIENT_BUFFER);
    assert_int_equal(len, need);
    len = need;
    alen = aneed - 1;
    assert_int_equal(GetAddressByName(NS_DEFAULT, &byname, "alpha.example", NULL, 0, NULL,
                                      buf, &len, al, &alen), SOCKET_ERROR);
    assert_int_equal(GetLastError(), ERROR_INSUFFICIENT_BUFFER);
    assert_int_equal(alen, aneed);

    /* Exactly enough. */
    len = need;
    alen = aneed;
    n = GetAddressByName(NS_DEFAULT, &byname, "alpha.example", NULL, 0, NULL,
                         buf, &len, al, &alen);
    assert_int_equal(n, 2);
    assert_int_equal(len, need);
    assert_int_equal(alen, aneed);
    assert_memory_equal(al, expect, sizeof expect);
    assert_inside(buf, len, n);
    free(buf);
    free(al);
}

static void fill_service(SERVICE_INFO *si, SERVICE_ADDRESSES *sa, struct sockaddr_in *sin,
                         GUID *type, char *name, const char *ip, unsigned port)
{
    memset(sin, 0, sizeof *sin);
    sin->sin_family = AF_INET;
    sin->sin_port = htons((uint16_t)port);
    inet_pton(AF_INET, ip, &sin->sin_addr);
    memset(sa, 0, sizeof *sa);
    sa->dwAddressCount = 1;
    sa->Addresses[0].dwAddressType = AF_INET;
    sa->Addresses[0].dwAddressLength = sizeof *sin;
    sa->Addresses[0].lpAddress = (BYTE *)sin;
    memset(si, 0, sizeof *si);
    si->lpServiceType = type;
    si->lpServiceName = name;
    si->lpServiceAddress = sa;
}

static void test_getaddr_find_multiple(void **state)
{
    SERVICE_INFO si;
    SERVICE_ADDRESSES sa;
    struct sockaddr_in sin;
    union { CSADDR_INFO cs[8]; char b[1024]; } u;
    char al[128], a[80];
    DWORD len, alen, status = 99;
    (void)state;

    /* The same host name in a second name space, with another address. */
    fill_service(&si, &sa, &sin, &byname, "alpha.example", "192.0.2.99", 0);
    assert_int_equal(SetService(NS_X500, SERVICE_REGISTER, 0, &si, NULL, &status), 0);
    assert_int_equal(status, 0);

    /* The first name space that answers: the hosts file. */
    len = sizeof u;
    alen = sizeof al;
    assert_int_equal(GetAddressByName(NS_DEFAULT, &byname, "alpha.example", NULL, 0, NULL,
                                      &u, &len, al, &alen), 2);
    assert_string_equal(sa_text(&u.cs[0].RemoteAddr, a, sizeof a), "192.0.2.10:0");

    /* Every name space. */
    len = sizeof u;
    alen = sizeof al;
    assert_int_equal(GetAddressByName(NS_DEFAULT, &byname, "alpha.example", NULL,
                                      RES_FIND_MULTIPLE, NULL, &u, &len, al, &alen), 3);
    assert_string_equal(sa_text(&u.cs[2].RemoteAddr, a, sizeof a), "192.0.2.99:0");
    assert_inside(&u, len, 3);
    /* The name is listed once though two name spaces gave it. */
    assert_memory_equal(al, "alpha.example\0alpha\0al\0", 24);

    /* Only that name space. */
    len = sizeof u;
    assert_int_equal(GetAddressByName(NS_X500, &byname, "alpha.example", NULL,
                                      RES_FIND_MULTIPLE, NULL, &u, &len, NULL, NULL), 1);
    assert_string_equal(sa_text(&u.cs[0].RemoteAddr, a, sizeof a), "192.0.2.99:0");

    assert_int_equal(SetService(NS_X500, SERVICE_DEREGISTER, 0, &si, NULL, &status), 0);
}

static void test_getaddr_res_service(void **state)
{
    GUID port_class = SVCID_TCP(4242);
    INT tcp[] = { IPPROTO_TCP, 0 };
    union { CSADDR_INFO cs[8]; char b[1024]; } u;
    DWORD len = sizeof u;
    const struct sockaddr_in *s;
    char al[8];
    DWORD alen = sizeof al;
    int n, i;
    (void)state;

    /* No provider offers a bind address: the wildcard of each transport
     * at the class's port. */
    n = GetAddressByName(NS_DEFAULT, &port_class, NULL, tcp, RES_SERVICE, NULL,
                         &u, &len, al, &alen);
    assert_true(n >= 1);
    for (i = 0; i < n; i++)
        assert_int_equal(u.cs[i].iProtocol, IPPROTO_TCP);
    s = (const void *)u.cs[0].LocalAddr.lpSockaddr;
    assert_int_equal(s->sin_family, AF_INET);
    assert_int_equal(ntohs(s->sin_port), 4242);
    assert_int_equal(s->sin_addr.s_addr, htonl(INADDR_ANY));
    /* No names: the double NUL. */
    assert_int_equal(alen, 2);
    assert_memory_equal(al, "\0", 2);

    /* A class with no port. */
    len = sizeof u;
    assert_int_equal(GetAddressByName(NS_DEFAULT, &svc_class, "ignored", NULL, RES_SERVICE,
                                      NULL, &u, &len, NULL, NULL), SOCKET_ERROR);
    assert_int_equal(GetLastError(), WSASERVICE_NOT_FOUND);
}

/* ------------------------------------------------------------------ */
/* SetService / GetService                                              */
/* ------------------------------------------------------------------ */

static void register_full(SERVICE_INFO *si, SERVICE_ADDRESSES *sa, struct sockaddr_in *sin,
                          BYTE *blob, char *name)
{
    fill_service(si, sa, sin, &svc_class, name, "192.0.2.50", 6000);
    si->lpComment = "a legacy service";
    si->dwVersion = 3;
    si->ServiceSpecificInfo.cbSize = 4;
    si->ServiceSpecificInfo.pBlobData = blob;
}

static void test_getservice_props(void **state)
{
    SERVICE_INFO si;
    SERVICE_ADDRESSES sa;
    struct sockaddr_in sin;
    BYTE blob[4] = { 1, 2, 3, 4 };
    DWORD len, status = 99, need;
    NS_SERVICE_INFO *ns;
    char *buf;
    char a[80];
    (void)state;

    register_full(&si, &sa, &sin, blob, "legacy-one");
    assert_int_equal(SetService(NS_X500, SERVICE_REGISTER, 0, &si, NULL, &status), 0);
    assert_int_equal(status, 0);

    /* Sizing call. */
    len = 0;
    assert_int_equal(GetService(NS_X500, &svc_class, "legacy-one", PROP_COMMENT, NULL, &len,
                                NULL), SOCKET_ERROR);
    assert_int_equal(GetLastError(), ERROR_INSUFFICIENT_BUFFER);
    need = len;
    buf = malloc(need);
    len = need - 1;
    assert_int_equal(GetService(NS_X500, &svc_class, "legacy-one", PROP_COMMENT, buf, &len,
                                NULL), SOCKET_ERROR);
    assert_int_equal(len, need);
    assert_int_equal(GetService(NS_X500, &svc_class, "legacy-one", PROP_COMMENT, buf, &len,
                                NULL), 1);
    ns = (void *)buf;
    assert_int_equal(ns->dwNameSpace, NS_X500);
    assert_true(rnr_guid_equal(ns->ServiceInfo.lpServiceType, &svc_class));
    assert_string_equal(ns->ServiceInfo.lpServiceName, "legacy-one");
    assert_string_equal(ns->ServiceInfo.lpComment, "a legacy service");
    assert_null(ns->ServiceInfo.lpServiceAddress);
    assert_int_equal(ns->ServiceInfo.ServiceSpecificInfo.cbSize, 0);
    free(buf);

    /* Addresses only. */
    buf = malloc(4096);
    len = 4096;
    assert_int_equal(GetService(NS_X500, &svc_class, "legacy-one", PROP_ADDRESSES, buf, &len,
                                NULL), 1);
    ns = (void *)buf;
    assert_null(ns->ServiceInfo.lpComment);
    assert_non_null(ns->ServiceInfo.lpServiceAddress);
    assert_int_equal(ns->ServiceInfo.lpServiceAddress->dwAddressCount, 1);
    assert_int_equal(ns->ServiceInfo.lpServiceAddress->Addresses[0].dwAddressType, AF_INET);
    assert_int_equal(ns->ServiceInfo.lpServiceAddress->Addresses[0].dwAddressLength,
                     sizeof(struct sockaddr_in));
    {
        SOCKET_ADDRESS s = { (LPSOCKADDR)ns->ServiceInfo.lpServiceAddress->Addresses[0].lpAddress,
                             sizeof(struct sockaddr_in) };
        assert_string_equal(sa_text(&s, a, sizeof a), "192.0.2.50:6000");
    }

    /* Everything; in every name space (only NS_X500 knows it). */
    len = 4096;
    assert_int_equal(GetService(NS_DEFAULT, &svc_class, "legacy-one", PROP_ALL, buf, &len,
                                NULL), 1);
    assert_true(len <= 4096);
    assert_string_equal(ns->ServiceInfo.lpComment, "a legacy service");
    assert_int_equal(ns->ServiceInfo.dwVersion, 3);
    assert_string_equal(ns->ServiceInfo.lpLocale, "");
    assert_string_equal(ns->ServiceInfo.lpMachineName, "");
    assert_int_equal(ns->ServiceInfo.lpServiceAddress->dwAddressCount, 1);
    assert_int_equal(ns->ServiceInfo.ServiceSpecificInfo.cbSize, 4);
    assert_memory_equal(ns->ServiceInfo.ServiceSpecificInfo.pBlobData, blob, 4);
    assert_true((char *)ns->ServiceInfo.ServiceSpecificInfo.pBlobData + 4 <= buf + len);

    /* Deregistered: zero structures and ERROR_SERVICE_NOT_FOUND. */
    assert_int_equal(SetService(NS_X500, SERVICE_DEREGISTER, 0, &si, NULL, &status), 0);
    len = 4096;
    WSASetLastError(0);
    assert_int_equal(GetService(NS_X500, &svc_class, "legacy-one", PROP_ALL, buf, &len,
                                NULL), 0);
    assert_int_equal(GetLastError(), ERROR_SERVICE_NOT_FOUND);

    /* Deregistering it again: the only name space fails ... */
    assert_int_equal(SetService(NS_X500, SERVICE_DEREGISTER, 0, &si, NULL, &status),
                     SOCKET_ERROR);
    assert_int_equal(GetLastError(), ERROR_SERVICE_NOT_FOUND);
    assert_int_equal(status, 0);
    /* ... while over every name space the hosts file (static, accepts
     * anything) succeeds and the in-memory one does not: partial. */
    assert_int_equal(SetService(NS_DEFAULT, SERVICE_DEREGISTER, 0, &si, NULL, &status), 0);
    assert_int_equal(status, SET_SERVICE_PARTIAL_SUCCESS);
    free(buf);
}

static void test_setservice_defer_flush(void **state)
{
    SERVICE_INFO si;
    SERVICE_ADDRESSES sa;
    struct sockaddr_in sin;
    BYTE blob[4] = { 9, 9, 9, 9 };
    char buf[2048];
    DWORD len, status = 99;
    (void)state;

    register_full(&si, &sa, &sin, blob, "legacy-deferred");
    assert_int_equal(SetService(NS_DEFAULT, SERVICE_REGISTER, SERVICE_FLAG_DEFER, &si, NULL,
                                &status), 0);
    len = sizeof buf;
    assert_int_equal(GetService(NS_X500, &svc_class, "legacy-deferred", PROP_ALL, buf, &len,
                                NULL), 0);
    assert_int_equal(GetLastError(), ERROR_SERVICE_NOT_FOUND);

    /* A flush of another name space leaves it queued. */
    assert_int_equal(SetService(NS_DNS, SERVICE_FLUSH, 0, NULL, NULL, &status), 0);
    len = sizeof buf;
    assert_int_equal(GetService(NS_X500, &svc_class, "legacy-deferred", PROP_ALL, buf, &len,
                                NULL), 0);

    /* Registered in every name space that takes registrations (hosts and
     * the in-memory one); the local provider takes none and does not
     * count as a failure. */
    assert_int_equal(SetService(NS_DEFAULT, SERVICE_FLUSH, 0, NULL, NULL, &status), 0);
    assert_int_equal(status, 0);
    len = sizeof buf;
    assert_int_equal(GetService(NS_X500, &svc_class, "legacy-deferred", PROP_ALL, buf, &len,
                                NULL), 1);

    /* Deferred deregistration, flushed by name space. */
    assert_int_equal(SetService(NS_X500, SERVICE_DEREGISTER, SERVICE_FLAG_DEFER, &si, NULL,
                                &status), 0);
    len = sizeof buf;
    assert_int_equal(GetService(NS_X500, &svc_class, "legacy-deferred", PROP_ALL, buf, &len,
                                NULL), 1);
    assert_int_equal(SetService(NS_X500, SERVICE_FLUSH, 0, NULL, NULL, &status), 0);
    len = sizeof buf;
    assert_int_equal(GetService(NS_X500, &svc_class, "legacy-deferred", PROP_ALL, buf, &len,
                                NULL), 0);

    /* Nothing queued: a no-op. */
    assert_int_equal(SetService(NS_DEFAULT, SERVICE_FLUSH, 0, NULL, NULL, &status), 0);
    assert_int_equal(status, 0);

    /* Unknown operation; no service information. */
    assert_int_equal(SetService(NS_DEFAULT, 42, 0, &si, NULL, &status), SOCKET_ERROR);
    assert_int_equal(GetLastError(), WSAEINVAL);
    assert_int_equal(SetService(NS_DEFAULT, SERVICE_REGISTER, 0, NULL, NULL, &status),
                     SOCKET_ERROR);
    assert_int_equal(GetLastError(), WSAEFAULT);
}

/* ------------------------------------------------------------------ */
/* Types                                                                */
/* ------------------------------------------------------------------ */

static void test_add_delete_type(void **state)
{
    struct {
        SERVICE_TYPE_INFO_ABS info;
        SERVICE_TYPE_VALUE_ABS more[1];
    } t;
    DWORD port = 7007, sap = 0x0456, status = 99, len;
    SERVICE_INFO si;
    GUID got;
    char name[64];
    union { CSADDR_INFO cs[8]; char b[1024]; } u;
    const struct sockaddr_in *s;
    INT tcp[] = { IPPROTO_TCP, 0 }, udp[] = { IPPROTO_UDP, 0 };
    char a[80];
    (void)state;

    memset(&t, 0, sizeof t);
    t.info.lpTypeName = "Legacy Echo";
    t.info.dwValueCount = 2;
    t.info.Values[0] = (SERVICE_TYPE_VALUE_ABS){ NS_DEFAULT, REG_DWORD, sizeof port,
                                                 SERVICE_TYPE_VALUE_TCPPORT, &port };
    /* The second value lives past Values[1], as Windows code allocates. */
    t.more[0] = (SERVICE_TYPE_VALUE_ABS){ NS_SAP, REG_DWORD, sizeof sap,
                                          SERVICE_TYPE_VALUE_SAPID, &sap };
    memset(&si, 0, sizeof si);
    si.lpServiceType = &svc_class;
    si.ServiceSpecificInfo.cbSize = sizeof t;
    si.ServiceSpecificInfo.pBlobData = (BYTE *)&t;

    assert_int_equal(GetTypeByName("Legacy Echo", &got), SOCKET_ERROR);
    assert_int_equal(GetLastError(), ERROR_SERVICE_DOES_NOT_EXIST);

    assert_int_equal(SetService(NS_DEFAULT, SERVICE_ADD_TYPE, 0, &si, NULL, &status), 0);
    assert_int_equal(status, 0);
    assert_int_equal(SetService(NS_DEFAULT, SERVICE_ADD_TYPE, 0, &si, NULL, &status),
                     SOCKET_ERROR);
    assert_int_equal(GetLastError(), ERROR_ALREADY_REGISTERED);

    /* Names compare without case. */
    memset(&got, 0, sizeof got);
    assert_int_equal(GetTypeByName("legacy ECHO", &got), 0);
    assert_true(rnr_guid_equal(&got, &svc_class));
    assert_int_equal(GetNameByType(&svc_class, name, sizeof name), 0);
    assert_string_equal(name, "Legacy Echo");
    assert_int_equal(GetNameByType(&svc_class, name, 4), SOCKET_ERROR);
    assert_int_equal(GetLastError(), ERROR_INSUFFICIENT_BUFFER);

    /* Its TcpPort is where a service of the type binds. */
    len = sizeof u;
    assert_true(GetAddressByName(NS_DEFAULT, &svc_class, NULL, tcp, RES_SERVICE, NULL,
                                 &u, &len, NULL, NULL) >= 1);
    s = (const void *)u.cs[0].LocalAddr.lpSockaddr;
    assert_int_equal(ntohs(s->sin_port), 7007);

    /* And where a service of the type on a host is reached. */
    len = sizeof u;
    assert_int_equal(GetAddressByName(NS_DEFAULT, &svc_class, "alpha", NULL, 0, NULL,
                                      &u, &len, NULL, NULL), 1);
    assert_string_equal(sa_text(&u.cs[0].RemoteAddr, a, sizeof a), "192.0.2.10:7007");
    assert_int_equal(u.cs[0].iProtocol, IPPROTO_TCP);
    len = sizeof u;
    assert_int_equal(GetAddressByName(NS_DEFAULT, &svc_class, "alpha", udp, 0, NULL,
                                      &u, &len, NULL, NULL), SOCKET_ERROR);
    assert_int_equal(GetLastError(), WSASERVICE_NOT_FOUND);

    /* Removed by GUID; then by name it no longer has. */
    memset(&si, 0, sizeof si);
    si.lpServiceType = &svc_class;
    assert_int_equal(SetService(NS_DEFAULT, SERVICE_DELETE_TYPE, 0, &si, NULL, &status), 0);
    assert_int_equal(SetService(NS_DEFAULT, SERVICE_DELETE_TYPE, 0, &si, NULL, &status),
                     SOCKET_ERROR);
    assert_int_equal(GetLastError(), ERROR_SERVICE_DOES_NOT_EXIST);
    si.lpServiceType = NULL;
    si.lpServiceName = "Legacy Echo";
    assert_int_equal(SetService(NS_DEFAULT, SERVICE_DELETE_TYPE, 0, &si, NULL, &status),
                     SOCKET_ERROR);
    assert_int_equal(GetLastError(), ERROR_SERVICE_DOES_NOT_EXIST);
    assert_int_equal(GetTypeByName("Legacy Echo", &got), SOCKET_ERROR);
    assert_int_equal(GetNameByType(&svc_class, name, sizeof name), SOCKET_ERROR);
    assert_int_equal(GetLastError(), ERROR_SERVICE_DOES_NOT_EXIST);

    /* A blob too short for its value count. */
    si.lpServiceType = &svc_class;
    si.ServiceSpecificInfo.cbSize = sizeof t.info;
    si.ServiceSpecificInfo.pBlobData = (BYTE *)&t;
    assert_int_equal(SetService(NS_DEFAULT, SERVICE_ADD_TYPE, 0, &si, NULL, &status),
                     SOCKET_ERROR);
    assert_int_equal(GetLastError(), WSAEINVAL);
}

static void test_type_names_of_services(void **state)
{
    GUID got, ftp = SVCID_TCP(21), ssh = SVCID_TCP(22), host = SVCID_HOSTNAME;
    char name[32];
    (void)state;

    assert_int_equal(GetTypeByName("ftp", &got), 0);
    assert_true(rnr_guid_equal(&got, &ftp));
    assert_int_equal(GetTypeByName("www", &got), 0);      /* an alias of http */
    assert_int_equal(PORT_FROM_SVCID_TCP(&got), 80);
    assert_int_equal(GetNameByType(&ssh, name, sizeof name), 0);
    assert_string_equal(name, "ssh");
    /* The built-in classes, both ways. */
    assert_int_equal(GetNameByType(&host, name, sizeof name), 0);
    assert_int_equal(GetTypeByName(name, &got), 0);
    assert_true(rnr_guid_equal(&got, &host));

    assert_int_equal(GetTypeByName("no-such-service", &got), SOCKET_ERROR);
    assert_int_equal(GetLastError(), ERROR_SERVICE_DOES_NOT_EXIST);
    assert_int_equal(GetTypeByName("", &got), SOCKET_ERROR);
    assert_int_equal(GetLastError(), ERROR_SERVICE_DOES_NOT_EXIST);
    assert_int_equal(GetTypeByName(NULL, &got), SOCKET_ERROR);
    assert_int_equal(GetLastError(), WSAEFAULT);
}

/* ------------------------------------------------------------------ */
/* EnumProtocols                                                        */
/* ------------------------------------------------------------------ */

static void test_enum_protocols(void **state)
{
    BYTE buffer[2048];
    DWORD len = 0, need;
    PROTOCOL_INFO *pi = (void *)buffer;
    WSAPROTOCOL_INFOA w[8];
    DWORD wlen = sizeof w;
    INT udp[] = { IPPROTO_UDP, 0 };
    int n, wn, i;
    (void)state;

    assert_int_equal(EnumProtocols(NULL, NULL, &len), SOCKET_ERROR);
    assert_int_equal(GetLastError(), ERROR_INSUFFICIENT_BUFFER);
    need = len;
    len = need - 1;
    assert_int_equal(EnumProtocols(NULL, buffer, &len), SOCKET_ERROR);
    assert_int_equal(len, need);

    /* The reference's sample: a 2048-byte buffer is enough. */
    len = sizeof buffer;
    n = EnumProtocols(NULL, buffer, &len);
    wn = WSAEnumProtocols(NULL, w, &wlen);
    assert_true(n >= 2);          /* TCP and UDP over IPv4 at least */
    assert_int_equal(n, wn);
    assert_int_equal(len, need);
    for (i = 0; i < n; i++) {
        assert_int_equal(pi[i].iAddressFamily, w[i].iAddressFamily);
        assert_int_equal(pi[i].iProtocol, w[i].iProtocol);
        assert_int_equal(pi[i].iSocketType, w[i].iSocketType);
        assert_int_equal(pi[i].iMaxSockAddr, w[i].iMaxSockAddr);
        assert_int_equal(pi[i].dwMessageSize, w[i].dwMessageSize);
        assert_string_equal(pi[i].lpProtocol, w[i].szProtocol);
        assert_true((BYTE *)pi[i].lpProtocol >= buffer + n * sizeof *pi &&
                    (BYTE *)pi[i].lpProtocol < buffer + len);
        if (pi[i].iProtocol == IPPROTO_TCP) {
            assert_true(pi[i].dwServiceFlags & XP_GUARANTEED_DELIVERY);
            assert_true(pi[i].dwServiceFlags & XP_GUARANTEED_ORDER);
            assert_false(pi[i].dwServiceFlags & XP_CONNECTIONLESS);
        } else {
            assert_true(pi[i].dwServiceFlags & XP_CONNECTIONLESS);
            assert_true(pi[i].dwServiceFlags & XP_MESSAGE_ORIENTED);
        }
        /* Bits whose XP_ meaning differs from the XP1_ one are not passed on. */
        assert_int_equal(pi[i].dwServiceFlags & ~0x7FFu, 0);
    }

    len = sizeof buffer;
    n = EnumProtocols(udp, buffer, &len);
    assert_true(n >= 1);
    for (i = 0; i < n; i++)
        assert_int_equal(pi[i].iProtocol, IPPROTO_UDP);
}

/* ------------------------------------------------------------------ */
/* GetLastError                                                         */
/* ------------------------------------------------------------------ */

static void test_last_error(void **state)
{
    GUID got;
    char buf[1024];
    DWORD len = sizeof buf;
    WSADATA wd;
    (void)state;

    /* The WSA last error, under its Windows name. */
    WSASetLastError(WSAEINVAL);
    assert_int_equal(GetLastError(), WSAEINVAL);
    assert_int_equal(rnr_GetLastError(), (DWORD)WSAGetLastError());

    /* A successful call leaves it alone, though the WSA calls it makes
     * fail on the way (a sizing call, the end of a lookup). */
    WSASetLastError(12345);
    assert_int_equal(GetAddressByName(NS_DEFAULT, &byname, "alpha", NULL, 0, NULL,
                                      buf, &len, NULL, NULL), 1);
    assert_int_equal(GetLastError(), 12345);
    assert_int_equal(GetTypeByName("ssh", &got), 0);
    assert_int_equal(GetLastError(), 12345);

    /* Without WSAStartup. */
    assert_int_equal(WSACleanup(), 0);
    assert_int_equal(GetTypeByName("ssh", &got), SOCKET_ERROR);
    assert_int_equal(GetLastError(), WSANOTINITIALISED);
    assert_int_equal(SetService(NS_DEFAULT, SERVICE_FLUSH, 0, NULL, NULL, &len),
                     SOCKET_ERROR);
    assert_int_equal(GetLastError(), WSANOTINITIALISED);
    assert_int_equal(WSAStartup(MAKEWORD(2, 2), &wd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_getaddr_single),
        cmocka_unit_test(test_getaddr_aliases_and_short_buffers),
        cmocka_unit_test(test_getaddr_find_multiple),
        cmocka_unit_test(test_getaddr_res_service),
        cmocka_unit_test(test_getservice_props),
        cmocka_unit_test(test_setservice_defer_flush),
        cmocka_unit_test(test_add_delete_type),
        cmocka_unit_test(test_type_names_of_services),
        cmocka_unit_test(test_enum_protocols),
        cmocka_unit_test(test_last_error),
    };
    return cmocka_run_group_tests_name("integration: legacy nspapi", tests,
                                       group_setup, group_teardown);
}
