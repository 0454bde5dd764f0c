/* SPDX-License-Identifier: MIT */
/*
 * The directory in memory: containers (nodes) addressed by context paths
 * with "\" separators, and the entries (registered services) inside them.
 * Containers exist while they hold something: they are created with the
 * first entry below them and pruned when the last one goes, so the store
 * only records entries.
 *
 * Names and path components compare ASCII case-insensitively and keep the
 * case they were first written with.  Two hash indexes keep lookups
 * independent of the size: nodes by (parent, name), entries by name.
 */
#ifndef RNR_DIR_TREE_H
#define RNR_DIR_TREE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <rnr/winsock2.h>

#define DIR_MAX_DEPTH     64u
#define DIR_MAX_COMPONENT 255u

struct dir_hlink {
    struct dir_hlink *next;
    uint32_t          hash;
};

struct dir_hash {
    struct dir_hlink **b;
    size_t             nb;     /* a power of two */
    size_t             n;
};

struct dir_entry;

/* One IP address of an entry in the tree's address index (reverse
 * lookups): csaddr is the index of its CSADDR_INFO in the entry, off
 * where its remote address lies in the entry's packed data (in what
 * would be padding otherwise). */
struct dir_alink {
    struct dir_hlink  h;                    /* tree->addrs */
    struct dir_entry *e;
    uint32_t          csaddr;
    uint32_t          off;
};

/* The distinct addresses of one entry the index holds at most. */
#define DIR_MAX_INDEXED_ADDRS 256u

struct dir_node {
    struct dir_hlink  h;                    /* tree->nodes */
    struct dir_node  *parent;               /* NULL for the root */
    struct dir_node  *child_first, *child_last, *prev, *next;
    struct dir_entry *ent_first, *ent_last;
    size_t            nchildren, nentries;
    char             *name;                 /* "" for the root */
    char             *path;                 /* "\" or "\a\b" */
};

/* An entry is one allocation: this head, the slots of its address links
 * (min(ncsaddrs, DIR_MAX_INDEXED_ADDRS) of them), then its query set in a
 * packed form (dir_entry.c) expanded into a WSAQUERYSETA only when the
 * entry is served: a store of small entries otherwise spends more on the
 * query set's pointers than on its data. */
struct dir_entry {
    struct dir_hlink  h;                    /* tree->entries, by name */
    struct dir_entry *prev, *next;          /* in node */
    struct dir_node  *node;
    uid_t             owner;
    /* The owner was an administrator (admin-group) when it last wrote
     * the entry.  Fits in the padding after owner: no cost per entry. */
    unsigned char     admin;
    unsigned char     has;                  /* which optional parts the packed data holds */
    uint16_t          nalinks;              /* its distinct IPv4/IPv6 addresses */
    uint32_t          ncsaddrs;
    uint32_t          qbytes;               /* rnr_qs_flat_size of the query set expanded */
    GUID              cls;
};

/* What one owner's entries take, for the quotas (dir_set.c). */
struct dir_usage {
    uid_t    uid;
    int      used;                          /* the slot holds a uid */
    uint64_t entries;
    uint64_t bytes;                         /* dir_entry_bytes, summed */
};

/* A walk over nodes and their entries that may stop half-way and go on
 * later (a lookup paused for a client that does not read).  While it is
 * added to the tree, removals keep it valid: it goes on from what
 * followed whatever was removed; entries added meanwhile may or may not
 * be visited. */
struct dir_cursor {
    struct dir_cursor     *prev, *next;     /* tree->cursors */
    const struct dir_node *top;             /* where the walk is; NULL once removed */
    struct dir_node       *node;            /* the next node to visit, NULL: done */
    struct dir_entry      *entry;           /* node's next entry, NULL: node done */
    int                    deep;            /* all of top's subtree, else its children */
};

struct dir_tree {
    struct dir_node   root;
    struct dir_hash   nodes;
    struct dir_hash   entries;
    struct dir_hash   addrs;                /* dir_alink, by address */
    size_t            nentries;
    size_t            nnodes;               /* without the root */
    /* Per owner, open addressing; a uid once seen keeps its slot. */
    struct dir_usage *usage;
    size_t            nusage_slots;         /* a power of two, or 0 */
    size_t            nusage;
    struct dir_cursor *cursors;             /* walks under way */
    uint64_t          seed;                 /* of every index's hash */
};

/* A parsed context: components point into `buf`. */
struct dir_path {
    char        buf[4097];
    const char *comp[DIR_MAX_DEPTH];
    size_t      n;
};

/* Parses `context`: NULL or "" is `dflt` (itself an absolute path), a
 * path starting with "\" is absolute, any other is relative to `dflt`.
 * Empty components ("\\", a trailing "\") are ignored.  0, or WSAEINVAL
 * (too deep, a component too long, or not XML text). */
int dir_path_parse(const char *context, const char *dflt, struct dir_path *out);

