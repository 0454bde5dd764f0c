/* SPDX-License-Identifier: MIT */
/*
 * netbt_bench: figures for the netbt provider against Samba's nmbd, run
 * by bench/netbt_bench.sh (the hosts: network namespaces, nmbd on A as
 * WINS server, rnrd on B); its burst also serves
 * tests/integration/netbt_samba_fail.sh.
 *
 *   netbt_bench direct SERVER NAME[#XX] COUNT
 *       COUNT name queries (recursion desired) to SERVER:137, one after
 *       the other from one socket, each answer awaited: what asking the
 *       server costs without any process start, the floor under both
 *       rnr and nmblookup.
 *   netbt_bench rnr NAME[#XX] COUNT uncached|rnrd-cached|cached
 *       COUNT lookups of NAME through librnr ($RNR_SOCKET): Begin, Next
 *       until the end, End, on NS_NETBT with the host class.  uncached:
 *       with LUP_FLUSHCACHE (rnrd asks the network each time);
 *       rnrd-cached: librnr's answer cache off (RNR_ANSWER_CACHE=0), the
 *       provider's cache answers; cached: as applications get it.
 *   netbt_bench burst SERVER NAME[#XX] COUNT
 *       COUNT queries in one burst, then the answers heard within a
 *       second: prints "sent COUNT answered N".
 * direct and rnr print p50 / p99 and an "@row" line (bench/report.sh);
 * exit 0, 1 when a query or lookup failed, 2 on a usage error.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rnr/winsock2.h>
#include <rnr/svcguid.h>

#include "bench_util.h"

enum { QLEN = 50 };     /* header 12, name 34, type and class 4 */

/* A name query (RFC 1002 4.2.12) for NAME[#XX] (default <00>) into q. */
static int query_build(uint8_t q[QLEN], const char *text, uint16_t id)
{
    const char *hash = strchr(text, '#');
    size_t len = hash != NULL ? (size_t)(hash - text) : strlen(text), i;
    uint8_t raw[16];
    unsigned suffix = 0;

    if (len == 0 || len > 15 || (hash != NULL && sscanf(hash + 1, "%2x", &suffix) != 1))
        return -1;
    memset(raw, ' ', 15);
    for (i = 0; i < len; i++)
        raw[i] = (uint8_t)toupper((unsigned char)text[i]);
    raw[15] = (uint8_t)suffix;
    memset(q, 0, QLEN);
    q[0] = (uint8_t)(id >> 8);
    q[1] = (uint8_t)id;
    q[2] = 0x01;        /* recursion desired */
    q[5] = 1;           /* one question */
    q[12] = 32;
    for (i = 0; i < 16; i++) {
        q[13 + 2 * i] = (uint8_t)('A' + (raw[i] >> 4));
        q[14 + 2 * i] = (uint8_t)('A' + (raw[i] & 15));
    }
    q[47] = 0x20;       /* NB; q[46] = 0 ends the name, class IN follows */
    q[49] = 1;
    return 0;
}

/* 1: a positive answer to query id, 0: another packet, -1: negative. */
static int answer_check(const uint8_t *a, ssize_t n, uint16_t id)
{
    if (n < 12 || a[0] != (uint8_t)(id >> 8) || a[1] != (uint8_t)id || !(a[2] & 0x80))
        return 0;
    return (a[3] & 0x0f) == 0 && (a[6] | a[7]) != 0 ? 1 : -1;
}

static int server_socket(const char *server, struct sockaddr_in *to)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);

    memset(to, 0, sizeof *to);
    to->sin_family = AF_INET;
    to->sin_port = htons(137);
    if (fd < 0 || inet_pton(AF_INET, server, &to->sin_addr) != 1) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

/* One query, its answer awaited (1 s at most): 0 or -1. */
static int ask_once(int fd, const struct sockaddr_in *to, const char *name, uint16_t id)
{
    uint8_t q[QLEN], a[1500];
    struct pollfd pfd = { fd, POLLIN, 0 };

    if (query_build(q, name, id) != 0 ||
        sendto(fd, q, sizeof q, 0, (const struct sockaddr *)to, sizeof *to) != (ssize_t)sizeof q)
        return -1;
    while (poll(&pfd, 1, 1000) == 1) {
        int rc = answer_check(a, recv(fd, a, sizeof a, 0), id);

        if (rc != 0)
            return rc > 0 ? 0 : -1;
    }
    return -1;
}

static void report(const char *id, const char *label, const char *cmp, double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, bench_cmp_double);
    printf("%s: p50 %.1f us, p99 %.1f us (%d)\n", label, v[n / 2], v[n * 99 / 100], n);
    printf("@row\t%s\t%s\t1\t%.1f\t%.1f\t%.0f\t%s\n", id, label, v[n / 2], v[n * 99 / 100],
           1e6 / v[n / 2], cmp);
}

