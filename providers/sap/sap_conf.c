/* SPDX-License-Identifier: MIT */
/*
 * [provider sap]: every key checked, every bad value refused with the key
 * and the reason in the log, the defaults of doc/sap-protocol.md filling
 * the gaps.
 */
#include "config.h"

#include "sap.h"
#include "alloc.h"
#include "confkey.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *get(struct sap_state *st, const char *key)
{
    const char *v = st->host->config_get(st->p, key);

    return v != NULL && v[0] != '\0' ? v : NULL;
}

static int get_num(struct sap_state *st, const char *key, unsigned long min,
                   unsigned long max, unsigned long def, unsigned long *out)
{
    const char *v = get(st, key);
    unsigned long n;
    char *end;

    if (v == NULL) {
        *out = def;
        return 0;
    }
    errno = 0;
    n = strtoul(v, &end, 10);
    if (errno != 0 || end == v || *end != '\0' || v[0] == '-' || n < min || n > max) {
        st->host->log(st->p, RNR_NSP_LOG_ERR, "%s = %s: not a number from %lu to %lu", key, v,
                      min, max);
        return WSAEINVAL;
    }
    *out = n;
    return 0;
}

/* The interface names of `v` (NULL: none) into c (NULL: only checked).
 * NULL, or why the item at *bad (*badlen bytes) is refused. */
static const char *ifnames_parse(const char *v, struct sap_conf *c, const char **bad,
                                 size_t *badlen)
{
    const char *s, *cur = v;
    unsigned n = 0;
    size_t len;

    while (v != NULL && (s = rnr_confkey_item(&cur, &len)) != NULL) {
        if (len >= IF_NAMESIZE || n == SAP_MAX_IFACES) {
            *bad = s;
            *badlen = len;
            return len >= IF_NAMESIZE ? "name too long" : "too many interfaces";
        }
        if (c != NULL) {
            memcpy(c->ifnames[n], s, len);
            c->ifnames[n][len] = '\0';
            c->nifnames = n + 1;
        }
        n++;
    }
    return NULL;
}

static int read_ifnames(struct sap_state *st, struct sap_conf *c)
{
    const char *why, *bad = NULL;
    size_t len = 0;

    c->nifnames = 0;
    why = ifnames_parse(get(st, "interfaces"), c, &bad, &len);
    if (why != NULL) {
        st->host->log(st->p, RNR_NSP_LOG_ERR, "interfaces: '%.*s': %s", (int)len, bad, why);
        return WSAEINVAL;
    }
    return 0;
}

#define GROUP4_WHY "not an IPv4 multicast address"
#define GROUP6_WHY "not a link-local multicast address (ff02::/16)"

/* The groups, NULL meaning the default: 0, or -1 (GROUP4_WHY, GROUP6_WHY). */
static int group4_parse(const char *g4, struct in_addr *out)
{
    return inet_pton(AF_INET, g4 ? g4 : SAP_DEFAULT_GROUP4, out) == 1 &&
           IN_MULTICAST(ntohl(out->s_addr)) ? 0 : -1;
}

static int group6_parse(const char *g6, struct in6_addr *out)
{
    return inet_pton(AF_INET6, g6 ? g6 : SAP_DEFAULT_GROUP6, out) == 1 &&
           IN6_IS_ADDR_MC_LINKLOCAL(out) ? 0 : -1;
}

