/* SPDX-License-Identifier: MIT */
/*
 * Unprivileged registrations stay out of everyone's resolution: a real
 * rnrd with the directory provider, a real attacker (RNRT_USER_MALLORY)
 * and a real victim (RNRT_USER_ALICE), created by the test.
 *
 *   - mallory registers intranet.corp.example and localhost (host class,
 *     with a hostent blob, as a provider would answer gethostbyname) and a
 *     service; root's and alice's gethostbyname, getservbyname, NS_ALL
 *     lookups and libnss_rnr never return mallory's addresses (localhost
 *     stays 127.0.0.1 from the hosts file); mallory sees its own; a
 *     lookup naming NS_NDS or the directory's provider id finds them;
 *   - the answer cache, shared by every user, never carries mallory's
 *     entry to alice, whichever of the two asks first;
 *   - root's entries and an admin-group member's are served to all;
 *     `trust = all` (here given at a reload) serves everybody's;
 *   - quotas: entries and bytes per owner (WSAEDQUOT, also through
 *     rnrctl), growth by SERVICE_MULTIPLE, root exempt, a deletion frees
 *     its share, the counts survive a restart, and registrations waiting
 *     together for one fsync (group commit) count against each other.
 *
 * Needs root (to create the users and become them): skips otherwise.
 */
#include "config.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <netdb.h>
#include <nss.h>
#include <pthread.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "itest.h"
#include "alloc.h"
#include "blob.h"

#define DIR_ID   RNR_NSPID_DIRECTORY_TEXT
#define DIR_CONF "[provider directory]\nmodule = directory\nnamespace = NS_NDS\n"

#define EVIL_IP    "203.0.113.66"   /* mallory's intranet.corp.example */
#define EVIL_LO    "203.0.113.67"   /* mallory's localhost */
#define EVIL_PORT  5432             /* mallory's corpdb service */

static struct rnrt_daemon *current;

static int teardown(void **state)
{
    (void)state;
    alarm(0);
    unsetenv("RNR_TEST_DIR_SYNC_GATE");
    WSACleanup();
    if (current != NULL) {
        rnrt_daemon_kill9(current);
        rnrt_daemon_destroy(current);
        current = NULL;
    }
    return 0;
}

static void need_users(void)
{
    uid_t uid;
    gid_t gid;

    if (geteuid() != 0 || rnrt_user_ensure(RNRT_USER_MALLORY, &uid, &gid) != 0 ||
        rnrt_user_ensure(RNRT_USER_ALICE, &uid, &gid) != 0)
        skip();
}

/* Reads a whole file (NUL-terminated, malloc'd). */
static char *slurp(const char *path)
{
    FILE  *f = fopen(path, "r");
    char  *text;
    long   n;

    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    rewind(f);
    assert_non_null(text = malloc((size_t)n + 1));
    assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
    text[n] = '\0';
    fclose(f);
    return text;
}

/* rnrd with `daemon_keys` in its [daemon] section and `extra` in the
 * directory's. */
static void start_with(struct rnrt_daemon *d, const char *daemon_keys, const char *extra)
{
    WSADATA wd;
    char    conf[1024];

    snprintf(conf, sizeof conf, "%s%s", DIR_CONF, extra != NULL ? extra : "");
    current = d;
    assert_int_equal(rnrt_daemon_init(d, conf), 0);
    if (daemon_keys != NULL)
        assert_int_equal(rnrt_daemon_add_keys(d, daemon_keys), 0);
    assert_int_equal(rnrt_daemon_start(d), 0);
    assert_int_equal(WSAStartup(MAKEWORD(2, 2), &wd), 0);
}

static void start(struct rnrt_daemon *d, const char *extra)
{
    start_with(d, NULL, extra);
}

static void stop(struct rnrt_daemon *d)
{
    WSACleanup();
    assert_int_equal(rnrt_daemon_stop(d), 0);
    rnrt_daemon_destroy(d);
    current = NULL;
}

/* ------------------------------------------------------------ registrations */

