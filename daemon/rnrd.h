/* SPDX-License-Identifier: MIT */
/*
 * rnrd's shared state.  One `struct rnrd` per process, owned by main.c;
 * the other files get it through the objects they are handed (a client,
 * a provider).  Ownership:
 *   rnrd -> clients -> lookups -> per-provider sub-lookups
 *   rnrd -> providers (catalog order) -> their live sub-lookups (list)
 * A sub-lookup is on both: its lookup's array and its provider's list.
 */
#ifndef RNRD_H
#define RNRD_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <sys/queue.h>
#include <sys/types.h>

#include <rnr/nsp.h>

#include "catalog.h"
#include "conf.h"
#include "loop.h"
#include "stats.h"
#include "util.h"
#include "wire.h"

struct rnrd_lookup;
struct rnrd_setreq;
struct rnr_classstore;

/* One uid's share (client.c): its connections and the bytes held for
 * them, against max-clients-per-uid and max-memory-per-uid. */
struct rnrd_uidacct {
    TAILQ_ENTRY(rnrd_uidacct) link;
    uid_t                     uid;
    size_t                    clients;
    size_t                    bytes;
};

/* At most one log line a second of one kind (client.c). */
struct rnrd_ratelog {
    uint64_t last_ms;
    unsigned suppressed;
};

struct rnrd_client {
    TAILQ_ENTRY(rnrd_client) link;
    TAILQ_ENTRY(rnrd_client) dirty_link;
    struct rnrd             *d;
    int                      fd;
    unsigned                 serial;         /* for log lines */
    struct rnr_nsp_caller    caller;
    struct rnrd_buf          in;             /* a partial frame, at most */
    struct rnrd_buf          out;
    TAILQ_HEAD(, rnrd_lookup) lookups;       /* oldest first */
    TAILQ_HEAD(, rnrd_setreq) sets;          /* WSASetService awaiting providers */
    size_t                   nlookups;
    size_t                   nsubs;          /* subscriptions (subscribe.c) */
    uint32_t                 next_handle;
    unsigned                 watched;        /* RNR_NSP_EV_* registered */
    int                      dirty;          /* on d->dirty */
    int                      throttled;      /* output over max-output-per-client */
    int                      dead;           /* drop at the next idle point */
    struct rnrd_uidacct     *acct;           /* its uid's share */
    int                      unlimited;      /* admin or rnrd's own uid: no per-uid caps */
    size_t                   mem;            /* bytes charged for it (rnrd_mem_charge) */
    size_t                   skip;           /* body bytes of a refused frame to discard */
    uint64_t                 active_ms;      /* last byte read or written */
    uint64_t                 partial_ms;     /* since when `in` holds a partial frame */
    int                      holds_regs;     /* registered where registrations end with
                                              * the connection: never idle */
};

struct rnr_nsp_provider {
    struct rnrd                     *d;
    char                            *name;
    char                            *module;      /* as configured */
    char                            *display_name;
    char                            *state_dir;
    const struct rnrd_provider_conf *conf;        /* in d->cfg */
    const struct rnr_nsp_ops        *ops;         /* NULL: module did not load */
    void                            *dl;
    void                            *state;
    GUID                             id;
    DWORD                            name_space;
    int                              enabled;     /* configured */
    int                              started;     /* startup succeeded (nspcall.c
                                                   * alone reads or sets it) */
    TAILQ_HEAD(, rnr_nsp_lookup)     lookups;     /* live sub-lookups */
    TAILQ_HEAD(, rnr_nsp_pending)    pending;     /* set_service tokens (session.c) */
    struct rnrd_pstats               stats;       /* kept across reloads */
    /* What privileged_open opened and startup has not taken yet. */
    int                              priv_fds[RNR_NSP_MAX_FDS];
    size_t                           npriv_fds;
};

