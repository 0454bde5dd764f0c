/* SPDX-License-Identifier: MIT */
/*
 * The directory in memory (dir_tree.h).
 */
#include "config.h"

#include "dir_tree.h"

#include <netinet/in.h>
#include <string.h>
#include <strings.h>

#include "alloc.h"
#include "dir_xml.h"
#include "guid.h"
#include "hash.h"
#include "queryset.h"

/* ------------------------------------------------------------ paths */

int dir_path_parse(const char *context, const char *dflt, struct dir_path *out)
{
    size_t used = 0, i;
    const char *parts[2];
    int k;

    out->n = 0;
    if (context == NULL || context[0] == '\0')
        context = dflt;
    /* A relative context continues the default one. */
    parts[0] = context[0] == '\\' ? "" : dflt;
    parts[1] = context;
    if (!dir_xml_text_ok(context))
        return WSAEINVAL;
    for (k = 0; k < 2; k++) {
        const char *s = parts[k];

        while (*s != '\0') {
            size_t len;

            while (*s == '\\')
                s++;
            for (len = 0; s[len] != '\0' && s[len] != '\\'; len++)
                ;
            if (len == 0)
                break;
            if (len > DIR_MAX_COMPONENT || out->n >= DIR_MAX_DEPTH ||
                used + len + 1 > sizeof out->buf)
                return WSAEINVAL;
            memcpy(out->buf + used, s, len);
            out->buf[used + len] = '\0';
            out->comp[out->n++] = out->buf + used;
            used += len + 1;
            s += len;
        }
    }
    for (i = 0; i < out->n; i++)
        if (strchr(out->comp[i], '\n') != NULL || strchr(out->comp[i], '\r') != NULL)
            return WSAEINVAL;
    return 0;
}

/* ------------------------------------------------------------ hashing */

/* Names are hashed case-folded, in chunks through the seeded hash
 * (nsp/hash.h): the same name in any case and any length hashes alike,
 * and names chosen to share an FNV bucket do not share one here. */
uint32_t dir_name_hash(const struct dir_tree *t, const char *name)
{
    unsigned char buf[64];
    uint64_t      h = t->seed;
    size_t        n;

    do {
        for (n = 0; n < sizeof buf && name[n] != '\0'; n++) {
            unsigned char c = (unsigned char)name[n];

            buf[n] = c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
        }
        h = rnr_hash64(h, buf, n);
        name += n;
    } while (*name != '\0');
    return (uint32_t)h;
}

static uint32_t node_hash(const struct dir_tree *t, const struct dir_node *parent,
                          const char *name)
{
    uint64_t h = dir_name_hash(t, name);

    return (uint32_t)rnr_hash64(h, &parent, sizeof parent);
}

static void hash_grow(struct dir_hash *h)
{
    size_t nb = h->nb ? h->nb * 2 : 64, i;
    struct dir_hlink **b = rnr_calloc(nb, sizeof *b);

    /* Without memory the chains just get longer. */
    if (b == NULL)
        return;
    for (i = 0; i < h->nb; i++) {
        struct dir_hlink *l = h->b[i], *next;

        for (; l != NULL; l = next) {
            next = l->next;
            l->next = b[l->hash & (nb - 1)];
            b[l->hash & (nb - 1)] = l;
        }
    }
    rnr_free(h->b);
    h->b = b;
    h->nb = nb;
}

static void hash_add(struct dir_hash *h, struct dir_hlink *l)
{
    struct dir_hlink **slot;

    if (h->n >= h->nb)
        hash_grow(h);
    if (h->nb == 0)
        return;   /* cannot happen after a successful first grow */
    slot = &h->b[l->hash & (h->nb - 1)];
    l->next = *slot;
    *slot = l;
    h->n++;
}

static void hash_del(struct dir_hash *h, struct dir_hlink *l)
{
    struct dir_hlink **pp;

    if (h->nb == 0)
        return;
    for (pp = &h->b[l->hash & (h->nb - 1)]; *pp != NULL; pp = &(*pp)->next) {
        if (*pp == l) {
            *pp = l->next;
            h->n--;
            return;
        }
    }
}

static struct dir_hlink *hash_first(const struct dir_hash *h, uint32_t hash)
{
    struct dir_hlink *l;

    if (h->nb == 0)
        return NULL;
    for (l = h->b[hash & (h->nb - 1)]; l != NULL && l->hash != hash; l = l->next)
        ;
    return l;
}

static struct dir_hlink *hash_next(const struct dir_hlink *l, uint32_t hash)
{
    for (l = l->next; l != NULL && l->hash != hash; l = l->next)
        ;
    return (struct dir_hlink *)l;
}