/* A registration in the directory (named by its provider id, so that the
 * other providers of NS_ALL are not involved): class, name, an IPv4
 * address, and a blob of `bloblen` bytes, or the hostent / servent a
 * provider answering gethostbyname / getservbyname carries. */
struct reg {
    GUID         cls;
    const char  *name;
    const char  *ip;
    unsigned     port;
    size_t       bloblen;    /* 0: the natural blob of the class */
    DWORD        flags;      /* SERVICE_MULTIPLE */
    WSAESETSERVICEOP op;
};

static int do_set(const struct reg *r)
{
    static const GUID byname = SVCID_INET_HOSTADDRBYNAME, service = SVCID_INET_SERVICEBYNAME;
    GUID               dir = rnrt_guid(DIR_ID), cls = r->cls;
    WSAQUERYSETA       q;
    CSADDR_INFO        ca;
    struct sockaddr_in sin;
    BLOB               blob;
    uint8_t           *data = NULL;
    size_t             len = 0;
    struct in_addr     a;
    char               svcname[128];
    int                rc;

    memset(&q, 0, sizeof q);
    q.dwSize = sizeof q;
    q.lpServiceClassId = &cls;
    q.lpszServiceInstanceName = (char *)r->name;
    q.lpNSProviderId = &dir;
    if (r->ip != NULL) {
        inet_pton(AF_INET, r->ip, &a);
        rnrt_csaddr_tcp4(&ca, &sin, ntohl(a.s_addr), (uint16_t)r->port);
        q.dwNumberOfCsAddrs = 1;
        q.lpcsaBuffer = &ca;
    }
    if (r->bloblen > 0) {
        data = rnr_calloc(1, r->bloblen);
        len = r->bloblen;
    } else if (r->ip != NULL && rnr_guid_equal(&cls, &byname)) {
        rc = rnr_blob_hostent(r->name, NULL, AF_INET, 4, &a, 1, &data, &len);
        if (rc != 0)
            return rc;
    } else if (rnr_guid_equal(&cls, &service)) {
        /* getservbyname asks for "name/proto". */
        snprintf(svcname, sizeof svcname, "%s/tcp", r->name);
        q.lpszServiceInstanceName = svcname;
        rc = rnr_blob_servent(r->name, NULL, (int)htons((uint16_t)r->port), "tcp", &data, &len);
        if (rc != 0)
            return rc;
    }
    if (data != NULL) {
        blob.cbSize = (ULONG)len;
        blob.pBlobData = data;
        q.lpBlob = &blob;
    }
    rc = WSASetServiceA(&q, r->op, r->flags) == 0 ? 0 : WSAGetLastError();
    rnr_free(data);
    return rc;
}

static int reg_host(const char *name, const char *ip)
{
    struct reg r = { SVCID_INET_HOSTADDRBYNAME, name, ip, 0, 0, 0, RNRSERVICE_REGISTER };

    return do_set(&r);
}

static int reg_service(const char *name, unsigned port)
{
    struct reg r = { SVCID_INET_SERVICEBYNAME, name, "0.0.0.0", port, 0, 0,
                     RNRSERVICE_REGISTER };

    return do_set(&r);
}

static int del_host(const char *name)
{
    struct reg r = { SVCID_INET_HOSTADDRBYNAME, name, NULL, 0, 0, 0, RNRSERVICE_DELETE };

    return do_set(&r);
}

/* ------------------------------------------------------------ what a user sees */

/* Does an NS_ALL (or ns / provider) host lookup of name return ip? */
static int lookup_has(const char *name, DWORD ns, const char *prov, const char *ip)
{
    GUID                byname = SVCID_INET_HOSTADDRBYNAME, pid;
    WSAQUERYSETA        q;
    struct rnrt_results res;
    char                buf[80], want[80];
    size_t              i;
    DWORD               k;
    int                 found = 0;

    rnrt_qs_init(&q, &byname, name);
    q.dwNameSpace = ns;
    if (prov != NULL) {
        pid = rnrt_guid(prov);
        q.lpNSProviderId = &pid;
    }
    snprintf(want, sizeof want, "%s:0", ip);
    rnrt_lookup(&q, LUP_RETURN_NAME | LUP_RETURN_ADDR | LUP_RETURN_BLOB, &res);
    for (i = 0; i < res.n; i++)
        for (k = 0; k < res.r[i]->dwNumberOfCsAddrs; k++)
            if (strcmp(rnrt_addr(res.r[i], k, buf, sizeof buf), want) == 0)
                found = 1;
    rnrt_results_free(&res);
    return found;
}