static int direct(const char *server, const char *name, int count)
{
    struct sockaddr_in to;
    double *v = calloc((size_t)count, sizeof *v);
    int fd = server_socket(server, &to), i, bad = v == NULL || fd < 0;

    for (i = 0; !bad && i < count; i++) {
        double t0 = bench_now_us();

        bad = ask_once(fd, &to, name, (uint16_t)(0x5000 + i)) != 0;
        v[i] = bench_now_us() - t0;
    }
    if (bad)
        fprintf(stderr, "netbt_bench: no positive answer for %s from %s\n", name, server);
    else
        report("nbns-direct", "NBNS query to nmbd, in-process", "-", v, count);
    if (fd >= 0)
        close(fd);
    free(v);
    return bad;
}

/* Number of results, or -1 on a failure (not found included). */
static long rnr_lookup(const char *name, DWORD flags)
{
    static const GUID cls = SVCID_INET_HOSTADDRBYNAME;
    WSAQUERYSETA qs;
    long n;

    memset(&qs, 0, sizeof qs);
    qs.dwSize = sizeof qs;
    qs.lpServiceClassId = (GUID *)&cls;
    qs.lpszServiceInstanceName = (char *)name;
    qs.dwNameSpace = NS_NETBT;
    n = bench_lookup_count(&qs, flags | LUP_RETURN_ADDR | LUP_RETURN_NAME);
    return n > 0 ? n : -1;
}

enum { RNR_COLD, RNR_DAEMON, RNR_CACHED };

static const struct {
    const char *mode, *id, *label, *compare;
} rnr_rows[] = {
    { "uncached", "rnr-netbt-cold", "librnr, netbt, LUP_FLUSHCACHE", "nbns-direct,nmblookup" },
    { "rnrd-cached", "rnr-netbt-rnrd", "librnr, netbt, rnrd's cache",
      "bare-unix,nbns-direct,nmblookup" },
    { "cached", "rnr-netbt-cached", "librnr, netbt, answer cache",
      "bare-unix,nbns-direct,nmblookup" },
};

static int through_rnr(const char *name, int count, int how)
{
    double *v = calloc((size_t)count, sizeof *v);
    WSADATA wd;
    int i, bad;

    /* Off before the first connection: librnr reads it then. */
    if (how == RNR_DAEMON)
        setenv("RNR_ANSWER_CACHE", "0", 1);
    bad = v == NULL || WSAStartup(MAKEWORD(2, 2), &wd) != 0;

    /* The first lookup fills the caches the cached rows read. */
    if (!bad && rnr_lookup(name, 0) < 1)
        bad = 1;
    for (i = 0; !bad && i < count; i++) {
        double t0 = bench_now_us();

        bad = rnr_lookup(name, how == RNR_COLD ? LUP_FLUSHCACHE : 0) < 1;
        v[i] = bench_now_us() - t0;
    }
    if (bad)
        fprintf(stderr, "netbt_bench: %s not found through rnr\n", name);
    else
        report(rnr_rows[how].id, rnr_rows[how].label, rnr_rows[how].compare, v, count);
    free(v);
    WSACleanup();
    return bad;
}

static int burst(const char *server, const char *name, int count)
{
    struct sockaddr_in to;
    uint8_t q[QLEN], a[1500];
    int fd = server_socket(server, &to), i, answered = 0;
    struct pollfd pfd = { fd, POLLIN, 0 };
    double end;

    if (fd < 0)
        return 1;
    for (i = 0; i < count; i++)
        if (query_build(q, name, (uint16_t)(0x6000 + i)) != 0 ||
            sendto(fd, q, sizeof q, 0, (struct sockaddr *)&to, sizeof to) != (ssize_t)sizeof q)
            break;
    end = bench_now_us() + 1e6;
    while (bench_now_us() < end && poll(&pfd, 1, (int)((end - bench_now_us()) / 1000) + 1) == 1) {
        ssize_t n = recv(fd, a, sizeof a, 0);

        answered += n >= 12 && (a[0] & 0xf0) == 0x60 && (a[2] & 0x80) && (a[3] & 0x0f) == 0;
    }
    printf("sent %d answered %d\n", i, answered);
    close(fd);
    return i != count;
}

int main(int argc, char **argv)
{
    int count = argc == 5 ? atoi(argv[4]) : 0;

    if (count > 0 && count <= 0x1000 && strcmp(argv[1], "direct") == 0)
        return direct(argv[2], argv[3], count);
    if (count > 0 && count <= 0x1000 && strcmp(argv[1], "burst") == 0)
        return burst(argv[2], argv[3], count);
    if (argc == 5 && strcmp(argv[1], "rnr") == 0 && (count = atoi(argv[3])) > 0) {
        int how;

        for (how = RNR_COLD; how <= RNR_CACHED; how++)
            if (strcmp(argv[4], rnr_rows[how].mode) == 0)
                return through_rnr(argv[2], count, how);
    }
    fprintf(stderr, "usage: netbt_bench direct|burst SERVER NAME[#XX] COUNT\n"
                    "       netbt_bench rnr NAME[#XX] COUNT uncached|rnrd-cached|cached\n");
    return 2;
}
