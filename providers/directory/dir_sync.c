/* SPDX-License-Identifier: MIT */
/*
 * The directory's fsync thread (dir_sync.h): one worker that runs
 * fdatasync() off rnrd's loop and says when it is done through an
 * eventfd the loop watches.  The loop asks for one sync at a time and
 * decides what it covers (every record written before it asked): that is
 * the group commit, in dir_pend.c.
 *
 * Test hook: RNR_TEST_DIR_SYNC_GATE=PATH, read once at start.  Before
 * each fdatasync the worker writes a byte to the FIFO PATH.held and waits
 * for one from PATH.go, so a test can hold a durable write for as long as
 * it needs without sleeping.
 */
#include "config.h"

#include "dir_sync.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "alloc.h"

struct dir_sync {
    pthread_t       thread;
    pthread_mutex_t mu;
    pthread_cond_t  cv;
    int             efd;
    int             fd;        /* to sync; -1: nothing asked */
    int             quit;
    int             err;       /* errno of the last sync */
    char           *gate;      /* the test hook's PATH, or NULL */
};

static void gate_pass(const char *gate)
{
    char path[4200], b = 'h';
    int  fd;

    snprintf(path, sizeof path, "%s.held", gate);
    if ((fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC)) >= 0) {
        if (write(fd, &b, 1) != 1)
            b = 0;
        close(fd);
    }
    snprintf(path, sizeof path, "%s.go", gate);
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0) {
        while (read(fd, &b, 1) < 0 && errno == EINTR)
            ;
        close(fd);
    }
}

static void *sync_main(void *arg)
{
    struct dir_sync *ds = arg;
    uint64_t         one = 1;
    int              fd, err;

    pthread_mutex_lock(&ds->mu);
    for (;;) {
        while (!ds->quit && ds->fd < 0)
            pthread_cond_wait(&ds->cv, &ds->mu);
        if (ds->fd < 0)
            break;
        fd = ds->fd;
        pthread_mutex_unlock(&ds->mu);
        if (ds->gate != NULL)
            gate_pass(ds->gate);
        err = fdatasync(fd) == 0 ? 0 : errno;
        pthread_mutex_lock(&ds->mu);
        ds->fd = -1;
        ds->err = err;
        pthread_cond_broadcast(&ds->cv);
        if (write(ds->efd, &one, sizeof one) != (ssize_t)sizeof one)
            ds->err = ds->err != 0 ? ds->err : EIO;
    }
    pthread_mutex_unlock(&ds->mu);
    return NULL;
}

int dir_sync_start(struct dir_sync **out)
{
    struct dir_sync *ds = rnr_calloc(1, sizeof *ds);
    const char      *gate = getenv("RNR_TEST_DIR_SYNC_GATE");

    if (ds == NULL)
        return ENOMEM;
    ds->fd = -1;
    if (gate != NULL && gate[0] != '\0' && (ds->gate = rnr_strdup(gate)) == NULL) {
        rnr_free(ds);
        return ENOMEM;
    }
    if ((ds->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0) {
        int err = errno;

        rnr_free(ds->gate);
        rnr_free(ds);
        return err;
    }
    pthread_mutex_init(&ds->mu, NULL);
    pthread_cond_init(&ds->cv, NULL);
    if (pthread_create(&ds->thread, NULL, sync_main, ds) != 0) {
        close(ds->efd);
        pthread_mutex_destroy(&ds->mu);
        pthread_cond_destroy(&ds->cv);
        rnr_free(ds->gate);
        rnr_free(ds);
        return EAGAIN;
    }
    *out = ds;
    return 0;
}

int dir_sync_event_fd(const struct dir_sync *ds)
{
    return ds->efd;
}

void dir_sync_request(struct dir_sync *ds, int fd)
{
    pthread_mutex_lock(&ds->mu);
    ds->fd = fd;
    pthread_cond_broadcast(&ds->cv);
    pthread_mutex_unlock(&ds->mu);
}

int dir_sync_result(struct dir_sync *ds, int *err)
{
    uint64_t n;
    int      done;

    if (read(ds->efd, &n, sizeof n) != (ssize_t)sizeof n)
        return 0;
    pthread_mutex_lock(&ds->mu);
    done = ds->fd < 0;
    *err = ds->err;
    pthread_mutex_unlock(&ds->mu);
    return done;
}

int dir_sync_wait(struct dir_sync *ds)
{
    int err;

    pthread_mutex_lock(&ds->mu);
    while (ds->fd >= 0)
        pthread_cond_wait(&ds->cv, &ds->mu);
    err = ds->err;
    pthread_mutex_unlock(&ds->mu);
    return err;
}

void dir_sync_stop(struct dir_sync *ds)
{
    if (ds == NULL)
        return;
    pthread_mutex_lock(&ds->mu);
    ds->quit = 1;
    pthread_cond_broadcast(&ds->cv);
    pthread_mutex_unlock(&ds->mu);
    pthread_join(ds->thread, NULL);
    close(ds->efd);
    pthread_mutex_destroy(&ds->mu);
    pthread_cond_destroy(&ds->cv);
    rnr_free(ds->gate);
    rnr_free(ds);
}