/* Does gethostbyname(name) give ip?  -1: it found nothing at all. */
static int ghbn_has(const char *name, const char *ip)
{
    struct hostent *h = gethostbyname(name);
    struct in_addr  a;
    int             i;

    if (h == NULL)
        return -1;
    inet_pton(AF_INET, ip, &a);
    for (i = 0; h->h_addr_list[i] != NULL; i++)
        if (memcmp(h->h_addr_list[i], &a, 4) == 0)
            return 1;
    return 0;
}

/* libnss_rnr as glibc calls it: does gethostbyname2_r(name, AF_INET)
 * give ip?  -1: not found; -2: the module cannot be loaded. */
static int nss_has(const char *name, const char *ip)
{
    typedef enum nss_status fn_t(const char *, int, struct hostent *, char *, size_t, int *,
                                 int *);
    static void    *h;   /* as in glibc, loaded once and never unloaded */
    char            path[512], buf[4096];
    struct hostent  he;
    struct in_addr  a;
    fn_t           *fn;
    int             err = 0, herr = 0, i, found = 0;

    snprintf(path, sizeof path, "%s/client/nss/.libs/libnss_rnr.so.2", rnrt_builddir());
    if ((h == NULL && (h = dlopen(path, RTLD_NOW | RTLD_LOCAL)) == NULL) ||
        (fn = (fn_t *)dlsym(h, "_nss_rnr_gethostbyname2_r")) == NULL)
        return -2;
    if (fn(name, AF_INET, &he, buf, sizeof buf, &err, &herr) != NSS_STATUS_SUCCESS) {
        found = -1;
    } else {
        inet_pton(AF_INET, ip, &a);
        for (i = 0; he.h_addr_list[i] != NULL; i++)
            if (memcmp(he.h_addr_list[i], &a, 4) == 0)
                found = 1;
    }
    return found;
}

/* Everything another user (root, alice) must not see of mallory's, and
 * what it must still see.  0, or the number of the check that failed. */
static int victim_checks(void *arg)
{
    struct servent *se;
    struct hostent *h;
    int             twice;

    (void)arg;
    /* Twice: the second round may be answered from the answer cache. */
    for (twice = 0; twice < 2; twice++) {
        if (ghbn_has("intranet.corp.example", EVIL_IP) != -1)
            return 1;
        if (lookup_has("intranet.corp.example", NS_ALL, NULL, EVIL_IP))
            return 2;
        if ((h = gethostbyname("localhost")) == NULL)
            return 3;
        if (ghbn_has("localhost", EVIL_LO) != 0 || ghbn_has("localhost", "127.0.0.1") != 1)
            return 4;
        if (lookup_has("localhost", NS_ALL, NULL, EVIL_LO))
            return 5;
        if (getservbyname("corpdb", "tcp") != NULL)
            return 6;
        if ((se = getservbyname("ssh", "tcp")) == NULL || ntohs((uint16_t)se->s_port) != 22)
            return 7;
        if (nss_has("intranet.corp.example", EVIL_IP) != -1)
            return 8;
        if (nss_has("localhost", EVIL_LO) != 0)
            return 9;
        /* Named, the name space or the provider: there it is. */
        if (!lookup_has("intranet.corp.example", NS_NDS, NULL, EVIL_IP))
            return 10;
        if (!lookup_has("intranet.corp.example", NS_ALL, DIR_ID, EVIL_IP))
            return 11;
        /* Root's entries are everybody's. */
        if (ghbn_has("trusted.corp.example", "192.0.2.200") != 1)
            return 12;
    }
    return 0;
}

