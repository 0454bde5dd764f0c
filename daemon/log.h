/* SPDX-License-Identifier: MIT */
/*
 * rnrd logging: one line per event, to stderr with a level prefix in the
 * foreground, to syslog once daemonized.  Levels are those of the provider
 * interface (RNR_NSP_LOG_*), so provider messages need no translation.
 */
#ifndef RNRD_LOG_H
#define RNRD_LOG_H

#include <stdarg.h>
#include <rnr/nsp.h>

void rnrd_log_set_level(int level);
int  rnrd_log_get_level(void);
/* Switch from stderr to syslog (after daemonizing). */
void rnrd_log_to_syslog(void);
void rnrd_log_close(void);
/* Level from "err", "warning", "notice", "info", "debug"; -1 if unknown. */
int  rnrd_log_level_parse(const char *s);
int  rnrd_log_enabled(int level);

void rnrd_vlog(int level, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
void rnrd_log(int level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define log_err(...)     rnrd_log(RNR_NSP_LOG_ERR, __VA_ARGS__)
#define log_warning(...) rnrd_log(RNR_NSP_LOG_WARNING, __VA_ARGS__)
#define log_notice(...)  rnrd_log(RNR_NSP_LOG_NOTICE, __VA_ARGS__)
#define log_info(...)    rnrd_log(RNR_NSP_LOG_INFO, __VA_ARGS__)
#define log_debug(...)   rnrd_log(RNR_NSP_LOG_DEBUG, __VA_ARGS__)

#endif