static int read_modes(struct sap_state *st, struct sap_conf *c)
{
    const char *v4 = get(st, "ipv4"), *v6 = get(st, "ipv6");
    const char *g4 = get(st, "group4"), *g6 = get(st, "group6");

    /* Any case, as rnrd checked them (RNR_NSP_KEY_ENUM). */
    c->ipv4 = SAP_V4_BROADCAST;
    if (v4 != NULL) {
        if (strcasecmp(v4, "broadcast") == 0)
            c->ipv4 = SAP_V4_BROADCAST;
        else if (strcasecmp(v4, "multicast") == 0)
            c->ipv4 = SAP_V4_MULTICAST;
        else if (strcasecmp(v4, "off") == 0)
            c->ipv4 = SAP_V4_OFF;
        else
            goto bad4;
    }
    c->ipv6 = 1;
    if (v6 != NULL) {
        if (strcasecmp(v6, "multicast") == 0)
            c->ipv6 = 1;
        else if (strcasecmp(v6, "off") == 0)
            c->ipv6 = 0;
        else {
            st->host->log(st->p, RNR_NSP_LOG_ERR, "ipv6 = %s: not multicast or off", v6);
            return WSAEINVAL;
        }
    }
    if (group4_parse(g4, &c->group4) != 0) {
        st->host->log(st->p, RNR_NSP_LOG_ERR, "group4 = %s: %s", g4, GROUP4_WHY);
        return WSAEINVAL;
    }
    if (group6_parse(g6, &c->group6) != 0) {
        st->host->log(st->p, RNR_NSP_LOG_ERR, "group6 = %s: %s", g6, GROUP6_WHY);
        return WSAEINVAL;
    }
    if (c->ipv4 == SAP_V4_OFF && !c->ipv6) {
        st->host->log(st->p, RNR_NSP_LOG_ERR, "ipv4 and ipv6 are both off");
        return WSAEINVAL;
    }
    return 0;
bad4:
    st->host->log(st->p, RNR_NSP_LOG_ERR, "ipv4 = %s: not broadcast, multicast or off", v4);
    return WSAEINVAL;
}

/* Where key-file points: an absolute path as it is; a relative one names
 * a credential systemd passed (LoadCredential=, rnrd.conf(5)), the file
 * of that name in $CREDENTIALS_DIRECTORY.  0, or WSAEINVAL (logged). */
static int key_path(struct sap_state *st, const char *key, char *buf, size_t len)
{
    const char *dir;
    int n;

    if (key[0] == '/')
        dir = NULL;
    else if ((dir = getenv("CREDENTIALS_DIRECTORY")) == NULL || dir[0] != '/') {
        st->host->log(st->p, RNR_NSP_LOG_ERR,
                      "key-file %s: a relative name is a systemd credential, and no "
                      "$CREDENTIALS_DIRECTORY was passed (LoadCredential=); give an "
                      "absolute path", key);
        return WSAEINVAL;
    }
    n = dir != NULL ? snprintf(buf, len, "%s/%s", dir, key) : snprintf(buf, len, "%s", key);
    if (n < 0 || (size_t)n >= len) {
        st->host->log(st->p, RNR_NSP_LOG_ERR, "key-file %s: path too long", key);
        return WSAEINVAL;
    }
    return 0;
}

/* The key is the file's bytes less a trailing newline; a file others may
 * read is no secret and is refused. */
static int read_key(struct sap_state *st, struct sap_conf *c, const char *key)
{
    char path[PATH_MAX];
    struct stat sb;
    char extra;
    ssize_t n;
    int fd, rc = WSAEINVAL;

    if (key_path(st, key, path, sizeof path) != 0)
        return WSAEINVAL;
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        st->host->log(st->p, RNR_NSP_LOG_ERR, "key-file %s: %s", path, strerror(errno));
        return WSAEINVAL;
    }
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        st->host->log(st->p, RNR_NSP_LOG_ERR, "key-file %s: not a regular file", path);
        goto done;
    }
    if ((sb.st_mode & S_IRWXO) != 0) {
        st->host->log(st->p, RNR_NSP_LOG_ERR, "key-file %s: accessible to others (mode %o); "
                      "chmod o-rwx it", path, (unsigned)(sb.st_mode & 07777));
        goto done;
    }
    n = read(fd, c->key, sizeof c->key);
    if (n >= 0 && (size_t)n == sizeof c->key && read(fd, &extra, 1) > 0) {
        st->host->log(st->p, RNR_NSP_LOG_ERR, "key-file %s: longer than %u bytes", path,
                      SAP_KEY_MAX);
        goto done;
    }
    if (n < 0) {
        st->host->log(st->p, RNR_NSP_LOG_ERR, "key-file %s: %s", path, strerror(errno));
        goto done;
    }
    while (n > 0 && (c->key[n - 1] == '\n' || c->key[n - 1] == '\r'))
        n--;
    if ((size_t)n < SAP_KEY_MIN) {
        st->host->log(st->p, RNR_NSP_LOG_ERR, "key-file %s: shorter than %u bytes", path,
                      SAP_KEY_MIN);
        goto done;
    }
    c->keylen = (size_t)n;
    rc = 0;