/* Mallory's side: the attack, then what the owner keeps seeing. */
static int mallory_registers(void *arg)
{
    (void)arg;
    if (reg_host("intranet.corp.example", EVIL_IP) != 0)
        return 1;
    if (reg_host("localhost", EVIL_LO) != 0)
        return 2;
    if (reg_service("corpdb", EVIL_PORT) != 0)
        return 3;
    return 0;
}

static int mallory_sees_own(void *arg)
{
    struct servent *se;
    int             twice;

    (void)arg;
    for (twice = 0; twice < 2; twice++) {
        if (ghbn_has("intranet.corp.example", EVIL_IP) != 1)
            return 1;
        if (!lookup_has("intranet.corp.example", NS_ALL, NULL, EVIL_IP))
            return 2;
        if ((se = getservbyname("corpdb", "tcp")) == NULL ||
            ntohs((uint16_t)se->s_port) != EVIL_PORT)
            return 3;
        if (nss_has("intranet.corp.example", EVIL_IP) != 1)
            return 4;
    }
    return 0;
}

static void test_untrusted_withheld(void **state)
{
    static struct rnrt_daemon d;

    (void)state;
    need_users();
    start(&d, NULL);
    assert_int_equal(reg_host("trusted.corp.example", "192.0.2.200"), 0);
    assert_int_equal(rnrt_run_as(RNRT_USER_MALLORY, mallory_registers, NULL), 0);
    /* Root, then alice. */
    assert_int_equal(victim_checks(NULL), 0);
    assert_int_equal(rnrt_run_as(RNRT_USER_ALICE, victim_checks, NULL), 0);
    assert_int_equal(rnrt_run_as(RNRT_USER_MALLORY, mallory_sees_own, NULL), 0);
    /* After a restart (the owners come from the store). */
    WSACleanup();
    assert_int_equal(rnrt_daemon_stop(&d), 0);
    assert_int_equal(rnrt_daemon_start(&d), 0);
    assert_int_equal(rnrt_run_as(RNRT_USER_ALICE, victim_checks, NULL), 0);
    assert_int_equal(rnrt_run_as(RNRT_USER_MALLORY, mallory_sees_own, NULL), 0);
    stop(&d);
}

/* ------------------------------------------------------------ the answer cache */

/* Each lookup three times: the repeats may come from the answer cache. */
static int sees_evil(void *arg)
{
    int i;

    (void)arg;
    for (i = 0; i < 3; i++)
        if (!lookup_has("intranet.corp.example", NS_ALL, NULL, EVIL_IP) ||
            ghbn_has("intranet.corp.example", EVIL_IP) != 1)
            return 1 + i;
    return 0;
}

static int sees_no_evil(void *arg)
{
    int i;

    (void)arg;
    for (i = 0; i < 3; i++)
        if (lookup_has("intranet.corp.example", NS_ALL, NULL, EVIL_IP) ||
            ghbn_has("intranet.corp.example", EVIL_IP) != -1)
            return 1 + i;
    return 0;
}

static void test_answer_cache_never_leaks(void **state)
{
    static struct rnrt_daemon d;
    int                       round;

    (void)state;
    need_users();
    start(&d, NULL);
    assert_int_equal(rnrt_run_as(RNRT_USER_MALLORY, mallory_registers, NULL), 0);
    /* The owner first: its answer (with its entry) must not be reused by
     * anyone else; then the others first: their answer (without) must
     * not be served to the owner either.  Several rounds, each process a
     * new one, so that a stored answer would be found. */
    for (round = 0; round < 3; round++) {
        assert_int_equal(rnrt_run_as(RNRT_USER_MALLORY, sees_evil, NULL), 0);
        assert_int_equal(rnrt_run_as(RNRT_USER_ALICE, sees_no_evil, NULL), 0);
        assert_int_equal(sees_no_evil(NULL), 0);
    }
    for (round = 0; round < 3; round++) {
        assert_int_equal(rnrt_run_as(RNRT_USER_ALICE, sees_no_evil, NULL), 0);
        assert_int_equal(rnrt_run_as(RNRT_USER_MALLORY, sees_evil, NULL), 0);
    }
    stop(&d);
}

