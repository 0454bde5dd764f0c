/* SPDX-License-Identifier: MIT */
/*
 * DNS servers for the dns provider's tests (see dnsserv.h).
 */
#include "config.h"

#include "dnsserv.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int dnsserv_log_queries = 1;

static const char *const unbound_paths[] = {
    "/usr/sbin/unbound", "/usr/local/sbin/unbound", NULL
};

const char *dnsserv_unbound_path(void)
{
    size_t i;

    for (i = 0; unbound_paths[i] != NULL; i++)
        if (access(unbound_paths[i], X_OK) == 0)
            return unbound_paths[i];
    return NULL;
}

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

    nanosleep(&ts, NULL);
}

static size_t encode_name(const char *name, uint8_t *out)
{
    size_t n = 0;

    while (*name != '\0') {
        size_t l = strcspn(name, ".");

        out[n++] = (uint8_t)l;
        memcpy(out + n, name, l);
        n += l;
        name += l;
        if (*name == '.')
            name++;
    }
    out[n++] = 0;
    return n;
}

int dnsserv_ask(unsigned port, const char *name, int qtype, int *ancount,
                unsigned *serial)
{
    uint8_t q[300] = { 0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0 }, r[4096];
    struct sockaddr_in sa;
    struct pollfd pfd;
    size_t n = 12;
    ssize_t got;
    int fd, rc = -1;

    n += encode_name(name, q + n);
    q[n++] = (uint8_t)(qtype >> 8);
    q[n++] = (uint8_t)qtype;
    q[n++] = 0;
    q[n++] = 1;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0)
        return -1;
    if (sendto(fd, q, n, 0, (struct sockaddr *)&sa, sizeof sa) < 0)
        goto done;
    pfd.fd = fd;
    pfd.events = POLLIN;
    if (poll(&pfd, 1, 500) != 1)
        goto done;
    got = recv(fd, r, sizeof r, 0);
    if (got < 12)
        goto done;
    rc = r[3] & 0x0f;
    if (ancount != NULL)
        *ancount = r[6] << 8 | r[7];
    /* The SOA's serial: after the question, a compressed owner (2),
     * type, class, ttl, rdlength (10), then two names. */
    if (serial != NULL && (r[6] << 8 | r[7]) > 0) {
        size_t off = n + 12, i;

        for (i = 0; i < 2 && off < (size_t)got; i++) {
            while (off < (size_t)got && r[off] != 0 && (r[off] & 0xc0) == 0)
                off += 1u + r[off];
            off += off < (size_t)got && (r[off] & 0xc0) ? 2 : 1;
        }
        if (off + 4 <= (size_t)got)
            *serial = (unsigned)r[off] << 24 | (unsigned)r[off + 1] << 16 |
                      (unsigned)r[off + 2] << 8 | r[off + 3];
    }
done:
    close(fd);
    return rc;
}

/* A port free for both UDP and TCP on 127.0.0.1 right now. */
static unsigned free_port(void)
{
    struct sockaddr_in sa;
    socklen_t len = sizeof sa;
    unsigned port = 0;
    int u = socket(AF_INET, SOCK_DGRAM, 0), t = -1;

    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (u < 0 || bind(u, (struct sockaddr *)&sa, sizeof sa) != 0 ||
        getsockname(u, (struct sockaddr *)&sa, &len) != 0)
        goto done;
    t = socket(AF_INET, SOCK_STREAM, 0);
    if (t < 0 || bind(t, (struct sockaddr *)&sa, sizeof sa) != 0)
        goto done;
    port = ntohs(sa.sin_port);
done:
    if (u >= 0)
        close(u);
    if (t >= 0)
        close(t);
    return port;
}

static int write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    if (f == NULL)
        return -1;
    fputs(text, f);
    return fclose(f) == 0 ? 0 : -1;
}

static int write_conf(struct dnsserv_unbound *u, const char *const *names,
                      size_t n)
{
    char buf[8192];
    size_t len, i;

    len = (size_t)snprintf(buf, sizeof buf,
        "server:\n"
        "  interface: 127.0.0.1\n"
        "  port: %u\n"
        "  do-daemonize: no\n"
        "  username: \"\"\n"
        "  chroot: \"\"\n"
        "  directory: \"%s\"\n"
        "  pidfile: \"\"\n"
        "  logfile: \"%s\"\n"
        "  use-syslog: no\n"
        "  log-queries: %s\n"
        "  verbosity: 0\n"
        "  num-threads: 1\n"
        "  so-reuseport: no\n"
        "  do-ip6: no\n"
        "  msg-cache-size: 1m\n"
        "  rrset-cache-size: 1m\n"
        /* Nothing ever leaves the machine: what is not ours is refused. */
        "  local-zone: \".\" refuse\n"
        "  local-zone: \"refused.test.\" always_refuse\n",
        u->port, u->dir, u->log, dnsserv_log_queries ? "yes" : "no");
    for (i = 0; i < n && len < sizeof buf; i++)
        len += (size_t)snprintf(buf + len, sizeof buf - len,
                                "  local-zone: \"%s.\" transparent\n", names[i]);
    for (i = 0; i < n && len < sizeof buf; i++)
        len += (size_t)snprintf(buf + len, sizeof buf - len,
            "auth-zone:\n"
            "  name: \"%s.\"\n"
            "  zonefile: \"%s/%s.zone\"\n"
            "  for-downstream: yes\n"
            "  for-upstream: no\n"
            "  fallback-enabled: no\n", names[i], u->dir, names[i]);
    if (len >= sizeof buf)
        return -1;
    return write_text(u->conf, buf);
}

