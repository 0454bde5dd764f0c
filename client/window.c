/* SPDX-License-Identifier: MIT */
/*
 * The message queues that stand in for windows (<rnr/ws2async.h>).
 *
 * One lock for every window: posting and taking a message are a few
 * pointer moves, and one lock is what fork() can hold without walking
 * the windows.  Each window has its own condition variable for
 * rnr_window_get_message and an eventfd that is kept readable exactly
 * while the queue is not empty (written on the first message, drained
 * when the last one is taken), for poll/epoll.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "async.h"
#include "client.h"
#include "handles.h"

struct rnr_window {
    HWND               self;
    int                refs;        /* the table's + waiting threads' */
    int                destroyed;
    int                evfd;
    pthread_cond_t     cond;
    struct rnr_winmsg *head;
    struct rnr_winmsg **tail;
    struct rnr_window *prev, *next; /* every window, for fork */
};

static pthread_mutex_t g_wlock = PTHREAD_MUTEX_INITIALIZER;
static struct rnr_htable g_windows = RNR_HTABLE_INITIALIZER;
static struct rnr_window *g_all;

static void cond_init(pthread_cond_t *c)
{
    pthread_condattr_t a;

    pthread_condattr_init(&a);
    pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    pthread_cond_init(c, &a);
    pthread_condattr_destroy(&a);
}

static void ev_set(int fd)
{
    uint64_t one = 1;

    if (write(fd, &one, sizeof one) < 0) {
        /* EAGAIN: the counter is far from empty; readable anyway. */
    }
}

static void ev_clear(int fd)
{
    uint64_t v;

    if (read(fd, &v, sizeof v) < 0) {
        /* EAGAIN: already clear. */
    }
}

static void drop_messages(struct rnr_window *w)
{
    struct rnr_winmsg *m, *next;

    for (m = w->head; m != NULL; m = next) {
        next = m->next;
        rnr_free(m);
    }
    w->head = NULL;
    w->tail = &w->head;
}

/* g_wlock held.  Drop a reference; the last one frees the window. */
static void window_unref(struct rnr_window *w)
{
    if (--w->refs > 0)
        return;
    if (w->prev != NULL)
        w->prev->next = w->next;
    else
        g_all = w->next;
    if (w->next != NULL)
        w->next->prev = w->prev;
    drop_messages(w);
    close(w->evfd);
    pthread_cond_destroy(&w->cond);
    rnr_free(w);
}

/* g_wlock held.  The live window of hwnd, or NULL. */
static struct rnr_window *window_get(HWND hwnd)
{
    struct rnr_window *w = rnr_htable_get(&g_windows, (HANDLE)hwnd, NULL);

    return w != NULL && !w->destroyed ? w : NULL;
}

HWND rnr_window_create(void)
{
    struct rnr_window *w = rnr_calloc(1, sizeof *w);
    HANDLE h;
    int rc;

    if (w == NULL) {
        rnr_fail(WSAENOBUFS);
        return NULL;
    }
    w->evfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (w->evfd < 0) {
        rnr_fail(errno == EMFILE || errno == ENFILE ? WSAEMFILE : WSAENOBUFS);
        rnr_free(w);
        return NULL;
    }
    cond_init(&w->cond);
    w->tail = &w->head;
    w->refs = 1;
    pthread_mutex_lock(&g_wlock);
    rc = rnr_htable_add(&g_windows, w, &h);
    if (rc == 0) {
        w->self = (HWND)h;
        w->next = g_all;
        if (g_all != NULL)
            g_all->prev = w;
        g_all = w;
    }
    pthread_mutex_unlock(&g_wlock);
    if (rc != 0) {
        close(w->evfd);
        pthread_cond_destroy(&w->cond);
        rnr_free(w);
        rnr_fail(rc == WSAEMFILE ? WSAEMFILE : WSAENOBUFS);
        return NULL;
    }
    return w->self;
}

int rnr_window_fd(HWND hwnd)
{
    struct rnr_window *w;
    int fd = -1;

    pthread_mutex_lock(&g_wlock);
    if ((w = window_get(hwnd)) != NULL)
        fd = w->evfd;
    pthread_mutex_unlock(&g_wlock);
    if (fd < 0)
        rnr_fail(WSAEINVAL);
    return fd;
}

int rnr_window_alive(HWND hwnd)
{
    int alive;

    pthread_mutex_lock(&g_wlock);
    alive = window_get(hwnd) != NULL;
    pthread_mutex_unlock(&g_wlock);
    return alive;
}

