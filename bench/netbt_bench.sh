#!/bin/sh
# SPDX-License-Identifier: MIT
# Figures for the netbt provider against Samba (make bench-netbt; root,
# nmbd and nmblookup: network namespaces).  Host A runs nmbd as WINS
# server holding BENCHHOST, host B asks for it, unicast to A:
#   nbns-direct        netbt_bench's own query loop: one socket, one
#                      query at a time, no process start (the floor);
#   nmblookup          `nmblookup -U A --recursion BENCHHOST`, a process
#                      a query (what a shell script pays);
#   rnr-netbt-cold     librnr -> rnrd (node-type p) -> nmbd, with
#                      LUP_FLUSHCACHE: every lookup goes to the wire;
#   rnr-netbt-rnrd     the same lookup with librnr's answer cache off
#                      (RNR_ANSWER_CACHE=0): rnrd answers from the
#                      provider's cache, no packet sent;
#   rnr-netbt-cached   the same lookup as applications get it by default:
#                      answered in the process from rnrd's answer cache.
# Rows for bench/report.sh ("@row"); figures, never assertions.
set -u
builddir=${1:-$(pwd)}
cd "$builddir" || exit 1
srcdir=$(cd "$(dirname "$0")/.." && pwd)
BENCH=$builddir/bench/.libs/netbt_bench
[ -x "$BENCH" ] || BENCH=$builddir/bench/netbt_bench
LD_LIBRARY_PATH=$builddir/client/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export LD_LIBRARY_PATH
skip() { echo "netbt_bench: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root (network namespaces)"
. "$srcdir/tests/integration/netns_lib.sh"
. "$srcdir/tests/integration/nmbd_lib.sh"
nmbd_have || skip "no nmbd/nmblookup (Debian: samba, samba-common-bin)"
netns_begin nbb netbt_bench
netns_setup 10.86.0 A B
A=10.86.0.1
echo "== netbt provider against nmbd ($(nproc) CPUs; load $(cut -d' ' -f1 /proc/loadavg);" \
     "$(date -u +%Y-%m-%dT%H:%MZ))"
nmbd_conf A BENCHHOST BENCHGRP "wins support = yes"
nmbd_start A B
onB() { ip netns exec nbbB$tag "$@"; }

onB "$BENCH" direct $A BENCHHOST 500 || exit 1

# A process a query: nmblookup's own start-up is part of what it costs.
# The loop runs inside B's namespace (one `ip netns exec` for all);
# /bin/true in the same loop shows what starting any process costs here.
PY=$(command -v /usr/bin/python3 || command -v python3) || skip "no python3"
# loop N CMD...: each run's microseconds, a line each (python3 times the
# fork, exec and wait alone; a shell would add a `date` process to each).
loop() {
    onB "$PY" -c 'import subprocess, sys, time
n = int(sys.argv[1])
for _ in range(n):
    t0 = time.perf_counter_ns()
    if subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL,
                      stderr=subprocess.DEVNULL).returncode != 0:
        sys.exit(1)
    print((time.perf_counter_ns() - t0) // 1000)' "$@"
}
# rows ID LABEL COMPARE: p50 and p99 of the figures on stdin
rows() {
    sort -n | awk -v id="$1" -v label="$2" -v cmp="$3" '{ v[NR] = $1 } END {
        if (NR == 0) exit 1;
        p50 = v[int(NR / 2) + 1]; p99 = v[int(NR * 99 / 100) + 1];
        printf "%s: p50 %.1f us, p99 %.1f us (%d)\n", label, p50, p99, NR;
        printf "@row\t%s\t%s\t1\t%.1f\t%.1f\t%.0f\t%s\n", id, label, p50, p99, 1e6 / p50, cmp }'
}
loop 50 nmblookup -s "$tmp/nmb/B/smb.conf" -U $A --recursion BENCHHOST >"$tmp/nmblookup" &&
    rows nmblookup "nmblookup -U, a process a query" nbns-direct <"$tmp/nmblookup" || exit 1
loop 50 /bin/true >"$tmp/true" &&
    rows proc-start "/bin/true, a process (start-up alone)" - <"$tmp/true" || exit 1

if [ ! -e "$builddir/providers/.libs/netbt.so" ]; then
    echo "netbt_bench: the netbt provider is not built: no rnr rows"
    exit 0
fi
mkdir -p "$tmp/B"
cat >"$tmp/B/rnrd.conf" <<EOC
[daemon]
user = root
socket = $tmp/B/rnrd.sock
state-dir = $tmp/B/state
module-dir = $builddir/providers/.libs
log-level = notice
[provider netbt]
module = netbt
node-type = p
wins-server = $A
timeout-ms = 1000
retries = 2
EOC
# Not through onB: $! must be rnrd itself, for netns_cleanup to kill.
ip netns exec nbbB$tag "$builddir/daemon/rnrd" --foreground --config "$tmp/B/rnrd.conf" \
    >/dev/null 2>"$tmp/B/log" &
pids="$pids $!"
n=0
until [ -S "$tmp/B/rnrd.sock" ]; do
    n=$((n + 1))
    [ $n -gt 100 ] && { cat "$tmp/B/log"; exit 1; }
    sleep 0.1
done
export RNR_SOCKET="$tmp/B/rnrd.sock"
onB "$BENCH" rnr BENCHHOST 200 uncached || { cat "$tmp/B/log"; exit 1; }
onB "$BENCH" rnr BENCHHOST 2000 rnrd-cached || exit 1
onB "$BENCH" rnr BENCHHOST 2000 cached || exit 1
