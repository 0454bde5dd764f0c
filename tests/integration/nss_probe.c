/* SPDX-License-Identifier: MIT */
/*
 * nss_probe: calls libnss_rnr.so.2's entry points directly, the way glibc
 * does (dlopen + dlsym), for what getent cannot show: every short buffer
 * length, misaligned buffers, a tuple getaddrinfo preallocated, odd
 * arguments, 6000 calls (descriptors and memory must not grow),
 * threads, fork, and the statuses with rnrd down.  Driven by
 * nss_getent.sh against a running rnrd serving its test files.
 *
 *   nss_probe MODULE up      rnrd runs: everything
 *   nss_probe MODULE down    rnrd is not running: UNAVAIL, quickly
 *   nss_probe MODULE loop N  N rounds of lookups only (for valgrind)
 *   nss_probe MODULE odd     registers odd records in rnrd's test
 *                            provider (NS_X500) through the probe's own
 *                            librnr, then looks them up through the
 *                            module: garbage and truncated blobs, a blob
 *                            of the other family, CSADDRs only, a name
 *                            only, 1500 aliases, servents that do not
 *                            answer the question.  Also shows that the
 *                            module's librnr is not the application's.
 *
 * Exit 0 when every check passed, 1 otherwise (each failure on stderr).
 */
#include "config.h"

#include <rnr/winsock2.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <netdb.h>
#include <nss.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "blob.h"

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

static nss_gethostbyname_r  *p_byname;
static nss_gethostbyname2_r *p_byname2;
static nss_gethostbyname3_r *p_byname3;
static nss_gethostbyname4_r *p_byname4;
static nss_gethostbyaddr_r  *p_byaddr;
static nss_gethostbyaddr2_r *p_byaddr2;
static nss_getservbyname_r  *p_servbyname;
static nss_getservbyport_r  *p_servbyport;

static int g_failures;

#define CHECK(cond, ...) \
    do { \
        if (!(cond)) { \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
            fprintf(stderr, __VA_ARGS__); \
            fputc('\n', stderr); \
            g_failures++; \
        } \
    } while (0)

static void *sym(void *h, const char *name)
{
    void *p = dlsym(h, name);

    if (p == NULL) {
        fprintf(stderr, "FAIL: %s not exported\n", name);
        exit(1);
    }
    return p;
}

static void load(const char *path)
{
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);

    if (h == NULL) {
        fprintf(stderr, "FAIL: dlopen %s: %s\n", path, dlerror());
        exit(1);
    }
    p_byname = (nss_gethostbyname_r *)sym(h, "_nss_rnr_gethostbyname_r");
    p_byname2 = (nss_gethostbyname2_r *)sym(h, "_nss_rnr_gethostbyname2_r");
    p_byname3 = (nss_gethostbyname3_r *)sym(h, "_nss_rnr_gethostbyname3_r");
    p_byname4 = (nss_gethostbyname4_r *)sym(h, "_nss_rnr_gethostbyname4_r");
    p_byaddr = (nss_gethostbyaddr_r *)sym(h, "_nss_rnr_gethostbyaddr_r");
    p_byaddr2 = (nss_gethostbyaddr2_r *)sym(h, "_nss_rnr_gethostbyaddr2_r");
    p_servbyname = (nss_getservbyname_r *)sym(h, "_nss_rnr_getservbyname_r");
    p_servbyport = (nss_getservbyport_r *)sym(h, "_nss_rnr_getservbyport_r");
    /* Nothing of the private librnr may be visible. */
    CHECK(dlsym(h, "WSAStartup") == NULL, "WSAStartup is exported");
    CHECK(dlsym(h, "WSALookupServiceBeginA") == NULL, "WSA* exported");
    CHECK(dlsym(h, "rnr_malloc") == NULL, "rnr_malloc is exported");
}

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int count_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    int n = 0;

    if (d == NULL)
        return -1;
    while ((e = readdir(d)) != NULL)
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

