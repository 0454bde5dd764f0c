/* SPDX-License-Identifier: MIT */
/*
 * Opening a connection off the loop.  libldap connects asynchronously
 * (LDAP_OPT_CONNECT_ASYNC) and binds with a message id, but its StartTLS
 * and the TLS handshake of ldaps:// exist only as blocking calls, and a
 * server that accepts and never answers would hold them.  So the whole
 * set-up (connect, StartTLS, bind) runs in a short-lived thread, bounded
 * by timeout-ms through LDAP_OPT_NETWORK_TIMEOUT and LDAP_OPT_TIMEOUT, and
 * hands the bound LDAP * back through a pipe the loop watches; only then
 * does the loop use it, and from then on only the loop (doc/ldap.md).
 * A loop that stops waiting abandons the job: the thread cleans up
 * after itself when it ends.
 */
#include "config.h"

#include "ldap_int.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"

struct lp_job {
    pthread_mutex_t lock;
    int             abandoned, finished;
    int             rfd, wfd;
    /* Inputs, the job's own copies. */
    char           *uri, *bind_dn, *password, *ca_file;
    int             sasl_external, starttls;
    unsigned        timeout_ms;
    /* Outputs. */
    LDAP           *ld;
    int             rc;          /* LDAP result code */
    char            err[160];
};

static void job_free(struct lp_job *j)
{
    if (j == NULL)
        return;
    if (j->ld != NULL)
        ldap_unbind_ext(j->ld, NULL, NULL);
    if (j->rfd >= 0)
        close(j->rfd);
    if (j->wfd >= 0)
        close(j->wfd);
    if (j->password != NULL)
        memset(j->password, 0, strlen(j->password));
    rnr_free(j->uri);
    rnr_free(j->bind_dn);
    rnr_free(j->password);
    rnr_free(j->ca_file);
    pthread_mutex_destroy(&j->lock);
    rnr_free(j);
}

static int set_options(struct lp_job *j, LDAP *ld)
{
    struct timeval tv = { .tv_sec = j->timeout_ms / 1000,
                          .tv_usec = (suseconds_t)(j->timeout_ms % 1000) * 1000 };
    int v3 = LDAP_VERSION3, demand = LDAP_OPT_X_TLS_DEMAND, zero = 0, rc;

    if ((rc = ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &v3)) != LDAP_OPT_SUCCESS ||
        (rc = ldap_set_option(ld, LDAP_OPT_NETWORK_TIMEOUT, &tv)) != LDAP_OPT_SUCCESS ||
        (rc = ldap_set_option(ld, LDAP_OPT_TIMEOUT, &tv)) != LDAP_OPT_SUCCESS ||
        (rc = ldap_set_option(ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF)) != LDAP_OPT_SUCCESS)
        return rc;
    (void)zero;
    if (j->ca_file != NULL &&
        ((rc = ldap_set_option(ld, LDAP_OPT_X_TLS_CACERTFILE, j->ca_file)) != LDAP_OPT_SUCCESS ||
         (rc = ldap_set_option(ld, LDAP_OPT_X_TLS_REQUIRE_CERT, &demand)) != LDAP_OPT_SUCCESS ||
         (rc = ldap_set_option(ld, LDAP_OPT_X_TLS_NEWCTX, &zero)) != LDAP_OPT_SUCCESS))
        return rc;
    return LDAP_SUCCESS;
}

static int job_bind(struct lp_job *j, LDAP *ld)
{
    struct berval cred = { 0, NULL };

    if (j->sasl_external)
        return ldap_sasl_bind_s(ld, NULL, "EXTERNAL", NULL, NULL, NULL, NULL);
    if (j->password != NULL) {
        cred.bv_val = j->password;
        cred.bv_len = strlen(j->password);
    }
    return ldap_sasl_bind_s(ld, j->bind_dn, LDAP_SASL_SIMPLE, &cred, NULL, NULL, NULL);
}

