/* SPDX-License-Identifier: MIT */
/*
 * Service class info (classinfo.h): validation, exact flat sizes, copies,
 * name-space filtering and equality.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "alloc.h"
#include "classinfo.h"

#define MAXE 6

struct cshape {
    WSASERVICECLASSINFOA ci;
    GUID                 id;
    WSANSCLASSINFOA      e[MAXE];
    char                 names[MAXE][40];
    char                 cname[40];
    uint8_t              vals[MAXE][64];
};

static const DWORD g_ns[] = { NS_ALL, NS_DNS, NS_SAP, NS_NDS, NS_DNS, NS_TCPIP_HOSTS };

static void cshape_build(struct cshape *c, unsigned long k)
{
    size_t n = k % (MAXE + 1), i;
    unsigned long r = k / (MAXE + 1);

    memset(c, 0, sizeof(*c));
    c->id = (GUID)SVCID_UDP(53);
    c->id.Data3 = (uint16_t)k;
    c->ci.lpServiceClassId = &c->id;
    if (r % 3 != 0) {
        memset(c->cname, 'C', r % 3 == 1 ? 7 : 33);
        c->ci.lpszServiceClassName = c->cname;
    }
    for (i = 0; i < n; i++) {
        WSANSCLASSINFOA *e = &c->e[i];
        size_t nl = (r + i * 5) % 17, vl;

        memset(c->names[i], 'n' + (int)i % 5, nl);
        e->lpszName = ((r + i) % 7 == 3) ? NULL : c->names[i];
        e->dwNameSpace = g_ns[(r + i) % 6];
        switch ((r + i) % 4) {
        case 0:
            e->dwValueType = REG_DWORD;
            vl = 4;
            memcpy(c->vals[i], &k, 4);
            break;
        case 1:
            e->dwValueType = REG_SZ;
            vl = 1 + (r + i) % 20;
            memset(c->vals[i], 's', vl - 1);
            c->vals[i][vl - 1] = 0;
            break;
        case 2:
            e->dwValueType = REG_BINARY;
            vl = (r * 3 + i) % 64;
            memset(c->vals[i], (int)i + 1, vl);
            break;
        default:
            e->dwValueType = REG_NONE;
            vl = 0;
            break;
        }
        e->dwValueSize = (DWORD)vl;
        e->lpValue = vl ? c->vals[i] : NULL;
    }
    c->ci.dwCount = (DWORD)n;
    c->ci.lpClassInfos = n ? c->e : NULL;
}

static void assert_in(const void *p, const uint8_t *base, size_t size, size_t n)
{
    const uint8_t *q = p;

    assert_non_null(p);
    assert_true(q >= base && q + n <= base + size);
    assert_int_equal((size_t)(q - base) % RNR_ALIGN, 0);
}

static void assert_flat(const WSASERVICECLASSINFOA *got, const uint8_t *base, size_t size)
{
    DWORD i;

    assert_ptr_equal(got, base);
    if (got->lpServiceClassId)
        assert_in(got->lpServiceClassId, base, size, sizeof(GUID));
    if (got->lpszServiceClassName)
        assert_in(got->lpszServiceClassName, base, size,
                  strlen(got->lpszServiceClassName) + 1);
    if (got->dwCount)
        assert_in(got->lpClassInfos, base, size, got->dwCount * sizeof(WSANSCLASSINFOA));
    else
        assert_null(got->lpClassInfos);
    for (i = 0; i < got->dwCount; i++) {
        const WSANSCLASSINFOA *e = &got->lpClassInfos[i];

        if (e->lpszName)
            assert_in(e->lpszName, base, size, strlen(e->lpszName) + 1);
        if (e->dwValueSize)
            assert_in(e->lpValue, base, size, e->dwValueSize);
        else
            assert_null(e->lpValue);
    }
}

static void check_cshape(const WSASERVICECLASSINFOA *ci)
{
    size_t size, dsize = 0, i;
    uint8_t *buf, *snap;
    WSASERVICECLASSINFOA *d;

    size = rnr_class_flat_size(ci);
    assert_true(size >= sizeof(WSASERVICECLASSINFOA));
    buf = malloc(size + 32);
    snap = malloc(size + 32);
    assert_non_null(buf);
    assert_non_null(snap);
    memset(buf, 0xA5, size + 32);
    assert_int_equal(rnr_class_flatten(ci, buf, size), size);
    for (i = size; i < size + 32; i++)
        assert_int_equal(buf[i], 0xA5);
    assert_flat((WSASERVICECLASSINFOA *)buf, buf, size);
    assert_true(rnr_class_equal((WSASERVICECLASSINFOA *)buf, ci));
    assert_int_equal(rnr_class_flat_size((WSASERVICECLASSINFOA *)buf), size);

    memset(buf, 0x3C, size + 32);
    memcpy(snap, buf, size + 32);
    assert_int_equal(rnr_class_flatten(ci, buf, size - 1), 0);
    assert_memory_equal(buf, snap, size + 32);

    d = rnr_class_dup(ci, &dsize);
    assert_non_null(d);
    assert_int_equal(dsize, size);
    assert_flat(d, (uint8_t *)d, dsize);
    assert_true(rnr_class_equal(d, ci));
    rnr_free(d);
    free(snap);
    free(buf);
}

static void test_flatten_shapes(void **state)
{
    struct cshape c;
    unsigned long k;
    (void)state;

    for (k = 0; k < 3000; k++) {
        cshape_build(&c, k);
        assert_int_equal(rnr_class_validate(&c.ci), 0);
        check_cshape(&c.ci);
    }
}

static void test_null_args(void **state)
{
    char buf[64];
    (void)state;

    assert_int_equal(rnr_class_flat_size(NULL), 0);
    assert_int_equal(rnr_class_flatten(NULL, buf, sizeof(buf)), 0);
    assert_null(rnr_class_dup(NULL, NULL));
    assert_null(rnr_class_dup_for_ns(NULL, NS_DNS, NULL));
    assert_true(rnr_class_equal(NULL, NULL));
}

static void test_validate(void **state)
{
    struct cshape c;
    char *big;
    DWORD dw = 5;
    char sz[4] = { 'a', 'b', 'c', 'd' };
    (void)state;

    assert_int_equal(rnr_class_validate(NULL), WSAEFAULT);

    cshape_build(&c, 6);
    assert_int_equal(rnr_class_validate(&c.ci), 0);
    c.ci.lpServiceClassId = NULL;
    assert_int_equal(rnr_class_validate(&c.ci), WSAEINVAL);

    big = malloc(RNR_CLASS_MAX_NAME + 2);
    assert_non_null(big);
    memset(big, 'x', RNR_CLASS_MAX_NAME + 1);
    big[RNR_CLASS_MAX_NAME] = 0;
    cshape_build(&c, 6);
    c.ci.lpszServiceClassName = big;
    c.e[0].lpszName = big;
    assert_int_equal(rnr_class_validate(&c.ci), 0);
    big[RNR_CLASS_MAX_NAME] = 'x';
    big[RNR_CLASS_MAX_NAME + 1] = 0;
    assert_int_equal(rnr_class_validate(&c.ci), WSAEINVAL);
    cshape_build(&c, 6);
    c.e[3].lpszName = big;
    assert_int_equal(rnr_class_validate(&c.ci), WSAEINVAL);
    free(big);

    /* Entry counts. */
    {
        WSANSCLASSINFOA *many = calloc(RNR_CLASS_MAX_ENTRIES + 1, sizeof(*many));

        assert_non_null(many);
        cshape_build(&c, 0);
        c.ci.lpClassInfos = many;
        c.ci.dwCount = RNR_CLASS_MAX_ENTRIES;
        assert_int_equal(rnr_class_validate(&c.ci), 0);
        c.ci.dwCount = RNR_CLASS_MAX_ENTRIES + 1;
        assert_int_equal(rnr_class_validate(&c.ci), WSAEINVAL);
        c.ci.dwCount = 1;
        c.ci.lpClassInfos = NULL;
        assert_int_equal(rnr_class_validate(&c.ci), WSAEINVAL);
        free(many);
    }

    /* Values. */
    {
        uint8_t *v = calloc(1, RNR_CLASS_MAX_VALUE + 1);
        WSANSCLASSINFOA e;

        assert_non_null(v);
        cshape_build(&c, 0);
        memset(&e, 0, sizeof(e));
        c.ci.lpClassInfos = &e;
        c.ci.dwCount = 1;
        e.dwValueType = REG_BINARY;
        e.lpValue = v;
        e.dwValueSize = RNR_CLASS_MAX_VALUE;
        assert_int_equal(rnr_class_validate(&c.ci), 0);
        e.dwValueSize = RNR_CLASS_MAX_VALUE + 1;
        assert_int_equal(rnr_class_validate(&c.ci), WSAEINVAL);
        e.dwValueSize = 1;
        e.lpValue = NULL;
        assert_int_equal(rnr_class_validate(&c.ci), WSAEINVAL);
        e.dwValueSize = 0;
        assert_int_equal(rnr_class_validate(&c.ci), 0);

        e.dwValueType = REG_DWORD;
        e.lpValue = &dw;
        e.dwValueSize = 4;
        assert_int_equal(rnr_class_validate(&c.ci), 0);
        e.dwValueSize = 2;
        assert_int_equal(rnr_class_validate(&c.ci), WSAEINVAL);
        e.dwValueSize = 8;
        e.lpValue = v;
        assert_int_equal(rnr_class_validate(&c.ci), WSAEINVAL);

        e.dwValueType = REG_SZ;
        e.lpValue = sz;
        e.dwValueSize = 4;                 /* no NUL inside */
        assert_int_equal(rnr_class_validate(&c.ci), WSAEINVAL);
        sz[3] = 0;
        assert_int_equal(rnr_class_validate(&c.ci), 0);
        e.dwValueSize = 0;
        e.lpValue = NULL;
        assert_int_equal(rnr_class_validate(&c.ci), WSAEINVAL);
        free(v);
    }
}

