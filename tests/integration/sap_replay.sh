#!/bin/sh
# SPDX-License-Identifier: MIT
# Replay on the broadcast name space (doc/sap-protocol.md "Replay"), with
# real hosts: network namespaces A and B run rnrd with a shared key, M is
# an attacker on the same link (a bridge in a fourth namespace) that
# captures what A signs and sends it again later.  Nothing touches the
# namespace the test runs in.
#   1. A's signed ADVERTISE of "victim", captured; A killed -9; the
#      capture replayed every half second well past the TTL: the service
#      still expires on B at its TTL;
#   2. "withdrawn" advertised, captured, deregistered: the capture
#      replayed does not bring it back, neither to B nor, after B
#      restarted and forgot A's sequence, to the fresh B;
#   3. a new sender's first packet, then an older one: the older one is
#      dropped (its sequence was recorded from the first);
#   4. a packet stamped outside the clock window is dropped even from a
#      new sender with a valid tag; a 1.0 packet is counted as another
#      version.
# Sections 3 and 4 sign with the key itself (M stands for a keyed host
# whose packets arrive late or out of order), to reach the checks behind
# the tag.
#
# Root only (namespaces): exits 77 otherwise.
RNRD=${RNRD:-./daemon/rnrd}
RNRCTL=${RNRCTL:-./client/rnrctl/rnrctl}
builddir=$(pwd)
srcdir=${srcdir:-$(dirname "$0")/../..}
PY=$(command -v /usr/bin/python3 || command -v python3)
SEND="$PY $srcdir/tests/integration/sap_send.py"
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
[ -n "$PY" ] || skip "no python3"
. "$(dirname "$0")/netns_lib.sh"
netns_begin sapR sap_replay
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

CLS='{5D0E6B7A-1C2B-4A3D-9E8F-0A1B2C3D4E5F}'

# ---------------------------------------------------------------- network
netns_setup 10.78.0 A B M
for h in A B M; do
    mkdir -p "$tmp/$h"
done
inM() { ip netns exec sapRM$tag "$@"; }

printf 'replay-test-shared-key\n' >"$tmp/key"
chmod 600 "$tmp/key"
# IPv4 broadcast only: every packet A sends reaches M's socket.
for h in A B; do
    cat >"$tmp/$h/rnrd.conf" <<EOF
