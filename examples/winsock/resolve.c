/* SPDX-License-Identifier: MIT */
/*
 * resolve: host names looked up the two ways Windows programs do, with
 * GetAddrInfo and with WSALookupServiceBegin.  Written as ordinary
 * Windows code (the SDK's include lines, TCHAR, TEXT(), ZeroMemory) and
 * built unchanged against rnr.  With UNICODE defined it calls the W
 * functions (GetAddrInfoW, WSALookupServiceBeginW, ...); without it the
 * A ones.
 *
 *   make                 (UNICODE)      make ANSI=1      (the A functions)
 *
 * which runs, with librnr's pkg-config file:
 *
 *   cc $(pkg-config --cflags librnr) $(pkg-config --variable=wincflags librnr) \
 *      -DUNICODE -o resolve resolve.c $(pkg-config --libs librnr)
 *
 * Usage: resolve [NAME ...]   (without names: its own two, one of them
 * not ASCII).  Exit status 0 when every name was found both ways.
 */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <svcguid.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const TCHAR *const DefaultNames[] = {
    TEXT("alpha.example"),
    TEXT("caf\u00e9.example"),
};

/* TCHAR text on a UTF-8 terminal.  Windows code would call _tprintf;
 * the C library here has no printf for 16-bit text. */
static void PutT(const TCHAR *s)
{
#ifdef UNICODE
    while (*s != 0) {
        unsigned long c = *s++;

        if (c >= 0xD800 && c < 0xDC00 && *s >= 0xDC00 && *s < 0xE000)
            c = 0x10000 + ((c - 0xD800) << 10) + (unsigned long)(*s++ - 0xDC00);
        if (c < 0x80) {
            putchar((int)c);
        } else if (c < 0x800) {
            putchar((int)(0xC0 | c >> 6));
            putchar((int)(0x80 | (c & 0x3F)));
        } else if (c < 0x10000) {
            putchar((int)(0xE0 | c >> 12));
            putchar((int)(0x80 | (c >> 6 & 0x3F)));
            putchar((int)(0x80 | (c & 0x3F)));
        } else {
            putchar((int)(0xF0 | c >> 18));
            putchar((int)(0x80 | (c >> 12 & 0x3F)));
            putchar((int)(0x80 | (c >> 6 & 0x3F)));
            putchar((int)(0x80 | (c & 0x3F)));
        }
    }
#else
    fputs(s, stdout);
#endif
}

/* A command-line argument (UTF-8) as TCHAR text, in buf of n TCHARs. */
static const TCHAR *ArgToT(const char *arg, TCHAR *buf, size_t n)
{
#ifdef UNICODE
    const unsigned char *p = (const unsigned char *)arg;
    size_t k = 0;

    while (*p != 0 && k + 2 < n) {
        unsigned long c = *p++;
        int more = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;

        c &= more == 3 ? 0x07 : more == 2 ? 0x0F : more == 1 ? 0x1F : 0x7F;
        while (more-- > 0 && (*p & 0xC0) == 0x80)
            c = c << 6 | (*p++ & 0x3F);
        if (c >= 0x10000) {
            buf[k++] = (TCHAR)(0xD800 + ((c - 0x10000) >> 10));
            buf[k++] = (TCHAR)(0xDC00 + ((c - 0x10000) & 0x3FF));
        } else {
            buf[k++] = (TCHAR)c;
        }
    }
    buf[k] = 0;
    return buf;
#else
    (void)buf;
    (void)n;
    return arg;
#endif
}

