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

int rnr_path_client_socket(char *buf, size_t len);
int rnr_path_daemon_socket(char *buf, size_t len);
int rnr_path_daemon_state(char *buf, size_t len);
/* mkdir -p with the given mode for the missing components; 0 or errno. */
int rnr_path_mkdirs(const char *dir, unsigned mode);

#endif
