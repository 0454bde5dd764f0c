/* SPDX-License-Identifier: MIT */
/*
 * Sockets: one UDP socket per family, bound to the wildcard address on
 * the configured port, non-blocking, on the daemon's loop.  Sends go out
 * with TTL / hop limit 255 (receivers check it: RFC 5082) to each chosen
 * interface's broadcast address or multicast group.  The receiving side
 * reads the interface and the TTL of every datagram from its ancillary
 * data.
 */
#include "config.h"

#include "sap.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int named(const struct sap_conf *c, const char *name)
{
    unsigned i;

    if (c->nifnames == 0)
        return 1;
    for (i = 0; i < c->nifnames; i++)
        if (strcmp(c->ifnames[i], name) == 0)
            return 1;
    return 0;
}

static struct sap_iface *iface_get(struct sap_state *st, const char *name)
{
    unsigned i, idx;

    for (i = 0; i < st->nifaces; i++)
        if (strcmp(st->ifaces[i].name, name) == 0)
            return &st->ifaces[i];
    if (st->nifaces == SAP_MAX_IFACES || (idx = if_nametoindex(name)) == 0)
        return NULL;
    memset(&st->ifaces[st->nifaces], 0, sizeof st->ifaces[0]);
    snprintf(st->ifaces[st->nifaces].name, IF_NAMESIZE, "%s", name);
    st->ifaces[st->nifaces].index = idx;
    return &st->ifaces[st->nifaces++];
}

/* The address's broadcast address.  One added without ("ip addr add
 * 10.0.0.1/24") reports the address itself or 0.0.0.0, either of which
 * would send our packets to ourselves: computed from the netmask then. */
static struct in_addr bcast_of(const struct ifaddrs *i)
{
    const struct sockaddr_in *a = (const struct sockaddr_in *)i->ifa_addr;
    const struct sockaddr_in *m = (const struct sockaddr_in *)i->ifa_netmask;
    const struct sockaddr_in *br = (const struct sockaddr_in *)i->ifa_broadaddr;
    struct in_addr b;

    if (br != NULL && br->sin_addr.s_addr != INADDR_ANY &&
        br->sin_addr.s_addr != a->sin_addr.s_addr)
        return br->sin_addr;
    b.s_addr = a->sin_addr.s_addr | ~m->sin_addr.s_addr;
    return b;
}

/* Loopback only when named: it reaches no other host. */
static void find_ifaces(struct sap_state *st)
{
    struct ifaddrs *ifa, *i;
    unsigned k;

    st->nifaces = 0;
    if (getifaddrs(&ifa) != 0) {
        st->host->log(st->p, RNR_NSP_LOG_ERR, "getifaddrs: %s", strerror(errno));
        return;
    }
    for (i = ifa; i != NULL; i = i->ifa_next) {
        struct sap_iface *f;

        if (i->ifa_addr == NULL || !(i->ifa_flags & IFF_UP) || !named(&st->conf, i->ifa_name))
            continue;
        if ((i->ifa_flags & IFF_LOOPBACK) && st->conf.nifnames == 0)
            continue;
        if (i->ifa_addr->sa_family == AF_INET && st->conf.ipv4 != SAP_V4_OFF) {
            if (st->conf.ipv4 == SAP_V4_BROADCAST &&
                (!(i->ifa_flags & IFF_BROADCAST) || i->ifa_netmask == NULL))
                continue;
            if (st->conf.ipv4 == SAP_V4_MULTICAST && !(i->ifa_flags & IFF_MULTICAST))
                continue;
            if ((f = iface_get(st, i->ifa_name)) == NULL)
                continue;
            f->v4 = 1;
            if (st->conf.ipv4 == SAP_V4_BROADCAST)
                f->bcast4 = bcast_of(i);
        } else if (i->ifa_addr->sa_family == AF_INET6 && st->conf.ipv6 &&
                   (i->ifa_flags & IFF_MULTICAST)) {
            if ((f = iface_get(st, i->ifa_name)) != NULL)
                f->v6 = 1;
        }
    }
    freeifaddrs(ifa);
    for (k = 0; k < st->nifaces; k++) {
        char b[INET_ADDRSTRLEN] = "-";

        if (st->ifaces[k].v4 && st->conf.ipv4 == SAP_V4_BROADCAST)
            inet_ntop(AF_INET, &st->ifaces[k].bcast4, b, sizeof b);
        st->host->log(st->p, RNR_NSP_LOG_INFO, "interface %s: IPv4 %s%s, IPv6 %s",
                      st->ifaces[k].name,
                      st->ifaces[k].v4 ? (st->conf.ipv4 == SAP_V4_BROADCAST ? "broadcast "
                                                                            : "multicast")
                                       : "off",
                      st->ifaces[k].v4 && st->conf.ipv4 == SAP_V4_BROADCAST ? b : "",
                      st->ifaces[k].v6 ? "multicast" : "off");
    }
    for (k = 0; k < st->conf.nifnames; k++) {
        unsigned j;

        for (j = 0; j < st->nifaces && strcmp(st->ifaces[j].name, st->conf.ifnames[k]); j++)
            ;
        if (j == st->nifaces)
            st->host->log(st->p, RNR_NSP_LOG_WARNING, "interface %s: absent, down, or without a "
                          "usable address; not used", st->conf.ifnames[k]);
    }
}

