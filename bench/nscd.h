/* SPDX-License-Identifier: MIT */
/*
 * Debian's unscd (or nscd) as a baseline for bench_lookup: a caching name
 * daemon that glibc's gethostbyname asks over an AF_UNIX socket, the same
 * shape as librnr -> rnrd.
 *
 * glibc finds nscd only at /var/run/nscd/socket, so the daemon must live
 * there.  bench_nscd_start is called in a private mount namespace (the
 * glibc phase's): it mounts a tmpfs over /run there, writes a hosts-only
 * configuration and starts `nscd -d` as a child, which inherits the
 * namespace and with it the bind-mounted /etc/hosts.  Nothing outside the
 * namespace sees the socket, and the machine's own nscd (if any) is not
 * touched.
 */
#ifndef RNR_BENCH_NSCD_H
#define RNR_BENCH_NSCD_H

#include <stddef.h>
#include <sys/types.h>

#define BENCH_NSCD_PATH "/usr/sbin/nscd"

/* Start it; 0 with *pid set once its socket answers, else -1 with why
 * (a "skipped (...)" text when it is not installed).  tmpdir holds the
 * configuration and the daemon's log. */
int  bench_nscd_start(const char *tmpdir, pid_t *pid, char *why, size_t whylen);
/* SIGTERM, SIGKILL after 2 s; reap. */
void bench_nscd_stop(pid_t pid);

#endif