static int write_zone(const struct dnsserv_unbound *u, const char *name,
                      const char *zone)
{
    char path[256], tmp[272];

    snprintf(path, sizeof path, "%s/%s.zone", u->dir, name);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    if (write_text(tmp, zone) != 0)
        return -1;
    return rename(tmp, path);
}

int dnsserv_unbound_start(struct dnsserv_unbound *u, const char *dir,
                          const char *const *names, const char *const *zones,
                          size_t n)
{
    const char *bin = dnsserv_unbound_path();
    size_t i;
    int tries;

    memset(u, 0, sizeof *u);
    u->pid = -1;
    if (bin == NULL)
        return -1;
    snprintf(u->dir, sizeof u->dir, "%s", dir);
    snprintf(u->conf, sizeof u->conf, "%s/unbound.conf", dir);
    snprintf(u->log, sizeof u->log, "%s/unbound.log", dir);
    for (i = 0; i < n; i++)
        if (write_zone(u, names[i], zones[i]) != 0)
            return -1;
    for (tries = 0; tries < 5; tries++) {
        int waited;

        if ((u->port = free_port()) == 0 || write_conf(u, names, n) != 0)
            return -1;
        u->pid = fork();
        if (u->pid < 0)
            return -1;
        if (u->pid == 0) {
            int null = open("/dev/null", O_RDWR);

            /* A test killed outright takes its server with it. */
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (null >= 0) {
                dup2(null, 1);
                dup2(null, 2);
            }
            execl(bin, bin, "-d", "-c", u->conf, (char *)NULL);
            _exit(127);
        }
        for (waited = 0; waited < 100; waited++) {
            if (dnsserv_ask(u->port, names[0], 6, NULL, NULL) == 0)
                return 0;
            if (waitpid(u->pid, NULL, WNOHANG) == u->pid)
                break;   /* died: port taken meanwhile? try another */
            sleep_ms(50);
        }
        dnsserv_unbound_stop(u);
    }
    return -1;
}

int dnsserv_unbound_rezone(struct dnsserv_unbound *u, const char *name,
                           const char *zone, unsigned serial)
{
    int waited;

    if (write_zone(u, name, zone) != 0 || kill(u->pid, SIGHUP) != 0)
        return -1;
    for (waited = 0; waited < 200; waited++) {
        unsigned s = 0;
        int an = 0;

        if (dnsserv_ask(u->port, name, 6, &an, &s) == 0 && an > 0 && s == serial)
            return 0;
        sleep_ms(20);
    }
    return -1;
}

void dnsserv_unbound_stop(struct dnsserv_unbound *u)
{
    if (u->pid > 0) {
        kill(u->pid, SIGTERM);
        waitpid(u->pid, NULL, 0);
    }
    u->pid = -1;
}

int dnsserv_unbound_count(const struct dnsserv_unbound *u, const char *name,
                          const char *type)
{
    char line[1024], pat[512];
    FILE *f = fopen(u->log, "r");
    int n = 0;

    if (f == NULL)
        return -1;
    snprintf(pat, sizeof pat, " %s. %s IN", name, type);
    while (fgets(line, sizeof line, f) != NULL) {
        size_t l = strcspn(line, "\n");

        line[l] = '\0';
        /* "... info: 127.0.0.1 NAME. TYPE IN" */
        if (l >= strlen(pat) && strcmp(line + l - strlen(pat), pat) == 0)
            n++;
    }
    fclose(f);
    return n;
}

/* ---- rcode responder ---- */

static int rcode_for(const uint8_t *q, size_t len)
{
    static const struct { const char *label; int rcode; } map[] = {
        { "formerr", 1 }, { "servfail", 2 }, { "notimp", 4 }, { "refused", 5 },
    };
    size_t i, l;

    if (len < 13)
        return 2;
    l = q[12];
    for (i = 0; i < sizeof map / sizeof map[0]; i++)
        if (l == strlen(map[i].label) && 13 + l <= len &&
            memcmp(q + 13, map[i].label, l) == 0)
            return map[i].rcode;
    return 2;
}

