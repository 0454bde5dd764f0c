/* SPDX-License-Identifier: MIT */
/*
 * ldap provider: Active Directory's Winsock objects (NS_NTDS) on an LDAP
 * server.  The ops table, the configuration, start-up, counters and the
 * control commands.  doc/ldap.md has the design.
 */
#include "config.h"

#include "ldap_int.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "alloc.h"
#include "confkey.h"

void lp_config_free(struct lp_config *c)
{
    size_t i;

    if (c == NULL)
        return;
    for (i = 0; i < c->nuris; i++)
        rnr_free(c->uris[i]);
    rnr_free(c->uris);
    if (c->password != NULL)
        memset(c->password, 0, strlen(c->password));
    rnr_free(c->password);
    rnr_free(c->base);
    rnr_free(c->container);
    rnr_free(c->bind_dn);
    rnr_free(c->ca_file);
    memset(c, 0, sizeof *c);
}

/* `uri`: blank-separated, each ldap://, ldaps:// or ldapi://. */
static int uris_parse(const char *v, char ***out, size_t *n, char *why, size_t whylen)
{
    char  **u = NULL;
    size_t  k = 0;
    int     rc = WSAEINVAL;

    while (v != NULL && *v != '\0') {
        size_t len;

        v += strspn(v, " \t,");
        len = strcspn(v, " \t,");
        if (len == 0)
            break;
        if (k == LP_MAX_URIS || !(strncasecmp(v, "ldap://", 7) == 0 ||
                                  strncasecmp(v, "ldaps://", 8) == 0 ||
                                  strncasecmp(v, "ldapi://", 8) == 0)) {
            snprintf(why, whylen, "expected up to %u ldap://, ldaps:// or ldapi:// URIs",
                     LP_MAX_URIS);
            goto done;
        }
        if (out != NULL) {
            char **g = rnr_realloc(u, (k + 1) * sizeof *g);

            if (g == NULL || (g[k] = rnr_strndup(v, len)) == NULL) {
                u = g != NULL ? g : u;
                rc = WSA_NOT_ENOUGH_MEMORY;
                goto done;
            }
            u = g;
        }
        k++;
        v += len;
    }
    if (k == 0) {
        snprintf(why, whylen, "at least one ldap://, ldaps:// or ldapi:// URI is needed");
        goto done;
    }
    if (out != NULL) {
        *out = u;
        u = NULL;
    }
    *n = k;
    rc = 0;
done:
    while (u != NULL && k > 0)
        rnr_free(u[--k]);
    rnr_free(u);
    return rc;
}

/* The first line of the password file, without its newline. */
static int password_read(const char *path, char **out)
{
    char    buf[LP_MAX_PASSWORD + 2];
    ssize_t n;
    int     fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

    if (fd < 0)
        return WSAEINVAL;
    n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n < 0 || (size_t)n > LP_MAX_PASSWORD)
        return WSAEINVAL;
    buf[n] = '\0';
    buf[strcspn(buf, "\r\n")] = '\0';
    *out = rnr_strdup(buf);
    memset(buf, 0, sizeof buf);
    return *out != NULL ? 0 : WSA_NOT_ENOUGH_MEMORY;
}

static int dup_key(const struct rnr_nsp_host *host, struct rnr_nsp_provider *p, const char *key,
                   char **out)
{
    const char *v = host->config_get(p, key);

    *out = NULL;
    if (v == NULL || v[0] == '\0')
        return 0;
    return (*out = rnr_strdup(v)) != NULL ? 0 : WSA_NOT_ENOUGH_MEMORY;
}

static unsigned uint_key(const struct rnr_nsp_host *host, struct rnr_nsp_provider *p,
                         const char *key, unsigned dflt)
{
    const char *v = host->config_get(p, key);
    uint64_t    n;

    return v != NULL && rnr_confkey_uint(v, 0, UINT32_MAX, &n) == 0 ? (unsigned)n : dflt;
}

int lp_config_read(const struct rnr_nsp_host *host, struct rnr_nsp_provider *p,
                   struct lp_config *c)
{
    const char *tls = host->config_get(p, "starttls");
    const char *mech = host->config_get(p, "sasl-mech");
    const char *pwf = host->config_get(p, "bind-password-file");
    const char *uw = host->config_get(p, "user-writes");
    char        why[128];
    int         rc;