static void test_dup_for_ns(void **state)
{
    struct cshape c;
    WSASERVICECLASSINFOA *d;
    size_t size = 0;
    DWORD i;
    unsigned long k;
    (void)state;

    /* Entries: NS_ALL, NS_DNS, NS_SAP, NS_NDS, NS_DNS, NS_TCPIP_HOSTS (r=0). */
    cshape_build(&c, 6);
    assert_int_equal(c.ci.dwCount, 6);

    d = rnr_class_dup_for_ns(&c.ci, NS_DNS, &size);
    assert_non_null(d);
    assert_int_equal(size, rnr_class_flat_size(d));
    assert_flat(d, (uint8_t *)d, size);
    assert_int_equal(d->dwCount, 3);
    assert_int_equal(d->lpClassInfos[0].dwNameSpace, NS_ALL);
    assert_int_equal(d->lpClassInfos[1].dwNameSpace, NS_DNS);
    assert_int_equal(d->lpClassInfos[2].dwNameSpace, NS_DNS);
    assert_memory_equal(d->lpServiceClassId, &c.id, sizeof(GUID));
    rnr_free(d);

    d = rnr_class_dup_for_ns(&c.ci, NS_ALL, &size);
    assert_non_null(d);
    assert_true(rnr_class_equal(d, &c.ci));
    rnr_free(d);

    d = rnr_class_dup_for_ns(&c.ci, NS_NIS, NULL);   /* only the NS_ALL entry */
    assert_non_null(d);
    assert_int_equal(d->dwCount, 1);
    assert_int_equal(d->lpClassInfos[0].dwNameSpace, NS_ALL);
    rnr_free(d);

    /* Over many shapes the filtered copy has exactly the right entries,
     * in order, with exact sizes. */
    for (k = 0; k < 700; k++) {
        DWORD ns = g_ns[k % 6], want = 0, j = 0;

        cshape_build(&c, k);
        for (i = 0; i < c.ci.dwCount; i++)
            if (ns == NS_ALL || c.e[i].dwNameSpace == ns || c.e[i].dwNameSpace == NS_ALL)
                want++;
        d = rnr_class_dup_for_ns(&c.ci, ns, &size);
        assert_non_null(d);
        assert_int_equal(d->dwCount, want);
        assert_int_equal(size, rnr_class_flat_size(d));
        assert_flat(d, (uint8_t *)d, size);
        for (i = 0; i < c.ci.dwCount; i++) {
            if (!(ns == NS_ALL || c.e[i].dwNameSpace == ns || c.e[i].dwNameSpace == NS_ALL))
                continue;
            assert_int_equal(d->lpClassInfos[j].dwNameSpace, c.e[i].dwNameSpace);
            assert_int_equal(d->lpClassInfos[j].dwValueSize, c.e[i].dwValueSize);
            j++;
        }
        rnr_free(d);
    }
}

