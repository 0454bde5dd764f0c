/* SPDX-License-Identifier: MIT */
/*
 * A lookup whose client does not read pauses its provider, so that an
 * answer of any size is delivered whole in a bounded amount of rnrd's
 * memory: a real rnrd with the directory, whose walks can be paused,
 * and output caps far below the answer's size.
 *
 *   - a raw client asks for 400 entries of 60 KB (24 MB: 24 times
 *     max-output-per-lookup) and reads nothing for a while: the
 *     directory is paused, rnrd's memory-used stays near
 *     max-output-per-client; then it reads, and gets every result and
 *     LOOKUP_DONE with status 0;
 *   - the same through librnr (WSALookupServiceNext to the end);
 *   - containers are emptied (the walk's own among them) and entries
 *     replaced under a paused deep walk: it goes on from what followed,
 *     with no result twice, every entry that stayed delivered, and rnrd
 *     still up.
 */
#include "config.h"

#include <poll.h>

#include "alloc.h"
#include "itest.h"
#include "wire.h"

#define KIB 1024
#define MIB (1024 * 1024)

#define DIR_CONF "[provider directory]\nmodule = directory\nnamespace = NS_NDS\n"
/* An answer many times larger than what rnrd may hold of it. */
#define CAPS_CONF "max-output-per-client = 262144\n" \
                  "max-output-per-lookup = 1048576\n"

#define BIG_ENTRIES 400
#define BIG_BLOB    60000

#define WALK_CONTAINERS 10
#define WALK_PER        40
#define WALK_BLOB       20000

static GUID pause_class = { 0x5eb1c0de, 0x7777, 0x4abc, { 1, 2, 3, 4, 5, 6, 7, 9 } };

static struct rnrt_daemon daemon_;
static int started;

static int teardown(void **state)
{
    (void)state;
    if (started) {
        WSACleanup();
        rnrt_daemon_destroy(&daemon_);
        started = 0;
    }
    return 0;
}

static void start(void)
{
    WSADATA wd;

    assert_int_equal(rnrt_daemon_init(&daemon_, DIR_CONF), 0);
    assert_int_equal(rnrt_daemon_add_keys(&daemon_, CAPS_CONF), 0);
    assert_int_equal(rnrt_daemon_start(&daemon_), 0);
    started = 1;
    assert_int_equal(WSAStartup(MAKEWORD(2, 2), &wd), 0);
}

/* ------------------------------------------------------------ helpers */


static int set_entry(const char *ctx, const char *name, size_t blob_len, char fill,
                     WSAESETSERVICEOP op)
{
    static uint8_t bytes[BIG_BLOB];
    WSAQUERYSETA q;
    BLOB b;

    memset(bytes, fill, blob_len);
    memset(&q, 0, sizeof q);
    q.dwSize = sizeof q;
    q.lpszServiceInstanceName = (char *)name;
    q.lpServiceClassId = &pause_class;
    q.lpszContext = (char *)ctx;
    q.dwNameSpace = NS_NDS;
    b.cbSize = (ULONG)blob_len;
    b.pBlobData = bytes;
    q.lpBlob = op == RNRSERVICE_DELETE ? NULL : &b;
    return WSASetServiceA(&q, op, 0) != 0 ? WSAGetLastError() : 0;
}

static int raw_connect(void)
{
    return rnrt_unix_connect(daemon_.sock);
}

/* LOOKUP_BEGIN of every entry below ctx, on a raw connection. */
static int raw_begin(const char *ctx, DWORD flags)
{
    struct rnr_wbuf w;
    WSAQUERYSETA q;
    int fd = raw_connect();

    assert_true(fd >= 0);
    memset(&q, 0, sizeof q);
    q.dwSize = sizeof q;
    q.lpServiceClassId = &pause_class;
    q.lpszServiceInstanceName = (char *)"*";
    q.lpszContext = (char *)ctx;
    q.dwNameSpace = NS_NDS;
    rnr_wbuf_init(&w);
    rnr_wire_frame_begin(&w, RNR_MSG_LOOKUP_BEGIN, 1, 0);
    rnr_wire_put_u32(&w, flags);
    rnr_wire_put_queryset(&w, &q);
    rnr_wire_frame_end(&w, RNR_WIRE_MAX_FRAME);
    assert_int_equal(w.error, 0);
    assert_int_equal(send(fd, w.data, w.len, MSG_NOSIGNAL), (ssize_t)w.len);
    rnr_wbuf_free(&w);
    return fd;
}