static void rcode_serve(int fd)
{
    for (;;) {
        uint8_t buf[512];
        struct sockaddr_storage from;
        socklen_t fl = sizeof from;
        ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);

        if (n < 12)
            continue;
        /* The question echoed, no records: QR, RD kept, RA, the rcode. */
        buf[2] = (uint8_t)(0x80 | (buf[2] & 0x01));
        buf[3] = (uint8_t)(0x80 | rcode_for(buf, (size_t)n));
        memset(buf + 6, 0, 6);
        sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from, fl);
    }
}

static int bind_loopback_udp(unsigned *port)
{
    struct sockaddr_in sa;
    socklen_t len = sizeof sa;
    int fd = socket(AF_INET, SOCK_DGRAM, 0);

    if (fd < 0)
        return -1;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &len) != 0) {
        close(fd);
        return -1;
    }
    *port = ntohs(sa.sin_port);
    return fd;
}

int dnsserv_rcode_start(struct dnsserv_rcode *r)
{
    int fd = bind_loopback_udp(&r->port);

    r->pid = -1;
    if (fd < 0)
        return -1;
    r->pid = fork();
    if (r->pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        rcode_serve(fd);
    }
    close(fd);
    return r->pid > 0 ? 0 : -1;
}

static void child_stop(pid_t *pid)
{
    if (*pid > 0) {
        kill(*pid, SIGKILL);
        waitpid(*pid, NULL, 0);
    }
    *pid = -1;
}

void dnsserv_rcode_stop(struct dnsserv_rcode *r)
{
    child_stop(&r->pid);
}

/* ---- do-nothing forwarder ---- */

/* One asker at a time: the answer goes to whoever asked last. */
static void relay_serve(int in, int out)
{
    struct sockaddr_storage peer;
    socklen_t peerlen = 0;
    uint8_t buf[4096];

    for (;;) {
        struct pollfd pfd[2] = { { in, POLLIN, 0 }, { out, POLLIN, 0 } };
        ssize_t n;

        if (poll(pfd, 2, -1) < 0)
            continue;
        if (pfd[0].revents & POLLIN) {
            peerlen = sizeof peer;
            n = recvfrom(in, buf, sizeof buf, 0, (struct sockaddr *)&peer, &peerlen);
            if (n > 0 && send(out, buf, (size_t)n, 0) < 0)
                peerlen = 0;
        }
        if (pfd[1].revents & POLLIN) {
            n = recv(out, buf, sizeof buf, 0);
            if (n > 0 && peerlen > 0)
                sendto(in, buf, (size_t)n, 0, (struct sockaddr *)&peer, peerlen);
        }
    }
}

int dnsserv_relay_start(struct dnsserv_relay *r, unsigned server_port)
{
    struct sockaddr_in sa;
    unsigned own;
    int in = bind_loopback_udp(&r->port), out = bind_loopback_udp(&own);

    r->pid = -1;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sa.sin_port = htons((unsigned short)server_port);
    if (in >= 0 && out >= 0 && connect(out, (struct sockaddr *)&sa, sizeof sa) == 0) {
        r->pid = fork();
        if (r->pid == 0) {
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            relay_serve(in, out);
        }
    }
    if (in >= 0)
        close(in);
    if (out >= 0)
        close(out);
    return r->pid > 0 ? 0 : -1;
}

void dnsserv_relay_stop(struct dnsserv_relay *r)
{
    child_stop(&r->pid);
}

/* ---- black hole ---- */

int dnsserv_hole_open(struct dnsserv_hole *h)
{
    int size = 4 << 20;

    h->fd = bind_loopback_udp(&h->port);
    if (h->fd < 0)
        return -1;
    /* Room for every question of the test: none may be lost uncounted. */
    setsockopt(h->fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size);
    setsockopt(h->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    return 0;
}

int dnsserv_hole_drain(struct dnsserv_hole *h, const char *name, int *all)
{
    uint8_t want[300], buf[600];
    size_t wl = encode_name(name, want);
    int n = 0;
    ssize_t got;

    while ((got = recv(h->fd, buf, sizeof buf, MSG_DONTWAIT)) >= 0) {
        size_t i;

        if (all != NULL)
            (*all)++;
        if ((size_t)got < 12 + wl)
            continue;
        /* Names are compared case-blind (c-ares may randomise case). */
        for (i = 0; i < wl; i++) {
            uint8_t a = buf[12 + i], b = want[i];

            if (a >= 'A' && a <= 'Z')
                a = (uint8_t)(a + 32);
            if (a != b)
                break;
        }
        n += i == wl;
    }
    return n;
}

void dnsserv_hole_close(struct dnsserv_hole *h)
{
    if (h->fd >= 0)
        close(h->fd);
    h->fd = -1;
}
