/* SPDX-License-Identifier: MIT */
/*
 * <rnr/ws2async.h>: the asynchronous getXbyY functions (API reference,
 * "WSAAsyncGetHostByName" ... "WSACancelAsyncRequest") and the message
 * queue that stands in for a window.  Included by <rnr/winsock2.h>.
 *
 * Linux has no windows, so an HWND is a message queue the library
 * provides: rnr_window_create() makes one, WSAAsyncGetXByY posts its
 * completion to it, the application takes messages with
 * rnr_window_get_message() (blocking, with a timeout, or polling) and can
 * wait for them in poll/epoll on rnr_window_fd().  A completion message is
 * (hwnd, wMsg, wParam = the task handle, lParam =
 * WSAMAKEASYNCREPLY(buflen, error)), exactly as the reference describes.
 *
 * Who owns what:
 *   - The application owns the windows (create / destroy) and the result
 *     buffers.  A buffer passed to WSAAsyncGetXByY must stay valid until
 *     the completion message has been taken from the queue, or the
 *     request was cancelled (WSACancelAsyncRequest returned 0), or its
 *     window was destroyed, or the final WSACleanup returned: after any of
 *     these the library never touches it again.  On success it holds the
 *     hostent / servent / protoent with every pointer pointing inside the
 *     buffer itself; nothing is to be freed.
 *   - The library owns the queued messages; a message copied out by
 *     rnr_window_get_message is the caller's (plain values).
 *   - A task handle is valid from the call until its message is queued
 *     or it is cancelled.  Handles are never 0 and never reused within a
 *     process.
 *
 * Window handles are not pointers: a destroyed or made-up HWND is
 * recognised (WSAEINVAL), never dereferenced.  Destroying a window
 * cancels every request that would post to it and drops the messages it
 * still holds.  The windows need no WSAStartup and survive WSACleanup; the
 * final WSACleanup cancels every pending request without posting
 * anything, as the reference says.
 *
 * Errors at call time (the function returns 0, WSAGetLastError says why):
 * WSANOTINITIALISED; WSAEINVAL (hWnd is not a live window: an rnr
 * addition, Windows would post into the void); WSAEWOULDBLOCK (the
 * request cannot be queued: out of memory, or the library's background
 * thread cannot be started).  Everything else arrives as the error of the
 * completion message, as the reference lists it there: WSAEFAULT for a
 * NULL name or buffer or a buflen <= 0, and every error the synchronous
 * function gives (WSAHOST_NOT_FOUND for an address string passed to
 * WSAAsyncGetHostByName, WSAEAFNOSUPPORT ...).  When rnrd is
 * not running the request completes with WSASYSNOTREADY (the same error
 * the synchronous functions give) rather than failing at call time, so an
 * application has one error path; the next request connects again.
 *
 * The protocol functions read the local protocols database without a
 * daemon round trip, so they complete during the call: the message is
 * already queued when the handle is returned (cancelling it then gives
 * WSAEALREADY, the reference's "completed but the resultant message is
 * still waiting in the application window queue").
 */
#ifndef RNR_WS2ASYNC_H
#define RNR_WS2ASYNC_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef unsigned int UINT;
typedef uintptr_t    WPARAM;
typedef intptr_t     LPARAM;
typedef intptr_t     LRESULT;    /* what a window procedure returns */

/* An opaque handle; compare it, copy it, never dereference it. */
typedef struct rnr_hwnd__ *HWND;

typedef struct tagMSG {
    HWND   hwnd;
    UINT   message;
    WPARAM wParam;    /* the task handle: (HANDLE)msg.wParam */
    LPARAM lParam;    /* WSAMAKEASYNCREPLY(buflen, error) */
} MSG, *PMSG, *LPMSG;

/* The first message number free for applications (winuser.h). */
#ifndef WM_USER
#define WM_USER 0x0400
#endif

/* The reference's own spelling of WSAGETASYNCBUFLEN. */
#define WSAGETASYNCBUFLLEN(lParam) WSAGETASYNCBUFLEN(lParam)

/* A new, empty message queue; NULL on failure (WSAGetLastError:
 * WSAENOBUFS, or WSAEMFILE when out of file descriptors). */
HWND rnr_window_create(void);

/* A file descriptor that is readable while at least one message waits
 * (an eventfd; for poll/epoll only: do not read, write or close it).
 * -1 with WSAEINVAL for an unknown window. */
int  rnr_window_fd(HWND hWnd);

/* Take the oldest message into *msg.  timeout_ms: -1 waits for ever, 0
 * only looks.  Returns 1 (a message), 0 (timed out, *msg untouched) or
 * -1 with WSAGetLastError: WSAEINVAL (not a window, or it was destroyed
 * while waiting), WSAEFAULT (msg NULL). */
int  rnr_window_get_message(HWND hWnd, MSG *msg, int timeout_ms);

/* Destroy the window: pending requests addressed to it are cancelled
 * (they never post and never write their buffers again), queued messages
 * dropped, threads waiting in rnr_window_get_message woken with -1.
 * Accepts NULL and stale handles. */
void rnr_window_destroy(HWND hWnd);

HANDLE WSAAsyncGetHostByName(HWND hWnd, unsigned int wMsg, const char *name,
                             char *buf, int buflen);
HANDLE WSAAsyncGetHostByAddr(HWND hWnd, unsigned int wMsg, const char *addr,
                             int len, int type, char *buf, int buflen);
HANDLE WSAAsyncGetServByName(HWND hWnd, unsigned int wMsg, const char *name,
                             const char *proto, char *buf, int buflen);
HANDLE WSAAsyncGetServByPort(HWND hWnd, unsigned int wMsg, int port,
                             const char *proto, char *buf, int buflen);
HANDLE WSAAsyncGetProtoByName(HWND hWnd, unsigned int wMsg, const char *name,
                              char *buf, int buflen);
HANDLE WSAAsyncGetProtoByNumber(HWND hWnd, unsigned int wMsg, int number,
                                char *buf, int buflen);

/* 0, or SOCKET_ERROR with WSANOTINITIALISED, WSAEINVAL (0 or a handle
 * never returned by this process) or WSAEALREADY (the request already
 * completed, was cancelled, or its window was destroyed). */
int WSACancelAsyncRequest(HANDLE hAsyncTaskHandle);

#ifdef __cplusplus
}
#endif

#endif /* RNR_WS2ASYNC_H */