static void job_run(struct lp_job *j)
{
    LDAP *ld = NULL;
    int   rc;

    if ((rc = ldap_initialize(&ld, j->uri)) != LDAP_SUCCESS) {
        snprintf(j->err, sizeof j->err, "%s", ldap_err2string(rc));
        goto done;
    }
    if ((rc = set_options(j, ld)) != LDAP_SUCCESS) {
        snprintf(j->err, sizeof j->err, "options: %s", ldap_err2string(rc));
        goto done;
    }
    if (j->starttls != LP_TLS_NO && strncmp(j->uri, "ldap://", 7) == 0 &&
        (rc = ldap_start_tls_s(ld, NULL, NULL)) != LDAP_SUCCESS) {
        if (j->starttls == LP_TLS_DEMAND) {
            /* libldap says only "Connect error" when the handshake fails. */
            snprintf(j->err, sizeof j->err, "StartTLS: %s%s", ldap_err2string(rc),
                     rc == LDAP_CONNECT_ERROR ? " (TLS handshake failed: is the server's "
                     "certificate signed by a CA in ca-file, for this host name?)" : "");
            goto done;
        }
        /* `yes`: TLS when the server offers it.  A failed StartTLS may
         * leave the connection unusable: start again in clear. */
        ldap_unbind_ext(ld, NULL, NULL);
        ld = NULL;
        if ((rc = ldap_initialize(&ld, j->uri)) != LDAP_SUCCESS ||
            (rc = set_options(j, ld)) != LDAP_SUCCESS) {
            snprintf(j->err, sizeof j->err, "%s", ldap_err2string(rc));
            goto done;
        }
    }
    if ((rc = job_bind(j, ld)) != LDAP_SUCCESS) {
        snprintf(j->err, sizeof j->err, "bind: %s%s", ldap_err2string(rc),
                 rc == LDAP_SERVER_DOWN && strncmp(j->uri, "ldaps://", 8) == 0 ?
                 " (no connection, or the TLS handshake failed: check ca-file)" : "");
        goto done;
    }
    j->ld = ld;
    ld = NULL;
done:
    if (ld != NULL)
        ldap_unbind_ext(ld, NULL, NULL);
    j->rc = rc;
}

static void *job_thread(void *arg)
{
    struct lp_job *j = arg;
    int            gone;

    job_run(j);
    /* The byte is written under the lock: once the loop sees `finished`
     * it may free the job, and the thread must be done with it. */
    pthread_mutex_lock(&j->lock);
    j->finished = 1;
    gone = j->abandoned;
    if (!gone && write(j->wfd, "", 1) < 0)
        j->rc = LDAP_LOCAL_ERROR;   /* a non-blocking pipe of 1 byte: never full */
    pthread_mutex_unlock(&j->lock);
    if (gone)
        job_free(j);
    return NULL;
}

static char *dup_or_null(const char *s, int *fail)
{
    char *d = NULL;

    if (s != NULL && (d = rnr_strdup(s)) == NULL)
        *fail = 1;
    return d;
}

int lp_job_start(const struct lp_config *cfg, size_t uri, struct lp_job **job, int *fd)
{
    struct lp_job *j;
    pthread_attr_t attr;
    pthread_t      t;
    int            fds[2], fail = 0, rc = WSA_NOT_ENOUGH_MEMORY;

    if ((j = rnr_calloc(1, sizeof *j)) == NULL)
        return WSA_NOT_ENOUGH_MEMORY;
    pthread_mutex_init(&j->lock, NULL);
    j->rfd = j->wfd = -1;
    j->uri = dup_or_null(cfg->uris[uri], &fail);
    j->bind_dn = dup_or_null(cfg->bind_dn, &fail);
    j->password = dup_or_null(cfg->password, &fail);
    j->ca_file = dup_or_null(cfg->ca_file, &fail);
    j->sasl_external = cfg->sasl_external;
    j->starttls = cfg->starttls;
    j->timeout_ms = cfg->timeout_ms;
    if (fail)
        goto done;
    rc = WSAENOBUFS;
    if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0)
        goto done;
    j->rfd = fds[0];
    j->wfd = fds[1];
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&t, &attr, job_thread, j) != 0) {
        pthread_attr_destroy(&attr);
        goto done;
    }
    pthread_attr_destroy(&attr);
    *fd = j->rfd;
    *job = j;
    j = NULL;
    rc = 0;
done:
    job_free(j);
    return rc;
}

/* After its descriptor became readable: the thread is done with it. */
int lp_job_finish(struct lp_job *j, LDAP **ld, char *err, size_t errlen)
{
    int rc;

    /* The thread may still be between its write and its unlock. */
    pthread_mutex_lock(&j->lock);
    rc = j->rc;
    pthread_mutex_unlock(&j->lock);
    snprintf(err, errlen, "%s", j->err);
    if (rc == LDAP_SUCCESS && j->ld != NULL) {
        *ld = j->ld;
        j->ld = NULL;
    } else if (rc == LDAP_SUCCESS) {
        rc = LDAP_OTHER;
    }
    job_free(j);
    return rc;
}

void lp_job_abandon(struct lp_job *j)
{
    int done;

    if (j == NULL)
        return;
    pthread_mutex_lock(&j->lock);
    j->abandoned = 1;
    done = j->finished;
    pthread_mutex_unlock(&j->lock);
    if (done)
        job_free(j);
}
