/* SPDX-License-Identifier: MIT */
/*
 * rnr - Winsock 2 Registration and Name Resolution for Linux.
 *
 * <rnr/nsp.h>: the name-space provider interface, for provider authors.
 *
 * A provider is a shared object loaded by rnrd with dlopen().  It ends
 * with one `const struct rnr_nsp_ops` built with designated initializers,
 * starting with RNR_NSP_OPS_INIT, and RNR_NSP_MODULE(name, ops), which
 * defines the one exported function, RNR_NSP_ENTRY_SYMBOL.  A NULL slot
 * means "not supported"; rnrd answers for it with the default each slot's
 * comment gives (WSAEOPNOTSUPP for set_service, the daemon's class store
 * for classes, nothing for reload).
 *
 * Growing the interface.  struct rnr_nsp_host and struct rnr_nsp_ops
 * carry their own size as their first member, as Winsock structures carry
 * dwSize.  A slot is only ever added at the end of either structure; that
 * needs no new RNR_NSP_ABI_VERSION: a module built against an older
 * <rnr/nsp.h> declares a smaller ops table, and rnrd treats every slot
 * beyond its size as NULL, never reading past it; a provider built
 * against a newer one asks RNR_NSP_HOST_HAS before using a host slot an
 * older rnrd may not have.  Changing, reordering or removing a member
 * changes what an older module means: that, and only that, bumps
 * RNR_NSP_ABI_VERSION, and rnrd refuses a module built for another one.
 *
 * rnrd runs one event loop in one thread.  A provider must never block it:
 * anything that waits (sockets, timers) goes through the host interface
 * below, and results are delivered with host->emit() / host->finish()
 * whenever they are ready, from lookup_begin itself or from a later
 * fd or timer callback.
 *
 * Lifecycle, in order (after unbound's module phases):
 *   0. privileged_open  once per rnrd start, before the privilege drop
 *                 (rnrd started as root): open what only root may (a
 *                 socket on a port below 1024), nothing else.
 *   1. startup    once, after the drop, as the daemon's account: take
 *                 what privileged_open opened (host->take_fds), read the
 *                 config section, allocate state, open files and sockets.
 *   2. serving    lookup_begin / lookup_cancel / set_service / class slots,
 *                 fd and timer callbacks, in any order, all on the loop.
 *   3. reload     on SIGHUP, after the new configuration was validated:
 *                 re-read the section; on error keep the old settings and
 *                 return the error (the daemon logs it and carries on).
 *   4. cleanup    once; every lookup has been cancelled before.
 *
 * Every status is 0 or a WSA error code from <rnr/winsock2.h>.
 */
#ifndef RNR_NSP_H
#define RNR_NSP_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Providers run inside rnrd and call the C library's gethostname() and
 * friends; the Winsock spellings must not be redirected to librnr. */
#ifndef RNR_NO_WINSOCK_NAMES
#define RNR_NO_WINSOCK_NAMES
#endif
#include <rnr/winsock2.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped when a member of struct rnr_nsp_ops or struct rnr_nsp_host
 * changes, moves or goes; not when a slot is added at the end (above).
 * 3: ops gained lookup_resume, config_keys, check_config and
 * change_matches, the host changed.  4: both structures begin with their
 * size. */
#define RNR_NSP_ABI_VERSION 4

/* The one symbol a provider module exports:
 *   const struct rnr_nsp_ops *rnr_nsp_entry(unsigned abi_version);
 * returning NULL when abi_version is not the one the module was built
 * for.  RNR_NSP_MODULE, at the end of this file, defines it. */
#define RNR_NSP_ENTRY_SYMBOL "rnr_nsp_entry"

/* Opaque handles owned by the daemon. */
struct rnr_nsp_provider;  /* one configured provider instance */
struct rnr_nsp_lookup;    /* this provider's part of one client lookup */
struct rnr_nsp_timer;     /* a pending one-shot timer */
struct rnr_nsp_pending;   /* a set_service that completes later */

