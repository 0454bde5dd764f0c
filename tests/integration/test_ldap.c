/* SPDX-License-Identifier: MIT */
/*
 * The ldap provider (NS_NTDS) through a real rnrd and librnr, against the
 * real slapd that tests/integration/ldap_basic.sh starts (its facts come
 * in RNRT_LDAP_* variables):
 *
 *   - REGISTER and lookups: name, class, version, comment and IPv4 and
 *     IPv6 addresses come back as registered; wildcards, restriction by
 *     class and version; SERVICE_MULTIPLE adds addresses, DELETE removes
 *     exactly those given (one missing: nothing removed), the last one
 *     the object, DEREGISTER the object;
 *   - contexts and LUP_DEEP, LUP_CONTAINERS;
 *   - classes: WSAInstallServiceClass stores a serviceClass object,
 *     WSAGetServiceClassInfo and the name functions answer,
 *     WSARemoveServiceClass removes it;
 *   - access: an rnrd bound as the read-only identity gets WSAEACCES
 *     for every write and still finds entries; unprivileged users
 *     (created by the test) get WSAEACCES by default, and with
 *     user-writes change only their own registrations;
 *   - a server that accepts and never answers (SIGSTOP): the lookup ends
 *     with WSATRY_AGAIN within timeout-ms, rnrd answers other lookups
 *     meanwhile, and the provider is back once the server is.
 */
#include "config.h"

#include <signal.h>
#include <sys/wait.h>

#include "itest.h"

#define LDAP_ID      RNR_NSPID_LDAP_TEXT
/* Long enough for a sanitizer build on a loaded machine to connect. */
#define TIMEOUT_MS   2000

/* Static: teardown may run after a failed test's frame is gone. */
static struct rnrt_daemon dmn;
static struct rnrt_daemon *current;
static GUID c1, c2, ldap_id;

static const char *env(const char *name)
{
    const char *v = getenv(name);

    if (v == NULL) {
        fprintf(stderr, "%s is not set: run through ldap_basic.sh\n", name);
        exit(99);
    }
    return v;
}

static int teardown(void **state)
{
    const char *slapd = getenv("RNRT_LDAP_PID");

    (void)state;
    /* A test that failed between SIGSTOP and SIGCONT leaves no stopped
     * server to the next one. */
    if (slapd != NULL)
        kill((pid_t)atol(slapd), SIGCONT);
    WSACleanup();
    if (current != NULL) {
        rnrt_daemon_kill9(current);
        rnrt_daemon_destroy(current);
        current = NULL;
    }
    return 0;
}

/* An rnrd whose ldap section binds as `who` (admin or reader). */
static void start(struct rnrt_daemon *d, const char *who, const char *extra)
{
    char    conf[2048], dnv[64], pwv[64];
    WSADATA wd;

    c1 = rnrt_guid("{6A1B0C2D-0000-4000-8000-0000000000D1}");
    c2 = rnrt_guid("{6A1B0C2D-0000-4000-8000-0000000000D2}");
    ldap_id = rnrt_guid(LDAP_ID);
    snprintf(dnv, sizeof dnv, "RNRT_LDAP_%s_DN", who);
    snprintf(pwv, sizeof pwv, "RNRT_LDAP_%s_PWFILE", who);
    snprintf(conf, sizeof conf,
             "[provider ldap]\nmodule = ldap\nuri = %s\nbase = %s\nbind-dn = %s\n"
             "bind-password-file = %s\ntimeout-ms = %d\ncache-ttl = 1\n%s",
             env("RNRT_LDAP_URI"), env("RNRT_LDAP_BASE"), env(dnv), env(pwv), TIMEOUT_MS,
             extra != NULL ? extra : "");
    current = d;
    assert_int_equal(rnrt_daemon_init(d, conf), 0);
    assert_int_equal(rnrt_daemon_start(d), 0);
    assert_int_equal(WSAStartup(MAKEWORD(2, 2), &wd), 0);
}

