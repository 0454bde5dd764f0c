#!/bin/sh
# SPDX-License-Identifier: MIT
# The netbt provider between rnrd "hosts": network namespaces A, B and C
# on one bridge (10.78.0.0/24), an rnrd on A and B with [provider netbt]
# on eth0 (b-node), C a bare host sending packets with nbns.py.  A also
# has eth1, a link to D (10.79.0.0/24) that its configuration leaves out.
#   1. A registers HOSTA: B finds it by broadcast (rnrctl lookup, through
#      librnr), C's plain name query for HOSTA<00> gets A's address;
#   2. B registering HOSTA too fails with WSAEACCES (A defends it);
#   3. B's reverse lookup (node status) lists A's names;
#   4. A deregisters HOSTA: it is released, and B may claim it;
#   5. malformed datagrams to A are counted and dropped, A still answers;
#      a burst of queries from one source is rate-limited and counted;
#   6. a broadcast from an off-link source gets no answer (counted), and
#      A does not answer on eth1, which it was not configured for;
#   7. a registration ends with the connection that made it unless
#      --persistent; a user's names are its own; group names;
#   8. through NS_ALL (gethostbyname, getaddrinfo with netbt_gai) hosts
#      and dns answer before netbt, and netbt answers what they do not;
#   9. an rnrd that drops to its account binds port 137 before the drop
#      (privileged_open) and keeps the socket across a reload;
#  10. stopping rnrd releases its names (C hears the releases).
#
# Root only (namespaces): exits 77 otherwise.
RNRD=${RNRD:-./daemon/rnrd}
RNRCTL=${RNRCTL:-./client/rnrctl/rnrctl}
GAI=${GAI:-./tests/integration/netbt_gai}
builddir=$(pwd)
srcdir=${srcdir:-$(dirname "$0")/../..}
PY=$(command -v /usr/bin/python3 || command -v python3)
NBNS="$PY $srcdir/tests/integration/nbns.py"
moddir=$builddir/providers/.libs
[ -x "$RNRD" ] && [ -x "$RNRCTL" ] && [ -e "$moddir/netbt.so" ] ||
    { echo "run from the build directory after make" >&2; exit 99; }
if [ -x client/rnrctl/.libs/rnrctl ] && [ -x tests/integration/.libs/netbt_gai ]; then
    RNRCTL=$builddir/client/rnrctl/.libs/rnrctl
    GAI=$builddir/tests/integration/.libs/netbt_gai
    LD_LIBRARY_PATH=$builddir/client/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
    export LD_LIBRARY_PATH
fi

skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root for network namespaces"
command -v ip >/dev/null 2>&1 || skip "no ip (iproute2)"
[ -n "$PY" ] || skip "no python3"
. "$(dirname "$0")/netns_lib.sh"
netns_begin nbt netbt_netns
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

netns_setup 10.78.0 A B C
ns() { echo "nbt$1$tag"; }
# A's second link, to D, outside its configuration.
netns_hosts="$netns_hosts D"
ip netns add "$(ns D)" || exit 99
ip -n "$(ns A)" link add eth1 type veth peer name eth0 netns "$(ns D)" || exit 99
ip -n "$(ns A)" addr add 10.79.0.1/24 dev eth1
ip -n "$(ns A)" link set eth1 up
ip -n "$(ns D)" addr add 10.79.0.2/24 dev eth0
ip -n "$(ns D)" link set eth0 up
ip -n "$(ns D)" link set lo up

