#!/bin/sh
# SPDX-License-Identifier: MIT
# Figures for the sap provider (make bench-sap; root: network namespaces).
# Two hosts, A and B, in namespaces on a bridge in a third; an rnrd in
# each (interval 60 s, so every figure comes from the protocol's event
# path, not from periodic re-advertisement).  Prints:
#   - registration on A to visibility on B;
#   - B's lookup latency and memory with 10,000 remote services;
#   - how fast B takes a flood of forged advertisements (packets handled
#     per second, from its own counters in the log).
set -u
builddir=${1:-$(pwd)}
cd "$builddir" || exit 1
RNRD=$builddir/daemon/rnrd
BENCH=$builddir/bench/.libs/sap_bench
[ -x "$BENCH" ] || BENCH=$builddir/bench/sap_bench
LD_LIBRARY_PATH=$builddir/client/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export LD_LIBRARY_PATH
[ "$(id -u)" = 0 ] || { echo "sap_bench: needs root (network namespaces)"; exit 77; }
tag=$$
N=sbN$tag
tmp=$(mktemp -d /tmp/sap_bench.XXXXXX) || exit 1
cleanup() {
    [ -n "${pa:-}" ] && kill "$pa" 2>/dev/null
    [ -n "${pb:-}" ] && kill "$pb" 2>/dev/null
    wait 2>/dev/null
    [ -n "${SAP_BENCH_KEEP:-}" ] && { cat "$tmp"/*/log; }
    ip netns del sbA$tag 2>/dev/null; ip netns del sbB$tag 2>/dev/null; ip netns del $N 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
ip netns add $N || exit 1
ip -n $N link add br0 type bridge && ip -n $N link set br0 up
i=0
for h in A B; do
    i=$((i + 1))
    ip netns add sb$h$tag
    ip -n $N link add v$h type veth peer name eth0 netns sb$h$tag
    ip -n $N link set v$h master br0 up
    ip -n sb$h$tag addr add 10.78.0.$i/24 dev eth0
    ip -n sb$h$tag link set eth0 up
    ip -n sb$h$tag link set lo up
    mkdir -p "$tmp/$h"
    cat >"$tmp/$h/rnrd.conf" <<EOC
[daemon]
user = root
socket = $tmp/$h/rnrd.sock
state-dir = $tmp/$h/state
module-dir = $builddir/providers/.libs
log-level = notice
[provider sap]
module = sap
interfaces = eth0
ipv6 = off
interval = 60
reply-window-ms = 200
max-entries = 20000
max-entries-per-sender = 20000
EOC
    ip netns exec sb$h$tag "$RNRD" --foreground --config "$tmp/$h/rnrd.conf" 2>"$tmp/$h/log" &
    eval "p$(echo $h | tr AB ab)=$!"
done
for h in A B; do
    n=0
    until [ -S "$tmp/$h/rnrd.sock" ]; do n=$((n + 1)); [ $n -gt 100 ] && exit 1; sleep 0.1; done
done
rss() { awk '/VmRSS/ { print $2 }' /proc/$pb/status; }

echo "== sap provider figures ($(nproc) CPUs; $(date -u +%Y-%m-%dT%H:%MZ))"
"$BENCH" visibility "$tmp/A/rnrd.sock" "$tmp/B/rnrd.sock" 50 || exit 1
rss0=$(rss)
ip netns exec sbA$tag "$BENCH" flood 10.78.0.2 10000 2000 >/dev/null || exit 1
sleep 0.5
"$BENCH" lookup "$tmp/B/rnrd.sock" '{77000000-0000-0000-0000-000000000000}' f005000 200 || exit 1
rss1=$(rss)
echo "rnrd (B) resident memory: $rss0 kB before, $rss1 kB with the remote services" \
     "($(( (rss1 - rss0) * 1024 / 10000 )) bytes a service)"
ip netns exec sbA$tag "$BENCH" flood 10.78.0.2 200000
sleep 1.5
line=$(grep 'dropped so far' "$tmp/B/log" | tail -1)
echo "B's counters after the flood: ${line#*provider sap: }"