struct sockopt {
    int level, name, value;
};

/* TTL 255 out (RFC 5082), the TTL and the interface of every datagram
 * in, no loop-back of our own multicast. */
static const struct sockopt opts4[] = {
    { SOL_SOCKET, SO_REUSEADDR, 1 },
    { SOL_SOCKET, SO_BROADCAST, 1 },
    { IPPROTO_IP, IP_PKTINFO, 1 },
    { IPPROTO_IP, IP_RECVTTL, 1 },
    { IPPROTO_IP, IP_TTL, 255 },
    { IPPROTO_IP, IP_MULTICAST_TTL, 255 },
    { IPPROTO_IP, IP_MULTICAST_LOOP, 0 },
};
static const struct sockopt opts6[] = {
    { IPPROTO_IPV6, IPV6_V6ONLY, 1 },
    { SOL_SOCKET, SO_REUSEADDR, 1 },
    { IPPROTO_IPV6, IPV6_RECVPKTINFO, 1 },
    { IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1 },
    { IPPROTO_IPV6, IPV6_UNICAST_HOPS, 255 },
    { IPPROTO_IPV6, IPV6_MULTICAST_HOPS, 255 },
    { IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0 },
};

/* A bound, non-blocking UDP socket on the port, or -1 (logged). */
static int open_udp(struct sap_state *st, int family, const struct sockopt *o, size_t n)
{
    struct sockaddr_storage ss;
    socklen_t len;
    size_t i;
    int fd;

    memset(&ss, 0, sizeof ss);
    ss.ss_family = (sa_family_t)family;
    if (family == AF_INET) {
        ((struct sockaddr_in *)&ss)->sin_port = htons(st->conf.port);
        len = sizeof(struct sockaddr_in);
    } else {
        ((struct sockaddr_in6 *)&ss)->sin6_port = htons(st->conf.port);
        len = sizeof(struct sockaddr_in6);
    }
    fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        goto fail;
    for (i = 0; i < n; i++)
        if (setsockopt(fd, o[i].level, o[i].name, &o[i].value, sizeof o[i].value) != 0)
            goto fail;
    if (bind(fd, (struct sockaddr *)&ss, len) != 0)
        goto fail;
    return fd;
fail:
    st->host->log(st->p, family == AF_INET ? RNR_NSP_LOG_ERR : RNR_NSP_LOG_WARNING,
                  "IPv%c socket on port %u: %s", family == AF_INET ? '4' : '6', st->conf.port,
                  strerror(errno));
    if (fd >= 0)
        close(fd);
    return -1;
}

static int open4(struct sap_state *st)
{
    unsigned i;
    int fd;

    if ((fd = open_udp(st, AF_INET, opts4, sizeof opts4 / sizeof opts4[0])) < 0)
        return -1;
    for (i = 0; st->conf.ipv4 == SAP_V4_MULTICAST && i < st->nifaces; i++) {
        struct ip_mreqn m;

        if (!st->ifaces[i].v4)
            continue;
        memset(&m, 0, sizeof m);
        m.imr_multiaddr = st->conf.group4;
        m.imr_ifindex = (int)st->ifaces[i].index;
        if (setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &m, sizeof m) != 0)
            st->host->log(st->p, RNR_NSP_LOG_WARNING, "%s: joining the IPv4 group: %s",
                          st->ifaces[i].name, strerror(errno));
    }
    return fd;
}

static int open6(struct sap_state *st)
{
    unsigned i;
    int fd;

    if ((fd = open_udp(st, AF_INET6, opts6, sizeof opts6 / sizeof opts6[0])) < 0)
        return -1;
    for (i = 0; i < st->nifaces; i++) {
        struct ipv6_mreq m;

        if (!st->ifaces[i].v6)
            continue;
        memset(&m, 0, sizeof m);
        m.ipv6mr_multiaddr = st->conf.group6;
        m.ipv6mr_interface = st->ifaces[i].index;
        if (setsockopt(fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &m, sizeof m) != 0)
            st->host->log(st->p, RNR_NSP_LOG_WARNING, "%s: joining the IPv6 group: %s",
                          st->ifaces[i].name, strerror(errno));
    }
    return fd;
}

