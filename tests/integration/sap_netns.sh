#!/bin/sh
# SPDX-License-Identifier: MIT
# The sap provider across real hosts: three network namespaces (A, B, C)
# joined by veth pairs to a bridge that lives in a fourth, an rnrd in each
# with its own socket, state directory and configuration.  Nothing touches
# the namespace the test runs in.
#
# Sections 1-3 run over IPv6 only, 4-7 over IPv4 broadcast and IPv6,
# 8-10 over IPv4 multicast only.
#   1. a service file on A (long interval: advertised once, before B and C
#      run) is found from B and C through a query and its responses;
#   2. registered on A: found from B and C at once (the advertisement on
#      registration); seen locally on A; deregistered: gone from both;
#   3. a registration ends with the connection that made it (sap_hold,
#      and a plain `rnrctl register`); --persistent survives rnrctl;
#   4. wildcards enumerate; LUP_NEAREST puts the nearer (fewer hops) first;
#   5. C's rnrd killed -9: its service outlives it on B until the TTL
#      (3 intervals), then expires;
#   6. garbage datagrams of every kind are counted and harmless; a query
#      too small for any entry gets nothing, a padded one at most its own
#      size, 200 queries in a burst at most the rate limit;
#   7. 100,000 forged advertisements: B stays responsive, its table stops
#      at its bound, known services still found;
#   8. keys: A and B share one, C has another: C neither sees nor is seen;
#   9. 30% loss (tc netem, when the kernel has it): still found.
#
# Root only (namespaces): exits 77 otherwise.
RNRD=${RNRD:-./daemon/rnrd}
RNRCTL=${RNRCTL:-./client/rnrctl/rnrctl}
HOLD=${HOLD:-./tests/integration/sap_hold}
builddir=$(pwd)
srcdir=${srcdir:-$(dirname "$0")/../..}
# The system's python3 first: a version manager's shim costs seconds a run.
PY=$(command -v /usr/bin/python3 || command -v python3)
SEND="$PY $srcdir/tests/integration/sap_send.py"
moddir=$builddir/providers/.libs
[ -x "$RNRD" ] && [ -x "$RNRCTL" ] && [ -x "$HOLD" ] && [ -e "$moddir/sap.so" ] ||
    { echo "run from the build directory after make" >&2; exit 99; }

# The programs themselves rather than libtool's wrapper scripts, which
# cost half a second a run on a busy machine (and there are ~100 runs).
if [ -x client/rnrctl/.libs/rnrctl ] && [ -x tests/integration/.libs/sap_hold ]; then
    RNRCTL=$builddir/client/rnrctl/.libs/rnrctl
    HOLD=$builddir/tests/integration/.libs/sap_hold
    LD_LIBRARY_PATH=$builddir/client/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
    export LD_LIBRARY_PATH
fi

skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root for network namespaces"
command -v ip >/dev/null 2>&1 || skip "no ip (iproute2)"
[ -n "$PY" ] || skip "no python3"
. "$(dirname "$0")/netns_lib.sh"
netns_begin sap sap_netns
fails=0
t_sec=$(date +%s%N)
section_done() {
    t=$(date +%s%N)
    echo "$1: done ($(( (t - t_sec) / 1000000 )) ms)"
    t_sec=$t
}
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

CLS='{5D0E6B7A-1C2B-4A3D-9E8F-0A1B2C3D4E5F}'
FCLS='{0B1C2D3E-4F50-6172-8394-A5B6C7D8E9F0}'

# ---------------------------------------------------------------- network
netns_setup --ipv6 10.77.0 A B C
for h in A B C; do
    mkdir -p "$tmp/$h/services"
done
ipof() { case $1 in A) echo 10.77.0.1;; B) echo 10.77.0.2;; C) echo 10.77.0.3;; esac; }

