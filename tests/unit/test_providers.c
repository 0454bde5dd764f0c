/* SPDX-License-Identifier: MIT */
/*
 * The hosts and local providers driven through their ops with a fake
 * host interface (no daemon, no dlopen): query semantics, families and
 * protocols, blobs, statuses, reload on file change, stats.
 *
 * The hosts file used for name lookups is the one whose glibc answers
 * were recorded with `unshare -m` + a bind mount over /etc/hosts and
 * gethostbyname() (glibc 2.36, host.conf "multi on"); the expected
 * h_aliases / h_addr_list below are glibc's.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rnr/nsp.h>
#include <rnr/nspids.h>

#include "alloc.h"
#include "blob.h"

const struct rnr_nsp_ops *rnr_hosts_entry(unsigned abi_version);
const struct rnr_nsp_ops *rnr_local_entry(unsigned abi_version);
void rnr_local_set_ifaddrs(int (*get)(struct ifaddrs **),
                           void (*release)(struct ifaddrs *));

/* ------------------------------------------------------------ fake host */

struct rnr_nsp_provider { int unused; };
struct rnr_nsp_lookup { int unused; };
struct rnr_nsp_timer { int unused; };

#define MAX_RESULTS 64
#define MAX_CS 32

struct rec_cs {
    int      af;
    uint8_t  addr[16];
    uint16_t port;
    uint32_t scope;
    int      socktype, proto;
    int      local_af, local_any;
};

struct rec_result {
    char          name[300];
    int           has_name;
    GUID          cls;
    DWORD         flags;
    size_t        ncs;
    struct rec_cs cs[MAX_CS];
    uint8_t      *blob;
    size_t        bloblen;
};

static struct {
    const char *config[8][2];
    struct rec_result res[MAX_RESULTS];
    size_t nres;
    int finished, status;
    size_t emit_limit;          /* 0: none */
    char log[4096];
    int watch_fd;
    rnr_nsp_fd_cb watch_cb;
    void *watch_arg;
    rnr_nsp_timer_cb timer_cb;
    void *timer_arg;
    struct rnr_nsp_timer timer;
    int timers_armed, timers_cancelled;
} F;

static struct rnr_nsp_provider prov;
static struct rnr_nsp_lookup lkp;

