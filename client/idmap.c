/* SPDX-License-Identifier: MIT */
/*
 * Id maps (idmap.h).
 */
#include "config.h"

#include "alloc.h"
#include "idmap.h"
#include <rnr/winsock2.h>

static size_t idmap_slot(const struct rnr_idmap *m, uint32_t id)
{
    return (size_t)(id * 2654435761u) & (m->nb - 1);
}

struct rnr_idnode *rnr_idmap_find(const struct rnr_idmap *m, uint32_t id)
{
    struct rnr_idnode *nd;

    if (m->nb == 0)
        return NULL;
    for (nd = m->b[idmap_slot(m, id)]; nd != NULL; nd = nd->next)
        if (nd->id == id)
            return nd;
    return NULL;
}

static int idmap_grow(struct rnr_idmap *m)
{
    size_t nb = m->nb ? m->nb * 2 : 16, i;
    struct rnr_idnode **b = rnr_calloc(nb, sizeof(*b));
    struct rnr_idmap nm;

    if (b == NULL)
        return WSA_NOT_ENOUGH_MEMORY;
    nm.b = b;
    nm.nb = nb;
    for (i = 0; i < m->nb; i++) {
        struct rnr_idnode *nd = m->b[i], *next;

        for (; nd != NULL; nd = next) {
            size_t s = idmap_slot(&nm, nd->id);

            next = nd->next;
            nd->next = b[s];
            b[s] = nd;
        }
    }
    rnr_free(m->b);
    m->b = b;
    m->nb = nb;
    return 0;
}

int rnr_idmap_insert(struct rnr_idmap *m, struct rnr_idnode *nd)
{
    size_t s;
    int rc;

    if (m->n >= m->nb && (rc = idmap_grow(m)) != 0)
        return rc;
    s = idmap_slot(m, nd->id);
    nd->next = m->b[s];
    m->b[s] = nd;
    m->n++;
    return 0;
}

void rnr_idmap_remove(struct rnr_idmap *m, struct rnr_idnode *nd)
{
    struct rnr_idnode **pp;

    if (m->nb == 0)
        return;
    for (pp = &m->b[idmap_slot(m, nd->id)]; *pp != NULL; pp = &(*pp)->next) {
        if (*pp == nd) {
            *pp = nd->next;
            nd->next = NULL;
            m->n--;
            return;
        }
    }
}

struct rnr_idnode *rnr_idmap_pop(struct rnr_idmap *m)
{
    size_t i;

    for (i = 0; m->n > 0 && i < m->nb; i++) {
        struct rnr_idnode *nd = m->b[i];

        if (nd != NULL) {
            m->b[i] = nd->next;
            nd->next = NULL;
            m->n--;
            return nd;
        }
    }
    return NULL;
}

void rnr_idmap_free(struct rnr_idmap *m)
{
    rnr_free(m->b);
    m->b = NULL;
    m->nb = 0;
    m->n = 0;
}
