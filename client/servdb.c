/* SPDX-License-Identifier: MIT */
/*
 * getservbyname, getservbyport (API reference, "The getservbyname and
 * getservbyport functions"): one SVCID_INET_SERVICEBYNAME lookup of
 * "name/proto", "port/proto" or "name" / "port"; the provider's servent
 * blob.  Matching is case-insensitive, as the reference says of the query
 * string (glibc's files backend compares names and protocols exactly, so
 * it finds nothing for a case variant where we find the entry).
 *
 * A name is sent as it is, so a purely numeric name ("21") is read as a
 * port by the provider: that ambiguity is the query format's own.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "blob.h"
#include "client.h"
#include "getxbyy.h"

static const GUID g_service = SVCID_INET_SERVICEBYNAME;

#define SERV_FLAGS (LUP_RETURN_BLOB | LUP_RETURN_NAME)

static struct servent *fail(int status)
{
    WSASetLastError(status);
    return NULL;
}

static int accept_blob(const WSAQUERYSETA *qs, int arg)
{
    (void)arg;
    return qs->lpBlob != NULL && qs->lpBlob->cbSize > 0;
}

/* The reference's codes for a failed service lookup: WSAHOST_NOT_FOUND
 * is "Service not found", WSANO_DATA "Valid name, no data record of
 * requested type".  So when "name/proto" is unknown but "name" is known
 * (under another protocol) the answer is WSANO_DATA; finding that out
 * costs a second lookup (the query's fallback), on the failure path
 * only.  Longer queries than RNR_SERV_QUERY_MAX are in no services file
 * glibc or rnrd would read either (hosts provider: 255 + 31). */
int rnr_servdb_query(const char *key, const char *proto, char *query,
                     struct rnr_xbyy_query *q)
{
    int n;

    if (key == NULL)
        return WSAEFAULT;
    /* '/' separates the protocol in the query string: a key or protocol
     * containing one, or an empty one, names nothing. */
    if (key[0] == '\0' || strchr(key, '/') != NULL ||
        (proto != NULL && (proto[0] == '\0' || strchr(proto, '/') != NULL)))
        return WSAHOST_NOT_FOUND;
    if (proto != NULL)
        n = snprintf(query, RNR_SERV_QUERY_MAX, "%s/%s", key, proto);
    else
        n = snprintf(query, RNR_SERV_QUERY_MAX, "%s", key);
    if (n < 0 || n >= RNR_SERV_QUERY_MAX)
        return WSAHOST_NOT_FOUND;
    memset(q, 0, sizeof *q);
    q->cls = &g_service;
    q->instance = query;
    q->fallback = proto != NULL ? key : NULL;
    q->af = AF_INET;
    q->flags = SERV_FLAGS;
    q->accept = accept_blob;
    q->not_found = WSAHOST_NOT_FOUND;
    q->unpack = rnr_blob_unpack_servent;
    return 0;
}

/* port is in network byte order, in the low 16 bits (as s_port is); a
 * value with other bits set matches no entry, as in glibc. */
int rnr_servdb_port_key(int port, char *key)
{
    if (port < 0 || port > 0xffff)
        return WSAHOST_NOT_FOUND;
    snprintf(key, RNR_SERV_PORT_KEY, "%u", (unsigned)ntohs((uint16_t)port));
    return 0;
}

static struct servent *serv_lookup(const char *key, const char *proto,
                                   enum rnr_tls_slot slot)
{
    char query[RNR_SERV_QUERY_MAX];
    struct rnr_xbyy_query q;
    void *se;
    int rc;

    if ((rc = rnr_client_enter(NULL)) != 0 ||
        (rc = rnr_servdb_query(key, proto, query, &q)) != 0 ||
        (rc = rnr_xbyy_run(&q, slot, &se)) != 0)
        return fail(rc);
    return se;
}

struct servent *rnr_getservbyname(const char *name, const char *proto)
{
    if (name == NULL)
        return fail(WSAEFAULT);
    return serv_lookup(name, proto, RNR_TLS_SERVBYNAME);
}

struct servent *rnr_getservbyport(int port, const char *proto)
{
    char key[RNR_SERV_PORT_KEY];
    int rc;

    if ((rc = rnr_client_enter(NULL)) != 0 ||
        (rc = rnr_servdb_port_key(port, key)) != 0)
        return fail(rc);
    return serv_lookup(key, proto, RNR_TLS_SERVBYPORT);
}