# B also has hosts and dns before netbt, as etc/rnrd.conf orders them:
# through NS_ALL their answers come first (section 8).
conf() {
    mkdir -p "$tmp/$1"
    printf '10.78.0.77 shadowed\n' >"$tmp/$1/hosts"
    printf 'nameserver 127.0.0.1\n' >"$tmp/$1/resolv.conf"
    {
        echo "[daemon]"
        echo "user = root"
        echo "socket = $tmp/$1/rnrd.sock"
        echo "state-dir = $tmp/$1/state"
        echo "module-dir = $moddir"
        echo "log-level = info"
        if [ "$1" = B ]; then
            echo "[provider hosts]"
            echo "module = hosts"
            echo "hosts-file = $tmp/$1/hosts"
            echo "[provider dns]"
            echo "module = dns"
            echo "resolv-conf = $tmp/$1/resolv.conf"
            echo "timeout-ms = 100"
            echo "attempts = 1"
        fi
        echo "[provider netbt]"
        echo "module = netbt"
        echo "interfaces = eth0"
        echo "node-type = b"
        echo "timeout-ms = 250"
        echo "retries = 2"
        echo "quota-names = 2"
    } >"$tmp/$1/rnrd.conf"
}
ctl() { h=$1; shift; ip netns exec "$(ns "$h")" "$RNRCTL" --socket "$tmp/$h/rnrd.sock" "$@"; }
start() {
    ip netns exec "$(ns "$1")" ${NETBT_WRAPPER:-} "$RNRD" --foreground \
        --config "$tmp/$1/rnrd.conf" 2>>"$tmp/$1/log" &
    eval "pid$1=$!"
    pids="$pids $!"
    n=0
    until ctl "$1" providers >/dev/null 2>&1; do
        n=$((n + 1))
        [ $n -gt 300 ] && { echo "rnrd on $1 did not start:"; cat "$tmp/$1/log"; exit 99; }
        sleep 0.1
    done
}
stat_of() { ctl "$1" stats --kv 2>/dev/null | sed -n "s/^provider\.netbt\.stat\.$2=//p"; }
py() { h=$1; shift; ip netns exec "$(ns "$h")" $NBNS "$@"; }

conf A
conf B
start A
start B
ctl A providers | grep -q 'NetBIOS over TCP/IP' || fail "0: A does not list netbt"

# ---------------------------------------------------------- 1. register, resolve
out=$(ctl A register hostname HOSTA --ns NS_NETBT --persistent 2>&1) ||
    fail "1: register HOSTA on A: $out"
out=$(ctl B lookup host hosta --ns NS_NETBT 2>&1)
echo "$out" | grep -q '10\.78\.0\.1' || fail "1: B did not resolve hosta: $out"
out=$(py C query HOSTA 00 10.78.0.255 2>&1)
echo "$out" | grep -q '^10\.78\.0\.1 ' || fail "1: no answer to a plain query for HOSTA<00>: $out"
out=$(py C query HOSTA 20 10.78.0.255 2>&1)
echo "$out" | grep -q '^10\.78\.0\.1 ' || fail "1: no answer for HOSTA<20>: $out"
out=$(ctl B lookup host 'hosta#03' --ns NS_NETBT 2>&1)
echo "$out" | grep -q '10\.78\.0\.1' && fail "1: HOSTA<03> was never registered: $out"
echo "1: done"

# ---------------------------------------------------------- 2. conflict
out=$(ctl B register hostname HOSTA --ns NS_NETBT --persistent 2>&1)
echo "$out" | grep -q 'WSAEACCES\|10013' || fail "2: B's claim of HOSTA was not refused: $out"
[ "$(stat_of A defended)" -ge 1 ] 2>/dev/null || fail "2: A did not count its defence"
out=$(ctl B lookup host hosta --ns NS_NETBT --flags flushcache 2>&1)
echo "$out" | grep -q '10\.78\.0\.1' || fail "2: after the conflict B no longer finds A: $out"
echo "2: done"

# ---------------------------------------------------------- 3. node status
out=$(ctl B lookup addr 10.78.0.1 --ns NS_NETBT --flags return-all,return-aliases 2>&1)
echo "$out" | grep -q 'HOSTA' || fail "3: reverse lookup of A: $out"
echo "$out" | grep -q 'HOSTA#20' || fail "3: A's <20> name missing from its node status: $out"
out=$(py C status 10.78.0.1 2>&1)
echo "$out" | grep -q '^HOSTA<00>' || fail "3: nbns.py status: $out"
echo "3: done"

# ---------------------------------------------------------- 4. release
ctl A deregister hostname HOSTA --ns NS_NETBT >/dev/null 2>&1 || fail "4: deregister on A"
out=$(py C query HOSTA 00 10.78.0.255 2>&1) && fail "4: HOSTA still answered after release: $out"
out=$(ctl B register hostname HOSTA --ns NS_NETBT --persistent 2>&1) ||
    fail "4: B could not claim the released HOSTA: $out"
out=$(ctl A lookup host hosta --ns NS_NETBT --flags flushcache 2>&1)
echo "$out" | grep -q '10\.78\.0\.2' || fail "4: A does not find B's HOSTA: $out"
echo "4: done"

# ---------------------------------------------------------- 5. malformed
ctl A register hostname GUARD --ns NS_NETBT --persistent >/dev/null 2>&1 || fail "5: register"
before=$(stat_of A malformed)
py C garbage 10.78.0.1
sleep 0.3
after=$(stat_of A malformed)
[ "$after" -ge $((before + 13)) ] 2>/dev/null ||
    fail "5: malformed datagrams not counted ($before -> $after)"
