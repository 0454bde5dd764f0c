#!/bin/sh
# SPDX-License-Identifier: MIT
# The netbt provider with Samba when things go wrong: nmbd in host A (also
# the WINS server), rnrd in B, nmblookup in C, and D on the same bridge
# but in another subnet (netbt_samba_lib.sh).
#   1. a name nmbd holds cannot be taken: by broadcast (nmbd defends it)
#      and through the WINS server (which refuses it) the registration
#      fails with WSAEACCES (doc/netbt.md), nmbd keeps the name and rnrd
#      does not answer for it; a group name is shared, not refused;
#   2. an off-link broadcast (D, 255.255.255.255) gets no answer, the same
#      query from C does, and rnrd counts it;
#   3. a burst of queries from one source gets at most the per-source
#      rate of answers, and rnrd counts the rest;
#   4. nmbd stopped, nobody else answering: lookups fail within
#      timeout-ms x retries (+ slack) per name asked, by broadcast and
#      through the WINS server; a registration with the WINS server gone
#      is WSATRY_AGAIN; a second failing lookup is answered from the
#      negative cache; while lookups wait, rnrd answers a hosts lookup at
#      once.
# Root, nmbd and nmblookup only: exits 77 otherwise.
srcdir=${srcdir:-$(dirname "$0")/../..}
skip() { echo "SKIP: $*"; exit 77; }
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
sub=84
extra_host=D
. "$srcdir/tests/integration/netbt_samba_lib.sh"
t_sec=$(date +%s%N)
section_done() { echo "$1: done ($(ms_since "$t_sec") ms)"; t_sec=$(date +%s%N); }
# silent NAME LOW HIGH WHAT: NAME is not found, after LOW to HIGH ms
silent() {
    t0=$(date +%s%N)
    got=$(nbt "$1")
    ms=$(ms_since "$t0")
    echo "   $1 $4: not found in $ms ms"
    [ -z "$got" ] && [ "$ms" -ge "$2" ] && [ "$ms" -le "$3" ] ||
        fail "4: $1 $4: '$got' after $ms ms"
}
# took_ms: a lookup's own time in whole ms, from rnrctl --short's last line
# ("-- 1 address in 0.31ms, from rnrd")
took_ms() {
    sed -n 's/^-- .* in \([0-9.]*\)\([mu]*s\).*/\1 \2/p' |
        awk '{ v = $1; if ($2 == "us") v /= 1000; else if ($2 == "s") v *= 1000; printf "%d\n", v }'
}
# stat NAME: one of rnrd's netbt counters
stat() { ctl stats --kv 2>/dev/null | sed -n "s/^provider\.netbt\.stat\.$1=//p"; }

nmbd_conf A SAMBAHOST SAMBAGRP "wins support = yes"
nmbd_start A C
printf '10.%s.0.99 filehost\n' $sub >"$tmp/B/hosts"
section_done "0. nmbd registered its names"

# ------------------------------------------------------------ 1. conflict
rnrd_conf "interfaces = eth0" "node-type = b" "timeout-ms = 300" "retries = 2"
rnrd_start
for n in SAMBAHOST 'SAMBAHOST#20'; do
    t0=$(date +%s%N)
    ctl register host "$n" --ns NS_NETBT --persistent >/dev/null 2>"$tmp/err"
    rc=$?
    [ $rc -eq 4 ] && grep -q WSAEACCES "$tmp/err" ||
        fail "1: registering $n (nmbd's) by broadcast: exit $rc, $(cat "$tmp/err")"
    echo "   $n refused by broadcast in $(ms_since "$t0") ms: $(cat "$tmp/err")"
done
got=$(nmb_bcast C SAMBAHOST)
[ "$got" = "$A" ] || fail "1: after the conflict nmblookup SAMBAHOST finds '$got'"
nmb_status C $B | grep -q SAMBAHOST && fail "1: rnrd lists SAMBAHOST, refused, by node status"
ctl register host 'SAMBAGRP#1e' --ns NS_NETBT --comment group --persistent >/dev/null 2>"$tmp/err" ||
    fail "1: joining the group SAMBAGRP#1e: $(cat "$tmp/err")"
got=$(nmb_bcast C 'SAMBAGRP#1e' | sort | tr '\n' ' ')
[ "$got" = "$A $B " ] || fail "1: the group SAMBAGRP<1e> has members '$got', not A and B"
rnrd_stop
rnrd_conf "node-type = p" "wins-server = $A" "timeout-ms = 300" "retries = 2"
rnrd_start
ctl register host SAMBAHOST --ns NS_NETBT --persistent >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 4 ] && grep -q WSAEACCES "$tmp/err" ||
    fail "1: registering SAMBAHOST with the WINS server: exit $rc, $(cat "$tmp/err")"
got=$(nmb_wins C $A SAMBAHOST)
[ "$got" = "$A" ] || fail "1: after the conflict nmbd's WINS answers SAMBAHOST with '$got'"
rnrd_stop
section_done "1. conflicts with nmbd's names"

