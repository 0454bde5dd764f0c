/* SPDX-License-Identifier: MIT */
/*
 * sap_hold CLASS NAME ADDR: registers NAME on NS_SAP through librnr,
 * prints "registered", and holds the connection until stdin closes (or
 * the process is killed): what a real service does, for the test of
 * registrations that end with their client.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rnr/winsock2.h>
#include <rnr/ws2addr.h>

int main(int argc, char **argv)
{
    struct sockaddr_storage ss;
    CSADDR_INFO csa;
    WSAQUERYSETA qs;
    WSADATA wd;
    GUID cls;
    char buf[64];
    int len = sizeof ss;

    if (argc != 4) {
        fprintf(stderr, "usage: sap_hold CLASS-GUID NAME ADDR:PORT\n");
        return 2;
    }
    if (WSAStartup(MAKEWORD(2, 2), &wd) != 0)
        return 1;
    if (WSAStringToAddressA(argv[3], AF_INET, NULL, (LPSOCKADDR)&ss, &len) != 0) {
        fprintf(stderr, "sap_hold: bad address %s\n", argv[3]);
        return 2;
    }
    if (sscanf(argv[1], "{%8x-%4hx-%4hx-%2hhx%2hhx-%2hhx%2hhx%2hhx%2hhx%2hhx%2hhx}",
               &cls.Data1, &cls.Data2, &cls.Data3, &cls.Data4[0], &cls.Data4[1],
               &cls.Data4[2], &cls.Data4[3], &cls.Data4[4], &cls.Data4[5], &cls.Data4[6],
               &cls.Data4[7]) != 11) {
        fprintf(stderr, "sap_hold: bad class %s\n", argv[1]);
        return 2;
    }
    memset(&csa, 0, sizeof csa);
    csa.RemoteAddr.lpSockaddr = (LPSOCKADDR)&ss;
    csa.RemoteAddr.iSockaddrLength = len;
    csa.iSocketType = SOCK_STREAM;
    csa.iProtocol = IPPROTO_TCP;
    memset(&qs, 0, sizeof qs);
    qs.dwSize = sizeof qs;
    qs.lpszServiceInstanceName = argv[2];
    qs.lpServiceClassId = &cls;
    qs.dwNameSpace = NS_SAP;
    qs.dwNumberOfCsAddrs = 1;
    qs.lpcsaBuffer = &csa;
    if (WSASetServiceA(&qs, RNRSERVICE_REGISTER, 0) != 0) {
        fprintf(stderr, "sap_hold: WSASetService: %d\n", WSAGetLastError());
        return 1;
    }
    printf("registered\n");
    fflush(stdout);
    while (read(0, buf, sizeof buf) > 0)
        ;
    WSACleanup();
    return 0;
}