    memset(c, 0, sizeof *c);
    if ((rc = uris_parse(host->config_get(p, "uri"), &c->uris, &c->nuris, why, sizeof why)) != 0) {
        host->log(p, RNR_NSP_LOG_ERR, "uri: %s", why);
        goto done;
    }
    if ((rc = dup_key(host, p, "base", &c->base)) != 0 ||
        (rc = dup_key(host, p, "bind-dn", &c->bind_dn)) != 0 ||
        (rc = dup_key(host, p, "ca-file", &c->ca_file)) != 0)
        goto done;
    rc = WSAEINVAL;
    if (c->base == NULL) {
        host->log(p, RNR_NSP_LOG_ERR, "base: the domain's DN is needed");
        goto done;
    }
    if (pwf != NULL && pwf[0] != '\0' && password_read(pwf, &c->password) != 0) {
        host->log(p, RNR_NSP_LOG_ERR, "bind-password-file = %s: cannot be read", pwf);
        goto done;
    }
    if ((c->container = rnr_malloc(strlen(LP_CONTAINER_RDNS) + strlen(c->base) + 1)) == NULL) {
        rc = WSA_NOT_ENOUGH_MEMORY;
        goto done;
    }
    strcpy(c->container, LP_CONTAINER_RDNS);
    strcat(c->container, c->base);
    c->sasl_external = mech != NULL && strcasecmp(mech, "EXTERNAL") == 0;
    c->starttls = tls == NULL || strcasecmp(tls, "no") == 0 ? LP_TLS_NO
                  : strcasecmp(tls, "demand") == 0 ? LP_TLS_DEMAND : LP_TLS_YES;
    c->timeout_ms = uint_key(host, p, "timeout-ms", LP_TIMEOUT_DEFAULT);
    c->cache_ttl = uint_key(host, p, "cache-ttl", LP_CACHE_DEFAULT);
    c->user_writes = 0;
    if (uw != NULL)
        (void)rnr_confkey_bool(uw, &c->user_writes);
    rc = 0;
done:
    if (rc != 0)
        lp_config_free(c);
    return rc;
}

static void lp_cleanup(void *state)
{
    struct lp_state *st = state;

    if (st == NULL)
        return;
    lp_classes_stop(st);
    lp_conn_stop(st);
    lp_classes_free(st);
    lp_owners_free(st);
    lp_config_free(&st->cfg);
    rnr_free(st);
}

static int lp_startup(const struct rnr_nsp_host *host, struct rnr_nsp_provider *p, void **state)
{
    struct lp_state *st;
    int              rc;

    if ((st = rnr_calloc(1, sizeof *st)) == NULL)
        return WSA_NOT_ENOUGH_MEMORY;
    st->host = host;
    st->p = p;
    st->init_status = WSAEINVAL;   /* never started */
    lp_conn_init(st);
    if ((rc = lp_config_read(host, p, &st->cfg)) != 0) {
        rnr_free(st);
        return rc == WSAEINVAL ? WSAEPROVIDERFAILEDINIT : rc;
    }
    host->log(p, RNR_NSP_LOG_INFO, "%zu server(s), first %s; container %s", st->cfg.nuris,
              st->cfg.uris[0], st->cfg.container);
    lp_classes_start(st);
    *state = st;
    return 0;
}

static int lp_reload(void *state)
{
    struct lp_state *st = state;
    struct lp_config c;
    int              rc;

    if ((rc = lp_config_read(st->host, st->p, &c)) != 0)
        return rc;
    /* The next connection uses the new settings: drop the current one
     * only when nothing waits on it. */
    lp_config_free(&st->cfg);
    st->cfg = c;
    st->uri_at = 0;
    st->round_failed = 0;
    st->retry_at = 0;
    if (TAILQ_EMPTY(&st->sent) && TAILQ_EMPTY(&st->queue))
        lp_conn_stop(st);
    st->host->answers_changed(st->p);
    return 0;
}

static void lp_stats(void *state, void (*emit_stat)(void *ctx, const char *key, uint64_t v),
                     void *ctx)
{
    const struct lp_state *st = state;

    emit_stat(ctx, "connected", st->ld != NULL);
    emit_stat(ctx, "connects", st->connects);
    emit_stat(ctx, "failovers", st->failovers);
    emit_stat(ctx, "timeouts", st->timeouts);
    emit_stat(ctx, "lookups", st->lookups);
    emit_stat(ctx, "entries", st->entries);
    emit_stat(ctx, "malformed-values", st->malformed);
    emit_stat(ctx, "set-service", st->sets);
    emit_stat(ctx, "refused", st->refused);
}

static void init_done(void *arg, int wsa)
{
    struct lp_state *st = arg;

    st->init_status = wsa;
    st->host->log(st->p, wsa == 0 ? RNR_NSP_LOG_NOTICE : RNR_NSP_LOG_WARNING,
                  "init of %s: %s", st->cfg.container, wsa == 0 ? "done" : "failed");
}

/* `init` only starts the work (the loop must not wait on the server);
 * `init-status` reports it: WSAEINPROGRESS until it is over. */
