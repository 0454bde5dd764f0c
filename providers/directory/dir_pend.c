/* SPDX-License-Identifier: MIT */
/*
 * Durable writes off rnrd's loop, with group commit.
 *
 * A change (dir_set.c) is written to the journal on the loop (a write(),
 * cheap) and its WSASetService deferred (nsp.h, set_service_defer).  One
 * worker thread (dir_sync.c) runs fdatasync; a sync covers every record
 * written before it was asked for, so writers that arrive while one runs
 * share the next.  When it is done the loop applies the covered changes
 * to the tree, in order, and completes their tokens.
 *
 * Lookups therefore see the last durable state only.  A WSASetService
 * that arrives while changes wait sees them (dir_pend_find): owners,
 * SERVICE_MULTIPLE merges and deletions build on the newest pending
 * version of the entry, so the records replay to what memory will hold.
 * A failed sync fails every change not yet durable with the store's
 * status (WSAEDQUOT, WSASYSCALLFAILURE), cuts them off the journal, and
 * memory never held them.
 *
 * A snapshot switches to a new journal, so it never runs under a record
 * waiting for its sync.  When one is due while changes wait (snap_due),
 * new changes are held in memory, not written, until the sync of those
 * written is done; then the snapshot starts and the held records go to
 * the new journal.  Writes that never pause thus cost at most one extra
 * sync's wait per snapshot, and the journal stays bounded.
 */
#include "config.h"

#include "directory.h"
#include "dir_sync.h"

#include <string.h>
#include <strings.h>

#include "alloc.h"
#include "guid.h"
#include "status.h"

struct dir_pend {
    struct dir_pend        *next;
    struct rnr_nsp_pending *pd;
    char                   *path;     /* the container, canonical */
    struct dir_entry       *ne;       /* the new version; NULL: deleted */
    GUID                    cls;
    char                   *name;
    struct dir_delta        delta;    /* on its owner's usage, until applied */
    int                     in_sync;  /* covered by the sync in flight */
    char                   *held;     /* the record, not written yet */
    size_t                  held_len;
};

static void pend_free(struct dir_pend *pe)
{
    if (pe == NULL)
        return;
    rnr_free(pe->held);
    dir_entry_free(pe->ne);
    rnr_free(pe->path);
    rnr_free(pe->name);
    rnr_free(pe);
}

const struct dir_pend *dir_pend_find(const struct dir_state *st, const char *path,
                                     const GUID *cls, const char *name)
{
    const struct dir_pend *pe, *found = NULL;

    for (pe = st->pend; pe != NULL; pe = pe->next)
        if (rnr_guid_equal(&pe->cls, cls) && strcasecmp(pe->name, name) == 0 &&
            strcasecmp(pe->path, path) == 0)
            found = pe;
    return found;
}

const struct dir_entry *dir_pend_entry(const struct dir_pend *pe)
{
    return pe->ne;
}

/* The tree counts what is applied; a change leaves the list as it is
 * applied (or fails), so the two never count it twice. */
void dir_pend_usage(const struct dir_state *st, uid_t uid, long long *entries,
                    long long *bytes)
{
    const struct dir_pend *pe;

    for (pe = st->pend; pe != NULL; pe = pe->next) {
        if (pe->delta.uid == uid) {
            *entries += pe->delta.entries;
            *bytes += pe->delta.bytes;
        }
    }
}

/* Memory catches up with a durable change. */
static void pend_apply(struct dir_state *st, struct dir_pend *pe)
{
    struct dir_path   path;
    struct dir_node  *node;
    struct dir_entry *old;
    long              was;

    if (dir_path_parse(pe->path, "\\", &path) != 0)
        return;     /* never: it was parsed before */
    node = dir_tree_find_node(&st->tree, &path);
    if (pe->ne == NULL) {
        old = node != NULL ? dir_tree_find_entry(&st->tree, node, &pe->cls, pe->name) : NULL;
        if (old != NULL) {
            dir_notify(st, old, RNR_NSP_CHANGE_REMOVE);
            dir_tree_remove(&st->tree, old);
        }
        return;
    }
    if (node == NULL && dir_tree_make_node(&st->tree, &path, &node) != 0) {
        st->host->log(st->p, RNR_NSP_LOG_ERR, "out of memory: %s\\%s is in the store but not in "
                      "memory until rnrd restarts", pe->path, pe->name);
        return;
    }
    old = dir_tree_find_entry(&st->tree, node, &pe->cls, pe->name);
    was = old != NULL ? (long)dir_entry_naddrs(old) : -1;
    dir_tree_put(&st->tree, node, pe->ne, old);
    dir_notify_put(st, pe->ne, was);
    pe->ne = NULL;
}

static void pend_kick(struct dir_state *st)
{
    struct dir_pend *pe;
    uint64_t         n = 0;

    if (st->syncing || st->pend == NULL)
        return;
    for (pe = st->pend; pe != NULL && pe->held == NULL; pe = pe->next) {
        pe->in_sync = 1;
        n++;
    }
    if (n == 0)
        return;
    st->sync_size = dir_store_written(st->store);
    st->sync_records = n;
    st->syncing = 1;
    st->syncs++;
    dir_sync_request(st->sync, dir_store_sync_fd(st->store));
}

/* Written, in order, to the journal a snapshot just opened.  A record
 * that cannot be written fails with every held one after it: those may
 * have been built on it (dir_pend_find). */