static long rss_kb(void)
{
    struct rusage ru;

    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

static const char *addr_text(int af, const void *a, char *buf)
{
    return inet_ntop(af, a, buf, INET6_ADDRSTRLEN) ? buf : "?";
}

/* ------------------------------------------------------------ hosts */

/* alpha.example as AF_INET: the test hosts file's line
 * "192.0.2.10 alpha.example alpha al". */
static void check_alpha4(const struct hostent *h)
{
    char t[INET6_ADDRSTRLEN];

    CHECK(strcmp(h->h_name, "alpha.example") == 0, "h_name %s", h->h_name);
    CHECK(h->h_addrtype == AF_INET && h->h_length == 4, "family");
    CHECK(h->h_aliases[0] && strcmp(h->h_aliases[0], "alpha") == 0 &&
          h->h_aliases[1] && strcmp(h->h_aliases[1], "al") == 0 &&
          h->h_aliases[2] == NULL, "aliases");
    CHECK(h->h_addr_list[0] != NULL && h->h_addr_list[1] == NULL &&
          strcmp(addr_text(AF_INET, h->h_addr_list[0], t), "192.0.2.10") == 0,
          "addresses");
}

/* Every length below the one that works must give TRYAGAIN + ERANGE +
 * NETDB_INTERNAL (the only combination that makes glibc grow the buffer)
 * and leave the result alone; the first that works must give the whole
 * answer, from a misaligned start too. */
static void sweep_byname3(void)
{
    char *buf = malloc(4096);
    struct hostent h, untouched;
    size_t len;
    char *canon;
    int err, herr, off;

    memset(&untouched, 0xa5, sizeof untouched);

    for (off = 0; off < 2; off++) {
        for (len = 0; len < 2048; len++) {
            enum nss_status st;

            h = untouched;
            canon = NULL;
            err = herr = 0;
            st = p_byname3("alpha.example", AF_INET, &h, buf + off, len,
                           &err, &herr, NULL, &canon);
            if (st == NSS_STATUS_SUCCESS)
                break;
            CHECK(st == NSS_STATUS_TRYAGAIN && err == ERANGE &&
                  herr == NETDB_INTERNAL, "len %zu: st %d errno %d h %d",
                  len, st, err, herr);
            CHECK(memcmp(&h, &untouched, sizeof h) == 0,
                  "len %zu: result written on failure", len);
            CHECK(canon == NULL, "canonp written on failure");
            if (st != NSS_STATUS_TRYAGAIN)
                break;
        }
        CHECK(len < 2048, "no buffer length worked");
        if (len < 2048) {
            check_alpha4(&h);
            CHECK(canon == h.h_name, "canonp");
            CHECK(h.h_name >= buf + off && h.h_name < buf + off + len,
                  "h_name outside the buffer");
        }
    }
    free(buf);
}

static void sweep_byname4(void)
{
    char *buf = malloc(4096);
    struct gaih_addrtuple *pat, pre, *t;
    char t1[INET6_ADDRSTRLEN], t2[INET6_ADDRSTRLEN];
    size_t len;
    int err, herr, round;

    for (round = 0; round < 2; round++) {
        enum nss_status st = NSS_STATUS_TRYAGAIN;

        for (len = 0; len < 2048; len++) {
            memset(&pre, 0, sizeof pre);
            /* Round 1: a tuple preallocated by the caller, as older
             * getaddrinfo passes one; it must be used, not replaced. */
            pat = round == 1 ? &pre : NULL;
            err = herr = 0;
            st = p_byname4("alpha.example", &pat, buf + 1, len, &err, &herr,
                           NULL);
            if (st == NSS_STATUS_SUCCESS)
                break;
            CHECK(st == NSS_STATUS_TRYAGAIN && err == ERANGE &&
                  herr == NETDB_INTERNAL, "4: len %zu: st %d", len, st);
            CHECK(pat == (round == 1 ? &pre : NULL),
                  "4: *pat changed on failure");
            if (st != NSS_STATUS_TRYAGAIN)
                break;
        }
        CHECK(st == NSS_STATUS_SUCCESS, "4: no length worked");
        if (st != NSS_STATUS_SUCCESS)
            continue;
        t = pat;
        CHECK(round == 0 || t == &pre, "4: preallocated tuple not used");
        CHECK(t->name && strcmp(t->name, "alpha.example") == 0, "4: name");
        CHECK(t->family == AF_INET &&
              strcmp(addr_text(AF_INET, t->addr, t1), "192.0.2.10") == 0,
              "4: first %s", addr_text(t->family, t->addr, t1));
        t = t->next;
        CHECK(t && t->name == NULL && t->family == AF_INET6 &&
              strcmp(addr_text(AF_INET6, t->addr, t2), "2001:db8::10") == 0,
              "4: second tuple");
        CHECK(t && t->next == NULL, "4: more than two tuples");
    }
    free(buf);
}

static void sweep_servbyname(void)
{
    char *buf = malloc(1024);
    struct servent s;
    size_t len;
    int err;

    for (len = 0; len < 512; len++) {
        enum nss_status st;

        err = 0;
        st = p_servbyname("www", "tcp", &s, buf + 3, len, &err);
        if (st == NSS_STATUS_SUCCESS)
            break;
        CHECK(st == NSS_STATUS_TRYAGAIN && err == ERANGE, "serv len %zu", len);
        if (st != NSS_STATUS_TRYAGAIN)
            break;
    }
    CHECK(len < 512, "serv: no length worked");
    if (len < 512) {
        CHECK(strcmp(s.s_name, "http") == 0 && s.s_port == htons(80) &&
              strcmp(s.s_proto, "tcp") == 0 && s.s_aliases[0] &&
              strcmp(s.s_aliases[0], "www") == 0 && s.s_aliases[1] == NULL,
              "www/tcp: %s %d %s", s.s_name, ntohs((uint16_t)s.s_port),
              s.s_proto);
    }
    free(buf);
}

static enum nss_status byname2(const char *name, int af, struct hostent *h,
                               int *err, int *herr)
{
    static __thread char buf[4096];

    return p_byname2(name, af, h, buf, sizeof buf, err, herr);
}

static void checks_up(void)
{
    static char buf[4096];
    char t[INET6_ADDRSTRLEN];
    struct hostent h;
    struct servent s;
    struct in_addr a4;
    struct in6_addr a6;
    enum nss_status st;
    int err, herr;

    sweep_byname3();
    sweep_byname4();
    sweep_servbyname();

    /* gethostbyname_r is IPv4.  A lookup that works leaves errno be. */
    errno = 12345;
    st = p_byname("alpha.example", &h, buf, sizeof buf, &err, &herr);
    CHECK(st == NSS_STATUS_SUCCESS, "byname st %d", st);
    CHECK(errno == 12345, "errno changed to %d by a lookup that worked", errno);
    if (st == NSS_STATUS_SUCCESS)
        check_alpha4(&h);

    /* Case-insensitive names, the file's spelling back. */
    st = byname2("BETA.example", AF_INET, &h, &err, &herr);
    CHECK(st == NSS_STATUS_SUCCESS && strcmp(h.h_name, "Beta.Example") == 0,
          "BETA.example: st %d", st);

    /* A name with IPv4 addresses only, asked for IPv6: NOTFOUND, NO_DATA. */
    st = byname2("delta.example", AF_INET6, &h, &err, &herr);
    CHECK(st == NSS_STATUS_NOTFOUND && herr == NO_DATA,
          "delta/AF_INET6: st %d h %d", st, herr);
    st = byname2("nosuch.example", AF_INET, &h, &err, &herr);
    CHECK(st == NSS_STATUS_NOTFOUND && herr == HOST_NOT_FOUND &&
          err == ENOENT, "nosuch: st %d h %d e %d", st, herr, err);
    /* Wildcards and "" are RnR features, not names. */
    st = byname2("alph*", AF_INET, &h, &err, &herr);
    CHECK(st == NSS_STATUS_NOTFOUND, "alph*: st %d", st);
    st = byname2("", AF_INET, &h, &err, &herr);
    CHECK(st == NSS_STATUS_NOTFOUND, "empty name: st %d", st);
    st = byname2("alpha.example", AF_UNIX, &h, &err, &herr);
    CHECK(st == NSS_STATUS_UNAVAIL && err == EAFNOSUPPORT,
          "AF_UNIX: st %d", st);
    {
        /* Longer than rnr accepts: not an answer, and no crash. */
        char *big = malloc(70000);

        memset(big, 'a', 69999);
        big[69999] = '\0';
        st = byname2(big, AF_INET, &h, &err, &herr);
        CHECK(st != NSS_STATUS_SUCCESS, "huge name succeeded");
        free(big);
    }

    /* Reverse. */
    inet_pton(AF_INET, "192.0.2.11", &a4);
    st = p_byaddr(&a4, sizeof a4, AF_INET, &h, buf, sizeof buf, &err, &herr);
    CHECK(st == NSS_STATUS_SUCCESS && strcmp(h.h_name, "Beta.Example") == 0 &&
          h.h_aliases[0] && strcmp(h.h_aliases[0], "beta") == 0 &&
          h.h_addr_list[0] && !h.h_addr_list[1] &&
          memcmp(h.h_addr_list[0], &a4, 4) == 0, "byaddr 192.0.2.11");
    inet_pton(AF_INET6, "2001:db8::12", &a6);
    st = p_byaddr2(&a6, sizeof a6, AF_INET6, &h, buf, sizeof buf, &err,
                   &herr, NULL);
    CHECK(st == NSS_STATUS_SUCCESS && strcmp(h.h_name, "gamma6.example") == 0 &&
          h.h_addrtype == AF_INET6 &&
          strcmp(addr_text(AF_INET6, h.h_addr_list[0], t), "2001:db8::12") == 0,
          "byaddr2 2001:db8::12");
    inet_pton(AF_INET, "192.0.2.200", &a4);
    st = p_byaddr(&a4, sizeof a4, AF_INET, &h, buf, sizeof buf, &err, &herr);
    CHECK(st == NSS_STATUS_NOTFOUND, "byaddr unknown: st %d", st);
    st = p_byaddr(&a4, 3, AF_INET, &h, buf, sizeof buf, &err, &herr);
    CHECK(st == NSS_STATUS_UNAVAIL && err == EAFNOSUPPORT, "byaddr len 3");
    inet_pton(AF_INET, "192.0.2.13", &a4);
    st = p_byaddr(&a4, 4, AF_INET, &h, buf, 0, &err, &herr);
    CHECK(st == NSS_STATUS_TRYAGAIN && err == ERANGE, "byaddr buflen 0");

    /* Services: by name with and without protocol, by port. */
    st = p_servbyname("domain", "udp", &s, buf, sizeof buf, &err);
    CHECK(st == NSS_STATUS_SUCCESS && s.s_port == htons(53) &&
          strcmp(s.s_proto, "udp") == 0, "domain/udp");
    st = p_servbyname("ssh", NULL, &s, buf, sizeof buf, &err);
    CHECK(st == NSS_STATUS_SUCCESS && s.s_port == htons(22), "ssh/any");
    st = p_servbyname("ssh", "udp", &s, buf, sizeof buf, &err);
    CHECK(st == NSS_STATUS_NOTFOUND && err == ENOENT, "ssh/udp: st %d", st);
    /* glibc's getservbyname does not read numbers as ports. */
    st = p_servbyname("22", "tcp", &s, buf, sizeof buf, &err);
    CHECK(st == NSS_STATUS_NOTFOUND, "22/tcp by name: st %d", st);
    st = p_servbyname("ssh/tcp", NULL, &s, buf, sizeof buf, &err);
    CHECK(st == NSS_STATUS_NOTFOUND, "name with '/': st %d", st);
    st = p_servbyport(htons(4242), "tcp", &s, buf, sizeof buf, &err);
    CHECK(st == NSS_STATUS_SUCCESS && strcmp(s.s_name, "rnrtest") == 0 &&
          s.s_aliases[0] && strcmp(s.s_aliases[0], "rnr-test") == 0,
          "4242/tcp");
    st = p_servbyport(htons(53), NULL, &s, buf, sizeof buf, &err);
    CHECK(st == NSS_STATUS_SUCCESS && strcmp(s.s_name, "domain") == 0,
          "53/any");
    st = p_servbyport(htons(9999), "udp", &s, buf, sizeof buf, &err);
    CHECK(st == NSS_STATUS_NOTFOUND, "9999/udp: st %d", st);
    st = p_servbyport(htons(22), "tcp", &s, buf, 8, &err);
    CHECK(st == NSS_STATUS_TRYAGAIN && err == ERANGE, "22/tcp short buffer");
}

/* One round of every kind of lookup; returns how many did not succeed. */
static int one_round(void)
{
    static __thread char buf[2048];
    struct gaih_addrtuple *pat = NULL;
    struct hostent h;
    struct servent s;
    struct in_addr a4;
    int err, herr, bad = 0;

    inet_pton(AF_INET, "192.0.2.10", &a4);
    bad += p_byname2("alpha.example", AF_INET6, &h, buf, sizeof buf, &err,
                     &herr) != NSS_STATUS_SUCCESS;
    bad += p_byname4("gamma6", &pat, buf, sizeof buf, &err, &herr, NULL) !=
           NSS_STATUS_SUCCESS;
    bad += p_byaddr(&a4, 4, AF_INET, &h, buf, sizeof buf, &err, &herr) !=
           NSS_STATUS_SUCCESS;
    bad += p_servbyname("http", "tcp", &s, buf, sizeof buf, &err) !=
           NSS_STATUS_SUCCESS;
    bad += p_servbyport(htons(21), "tcp", &s, buf, sizeof buf, &err) !=
           NSS_STATUS_SUCCESS;
    bad += p_byname2("nosuch.example", AF_INET, &h, buf, sizeof buf, &err,
                     &herr) != NSS_STATUS_NOTFOUND;
    return bad;
}

static void *thread_main(void *arg)
{
    int i, bad = 0;

    (void)arg;

    for (i = 0; i < 100; i++)
        bad += one_round();
    return (void *)(intptr_t)bad;
}

static void checks_stress(void)
{
    pthread_t th[8];
    long rss0, rss1;
    int fds0, fds1, i, bad = 0;
    pid_t pid;

    one_round();                  /* the connection is open from here on */
    fds0 = count_fds();
    for (i = 0; i < 300; i++)
        one_round();
    rss0 = rss_kb();
    for (i = 0; i < 1000; i++)
        bad += one_round();
    rss1 = rss_kb();
    fds1 = count_fds();
    CHECK(bad == 0, "%d lookups of 6000 failed", bad);
    CHECK(fds1 == fds0, "descriptors %d -> %d", fds0, fds1);
    /* 6000 lookups: a leak of 200 bytes each would show (not under
     * AddressSanitizer, whose quarantine holds freed memory). */
    CHECK(rss1 - rss0 < 1024 || SANITIZED, "max RSS grew %ld kB",
          rss1 - rss0);

    /* Threads share the module; each lookup must still get its own answer. */
    for (i = 0; i < 8; i++)
        pthread_create(&th[i], NULL, thread_main, NULL);
    for (i = 0; i < 8; i++) {
        void *r;

        pthread_join(th[i], &r);
        bad += (int)(intptr_t)r;
    }
    CHECK(bad == 0, "threads: %d lookups failed", bad);

    /* A child after fork must not read the parent's connection. */
    pid = fork();
    if (pid == 0)
        _exit(one_round() == 0 && one_round() == 0 ? 0 : 1);
    bad = one_round();
    if (pid > 0) {
        int st = 0;

        waitpid(pid, &st, 0);
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "lookups in a forked child");
    }
    CHECK(bad == 0, "lookups in the parent after fork");
}

