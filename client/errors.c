/* SPDX-License-Identifier: MIT */
/*
 * rnr_strerror: "NAME: what it means" for every code <rnr/winsock2.h>
 * defines.  A table of its own rather than rnr_status_text(): the strings
 * are the library's public, stable text, and static as the header promises.
 */
#include "config.h"

#include <stddef.h>

#include <rnr/winsock2.h>
#include <rnr/ws2nspioctl.h>

struct errtext {
    int         code;
    const char *text;
};

static const struct errtext errtab[] = {
    { 0,                      "success" },
    { WSA_INVALID_HANDLE,     "WSA_INVALID_HANDLE: the handle is not valid" },
    { WSA_NOT_ENOUGH_MEMORY,  "WSA_NOT_ENOUGH_MEMORY: not enough memory" },
    { WSA_INVALID_PARAMETER,  "WSA_INVALID_PARAMETER: a parameter is not valid" },
    { WSA_OPERATION_ABORTED,  "WSA_OPERATION_ABORTED: the operation was aborted" },
    { WSA_IO_PENDING,         "WSA_IO_PENDING: the overlapped operation will complete "
                              "later" },
    { WSAEINTR,               "WSAEINTR: interrupted function call" },
    { WSAEACCES,              "WSAEACCES: permission denied" },
    { WSAEFAULT,              "WSAEFAULT: bad address, or the buffer is too small "
                              "(the size needed was returned)" },
    { WSAEINVAL,              "WSAEINVAL: invalid argument" },
    { WSAEMFILE,              "WSAEMFILE: too many open handles" },
    { WSAEWOULDBLOCK,         "WSAEWOULDBLOCK: the operation would block" },
    { WSAEINPROGRESS,         "WSAEINPROGRESS: an operation is already in progress" },
    { WSAEALREADY,            "WSAEALREADY: already registered (remove it first)" },
    { WSAESOCKTNOSUPPORT,     "WSAESOCKTNOSUPPORT: socket type not supported" },
    { WSAEOPNOTSUPP,          "WSAEOPNOTSUPP: operation not supported" },
    { WSAEAFNOSUPPORT,        "WSAEAFNOSUPPORT: address family not supported" },
    { WSAENETDOWN,            "WSAENETDOWN: the network is down" },
    { WSAENOBUFS,             "WSAENOBUFS: no buffer space available, or a message "
                              "over the size limit" },
    { WSAEPROCLIM,            "WSAEPROCLIM: too many users of the library" },
    { WSAEDQUOT,              "WSAEDQUOT: quota exceeded (registrations or bytes of "
                              "this user)" },
    { WSASYSNOTREADY,         "WSASYSNOTREADY: the name-resolution service (rnrd) is "
                              "not running or the connection to it was lost" },
    { WSAVERNOTSUPPORTED,     "WSAVERNOTSUPPORTED: the requested Winsock version is "
                              "not supported" },
    { WSANOTINITIALISED,      "WSANOTINITIALISED: WSAStartup has not been called" },
    { WSAENOMORE,             "WSAENOMORE: no more results" },
    { WSAECANCELLED,          "WSAECANCELLED: the call was cancelled" },
    { WSAEPROVIDERFAILEDINIT, "WSAEPROVIDERFAILEDINIT: a provider failed to initialise" },
    { WSASYSCALLFAILURE,      "WSASYSCALLFAILURE: a system call failed" },
    { WSASERVICE_NOT_FOUND,   "WSASERVICE_NOT_FOUND: no such service is known in the "
                              "name spaces searched" },
    { WSATYPE_NOT_FOUND,      "WSATYPE_NOT_FOUND: the service class was not found" },
    { WSA_E_NO_MORE,          "WSA_E_NO_MORE: no more results" },
    { WSA_E_CANCELLED,        "WSA_E_CANCELLED: the lookup was ended while the call "
                              "was in progress" },
    { WSAEREFUSED,            "WSAEREFUSED: the query was refused" },
    { WSAHOST_NOT_FOUND,      "WSAHOST_NOT_FOUND: host not found" },
    { WSATRY_AGAIN,           "WSATRY_AGAIN: temporary failure, try again later" },
    { WSANO_RECOVERY,         "WSANO_RECOVERY: non-recoverable failure" },
    { WSANO_DATA,             "WSANO_DATA: the name is known but has no data of the "
                              "requested type" },
    { WSA_SECURE_HOST_NOT_FOUND, "WSA_SECURE_HOST_NOT_FOUND: no secure answer for the "
                              "name" },
    { WSA_IPSEC_NAME_POLICY_ERROR, "WSA_IPSEC_NAME_POLICY_ERROR: the name does not "
                              "satisfy the IPsec name policy" },
};

const char *rnr_strerror(int wsa_error)
{
    size_t i;

    for (i = 0; i < sizeof(errtab) / sizeof(errtab[0]); i++)
        if (errtab[i].code == wsa_error)
            return errtab[i].text;
    return "unknown error";
}