/* ------------------------------------------------------------ whom to trust */

static int alice_registers(void *arg)
{
    (void)arg;
    return reg_host("alice-admin.example", "192.0.2.201");
}

static int sees_alices(void *arg)
{
    (void)arg;
    return ghbn_has("alice-admin.example", "192.0.2.201") == 1 ? 0 : 1;
}

/* An administrator (member of admin-group) vouches for its entries. */
static void test_admin_group_trusted(void **state)
{
    static struct rnrt_daemon d;
    char                      line[128];

    (void)state;
    need_users();
    /* rnrt-alice's own group (useradd --user-group) is the admin group. */
    snprintf(line, sizeof line, "admin-group = %s\n", RNRT_USER_ALICE);
    start_with(&d, line, NULL);
    assert_int_equal(rnrt_run_as(RNRT_USER_ALICE, alice_registers, NULL), 0);
    assert_int_equal(rnrt_run_as(RNRT_USER_MALLORY, sees_alices, NULL), 0);
    assert_int_equal(sees_alices(NULL), 0);
    /* The mark is stored with the entry: a restart keeps it trusted. */
    assert_int_equal(rnrt_daemon_stop(&d), 0);
    assert_int_equal(rnrt_daemon_start(&d), 0);
    assert_int_equal(rnrt_run_as(RNRT_USER_MALLORY, sees_alices, NULL), 0);
    assert_int_equal(sees_alices(NULL), 0);
    stop(&d);
}


/* trust = all, given at a reload: what was withheld is served, also
 * where the answer cache had the old answer. */
static void test_trust_all(void **state)
{
    static struct rnrt_daemon d;
    char                      out[1024], *conf;
    FILE                     *f;

    (void)state;
    need_users();
    start(&d, NULL);
    assert_int_equal(rnrt_run_as(RNRT_USER_MALLORY, mallory_registers, NULL), 0);
    assert_int_equal(rnrt_run_as(RNRT_USER_ALICE, sees_no_evil, NULL), 0);
    /* The directory's section is the file's last. */
    conf = slurp(d.conf);
    assert_non_null(strstr(conf, DIR_CONF));
    free(conf);
    assert_non_null(f = fopen(d.conf, "a"));
    fputs("trust = all\n", f);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(rnrt_rnrctl("reload", out, sizeof out), 0);
    assert_int_equal(rnrt_run_as(RNRT_USER_ALICE, sees_evil, NULL), 0);
    assert_int_equal(sees_evil(NULL), 0);
    stop(&d);
}

/* ------------------------------------------------------------ quotas */

/* quota-entries = 3. */
static int mallory_fills_entries(void *arg)
{
    char out[1024];

    (void)arg;
    if (reg_host("m1.example", "198.51.100.1") != 0 ||
        reg_host("m2.example", "198.51.100.2") != 0 ||
        reg_host("m3.example", "198.51.100.3") != 0)
        return 1;
    if (reg_host("m4.example", "198.51.100.4") != WSAEDQUOT)
        return 2;
    /* Replacing one of its own adds no entry. */
    if (reg_host("m3.example", "198.51.100.33") != 0)
        return 3;
    /* rnrctl says so, and fails. */
    if (rnrt_rnrctl("register host m4.example --addr 198.51.100.4:0 --provider " DIR_ID, out,
                   sizeof out) != 5 || strstr(out, "WSAEDQUOT") == NULL)
        return 4;
    return 0;
}

static int mallory_still_full(void *arg)
{
    (void)arg;
    if (reg_host("m4.example", "198.51.100.4") != WSAEDQUOT)
        return 1;
    /* A deletion frees its share. */
    if (del_host("m1.example") != 0)
        return 2;
    if (reg_host("m4.example", "198.51.100.4") != 0)
        return 3;
    if (reg_host("m5.example", "198.51.100.5") != WSAEDQUOT)
        return 4;
    return 0;
}

