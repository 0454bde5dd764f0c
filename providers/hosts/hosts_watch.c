/* SPDX-License-Identifier: MIT */
/*
 * hosts provider: noticing changes to the hosts and services files.
 *
 * inotify watches the directories, not the files: editors and package
 * managers replace files by renaming a new one over them (the old inode,
 * and a watch on it, is gone then), while `echo >> /etc/hosts` writes in
 * place.  Watching the directory and filtering on the file name sees
 * both.  When a path is a symlink, the directory of its target is watched
 * too.  Events only arm a short timer; the reload runs when the burst is
 * over, and swaps the index in only when the new files loaded.
 */
#include "hosts.h"
#include "alloc.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#define WATCH_MASK (IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | \
                    IN_DELETE | IN_MODIFY | IN_ATTRIB)

static void reload_timer_cb(void *arg)
{
    struct hosts_state *st = arg;

    st->timer = NULL;   /* fired: never touch it again */
    hosts_reload_files(st, "file changed");
}

static void schedule_reload(struct hosts_state *st)
{
    if (st->timer != NULL)
        st->host->timer_cancel(st->p, st->timer);
    st->timer = st->host->timer_add(st->p, HOSTS_RELOAD_DELAY_MS,
                                    reload_timer_cb, st);
    if (st->timer == NULL)   /* no memory for a timer: reload right away */
        hosts_reload_files(st, "file changed");
}

static int event_matters(const struct hosts_state *st,
                         const struct inotify_event *ev)
{
    unsigned i;

    if (ev->mask & IN_Q_OVERFLOW)
        return 1;
    if (ev->len == 0)
        return 0;
    for (i = 0; i < st->nwatches; i++)
        if (st->watches[i].wd == ev->wd &&
            strcmp(st->watches[i].base, ev->name) == 0)
            return 1;
    return 0;
}

static void inotify_cb(void *arg, int fd, unsigned events)
{
    struct hosts_state *st = arg;
    char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
    int changed = 0;

    (void)events;   /* only ever watched for reading */
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        size_t off = 0;

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;   /* EAGAIN: drained */
        while (off + sizeof(struct inotify_event) <= (size_t)n) {
            const struct inotify_event *ev = (const void *)(buf + off);

            if (event_matters(st, ev))
                changed = 1;
            off += sizeof *ev + ev->len;
        }
    }
    if (changed)
        schedule_reload(st);
}

/* Watches the directory of `path` for changes to its last component. */
static void watch_path(struct hosts_state *st, const char *path)
{
    struct hosts_watch *w;
    const char *slash;
    char *dir = NULL, *base = NULL;
    int wd;

    if (st->nwatches >= HOSTS_MAX_WATCHES)
        return;
    slash = strrchr(path, '/');
    dir = slash == NULL ? rnr_strdup(".")
        : slash == path ? rnr_strdup("/")
        : rnr_strndup(path, (size_t)(slash - path));
    base = rnr_strdup(slash != NULL ? slash + 1 : path);
    if (dir == NULL || base == NULL || base[0] == '\0')
        goto done;
    wd = inotify_add_watch(st->ifd, dir, WATCH_MASK | IN_ONLYDIR);
    if (wd < 0) {
        st->host->log(st->p, RNR_NSP_LOG_WARNING, "cannot watch %s for changes to "
                      "%s: %s; send SIGHUP after editing it", dir, base,
                      strerror(errno));
        goto done;
    }
    w = &st->watches[st->nwatches++];
    w->wd = wd;
    w->base = base;
    base = NULL;
done:
    rnr_free(dir);
    rnr_free(base);
}

static void watch_file(struct hosts_state *st, const char *path)
{
    char *real;

    watch_path(st, path);
    real = realpath(path, NULL);   /* libc-allocated: free(), not rnr_free */
    if (real != NULL && strcmp(real, path) != 0)
        watch_path(st, real);
    free(real);
}

void hosts_watch_stop(struct hosts_state *st)
{
    unsigned i;

    if (st->timer != NULL) {
        st->host->timer_cancel(st->p, st->timer);
        st->timer = NULL;
    }
    for (i = 0; i < st->nwatches; i++) {
        /* Two pairs may share a directory (and so a wd); removing it twice
         * just fails with EINVAL. */
        if (st->ifd >= 0)
            inotify_rm_watch(st->ifd, st->watches[i].wd);
        rnr_free(st->watches[i].base);
    }
    st->nwatches = 0;
}

void hosts_watch_start(struct hosts_state *st)
{
    hosts_watch_stop(st);
    if (st->ifd < 0) {
        st->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        if (st->ifd < 0) {
            st->host->log(st->p, RNR_NSP_LOG_WARNING, "inotify: %s; changes to the "
                          "files need a SIGHUP", strerror(errno));
            return;
        }
        if (st->host->watch_fd(st->p, st->ifd, RNR_NSP_EV_READ, inotify_cb,
                               st) != 0) {
            st->host->log(st->p, RNR_NSP_LOG_WARNING, "cannot watch the inotify fd; "
                          "changes to the files need a SIGHUP");
            close(st->ifd);
            st->ifd = -1;
            return;
        }
    }
    watch_file(st, st->hosts_path);
    watch_file(st, st->services_path);
}
