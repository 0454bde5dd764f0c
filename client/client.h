/* SPDX-License-Identifier: MIT */
/*
 * librnr internals shared by the API files (startup.c, lookup.c, service.c,
 * classes.c, providers.c).  Nothing here is exported: librnr.map keeps the
 * library's interface to the public API.
 *
 * Convention: internal functions return a status (0 or a WSA code, see
 * nsp/status.h); only the public entry points turn a status into
 * SOCKET_ERROR + WSASetLastError, so a successful call never touches the
 * thread's last error.
 */
#ifndef RNR_CLIENT_H
#define RNR_CLIENT_H

#include <rnr/winsock2.h>

/* Export `name` as a second name of the function `target` (the unsuffixed
 * spellings of the A functions).  Both are the same code and address. */
#define RNR_ALIAS(name, target) \
    extern __typeof__(target) name __attribute__((alias(#target)))

/* 0 while a WSAStartup is in effect, else WSANOTINITIALISED.  *epoch
 * (optional) receives the startup epoch, which changes with every final
 * WSACleanup: an object created under one epoch must not be published
 * under another (see rnr_client_epoch_is). */
int rnr_client_enter(unsigned *epoch);

/* Is `epoch` still the current startup epoch (and the library started)? */
int rnr_client_epoch_is(unsigned epoch);

/* Record status as the thread's last error and return SOCKET_ERROR. */
int rnr_fail(int status);

/* 0 -> 0; anything else -> rnr_fail(status). */
int rnr_result(int status);

#endif