static int read_full(int fd, uint8_t *p, size_t n)
{
    struct pollfd pfd = { fd, POLLIN, 0 };

    while (n > 0) {
        ssize_t got;

        if (poll(&pfd, 1, 30000) != 1)
            return -1;
        got = read(fd, p, n);
        if (got <= 0)
            return -1;
        p += got;
        n -= (size_t)got;
    }
    return 0;
}

/* The next frame: its type and status, its body in *body (malloc'd). */
static int read_frame(int fd, uint16_t *type, uint32_t *status, uint8_t **body, size_t *len)
{
    uint8_t hdr[RNR_WIRE_HDR_LEN];
    uint32_t n;

    if (read_full(fd, hdr, sizeof hdr) != 0)
        return -1;
    n = rnr_le32_load(hdr);
    if (n < RNR_WIRE_HDR_LEN || n > RNR_WIRE_MAX_FRAME)
        return -1;
    *type = (uint16_t)(hdr[6] | hdr[7] << 8);
    *status = rnr_le32_load(hdr + 12);
    *len = n - RNR_WIRE_HDR_LEN;
    *body = malloc(*len + 1);
    if (*body == NULL)
        return -1;
    return read_full(fd, *body, *len);
}

/* Reads the raw lookup to its end, calling seen() with each result's
 * instance name.  Returns LOOKUP_DONE's status, -1 on a broken stream. */
static long raw_read_all(int fd, size_t *nresults, size_t pause_after, unsigned pause_ms,
                         void (*seen)(const char *name, void *arg), void *arg)
{
    for (;;) {
        uint16_t type;
        uint32_t status;
        uint8_t *body;
        size_t len;

        if (read_frame(fd, &type, &status, &body, &len) != 0)
            return -1;
        if (type == RNR_MSG_LOOKUP_RESULT) {
            struct rnr_rbuf r;
            WSAQUERYSETA *qs = NULL;
            size_t size;

            rnr_rbuf_init(&r, body, len);
            if (rnr_wire_get_queryset(&r, &qs, &size) != 0) {
                free(body);
                return -1;
            }
            if (seen != NULL)
                seen(qs->lpszServiceInstanceName, arg);
            rnr_free(qs);
            if (++*nresults == pause_after)
                usleep(pause_ms * 1000u);
        }
        free(body);
        if (type == RNR_MSG_LOOKUP_DONE)
            return status;
    }
}

/* ------------------------------------------------------------ tests */

static void register_big(void)
{
    char name[32];
    int i;

    for (i = 0; i < BIG_ENTRIES; i++) {
        snprintf(name, sizeof name, "big-%03d", i);
        assert_int_equal(set_entry("\\big", name, BIG_BLOB, 'x', RNRSERVICE_REGISTER), 0);
    }
}

static void test_unread_answer_delivered_whole(void **state)
{
    long long paused, used;
    size_t n = 0;
    long st;
    int fd;

    (void)state;
    start();
    register_big();
    fd = raw_begin("\\big", LUP_RETURN_ALL);
    usleep(1000000);
    paused = rnrt_stat("daemon.lookups-paused");
    used = rnrt_stat("daemon.memory-used");
    printf("# %d x %d bytes unread: lookups-paused %lld, memory-used %lld KiB "
           "(max-output-per-client 256 KiB, max-output-per-lookup 1 MiB)\n",
           BIG_ENTRIES, BIG_BLOB, paused, used / KIB);
    assert_true(paused >= 1);
    /* What rnrd holds: the client's output cap, one result over, and the
     * query; never the answer. */
    assert_true(used >= 0 && used < 2 * MIB);
    st = raw_read_all(fd, &n, 0, 0, NULL, NULL);
    printf("# read: %zu results, LOOKUP_DONE status %ld, paused %lld times in all\n", n, st,
           rnrt_stat("daemon.lookups-paused"));
    assert_int_equal(st, 0);
    assert_int_equal(n, BIG_ENTRIES);
    close(fd);
}