static void stop(struct rnrt_daemon *d)
{
    WSACleanup();
    assert_int_equal(rnrt_daemon_stop(d), 0);
    rnrt_daemon_destroy(d);
    current = NULL;
}

/* ------------------------------------------------------------ helpers */

struct svc {
    WSAQUERYSETA        qs;
    CSADDR_INFO         cs[4];
    struct sockaddr_in  sin[4];
    struct sockaddr_in6 sin6;
    WSAVERSION          ver;
};

static void svc(struct svc *s, GUID *cls, const char *name, const char *ctx)
{
    memset(s, 0, sizeof *s);
    s->qs.dwSize = sizeof s->qs;
    s->qs.lpServiceClassId = cls;
    s->qs.lpszServiceInstanceName = (char *)name;
    s->qs.lpszContext = (char *)ctx;
    s->qs.lpNSProviderId = &ldap_id;
    s->qs.lpcsaBuffer = s->cs;
}

static void svc_v4(struct svc *s, const char *ip, unsigned port)
{
    DWORD i = s->qs.dwNumberOfCsAddrs++;

    s->sin[i].sin_family = AF_INET;
    s->sin[i].sin_port = htons((uint16_t)port);
    inet_pton(AF_INET, ip, &s->sin[i].sin_addr);
    s->cs[i].RemoteAddr.lpSockaddr = (LPSOCKADDR)&s->sin[i];
    s->cs[i].RemoteAddr.iSockaddrLength = sizeof s->sin[i];
    s->cs[i].iSocketType = SOCK_STREAM;
    s->cs[i].iProtocol = IPPROTO_TCP;
}

static int set(struct svc *s, WSAESETSERVICEOP op, DWORD flags)
{
    return WSASetServiceA(&s->qs, op, flags) == 0 ? 0 : WSAGetLastError();
}

static int reg1(GUID *cls, const char *name, const char *ctx, const char *ip)
{
    struct svc s;

    svc(&s, cls, name, ctx);
    svc_v4(&s, ip, 80);
    return set(&s, RNRSERVICE_REGISTER, 0);
}

static int dereg(GUID *cls, const char *name, const char *ctx)
{
    struct svc s;

    svc(&s, cls, name, ctx);
    return set(&s, RNRSERVICE_DEREGISTER, 0);
}

/* Results of a lookup; LUP_FLUSHCACHE so that the server answers. */
static int look(GUID *cls, const char *name, const char *ctx, const WSAVERSION *ver,
                DWORD flags, struct rnrt_results *res)
{
    WSAQUERYSETA q;

    memset(&q, 0, sizeof q);
    q.dwSize = sizeof q;
    q.lpServiceClassId = cls;
    q.lpszServiceInstanceName = (char *)name;
    q.lpszContext = (char *)ctx;
    q.lpNSProviderId = &ldap_id;
    q.lpVersion = (WSAVERSION *)ver;
    return rnrt_lookup(&q, flags | LUP_RETURN_ALL | LUP_FLUSHCACHE, res);
}

/* How many results, or minus the error. */
static int count(GUID *cls, const char *name, const char *ctx, DWORD flags)
{
    struct rnrt_results res;
    int                 n;

    look(cls, name, ctx, NULL, flags, &res);
    n = res.status != 0 ? -res.status : (int)res.n;
    rnrt_results_free(&res);
    return n;
}

static int addrs_of(GUID *cls, const char *name)
{
    struct rnrt_results res;
    int                 n;

    if (look(cls, name, NULL, NULL, 0, &res) != 0)
        return -res.status;
    n = res.n == 1 ? (int)res.r[0]->dwNumberOfCsAddrs : -1;
    rnrt_results_free(&res);
    return n;
}

/* ------------------------------------------------------------ tests */

