/* SPDX-License-Identifier: MIT */
/*
 * The protocols database: the parser (compiled in) on glibc's edge cases,
 * and getprotobyname / getprotobynumber through librnr on a file named
 * by RNR_PROTOCOLS_FILE and on the system's /etc/protocols against
 * glibc's own answers.
 */
#include "config.h"

#define RNR_NO_WINSOCK_NAMES
#include <rnr/winsock2.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "alloc.h"
#include "getxbyy.h"

/* Weak until client/librnr.map lists it (it is not matched by rnr_get*
 * or rnr_inet_*): then the override part of test_api runs. */
#pragma weak rnr_set_protocols_file

static const char sample[] =
    "# comment line\n"
    "\n"
    "   \t  \n"
    "ip\t0\tIP\t\t# internet protocol\n"
    "  icmp 1 ICMP   \n"
    "bad\n"
    "bad2 x7 alias\n"
    "bad3 7x alias\n"
    "tcp 6 TCP Tcp#not an alias\n"
    "udp\t17\tUDP\r\n"
    "#tcp 99 hidden\n"
    "Mixed 200 MiXeD other\n"
    "mixed 201\n"
    "neg -3 minus\n"
    "negzero -0\n"
    "max 4294967295\n"
    "plus +4\n"
    "huge 4294967297 wraps\n"
    "big 300 a b c d e f g h i j k l m n o p q r s t u v w x y z\n"
    "dup 6 tcp-again\n"
    "noeol 250 last";

/* Looks a name (or, when name is NULL, number) up in `text`. */
static int lookup(const char *text, const char *name, int number,
                  char *out, size_t outlen)
{
    FILE *f = fmemopen((void *)(uintptr_t)text, strlen(text), "r");
    char *line = NULL;
    size_t needed = 0;
    int rc;

    assert_non_null(f);
    rc = rnr_protodb_find(f, name, number, &line);
    fclose(f);
    if (rc != 0)
        return rc;
    rc = rnr_protodb_build(line, out, outlen, &needed);
    rnr_free(line);
    return rc;
}

/* "name number alias,alias" of a protoent, for compact assertions. */
static const char *show(const struct protoent *pe)
{
    static char buf[512];
    size_t len;
    char **a;

    len = (size_t)snprintf(buf, sizeof buf, "%s %d ", pe->p_name, pe->p_proto);
    for (a = pe->p_aliases; *a != NULL && len < sizeof buf; a++)
        len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s",
                                a == pe->p_aliases ? "" : ",", *a);
    return buf;
}

static void expect(const char *name, int number, const char *want)
{
    union { struct protoent pe; char b[2048]; } u;

    if (want == NULL) {
        assert_int_equal(lookup(sample, name, number, u.b, sizeof u.b),
                         WSAHOST_NOT_FOUND);
        return;
    }
    assert_int_equal(lookup(sample, name, number, u.b, sizeof u.b), 0);
    assert_string_equal(show(&u.pe), want);
}

static void test_parse_like_glibc(void **state)
{
    (void)state;
    expect("ip", 0, "ip 0 IP");
    expect("IP", 0, "ip 0 IP");
    expect("icmp", 0, "icmp 1 ICMP");
    expect("tcp", 0, "tcp 6 TCP,Tcp");        /* '#' ends the line */
    expect("Tcp", 0, "tcp 6 TCP,Tcp");
    expect("udp", 0, "udp 17 UDP");           /* \r is white space */
    expect("bad", 0, NULL);                   /* no number */
    expect("bad2", 0, NULL);                  /* not a number */
    expect("bad3", 0, NULL);                  /* junk after the number */
    expect("hidden", 0, NULL);
    expect("neg", 0, NULL);                   /* -3 reads as > 32 bits */
    expect("negzero", 0, "negzero 0 ");
    expect("plus", 0, "plus 4 ");
    expect("huge", 0, NULL);                  /* above 32 bits */
    expect("max", 0, "max -1 ");              /* 32 bits, wraps to int */
    expect("noeol", 0, "noeol 250 last");
    expect("z", 0, "big 300 a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s,t,u,v,w,x,y,z");
    expect("", 0, NULL);
    /* By number: the first line. */
    expect(NULL, 6, "tcp 6 TCP,Tcp");
    expect(NULL, 17, "udp 17 UDP");
    expect(NULL, -3, NULL);
    expect(NULL, -1, "max -1 ");
    expect(NULL, 99, NULL);
}

static void test_case(void **state)
{
    (void)state;
    /* Exact matches win wherever they are (glibc's answer) ... */
    expect("Mixed", 0, "Mixed 200 MiXeD,other");
    expect("mixed", 0, "mixed 201 ");
    expect("MiXeD", 0, "Mixed 200 MiXeD,other");
    /* ... and only without one does case fold (Winsock). */
    expect("MIXED", 0, "Mixed 200 MiXeD,other");
    expect("TCP-AGAIN", 0, "dup 6 tcp-again");
    expect("Udp", 0, "udp 17 UDP");
    expect("OTHER", 0, "Mixed 200 MiXeD,other");
}

