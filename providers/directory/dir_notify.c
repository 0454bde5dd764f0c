/* SPDX-License-Identifier: MIT */
/*
 * Change notifications (nsp.h, host->changed and ops.change_matches):
 * every registration, update and deregistration, once memory holds it
 * (at once, or when its durable write completes, dir_pend.c), is told
 * to rnrd with the context it lives in, its owner, and whether lookups
 * through NS_ALL withhold it from other users (`trust = admin`,
 * dir_query.c): rnrd applies that rule per subscriber.  Containers come
 * and go with their entries and are not reported.
 *
 * RNRSERVICE_DEREGISTER keeps the instance with no address (dir_set.c):
 * nobody can reach it any more, so subscribers are told it was removed
 * when it loses its last address, and get an addition when it is
 * registered again.  A new instance is an addition, addresses or not.
 */
#include "config.h"

#include "directory.h"

#include <string.h>
#include <strings.h>

#include "alloc.h"
#include "guid.h"
#include "queryset.h"

void dir_notify(struct dir_state *st, const struct dir_entry *e, int kind)
{
    WSAQUERYSETA *r;
    unsigned      flags = 0;

    if (st->host->changed == NULL)
        return;
    if (dir_entry_expand(e, &r) != 0) {
        st->host->log(st->p, RNR_NSP_LOG_WARNING, "a change notification was lost: out of memory");
        return;
    }
    r->lpszContext = e->node->path;
    if (!st->policy.trust_all && !dir_entry_trusted(e) &&
        dir_resolution_class(dir_entry_class(e)))
        flags |= RNR_NSP_CHANGE_GUARDED;
    st->host->changed(st->p, r, kind, e->owner, flags);
    rnr_free(r);
}

void dir_notify_put(struct dir_state *st, const struct dir_entry *e, long was_naddrs)
{
    if (dir_entry_naddrs(e) > 0 || was_naddrs < 0)
        dir_notify(st, e, RNR_NSP_CHANGE_ADD);
    else if (was_naddrs > 0)
        dir_notify(st, e, RNR_NSP_CHANGE_REMOVE);
    /* Without addresses before and after: deregistered again, unseen. */
}

/* The canonical text of a parsed context: "\" or "\a\b". */
static void path_canon(const struct dir_path *p, char *out, size_t len)
{
    size_t i, at = 0;

    out[0] = '\0';
    for (i = 0; i < p->n && at + 1 < len; i++) {
        size_t n = strlen(p->comp[i]);

        if (at + 1 + n >= len)
            break;
        out[at++] = '\\';
        memcpy(out + at, p->comp[i], n);
        at += n;
        out[at] = '\0';
    }
    if (at == 0 && len > 1) {
        out[0] = '\\';
        out[1] = '\0';
    }
}

/* Is `ctx` (an entry's canonical context) `top`, or (deep) below it? */
static int context_within(const char *ctx, const char *top, int deep)
{
    size_t n = strlen(top);

    if (strcasecmp(ctx, top) == 0)
        return 1;
    if (!deep)
        return 0;
    if (strcmp(top, "\\") == 0)
        return 1;
    return strncasecmp(ctx, top, n) == 0 && ctx[n] == '\\';
}

int dir_change_matches(void *state, const WSAQUERYSETA *q, DWORD flags, const WSAQUERYSETA *e)
{
    static const GUID null_guid;
    struct dir_state *st = state;
    struct dir_path   path;
    char              top[sizeof path.buf + 2];
    const char       *name = q->lpszServiceInstanceName;

    if ((flags & LUP_CONTAINERS) || rnr_guid_equal(q->lpServiceClassId, &dir_container_class))
        return 0;
    if (!rnr_guid_equal(q->lpServiceClassId, &null_guid) &&
        !rnr_guid_equal(q->lpServiceClassId, e->lpServiceClassId))
        return 0;
    if (name != NULL && name[0] != '\0' && strcmp(name, "*") != 0 &&
        !(strpbrk(name, "*?") != NULL ? rnr_wildcard_match(name, e->lpszServiceInstanceName)
                                       : strcasecmp(name, e->lpszServiceInstanceName) == 0))
        return 0;
    if (e->lpszContext == NULL ||
        dir_path_parse(q->lpszContext, st->default_context, &path) != 0)
        return 0;
    path_canon(&path, top, sizeof top);
    return context_within(e->lpszContext, top, (flags & LUP_DEEP) != 0);
}
