/* SPDX-License-Identifier: MIT */
/*
 * Query routing: which catalog entries take part in a lookup or fall in the
 * scope of a WSASetService.  Pure functions over the catalog; the daemon
 * calls them and the unit tests drive them with hand-built catalogs.
 *
 * Every selection runs twice over the catalog, once to count and once to
 * write, so that idx and *n are only touched when the call succeeds.
 */
#include "config.h"

#include "router.h"

#include <sys/socket.h>

#include "catalog.h"

/* Does a provider serving `families` (RNR_NSP_AF_*) serve address family
 * `af`?  AF_UNSPEC in a query asks for anything; RNR_NSP_AF_ANY serves
 * anything, including families rnr has no bit for. */
static int family_served(unsigned families, int af)
{
    if (af == AF_UNSPEC || (families & RNR_NSP_AF_ANY))
        return 1;
    if (af == AF_INET)
        return (families & RNR_NSP_AF_INET) != 0;
    if (af == AF_INET6)
        return (families & RNR_NSP_AF_INET6) != 0;
    return 0;
}

/* No protocol list (NULL or empty) restricts nothing. */
static int protocols_served(const struct rnr_catalog_entry *e, const WSAQUERYSETA *qs)
{
    DWORD i;

    if (qs->lpafpProtocols == NULL || qs->dwNumberOfProtocols == 0)
        return 1;
    for (i = 0; i < qs->dwNumberOfProtocols; i++) {
        if (family_served(e->families, qs->lpafpProtocols[i].iAddressFamily))
            return 1;
    }
    return 0;
}

/* Name-space membership of an enabled entry: NS_ALL takes every one. */
static int in_name_space(const struct rnr_catalog_entry *e, DWORD name_space)
{
    return e->enabled && (name_space == NS_ALL || e->name_space == name_space);
}

static int lookup_keeps(const struct rnr_catalog_entry *e, const WSAQUERYSETA *qs)
{
    return in_name_space(e, qs->dwNameSpace) && protocols_served(e, qs);
}

int rnr_router_select_lookup(const struct rnr_catalog *cat, const WSAQUERYSETA *qs,
                             size_t *idx, size_t *n)
{
    size_t i, count = 0;
    long   only;

    if (cat == NULL || qs == NULL || idx == NULL || n == NULL)
        return WSAEFAULT;

    if (qs->lpNSProviderId != NULL) {
        only = rnr_catalog_find(cat, qs->lpNSProviderId);
        if (only < 0)
            return WSAEINVAL;
        /* The named provider is taken whatever its name space, but it
         * must be active and serve the families asked for. */
        if (!cat->entries[only].enabled || !protocols_served(&cat->entries[only], qs))
            return WSASERVICE_NOT_FOUND;
        idx[0] = (size_t)only;
        *n = 1;
        return 0;
    }

    for (i = 0; i < cat->count; i++)
        count += lookup_keeps(&cat->entries[i], qs) ? 1 : 0;
    if (count == 0)
        return WSASERVICE_NOT_FOUND;

    count = 0;
    for (i = 0; i < cat->count; i++) {
        if (lookup_keeps(&cat->entries[i], qs))
            idx[count++] = i;
    }
    *n = count;
    return 0;
}

int rnr_router_select_scope(const struct rnr_catalog *cat, DWORD name_space,
                            const GUID *provider_id, size_t *idx, size_t *n)
{
    size_t i, count = 0;
    long   only;

    if (cat == NULL || idx == NULL || n == NULL)
        return WSAEFAULT;

    if (provider_id != NULL) {
        only = rnr_catalog_find(cat, provider_id);
        if (only < 0)
            return WSAEINVAL;
        /* An inactive provider takes no registrations, as it takes no
         * lookups. */
        if (!cat->entries[only].enabled)
            return WSASERVICE_NOT_FOUND;
        idx[0] = (size_t)only;
        *n = 1;
        return 0;
    }

    for (i = 0; i < cat->count; i++)
        count += in_name_space(&cat->entries[i], name_space) ? 1 : 0;
    if (count == 0)
        return WSASERVICE_NOT_FOUND;

    count = 0;
    for (i = 0; i < cat->count; i++) {
        if (in_name_space(&cat->entries[i], name_space))
            idx[count++] = i;
    }
    *n = count;
    return 0;
}