static void test_register_lookup(void **state)
{
    struct rnrt_results res;
    struct svc          s;
    WSAVERSION          v3 = { 3, COMP_EQUAL }, v4 = { 4, COMP_NOTLESS };
    const struct sockaddr_in6 *got6;
    char                 txt[64];

    (void)state;
    start(&dmn, "ADMIN", NULL);
    svc(&s, &c1, "web1", NULL);
    svc_v4(&s, "192.0.2.1", 8080);
    s.sin6.sin6_family = AF_INET6;
    s.sin6.sin6_port = htons(8443);
    inet_pton(AF_INET6, "2001:db8::1", &s.sin6.sin6_addr);
    s.cs[1].RemoteAddr.lpSockaddr = (LPSOCKADDR)&s.sin6;
    s.cs[1].RemoteAddr.iSockaddrLength = sizeof s.sin6;
    s.cs[1].iSocketType = SOCK_STREAM;
    s.cs[1].iProtocol = IPPROTO_TCP;
    s.qs.dwNumberOfCsAddrs = 2;
    s.qs.lpszComment = "the first web server";
    s.ver = v3;
    s.qs.lpVersion = &s.ver;
    assert_int_equal(set(&s, RNRSERVICE_REGISTER, 0), 0);
    assert_int_equal(reg1(&c1, "web2", NULL, "192.0.2.2"), 0);
    assert_int_equal(reg1(&c2, "mail1", NULL, "192.0.2.3"), 0);

    assert_int_equal(look(&c1, "web1", NULL, NULL, 0, &res), 0);
    assert_int_equal(res.n, 1);
    assert_string_equal(res.r[0]->lpszServiceInstanceName, "web1");
    assert_memory_equal(res.r[0]->lpServiceClassId, &c1, sizeof c1);
    assert_string_equal(res.r[0]->lpszComment, "the first web server");
    assert_non_null(res.r[0]->lpVersion);
    assert_int_equal(res.r[0]->lpVersion->dwVersion, 3);
    assert_int_equal(res.r[0]->dwNameSpace, NS_NTDS);
    assert_int_equal(res.r[0]->dwNumberOfCsAddrs, 2);
    assert_memory_equal(res.r[0]->lpcsaBuffer[0].RemoteAddr.lpSockaddr, &s.sin[0],
                        sizeof s.sin[0]);
    got6 = (const struct sockaddr_in6 *)res.r[0]->lpcsaBuffer[1].RemoteAddr.lpSockaddr;
    assert_int_equal(got6->sin6_family, AF_INET6);
    inet_ntop(AF_INET6, &got6->sin6_addr, txt, sizeof txt);
    assert_string_equal(txt, "2001:db8::1");
    assert_int_equal(ntohs(got6->sin6_port), 8443);
    rnrt_results_free(&res);

    /* Wildcards, '?' included; the class restricts. */
    assert_int_equal(count(&c1, "web*", NULL, 0), 2);
    assert_int_equal(count(&c1, "w?b2", NULL, 0), 1);
    assert_int_equal(count(&c1, "*", NULL, 0), 2);
    assert_int_equal(count(&c2, "web*", NULL, 0), -WSASERVICE_NOT_FOUND);
    assert_int_equal(count(&c2, "*", NULL, 0), 1);
    /* A name that tries to widen the filter finds nothing. */
    assert_int_equal(count(&c1, "x)(displayName=*", NULL, 0), -WSASERVICE_NOT_FOUND);
    /* Versions: web1 is 3, web2 has none. */
    assert_int_equal(look(&c1, "web*", NULL, &v3, 0, &res), 0);
    assert_int_equal(res.n, 1);
    rnrt_results_free(&res);
    /* Only the version differs: WSANO_DATA, as the directory says. */
    look(&c1, "web*", NULL, &v4, 0, &res);
    assert_int_equal(res.status, WSANO_DATA);
    rnrt_results_free(&res);

    /* Register again without SERVICE_MULTIPLE: replaced. */
    assert_int_equal(reg1(&c1, "web1", NULL, "192.0.2.9"), 0);
    assert_int_equal(look(&c1, "web1", NULL, NULL, 0, &res), 0);
    assert_int_equal(res.r[0]->dwNumberOfCsAddrs, 1);
    assert_null(res.r[0]->lpVersion);
    assert_null(res.r[0]->lpszComment);
    rnrt_results_free(&res);

    assert_int_equal(dereg(&c1, "web1", NULL), 0);
    assert_int_equal(dereg(&c1, "web2", NULL), 0);
    assert_int_equal(dereg(&c2, "mail1", NULL), 0);
    assert_int_equal(count(&c1, "*", NULL, 0), -WSASERVICE_NOT_FOUND);
    assert_int_equal(dereg(&c1, "web1", NULL), WSASERVICE_NOT_FOUND);
    stop(&dmn);
}

