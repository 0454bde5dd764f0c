/* SPDX-License-Identifier: MIT */
/*
 * local provider (NS_TCPIP_LOCAL): the local host's name and interface
 * addresses, and "localhost".  What gethostname() and a lookup of one's
 * own name need, even on a machine without a name or a hosts file.
 *
 * Service names in query strings ("ftp") come from the services file,
 * parsed by hostsdb: getservbyname_r would go through NSS, which may be
 * configured to ask rnrd itself - a deadlock from inside the daemon.
 */
#include "hostres.h"
#include "hostsdb.h"
#include "hdb_index.h"
#include "alloc.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rnr/nspids.h>

#define LOCAL_DEFAULT_SERVICES_FILE "/etc/services"
#define LOCAL_NAME_MAX 256

struct local_state {
    const struct rnr_nsp_host *host;
    struct rnr_nsp_provider   *p;
    char           *hostname;       /* configured, or NULL: gethostname() */
    char           *services_path;
    struct hostsdb *services;       /* services only; never NULL */
    struct stat     services_st;    /* what `services` was loaded from */
    uint64_t        lookups;
};

/* Interface enumeration, replaceable by tests. */
static int  (*get_ifaddrs)(struct ifaddrs **) = getifaddrs;
static void (*free_ifaddrs)(struct ifaddrs *) = freeifaddrs;

static const GUID g_hostname = SVCID_HOSTNAME;
static const GUID g_byname = SVCID_INET_HOSTADDRBYNAME;
static const GUID g_bystring = SVCID_INET_HOSTADDRBYINETSTRING;

static const uint8_t loop4[4] = { 127, 0, 0, 1 };
static const uint8_t loop6[16] = { [15] = 1 };

/* (Re)loads the services file when it changed since the last load.
 * Keeps the previous table when the new one does not load. */
static void refresh_services(struct local_state *st, int force)
{
    struct hostsdb *db;
    struct stat sb;

    memset(&sb, 0, sizeof sb);
    if (stat(st->services_path, &sb) != 0)
        memset(&sb, 0, sizeof sb);
    if (!force && st->services != NULL && sb.st_ino == st->services_st.st_ino &&
        sb.st_dev == st->services_st.st_dev &&
        sb.st_size == st->services_st.st_size &&
        sb.st_mtim.tv_sec == st->services_st.st_mtim.tv_sec &&
        sb.st_mtim.tv_nsec == st->services_st.st_mtim.tv_nsec)
        return;
    if (hostsdb_load(NULL, st->services_path, HOSTSDB_MISSING_OK, st->host->log,
                     st->p, &db) != 0)
        return;
    hostsdb_free(st->services);
    st->services = db;
    st->services_st = sb;
}

/* The local host name: configured, else the kernel's; a machine without a
 * name ("", "(none)") is "localhost". */
static void local_name(const struct local_state *st, char buf[LOCAL_NAME_MAX])
{
    buf[0] = '\0';
    if (st->hostname != NULL) {
        snprintf(buf, LOCAL_NAME_MAX, "%s", st->hostname);
    } else if (gethostname(buf, LOCAL_NAME_MAX) != 0) {
        buf[0] = '\0';
    }
    buf[LOCAL_NAME_MAX - 1] = '\0';
    if (buf[0] == '\0' || strcmp(buf, "(none)") == 0)
        snprintf(buf, LOCAL_NAME_MAX, "localhost");
}

static int is_loopback(int af, const uint8_t *a)
{
    if (af == AF_INET)
        return a[0] == 127;
    return memcmp(a, loop6, 16) == 0;
}

/* Emits the host `name` with the addresses already in r. */
static int emit_host(struct local_state *st, struct rnr_nsp_lookup *lk,
                     const struct hr_query *q, const GUID *cls,
                     struct hr_result *r, const char *alias)
{
    int rc = 0;

    r->blob_af = hr_primary_family(q, hr_has_family(r, AF_INET),
                                   hr_has_family(r, AF_INET6));
    if (r->blob_af == 0)
        return WSANO_DATA;
    if (alias != NULL && (rc = hr_add_alias(r, alias)) == 0)
        rc = hr_add_alias_result(r, alias);
    if (rc == 0)
        rc = hr_emit(st->host, lk, q, cls, r);
    return rc == WSAENOBUFS ? 0 : rc;
}

/* Is `name` the local host: its full name or its first label? */
static int is_local_name(const char *name, const char *local, char *label)
{
    size_t n = strcspn(local, ".");

    label[0] = '\0';
    if (local[n] == '.' && n > 0) {
        memcpy(label, local, n);
        label[n] = '\0';
    }
    return hdb_casecmp(name, local) == 0 ||
           (label[0] != '\0' && hdb_casecmp(name, label) == 0);
}

