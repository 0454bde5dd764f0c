#!/bin/sh
# SPDX-License-Identifier: MIT
# libnss_rnr.so.2 under glibc's real getent: a real rnrd from the build
# tree serves test hosts/services files on a private socket; each getent
# runs in a private mount namespace (unshare -m) whose /etc/nsswitch.conf,
# /etc/hosts and /etc/services are bind-mounted test files, and finds the
# built module through LD_LIBRARY_PATH (glibc's NSS dlopen honours it in
# programs that are not set-user-ID).
#
#   1. expected output of getent hosts / ahosts / ahostsv4 / services,
#      unknown keys exit 2;
#   2. differential: every key under "hosts: rnr" gives exactly what
#      "hosts: files" gives over the same file (same for services);
#   3. "hosts: rnr files": rnr answers first, unknown names fall through;
#   4. rnrd stopped (socket gone) and killed (socket left behind): the
#      files source answers, each getent well under 5 s;
#   5. nss_probe: the entry points called directly (short buffers,
#      threads, fork, 6000 lookups without growth, rnrd down), and odd
#      records registered in the test provider (garbage blobs, the other
#      family, CSADDRs only, 1500 aliases ...);
#   6. valgrind, when installed, over nss_probe and getent loops;
#   7. what users register in the directory: services by name and by
#      port, host names by address (reverse); an unprivileged user's
#      entries only for that user.
#
# Needs root for the mount namespace: exits 77 (skip) otherwise.
RNRD=${RNRD:-./daemon/rnrd}
PROBE=${PROBE:-./tests/integration/nss_probe}
RNRCTL=${RNRCTL:-./client/rnrctl/rnrctl}
builddir=$(pwd)
moddir=$builddir/client/nss/.libs
module=$moddir/libnss_rnr.so.2
[ -x "$RNRD" ] && [ -x "$PROBE" ] && [ -e "$module" ] && [ -x ./libtool ] ||
    { echo "run from the build directory after make" >&2; exit 99; }

skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root for a private mount namespace"
for t in unshare mount getent date; do
    command -v $t >/dev/null 2>&1 || skip "no $t"
done
unshare -m true 2>/dev/null || skip "unshare -m not permitted here"
for f in /etc/nsswitch.conf /etc/hosts /etc/services; do
    [ -f $f ] || skip "no $f to bind-mount over"
done
# A sanitizer build's module cannot be loaded into an uninstrumented
# getent (nor run under valgrind): only nss_probe, instrumented too, runs.
sanitized=no
# gcc links the runtimes as libasan.so ...; clang links them into the
# program only, leaving the module with undefined __asan_ / __ubsan_ calls.
if ldd "$module" 2>/dev/null | grep -q 'lib[alt]san\|libubsan' ||
   nm -D "$module" 2>/dev/null | grep -q ' U __[a-z]*san_'; then
    sanitized=yes
    # LeakSanitizer's tracer crashes (SIGSEGV) at exit of a program that
    # dlopened the module here; leaks are valgrind's part in the normal
    # build.  ASan and UBSan still check every access.
    export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
fi

tmp=$(mktemp -d /tmp/nss_getent.XXXXXX) || exit 99
chmod 755 "$tmp"
pid=
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
fails=0
checks=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
ok() { checks=$((checks + 1)); }

# ---------------------------------------------------------------- files
cat >"$tmp/hosts" <<'EOF'
# rnrd's hosts file (and /etc/hosts of the "files" side of the diff)
127.0.0.1   localhost
::1         localhost ip6-localhost
192.0.2.10  alpha.example alpha al
2001:db8::10 alpha.example
192.0.2.11  Beta.Example beta
2001:db8::12 gamma6.example gamma6
192.0.2.13  delta.example
192.0.2.14  multi.example
192.0.2.15  multi.example multi
EOF
cat >"$tmp/services" <<'EOF'
# rnrd's services file
ftp         21/tcp
ssh         22/tcp
domain      53/tcp
domain      53/udp
http        80/tcp   www
rnrtest     4242/tcp rnr-test
EOF
# What the files source knows when rnr falls through: other addresses, so
# the output shows which source answered.
cat >"$tmp/files-hosts" <<'EOF'
198.51.100.10 alpha.example alpha
198.51.100.99 filesonly.example
EOF
cat >"$tmp/files-services" <<'EOF'
ssh         2222/tcp
filesonly   7777/udp
EOF
printf 'hosts: rnr\nservices: rnr\n' >"$tmp/ns-rnr"
printf 'hosts: rnr files\nservices: rnr files\n' >"$tmp/ns-rnr-files"
printf 'hosts: files\nservices: files\n' >"$tmp/ns-files"

