/* SPDX-License-Identifier: MIT */
/*
 * getprotobyname / getprotobynumber: "implemented within the WS2_32.DLL
 * by consulting a local protocols database.  They do not result in any
 * name resolution query" (API reference).  The parsing is in
 * protodb_parse.c; here: which file, and the per-thread result.
 *
 * The file is, in order: the one set with rnr_set_protocols_file, the
 * RNR_PROTOCOLS_FILE environment variable, /etc/protocols.
 */
#include "config.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "client.h"
#include "getxbyy.h"

#define PROTO_DEFAULT_FILE "/etc/protocols"

static pthread_mutex_t g_path_lock = PTHREAD_MUTEX_INITIALIZER;
static char *g_path;   /* rnr_set_protocols_file's, or NULL */

int rnr_set_protocols_file(const char *path)
{
    char *copy = NULL;

    if (path != NULL) {
        size_t len = strlen(path);

        if (len == 0 || len >= PATH_MAX)
            return rnr_fail(WSAEINVAL);
        if ((copy = rnr_strdup(path)) == NULL)
            return rnr_fail(WSAENOBUFS);
    }
    pthread_mutex_lock(&g_path_lock);
    rnr_free(g_path);
    g_path = copy;
    pthread_mutex_unlock(&g_path_lock);
    return 0;
}

/* Frees the override when the library goes away (valgrind). */
__attribute__((destructor))
static void protodb_unload(void)
{
    rnr_free(g_path);
    g_path = NULL;
}

static FILE *open_db(void)
{
    char path[PATH_MAX];
    const char *env;

    /* Copied under the lock: another thread may replace it meanwhile. */
    pthread_mutex_lock(&g_path_lock);
    if (g_path != NULL)
        snprintf(path, sizeof path, "%s", g_path);
    else if ((env = getenv(RNR_PROTOCOLS_FILE_ENV)) != NULL && env[0] != '\0')
        snprintf(path, sizeof path, "%s", env);
    else
        snprintf(path, sizeof path, "%s", PROTO_DEFAULT_FILE);
    pthread_mutex_unlock(&g_path_lock);
    return fopen(path, "re");
}

static struct protoent *fail(int status)
{
    WSASetLastError(status);
    return NULL;
}

int rnr_protodb_lookup(const char *name, int number, void *buf, size_t buflen,
                       size_t *needed)
{
    char *line = NULL;
    FILE *f;
    int rc;

    /* "Nonrecoverable errors, the protocols database is not accessible." */
    if ((f = open_db()) == NULL)
        return WSANO_RECOVERY;
    rc = rnr_protodb_find(f, name, number, &line);
    fclose(f);
    if (rc == 0)
        rc = rnr_protodb_build(line, buf, buflen, needed);
    rnr_free(line);
    return rc;
}

static struct protoent *proto_lookup(const char *name, int number,
                                     enum rnr_tls_slot slot)
{
    size_t cap, needed = 0;
    void *buf;
    int rc;

    if ((rc = rnr_client_enter(NULL)) != 0)
        return fail(rc);
    if ((buf = rnr_tls_buf(slot, 0, &cap)) == NULL)
        return fail(WSAENOBUFS);
    rc = rnr_protodb_lookup(name, number, buf, cap, &needed);
    if (rc == WSAEFAULT) {
        /* Read again: the file is small, and this is rare. */
        if ((buf = rnr_tls_buf(slot, needed, &cap)) == NULL)
            return fail(WSAENOBUFS);
        rc = rnr_protodb_lookup(name, number, buf, cap, &needed);
        if (rc == WSAEFAULT)
            rc = WSAENOBUFS;   /* the file grew in between */
    }
    return rc == 0 ? buf : fail(rc);
}

struct protoent *rnr_getprotobyname(const char *name)
{
    if (name == NULL)
        return fail(WSAEFAULT);
    return proto_lookup(name, 0, RNR_TLS_PROTOBYNAME);
}

struct protoent *rnr_getprotobynumber(int number)
{
    return proto_lookup(NULL, number, RNR_TLS_PROTOBYNUMBER);
}