static void test_librnr_reads_to_the_end(void **state)
{
    WSAQUERYSETA q, *res;
    HANDLE h;
    DWORD len;
    size_t n = 0;
    int rc;

    (void)state;
    start();
    register_big();
    memset(&q, 0, sizeof q);
    q.dwSize = sizeof q;
    q.lpServiceClassId = &pause_class;
    q.lpszServiceInstanceName = (char *)"*";
    q.lpszContext = (char *)"\\big";
    q.dwNameSpace = NS_NDS;
    assert_int_equal(WSALookupServiceBeginA(&q, LUP_RETURN_ALL, &h), 0);
    res = malloc(2 * BIG_BLOB);
    assert_non_null(res);
    for (;;) {
        len = 2 * BIG_BLOB;
        rc = WSALookupServiceNextA(h, 0, &len, res);
        if (rc != 0)
            break;
        assert_int_equal(res->lpBlob->cbSize, BIG_BLOB);
        n++;
    }
    rc = WSAGetLastError();
    printf("# librnr: %zu results, then %d\n", n, rc);
    assert_int_equal(rc, WSA_E_NO_MORE);
    assert_int_equal(n, BIG_ENTRIES);
    WSALookupServiceEnd(h);
    free(res);
}

struct walk_seen {
    unsigned char count[WALK_CONTAINERS][WALK_PER];
    size_t        added, bad;
};

static void walk_seen(const char *name, void *arg)
{
    struct walk_seen *w = arg;
    unsigned c, i;

    if (sscanf(name, "w%u-%u", &c, &i) == 2 && c < WALK_CONTAINERS && i < WALK_PER)
        w->count[c][i]++;
    else if (strncmp(name, "new-", 4) == 0)
        w->added++;
    else
        w->bad++;
}

static void test_removals_under_a_paused_walk(void **state)
{
    static struct walk_seen seen;
    char ctx[32], name[32];
    size_t n = 0, kept = 0;
    unsigned c, i;
    long st;
    int fd;

    (void)state;
    start();
    for (c = 0; c < WALK_CONTAINERS; c++)
        for (i = 0; i < WALK_PER; i++) {
            snprintf(ctx, sizeof ctx, "\\walk\\c%u", c);
            snprintf(name, sizeof name, "w%u-%u", c, i);
            assert_int_equal(set_entry(ctx, name, WALK_BLOB, 'w', RNRSERVICE_REGISTER), 0);
        }
    /* The first results come, nobody reads them: the walk pauses in c0,
     * a dozen or two entries in. */
    memset(&seen, 0, sizeof seen);
    fd = raw_begin("\\walk", LUP_RETURN_ALL | LUP_DEEP | LUP_NOCONTAINERS);
    {
        struct pollfd pfd = { fd, POLLIN, 0 };
        assert_int_equal(poll(&pfd, 1, 10000), 1);
    }
    usleep(300000);
    assert_true(rnrt_stat("daemon.lookups-paused") >= 1);
    /* Meanwhile: c0..c5 emptied (their containers go, the paused walk's
     * own among them), every entry of c8
     * replaced, entries added to c9. */
    for (c = 0; c <= 5; c++)
        for (i = 0; i < WALK_PER; i++) {
            snprintf(ctx, sizeof ctx, "\\walk\\c%u", c);
            snprintf(name, sizeof name, "w%u-%u", c, i);
            assert_int_equal(set_entry(ctx, name, 0, 0, RNRSERVICE_DELETE), 0);
        }
    for (i = 0; i < WALK_PER; i++) {
        snprintf(name, sizeof name, "w8-%u", i);
        assert_int_equal(set_entry("\\walk\\c8", name, WALK_BLOB, 'u', RNRSERVICE_REGISTER), 0);
        snprintf(name, sizeof name, "new-%u", i);
        assert_int_equal(set_entry("\\walk\\c9", name, WALK_BLOB, 'n', RNRSERVICE_REGISTER), 0);
    }
    st = raw_read_all(fd, &n, 0, 0, walk_seen, &seen);
    close(fd);
    for (c = 0; c < WALK_CONTAINERS; c++)
        for (i = 0; i < WALK_PER; i++) {
            assert_true(seen.count[c][i] <= 1);         /* never twice */
            if (c >= 6)
                assert_int_equal(seen.count[c][i], 1);  /* stayed: delivered */
            kept += seen.count[c][i];
        }
    printf("# paused deep walk, c0..c5 removed under it: %zu results (%zu of the first "
           "%d, %zu added later), status %ld\n", n, kept, WALK_CONTAINERS * WALK_PER,
           seen.added, st);
    assert_int_equal(st, 0);
    assert_int_equal(seen.bad, 0);
    /* Some of c0..c5 had been sent before they went, not all of them. */
    assert_true(kept < WALK_CONTAINERS * WALK_PER);
    /* rnrd is still whole. */
    assert_true(rnrt_stat("daemon.lookups-total") > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_unread_answer_delivered_whole, teardown),
        cmocka_unit_test_teardown(test_librnr_reads_to_the_end, teardown),
        cmocka_unit_test_teardown(test_removals_under_a_paused_walk, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
