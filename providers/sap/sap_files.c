/* SPDX-License-Identifier: MIT */
/*
 * services-dir: one service per *.service file (format in
 * doc/sap-protocol.md), advertised from start-up as the daemon's own
 * (uid 0, never tied to a connection).  A bad file is logged with its
 * line and skipped; the others still load.
 */
#include "config.h"

#include "sap.h"
#include "alloc.h"
#include "guid.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define SAP_FILE_MAX 16384u

static char *trim(char *s)
{
    char *e;

    while (*s == ' ' || *s == '\t')
        s++;
    e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
        *--e = '\0';
    return s;
}

static int parse_class(const char *v, GUID *g)
{
    unsigned long port;
    char *end;

    if (rnr_guid_parse(v, g) == 0)
        return 0;
    if (strncasecmp(v, "tcp:", 4) != 0 && strncasecmp(v, "udp:", 4) != 0)
        return -1;
    port = strtoul(v + 4, &end, 10);
    if (end == v + 4 || *end != '\0' || port > 65535)
        return -1;
    if (tolower((unsigned char)v[0]) == 't')
        SET_TCP_SVCID(g, port);
    else
        SET_UDP_SVCID(g, port);
    return 0;
}

/* 192.0.2.1:80/tcp or [2001:db8::1]:80/udp (protocol optional: tcp). */
static int parse_address(char *v, struct sap_addr *a)
{
    char *host = v, *port, *proto = strchr(v, '/');
    unsigned long n;
    char *end;

    memset(a, 0, sizeof *a);
    a->socktype = SOCK_STREAM;
    a->protocol = IPPROTO_TCP;
    if (proto != NULL) {
        *proto++ = '\0';
        if (strcasecmp(proto, "udp") == 0) {
            a->socktype = SOCK_DGRAM;
            a->protocol = IPPROTO_UDP;
        } else if (strcasecmp(proto, "tcp") != 0) {
            return -1;
        }
    }
    if (*host == '[') {
        host++;
        if ((port = strchr(host, ']')) == NULL || port[1] != ':')
            return -1;
        *port = '\0';
        port += 2;
        a->family = 6;
        if (inet_pton(AF_INET6, host, a->addr) != 1)
            return -1;
    } else {
        if ((port = strrchr(host, ':')) == NULL)
            return -1;
        *port++ = '\0';
        a->family = 4;
        if (inet_pton(AF_INET, host, a->addr) != 1)
            return -1;
    }
    n = strtoul(port, &end, 10);
    if (end == port || *end != '\0' || n > 65535)
        return -1;
    a->port = (uint16_t)n;
    return 0;
}

int sap_parse_service_file(const char *text, struct sap_entry *e, char *err, size_t errlen)
{
    char *copy = rnr_strdup(text), *line, *save = NULL;
    int have_class = 0, lineno = 0, rc = -1;

    memset(e, 0, sizeof *e);
    if (copy == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (line = strtok_r(copy, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
        char *key, *val, *eq, *hash;

        lineno++;
        if ((hash = strchr(line, '#')) != NULL)
            *hash = '\0';
        key = trim(line);
        if (*key == '\0')
            continue;
        if ((eq = strchr(key, '=')) == NULL) {
            snprintf(err, errlen, "line %d: not key = value", lineno);
            goto done;
        }
        *eq = '\0';
        key = trim(key);
        val = trim(eq + 1);
        if (strcmp(key, "class") == 0) {
            if (parse_class(val, &e->cls) != 0) {
                snprintf(err, errlen, "line %d: class: not a GUID, tcp:PORT or udp:PORT",
                         lineno);
                goto done;
            }
            have_class = 1;
        } else if (strcmp(key, "name") == 0 || strcmp(key, "comment") == 0) {
            int is_name = key[0] == 'n';

            if (strlen(val) > SAP_MAX_NAME || (is_name && (val[0] == '\0' ||
                                                           strpbrk(val, "*?") != NULL))) {
                snprintf(err, errlen, "line %d: %s: empty, too long or with wildcards",
                         lineno, key);
                goto done;
            }
            snprintf(is_name ? e->name : e->comment, SAP_MAX_NAME + 1, "%s", val);
        } else if (strcmp(key, "version") == 0) {
            char *end;
            unsigned long v = strtoul(val, &end, 10);

            if (end == val || *end != '\0' || v > UINT32_MAX) {
                snprintf(err, errlen, "line %d: version: not a number", lineno);
                goto done;
            }
            e->has_version = 1;
            e->version = (uint32_t)v;
        } else if (strcmp(key, "address") == 0) {
            if (e->naddrs == SAP_MAX_ADDRS) {
                snprintf(err, errlen, "line %d: more than %u addresses", lineno, SAP_MAX_ADDRS);
                goto done;
            }
            if (parse_address(val, &e->addrs[e->naddrs]) != 0) {
                snprintf(err, errlen, "line %d: address: want 192.0.2.1:80/tcp or "
                         "[2001:db8::1]:80/udp", lineno);
                goto done;
            }
            e->naddrs++;
        } else {
            snprintf(err, errlen, "line %d: unknown key '%s'", lineno, key);
            goto done;
        }
    }
    if (!have_class || e->name[0] == '\0') {
        snprintf(err, errlen, "class and name are required");
        goto done;
    }
    rc = 0;
done:
    rnr_free(copy);
    return rc;
}

static int read_small(int dfd, const char *name, char *buf, size_t cap)
{
    struct stat sb;
    ssize_t n;
    int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);

    if (fd < 0)
        return -1;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || (size_t)sb.st_size >= cap) {
        close(fd);
        errno = EFBIG;
        return -1;
    }
    n = read(fd, buf, cap - 1);
    close(fd);
    if (n < 0)
        return -1;
    buf[n] = '\0';
    if (memchr(buf, '\0', (size_t)n) != NULL) {
        errno = EINVAL;
        return -1;
    }
    return 0;
}