static void on_read(void *arg, int fd, unsigned events)
{
    struct sap_state *st = arg;
    unsigned n;

    (void)events;
    for (n = 0; n < SAP_RX_BATCH; n++) {
        union {
            struct cmsghdr align;
            uint8_t buf[256];
        } cbuf;
        struct sap_rxmeta m;
        struct iovec iov;
        struct msghdr msg;
        struct cmsghdr *c;
        ssize_t r;

        memset(&m, 0, sizeof m);
        memset(&msg, 0, sizeof msg);
        iov.iov_base = st->rxbuf;
        iov.iov_len = sizeof st->rxbuf;
        msg.msg_name = &m.src;
        msg.msg_namelen = sizeof m.src;
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = cbuf.buf;
        msg.msg_controllen = sizeof cbuf.buf;
        r = recvmsg(fd, &msg, MSG_DONTWAIT);
        if (r < 0)
            break;
        m.src_len = msg.msg_namelen;
        m.ttl = -1;
        for (c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
            if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
                struct in_pktinfo pi;

                memcpy(&pi, CMSG_DATA(c), sizeof pi);
                m.ifindex = (unsigned)pi.ipi_ifindex;
            } else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) {
                memcpy(&m.ttl, CMSG_DATA(c), sizeof m.ttl);
            } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
                struct in6_pktinfo pi;

                memcpy(&pi, CMSG_DATA(c), sizeof pi);
                m.ifindex = pi.ipi6_ifindex;
            } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT) {
                memcpy(&m.ttl, CMSG_DATA(c), sizeof m.ttl);
            }
        }
        /* A datagram cut short is oversized: sap_rx drops it. */
        sap_rx_packet(st, st->rxbuf, (msg.msg_flags & MSG_TRUNC) ? sizeof st->rxbuf : (size_t)r,
                      &m);
    }
}

int sap_net_open(struct sap_state *st)
{
    find_ifaces(st);
    if (st->nifaces == 0)
        st->host->log(st->p, RNR_NSP_LOG_WARNING, "no interface to advertise on; only local "
                      "registrations will be found");
    if (st->conf.ipv4 != SAP_V4_OFF && (st->fd4 = open4(st)) < 0)
        return WSAEPROVIDERFAILEDINIT;
    if (st->conf.ipv6 && (st->fd6 = open6(st)) < 0 && st->fd4 < 0)
        return WSAEPROVIDERFAILEDINIT;
    if ((st->fd4 >= 0 && st->host->watch_fd(st->p, st->fd4, RNR_NSP_EV_READ, on_read, st)) ||
        (st->fd6 >= 0 && st->host->watch_fd(st->p, st->fd6, RNR_NSP_EV_READ, on_read, st)))
        return WSAENOBUFS;
    return 0;
}

void sap_net_close(struct sap_state *st)
{
    if (st->fd4 >= 0) {
        st->host->unwatch_fd(st->p, st->fd4);
        close(st->fd4);
        st->fd4 = -1;
    }
    if (st->fd6 >= 0) {
        st->host->unwatch_fd(st->p, st->fd6);
        close(st->fd6);
        st->fd6 = -1;
    }
}

static void send_one(struct sap_state *st, int fd, const void *dst, socklen_t dlen,
                     const uint8_t *buf, size_t len)
{
    if (sendto(fd, buf, len, MSG_DONTWAIT, (const struct sockaddr *)dst, dlen) == (ssize_t)len)
        st->stats.tx_packets++;
    else
        st->stats.tx_errors++;
}

void sap_net_send_all(struct sap_state *st, const uint8_t *buf, size_t len)
{
    unsigned i;

    for (i = 0; i < st->nifaces; i++) {
        const struct sap_iface *f = &st->ifaces[i];

        if (st->fd4 >= 0 && f->v4) {
            struct sockaddr_in sin;

            memset(&sin, 0, sizeof sin);
            sin.sin_family = AF_INET;
            sin.sin_port = htons(st->conf.port);
            if (st->conf.ipv4 == SAP_V4_BROADCAST) {
                sin.sin_addr = f->bcast4;
            } else {
                struct ip_mreqn m;

                memset(&m, 0, sizeof m);
                m.imr_ifindex = (int)f->index;
                (void)setsockopt(st->fd4, IPPROTO_IP, IP_MULTICAST_IF, &m, sizeof m);
                sin.sin_addr = st->conf.group4;
            }
            send_one(st, st->fd4, &sin, sizeof sin, buf, len);
        }
        if (st->fd6 >= 0 && f->v6) {
            struct sockaddr_in6 sin6;

            memset(&sin6, 0, sizeof sin6);
            sin6.sin6_family = AF_INET6;
            sin6.sin6_port = htons(st->conf.port);
            sin6.sin6_addr = st->conf.group6;
            sin6.sin6_scope_id = f->index;
            send_one(st, st->fd6, &sin6, sizeof sin6, buf, len);
        }
    }
}

void sap_net_send_to(struct sap_state *st, const struct sockaddr_storage *dst, socklen_t dlen,
                     const uint8_t *buf, size_t len)
{
    int fd = dst->ss_family == AF_INET ? st->fd4 : st->fd6;

    if (fd >= 0)
        send_one(st, fd, dst, dlen, buf, len);
}

int sap_net_iface_chosen(const struct sap_state *st, unsigned ifindex)
{
    unsigned i;

    for (i = 0; i < st->nifaces; i++)
        if (st->ifaces[i].index == ifindex)
            return 1;
    return 0;
}
