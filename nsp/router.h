/* SPDX-License-Identifier: MIT */
/*
 * Query routing (DESIGN.md, "How a lookup flows"): which providers of the
 * catalog serve a lookup or fall in the scope of a WSASetService.  Pure
 * functions over the catalog, unit-tested without a daemon.
 */
#ifndef RNR_ROUTER_H
#define RNR_ROUTER_H

#include <stddef.h>
#include "catalog.h"

/* Lookups: lpNSProviderId set -> that provider only (unknown id ->
 * WSAEINVAL, disabled -> WSASERVICE_NOT_FOUND); else dwNameSpace == NS_ALL
 * -> every enabled provider in catalog order; else every enabled provider
 * of that name space; then drop providers serving none of the families in
 * lpafpProtocols (AF_UNSPEC matches every provider).  None left ->
 * WSASERVICE_NOT_FOUND.  idx must have room for cat->count entries; on
 * success *n is the number of indices written, in catalog order. */
int rnr_router_select_lookup(const struct rnr_catalog *cat, const WSAQUERYSETA *qs,
                             size_t *idx, size_t *n);

/* WSASetService scope: provider id set -> that provider (unknown ->
 * WSAEINVAL); else NS_ALL -> all enabled; else enabled providers of the
 * name space.  None -> WSASERVICE_NOT_FOUND. */
int rnr_router_select_scope(const struct rnr_catalog *cat, DWORD name_space,
                            const GUID *provider_id, size_t *idx, size_t *n);

#endif