static void test_multiple(void **state)
{
    struct svc         s;

    (void)state;
    start(&dmn, "ADMIN", NULL);
    assert_int_equal(reg1(&c1, "multi", NULL, "192.0.2.10"), 0);
    svc(&s, &c1, "multi", NULL);
    svc_v4(&s, "192.0.2.11", 80);
    svc_v4(&s, "192.0.2.12", 80);
    assert_int_equal(set(&s, RNRSERVICE_REGISTER, SERVICE_MULTIPLE), 0);
    assert_int_equal(addrs_of(&c1, "multi"), 3);
    /* Again: an address already there is not doubled. */
    assert_int_equal(set(&s, RNRSERVICE_REGISTER, SERVICE_MULTIPLE), 0);
    assert_int_equal(addrs_of(&c1, "multi"), 3);

    /* DELETE of one there and one not: nothing removed. */
    svc(&s, &c1, "multi", NULL);
    svc_v4(&s, "192.0.2.11", 80);
    svc_v4(&s, "192.0.2.99", 80);
    assert_int_equal(set(&s, RNRSERVICE_DELETE, SERVICE_MULTIPLE), WSASERVICE_NOT_FOUND);
    assert_int_equal(addrs_of(&c1, "multi"), 3);
    s.qs.dwNumberOfCsAddrs = 1;
    assert_int_equal(set(&s, RNRSERVICE_DELETE, SERVICE_MULTIPLE), 0);
    assert_int_equal(addrs_of(&c1, "multi"), 2);
    svc(&s, &c1, "multi", NULL);
    svc_v4(&s, "192.0.2.10", 80);
    svc_v4(&s, "192.0.2.12", 80);
    assert_int_equal(set(&s, RNRSERVICE_DELETE, SERVICE_MULTIPLE), 0);
    /* The last address took the object with it. */
    assert_int_equal(addrs_of(&c1, "multi"), -WSASERVICE_NOT_FOUND);
    /* DELETE without addresses removes the whole object. */
    assert_int_equal(reg1(&c1, "whole", NULL, "192.0.2.13"), 0);
    svc(&s, &c1, "whole", NULL);
    assert_int_equal(set(&s, RNRSERVICE_DELETE, 0), 0);
    assert_int_equal(count(&c1, "whole", NULL, 0), -WSASERVICE_NOT_FOUND);
    stop(&dmn);
}