struct rnrd {
    struct rnrd_loop            *loop;
    struct rnrd_config          *cfg;
    const char                  *config_path;    /* NULL: built-in */
    /* Command line, overriding the configuration (NULL / -1: not given). */
    const char                  *opt_socket;
    const char                  *opt_state_dir;
    const char                  *opt_module_dir;
    int                          opt_log_level;
    /* Effective settings. */
    char                        *socket_path;
    char                        *state_dir;
    char                        *module_dir;
    char                        *class_dir;
    struct rnrd_limits           limits;
    int                          have_admin_gid;
    gid_t                        admin_gid;
    /* Providers in catalog order, and the catalog view of them. */
    struct rnr_nsp_provider    **provs;
    size_t                       nprovs;
    struct rnr_catalog           catalog;
    struct rnr_classstore       *classes;
    /* Listening socket. */
    int                          listen_fd;
    dev_t                        sock_dev;
    ino_t                        sock_ino;
    rnrd_timer                  *accept_timer;   /* accept paused (EMFILE) */
    int                          signal_fd;
    int                          socket_activated; /* listen_fd from systemd */
    int                          sock_dir_created; /* by this rnrd: chowned on privdrop */
    int                          lock_fd;          /* flock on state_dir/rnrd.lock */
    struct rnrd_dstats           stats;
    /* Resources held for clients (client.c). */
    TAILQ_HEAD(, rnrd_uidacct)   uids;
    size_t                       mem_used;       /* charged, all clients */
    size_t                       mem_trim_mark;  /* mem_used high point since the last trim */
    size_t                       fd_max_clients; /* what RLIMIT_NOFILE has room for */
    rnrd_timer                  *sweep_timer;    /* idle and frame timeouts */
    struct rnrd_ratelog          log_dropped;
    struct rnrd_ratelog          log_refused;
    /* The answer cache (answers.c), NULL when off. */
    struct rnr_anscache         *answers;
    size_t                       answer_cache_size;
    /* Clients. */
    TAILQ_HEAD(, rnrd_client)    clients;
    TAILQ_HEAD(, rnrd_client)    dirty;          /* output to flush, or dead */
    size_t                       nclients;
    uint64_t                     client_serial;  /* never reused: client ids */
    /* Encoder scratch space: one frame at a time, never across a call
     * into a provider. */
    struct rnr_wbuf              scratch;
    uint8_t                      rbuf[65536];    /* socket reads */
};

/* answers.c: the answer cache file next to the socket (a failure only
 * turns it off, with a warning), and its invalidation. */
int  rnrd_answers_open(struct rnrd *d);
/* Once daemonized, on the serving thread: probes learn liveness from the
 * file itself, without a system call (rnr_anscache_hold). */
void rnrd_answers_hold(struct rnrd *d);
void rnrd_answers_close(struct rnrd *d);
void rnrd_answers_changed(struct rnrd *d);
/* ANSWER_CACHE: which file is the cache (rnr_anscache_identity).  -1
 * drops the client (a body where there is none). */
int  rnrd_answers_request(struct rnrd_client *c, uint32_t id, struct rnr_rbuf *r);
/* CACHE_REPORT: a client's hits and misses added to the figures.  -1
 * drops the client (a body not exactly two u64). */
int  rnrd_answers_report(struct rnrd_client *c, uint32_t id, struct rnr_rbuf *r);
/* A CACHE_REPORT body added to the figures: 0, or -1 when it is not
 * exactly two u64 (nothing added). */
int  rnrd_answers_take_report(struct rnrd *d, const uint8_t *body, size_t len);

/* server.c */
/* A zeroed daemon state, nothing open yet (NULL on ENOMEM). */
struct rnrd *rnrd_new(void);
int  rnrd_server_open(struct rnrd *d);
void rnrd_server_close(struct rnrd *d);

/* client.c */
/* Connections beyond the caps (max-clients, reserved-admin-clients,
 * max-clients-per-uid) are closed at once. */
void rnrd_client_accept(struct rnrd *d, int fd);
void rnrd_client_drop(struct rnrd_client *c, const char *why);
void rnrd_clients_flush(void *d);        /* the loop's idle hook */
void rnrd_clients_free_all(struct rnrd *d);
void rnrd_client_refresh_admin(struct rnrd_client *c);
/* Bytes read from the client: dispatch every complete frame, keep a
 * partial one (the fuzz target fuzz/fuzz_request.c calls it directly). */
void rnrd_client_input(struct rnrd_client *c, const uint8_t *p, size_t n);
/* Queue bytes for the client whatever the budgets (bytes already held
 * elsewhere, a status); on failure the client is dropped. */
void rnrd_client_send(struct rnrd_client *c, const void *p, size_t n);
/* Same within the budgets: 0, or WSAENOBUFS and nothing queued. */
int  rnrd_client_queue(struct rnrd_client *c, const void *p, size_t n);
int  rnrd_client_throttled(const struct rnrd_client *c);
/* Idle and partial-frame timeouts: a sweep every second at most. */
void rnrd_clients_sweep_start(struct rnrd *d);
void rnrd_clients_sweep_stop(struct rnrd *d);
/* Memory held for clients (doc/architecture.md, "Limits"), charged by
 * capacity to the client's uid and to the daemon.  rnrd_mem_charge:
 * 0, or WSAENOBUFS (nothing charged) past memory-limit or, for a
 * non-admin, max-memory-per-uid; `force` charges anyway (bytes moving
 * from one buffer to another, a 16-byte status). */
int  rnrd_mem_charge(struct rnrd_client *c, size_t n, int force);
void rnrd_mem_release(struct rnrd_client *c, size_t n);
/* rnrd_buf operations that charge and release.  append grows the buffer
 * to at least what it needs, doubling up to `ceiling` (SIZE_MAX: no
 * ceiling); 0 or WSAENOBUFS. */
