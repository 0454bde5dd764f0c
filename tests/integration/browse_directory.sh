#!/bin/sh
# SPDX-License-Identifier: MIT
# rnrctl browse on the directory, against a real rnrd:
#   1. what is registered before the browse is listed as an addition;
#      a registration, an update and a deregistration made while it
#      runs appear as + and - lines; LUP_DEEP sees below the context,
#      a browse of one container does not; SIGINT ends it with status 0;
#   2. --json: one object per line, snake_case keys;
#   3. trust (`trust = admin`): rnrt-mallory's host entry reaches neither
#      rnrt-alice's nor root's browse through NS_ALL, as their lookups
#      do not get it either; mallory's own browse and a browse naming
#      NS_NDS see it; root's entry reaches alice; the providers that
#      cannot report changes (hosts) are named;
#   4. a subscription is refused where no provider can report changes,
#      and a connection cannot hold more than its share of them.
#
# Root only (test users): exits 77 otherwise.
RNRD=${RNRD:-./daemon/rnrd}
RNRCTL=${RNRCTL:-./client/rnrctl/rnrctl}
builddir=$(pwd)
moddir=$builddir/providers/.libs
[ -x "$RNRD" ] && [ -x "$RNRCTL" ] && [ -e "$moddir/directory.so" ] ||
    { echo "run from the build directory after make" >&2; exit 99; }
if [ -x client/rnrctl/.libs/rnrctl ]; then
    RNRCTL=$builddir/client/rnrctl/.libs/rnrctl
    LD_LIBRARY_PATH=$builddir/client/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
    export LD_LIBRARY_PATH
fi
srcdir=${srcdir:-$(dirname "$0")/../..}

skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root for the test users"
command -v setpriv >/dev/null 2>&1 || skip "no setpriv"
[ -x /usr/sbin/useradd ] || skip "no useradd"
command -v python3 >/dev/null 2>&1 || skip "no python3"
# The test users run the system's python: root's PATH may hold one they
# cannot read.
PYU=/usr/bin/python3
[ -x $PYU ] || skip "no $PYU"
MALLORY=rnrt-mallory
ALICE=rnrt-alice
ensure_user() {
    n=0
    until id -u "$1" >/dev/null 2>&1; do
        /usr/sbin/useradd --system --no-create-home --home-dir /nonexistent \
            --shell /usr/sbin/nologin --user-group "$1" >/dev/null 2>&1
        n=$((n + 1)); [ $n -gt 50 ] && skip "cannot create user $1"
        id -u "$1" >/dev/null 2>&1 || sleep 0.1
    done
}
ensure_user $MALLORY
ensure_user $ALICE
setpriv --reuid=$MALLORY --regid=$MALLORY --clear-groups "$RNRCTL" --help >/dev/null 2>&1 ||
    skip "the build is not usable by $MALLORY (a directory on the way is private)"