static void test_equal(void **state)
{
    struct cshape a, b;
    GUID other;
    (void)state;

    cshape_build(&a, 6);
    cshape_build(&b, 6);
    assert_true(rnr_class_equal(&a.ci, &b.ci));
    assert_false(rnr_class_equal(&a.ci, NULL));

    other = b.id;
    other.Data4[7] ^= 1;
    b.ci.lpServiceClassId = &other;
    assert_false(rnr_class_equal(&a.ci, &b.ci));
    cshape_build(&b, 6);
    b.ci.lpServiceClassId = NULL;
    assert_false(rnr_class_equal(&a.ci, &b.ci));

    /* Shape 6 has no class name. */
    cshape_build(&b, 6);
    assert_null(a.ci.lpszServiceClassName);
    b.ci.lpszServiceClassName = (char *)"";
    assert_false(rnr_class_equal(&a.ci, &b.ci));
    assert_false(rnr_class_equal(&b.ci, &a.ci));

    cshape_build(&b, 6);
    b.ci.dwCount = 5;
    assert_false(rnr_class_equal(&a.ci, &b.ci));

    cshape_build(&b, 6);
    b.e[1].dwNameSpace = NS_NIS;
    assert_false(rnr_class_equal(&a.ci, &b.ci));

    cshape_build(&b, 6);
    b.e[2].dwValueType = REG_EXPAND_SZ;
    assert_false(rnr_class_equal(&a.ci, &b.ci));

    cshape_build(&b, 6);
    b.vals[1][0] ^= 0x40;
    assert_false(rnr_class_equal(&a.ci, &b.ci));

    cshape_build(&b, 6);
    b.names[4][0] = 'Z';
    assert_false(rnr_class_equal(&a.ci, &b.ci));

    /* Entry order matters. */
    cshape_build(&b, 6);
    {
        WSANSCLASSINFOA t = b.e[0];
        b.e[0] = b.e[1];
        b.e[1] = t;
    }
    assert_false(rnr_class_equal(&a.ci, &b.ci));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flatten_shapes),
        cmocka_unit_test(test_null_args),
        cmocka_unit_test(test_validate),
        cmocka_unit_test(test_dup_for_ns),
        cmocka_unit_test(test_equal),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
