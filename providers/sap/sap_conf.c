/*
 * [provider sap]: every key checked, every bad value refused with the key
 * and the reason in the log, the defaults of doc/sap-protocol.md filling
 * the gaps.
 */
#include "config.h"

#include "sap.h"
#include "alloc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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
        sap_log(st, RNR_NSP_LOG_ERR, "%s = %s: not a number from %lu to %lu", key, v,
                min, max);
        return WSAEINVAL;
    }
    *out = n;
    return 0;
}

static int read_ifnames(struct sap_state *st, struct sap_conf *c)
{
    const char *v = get(st, "interfaces");
    size_t n;

    c->nifnames = 0;
    while (v != NULL && *v != '\0') {
        v += strspn(v, " \t,");
        n = strcspn(v, " \t,");
        if (n == 0)
            break;
        if (n >= IF_NAMESIZE || c->nifnames == SAP_MAX_IFACES) {
            sap_log(st, RNR_NSP_LOG_ERR, "interfaces: '%.*s': %s", (int)n, v,
                    n >= IF_NAMESIZE ? "name too long" : "too many interfaces");
            return WSAEINVAL;
        }
        memcpy(c->ifnames[c->nifnames], v, n);
        c->ifnames[c->nifnames][n] = '\0';
        c->nifnames++;
        v += n;
    }
    return 0;
}

static int read_modes(struct sap_state *st, struct sap_conf *c)
{
    const char *v4 = get(st, "ipv4"), *v6 = get(st, "ipv6");
    const char *g4 = get(st, "group4"), *g6 = get(st, "group6");

    c->ipv4 = SAP_V4_BROADCAST;
    if (v4 != NULL) {
        if (strcmp(v4, "broadcast") == 0)
            c->ipv4 = SAP_V4_BROADCAST;
        else if (strcmp(v4, "multicast") == 0)
            c->ipv4 = SAP_V4_MULTICAST;
        else if (strcmp(v4, "off") == 0)
            c->ipv4 = SAP_V4_OFF;
        else
            goto bad4;
    }
    c->ipv6 = 1;
    if (v6 != NULL) {
        if (strcmp(v6, "multicast") == 0)
            c->ipv6 = 1;
        else if (strcmp(v6, "off") == 0)
            c->ipv6 = 0;
        else {
            sap_log(st, RNR_NSP_LOG_ERR, "ipv6 = %s: not multicast or off", v6);
            return WSAEINVAL;
        }
    }
    if (inet_pton(AF_INET, g4 ? g4 : SAP_DEFAULT_GROUP4, &c->group4) != 1 ||
        !IN_MULTICAST(ntohl(c->group4.s_addr))) {
        sap_log(st, RNR_NSP_LOG_ERR, "group4 = %s: not an IPv4 multicast address", g4);
        return WSAEINVAL;
    }
    if (inet_pton(AF_INET6, g6 ? g6 : SAP_DEFAULT_GROUP6, &c->group6) != 1 ||
        !IN6_IS_ADDR_MC_LINKLOCAL(&c->group6)) {
        sap_log(st, RNR_NSP_LOG_ERR, "group6 = %s: not a link-local multicast address (ff02::/16)",
                g6);
        return WSAEINVAL;
    }
    if (c->ipv4 == SAP_V4_OFF && !c->ipv6) {
        sap_log(st, RNR_NSP_LOG_ERR, "ipv4 and ipv6 are both off");
        return WSAEINVAL;
    }
    return 0;
bad4:
    sap_log(st, RNR_NSP_LOG_ERR, "ipv4 = %s: not broadcast, multicast or off", v4);
    return WSAEINVAL;
}

/* The key is the file's bytes less a trailing newline; a file others may
 * read is no secret and is refused. */
static int read_key(struct sap_state *st, struct sap_conf *c, const char *path)
{
    struct stat sb;
    char extra;
    ssize_t n;
    int fd, rc = WSAEINVAL;

    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        sap_log(st, RNR_NSP_LOG_ERR, "key-file %s: %s", path, strerror(errno));
        return WSAEINVAL;
    }
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        sap_log(st, RNR_NSP_LOG_ERR, "key-file %s: not a regular file", path);
        goto done;
    }
    if ((sb.st_mode & S_IRWXO) != 0) {
        sap_log(st, RNR_NSP_LOG_ERR, "key-file %s: accessible to others (mode %o); "
                "chmod o-rwx it", path, (unsigned)(sb.st_mode & 07777));
        goto done;
    }
    n = read(fd, c->key, sizeof c->key);
    if (n >= 0 && (size_t)n == sizeof c->key && read(fd, &extra, 1) > 0) {
        sap_log(st, RNR_NSP_LOG_ERR, "key-file %s: longer than %u bytes", path, SAP_KEY_MAX);
        goto done;
    }
    if (n < 0) {
        sap_log(st, RNR_NSP_LOG_ERR, "key-file %s: %s", path, strerror(errno));
        goto done;
    }
    while (n > 0 && (c->key[n - 1] == '\n' || c->key[n - 1] == '\r'))
        n--;
    if ((size_t)n < SAP_KEY_MIN) {
        sap_log(st, RNR_NSP_LOG_ERR, "key-file %s: shorter than %u bytes", path, SAP_KEY_MIN);
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
        sap_log(st, RNR_NSP_LOG_ERR, "trust = %s: expected admin or all", t);
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