# ---------------------------------------------------------------- daemons
# conf HOST INTERVAL [KEYFILE] [EXTRA]
conf() {
    {
        echo "[daemon]"
        echo "user = root"
        echo "socket = $tmp/$1/rnrd.sock"
        echo "state-dir = $tmp/$1/state"
        echo "module-dir = $moddir"
        echo "log-level = info"
        echo "[provider sap]"
        echo "module = sap"
        echo "interfaces = eth0"
        echo "interval = $2"
        echo "reply-window-ms = 300"
        echo "max-entries = 2000"
        echo "services-dir = $tmp/$1/services"
        [ -n "${3:-}" ] && echo "key-file = $3"
        [ -n "${4:-}" ] && echo "$4"
    } >"$tmp/$1/rnrd.conf"
}
ctl() { h=$1; shift; ip netns exec sap$h$tag "$RNRCTL" --socket "$tmp/$h/rnrd.sock" "$@"; }
start() {
    # SAP_WRAPPER="valgrind --error-exitcode=99 --leak-check=full" runs
    # each rnrd under a checker; exit status 99 fails the test.
    ip netns exec sap$1$tag ${SAP_WRAPPER:-} "$RNRD" --foreground --config "$tmp/$1/rnrd.conf" \
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

# names HOST NAME [flags]: the instance names found, in order
names() {
    h=$1 name=$2
    shift 2
    ctl "$h" lookup "$CLS" "$name" --ns NS_SAP "$@" 2>/dev/null | sed -n 's/^result [0-9]*: //p'
}
# until_found HOST NAME [flags] / until_gone HOST NAME: polls up to 10 s
until_found() {
    n=0
    while ! names "$@" | grep -qx "$2"; do
        n=$((n + 1)); [ $n -gt 50 ] && return 1; sleep 0.2
    done
}
until_gone() {
    n=0
    while names "$@" | grep -qx "$2"; do
        n=$((n + 1)); [ $n -gt 50 ] && return 1; sleep 0.2
    done
}
reg() { h=$1 name=$2; shift 2; ctl "$h" register "$CLS" "$name" --ns NS_SAP \
        --addr "$(ipof "$h"):5000" --persistent "$@" >/dev/null; }

cat >"$tmp/A/services/file.service" <<EOF2
# advertised from start-up
class = $FCLS
name = from-file
comment = a file service
address = 10.77.0.1:631/tcp
EOF2
printf 'class = {not-a-guid}\nname = broken\n' >"$tmp/A/services/bad.service"
# Sections 1-3 over IPv6 alone, 4-7 over both (IPv4 broadcast), 8-10
# over IPv4 multicast alone.
conf A 60 "" "ipv4 = off"
conf B 1 "" "ipv4 = off"
conf C 1 "" "ipv4 = off"
start A
start B
start C

# ---------------------------------------------------- 1. query and response
for h in B C; do
    out=$(ctl $h lookup "$FCLS" from-file --ns NS_SAP 2>&1)
    echo "$out" | grep -q '^result 1: from-file$' || fail "1: $h did not find from-file: $out"
    echo "$out" | grep -q '10.77.0.1:631' || fail "1: $h: from-file without its address"
done
out=$(ctl B lookup "$FCLS" from-file --ns NS_SAP --flags flushcache 2>&1)
echo "$out" | grep -q '^result 1: from-file$' || fail "1: flushcache on B: $out"
grep -q 'bad.service: line 1: class' "$tmp/A/log" || fail "1: bad.service not reported"
ctl A providers | grep -q 'SAP-like' || fail "1: WSAEnumNameSpaceProviders does not list sap"
# A file added, then SIGHUP: advertised at once; the old one stays.
cat >"$tmp/A/services/second.service" <<EOF2
class = $FCLS
name = second-file
address = [2001:db8::5]:631/udp
EOF2
kill -HUP "$pidA"
n=0
while ! ctl B lookup "$FCLS" second-file --ns NS_SAP 2>/dev/null | grep -q 'udp \[2001:db8::5\]:631'; do
    n=$((n + 1)); [ $n -gt 50 ] && { fail "1: second-file after SIGHUP"; break; }; sleep 0.2
done
ctl B lookup "$FCLS" from-file --ns NS_SAP | grep -q '^result 1: from-file$' ||
    fail "1: from-file lost on reload"
section_done "1. services-dir, query and response"

# ------------------------------------------ 2. register, find, deregister
t0=$(date +%s%N)
reg A printer1 --comment "floor 2" || fail "2: register on A"
until_found B printer1 || fail "2: B does not see printer1"
t1=$(date +%s%N)
until_found C printer1 || fail "2: C does not see printer1"
echo "   registration to visibility on B: $(( (t1 - t0) / 1000000 )) ms (rnrctl polls every 200 ms)"
names A printer1 | grep -qx printer1 || fail "2: A does not see its own printer1"
ctl B lookup "$CLS" printer1 --ns NS_SAP | grep -q 'floor 2' || fail "2: comment lost"
ctl A deregister "$CLS" printer1 --ns NS_SAP >/dev/null || fail "2: deregister"
for h in B C; do
    names $h printer1 | grep -qx printer1 && fail "2: $h still sees printer1 after deregistration"
done
# SERVICE_MULTIPLE: two addresses, then one deleted.
ctl A register "$CLS" multi --ns NS_SAP --persistent --multiple \
    --addr 10.77.0.1:1001 --addr 10.77.0.1:1002 >/dev/null || fail "2: register multi"
until_found B multi || fail "2: multi"
ctl A delete "$CLS" multi --ns NS_SAP --multiple --addr 10.77.0.1:1001 >/dev/null ||
    fail "2: delete one address of multi"
out=$(ctl B lookup "$CLS" multi --ns NS_SAP)
echo "$out" | grep -q '10.77.0.1:1002' && ! echo "$out" | grep -q '10.77.0.1:1001' ||
    fail "2: after deleting one address B sees: $out"
section_done "2. register / deregister across hosts"

# --------------------------------------------- 3. registration lifetimes
mkfifo "$tmp/holdin"
ip netns exec sapA$tag env RNR_SOCKET="$tmp/A/rnrd.sock" "$HOLD" "$CLS" held1 10.77.0.1:80 \
    <"$tmp/holdin" >"$tmp/holdout" 2>&1 &
holdpid=$!
pids="$pids $holdpid"
exec 7>"$tmp/holdin"
n=0
until grep -q registered "$tmp/holdout"; do
    n=$((n + 1)); [ $n -gt 50 ] && { fail "3: sap_hold: $(cat "$tmp/holdout")"; break; }
    sleep 0.1
done
until_found B held1 || fail "3: B does not see held1"
exec 7>&-
wait $holdpid
names B held1 | grep -qx held1 && fail "3: held1 outlived its client on B"
# A plain register lives as long as rnrctl: it says so and exits 6.
ctl A register "$CLS" fleeting --ns NS_SAP --addr 10.77.0.1:81 >/dev/null 2>"$tmp/warn"
[ $? -eq 6 ] && grep -q -- "--persistent" "$tmp/warn" || fail "3: plain register did not warn"
names B fleeting --flags flushcache | grep -qx fleeting && fail "3: fleeting outlived rnrctl"
names A fleeting | grep -qx fleeting && fail "3: fleeting outlived rnrctl on A"
reg A lasting || fail "3: register --persistent"
until_found B lasting || fail "3: a persistent registration did not survive rnrctl"
# Only the owner or root may take a registration away (setpriv, when
# there is one and nobody can reach the build).
if command -v setpriv >/dev/null 2>&1 && chmod 755 "$tmp" "$tmp/A" &&
   setpriv --reuid=nobody --regid=nogroup --clear-groups "$RNRCTL" --help >/dev/null 2>&1; then
    asnobody() { ip netns exec sapA$tag setpriv --reuid=nobody --regid=nogroup --clear-groups \
                 "$RNRCTL" --socket "$tmp/A/rnrd.sock" "$@" >/dev/null 2>&1; }
    asnobody deregister "$CLS" lasting --ns NS_SAP
    [ $? -eq 4 ] || fail "3: nobody deregistered root's registration"
    names A lasting | grep -qx lasting || fail "3: lasting gone after a refused deregister"
    asnobody register "$CLS" nobodys --ns NS_SAP --addr 10.77.0.1:7 --persistent ||
        fail "3: nobody cannot register"
    asnobody deregister "$CLS" nobodys --ns NS_SAP || fail "3: nobody cannot deregister its own"
else
    echo "   (ownership checks skipped: no setpriv, or the build is not readable by nobody)"
fi
section_done "3. registrations end with their client unless persistent"

# ---------------------------------------------------- 4. wildcards, nearest
for h in A B C; do stop $h; conf $h 1; start $h; done
reg A lasting
until_found B lasting || fail "4: lasting over IPv4 and IPv6"
reg A print-a; reg A print-b; reg A scan-c
until_found B scan-c || fail "4: scan-c"
got=$(names B 'print-*' | sort | tr '\n' ' ')
[ "$got" = "print-a print-b " ] || fail "4: print-* gave '$got'"
got=$(names B '*' | wc -l)
[ "$got" -ge 4 ] || fail "4: * gave $got names"
# "near" forged 3 hops away by C's address first, then A's own, 0 hops.
ip netns exec sapC$tag $SEND advertise 10.77.0.255 "$CLS" near 3 10.77.0.3:9 || fail "4: send"
until_found B near || fail "4: forged near"
reg A near
n=0
while [ "$(names B near | wc -l)" -lt 2 ]; do
    n=$((n + 1)); [ $n -gt 50 ] && { fail "4: two nears"; break; }; sleep 0.2
done
first() { sed -n '/^result 1:/,/^result 2:/p' | grep addresses; }
ctl B lookup "$CLS" near --ns NS_SAP | first | grep -q '10.77.0.3:9' ||
    fail "4: without LUP_NEAREST the order is not the table's (setup broken)"
ctl B lookup "$CLS" near --ns NS_SAP --flags nearest | first | grep -q '10.77.0.1:5000' || fail "4: LUP_NEAREST did not put the 0-hop service first"
section_done "4. wildcards and LUP_NEAREST"

# ------------------------------------------------------------ 5. kill -9
reg C doomed
until_found B doomed || fail "5: B does not see doomed"
kill -9 "$pidC"; wait "$pidC" 2>/dev/null
names B doomed | grep -qx doomed || fail "5: doomed vanished before its TTL"
t0=$(date +%s%N)
until_gone B doomed || fail "5: doomed never expired"
t1=$(date +%s%N)
echo "   expired $(( (t1 - t0) / 1000000 )) ms after kill -9 (TTL 3 s)"
start C
section_done "5. expiry after kill -9"

# ------------------------------------------------ 6. garbage, amplification
ip netns exec sapC$tag $SEND garbage 10.77.0.2 600 || fail "6: send garbage"
sleep 1.2
grep 'dropped so far' "$tmp/B/log" | tail -1 | grep -q 'malformed [1-9]' ||
    fail "6: malformed packets not counted: $(grep 'dropped so far' "$tmp/B/log" | tail -1)"
names B lasting | grep -qx lasting || fail "6: B lost its table to garbage"
kill -0 "$pidB" || fail "6: B died"
out=$(ip netns exec sapC$tag $SEND query 10.77.0.1 "$CLS" 60 1)
case "$out" in *"received 0 "*) ;; *) fail "6: a 60-byte query got: $out";; esac
out=$(ip netns exec sapC$tag $SEND query 10.77.0.1 "$CLS" 200 1)
set -- $out
# five services match, three fit: one response, truncated, within 200 bytes
[ "$4" = 1 ] && [ "$6" -le 200 ] && [ "$8" = 1 ] || fail "6: a 200-byte query got: $out"
out=$(ip netns exec sapC$tag $SEND query 10.77.0.1 "$CLS" 1400 200)
set -- $out
[ "$4" -ge 1 ] && [ "$4" -le 60 ] && [ "$6" -le 1400 ] || fail "6: 200 queries got: $out"
echo "   200 padded queries: $out"
section_done "6. malformed packets and amplification"

