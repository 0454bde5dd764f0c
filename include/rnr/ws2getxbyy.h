/* SPDX-License-Identifier: MIT */
/*
 * <rnr/ws2getxbyy.h>: Windows Sockets 1.1 compatible name resolution
 * (API reference, "Windows Sockets 1.1 Compatible Name Resolution for
 * TCP/IP"): the getXbyY functions, gethostname, inet_addr and inet_ntoa.
 * Included by <rnr/winsock2.h>.
 *
 * The Winsock names collide with libc's, so librnr exports them as
 * rnr_gethostbyname, rnr_inet_addr ... and this header maps the Winsock
 * spellings onto them, unless RNR_NO_WINSOCK_NAMES is defined before
 * <rnr/winsock2.h> is included (then both the libc and the rnr functions
 * are available under their own names).
 *
 * The returned structures and strings live in per-thread storage owned by
 * the library: valid until the next call of the same function in the same
 * thread; never modify or free them.
 */
#ifndef RNR_WS2GETXBYY_H
#define RNR_WS2GETXBYY_H

/* libc's declarations first: once the macros below are defined, a later
 * <netdb.h>, <arpa/inet.h> or <unistd.h> would redeclare the libc functions
 * under the rnr names with libc's (different) signatures.  The include
 * guards of these headers make any later inclusion a no-op. */
#include <netdb.h>
#include <arpa/inet.h>
#include <unistd.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct hostent  HOSTENT,  *PHOSTENT,  *LPHOSTENT;
typedef struct servent  SERVENT,  *PSERVENT,  *LPSERVENT;
typedef struct protoent PROTOENT, *PPROTOENT, *LPPROTOENT;

#ifndef INADDR_NONE
#define INADDR_NONE 0xffffffff
#endif

/* Winsock signatures (note inet_addr's unsigned long and gethostbyaddr's
 * int length, where libc has in_addr_t and socklen_t). */
struct hostent  *rnr_gethostbyname(const char *name);
struct hostent  *rnr_gethostbyaddr(const char *addr, int len, int type);
struct servent  *rnr_getservbyname(const char *name, const char *proto);
struct servent  *rnr_getservbyport(int port, const char *proto);
struct protoent *rnr_getprotobyname(const char *name);
struct protoent *rnr_getprotobynumber(int number);
int              rnr_gethostname(char *name, int namelen);
unsigned long    rnr_inet_addr(const char *cp);
char            *rnr_inet_ntoa(struct in_addr in);

/* The protocols database getprotobyname / getprotobynumber read, for the
 * whole process: path, or NULL to go back to the default (the
 * RNR_PROTOCOLS_FILE environment variable if set, else /etc/protocols).
 * Needs no WSAStartup.  Returns 0, or SOCKET_ERROR with WSAEINVAL (empty
 * path or longer than PATH_MAX) or WSAENOBUFS. */
int rnr_set_protocols_file(const char *path);

#define RNR_PROTOCOLS_FILE_ENV "RNR_PROTOCOLS_FILE"

#ifdef __cplusplus
}
#endif

/* Provider code never gets these: <rnr/nsp.h> defines
 * RNR_NO_WINSOCK_NAMES, because providers run inside rnrd and call libc. */
#ifndef RNR_NO_WINSOCK_NAMES
#define gethostbyname    rnr_gethostbyname
#define gethostbyaddr    rnr_gethostbyaddr
#define getservbyname    rnr_getservbyname
#define getservbyport    rnr_getservbyport
#define getprotobyname   rnr_getprotobyname
#define getprotobynumber rnr_getprotobynumber
#define gethostname      rnr_gethostname
#define inet_addr        rnr_inet_addr
#define inet_ntoa        rnr_inet_ntoa
#endif

#endif /* RNR_WS2GETXBYY_H */
