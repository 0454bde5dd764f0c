/* SPDX-License-Identifier: MIT */
/*
 * Active Directory's binary Winsock attributes, both ways.  Microsoft
 * fixes serviceClassID (a GUID in its little-endian memory layout) and
 * the 8-byte bound of serviceInstanceVersion; it is silent on the inside
 * of winsockAddresses and serviceClassInfo, so rnr writes them as the
 * x86 memory of the structures would be, flattened: little-endian
 * integers, sockaddrs as Windows lays them out (family 2 or 23,
 * port and address in network order).  doc/ldap.md draws each layout.
 * Decoders check every length before reading: a value comes from a
 * server anyone with write rights may have filled.
 */
#include "config.h"

#include "ldap_codec.h"

#include <arpa/inet.h>
#include <ldap.h>
#include <netinet/in.h>
#include <string.h>

#include "alloc.h"
#include "wire.h"

#define WIN_AF_INET  2
#define WIN_AF_INET6 23
#define SA4_LEN      16
#define SA6_LEN      28

static void put16(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
}

static uint32_t get16(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

void lp_guid_put(const GUID *g, unsigned char out[LP_GUID_LEN])
{
    rnr_le32_store(out, g->Data1);
    put16(out + 4, g->Data2);
    put16(out + 6, g->Data3);
    memcpy(out + 8, g->Data4, 8);
}

int lp_guid_get(const void *v, size_t n, GUID *out)
{
    const unsigned char *p = v;

    if (n != LP_GUID_LEN)
        return WSAEINVAL;
    out->Data1 = rnr_le32_load(p);
    out->Data2 = (unsigned short)get16(p + 4);
    out->Data3 = (unsigned short)get16(p + 6);
    memcpy(out->Data4, p + 8, 8);
    return 0;
}

void lp_version_put(const WSAVERSION *v, unsigned char out[LP_VERSION_LEN])
{
    rnr_le32_store(out, v->dwVersion);
    rnr_le32_store(out + 4, (uint32_t)v->ecHow);
}

int lp_version_get(const void *v, size_t n, WSAVERSION *out)
{
    const unsigned char *p = v;
    uint32_t how;

    if (n != LP_VERSION_LEN)
        return WSAEINVAL;
    how = rnr_le32_load(p + 4);
    if (how != COMP_EQUAL && how != COMP_NOTLESS)
        return WSAEINVAL;
    out->dwVersion = rnr_le32_load(p);
    out->ecHow = (WSAECOMPARATOR)how;
    return 0;
}

/* ------------------------------------------------------------ sockaddrs */

/* A sockaddr in Windows' layout; its length, 0 for none, -1 refused. */
static int sa_put(const SOCKET_ADDRESS *a, unsigned char *out)
{
    const struct sockaddr *sa = a->lpSockaddr;

    if (sa == NULL || a->iSockaddrLength == 0)
        return 0;
    if (sa->sa_family == AF_INET && a->iSockaddrLength >= (int)sizeof(struct sockaddr_in)) {
        const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;

        memset(out, 0, SA4_LEN);
        put16(out, WIN_AF_INET);
        memcpy(out + 2, &s4->sin_port, 2);
        memcpy(out + 4, &s4->sin_addr, 4);
        return SA4_LEN;
    }
    if (sa->sa_family == AF_INET6 && a->iSockaddrLength >= (int)sizeof(struct sockaddr_in6)) {
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;

        put16(out, WIN_AF_INET6);
        memcpy(out + 2, &s6->sin6_port, 2);
        memcpy(out + 4, &s6->sin6_flowinfo, 4);
        memcpy(out + 8, &s6->sin6_addr, 16);
        rnr_le32_store(out + 24, s6->sin6_scope_id);
        return SA6_LEN;
    }
    return -1;
}

static int sa_get(const unsigned char *p, size_t n, struct sockaddr_storage *ss, int *len)
{
    memset(ss, 0, sizeof *ss);
    if (n == 0) {
        *len = 0;
        return 0;
    }
    if (n == SA4_LEN && get16(p) == WIN_AF_INET) {
        struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

        s4->sin_family = AF_INET;
        memcpy(&s4->sin_port, p + 2, 2);
        memcpy(&s4->sin_addr, p + 4, 4);
        *len = (int)sizeof *s4;
        return 0;
    }
    if (n == SA6_LEN && get16(p) == WIN_AF_INET6) {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

        s6->sin6_family = AF_INET6;
        memcpy(&s6->sin6_port, p + 2, 2);
        memcpy(&s6->sin6_flowinfo, p + 4, 4);
        memcpy(&s6->sin6_addr, p + 8, 16);
        s6->sin6_scope_id = rnr_le32_load(p + 24);
        *len = (int)sizeof *s6;
        return 0;
    }
    return WSAEINVAL;
}

/* Header: iSocketType, iProtocol, local length, remote length (u32 LE
 * each), then the local and the remote sockaddr. */
int lp_csaddr_put(const CSADDR_INFO *ca, unsigned char out[LP_CSADDR_MAX], size_t *len)
{
    int l, r;

    if ((l = sa_put(&ca->LocalAddr, out + 16)) < 0 ||
        (r = sa_put(&ca->RemoteAddr, out + 16 + l)) < 0 || (l == 0 && r == 0))
        return WSAEINVAL;
    rnr_le32_store(out, (uint32_t)ca->iSocketType);
    rnr_le32_store(out + 4, (uint32_t)ca->iProtocol);
    rnr_le32_store(out + 8, (uint32_t)l);
    rnr_le32_store(out + 12, (uint32_t)r);
    *len = 16 + (size_t)l + (size_t)r;
    return 0;
}

int lp_csaddr_get(const void *v, size_t n, CSADDR_INFO *ca, struct sockaddr_storage *local,
                  struct sockaddr_storage *remote)
{
    const unsigned char *p = v;
    uint32_t l, r;
    int      ll, rl;

    if (n < 16 || n > LP_CSADDR_MAX)
        return WSAEINVAL;
    l = rnr_le32_load(p + 8);
    r = rnr_le32_load(p + 12);
    if (l > SA6_LEN || r > SA6_LEN || 16 + l + r != n || (l == 0 && r == 0) ||
        sa_get(p + 16, l, local, &ll) != 0 || sa_get(p + 16 + l, r, remote, &rl) != 0)
        return WSAEINVAL;
    ca->iSocketType = (INT)rnr_le32_load(p);
    ca->iProtocol = (INT)rnr_le32_load(p + 4);
    ca->LocalAddr.lpSockaddr = ll ? (LPSOCKADDR)local : NULL;
    ca->LocalAddr.iSockaddrLength = ll;
    ca->RemoteAddr.lpSockaddr = rl ? (LPSOCKADDR)remote : NULL;
    ca->RemoteAddr.iSockaddrLength = rl;
    return 0;
}

/* ------------------------------------------------------------ class info */

/* dwNameSpace, dwValueType, name length, value length (u32 LE each),
 * the name (no NUL), the value. */
int lp_classinfo_put(const WSANSCLASSINFOA *ci, unsigned char **out, size_t *len)
{
    size_t         nl = ci->lpszName != NULL ? strlen(ci->lpszName) : 0;
    size_t         total = 16 + nl + ci->dwValueSize;
    unsigned char *b;

    if (nl == 0 || nl > LP_NAME_MAX || total > LP_CLASSINFO_MAX ||
        (ci->dwValueSize > 0 && ci->lpValue == NULL))
        return WSAEINVAL;
    if ((b = rnr_malloc(total)) == NULL)
        return WSA_NOT_ENOUGH_MEMORY;
    rnr_le32_store(b, ci->dwNameSpace);
    rnr_le32_store(b + 4, ci->dwValueType);
    rnr_le32_store(b + 8, (uint32_t)nl);
    rnr_le32_store(b + 12, ci->dwValueSize);
    memcpy(b + 16, ci->lpszName, nl);
    if (ci->dwValueSize > 0)
        memcpy(b + 16 + nl, ci->lpValue, ci->dwValueSize);
    *out = b;
    *len = total;
    return 0;
}

int lp_classinfo_get(const void *v, size_t n, WSANSCLASSINFOA *out)
{
    const unsigned char *p = v;
    uint32_t nl, vl;
    char    *name;
    void    *val = NULL;

    if (n < 16 || n > LP_CLASSINFO_MAX)
        return WSAEINVAL;
    nl = rnr_le32_load(p + 8);
    vl = rnr_le32_load(p + 12);
    if (nl == 0 || nl > LP_NAME_MAX || vl > LP_CLASSINFO_MAX || 16 + (size_t)nl + vl != n ||
        memchr(p + 16, '\0', nl) != NULL)
        return WSAEINVAL;
    if ((name = rnr_strndup((const char *)p + 16, nl)) == NULL ||
        (vl > 0 && (val = rnr_malloc(vl)) == NULL)) {
        rnr_free(name);
        return WSA_NOT_ENOUGH_MEMORY;
    }
    if (vl > 0)
        memcpy(val, p + 16 + nl, vl);
    out->lpszName = name;
    out->dwNameSpace = rnr_le32_load(p);
    out->dwValueType = rnr_le32_load(p + 4);
    out->dwValueSize = vl;
    out->lpValue = val;
    return 0;
}

/* ------------------------------------------------------------ errors */

/* The one table (doc/ldap.md, "Errors"). */
int lp_ldap_to_wsa(int rc, int op)
{
    switch (rc) {
    case LDAP_SUCCESS:
        return 0;
    case LDAP_SIZELIMIT_EXCEEDED:
        /* What came is delivered; a search is not failed for its tail. */
        return op == LP_OP_SEARCH ? 0 : WSANO_RECOVERY;
    case LDAP_INSUFFICIENT_ACCESS:
    case LDAP_INAPPROPRIATE_AUTH:
    case LDAP_INVALID_CREDENTIALS:
    case LDAP_STRONG_AUTH_REQUIRED:
    case LDAP_CONFIDENTIALITY_REQUIRED:
        return WSAEACCES;
    case LDAP_NO_SUCH_OBJECT:
    case LDAP_NO_SUCH_ATTRIBUTE:   /* DELETE of an address not there */
        return WSASERVICE_NOT_FOUND;
    case LDAP_ALREADY_EXISTS:
        return WSAEALREADY;
    case LDAP_SERVER_DOWN:
    case LDAP_CONNECT_ERROR:
    case LDAP_TIMEOUT:
    case LDAP_TIMELIMIT_EXCEEDED:
    case LDAP_BUSY:
    case LDAP_UNAVAILABLE:
    case LDAP_ADMINLIMIT_EXCEEDED:
        return WSATRY_AGAIN;
    case LDAP_INVALID_DN_SYNTAX:
    case LDAP_INVALID_SYNTAX:
    case LDAP_NAMING_VIOLATION:
    case LDAP_OBJECT_CLASS_VIOLATION:
    case LDAP_CONSTRAINT_VIOLATION:
    case LDAP_UNDEFINED_TYPE:
    case LDAP_NOT_ALLOWED_ON_NONLEAF:
    case LDAP_FILTER_ERROR:
        return WSAEINVAL;
    case LDAP_NO_MEMORY:
        return WSA_NOT_ENOUGH_MEMORY;
    }
    return WSANO_RECOVERY;
}