# ------------------------------------------------------------ 7. flood
# bench/sap_bench's sendmmsg sender when built (check_PROGRAMS), else python.
FLOODCLS='{77000000-0000-0000-0000-000000000000}'
t0=$(date +%s%N)
if [ -x "$builddir/bench/.libs/sap_bench" ]; then
    ip netns exec sapC$tag "$builddir/bench/.libs/sap_bench" flood 10.77.0.2 100000 >/dev/null
else
    ip netns exec sapC$tag $SEND flood 10.77.0.2 100000 "$FLOODCLS"
fi || fail "7: flood"
t1=$(date +%s%N)
echo "   100000 forged advertisements sent in $(( (t1 - t0) / 1000000 )) ms"
names B lasting | grep -qx lasting || fail "7: B lost lasting"
sleep 1.2
grep 'dropped so far' "$tmp/B/log" | tail -1 | grep -q 'table-full [1-9]' ||
    fail "7: table bound not reached: $(grep 'dropped so far' "$tmp/B/log" | tail -1)"
got=$(ctl B lookup "$FLOODCLS" 'f*' --ns NS_SAP 2>/dev/null | grep -c '^result ')
[ "$got" -le 2000 ] && [ "$got" -ge 1000 ] || fail "7: $got flood entries (bound 2000)"
echo "   B's table holds $got forged entries (bound 2000)"
section_done "7. flood"

