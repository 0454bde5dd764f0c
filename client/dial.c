/* SPDX-License-Identifier: MIT */
/*
 * Dialling rnrd (dial.h).
 */
#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <rnr/winsock2.h>
#include "dial.h"
#include "paths.h"
#include "peer.h"

int rnr_conn_dial_why(int *out, char *path, size_t plen, char *why, size_t wlen)
{
    char sock[sizeof(((struct sockaddr_un *)0)->sun_path)];
    int fd = -1, rc;

    if (why != NULL && wlen > 0)
        why[0] = '\0';
    if (path != NULL && plen > 0)
        path[0] = '\0';
    if (rnr_path_client_socket(sock, sizeof sock) != 0)
        return WSASYSNOTREADY;
    /* The path first: a refused daemon is explained with it. */
    if (path != NULL && plen <= strlen(sock))
        return WSASYSNOTREADY;
    if (path != NULL)
        memcpy(path, sock, strlen(sock) + 1);
    /* A daemon another user runs, or one in a directory another user may
     * change, would answer for this process: refused like a missing one
     * (rnrctl says why). */
    if ((rc = rnr_peer_dial(sock, &fd, NULL, why, wlen)) != 0)
        return rc;
    if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0) {
        close(fd);
        return WSASYSNOTREADY;
    }
    *out = fd;
    return 0;
}

int rnr_conn_dial_daemon(int *out, char *path, size_t plen)
{
    return rnr_conn_dial_why(out, path, plen, NULL, 0);
}

int rnr_conn_dial(int *out)
{
    return rnr_conn_dial_why(out, NULL, 0, NULL, 0);
}
