/* SPDX-License-Identifier: MIT */
/*
 * rnrctl publish: a registration that lasts while rnrctl runs.  The
 * connection is what a dynamic name space ties it to: publish keeps it
 * open (and opens it again when rnrd restarts) until SIGINT or SIGTERM,
 * then deregisters.
 */
#include <config.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "alloc.h"
#include "opsconn.h"
#include "reg_common.h"

static const char rnrctl_help_publish[] =
"Usage: rnrctl publish CLASS NAME [options]\n"
"\n"
"Register service instance NAME of class CLASS, as register does, and keep\n"
"it registered until interrupted (SIGINT, SIGTERM or SIGHUP): then\n"
"deregister it and exit 0.  What each provider did is printed at once.\n"
"If rnrd closes the connection (it restarted, say), the registration is\n"
"made again on a new one.  With --json, one JSON object a line.\n"
"\n"
RNRCTL_SETSERVICE_OPTIONS
"\n"
"Examples:\n"
"  rnrctl publish myclass printer1 --addr 192.0.2.10:631 --ns NS_SAP\n"
"  rnrctl publish tcp:8080 devserver --addr 192.0.2.7:8080 --provider directory\n";

/* publish_set's "rnrd went away before answering: try again". */
#define PUBLISH_RETRY (-2)

/* One registration (or deregistration) for publish, printed.  0, or the
 * exit code; PUBLISH_RETRY, silently, when `retry` and rnrd went away. */
static int publish_set(struct rnrctl *c, struct rnrctl_setsvc *s, int *fd, const WSAQUERYSETA *qs,
                       WSAESETSERVICEOP op, const char *operation, int retry)
{
    struct rnr_ops_control *rep = NULL;
    int r, st = 0;

    r = rnrctl_setsvc_send(fd, qs, op, s->multiple ? SERVICE_MULTIPLE : 0, &st, &rep);
    if (r == WSASYSNOTREADY && retry)
        return PUBLISH_RETRY;
    if (r != 0)
        return rnrctl_setsvc_fail(c, r, s->t.name, NULL);
    rnrctl_setsvc_report(c, s, operation, st, rep, 1);
    r = rnrctl_setsvc_conclude(c, s, op, st, rep);
    rnr_ops_control_free(rep);
    fflush(stdout);
    return r;
}

/* Waits for a signal, at most timeout_ms (-1: for ever) and, when fd is
 * not -1, only as long as rnrd keeps the connection.  1 when a signal
 * came; 0 when the connection closed (or rnrd sent what nobody asked
 * for) or the time ran out. */
static int publish_wait(int fd, int sfd, int timeout_ms)
{
    struct pollfd pfd[2] = { { sfd, POLLIN, 0 }, { fd, POLLIN, 0 } };
    struct signalfd_siginfo si;
    int n;

    for (;;) {
        n = poll(pfd, fd >= 0 ? 2 : 1, timeout_ms);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return 1;   /* cannot wait: withdraw rather than linger */
        if (n == 0)
            return 0;
        if ((pfd[0].revents & POLLIN) && read(sfd, &si, sizeof si) == (ssize_t)sizeof si)
            return 1;
        if (fd >= 0 && pfd[1].revents != 0)
            return 0;
    }
}

/* rnrd closed the connection (it restarted, say), and with it what was
 * held for it: connect again, waiting for rnrd as long as it takes, and
 * register again.  0 with *fd open and registered; -1 when a signal came
 * meanwhile (nothing left to withdraw); else the exit code. */
static int publish_again(struct rnrctl *c, struct rnrctl_setsvc *s, int *fd, int sfd,
                         const WSAQUERYSETA *qs)
{
    int delay_ms = 100, r;

    fprintf(stderr, "rnrctl: publish: rnrd closed the connection; registering again\n");
    for (;;) {
        /* A daemon shutting down may still accept before it goes. */
        if (*fd >= 0)
            close(*fd);
        *fd = -1;
        r = rnrctl_ops_dial(fd);
        if (r == 0 &&
            (r = publish_set(c, s, fd, qs, RNRSERVICE_REGISTER, "publish", 1)) != PUBLISH_RETRY)
            return r;
        if (r != PUBLISH_RETRY && r != WSASYSNOTREADY)
            return rnrctl_setsvc_fail(c, r, s->t.name, "no longer published");
        if (publish_wait(-1, sfd, delay_ms))
            return -1;
        if (delay_ms < 5000)
            delay_ms *= 2;
    }
}

static int rnrctl_cmd_publish(struct rnrctl *c, int argc, char **argv)
{
    struct rnrctl_setsvc *s = rnr_calloc(1, sizeof *s);
    CSADDR_INFO csa[RNRCTL_SETSVC_MAX_ADDRS];
    WSAQUERYSETA qs;
    sigset_t set, old;
    int r, fd = -1, sfd = -1, blocked = 0;

    if (s == NULL)
        return rnrctl_fail(c, WSAENOBUFS, "allocating");
    /* Blocked before registering: a signal during the registration is
     * taken once it is in place, and withdraws it. */
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    if (sigprocmask(SIG_BLOCK, &set, &old) == 0)
        blocked = 1;
    if ((sfd = signalfd(-1, &set, SFD_CLOEXEC)) < 0) {
        r = rnrctl_fail(c, WSASYSCALLFAILURE, "signalfd: %s", strerror(errno));
        goto done;
    }
    if ((r = rnrctl_setsvc_prepare(c, s, argc, argv, rnrctl_help_publish, 1, &fd)) != 0) {
        r = r < 0 ? RNRCTL_EXIT_OK : r;
        goto done;
    }
    rnrctl_setsvc_queryset(s, csa, &qs);
    if ((r = publish_set(c, s, &fd, &qs, RNRSERVICE_REGISTER, "publish", 0)) != 0)
        goto done;
    if (!c->json) {
        fputs("published; withdrawn on SIGINT or SIGTERM\n", stdout);
        fflush(stdout);
    }
    while (!publish_wait(fd, sfd, -1)) {
        if ((r = publish_again(c, s, &fd, sfd, &qs)) != 0) {
            if (r < 0)
                r = RNRCTL_EXIT_OK;   /* interrupted while rnrd was away */
            goto done;
        }
    }
    r = publish_set(c, s, &fd, &qs, RNRSERVICE_DEREGISTER, "withdraw", 0);
done:
    if (fd >= 0)
        close(fd);
    if (sfd >= 0)
        close(sfd);
    if (blocked)
        sigprocmask(SIG_SETMASK, &old, NULL);
    rnr_free(s);
    return r;
}

const struct rnrctl_command rnrctl_command_publish = {
    .name = "publish",
    .synopsis = "CLASS NAME",
    .summary = "register it until interrupted, then deregister",
    .help = rnrctl_help_publish,
    .run = rnrctl_cmd_publish,
};
