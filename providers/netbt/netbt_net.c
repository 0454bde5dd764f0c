/* SPDX-License-Identifier: MIT */
/*
 * Sockets.  Per configured interface one UDP socket bound to the device
 * (SO_BINDTODEVICE) on 0.0.0.0:137 with SO_BROADCAST: it hears the
 * link's broadcasts and unicasts to this host on that link only, and
 * sends from port 137, as RFC 1002 nodes expect.  Port 137 needs root,
 * so rnrd opens these before it drops its privileges
 * (netbt_net_privileged_open, the privileged_open slot) and startup
 * takes them back, matching them to interfaces by their device.  The
 * WINS server is reached from one more socket on an ephemeral port.
 */
#include "config.h"

#include "netbt.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* A socket on 0.0.0.0:port, on the device when one is named. */
static int open_socket(const char *dev, uint16_t port, int *err)
{
    struct sockaddr_in sin;
    int fd, one = 1;

    fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        *err = errno;
        return -1;
    }
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_port = htons(port);
    /* Several devices' sockets share the port; each hears its own. */
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof one) != 0 ||
        (dev != NULL &&
         setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, dev, (socklen_t)strlen(dev) + 1) != 0) ||
        bind(fd, (struct sockaddr *)&sin, sizeof sin) != 0) {
        *err = errno;
        close(fd);
        return -1;
    }
    return fd;
}

int netbt_net_privileged_open(const struct rnr_nsp_check *conf, int *fds, size_t *nfds)
{
    char names[NETBT_MAX_IFACES][IF_NAMESIZE];
    unsigned n, i;
    size_t k = 0;
    int err = 0;

    if (netbt_conf_ifnames(conf->get(conf->ctx, "interfaces"), names, &n) != 0)
        return WSAEINVAL;
    for (i = 0; i < n && k < RNR_NSP_MAX_FDS; i++) {
        int fd = open_socket(names[i], NBNS_PORT, &err);

        if (fd < 0) {
            conf->error(conf->ctx, "interfaces", "%s: udp port %u: %s", names[i], NBNS_PORT,
                        strerror(err));
            continue;
        }
        fds[k++] = fd;
    }
    *nfds = k;
    return 0;
}

/* The device a socket is bound to. */
static int fd_device(int fd, char *dev)
{
    socklen_t len = IF_NAMESIZE;

    memset(dev, 0, IF_NAMESIZE);
    return getsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, dev, &len) == 0 && dev[0] != '\0'
           ? 0 : -1;
}

/* The sockets opened before the drop go to their interfaces; any
 * interface left without one is tried now (rnrd run as root, or with
 * CAP_NET_BIND_SERVICE). */
static void take_sockets(struct netbt_state *st)
{
    int fds[RNR_NSP_MAX_FDS];
    size_t n = 0, i;
    unsigned k;
    char dev[IF_NAMESIZE];
    int err = 0;

    if (RNR_NSP_HOST_HAS(st->host, take_fds) && st->host->take_fds != NULL)
        n = st->host->take_fds(st->p, fds, RNR_NSP_MAX_FDS);
    for (i = 0; i < n; i++) {
        for (k = 0; k < st->nifaces; k++)
            if (st->ifaces[k].fd < 0 && fd_device(fds[i], dev) == 0 &&
                strcmp(dev, st->ifaces[k].name) == 0)
                break;
        if (k < st->nifaces)
            st->ifaces[k].fd = fds[i];
        else
            close(fds[i]);
    }
    for (k = 0; k < st->nifaces; k++) {
        if (st->ifaces[k].fd >= 0)
            continue;
        st->ifaces[k].fd = open_socket(st->ifaces[k].name, NBNS_PORT, &err);
        if (st->ifaces[k].fd < 0)
            st->host->log(st->p, RNR_NSP_LOG_ERR, "%s: udp port %u: %s (not served)",
                          st->ifaces[k].name, NBNS_PORT, strerror(err));
    }
}

