/* SPDX-License-Identifier: MIT */
/*
 * Where rnrd listens and keeps its state when nothing else is configured,
 * and where clients look for it, so both sides agree:
 *
 *   socket  RNR_SOCKET (clients only) >
 *           root: RNR_RUNDIR/rnrd.sock (configure: $runstatedir/rnrd)
 *           other users: $XDG_RUNTIME_DIR/rnrd/rnrd.sock, else
 *                        /tmp/rnrd-UID/rnrd.sock
 *           A non-root client whose per-user socket does not exist uses the
 *           system socket.
 *   state   root: RNR_STATEDIR ($localstatedir/lib/rnrd); other users:
 *           $XDG_STATE_HOME/rnrd, else $HOME/.local/state/rnrd.
 * Each returns 0, or WSAENOBUFS when the path does not fit in len.
 */
#ifndef RNR_PATHS_H
#define RNR_PATHS_H

#include <stddef.h>
#include <sys/types.h>

int rnr_path_client_socket(char *buf, size_t len);
int rnr_path_daemon_socket(char *buf, size_t len);
int rnr_path_daemon_state(char *buf, size_t len);
/* Which default a socket path is: RNR_PATH_SYSTEM (RNR_RUNDIR's), RNR_PATH_USER
 * (the caller's per-user socket, whether it exists or not), RNR_PATH_OTHER. */
enum { RNR_PATH_OTHER = 0, RNR_PATH_SYSTEM = 1, RNR_PATH_USER = 2 };
int rnr_path_socket_kind(const char *path);
/* rnrd's own directory: not a symbolic link, a directory, owned by the
 * effective uid (or by `also` when it is not (uid_t)-1), not writable by
 * group or others.  0, or an errno (ENOENT when it does not exist) with
 * the reason, naming dir, in why for the others. */
int rnr_path_dir_check(const char *dir, uid_t also, char *why, size_t whylen);
/* mkdir -p with the given mode for the missing components; 0 or errno. */
int rnr_path_mkdirs(const char *dir, unsigned mode);

#endif