static void fake_log(struct rnr_nsp_provider *p, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fake_log(struct rnr_nsp_provider *p, int level, const char *fmt, ...)
{
    size_t used = strlen(F.log);
    va_list ap;

    (void)p;
    (void)level;
    va_start(ap, fmt);
    vsnprintf(F.log + used, sizeof F.log - used, fmt, ap);
    va_end(ap);
    used = strlen(F.log);
    if (used + 1 < sizeof F.log)
        strcpy(F.log + used, "\n");
}

static const char *fake_config(struct rnr_nsp_provider *p, const char *key)
{
    size_t i;

    (void)p;
    for (i = 0; i < 8 && F.config[i][0] != NULL; i++)
        if (strcmp(F.config[i][0], key) == 0)
            return F.config[i][1];
    return NULL;
}

static int fake_watch(struct rnr_nsp_provider *p, int fd, unsigned ev,
                      rnr_nsp_fd_cb cb, void *arg)
{
    (void)p;
    (void)ev;
    F.watch_fd = fd;
    F.watch_cb = cb;
    F.watch_arg = arg;
    return 0;
}

static void fake_unwatch(struct rnr_nsp_provider *p, int fd)
{
    (void)p;
    if (fd == F.watch_fd)
        F.watch_cb = NULL;
}

static struct rnr_nsp_timer *fake_timer_add(struct rnr_nsp_provider *p,
                                            uint64_t ms, rnr_nsp_timer_cb cb,
                                            void *arg)
{
    (void)p;
    (void)ms;
    F.timer_cb = cb;
    F.timer_arg = arg;
    F.timers_armed++;
    return &F.timer;
}

static void fake_timer_cancel(struct rnr_nsp_provider *p, struct rnr_nsp_timer *t)
{
    (void)p;
    assert_ptr_equal(t, &F.timer);
    F.timer_cb = NULL;
    F.timers_cancelled++;
}

static uint64_t fake_now(void)
{
    return 0;
}

static void record_cs(struct rec_cs *r, const CSADDR_INFO *c)
{
    const struct sockaddr *ra = c->RemoteAddr.lpSockaddr;
    const struct sockaddr *la = c->LocalAddr.lpSockaddr;

    memset(r, 0, sizeof *r);
    assert_non_null(ra);
    assert_non_null(la);
    r->af = ra->sa_family;
    r->socktype = c->iSocketType;
    r->proto = c->iProtocol;
    r->local_af = la->sa_family;
    if (r->af == AF_INET) {
        const struct sockaddr_in *s = (const void *)ra;
        const struct sockaddr_in *l = (const void *)la;

        assert_int_equal(c->RemoteAddr.iSockaddrLength, sizeof *s);
        memcpy(r->addr, &s->sin_addr, 4);
        r->port = ntohs(s->sin_port);
        r->local_any = l->sin_addr.s_addr == htonl(INADDR_ANY) && l->sin_port == 0;
    } else {
        const struct sockaddr_in6 *s = (const void *)ra;
        const struct sockaddr_in6 *l = (const void *)la;

        assert_int_equal(r->af, AF_INET6);
        assert_int_equal(c->RemoteAddr.iSockaddrLength, sizeof *s);
        memcpy(r->addr, &s->sin6_addr, 16);
        r->port = ntohs(s->sin6_port);
        r->scope = s->sin6_scope_id;
        r->local_any = memcmp(&l->sin6_addr, &in6addr_any, 16) == 0 &&
                       l->sin6_port == 0;
    }
}

static int fake_emit(struct rnr_nsp_lookup *lk, const WSAQUERYSETA *qs)
{
    struct rec_result *r;
    DWORD i;

    assert_ptr_equal(lk, &lkp);
    assert_false(F.finished);
    if (F.emit_limit != 0 && F.nres >= F.emit_limit)
        return WSAENOBUFS;
    assert_true(F.nres < MAX_RESULTS);
    r = &F.res[F.nres++];
    memset(r, 0, sizeof *r);
    assert_int_equal(qs->dwSize, sizeof *qs);
    if (qs->lpszServiceInstanceName != NULL) {
        r->has_name = 1;
        snprintf(r->name, sizeof r->name, "%s", qs->lpszServiceInstanceName);
    }
    assert_non_null(qs->lpServiceClassId);
    r->cls = *qs->lpServiceClassId;
    r->flags = qs->dwOutputFlags;
    assert_true(qs->dwNumberOfCsAddrs <= MAX_CS);
    r->ncs = qs->dwNumberOfCsAddrs;
    for (i = 0; i < qs->dwNumberOfCsAddrs; i++)
        record_cs(&r->cs[i], &qs->lpcsaBuffer[i]);
    if (qs->lpBlob != NULL) {
        r->bloblen = qs->lpBlob->cbSize;
        r->blob = malloc(r->bloblen);
        assert_non_null(r->blob);
        memcpy(r->blob, qs->lpBlob->pBlobData, r->bloblen);
    }
    return 0;
}

static void fake_finish(struct rnr_nsp_lookup *lk, int status)
{
    assert_ptr_equal(lk, &lkp);
    assert_false(F.finished);
    F.finished = 1;
    F.status = status;
}

static const struct rnr_nsp_host fake_host = {
    .size = sizeof(struct rnr_nsp_host),
    .abi_version = RNR_NSP_ABI_VERSION,
    .log = fake_log,
    .config_get = fake_config,
    .watch_fd = fake_watch,
    .unwatch_fd = fake_unwatch,
    .timer_add = fake_timer_add,
    .timer_cancel = fake_timer_cancel,
    .now_ms = fake_now,
    .emit = fake_emit,
    .finish = fake_finish,
};

static void reset_results(void)
{
    size_t i;

    for (i = 0; i < F.nres; i++)
        free(F.res[i].blob);
    F.nres = 0;
    F.finished = 0;
    F.status = -1;
    F.emit_limit = 0;
}

/* ------------------------------------------------------------ helpers */

static char tmpdir[] = "/tmp/test_providers.XXXXXX";
static char hosts_path[300], services_path[300];

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static const char hosts_text[] =
    "# test hosts\n"
    "10.0.0.1   Foo foo-alias  shared\n"
    "10.0.0.2   bar shared foo\n"
    "fe80::1%lo scoped\n"
    "2001:db8::1 foo six\n"
    "10.0.0.1   foo dupaddr\n"
    "10.0.0.3   FOO upper\n"
    "10.0.0.4\ttabbed\t  tabalias # trailing comment\n"
    "::1 localhost ip6-localhost\n"
    "127.0.0.1 localhost\n"
    "::ffff:1.2.3.4 mapped\n";

static const char services_text[] =
    "ftp\t\t21/tcp\t\tfsp fspd\n"
    "domain\t\t53/tcp\n"
    "domain\t\t53/udp\n"
    "tftp\t\t69/udp\n"
    "http\t\t80/tcp\t\twww\n";

static const GUID g_byname = SVCID_INET_HOSTADDRBYNAME;
static const GUID g_hostname = SVCID_HOSTNAME;
static const GUID g_bystring = SVCID_INET_HOSTADDRBYINETSTRING;
static const GUID g_service = SVCID_INET_SERVICEBYNAME;

struct prov {
    const struct rnr_nsp_ops *ops;
    void *state;
};

static void start(struct prov *p, const struct rnr_nsp_ops *ops)
{
    p->ops = ops;
    p->state = NULL;
    assert_int_equal(ops->startup(&fake_host, &prov, &p->state), 0);
    assert_non_null(p->state);
}

static void stop(struct prov *p)
{
    p->ops->cleanup(p->state);
    p->state = NULL;
}

/* Runs a lookup; returns the finish status. */
static int run(struct prov *p, const GUID *cls, const char *name,
               const char *qstr, const AFPROTOCOLS *afp, DWORD nafp)
{
    WSAQUERYSETA qs;
    GUID c = *cls;

    reset_results();
    memset(&qs, 0, sizeof qs);
    qs.dwSize = sizeof qs;
    qs.lpszServiceInstanceName = (char *)(uintptr_t)name;
    qs.lpServiceClassId = &c;
    qs.lpszQueryString = (char *)(uintptr_t)qstr;
    qs.lpafpProtocols = (AFPROTOCOLS *)(uintptr_t)afp;
    qs.dwNumberOfProtocols = nafp;
    assert_int_equal(p->ops->lookup_begin(p->state, &lkp, &qs, 0), 0);
    assert_true(F.finished);
    return F.status;
}

static void unpack_h(const struct rec_result *r, void *buf, size_t len)
{
    size_t need;

    assert_non_null(r->blob);
    assert_int_equal(rnr_blob_unpack_hostent(r->blob, r->bloblen, buf, len, &need), 0);
}

static void assert_cs(const struct rec_cs *c, const char *addr, uint16_t port,
                      int socktype, int proto)
{
    uint8_t a[16];
    int af = strchr(addr, ':') != NULL ? AF_INET6 : AF_INET;

    assert_int_equal(inet_pton(af, addr, a), 1);
    assert_int_equal(c->af, af);
    assert_memory_equal(c->addr, a, af == AF_INET ? 4 : 16);
    assert_int_equal(c->port, port);
    assert_int_equal(c->socktype, socktype);
    assert_int_equal(c->proto, proto);
    assert_int_equal(c->local_af, af);
    assert_true(c->local_any);
}

static void assert_strv(char **v, const char *const *want)
{
    size_t i;

    for (i = 0; want[i] != NULL; i++) {
        assert_non_null(v[i]);
        assert_string_equal(v[i], want[i]);
    }
    assert_null(v[i]);
}

static void assert_addrv(char **v, int af, const char *const *want)
{
    uint8_t a[16];
    size_t i;

    for (i = 0; want[i] != NULL; i++) {
        assert_non_null(v[i]);
        assert_int_equal(inet_pton(af, want[i], a), 1);
        assert_memory_equal(v[i], a, af == AF_INET ? 4 : 16);
    }
    assert_null(v[i]);
}

static size_t count_aliases(void)
{
    size_t i, n = 0;

    for (i = 0; i < F.nres; i++)
        n += (F.res[i].flags & RESULT_IS_ALIAS) != 0;
    return n;
}

static int has_alias(const char *name)
{
    size_t i;

    for (i = 0; i < F.nres; i++)
        if ((F.res[i].flags & RESULT_IS_ALIAS) && strcmp(F.res[i].name, name) == 0)
            return 1;
    return 0;
}

union hbuf {
    struct hostent h;
    struct servent s;
    uint8_t b[8192];
};

static int setup(void **state)
{
    (void)state;
    if (mkdtemp(tmpdir) == NULL)
        return -1;
    snprintf(hosts_path, sizeof hosts_path, "%s/hosts", tmpdir);
    snprintf(services_path, sizeof services_path, "%s/services", tmpdir);
    write_file(hosts_path, hosts_text);
    write_file(services_path, services_text);
    memset(&F, 0, sizeof F);
    F.config[0][0] = "hosts-file";
    F.config[0][1] = hosts_path;
    F.config[1][0] = "services-file";
    F.config[1][1] = services_path;
    return 0;
}

static int teardown(void **state)
{
    char cmd[400];

    (void)state;
    reset_results();
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

/* ------------------------------------------------------------ hosts */

static void test_entry_points(void **state)
{
    const struct rnr_nsp_ops *h = rnr_hosts_entry(RNR_NSP_ABI_VERSION);
    const struct rnr_nsp_ops *l = rnr_local_entry(RNR_NSP_ABI_VERSION);
    const GUID hid = RNR_NSPID_HOSTS;
    const GUID lid = RNR_NSPID_LOCAL;

    (void)state;
    assert_null(rnr_hosts_entry(RNR_NSP_ABI_VERSION + 1));
    assert_null(rnr_local_entry(0));
    assert_non_null(h);
    assert_non_null(l);
    assert_int_equal(h->abi_version, RNR_NSP_ABI_VERSION);
    assert_string_equal(h->name, "hosts");
    assert_string_equal(h->display_name, "Hosts and services files");
    assert_int_equal(h->default_name_space, NS_TCPIP_HOSTS);
    assert_memory_equal(&h->default_id, &hid, sizeof hid);
    assert_int_equal(h->families, RNR_NSP_AF_INET | RNR_NSP_AF_INET6);
    assert_true(h->capabilities & RNR_NSP_CAP_WILDCARDS);
    assert_int_equal(h->version, 1);
    assert_null(h->lookup_cancel);
    assert_string_equal(l->name, "local");
    assert_string_equal(l->display_name, "Local host");
    assert_int_equal(l->default_name_space, NS_TCPIP_LOCAL);
    assert_memory_equal(&l->default_id, &lid, sizeof lid);
    assert_int_equal(l->families, RNR_NSP_AF_INET | RNR_NSP_AF_INET6);
}

/* gethostbyname("foo") as glibc answers it on this file. */
static void test_hosts_byname_glibc(void **state)
{
    static const char *const aliases[] = { "foo-alias", "shared", "shared", "foo",
        "bar", "dupaddr", "foo", "upper", "FOO", NULL };
    static const char *const addrs[] = { "10.0.0.1", "10.0.0.2", "10.0.0.1",
        "10.0.0.3", NULL };
    static const char *const shared_aliases[] = { "foo-alias", "shared", "shared",
        "foo", "bar", NULL };
    struct prov p;
    union hbuf hb;
    const struct rec_result *r;

    (void)state;
    start(&p, rnr_hosts_entry(RNR_NSP_ABI_VERSION));
    assert_int_equal(run(&p, &g_byname, "foo", NULL, NULL, 0), 0);
    r = &F.res[0];
    assert_string_equal(r->name, "Foo");
    assert_int_equal(r->flags, 0);
    assert_memory_equal(&r->cls, &g_byname, sizeof r->cls);
    /* CSADDRs: every address of the matching lines, file order, TCP. */
    assert_int_equal(r->ncs, 5);
    assert_cs(&r->cs[0], "10.0.0.1", 0, SOCK_STREAM, IPPROTO_TCP);
    assert_cs(&r->cs[1], "10.0.0.2", 0, SOCK_STREAM, IPPROTO_TCP);
    assert_cs(&r->cs[2], "2001:db8::1", 0, SOCK_STREAM, IPPROTO_TCP);
    assert_cs(&r->cs[3], "10.0.0.1", 0, SOCK_STREAM, IPPROTO_TCP);
    assert_cs(&r->cs[4], "10.0.0.3", 0, SOCK_STREAM, IPPROTO_TCP);
    unpack_h(r, &hb, sizeof hb);
    assert_string_equal(hb.h.h_name, "Foo");
    assert_int_equal(hb.h.h_addrtype, AF_INET);
    assert_strv(hb.h.h_aliases, aliases);
    assert_addrv(hb.h.h_addr_list, AF_INET, addrs);
    /* Then the other names, once each, as alias results. */
    assert_true(has_alias("foo-alias"));
    assert_true(has_alias("shared"));
    assert_true(has_alias("bar"));
    assert_true(has_alias("six"));
    assert_true(has_alias("dupaddr"));
    assert_true(has_alias("upper"));
    assert_false(has_alias("Foo"));
    assert_false(has_alias("foo"));
    assert_int_equal(count_aliases(), F.nres - 1);
    assert_int_equal(count_aliases(), 6);
    assert_null(F.res[1].blob);

    /* By alias: named after the first line, merged like glibc. */
    assert_int_equal(run(&p, &g_byname, "SHARED", NULL, NULL, 0), 0);
    assert_string_equal(F.res[0].name, "Foo");
    unpack_h(&F.res[0], &hb, sizeof hb);
    assert_strv(hb.h.h_aliases, shared_aliases);
    assert_int_equal(F.res[0].ncs, 2);

    /* SVCID_HOSTNAME with a name answers the same way. */
    assert_int_equal(run(&p, &g_hostname, "tabalias", NULL, NULL, 0), 0);
    assert_string_equal(F.res[0].name, "tabbed");
    assert_memory_equal(&F.res[0].cls, &g_hostname, sizeof(GUID));
    assert_int_equal(F.res[0].ncs, 1);
    assert_cs(&F.res[0].cs[0], "10.0.0.4", 0, SOCK_STREAM, IPPROTO_TCP);
    stop(&p);
}

static void test_hosts_families(void **state)
{
    const AFPROTOCOLS v6[] = { { AF_INET6, IPPROTO_TCP } };
    const AFPROTOCOLS v4udp_tcp[] = { { AF_INET, IPPROTO_UDP }, { AF_INET, IPPROTO_TCP } };
    const AFPROTOCOLS v4zero[] = { { AF_INET, 0 } };
    static const char *const six_aliases[] = { "six", NULL };
    static const char *const six_addrs[] = { "2001:db8::1", NULL };
    static const char *const lh6[] = { "::1", NULL };
    static const char *const lo4[] = { "127.0.0.1", NULL };
    static const char *const lo4x2[] = { "127.0.0.1", "127.0.0.1", NULL };
    static const char *const lh_aliases[] = { "ip6-localhost", NULL };
    struct prov p;
    union hbuf hb;

    (void)state;
    start(&p, rnr_hosts_entry(RNR_NSP_ABI_VERSION));
    /* IPv6 only: the hostent is AF_INET6, named after the first IPv6 line. */
    assert_int_equal(run(&p, &g_byname, "foo", NULL, v6, 1), 0);
    assert_string_equal(F.res[0].name, "foo");
    assert_int_equal(F.res[0].ncs, 1);
    assert_cs(&F.res[0].cs[0], "2001:db8::1", 0, SOCK_STREAM, IPPROTO_TCP);
    unpack_h(&F.res[0], &hb, sizeof hb);
    assert_int_equal(hb.h.h_addrtype, AF_INET6);
    assert_int_equal(hb.h.h_length, 16);
    assert_strv(hb.h.h_aliases, six_aliases);
    assert_addrv(hb.h.h_addr_list, AF_INET6, six_addrs);

    /* A host with only IPv6 addresses: its hostent is AF_INET6 when both
     * families are allowed... */
    assert_int_equal(run(&p, &g_byname, "six", NULL, NULL, 0), 0);
    unpack_h(&F.res[0], &hb, sizeof hb);
    assert_int_equal(hb.h.h_addrtype, AF_INET6);
    assert_addrv(hb.h.h_addr_list, AF_INET6, six_addrs);
    /* ... except "::1", which glibc's parser reads as 127.0.0.1 for an
     * AF_INET hostent; the CSADDR stays ::1 when IPv6 is allowed. */
    assert_int_equal(run(&p, &g_byname, "ip6-localhost", NULL, NULL, 0), 0);
    assert_string_equal(F.res[0].name, "localhost");
    assert_int_equal(F.res[0].ncs, 1);
    assert_cs(&F.res[0].cs[0], "::1", 0, SOCK_STREAM, IPPROTO_TCP);
    unpack_h(&F.res[0], &hb, sizeof hb);
    assert_int_equal(hb.h.h_addrtype, AF_INET);
    assert_addrv(hb.h.h_addr_list, AF_INET, lo4);
    assert_int_equal(run(&p, &g_byname, "ip6-localhost", NULL, v4zero, 1), 0);
    assert_cs(&F.res[0].cs[0], "127.0.0.1", 0, SOCK_STREAM, IPPROTO_TCP);
    assert_int_equal(run(&p, &g_byname, "ip6-localhost", NULL, v6, 1), 0);
    unpack_h(&F.res[0], &hb, sizeof hb);
    assert_int_equal(hb.h.h_addrtype, AF_INET6);
    assert_addrv(hb.h.h_addr_list, AF_INET6, lh6);
    /* localhost on both lines, as glibc: the same name is not repeated. */
    assert_int_equal(run(&p, &g_byname, "localhost", NULL, NULL, 0), 0);
    assert_int_equal(F.res[0].ncs, 2);
    assert_cs(&F.res[0].cs[0], "::1", 0, SOCK_STREAM, IPPROTO_TCP);
    assert_cs(&F.res[0].cs[1], "127.0.0.1", 0, SOCK_STREAM, IPPROTO_TCP);
    unpack_h(&F.res[0], &hb, sizeof hb);
    assert_strv(hb.h.h_aliases, lh_aliases);
    assert_addrv(hb.h.h_addr_list, AF_INET, lo4x2);

    /* An IPv4-mapped line is IPv4 to an AF_INET hostent (glibc), IPv6
     * to an AF_INET6 one. */
    assert_int_equal(run(&p, &g_byname, "mapped", NULL, NULL, 0), 0);
    assert_int_equal(F.res[0].ncs, 1);
    assert_cs(&F.res[0].cs[0], "1.2.3.4", 0, SOCK_STREAM, IPPROTO_TCP);
    unpack_h(&F.res[0], &hb, sizeof hb);
    assert_int_equal(hb.h.h_addrtype, AF_INET);
    assert_int_equal(run(&p, &g_byname, "mapped", NULL, v6, 1), 0);
    assert_cs(&F.res[0].cs[0], "::ffff:1.2.3.4", 0, SOCK_STREAM, IPPROTO_TCP);
    unpack_h(&F.res[0], &hb, sizeof hb);
    assert_int_equal(hb.h.h_addrtype, AF_INET6);

    /* One CSADDR per requested protocol, in the order asked. */
    assert_int_equal(run(&p, &g_byname, "bar", NULL, v4udp_tcp, 2), 0);
    assert_int_equal(F.res[0].ncs, 2);
    assert_cs(&F.res[0].cs[0], "10.0.0.2", 0, SOCK_DGRAM, IPPROTO_UDP);
    assert_cs(&F.res[0].cs[1], "10.0.0.2", 0, SOCK_STREAM, IPPROTO_TCP);
    assert_int_equal(run(&p, &g_byname, "bar", NULL, v4zero, 1), 0);
    assert_cs(&F.res[0].cs[0], "10.0.0.2", 0, SOCK_STREAM, IPPROTO_TCP);

    /* Known name, no address of the families asked: WSANO_DATA. */
    assert_int_equal(run(&p, &g_byname, "six", NULL, v4zero, 1), WSANO_DATA);
    assert_int_equal(F.nres, 0);
    assert_int_equal(run(&p, &g_byname, "bar", NULL, v6, 1), WSANO_DATA);
    stop(&p);
}

static void test_hosts_query_string(void **state)
{
    const AFPROTOCOLS both[] = { { AF_INET, IPPROTO_TCP }, { AF_INET, IPPROTO_UDP } };
    struct prov p;

    (void)state;
    start(&p, rnr_hosts_entry(RNR_NSP_ABI_VERSION));
    assert_int_equal(run(&p, &g_hostname, "bar", "ftp", NULL, 0), 0);
    assert_cs(&F.res[0].cs[0], "10.0.0.2", 21, SOCK_STREAM, IPPROTO_TCP);
    assert_int_equal(run(&p, &g_hostname, "bar", "FTP/tcp", NULL, 0), 0);
    assert_cs(&F.res[0].cs[0], "10.0.0.2", 21, SOCK_STREAM, IPPROTO_TCP);
    assert_int_equal(run(&p, &g_byname, "bar", "tftp", NULL, 0), 0);
    assert_cs(&F.res[0].cs[0], "10.0.0.2", 69, SOCK_DGRAM, IPPROTO_UDP);
    assert_int_equal(run(&p, &g_byname, "bar", "53/udp", NULL, 0), 0);
    assert_cs(&F.res[0].cs[0], "10.0.0.2", 53, SOCK_DGRAM, IPPROTO_UDP);
    assert_int_equal(run(&p, &g_byname, "bar", "8080", NULL, 0), 0);
    assert_cs(&F.res[0].cs[0], "10.0.0.2", 8080, SOCK_STREAM, IPPROTO_TCP);
    assert_int_equal(run(&p, &g_byname, "bar", "domain", both, 2), 0);
    assert_int_equal(F.res[0].ncs, 2);
    assert_cs(&F.res[0].cs[0], "10.0.0.2", 53, SOCK_STREAM, IPPROTO_TCP);
    assert_cs(&F.res[0].cs[1], "10.0.0.2", 53, SOCK_DGRAM, IPPROTO_UDP);
    assert_int_equal(run(&p, &g_byname, "bar", "nosuchservice", NULL, 0),
                     WSASERVICE_NOT_FOUND);
    stop(&p);
}

static void test_hosts_not_found(void **state)
{
    struct prov p;

    (void)state;
    start(&p, rnr_hosts_entry(RNR_NSP_ABI_VERSION));
    assert_int_equal(run(&p, &g_byname, "nosuch", NULL, NULL, 0), WSAHOST_NOT_FOUND);
    assert_int_equal(F.nres, 0);
    /* A dotted address is not resolved as a name (API reference). */
    assert_int_equal(run(&p, &g_byname, "10.0.0.1", NULL, NULL, 0), WSAHOST_NOT_FOUND);
    assert_int_equal(run(&p, &g_byname, NULL, NULL, NULL, 0), WSAHOST_NOT_FOUND);
    assert_int_equal(run(&p, &g_byname, "", NULL, NULL, 0), WSAHOST_NOT_FOUND);
    /* The local host is the local provider's. */
    assert_int_equal(run(&p, &g_hostname, NULL, NULL, NULL, 0), WSAHOST_NOT_FOUND);
    assert_int_equal(run(&p, &g_hostname, "", NULL, NULL, 0), WSAHOST_NOT_FOUND);
    /* Lines the parser refused are not there. */
    assert_int_equal(run(&p, &g_byname, "scoped", NULL, NULL, 0), WSAHOST_NOT_FOUND);
    {
        const GUID other = { 0x12345678u, 1, 2, { 3, 4, 5, 6, 7, 8, 9, 10 } };
        const GUID dns_a = SVCID_DNS(1);

        assert_int_equal(run(&p, &other, "foo", NULL, NULL, 0), WSASERVICE_NOT_FOUND);
        assert_int_equal(run(&p, &dns_a, "foo", NULL, NULL, 0), WSASERVICE_NOT_FOUND);
    }
    stop(&p);
}

static void test_hosts_wildcards(void **state)
{
    const AFPROTOCOLS v6[] = { { AF_INET6, 0 } };
    struct prov p;
    size_t i, nmain = 0;

    (void)state;
    start(&p, rnr_hosts_entry(RNR_NSP_ABI_VERSION));
    /* f*: the Foo/foo/FOO lines are one host, "bar" (alias foo) another. */
    assert_int_equal(run(&p, &g_byname, "f*", NULL, NULL, 0), 0);
    for (i = 0; i < F.nres; i++) {
        if (F.res[i].flags & RESULT_IS_ALIAS)
            continue;
        if (nmain == 0) {
            assert_string_equal(F.res[i].name, "Foo");
            assert_int_equal(F.res[i].ncs, 4);
        } else {
            assert_string_equal(F.res[i].name, "bar");
            assert_int_equal(F.res[i].ncs, 1);
        }
        nmain++;
    }
    assert_int_equal(nmain, 2);
    assert_int_equal(run(&p, &g_byname, "?abbed", NULL, NULL, 0), 0);
    assert_string_equal(F.res[0].name, "tabbed");
    assert_int_equal(run(&p, &g_byname, "zz*", NULL, NULL, 0), WSAHOST_NOT_FOUND);
    assert_int_equal(run(&p, &g_byname, "tab*", NULL, v6, 1), WSANO_DATA);
    /* Every host; a full lookup stops cleanly at the result limit. */
    assert_int_equal(run(&p, &g_byname, "*", NULL, NULL, 0), 0);
    assert_true(F.nres > 5);
    run(&p, &g_byname, "*", NULL, NULL, 0);
    reset_results();
    F.emit_limit = 2;
    {
        WSAQUERYSETA qs;
        GUID c = g_byname;

        memset(&qs, 0, sizeof qs);
        qs.dwSize = sizeof qs;
        qs.lpszServiceInstanceName = "*";
        qs.lpServiceClassId = &c;
        assert_int_equal(p.ops->lookup_begin(p.state, &lkp, &qs, 0), 0);
        assert_true(F.finished);
        assert_int_equal(F.status, 0);
        assert_int_equal(F.nres, 2);
    }
    stop(&p);
}

static void test_hosts_by_inetstring(void **state)
{
    static const char *const foo_aliases[] = { "foo-alias", "shared", NULL };
    static const char *const addr1[] = { "10.0.0.1", NULL };
    const AFPROTOCOLS v6[] = { { AF_INET6, 0 } };
    struct prov p;
    union hbuf hb;

    (void)state;
    start(&p, rnr_hosts_entry(RNR_NSP_ABI_VERSION));
    /* gethostbyaddr: the first line owning it, as glibc. */
    assert_int_equal(run(&p, &g_bystring, "10.0.0.1", NULL, NULL, 0), 0);
    assert_string_equal(F.res[0].name, "Foo");
    assert_int_equal(F.res[0].ncs, 1);
    assert_cs(&F.res[0].cs[0], "10.0.0.1", 0, SOCK_STREAM, IPPROTO_TCP);
    unpack_h(&F.res[0], &hb, sizeof hb);
    assert_string_equal(hb.h.h_name, "Foo");
    assert_strv(hb.h.h_aliases, foo_aliases);
    assert_addrv(hb.h.h_addr_list, AF_INET, addr1);
    assert_int_equal(count_aliases(), 2);
    assert_int_equal(F.nres, 3);   /* "foo dupaddr" is the same host */

    assert_int_equal(run(&p, &g_bystring, "::1", NULL, NULL, 0), 0);
    assert_string_equal(F.res[0].name, "localhost");
    unpack_h(&F.res[0], &hb, sizeof hb);
    assert_int_equal(hb.h.h_addrtype, AF_INET6);
    assert_int_equal(run(&p, &g_bystring, "2001:DB8:0::1", NULL, NULL, 0), 0);
    assert_string_equal(F.res[0].name, "foo");

    /* glibc: 127.0.0.1 is also owned by an earlier "::1" line, 1.2.3.4
     * by "::ffff:1.2.3.4". */
    assert_int_equal(run(&p, &g_bystring, "127.0.0.1", NULL, NULL, 0), 0);
    assert_string_equal(F.res[0].name, "localhost");
    unpack_h(&F.res[0], &hb, sizeof hb);
    assert_int_equal(hb.h.h_addrtype, AF_INET);
    assert_string_equal(hb.h.h_aliases[0], "ip6-localhost");
    assert_cs(&F.res[0].cs[0], "127.0.0.1", 0, SOCK_STREAM, IPPROTO_TCP);
    assert_int_equal(run(&p, &g_bystring, "1.2.3.4", NULL, NULL, 0), 0);
    assert_string_equal(F.res[0].name, "mapped");

    assert_int_equal(run(&p, &g_bystring, "10.0.0.1", NULL, v6, 1), WSANO_DATA);
    assert_int_equal(run(&p, &g_bystring, "10.9.9.9", NULL, NULL, 0), WSAHOST_NOT_FOUND);
    assert_int_equal(run(&p, &g_bystring, "foo", NULL, NULL, 0), WSAHOST_NOT_FOUND);
    assert_int_equal(run(&p, &g_bystring, "10.1", NULL, NULL, 0), WSAHOST_NOT_FOUND);
    assert_int_equal(run(&p, &g_bystring, NULL, NULL, NULL, 0), WSAHOST_NOT_FOUND);
    stop(&p);
}

static void test_hosts_services(void **state)
{
    static const char *const ftp_aliases[] = { "fsp", "fspd", NULL };
    const GUID tcp21 = SVCID_TCP(21), udp53 = SVCID_UDP(53), tcp53 = SVCID_TCP(53);
    struct prov p;
    union hbuf hb;
    size_t need;

    (void)state;
    start(&p, rnr_hosts_entry(RNR_NSP_ABI_VERSION));
    assert_int_equal(run(&p, &g_service, "FTP", NULL, NULL, 0), 0);
    assert_string_equal(F.res[0].name, "ftp");
    assert_memory_equal(&F.res[0].cls, &tcp21, sizeof tcp21);
    assert_int_equal(F.res[0].ncs, 0);
    assert_int_equal(rnr_blob_unpack_servent(F.res[0].blob, F.res[0].bloblen,
                                             &hb, sizeof hb, &need), 0);
    assert_string_equal(hb.s.s_name, "ftp");
    assert_string_equal(hb.s.s_proto, "tcp");
    assert_int_equal(hb.s.s_port, htons(21));
    assert_strv(hb.s.s_aliases, ftp_aliases);
    assert_int_equal(count_aliases(), 2);
    assert_true(has_alias("fsp"));

    assert_int_equal(run(&p, &g_service, "ftp/tcp", NULL, NULL, 0), 0);
    assert_string_equal(F.res[0].name, "ftp");
    assert_int_equal(run(&p, &g_service, "21/tcp", NULL, NULL, 0), 0);
    assert_string_equal(F.res[0].name, "ftp");
    assert_int_equal(run(&p, &g_service, "www", NULL, NULL, 0), 0);
    assert_string_equal(F.res[0].name, "http");
    assert_int_equal(run(&p, &g_service, "domain", NULL, NULL, 0), 0);
    assert_memory_equal(&F.res[0].cls, &tcp53, sizeof tcp53);
    assert_int_equal(run(&p, &g_service, "domain/UDP", NULL, NULL, 0), 0);
    assert_memory_equal(&F.res[0].cls, &udp53, sizeof udp53);
    assert_int_equal(run(&p, &g_service, "53", NULL, NULL, 0), 0);
    assert_string_equal(F.res[0].name, "domain");
    assert_memory_equal(&F.res[0].cls, &tcp53, sizeof tcp53);

    assert_int_equal(run(&p, &g_service, "ftp/udp", NULL, NULL, 0), WSASERVICE_NOT_FOUND);
    assert_int_equal(run(&p, &g_service, "nosuch", NULL, NULL, 0), WSASERVICE_NOT_FOUND);
    assert_int_equal(run(&p, &g_service, "8080", NULL, NULL, 0), WSASERVICE_NOT_FOUND);
    assert_int_equal(run(&p, &g_service, NULL, NULL, NULL, 0), WSASERVICE_NOT_FOUND);
    stop(&p);
}

static void test_hosts_port_classes(void **state)
{
    const GUID tcp80 = SVCID_TCP(80), udp53 = SVCID_UDP(53);
    struct prov p;

    (void)state;
    start(&p, rnr_hosts_entry(RNR_NSP_ABI_VERSION));
    assert_int_equal(run(&p, &tcp80, "bar", NULL, NULL, 0), 0);
    assert_memory_equal(&F.res[0].cls, &tcp80, sizeof tcp80);
    assert_cs(&F.res[0].cs[0], "10.0.0.2", 80, SOCK_STREAM, IPPROTO_TCP);
    assert_int_equal(run(&p, &udp53, "tabbed", NULL, NULL, 0), 0);
    assert_cs(&F.res[0].cs[0], "10.0.0.4", 53, SOCK_DGRAM, IPPROTO_UDP);
    assert_int_equal(run(&p, &tcp80, NULL, NULL, NULL, 0), WSASERVICE_NOT_FOUND);
    assert_int_equal(run(&p, &tcp80, "nosuch", NULL, NULL, 0), WSAHOST_NOT_FOUND);
    stop(&p);
}

static void fire_change(void)
{
    assert_non_null(F.watch_cb);
    F.watch_cb(F.watch_arg, F.watch_fd, RNR_NSP_EV_READ);
}

static void fire_timer(void)
{
    rnr_nsp_timer_cb cb = F.timer_cb;

    assert_non_null(cb);
    F.timer_cb = NULL;
    cb(F.timer_arg);
}

struct stat_rec {
    uint64_t entries, lookups, reloads;
};

static void stat_cb(void *ctx, const char *key, uint64_t v)
{
    struct stat_rec *s = ctx;

    if (strcmp(key, "entries") == 0)
        s->entries = v;
    else if (strcmp(key, "lookups") == 0)
        s->lookups = v;
    else if (strcmp(key, "reloads") == 0)
        s->reloads = v;
}

static void test_hosts_reload(void **state)
{
    char tmp[320], other[320];
    struct stat_rec s = { 0, 0, 0 };
    struct prov p;

    (void)state;
    start(&p, rnr_hosts_entry(RNR_NSP_ABI_VERSION));
    p.ops->stats(p.state, stat_cb, &s);
    assert_int_equal(s.entries, 9);
    assert_int_equal(s.reloads, 0);
    assert_int_equal(run(&p, &g_byname, "newhost", NULL, NULL, 0), WSAHOST_NOT_FOUND);

    /* Rename over the file (editors, package managers). */
    snprintf(tmp, sizeof tmp, "%s/hosts.tmp", tmpdir);
    write_file(tmp, "10.1.1.1 newhost\n");
    assert_int_equal(rename(tmp, hosts_path), 0);
    fire_change();
    assert_non_null(F.timer_cb);   /* debounced */
    fire_timer();
    assert_int_equal(run(&p, &g_byname, "newhost", NULL, NULL, 0), 0);
    assert_int_equal(run(&p, &g_byname, "foo", NULL, NULL, 0), WSAHOST_NOT_FOUND);

    /* In-place append. */
    {
        FILE *f = fopen(hosts_path, "a");

        assert_non_null(f);
        fputs("10.1.1.2 appended\n", f);
        fclose(f);
    }
    fire_change();
    fire_timer();
    assert_int_equal(run(&p, &g_byname, "appended", NULL, NULL, 0), 0);

    /* Unrelated files in the directory do not trigger a reload. */
    snprintf(other, sizeof other, "%s/unrelated", tmpdir);
    write_file(other, "x");
    fire_change();
    assert_null(F.timer_cb);

    /* The file vanishes: the old entries stay. */
    assert_int_equal(unlink(hosts_path), 0);
    fire_change();
    fire_timer();
    assert_int_equal(run(&p, &g_byname, "appended", NULL, NULL, 0), 0);
    assert_non_null(strstr(F.log, "keeping the previous entries"));

    /* SIGHUP with another path. */
    F.config[0][1] = other;
    write_file(other, "10.2.2.2 viaconfig\n");
    assert_int_equal(p.ops->reload(p.state), 0);
    assert_int_equal(run(&p, &g_byname, "viaconfig", NULL, NULL, 0), 0);
    /* ... and a path that does not load: error, old entries kept. */
    F.config[0][1] = tmpdir;
    assert_int_not_equal(p.ops->reload(p.state), 0);
    assert_int_equal(run(&p, &g_byname, "viaconfig", NULL, NULL, 0), 0);

    p.ops->stats(p.state, stat_cb, &s);
    assert_int_equal(s.entries, 1);
    assert_int_equal(s.reloads, 3);
    assert_true(s.lookups >= 6);
    stop(&p);

    F.config[0][1] = hosts_path;
    write_file(hosts_path, hosts_text);
}

static void test_hosts_missing_file_startup(void **state)
{
    char missing[320];
    struct prov p;

    (void)state;
    snprintf(missing, sizeof missing, "%s/not-yet", tmpdir);
    F.config[0][1] = missing;
    start(&p, rnr_hosts_entry(RNR_NSP_ABI_VERSION));
    assert_int_equal(run(&p, &g_byname, "late", NULL, NULL, 0), WSAHOST_NOT_FOUND);
    write_file(missing, "10.3.3.3 late\n");
    fire_change();
    fire_timer();
    assert_int_equal(run(&p, &g_byname, "late", NULL, NULL, 0), 0);
    stop(&p);
    F.config[0][1] = hosts_path;
}

/* ------------------------------------------------------------ local */

struct fake_if {
    struct ifaddrs ifa;
    struct sockaddr_storage ss;
};

static struct fake_if fifs[8];
static size_t nfifs;
static int ifaddrs_fail;

static void add_if(const char *name, unsigned flags, const char *addr, uint32_t scope)
{
    struct fake_if *f = &fifs[nfifs];

    memset(f, 0, sizeof *f);
    f->ifa.ifa_name = (char *)(uintptr_t)name;
    f->ifa.ifa_flags = flags;
    f->ifa.ifa_addr = (struct sockaddr *)&f->ss;
    if (strchr(addr, ':') != NULL) {
        struct sockaddr_in6 *s = (struct sockaddr_in6 *)&f->ss;

        s->sin6_family = AF_INET6;
        assert_int_equal(inet_pton(AF_INET6, addr, &s->sin6_addr), 1);
        s->sin6_scope_id = scope;
    } else {
        struct sockaddr_in *s = (struct sockaddr_in *)&f->ss;

        s->sin_family = AF_INET;
        assert_int_equal(inet_pton(AF_INET, addr, &s->sin_addr), 1);
    }
    if (nfifs > 0)
        fifs[nfifs - 1].ifa.ifa_next = &f->ifa;
    nfifs++;
}

static int fake_getifaddrs(struct ifaddrs **out)
{
    if (ifaddrs_fail)
        return -1;
    *out = nfifs > 0 ? &fifs[0].ifa : NULL;
    return 0;
}

static void fake_freeifaddrs(struct ifaddrs *p)
{
    (void)p;
}

static void std_interfaces(void)
{
    nfifs = 0;
    ifaddrs_fail = 0;
    add_if("lo", IFF_UP | IFF_LOOPBACK, "127.0.0.1", 0);
    add_if("eth0", IFF_UP, "192.0.2.10", 0);
    add_if("eth0", IFF_UP, "fe80::10", 2);
    add_if("eth0", IFF_UP, "2001:db8::10", 0);
    add_if("eth1", 0, "198.51.100.1", 0);          /* down */
    add_if("eth0:1", IFF_UP, "192.0.2.10", 0);     /* duplicate */
    add_if("lo", IFF_UP | IFF_LOOPBACK, "::1", 0);
}

static void local_start(struct prov *p, const char *hostname)
{
    F.config[2][0] = "hostname";
    F.config[2][1] = hostname;
    rnr_local_set_ifaddrs(fake_getifaddrs, fake_freeifaddrs);
    std_interfaces();
    start(p, rnr_local_entry(RNR_NSP_ABI_VERSION));
}

static void local_stop(struct prov *p)
{
    stop(p);
    F.config[2][0] = NULL;
    F.config[2][1] = NULL;
    rnr_local_set_ifaddrs(NULL, NULL);
}

static void test_local_hostname(void **state)
{
    static const char *const a4[] = { "192.0.2.10", NULL };
    const AFPROTOCOLS v6[] = { { AF_INET6, IPPROTO_UDP } };
    struct prov p;
    union hbuf hb;

    (void)state;
    local_start(&p, "myhost.example.org");
    /* gethostname(): NULL name. */
    assert_int_equal(run(&p, &g_hostname, NULL, NULL, NULL, 0), 0);
    assert_string_equal(F.res[0].name, "myhost.example.org");
    assert_int_equal(F.res[0].ncs, 3);
    assert_cs(&F.res[0].cs[0], "192.0.2.10", 0, SOCK_STREAM, IPPROTO_TCP);
    assert_cs(&F.res[0].cs[1], "fe80::10", 0, SOCK_STREAM, IPPROTO_TCP);
    assert_int_equal(F.res[0].cs[1].scope, 2);
    assert_cs(&F.res[0].cs[2], "2001:db8::10", 0, SOCK_STREAM, IPPROTO_TCP);
    assert_true(has_alias("myhost"));
    assert_int_equal(run(&p, &g_hostname, "", NULL, NULL, 0), 0);
    assert_string_equal(F.res[0].name, "myhost.example.org");
    /* gethostbyname(""): the local host too, as on Windows. */
    assert_int_equal(run(&p, &g_byname, "", NULL, NULL, 0), 0);
    assert_string_equal(F.res[0].name, "myhost.example.org");
    unpack_h(&F.res[0], &hb, sizeof hb);
    assert_int_equal(hb.h.h_addrtype, AF_INET);
    assert_addrv(hb.h.h_addr_list, AF_INET, a4);
    assert_int_equal(run(&p, &g_byname, NULL, NULL, NULL, 0), WSAHOST_NOT_FOUND);

    /* Own name, full or first label, any case; with a service port. */
    assert_int_equal(run(&p, &g_byname, "MyHost", "ftp", NULL, 0), 0);
    assert_string_equal(F.res[0].name, "myhost.example.org");
    assert_cs(&F.res[0].cs[0], "192.0.2.10", 21, SOCK_STREAM, IPPROTO_TCP);
    unpack_h(&F.res[0], &hb, sizeof hb);
    assert_int_equal(hb.h.h_addrtype, AF_INET);
    assert_addrv(hb.h.h_addr_list, AF_INET, a4);
    assert_int_equal(run(&p, &g_hostname, NULL, "53/udp", NULL, 0), 0);
    assert_cs(&F.res[0].cs[0], "192.0.2.10", 53, SOCK_DGRAM, IPPROTO_UDP);
    assert_int_equal(run(&p, &g_hostname, NULL, "nosuch", NULL, 0), WSASERVICE_NOT_FOUND);

    /* Families. */
    assert_int_equal(run(&p, &g_byname, "myhost.example.org", NULL, v6, 1), 0);
    assert_int_equal(F.res[0].ncs, 2);
    assert_cs(&F.res[0].cs[0], "fe80::10", 0, SOCK_DGRAM, IPPROTO_UDP);
    unpack_h(&F.res[0], &hb, sizeof hb);
    assert_int_equal(hb.h.h_addrtype, AF_INET6);

    /* localhost. */
    assert_int_equal(run(&p, &g_byname, "LOCALHOST", NULL, NULL, 0), 0);
    assert_string_equal(F.res[0].name, "localhost");
    assert_int_equal(F.res[0].ncs, 2);
    assert_cs(&F.res[0].cs[0], "127.0.0.1", 0, SOCK_STREAM, IPPROTO_TCP);
    assert_cs(&F.res[0].cs[1], "::1", 0, SOCK_STREAM, IPPROTO_TCP);

    assert_int_equal(run(&p, &g_byname, "otherhost", NULL, NULL, 0), WSAHOST_NOT_FOUND);
    assert_int_equal(run(&p, &g_byname, NULL, NULL, NULL, 0), WSAHOST_NOT_FOUND);
    assert_int_equal(run(&p, &g_service, "ftp", NULL, NULL, 0), WSASERVICE_NOT_FOUND);
    local_stop(&p);
}

static void test_local_no_name_no_interfaces(void **state)
{
    struct prov p;

    (void)state;
    local_start(&p, "(none)");
    /* Only loopback interfaces: loopback addresses. */
    nfifs = 0;
    add_if("lo", IFF_UP | IFF_LOOPBACK, "127.0.0.1", 0);
    assert_int_equal(run(&p, &g_hostname, NULL, NULL, NULL, 0), 0);
    assert_string_equal(F.res[0].name, "localhost");
    assert_int_equal(F.res[0].ncs, 2);
    assert_cs(&F.res[0].cs[0], "127.0.0.1", 0, SOCK_STREAM, IPPROTO_TCP);
    assert_cs(&F.res[0].cs[1], "::1", 0, SOCK_STREAM, IPPROTO_TCP);
    /* getifaddrs failing is no reason to fail gethostname. */
    ifaddrs_fail = 1;
    assert_int_equal(run(&p, &g_hostname, NULL, NULL, NULL, 0), 0);
    assert_string_equal(F.res[0].name, "localhost");
    local_stop(&p);

    /* Without configuration: the kernel's name (never empty). */
    rnr_local_set_ifaddrs(fake_getifaddrs, fake_freeifaddrs);
    std_interfaces();
    start(&p, rnr_local_entry(RNR_NSP_ABI_VERSION));
    assert_int_equal(run(&p, &g_hostname, NULL, NULL, NULL, 0), 0);
    {
        char hn[256] = "";

        if (gethostname(hn, sizeof hn) != 0 || hn[0] == '\0' ||
            strcmp(hn, "(none)") == 0)
            strcpy(hn, "localhost");
        assert_string_equal(F.res[0].name, hn);
    }
    local_stop(&p);
}

static void test_local_by_addr(void **state)
{
    const AFPROTOCOLS v6[] = { { AF_INET6, 0 } };
    struct prov p;
    union hbuf hb;

    (void)state;
    local_start(&p, "myhost.example.org");
    assert_int_equal(run(&p, &g_bystring, "192.0.2.10", NULL, NULL, 0), 0);
    assert_string_equal(F.res[0].name, "myhost.example.org");
    assert_int_equal(F.res[0].ncs, 1);
    unpack_h(&F.res[0], &hb, sizeof hb);
    assert_string_equal(hb.h.h_name, "myhost.example.org");
    assert_int_equal(run(&p, &g_bystring, "2001:db8::10", NULL, NULL, 0), 0);
    assert_string_equal(F.res[0].name, "myhost.example.org");
    assert_int_equal(run(&p, &g_bystring, "127.0.0.1", NULL, NULL, 0), 0);
    assert_string_equal(F.res[0].name, "localhost");
    assert_int_equal(run(&p, &g_bystring, "::1", NULL, NULL, 0), 0);
    assert_string_equal(F.res[0].name, "localhost");
    assert_int_equal(run(&p, &g_bystring, "192.0.2.10", NULL, v6, 1), WSANO_DATA);
    assert_int_equal(run(&p, &g_bystring, "203.0.113.1", NULL, NULL, 0), WSAHOST_NOT_FOUND);
    assert_int_equal(run(&p, &g_bystring, "garbage", NULL, NULL, 0), WSAHOST_NOT_FOUND);
    local_stop(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_entry_points),
        cmocka_unit_test(test_hosts_byname_glibc),
        cmocka_unit_test(test_hosts_families),
        cmocka_unit_test(test_hosts_query_string),
        cmocka_unit_test(test_hosts_not_found),
        cmocka_unit_test(test_hosts_wildcards),
        cmocka_unit_test(test_hosts_by_inetstring),
        cmocka_unit_test(test_hosts_services),
        cmocka_unit_test(test_hosts_port_classes),
        cmocka_unit_test(test_hosts_reload),
        cmocka_unit_test(test_hosts_missing_file_startup),
        cmocka_unit_test(test_local_hostname),
        cmocka_unit_test(test_local_no_name_no_interfaces),
        cmocka_unit_test(test_local_by_addr),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