tmp=$(mktemp -d /tmp/browse_dir.XXXXXX) || exit 99
chmod 755 "$tmp"
rnrd_pid=""
bpids=""
cleanup() {
    for p in $bpids $rnrd_pid; do kill -9 "$p" 2>/dev/null; done
    wait 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

cat >"$tmp/rnrd.conf" <<EOF
[daemon]
user = root
socket = $tmp/rnrd.sock
state-dir = $tmp/state
module-dir = $moddir
log-level = info
[provider hosts]
module = hosts
hosts-file = $tmp/hosts
[provider directory]
module = directory
EOF
printf '127.0.0.1 localhost\n' >"$tmp/hosts"
"$RNRD" --foreground --config "$tmp/rnrd.conf" 2>>"$tmp/log" &
rnrd_pid=$!

# ctl USER ARGS...: rnrctl as USER (root, or a test user without groups),
# in place of the (sub)shell: a background browse is then the process
# $! names, and gets the SIGINT.
ctl() {
    u=$1
    shift
    if [ "$u" = root ]; then
        exec "$RNRCTL" --socket "$tmp/rnrd.sock" "$@"
    else
        exec setpriv --reuid="$u" --regid="$u" --clear-groups \
            "$RNRCTL" --socket "$tmp/rnrd.sock" "$@"
    fi
}
n=0
until (ctl root providers) >/dev/null 2>&1; do
    n=$((n + 1))
    [ $n -gt 300 ] && { echo "rnrd did not start:"; cat "$tmp/log"; exit 99; }
    sleep 0.1
done
subs() { (ctl root stats --kv) 2>/dev/null | sed -n 's/^daemon\.subscriptions=//p'; }
# browse TAG USER ARGS...: rnrctl browse in the background, output in
# $tmp/TAG.out and .err; waits until rnrd holds one more subscription.
browse() {
    tag=$1
    shift
    before=$(subs)
    (ctl "$@") >"$tmp/$tag.out" 2>"$tmp/$tag.err" &
    eval "bpid_$tag=$!"
    bpids="$bpids $!"
    n=0
    while [ "$(subs)" -le "$before" ]; do
        n=$((n + 1)); [ $n -gt 100 ] && { fail "browse $tag did not subscribe"; return 1; }
        sleep 0.05
    done
    # The listing follows the subscription: let it finish.
    sleep 0.3
}
# seen TAG PATTERN: the pattern shows up in TAG's output within 5 s.
seen() {
    n=0
    until grep -q -- "$2" "$tmp/$1.out"; do
        n=$((n + 1)); [ $n -gt 50 ] && return 1
        sleep 0.1
    done
}
# stop_browse TAG: SIGINT, and its exit status must be 0.
stop_browse() {
    eval "p=\$bpid_$1"
    kill -INT "$p"
    wait "$p"
    st=$?
    [ $st -eq 0 ] || fail "browse $1 exited $st after SIGINT (stderr: $(cat "$tmp/$1.err"))"
}
reg() {
    u=$1
    shift
    (ctl "$u" register "$@" --persistent) >/dev/null 2>"$tmp/reg.err" ||
        fail "register $*: $(cat "$tmp/reg.err")"
}

# ------------------------------------------------ 1. + and - lines
reg root tcp:5000 web0 --ns NS_NDS --context '\a' --addr 192.0.2.9:5000
browse deep root browse tcp:5000 --ns NS_NDS --context '\' --flags deep
browse flat root browse tcp:5000 --ns NS_NDS --context '\'
seen deep '^+ web0 \\a tcp:192.0.2.9:5000' || fail "1: the existing web0 was not listed"
reg root tcp:5000 web1 --ns NS_NDS --context '\a' --addr 192.0.2.1:5000
seen deep '^+ web1 \\a tcp:192.0.2.1:5000 \[' || fail "1: web1's registration did not show"
reg root tcp:5000 web1 --ns NS_NDS --context '\a' --addr 192.0.2.2:5000 --multiple
seen deep '^+ web1 \\a tcp:192.0.2.1:5000 tcp:192.0.2.2:5000' ||
    fail "1: web1's second address did not show"
(ctl root deregister tcp:5000 web1 --ns NS_NDS --context '\a') >/dev/null ||
    fail "1: deregister web1"
seen deep '^- web1 \\a' || fail "1: web1's deregistration did not show"
reg root tcp:5000 web1 --ns NS_NDS --context '\a' --addr 192.0.2.1:5000
n=0
until [ "$(grep -c '^+ web1 \\a tcp:192.0.2.1:5000 \[' "$tmp/deep.out")" -eq 2 ]; do
    n=$((n + 1)); [ $n -gt 50 ] && { fail "1: web1 registered again did not show"; break; }
    sleep 0.1
done
# A new instance without an address is an addition all the same.
reg root tcp:5000 bare --ns NS_NDS --context '\a'
seen deep '^+ bare \\a \[' || fail "1: an instance without an address did not show"
reg root tcp:5000 top --ns NS_NDS --context '\' --addr 192.0.2.3:5000
seen flat '^+ top \\ tcp:192.0.2.3:5000' || fail "1: the flat browse missed top"
seen deep '^+ top \\ ' || fail "1: the deep browse missed top"
grep -q 'web1' "$tmp/flat.out" && fail "1: the browse of \\ alone saw web1 in \\a"
# Another class is not this browse's business.
reg root tcp:5001 other --ns NS_NDS --context '\a' --addr 192.0.2.4:5001
sleep 0.3
grep -q 'other' "$tmp/deep.out" && fail "1: a tcp:5000 browse saw a tcp:5001 entry"
stop_browse deep
stop_browse flat

# ------------------------------------------------------------ 2. JSON
browse json root --json browse tcp:5000 'js*' --ns NS_NDS --context '\a'
reg root tcp:5000 js1 --ns NS_NDS --context '\a' --addr 192.0.2.5:5000
(ctl root deregister tcp:5000 js1 --ns NS_NDS --context '\a') >/dev/null
seen json '"event":"remove"' || fail "2: no JSON remove event"
reg root tcp:5000 nojs --ns NS_NDS --context '\a' --addr 192.0.2.6:5000
stop_browse json
python3 - "$tmp/json.out" <<'EOF' || fail "2: JSON lines: see above"
import json, re, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
events = [(l["event"], l.get("name")) for l in lines]
assert events == [("add", "js1"), ("remove", "js1")], events
for l in lines:
    for k in l:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", k), "key not snake_case: " + k
    assert l["context"] == "\\a" and l["initial"] is False, l
    assert l["provider"].startswith("{") and l["namespace"] == 2, l
assert lines[0]["addresses"] == [{"protocol": "tcp", "remote": "192.0.2.5:5000"}], lines[0]
EOF

# ------------------------------------------------------------ 3. trust
browse alice $ALICE browse host
browse mallory $MALLORY browse host
browse root root browse host
browse nds $ALICE browse host --ns NS_NDS
grep -q 'cannot report changes.*hosts\|cannot report changes.*Hosts' "$tmp/alice.err" ||
    fail "3: the hosts provider was not named as unable to report (stderr: $(cat "$tmp/alice.err"))"
grep -q 'cannot report' "$tmp/nds.err" && fail "3: NS_NDS alone: a provider named as unable"
(ctl $MALLORY register host evil.test --ns NS_NDS --addr 10.79.0.66:0 --persistent) \
    >/dev/null 2>"$tmp/reg.err" || fail "3: mallory cannot register: $(cat "$tmp/reg.err")"
reg root host good.test --ns NS_NDS --addr 10.79.0.1:0
seen alice '^+ good.test' || fail "3: alice's browse did not see root's good.test"
seen root '^+ good.test' || fail "3: root's browse did not see good.test"
seen mallory '^+ evil.test' || fail "3: mallory's browse did not see its own evil.test"
seen nds '^+ evil.test' || fail "3: a browse naming NS_NDS did not see evil.test"
(ctl $MALLORY deregister host evil.test --ns NS_NDS) >/dev/null 2>&1 ||
    fail "3: mallory cannot deregister"
seen mallory '^- evil.test' || fail "3: mallory's browse did not see evil.test go"
sleep 0.3
grep -q 'evil' "$tmp/alice.out" && fail "3: alice's NS_ALL browse saw mallory's evil.test"
grep -q 'evil' "$tmp/root.out" && fail "3: root's NS_ALL browse saw mallory's evil.test"
# What the lookups do, for comparison: the same rule.
(ctl $ALICE lookup host evil.test) >/dev/null 2>&1 && fail "3: alice's lookup found evil.test"
for t in alice mallory root nds; do stop_browse $t; done

# -------------------------------------------- 4. refusals and the cap
out=$( (ctl root browse host --ns hosts) 2>&1)
st=$?
case "$st:$out" in 5:*WSAEOPNOTSUPP*) ;;
    *) fail "4: a browse of the hosts provider alone gave $st: $out";; esac