static void test_contexts(void **state)
{
    static GUID         null_guid;
    struct rnrt_results res;

    (void)state;
    start(&dmn, "ADMIN", NULL);
    /* CN=lab and CN=inner,CN=lab were made by ldap_basic.sh. */
    assert_int_equal(reg1(&c1, "top", NULL, "192.0.2.20"), 0);
    assert_int_equal(reg1(&c1, "inlab", "\\lab", "192.0.2.21"), 0);
    assert_int_equal(reg1(&c1, "deeper", "\\lab\\inner", "192.0.2.22"), 0);
    assert_int_equal(reg1(&c1, "nowhere", "\\nosuch", "192.0.2.23"), WSASERVICE_NOT_FOUND);

    assert_int_equal(count(&c1, "*", NULL, 0), 1);
    assert_int_equal(count(&c1, "*", NULL, LUP_DEEP), 3);
    assert_int_equal(count(&c1, "*", "\\lab", 0), 1);
    assert_int_equal(count(&c1, "*", "lab", LUP_DEEP), 2);
    assert_int_equal(count(&c1, "*", "\\nosuch", LUP_DEEP), -WSASERVICE_NOT_FOUND);
    assert_int_equal(look(&c1, "deeper", NULL, NULL, LUP_DEEP, &res), 0);
    assert_int_equal(res.n, 1);
    assert_string_equal(res.r[0]->lpszContext, "\\lab\\inner");
    rnrt_results_free(&res);

    /* Containers: only with LUP_CONTAINERS or the null class. */
    assert_int_equal(look(&null_guid, "*", NULL, NULL, LUP_CONTAINERS, &res), 0);
    assert_int_equal(res.n, 1);
    assert_string_equal(res.r[0]->lpszServiceInstanceName, "lab");
    rnrt_results_free(&res);
    assert_int_equal(count(&null_guid, "*", NULL, LUP_CONTAINERS | LUP_DEEP), 2);
    assert_int_equal(count(&c1, "*", NULL, LUP_NOCONTAINERS | LUP_DEEP), 3);

    assert_int_equal(dereg(&c1, "top", NULL), 0);
    assert_int_equal(dereg(&c1, "inlab", "\\lab"), 0);
    assert_int_equal(dereg(&c1, "deeper", "\\lab\\inner"), 0);
    stop(&dmn);
}

/* 0 when `ldapsearch` of the class object (as the root DN, over the
 * test's ldapi) finds (want = 1) or does not find (want = 0) it within 5 s. */
static int class_seen(const char *name, int want)
{
    int i, rc = -1;

    for (i = 0; i < 50; i++) {
        rc = rnrt_system("ldapsearch -LLL -x -H '%s' -D '%s' -w '%s' -b '%s' "
                         "'(&(objectClass=serviceClass)(displayName=%s))' dn 2>/dev/null | "
                         "grep -q '^dn:'", env("RNRT_LDAP_LDAPI"), env("RNRT_LDAP_ROOT_DN"),
                         env("RNRT_LDAP_ROOT_PW"), env("RNRT_LDAP_BASE"), name);
        if ((rc == 0) == want)
            return 0;
        usleep(100 * 1000);
    }
    return -1;
}

static void test_classes(void **state)
{
    DWORD                 port = 8080, len;
    char                  name[64];
    WSANSCLASSINFOA       ni = { .lpszName = "SapId", .dwNameSpace = NS_NTDS,
                                 .dwValueType = REG_DWORD, .dwValueSize = 4,
                                 .lpValue = &port };
    WSASERVICECLASSINFOA  ci = { .lpServiceClassId = &c2, .lpszServiceClassName = "rnrtldap",
                                 .dwCount = 1, .lpClassInfos = &ni };
    char                  buf[1024];
    WSASERVICECLASSINFOA *got = (WSASERVICECLASSINFOA *)buf;
    GUID                  c3;
    int                   i;

    (void)state;
    start(&dmn, "ADMIN", NULL);
    assert_int_equal(WSAInstallServiceClassA(&ci), 0);
    assert_int_equal(class_seen("rnrtldap", 1), 0);
    len = sizeof buf;
    assert_int_equal(WSAGetServiceClassInfoA(&ldap_id, &c2, &len, got), 0);
    assert_string_equal(got->lpszServiceClassName, "rnrtldap");
    len = sizeof name;
    assert_int_equal(WSAGetServiceClassNameByClassIdA(&c2, name, &len), 0);
    assert_string_equal(name, "rnrtldap");
    assert_int_equal(WSARemoveServiceClass(&c2), 0);
    assert_int_equal(class_seen("rnrtldap", 0), 0);

    /* A class another host's rnrd stored (here: ldapadd as the root DN)
     * is seen within cache-ttl (1 s), by info and by name. */
    assert_int_equal(rnrt_system(
        "{ printf 'dn: CN=elsewhere,CN=WinsockServices,CN=System,%s\\nobjectClass: serviceClass\\n"
        "cn: elsewhere\\ndisplayName: elsewhere\\nserviceClassID:: '; "
        "printf '\\055\\014\\033\\152\\000\\000\\000\\100\\200\\000\\000\\000"
        "\\000\\000\\000\\323' | base64; } | ldapadd -x -H '%s' -D '%s' -w '%s' >/dev/null",
        env("RNRT_LDAP_BASE"), env("RNRT_LDAP_LDAPI"), env("RNRT_LDAP_ROOT_DN"),
        env("RNRT_LDAP_ROOT_PW")), 0);
    c3 = rnrt_guid("{6A1B0C2D-0000-4000-8000-0000000000D3}");
    for (i = 0; i < 40; i++) {
        len = sizeof name;
        if (WSAGetServiceClassNameByClassIdA(&c3, name, &len) == 0)
            break;
        usleep(100 * 1000);
    }
    assert_string_equal(name, "elsewhere");
    len = sizeof buf;
    assert_int_equal(WSAGetServiceClassInfoA(&ldap_id, &c3, &len, got), 0);
    assert_string_equal(got->lpszServiceClassName, "elsewhere");
    stop(&dmn);
}