static void test_quota_entries(void **state)
{
    static struct rnrt_daemon d;
    char                      name[32];
    int                       i;

    (void)state;
    need_users();
    start(&d, "quota-entries = 3\n");
    assert_int_equal(rnrt_run_as(RNRT_USER_MALLORY, mallory_fills_entries, NULL), 0);
    /* Root is exempt. */
    for (i = 0; i < 10; i++) {
        snprintf(name, sizeof name, "r%d.example", i);
        assert_int_equal(reg_host(name, "192.0.2.50"), 0);
    }
    /* The counts come back from the store. */
    WSACleanup();
    assert_int_equal(rnrt_daemon_stop(&d), 0);
    assert_int_equal(rnrt_daemon_start(&d), 0);
    assert_int_equal(rnrt_run_as(RNRT_USER_MALLORY, mallory_still_full, NULL), 0);
    stop(&d);
}

/* quota-bytes = 2048: blobs of 1000 bytes, addresses added one by one. */
static int mallory_fills_bytes(void *arg)
{
    struct reg big = { SVCID_INET_HOSTADDRBYNAME, "big1.example", "198.51.100.9", 0, 1000, 0,
                       RNRSERVICE_REGISTER };
    struct reg grow = { SVCID_INET_HOSTADDRBYNAME, "grow.example", NULL, 0, 0,
                        SERVICE_MULTIPLE, RNRSERVICE_REGISTER };
    char       ip[32];
    int        i, rc = 0;

    (void)arg;
    if (do_set(&big) != 0)
        return 1;
    big.name = "big2.example";
    if (do_set(&big) != WSAEDQUOT)
        return 2;
    /* SERVICE_MULTIPLE growth counts too: one address more each time. */
    grow.ip = ip;
    for (i = 1; i < 200 && rc == 0; i++) {
        snprintf(ip, sizeof ip, "198.51.100.%d", i);
        rc = do_set(&grow);
    }
    if (rc != WSAEDQUOT || i < 3)
        return 3;
    /* Deleting makes room again. */
    big.name = "big1.example";
    big.op = RNRSERVICE_DELETE;
    big.ip = NULL;
    big.bloblen = 0;
    if (do_set(&big) != 0 || del_host("grow.example") != 0)
        return 4;
    big.name = "big2.example";
    big.op = RNRSERVICE_REGISTER;
    big.ip = "198.51.100.9";
    big.bloblen = 1000;
    if (do_set(&big) != 0)
        return 5;
    return 0;
}

static int mallory_bytes_after_restart(void *arg)
{
    struct reg big = { SVCID_INET_HOSTADDRBYNAME, "big3.example", "198.51.100.9", 0, 1000, 0,
                       RNRSERVICE_REGISTER };

    (void)arg;
    return do_set(&big) == WSAEDQUOT ? 0 : 1;
}

static void test_quota_bytes(void **state)
{
    static struct rnrt_daemon d;
    struct reg                big = { SVCID_INET_HOSTADDRBYNAME, "rootbig.example",
                                      "192.0.2.9", 0, 5000, 0, RNRSERVICE_REGISTER };

    (void)state;
    need_users();
    start(&d, "quota-bytes = 2048\n");
    assert_int_equal(rnrt_run_as(RNRT_USER_MALLORY, mallory_fills_bytes, NULL), 0);
    /* Root is exempt. */
    assert_int_equal(do_set(&big), 0);
    WSACleanup();
    assert_int_equal(rnrt_daemon_stop(&d), 0);
    assert_int_equal(rnrt_daemon_start(&d), 0);
    assert_int_equal(rnrt_run_as(RNRT_USER_MALLORY, mallory_bytes_after_restart, NULL), 0);
    stop(&d);
}

/* ------------------------------------------------------------ quotas, pending */


#define NWRITERS 5

struct pwriter {
    pthread_t t;
    char      name[32];
    int       rc;
};

static void *pwriter_run(void *arg)
{
    struct pwriter *w = arg;

    w->rc = reg_host(w->name, "198.51.100.77");
    return NULL;
}

