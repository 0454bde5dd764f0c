/* SPDX-License-Identifier: MIT */
/*
 * bench_ldap: figures for the ldap provider, driven by bench/ldap_bench.sh
 * (which starts two slapd peers replicating each other and one rnrd with
 * the ldap provider on the first; RNR_SOCKET names it).
 *
 *   bench_ldap URI_A URI_B BASE BIND_DN PWFILE [ac]
 *
 * Each rnr figure has its baseline measured in the same run, on the same
 * server, by this process through libldap directly:
 *   - one entry looked up through rnrd, with LUP_FLUSHCACHE (to the server
 *     every time) and from the provider's cache, against the same entry
 *     fetched with ldap_search_ext_s on one bound connection;
 *   - a registration (WSASetService) against an ldap_add_ext_s of the same
 *     object;
 *   - 10,000 registrations through rnrd on A, then B (the other replica)
 *     polled until it holds all of them.
 * The client's answer cache is off (RNR_ANSWER_CACHE=0, set by the
 * script): the cached row is what rnrd keeps of the provider's answer.
 * With "ac" (the script runs it again, the answer cache on, as
 * applications get it by default) only the repeated lookup is timed.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ldap.h>

#include <rnr/winsock2.h>

#include "bench_util.h"

#define N_LOOKUP   2000
#define N_CACHED   20000
#define N_WRITE    500
#define N_REPL     10000
#define N_MAX      N_CACHED

/* SVCID_TCP(5000), as rnrctl's tcp:5000. */
static const GUID bench_cls = { 0x00091388u, 0, 0,
                                { 0xC0, 0, 0, 0, 0, 0, 0, 0x46 } };

static double samples[N_MAX];
static char container[512];

/* Prints the row of n samples; total_us: the wall time of all of them. */
static void row(const char *id, const char *label, int n, double total_us, const char *cmp)
{
    qsort(samples, (size_t)n, sizeof samples[0], bench_cmp_double);
    printf("%-44s p50 %8.1f us  p99 %8.1f us  %8.0f ops/s\n", label, samples[n / 2],
           samples[n * 99 / 100], n / (total_us / 1e6));
    printf("@row\t%s\t%s\t1\t%.1f\t%.1f\t%.0f\t%s\n", id, label, samples[n / 2],
           samples[n * 99 / 100], n / (total_us / 1e6), cmp);
}

static LDAP *ldap_open(const char *uri, const char *dn, const char *pwfile)
{
    char pw[256] = "";
    struct berval cred;
    FILE *f = fopen(pwfile, "r");
    int v3 = LDAP_VERSION3;
    LDAP *ld = NULL;

    if (f == NULL || fgets(pw, sizeof pw, f) == NULL) {
        if (f != NULL)
            fclose(f);
        return NULL;
    }
    fclose(f);
    pw[strcspn(pw, "\r\n")] = '\0';
    cred.bv_val = pw;
    cred.bv_len = strlen(pw);
    if (ldap_initialize(&ld, uri) != LDAP_SUCCESS)
        return NULL;
    ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &v3);
    if (ldap_sasl_bind_s(ld, dn, LDAP_SASL_SIMPLE, &cred, NULL, NULL, NULL) != LDAP_SUCCESS) {
        ldap_unbind_ext_s(ld, NULL, NULL);
        return NULL;
    }
    return ld;
}

/* Entries matching filter below the container (one level); -1 on error. */
static long ldap_count(LDAP *ld, const char *filter, char **attrs)
{
    LDAPMessage *res = NULL;
    long n;

    if (ldap_search_ext_s(ld, container, LDAP_SCOPE_ONELEVEL, filter, attrs, 0, NULL, NULL,
                          NULL, LDAP_NO_LIMIT, &res) != LDAP_SUCCESS) {
        ldap_msgfree(res);
        return -1;
    }
    n = ldap_count_entries(ld, res);
    ldap_msgfree(res);
    return n;
}

static void addr_init(struct sockaddr_in *sin, CSADDR_INFO *csa)
{
    memset(sin, 0, sizeof *sin);
    sin->sin_family = AF_INET;
    sin->sin_port = htons(5000);
    sin->sin_addr.s_addr = htonl(0xC0000207u);
    memset(csa, 0, sizeof *csa);
    csa->RemoteAddr.lpSockaddr = (LPSOCKADDR)sin;
    csa->RemoteAddr.iSockaddrLength = sizeof *sin;
    csa->iSocketType = SOCK_STREAM;
    csa->iProtocol = IPPROTO_TCP;
}