py C query GUARD 00 10.78.0.1 >/dev/null 2>&1 || fail "5: A stopped answering after garbage"
# 60 queries at once from one source: its bucket (source-reply-rate 10,
# the same burst) answers about 10, the rest is counted.
sleep 1.2
before=$(stat_of A rate-limited)
got=$(py C burst GUARD 00 10.78.0.1 60)
after=$(stat_of A rate-limited)
[ "$got" -ge 5 ] && [ "$got" -le 15 ] 2>/dev/null ||
    fail "5: 60 queries in a burst got $got answers (want about 10)"
[ "$after" -ge $((before + 40)) ] 2>/dev/null || fail "5: rate-limited $before -> $after"
echo "5: done"

# ---------------------------------------------------------- 6. off-link, other links
# C moves to another subnet on the same wire; a limited broadcast from it
# reaches A's eth0 but comes from off the link.
ip -n "$(ns C)" addr add 10.99.0.3/24 dev eth0
ip -n "$(ns C)" route add 255.255.255.255/32 dev eth0 src 10.99.0.3 2>/dev/null
before=$(stat_of A offlink)
out=$(ip netns exec "$(ns C)" $PY - "$srcdir/tests/integration" <<'EOF2'
import socket, struct, sys
sys.path.insert(0, sys.argv[1])
import nbns
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"eth0")
s.bind(("10.99.0.3", 0))
s.settimeout(1.0)
s.sendto(nbns.query("GUARD", 0), ("255.255.255.255", 137))
try:
    print("answered", s.recvfrom(2048)[1])
except socket.timeout:
    print("silent")
EOF2
)
[ "$out" = silent ] || fail "6: A answered an off-link broadcast: $out"
after=$(stat_of A offlink)
[ "$after" -gt "$before" ] 2>/dev/null || fail "6: off-link broadcast not counted ($before -> $after)"
out=$(py D query GUARD 00 10.79.0.255 2>&1) && fail "6: A answered on eth1 (broadcast): $out"
out=$(py D query GUARD 00 10.79.0.1 2>&1) && fail "6: A answered on eth1 (unicast): $out"
echo "6: done"

# ---------------------------------------------------------- 7. lifetime, ownership
# rnrctl says (exit 6) that the name ended with it.
ctl A register hostname SHORT --ns NS_NETBT >/dev/null 2>&1
[ $? = 6 ] || fail "7: register SHORT without --persistent did not say it ends"
out=$(py C query SHORT 00 10.78.0.255 2>&1) && fail "7: SHORT outlived its rnrctl: $out"
ctl A register hostname 'KEEP#1C' --ns NS_NETBT --persistent >/dev/null 2>&1 ||
    fail "7: register KEEP#1C"
py C query KEEP 1c 10.78.0.255 >/dev/null 2>&1 || fail "7: KEEP<1C> not answered"
out=$(ip netns exec "$(ns A)" setpriv --reuid=65534 --regid=65534 --clear-groups \
      "$RNRCTL" --socket "$tmp/A/rnrd.sock" deregister hostname 'KEEP#1C' --ns NS_NETBT 2>&1) &&
    fail "7: another user removed root's name: $out"
ctl A register hostname 'wg#1e' --ns NS_NETBT --persistent --comment group >/dev/null 2>&1 ||
    fail "7: register the group WG<1E>"
ctl B register hostname 'wg#1e' --ns NS_NETBT --persistent --comment group >/dev/null 2>&1 ||
    fail "7: B could not join the group WG<1E>"
out=$(py C query WG 1e 10.78.0.255 2>&1)
[ "$(echo "$out" | grep -c '^10\.78\.0\.[12] 8')" = 2 ] ||
    fail "7: the group WG<1E> is not answered by both: $out"
echo "7: done"

# ---------------------------------------------------------- 8. NS_ALL order
# SHADOWED is in B's hosts file and registered on A: gethostbyname and
# getaddrinfo (through librnr, NS_ALL) give the hosts file's address;
# KEEP exists only in NetBIOS: they reach netbt for it.
ctl A register hostname SHADOWED --ns NS_NETBT --persistent >/dev/null 2>&1 ||
    fail "8: register SHADOWED"