cat >"$tmp/rnrd.conf" <<EOF
[daemon]
user = root
socket = $tmp/rnrd.sock
state-dir = $tmp/state
module-dir = $builddir/providers/.libs
class-dir = $tmp/classes.d

[provider hosts]
module = hosts
namespace = NS_TCPIP_HOSTS
hosts-file = $tmp/hosts
services-file = $tmp/services

[provider local]
module = local
namespace = NS_TCPIP_LOCAL
hostname = rnrtest-host

[provider mem]
module = $builddir/tests/integration/.libs/testprov.so
namespace = NS_X500

[provider directory]
module = directory
namespace = NS_NDS
EOF
mkdir -p "$tmp/classes.d"

export RNR_SOCKET="$tmp/rnrd.sock"
export LD_LIBRARY_PATH="$moddir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
# getent's output must not depend on the caller's locale.
export LC_ALL=C

start_rnrd() {
    "$RNRD" --foreground --config "$tmp/rnrd.conf" 2>>"$tmp/rnrd.log" &
    pid=$!
    i=0
    until "$PROBE" "$module" loop 1 >/dev/null 2>&1; do
        i=$((i + 1))
        if [ $i -gt 200 ] || ! kill -0 "$pid" 2>/dev/null; then
            echo "rnrd did not start:" >&2; cat "$tmp/rnrd.log" >&2; exit 99
        fi
        sleep 0.05
    done
}