void netbt_net_refresh_addrs(struct netbt_state *st)
{
    struct ifaddrs *ifa, *i;
    unsigned k;

    for (k = 0; k < st->nifaces; k++)
        st->ifaces[k].have_addr = 0;
    if (getifaddrs(&ifa) != 0) {
        st->host->log(st->p, RNR_NSP_LOG_ERR, "getifaddrs: %s", strerror(errno));
        return;
    }
    for (i = ifa; i != NULL; i = i->ifa_next) {
        const struct sockaddr_in *a = (const struct sockaddr_in *)i->ifa_addr;
        const struct sockaddr_in *m = (const struct sockaddr_in *)i->ifa_netmask;

        if (a == NULL || m == NULL || a->sin_family != AF_INET || !(i->ifa_flags & IFF_UP))
            continue;
        for (k = 0; k < st->nifaces; k++) {
            struct netbt_iface *f = &st->ifaces[k];

            if (f->have_addr || strcmp(f->name, i->ifa_name) != 0)
                continue;
            f->addr = a->sin_addr;
            f->mask = m->sin_addr;
            /* Computed, never the reported one: an address added without
             * "brd +" reports itself or 0.0.0.0 there. */
            f->bcast.s_addr = a->sin_addr.s_addr | ~m->sin_addr.s_addr;
            f->have_addr = 1;
        }
    }
    freeifaddrs(ifa);
}

static void on_readable(void *arg, int fd, unsigned events);

static int watch(struct netbt_state *st, struct netbt_iface *f)
{
    return st->host->watch_fd(st->p, f->fd, RNR_NSP_EV_READ, on_readable, f);
}

int netbt_net_start(struct netbt_state *st)
{
    struct netbt_iface *w = &st->wins;
    unsigned k;
    int err = 0;

    st->nifaces = 0;
    memset(w, 0, sizeof *w);
    w->st = st;
    w->is_wins = 1;
    w->fd = -1;
    for (k = 0; k < st->conf.nifnames; k++) {
        struct netbt_iface *f = &st->ifaces[st->nifaces++];

        memset(f, 0, sizeof *f);
        f->st = st;
        memcpy(f->name, st->conf.ifnames[k], IF_NAMESIZE);
        f->index = if_nametoindex(f->name);
        f->fd = -1;
    }
    take_sockets(st);
    netbt_net_refresh_addrs(st);
    for (k = 0; k < st->nifaces; k++)
        if (st->ifaces[k].fd >= 0 && watch(st, &st->ifaces[k]) != 0)
            return WSAENOBUFS;
    if (st->conf.have_wins) {
        w->fd = open_socket(NULL, 0, &err);
        if (w->fd < 0) {
            st->host->log(st->p, RNR_NSP_LOG_ERR, "wins socket: %s", strerror(err));
            return WSASYSCALLFAILURE;
        }
        if (watch(st, w) != 0)
            return WSAENOBUFS;
    }
    return 0;
}

static void close_iface(struct netbt_state *st, struct netbt_iface *f)
{
    if (f->fd < 0)
        return;
    st->host->unwatch_fd(st->p, f->fd);
    close(f->fd);
    f->fd = -1;
}

void netbt_net_stop(struct netbt_state *st)
{
    unsigned k;

    for (k = 0; k < st->nifaces; k++)
        close_iface(st, &st->ifaces[k]);
    close_iface(st, &st->wins);
}

/* ------------------------------------------------------------ receive */

static void on_readable(void *arg, int fd, unsigned events)
{
    struct netbt_iface *f = arg;
    struct netbt_state *st = f->st;
    struct netbt_rx rx;
    socklen_t slen;
    ssize_t n;
    unsigned i;

    (void)events;
    for (i = 0; i < NETBT_RX_BATCH; i++) {
        slen = sizeof rx.src;
        n = recvfrom(fd, st->rxbuf, sizeof st->rxbuf, 0, (struct sockaddr *)&rx.src, &slen);
        if (n < 0)
            return;
        rx.iface = f->is_wins ? NULL : f;
        st->stats.rx_packets++;
        if (rx.src.sin_family != AF_INET || (size_t)n > NBNS_MAX_PACKET) {
            st->stats.malformed++;
            continue;
        }
        netbt_rx(st, st->rxbuf, (size_t)n, &rx);
    }
}