void rnr_window_post(HWND hwnd, struct rnr_winmsg *m, UINT message,
                     WPARAM wparam, LPARAM lparam)
{
    struct rnr_window *w;

    m->next = NULL;
    m->msg.hwnd = hwnd;
    m->msg.message = message;
    m->msg.wParam = wparam;
    m->msg.lParam = lparam;
    pthread_mutex_lock(&g_wlock);
    if ((w = window_get(hwnd)) != NULL) {
        if (w->head == NULL)
            ev_set(w->evfd);
        *w->tail = m;
        w->tail = &m->next;
        m = NULL;
        pthread_cond_signal(&w->cond);
    }
    pthread_mutex_unlock(&g_wlock);
    rnr_free(m);                 /* no such window: dropped */
}

/* The absolute CLOCK_MONOTONIC deadline timeout_ms from now. */
static struct timespec deadline(int timeout_ms)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_sec += timeout_ms / 1000;
    ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    return ts;
}

int rnr_window_get_message(HWND hwnd, MSG *msg, int timeout_ms)
{
    struct rnr_window *w;
    struct rnr_winmsg *m = NULL;
    struct timespec until;
    int rc = 0;

    if (msg == NULL)
        return rnr_fail(WSAEFAULT);
    if (timeout_ms > 0)
        until = deadline(timeout_ms);
    pthread_mutex_lock(&g_wlock);
    if ((w = window_get(hwnd)) == NULL) {
        pthread_mutex_unlock(&g_wlock);
        return rnr_fail(WSAEINVAL);
    }
    w->refs++;                  /* destroy may run while we wait */
    while (w->head == NULL && !w->destroyed && rc == 0 && timeout_ms != 0) {
        if (timeout_ms < 0)
            pthread_cond_wait(&w->cond, &g_wlock);
        else
            rc = pthread_cond_timedwait(&w->cond, &g_wlock, &until);
    }
    if (!w->destroyed && (m = w->head) != NULL) {
        w->head = m->next;
        if (w->head == NULL) {
            w->tail = &w->head;
            ev_clear(w->evfd);
        }
    }
    rc = w->destroyed ? -1 : m != NULL;
    window_unref(w);
    pthread_mutex_unlock(&g_wlock);
    if (rc < 0)
        return rnr_fail(WSAEINVAL);
    if (m != NULL) {
        *msg = m->msg;
        rnr_free(m);
    }
    return rc;
}

void rnr_window_destroy(HWND hwnd)
{
    struct rnr_window *w;

    if (hwnd == NULL)
        return;
    pthread_mutex_lock(&g_wlock);
    w = rnr_htable_remove(&g_windows, (HANDLE)hwnd);
    pthread_mutex_unlock(&g_wlock);
    if (w == NULL)
        return;
    /* Out of the table: no new request can name it.  Now cancel those
     * made before, so that none writes its buffer after we return. */
    rnr_async_cancel_window(hwnd);
    pthread_mutex_lock(&g_wlock);
    w->destroyed = 1;
    drop_messages(w);
    ev_clear(w->evfd);
    pthread_cond_broadcast(&w->cond);
    window_unref(w);
    pthread_mutex_unlock(&g_wlock);
}

void rnr_window_atfork_prepare(void)
{
    pthread_mutex_lock(&g_wlock);
    rnr_htable_lock(&g_windows);
}

void rnr_window_atfork_parent(void)
{
    rnr_htable_unlock(&g_windows);
    pthread_mutex_unlock(&g_wlock);
}

/* The child keeps its windows and their queued messages, but their
 * eventfds are shared with the parent: each gets a fresh one under the
 * same descriptor number (the application may have it in an epoll set),
 * readable again if messages wait.  Condition variables waited on by the
 * parent's threads are made anew. */
void rnr_window_atfork_child(void)
{
    struct rnr_window *w;

    for (w = g_all; w != NULL; w = w->next) {
        int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

        if (fd >= 0) {
            if (dup3(fd, w->evfd, O_CLOEXEC) >= 0)
                close(fd);
            else {
                close(w->evfd);
                w->evfd = fd;
            }
        }
        cond_init(&w->cond);
        if (w->head != NULL)
            ev_set(w->evfd);
    }
    rnr_htable_unlock(&g_windows);
    pthread_mutex_unlock(&g_wlock);
}
