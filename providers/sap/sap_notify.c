/* SPDX-License-Identifier: MIT */
/*
 * Change notifications (nsp.h, host->changed): local registrations as
 * they are made, changed and dropped, and what peers advertise as it
 * appears, changes, is withdrawn or expires.  A re-advertisement that
 * changes nothing is not a change: peers repeat theirs every interval.
 *
 * Visibility follows the lookups' rule (sap_query.c): under `trust =
 * admin`, a local registration of a host, address or service class that
 * is neither root's nor an admin's is flagged for its owner only, and so
 * is everything heard from the link when no key authenticates it (owner
 * nobody: no NS_ALL subscriber gets it, as no NS_ALL lookup does).
 */
#include "config.h"

#include "sap.h"

#include <string.h>

static void notify(struct sap_state *st, const struct sap_entry *e, int kind, uid_t owner,
                   int untrusted)
{
    struct sap_view v;
    unsigned flags = 0;

    if (st->host->changed == NULL)
        return;
    if (untrusted && !st->conf.trust_all && sap_resolution_class(&e->cls))
        flags |= RNR_NSP_CHANGE_GUARDED;
    sap_entry_view(e, &v);
    st->host->changed(st->p, &v.r, kind, owner, flags);
}

void sap_notify_reg(struct sap_state *st, const struct sap_reg *r, int kind)
{
    notify(st, &r->e, kind, r->uid, !sap_reg_trusted(r));
}

static int addr_same(const struct sap_addr *a, const struct sap_addr *b)
{
    return a->family == b->family && a->socktype == b->socktype &&
           a->protocol == b->protocol && a->port == b->port && a->scope == b->scope &&
           memcmp(a->addr, b->addr, a->family == 4 ? 4 : 16) == 0;
}

static int entry_same(const struct sap_entry *a, const struct sap_entry *b)
{
    unsigned i;

    if (a->naddrs != b->naddrs || a->has_version != b->has_version ||
        (a->has_version && a->version != b->version) || strcmp(a->comment, b->comment) != 0)
        return 0;
    for (i = 0; i < a->naddrs; i++)
        if (!addr_same(&a->addrs[i], &b->addrs[i]))
            return 0;
    return 1;
}

void sap_notify_heard(struct sap_state *st, const struct sap_entry *old,
                      const struct sap_entry *e)
{
    if (old != NULL && entry_same(old, e))
        return;
    notify(st, e, RNR_NSP_CHANGE_ADD, (uid_t)-1, st->conf.keylen == 0);
}

void sap_notify_gone(struct sap_state *st, const struct sap_tentry *t)
{
    struct sap_entry e;

    sap_tentry_to_entry(t, &e);
    notify(st, &e, RNR_NSP_CHANGE_REMOVE, (uid_t)-1, st->conf.keylen == 0);
}