static int lp_control(void *state, const char *command, const char *arg)
{
    struct lp_state *st = state;
    int              rc;

    (void)arg;
    if (strcmp(command, "init") == 0) {
        if (st->init_status == WSAEINPROGRESS)
            return 0;
        st->init_status = WSAEINPROGRESS;
        if ((rc = lp_init_tree(st, init_done, st)) != 0)
            st->init_status = rc;
        return rc;
    }
    if (strcmp(command, "init-status") == 0)
        return st->init_status;
    return WSAEINVAL;
}

static void lp_check_config(const struct rnr_nsp_check *chk)
{
    const char *uri = chk->get(chk->ctx, "uri");
    const char *base = chk->get(chk->ctx, "base");
    const char *mech = chk->get(chk->ctx, "sasl-mech");
    const char *dn = chk->get(chk->ctx, "bind-dn");
    const char *pwf = chk->get(chk->ctx, "bind-password-file");
    char        why[128];
    size_t      n;

    if (uri == NULL)
        chk->error(chk->ctx, "uri", "is needed: ldap://, ldaps:// or ldapi:// URIs");
    else if (uris_parse(uri, NULL, &n, why, sizeof why) != 0)
        chk->error(chk->ctx, "uri", "%s", why);
    if (base == NULL || base[0] == '\0' || strchr(base, '=') == NULL)
        chk->error(chk->ctx, "base", "is needed: the domain's DN, e.g. DC=example,DC=org");
    if (mech != NULL && (dn != NULL || pwf != NULL))
        chk->error(chk->ctx, "sasl-mech", "EXTERNAL takes no bind-dn or bind-password-file");
    if ((dn == NULL) != (pwf == NULL))
        chk->error(chk->ctx, dn == NULL ? "bind-password-file" : "bind-dn",
                   "bind-dn and bind-password-file go together");
}

static const char *const lp_tls_values[] = { "no", "yes", "demand", NULL };
static const char *const lp_mech_values[] = { "EXTERNAL", NULL };

static const struct rnr_nsp_key lp_config_keys[] = {
    { .name = "uri", .type = RNR_NSP_KEY_STRING,
      .help = "ldap://, ldaps:// or ldapi:// URIs, tried in order" },
    { .name = "base", .type = RNR_NSP_KEY_STRING,
      .help = "the domain's DN; the container is CN=WinsockServices,CN=System,<base>" },
    { .name = "bind-dn", .type = RNR_NSP_KEY_STRING, .help = "the DN rnrd binds as" },
    { .name = "bind-password-file", .type = RNR_NSP_KEY_PATH,
      .help = "a file whose first line is bind-dn's password" },
    { .name = "sasl-mech", .type = RNR_NSP_KEY_ENUM, .values = lp_mech_values,
      .help = "EXTERNAL: bind as rnrd's own uid over ldapi://" },
    { .name = "starttls", .type = RNR_NSP_KEY_ENUM, .values = lp_tls_values,
      .help = "StartTLS on ldap:// URIs: no, yes (when offered) or demand" },
    { .name = "ca-file", .type = RNR_NSP_KEY_PATH,
      .help = "the CA certificates the server's certificate must chain to" },
    { .name = "timeout-ms", .type = RNR_NSP_KEY_UINT, .min = 100, .max = 600000,
      .help = "longest wait for one server, per request (default 3000)" },
    { .name = "cache-ttl", .type = RNR_NSP_KEY_UINT, .min = 0, .max = 86400,
      .help = "seconds an answer may be served again (default 30)" },
    { .name = "user-writes", .type = RNR_NSP_KEY_BOOL,
      .help = "let unprivileged users register through rnrd's identity (default no)" },
    { .name = NULL }
};

static const struct rnr_nsp_ops lp_ops = {
    RNR_NSP_OPS_INIT,
    .name = "ldap",
    .display_name = "LDAP directory of Active Directory Winsock services",
    .capabilities = RNR_NSP_CAP_CONTAINERS | RNR_NSP_CAP_WILDCARDS | RNR_NSP_CAP_REGISTER |
                    RNR_NSP_CAP_CLASSES,
    .families = RNR_NSP_AF_ANY,
    .default_name_space = NS_NTDS,
    .default_id = LP_PROVIDER_ID,
    .version = 1,
    .startup = lp_startup,
    .cleanup = lp_cleanup,
    .reload = lp_reload,
    .lookup_begin = lp_lookup_begin,
    .lookup_cancel = lp_lookup_cancel,
    .set_service = lp_set_service,
    .install_class = lp_install_class,
    .remove_class = lp_remove_class,
    .get_class_info = lp_get_class_info,
    .stats = lp_stats,
    .control = lp_control,
    .config_keys = lp_config_keys,
    .check_config = lp_check_config,
};

RNR_NSP_MODULE(ldap, lp_ops);