static int rnr_register(const char *name)
{
    struct sockaddr_in sin;
    CSADDR_INFO csa;
    WSAQUERYSETA qs;

    addr_init(&sin, &csa);
    memset(&qs, 0, sizeof qs);
    qs.dwSize = sizeof qs;
    qs.lpServiceClassId = (GUID *)&bench_cls;
    qs.lpszServiceInstanceName = (char *)name;
    qs.dwNameSpace = NS_NTDS;
    qs.dwNumberOfCsAddrs = 1;
    qs.lpcsaBuffer = &csa;
    return WSASetServiceA(&qs, RNRSERVICE_REGISTER, 0);
}

/* 0 when the lookup returned the name's one address. */
static int rnr_lookup(const char *name, DWORD flags)
{
    union { WSAQUERYSETA qs; char b[4096]; } buf;
    WSAQUERYSETA qs;
    HANDLE h;
    DWORD len = sizeof buf;
    int rc;

    memset(&qs, 0, sizeof qs);
    qs.dwSize = sizeof qs;
    qs.lpServiceClassId = (GUID *)&bench_cls;
    qs.lpszServiceInstanceName = (char *)name;
    qs.dwNameSpace = NS_NTDS;
    if (WSALookupServiceBeginA(&qs, flags | LUP_RETURN_NAME | LUP_RETURN_ADDR, &h) != 0)
        return -1;
    rc = WSALookupServiceNextA(h, 0, &len, &buf.qs) == 0 && buf.qs.dwNumberOfCsAddrs == 1 ? 0 : -1;
    WSALookupServiceEnd(h);
    return rc;
}

/* n timed lookups of bench0 with flags, then its row. */
static int time_lookups(const char *id, const char *label, DWORD flags, int n)
{
    double t0, t;
    int i;

    t0 = bench_now_us();
    for (i = 0; i < n; i++) {
        t = bench_now_us();
        if (rnr_lookup("bench0", flags) != 0)
            return fprintf(stderr, "bench_ldap: %s: lookup failed\n", id), 1;
        samples[i] = bench_now_us() - t;
    }
    row(id, label, n, bench_now_us() - t0, "ldap-direct");
    return 0;
}

static int bench_lookups(LDAP *ld)
{
    char *attrs[] = { "cn", "displayName", "serviceClassID", "winsockAddresses",
                      "serviceInstanceVersion", "description", NULL };
    double t0, t;
    int i;

    if (rnr_register("bench0") != 0)
        return fprintf(stderr, "bench_ldap: register bench0: %d\n", WSAGetLastError()), 1;
    for (i = 0; i < 100; i++)
        if (ldap_count(ld, "(&(objectClass=serviceInstance)(cn=bench0))", attrs) != 1 ||
            rnr_lookup("bench0", LUP_FLUSHCACHE) != 0)
            return fprintf(stderr, "bench_ldap: bench0 not found in warm-up\n"), 1;
    t0 = bench_now_us();
    for (i = 0; i < N_LOOKUP; i++) {
        t = bench_now_us();
        if (ldap_count(ld, "(&(objectClass=serviceInstance)(cn=bench0))", attrs) != 1)
            return fprintf(stderr, "bench_ldap: direct search failed\n"), 1;
        samples[i] = bench_now_us() - t;
    }
    row("ldap-direct", "libldap ldap_search_ext_s, one entry", N_LOOKUP, bench_now_us() - t0, "-");
    if (time_lookups("ldap-cold", "ldap provider lookup, LUP_FLUSHCACHE", LUP_FLUSHCACHE,
                     N_LOOKUP) != 0)
        return 1;
    (void)rnr_lookup("bench0", 0);
    return time_lookups("ldap-cached", "ldap provider lookup, provider cache", 0, N_CACHED);
}

/* The object a registration makes, added directly. */
static int ldap_add_one(LDAP *ld, const char *name)
{
    /* What the provider writes for 192.0.2.7:5000/tcp. */
    static const unsigned char addr[] = { 1, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0, 16, 0, 0, 0,
                                          2, 0, 0x13, 0x88, 192, 0, 2, 7, 0, 0, 0, 0, 0, 0, 0, 0 };
    char dn[600], *oc[] = { "serviceInstance", NULL }, *cn[] = { (char *)name, NULL };
    struct berval id = { 16, (char *)&bench_cls }, wa = { sizeof addr, (char *)addr };
    struct berval *idv[] = { &id, NULL }, *wav[] = { &wa, NULL };
    LDAPMod m_oc = { LDAP_MOD_ADD, "objectClass", { .modv_strvals = oc } };
    LDAPMod m_cn = { LDAP_MOD_ADD, "cn", { .modv_strvals = cn } };
    LDAPMod m_dn = { LDAP_MOD_ADD, "displayName", { .modv_strvals = cn } };
    LDAPMod m_id = { LDAP_MOD_ADD | LDAP_MOD_BVALUES, "serviceClassID", { .modv_bvals = idv } };
    LDAPMod m_wa = { LDAP_MOD_ADD | LDAP_MOD_BVALUES, "winsockAddresses", { .modv_bvals = wav } };
    LDAPMod *mods[] = { &m_oc, &m_cn, &m_dn, &m_id, &m_wa, NULL };

    snprintf(dn, sizeof dn, "CN=%s,%s", name, container);
    return ldap_add_ext_s(ld, dn, mods, NULL, NULL);
}

