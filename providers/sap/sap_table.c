/* SPDX-License-Identifier: MIT */
/*
 * The remote service table.  Entries live on one list (oldest first, for
 * enumeration and expiry sweeps) and on hash chains keyed by (sender,
 * class, name); senders have their own small hash for the per-sender
 * bound and the sequence check.  Nothing is ever evicted to make room:
 * a flood of forged senders fills the table and is then dropped, while
 * the services already known keep refreshing.  Senders are bounded too:
 * one without entries goes only once the freshness window guarantees
 * that no packet it ever sent can be accepted again.
 */
#include "config.h"

#include "sap_table.h"
#include "alloc.h"
#include "guid.h"
#include "hash.h"

#include <string.h>

/* A sender outlives its last entry (count 0) for the keep time, so that
 * its sequence still refuses replays of what it withdrew.  Senders
 * without entries are on a list ordered by `touched`, oldest first. */
struct sap_sender {
    struct sap_sender *hnext;
    struct sap_sender *enext, *eprev;   /* the empty list (count 0) */
    uint64_t id;
    uint32_t last_seq;
    size_t   count;
    uint64_t touched;            /* last heard from, or lost its last entry */
};

/* Default keep time: twice the default clock window and a second. */
#define SAP_SENDER_KEEP_DEFAULT_MS 61000u

struct sap_table {
    struct sap_tentry  *head, *tail;
    struct sap_tentry **buckets;
    struct sap_sender **sbuckets;
    size_t nbuckets;             /* power of two, for both hashes */
    size_t count;
    size_t max_entries;
    size_t max_per_sender;
    size_t bytes;                /* names, comments, addresses */
    size_t nsenders;
    struct sap_sender *ehead, *etail;
    uint64_t keep_ms;
    uint64_t now_ms;             /* the latest time a caller gave */
    uint64_t seed;               /* of both hashes, random per table */
};

/* Senders and names come off the network: the hashes are seeded per
 * table so nobody can choose keys that pile into one chain. */
static size_t key_hash(const struct sap_table *t, uint64_t sender, const GUID *cls,
                       const char *name)
{
    uint64_t h;

    h = rnr_hash64(t->seed, &sender, sizeof sender);
    h = rnr_hash64(h, cls, sizeof *cls);
    h = rnr_hash64(h, name, strlen(name));
    return (size_t)h & (t->nbuckets - 1);
}

static size_t sender_hash_n(const struct sap_table *t, uint64_t sender, size_t nbuckets)
{
    return (size_t)rnr_hash64(t->seed, &sender, sizeof sender) & (nbuckets - 1);
}

static size_t sender_hash(const struct sap_table *t, uint64_t sender)
{
    return sender_hash_n(t, sender, t->nbuckets);
}

static size_t buckets_for(size_t max_entries)
{
    size_t n = 64;

    while (n < max_entries && n < ((size_t)1 << 20))
        n <<= 1;
    return n;
}

struct sap_table *sap_table_new(size_t max_entries, size_t max_per_sender)
{
    struct sap_table *t = rnr_calloc(1, sizeof *t);

    if (t == NULL)
        return NULL;
    t->seed = rnr_hash_seed();
    t->nbuckets = buckets_for(max_entries);
    t->buckets = rnr_calloc(t->nbuckets, sizeof *t->buckets);
    t->sbuckets = rnr_calloc(t->nbuckets, sizeof *t->sbuckets);
    if (t->buckets == NULL || t->sbuckets == NULL) {
        sap_table_free(t);
        return NULL;
    }
    t->max_entries = max_entries;
    t->max_per_sender = max_per_sender;
    t->keep_ms = SAP_SENDER_KEEP_DEFAULT_MS;
    return t;
}

void sap_table_set_sender_keep(struct sap_table *t, uint64_t keep_ms)
{
    t->keep_ms = keep_ms;
}

/* Senders with entries are bounded by the entries; those without, by
 * this much more. */
static size_t max_senders(const struct sap_table *t)
{
    return 2 * t->max_entries + 64;
}

static void entry_free(struct sap_tentry *e)
{
    rnr_free(e->name);
    rnr_free(e->comment);
    rnr_free(e->addrs);
    rnr_free(e);
}

