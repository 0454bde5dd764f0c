/* SPDX-License-Identifier: MIT */
/*
 * unscd / nscd for bench_lookup's baseline (nscd.h).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "nscd.h"

#define NSCD_SOCKET "/run/nscd/socket"

/* Hosts only, positive answers kept for the whole run, and no re-reading
 * of /etc/hosts: the cache alone answers once it is filled.  unscd's
 * cache is a hash table that drops an entry on a collision, so it is
 * made far larger than the 1,000 names.  It runs as root (no
 * server-user): it lives only in the bench's namespace. */
static const char nscd_conf[] =
    "debug-level 0\n"
    "enable-cache passwd no\n"
    "enable-cache group no\n"
    "enable-cache hosts yes\n"
    "positive-time-to-live hosts 3600\n"
    "negative-time-to-live hosts 20\n"
    "suggested-size hosts 100003\n"
    "check-files hosts no\n";

/* $RNR_BENCH_NSCD names an unscd binary used in place of the installed
 * one: extracted from the package (apt-get download unscd; dpkg -x), it
 * serves the bench without the system-wide nscd installing it starts. */
static const char *nscd_path(void)
{
    const char *e = getenv("RNR_BENCH_NSCD");

    return e != NULL && e[0] != '\0' ? e : BENCH_NSCD_PATH;
}

static int answers(void)
{
    struct sockaddr_un sun;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), ok;

    if (fd < 0)
        return 0;
    memset(&sun, 0, sizeof sun);
    sun.sun_family = AF_UNIX;
    memcpy(sun.sun_path, NSCD_SOCKET, sizeof NSCD_SOCKET);
    ok = connect(fd, (struct sockaddr *)&sun, sizeof sun) == 0;
    close(fd);
    return ok;
}

int bench_nscd_start(const char *tmpdir, pid_t *pid, char *why, size_t whylen)
{
    char conf[512], log[512];
    struct timespec ts = { 0, 10 * 1000 * 1000 };
    FILE *f;
    pid_t p;
    int i, st;

    if (access(nscd_path(), X_OK) != 0) {
        snprintf(why, whylen, "skipped (no %s: apt-get install unscd, or RNR_BENCH_NSCD)",
                 nscd_path());
        return -1;
    }
    snprintf(conf, sizeof conf, "%s/nscd.conf", tmpdir);
    snprintf(log, sizeof log, "%s/nscd.log", tmpdir);
    f = fopen(conf, "w");
    if (f == NULL || fputs(nscd_conf, f) == EOF || fclose(f) != 0) {
        snprintf(why, whylen, "%s: %s", conf, strerror(errno));
        return -1;
    }
    /* A /run of our own: the socket path glibc looks at, unseen outside. */
    if (mount("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") != 0 ||
        mkdir("/run/nscd", 0755) != 0) {
        snprintf(why, whylen, "skipped (tmpfs over /run: %s)", strerror(errno));
        return -1;
    }
    p = fork();
    if (p < 0) {
        snprintf(why, whylen, "fork: %s", strerror(errno));
        return -1;
    }
    if (p == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

        /* Never outlive the bench phase, even one killed for a timeout. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);

        if (fd >= 0) {
            dup2(fd, STDOUT_FILENO);
            dup2(fd, STDERR_FILENO);
        }
        execl(nscd_path(), "nscd", "-d", "-f", conf, (char *)NULL);
        _exit(127);
    }
    for (i = 0; i < 500; i++) {
        if (waitpid(p, &st, WNOHANG) == p) {
            snprintf(why, whylen, "nscd exited at start (log %s)", log);
            return -1;
        }
        if (answers()) {
            *pid = p;
            return 0;
        }
        nanosleep(&ts, NULL);
    }
    bench_nscd_stop(p);
    snprintf(why, whylen, "nscd did not listen on %s within 5 s (log %s)", NSCD_SOCKET, log);
    return -1;
}

void bench_nscd_stop(pid_t pid)
{
    struct timespec ts = { 0, 10 * 1000 * 1000 };
    int i;

    if (pid <= 0)
        return;
    kill(pid, SIGTERM);
    for (i = 0; i < 200; i++) {
        if (waitpid(pid, NULL, WNOHANG) == pid)
            return;
        nanosleep(&ts, NULL);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}
