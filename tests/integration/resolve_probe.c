/* SPDX-License-Identifier: MIT */
/*
 * resolve_probe NAME...: each NAME through librnr's gethostbyname and
 * getaddrinfo (AF_INET, NS_ALL: every provider rnrd has, in order), the
 * way a ported Windows program asks.  For shell tests whose answers come
 * from peers they start themselves (netbt_samba.sh: Samba's nmbd).
 * Prints, per name,
 *   gethostbyname NAME: ADDR...        or  gethostbyname NAME: error N
 *   getaddrinfo NAME: ADDR...          or  getaddrinfo NAME: error N
 * with the addresses in the order returned.  Exit 0 when every call
 * found at least one address, 1 otherwise, 2 on a usage error.
 */
#include <stdio.h>
#include <string.h>

#include <rnr/winsock2.h>
#include <rnr/ws2tcpip.h>

static int probe_gethostbyname(const char *name)
{
    struct hostent *he = gethostbyname(name);
    char buf[INET_ADDRSTRLEN];
    int i;

    printf("gethostbyname %s:", name);
    if (he == NULL || he->h_addrtype != AF_INET || he->h_addr_list[0] == NULL) {
        printf(" error %d\n", WSAGetLastError());
        return 1;
    }
    for (i = 0; he->h_addr_list[i] != NULL; i++)
        printf(" %s", inet_ntop(AF_INET, he->h_addr_list[i], buf, sizeof buf));
    printf("\n");
    return 0;
}

static int probe_getaddrinfo(const char *name)
{
    ADDRINFOA hints, *res = NULL, *ai;
    char buf[INET_ADDRSTRLEN];
    int rc;

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    printf("getaddrinfo %s:", name);
    rc = rnr_getaddrinfo(name, NULL, &hints, &res);
    if (rc != 0) {
        printf(" error %d\n", rc);
        return 1;
    }
    for (ai = res; ai != NULL; ai = ai->ai_next) {
        const struct sockaddr_in *sin = (const struct sockaddr_in *)(void *)ai->ai_addr;

        printf(" %s", inet_ntop(AF_INET, &sin->sin_addr, buf, sizeof buf));
    }
    printf("\n");
    rnr_freeaddrinfo(res);
    return 0;
}

int main(int argc, char **argv)
{
    WSADATA wd;
    int i, fails = 0;

    if (argc < 2) {
        fprintf(stderr, "usage: resolve_probe NAME...\n");
        return 2;
    }
    if (WSAStartup(MAKEWORD(2, 2), &wd) != 0)
        return 1;
    for (i = 1; i < argc; i++) {
        fails += probe_gethostbyname(argv[i]);
        fails += probe_getaddrinfo(argv[i]);
    }
    WSACleanup();
    return fails == 0 ? 0 : 1;
}