void dir_tree_init(struct dir_tree *t);
void dir_tree_clear(struct dir_tree *t);     /* frees every node and entry */

/* The node at path, or NULL. */
struct dir_node *dir_tree_find_node(struct dir_tree *t, const struct dir_path *path);
/* The node at path, creating the missing ones.  0 or WSAENOBUFS. */
int dir_tree_make_node(struct dir_tree *t, const struct dir_path *path, struct dir_node **out);
/* Removes node and its ancestors while they hold nothing. */
void dir_tree_prune(struct dir_tree *t, struct dir_node *node);
/* Is node `n` `anc` or below it? */
int dir_node_within(const struct dir_node *n, const struct dir_node *anc);
/* Preorder successor of n below `top` (NULL when done). */
struct dir_node *dir_node_next(const struct dir_node *n, const struct dir_node *top);

/* Case-insensitive hash of a name, as the entry index uses it: seeded
 * per tree (nsp/hash.h), so names chosen to collide do not. */
uint32_t dir_name_hash(const struct dir_tree *t, const char *name);
/* The first entry of the index chain that may hold `name`; follow with
 * dir_tree_name_next (callers compare names themselves). */
struct dir_entry *dir_tree_name_first(const struct dir_tree *t, const char *name, uint32_t hash);
struct dir_entry *dir_tree_name_next(const struct dir_entry *e, uint32_t hash);

/* The hash of an IPv4 or IPv6 address (af and its 4 or 16 bytes), as the
 * address index uses it, and the address link l stands for: its bytes
 * (not aligned) and family. */
uint32_t dir_addr_hash(const struct dir_tree *t, int af, const void *bytes);
const void *dir_alink_addr(const struct dir_alink *l, int *af);
/* e's address links (e->nalinks of them). */
struct dir_alink *dir_entry_links(struct dir_entry *e);
/* The first link of the index chain that may hold the address; follow
 * with dir_tree_addr_next (callers compare addresses themselves). */
struct dir_alink *dir_tree_addr_first(const struct dir_tree *t, uint32_t hash);
struct dir_alink *dir_tree_addr_next(const struct dir_alink *l, uint32_t hash);

struct dir_entry *dir_tree_find_entry(const struct dir_tree *t, const struct dir_node *node,
                                      const GUID *cls, const char *name);
/* A new entry holding a copy of qs without its context (packed, one
 * allocation with the entry), its addresses ready for the index; qs
 * (allocated) is freed on success and left to the caller on failure
 * (NULL: ENOMEM, or no name or class).  `admin` is 0; the caller sets it. */
struct dir_entry *dir_entry_new(WSAQUERYSETA *qs, uid_t owner);
void dir_entry_free(struct dir_entry *e);     /* accepts NULL */
/* What the packed form answers without expanding it. */
const GUID *dir_entry_class(const struct dir_entry *e);
const char *dir_entry_name(const struct dir_entry *e);
const WSAVERSION *dir_entry_version(const struct dir_entry *e);     /* NULL: none */
DWORD dir_entry_naddrs(const struct dir_entry *e);
/* e's query set as it was stored (no context): one allocation, freed
 * with rnr_free.  0 or WSA_NOT_ENOUGH_MEMORY. */
int dir_entry_expand(const struct dir_entry *e, WSAQUERYSETA **out);
/* Served to every caller's host and service lookups (directory.h, trust):
 * root's entries and those an administrator wrote as its owner. */
static inline int dir_entry_trusted(const struct dir_entry *e)
{
    return e->owner == 0 || e->admin;
}
/* What an entry counts against its owner's quota-bytes: the size of its
 * query set in memory (fixed part, strings, version, blob, addresses). */
uint64_t dir_entry_bytes(const struct dir_entry *e);
/* Links e into node (replacing `old` in place when non-NULL, which is
 * then unlinked and freed).  Never fails; call dir_tree_usage_reserve for
 * e's owner first, else an owner the tree cannot record when out of
 * memory goes uncounted. */
void dir_tree_put(struct dir_tree *t, struct dir_node *node, struct dir_entry *e,
                  struct dir_entry *old);
/* Unlinks and frees e, pruning its container when it became empty. */
void dir_tree_remove(struct dir_tree *t, struct dir_entry *e);

/* A cursor joins (its fields set) or leaves the walks removals fix up. */
void dir_tree_cursor_add(struct dir_tree *t, struct dir_cursor *c);
void dir_tree_cursor_del(struct dir_tree *t, struct dir_cursor *c);

/* Makes room to count uid's entries: 0 or WSAENOBUFS. */
int  dir_tree_usage_reserve(struct dir_tree *t, uid_t uid);
/* The entries uid owns in the tree and their bytes (0 and 0 for none). */
void dir_tree_usage(const struct dir_tree *t, uid_t uid, uint64_t *entries, uint64_t *bytes);

#endif
