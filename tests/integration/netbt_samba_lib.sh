# SPDX-License-Identifier: MIT
# Sourced by netbt_samba.sh and netbt_samba_fail.sh, after netns_lib.sh
# and nmbd_lib.sh: everything but the checks.  Three hosts on 10.SUB.0/24,
# A (Samba's nmbd, also the WINS server), B (rnrd: hosts, then netbt),
# C (nmblookup only), and optionally D, on the same bridge but another
# subnet.  The sourcing test sets sub (the second octet) and extra_host
# (D or empty), defines skip() and fail(), and is run from the build
# directory.
#
#   rnrd_conf LINE...   B's rnrd.conf: [provider hosts] reading
#                       $tmp/B/hosts, then [provider netbt] with LINEs
#   rnrd_start / rnrd_stop   B's rnrd (the checker in $NETBT_WRAPPER,
#                       e.g. valgrind --error-exitcode=99, and a sanitizer
#                       build's reports in its log fail the test)
#   ctl ARG...          rnrctl against B's rnrd, in B's namespace
#   nbt NAME [ARG...]   addresses `rnrctl lookup host NAME --ns NS_NETBT`
#                       finds on B, one a line (nothing when none)
#   ms_since T0         milliseconds since T0 (date +%s%N)
# $PROBE is tests/integration/resolve_probe, $NBENCH bench/netbt_bench.
RNRD=${RNRD:-./daemon/rnrd}
RNRCTL=${RNRCTL:-./client/rnrctl/rnrctl}
PROBE=${PROBE:-./tests/integration/resolve_probe}
NBENCH=${NBENCH:-./bench/netbt_bench}
builddir=$(pwd)
moddir=$builddir/providers/.libs
[ -x "$RNRD" ] && [ -x "$RNRCTL" ] && [ -x "$PROBE" ] && [ -x "$NBENCH" ] &&
    [ -e "$moddir/netbt.so" ] || { echo "run from the build directory after make" >&2; exit 99; }
# The programs rather than libtool's wrapper scripts: a wrapper costs half
# a second a run on a busy machine, and the timing checks would pay it.
if [ -x client/rnrctl/.libs/rnrctl ]; then
    RNRCTL=$builddir/client/rnrctl/.libs/rnrctl
    [ -x tests/integration/.libs/resolve_probe ] &&
        PROBE=$builddir/tests/integration/.libs/resolve_probe
    [ -x bench/.libs/netbt_bench ] && NBENCH=$builddir/bench/.libs/netbt_bench
    LD_LIBRARY_PATH=$builddir/client/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
    export LD_LIBRARY_PATH
fi

[ "$(id -u)" = 0 ] || skip "needs root for network namespaces"
command -v ip >/dev/null 2>&1 || skip "no ip (iproute2)"
. "$srcdir/tests/integration/netns_lib.sh"
. "$srcdir/tests/integration/nmbd_lib.sh"
nmbd_have || skip "no nmbd/nmblookup (Debian: samba, samba-common-bin)"
netns_begin nbt netbt_samba
netns_setup 10.$sub.0 A B C $extra_host
if [ -n "$extra_host" ]; then
    # D: on the bridge, but in a subnet of its own.
    ip -n nbt$extra_host$tag addr flush dev eth0
    ip -n nbt$extra_host$tag addr add 10.$sub.1.4/24 dev eth0
fi
A=10.$sub.0.1
B=10.$sub.0.2
mkdir -p "$tmp/B"

rnrd_conf() {
    {
        echo "[daemon]"
        echo "user = root"
        echo "socket = $tmp/B/rnrd.sock"
        echo "state-dir = $tmp/B/state"
        echo "module-dir = $moddir"
        echo "log-level = info"
        echo "[provider hosts]"
        echo "module = hosts"
        echo "hosts-file = $tmp/B/hosts"
        echo "[provider netbt]"
        echo "module = netbt"
        for l in "$@"; do echo "$l"; done
    } >"$tmp/B/rnrd.conf"
}

ctl() { ip netns exec nbtB$tag "$RNRCTL" --socket "$tmp/B/rnrd.sock" "$@"; }

rnrd_start() {
    echo "== rnrd: $(sed -n '/^\[provider netbt\]/,$p' "$tmp/B/rnrd.conf" | tail -n +3 | tr '\n' ';')" \
        >>"$tmp/B/log"
    ip netns exec nbtB$tag ${NETBT_WRAPPER:-} "$RNRD" --foreground --config "$tmp/B/rnrd.conf" \
        2>>"$tmp/B/log" &
    rnrd_pid=$!
    pids="$pids $rnrd_pid"
    n=0
    until ctl providers >/dev/null 2>&1; do
        n=$((n + 1))
        [ $n -gt 300 ] && { echo "rnrd did not start:"; cat "$tmp/B/log"; exit 99; }
        sleep 0.1
    done
    ctl providers | grep -qi netbios || { cat "$tmp/B/log"; fail "netbt is not loaded"; exit 1; }
}

rnrd_stop() {
    kill "$rnrd_pid" 2>/dev/null
    wait "$rnrd_pid" 2>/dev/null
    rnrd_rc=$?
    [ $rnrd_rc -ne 99 ] || fail "rnrd: the checker found errors (log $tmp/B/log)"
    # A sanitizer build's reports (leaks at exit included) go to the log.
    if grep -q 'ERROR: AddressSanitizer\|ERROR: LeakSanitizer\|runtime error:' "$tmp/B/log"; then
        fail "rnrd: sanitizer report (exit $rnrd_rc):"
        grep -A20 'Sanitizer\|runtime error:' "$tmp/B/log" >&2
        : >"$tmp/B/log"
    fi
}

nbt() {
    nbt_n=$1
    shift
    ctl lookup host "$nbt_n" --ns NS_NETBT --short "$@" 2>/dev/null |
        sed -n 's/^[^ ]*: \([0-9][0-9.]*\) .*/\1/p'
}

ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
