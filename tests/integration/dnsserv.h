/* SPDX-License-Identifier: MIT */
/*
 * DNS servers for the dns provider's tests, all on 127.0.0.1 and
 * unprivileged ports, started by the test itself:
 *   - unbound (Debian's), authoritative for zones the test writes, with
 *     its query log, reloaded with SIGHUP when the test changes a zone;
 *   - an rcode responder answering every question with the error its
 *     first label names (servfail, refused, notimp, formerr);
 *   - a black hole: a bound UDP socket nobody reads.
 */
#ifndef RNRT_DNSSERV_H
#define RNRT_DNSSERV_H

#include <stddef.h>
#include <sys/types.h>

struct dnsserv_unbound {
    pid_t    pid;
    unsigned port;
    char     dir[128];
    char     conf[192], log[192];
};

/* unbound logs every question unless this is cleared before starting it
 * (the benchmark does: the log would slow it down). */
extern int dnsserv_log_queries;

/* The unbound binary, or NULL when it is not installed. */
const char *dnsserv_unbound_path(void);

/* Writes the zone files (zones[i] is the text of zone names[i]; n of
 * them) below dir and starts unbound.  Returns 0 once it answers. */
int  dnsserv_unbound_start(struct dnsserv_unbound *u, const char *dir,
                           const char *const *names, const char *const *zones,
                           size_t n);
/* Rewrites zone `name` and reloads; returns once unbound serves SOA
 * serial `serial` for it. */
int  dnsserv_unbound_rezone(struct dnsserv_unbound *u, const char *name,
                            const char *zone, unsigned serial);
void dnsserv_unbound_stop(struct dnsserv_unbound *u);
/* How many questions "NAME. TYPE IN" unbound has logged. */
int  dnsserv_unbound_count(const struct dnsserv_unbound *u, const char *name,
                           const char *type);

/* The rcode responder, in a child process. */
struct dnsserv_rcode {
    pid_t    pid;
    unsigned port;
};
int  dnsserv_rcode_start(struct dnsserv_rcode *r);
void dnsserv_rcode_stop(struct dnsserv_rcode *r);

/* A forwarder that does no work, in a child process: each datagram to
 * 127.0.0.1:port goes on to 127.0.0.1:server_port, the answer back to
 * the last asker.  bench_dns's floor under any resolving daemon. */
struct dnsserv_relay {
    pid_t    pid;
    unsigned port;
};
int  dnsserv_relay_start(struct dnsserv_relay *r, unsigned server_port);
void dnsserv_relay_stop(struct dnsserv_relay *r);

/* A UDP socket bound to 127.0.0.1 that only the test ever reads. */
struct dnsserv_hole {
    int      fd;
    unsigned port;
};
int  dnsserv_hole_open(struct dnsserv_hole *h);
/* Reads every datagram queued; returns how many asked for `name`
 * (lower case, no final dot), and adds the total to *all when not NULL. */
int  dnsserv_hole_drain(struct dnsserv_hole *h, const char *name, int *all);
void dnsserv_hole_close(struct dnsserv_hole *h);

/* One question straight to 127.0.0.1:port over UDP (no rnrd): returns
 * the rcode, or -1 on timeout; *ancount receives the answer count and,
 * for an SOA answer, *serial its serial. */
int  dnsserv_ask(unsigned port, const char *name, int qtype, int *ancount,
                 unsigned *serial);

#endif
