/* SPDX-License-Identifier: MIT */
/*
 * WSAStringToAddressA (client/addrstr.c) for AF_INET and AF_INET6, with
 * the buffer length from the input; what parses is formatted back with
 * WSAAddressToStringA and must parse to the same sockaddr.
 *
 * Input: byte 0 picks the family and the buffer length, the rest is the
 * address string.
 */
#include "config.h"

#include <string.h>

#include <rnr/winsock2.h>

#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    WSADATA wd;

    (void)argc;
    (void)argv;
    return WSAStartup(MAKEWORD(2, 2), &wd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sockaddr_storage ss, again;
    char *s, text[128];
    DWORD tlen = sizeof text;
    INT len, len2;
    int af, rc;

    if (size < 1)
        return 0;
    af = (data[0] & 1) ? AF_INET6 : AF_INET;
    /* Mostly the full size; sometimes short, to hit WSAEFAULT. */
    len = (data[0] & 0x80) ? (INT)((data[0] >> 1) & 0x3f) : (INT)sizeof ss;
    s = fuzz_cstring(data + 1, size - 1);
    memset(&ss, 0xa5, sizeof ss);
    rc = WSAStringToAddressA(s, af, NULL, (LPSOCKADDR)&ss, &len);
    if (rc == 0) {
        FUZZ_CHECK(ss.ss_family == af);
        FUZZ_CHECK(len == (INT)(af == AF_INET ? sizeof(struct sockaddr_in)
                                              : sizeof(struct sockaddr_in6)));
        if (WSAAddressToStringA((LPSOCKADDR)&ss, (DWORD)len, NULL, text, &tlen) == 0) {
            len2 = sizeof again;
            memset(&again, 0xa5, sizeof again);
            FUZZ_CHECK(WSAStringToAddressA(text, af, NULL, (LPSOCKADDR)&again, &len2) == 0);
            FUZZ_CHECK(len2 == len && memcmp(&ss, &again, (size_t)len) == 0);
        }
    } else {
        rc = WSAGetLastError();
        FUZZ_CHECK(rc == WSAEINVAL || rc == WSAEFAULT);
    }
    free(s);
    return 0;
}
