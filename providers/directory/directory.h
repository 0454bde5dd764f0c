/* SPDX-License-Identifier: MIT */
/*
 * The directory provider (NS_NDS by default): a persistent, hierarchical
 * name space.  Its state, shared by directory.c (ops table, lifecycle,
 * configuration, service classes), dir_set.c (WSASetService) and
 * dir_query.c (lookups); the tree is dir_tree.c, the disk dir_store.c.
 *
 * Configuration ([provider directory]):
 *   default-context = \           where "" / NULL contexts point
 *   strict-classes  = no          yes: refuse registrations under a class
 *                                 that is neither installed nor built in
 *   snapshot-min-records = 4096   journal records before a snapshot is
 *                                 taken (or a quarter of the entries, if
 *                                 more)
 *   trust           = admin       whose host, address and service entries
 *                                 NS_ALL lookups serve to everyone: admin
 *                                 (root's and administrators'; others'
 *                                 only to their owner) or all
 *   quota-entries   = 1000        per owner, root and administrators
 *   quota-bytes     = 1048576     exempt (dir_entry_bytes)
 */
#ifndef RNR_DIRECTORY_H
#define RNR_DIRECTORY_H

#include <stdint.h>

#include <rnr/nsp.h>
#include <rnr/nspids.h>

#include "dir_store.h"
#include "dir_tree.h"
#include "dir_xml.h"

/* The provider's default id, and the class its container results carry
 * (a query under it, or under the null GUID, may return containers). */
#define DIR_PROVIDER_ID     RNR_NSPID_DIRECTORY
#define DIR_CONTAINER_CLASS RNR_SVCID_DIRECTORY_CONTAINER

extern const GUID dir_container_class;

/* Default quotas of an owner that is neither root nor an admin, and the
 * largest either key accepts. */
#define DIR_QUOTA_ENTRIES 1000u
#define DIR_QUOTA_BYTES   1048576u
#define DIR_QUOTA_MAX     1099511627776ull  /* 2^40 */

struct dir_pend;
struct dir_sync;

/* trust, quota-entries, quota-bytes: who may put what where others look. */
struct dir_policy {
    int      trust_all;       /* trust = all */
    uint64_t quota_entries;   /* per owner, root and admins exempt */
    uint64_t quota_bytes;
};

struct dir_state {
    const struct rnr_nsp_host *host;
    struct rnr_nsp_provider   *p;
    struct dir_tree            tree;
    struct dir_store          *store;
    char                      *default_context;   /* canonical, absolute */
    int                        strict_classes;
    uint64_t                   snapshot_min;      /* 0: the store's default */
    struct dir_policy          policy;
    GUID                      *classes;           /* installed in rnrd */
    size_t                     nclasses;
    struct rnr_nsp_timer      *compact_timer;
    int                        snapshot_fd;       /* a writer child's pipe */
    struct dir_text            rec;               /* the record being built */
    /* Durable writes off the loop (dir_pend.c); sync NULL: in set_service. */
    struct dir_sync           *sync;
    struct dir_pend           *pend, **pend_tail; /* oldest first; held last */
    int                        syncing;           /* a sync is in flight */
    int                        snap_due;          /* a snapshot waits: hold writes */
    uint64_t                   sync_size;         /* the journal size it covers */
    uint64_t                   sync_records;      /* the records it covers */
    uint64_t                   syncs;

    uint64_t lookups;
    uint64_t truncated;      /* lookups cut at the daemon's result limit */
    uint64_t sets;
    uint64_t refused;        /* WSAEACCES */
    uint64_t quota_refused;  /* WSAEDQUOT for a quota (not the disk) */
    uint64_t withheld;       /* untrusted entries kept from a lookup */
    uint64_t write_errors;
};

/* directory.c */
int  dir_class_known(const struct dir_state *st, const GUID *cls);
/* Schedules a snapshot when the journal has grown enough. */
void dir_maybe_compact(struct dir_state *st);
/* Takes the snapshot now (the journal holds nothing waiting for a sync). */
void dir_compact_run(struct dir_state *st);
/* Records one entry (rec->qs, taken) while the store loads. */
int  dir_apply_record(void *ctx, struct dir_xml_rec *rec);

/* dir_notify.c: tell rnrd's subscribers (nsp.h, host->changed) that e
 * is about to go (dir_notify, RNR_NSP_CHANGE_REMOVE, before it is
 * removed), or was put in the tree (dir_notify_put) in place of an entry
 * with was_naddrs addresses (-1: none was there). */
