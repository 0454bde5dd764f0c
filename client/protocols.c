/* SPDX-License-Identifier: MIT */
/*
 * WSAEnumProtocols: the transports of this machine, described the way
 * Windows' MSAFD Tcpip provider describes its own.
 *
 * There is no installable catalog on Linux: the entries are TCP and UDP
 * over IPv4 and IPv6, and an entry is listed when the kernel lets this
 * process open such a socket (probed at every call, since IPv6 may be
 * compiled out, disabled at boot or forbidden by a sandbox).  Layered
 * protocols and chains do not exist here, so every entry is a base
 * protocol.
 *
 * Legacy EnumProtocols (nspapi.h) is built on this function: the order,
 * the sizes and the error codes below are part of its behaviour too.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "client.h"

/* Windows' flags for MSAFD Tcpip, the same for both families (Wine's
 * tests, test_service_flags in protocol.c; Wine's table of the entries):
 * UDP/IPv6 says XP1_SUPPORT_BROADCAST too, though IPv6 has no broadcast.
 * Descriptors are ordinary file descriptors (read, write, close, poll
 * work on them): that is what XP1_IFS_HANDLES promises. */
#define TCP_FLAGS (XP1_GUARANTEED_DELIVERY | XP1_GUARANTEED_ORDER | \
                   XP1_GRACEFUL_CLOSE | XP1_EXPEDITED_DATA | XP1_IFS_HANDLES)
#define UDP_FLAGS (XP1_CONNECTIONLESS | XP1_MESSAGE_ORIENTED | \
                   XP1_SUPPORT_BROADCAST | XP1_SUPPORT_MULTIPOINT | \
                   XP1_IFS_HANDLES)

/* Windows reports 65467 (0xffbb) as the UDP message size for both
 * families (Wine's table of the MSAFD Tcpip entries; the iMaxUdpDg a 1.x
 * WSAStartup reports is the same figure). */
#define UDP_MAX_MESSAGE 65467

struct transport {
    DWORD       catalog_id;
    int         family;
    int         type;
    int         protocol;
    DWORD       flags;
    int         sockaddr_len;
    DWORD       message_size;      /* 0: stream, no message size */
    const char *name;
};

/* Catalog order, which is also Windows' order for MSAFD Tcpip. */
static const struct transport g_transports[] = {
    { RNR_CATALOG_TCP_IP, AF_INET, SOCK_STREAM, IPPROTO_TCP, TCP_FLAGS,
      (int)sizeof(struct sockaddr_in), 0, "rnr Tcpip [TCP/IP]" },
    { RNR_CATALOG_UDP_IP, AF_INET, SOCK_DGRAM, IPPROTO_UDP, UDP_FLAGS,
      (int)sizeof(struct sockaddr_in), UDP_MAX_MESSAGE, "rnr Tcpip [UDP/IP]" },
    { RNR_CATALOG_TCP_IPV6, AF_INET6, SOCK_STREAM, IPPROTO_TCP, TCP_FLAGS,
      (int)sizeof(struct sockaddr_in6), 0, "rnr Tcpip [TCP/IPv6]" },
    { RNR_CATALOG_UDP_IPV6, AF_INET6, SOCK_DGRAM, IPPROTO_UDP, UDP_FLAGS,
      (int)sizeof(struct sockaddr_in6), UDP_MAX_MESSAGE, "rnr Tcpip [UDP/IPv6]" },
};
#define N_TRANSPORTS (sizeof(g_transports) / sizeof(g_transports[0]))

static const GUID g_provider_id = RNR_TCPIP_PROVIDER_GUID;

/* Does the kernel offer this transport to us?  Only the errors that say
 * "no such family / protocol" or "not allowed" remove it.  Running out of
 * descriptors or memory says nothing about the transport, and must not
 * make the list shrink between a caller's sizing call and its filling
 * call. */
static int transport_present(const struct transport *t)
{
    int saved = errno, fd, present = 1;

    fd = socket(t->family, t->type | SOCK_CLOEXEC, t->protocol);
    if (fd >= 0) {
        close(fd);
    } else {
        switch (errno) {
        case EAFNOSUPPORT:
        case EPROTONOSUPPORT:
        case ESOCKTNOSUPPORT:
        case EPROTOTYPE:
        case EINVAL:
        case EACCES:
        case EPERM:
            present = 0;
            break;
        default:
            break;
        }
    }
    errno = saved;
    return present;
}

/* lpiProtocols: NULL keeps everything, else a 0-terminated list. */
static int protocol_wanted(const INT *wanted, int protocol)
{
    if (wanted == NULL)
        return 1;
    for (; *wanted != 0; wanted++)
        if (*wanted == protocol)
            return 1;
    return 0;
}

static void fill_info(const struct transport *t, WSAPROTOCOL_INFOA *info)
{
    memset(info, 0, sizeof(*info));
    info->dwServiceFlags1 = t->flags;
    /* socket(af, type, 0) picks TCP / UDP on Linux as on Windows. */
    info->dwProviderFlags = PFL_MATCHES_PROTOCOL_ZERO;
    info->ProviderId = g_provider_id;
    info->dwCatalogEntryId = t->catalog_id;
    /* A base protocol: its own catalog id is dwCatalogEntryId, the chain
     * entries are unused. */
    info->ProtocolChain.ChainLen = BASE_PROTOCOL;
    info->iVersion = 2;
    info->iAddressFamily = t->family;
    info->iMaxSockAddr = t->sockaddr_len;
    info->iMinSockAddr = t->sockaddr_len;
    info->iSocketType = t->type;
    info->iProtocol = t->protocol;
    info->iProtocolMaxOffset = 0;
    info->iNetworkByteOrder = BIGENDIAN;
    info->iSecurityScheme = SECURITY_PROTOCOL_NONE;
    info->dwMessageSize = t->message_size;
    snprintf(info->szProtocol, sizeof(info->szProtocol), "%s", t->name);
}

int WSAEnumProtocolsA(LPINT lpiProtocols, LPWSAPROTOCOL_INFOA lpProtocolBuffer,
                      LPDWORD lpdwBufferLength)
{
    const struct transport *list[N_TRANSPORTS];
    size_t i, n = 0;
    DWORD need;
    int rc;

    if ((rc = rnr_client_enter(NULL)) != 0)
        goto done;
    if (lpdwBufferLength == NULL) {
        rc = WSAEFAULT;
        goto done;
    }
    for (i = 0; i < N_TRANSPORTS; i++)
        if (protocol_wanted(lpiProtocols, g_transports[i].protocol) &&
            transport_present(&g_transports[i]))
            list[n++] = &g_transports[i];
    need = (DWORD)(n * sizeof(WSAPROTOCOL_INFOA));
    /* WSAENOBUFS, not WSAEFAULT, for a short buffer: the reference's code
     * (and Windows'); a NULL buffer is a size query. */
    if (n > 0 && (lpProtocolBuffer == NULL || *lpdwBufferLength < need)) {
        *lpdwBufferLength = need;
        rc = WSAENOBUFS;
        goto done;
    }
    for (i = 0; i < n; i++)
        fill_info(list[i], &lpProtocolBuffer[i]);
    *lpdwBufferLength = need;
done:
    return rc == 0 ? (int)n : rnr_fail(rc);
}
RNR_ALIAS(WSAEnumProtocols, WSAEnumProtocolsA);
