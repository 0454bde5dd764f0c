/* SPDX-License-Identifier: MIT */
/*
 * sap_bench: figures for the sap provider, driven by bench/sap_bench.sh
 * (which builds the hosts: network namespaces, one rnrd each).  rnrd's
 * control sockets are files, reachable from any network namespace, so
 * one process talks to both hosts' daemons (one per forked process:
 * librnr takes RNR_SOCKET at its first connection).
 *
 *   sap_bench visibility SOCK_A SOCK_B N
 *       N times: register on A, poll B (every 1 ms) until it is seen;
 *       prints min / median / max of registration-to-visibility.
 *   sap_bench lookup SOCK_B CLASS NAME COUNT
 *       COUNT exact lookups of NAME, then 5 enumerations of "*";
 *       prints median latency and the enumeration size and time.
 *   sap_bench flood DST N [PACE_US]
 *       N forged advertisements (distinct senders, names f000000 ...,
 *       class {77000000-0000-0000-0000-000000000000}) to DST:7571 with
 *       TTL 255, batches of 64 by sendmmsg, PACE_US between batches (0:
 *       as fast as it goes); prints packets per second sent.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <rnr/winsock2.h>

#include "bench_util.h"

static const GUID bench_cls = { 0x5D0E6B7Au, 0x1C2B, 0x4A3D,
                                { 0x9E, 0x8F, 0x0A, 0x1B, 0x2C, 0x3D, 0x4E, 0x60 } };

static double now_ms(void)
{
    return bench_now_us() / 1e3;
}

static void qs_init(WSAQUERYSETA *qs, const GUID *cls, const char *name)
{
    memset(qs, 0, sizeof *qs);
    qs->dwSize = sizeof *qs;
    qs->lpServiceClassId = (GUID *)cls;
    qs->lpszServiceInstanceName = (char *)name;
    qs->dwNameSpace = NS_SAP;
}

/* Number of results, or -1 on a failure other than "not found". */
static long lookup_count(const GUID *cls, const char *name)
{
    WSAQUERYSETA qs;

    qs_init(&qs, cls, name);
    return bench_lookup_count(&qs, LUP_RETURN_NAME);
}

static int do_register(const char *name)
{
    struct sockaddr_in sin;
    CSADDR_INFO csa;
    WSAQUERYSETA qs;

    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_port = htons(5000);
    sin.sin_addr.s_addr = htonl(0x0A4D0001u);
    memset(&csa, 0, sizeof csa);
    csa.RemoteAddr.lpSockaddr = (LPSOCKADDR)&sin;
    csa.RemoteAddr.iSockaddrLength = sizeof sin;
    csa.iSocketType = SOCK_STREAM;
    csa.iProtocol = IPPROTO_TCP;
    qs_init(&qs, &bench_cls, name);
    qs.dwNumberOfCsAddrs = 1;
    qs.lpcsaBuffer = &csa;
    return WSASetServiceA(&qs, RNRSERVICE_REGISTER, RNR_SERVICE_PERSISTENT);
}

/* The registering side: its own process (librnr keeps one daemon per
 * process), reading names from `in`, answering one status byte each. */
static void registrar(const char *sock_a, int in, int out)
{
    char name[64];
    WSADATA wd;
    ssize_t n;

    setenv("RNR_SOCKET", sock_a, 1);
    if (WSAStartup(MAKEWORD(2, 2), &wd) != 0)
        _exit(1);
    while ((n = read(in, name, sizeof name - 1)) > 0) {
        uint8_t st;

        name[n] = '\0';
        st = do_register(name) == 0 ? 0 : 1;
        if (write(out, &st, 1) != 1)
            break;
    }
    _exit(0);
}

