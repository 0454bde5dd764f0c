/* SPDX-License-Identifier: MIT */
/*
 * Logging.  Messages are formatted into one buffer and written with one
 * call so concurrent writers (a test harness sharing the stderr file) never
 * see interleaved half-lines.  When stderr is systemd's journal stream
 * ($JOURNAL_STREAM names its device and inode), lines carry the "<N>"
 * priority prefix of sd-daemon(3) instead of "rnrd: level: ", so the
 * journal files each line under its level.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <strings.h>
#include <syslog.h>
#include <unistd.h>

#include "log.h"

static int log_level = RNR_NSP_LOG_NOTICE;
static int log_syslog;
static int log_journal = -1;   /* -1: not checked yet */

static int stderr_is_journal(void)
{
    const char *v = getenv("JOURNAL_STREAM");
    unsigned long long dev, ino;
    struct stat st;

    if (v == NULL || sscanf(v, "%llu:%llu", &dev, &ino) != 2 ||
        fstat(STDERR_FILENO, &st) != 0)
        return 0;
    return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

static const char *const level_names[] = {
    "err", "warning", "notice", "info", "debug"
};

void rnrd_log_set_level(int level)
{
    if (level >= RNR_NSP_LOG_ERR && level <= RNR_NSP_LOG_DEBUG)
        log_level = level;
}

int rnrd_log_get_level(void)
{
    return log_level;
}

int rnrd_log_enabled(int level)
{
    return level <= log_level;
}

void rnrd_log_to_syslog(void)
{
    openlog("rnrd", LOG_PID | LOG_NDELAY, LOG_DAEMON);
    log_syslog = 1;
}

void rnrd_log_close(void)
{
    if (log_syslog)
        closelog();
    log_syslog = 0;
}

int rnrd_log_level_parse(const char *s)
{
    size_t i;

    if (s == NULL)
        return -1;
    for (i = 0; i < sizeof level_names / sizeof level_names[0]; i++)
        if (strcasecmp(s, level_names[i]) == 0)
            return (int)i;
    if (strcasecmp(s, "error") == 0)
        return RNR_NSP_LOG_ERR;
    if (strcasecmp(s, "warn") == 0)
        return RNR_NSP_LOG_WARNING;
    return -1;
}

void rnrd_vlog(int level, const char *fmt, va_list ap)
{
    static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_NOTICE, LOG_INFO, LOG_DEBUG };
    char line[1024];
    int n, off;

    if (level < RNR_NSP_LOG_ERR)
        level = RNR_NSP_LOG_ERR;
    if (level > RNR_NSP_LOG_DEBUG)
        level = RNR_NSP_LOG_DEBUG;
    if (!rnrd_log_enabled(level))
        return;
    if (log_journal < 0)
        log_journal = stderr_is_journal();
    if (log_syslog)
        off = 0;
    else if (log_journal)
        off = snprintf(line, sizeof line, "<%d>", prio[level]);
    else
        off = snprintf(line, sizeof line, "rnrd: %s: ", level_names[level]);
    n = vsnprintf(line + off, sizeof line - (size_t)off, fmt, ap);
    if (n < 0)
        return;
    n += off;
    if ((size_t)n >= sizeof line - 1)
        n = (int)sizeof line - 2;
    /* One event per line, whatever a provider put in its message. */
    for (int i = off; i < n; i++)
        if (line[i] == '\n' || line[i] == '\r')
            line[i] = ' ';
    if (log_syslog) {
        line[n] = '\0';
        syslog(prio[level], "%s", line);
        return;
    }
    line[n++] = '\n';
    if (write(STDERR_FILENO, line, (size_t)n) < 0) {
        /* Nowhere left to report it. */
    }
}

void rnrd_log(int level, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    rnrd_vlog(level, fmt, ap);
    va_end(ap);
}