static int by_name(struct local_state *st, struct rnr_nsp_lookup *lk,
                   const WSAQUERYSETA *qs, const char *name)
{
    char local[LOCAL_NAME_MAX], label[LOCAL_NAME_MAX];
    struct hr_result r;
    struct hr_query q;
    int rc;

    local_name(st, local);
    if (qs->lpszQueryString != NULL && qs->lpszQueryString[0] != '\0')
        refresh_services(st, 0);
    if ((rc = hr_query_init(&q, qs, st->services)) != 0)
        return rc;
    if (name != NULL && (hdb_casecmp(name, "localhost") == 0 ||
                         hdb_casecmp(name, "localhost.") == 0)) {
        hr_init(&r, "localhost", 0);
        rc = hr_add_loopback(&r);
        if (rc == 0)
            rc = emit_host(st, lk, &q, qs->lpServiceClassId, &r, NULL);
    } else if (name == NULL || name[0] == '\0' ||
               is_local_name(name, local, label)) {
        is_local_name(local, local, label);
        hr_init(&r, local, 0);
        rc = hr_add_local_addrs(&r, get_ifaddrs, free_ifaddrs);
        if (rc == 0)
            rc = emit_host(st, lk, &q, qs->lpServiceClassId, &r,
                           label[0] != '\0' ? label : NULL);
    } else {
        return WSAHOST_NOT_FOUND;
    }
    hr_clear(&r);
    return rc == WSAENOBUFS ? WSANO_RECOVERY : rc;
}