/* ------------------------------------------------------------ odd records */

static const GUID g_byname = SVCID_INET_HOSTADDRBYNAME;
static const GUID g_bystring = SVCID_INET_HOSTADDRBYINETSTRING;
static const GUID g_service = SVCID_INET_SERVICEBYNAME;

struct odd_cs {
    int         af;
    const char *addr;
    int         proto;
};

/* Registers (class, name) in the test provider with the given blob
 * (may be NULL) and CSADDRs, through the probe's own librnr. */
static void reg(const GUID *cls, const char *name, const void *blob,
                size_t bloblen, const struct odd_cs *cs, size_t ncs)
{
    struct sockaddr_in6 sa[4], local[4];
    CSADDR_INFO ci[4];
    WSAQUERYSETA qs;
    GUID c = *cls;
    BLOB b;
    size_t i;

    memset(&qs, 0, sizeof qs);
    memset(ci, 0, sizeof ci);
    memset(sa, 0, sizeof sa);
    memset(local, 0, sizeof local);
    for (i = 0; i < ncs && i < 4; i++) {
        int len = cs[i].af == AF_INET ? (int)sizeof(struct sockaddr_in)
                                      : (int)sizeof(struct sockaddr_in6);

        if (cs[i].af == AF_INET) {
            struct sockaddr_in *s4 = (struct sockaddr_in *)&sa[i];

            s4->sin_family = AF_INET;
            inet_pton(AF_INET, cs[i].addr, &s4->sin_addr);
        } else {
            sa[i].sin6_family = AF_INET6;
            inet_pton(AF_INET6, cs[i].addr, &sa[i].sin6_addr);
        }
        local[i].sin6_family = (sa_family_t)cs[i].af;
        ci[i].RemoteAddr.lpSockaddr = (struct sockaddr *)&sa[i];
        ci[i].RemoteAddr.iSockaddrLength = len;
        ci[i].LocalAddr.lpSockaddr = (struct sockaddr *)&local[i];
        ci[i].LocalAddr.iSockaddrLength = len;
        ci[i].iSocketType = cs[i].proto == IPPROTO_UDP ? SOCK_DGRAM : SOCK_STREAM;
        ci[i].iProtocol = cs[i].proto;
    }
    qs.dwSize = sizeof qs;
    qs.lpszServiceInstanceName = (char *)(uintptr_t)name;
    qs.lpServiceClassId = &c;
    qs.dwNameSpace = NS_X500;
    qs.dwNumberOfCsAddrs = (DWORD)ncs;
    qs.lpcsaBuffer = ncs > 0 ? ci : NULL;
    if (blob != NULL) {
        b.cbSize = (ULONG)bloblen;
        b.pBlobData = (BYTE *)(uintptr_t)blob;
        qs.lpBlob = &b;
    }
    CHECK(WSASetServiceA(&qs, RNRSERVICE_REGISTER, 0) == 0,
          "register %s: %d", name, WSAGetLastError());
}

