/* SPDX-License-Identifier: MIT */
/*
 * Names and descriptions of the status codes, and the ranking used to pick
 * the error a lookup with no result reports.
 */
#include "config.h"

#include "status.h"

#include <errno.h>
#include <stddef.h>
#include <rnr/winsock2.h>

static const struct {
    int         code;
    const char *name;
    const char *text;
} g_codes[] = {
    { 0,                      "NO_ERROR",               "Success" },
    { WSA_INVALID_HANDLE,     "WSA_INVALID_HANDLE",     "Invalid or stale handle" },
    { WSA_NOT_ENOUGH_MEMORY,  "WSA_NOT_ENOUGH_MEMORY",  "Not enough memory" },
    { WSA_INVALID_PARAMETER,  "WSA_INVALID_PARAMETER",  "Invalid parameter" },
    { WSA_OPERATION_ABORTED,  "WSA_OPERATION_ABORTED",  "Operation aborted" },
    { WSAEINTR,               "WSAEINTR",               "Interrupted function call" },
    { WSAEACCES,              "WSAEACCES",              "Permission denied" },
    { WSAEFAULT,              "WSAEFAULT",              "Bad address or buffer too small" },
    { WSAEINVAL,              "WSAEINVAL",              "Invalid argument" },
    { WSAEMFILE,              "WSAEMFILE",              "Too many open handles" },
    { WSAEWOULDBLOCK,         "WSAEWOULDBLOCK",         "Resource temporarily unavailable" },
    { WSAEINPROGRESS,         "WSAEINPROGRESS",         "Operation now in progress" },
    { WSAEALREADY,            "WSAEALREADY",            "Already exists or already in progress" },
    { WSAEOPNOTSUPP,          "WSAEOPNOTSUPP",          "Operation not supported" },
    { WSAEAFNOSUPPORT,        "WSAEAFNOSUPPORT",        "Address family not supported" },
    { WSAENETDOWN,            "WSAENETDOWN",            "Network is down" },
    { WSAENOBUFS,             "WSAENOBUFS",             "No buffer space available" },
    { WSAEPROCLIM,            "WSAEPROCLIM",            "Too many processes" },
    { WSAEDQUOT,              "WSAEDQUOT",              "Disk full or quota exceeded" },
    { WSASYSNOTREADY,         "WSASYSNOTREADY",         "Name service daemon (rnrd) is not available" },
    { WSAVERNOTSUPPORTED,     "WSAVERNOTSUPPORTED",     "Requested Winsock version not supported" },
    { WSANOTINITIALISED,      "WSANOTINITIALISED",      "WSAStartup has not been called successfully" },
    { WSAENOMORE,             "WSAENOMORE",             "No more results" },
    { WSAECANCELLED,          "WSAECANCELLED",          "Call was cancelled" },
    { WSAEPROVIDERFAILEDINIT, "WSAEPROVIDERFAILEDINIT", "Service provider failed to initialize" },
    { WSASYSCALLFAILURE,      "WSASYSCALLFAILURE",      "System call failure" },
    { WSASERVICE_NOT_FOUND,   "WSASERVICE_NOT_FOUND",   "Service not found" },
    { WSATYPE_NOT_FOUND,      "WSATYPE_NOT_FOUND",      "Service class not found" },
    { WSA_E_NO_MORE,          "WSA_E_NO_MORE",          "No more results" },
    { WSA_E_CANCELLED,        "WSA_E_CANCELLED",        "Lookup was cancelled" },
    { WSAEREFUSED,            "WSAEREFUSED",            "Query refused" },
    { WSAHOST_NOT_FOUND,      "WSAHOST_NOT_FOUND",      "Host not found" },
    { WSATRY_AGAIN,           "WSATRY_AGAIN",           "Temporary failure, try again" },
    { WSANO_RECOVERY,         "WSANO_RECOVERY",         "Non-recoverable failure" },
    { WSANO_DATA,             "WSANO_DATA",             "Name is valid but no data of the requested type" },
};

static int find(int status)
{
    size_t i;

    for (i = 0; i < sizeof(g_codes) / sizeof(g_codes[0]); i++)
        if (g_codes[i].code == status)
            return (int)i;
    return -1;
}

const char *rnr_status_name(int status)
{
    int i = find(status);

    return i < 0 ? NULL : g_codes[i].name;
}

const char *rnr_status_text(int status)
{
    int i = find(status);

    return i < 0 ? "Unknown error" : g_codes[i].text;
}

static int rank(int status)
{
    switch (status) {
    case 0:                    return 0;
    case WSANO_DATA:           return 6;
    case WSATRY_AGAIN:         return 5;
    case WSANO_RECOVERY:       return 4;
    case WSAHOST_NOT_FOUND:    return 3;
    case WSASERVICE_NOT_FOUND: return 2;
    default:                   return 1;
    }
}

int rnr_status_merge(int a, int b)
{
    /* Ties keep the first: providers are merged in catalog order. */
    return rank(b) > rank(a) ? b : a;
}

int rnr_status_from_dial_errno(int e)
{
    switch (e) {
    case EMFILE:
    case ENFILE:
        return WSAEMFILE;
    case ENOMEM:
    case ENOBUFS:
        return WSAENOBUFS;
    default:
        return WSASYSNOTREADY;
    }
}