# ------------------------------------------------------ 2. off-link source
rnrd_conf "interfaces = eth0" "node-type = b" "timeout-ms = 300" "retries = 2"
rnrd_start
ctl register host RNRHOST --ns NS_NETBT --persistent >/dev/null || fail "2: register RNRHOST"
# 255.255.255.255 leaves by the default route: eth0, as on a real LAN.
ip -n nbtC$tag route add default dev eth0
ip -n nbtD$tag route add default dev eth0
got=$(nmb C -B 255.255.255.255 RNRHOST | nmb_addrs)
[ "$got" = "$B" ] || fail "2: an on-link 255.255.255.255 query found '$got', not $B"
off0=$(stat offlink)
got=$(nmb D -B 255.255.255.255 RNRHOST | nmb_addrs)
[ -z "$got" ] || fail "2: an off-link broadcast from 10.$sub.1.4 got an answer: '$got'"
off1=$(stat offlink)
[ -n "$off1" ] && [ "$off1" -gt "${off0:-0}" ] ||
    fail "2: the off-link broadcast is not counted (offlink '$off0' -> '$off1')"
section_done "2. off-link broadcasts"

# --------------------------------------------------------- 3. rate limit
# 200 unicast queries from C in one burst (netbt_bench counts the answers
# heard within a second): the default source-reply-rate, 10 a second,
# lets about 10 through.
rl0=$(stat rate-limited)
out=$(ip netns exec nbtC$tag "$NBENCH" burst $B RNRHOST 200)
n=${out##* }
echo "   200 queries from one source, $n answered"
[ "$n" -ge 1 ] && [ "$n" -le 20 ] || fail "3: a burst of 200 queries got $n answers"
rl1=$(stat rate-limited)
[ -n "$rl1" ] && [ "$rl1" -gt "${rl0:-0}" ] ||
    fail "3: refused replies not counted (rate-limited '$rl0' -> '$rl1')"
rnrd_stop
section_done "3. rate limit"

# ------------------------------------------------------------ 4. silence
nmbd_stop A
# timeout 400 ms x 2 attempts = 800 ms a name asked; NAME asks <00> then
# <20>: twice that.  Slack: 700 ms (rnrctl's start, a busy machine).
rnrd_conf "interfaces = eth0" "node-type = b" "timeout-ms = 400" "retries = 2"
rnrd_start
silent 'SAMBAHOST#20' 700 1500 "by broadcast, nobody answering (800 + 700 slack)"
silent SAMBAHOST 700 2300 "(<00>, <20>) by broadcast (1600 + 700)"
silent SAMBAHOST 0 700 "again: from the negative cache (no wait)"
# Lookups in flight do not hold rnrd up: 20 at once (3 s x 2 suffixes
# each), then a hosts lookup, timed by rnrctl itself (a process start on
# a loaded machine, a sanitizer's above all, is no measure of rnrd).
rnrd_stop
rnrd_conf "interfaces = eth0" "node-type = b" "timeout-ms = 1000" "retries = 3"
rnrd_start
i=0
waiting=""
while [ $i -lt 20 ]; do
    i=$((i + 1))
    ctl lookup host "GONE$i" --ns NS_NETBT >/dev/null 2>&1 &
    waiting="$waiting $!"
done
pids="$pids $waiting"
n=0
until [ "$(ctl stats --kv 2>/dev/null | sed -n 's/^daemon\.lookups-open=//p')" -ge 20 ] 2>/dev/null
do
    n=$((n + 1))
    [ $n -gt 50 ] && { fail "4: the 20 NetBIOS lookups never were all open"; break; }
    sleep 0.1
done
out=$(ctl lookup host filehost --ns NS_TCPIP_HOSTS --short --flags flushcache 2>&1)
ms=$(echo "$out" | took_ms)
echo "   a hosts lookup with 20 NetBIOS lookups waiting: ${ms:-?} ms"
echo "$out" | grep -q "10.$sub.0.99" || fail "4: hosts lookup meanwhile: $out"
[ -n "$ms" ] && [ "$ms" -le 250 ] || fail "4: the hosts lookup took ${ms:-?} ms while netbt lookups waited"
# shellcheck disable=SC2086
wait $waiting
rnrd_stop
rnrd_conf "node-type = p" "wins-server = $A" "timeout-ms = 400" "retries = 2"
rnrd_start
silent 'SAMBAHOST#20' 700 1500 "through a silent WINS server (800 + 700)"
t0=$(date +%s%N)
ctl register host RNRLATE --ns NS_NETBT --persistent >/dev/null 2>"$tmp/err"
rc=$?
echo "   registration with a silent WINS server: exit $rc after $(ms_since "$t0") ms: $(cat "$tmp/err")"
[ $rc -ne 0 ] && grep -q WSATRY_AGAIN "$tmp/err" ||
    fail "4: registration with the WINS server gone: exit $rc, $(cat "$tmp/err")"
kill -0 "$rnrd_pid" || fail "4: rnrd died"
rnrd_stop
section_done "4. nmbd stopped"

[ $fails -eq 0 ] || { echo "rnrd's log:"; tail -40 "$tmp/B/log"; exit 1; }
echo "PASS"
