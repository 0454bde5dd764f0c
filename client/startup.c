/*
 * WSAStartup / WSACleanup (version negotiation, reference count) and the
 * per-thread last error.
 *
 * The reference count and the epoch live under g_state, a leaf lock held
 * for a few instructions by every API call (plain locking rather than
 * atomics keeps the ordering visible to helgrind and costs nothing next to
 * a round trip).  Startup and the final cleanup are serialized by g_lock,
 * held across the whole teardown so a WSAStartup racing with the last
 * WSACleanup starts a fresh session only after the old one is gone.  Never
 * take g_lock while holding g_state, nor any lock inside g_state.
 */
#include "config.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "answers.h"
#include "async.h"
#include "client.h"
#include "conn.h"
#include "lookup.h"

#define RNR_LOW_VERSION MAKEWORD(1, 0)

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;   /* startup / teardown */
static pthread_mutex_t g_state = PTHREAD_MUTEX_INITIALIZER;  /* the two below */
static unsigned g_refcount;
static unsigned g_epoch;      /* bumped by every final WSACleanup */
static pthread_once_t g_atfork_once = PTHREAD_ONCE_INIT;

static __thread int t_last_error;

int rnr_client_enter(unsigned *epoch)
{
    unsigned refs, e;

    pthread_mutex_lock(&g_state);
    refs = g_refcount;
    e = g_epoch;
    pthread_mutex_unlock(&g_state);
    if (refs == 0)
        return WSANOTINITIALISED;
    if (epoch != NULL)
        *epoch = e;
    return 0;
}

int rnr_client_epoch_is(unsigned epoch)
{
    int same;

    pthread_mutex_lock(&g_state);
    same = g_refcount != 0 && g_epoch == epoch;
    pthread_mutex_unlock(&g_state);
    return same;
}

int rnr_fail(int status)
{
    t_last_error = status;
    return SOCKET_ERROR;
}

int rnr_result(int status)
{
    return status == 0 ? 0 : rnr_fail(status);
}

int WSAGetLastError(void)
{
    return t_last_error;
}

void WSASetLastError(int iError)
{
    t_last_error = iError;
}

/* Compare versions as (major, minor): the low byte is the major number, so
 * the raw WORDs do not order correctly (1.1 = 0x0101 > 2.0 = 0x0002). */
static int version_cmp(WORD a, WORD b)
{
    if (LOBYTE(a) != LOBYTE(b))
        return LOBYTE(a) < LOBYTE(b) ? -1 : 1;
    if (HIBYTE(a) != HIBYTE(b))
        return HIBYTE(a) < HIBYTE(b) ? -1 : 1;
    return 0;
}

/* Fork safety: the child must not read the parent's socket or wait on
 * conditions of threads it does not have.  Every client lock is taken
 * across fork() so the child inherits consistent state, then the child
 * abandons the inherited connections (see rnr_conn_atfork_child). */
static void atfork_prepare(void)
{
    pthread_mutex_lock(&g_lock);
    rnr_async_atfork_prepare();
    rnr_conn_atfork_prepare();
    rnr_lookup_atfork_prepare();
    rnr_answers_atfork_prepare();
    pthread_mutex_lock(&g_state);
}

static void atfork_parent(void)
{
    pthread_mutex_unlock(&g_state);
    rnr_answers_atfork_release();
    rnr_lookup_atfork_release();
    rnr_conn_atfork_parent();
    rnr_async_atfork_parent();
    pthread_mutex_unlock(&g_lock);
}

static void atfork_child(void)
{
    pthread_mutex_unlock(&g_state);
    rnr_answers_atfork_release();
    rnr_lookup_atfork_release();
    rnr_conn_atfork_child();
    rnr_async_atfork_child();
    pthread_mutex_unlock(&g_lock);
}

static void register_atfork(void)
{
    pthread_atfork(atfork_prepare, atfork_parent, atfork_child);
}

int WSAStartup(WORD wVersionRequested, LPWSADATA lpWSAData)
{
    WORD version;

    if (lpWSAData == NULL)
        return WSAEFAULT;
    if (version_cmp(wVersionRequested, RNR_LOW_VERSION) < 0)
        return WSAVERNOTSUPPORTED;
    version = version_cmp(wVersionRequested, RNR_WINSOCK_HIGH_VERSION) > 0
              ? RNR_WINSOCK_HIGH_VERSION : wVersionRequested;

    pthread_once(&g_atfork_once, register_atfork);

    pthread_mutex_lock(&g_lock);
    pthread_mutex_lock(&g_state);
    if (g_refcount == UINT_MAX) {
        /* Not in the reference, but wrapping would tear the library
         * down under every other user. */
        pthread_mutex_unlock(&g_state);
        pthread_mutex_unlock(&g_lock);
        return WSAEPROCLIM;
    }
    g_refcount++;
    pthread_mutex_unlock(&g_state);
    pthread_mutex_unlock(&g_lock);

    memset(lpWSAData, 0, sizeof(*lpWSAData));
    lpWSAData->wVersion = version;
    lpWSAData->wHighVersion = RNR_WINSOCK_HIGH_VERSION;
    snprintf(lpWSAData->szDescription, sizeof(lpWSAData->szDescription),
             "rnr %s: Winsock 2 Registration and Name Resolution for Linux",
             PACKAGE_VERSION);
    snprintf(lpWSAData->szSystemStatus, sizeof(lpWSAData->szSystemStatus),
             "Running");
    /* iMaxSockets / iMaxUdpDg are to be ignored from 2.0 on: 0. */
    lpWSAData->lpVendorInfo = NULL;
    return 0;
}

int WSACleanup(void)
{
    unsigned left;

    pthread_mutex_lock(&g_lock);
    pthread_mutex_lock(&g_state);
    if (g_refcount == 0) {
        pthread_mutex_unlock(&g_state);
        pthread_mutex_unlock(&g_lock);
        return rnr_fail(WSANOTINITIALISED);
    }
    left = --g_refcount;
    if (left == 0)
        g_epoch++;
    pthread_mutex_unlock(&g_state);
    if (left > 0) {
        pthread_mutex_unlock(&g_lock);
        return 0;
    }
    /* Last one: new calls already fail (refcount, epoch); now every open
     * lookup is cancelled (waking blocked Next calls with WSA_E_CANCELLED)
     * and the connection is closed; pending asynchronous requests are
     * cancelled without a message and their engine stopped. */
    rnr_async_shutdown();
    rnr_lookup_cancel_all();
    rnr_conn_shutdown();
    rnr_answers_shutdown();
    pthread_mutex_unlock(&g_lock);
    return 0;
}