/* ------------------------------------------------------------ tree */

void dir_tree_init(struct dir_tree *t)
{
    memset(t, 0, sizeof *t);
    t->seed = rnr_hash_seed();
    t->root.name = (char *)"";
    t->root.path = (char *)"\\";
}

static void node_free_subtree(struct dir_node *n)
{
    struct dir_node  *c, *cn;
    struct dir_entry *e, *en;

    for (c = n->child_first; c != NULL; c = cn) {
        cn = c->next;
        node_free_subtree(c);
    }
    for (e = n->ent_first; e != NULL; e = en) {
        en = e->next;
        dir_entry_free(e);
    }
    if (n->parent != NULL) {
        rnr_free(n->name);
        rnr_free(n->path);
        rnr_free(n);
    }
}

void dir_tree_clear(struct dir_tree *t)
{
    struct dir_cursor *c, *cursors = t->cursors;

    node_free_subtree(&t->root);
    rnr_free(t->nodes.b);
    rnr_free(t->entries.b);
    rnr_free(t->addrs.b);
    rnr_free(t->usage);
    dir_tree_init(t);
    /* Walks still added end here, and can still be deleted. */
    t->cursors = cursors;
    for (c = cursors; c != NULL; c = c->next) {
        c->top = NULL;
        c->node = NULL;
        c->entry = NULL;
    }
}

/* ------------------------------------------------------------ cursors */

void dir_tree_cursor_add(struct dir_tree *t, struct dir_cursor *c)
{
    c->prev = NULL;
    c->next = t->cursors;
    if (t->cursors != NULL)
        t->cursors->prev = c;
    t->cursors = c;
}

void dir_tree_cursor_del(struct dir_tree *t, struct dir_cursor *c)
{
    if (c->prev != NULL)
        c->prev->next = c->next;
    else if (t->cursors == c)
        t->cursors = c->next;
    if (c->next != NULL)
        c->next->prev = c->prev;
    c->prev = c->next = NULL;
}

/* e leaves its container; `by` takes its place, or nothing does.  Walks
 * that were to visit e next visit its successor instead. */
static void cursors_entry_gone(const struct dir_tree *t, const struct dir_entry *e,
                               struct dir_entry *by)
{
    struct dir_cursor *c;

    for (c = t->cursors; c != NULL; c = c->next)
        if (c->entry == e)
            c->entry = by != NULL ? by : e->next;
}

/* n, empty and childless, leaves the tree.  Walks that were to visit it
 * next go on from the node after it; a walk of n's own subtree ends. */
static void cursors_node_gone(const struct dir_tree *t, const struct dir_node *n)
{
    struct dir_cursor *c;

    for (c = t->cursors; c != NULL; c = c->next) {
        if (c->top == n) {
            c->top = NULL;
            c->node = NULL;
            c->entry = NULL;
        } else if (c->node == n) {
            c->node = c->deep ? dir_node_next(n, c->top) : n->next;
            c->entry = c->node != NULL ? c->node->ent_first : NULL;
        }
    }
}

static struct dir_node *child_find(const struct dir_tree *t, const struct dir_node *parent,
                                   const char *name)
{
    uint32_t h = node_hash(t, parent, name);
    struct dir_hlink *l;

    for (l = hash_first(&t->nodes, h); l != NULL; l = hash_next(l, h)) {
        struct dir_node *n = (struct dir_node *)l;

        if (n->parent == parent && strcasecmp(n->name, name) == 0)
            return n;
    }
    return NULL;
}

struct dir_node *dir_tree_find_node(struct dir_tree *t, const struct dir_path *path)
{
    struct dir_node *n = &t->root;
    size_t i;

    for (i = 0; i < path->n && n != NULL; i++)
        n = child_find(t, n, path->comp[i]);
    return n;
}

static struct dir_node *node_new(struct dir_node *parent, const char *name)
{
    struct dir_node *n = rnr_calloc(1, sizeof *n);
    size_t plen = strlen(parent->path), nlen = strlen(name);

    if (n == NULL)
        return NULL;
    n->name = rnr_strdup(name);
    n->path = rnr_malloc(plen + nlen + 2);
    if (n->name == NULL || n->path == NULL) {
        rnr_free(n->name);
        rnr_free(n->path);
        rnr_free(n);
        return NULL;
    }
    /* The root's path is "\", every other one "\a\b". */
    if (parent->parent == NULL)
        plen = 0;
    memcpy(n->path, parent->path, plen);
    n->path[plen] = '\\';
    memcpy(n->path + plen + 1, name, nlen + 1);
    n->parent = parent;
    return n;
}

