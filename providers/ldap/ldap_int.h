/* SPDX-License-Identifier: MIT */
/*
 * The ldap provider's shared state.  ldap.c: ops table, configuration,
 * start-up, control.  ldap_connect.c: the worker that opens, secures and
 * binds a connection off the loop.  ldap_conn.c: the connection on the
 * loop, requests, timeouts, failover.  ldap_query.c / ldap_entry.c:
 * lookups.  ldap_set.c: WSASetService.  ldap_class.c: service classes.
 */
#ifndef RNR_LDAP_INT_H
#define RNR_LDAP_INT_H

#include <sys/queue.h>

#include <ldap.h>

#include <rnr/nsp.h>
#include <rnr/nspids.h>

#include "ldap_codec.h"

#define LP_PROVIDER_ID     RNR_NSPID_LDAP
#define LP_TIMEOUT_DEFAULT 3000u      /* timeout-ms */
#define LP_CACHE_DEFAULT   30u        /* cache-ttl, seconds */
#define LP_MAX_ENTRIES     10000u     /* entries per answer (server size limit) */
#define LP_MAX_URIS        16u
#define LP_BACKOFF_MIN_MS  250u
#define LP_BACKOFF_MAX_MS  5000u
#define LP_MAX_PASSWORD    1024u
#define LP_MAX_ADDRS       64u        /* winsockAddresses values per entry */
#define LP_MAX_CLASSES     1000u      /* serviceClass objects read */
#define LP_MAX_CLASSINFOS  64u        /* serviceClassInfo values per class */

/* The Winsock container below `base`, as Active Directory has it. */
#define LP_CONTAINER_RDNS "CN=WinsockServices,CN=System,"

enum { LP_TLS_NO = 0, LP_TLS_YES, LP_TLS_DEMAND };

/* What a connection attempt needs, copied for the worker thread. */
struct lp_config {
    char   **uris;
    size_t   nuris;
    char    *base;
    char    *container;      /* LP_CONTAINER_RDNS + base */
    char    *bind_dn;
    char    *password;       /* read from bind-password-file */
    int      sasl_external;
    int      starttls;       /* LP_TLS_* */
    char    *ca_file;
    unsigned timeout_ms;
    unsigned cache_ttl;      /* seconds; 0: never reused */
    int      user_writes;
};

struct lp_state;
struct lp_req;
struct lp_job;

/* Sends the request on `ld`: an LDAP result code, *msgid on success. */
typedef int  (*lp_send_fn)(struct lp_req *rq, LDAP *ld, int *msgid);
/* One search entry, on the loop. */
typedef void (*lp_entry_fn)(struct lp_req *rq, LDAP *ld, LDAPMessage *e);
/* The end: the LDAP result code (LDAP_SERVER_DOWN when no server
 * answered in time).  The request is no longer the connection's. */
typedef void (*lp_done_fn)(struct lp_req *rq, int ldap_rc);

struct lp_req {
    TAILQ_ENTRY(lp_req)   link;    /* queue or sent */
    struct lp_state      *st;
    int                   msgid;   /* -1 until sent */
    int                   queued;  /* in st->queue, else in st->sent */
    unsigned              tries;   /* servers tried */
    struct rnr_nsp_timer *timer;
    lp_send_fn            send;
    lp_entry_fn           entry;
    lp_done_fn            done;
    void                 *arg;
};
TAILQ_HEAD(lp_reqs, lp_req);

/* Who registered what through this rnrd (user writes; SECURITY.md). */
struct lp_owner {
    struct lp_owner *next;
    char            *dn;
    uid_t            uid;
};

struct lp_state {
    const struct rnr_nsp_host *host;
    struct rnr_nsp_provider   *p;
    struct lp_config           cfg;

    LDAP                      *ld;          /* bound, on the loop; NULL when down */
    int                        fd;
    struct lp_job             *job;         /* a connection being opened */
    int                        job_fd;
    size_t                     uri_at;      /* the server in use or tried next */
    unsigned                   round_failed;/* servers failed since the last success */
    uint64_t                   retry_at;    /* no new round before (backoff) */
    uint64_t                   backoff_ms;
    struct lp_reqs             queue;       /* waiting for a connection */
    struct lp_reqs             sent;

    struct lp_owner           *owners;
    /* The directory's service classes, as last read (ldap_classget.c). */
    WSASERVICECLASSINFOA     **classes;
    size_t                     nclasses;
    struct lp_req             *class_refresh;   /* a read in flight */
    struct rnr_nsp_timer      *class_timer;
    int                        stopping;
    int                        init_status;  /* `init`'s outcome, WSAEINPROGRESS */

    uint64_t lookups, entries, malformed, sets, refused, timeouts, failovers, connects;
};

/* ldap.c */
int  lp_config_read(const struct rnr_nsp_host *host, struct rnr_nsp_provider *p,
                    struct lp_config *cfg);
void lp_config_free(struct lp_config *cfg);

/* ldap_connect.c: the worker. */
int  lp_job_start(const struct lp_config *cfg, size_t uri, struct lp_job **job, int *fd);
int  lp_job_finish(struct lp_job *job, LDAP **ld, char *err, size_t errlen);
void lp_job_abandon(struct lp_job *job);

/* ldap_conn.c */
void lp_conn_init(struct lp_state *st);
void lp_conn_stop(struct lp_state *st);
void lp_req_submit(struct lp_state *st, struct lp_req *rq);
/* Drops a request without calling done (a cancelled lookup). */
void lp_req_cancel(struct lp_req *rq);

/* ldap_query.c */
int  lp_lookup_begin(void *state, struct rnr_nsp_lookup *lk, const WSAQUERYSETA *qs,
                     DWORD flags);
void lp_lookup_cancel(void *state, struct rnr_nsp_lookup *lk);

/* ldap_entry.c: the number of RDNs of `dn`, 0 when it does not parse. */
size_t lp_dn_depth(const char *dn);
/* An entry as a result, emitted through `lk` unless it is the search's
 * base itself (`base_depth` RDNs: a subtree search returns it) or its
 * name does not match `pattern` (wildcards; NULL: any).  1 emitted, 0
 * skipped (malformed, counted), LP_VERSION_MISS when only the version
 * (`want`, NULL: any) did not match, WSAENOBUFS when the lookup takes
 * no more. */
#define LP_VERSION_MISS 2
int  lp_entry_emit(struct lp_state *st, struct rnr_nsp_lookup *lk, LDAP *ld, LDAPMessage *e,
                   size_t base_depth, const char *pattern, const WSAVERSION *want);

/* ldap_set.c */
int  lp_set_service(void *state, const struct rnr_nsp_caller *caller, const WSAQUERYSETA *qs,
                    WSAESETSERVICEOP op, DWORD flags);
void lp_owners_free(struct lp_state *st);
/* Adds CN=System and CN=WinsockServices below base (already there is
 * success), then calls done on the loop. */
int  lp_init_tree(struct lp_state *st, void (*done)(void *arg, int wsa), void *arg);

/* ldap_class.c */
int  lp_install_class(void *state, const WSASERVICECLASSINFOA *info);
int  lp_remove_class(void *state, const GUID *class_id);

/* ldap_classget.c: the classes as the directory has them, read again
 * every cache-ttl (at least every second) and after each change. */
void lp_classes_start(struct lp_state *st);
void lp_classes_stop(struct lp_state *st);
void lp_classes_free(struct lp_state *st);
void lp_classes_refresh(struct lp_state *st);
int  lp_get_class_info(void *state, const GUID *class_id, const WSASERVICECLASSINFOA **out);

#endif /* RNR_LDAP_INT_H */
