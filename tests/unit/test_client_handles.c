/* SPDX-License-Identifier: MIT */
/*
 * The librnr handle table (client/handles.c, compiled into this test):
 * handles are index + generation, stale and forged values are refused,
 * slots are reused under new generations, generations survive
 * rnr_htable_free (a new WSAStartup session), limits, concurrency.
 */
#include "config.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "handles.h"

static int objs[64];

static void test_add_get_remove(void **state)
{
    struct rnr_htable t = RNR_HTABLE_INITIALIZER;
    HANDLE h1, h2;

    (void)state;
    assert_int_equal(rnr_htable_add(&t, &objs[1], &h1), 0);
    assert_int_equal(rnr_htable_add(&t, &objs[2], &h2), 0);
    assert_non_null(h1);
    assert_true(h1 != h2);
    assert_ptr_equal(rnr_htable_get(&t, h1, NULL), &objs[1]);
    assert_ptr_equal(rnr_htable_get(&t, h2, NULL), &objs[2]);
    assert_int_equal(rnr_htable_count(&t), 2);
    /* The handle is not the object's address. */
    assert_true(h1 != (HANDLE)&objs[1]);

    assert_ptr_equal(rnr_htable_remove(&t, h1), &objs[1]);
    assert_null(rnr_htable_get(&t, h1, NULL));      /* stale */
    assert_null(rnr_htable_remove(&t, h1));         /* double End */
    assert_ptr_equal(rnr_htable_get(&t, h2, NULL), &objs[2]);
    assert_int_equal(rnr_htable_count(&t), 1);
    assert_ptr_equal(rnr_htable_remove(&t, h2), &objs[2]);
    assert_int_equal(rnr_htable_count(&t), 0);
    rnr_htable_free(&t);
}

static void test_reuse_new_generation(void **state)
{
    struct rnr_htable t = RNR_HTABLE_INITIALIZER;
    HANDLE old, fresh;

    (void)state;
    assert_int_equal(rnr_htable_add(&t, &objs[1], &old), 0);
    assert_non_null(rnr_htable_remove(&t, old));
    /* The freed slot is reused, under another generation. */
    assert_int_equal(rnr_htable_add(&t, &objs[2], &fresh), 0);
    assert_true(fresh != old);
    assert_null(rnr_htable_get(&t, old, NULL));
    assert_null(rnr_htable_remove(&t, old));
    assert_ptr_equal(rnr_htable_get(&t, fresh, NULL), &objs[2]);
    assert_non_null(rnr_htable_remove(&t, fresh));
    rnr_htable_free(&t);
}

static void test_forged(void **state)
{
    struct rnr_htable t = RNR_HTABLE_INITIALIZER;
    HANDLE h;
    uintptr_t v;
    int local;
    unsigned bit;

    (void)state;
    assert_int_equal(rnr_htable_add(&t, &objs[1], &h), 0);
    v = (uintptr_t)h;
    assert_null(rnr_htable_get(&t, NULL, NULL));
    assert_null(rnr_htable_get(&t, (HANDLE)1, NULL));
    assert_null(rnr_htable_get(&t, (HANDLE)(uintptr_t)-1, NULL));
    assert_null(rnr_htable_get(&t, (HANDLE)&local, NULL));
    assert_null(rnr_htable_get(&t, (HANDLE)&objs[1], NULL));
    /* Every single-bit change of a valid handle is refused. */
    for (bit = 0; bit < sizeof(uintptr_t) * 8; bit++)
        assert_null(rnr_htable_get(&t, (HANDLE)(v ^ ((uintptr_t)1 << bit)), NULL));
    assert_null(rnr_htable_remove(&t, (HANDLE)(v + 1)));
    assert_ptr_equal(rnr_htable_get(&t, h, NULL), &objs[1]);
    assert_non_null(rnr_htable_remove(&t, h));
    rnr_htable_free(&t);
}