# in_ns NSSWITCH HOSTS SERVICES CMD...: CMD in a private mount namespace
# with those files as /etc/nsswitch.conf, /etc/hosts, /etc/services.  A
# running nscd would answer instead of the modules: its socket directory
# is hidden.
in_ns() {
    unshare -m sh -c '
        mount --bind "$1" /etc/nsswitch.conf &&
        mount --bind "$2" /etc/hosts &&
        mount --bind "$3" /etc/services || exit 99
        for d in /run/nscd /var/run/nscd; do
            if [ -d "$d" ] && [ ! -L "$d" ]; then
                mount -t tmpfs none "$d" || exit 99
            fi
        done
        shift 3
        exec "$@"' in_ns "$@"
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# run NS HOSTS SERVICES getent-args...: output (trailing blanks dropped,
# getent pads its columns) in $tmp/out, exit status in $rc, time in $ms.
# getent runs as $as_user when set.
as_user=
run() {
    ns=$1 hf=$2 sf=$3
    shift 3
    t0=$(now_ms)
    if [ -n "$as_user" ]; then
        in_ns "$tmp/$ns" "$hf" "$sf" runuser -u "$as_user" -- getent "$@"
    else
        in_ns "$tmp/$ns" "$hf" "$sf" getent "$@"
    fi >"$tmp/raw" 2>"$tmp/err"
    rc=$?
    ms=$(($(now_ms) - t0))
    sed 's/[[:blank:]]*$//' "$tmp/raw" >"$tmp/out"
}

# expect RC EXPECTED-TEXT NS HOSTS SERVICES getent-args...
expect() {
    [ $sanitized = no ] || return 0
    want_rc=$1 want=$2
    shift 2
    run "$@"
    printf '%s' "$want" | sed 's/[[:blank:]]*$//' >"$tmp/want"
    [ -n "$want" ] && echo >>"$tmp/want"
    if [ "$rc" != "$want_rc" ]; then
        fail "getent $4 $5 under $1: exit $rc, want $want_rc ($(cat "$tmp/err"))"
    elif ! cmp -s "$tmp/out" "$tmp/want"; then
        fail "getent $4 $5 under $1: output differs"
        diff "$tmp/want" "$tmp/out" >&2
    else
        ok
    fi
}

H=$tmp/hosts S=$tmp/services FH=$tmp/files-hosts FS=$tmp/files-services

# ---------------------------------------------------------------- symbols
if command -v nm >/dev/null 2>&1; then
    nm -D --defined-only "$module" | awk '{print $3}' | sort >"$tmp/syms"
    cat >"$tmp/want-syms" <<'EOF'
_nss_rnr_gethostbyaddr2_r
_nss_rnr_gethostbyaddr_r
_nss_rnr_gethostbyname2_r
_nss_rnr_gethostbyname3_r
_nss_rnr_gethostbyname4_r
_nss_rnr_gethostbyname_r
_nss_rnr_getservbyname_r
_nss_rnr_getservbyport_r
EOF
    if cmp -s "$tmp/syms" "$tmp/want-syms"; then ok; else
        fail "exported symbols differ"; diff "$tmp/want-syms" "$tmp/syms" >&2
    fi
fi

start_rnrd

# ---------------------------------------------------------------- 1. expected text
# getent hosts asks AF_INET6 first, then AF_INET.
expect 0 "2001:db8::10    alpha.example" ns-rnr "$H" "$S" hosts alpha.example
expect 0 "192.0.2.10      alpha.example alpha al" ns-rnr "$H" "$S" hosts alpha
expect 0 "192.0.2.11      Beta.Example beta" ns-rnr "$H" "$S" hosts BETA.EXAMPLE
expect 0 "192.0.2.14      multi.example multi
192.0.2.15      multi.example multi" ns-rnr "$H" "$S" hosts multi.example
expect 0 "192.0.2.10      STREAM alpha.example
192.0.2.10      DGRAM
192.0.2.10      RAW" ns-rnr "$H" "$S" ahostsv4 alpha.example
expect 0 "2001:db8::12    STREAM gamma6.example
2001:db8::12    DGRAM
2001:db8::12    RAW" ns-rnr "$H" "$S" ahosts gamma6
expect 0 "192.0.2.13      STREAM delta.example
192.0.2.13      DGRAM
192.0.2.13      RAW" ns-rnr "$H" "$S" ahosts delta.example
expect 0 "192.0.2.11      Beta.Example beta" ns-rnr "$H" "$S" hosts 192.0.2.11
expect 0 "2001:db8::12    gamma6.example gamma6" ns-rnr "$H" "$S" hosts 2001:db8::12
expect 0 "ssh                   22/tcp" ns-rnr "$H" "$S" services ssh/tcp
expect 0 "domain                53/udp" ns-rnr "$H" "$S" services 53/udp
expect 0 "http                  80/tcp www" ns-rnr "$H" "$S" services www
expect 0 "rnrtest               4242/tcp rnr-test" ns-rnr "$H" "$S" services rnr-test/tcp
expect 2 "" ns-rnr "$H" "$S" hosts nosuch.example
expect 2 "" ns-rnr "$H" "$S" ahosts nosuch.example
expect 2 "" ns-rnr "$H" "$S" ahostsv4 gamma6.example
expect 2 "" ns-rnr "$H" "$S" hosts 192.0.2.200
expect 2 "" ns-rnr "$H" "$S" services nosuch/tcp
expect 2 "" ns-rnr "$H" "$S" services ssh/udp
expect 2 "" ns-rnr "$H" "$S" services 9999/udp

# ---------------------------------------------------------------- 2. rnr == files
# One namespace per (source, database): getent stops at the first key it
# does not find, so each key gets its own getent.
diff_keys() { # DB KEY...
    [ $sanitized = no ] || return 0
    db=$1
    shift
    for src in files rnr; do
        in_ns "$tmp/ns-$src" "$H" "$S" sh -c '
            db=$1; shift
            for k; do
                echo "== $k"
                getent "$db" "$k"
                echo "exit $?"
            done' diff "$db" "$@" 2>&1 | sed 's/[[:blank:]]*$//' >"$tmp/diff-$src"
    done
    if ! grep -q '^exit 0$' "$tmp/diff-files"; then
        fail "$db: the files side found nothing (is the bind mount working?)"
    elif cmp -s "$tmp/diff-files" "$tmp/diff-rnr"; then
        ok
    else
        fail "$db: rnr differs from files"
        diff "$tmp/diff-files" "$tmp/diff-rnr" >&2
    fi
}
host_keys="localhost ip6-localhost alpha.example alpha al ALPHA.example
    Beta.Example beta gamma6.example gamma6 delta.example multi.example multi
    nosuch.example 127.0.0.1 ::1 192.0.2.10 192.0.2.11 192.0.2.15
    2001:db8::10 2001:db8::12 192.0.2.200 2001:db8::99"
for db in hosts ahosts ahostsv4 ahostsv6; do
    # shellcheck disable=SC2086
    diff_keys $db $host_keys
done
diff_keys services ftp ssh ssh/tcp ssh/udp domain domain/udp domain/tcp \
    53 53/udp 53/tcp www www/tcp http/tcp rnr-test 4242 4242/tcp nosuch \
    9999/tcp

# ---------------------------------------------------------------- 3. rnr files
expect 0 "2001:db8::10    alpha.example" ns-rnr-files "$FH" "$FS" hosts alpha.example
expect 0 "198.51.100.99   filesonly.example" ns-rnr-files "$FH" "$FS" hosts filesonly.example
expect 0 "ssh                   22/tcp" ns-rnr-files "$FH" "$FS" services ssh/tcp
expect 0 "filesonly             7777/udp" ns-rnr-files "$FH" "$FS" services filesonly

# ---------------------------------------------------------------- 7. the directory
reg() { # USER rnrctl-args...: register as USER (root, or a user made here)
    u=$1; shift
    if [ "$u" = root ]; then "$RNRCTL" register "$@" --ns NS_NDS --persistent
    else runuser -u "$u" -- "$RNRCTL" register "$@" --ns NS_NDS --persistent
    fi >"$tmp/reg.out" 2>&1 || { fail "register $* as $u: $(cat "$tmp/reg.out")"; return; }
    ok
}
reg root tcp:4343 myproto
reg root service udpsvc --addr 0.0.0.0:5353 --protocol udp
reg root host web1.example --addr 127.0.0.10:0
reg root host web6.example --addr '[2001:db8::77]:0'
expect 0 "myproto               4343/tcp" ns-rnr "$H" "$S" services myproto/tcp
expect 0 "myproto               4343/tcp" ns-rnr "$H" "$S" services myproto
expect 0 "myproto               4343/tcp" ns-rnr "$H" "$S" services 4343/tcp
expect 0 "udpsvc                5353/udp" ns-rnr "$H" "$S" services udpsvc/udp
expect 2 "" ns-rnr "$H" "$S" services myproto/udp
expect 0 "127.0.0.10      web1.example" ns-rnr "$H" "$S" hosts 127.0.0.10
expect 0 "2001:db8::77    web6.example" ns-rnr "$H" "$S" hosts 2001:db8::77
# A user's own registrations: served to that user, not to the others.
alice=rnrt-alice
id "$alice" >/dev/null 2>&1 || useradd --system --no-create-home \
    --shell /usr/sbin/nologin "$alice" >/dev/null 2>&1
if id "$alice" >/dev/null 2>&1 && runuser -u "$alice" -- test -r "$module" &&
    runuser -u "$alice" -- test -x "$RNRCTL"; then
    reg "$alice" host alice-box.example --addr 127.0.0.11:0
    reg "$alice" tcp:4444 aliceproto
    expect 2 "" ns-rnr "$H" "$S" hosts 127.0.0.11
    expect 2 "" ns-rnr "$H" "$S" services aliceproto/tcp
    as_user=$alice
    expect 0 "127.0.0.11      alice-box.example" ns-rnr "$H" "$S" hosts 127.0.0.11
    expect 0 "aliceproto            4444/tcp" ns-rnr "$H" "$S" services aliceproto/tcp
    as_user=
else
    echo "nss_getent: no unprivileged user who can read the build: trust checks skipped"
fi

# ---------------------------------------------------------------- 5. probe (rnrd up)
if "$PROBE" "$module" up 2>"$tmp/probe.err"; then ok; else
    fail "nss_probe up"; cat "$tmp/probe.err" >&2
fi
if "$PROBE" "$module" odd 2>"$tmp/probe.err"; then ok; else
    fail "nss_probe odd"; cat "$tmp/probe.err" >&2
fi

# ---------------------------------------------------------------- 6. valgrind
if [ $sanitized = no ] && command -v valgrind >/dev/null 2>&1 &&
    [ "${NSS_TEST_VALGRIND:-yes}" != no ]; then
    # getent under valgrind runs glibc's __libc_freeres at exit, which
    # unloads the NSS modules: the module's one connection per process
    # would then count as "definitely lost".  Without freeres it is what
    # it is, reachable until exit.  Leaks per lookup still show.
    vg="valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99 --run-libc-freeres=no"
    # nss_probe links the uninstalled librnr: libtool runs it.
    for mode in "loop 50" odd; do
        # shellcheck disable=SC2086
        if ./libtool --mode=execute $vg "$PROBE" "$module" $mode 2>"$tmp/vg.err"
        then ok; else
            fail "valgrind nss_probe $mode"; cat "$tmp/vg.err" >&2
        fi
    done
    keys=
    i=0
    while [ $i -lt 50 ]; do keys="$keys alpha.example gamma6 Beta.Example"; i=$((i + 1)); done
    for db in hosts ahosts; do
        # shellcheck disable=SC2086
        if in_ns "$tmp/ns-rnr" "$H" "$S" $vg getent $db $keys >/dev/null 2>"$tmp/vg.err"
        then ok; else
            fail "valgrind getent $db (150 keys)"; cat "$tmp/vg.err" >&2
        fi
    done
    # shellcheck disable=SC2086
    if in_ns "$tmp/ns-rnr" "$H" "$S" $vg getent services $(i=0; while [ $i -lt 75 ]; do
            printf ' ssh/tcp 53/udp'; i=$((i + 1)); done) >/dev/null 2>"$tmp/vg.err"
    then ok; else
        fail "valgrind getent services (150 keys)"; cat "$tmp/vg.err" >&2
    fi
fi

# ---------------------------------------------------------------- 4. rnrd gone
# fast FAILS-DESC: the last run must have taken well under 5 s.
fast() {
    [ $sanitized = no ] || return 0
    if [ "$ms" -ge 5000 ]; then fail "$1 took $ms ms with rnrd down"; else ok; fi
}
down_checks() { # how rnrd went away
    expect 0 "198.51.100.10   alpha.example alpha" ns-rnr-files "$FH" "$FS" hosts alpha.example
    fast "hosts (rnrd $1)"
    expect 0 "198.51.100.10   STREAM alpha.example
198.51.100.10   DGRAM
198.51.100.10   RAW" ns-rnr-files "$FH" "$FS" ahosts alpha.example
    fast "ahosts (rnrd $1)"
    expect 0 "ssh                   2222/tcp" ns-rnr-files "$FH" "$FS" services ssh/tcp
    fast "services (rnrd $1)"
    expect 2 "" ns-rnr "$FH" "$FS" hosts alpha.example
    fast "rnr alone (rnrd $1)"
    if "$PROBE" "$module" down 2>"$tmp/probe.err"; then ok; else
        fail "nss_probe down (rnrd $1)"; cat "$tmp/probe.err" >&2
    fi
}

kill "$pid"; wait "$pid"; pid=
down_checks stopped

# SIGKILL leaves the socket file behind: connect() is refused instead.
start_rnrd
kill -9 "$pid"; wait "$pid" 2>/dev/null; pid=
down_checks killed

[ $sanitized = no ] || echo "nss_getent: sanitizer build: getent and valgrind checks skipped"
echo "nss_getent: $checks checks passed, $fails failed"
[ "$fails" -eq 0 ]