/* set_service's return after host->set_service_defer: the status comes
 * later, through host->set_service_done.  Never a WSA error code. */
#define RNR_NSP_PENDING (-1)

/* emit's return to a provider with a lookup_resume slot: the result was
 * taken, but the client is not reading; produce nothing more for this
 * lookup until lookup_resume is called.  Never a WSA error code. */
#define RNR_NSP_PAUSED (-2)

/* Who is asking (from SO_PEERCRED on the control socket). */
struct rnr_nsp_caller {
    uid_t uid;
    gid_t gid;
    pid_t pid;
    int   is_admin;   /* root or member of the configured admin group */
    /* This connection, unique for the daemon's lifetime (never reused);
     * what ops.client_closed later names.  0 for the daemon itself. */
    uint64_t client_id;
};

/* Capability bits (rnr_nsp_ops.capabilities). */
#define RNR_NSP_CAP_CONTAINERS  0x0001u /* hierarchical: contexts, LUP_CONTAINERS, LUP_DEEP */
#define RNR_NSP_CAP_WILDCARDS   0x0002u /* '*' and '?' in instance names */
#define RNR_NSP_CAP_REGISTER    0x0004u /* set_service stores registrations */
#define RNR_NSP_CAP_CLASSES     0x0008u /* keeps its own service classes */
/* With RNR_NSP_CAP_REGISTER: a registration lives as long as the client
 * connection that made it (ops.client_closed), unless its flags carry
 * RNR_SERVICE_PERSISTENT.  rnrd then never closes that connection as
 * idle, and tells rnrctl, which warns that its registration ends with it. */
#define RNR_NSP_CAP_SESSION     0x0010u
#define RNR_NSP_CAP_NOTIFY      0x0020u /* reports changes: host->changed */

/* host->changed: what happened to an entry. */
#define RNR_NSP_CHANGE_ADD      1   /* appeared, or changed: its new state */
#define RNR_NSP_CHANGE_REMOVE   2   /* gone (deregistered, expired, withdrawn) */
/* host->changed flags: the entry is one a lookup through NS_ALL that
 * names no provider serves only to its owner (the directory's and sap's
 * `trust = admin` rule); the daemon applies the same rule to
 * subscribers. */
#define RNR_NSP_CHANGE_GUARDED  0x1u

/* Address families a provider serves (rnr_nsp_ops.families); the router
 * drops providers that serve none of the families a query asks for. */
#define RNR_NSP_AF_INET   0x0001u
#define RNR_NSP_AF_INET6  0x0002u
#define RNR_NSP_AF_ANY    0x8000u  /* any family, e.g. a directory */

/* fd events for watch_fd and its callback. */
#define RNR_NSP_EV_READ   0x1u
#define RNR_NSP_EV_WRITE  0x2u

enum rnr_nsp_log_level {
    RNR_NSP_LOG_ERR = 0,
    RNR_NSP_LOG_WARNING,
    RNR_NSP_LOG_NOTICE,
    RNR_NSP_LOG_INFO,
    RNR_NSP_LOG_DEBUG
};

/* The host's log slot: one line under the provider's name, at a
 * RNR_NSP_LOG_* level, printf-style.  Code of a provider that logs
 * (a file parser, a store) takes one of these with the `p` to pass it,
 * so that host->log and p are handed down as they are, with no wrapper
 * of the provider's own. */