void sap_table_free(struct sap_table *t)
{
    struct sap_tentry *e, *next;
    size_t i;

    if (t == NULL)
        return;
    for (e = t->head; e != NULL; e = next) {
        next = e->next;
        entry_free(e);
    }
    if (t->sbuckets != NULL) {
        for (i = 0; i < t->nbuckets; i++) {
            struct sap_sender *s, *sn;

            for (s = t->sbuckets[i]; s != NULL; s = sn) {
                sn = s->hnext;
                rnr_free(s);
            }
        }
    }
    rnr_free(t->buckets);
    rnr_free(t->sbuckets);
    rnr_free(t);
}

/* Growing the hashes when the bound grows keeps chains short; shrinking
 * the bound leaves the buckets (and the entries: they expire). */
void sap_table_set_limits(struct sap_table *t, size_t max_entries, size_t max_per_sender)
{
    size_t n = buckets_for(max_entries), i;
    struct sap_tentry **nb;
    struct sap_sender **ns;
    struct sap_tentry *e;

    t->max_entries = max_entries;
    t->max_per_sender = max_per_sender;
    if (n <= t->nbuckets)
        return;
    nb = rnr_calloc(n, sizeof *nb);
    ns = rnr_calloc(n, sizeof *ns);
    if (nb == NULL || ns == NULL) {
        rnr_free(nb);
        rnr_free(ns);
        return;
    }
    for (i = 0; i < t->nbuckets; i++) {
        struct sap_sender *s, *sn;

        for (s = t->sbuckets[i]; s != NULL; s = sn) {
            size_t h = sender_hash_n(t, s->id, n);

            sn = s->hnext;
            s->hnext = ns[h];
            ns[h] = s;
        }
    }
    rnr_free(t->buckets);
    rnr_free(t->sbuckets);
    t->buckets = nb;
    t->sbuckets = ns;
    t->nbuckets = n;
    for (e = t->head; e != NULL; e = e->next) {
        size_t h = key_hash(t, e->sender_id, &e->cls, e->name);

        e->hnext = t->buckets[h];
        t->buckets[h] = e;
    }
}

static struct sap_sender *sender_find(const struct sap_table *t, uint64_t id)
{
    struct sap_sender *s;

    for (s = t->sbuckets[sender_hash(t, id)]; s != NULL; s = s->hnext)
        if (s->id == id)
            return s;
    return NULL;
}

static void empty_unlink(struct sap_table *t, struct sap_sender *s)
{
    if (s->eprev != NULL)
        s->eprev->enext = s->enext;
    else
        t->ehead = s->enext;
    if (s->enext != NULL)
        s->enext->eprev = s->eprev;
    else
        t->etail = s->eprev;
    s->enext = s->eprev = NULL;
}

/* Marks s touched now; one without entries goes to the end of the empty
 * list, which so stays ordered. */
static void sender_touch(struct sap_table *t, struct sap_sender *s)
{
    s->touched = t->now_ms;
    if (s->count > 0)
        return;
    if (t->ehead == s || s->eprev != NULL)
        empty_unlink(t, s);
    s->eprev = t->etail;
    s->enext = NULL;
    if (t->etail != NULL)
        t->etail->enext = s;
    else
        t->ehead = s;
    t->etail = s;
}

static int forgettable(const struct sap_table *t, const struct sap_sender *s)
{
    return s->count == 0 && t->now_ms >= s->touched && t->now_ms - s->touched >= t->keep_ms;
}

static void sender_drop(struct sap_table *t, struct sap_sender *s)
{
    struct sap_sender **pp = &t->sbuckets[sender_hash(t, s->id)];

    while (*pp != NULL && *pp != s)
        pp = &(*pp)->hnext;
    if (*pp != NULL)
        *pp = s->hnext;
    if (s->count == 0)
        empty_unlink(t, s);
    t->nsenders--;
    rnr_free(s);
}

/* NULL when there is no room (the oldest sender without entries is
 * forgotten for a new one only when it may be) or no memory.  A new
 * sender starts on the empty list. */
static struct sap_sender *sender_get(struct sap_table *t, uint64_t id)
{
    struct sap_sender *s = sender_find(t, id);
    size_t h;

