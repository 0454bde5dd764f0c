/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the directory store's loader (providers/directory/
 * dir_load.c) on whatever a state directory may hold after a crash, a
 * disk error or a hostile edit.  The input becomes journal.1 (or, when
 * its first byte is 'S', snapshot.1 followed by the rest as journal.1;
 * with 'F', snapshot.2 followed by journal.1, so that a snapshot failing
 * its check falls back to the journal before it) in a private directory; every record that loads goes into a real tree
 * the way the provider applies it, then a snapshot is written and read
 * back, and the two loads must agree.
 *
 * Build: see fuzz/ (one target per file, LLVMFuzzerTestOneInput);
 * seeds in fuzz/corpus/directory_store/.
 */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "dir_store.h"
#include "dir_tree.h"
#include "dir_xml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64];

static void quiet(struct rnr_nsp_provider *p, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void quiet(struct rnr_nsp_provider *p, int level, const char *fmt, ...)
{
    (void)p;
    (void)level;
    (void)fmt;
}

/* What directory.c does with a record, minus the daemon. */
static int apply(void *ctx, struct dir_xml_rec *rec)
{
    struct dir_tree  *t = ctx;
    struct dir_path   path;
    struct dir_node  *node;
    struct dir_entry *old, *e;

    if (dir_path_parse(rec->qs->lpszContext, "\\", &path) != 0)
        return WSAEINVAL;
    node = dir_tree_find_node(t, &path);
    old = node ? dir_tree_find_entry(t, node, rec->qs->lpServiceClassId,
                                     rec->qs->lpszServiceInstanceName) : NULL;
    if (rec->del) {
        if (old != NULL)
            dir_tree_remove(t, old);
        return 0;
    }
    if (node == NULL && dir_tree_make_node(t, &path, &node) != 0)
        return WSAENOBUFS;
    rec->qs->lpszContext = NULL;
    if ((e = dir_entry_new(rec->qs, 0)) == NULL) {
        dir_tree_prune(t, node);
        return WSAENOBUFS;
    }
    rec->qs = NULL;
    dir_tree_put(t, node, e, old);
    return 0;
}

static int dump(void *ctx, struct dir_store *s)
{
    struct dir_tree        *t = ctx;
    const struct dir_node  *n;
    const struct dir_entry *e;
    struct dir_text         x;

    dir_text_init(&x);
    for (n = &t->root; n != NULL; n = dir_node_next(n, &t->root))
        for (e = n->ent_first; e != NULL; e = e->next) {
            WSAQUERYSETA *qs;

            if (dir_entry_expand(e, &qs) != 0)
                continue;
            x.len = 0;
            dir_xml_put_entry(&x, qs, n->path, 0, e->admin, 0);
            rnr_free(qs);
            if (!x.error)
                dir_store_snap_put(s, x.data, x.len);
        }
    dir_text_free(&x);
    return 0;
}

static void write_file(const char *name, const uint8_t *p, size_t n)
{
    char path[128];
    int  fd;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0)
        abort();
    if (n > 0 && write(fd, p, n) != (ssize_t)n)
        abort();
    close(fd);
}

/* Every file of the directory (a snapshot renamed aside included). */
static void clean(void)
{
    DIR           *d = opendir(dir);
    struct dirent *de;

    if (d == NULL)
        return;
    while ((de = readdir(d)) != NULL)
        if (de->d_name[0] != '.')
            unlinkat(dirfd(d), de->d_name, 0);
    closedir(d);
}

/* The directory goes with the process (corpus replays in `make check`
 * ran once per build and left one behind each time). */
static void remove_dir(void)
{
    clean();
    rmdir(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dir_store_cb cb = { NULL, quiet, NULL, apply };
    struct dir_store   *s = NULL;
    struct dir_tree     t1, t2;
    size_t              split = 0;

    if (dir[0] == '\0') {
        snprintf(dir, sizeof dir, "/tmp/fuzz_directory_store-XXXXXX");
        if (mkdtemp(dir) == NULL)
            abort();
        atexit(remove_dir);
    }
    clean();
    if (size > 0 && (data[0] == 'S' || data[0] == 'F')) {
        /* Snapshot up to the first blank line, the journal after it. */
        const uint8_t *blank = memmem(data + 1, size - 1, "\n\n", 2);

        split = blank != NULL ? (size_t)(blank - data) + 1 : size;
        write_file(data[0] == 'S' ? "snapshot.1" : "snapshot.2", data + 1, split - 1);
        data += split;
        size -= split;
    }
    write_file("journal.1", data, size);

    dir_tree_init(&t1);
    cb.ctx = &t1;
    if (dir_store_open(dir, &cb, &s) != 0)
        abort();
    /* A snapshot of what loaded, then a second load: the same tree. */
    if (dir_store_compact(s, dump, &t1) != 0)
        abort();
    dir_store_close(s);
    dir_tree_init(&t2);
    cb.ctx = &t2;
    if (dir_store_open(dir, &cb, &s) != 0)
        abort();
    if (t1.nentries != t2.nentries || t1.nnodes != t2.nnodes ||
        dir_store_stats(s)->damaged != 0)
        abort();
    dir_store_close(s);
    dir_tree_clear(&t1);
    dir_tree_clear(&t2);
    clean();
    return 0;
}