int dir_tree_make_node(struct dir_tree *t, const struct dir_path *path, struct dir_node **out)
{
    struct dir_node *n = &t->root, *c;
    size_t i;

    for (i = 0; i < path->n; i++) {
        c = child_find(t, n, path->comp[i]);
        if (c == NULL) {
            if ((c = node_new(n, path->comp[i])) == NULL) {
                dir_tree_prune(t, n);
                return WSAENOBUFS;
            }
            c->h.hash = node_hash(t, n, c->name);
            hash_add(&t->nodes, &c->h);
            c->prev = n->child_last;
            if (n->child_last != NULL)
                n->child_last->next = c;
            else
                n->child_first = c;
            n->child_last = c;
            n->nchildren++;
            t->nnodes++;
        }
        n = c;
    }
    *out = n;
    return 0;
}

void dir_tree_prune(struct dir_tree *t, struct dir_node *n)
{
    while (n != NULL && n->parent != NULL && n->nchildren == 0 && n->nentries == 0) {
        struct dir_node *p = n->parent;

        cursors_node_gone(t, n);
        hash_del(&t->nodes, &n->h);
        if (n->prev != NULL)
            n->prev->next = n->next;
        else
            p->child_first = n->next;
        if (n->next != NULL)
            n->next->prev = n->prev;
        else
            p->child_last = n->prev;
        p->nchildren--;
        t->nnodes--;
        rnr_free(n->name);
        rnr_free(n->path);
        rnr_free(n);
        n = p;
    }
}

int dir_node_within(const struct dir_node *n, const struct dir_node *anc)
{
    for (; n != NULL; n = n->parent)
        if (n == anc)
            return 1;
    return 0;
}

struct dir_node *dir_node_next(const struct dir_node *n, const struct dir_node *top)
{
    if (n->child_first != NULL)
        return n->child_first;
    for (; n != NULL && n != top; n = n->parent)
        if (n->next != NULL)
            return n->next;
    return NULL;
}

/* ------------------------------------------------------------ usage */

/* uid's slot, or the free one where it would go.  There is always a free
 * slot: the table grows at half full and, short of memory, takes no more
 * than one less than its size. */
static size_t usage_slot(const struct dir_tree *t, uid_t uid)
{
    size_t mask = t->nusage_slots - 1, i = ((uint32_t)uid * 2654435761u) & mask;

    while (t->usage[i].used && t->usage[i].uid != uid)
        i = (i + 1) & mask;
    return i;
}

static struct dir_usage *usage_find(const struct dir_tree *t, uid_t uid)
{
    size_t i;

    if (t->nusage_slots == 0)
        return NULL;
    i = usage_slot(t, uid);
    return t->usage[i].used ? &t->usage[i] : NULL;
}

int dir_tree_usage_reserve(struct dir_tree *t, uid_t uid)
{
    struct dir_usage *old = t->usage, *u;
    size_t            oldn = t->nusage_slots, n, i;

    if (usage_find(t, uid) != NULL)
        return 0;
    if ((t->nusage + 1) * 2 > oldn) {
        n = oldn != 0 ? oldn * 2 : 16;
        if ((u = rnr_calloc(n, sizeof *u)) == NULL) {
            if (t->nusage + 1 >= oldn)
                return WSAENOBUFS;
        } else {
            t->usage = u;
            t->nusage_slots = n;
            for (i = 0; i < oldn; i++)
                if (old[i].used)
                    t->usage[usage_slot(t, old[i].uid)] = old[i];
            rnr_free(old);
        }
    }
    i = usage_slot(t, uid);
    memset(&t->usage[i], 0, sizeof t->usage[i]);
    t->usage[i].used = 1;
    t->usage[i].uid = uid;
    t->nusage++;
    return 0;
}

void dir_tree_usage(const struct dir_tree *t, uid_t uid, uint64_t *entries, uint64_t *bytes)
{
    const struct dir_usage *u = usage_find(t, uid);

    *entries = u != NULL ? u->entries : 0;
    *bytes = u != NULL ? u->bytes : 0;
}

/* e joins (sign > 0) or leaves its owner's count. */
static void usage_count(struct dir_tree *t, const struct dir_entry *e, int sign)
{
    struct dir_usage *u = usage_find(t, e->owner);
    uint64_t          b = dir_entry_bytes(e);

    if (u == NULL && dir_tree_usage_reserve(t, e->owner) == 0)
        u = usage_find(t, e->owner);
    if (u == NULL)
        return;     /* out of memory before it was reserved: uncounted */
    if (sign > 0) {
        u->entries++;
        u->bytes += b;
        return;
    }
    /* An entry counted nowhere (see above) must not wrap the figures. */
    u->entries -= u->entries > 0 ? 1 : 0;
    u->bytes -= u->bytes >= b ? b : u->bytes;
}