/* ------------------------------------------------------------ send */

void netbt_net_send(struct netbt_state *st, struct netbt_iface *f,
                    const struct sockaddr_in *to, const struct nbns_msg *m)
{
    uint8_t buf[NBNS_MAX_SEND];
    size_t len;

    if (f == NULL)
        f = &st->wins;
    if (f->fd < 0 || nbns_encode(m, buf, sizeof buf, &len) != 0) {
        st->stats.tx_errors++;
        return;
    }
    if (sendto(f->fd, buf, len, 0, (const struct sockaddr *)to, sizeof *to) != (ssize_t)len) {
        st->stats.tx_errors++;
        st->host->log(st->p, RNR_NSP_LOG_DEBUG, "send to %s: %s", inet_ntoa(to->sin_addr),
                      strerror(errno));
        return;
    }
    st->stats.tx_packets++;
}

void netbt_net_broadcast(struct netbt_state *st, const struct nbns_msg *m)
{
    struct sockaddr_in to;
    unsigned k;

    memset(&to, 0, sizeof to);
    to.sin_family = AF_INET;
    to.sin_port = htons(NBNS_PORT);
    for (k = 0; k < st->nifaces; k++) {
        struct netbt_iface *f = &st->ifaces[k];

        if (!f->have_addr)
            netbt_net_refresh_addrs(st);
        if (!f->have_addr || f->fd < 0)
            continue;
        to.sin_addr = f->bcast;
        netbt_net_send(st, f, &to, m);
    }
}

/* ------------------------------------------------------------ limits */

int netbt_net_may_reply(struct netbt_state *st, uint32_t src)
{
    uint64_t now = st->host->now_ms();
    struct netbt_bucket *b = &st->sources[(src * 2654435761u) >> 26 & (NETBT_RATE_SOURCES - 1)];

    /* A slot taken over by another source starts full: the table only
     * needs to stop one source from using the whole overall rate. */
    if (b->src != src) {
        b->src = src;
        b->b.tokens = st->conf.source_rate;
        b->b.ms = now;
    }
    if (rnr_bucket_take(&b->b, now, st->conf.source_rate) != 0 ||
        rnr_bucket_take(&st->replies, now, st->conf.reply_rate) != 0) {
        st->stats.rate_limited++;
        return -1;
    }
    return 0;
}

/* The address this host reaches the WINS server from: the kernel's
 * choice for a datagram there (a connected UDP socket sends nothing). */
static uint32_t wins_source(const struct netbt_state *st)
{
    struct sockaddr_in me;
    socklen_t len = sizeof me;
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    uint32_t a = 0;

    if (fd < 0)
        return 0;
    if (connect(fd, (const struct sockaddr *)&st->conf.wins, sizeof st->conf.wins) == 0 &&
        getsockname(fd, (struct sockaddr *)&me, &len) == 0)
        a = me.sin_addr.s_addr;
    close(fd);
    return a;
}

uint32_t netbt_net_local_addr(const struct netbt_state *st, const struct netbt_iface *f)
{
    unsigned k;

    if (f != NULL && f->have_addr)
        return f->addr.s_addr;
    if (f == NULL && st->conf.have_wins)
        return wins_source(st);
    for (k = 0; k < st->nifaces; k++)
        if (st->ifaces[k].have_addr)
            return st->ifaces[k].addr.s_addr;
    return 0;
}

int netbt_net_is_own(const struct netbt_state *st, uint32_t addr)
{
    unsigned k;

    for (k = 0; k < st->nifaces; k++)
        if (st->ifaces[k].have_addr && st->ifaces[k].addr.s_addr == addr)
            return 1;
    return 0;
}

struct netbt_iface *netbt_net_route(struct netbt_state *st, uint32_t addr)
{
    struct netbt_iface *any = NULL;
    unsigned k;

    for (k = 0; k < st->nifaces; k++) {
        struct netbt_iface *f = &st->ifaces[k];

        if (f->fd < 0)
            continue;
        if (f->have_addr && ((addr ^ f->addr.s_addr) & f->mask.s_addr) == 0)
            return f;
        if (any == NULL)
            any = f;
    }
    return any;
}
