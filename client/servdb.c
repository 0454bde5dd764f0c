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

#include "client.h"
#include "getxbyy.h"

static const GUID g_service = SVCID_INET_SERVICEBYNAME;

#define SERV_FLAGS (LUP_RETURN_BLOB | LUP_RETURN_NAME)

/* Longest "name/proto" we send; longer names are in no services file
 * glibc or rnrd would read either (hosts provider: 255 + 31). */
#define SERV_QUERY_MAX 320

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
 * costs a second lookup, on the failure path only. */
static int not_found_code(const char *key, const char *proto)
{
    struct rnr_xbyy_result r;

    if (proto == NULL)
        return WSAHOST_NOT_FOUND;
    if (rnr_xbyy_lookup(&g_service, key, AF_INET, SERV_FLAGS, accept_blob, 0,
                        &r) != 0)
        return WSAHOST_NOT_FOUND;
    rnr_xbyy_result_free(&r);
    return WSANO_DATA;
}

static struct servent *serv_lookup(const char *key, const char *proto,
                                   enum rnr_tls_slot slot)
{
    char query[SERV_QUERY_MAX];
    struct rnr_xbyy_result r;
    struct servent *se;
    int n, rc;

    if ((rc = rnr_client_enter(NULL)) != 0)
        return fail(rc);
    /* '/' separates the protocol in the query string: a key or protocol
     * containing one, or an empty one, names nothing. */
    if (key[0] == '\0' || strchr(key, '/') != NULL ||
        (proto != NULL && (proto[0] == '\0' || strchr(proto, '/') != NULL)))
        return fail(WSAHOST_NOT_FOUND);
    if (proto != NULL)
        n = snprintf(query, sizeof query, "%s/%s", key, proto);
    else
        n = snprintf(query, sizeof query, "%s", key);
    if (n < 0 || (size_t)n >= sizeof query)
        return fail(WSAHOST_NOT_FOUND);
    rc = rnr_xbyy_lookup(&g_service, query, AF_INET, SERV_FLAGS, accept_blob,
                         0, &r);
    if (rc == WSASERVICE_NOT_FOUND || rc == WSA_E_NO_MORE)
        return fail(not_found_code(key, proto));
    if (rc != 0)
        return fail(rnr_xbyy_status(rc, WSAHOST_NOT_FOUND));
    rc = rnr_xbyy_servent(r.qs, slot, &se);
    rnr_xbyy_result_free(&r);
    return rc == 0 ? se : fail(rc);
}

struct servent *rnr_getservbyname(const char *name, const char *proto)
{
    if (name == NULL)
        return fail(WSAEFAULT);
    return serv_lookup(name, proto, RNR_TLS_SERVBYNAME);
}

/* port is in network byte order, in the low 16 bits (as s_port is); a
 * value with other bits set matches no entry, as in glibc. */
struct servent *rnr_getservbyport(int port, const char *proto)
{
    char key[8];
    int rc;

    if ((rc = rnr_client_enter(NULL)) != 0)
        return fail(rc);
    if (port < 0 || port > 0xffff)
        return fail(WSAHOST_NOT_FOUND);
    snprintf(key, sizeof key, "%u", (unsigned)ntohs((uint16_t)port));
    return serv_lookup(key, proto, RNR_TLS_SERVBYPORT);
}