# As alice: root and admins get a larger share.
out=$(setpriv --reuid=$ALICE --regid=$ALICE --clear-groups \
    $PYU - "$tmp/rnrd.sock" "$(cd "$srcdir/tests/integration" && pwd)" 2>&1 <<'EOF'

import sys
sys.path.insert(0, sys.argv[2])
import rnrwire as w
c = w.Conn(sys.argv[1])
handles = []
while True:
    st, r = c.request(w.SUBSCRIBE, w.W().u32(0).queryset(cls=w.svcid(0x91388), ns=2).b)
    if st != 0:
        break
    handles.append(r.u32())
    assert len(handles) <= 64, "no cap on subscriptions"
assert st == 10024, "the refusal was %d, not WSAEMFILE" % st   # WSAEMFILE
assert len(handles) == 16, len(handles)
# LOOKUP_END ends one; then there is room for one more.
st, r = c.request(w.LOOKUP_END, w.W().u32(handles[0]).b)
assert st == 0, st
st, r = c.request(w.LOOKUP_END, w.W().u32(handles[0]).b)
assert st == 6, "ending it twice gave %d" % st   # WSA_INVALID_HANDLE
st, r = c.request(w.SUBSCRIBE, w.W().u32(0).queryset(cls=w.svcid(0x91388), ns=2).b)
assert st == 0, st
# Containers cannot be watched; a truncated body ends the connection.
st, r = c.request(w.SUBSCRIBE, w.W().u32(0x0002).queryset(cls=w.svcid(0x91388), ns=2).b)
assert st == 10022, st   # WSAEINVAL
c.send(w.frame(w.SUBSCRIBE, 99, w.W().u32(0).b))
assert c.is_closed(), "a truncated SUBSCRIBE did not end the connection"
print("capped")
EOF
)
[ "$out" = capped ] || fail "4: the cap and refusals: $out"

kill "$rnrd_pid"
wait "$rnrd_pid" 2>/dev/null
[ $? -ne 99 ] || fail "rnrd: the checker found errors"
grep -q 'AddressSanitizer\|runtime error' "$tmp/log" && fail "sanitizer report"
[ $fails -eq 0 ] || { for f in "$tmp"/*.out "$tmp"/*.err; do echo "--- $f"; cat "$f"; done
                      echo "--- log"; tail -30 "$tmp/log"; exit 1; }
echo "browse_directory: all passed"
exit 0
