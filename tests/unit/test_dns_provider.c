/* SPDX-License-Identifier: MIT */
/*
 * The dns provider's ops on a fake host (no daemon, no server): its
 * [provider dns] section read or refused with the reason, the control
 * commands and the stats keys the daemon shows in `rnrctl stats`.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <rnr/nsp.h>

const struct rnr_nsp_ops *rnr_dns_entry(unsigned abi_version);

/* ---- the fake host ---- */

static const char *const *conf_kv;   /* key, value, ..., NULL */
static char last_log[512];
static int watched;

static void h_log(struct rnr_nsp_provider *p, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void h_log(struct rnr_nsp_provider *p, int level, const char *fmt, ...)
{
    va_list ap;

    (void)p;
    (void)level;
    va_start(ap, fmt);
    vsnprintf(last_log, sizeof last_log, fmt, ap);
    va_end(ap);
}

static const char *h_config_get(struct rnr_nsp_provider *p, const char *key)
{
    size_t i;

    (void)p;
    for (i = 0; conf_kv != NULL && conf_kv[i] != NULL; i += 2)
        if (strcmp(conf_kv[i], key) == 0)
            return conf_kv[i + 1];
    return NULL;
}

static int h_watch_fd(struct rnr_nsp_provider *p, int fd, unsigned events,
                      rnr_nsp_fd_cb cb, void *arg)
{
    (void)p; (void)fd; (void)events; (void)cb; (void)arg;
    watched++;
    return 0;
}

static void h_unwatch_fd(struct rnr_nsp_provider *p, int fd)
{
    (void)p; (void)fd;
    watched--;
}

static struct rnr_nsp_timer *h_timer_add(struct rnr_nsp_provider *p, uint64_t ms,
                                         rnr_nsp_timer_cb cb, void *arg)
{
    static char token;

    (void)p; (void)ms; (void)cb; (void)arg;
    return (struct rnr_nsp_timer *)&token;
}

static void h_timer_cancel(struct rnr_nsp_provider *p, struct rnr_nsp_timer *t)
{
    (void)p; (void)t;
}

static uint64_t h_now_ms(void)
{
    return 1000;
}

static const struct rnr_nsp_host host = {
    .size = sizeof(struct rnr_nsp_host),
    .abi_version = RNR_NSP_ABI_VERSION,
    .log = h_log,
    .config_get = h_config_get,
    .watch_fd = h_watch_fd,
    .unwatch_fd = h_unwatch_fd,
    .timer_add = h_timer_add,
    .timer_cancel = h_timer_cancel,
    .now_ms = h_now_ms,
};

static const struct rnr_nsp_ops *ops(void)
{
    const struct rnr_nsp_ops *o = rnr_dns_entry(RNR_NSP_ABI_VERSION);

    assert_non_null(o);
    return o;
}

static int start(const char *const *kv, void **state)
{
    conf_kv = kv;
    last_log[0] = '\0';
    return ops()->startup(&host, NULL, state);
}

/* ---- tests ---- */

static void test_entry(void **state)
{
    const struct rnr_nsp_ops *o = ops();
    (void)state;

    assert_null(rnr_dns_entry(RNR_NSP_ABI_VERSION + 1));
    assert_string_equal(o->name, "dns");
    assert_int_equal(o->default_name_space, NS_DNS);
    assert_non_null(o->lookup_cancel);
    assert_non_null(o->stats);
    assert_non_null(o->control);
}

static void test_config_accepted(void **state)
{
    static const char *const kv[] = {
        "servers", "127.0.0.1:5353, [::1]:5353,192.0.2.53 ::1",
        "search", "example.org, Example.NET.", "ndots", "2", "timeout-ms", "250",
        "attempts", "3", "cache-size", "5", "cache-min-ttl", "1",
        "cache-max-ttl", "60", "negative-ttl", "9", "servfail-ttl", "0",
        "resolv-conf", "/nonexistent/resolv.conf", NULL
    };
    void *st = NULL;
    (void)state;

    assert_int_equal(start(kv, &st), 0);
    assert_non_null(st);
    /* The servers and search list as c-ares took them, in the log. */
    assert_non_null(strstr(last_log, "127.0.0.1:5353 [::1]:5353 192.0.2.53:53 [::1]:53"));
    assert_non_null(strstr(last_log, "ndots 2; 2 search domain(s)"));
    ops()->cleanup(st);
    assert_int_equal(watched, 0);
    ops()->cleanup(NULL);
}

static void test_config_refused(void **state)
{
    static const char *const bad[][3] = {
        { "servers", "127.0.0.1:0", "servers" },
        { "servers", "[::1:53", "servers" },
        { "servers", "host.example", "servers" },
        { "servers", "1.2.3.4:99999", "servers" },
        { "servers", " , ", "no server" },
        { "ndots", "16", "ndots" },
        { "timeout-ms", "0", "timeout-ms" },
        { "attempts", "x", "attempts" },
        { "cache-size", "-1", "cache-size" },
        { "search", "a..b", "search" },
        { "search", "a b c d e f g", "more than 6" },
    };
    size_t i;
    (void)state;

    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *kv[] = { bad[i][0], bad[i][1], NULL };
        void *st = NULL;

        assert_int_equal(start(kv, &st), WSAEINVAL);
        assert_null(st);
        if (strstr(last_log, bad[i][2]) == NULL)
            fail_msg("%s = %s: log says \"%s\"", bad[i][0], bad[i][1], last_log);
    }
    {
        const char *kv[] = { "cache-min-ttl", "10", "cache-max-ttl", "5", NULL };
        void *st = NULL;

        assert_int_equal(start(kv, &st), WSAEINVAL);
    }
}

static const char *seen[32];
static size_t nseen;

static void collect(void *ctx, const char *key, uint64_t value)
{
    (void)ctx;
    (void)value;
    if (nseen < 32)
        seen[nseen++] = key;
}

static int saw(const char *key)
{
    size_t i;

    for (i = 0; i < nseen; i++)
        if (strcmp(seen[i], key) == 0)
            return 1;
    return 0;
}

static void test_stats_and_control(void **state)
{
    static const char *const kv[] = { "servers", "127.0.0.1:5353", NULL };
    static const char *const keys[] = {
        "cache-hits", "cache-misses", "cache-evictions", "cache-entries",
        "lookups-in-flight", "queries-sent", "queries-coalesced", "timeouts",
    };
    const struct rnr_nsp_ops *o = ops();
    void *st = NULL;
    size_t i;
    (void)state;

    assert_int_equal(start(kv, &st), 0);
    nseen = 0;
    o->stats(st, collect, NULL);
    for (i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (!saw(keys[i]))
            fail_msg("stats lacks %s", keys[i]);
    assert_int_equal(o->control(st, "cache-flush", NULL), 0);
    assert_int_equal(o->control(st, "cache-flush", ""), 0);
    assert_int_equal(o->control(st, "cache-flush", "WWW.Example.org."), 0);
    assert_int_equal(o->control(st, "cache-flush", "bad..name"), WSAEINVAL);
    assert_int_equal(o->control(st, "flush-everything", NULL), WSAEINVAL);
    /* WSASetService is a successful no-op. */
    assert_int_equal(o->set_service(st, NULL, NULL, RNRSERVICE_REGISTER, 0), 0);
    assert_int_equal(o->set_service(st, NULL, NULL, RNRSERVICE_DELETE, 0), 0);
    o->cleanup(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_entry),
        cmocka_unit_test(test_config_accepted),
        cmocka_unit_test(test_config_refused),
        cmocka_unit_test(test_stats_and_control),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