static BOOL ByGetAddrInfo(const TCHAR *name)
{
    ADDRINFOT hints, *result, *ai;
    TCHAR host[NI_MAXHOST];
    int rc;

    ZeroMemory(&hints, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_CANONNAME;
    rc = GetAddrInfo(name, NULL, &hints, &result);
    if (rc != 0) {
        printf("  GetAddrInfo: error %d\n", rc);
        return FALSE;
    }
    printf("  GetAddrInfo:");
    for (ai = result; ai != NULL; ai = ai->ai_next) {
        /* GetNameInfo's buffer sizes count TCHARs. */
        if (GetNameInfo(ai->ai_addr, (socklen_t)ai->ai_addrlen, host, NI_MAXHOST, NULL, 0,
                        NI_NUMERICHOST) != 0)
            continue;
        putchar(' ');
        PutT(host);
    }
    if (result->ai_canonname != NULL) {
        printf(" (canonical name ");
        PutT(result->ai_canonname);
        putchar(')');
    }
    putchar('\n');
    FreeAddrInfo(result);
    return TRUE;
}

static BOOL ByLookupService(const TCHAR *name)
{
    GUID guid = SVCID_INET_HOSTADDRBYNAME;
    WSAQUERYSET restrictions;
    LPWSAQUERYSET result;
    HANDLE lookup;
    DWORD length, i;
    TCHAR text[64];
    DWORD textLength;
    BOOL found = FALSE;
    int err;

    ZeroMemory(&restrictions, sizeof(restrictions));
    restrictions.dwSize = sizeof(restrictions);
    restrictions.lpszServiceInstanceName = (LPTSTR)name;
    restrictions.lpServiceClassId = &guid;
    restrictions.dwNameSpace = NS_ALL;
    if (WSALookupServiceBegin(&restrictions, LUP_RETURN_NAME | LUP_RETURN_ADDR, &lookup) ==
        SOCKET_ERROR) {
        printf("  WSALookupServiceBegin: error %d\n", WSAGetLastError());
        return FALSE;
    }
    length = sizeof(WSAQUERYSET) + 1024;
    result = (LPWSAQUERYSET)malloc(length);
    for (;;) {
        if (result == NULL)
            break;
        if (WSALookupServiceNext(lookup, 0, &length, result) == SOCKET_ERROR) {
            err = WSAGetLastError();
            if (err == WSAEFAULT) {          /* too small: length says how big */
                free(result);
                result = (LPWSAQUERYSET)malloc(length);
                continue;
            }
            if (err != WSA_E_NO_MORE && err != WSAENOMORE)
                printf("  WSALookupServiceNext: error %d\n", err);
            break;
        }
        printf("  WSALookupServiceBegin: ");
        PutT(result->lpszServiceInstanceName);
        for (i = 0; i < result->dwNumberOfCsAddrs; i++) {
            /* WSAAddressToString's length counts TCHARs. */
            textLength = sizeof(text) / sizeof(text[0]);
            if (WSAAddressToString(result->lpcsaBuffer[i].RemoteAddr.lpSockaddr,
                                   (DWORD)result->lpcsaBuffer[i].RemoteAddr.iSockaddrLength,
                                   NULL, text, &textLength) == 0) {
                putchar(' ');
                PutT(text);
            }
        }
        putchar('\n');
        found = TRUE;
    }
    free(result);
    WSALookupServiceEnd(lookup);
    return found;
}

int main(int argc, char **argv)
{
    WSADATA wsaData;
    TCHAR arg[256];
    BOOL all = TRUE;
    int i, n;

    if (WSAStartup(MAKEWORD(2, 2), &wsaData) != 0) {
        fprintf(stderr, "WSAStartup failed\n");
        return 2;
    }
    n = argc > 1 ? argc - 1 : (int)(sizeof(DefaultNames) / sizeof(DefaultNames[0]));
    for (i = 0; i < n; i++) {
        const TCHAR *name = argc > 1 ? ArgToT(argv[i + 1], arg, sizeof(arg) / sizeof(arg[0]))
                                     : DefaultNames[i];

        PutT(name);
        putchar('\n');
        if (!ByGetAddrInfo(name))
            all = FALSE;
        if (!ByLookupService(name))
            all = FALSE;
    }
    WSACleanup();
    return all ? 0 : 1;
}