static void pend_write_held(struct dir_state *st)
{
    struct dir_pend **pp = &st->pend, *pe;
    int               rc = 0;

    while (*pp != NULL && (*pp)->held == NULL)
        pp = &(*pp)->next;
    while ((pe = *pp) != NULL) {
        if (rc == 0 && (rc = dir_store_write(st->store, pe->held, pe->held_len)) != 0)
            st->host->log(st->p, RNR_NSP_LOG_ERR, "registration refused: %s", rnr_status_text(rc));
        if (rc == 0) {
            rnr_free(pe->held);
            pe->held = NULL;
            pp = &pe->next;
            continue;
        }
        *pp = pe->next;
        st->write_errors++;
        st->host->set_service_done(st->p, pe->pd, rc);
        pend_free(pe);
    }
    st->pend_tail = pp;
}

/* A due snapshot runs once nothing written waits for its sync. */
static void pend_snapshot(struct dir_state *st)
{
    if (!st->snap_due || st->syncing || (st->pend != NULL && st->pend->held == NULL))
        return;
    st->snap_due = 0;
    dir_compact_run(st);
    pend_write_held(st);
}

/* The sync in flight finished with err (0 or errno). */
static void pend_synced(struct dir_state *st, int err)
{
    struct dir_pend *pe;
    int              rc;

    st->syncing = 0;
    rc = dir_store_synced(st->store, st->sync_size, st->sync_records, err);
    if (rc != 0)
        st->host->log(st->p, RNR_NSP_LOG_ERR, "registrations refused: %s (%s)", rnr_status_text(rc),
                      rc == WSAEDQUOT ? "the state directory's file system is full"
                                      : "see the error above");
    /* Unlinked before completing: the daemon may reply and call back. */
    while ((pe = st->pend) != NULL && pe->held == NULL && (rc != 0 || pe->in_sync)) {
        st->pend = pe->next;
        if (st->pend == NULL)
            st->pend_tail = &st->pend;
        if (rc == 0)
            pend_apply(st, pe);
        else
            st->write_errors++;
        st->host->set_service_done(st->p, pe->pd, rc);
        pend_free(pe);
    }
    pend_snapshot(st);
    pend_kick(st);
    dir_maybe_compact(st);
}

static void pend_event(void *arg, int fd, unsigned events)
{
    struct dir_state *st = arg;
    int               err;

    (void)fd;
    (void)events;
    if (dir_sync_result(st->sync, &err) && st->syncing)
        pend_synced(st, err);
}

int dir_pend_start(struct dir_state *st)
{
    int rc;

    st->pend_tail = &st->pend;
    if (st->host->set_service_defer == NULL || st->host->set_service_done == NULL)
        return 0;   /* an older rnrd: durable writes stay in set_service */
    if ((rc = dir_sync_start(&st->sync)) != 0) {
        st->host->log(st->p, RNR_NSP_LOG_WARNING, "no fsync thread (%s): durable writes stay in "
                      "rnrd's loop", strerror(rc));
        return 0;
    }
    if (st->host->watch_fd(st->p, dir_sync_event_fd(st->sync), RNR_NSP_EV_READ, pend_event,
                           st) != 0) {
        dir_sync_stop(st->sync);
        st->sync = NULL;
        return WSAENOBUFS;
    }
    return 0;
}

void dir_pend_stop(struct dir_state *st)
{
    if (st->sync == NULL)
        return;
    /* Every change gets its answer before the thread goes; held ones
     * go to the journal as it is. */
    st->snap_due = 0;
    pend_write_held(st);
    while (st->pend != NULL) {
        pend_kick(st);
        pend_synced(st, dir_sync_wait(st->sync));
    }
    st->host->unwatch_fd(st->p, dir_sync_event_fd(st->sync));
    dir_sync_stop(st->sync);
    st->sync = NULL;
}

int dir_pend_change(struct dir_state *st, const char *path, WSAQUERYSETA *nqs, uid_t owner,
                    int admin, const GUID *cls, const char *name,
                    const struct dir_delta *delta)
{
    struct dir_pend *pe;
    int              rc = WSAENOBUFS;

    if ((pe = rnr_calloc(1, sizeof *pe)) == NULL)
        goto fail;
    pe->cls = *cls;
    if ((pe->path = rnr_strdup(path)) == NULL || (pe->name = rnr_strdup(name)) == NULL)
        goto fail;
    pe->delta = *delta;
    st->rec.len = 0;
    st->rec.error = 0;
    /* Written from nqs: the entry keeps it packed. */
    if (nqs != NULL)
        dir_xml_put_entry(&st->rec, nqs, path, (long long)owner, admin != 0, 0);
    else
        dir_xml_put_del(&st->rec, path, cls, name);
    if (st->rec.error)
        goto fail;
    if (nqs != NULL && (pe->ne = dir_entry_new(nqs, owner)) == NULL)
        goto fail;
    nqs = NULL;
    if (pe->ne != NULL)
        pe->ne->admin = admin != 0;
    if (st->snap_due) {
        if ((pe->held = rnr_malloc(st->rec.len)) == NULL)
            goto fail;
        memcpy(pe->held, st->rec.data, st->rec.len);
        pe->held_len = st->rec.len;
    }
    /* The token first: once the record is written it must be answered. */
    if ((pe->pd = st->host->set_service_defer(st->p)) == NULL)
        goto fail;
    if (pe->held == NULL && (rc = dir_store_write(st->store, st->rec.data, st->rec.len)) != 0) {
        st->write_errors++;
        st->host->log(st->p, RNR_NSP_LOG_ERR, "registration refused: %s", rnr_status_text(rc));
        goto fail;      /* the token is void with this status */
    }
    *st->pend_tail = pe;
    st->pend_tail = &pe->next;
    pend_kick(st);
    return RNR_NSP_PENDING;
fail:
    rnr_free(nqs);
    pend_free(pe);
    return rc;
}