gai() { ip netns exec "$(ns B)" env RNR_SOCKET="$tmp/B/rnrd.sock" RNR_ANSWER_CACHE=0 "$GAI" "$1"; }
out=$(gai shadowed)
[ "$out" = "gethostbyname 10.78.0.77
getaddrinfo 10.78.0.77" ] || fail "8: NS_ALL did not give the hosts file first: $out"
out=$(gai 'keep#1c')
[ "$out" = "gethostbyname 10.78.0.1
getaddrinfo 10.78.0.1" ] || fail "8: NS_ALL did not reach netbt: $out"
out=$(ctl B lookup host shadowed 2>&1 | sed -n 's/^  provider .*(\(.*\))$/\1/p' | head -1)
[ -n "$out" ] && [ "$out" != "NetBIOS over TCP/IP" ] || fail "8: first NS_ALL result from $out"
echo "8: done"

# ---------------------------------------------------------- 9. privilege drop
# D runs rnrd as root that drops to its account (the default user):
# port 137 is bound before the drop, and a reload keeps the socket.
if getent passwd rnrd >/dev/null 2>&1; then
    conf D
    sed -i '/^user = root$/d' "$tmp/D/rnrd.conf"
    echo "answer-host-name = yes" >>"$tmp/D/rnrd.conf"
    chmod 755 "$tmp" "$tmp/D"
    start D
    uid=$(awk '/^Uid:/ { print $3 }' "/proc/$pidD/status")
    [ "$uid" = "$(id -u rnrd)" ] || fail "9: rnrd on D runs as uid $uid"
    grep -q 'netbt: 1 descriptor(s) opened before the privilege drop' "$tmp/D/log" ||
        fail "9: no socket opened before the drop: $(cat "$tmp/D/log")"
    ctl D register hostname DNODE --ns NS_NETBT --persistent >/dev/null 2>&1 ||
        fail "9: register on D"
    py A query DNODE 00 10.79.0.255 | grep -q '^10\.79\.0\.2 ' ||
        fail "9: D does not answer as its unprivileged account"
    # answer-host-name: D claimed the host name (the namespaces share it).
    hn=$(hostname | cut -d. -f1 | cut -c1-15 | tr '[:lower:]' '[:upper:]')
    if echo "$hn" | grep -qx '[A-Z0-9_-]*'; then
        py A query "$hn" 20 10.79.0.255 | grep -q '^10\.79\.0\.2 ' ||
            fail "9: answer-host-name: D does not answer for $hn<20>"
    fi
    sed -i 's/^interfaces = eth0$/interfaces = eth0, lo/' "$tmp/D/rnrd.conf"
    kill -HUP "$pidD"
    n=0
    until grep -q 'interfaces changed; takes effect at the next restart' "$tmp/D/log"; do
        n=$((n + 1)); [ $n -gt 50 ] && { fail "9: reload did not say it needs a restart"; break; }
        sleep 0.1
    done
    py A query DNODE 00 10.79.0.255 | grep -q '^10\.79\.0\.2 ' ||
        fail "9: D lost its socket on reload"
    echo "9: done"
else
    echo "9: skipped (no rnrd account)"
fi

# ---------------------------------------------------------- 10. release on stop
py C listen 3 >"$tmp/heard" &
pids="$pids $!"
n=0
until grep -q listening "$tmp/heard" 2>/dev/null; do
    n=$((n + 1)); [ $n -gt 50 ] && break; sleep 0.1
done
# A claim still under way when rnrd stops fails; nothing of it leaks
# (the sanitizer build checks below).
ctl A register hostname LATE --ns NS_NETBT --persistent >"$tmp/late" 2>&1 &
late=$!
pids="$pids $late"
sleep 0.3
kill "$pidA"
wait "$pidA" 2>/dev/null
wait "$late" && fail "10: a claim cut short by rnrd stopping succeeded: $(cat "$tmp/late")"
sleep 3.2
for name in 'GUARD<00>' 'GUARD<20>' 'KEEP<1C>' 'WG<1E>'; do
    grep -q "^6 $name\$" "$tmp/heard" || fail "10: no release of $name when A stopped: $(cat "$tmp/heard")"
done
echo "10: done"
# B and D stop as A did; no host's log may hold a sanitizer's report.
for h in B D; do
    eval "p=\${pid$h:-}"
    [ -n "$p" ] && kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
done
for h in A B D; do
    [ -f "$tmp/$h/log" ] || continue
    grep -q 'Sanitizer\|runtime error\|LeakSanitizer' "$tmp/$h/log" &&
        fail "$h's log has a sanitizer report: $(cat "$tmp/$h/log")"
done
[ $fails -eq 0 ] || { echo "--- A"; cat "$tmp/A/log"; echo "--- B"; cat "$tmp/B/log"; }
exit $((fails != 0))