/* Is (af, a) one of this host's interface addresses? */
static int is_local_addr(int af, const uint8_t *a)
{
    struct ifaddrs *list = NULL, *i;
    int found = 0;

    if (get_ifaddrs(&list) != 0)
        return 0;
    for (i = list; i != NULL && !found; i = i->ifa_next) {
        const struct sockaddr *sa = i->ifa_addr;

        if (sa == NULL || sa->sa_family != af)
            continue;
        if (af == AF_INET)
            found = memcmp(&((const struct sockaddr_in *)(const void *)sa)->sin_addr,
                           a, 4) == 0;
        else
            found = memcmp(&((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
                           a, 16) == 0;
    }
    free_ifaddrs(list);
    return found;
}

static int by_addr(struct local_state *st, struct rnr_nsp_lookup *lk,
                   const WSAQUERYSETA *qs)
{
    const char *text = qs->lpszServiceInstanceName;
    char local[LOCAL_NAME_MAX], buf[INET6_ADDRSTRLEN + 1], label[LOCAL_NAME_MAX];
    struct hr_result r;
    struct hr_query q;
    uint8_t a[16];
    size_t len;
    int af, rc;

    if (text == NULL || (len = strcspn(text, "%")) >= sizeof buf)
        return WSAHOST_NOT_FOUND;
    memcpy(buf, text, len);
    buf[len] = '\0';
    if (inet_pton(AF_INET, buf, a) == 1)
        af = AF_INET;
    else if (inet_pton(AF_INET6, buf, a) == 1)
        af = AF_INET6;
    else
        return WSAHOST_NOT_FOUND;
    if ((rc = hr_query_init(&q, qs, st->services)) != 0)
        return rc;
    local_name(st, local);
    /* Only the addresses "localhost" resolves to: the rest of 127/8 is
     * nobody's name here, and may be a name registered elsewhere. */
    if (af == AF_INET ? memcmp(a, loop4, 4) == 0 : is_loopback(af, a)) {
        hr_init(&r, "localhost", af);
    } else if (is_local_addr(af, a)) {
        hr_init(&r, local, af);
    } else {
        return WSAHOST_NOT_FOUND;
    }
    if (!hr_family_allowed(&q, af)) {
        rc = WSANO_DATA;
    } else if ((rc = hr_add_addr(&r, af, a, 0)) == 0) {
        is_local_name(local, local, label);
        rc = emit_host(st, lk, &q, qs->lpServiceClassId, &r,
                       r.name != local || label[0] == '\0' ? NULL : label);
    }
    hr_clear(&r);
    return rc == WSAENOBUFS ? WSANO_RECOVERY : rc;
}

static int dispatch(struct local_state *st, struct rnr_nsp_lookup *lk,
                    const WSAQUERYSETA *qs, DWORD flags)
{
    const GUID *cls = qs->lpServiceClassId;
    const char *name = qs->lpszServiceInstanceName;

    /* LUP_CONTAINERS never arrives: rnrd answers WSANO_DATA for providers
     * without RNR_NSP_CAP_CONTAINERS. */
    (void)flags;
    if (memcmp(cls, &g_hostname, sizeof *cls) == 0)
        return by_name(st, lk, qs, name);
    if (memcmp(cls, &g_byname, sizeof *cls) == 0) {
        /* "" is the local host, as gethostbyname("") is on Windows (Wine's
         * tests, test_gethostbyname): its name and addresses. */
        if (name == NULL)
            return WSAHOST_NOT_FOUND;
        return by_name(st, lk, qs, name);
    }
    if ((IS_SVCID_TCP(cls) || IS_SVCID_UDP(cls)) && RR_FROM_SVCID(cls) == 0) {
        if (name == NULL || name[0] == '\0')
            return WSASERVICE_NOT_FOUND;
        return by_name(st, lk, qs, name);
    }
    if (memcmp(cls, &g_bystring, sizeof *cls) == 0)
        return by_addr(st, lk, qs);
    return WSASERVICE_NOT_FOUND;
}

static int local_lookup_begin(void *state, struct rnr_nsp_lookup *lk,
                              const WSAQUERYSETA *qs, DWORD flags)
{
    struct local_state *st = state;
    int rc;

    st->lookups++;
    rc = dispatch(st, lk, qs, flags);
    /* The host name and the interface addresses are read on every lookup
     * and nothing says when they change: a second, so that a burst of
     * lookups (every getaddrinfo asks this provider too) is answered from
     * the answer cache, and a new address shows within a second. */
    if (st->host->lookup_reusable != NULL)
        st->host->lookup_reusable(lk, 1000);
    st->host->finish(lk, rc);
    return 0;
}

/* Reads the configuration into fresh strings; 0 or WSAENOBUFS. */
static int read_config(struct local_state *st, char **hostname, char **services)
{
    const char *h = st->host->config_get(st->p, "hostname");
    const char *s = st->host->config_get(st->p, "services-file");
    char *hc = NULL, *sc;

    if (h != NULL && h[0] != '\0' && (hc = rnr_strdup(h)) == NULL)
        return WSAENOBUFS;
    sc = rnr_strdup(s != NULL && s[0] != '\0' ? s : LOCAL_DEFAULT_SERVICES_FILE);
    if (sc == NULL) {
        rnr_free(hc);
        return WSAENOBUFS;
    }
    *hostname = hc;
    *services = sc;
    return 0;
}

static void local_cleanup(void *state)
{
    struct local_state *st = state;

    if (st == NULL)
        return;
    hostsdb_free(st->services);
    rnr_free(st->hostname);
    rnr_free(st->services_path);
    rnr_free(st);
}

static int local_startup(const struct rnr_nsp_host *host,
                         struct rnr_nsp_provider *p, void **state)
{
    struct local_state *st;
    int rc;

    st = rnr_calloc(1, sizeof *st);
    if (st == NULL)
        return WSAENOBUFS;
    st->host = host;
    st->p = p;
    if ((rc = read_config(st, &st->hostname, &st->services_path)) != 0)
        goto done;
    refresh_services(st, 1);
    if (st->services == NULL &&
        (rc = hostsdb_load(NULL, NULL, 0, NULL, NULL, &st->services)) != 0)
        goto done;
    *state = st;
    st = NULL;
done:
    local_cleanup(st);
    return rc;
}

static int local_reload(void *state)
{
    struct local_state *st = state;
    char *hostname, *services;
    int rc;

    if ((rc = read_config(st, &hostname, &services)) != 0)
        return rc;
    rnr_free(st->hostname);
    rnr_free(st->services_path);
    st->hostname = hostname;
    st->services_path = services;
    refresh_services(st, 1);
    return 0;
}

static void local_stats(void *state,
                        void (*emit_stat)(void *ctx, const char *key,
                                          uint64_t value),
                        void *ctx)
{
    const struct local_state *st = state;

    emit_stat(ctx, "lookups", st->lookups);
}

static const struct rnr_nsp_key local_config_keys[] = {
    { .name = "hostname", .type = RNR_NSP_KEY_STRING,
      .help = "this host's name (default: gethostname())" },
    { .name = "services-file", .type = RNR_NSP_KEY_PATH,
      .help = "services file for query strings (default " LOCAL_DEFAULT_SERVICES_FILE ")" },
    { .name = NULL }
};

static const struct rnr_nsp_ops local_ops = {
    RNR_NSP_OPS_INIT,
    .name = "local",
    .display_name = "Local host",
    .capabilities = 0,
    .families = RNR_NSP_AF_INET | RNR_NSP_AF_INET6,
    .default_name_space = NS_TCPIP_LOCAL,
    .default_id = RNR_NSPID_LOCAL,
    .version = 1,
    .startup = local_startup,
    .cleanup = local_cleanup,
    .reload = local_reload,
    .lookup_begin = local_lookup_begin,
    .lookup_cancel = NULL,     /* lookups finish inside lookup_begin */
    .stats = local_stats,
    .config_keys = local_config_keys,
};

RNR_NSP_MODULE(local, local_ops);

#ifdef RNR_NSP_NO_ENTRY
/* Tests link the sources directly and fake the interfaces. */
void rnr_local_set_ifaddrs(int (*get)(struct ifaddrs **),
                           void (*release)(struct ifaddrs *));

void rnr_local_set_ifaddrs(int (*get)(struct ifaddrs **),
                           void (*release)(struct ifaddrs *))
{
    get_ifaddrs = get != NULL ? get : getifaddrs;
    free_ifaddrs = release != NULL ? release : freeifaddrs;
}
#endif
