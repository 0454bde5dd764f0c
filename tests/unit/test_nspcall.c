/* SPDX-License-Identifier: MIT */
/*
 * The wrapper layer around the provider slots (daemon/nspcall.c): a
 * module built against an older, smaller <rnr/nsp.h> of the same ABI
 * works, its missing slots answered with the defaults <rnr/nsp.h>
 * documents, and nothing beyond its table's size is ever read: the
 * table ends where a page the test cannot read begins.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>

#include "nspcall.h"
#include "rnrd.h"

static int calls_begin, calls_cancel, calls_reload, calls_cleanup;
static int the_state;

static int old_startup(const struct rnr_nsp_host *host, struct rnr_nsp_provider *p,
                       void **state)
{
    (void)host;
    (void)p;
    *state = &the_state;
    return 0;
}

static void old_cleanup(void *state)
{
    assert_ptr_equal(state, &the_state);
    calls_cleanup++;
}

static int old_reload(void *state)
{
    assert_ptr_equal(state, &the_state);
    calls_reload++;
    return 0;
}

static int old_lookup_begin(void *state, struct rnr_nsp_lookup *lk, const WSAQUERYSETA *qs,
                            DWORD flags)
{
    (void)lk;
    (void)qs;
    (void)flags;
    assert_ptr_equal(state, &the_state);
    calls_begin++;
    return WSANO_DATA;
}

static void old_lookup_cancel(void *state, struct rnr_nsp_lookup *lk)
{
    (void)lk;
    assert_ptr_equal(state, &the_state);
    calls_cancel++;
}

static void no_stat(void *ctx, const char *key, uint64_t value)
{
    (void)ctx;
    (void)key;
    (void)value;
    fail_msg("stats called on a module without the slot");
}

static void no_error(void *ctx, const char *key, const char *fmt, ...)
{
    (void)ctx;
    (void)key;
    (void)fmt;
    fail_msg("check_config called on a module without the slot");
}

static const char *no_get(void *ctx, const char *key)
{
    (void)ctx;
    (void)key;
    return NULL;
}

/* A copy of the first `size` bytes of *ops, ending where an unreadable
 * page begins. */
static struct rnr_nsp_ops *guarded_copy(const struct rnr_nsp_ops *ops, size_t size,
                                        void **map, size_t *maplen)
{
    size_t pg = (size_t)sysconf(_SC_PAGESIZE);
    uint8_t *m = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                      -1, 0);

    assert_true(m != MAP_FAILED);
    assert_int_equal(mprotect(m + pg, pg, PROT_NONE), 0);
    assert_int_equal(size % sizeof(void *), 0);
    memcpy(m + pg - size, ops, size);
    *map = m;
    *maplen = 2 * pg;
    return (struct rnr_nsp_ops *)(void *)(m + pg - size);
}

static void test_older_table(void **unused)
{
    const size_t size = RNR_NSP_SIZE_TO(struct rnr_nsp_ops, lookup_cancel);
    const struct rnr_nsp_ops full = {
        .size = size,
        .abi_version = RNR_NSP_ABI_VERSION,
        .name = "old",
        .startup = old_startup,
        .cleanup = old_cleanup,
        .reload = old_reload,
        .lookup_begin = old_lookup_begin,
        .lookup_cancel = old_lookup_cancel,
    };
    const struct rnr_nsp_host host = { .size = sizeof host };
    const struct rnr_nsp_check chk = { .get = no_get, .error = no_error };
    const WSASERVICECLASSINFOA *own = NULL;
    struct rnr_nsp_provider p;
    WSAQUERYSETA qs;
    GUID g;
    void *map;
    size_t maplen;

    (void)unused;
    assert_true(size >= RNR_NSP_OPS_MIN_SIZE);
    assert_true(size < sizeof(struct rnr_nsp_ops));
    memset(&p, 0, sizeof p);
    memset(&qs, 0, sizeof qs);
    memset(&g, 0, sizeof g);
    p.ops = guarded_copy(&full, size, &map, &maplen);

    /* Not running yet: the daemon answers for every slot. */
    assert_false(rnrd_nsp_running(&p));
    assert_int_equal(rnrd_nsp_lookup_ready(&p), WSASERVICE_NOT_FOUND);
    assert_int_equal(rnrd_nsp_set_service(&p, NULL, &qs, RNRSERVICE_REGISTER, 0),
                     WSASERVICE_NOT_FOUND);
    assert_int_equal(rnrd_nsp_control(&p, "x", NULL), WSASERVICE_NOT_FOUND);
    assert_int_equal(rnrd_nsp_reload(&p), 0);
    assert_int_equal(calls_reload, 0);

    assert_int_equal(rnrd_nsp_startup(&p, &host), 0);
    assert_true(rnrd_nsp_running(&p));
    assert_ptr_equal(p.state, &the_state);

    /* The slots it has are called. */
    assert_int_equal(rnrd_nsp_lookup_ready(&p), 0);
    assert_int_equal(rnrd_nsp_lookup_begin(&p, NULL, &qs, 0), WSANO_DATA);
    assert_int_equal(calls_begin, 1);
    assert_true(rnrd_nsp_can_cancel(&p));
    rnrd_nsp_lookup_cancel(&p, NULL);
    assert_int_equal(calls_cancel, 1);
    assert_int_equal(rnrd_nsp_reload(&p), 0);
    assert_int_equal(calls_reload, 1);

    /* Those beyond its size get the documented defaults, unread. */
    assert_int_equal(rnrd_nsp_set_service(&p, NULL, &qs, RNRSERVICE_REGISTER, 0),
                     WSAEOPNOTSUPP);
    assert_int_equal(rnrd_nsp_install_class(&p, NULL), 0);
    assert_int_equal(rnrd_nsp_remove_class(&p, &g), 0);
    assert_int_equal(rnrd_nsp_get_class_info(&p, &g, &own), WSATYPE_NOT_FOUND);
    assert_null(own);
    rnrd_nsp_stats(&p, no_stat, NULL);
    assert_int_equal(rnrd_nsp_control_ready(&p), WSAEOPNOTSUPP);
    assert_int_equal(rnrd_nsp_control(&p, "x", NULL), WSAEOPNOTSUPP);
    rnrd_nsp_client_closed(&p, 1);
    assert_false(rnrd_nsp_can_pause(&p));
    rnrd_nsp_lookup_resume(&p, NULL);
    assert_int_equal(rnrd_nsp_change_matches(&p, &qs, 0, &qs), -1);
    assert_null(rnrd_nsp_config_keys(p.ops));
    rnrd_nsp_check_config(p.ops, &chk);
    {
        int fds[RNR_NSP_MAX_FDS];
        size_t nfds = 99;

        rnrd_nsp_cleanup(&p);
        assert_int_equal(rnrd_nsp_privileged_open(&p, &chk, fds, &nfds), 0);
        assert_int_equal(nfds, 0);
        calls_cleanup = 0;
        assert_int_equal(rnrd_nsp_startup(&p, &host), 0);
    }

    rnrd_nsp_cleanup(&p);
    assert_int_equal(calls_cleanup, 1);
    assert_false(rnrd_nsp_running(&p));
    assert_null(p.state);
    rnrd_nsp_cleanup(&p);
    assert_int_equal(calls_cleanup, 1);
    munmap(map, maplen);
}