[daemon]
user = root
socket = $tmp/$h/rnrd.sock
state-dir = $tmp/$h/state
module-dir = $moddir
log-level = info
[provider sap]
module = sap
interfaces = eth0
interval = 1
ipv6 = off
reply-window-ms = 300
key-file = $tmp/key
EOF
done
ctl() { h=$1; shift; ip netns exec sapR$h$tag "$RNRCTL" --socket "$tmp/$h/rnrd.sock" "$@"; }
start() {
    ip netns exec sapR$1$tag ${SAP_WRAPPER:-} "$RNRD" --foreground --config "$tmp/$1/rnrd.conf" \
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
stop() {
    eval "p=\$pid$1"
    kill "$p" 2>/dev/null
    wait "$p" 2>/dev/null
    [ $? -ne 99 ] || fail "rnrd on $1: the checker found errors (log $tmp/$1/log)"
}
names() {
    h=$1 name=$2
    shift 2
    ctl "$h" lookup "$CLS" "$name" --ns NS_SAP "$@" 2>/dev/null | sed -n 's/^result [0-9]*: //p'
}
sees() { names "$1" "$2" | grep -qx "$2"; }
until_found() {
    n=0
    while ! sees "$1" "$2"; do n=$((n + 1)); [ $n -gt 50 ] && return 1; sleep 0.2; done
}
until_gone() {
    n=0
    while sees "$1" "$2"; do n=$((n + 1)); [ $n -gt 50 ] && return 1; sleep 0.2; done
}
reg() { ctl A register "$CLS" "$1" --ns NS_SAP --addr 10.78.0.1:5000 --persistent >/dev/null; }
# The last "dropped so far" line of a host's log (logged at most once a second).
drops() { sleep 1.2; grep 'dropped so far' "$tmp/$1/log" | tail -1; }

start A
start B

# ----------------------------------- 1. a dead peer's capture, replayed
reg victim || fail "1: register victim"
until_found B victim || fail "1: B does not see victim"
inM $SEND capture victim 5 "$tmp/victim.pkt" || fail "1: M captured no ADVERTISE of victim"
kill -9 "$pidA"; wait "$pidA" 2>/dev/null
t0=$(date +%s)
# Every half second for 30 s (ten TTLs), stopped once the checks are
# done: B must drop victim at its TTL while the replay still runs.
inM $SEND replay "$tmp/victim.pkt" 10.78.0.255 60 0.5 &
rpid=$!
pids="$pids $rpid"
until_gone B victim || fail "1: victim kept alive on B by the replayed ADVERTISE"
t1=$(date +%s)
echo "   victim gone from B $((t1 - t0)) s after A died (TTL 3 s), while replayed"
sleep 2
sees B victim && fail "1: victim came back on B during the replay"
kill -0 $rpid 2>/dev/null || fail "1: the replay ended before the checks (too slow a host?)"
kill $rpid 2>/dev/null
wait $rpid 2>/dev/null

# ------------------------------- 2. a withdrawn service, replayed
start A
reg withdrawn || fail "2: register withdrawn"
until_found B withdrawn || fail "2: B does not see withdrawn"
inM $SEND capture withdrawn 5 "$tmp/withdrawn.pkt" || fail "2: M captured no ADVERTISE"
ctl A deregister "$CLS" withdrawn --ns NS_SAP >/dev/null || fail "2: deregister"
until_gone B withdrawn || fail "2: withdrawn still on B after deregistration"
inM $SEND replay "$tmp/withdrawn.pkt" 10.78.0.255 4 0.3
sees B withdrawn && fail "2: the replayed ADVERTISE brought withdrawn back on B"
drops B | grep -q 'stale [1-9]' || fail "2: B did not count the replay as stale: $(drops B)"
# B restarts: it no longer remembers A's sequence.  The capture is a few
# seconds old, well inside the clock window: what refuses it is that it
# was stamped before B started.
stop B
start B
inM $SEND replay "$tmp/withdrawn.pkt" 10.78.0.255 4 0.3
sleep 0.5
sees B withdrawn && fail "2: after B restarted, the replayed ADVERTISE brought withdrawn back"
drops B | grep -q 'late [1-9]' || fail "2: the restarted B did not count the replay as late: $(drops B)"
# And A's live service still reaches the restarted B.
reg alive || fail "2: register alive"
until_found B alive || fail "2: the restarted B does not see A's new registration"

# ------------------------ 3. a new sender's first packet, then an older one
S=$(od -An -N4 -tu4 /dev/urandom | tr -d " ")
inM $SEND advertise 10.78.0.255 "$CLS" newest 0 10.78.0.3:1 sender=$S seq=10 key="$tmp/key" ||
    fail "3: send"
until_found B newest || fail "3: B does not take a new sender's first packet"
inM $SEND advertise 10.78.0.255 "$CLS" older 0 10.78.0.3:2 sender=$S seq=5 key="$tmp/key"
inM $SEND advertise 10.78.0.255 "$CLS" same 0 10.78.0.3:3 sender=$S seq=10 key="$tmp/key"
sleep 0.5
sees B older && fail "3: B took sequence 5 after sequence 10 from the same sender"
sees B same && fail "3: B took sequence 10 twice from the same sender"
inM $SEND advertise 10.78.0.255 "$CLS" later 0 10.78.0.3:4 sender=$S seq=11 key="$tmp/key"
until_found B later || fail "3: B refused the sender's next sequence"

# ------------------------------------- 4. the clock window, other versions
inM $SEND advertise 10.78.0.255 "$CLS" ancient 0 10.78.0.3:5 age=3600000 key="$tmp/key"
inM $SEND advertise 10.78.0.255 "$CLS" future 0 10.78.0.3:6 age=-3600000 key="$tmp/key"
inM $SEND advertise 10.78.0.255 "$CLS" current 0 10.78.0.3:7 key="$tmp/key"
until_found B current || fail "4: a fresh signed packet from a new sender was refused"
sees B ancient && fail "4: B took a packet stamped an hour ago"
sees B future && fail "4: B took a packet stamped an hour ahead"
printf 'RnRS\020\001\000\000\001\002\003\004\005\006\007\010\000\000\000\001\000\000\013\270\000\000\000\000' \
    >"$tmp/v1.pkt"
inM $SEND replay "$tmp/v1.pkt" 10.78.0.2 1 0
drops B | grep -q 'version [1-9]' || fail "4: a 1.0 packet not counted as another version: $(drops B)"

for h in A B; do
    stop $h
    grep -q 'AddressSanitizer\|runtime error' "$tmp/$h/log" && fail "sanitizer report on $h"
done
[ $fails -eq 0 ] || { for h in A B; do echo "--- log $h"; tail -20 "$tmp/$h/log"; done; exit 1; }
echo "sap_replay: all passed"
exit 0