static void test_reader(void **state)
{
    struct svc         s;

    (void)state;
    /* Something to find, written by the admin identity. */
    start(&dmn, "ADMIN", NULL);
    assert_int_equal(reg1(&c1, "readable", NULL, "192.0.2.30"), 0);
    stop(&dmn);

    start(&dmn, "READER", NULL);
    assert_int_equal(count(&c1, "readable", NULL, 0), 1);
    assert_int_equal(reg1(&c1, "forbidden", NULL, "192.0.2.31"), WSAEACCES);
    assert_int_equal(dereg(&c1, "readable", NULL), WSAEACCES);
    svc(&s, &c1, "readable", NULL);
    svc_v4(&s, "192.0.2.30", 80);
    assert_int_equal(set(&s, RNRSERVICE_DELETE, SERVICE_MULTIPLE), WSAEACCES);
    assert_int_equal(count(&c1, "readable", NULL, 0), 1);
    assert_int_equal(count(&c1, "forbidden", NULL, 0), -WSASERVICE_NOT_FOUND);
    stop(&dmn);

    start(&dmn, "ADMIN", NULL);
    assert_int_equal(dereg(&c1, "readable", NULL), 0);
    stop(&dmn);
}

/* As an unprivileged user: what one write returns (exit code 0: as
 * expected). */
struct as_user {
    const char *name;
    int         op;      /* 1 register, 2 deregister */
    int         want;
};

static int user_write(void *arg)
{
    const struct as_user *a = arg;
    int rc;

    c1 = rnrt_guid("{6A1B0C2D-0000-4000-8000-0000000000D1}");
    ldap_id = rnrt_guid(LDAP_ID);
    rc = a->op == 1 ? reg1(&c1, a->name, NULL, "192.0.2.40") : dereg(&c1, a->name, NULL);
    if (rc != a->want) {
        fprintf(stderr, "uid %ld: %s of %s: %d, want %d\n", (long)getuid(),
                a->op == 1 ? "register" : "deregister", a->name, rc, a->want);
        return 1;
    }
    return 0;
}