# ------------------------------------------------------------ 8. keys
printf 'shared-secret-of-the-lan\n' >"$tmp/k1"
printf 'another-secret-entirely\n' >"$tmp/k2"
chmod 600 "$tmp/k1" "$tmp/k2"
for h in A B C; do stop $h; done
v4mc="ipv4 = multicast
ipv6 = off"
conf A 1 "$tmp/k1" "$v4mc"; conf B 1 "$tmp/k1" "$v4mc"; conf C 1 "$tmp/k2" "$v4mc"
start A; start B; start C
reg A secret
until_found B secret --flags flushcache || fail "8: B with the key does not see A"
names C secret --flags flushcache | grep -qx secret && fail "8: C with the wrong key sees A"
reg C intruder
sleep 1.2
for h in A B; do
    names $h intruder --flags flushcache | grep -qx intruder && fail "8: $h sees C"
done
grep 'dropped so far' "$tmp/A/log" | tail -1 | grep -q 'auth [1-9]' ||
    fail "8: A did not count C's packets as auth failures"
section_done "8. authentication"

# ------------------------------------------------------------ 9. loss
# 30% of every host's incoming packets lost: tc netem when the kernel has
# it, else an nftables rule dropping 3 in 10 of the protocol's datagrams.
lossy=""
if ip netns exec sapA$tag tc qdisc add dev eth0 root netem loss 30% 2>/dev/null; then
    for h in B C; do ip netns exec sap$h$tag tc qdisc add dev eth0 root netem loss 30%; done
    lossy="tc netem"
