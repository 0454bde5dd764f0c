/* SPDX-License-Identifier: MIT */
/*
 * Integration-test harness: starts a real rnrd from the build tree on a
 * private socket and state directory, with hosts/services files the test
 * writes, and stops, kills or restarts it.  Tests then drive it through the
 * real librnr (RNR_SOCKET points at the private socket) and rnrctl.
 */
#ifndef RNRT_HARNESS_H
#define RNRT_HARNESS_H

#include <stddef.h>
#include <sys/types.h>

#include <rnr/nspids.h>

struct rnrt_daemon {
    pid_t pid;
    char  dir[128];        /* mkdtemp'd; everything lives below it */
    char  sock[192];
    char  conf[192];
    char  state[192];
    char  hosts[192];
    char  services[192];
    char  log[192];        /* rnrd's stderr */
    char *extra_conf;      /* provider sections appended after hosts/local */
};

/* Default hosts/services written by rnrt_daemon_init. */
extern const char rnrt_default_hosts[];
extern const char rnrt_default_services[];

/* Create the directory and files, write the config (hosts + local
 * providers, then extra_conf, may be NULL) and set RNR_SOCKET.
 * Returns 0 or -1. */
int  rnrt_daemon_init(struct rnrt_daemon *d, const char *extra_conf);
/* Adds `keys` ("name = value\n" lines) to the [daemon] section of the
 * config rnrt_daemon_init wrote.  Returns 0 or -1. */
int  rnrt_daemon_add_keys(const struct rnrt_daemon *d, const char *keys);
/* Start rnrd and wait until it answers on its socket (up to 10 s). */
int  rnrt_daemon_start(struct rnrt_daemon *d);
/* SIGTERM and wait; returns rnrd's exit status (0 = clean) or -1. */
int  rnrt_daemon_stop(struct rnrt_daemon *d);
/* SIGKILL and reap. */
void rnrt_daemon_kill9(struct rnrt_daemon *d);
/* Stop (if running) and remove the directory. */
void rnrt_daemon_destroy(struct rnrt_daemon *d);

int  rnrt_write_file(const char *path, const char *content);
/* Path of a built program or module, from the build directory. */
const char *rnrt_builddir(void);
/* 1 when the first 16 KiB of the file at path (a log) contain `what`. */
int rnrt_file_has(const char *path, const char *what);
/* A connected AF_UNIX stream socket to path (close-on-exec), or -1. */
int rnrt_unix_connect(const char *path);
/* 1 when something accepts a connection on the AF_UNIX socket at path. */
int rnrt_socket_answers(const char *path);
/* Runs the formatted command with /bin/sh; its exit code, or -1 when it
 * did not exit (or the command did not fit in 1 KiB). */
int rnrt_system(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Runs the build's rnrctl with `args` (shell words) and returns its exit
 * status (-1 when it did not exit); what it wrote on stdout and stderr
 * goes in out, NUL-terminated and cut to outlen - 1 bytes. */
int rnrt_rnrctl(const char *args, char *out, size_t outlen);
/* A figure of `rnrctl stats --kv` from the daemon at $RNR_SOCKET (the
 * full key: daemon.lookups-total, provider.directory.stat.syncs ...),
 * answer cache aside; -1 when absent or rnrd did not answer. */
long long rnrt_stat(const char *key);
/* Until figure `key` reaches `want`, polling; 0, or -1 after 10 s (a
 * bound on a wait, not a duration being asserted). */
int rnrt_wait_stat(const char *key, long long want);
/* Milliseconds on the monotonic clock. */
long long rnrt_now_ms(void);
/* Threads of the calling process (/proc/self/task), -1 if unreadable. */
int rnrt_thread_count(void);

/* The unprivileged users the trust tests create: an attacker and a victim
 * that share the machine.  Neither has a home, a shell or a password. */
#define RNRT_USER_MALLORY "rnrt-mallory"
#define RNRT_USER_ALICE   "rnrt-alice"

/* Makes sure the system user `name` exists (useradd --system, retried
 * while another test holds /etc/passwd's lock) and gives its ids.
 * Needs root; returns 0, or -1 when the user cannot be had (the caller
 * skips). */
int rnrt_user_ensure(const char *name, uid_t *uid, gid_t *gid);

/* Runs fn(arg) in a forked child that has become `name` for good (groups,
 * gid, uid; librnr's state from the parent dropped first) and returns its
 * exit code, or -1 if the child could not become the user or died. */
int rnrt_run_as(const char *name, int (*fn)(void *arg), void *arg);

/* The provider ids of the built-in modules and the test provider. */
#define RNRT_HOSTS_ID RNR_NSPID_HOSTS_TEXT
#define RNRT_LOCAL_ID RNR_NSPID_LOCAL_TEXT
#define RNRT_TEST_ID  "{8C6B8C1E-3F2A-4D55-9B0E-6A1F2C3D4EF0}"

#endif