typedef void (*rnr_nsp_log_fn)(struct rnr_nsp_provider *p, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

typedef void (*rnr_nsp_fd_cb)(void *arg, int fd, unsigned events);
typedef void (*rnr_nsp_timer_cb)(void *arg);

/* What the daemon offers a provider.  Every function is called on the loop
 * thread only; `p` is the handle passed to startup. */
struct rnr_nsp_host {
    size_t   size;          /* sizeof(struct rnr_nsp_host) as rnrd knows it */
    unsigned abi_version;

    /* Call it directly, host->log(p, RNR_NSP_LOG_WARNING, "...", ...): it
     * checks the level first, so a debug line costs nothing when off.  An
     * rnr_nsp_log_fn, spelled out so that every compiler checks the
     * format of each call. */
    void (*log)(struct rnr_nsp_provider *p, int level, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

    /* The value of `key` in this provider's [provider NAME] section, or
     * NULL when absent.  Valid until the next reload. */
    const char *(*config_get)(struct rnr_nsp_provider *p, const char *key);
    /* This provider's own state directory (created, writable). */
    const char *(*state_dir)(struct rnr_nsp_provider *p);
    /* The configured name (the NAME of [provider NAME]). */
    const char *(*name)(struct rnr_nsp_provider *p);
    /* The provider id and name space this instance runs as (from the
     * configuration, else the module's defaults).  Results emitted without
     * lpNSProviderId / dwNameSpace get these filled in by the daemon. */
    const GUID *(*provider_id)(struct rnr_nsp_provider *p);
    DWORD (*name_space)(struct rnr_nsp_provider *p);

    /* Watch fd for `events`; a second call for the same fd replaces the
     * callback and events.  Returns 0 or WSAENOBUFS. */
    int  (*watch_fd)(struct rnr_nsp_provider *p, int fd, unsigned events,
                     rnr_nsp_fd_cb cb, void *arg);
    void (*unwatch_fd)(struct rnr_nsp_provider *p, int fd);

    /* One-shot timer; NULL on allocation failure.  Cancel before it fires
     * or never touch it again once it has fired. */
    struct rnr_nsp_timer *(*timer_add)(struct rnr_nsp_provider *p,
                                       uint64_t delay_ms,
                                       rnr_nsp_timer_cb cb, void *arg);
    void (*timer_cancel)(struct rnr_nsp_provider *p, struct rnr_nsp_timer *t);
    /* Monotonic milliseconds. */
    uint64_t (*now_ms)(void);

    /* Deliver one result.  The daemon copies it deeply before returning,
     * fills lpNSProviderId / dwNameSpace if unset, applies the client's
     * LUP_RETURN_* mask, protocol and version restrictions.  Returns 0, or
     * WSAENOBUFS when the lookup takes no more results: its result limit,
     * an output or memory cap of a client that does not read (the lookup
     * then ends with WSAENOBUFS), or a client that hung up.  The provider
     * should then stop producing and finish; every later emit returns
     * WSAENOBUFS at once.
     *
     * While a client is not reading, its results wait in rnrd, encoded.
     * A provider with a lookup_resume slot is paused instead of piling
     * them up: emit returns RNR_NSP_PAUSED (the result was taken) and the
     * provider produces nothing more for this lookup until lookup_resume
     * (or lookup_cancel), so an answer of any size is delivered in a
     * bounded amount of memory.  Other providers are never paused: what
     * they emit is kept within max-output-per-lookup (rnrd.conf(5)), and
     * past it they are stopped with WSAENOBUFS. */
    int  (*emit)(struct rnr_nsp_lookup *lk, const WSAQUERYSETA *result);
    /* End this provider's part of the lookup, exactly once, with 0 or the
     * reason nothing (more) was found: WSAHOST_NOT_FOUND,
     * WSASERVICE_NOT_FOUND, WSANO_DATA, WSATRY_AGAIN, WSANO_RECOVERY.
     * `lk` is invalid afterwards. */
    void (*finish)(struct rnr_nsp_lookup *lk, int status);
    /* The caller of a lookup, and a slot for the provider's own pointer
     * (for lookup_cancel). */
    const struct rnr_nsp_caller *(*lookup_caller)(struct rnr_nsp_lookup *lk);
    void  (*lookup_set_data)(struct rnr_nsp_lookup *lk, void *data);
    void *(*lookup_data)(struct rnr_nsp_lookup *lk);

    /* The answer cache (doc/anscache.md): clients answer a lookup from
     * shared memory when every provider that took part said its part may
     * be reused.  Call before finish: this provider's results and status
     * for this query stay true for `ms` milliseconds, unless the daemon
     * invalidates (any registration, class change, control command,
     * reload, or answers_changed).  Never called: never reused, the safe
     * default for answers that change on their own (dynamic name spaces).
     * Added after ABI 2 first shipped: every rnrd of ABI 4 has it, but a
     * NULL check costs nothing. */
    void (*lookup_reusable)(struct rnr_nsp_lookup *lk, uint32_t ms);
    /* This provider's data changed (a file reloaded, say): no answer
     * given so far may be served again. */
    void (*answers_changed)(struct rnr_nsp_provider *p);

    /* A set_service that completes later, so that slow work (a durable
     * write's fsync) runs off the loop while other clients are served.
     * Added after ABI 2 first shipped, like lookup_reusable: with both
     * slots NULL, complete inside set_service as before.
     *
     * set_service_defer is valid only inside this provider's set_service,
     * once per call; it returns a token, or NULL (out of memory, or
     * called elsewhere: logged) and then set_service must complete as
     * usual.  After a token, set_service returns RNR_NSP_PENDING and the
     * provider calls set_service_done(p, token, status) exactly once, on
     * the loop, with 0 or a WSA error code as set_service would have
     * returned; the token is invalid afterwards.  A set_service that
     * returns anything else after taking a token has completed with that
     * status, and the token is void.
     *
     * The caller's WSASetService returns once every provider it reached
     * has completed, with the same aggregation as before.  The client
     * going away first changes nothing for the provider (the reply is
     * dropped; the token still completes).  Every completion invalidates
     * the answer cache, as answers_changed does: answers computed while
     * the change was pending are never served after it.  cleanup should
     * complete (or fail) its tokens; the daemon fails those left over
     * with WSANO_RECOVERY. */
    struct rnr_nsp_pending *(*set_service_defer)(struct rnr_nsp_provider *p);
    void (*set_service_done)(struct rnr_nsp_provider *p, struct rnr_nsp_pending *pd,
                             int status);

    /* Report a change to live subscriptions (SUBSCRIBE, rnrctl browse,
     * WSANSPIoctl SIO_NSP_NOTIFY_CHANGE), for a provider with
     * RNR_NSP_CAP_NOTIFY.  Called on the loop, after the change is what
     * lookups see; `entry` is the entry as a lookup would return it
     * (lpszContext set by a hierarchical name space), its last state for
     * RNR_NSP_CHANGE_REMOVE.  The daemon encodes it for every matching
     * subscriber before returning and keeps no pointer.  `owner` and
     * `flags` (RNR_NSP_CHANGE_GUARDED) let it apply the lookups'
     * visibility rule per subscriber.  Cheap when nobody subscribes. */
    void (*changed)(struct rnr_nsp_provider *p, const WSAQUERYSETA *entry, int kind,
                    uid_t owner, unsigned flags);

    /* The descriptors this provider's privileged_open handed over, in its
     * order: up to `max` copied into fds, their number returned, and from
     * then on they are the provider's to close (the daemon forgets them;
     * a second call returns 0).  0 as well without privileged_open, or
     * when it opened nothing.  Only inside startup (and reload) is there
     * anything to take: the daemon closes what startup left. */
    size_t (*take_fds)(struct rnr_nsp_provider *p, int *fds, size_t max);
};

/* Value types of a provider's configuration keys (rnr_nsp_ops.config_keys). */
enum rnr_nsp_key_type {
    RNR_NSP_KEY_STRING = 0,   /* any text */
    RNR_NSP_KEY_BOOL,         /* yes, no, true, false, on, off, 1, 0 */
    RNR_NSP_KEY_UINT,         /* a decimal number from min to max */
    RNR_NSP_KEY_HOSTPORTS,    /* ADDR, ADDR:PORT, [ADDR6] or [ADDR6]:PORT, separated by
                                 commas or blanks; at most max of them (0: any) */
    RNR_NSP_KEY_PATH,         /* a file or directory name */
    RNR_NSP_KEY_ENUM          /* one of `values` (case does not matter) */
};

/* One configuration key of a provider section. */
struct rnr_nsp_key {
    const char            *name;    /* NULL ends the table */
    enum rnr_nsp_key_type  type;
    uint64_t               min;     /* RNR_NSP_KEY_UINT */
    uint64_t               max;     /* RNR_NSP_KEY_UINT, RNR_NSP_KEY_HOSTPORTS */
    const char *const     *values;  /* RNR_NSP_KEY_ENUM: NULL-terminated */
    const char            *help;    /* one line, for rnrd --list-config-keys */
};

/* What check_config is handed: the section's values (NULL when absent)
 * and where to report a problem with a key ("what was expected"). */
struct rnr_nsp_check {
    void        *ctx;
    const char *(*get)(void *ctx, const char *key);
    void        (*error)(void *ctx, const char *key, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
};

/* What a provider offers.  Build it with designated initializers, the
 * first being RNR_NSP_OPS_INIT.  Everything up to lookup_begin must be
 * there (RNR_NSP_OPS_MIN_SIZE; the slots may be NULL): rnrd refuses a
 * smaller table. */
struct rnr_nsp_ops {
    size_t      size;             /* sizeof(struct rnr_nsp_ops) */
    unsigned    abi_version;      /* RNR_NSP_ABI_VERSION */
    const char *name;             /* short name, e.g. "hosts" */
    const char *display_name;     /* WSANAMESPACE_INFO.lpszIdentifier default */
    unsigned    capabilities;     /* RNR_NSP_CAP_* */
    unsigned    families;         /* RNR_NSP_AF_* */
    DWORD       default_name_space;
    GUID        default_id;       /* provider id unless the config sets `id` */
    DWORD       version;          /* WSANAMESPACE_INFO.dwVersion */

    /* Phase 1.  `p` identifies this instance in every host call; store it.
     * *state receives the provider's state, passed to every later slot. */
    int  (*startup)(const struct rnr_nsp_host *host, struct rnr_nsp_provider *p,
                    void **state);
    /* Phase 4.  Accepts a NULL state. */
    void (*cleanup)(void *state);
    /* Phase 3. */
    int  (*reload)(void *state);

    /* Start answering `qs` (already validated: lpServiceClassId is set,
     * strings are NUL-terminated, counts match arrays).  `flags` are the
     * WSALookupServiceBegin control flags.  Returns 0 when the lookup is
     * under way: the provider then calls emit() any number of times and
     * finish() exactly once, possibly before returning.  Any other return
     * is the lookup's status for this provider and finish() must not be
     * called. */
    int  (*lookup_begin)(void *state, struct rnr_nsp_lookup *lk,
                         const WSAQUERYSETA *qs, DWORD flags);
    /* The client ended the lookup before finish(): drop all work for it.
     * finish() must not be called afterwards.  NULL when lookups always
     * finish inside lookup_begin. */
    void (*lookup_cancel)(void *state, struct rnr_nsp_lookup *lk);

    /* WSASetService.  0 when accepted, or RNR_NSP_PENDING after
     * host->set_service_defer (it completes later).  A provider without
     * RNR_NSP_CAP_REGISTER stores nothing (a static name space accepts
     * REGISTER/DEREGISTER as a no-op, as DNS does in the API reference):
     * rnrd reports its 0 as "not applicable", and it decides the
     * caller's status only when no provider in scope stores
     * registrations (doc/architecture.md, "Registrations"). */
    int  (*set_service)(void *state, const struct rnr_nsp_caller *caller,
                        const WSAQUERYSETA *qs, WSAESETSERVICEOP op,
                        DWORD flags);

    /* Service classes, for providers with RNR_NSP_CAP_CLASSES.  The daemon
     * keeps its own persistent class store and answers for NULL slots. */
    int  (*install_class)(void *state, const WSASERVICECLASSINFOA *info);
    int  (*remove_class)(void *state, const GUID *class_id);
    /* *out stays owned by the provider, valid until its next call. */
    int  (*get_class_info)(void *state, const GUID *class_id,
                           const WSASERVICECLASSINFOA **out);

    /* Counters for `rnrctl stats`: call emit_stat once per figure. */
    void (*stats)(void *state,
                  void (*emit_stat)(void *ctx, const char *key, uint64_t value),
                  void *ctx);

    /* An administrative command addressed to this provider by `rnrctl`
     * (only admin callers get here), e.g. command "cache-flush" with arg
     * a name, or NULL for everything.  Returns 0, WSAEINVAL for a command
     * the provider does not know (the daemon answers WSAEOPNOTSUPP when
     * the slot is NULL), or another WSA error code. */
    int  (*control)(void *state, const char *command, const char *arg);

    /* The connection `client_id` (rnr_nsp_caller.client_id) closed: drop
     * what lives only as long as its client, e.g. the non-persistent
     * registrations of a dynamic name space.  Called once per connection
     * that ever reached this provider's set_service or lookup_begin, or
     * more often; a provider keeps nothing by client_id when NULL. */
    void (*client_closed)(void *state, uint64_t client_id);

    /* Go on with a lookup that emit paused (RNR_NSP_PAUSED), now that its
     * client reads again: emit more, finish, or both, exactly as from
     * lookup_begin; emit may pause it again.  Called only for a paused,
     * unfinished lookup, never from inside emit.  NULL: never paused. */
    void (*lookup_resume)(void *state, struct rnr_nsp_lookup *lk);

    /* The keys of this provider's section, besides the daemon's own
     * (module, namespace, id, enabled, display-name), ended by an entry
     * whose name is NULL.  rnrd checks every section against it before
     * anything starts (rnrd --check-config, start-up, reload): an unknown
     * key or a value of the wrong type is a configuration error, reported
     * with file and line.  NULL: none of the section's own keys is
     * checked, any is accepted. */
    const struct rnr_nsp_key *config_keys;
    /* Checks the section deeper than the declared types can (keys that
     * depend on each other, addresses of a kind), without starting
     * anything: calls chk->error once per problem.  chk->get returns only
     * values of the declared type (NULL for one that is not: it was
     * reported already).  NULL when the types say it all. */
    void (*check_config)(const struct rnr_nsp_check *chk);

    /* Would `entry` (from host->changed) be an answer to a lookup of
     * `query` with `flags`, the caller's visibility aside?  1 or 0.  On
     * the loop, for each subscription that reaches this provider; copies
     * nothing.  NULL: the daemon matches the class (the null GUID: any)
     * and the instance name ('*' and '?' wildcards; NULL or "": any),
     * and ignores contexts. */
    int  (*change_matches)(void *state, const WSAQUERYSETA *query, DWORD flags,
                           const WSAQUERYSETA *entry);

    /* Phase 0, before the privilege drop, with the initial privileges and
     * the section's values (conf->get; conf->error logs a problem), for
     * what only they allow: sockets on ports below 1024 (bound, with
     * SO_BINDTODEVICE if need be).  Opens at most RNR_NSP_MAX_FDS
     * descriptors, puts them in fds[] and their number in *nfds, and
     * keeps no state: startup gets them back through host->take_fds,
     * and the daemon closes any it never took (a provider that does not
     * start).  0, or a WSA error code (logged; startup still runs, with
     * nothing to take).  Called once per rnrd start and never on reload:
     * a reload that needs another such socket needs a restart.  NULL:
     * nothing to open. */
    int  (*privileged_open)(const struct rnr_nsp_check *conf, int *fds, size_t *nfds);
};

/* The most descriptors one privileged_open hands over. */
#define RNR_NSP_MAX_FDS 64

typedef const struct rnr_nsp_ops *(*rnr_nsp_entry_fn)(unsigned abi_version);

/* set_service for a static name space, one that stores nothing (a hosts
 * file, DNS): REGISTER, DEREGISTER and DELETE are accepted as no-ops, as
 * DNS does in the API reference, and rnrd reports them as not
 * applicable; anything else is WSAEINVAL.  Inline, so that a provider
 * needs nothing but this header:  .set_service = rnr_nsp_set_service_nop. */
static inline int rnr_nsp_set_service_nop(void *state, const struct rnr_nsp_caller *caller,
                                          const WSAQUERYSETA *qs, WSAESETSERVICEOP op,
                                          DWORD flags)
{
    (void)state;
    (void)caller;
    (void)qs;
    (void)flags;
    switch (op) {
    case RNRSERVICE_REGISTER:
    case RNRSERVICE_DEREGISTER:
    case RNRSERVICE_DELETE:
        return 0;
    }
    return WSAEINVAL;
}

/* The bytes of `type` up to the end of `member`. */
#define RNR_NSP_SIZE_TO(type, member) \
    (offsetof(type, member) + sizeof(((type *)0)->member))
/* Whether a host (or an ops table) is large enough to have `member`; a
 * slot it is not is absent, whatever lies beyond it. */
#define RNR_NSP_HOST_HAS(host, member) \
    ((host)->size >= RNR_NSP_SIZE_TO(struct rnr_nsp_host, member))
#define RNR_NSP_OPS_HAS(ops, member) \
    ((ops)->size >= RNR_NSP_SIZE_TO(struct rnr_nsp_ops, member))
/* The smallest ops table rnrd accepts: what ABI 4 had up to lookup_begin. */
#define RNR_NSP_OPS_MIN_SIZE RNR_NSP_SIZE_TO(struct rnr_nsp_ops, lookup_begin)

/* The first initializers of every ops table. */
#define RNR_NSP_OPS_INIT \
    .size = sizeof(struct rnr_nsp_ops), .abi_version = RNR_NSP_ABI_VERSION

/* The end of a provider module, for its ops table `ops`:
 *   RNR_NSP_MODULE(hosts, hosts_ops);
 * defines rnr_hosts_entry(), which returns &ops for this ABI version and
 * NULL for any other, and the exported rnr_nsp_entry() calling it.  A
 * unit test that links several providers' sources into one program
 * defines RNR_NSP_NO_ENTRY and calls their rnr_NAME_entry() instead. */
#define RNR_NSP_MODULE(name, ops)                                           \
    const struct rnr_nsp_ops *rnr_##name##_entry(unsigned abi_version);     \
    const struct rnr_nsp_ops *rnr_##name##_entry(unsigned abi_version)      \
    {                                                                       \
        return abi_version == RNR_NSP_ABI_VERSION ? &(ops) : NULL;          \
    }                                                                       \
    RNR_NSP_ENTRY_(name)                                                    \
    const struct rnr_nsp_ops *rnr_##name##_entry(unsigned abi_version)
#ifdef RNR_NSP_NO_ENTRY
#define RNR_NSP_ENTRY_(name)
#else
#define RNR_NSP_ENTRY_(name)                                                \
    const struct rnr_nsp_ops *rnr_nsp_entry(unsigned abi_version);          \
    const struct rnr_nsp_ops *rnr_nsp_entry(unsigned abi_version)           \
    {                                                                       \
        return rnr_##name##_entry(abi_version);                             \
    }
#endif

#ifdef __cplusplus
}
#endif

#endif /* RNR_NSP_H */
