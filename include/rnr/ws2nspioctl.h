/* SPDX-License-Identifier: MIT */
/*
 * rnr - Winsock 2 Registration and Name Resolution for Linux.
 *
 * <rnr/ws2nspioctl.h>: WSANSPIoctl and SIO_NSP_NOTIFY_CHANGE, as later
 * Windows releases (XP and after) have them in winsock2.h.  An extension
 * beyond the reference specification (/work/shared/spec), kept out of
 * <rnr/winsock2.h> for that reason; doc/architecture.md ("Change
 * notification") says which rule librnr follows.
 *
 * WSANSPIoctl(hLookup, SIO_NSP_NOTIFY_CHANGE, NULL, 0, NULL, 0, &n, c)
 * completes once the answer of the lookup hLookup has changed since the
 * call (an entry was added, changed or removed in a provider that can
 * report changes: sap, directory).  The application then calls
 * WSALookupServiceNext on the same handle again: once the results it
 * was given are exhausted it gets the new state, from the start.
 *
 *   c == NULL, or c->Type == NSP_NOTIFY_IMMEDIATELY: blocks until the
 *       change (0), or until WSALookupServiceEnd on the handle in another
 *       thread (WSA_E_CANCELLED).
 *   c->Type == NSP_NOTIFY_EVENT: returns SOCKET_ERROR with
 *       WSA_IO_PENDING; on the change, Internal of *lpOverlapped is set to
 *       the status and its hEvent is signalled.  Linux has no event
 *       objects: hEvent carries an eventfd descriptor the application
 *       made, (WSAEVENT)(intptr_t)fd, to which 1 is added.
 *   c->Type == NSP_NOTIFY_HWND: returns SOCKET_ERROR with WSA_IO_PENDING;
 *       on the change uMsg is posted to the window (an rnr message queue,
 *       <rnr/ws2async.h>) with wParam = context and lParam = the status.
 *   NSP_NOTIFY_PORT and NSP_NOTIFY_APC: WSAEOPNOTSUPP.
 * One notification at a time per handle (WSAEALREADY while one is
 * pending); WSALookupServiceEnd cancels a pending one without completing
 * it.  WSAEOPNOTSUPP too when no provider the lookup reaches can report
 * changes.  The *lpOverlapped, the event and the window must outlive the
 * notification (until it completes or the handle is ended).
 */
#ifndef RNR_WS2NSPIOCTL_H
#define RNR_WS2NSPIOCTL_H

#include <stdint.h>

#include <rnr/winsock2.h>
#include <rnr/ws2async.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef WSA_IO_PENDING
#define WSA_IO_PENDING 997            /* ERROR_IO_PENDING */
#endif

/* _WSAIOW(IOC_WS2, 25) */
#define SIO_NSP_NOTIFY_CHANGE 0x88000019u

typedef HANDLE WSAEVENT;              /* here: an eventfd, (WSAEVENT)(intptr_t)fd */
typedef uintptr_t ULONG_PTR;

typedef struct _WSAOVERLAPPED {
    ULONG_PTR Internal;               /* the status, once complete */
    ULONG_PTR InternalHigh;
    DWORD     Offset;
    DWORD     OffsetHigh;
    WSAEVENT  hEvent;
} WSAOVERLAPPED, *LPWSAOVERLAPPED;

typedef void (*LPWSAOVERLAPPED_COMPLETION_ROUTINE)(DWORD dwError, DWORD cbTransferred,
                                                   LPWSAOVERLAPPED lpOverlapped,
                                                   DWORD dwFlags);

typedef enum _WSACOMPLETIONTYPE {
    NSP_NOTIFY_IMMEDIATELY = 0,
    NSP_NOTIFY_HWND,
    NSP_NOTIFY_EVENT,
    NSP_NOTIFY_PORT,
    NSP_NOTIFY_APC
} WSACOMPLETIONTYPE, *PWSACOMPLETIONTYPE, *LPWSACOMPLETIONTYPE;

typedef struct _WSACOMPLETION {
    WSACOMPLETIONTYPE Type;
    union {
        struct {
            HWND   hWnd;
            UINT   uMsg;
            WPARAM context;
        } WindowMessage;
        struct {
            LPWSAOVERLAPPED lpOverlapped;
        } Event;
        struct {
            LPWSAOVERLAPPED                    lpOverlapped;
            LPWSAOVERLAPPED_COMPLETION_ROUTINE lpfnCompletionProc;
        } Apc;
        struct {
            LPWSAOVERLAPPED lpOverlapped;
            HANDLE          hPort;
            ULONG_PTR       Key;
        } Port;
    } Parameters;
} WSACOMPLETION, *PWSACOMPLETION, *LPWSACOMPLETION;

INT WSANSPIoctl(HANDLE hLookup, DWORD dwControlCode, LPVOID lpvInBuffer, DWORD cbInBuffer,
                LPVOID lpvOutBuffer, DWORD cbOutBuffer, LPDWORD lpcbBytesReturned,
                LPWSACOMPLETION lpCompletion);

#ifdef __cplusplus
}
#endif

#endif /* RNR_WS2NSPIOCTL_H */
