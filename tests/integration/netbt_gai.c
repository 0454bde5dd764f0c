/* SPDX-License-Identifier: MIT */
/*
 * netbt_gai NAME: what an ordinary program gets for NAME through librnr,
 * with gethostbyname and with getaddrinfo (NS_ALL: every provider, in
 * catalog order).  Prints "gethostbyname ADDR" and "getaddrinfo ADDR"
 * (the first address of each) or "... none"; the daemon is the one
 * $RNR_SOCKET names.  Driven by netbt_netns.sh.
 */
#include "config.h"

#include <rnr/winsock2.h>
#include <rnr/ws2tcpip.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    struct addrinfo hints, *res = NULL;
    struct hostent *he;
    char text[INET_ADDRSTRLEN];
    WSADATA wsa;

    if (argc != 2 || WSAStartup(MAKEWORD(2, 2), &wsa) != 0)
        return 2;
    he = gethostbyname(argv[1]);
    if (he != NULL && he->h_addrtype == AF_INET && he->h_addr_list[0] != NULL)
        printf("gethostbyname %s\n", inet_ntop(AF_INET, he->h_addr_list[0], text, sizeof text));
    else
        printf("gethostbyname none\n");
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(argv[1], NULL, &hints, &res) == 0 && res != NULL)
        printf("getaddrinfo %s\n",
               inet_ntop(AF_INET, &((struct sockaddr_in *)res->ai_addr)->sin_addr, text,
                         sizeof text));
    else
        printf("getaddrinfo none\n");
    if (res != NULL)
        freeaddrinfo(res);
    WSACleanup();
    return 0;
}
