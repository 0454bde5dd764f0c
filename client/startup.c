/* SPDX-License-Identifier: MIT */
/*
 * WSAStartup / WSACleanup (version negotiation, reference count) and the
 * per-thread last error.
 *
 * The reference count and the epoch share one 64-bit word that every API
 * call reads with one atomic load: a lookup answered from the answer cache
 * makes no system call, and a lock taken here by every call of every
 * thread was what stopped it scaling with threads.  The word is written
 * only under g_lock, which serializes startup and the final cleanup and is
 * held across the whole teardown, so a WSAStartup racing with the last
 * WSACleanup starts a fresh session only after the old one is gone.
 */
#include "config.h"

#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "answers.h"
#include "async.h"
#include "client.h"
#include "conn.h"
#include "lookup.h"

#define RNR_LOW_VERSION MAKEWORD(1, 0)
/* What Windows reports in WSADATA to a 1.x caller. */
#define RNR_WS1_MAX_SOCKETS 32767
#define RNR_WS1_MAX_UDP_DG  65467

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;   /* startup / teardown */
/* Epoch (bumped by every final WSACleanup) << 32 | reference count. */
static uint64_t g_state;

#define STATE_REFS(w)  ((unsigned)((w) & UINT32_MAX))
#define STATE_EPOCH(w) ((unsigned)((w) >> 32))

static uint64_t state_load(void)
{
    return __atomic_load_n(&g_state, __ATOMIC_ACQUIRE);
}

/* g_lock held. */
static void state_store(unsigned refs, unsigned epoch)
{
    __atomic_store_n(&g_state, (uint64_t)epoch << 32 | refs, __ATOMIC_RELEASE);
}
static pthread_once_t g_atfork_once = PTHREAD_ONCE_INIT;

static __thread int t_last_error;

int rnr_client_enter(unsigned *epoch)
{
    uint64_t w = state_load();

    if (STATE_REFS(w) == 0)
        return WSANOTINITIALISED;
    if (epoch != NULL)
        *epoch = STATE_EPOCH(w);
    return 0;
}

int rnr_client_epoch_is(unsigned epoch)
{
    uint64_t w = state_load();

    return STATE_REFS(w) != 0 && STATE_EPOCH(w) == epoch;
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
}

static void atfork_parent(void)
{
    rnr_answers_atfork_release();
    rnr_lookup_atfork_release();
    rnr_conn_atfork_parent();
    rnr_async_atfork_parent();
    pthread_mutex_unlock(&g_lock);
}

static void atfork_child(void)
{
    rnr_answers_atfork_child();
    rnr_lookup_atfork_release();
    rnr_conn_atfork_child();
    rnr_async_atfork_child();
    pthread_mutex_unlock(&g_lock);
}

static void register_atfork(void)
{
    pthread_atfork(atfork_prepare, atfork_parent, atfork_child);
}

/* The version Windows grants for a request it accepts (ReactOS's
 * WSAStartup apitest, run against Windows): 1.0 and 1.1 as asked, any
 * other 1.x as 1.1; 2.0 .. 2.2 as asked; anything above as 2.2. */
static WORD negotiate(WORD requested)
{
    if (LOBYTE(requested) == 1 && HIBYTE(requested) > 1)
        return MAKEWORD(1, 1);
    if (version_cmp(requested, RNR_WINSOCK_HIGH_VERSION) > 0)
        return RNR_WINSOCK_HIGH_VERSION;
    return requested;
}

/* Every field but lpVendorInfo, which Windows never writes (a 2.0+
 * caller is to ignore it).  Only the strings themselves are written: the
 * bytes after their NULs stay as the caller left them, as on Windows. */
static void fill_wsadata(LPWSADATA d, WORD version)
{
    d->wVersion = version;
    d->wHighVersion = RNR_WINSOCK_HIGH_VERSION;
    snprintf(d->szDescription, sizeof(d->szDescription),
             "rnr %s: Winsock 2 Registration and Name Resolution for Linux",
             PACKAGE_VERSION);
    snprintf(d->szSystemStatus, sizeof(d->szSystemStatus), "Running");
    /* To be ignored from 2.0 on, so 0 there; a 1.x caller gets Windows'
     * figures. */
    d->iMaxSockets = LOBYTE(version) == 1 ? RNR_WS1_MAX_SOCKETS : 0;
    d->iMaxUdpDg = LOBYTE(version) == 1 ? RNR_WS1_MAX_UDP_DG : 0;
}

int WSAStartup(WORD wVersionRequested, LPWSADATA lpWSAData)
{
    uint64_t w;

    /* The version first: Windows refuses 0.x with WSAVERNOTSUPPORTED even
     * when lpWSAData is NULL, and when it refuses it still describes
     * itself (wVersion 2.2, the version it would have offered). */
    if (version_cmp(wVersionRequested, RNR_LOW_VERSION) < 0) {
        if (lpWSAData != NULL)
            fill_wsadata(lpWSAData, RNR_WINSOCK_HIGH_VERSION);
        return WSAVERNOTSUPPORTED;
    }
    if (lpWSAData == NULL)
        return WSAEFAULT;

    pthread_once(&g_atfork_once, register_atfork);

    pthread_mutex_lock(&g_lock);
    w = state_load();
    if (STATE_REFS(w) == UINT32_MAX) {
        /* Not in the reference, but wrapping would tear the library
         * down under every other user. */
        pthread_mutex_unlock(&g_lock);
        return WSAEPROCLIM;
    }
    state_store(STATE_REFS(w) + 1, STATE_EPOCH(w));
    pthread_mutex_unlock(&g_lock);

    fill_wsadata(lpWSAData, negotiate(wVersionRequested));
    /* Windows clears the last error on success. */
    t_last_error = 0;
    return 0;
}

int WSACleanup(void)
{
    unsigned left;
    uint64_t w;

    pthread_mutex_lock(&g_lock);
    w = state_load();
    if (STATE_REFS(w) == 0) {
        pthread_mutex_unlock(&g_lock);
        return rnr_fail(WSANOTINITIALISED);
    }
    left = STATE_REFS(w) - 1;
    state_store(left, left == 0 ? STATE_EPOCH(w) + 1 : STATE_EPOCH(w));
    if (left > 0) {
        pthread_mutex_unlock(&g_lock);
        t_last_error = 0;      /* Windows clears it on success */
        return 0;
    }
    /* Last one: new calls already fail (refcount, epoch); now every open
     * lookup is cancelled (waking blocked Next calls with WSA_E_CANCELLED)
     * and the connection is closed; pending asynchronous requests are
     * cancelled without a message and their engine stopped. */
    rnr_async_shutdown();
    rnr_lookup_cancel_all();
    rnr_answers_report_now();
    rnr_conn_shutdown();
    rnr_answers_shutdown();
    pthread_mutex_unlock(&g_lock);
    /* Windows clears the last error on success (and the teardown above
     * may have recorded one). */
    t_last_error = 0;
    return 0;
}