/* A module without any slot at all starts, with no state, and answers
 * nothing. */
static void test_no_slots(void **unused)
{
    const struct rnr_nsp_ops ops = { RNR_NSP_OPS_INIT, .name = "empty" };
    const struct rnr_nsp_host host = { .size = sizeof host };
    struct rnr_nsp_provider p;
    WSAQUERYSETA qs;

    (void)unused;
    memset(&p, 0, sizeof p);
    memset(&qs, 0, sizeof qs);
    p.ops = &ops;
    assert_int_equal(rnrd_nsp_startup(&p, &host), 0);
    assert_true(rnrd_nsp_running(&p));
    assert_null(p.state);
    assert_int_equal(rnrd_nsp_lookup_ready(&p), WSASERVICE_NOT_FOUND);
    assert_int_equal(rnrd_nsp_lookup_begin(&p, NULL, &qs, 0), WSASERVICE_NOT_FOUND);
    assert_false(rnrd_nsp_can_cancel(&p));
    rnrd_nsp_cleanup(&p);
    assert_false(rnrd_nsp_running(&p));
}

static size_t priv_calls, priv_give;

static int give_fds(const struct rnr_nsp_check *conf, int *fds, size_t *nfds)
{
    size_t i;

    assert_string_equal(conf->get(conf->ctx, "interfaces"), "eth9");
    priv_calls++;
    for (i = 0; i < priv_give && i < RNR_NSP_MAX_FDS; i++)
        fds[i] = (int)(100 + i);
    *nfds = priv_give;
    return 0;
}

static const char *get_iface(void *ctx, const char *key)
{
    (void)ctx;
    return strcmp(key, "interfaces") == 0 ? "eth9" : NULL;
}

/* privileged_open runs only on a module that has not started, with the
 * section's values, and what it reports is never more than the array. */
static void test_privileged_open(void **unused)
{
    const struct rnr_nsp_ops ops = { RNR_NSP_OPS_INIT, .name = "priv",
                                     .privileged_open = give_fds };
    const struct rnr_nsp_host host = { .size = sizeof host };
    const struct rnr_nsp_check chk = { .get = get_iface, .error = no_error };
    struct rnr_nsp_provider p;
    int fds[RNR_NSP_MAX_FDS];
    size_t nfds = 99;

    (void)unused;
    memset(&p, 0, sizeof p);
    p.ops = &ops;
    priv_give = 2;
    assert_int_equal(rnrd_nsp_privileged_open(&p, &chk, fds, &nfds), 0);
    assert_int_equal(priv_calls, 1);
    assert_int_equal(nfds, 2);
    assert_int_equal(fds[1], 101);
    priv_give = RNR_NSP_MAX_FDS + 5;
    assert_int_equal(rnrd_nsp_privileged_open(&p, &chk, fds, &nfds), 0);
    assert_int_equal(nfds, RNR_NSP_MAX_FDS);
    assert_int_equal(rnrd_nsp_startup(&p, &host), 0);
    assert_int_equal(rnrd_nsp_privileged_open(&p, &chk, fds, &nfds), 0);
    assert_int_equal(nfds, 0);
    assert_int_equal(priv_calls, 2);
    rnrd_nsp_cleanup(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_older_table),
        cmocka_unit_test(test_no_slots),
        cmocka_unit_test(test_privileged_open),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