elif command -v nft >/dev/null 2>&1 &&
     ip netns exec sapA$tag nft add table inet saploss 2>/dev/null; then
    for h in A B C; do
        ip netns exec sap$h$tag nft add table inet saploss
        ip netns exec sap$h$tag nft 'add chain inet saploss in { type filter hook input priority 0; }'
        ip netns exec sap$h$tag nft add rule inet saploss in udp dport 7571 numgen random mod 10 '<' 3 drop
    done
    lossy="nftables"
fi
if [ -n "$lossy" ]; then
    reg A lossy
    until_found B lossy || fail "9: lossy not found on B with 30% loss"
    reg B lossy-b
    until_found A lossy-b --flags flushcache || fail "9: lossy-b not found on A through queries"
    section_done "9. 30% loss ($lossy)"
else
    echo "9. SKIPPED: neither tc netem nor nftables here (30% loss not tested)"
fi

# ------------------------------------------------------------ 10. NSS
# A host name registered on NS_SAP by A resolves on B through rnrctl's
# NS_ALL lookup and through glibc's getent with the NSS module.
ctl A register host sapbox.test --ns NS_SAP --addr 10.77.0.1:0 --persistent >/dev/null ||
    fail "10: register a host name"
until_host() { n=0; while ! ctl B lookup host sapbox.test 2>/dev/null | grep -q 10.77.0.1; do
    n=$((n + 1)); [ $n -gt 50 ] && return 1; sleep 0.2; done; }
until_host || fail "10: rnrctl lookup host sapbox.test on B"
nssmod=$builddir/client/nss/.libs/libnss_rnr.so.2
if [ -e "$nssmod" ] && command -v getent >/dev/null && unshare -m true 2>/dev/null &&
   ! ldd "$nssmod" 2>/dev/null | grep -q 'lib[alt]san\|libubsan'; then
    echo "hosts: rnr" >"$tmp/nsswitch.conf"
    out=$(RNR_SOCKET="$tmp/B/rnrd.sock" LD_LIBRARY_PATH=$builddir/client/nss/.libs \
          unshare -m sh -c "mount --bind '$tmp/nsswitch.conf' /etc/nsswitch.conf &&
                             getent hosts sapbox.test")
    echo "$out" | grep -q '^10.77.0.1 *sapbox.test' || fail "10: getent hosts: '$out'"
    section_done "10. NSS (getent hosts) sees a SAP registration"
else
    echo "10. getent part SKIPPED: no unshare -m, getent or plain NSS module"
fi

for h in A B C; do
    stop $h
    grep -q 'AddressSanitizer\|runtime error' "$tmp/$h/log" && fail "sanitizer report on $h"
done
[ $fails -eq 0 ] || { for h in A B C; do echo "--- log $h"; tail -20 "$tmp/$h/log"; done; exit 1; }
echo "sap_netns: all passed"
exit 0
