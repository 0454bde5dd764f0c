#!/bin/sh
# SPDX-License-Identifier: MIT
# A subscriber that never reads cannot make rnrd grow: rnrt-alice (no
# privilege) subscribes to the directory and reads nothing while root
# makes 3000 changes of about 1 kB each.  rnrd's memory-used stays under
# max-output-per-client and a margin, the changes it could not queue are
# counted as dropped, and once alice reads she finds an OVERFLOW notice
# (re-list) followed by the changes made after it.
#
# Root only (a test user): exits 77 otherwise.
RNRD=${RNRD:-./daemon/rnrd}
RNRCTL=${RNRCTL:-./client/rnrctl/rnrctl}
builddir=$(pwd)
moddir=$builddir/providers/.libs
[ -x "$RNRD" ] && [ -x "$RNRCTL" ] && [ -e "$moddir/directory.so" ] ||
    { echo "run from the build directory after make" >&2; exit 99; }
srcdir=${srcdir:-$(dirname "$0")/../..}
here=$(cd "$srcdir/tests/integration" && pwd)

skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root for the test user"
command -v setpriv >/dev/null 2>&1 || skip "no setpriv"
command -v python3 >/dev/null 2>&1 || skip "no python3"
[ -x /usr/sbin/useradd ] || skip "no useradd"
# The test user runs the system's python: root's PATH may hold one it
# cannot read.
PYU=/usr/bin/python3
[ -x $PYU ] || skip "no $PYU"
ALICE=rnrt-alice
n=0
until id -u $ALICE >/dev/null 2>&1; do
    /usr/sbin/useradd --system --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin --user-group $ALICE >/dev/null 2>&1
    n=$((n + 1)); [ $n -gt 50 ] && skip "cannot create user $ALICE"
    id -u $ALICE >/dev/null 2>&1 || sleep 0.1
done
setpriv --reuid=$ALICE --regid=$ALICE --clear-groups $PYU -c "open('$here/rnrwire.py')" \
    >/dev/null 2>&1 || skip "the source tree is not readable by $ALICE"

tmp=$(mktemp -d /tmp/browse_ovf.XXXXXX) || exit 99
chmod 755 "$tmp"
pids=""
cleanup() {
    for p in $pids; do kill -9 "$p" 2>/dev/null; done
    wait 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

OUTCAP=65536
{
    echo "[daemon]"
    echo "user = root"
    echo "socket = $tmp/rnrd.sock"
    echo "state-dir = $tmp/state"
    echo "module-dir = $moddir"
    echo "log-level = info"
    echo "max-output-per-client = $OUTCAP"
    echo "[provider directory]"
    echo "module = directory"
} >"$tmp/rnrd.conf"
"$RNRD" --foreground --config "$tmp/rnrd.conf" 2>>"$tmp/log" &
rnrd_pid=$!
pids="$pids $rnrd_pid"
ctl() { "$RNRCTL" --socket "$tmp/rnrd.sock" "$@"; }
n=0
until ctl providers >/dev/null 2>&1; do
    n=$((n + 1))
    [ $n -gt 300 ] && { echo "rnrd did not start:"; cat "$tmp/log"; exit 99; }
    sleep 0.1
done
figure() { ctl stats --kv 2>/dev/null | sed -n "s/^daemon\.$1=//p"; }
base=$(figure memory-used)

mkdir "$tmp/alice" && chown $ALICE "$tmp/alice" || exit 99
setpriv --reuid=$ALICE --regid=$ALICE --clear-groups $PYU "$here/browse_flood.py" \
    "$tmp/rnrd.sock" subscribe "$tmp/alice/ready" "$tmp/go" "$tmp/alice/seen" \
    2>"$tmp/sub.err" &
sub=$!
pids="$pids $sub"
n=0
until [ -e "$tmp/alice/ready" ]; do
    n=$((n + 1)); [ $n -gt 100 ] && { fail "the subscriber did not subscribe"; break; }
    sleep 0.1
done

# 1500 entries registered and deregistered: 3000 changes, ~3 MB.
peak=0
python3 "$here/browse_flood.py" "$tmp/rnrd.sock" flood 1500 2>"$tmp/flood.err" &
flood=$!
pids="$pids $flood"
while kill -0 $flood 2>/dev/null; do
    m=$(figure memory-used)
    [ -n "$m" ] && [ "$m" -gt "$peak" ] && peak=$m
    sleep 0.1
done
wait $flood || fail "the flood failed: $(cat "$tmp/flood.err")"
m=$(figure memory-used)
[ "$m" -gt "$peak" ] && peak=$m
# The subscriber's queue is capped at max-output-per-client (plus the
# frame that crossed it); the rest is the connections' own buffers.
limit=$((base + OUTCAP + 256 * 1024))
[ "$peak" -le "$limit" ] ||
    fail "memory-used peaked at $peak bytes (from $base; bound $limit)"
dropped=$(figure changes-dropped)
[ "${dropped:-0}" -gt 0 ] || fail "no change was counted as dropped ($dropped)"

# Now alice reads: the notice, then what happens after it.
touch "$tmp/go"
sleep 0.5
ctl register tcp:5000 after --ns NS_NDS --addr 192.0.2.7:5000 --persistent >/dev/null ||
    fail "register after"
wait $sub || fail "the subscriber failed: $(cat "$tmp/sub.err")"
grep -q '^3 -$' "$tmp/alice/seen" || fail "no OVERFLOW notice among $(wc -l <"$tmp/alice/seen") changes"
sed -n '/^3 -$/,$p' "$tmp/alice/seen" | grep -q '^1 after$' ||
    fail "the change after the notice did not arrive"
[ "$(grep -c '^3 -$' "$tmp/alice/seen")" -eq 1 ] ||
    fail "more than one notice for one stretch of loss"
[ "$(wc -l <"$tmp/alice/seen")" -lt 3000 ] || fail "nothing was dropped for alice"

kill "$rnrd_pid"
wait "$rnrd_pid" 2>/dev/null
[ $? -ne 99 ] || fail "rnrd: the checker found errors"
grep -q 'AddressSanitizer\|runtime error' "$tmp/log" && fail "sanitizer report"
[ $fails -eq 0 ] || { echo "peak $peak, base $base, dropped $dropped"; tail -20 "$tmp/log"; exit 1; }
echo "browse_overflow: peak memory-used $peak (base $base), $dropped changes dropped"
exit 0