static void test_short_buffer(void **state)
{
    union { struct protoent pe; char b[2048]; } u;
    FILE *f = fmemopen((void *)(uintptr_t)sample, strlen(sample), "r");
    char *line = NULL;
    size_t needed = 0, need2 = 0;

    (void)state;
    assert_int_equal(rnr_protodb_find(f, "big", 0, &line), 0);
    fclose(f);
    assert_int_equal(rnr_protodb_build(line, u.b, 10, &needed), WSAEFAULT);
    assert_true(needed > sizeof(struct protoent) + 27 * sizeof(char *));
    assert_int_equal(rnr_protodb_build(line, u.b, needed - 1, &need2), WSAEFAULT);
    assert_int_equal(need2, needed);
    assert_int_equal(rnr_protodb_build(line, u.b, needed, &need2), 0);
    assert_string_equal(u.pe.p_aliases[25], "z");
    assert_null(u.pe.p_aliases[26]);
    rnr_free(line);
    assert_int_equal(rnr_protodb_build("not-an-entry", u.b, sizeof u.b, &needed),
                     WSANO_RECOVERY);
}

static void test_api(void **state)
{
    char path[] = "/tmp/rnr-protoXXXXXX";
    struct protoent *pe, *pe2;
    WSADATA wd;
    int fd;

    (void)state;
    fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, sample, strlen(sample)), (ssize_t)strlen(sample));
    close(fd);
    setenv(RNR_PROTOCOLS_FILE_ENV, path, 1);

    /* Before WSAStartup. */
    WSASetLastError(0);
    assert_null(rnr_getprotobyname("tcp"));
    assert_int_equal(WSAGetLastError(), WSANOTINITIALISED);

    assert_int_equal(WSAStartup(MAKEWORD(2, 2), &wd), 0);
    WSASetLastError(12345);
    pe = rnr_getprotobyname("TCP");
    assert_non_null(pe);
    assert_string_equal(show(pe), "tcp 6 TCP,Tcp");
    assert_int_equal(WSAGetLastError(), 12345);   /* success: untouched */
    pe2 = rnr_getprotobynumber(17);
    assert_non_null(pe2);
    assert_string_equal(show(pe2), "udp 17 UDP");
    /* Separate storage per function. */
    assert_string_equal(show(pe), "tcp 6 TCP,Tcp");
    pe = rnr_getprotobyname("big");
    assert_non_null(pe);
    assert_string_equal(pe->p_aliases[25], "z");

    assert_null(rnr_getprotobyname("nosuch"));
    assert_int_equal(WSAGetLastError(), WSAHOST_NOT_FOUND);
    assert_null(rnr_getprotobynumber(12345));
    assert_int_equal(WSAGetLastError(), WSAHOST_NOT_FOUND);
    assert_null(rnr_getprotobyname(NULL));
    assert_int_equal(WSAGetLastError(), WSAEFAULT);

    /* The override wins over the environment; NULL goes back. */
    if (&rnr_set_protocols_file == NULL) {
        print_message("rnr_set_protocols_file not exported: not tested\n");
        goto out;
    }
    assert_int_equal(rnr_set_protocols_file("/nonexistent/protocols"), 0);
    assert_null(rnr_getprotobyname("tcp"));
    assert_int_equal(WSAGetLastError(), WSANO_RECOVERY);
    assert_int_equal(rnr_set_protocols_file(""), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEINVAL);
    assert_int_equal(rnr_set_protocols_file(NULL), 0);
    assert_non_null(rnr_getprotobyname("tcp"));
out:
    unsetenv(RNR_PROTOCOLS_FILE_ENV);
    WSACleanup();
    unlink(path);
}

/* The system's own database: the same answers as glibc's (skipped when
 * glibc does not read /etc/protocols, e.g. another NSS source). */
static void test_system_file_like_glibc(void **state)
{
    struct protoent *mine, *theirs;
    char want[512];
    WSADATA wd;
    FILE *f;
    char line[512], name[128];
    int checked = 0;

    (void)state;
    f = fopen("/etc/protocols", "r");
    if (f == NULL)
        skip();
    assert_int_equal(WSAStartup(MAKEWORD(2, 2), &wd), 0);
    while (fgets(line, sizeof line, f) != NULL) {
        if (sscanf(line, " %127[^# \t\n]", name) != 1)
            continue;
        theirs = getprotobyname(name);
        if (theirs == NULL)
            continue;
        snprintf(want, sizeof want, "%s", show(theirs));
        mine = rnr_getprotobyname(name);
        assert_non_null(mine);
        assert_string_equal(show(mine), want);
        theirs = getprotobynumber(theirs->p_proto);
        snprintf(want, sizeof want, "%s", show(theirs));
        mine = rnr_getprotobynumber(theirs->p_proto);
        assert_non_null(mine);
        assert_string_equal(show(mine), want);
        checked++;
    }
    fclose(f);
    endprotoent();
    WSACleanup();
    if (checked == 0)
        skip();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_like_glibc),
        cmocka_unit_test(test_case),
        cmocka_unit_test(test_short_buffer),
        cmocka_unit_test(test_api),
        cmocka_unit_test(test_system_file_like_glibc),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