/* ------------------------------------------------------------ entries */

struct dir_entry *dir_tree_name_first(const struct dir_tree *t, const char *name, uint32_t hash)
{
    (void)name;
    return (struct dir_entry *)hash_first(&t->entries, hash);
}

struct dir_entry *dir_tree_name_next(const struct dir_entry *e, uint32_t hash)
{
    return (struct dir_entry *)hash_next(&e->h, hash);
}

struct dir_entry *dir_tree_find_entry(const struct dir_tree *t, const struct dir_node *node,
                                      const GUID *cls, const char *name)
{
    uint32_t h = dir_name_hash(t, name);
    struct dir_entry *e;

    for (e = dir_tree_name_first(t, name, h); e != NULL; e = dir_tree_name_next(e, h))
        if (e->node == node && rnr_guid_equal(dir_entry_class(e), cls) &&
            strcasecmp(dir_entry_name(e), name) == 0)
            return e;
    return NULL;
}

/* ------------------------------------------------------------ addresses */

uint32_t dir_addr_hash(const struct dir_tree *t, int af, const void *bytes)
{
    unsigned char key[17];

    key[0] = (unsigned char)af;
    memcpy(key + 1, bytes, af == AF_INET6 ? 16 : 4);
    return (uint32_t)rnr_hash64(t->seed, key, af == AF_INET6 ? 17 : 5);
}

struct dir_alink *dir_tree_addr_first(const struct dir_tree *t, uint32_t hash)
{
    return (struct dir_alink *)hash_first(&t->addrs, hash);
}

struct dir_alink *dir_tree_addr_next(const struct dir_alink *l, uint32_t hash)
{
    return (struct dir_alink *)hash_next(&l->h, hash);
}

/* The hashes are the tree's (seeded): taken only as e joins it. */
static void entry_link(struct dir_tree *t, struct dir_entry *e)
{
    uint32_t i;
    int      af = AF_UNSPEC;

    e->h.hash = dir_name_hash(t, dir_entry_name(e));
    hash_add(&t->entries, &e->h);
    for (i = 0; i < e->nalinks; i++) {
        struct dir_alink *l = &dir_entry_links(e)[i];
        const void *a = dir_alink_addr(l, &af);

        l->h.hash = dir_addr_hash(t, af, a);
        hash_add(&t->addrs, &l->h);
    }
}

static void entry_addrs_unlink(struct dir_tree *t, struct dir_entry *e)
{
    uint32_t i;

    for (i = 0; i < e->nalinks; i++)
        hash_del(&t->addrs, &dir_entry_links(e)[i].h);
}

/* ------------------------------------------------------------ entries */

static void entry_unlink(struct dir_tree *t, struct dir_entry *e)
{
    struct dir_node *n = e->node;

    cursors_entry_gone(t, e, NULL);
    usage_count(t, e, -1);
    hash_del(&t->entries, &e->h);
    entry_addrs_unlink(t, e);
    if (e->prev != NULL)
        e->prev->next = e->next;
    else
        n->ent_first = e->next;
    if (e->next != NULL)
        e->next->prev = e->prev;
    else
        n->ent_last = e->prev;
    n->nentries--;
    t->nentries--;
}

void dir_tree_put(struct dir_tree *t, struct dir_node *node, struct dir_entry *e,
                  struct dir_entry *old)
{
    e->node = node;
    if (old != NULL && old->node == node) {
        /* In place: the container's order stays stable across updates. */
        cursors_entry_gone(t, old, e);
        e->prev = old->prev;
        e->next = old->next;
        if (e->prev != NULL)
            e->prev->next = e;
        else
            node->ent_first = e;
        if (e->next != NULL)
            e->next->prev = e;
        else
            node->ent_last = e;
        hash_del(&t->entries, &old->h);
        entry_addrs_unlink(t, old);
        entry_link(t, e);
        usage_count(t, old, -1);
        usage_count(t, e, 1);
        dir_entry_free(old);
        return;
    }
    e->next = NULL;
    e->prev = node->ent_last;
    if (node->ent_last != NULL)
        node->ent_last->next = e;
    else
        node->ent_first = e;
    node->ent_last = e;
    node->nentries++;
    t->nentries++;
    entry_link(t, e);
    usage_count(t, e, 1);
    /* Linked first, so pruning old's container cannot take node along. */
    if (old != NULL)
        dir_tree_remove(t, old);
}

void dir_tree_remove(struct dir_tree *t, struct dir_entry *e)
{
    struct dir_node *n = e->node;

    entry_unlink(t, e);
    dir_entry_free(e);
    dir_tree_prune(t, n);
}