    if (s != NULL)
        return s;
    if (t->nsenders >= max_senders(t)) {
        if (t->ehead == NULL || !forgettable(t, t->ehead))
            return NULL;
        sender_drop(t, t->ehead);
    }
    if ((s = rnr_calloc(1, sizeof *s)) == NULL)
        return NULL;
    h = sender_hash(t, id);
    s->id = id;
    s->hnext = t->sbuckets[h];
    t->sbuckets[h] = s;
    t->nsenders++;
    sender_touch(t, s);
    return s;
}

int sap_table_check_seq(struct sap_table *t, uint64_t sender, uint32_t seq, uint64_t now_ms)
{
    struct sap_sender *s = sender_find(t, sender);

    t->now_ms = now_ms;
    if (s == NULL) {
        if ((s = sender_get(t, sender)) == NULL)
            return SAP_SEQ_FULL;
        s->last_seq = seq;
        return SAP_SEQ_OK;
    }
    if (seq == s->last_seq)
        return SAP_SEQ_DUPLICATE;
    if (seq < s->last_seq)
        return SAP_SEQ_STALE;
    s->last_seq = seq;
    sender_touch(t, s);
    return SAP_SEQ_OK;
}

static struct sap_tentry **find_slot(struct sap_table *t, uint64_t sender, const GUID *cls,
                                     const char *name)
{
    struct sap_tentry **pp = &t->buckets[key_hash(t, sender, cls, name)];

    for (; *pp != NULL; pp = &(*pp)->hnext)
        if ((*pp)->sender_id == sender && rnr_guid_equal(&(*pp)->cls, cls) &&
            strcmp((*pp)->name, name) == 0)
            return pp;
    return pp;
}

static void list_unlink(struct sap_table *t, struct sap_tentry *e)
{
    if (e->prev != NULL)
        e->prev->next = e->next;
    else
        t->head = e->next;
    if (e->next != NULL)
        e->next->prev = e->prev;
    else
        t->tail = e->prev;
    e->next = e->prev = NULL;
}

static void list_append(struct sap_table *t, struct sap_tentry *e)
{
    e->prev = t->tail;
    e->next = NULL;
    if (t->tail != NULL)
        t->tail->next = e;
    else
        t->head = e;
    t->tail = e;
}

static size_t entry_bytes(const struct sap_tentry *e)
{
    return sizeof *e + strlen(e->name) + 1 + (e->comment ? strlen(e->comment) + 1 : 0) +
           e->naddrs * sizeof *e->addrs;
}

/* The variable parts, allocated before anything changes so that failure
 * leaves the old entry as it was. */
static int fill_parts(const struct sap_entry *src, char **comment, struct sap_addr **addrs)
{
    *comment = NULL;
    *addrs = NULL;
    if (src->comment[0] != '\0' && (*comment = rnr_strdup(src->comment)) == NULL)
        return -1;
    if (src->naddrs > 0) {
        *addrs = rnr_malloc(src->naddrs * sizeof **addrs);
        if (*addrs == NULL) {
            rnr_free(*comment);
            return -1;
        }
        memcpy(*addrs, src->addrs, src->naddrs * sizeof **addrs);
    }
    return 0;
}

