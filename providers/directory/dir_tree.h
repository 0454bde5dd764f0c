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

struct dir_node {
    struct dir_hlink  h;                    /* tree->nodes */
    struct dir_node  *parent;               /* NULL for the root */
    struct dir_node  *child_first, *child_last, *prev, *next;
    struct dir_entry *ent_first, *ent_last;
    size_t            nchildren, nentries;
    char             *name;                 /* "" for the root */
    char             *path;                 /* "\" or "\a\b" */
};

struct dir_entry {
    struct dir_hlink  h;                    /* tree->entries, by name */
    struct dir_entry *prev, *next;          /* in node */
    struct dir_node  *node;
    uid_t             owner;
    WSAQUERYSETA     *qs;                   /* flat; lpszContext NULL */
};

struct dir_tree {
    struct dir_node root;
    struct dir_hash nodes;
    struct dir_hash entries;
    size_t          nentries;
    size_t          nnodes;                 /* without the root */
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

/* Case-insensitive hash of a name, as the entry index uses it. */
uint32_t dir_name_hash(const char *name);
/* The first entry of the index chain that may hold `name`; follow with
 * dir_tree_name_next (callers compare names themselves). */
struct dir_entry *dir_tree_name_first(const struct dir_tree *t, const char *name, uint32_t hash);
struct dir_entry *dir_tree_name_next(const struct dir_entry *e, uint32_t hash);

struct dir_entry *dir_tree_find_entry(const struct dir_tree *t, const struct dir_node *node,
                                      const GUID *cls, const char *name);
/* A new entry owning qs (flat, duplicated by the caller); NULL on ENOMEM. */
struct dir_entry *dir_entry_new(WSAQUERYSETA *qs, uid_t owner);
void dir_entry_free(struct dir_entry *e);     /* accepts NULL */
/* Links e into node (replacing `old` in place when non-NULL, which is
 * then unlinked and freed).  Never fails. */
void dir_tree_put(struct dir_tree *t, struct dir_node *node, struct dir_entry *e,
                  struct dir_entry *old);
/* Unlinks and frees e, pruning its container when it became empty. */
void dir_tree_remove(struct dir_tree *t, struct dir_entry *e);

#endif