int  rnrd_cbuf_append(struct rnrd_client *c, struct rnrd_buf *b, const void *p, size_t n,
                      size_t ceiling, int force);
void rnrd_cbuf_consume(struct rnrd_client *c, struct rnrd_buf *b, size_t n);
void rnrd_cbuf_free(struct rnrd_client *c, struct rnrd_buf *b);
/* Replies.  reply_begin resets d->scratch and opens the reply frame;
 * reply_end closes it and queues it (WSAENOBUFS instead when it came out
 * larger than a frame may be). */
struct rnr_wbuf *rnrd_reply_begin(struct rnrd_client *c, uint16_t type, uint32_t id);
/* A reply that carries a body whatever its status (SET_SERVICE's report). */
struct rnr_wbuf *rnrd_reply_begin_status(struct rnrd_client *c, uint16_t type, uint32_t id,
                                         int status);
void rnrd_reply_end(struct rnrd_client *c, uint16_t type, uint32_t id);
void rnrd_reply_status(struct rnrd_client *c, uint16_t type, uint32_t id, int status);

/* main.c: re-read the configuration (SIGHUP, RELOAD); 0 when it was
 * applied, WSAEINVAL when it had errors and the running one was kept. */
int  rnrd_reload(struct rnrd *d);

/* ops.c: STATUS, STATS, CONTROL, RELOAD; -1 drops the client. */
int  rnrd_ops_request(struct rnrd_client *c, const struct rnr_wire_hdr *h,
                      struct rnr_rbuf *r);

/* privdrop.c: switch to the configured user once the socket, the answer
 * cache and the state lock are open, before the class store and the
 * providers.  0, or -1 after logging why (rnrd must not go on). */
int  rnrd_privdrop(struct rnrd *d);
/* dir (the `what` directory: "state", "socket") is rnrd's own: a real
 * directory, owned by its uid (or by the account a root rnrd switches
 * to), writable by nobody else.  0, or -1 after logging why. */
int  rnrd_own_dir(const struct rnrd *d, const char *dir, const char *what);

/* session.c: one request; -1 drops the client (malformed). */
int  rnrd_session_dispatch(struct rnrd_client *c, const struct rnr_wire_hdr *h,
                           const uint8_t *body, size_t len);
/* The client is going away: its pending WSASetService replies are
 * dropped (the providers still complete their tokens). */
void rnrd_session_client_gone(struct rnrd_client *c);
/* After the provider's cleanup: fail the tokens it left (WSANO_RECOVERY). */
void rnrd_session_provider_gone(struct rnr_nsp_provider *p);
/* Host interface entry points (nsp.h, set_service_defer / _done). */
struct rnr_nsp_pending *rnrd_set_service_defer(struct rnr_nsp_provider *p);
void rnrd_set_service_done(struct rnr_nsp_provider *p, struct rnr_nsp_pending *pd, int status);

/* classes.c */
int  rnrd_classes_open(struct rnrd *d);
void rnrd_classes_close(struct rnrd *d);
int  rnrd_classes_request(struct rnrd_client *c, const struct rnr_wire_hdr *h,
                          struct rnr_rbuf *r);

/* providers.c: create loads every module and runs privileged_open
 * (before the privilege drop); start runs startup (after it), creating
 * first if create did not run. */
int  rnrd_providers_create(struct rnrd *d);
int  rnrd_providers_start(struct rnrd *d);
size_t rnrd_provider_take_fds(struct rnr_nsp_provider *p, int *fds, size_t max);
void rnrd_providers_stop_all(struct rnrd *d);
void rnrd_providers_client_closed(struct rnrd *d, uint64_t client_id);
void rnrd_providers_reload(struct rnrd *d, struct rnrd_config *newcfg);
/* dlopen a module and check its ops table: 0, or -1 with why in err. */
int  rnrd_provider_load_module(const char *module_dir, const char *module, void **dl,
                               const struct rnr_nsp_ops **ops, char *err, size_t errlen);

/* provcheck.c: every provider section against its module, before anything
 * starts (--check-config, start-up, reload): ids, name spaces, and each
 * key against the keys the module declares.  A module that does not load
 * is an error when need_modules, else left for start-up to list inactive.
 * 0, or -1 with every problem in errs. */
int  rnrd_providers_check(const struct rnrd_config *cfg, const char *module_dir,
                          int need_modules, struct rnrd_errors *errs);
/* --list-config-keys: the keys of [daemon], those of every provider
 * section, and those each module in module_dir declares, one a line:
 * SECTION<TAB>KEY<TAB>TYPE<TAB>HELP.  0, or -1 (logged). */
int  rnrd_config_keys_print(const char *module_dir, FILE *out);

/* host.c */
extern const struct rnr_nsp_host rnrd_host;

#endif