static void reg_hostent(const char *name, const char *h_name,
                        char *const *aliases, int af, const char *addr,
                        size_t cut)
{
    uint8_t a[16], *blob = NULL;
    size_t len = 0;

    inet_pton(af, addr, a);
    if (rnr_blob_hostent(h_name, aliases, af, af == AF_INET ? 4 : 16, a, 1,
                         &blob, &len) != 0) {
        CHECK(0, "blob for %s", name);
        return;
    }
    reg(&g_byname, name, blob, cut != 0 ? cut : len, NULL, 0);
    rnr_free(blob);
}

static void reg_servent(const char *name, const char *s_name, int port,
                        const char *proto)
{
    static char *aliases[] = { "okalias", NULL };
    uint8_t *blob = NULL;
    size_t len = 0;

    if (rnr_blob_servent(s_name, aliases, htons((uint16_t)port), proto,
                         &blob, &len) != 0) {
        CHECK(0, "servent blob for %s", name);
        return;
    }
    reg(&g_service, name, blob, len, NULL, 0);
    rnr_free(blob);
}

static void checks_odd(void)
{
    static char big[1 << 17];
    static char buf[4096];
    uint8_t garbage[200];
    char t[INET6_ADDRSTRLEN];
    char **aliases;
    struct gaih_addrtuple *pat, *tp;
    struct hostent h;
    struct servent s;
    struct in_addr a4;
    enum nss_status st;
    WSADATA wd;
    int err, herr, i;

    CHECK(WSAStartup(MAKEWORD(2, 2), &wd) == 0, "probe WSAStartup");

    /* Records to register. */
    memset(garbage, 0xff, sizeof garbage);
    reg(&g_byname, "garbage1.test", garbage, sizeof garbage, NULL, 0);
    reg_hostent("garbage2.test", "garbage2.test", NULL, AF_INET,
                "203.0.113.2", 24);   /* cut inside: offsets point out */
    {
        uint8_t a6[16], *blob = NULL;
        size_t len = 0;
        const struct odd_cs cs = { AF_INET, "203.0.113.5", IPPROTO_TCP };

        inet_pton(AF_INET6, "2001:db8::5", a6);
        if (rnr_blob_hostent("wrongfam-blob.test", NULL, AF_INET6, 16, a6, 1,
                             &blob, &len) == 0)
            reg(&g_byname, "wrongfam.test", blob, len, &cs, 1);
        rnr_free(blob);
    }
    {
        const struct odd_cs cs[3] = {
            { AF_INET, "203.0.113.7", IPPROTO_TCP },
            { AF_INET6, "2001:db8::7", IPPROTO_TCP },
            { AF_INET, "203.0.113.8", IPPROTO_UDP },
        };

        reg(&g_byname, "csonly.test", NULL, 0, cs, 3);
    }
    aliases = calloc(1501, sizeof *aliases);
    for (i = 0; aliases != NULL && i < 1500; i++) {
        aliases[i] = malloc(32);
        if (aliases[i] != NULL)
            snprintf(aliases[i], 32, "alias-%04d.bigalias.test", i);
    }
    if (aliases != NULL)
        reg_hostent("bigalias.test", "bigalias.test", aliases, AF_INET,
                    "203.0.113.11", 0);
    reg(&g_bystring, "203.0.113.9", NULL, 0, NULL, 0);
    {
        /* A blob of the other family: the record's name still answers,
         * with the address asked. */
        uint8_t a6[16], *blob = NULL;
        size_t len = 0;

        inet_pton(AF_INET6, "2001:db8::10", a6);
        if (rnr_blob_hostent("rev2-blob.test", NULL, AF_INET6, 16, a6, 1,
                             &blob, &len) == 0)
            reg(&g_bystring, "203.0.113.10", blob, len, NULL, 0);
        rnr_free(blob);
    }
    reg_servent("oksvc/tcp", "oksvc", 1234, "tcp");
    reg_servent("wrongproto/tcp", "wrongproto", 1235, "udp");
    reg(&g_service, "garbsvc/tcp", garbage, sizeof garbage, NULL, 0);

    /* The application's last error is its own: lookups through the
     * module, failing or not, leave it alone. */
    WSASetLastError(4242);

    st = byname2("garbage1.test", AF_INET, &h, &err, &herr);
    CHECK(st == NSS_STATUS_NOTFOUND && herr == NO_DATA, "garbage1: st %d", st);
    st = byname2("garbage2.test", AF_INET, &h, &err, &herr);
    CHECK(st == NSS_STATUS_NOTFOUND, "garbage2: st %d", st);
    pat = NULL;
    st = p_byname4("garbage1.test", &pat, buf, sizeof buf, &err, &herr, NULL);
    CHECK(st == NSS_STATUS_NOTFOUND && pat == NULL, "garbage1/4: st %d", st);

    st = byname2("wrongfam.test", AF_INET, &h, &err, &herr);
    CHECK(st == NSS_STATUS_SUCCESS && strcmp(h.h_name, "wrongfam.test") == 0 &&
          h.h_aliases[0] == NULL && h.h_addrtype == AF_INET &&
          strcmp(addr_text(AF_INET, h.h_addr_list[0], t), "203.0.113.5") == 0 &&
          h.h_addr_list[1] == NULL, "wrongfam/AF_INET: st %d", st);
    /* Asked for IPv6, rnrd drops the record (its only address is IPv4)
     * even though its blob is IPv6. */
    st = byname2("wrongfam.test", AF_INET6, &h, &err, &herr);
    CHECK(st == NSS_STATUS_NOTFOUND, "wrongfam/AF_INET6: st %d", st);

    pat = NULL;
    st = p_byname4("csonly.test", &pat, buf, sizeof buf, &err, &herr, NULL);
    tp = pat;
    CHECK(st == NSS_STATUS_SUCCESS && tp && tp->family == AF_INET &&
          strcmp(tp->name, "csonly.test") == 0 &&
          strcmp(addr_text(AF_INET, tp->addr, t), "203.0.113.7") == 0 &&
          tp->next && tp->next->family == AF_INET6 && !tp->next->name &&
          strcmp(addr_text(AF_INET6, tp->next->addr, t), "2001:db8::7") == 0 &&
          tp->next->next == NULL, "csonly/4: st %d", st);
    st = byname2("csonly.test", AF_INET, &h, &err, &herr);
    CHECK(st == NSS_STATUS_SUCCESS && h.h_addr_list[0] && !h.h_addr_list[1] &&
          strcmp(addr_text(AF_INET, h.h_addr_list[0], t), "203.0.113.7") == 0,
          "csonly/AF_INET: st %d", st);

    /* 1500 aliases: a record far over the module's stack buffer, and a
     * hostent over glibc's first buffer. */
    st = byname2("bigalias.test", AF_INET, &h, &err, &herr);
    CHECK(st == NSS_STATUS_TRYAGAIN && err == ERANGE && herr == NETDB_INTERNAL,
          "bigalias in 4 kB: st %d", st);
    st = p_byname2("bigalias.test", AF_INET, &h, big, sizeof big, &err, &herr);
    for (i = 0; st == NSS_STATUS_SUCCESS && h.h_aliases[i] != NULL; i++)
        ;
    CHECK(st == NSS_STATUS_SUCCESS && i == 1500 &&
          strcmp(h.h_aliases[1499], "alias-1499.bigalias.test") == 0,
          "bigalias in 128 kB: st %d, %d aliases", st, i);

    inet_pton(AF_INET, "203.0.113.9", &a4);
    st = p_byaddr(&a4, 4, AF_INET, &h, buf, sizeof buf, &err, &herr);
    CHECK(st == NSS_STATUS_SUCCESS && strcmp(h.h_name, "203.0.113.9") == 0 &&
          h.h_addr_list[0] && memcmp(h.h_addr_list[0], &a4, 4) == 0,
          "reverse, name only: st %d", st);
    inet_pton(AF_INET, "203.0.113.10", &a4);
    st = p_byaddr(&a4, 4, AF_INET, &h, buf, sizeof buf, &err, &herr);
    CHECK(st == NSS_STATUS_SUCCESS && h.h_addrtype == AF_INET &&
          h.h_addr_list[0] && memcmp(h.h_addr_list[0], &a4, 4) == 0 &&
          !h.h_addr_list[1], "reverse, blob of the other family: st %d", st);

    st = p_servbyname("oksvc", "tcp", &s, buf, sizeof buf, &err);
    CHECK(st == NSS_STATUS_SUCCESS && s.s_port == htons(1234) &&
          strcmp(s.s_aliases[0], "okalias") == 0, "oksvc: st %d", st);
    st = p_servbyname("wrongproto", "tcp", &s, buf, sizeof buf, &err);
    CHECK(st == NSS_STATUS_NOTFOUND, "servent of another protocol: st %d", st);
    st = p_servbyname("garbsvc", "tcp", &s, buf, sizeof buf, &err);
    CHECK(st == NSS_STATUS_NOTFOUND, "garbage servent: st %d", st);

    CHECK(WSAGetLastError() == 4242, "the module changed the application's "
          "last error to %d", WSAGetLastError());

    /* The application's WSACleanup is not the module's. */
    CHECK(WSACleanup() == 0, "probe WSACleanup");
    st = byname2("alpha.example", AF_INET, &h, &err, &herr);
    CHECK(st == NSS_STATUS_SUCCESS, "module after the application's "
          "WSACleanup: st %d", st);

    for (i = 0; aliases != NULL && i < 1500; i++)
        free(aliases[i]);
    free(aliases);
}

