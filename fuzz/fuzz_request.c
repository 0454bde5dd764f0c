/* SPDX-License-Identifier: MIT */
/*
 * The daemon side of the wire protocol: a client's byte stream, frames
 * back to back, fed to a real rnrd client (daemon/client.c, through
 * rnrd_client_input) of a daemon with the hosts and local providers and a
 * class store in a private directory.  Every request is decoded, checked
 * and served as rnrd serves it: lookups run, classes are installed and
 * removed, replies are queued and written to the client's socket.  Then
 * the client goes away and everything it held must be freed.
 *
 * The input is fed in two reads (split in the middle) so partial frames
 * take the buffered path too.
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "alloc.h"
#include "log.h"
#include "lookup.h"
#include "rnrd.h"

#include "fuzz.h"

#ifndef FUZZ_BUILDDIR
#define FUZZ_BUILDDIR "."
#endif

static struct rnrd *g_d;

/* main.c (which has main()) is not linked in.  A RELOAD frame from an
 * admin client lands here: re-reading configuration files is outside
 * what this target feeds, so it answers as a refused reload would. */
int rnrd_reload(struct rnrd *d)
{
    (void)d;
    return WSAEINVAL;
}
static char g_dir[64];
static char g_classes[128];

static void reset_classes(void)
{
    struct dirent *e;
    char path[512];
    DIR *dir;

    rnrd_classes_close(g_d);
    dir = opendir(g_classes);
    if (dir != NULL) {
        while ((e = readdir(dir)) != NULL) {
            if (e->d_name[0] == '.')
                continue;
            snprintf(path, sizeof path, "%s/%s", g_classes, e->d_name);
            unlink(path);
        }
        closedir(dir);
    }
    FUZZ_CHECK(rnrd_classes_open(g_d) == 0);
}

static void cleanup(void)
{
    char cmd[160];

    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", g_dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    struct rnrd_errors errs = { 0 };
    char conf[2048], hosts[128], services[128];
    struct rnrd *d;
    FILE *f;

    (void)argc;
    (void)argv;
    snprintf(g_dir, sizeof g_dir, "/tmp/rnr-fuzz-request.XXXXXX");
    FUZZ_CHECK(mkdtemp(g_dir) != NULL);
    atexit(cleanup);
    snprintf(hosts, sizeof hosts, "%s/hosts", g_dir);
    f = fopen(hosts, "w");
    FUZZ_CHECK(f != NULL);
    fputs("127.0.0.1 localhost lh\n::1 localhost\n10.0.0.1 www.example.com www\n", f);
    fclose(f);
    snprintf(services, sizeof services, "%s/services", g_dir);
    f = fopen(services, "w");
    FUZZ_CHECK(f != NULL);
    fputs("http 80/tcp www\ndomain 53/udp\n", f);
    fclose(f);
    snprintf(conf, sizeof conf,
             "[daemon]\nstate-dir = %s\nmodule-dir = %s/providers/.libs\n"
             "class-dir = %s/none\nlog-level = err\nmax-lookups-per-client = 8\n"
             "max-message-size = 65536\nmax-results-per-lookup = 16\n"
             "[provider hosts]\nmodule = hosts\nnamespace = NS_TCPIP_HOSTS\n"
             "hosts-file = %s\nservices-file = %s\n"
             "[provider local]\nmodule = local\nnamespace = NS_TCPIP_LOCAL\n"
             "hostname = fuzzhost\n",
             g_dir, FUZZ_BUILDDIR, g_dir, hosts, services);

    d = rnrd_new();
    FUZZ_CHECK(d != NULL);
    if (rnrd_config_parse(conf, strlen(conf), "fuzz", &d->cfg, &errs) != 0) {
        fprintf(stderr, "%s\n", errs.n ? errs.msgs[0] : "config");
        abort();
    }
    d->limits = d->cfg->limits;
    rnrd_log_set_level(d->cfg->log_level);
    d->state_dir = rnr_strdup(g_dir);
    d->module_dir = rnr_strdup(d->cfg->module_dir);
    d->class_dir = rnr_strdup(d->cfg->class_dir);
    d->socket_path = rnr_strdup("/nonexistent");
    FUZZ_CHECK(rnrd_loop_new(&d->loop) == 0);
    FUZZ_CHECK(rnrd_classes_open(d) == 0);
    FUZZ_CHECK(rnrd_providers_start(d) == 0);
    FUZZ_CHECK(d->nprovs == 2);
    snprintf(g_classes, sizeof g_classes, "%s/classes", g_dir);
    g_d = d;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct rnrd_client *c;
    int sv[2];
    size_t half = size / 2;

    FUZZ_CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) == 0);
    rnrd_client_accept(g_d, sv[0]);
    TAILQ_FOREACH(c, &g_d->clients, link)
        if (c->fd == sv[0])
            break;
    FUZZ_CHECK(c != NULL);
    /* The input in its own allocation: ASan sees any read past it. */
    if (size > 0) {
        uint8_t *copy = malloc(size);

        FUZZ_CHECK(copy != NULL);
        memcpy(copy, data, size);
        rnrd_client_input(c, copy, half);
        rnrd_clients_flush(g_d);      /* what the loop's idle hook does */
        /* Still there (a malformed frame gets it dropped and freed)? */
        if (!TAILQ_EMPTY(&g_d->clients))
            rnrd_client_input(c, copy + half, size - half);
        free(copy);
    }
    rnrd_clients_flush(g_d);
    /* Gone, as if it had hung up: everything it held is freed. */
    if (!TAILQ_EMPTY(&g_d->clients)) {
        rnrd_client_drop(TAILQ_FIRST(&g_d->clients), NULL);
        rnrd_clients_flush(g_d);
    }
    FUZZ_CHECK(TAILQ_EMPTY(&g_d->clients) && g_d->nclients == 0);
    close(sv[1]);
    reset_classes();
    return 0;
}