void dir_notify(struct dir_state *st, const struct dir_entry *e, int kind);
void dir_notify_put(struct dir_state *st, const struct dir_entry *e, long was_naddrs);
int  dir_change_matches(void *state, const WSAQUERYSETA *query, DWORD flags,
                        const WSAQUERYSETA *entry);

/* dir_set.c */
int  dir_set_service(void *state, const struct rnr_nsp_caller *caller,
                     const WSAQUERYSETA *qs, WSAESETSERVICEOP op, DWORD flags);
/* Both sockaddrs and the types equal (what RNRSERVICE_DELETE matches). */
int  dir_csaddr_equal(const CSADDR_INFO *a, const CSADDR_INFO *b);

/* What a change does to its owner's usage (quota-entries, quota-bytes):
 * entries and bytes added, or taken away when negative. */
struct dir_delta {
    uid_t     uid;
    long long entries;
    long long bytes;
};

/* dir_pend.c: durable writes off the loop, group commit. */
int  dir_pend_start(struct dir_state *st);
/* Answers every change written (waiting for its sync), stops the thread. */
void dir_pend_stop(struct dir_state *st);
/* The newest pending version of an entry, or NULL; dir_pend_entry gives
 * it (NULL: deleted). */
const struct dir_pend *dir_pend_find(const struct dir_state *st, const char *path,
                                     const GUID *cls, const char *name);
const struct dir_entry *dir_pend_entry(const struct dir_pend *pe);
/* Adds what the pending changes do to uid's usage. */
void dir_pend_usage(const struct dir_state *st, uid_t uid, long long *entries,
                    long long *bytes);
/* Writes the change (nqs, taken, under path, with its owner and admin
 * mark; NULL: the deletion of cls/name) and defers the caller's
 * WSASetService until it is durable: RNR_NSP_PENDING, or the error that
 * refused it.  `delta` is what it does to usage until then. */
int  dir_pend_change(struct dir_state *st, const char *path, WSAQUERYSETA *nqs, uid_t owner,
                     int admin, const GUID *cls, const char *name,
                     const struct dir_delta *delta);

/* dir_query.c */

/* The trust rule (dir_query.c): who asks, whether untrusted entries of
 * the resolution classes are kept from them, and how many matched. */
struct dir_viewer {
    int    guarded;           /* NS_ALL, no provider named, trust = admin */
    uid_t  uid;
    size_t untrusted;         /* such entries matched, served or not */
};
void dir_viewer_init(struct dir_viewer *v, const struct dir_state *st,
                     struct rnr_nsp_lookup *lk, const WSAQUERYSETA *qs);
/* 1 when e may be served to v (counted in v->untrusted if it was
 * untrusted), 0 when it is withheld. */
int  dir_entry_visible(struct dir_state *st, struct dir_viewer *v, const struct dir_entry *e);
/* Host, address and service classes (SVCID_TCP/UDP ports included). */
int  dir_resolution_class(const GUID *g);
/* Marks the lookup reusable unless its answer depended on the caller. */
void dir_lookup_reusable(const struct dir_state *st, const struct dir_viewer *v,
                         struct rnr_nsp_lookup *lk);
int  dir_lookup_begin(void *state, struct rnr_nsp_lookup *lk, const WSAQUERYSETA *qs,
                      DWORD flags);
/* A lookup paused by emit goes on, or is dropped (the client ended it). */
void dir_lookup_resume(void *state, struct rnr_nsp_lookup *lk);
void dir_lookup_cancel(void *state, struct rnr_nsp_lookup *lk);

/* dir_resolve.c: getservbyname/getservbyport and gethostbyaddr over what
 * was registered.  Each returns 1 when the query is not of its kind (the
 * generic lookup answers it), else the lookup's status, after emitting. */
int  dir_resolve_service(struct dir_state *st, struct rnr_nsp_lookup *lk,
                         const WSAQUERYSETA *qs, DWORD flags, const struct dir_node *start,
                         struct dir_viewer *who);
int  dir_resolve_addr(struct dir_state *st, struct rnr_nsp_lookup *lk,
                      const WSAQUERYSETA *qs, DWORD flags, const struct dir_node *start,
                      struct dir_viewer *who);

/* The entry point's body, for tests that link the sources. */
const struct rnr_nsp_ops *rnr_directory_entry(unsigned abi_version);

#endif