static int is_service_file(const char *name)
{
    size_t n = strlen(name);

    return name[0] != '.' && n > 8 && strcmp(name + n - 8, ".service") == 0;
}

void sap_files_load(struct sap_state *st)
{
    const char *dir = st->conf.services_dir;
    struct dirent *de;
    unsigned loaded = 0;
    char *buf;
    DIR *d;

    struct sap_reg *r0;

    /* Services still described are updated in place, not withdrawn and
     * re-advertised: marked 2 now, they are 1 again once read back; the
     * ones left at 2 are gone from the directory. */
    for (r0 = st->regs; r0 != NULL; r0 = r0->next)
        if (r0->from_file)
            r0->from_file = 2;
    if (dir == NULL || (d = opendir(dir)) == NULL) {
        if (dir != NULL)
            st->host->log(st->p, RNR_NSP_LOG_WARNING, "services-dir %s: %s", dir, strerror(errno));
        sap_reg_drop_all(st, 2, 1);
        return;
    }
    if ((buf = rnr_malloc(SAP_FILE_MAX)) == NULL) {
        closedir(d);
        return;
    }
    while ((de = readdir(d)) != NULL) {
        struct sap_reg r;
        char err[160];
        int rc;

        if (!is_service_file(de->d_name))
            continue;
        if (loaded == SAP_MAX_FILE_SERVICES) {
            st->host->log(st->p, RNR_NSP_LOG_WARNING, "services-dir %s: more than %u files; the "
                          "rest ignored", dir, SAP_MAX_FILE_SERVICES);
            break;
        }
        if (read_small(dirfd(d), de->d_name, buf, SAP_FILE_MAX) != 0) {
            st->host->log(st->p, RNR_NSP_LOG_WARNING, "%s/%s: %s", dir, de->d_name,
                          strerror(errno));
            continue;
        }
        memset(&r, 0, sizeof r);
        if (sap_parse_service_file(buf, &r.e, err, sizeof err) != 0) {
            st->host->log(st->p, RNR_NSP_LOG_WARNING, "%s/%s: %s; skipped", dir, de->d_name, err);
            continue;
        }
        r.e.sap_id = sap_class_sap_id(st, &r.e.cls);
        r.from_file = 1;
        r.persistent = 1;
        if ((rc = sap_reg_add(st, &r, 0)) != 0) {
            st->host->log(st->p, RNR_NSP_LOG_WARNING, "%s/%s: not registered (%d)", dir,
                          de->d_name, rc);
            continue;
        }
        loaded++;
    }
    closedir(d);
    rnr_free(buf);
    sap_reg_drop_all(st, 2, 1);
    st->host->log(st->p, RNR_NSP_LOG_INFO, "%u services from %s", loaded, dir);
}