static int visibility(const char *sock_a, const char *sock_b, int n)
{
    double *v = calloc((size_t)n, sizeof *v);
    int to_child[2], from_child[2], i;
    WSADATA wd;
    pid_t pid;

    if (v == NULL || pipe(to_child) != 0 || pipe(from_child) != 0)
        return 1;
    if ((pid = fork()) == 0) {
        close(to_child[1]);
        close(from_child[0]);
        registrar(sock_a, to_child[0], from_child[1]);
    }
    close(to_child[0]);
    close(from_child[1]);
    setenv("RNR_SOCKET", sock_b, 1);
    if (WSAStartup(MAKEWORD(2, 2), &wd) != 0)
        return 1;
    for (i = 0; i < n; i++) {
        char name[64];
        uint8_t st = 1;
        double t0;

        snprintf(name, sizeof name, "vis-%d-%ld", i, (long)getpid());
        t0 = now_ms();
        if (write(to_child[1], name, strlen(name)) != (ssize_t)strlen(name))
            return 1;
        while (lookup_count(&bench_cls, name) < 1) {
            if (now_ms() - t0 > 10000) {
                fprintf(stderr, "sap_bench: %s never seen on B\n", name);
                return 1;
            }
            usleep(200);
        }
        v[i] = now_ms() - t0;
        if (read(from_child[0], &st, 1) != 1 || st != 0) {
            fprintf(stderr, "sap_bench: registering %s on A failed\n", name);
            return 1;
        }
    }
    close(to_child[1]);
    waitpid(pid, NULL, 0);
    qsort(v, (size_t)n, sizeof *v, bench_cmp_double);
    printf("registration on A -> visible on B (%d runs; WSASetService on A's rnrd, then\n"
           "  B polled every 0.2 ms): min %.2f ms, median %.2f ms, max %.2f ms\n",
           n, v[0], v[n / 2], v[n - 1]);
    /* Rows of `make bench`'s one table (bench/report.sh). */
    printf("@row\tsap-visible\tSAP: registered on A -> seen on B\t1\t%.1f\t-\t-\t-\n",
           v[n / 2] * 1000.0);
    free(v);
    WSACleanup();
    return 0;
}

static int lookups(const char *sock_b, const char *cls_s, const char *name, int count)
{
    double *v = calloc((size_t)count, sizeof *v), t0, tenum = 0;
    unsigned d1, d2, d3, d4[8];
    WSADATA wd;
    GUID cls;
    long total = 0;
    int i;

    if (v == NULL || sscanf(cls_s, "{%8x-%4x-%4x-%2x%2x-%2x%2x%2x%2x%2x%2x}", &d1, &d2, &d3,
                            &d4[0], &d4[1], &d4[2], &d4[3], &d4[4], &d4[5], &d4[6],
                            &d4[7]) != 11)
        return 2;
    cls.Data1 = d1;
    cls.Data2 = (uint16_t)d2;
    cls.Data3 = (uint16_t)d3;
    for (i = 0; i < 8; i++)
        cls.Data4[i] = (uint8_t)d4[i];
    setenv("RNR_SOCKET", sock_b, 1);
    if (WSAStartup(MAKEWORD(2, 2), &wd) != 0)
        return 1;
    for (i = 0; i < count; i++) {
        t0 = now_ms();
        if (lookup_count(&cls, name) != 1) {
            fprintf(stderr, "sap_bench: %s not found exactly once\n", name);
            return 1;
        }
        v[i] = now_ms() - t0;
    }
    for (i = 0; i < 5; i++) {
        t0 = now_ms();
        total = lookup_count(&cls, "*");
        tenum += now_ms() - t0;
    }
    qsort(v, (size_t)count, sizeof *v, bench_cmp_double);
    printf("exact lookup among the table: median %.3f ms, p90 %.3f ms (%d lookups)\n",
           v[count / 2], v[count * 9 / 10], count);
    printf("@row\tsap-lookup\tSAP: exact lookup among 10,000 remote\t1\t%.1f\t%.1f\t-\t"
           "bare-unix\n", v[count / 2] * 1000.0, v[count * 99 / 100] * 1000.0);
    printf("enumeration of \"*\": %ld results in %.1f ms (mean of 5)\n", total, tenum / 5);
    free(v);
    WSACleanup();
    return 0;
}