static void test_generations_survive_free(void **state)
{
    struct rnr_htable t = RNR_HTABLE_INITIALIZER;
    HANDLE before[4], after[4];
    int i, j;

    (void)state;
    for (i = 0; i < 4; i++)
        assert_int_equal(rnr_htable_add(&t, &objs[i], &before[i]), 0);
    for (i = 0; i < 4; i++)
        assert_non_null(rnr_htable_pop(&t));
    assert_null(rnr_htable_pop(&t));
    rnr_htable_free(&t);            /* WSACleanup */
    rnr_htable_free(&t);            /* idempotent */
    rnr_htable_free(NULL);
    for (i = 0; i < 4; i++)
        assert_int_equal(rnr_htable_add(&t, &objs[10 + i], &after[i]), 0);
    for (i = 0; i < 4; i++) {
        assert_null(rnr_htable_get(&t, before[i], NULL));
        for (j = 0; j < 4; j++)
            assert_true(before[i] != after[j]);
    }
    while (rnr_htable_pop(&t) != NULL)
        ;
    rnr_htable_free(&t);
}

static void test_grow_and_limit(void **state)
{
    struct rnr_htable t = RNR_HTABLE_INITIALIZER;
    HANDLE h[64], extra;
    int i;

    (void)state;
    for (i = 0; i < 64; i++)
        assert_int_equal(rnr_htable_add(&t, &objs[i], &h[i]), 0);
    for (i = 0; i < 64; i++)
        assert_ptr_equal(rnr_htable_get(&t, h[i], NULL), &objs[i]);
    assert_int_equal(rnr_htable_count(&t), 64);
    assert_int_equal(rnr_htable_add(&t, NULL, &extra), WSAEFAULT);
    while (rnr_htable_pop(&t) != NULL)
        ;
    rnr_htable_free(&t);

    t.max = 5;
    for (i = 0; i < 5; i++)
        assert_int_equal(rnr_htable_add(&t, &objs[i], &h[i]), 0);
    assert_int_equal(rnr_htable_add(&t, &objs[6], &extra), WSAEMFILE);
    assert_non_null(rnr_htable_remove(&t, h[2]));
    assert_int_equal(rnr_htable_add(&t, &objs[6], &extra), 0);
    while (rnr_htable_pop(&t) != NULL)
        ;
    rnr_htable_free(&t);
}

static int refs;

static void count_ref(void *p)
{
    (void)p;
    refs++;
}

static void test_ref_callback(void **state)
{
    struct rnr_htable t = RNR_HTABLE_INITIALIZER;
    HANDLE h;

    (void)state;
    refs = 0;
    assert_int_equal(rnr_htable_add(&t, &objs[0], &h), 0);
    assert_non_null(rnr_htable_get(&t, h, count_ref));
    assert_int_equal(refs, 1);
    assert_null(rnr_htable_get(&t, (HANDLE)1, count_ref));
    assert_int_equal(refs, 1);
    assert_non_null(rnr_htable_remove(&t, h));
    rnr_htable_free(&t);
}

/* Threads adding, checking and removing their own handles at once, while
 * probing other threads' (possibly stale) handles. */
static struct rnr_htable shared_t = RNR_HTABLE_INITIALIZER;
static HANDLE last_seen[4];

static void *churn(void *arg)
{
    int id = (int)(intptr_t)arg, i;

    for (i = 0; i < 2000; i++) {
        HANDLE h;
        void *o;

        if (rnr_htable_add(&shared_t, &objs[id], &h) != 0)
            return (void *)1;
        if (rnr_htable_get(&shared_t, h, NULL) != &objs[id])
            return (void *)2;
        __atomic_store_n(&last_seen[id], h, __ATOMIC_RELAXED);
        o = rnr_htable_get(&shared_t,
                           __atomic_load_n(&last_seen[(id + 1) % 4], __ATOMIC_RELAXED),
                           NULL);
        if (o != NULL && o != &objs[(id + 1) % 4])
            return (void *)3;
        if (rnr_htable_remove(&shared_t, h) != &objs[id])
            return (void *)4;
    }
    return NULL;
}

static void test_concurrent(void **state)
{
    pthread_t th[4];
    void *ret;
    int i;

    (void)state;
    for (i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&th[i], NULL, churn, (void *)(intptr_t)i), 0);
    for (i = 0; i < 4; i++) {
        assert_int_equal(pthread_join(th[i], &ret), 0);
        assert_null(ret);
    }
    assert_int_equal(rnr_htable_count(&shared_t), 0);
    rnr_htable_free(&shared_t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_get_remove),
        cmocka_unit_test(test_reuse_new_generation),
        cmocka_unit_test(test_forged),
        cmocka_unit_test(test_generations_survive_free),
        cmocka_unit_test(test_grow_and_limit),
        cmocka_unit_test(test_ref_callback),
        cmocka_unit_test(test_concurrent),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
