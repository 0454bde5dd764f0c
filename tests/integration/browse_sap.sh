#!/bin/sh
# SPDX-License-Identifier: MIT
# rnrctl browse on the broadcast name space, between hosts: A and B are
# network namespaces on a bridge (in a third), each with an rnrd.  A
# browse runs on B while
#   1. A registers a service: it appears on B (+);
#   2. A registers it again with another address: B shows the change, and
#      A's re-advertisements every second show nothing more;
#   3. A deregisters it: B sees the withdrawal (-);
#   4. B registers one of its own: its browse shows it, and its
#      deregistration;
#   5. A registers another and dies without withdrawing it: B shows it
#      expiring (-) after the TTL (three intervals).
#
# Root only (namespaces): exits 77 otherwise.
RNRD=${RNRD:-./daemon/rnrd}
RNRCTL=${RNRCTL:-./client/rnrctl/rnrctl}
builddir=$(pwd)
moddir=$builddir/providers/.libs
[ -x "$RNRD" ] && [ -x "$RNRCTL" ] && [ -e "$moddir/sap.so" ] ||
    { echo "run from the build directory after make" >&2; exit 99; }
if [ -x client/rnrctl/.libs/rnrctl ]; then
    RNRCTL=$builddir/client/rnrctl/.libs/rnrctl
    LD_LIBRARY_PATH=$builddir/client/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
    export LD_LIBRARY_PATH
fi

skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root for network namespaces"
command -v ip >/dev/null 2>&1 || skip "no ip (iproute2)"
. "$(dirname "$0")/netns_lib.sh"
netns_begin brs browse_sap
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

netns_setup 10.78.0 A B
for h in A B; do
    mkdir -p "$tmp/$h"
    {
        echo "[daemon]"
        echo "user = root"
        echo "socket = $tmp/$h/rnrd.sock"
        echo "state-dir = $tmp/$h/state"
        echo "module-dir = $moddir"
        echo "log-level = info"
        echo "[provider sap]"
        echo "module = sap"
        echo "interfaces = eth0"
        echo "interval = 1"
        echo "ipv6 = off"
        echo "reply-window-ms = 300"
    } >"$tmp/$h/rnrd.conf"
done

ctl() {
    h=$1
    shift
    ip netns exec brs$h$tag "$RNRCTL" --socket "$tmp/$h/rnrd.sock" "$@"
}
start() {
    ip netns exec brs$1$tag "$RNRD" --foreground --config "$tmp/$1/rnrd.conf" \
        2>>"$tmp/$1/log" &
    eval "pid$1=$!"
    pids="$pids $!"
    n=0
    until ctl "$1" providers >/dev/null 2>&1; do
        n=$((n + 1))
        [ $n -gt 300 ] && { echo "rnrd on $1 did not start:"; cat "$tmp/$1/log"; exit 99; }
        sleep 0.1
    done
}
seen() {
    n=0
    until grep -q -- "$1" "$tmp/b.out"; do
        n=$((n + 1)); [ $n -gt ${2:-50} ] && return 1
        sleep 0.1
    done
}
reg() {
    h=$1
    shift
    ctl "$h" register tcp:7000 "$@" --ns NS_SAP --persistent >/dev/null 2>"$tmp/reg.err" ||
        fail "register on $h $*: $(cat "$tmp/reg.err")"
}

start A
start B
# exec: $! is rnrctl itself, which gets the SIGINT.
sh -c "exec ip netns exec brsB$tag '$RNRCTL' --socket '$tmp/B/rnrd.sock' \
    browse tcp:7000 --ns NS_SAP" >"$tmp/b.out" 2>"$tmp/b.err" &
bpid=$!
pids="$pids $bpid"
n=0
until ctl B stats --kv 2>/dev/null | grep -q '^daemon.subscriptions=1'; do
    n=$((n + 1)); [ $n -gt 100 ] && { fail "the browse on B did not subscribe"; break; }
    sleep 0.1
done
# The listing that follows the subscription waits reply-window-ms for
# answers; a change during it may show twice (documented): let it end.
sleep 1

# ------------------------------------------------ 1-3. A's service
reg A printer --addr 10.78.0.1:7000
seen '^+ printer - tcp:10.78.0.1:7000' || fail "1: A's printer did not appear on B"
reg A printer --addr 10.78.0.1:7001
seen '^+ printer - tcp:10.78.0.1:7001' || fail "2: A's printer's new address did not show"
sleep 2.5     # two more advertisements of the same
[ "$(grep -c '^+ printer - tcp:10.78.0.1:7001' "$tmp/b.out")" -eq 1 ] ||
    fail "2: re-advertisements showed as changes: $(grep -c '^+ printer' "$tmp/b.out") additions"
ctl A deregister tcp:7000 printer --ns NS_SAP >/dev/null || fail "3: deregister on A"
seen '^- printer - ' || fail "3: the withdrawal did not show on B"

# ------------------------------------------------ 4. B's own
reg B scanner --addr 10.78.0.2:7000
seen '^+ scanner - tcp:10.78.0.2:7000' || fail "4: B's own registration did not show"
ctl B deregister tcp:7000 scanner --ns NS_SAP >/dev/null || fail "4: deregister on B"
seen '^- scanner ' || fail "4: B's own deregistration did not show"

# ------------------------------------------------ 5. expiry
reg A plotter --addr 10.78.0.1:7002
seen '^+ plotter - tcp:10.78.0.1:7002' || fail "5: A's plotter did not appear"
kill -9 "$pidA"
wait "$pidA" 2>/dev/null
# TTL three seconds, swept every second or so.
seen '^- plotter ' 80 || fail "5: A's plotter did not expire on B"

kill -INT "$bpid"
wait "$bpid"
st=$?
[ $st -eq 0 ] || fail "the browse exited $st after SIGINT"
kill "$pidB"
wait "$pidB" 2>/dev/null
[ $? -ne 99 ] || fail "rnrd on B: the checker found errors"
grep -q 'AddressSanitizer\|runtime error' "$tmp/B/log" && fail "sanitizer report on B"
[ $fails -eq 0 ] || { echo "--- browse on B"; cat "$tmp/b.out" "$tmp/b.err"
                      echo "--- log B"; tail -20 "$tmp/B/log"; exit 1; }
echo "browse_sap: all passed"
exit 0