done:
    if (rc != 0)
        memset(c->key, 0, sizeof c->key);
    close(fd);
    return rc;
}

/* The quotas' range, as the directory's (rnrd.conf(5)): 2^40. */
#define SAP_QUOTA_MAX ((1ull << 40) > ULONG_MAX ? ULONG_MAX : (unsigned long)(1ull << 40))

/* trust, quota-entries, quota-bytes: the keys every provider that keeps
 * registrations shares (rnrd.conf(5)). */
static int read_trust(struct sap_state *st, struct sap_conf *c)
{
    const char *t = get(st, "trust");
    unsigned long n, b;
    int rc;

    c->trust_all = 0;
    if (t != NULL && strcasecmp(t, "all") == 0) {
        c->trust_all = 1;
    } else if (t != NULL && strcasecmp(t, "admin") != 0) {
        st->host->log(st->p, RNR_NSP_LOG_ERR, "trust = %s: expected admin or all", t);
        return WSAEINVAL;
    }
    if ((rc = get_num(st, "quota-entries", 0, SAP_QUOTA_MAX, SAP_DEFAULT_QUOTA_ENTRIES, &n)) != 0 ||
        (rc = get_num(st, "quota-bytes", 0, SAP_QUOTA_MAX, SAP_DEFAULT_QUOTA_BYTES, &b)) != 0)
        return rc;
    c->quota_entries = n;
    c->quota_bytes = b;
    return 0;
}

void sap_conf_clear(struct sap_conf *c)
{
    rnr_free(c->services_dir);
    memset(c, 0, sizeof *c);
}

int sap_conf_read(struct sap_state *st, struct sap_conf *c)
{
    unsigned long port, interval, window, max, per, skew;
    const char *key, *dir;
    int rc;

    memset(c, 0, sizeof *c);
    if ((rc = get_num(st, "port", 1, 65535, SAP_DEFAULT_PORT, &port)) != 0 ||
        (rc = get_num(st, "interval", 1, 86400, SAP_DEFAULT_INTERVAL_S, &interval)) != 0 ||
        (rc = get_num(st, "reply-window-ms", 10, 10000, SAP_DEFAULT_WINDOW_MS, &window)) != 0 ||
        (rc = get_num(st, "max-entries", 1, 1000000, SAP_DEFAULT_MAX_ENTRIES, &max)) != 0 ||
        (rc = get_num(st, "max-entries-per-sender", 1, 1000000, SAP_DEFAULT_PER_SENDER,
                      &per)) != 0 ||
        (rc = get_num(st, "max-clock-skew", 1, 3600, SAP_DEFAULT_SKEW_S, &skew)) != 0 ||
        (rc = read_ifnames(st, c)) != 0 || (rc = read_modes(st, c)) != 0 ||
        (rc = read_trust(st, c)) != 0)
        goto done;
    c->port = (uint16_t)port;
    c->interval_s = (unsigned)interval;
    c->reply_window_ms = (unsigned)window;
    c->max_entries = max;
    c->max_per_sender = per;
    c->max_skew_s = (unsigned)skew;
    if ((key = get(st, "key-file")) != NULL && (rc = read_key(st, c, key)) != 0)
        goto done;
    if ((dir = get(st, "services-dir")) != NULL &&
        (c->services_dir = rnr_strdup(dir)) == NULL) {
        rc = WSAENOBUFS;
        goto done;
    }
    rc = 0;
done:
    if (rc != 0)
        sap_conf_clear(c);
    return rc;
}

/* ------------------------------------------------------------ declared keys */

/* What the types cannot say: the groups' kind of address, interface
 * names, and not both families off.  Empty values mean the default, as
 * for get(). */