static int flood(const char *dst, int n, int pace_us)
{
    enum { BATCH = 64, PKT = 96 };
    static uint8_t pkts[BATCH][PKT];
    struct mmsghdr mm[BATCH];
    struct iovec iov[BATCH];
    struct sockaddr_in sin;
    int fd, ttl = 255, on = 1, sent = 0, i;
    double t0;

    fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0 || setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl) != 0 ||
        setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &on, sizeof on) != 0)
        return 1;
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_port = htons(7571);
    if (inet_pton(AF_INET, dst, &sin.sin_addr) != 1)
        return 2;
    /* header 36 + entry 28 + name "f%06d" (7) + one IPv4 address (10) */
    for (i = 0; i < BATCH; i++) {
        uint8_t *p = pkts[i];

        memset(p, 0, PKT);
        memcpy(p, "RnRS", 4);
        p[4] = 0x20;
        p[5] = 1;
        p[19] = 1;                          /* sequence */
        p[21] = 0x09;                       /* TTL 600 000 ms */
        p[22] = 0x27;
        p[23] = 0xC0;
        p[33] = 1;                          /* one entry */
        p[35] = 45;                         /* body length */
        p[37] = 45;                         /* entry length */
        p[38] = 0x77;                       /* class */
        p[57] = 7;                          /* name length */
        p[59] = 1;                          /* one address */
        p[71] = 4;
        p[72] = 1;
        p[73] = 6;
        p[75] = 9;
        p[77] = 10;
        iov[i].iov_base = p;
        iov[i].iov_len = 81;
        memset(&mm[i], 0, sizeof mm[i]);
        mm[i].msg_hdr.msg_name = &sin;
        mm[i].msg_hdr.msg_namelen = sizeof sin;
        mm[i].msg_hdr.msg_iov = &iov[i];
        mm[i].msg_hdr.msg_iovlen = 1;
    }
    t0 = now_ms();
    while (sent < n) {
        int k = n - sent < BATCH ? n - sent : BATCH, r;
        struct timespec ts;
        uint64_t stamp;

        /* Stamped now, as a real sender's would be: receivers drop
         * packets outside their clock window. */
        clock_gettime(CLOCK_REALTIME, &ts);
        stamp = (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
        for (i = 0; i < k; i++) {
            uint8_t *p = pkts[i];
            uint64_t s = ((uint64_t)rand() << 32) ^ (uint64_t)rand() ^ (uint64_t)(sent + i);
            char nm[16];
            int b;

            snprintf(nm, sizeof nm, "f%06u", (unsigned)(sent + i) % 1000000u);
            memcpy(p + 8, &s, 8);           /* a forged sender each */
            for (b = 0; b < 8; b++)
                p[24 + b] = (uint8_t)(stamp >> (56 - 8 * b));
            memcpy(p + 64, nm, 7);
        }
        r = sendmmsg(fd, mm, (unsigned)k, 0);
        if (r <= 0) {
            usleep(100);
            continue;
        }
        sent += r;
        if (pace_us > 0)
            usleep((useconds_t)pace_us);
    }
    printf("sent %d forged advertisements in %.1f ms (%.0f packets/s)\n", sent,
           now_ms() - t0, sent / ((now_ms() - t0) / 1e3));
    close(fd);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 5 && strcmp(argv[1], "visibility") == 0)
        return visibility(argv[2], argv[3], atoi(argv[4]));
    if (argc == 6 && strcmp(argv[1], "lookup") == 0)
        return lookups(argv[2], argv[3], argv[4], atoi(argv[5]));
    if ((argc == 4 || argc == 5) && strcmp(argv[1], "flood") == 0)
        return flood(argv[2], atoi(argv[3]), argc == 5 ? atoi(argv[4]) : 0);
    fprintf(stderr, "usage: sap_bench visibility SOCK_A SOCK_B N | lookup SOCK_B CLASS NAME "
            "COUNT | flood DST N [PACE_US]\n");
    return 2;
}