int sap_table_update(struct sap_table *t, uint64_t sender, const struct sap_entry *src,
                     uint8_t hops, uint32_t ttl_ms, uint32_t rtt_ms, uint64_t now_ms,
                     const struct sap_tentry **out)
{
    struct sap_tentry **slot = find_slot(t, sender, &src->cls, src->name), *e = *slot;
    struct sap_sender *s;
    struct sap_addr *addrs;
    char *comment;
    int rc;

    t->now_ms = now_ms;
    if (ttl_ms > SAP_MAX_TTL_MS)
        ttl_ms = SAP_MAX_TTL_MS;
    if (e == NULL) {
        if (t->count >= t->max_entries)
            return SAP_T_FULL;
        s = sender_find(t, sender);
        if (s != NULL && s->count >= t->max_per_sender)
            return SAP_T_SENDER_FULL;
        if ((e = rnr_calloc(1, sizeof *e)) == NULL)
            return SAP_T_NOMEM;
        if ((e->name = rnr_strdup(src->name)) == NULL) {
            entry_free(e);
            return SAP_T_NOMEM;
        }
        if ((s = sender_get(t, sender)) == NULL) {
            entry_free(e);
            return SAP_T_FULL;
        }
        e->sender = s;
        e->sender_id = sender;
        e->cls = src->cls;
        e->hnext = NULL;
        *slot = e;
        if (s->count++ == 0)
            empty_unlink(t, s);
        t->count++;
        rc = SAP_T_ADDED;
    } else {
        t->bytes -= entry_bytes(e);
        list_unlink(t, e);
        rc = SAP_T_UPDATED;
    }
    if (fill_parts(src, &comment, &addrs) == 0) {
        rnr_free(e->comment);
        rnr_free(e->addrs);
        e->comment = comment;
        e->addrs = addrs;
        e->naddrs = src->naddrs;
    }
    e->sap_id = src->sap_id;
    e->has_version = src->has_version;
    e->version = src->version;
    e->hops = hops;
    /* A later advertisement does not forget a measured response time. */
    if (rtt_ms != SAP_RTT_NONE || rc == SAP_T_ADDED)
        e->rtt_ms = rtt_ms;
    e->heard_ms = now_ms;
    e->expires_ms = now_ms + ttl_ms;
    list_append(t, e);
    t->bytes += entry_bytes(e);
    if (out != NULL)
        *out = e;
    return rc;
}

static void entry_remove(struct sap_table *t, struct sap_tentry *e)
{
    struct sap_tentry **pp = find_slot(t, e->sender_id, &e->cls, e->name);
    struct sap_sender *s = e->sender;

    if (*pp == e)
        *pp = e->hnext;
    list_unlink(t, e);
    t->bytes -= entry_bytes(e);
    t->count--;
    if (--s->count == 0)
        sender_touch(t, s);
    entry_free(e);
}

int sap_table_remove(struct sap_table *t, uint64_t sender, const GUID *cls, const char *name)
{
    struct sap_tentry *e = *find_slot(t, sender, cls, name);

    if (e == NULL)
        return 0;
    entry_remove(t, e);
    return 1;
}

const struct sap_tentry *sap_table_find(struct sap_table *t, uint64_t sender, const GUID *cls,
                                        const char *name)
{
    return *find_slot(t, sender, cls, name);
}

size_t sap_table_expire_each(struct sap_table *t, uint64_t now_ms,
                             void (*gone)(void *arg, const struct sap_tentry *e), void *arg)
{
    struct sap_tentry *e, *next;
    size_t n = 0;

    t->now_ms = now_ms;
    for (e = t->head; e != NULL; e = next) {
        next = e->next;
        if (e->expires_ms <= now_ms) {
            if (gone != NULL)
                gone(arg, e);
            entry_remove(t, e);
            n++;
        }
    }
    return n;
}

size_t sap_table_expire(struct sap_table *t, uint64_t now_ms)
{
    return sap_table_expire_each(t, now_ms, NULL, NULL);
}

size_t sap_table_forget_senders(struct sap_table *t, uint64_t now_ms)
{
    size_t n = 0;

    t->now_ms = now_ms;
    while (t->ehead != NULL && forgettable(t, t->ehead)) {
        sender_drop(t, t->ehead);
        n++;
    }
    return n;
}

size_t sap_table_senders(const struct sap_table *t)
{
    return t->nsenders;
}

size_t sap_table_count(const struct sap_table *t)
{
    return t->count;
}

size_t sap_table_sender_count(const struct sap_table *t, uint64_t sender)
{
    const struct sap_sender *s = sender_find(t, sender);

    return s != NULL ? s->count : 0;
}

size_t sap_table_memory(const struct sap_table *t)
{
    return sizeof *t + t->bytes + t->nbuckets * (sizeof *t->buckets + sizeof *t->sbuckets);
}

const struct sap_tentry *sap_table_first(const struct sap_table *t)
{
    return t->head;
}

int sap_table_has_class(const struct sap_table *t, const GUID *cls)
{
    const struct sap_tentry *e;

    for (e = t->head; e != NULL; e = e->next)
        if (rnr_guid_equal(&e->cls, cls))
            return 1;
    return 0;
}
