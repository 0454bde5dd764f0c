/* SPDX-License-Identifier: MIT */
/*
 * A minimal rnr name-space provider, rnr-nsp(7).  It builds from the
 * installed <rnr/nsp.h> alone:
 *
 *   cc -shared -fPIC $(pkg-config --cflags librnr) -o example.so example.c
 *
 * and is configured in rnrd.conf(5) with
 *
 *   [provider example]
 *   module = /path/to/example.so
 *   greeting = hello            (optional; a key of its own)
 *
 * It answers every lookup of the instance name "example" (any class) with
 * one result whose comment is the greeting, counts what it answered for
 * `rnrctl stats`, and takes the command "reset" from `rnrctl control`.
 */
#include <stdlib.h>
#include <string.h>

#include <rnr/nsp.h>

struct example {
    const struct rnr_nsp_host *host;
    struct rnr_nsp_provider   *p;
    uint64_t                   answered;
};

static int example_startup(const struct rnr_nsp_host *host, struct rnr_nsp_provider *p,
                           void **state)
{
    struct example *ex = calloc(1, sizeof *ex);

    if (ex == NULL)
        return WSA_NOT_ENOUGH_MEMORY;
    ex->host = host;
    ex->p = p;
    *state = ex;
    return 0;
}

static void example_cleanup(void *state)
{
    free(state);
}

static int example_lookup_begin(void *state, struct rnr_nsp_lookup *lk,
                                const WSAQUERYSETA *qs, DWORD flags)
{
    struct example *ex = state;
    const char *greeting = ex->host->config_get(ex->p, "greeting");
    WSAQUERYSETA res;

    (void)flags;
    if (qs->lpszServiceInstanceName == NULL ||
        strcmp(qs->lpszServiceInstanceName, "example") != 0) {
        ex->host->finish(lk, WSASERVICE_NOT_FOUND);
        return 0;
    }
    memset(&res, 0, sizeof res);
    res.dwSize = sizeof res;
    res.lpszServiceInstanceName = qs->lpszServiceInstanceName;
    res.lpServiceClassId = qs->lpServiceClassId;
    res.lpszComment = (char *)(greeting != NULL ? greeting : "hello from example.so");
    /* The daemon copies the result and fills in the provider id and the
     * name space. */
    ex->host->emit(lk, &res);
    ex->answered++;
    ex->host->finish(lk, 0);
    return 0;
}

static void example_stats(void *state, void (*emit_stat)(void *, const char *, uint64_t),
                          void *ctx)
{
    struct example *ex = state;

    emit_stat(ctx, "answered", ex->answered);
}

static int example_control(void *state, const char *command, const char *arg)
{
    struct example *ex = state;

    (void)arg;
    if (strcmp(command, "reset") != 0)
        return WSAEINVAL;
    ex->answered = 0;
    return 0;
}

/* Every key the section may hold besides rnrd's own: rnrd refuses a file
 * with any other, or with a value of the wrong type. */
static const struct rnr_nsp_key example_keys[] = {
    { .name = "greeting", .type = RNR_NSP_KEY_STRING,
      .help = "the comment of the answer" },
    { .name = NULL }
};

static const struct rnr_nsp_ops example_ops = {
    RNR_NSP_OPS_INIT,
    .name = "example",
    .display_name = "Example provider",
    .families = RNR_NSP_AF_ANY,
    .default_name_space = NS_NETBT,
    .default_id = { 0x3E1F5C2A, 0x7B44, 0x4C1D, { 0x8A, 0x90, 0x12, 0x34, 0x56, 0x78, 0x9A, 0xBC } },
    .version = 1,
    .startup = example_startup,
    .cleanup = example_cleanup,
    .lookup_begin = example_lookup_begin,
    .stats = example_stats,
    .control = example_control,
    .config_keys = example_keys,
};

RNR_NSP_MODULE(example, example_ops);
