/* SPDX-License-Identifier: MIT */
/*
 * libnss_rnr.so.2: the services database, through SVCID_INET_SERVICEBYNAME
 * lookups of "name/proto" or "port/proto" (the protocol left out when the
 * caller gives none).  The answer is the record's servent blob.
 *
 * Providers resolve the query text their own way (the hosts provider
 * reads "22/tcp" as a port, and compares names without regard to case),
 * so the servent is checked against what glibc was asked before it is
 * given back: getservbyname("22", "tcp") is not ssh, and a servent of
 * another protocol or port is no answer.
 */
#include "config.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nss_rnr.h"
#include "blob.h"

static const GUID g_service = SVCID_INET_SERVICEBYNAME;

/* What the caller asked for: a name or a port, and maybe a protocol. */
struct serv_query {
    const char *name;     /* NULL: by port */
    int         port;     /* network byte order, as in struct servent */
    const char *proto;    /* NULL: any */
};

/* A service or protocol name that the query text can carry unambiguously:
 * the provider splits "name/proto" at the '/'. */
static int word_ok(const char *s)
{
    return s != NULL && s[0] != '\0' && strchr(s, '/') == NULL;
}

static int serv_matches(const struct servent *s, const struct serv_query *q)
{
    size_t i;

    if (s->s_name == NULL || s->s_proto == NULL)
        return 0;
    if (q->proto != NULL && nss_rnr_casecmp(s->s_proto, q->proto) != 0)
        return 0;
    if (q->name == NULL)
        return (uint16_t)s->s_port == (uint16_t)q->port;
    if (nss_rnr_casecmp(s->s_name, q->name) == 0)
        return 1;
    for (i = 0; s->s_aliases != NULL && s->s_aliases[i] != NULL; i++)
        if (nss_rnr_casecmp(s->s_aliases[i], q->name) == 0)
            return 1;
    return 0;
}

/* The record's servent, unpacked into *scratch (malloc'd; the caller
 * frees it) when it answers q.  0, 1 when it does not, or
 * WSA_NOT_ENOUGH_MEMORY. */
static int record_servent(const WSAQUERYSETA *rec, const struct serv_query *q,
                          struct servent *s, void **scratch)
{
    const BLOB *b = rec->lpBlob;
    size_t need = 0;

    if (b == NULL || b->pBlobData == NULL || b->cbSize == 0)
        return 1;
    if (rnr_blob_unpack_servent(b->pBlobData, b->cbSize, NULL, 0, &need) !=
        WSAEFAULT || need < sizeof *s)
        return 1;
    *scratch = malloc(need);
    if (*scratch == NULL)
        return WSA_NOT_ENOUGH_MEMORY;
    if (rnr_blob_unpack_servent(b->pBlobData, b->cbSize, *scratch, need,
                                NULL) != 0)
        return 1;
    memcpy(s, *scratch, sizeof *s);
    return serv_matches(s, q) ? 0 : 1;
}

/* Copies s into the caller's servent and buffer.  0, or -1 when the
 * buffer is too short (nothing written to result). */
static int put_servent(const struct servent *s, struct servent *result,
                       char *buffer, size_t buflen)
{
    struct nss_rnr_buf b;
    char **aliases, *name, *proto;
    size_t nal = 0, i;

    while (s->s_aliases != NULL && s->s_aliases[nal] != NULL)
        nal++;
    if (nal >= buflen)
        return -1;
    nss_rnr_buf_init(&b, buffer, buflen);
    aliases = nss_rnr_buf_take(&b, (nal + 1) * sizeof *aliases);
    name = nss_rnr_buf_strdup(&b, s->s_name);
    proto = nss_rnr_buf_strdup(&b, s->s_proto);
    if (aliases == NULL || name == NULL || proto == NULL)
        return -1;
    for (i = 0; i < nal; i++)
        if ((aliases[i] = nss_rnr_buf_strdup(&b, s->s_aliases[i])) == NULL)
            return -1;
    aliases[nal] = NULL;

    result->s_name = name;
    result->s_aliases = aliases;
    result->s_port = s->s_port;
    result->s_proto = proto;
    return 0;
}

static enum nss_status lookup_service(const char *text,
                                      const struct serv_query *q,
                                      struct servent *result, char *buffer,
                                      size_t buflen, int *errnop)
{
    struct nss_rnr_lookup lk;
    const WSAQUERYSETA *rec;
    struct servent s = { 0 };
    void *scratch = NULL;
    enum nss_status st;
    int saved_errno = errno;
    int rc, seen = 0;

    rc = nss_rnr_begin(&lk, &g_service, text, NULL, 0,
                       LUP_RETURN_NAME | LUP_RETURN_BLOB);
    while (rc == 0 && (rc = nss_rnr_next(&lk, &rec)) == 0) {
        seen = 1;
        free(scratch);
        scratch = NULL;
        rc = record_servent(rec, q, &s, &scratch);
        if (rc != 1)
            break;
        rc = 0;
    }
    if (rc == WSA_E_NO_MORE && seen)
        rc = WSASERVICE_NOT_FOUND;   /* records, none of them the service */
    if (rc != 0) {
        st = nss_rnr_fail(rc, errnop, NULL);
        goto done;
    }
    if (put_servent(&s, result, buffer, buflen) != 0) {
        st = nss_rnr_erange(errnop, NULL);
        goto done;
    }
    st = NSS_STATUS_SUCCESS;
done:
    free(scratch);
    return nss_rnr_end(&lk, st, saved_errno);
}

enum nss_status _nss_rnr_getservbyname_r(const char *name, const char *proto,
                                         struct servent *result,
                                         char *buffer, size_t buflen,
                                         int *errnop)
{
    struct serv_query q = { name, 0, proto };
    char text[NSS_RNR_MAX_SERVICE_TEXT];
    int n;

    if (!word_ok(name) || (proto != NULL && !word_ok(proto)))
        return nss_rnr_fail(WSASERVICE_NOT_FOUND, errnop, NULL);
    n = proto != NULL ? snprintf(text, sizeof text, "%s/%s", name, proto)
                      : snprintf(text, sizeof text, "%s", name);
    /* Longer than any services file allows: no such service. */
    if (n < 0 || (size_t)n >= sizeof text)
        return nss_rnr_fail(WSASERVICE_NOT_FOUND, errnop, NULL);
    return lookup_service(text, &q, result, buffer, buflen, errnop);
}

enum nss_status _nss_rnr_getservbyport_r(int port, const char *proto,
                                         struct servent *result,
                                         char *buffer, size_t buflen,
                                         int *errnop)
{
    struct serv_query q = { NULL, port, proto };
    char text[NSS_RNR_MAX_SERVICE_TEXT];
    unsigned host_port = ntohs((uint16_t)port);
    int n;

    if (proto != NULL && !word_ok(proto))
        return nss_rnr_fail(WSASERVICE_NOT_FOUND, errnop, NULL);
    n = proto != NULL ? snprintf(text, sizeof text, "%u/%s", host_port, proto)
                      : snprintf(text, sizeof text, "%u", host_port);
    if (n < 0 || (size_t)n >= sizeof text)
        return nss_rnr_fail(WSASERVICE_NOT_FOUND, errnop, NULL);
    return lookup_service(text, &q, result, buffer, buflen, errnop);
}