static void test_users(void **state)
{
    struct as_user     a;
    uid_t              uid;
    gid_t              gid;

    (void)state;
    if (geteuid() != 0 || rnrt_user_ensure(RNRT_USER_ALICE, &uid, &gid) != 0 ||
        rnrt_user_ensure(RNRT_USER_MALLORY, &uid, &gid) != 0)
        skip();
    /* By default only root and admins write. */
    start(&dmn, "ADMIN", NULL);
    a = (struct as_user){ "alices", 1, WSAEACCES };
    assert_int_equal(rnrt_run_as(RNRT_USER_ALICE, user_write, &a), 0);
    assert_int_equal(count(&c1, "alices", NULL, 0), -WSASERVICE_NOT_FOUND);
    stop(&dmn);

    /* user-writes: each changes only what it registered. */
    start(&dmn, "ADMIN", "user-writes = yes\n");
    assert_int_equal(reg1(&c1, "roots", NULL, "192.0.2.41"), 0);
    a = (struct as_user){ "alices", 1, 0 };
    assert_int_equal(rnrt_run_as(RNRT_USER_ALICE, user_write, &a), 0);
    a = (struct as_user){ "alices", 1, 0 };   /* her own, again */
    assert_int_equal(rnrt_run_as(RNRT_USER_ALICE, user_write, &a), 0);
    a = (struct as_user){ "alices", 2, WSAEACCES };
    assert_int_equal(rnrt_run_as(RNRT_USER_MALLORY, user_write, &a), 0);
    a = (struct as_user){ "alices", 1, WSAEACCES };   /* overwrite hers */
    assert_int_equal(rnrt_run_as(RNRT_USER_MALLORY, user_write, &a), 0);
    a = (struct as_user){ "roots", 1, WSAEACCES };
    assert_int_equal(rnrt_run_as(RNRT_USER_MALLORY, user_write, &a), 0);
    a = (struct as_user){ "roots", 2, WSAEACCES };
    assert_int_equal(rnrt_run_as(RNRT_USER_ALICE, user_write, &a), 0);
    assert_int_equal(count(&c1, "alices", NULL, 0), 1);
    assert_int_equal(count(&c1, "roots", NULL, 0), 1);
    a = (struct as_user){ "alices", 2, 0 };
    assert_int_equal(rnrt_run_as(RNRT_USER_ALICE, user_write, &a), 0);
    assert_int_equal(count(&c1, "alices", NULL, 0), -WSASERVICE_NOT_FOUND);
    assert_int_equal(dereg(&c1, "roots", NULL), 0);
    stop(&dmn);
}

static void test_stopped_server(void **state)
{
    struct rnrt_results res;
    WSAQUERYSETA        q;
    GUID                host = SVCID_INET_HOSTADDRBYNAME;
    pid_t               slapd = (pid_t)atol(env("RNRT_LDAP_PID"));
    long long           t0, took;
    int                 i, rc = -1;

    (void)state;
    start(&dmn, "ADMIN", NULL);
    assert_int_equal(reg1(&c1, "steady", NULL, "192.0.2.50"), 0);
    assert_int_equal(kill(slapd, SIGSTOP), 0);
    t0 = rnrt_now_ms();
    assert_int_equal(count(&c1, "steady", NULL, 0), -WSATRY_AGAIN);
    took = rnrt_now_ms() - t0;
    /* One server: at most one timeout-ms, and some slack for a loaded
     * machine.  Sooner is right too: the class read in flight may time
     * out first, and the server is then known dead for every request. */
    assert_true(took < TIMEOUT_MS + 1000);
    /* rnrd answers the hosts provider at once meanwhile. */
    memset(&q, 0, sizeof q);
    q.dwSize = sizeof q;
    q.lpServiceClassId = &host;
    q.lpszServiceInstanceName = "localhost";
    q.dwNameSpace = NS_ALL;
    t0 = rnrt_now_ms();
    assert_int_equal(rnrt_lookup(&q, LUP_RETURN_ADDR | LUP_FLUSHCACHE, &res), 0);
    rnrt_results_free(&res);
    assert_true(rnrt_now_ms() - t0 < 300);
    assert_int_equal(kill(slapd, SIGCONT), 0);
    /* Back after the backoff (at most 5 s). */
    for (i = 0; i < 80 && rc != 1; i++) {
        rc = count(&c1, "steady", NULL, 0);
        if (rc != 1)
            usleep(100 * 1000);
    }
    assert_int_equal(rc, 1);
    assert_int_equal(dereg(&c1, "steady", NULL), 0);
    stop(&dmn);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_register_lookup, teardown),
        cmocka_unit_test_teardown(test_multiple, teardown),
        cmocka_unit_test_teardown(test_contexts, teardown),
        cmocka_unit_test_teardown(test_classes, teardown),
        cmocka_unit_test_teardown(test_reader, teardown),
        cmocka_unit_test_teardown(test_users, teardown),
        cmocka_unit_test_teardown(test_stopped_server, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