/* Repeats answered in the process by librnr's answer cache. */
static int bench_answer_cache(void)
{
    if (rnr_lookup("bench0", 0) != 0)
        return fprintf(stderr, "bench_ldap: bench0 not found\n"), 1;
    return time_lookups("ldap-ac", "ldap provider lookup, client answer cache", 0, N_CACHED);
}

static int bench_writes(LDAP *ld)
{
    char name[64];
    double t0, t;
    int i;

    t0 = bench_now_us();
    for (i = 0; i < N_WRITE; i++) {
        snprintf(name, sizeof name, "direct%05d", i);
        t = bench_now_us();
        if (ldap_add_one(ld, name) != LDAP_SUCCESS)
            return fprintf(stderr, "bench_ldap: direct add %s failed\n", name), 1;
        samples[i] = bench_now_us() - t;
    }
    row("ldap-add-direct", "libldap ldap_add_ext_s, one object", N_WRITE, bench_now_us() - t0, "-");
    t0 = bench_now_us();
    for (i = 0; i < N_WRITE; i++) {
        snprintf(name, sizeof name, "reg%05d", i);
        t = bench_now_us();
        if (rnr_register(name) != 0)
            return fprintf(stderr, "bench_ldap: register %s: %d\n", name, WSAGetLastError()), 1;
        samples[i] = bench_now_us() - t;
    }
    row("ldap-register", "ldap provider register (WSASetService)", N_WRITE, bench_now_us() - t0,
        "ldap-add-direct");
    return 0;
}

static int bench_replication(LDAP *ldb)
{
    char *attrs[] = { "1.1", NULL }, name[64];
    double t0, t_last, t_all;
    long seen = 0;
    int i;

    t0 = bench_now_us();
    for (i = 0; i < N_REPL; i++) {
        snprintf(name, sizeof name, "rep%05d", i);
        if (rnr_register(name) != 0)
            return fprintf(stderr, "bench_ldap: register %s: %d\n", name, WSAGetLastError()), 1;
    }
    t_last = bench_now_us();
    while ((seen = ldap_count(ldb, "(&(objectClass=serviceInstance)(cn=rep*))", attrs)) < N_REPL) {
        if (seen < 0 || bench_now_us() - t_last > 120e6)
            return fprintf(stderr, "bench_ldap: B holds %ld of %d after 120 s\n", seen,
                           N_REPL), 1;
        struct timespec ts = { 0, 20 * 1000 * 1000 };
        nanosleep(&ts, NULL);
    }
    t_all = bench_now_us();
    printf("%d registrations through rnrd on A: %.2f s (%.0f a second); all on B %.0f ms\n"
           "  after the last one (B polled every 20 ms), %.2f s from the first\n",
           N_REPL, (t_last - t0) / 1e6, N_REPL / ((t_last - t0) / 1e6), (t_all - t_last) / 1e3,
           (t_all - t0) / 1e6);
    printf("@row\tldap-repl-10k\t10,000 registered on A, all on B: lag\t1\t%.1f\t-\t%.0f\t-\n",
           t_all - t_last, N_REPL / ((t_all - t0) / 1e6));
    return 0;
}

int main(int argc, char **argv)
{
    LDAP *lda = NULL, *ldb = NULL;
    WSADATA wd;
    int rc = 1;

    if (argc != 6 && !(argc == 7 && strcmp(argv[6], "ac") == 0)) {
        fprintf(stderr, "usage: bench_ldap URI_A URI_B BASE BIND_DN PWFILE [ac]\n");
        return 2;
    }
    snprintf(container, sizeof container, "CN=WinsockServices,CN=System,%s", argv[3]);
    if (WSAStartup(MAKEWORD(2, 2), &wd) != 0)
        return 1;
    if (argc == 7) {
        rc = bench_answer_cache();
        goto done;
    }
    if ((lda = ldap_open(argv[1], argv[4], argv[5])) == NULL ||
        (ldb = ldap_open(argv[2], argv[4], argv[5])) == NULL) {
        fprintf(stderr, "bench_ldap: cannot bind to %s and %s\n", argv[1], argv[2]);
        goto done;
    }
    if (bench_lookups(lda) != 0 || bench_writes(lda) != 0 || bench_replication(ldb) != 0)
        goto done;
    rc = 0;
done:
    if (lda != NULL)
        ldap_unbind_ext_s(lda, NULL, NULL);
    if (ldb != NULL)
        ldap_unbind_ext_s(ldb, NULL, NULL);
    WSACleanup();
    return rc;
}