void sap_check_config(const struct rnr_nsp_check *chk)
{
    const char *g4 = chk->get(chk->ctx, "group4"), *g6 = chk->get(chk->ctx, "group6");
    const char *v4 = chk->get(chk->ctx, "ipv4"), *v6 = chk->get(chk->ctx, "ipv6");
    const char *ifs = chk->get(chk->ctx, "interfaces"), *why, *bad = NULL;
    struct in6_addr a6;
    struct in_addr a4;
    size_t len = 0;

    if (g4 != NULL && g4[0] != '\0' && group4_parse(g4, &a4) != 0)
        chk->error(chk->ctx, "group4", "'%s': %s", g4, GROUP4_WHY);
    if (g6 != NULL && g6[0] != '\0' && group6_parse(g6, &a6) != 0)
        chk->error(chk->ctx, "group6", "'%s': %s", g6, GROUP6_WHY);
    if (v4 != NULL && strcasecmp(v4, "off") == 0 && v6 != NULL && strcasecmp(v6, "off") == 0)
        chk->error(chk->ctx, "ipv6", "ipv4 and ipv6 are both off");
    if ((why = ifnames_parse(ifs, NULL, &bad, &len)) != NULL)
        chk->error(chk->ctx, "interfaces", "'%.*s': %s", (int)len, bad, why);
}

static const char *const sap_trust_values[] = { "admin", "all", NULL };
static const char *const sap_ipv4_values[] = { "broadcast", "multicast", "off", NULL };
static const char *const sap_ipv6_values[] = { "multicast", "off", NULL };

const struct rnr_nsp_key sap_config_keys[] = {
    { .name = "port", .type = RNR_NSP_KEY_UINT, .min = 1, .max = 65535,
      .help = "UDP port of the link's advertisements (default 7571)" },
    { .name = "interfaces", .type = RNR_NSP_KEY_STRING,
      .help = "interfaces to use (default: every one up, not loopback)" },
    { .name = "ipv4", .type = RNR_NSP_KEY_ENUM, .values = sap_ipv4_values,
      .help = "IPv4 advertisements: broadcast (default), multicast or off" },
    { .name = "ipv6", .type = RNR_NSP_KEY_ENUM, .values = sap_ipv6_values,
      .help = "IPv6 advertisements: multicast (default) or off" },
    { .name = "group4", .type = RNR_NSP_KEY_STRING,
      .help = "IPv4 multicast group (default " SAP_DEFAULT_GROUP4 ")" },
    { .name = "group6", .type = RNR_NSP_KEY_STRING,
      .help = "IPv6 link-local multicast group (default " SAP_DEFAULT_GROUP6 ")" },
    { .name = "interval", .type = RNR_NSP_KEY_UINT, .min = 1, .max = 86400,
      .help = "seconds between advertisements (default 60)" },
    { .name = "reply-window-ms", .type = RNR_NSP_KEY_UINT, .min = 10, .max = 10000,
      .help = "how long a query collects replies (default 500)" },
    { .name = "max-entries", .type = RNR_NSP_KEY_UINT, .min = 1, .max = 1000000,
      .help = "entries learnt from the link at most (default 4096)" },
    { .name = "max-entries-per-sender", .type = RNR_NSP_KEY_UINT, .min = 1, .max = 1000000,
      .help = "entries learnt from one sender at most (default 256)" },
    { .name = "key-file", .type = RNR_NSP_KEY_PATH,
      .help = "shared HMAC-SHA-256 key of the link, mode 0600 (default: none)" },
    { .name = "max-clock-skew", .type = RNR_NSP_KEY_UINT, .min = 1, .max = 3600,
      .help = "seconds a packet's timestamp may be off (default 30)" },
    { .name = "trust", .type = RNR_NSP_KEY_ENUM, .values = sap_trust_values,
      .help = "whose entries NS_ALL host lookups serve to everyone (default admin)" },
    { .name = "quota-entries", .type = RNR_NSP_KEY_UINT, .min = 0, .max = SAP_QUOTA_MAX,
      .help = "registrations one user may have (default 64)" },
    { .name = "quota-bytes", .type = RNR_NSP_KEY_UINT, .min = 0, .max = SAP_QUOTA_MAX,
      .help = "bytes one user's registrations may take as advertised (default 65536)" },
    { .name = "services-dir", .type = RNR_NSP_KEY_PATH,
      .help = "static registrations to advertise (default: none)" },
    { .name = NULL }
};