/* Mallory, quota-entries = 3: five registrations at once, all arriving
 * while the first one's fsync is held.  Exactly three may pass. */
static int mallory_five_at_once(void *arg)
{
    struct pwriter w[NWRITERS];
    int            i, ok = 0, dquot = 0;

    (void)arg;
    for (i = 0; i < NWRITERS; i++) {
        snprintf(w[i].name, sizeof w[i].name, "p%d.example", i);
        if (pthread_create(&w[i].t, NULL, pwriter_run, &w[i]) != 0)
            return 100;
    }
    for (i = 0; i < NWRITERS; i++) {
        pthread_join(w[i].t, NULL);
        ok += w[i].rc == 0;
        dquot += w[i].rc == WSAEDQUOT;
    }
    return ok == 3 && dquot == 2 ? 0 : 10 + ok;
}

struct runner {
    pthread_t t;
    int       rc;
};

static void *runner_run(void *arg)
{
    struct runner *r = arg;

    r->rc = rnrt_run_as(RNRT_USER_MALLORY, mallory_five_at_once, NULL);
    return NULL;
}

static void test_quota_pending(void **state)
{
    static struct rnrt_daemon d;
    char                      gate[200], path[260];
    int                       held_fd, go_fd;
    long long                 sets0;
    struct runner             r;

    (void)state;
    need_users();
    /* A lost sync would leave the test waiting at the gate: fail instead. */
    alarm(300);
    current = &d;
    assert_int_equal(rnrt_daemon_init(&d, DIR_CONF "quota-entries = 3\n"), 0);
    /* The fsync worker waits at a gate (dir_sync.c): a byte on GATE.held
     * before each fdatasync, then one from GATE.go. */
    snprintf(gate, sizeof gate, "%s/gate", d.dir);
    snprintf(path, sizeof path, "%s.held", gate);
    assert_int_equal(mkfifo(path, 0600), 0);
    assert_true((held_fd = open(path, O_RDWR | O_CLOEXEC)) >= 0);
    snprintf(path, sizeof path, "%s.go", gate);
    assert_int_equal(mkfifo(path, 0600), 0);
    assert_true((go_fd = open(path, O_RDWR | O_CLOEXEC)) >= 0);
    setenv("RNR_TEST_DIR_SYNC_GATE", gate, 1);
    assert_int_equal(rnrt_daemon_start(&d), 0);
    unsetenv("RNR_TEST_DIR_SYNC_GATE");

    sets0 = rnrt_stat("provider.directory.stat.set-service");
    assert_int_equal(pthread_create(&r.t, NULL, runner_run, &r), 0);
    /* The first registration's sync is held; the four others arrive
     * meanwhile: two join the next sync, two are over the quota. */
    rnrt_read_byte(held_fd);
    assert_int_equal(rnrt_wait_stat("provider.directory.stat.set-service", sets0 + NWRITERS), 0);
    assert_int_equal(write(go_fd, "g", 1), 1);
    rnrt_read_byte(held_fd);
    assert_int_equal(write(go_fd, "g", 1), 1);
    assert_int_equal(pthread_join(r.t, NULL), 0);
    assert_int_equal(r.rc, 0);
    assert_int_equal(rnrt_stat("provider.directory.stat.entries"), 3);
    assert_int_equal(rnrt_stat("provider.directory.stat.quota-refused"), 2);
    close(held_fd);
    close(go_fd);
    stop(&d);
    alarm(0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_untrusted_withheld, teardown),
        cmocka_unit_test_teardown(test_answer_cache_never_leaks, teardown),
        cmocka_unit_test_teardown(test_admin_group_trusted, teardown),
        cmocka_unit_test_teardown(test_trust_all, teardown),
        cmocka_unit_test_teardown(test_quota_entries, teardown),
        cmocka_unit_test_teardown(test_quota_bytes, teardown),
        cmocka_unit_test_teardown(test_quota_pending, teardown),
    };
    return cmocka_run_group_tests_name("integration: untrusted registrations", tests, NULL,
                                       NULL);
}
