/* SPDX-License-Identifier: MIT */
/*
 * rnr_browse_* against a fake rnrd in a thread (a socket in a private
 * directory, RNR_SOCKET): a good ADD and OVERFLOW are returned; every
 * malformed reply or CHANGE frame gives WSASYSNOTREADY, never a crash or
 * a wrong entry; a refusal's status comes back from rnr_browse_open.
 */
#include "config.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <cmocka.h>

#include <rnr/browse.h>

#include "wire.h"

static char dir[48], sock_path[80];
static int listen_fd = -1;

/* What the fake sends after reading the SUBSCRIBE: the reply (status,
 * body), then `after` verbatim. */
struct script {
    uint32_t       status;
    struct rnr_wbuf reply_body;
    struct rnr_wbuf after;
};

static void *fake(void *arg)
{
    struct script *s = arg;
    uint8_t buf[65536];
    struct rnr_wbuf out;
    size_t got = 0;
    int c = accept(listen_fd, NULL, NULL);

    if (c < 0)
        return NULL;
    /* The SUBSCRIBE: its header says how long it is. */
    while (got < RNR_WIRE_HDR_LEN || got < rnr_le32_load(buf)) {
        ssize_t n = read(c, buf + got, sizeof buf - got);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    rnr_wbuf_init(&out);
    rnr_wire_frame_begin(&out, RNR_MSG_SUBSCRIBE | RNR_MSG_REPLY, rnr_le32_load(buf + 8),
                         s->status);
    if (s->status == 0 && s->reply_body.len > 0) {
        size_t i;
        for (i = 0; i < s->reply_body.len; i++)
            rnr_wire_put_u8(&out, s->reply_body.data[i]);
    }
    rnr_wire_frame_end(&out, RNR_WIRE_MAX_FRAME);
    if (write(c, out.data, out.len) < 0 ||
        (s->after.len > 0 && write(c, s->after.data, s->after.len) < 0))
        fprintf(stderr, "fake: write failed\n");
    rnr_wbuf_free(&out);
    /* Until the client closes. */
    while (read(c, buf, sizeof buf) > 0)
        ;
    close(c);
    return NULL;
}

static void script_init(struct script *s)
{
    memset(s, 0, sizeof *s);
    rnr_wbuf_init(&s->reply_body);
    rnr_wbuf_init(&s->after);
    rnr_wire_put_u32(&s->reply_body, 7);    /* handle */
    rnr_wire_put_u32(&s->reply_body, 0);    /* no silent provider */
}

static void script_free(struct script *s)
{
    rnr_wbuf_free(&s->reply_body);
    rnr_wbuf_free(&s->after);
}

static void change(struct rnr_wbuf *w, uint32_t handle, uint32_t kind, const WSAQUERYSETA *qs)
{
    rnr_wire_frame_begin(w, RNR_MSG_CHANGE, handle, 0);
    rnr_wire_put_u32(w, kind);
    if (qs != NULL)
        rnr_wire_put_queryset(w, qs);
    rnr_wire_frame_end(w, RNR_WIRE_MAX_FRAME);
}

static GUID cls = { 0x1234, 0, 0, { 0xC0, 0, 0, 0, 0, 0, 0, 0x46 } };

static void query(WSAQUERYSETA *qs, const char *name)
{
    memset(qs, 0, sizeof *qs);
    qs->dwSize = sizeof *qs;
    qs->lpServiceClassId = &cls;
    qs->lpszServiceInstanceName = (char *)name;
}

/* Open against the script, then one rnr_browse_next. */
static int run(struct script *s, int *open_rc, int *kind, WSAQUERYSETA **entry)
{
    WSAQUERYSETA qs;
    struct rnr_browse *b = NULL;
    pthread_t t;
    int rc = -1;

    query(&qs, "*");
    assert_int_equal(pthread_create(&t, NULL, fake, s), 0);
    *open_rc = rnr_browse_open(&qs, LUP_RETURN_ALL, &b);
    if (*open_rc == 0) {
        assert_true(rnr_browse_fd(b) >= 0);
        rc = rnr_browse_next(b, 5000, kind, entry);
    }
    rnr_browse_close(b);
    pthread_join(t, NULL);
    return rc;
}

static void test_good(void **state)
{
    struct script s;
    WSAQUERYSETA e, *got = NULL;
    int orc, kind = 0;

    (void)state;
    script_init(&s);
    query(&e, "web1");
    change(&s.after, 7, RNR_CHANGE_ADD, &e);
    assert_int_equal(run(&s, &orc, &kind, &got), 0);
    assert_int_equal(orc, 0);
    assert_int_equal(kind, RNR_BROWSE_ADD);
    assert_non_null(got);
    assert_string_equal(got->lpszServiceInstanceName, "web1");
    rnr_browse_entry_free(got);
    script_free(&s);

    script_init(&s);
    change(&s.after, 7, RNR_CHANGE_OVERFLOW, NULL);
    got = (WSAQUERYSETA *)&s;
    assert_int_equal(run(&s, &orc, &kind, &got), 0);
    assert_int_equal(kind, RNR_BROWSE_OVERFLOW);
    assert_null(got);
    script_free(&s);
}

static void test_refused(void **state)
{
    struct script s;
    WSAQUERYSETA *got = NULL;
    int orc, kind;

    (void)state;
    script_init(&s);
    s.status = WSAEOPNOTSUPP;
    run(&s, &orc, &kind, &got);
    assert_int_equal(orc, WSAEOPNOTSUPP);
    script_free(&s);
    /* More silent providers than there can be. */
    script_init(&s);
    rnr_wbuf_reset(&s.reply_body);
    rnr_wire_put_u32(&s.reply_body, 7);
    rnr_wire_put_u32(&s.reply_body, 100000);
    run(&s, &orc, &kind, &got);
    assert_int_equal(orc, WSASYSNOTREADY);
    script_free(&s);
    /* A reply with bytes left over. */
    script_init(&s);
    rnr_wire_put_u8(&s.reply_body, 1);
    run(&s, &orc, &kind, &got);
    assert_int_equal(orc, WSASYSNOTREADY);
    script_free(&s);
}

static void test_malformed(void **state)
{
    WSAQUERYSETA e, *got;
    struct script s;
    int orc, kind, i;

    (void)state;
    query(&e, "web1");
    for (i = 0; i < 6; i++) {
        script_init(&s);
        switch (i) {
        case 0:   /* an unknown kind */
            change(&s.after, 7, 9, NULL);
            break;
        case 1:   /* ADD without its query set */
            change(&s.after, 7, RNR_CHANGE_ADD, NULL);
            break;
        case 2:   /* OVERFLOW with trailing bytes */
            change(&s.after, 7, RNR_CHANGE_OVERFLOW, &e);
            break;
        case 3:   /* another handle */
            change(&s.after, 8, RNR_CHANGE_ADD, &e);
            break;
        case 4:   /* a frame longer than any may be */
            rnr_wire_put_u32(&s.after, RNR_WIRE_MAX_FRAME + 1);
            rnr_wire_put_u16(&s.after, RNR_WIRE_VERSION);
            rnr_wire_put_u16(&s.after, RNR_MSG_CHANGE);
            rnr_wire_put_u32(&s.after, 7);
            rnr_wire_put_u32(&s.after, 0);
            break;
        case 5:   /* a truncated query set */
            rnr_wire_frame_begin(&s.after, RNR_MSG_CHANGE, 7, 0);
            rnr_wire_put_u32(&s.after, RNR_CHANGE_REMOVE);
            rnr_wire_put_u32(&s.after, 40);
            rnr_wire_put_u8(&s.after, 'x');
            rnr_wire_frame_end(&s.after, RNR_WIRE_MAX_FRAME);
            break;
        }
        got = NULL;
        kind = 0;
        assert_int_equal(run(&s, &orc, &kind, &got), WSASYSNOTREADY);
        assert_int_equal(orc, 0);
        assert_null(got);
        script_free(&s);
    }
}

static int setup(void **state)
{
    struct sockaddr_un sa;

    (void)state;
    snprintf(dir, sizeof dir, "/tmp/test_browse.XXXXXX");
    if (mkdtemp(dir) == NULL)
        return -1;
    snprintf(sock_path, sizeof sock_path, "%s/rnrd.sock", dir);
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", sock_path);
    listen_fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (listen_fd < 0 || bind(listen_fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
        listen(listen_fd, 4) != 0)
        return -1;
    setenv("RNR_SOCKET", sock_path, 1);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    close(listen_fd);
    unlink(sock_path);
    rmdir(dir);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_malformed),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
