# SPDX-License-Identifier: MIT
# Sourced by the shell tests that drive a real rnrd from the build
# directory (ops_cli.sh, rnrctl_output.sh, example_winsock.sh,
# man_example.sh): the programs, a private
# temporary directory removed on exit, counted checks, and starting and
# stopping rnrd on $tmp/rnrd.conf (its stderr in $tmp/rnrd.log).
# Set test_name before sourcing.  Everything lives in the temporary
# directory; only AF_UNIX sockets.
RNRD=${RNRD:-./daemon/rnrd}
RNRCTL=${RNRCTL:-./client/rnrctl/rnrctl}
# The program behind libtool's wrapper script: these tests run rnrctl a
# hundred times, and the wrapper costs a shell each time.
if [ "$RNRCTL" = ./client/rnrctl/rnrctl ] && [ -x ./client/rnrctl/.libs/rnrctl ]; then
    RNRCTL=$(pwd)/client/rnrctl/.libs/rnrctl
    LD_LIBRARY_PATH=$(pwd)/client/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
    export LD_LIBRARY_PATH
fi
moddir=$(pwd)/providers/.libs
testprov=$(pwd)/tests/integration/.libs/testprov.so
[ -x "$RNRD" ] && [ -x "$RNRCTL" ] && [ -f "$testprov" ] ||
    { echo "run from the build directory after make check's build" >&2; exit 99; }
command -v python3 >/dev/null || { echo "SKIP: python3 missing (JSON checks)"; exit 77; }

tmp=$(mktemp -d "/tmp/$test_name.XXXXXX") || exit 99
chmod 755 "$tmp"
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
fails=0
checks=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
ok() { checks=$((checks + 1)); }
# expect CODE DESCRIPTION -- COMMAND...: the exit status; output in
# $tmp/out and $tmp/err.
expect() {
    want=$1; what=$2; shift 3
    "$@" >"$tmp/out" 2>"$tmp/err"; got=$?
    [ "$got" -eq "$want" ] && ok || fail "$what: exit $got, want $want: $(cat "$tmp/err")"
}
start() {
    "$RNRD" --foreground --config "$tmp/rnrd.conf" 2>>"$tmp/rnrd.log" &
    pid=$!
    i=0
    until "$RNRCTL" status >/dev/null 2>&1; do
        i=$((i + 1))
        if [ $i -gt 200 ] || ! kill -0 "$pid" 2>/dev/null; then
            fail "rnrd did not start"; cat "$tmp/rnrd.log" >&2; exit 1
        fi
        sleep 0.05
    done
}
stop() {
    kill -TERM "$pid"; wait "$pid"; rc=$?; pid=
    [ $rc -eq 0 ] && ok || fail "rnrd exit status $rc on SIGTERM"
}