/* rnrd is not running: every entry point says UNAVAIL at once (errno
 * ECONNREFUSED, h_errno NO_RECOVERY), so the next source is asked. */
static void checks_down(void)
{
    char buf[1024];
    struct gaih_addrtuple *pat = NULL;
    struct hostent h;
    struct servent s;
    struct in_addr a4;
    long long t0 = now_ms();
    enum nss_status st;
    int err, herr, i;

    inet_pton(AF_INET, "192.0.2.10", &a4);
    for (i = 0; i < 50; i++) {
        err = herr = 0;
        st = p_byname2("alpha.example", AF_INET, &h, buf, sizeof buf, &err,
                       &herr);
        CHECK(st == NSS_STATUS_UNAVAIL && err == ECONNREFUSED &&
              herr == NO_RECOVERY, "down byname2: st %d e %d h %d", st, err,
              herr);
        st = p_byname4("alpha.example", &pat, buf, sizeof buf, &err, &herr,
                       NULL);
        CHECK(st == NSS_STATUS_UNAVAIL && pat == NULL, "down byname4");
        st = p_byaddr(&a4, 4, AF_INET, &h, buf, sizeof buf, &err, &herr);
        CHECK(st == NSS_STATUS_UNAVAIL, "down byaddr");
        st = p_servbyname("ssh", "tcp", &s, buf, sizeof buf, &err);
        CHECK(st == NSS_STATUS_UNAVAIL && err == ECONNREFUSED, "down servbyname");
        st = p_servbyport(htons(22), "tcp", &s, buf, sizeof buf, &err);
        CHECK(st == NSS_STATUS_UNAVAIL, "down servbyport");
    }
    CHECK(now_ms() - t0 < 2000, "250 calls with rnrd down took %lld ms",
          now_ms() - t0);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: nss_probe MODULE up|down|odd|loop N\n");
        return 2;
    }
    load(argv[1]);
    if (strcmp(argv[2], "up") == 0) {
        checks_up();
        checks_stress();
    } else if (strcmp(argv[2], "down") == 0) {
        checks_down();
    } else if (strcmp(argv[2], "odd") == 0) {
        checks_odd();
    } else if (strcmp(argv[2], "loop") == 0 && argc > 3) {
        int i, n = atoi(argv[3]), bad = 0;

        for (i = 0; i < n; i++)
            bad += one_round();
        CHECK(bad == 0, "loop: %d lookups failed", bad);
    } else {
        fprintf(stderr, "usage: nss_probe MODULE up|down|odd|loop N\n");
        return 2;
    }
    return g_failures == 0 ? 0 : 1;
}
