/* SPDX-License-Identifier: MIT */
/*
 * Which rnrd a client may talk to (doc/architecture.md, "Trust").
 *
 * A daemon answers every name lookup of the processes that talk to it, so
 * a client must not talk to one another user put in its way: librnr (and
 * through it the NSS module) and rnrctl dial through rnr_peer_dial, which
 * refuses a socket unless
 *
 *   - its directory is a real directory (not a symbolic link), owned by a
 *     trusted uid and writable by nobody else (no group or other write
 *     bit), and
 *   - the process that listens on it (SO_PEERCRED, the credentials of
 *     whoever called listen()) runs as a trusted uid.
 *
 * Trusted uids depend on which socket it is (rnr_path_socket_kind):
 *
 *   system socket      root and the daemon account (configure
 *                      --with-daemon-user, default rnrd)
 *   per-user socket    the caller (effective uid) only
 *   anything else      the caller, root, the daemon account, and the
 *   (RNR_SOCKET)       account named by $RNR_DAEMON_USER (read with
 *                      secure_getenv: never in a setuid program)
 *
 * The answer cache file is trusted the same way (its owner), on top of the
 * daemon naming the very file it writes (answers.c).
 */
#ifndef RNR_NSP_PEER_H
#define RNR_NSP_PEER_H

#include <stddef.h>
#include <sys/types.h>

#define RNR_PEER_MAX_UIDS 4u

struct rnr_peer_trust {
    uid_t  uids[RNR_PEER_MAX_UIDS];
    size_t n;
};

/* The uids trusted for the daemon listening at sock_path. */
void rnr_peer_trusted(const char *sock_path, struct rnr_peer_trust *t);
/* 1 when uid is one of t's, else 0. */
int  rnr_peer_trusts(const struct rnr_peer_trust *t, uid_t uid);

/* The socket's directory (lstat): 0, or WSASYSNOTREADY with the reason in
 * why (a sentence naming the directory; why may be NULL). */
int  rnr_peer_check_dir(const char *sock_path, const struct rnr_peer_trust *t, char *why,
                        size_t whylen);

/* A connected, close-on-exec, blocking AF_UNIX stream to sock_path in *fd,
 * once the directory and the listener's uid passed; the listener's uid in
 * *peer (may be NULL).  0; WSASYSNOTREADY when nobody listens (why empty)
 * or the daemon is not trusted (why says so); WSAEMFILE, WSAENOBUFS.
 * Outputs are set only on success (why on failure). */
int  rnr_peer_dial(const char *sock_path, int *fd, uid_t *peer, char *why, size_t whylen);

#endif
