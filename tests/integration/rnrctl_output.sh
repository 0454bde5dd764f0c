#!/bin/sh
# SPDX-License-Identifier: MIT
# rnrctl's output for people, against a real rnrd: lookup --short (the
# provider, the time, rnrd or the answer cache), colour (--color, NO_COLOR,
# a terminal), stats --reset and the hit rate, log-level at run time, one
# JSON key style and JSON errors, "did you mean", an unknown class as a
# usage error, and the socket tried named when rnrd is not there.
# Unprivileged requests run as rnrt-alice, created when missing (root
# only; those checks are skipped otherwise).
test_name=rnrctl_output
. "$(dirname "$0")/rnrd_test.sh"
has() { grep -qE -- "$2" "$tmp/$1" || fail "$3: $1 lacks /$2/: $(cat "$tmp/$1")"; }
kv() { "$RNRCTL" stats --kv | sed -n "s/^$1=//p"; }
log_has() { grep -qE -- "$1" "$tmp/rnrd.log" || fail "$2: rnrd's log lacks /$1/"; }

export RNR_SOCKET="$tmp/run/rnrd.sock"
printf '192.0.2.10 alpha.example alpha\n2001:db8::10 alpha.example alpha\n' >"$tmp/hosts"
printf 'ftp 21/tcp\nrnrtest 4242/udp\n' >"$tmp/services"
cat >"$tmp/rnrd.conf" <<EOC
[daemon]
socket = $tmp/run/rnrd.sock
state-dir = $tmp/state
module-dir = $moddir
class-dir = $tmp/classes.d
user = root

[provider hosts]
module = hosts
namespace = NS_TCPIP_HOSTS
hosts-file = $tmp/hosts
services-file = $tmp/services

[provider testprov]
module = $testprov
reusable-ms = 60000

[provider directory]
module = directory
EOC
start

# An unprivileged caller, when this runs as root.
alice=
if [ "$(id -u)" = 0 ] && command -v runuser >/dev/null; then
    for n in 1 2 3 4 5 6 7 8 9 10; do
        id -u rnrt-alice >/dev/null 2>&1 && break
        # Parallel tests may hold /etc/passwd's lock: try again.
        useradd --system --no-create-home --shell /usr/sbin/nologin rnrt-alice \
            >/dev/null 2>&1 || sleep 0.2
    done
    id -u rnrt-alice >/dev/null 2>&1 && runuser -u rnrt-alice -- "$RNRCTL" --help >/dev/null 2>&1 &&
        alice="runuser -u rnrt-alice --"
fi
[ -n "$alice" ] || echo "note: no unprivileged user: admin refusals not checked"

# ---- lookup --short: NAME: ADDRESS -- provider P, then how it was had.
addr_line='^alpha\.example: 192\.0\.2\.10 +-- provider Hosts and services files$'
trailer='^-- 2 addresses in [0-9.]+(us|ms|s), from'
expect 0 "lookup --short, fresh" -- "$RNRCTL" lookup host alpha --short --flags flushcache
has out "$addr_line" "--short"
has out '^alpha\.example: 2001:db8::10 +-- provider Hosts and services files$' "--short, inet6"
has out "$trailer rnrd\$" "--short, from rnrd"
[ "$(wc -l <"$tmp/out")" -eq 3 ] || fail "--short: 3 lines wanted: $(cat "$tmp/out")"
grep -q 'alias\|no address' "$tmp/out" && fail "--short shows the alias result"
# The fresh answer was stored: the same lookup now never leaves rnrctl.
expect 0 "lookup --short, again" -- "$RNRCTL" lookup host alpha --short
has out "$trailer the answer cache\$" "--short, from the cache"
RNR_ANSWER_CACHE=0 expect 0 "lookup --short, no cache" -- "$RNRCTL" lookup host alpha --short
has out "$trailer rnrd\$" "--short without the answer cache"
expect 2 "--short --json" -- "$RNRCTL" --json lookup host alpha --short
expect 1 "--short, nothing found" -- "$RNRCTL" lookup host nosuch.example --short
[ -s "$tmp/out" ] && fail "--short printed for nothing found: $(cat "$tmp/out")"
# A service's answer is its port.
expect 0 "lookup service --short" -- "$RNRCTL" lookup service rnrtest/udp --short
has out '^rnrtest: port 4242/udp +-- provider Hosts and services files$' "--short service"

# ---- colour: never through a pipe unless asked; NO_COLOR on a terminal.
esc=$(printf '\033')
nocolor() { grep -q "$esc\[" "$tmp/out" && fail "$1: colour: $(cat -v "$tmp/out")"; }
color() { grep -q "$esc\[1m192\.0\.2\.10$esc\[0m" "$tmp/out" || fail "$1: no colour: $(cat -v "$tmp/out")"; }
expect 0 "pipe" -- "$RNRCTL" lookup host alpha --short
nocolor "a pipe"
expect 0 "--color=always" -- "$RNRCTL" lookup host alpha --short --color=always
color "--color=always"
NO_COLOR=1 expect 0 "NO_COLOR, --color=always" -- "$RNRCTL" --color always lookup host alpha --short
color "--color=always beats NO_COLOR"
expect 2 "--color=sometimes" -- "$RNRCTL" --color=sometimes status
has err "not auto, always or never" "--color=sometimes"
expect 0 "--color=never" -- "$RNRCTL" lookup host alpha --short --color=never
nocolor "--color=never"
if command -v script >/dev/null && script -qec true /dev/null >/dev/null 2>&1; then
    # A terminal: script(1) gives the command a pty.
    tty_run() { script -qec "$*" /dev/null >"$tmp/out" 2>&1 </dev/null; }
    tty_run env TERM=xterm "$RNRCTL" lookup host alpha --short
    color "a terminal"
    tty_run env TERM=xterm NO_COLOR=1 "$RNRCTL" lookup host alpha --short
    nocolor "a terminal with NO_COLOR=1"
    tty_run env TERM=xterm NO_COLOR= "$RNRCTL" lookup host alpha --short
    color "a terminal with NO_COLOR empty"
    tty_run env TERM=xterm "$RNRCTL" --color=never lookup host alpha --short
    nocolor "a terminal with --color=never"
else
    echo "note: no script(1): colour on a terminal not checked"
fi

# ---- stats --reset: admins only; counters to zero, gauges kept.
# A subscription open across the reset: a gauge, it must not wrap when
# the subscription closes afterwards.
"$RNRCTL" browse host --ns NS_NDS >/dev/null 2>&1 &
browse_pid=$!
n=0
until [ "$(kv daemon.subscriptions)" = 1 ]; do
    n=$((n + 1)); [ $n -lt 200 ] || { fail "browse never subscribed"; break; }; sleep 0.05
done
"$RNRCTL" register host reg1 --addr 192.0.2.77 --ns NS_X500 >/dev/null || fail "register"
"$RNRCTL" lookup host reg1 --ns NS_X500 --flags flushcache >/dev/null || fail "lookup reg1"
[ "$(kv daemon.lookups-total)" -gt 0 ] || fail "no lookups counted before the reset"
[ "$(kv provider.testprov.stat.cache-hits)" -gt 0 ] || fail "no testprov hits before the reset"
if [ -n "$alice" ]; then
    expect 4 "stats --reset as alice" -- $alice "$RNRCTL" stats --reset
    has err 'WSAEACCES' "refused reset"
    [ "$(kv daemon.lookups-total)" -gt 0 ] || fail "a refused reset reset the counters"
fi
expect 0 "stats --reset" -- "$RNRCTL" stats --reset
has out '^counters reset$' "stats --reset"
log_has 'statistics reset by uid 0' "stats --reset"
[ "$(kv daemon.lookups-total)" = 0 ] || fail "daemon.lookups-total after reset: $(kv daemon.lookups-total)"
[ "$(kv provider.hosts.lookups)" = 0 ] || fail "provider.hosts.lookups after reset"
[ "$(kv provider.hosts.latency-samples)" = 0 ] || fail "latency samples after reset"
[ "$(kv provider.testprov.stat.cache-hits)" = 0 ] || fail "testprov's own figures after reset"
[ "$(kv provider.testprov.stat.registrations)" = 1 ] || fail "a gauge (registrations) was reset"
[ "$(kv daemon.subscriptions)" = 1 ] || fail "a gauge (subscriptions) was reset"
[ "$(kv daemon.answer-cache-hits)" = 0 ] || fail "answer-cache-hits after reset"
kill "$browse_pid"; wait "$browse_pid" 2>/dev/null
n=0
until [ "$(kv daemon.subscriptions)" = 0 ]; do
    n=$((n + 1))
    [ $n -lt 200 ] || { fail "subscriptions after the browser left: $(kv daemon.subscriptions)"; break; }
    sleep 0.05
done
up=$(kv daemon.uptime-ms); age=$(kv daemon.stats-age-ms)
[ "$age" -lt "$up" ] || fail "stats-age-ms $age not below uptime-ms $up after a reset"
expect 0 "stats after reset" -- "$RNRCTL" stats
has out '^testprov +cache-hit-rate +-$' "no hit rate without hits or misses"
# rnrd's answer cache: each rnrctl reports its probes as it ends, every
# one of them, even though it closes the connection right after.
probes() { echo $(($(kv daemon.answer-cache-hits) + $(kv daemon.answer-cache-misses))); }
p0=$(probes)
for i in 1 2 3 4 5 6 7 8 9 10; do
    "$RNRCTL" lookup host alpha.example >/dev/null || fail "lookup alpha.example ($i)"
done
n=0
until [ "$(probes)" -ge $((p0 + 10)) ]; do
    n=$((n + 1)); [ $n -lt 200 ] || { fail "answer-cache probes reported: $(probes), want $p0 + 10"; break; }
    sleep 0.05
done
[ "$(probes)" = $((p0 + 10)) ] || fail "answer-cache probes reported: $(probes), want $p0 + 10"
expect 0 "stats" -- "$RNRCTL" stats
has out 'answer-cache-hit-rate +[0-9.]+%$' "the answer cache's hit rate"
expect 2 "stats --reset --kv" -- "$RNRCTL" stats --reset --kv
expect 0 "stats --reset --json" -- "$RNRCTL" --json stats --reset
python3 -c 'import json,sys; assert json.load(open(sys.argv[1])) == {"reset": True}' "$tmp/out" ||
    fail "stats --reset --json: $(cat "$tmp/out")"

# ---- stats: a hit rate where a provider reports hits and misses (the
# test provider counts lookups that found a registration as hits).
"$RNRCTL" lookup host reg1 --ns NS_X500 --flags flushcache >/dev/null || fail "lookup reg1"
"$RNRCTL" lookup host nosuch --ns NS_X500 --flags flushcache >/dev/null 2>&1
expect 0 "stats" -- "$RNRCTL" stats
has out '^testprov +cache-hit-rate +50\.0%$' "stats hit rate"
expect 0 "stats --json" -- "$RNRCTL" --json stats
python3 - "$tmp/out" <<'EOP' || fail "stats --json hit rate"
import json, sys
s = json.load(open(sys.argv[1]))
p = {x["name"]: x for x in s["providers"]}
t = p["testprov"]["stats"]
assert t["cache_hits"] == 1 and t["cache_misses"] == 1 and t["cache_hit_rate"] == 0.5, t
assert "cache_hit_rate" not in p["hosts"]["stats"], p["hosts"]
EOP

# ---- log-level at run time: shown, set (admins), logged, undone by reload.
expect 0 "log-level" -- "$RNRCTL" log-level
has out '^notice$' "log-level"
grep -q 'rnrd: debug:' "$tmp/rnrd.log" && fail "debug lines before log-level debug"
if [ -n "$alice" ]; then
    expect 4 "log-level debug as alice" -- $alice "$RNRCTL" log-level debug
fi
expect 0 "log-level debug" -- "$RNRCTL" log-level debug
has out '^log level set to debug$' "log-level debug"
log_has 'notice: log level set to debug by uid 0' "log-level debug"
"$RNRCTL" lookup host alpha --flags flushcache >/dev/null
log_has 'rnrd: debug: ' "debug lines after log-level debug"
expect 0 "log-level" -- "$RNRCTL" log-level
has out '^debug$' "log-level after the change"
expect 0 "log-level err" -- "$RNRCTL" --json log-level err
python3 -c 'import json,sys; assert json.load(open(sys.argv[1])) == {"log_level": "err"}' "$tmp/out" ||
    fail "log-level --json: $(cat "$tmp/out")"
log_has 'notice: log level set to err' "a change to a quieter level is logged"
expect 0 "reload" -- "$RNRCTL" reload
expect 0 "log-level after reload" -- "$RNRCTL" log-level
has out '^notice$' "reload brings back the configuration's level"
expect 2 "log-level debgu" -- "$RNRCTL" log-level debgu
has err "did you mean 'debug'" "log-level typo"

# ---- JSON: snake_case keys everywhere; errors as JSON on stderr.
"$RNRCTL" class install "$(dirname "$0")/../../etc/examples/example-service.xml" >/dev/null 2>&1 ||
    "$RNRCTL" class install "$srcdir/etc/examples/example-service.xml" >/dev/null ||
    fail "class install"
# snake_keys DESCRIPTION: no key in the JSON document in out has '-' or '.'.
snake_keys() {
    python3 - "$tmp/out" <<'EOP' || fail "$1: keys not snake_case"
import json, sys
def keys(v):
    if isinstance(v, dict):
        for k, x in v.items():
            yield k
            yield from keys(x)
    elif isinstance(v, list):
        for x in v:
            yield from keys(x)
bad = [k for k in keys(json.load(open(sys.argv[1]))) if "-" in k or "." in k]
assert not bad, bad
EOP
}
for cmd in "status" "stats" "providers" "lookup host alpha" "class list" "log-level"; do
    # shellcheck disable=SC2086 # the words of the command
    expect 0 "--json $cmd" -- "$RNRCTL" --json $cmd
    snake_keys "--json $cmd"
done
expect 0 "--json class show" -- "$RNRCTL" --json class show "Example Service"
snake_keys "--json class show"
expect 0 "--json stats" -- "$RNRCTL" --json stats
python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["daemon"]; assert d["uptime_ms"] >= 0 and "lookups_total" in d, d' \
    "$tmp/out" || fail "stats --json daemon keys"
# json_err CODE NAME DESCRIPTION -- COMMAND: stdout empty, stderr one JSON error.
json_err() {
    code=$1; name=$2; what=$3; shift 4
    expect "$code" "$what" -- "$@"
    [ -s "$tmp/out" ] && [ "$name" != WSAHOST_NOT_FOUND ] && fail "$what: stdout not empty: $(cat "$tmp/out")"
    python3 - "$tmp/err" "$name" "$code" <<'EOP' || fail "$what: stderr is not the JSON error: $(cat "$tmp/err")"
import json, sys
e = json.load(open(sys.argv[1]))
assert e["error"] == sys.argv[2] and e["exit_status"] == int(sys.argv[3]), e
assert isinstance(e["message"], str) and "code" in e, e
EOP
}
json_err 2 usage "--json usage error" -- "$RNRCTL" --json lookup hots alpha
grep -q "did you mean 'host'" "$tmp/err" || fail "--json usage error lacks the suggestion"
json_err 1 WSAHOST_NOT_FOUND "--json nothing found" -- "$RNRCTL" --json lookup host nosuch.example
json_err 3 WSASYSNOTREADY "--json no daemon" -- "$RNRCTL" --json --socket "$tmp/none.sock" status
python3 -c 'import json,sys; e=json.load(open(sys.argv[1])); assert e["code"] == 10091 and e["socket"] == sys.argv[2], e' \
    "$tmp/err" "$tmp/none.sock" || fail "--json no daemon: code or socket: $(cat "$tmp/err")"
if [ -n "$alice" ]; then
    json_err 4 WSAEACCES "--json refused" -- $alice "$RNRCTL" --json stats --reset
fi

# ---- did you mean: commands, options, classes (aliases, ports, installed).
expect 2 "lokup" -- "$RNRCTL" lokup host alpha
has err "unknown command 'lokup'; did you mean 'lookup'\?" "command typo"
expect 2 "help stauts" -- "$RNRCTL" help stauts
has err "did you mean 'status'" "help with a typo"
expect 2 "stats --rest" -- "$RNRCTL" stats --rest
has err "unknown option '--rest'; did you mean '--reset'\?" "option typo"
expect 2 "--jsno" -- "$RNRCTL" --jsno status
has err "did you mean '--json'" "global option typo"
expect 2 "lookup --shrot" -- "$RNRCTL" lookup host alpha --shrot
has err "did you mean '--short'" "lookup option typo"
expect 2 "class hots" -- "$RNRCTL" lookup hots alpha
has err "unknown service class 'hots'; did you mean 'host'\?" "class alias typo"
expect 2 "class tpc:80" -- "$RNRCTL" lookup tpc:80 x
has err "did you mean 'tcp:80'" "tcp:PORT typo"
expect 2 "installed class typo" -- "$RNRCTL" lookup "Exmaple Service" x
has err "did you mean 'Example Service'" "installed class name typo"
expect 2 "class far from everything" -- "$RNRCTL" lookup zzzzzzzz x
has err "unknown service class 'zzzzzzzz' \(want" "unknown class"
grep -q "did you mean" "$tmp/err" && fail "a suggestion for a class near nothing"
grep -q "WSATYPE_NOT_FOUND\|nothing found" "$tmp/err" && fail "unknown class reported as not found"
# Not found stays not found.
expect 1 "lookup of a missing name" -- "$RNRCTL" lookup host nosuch.example
has err "nothing found|NOT_FOUND" "not found"

# ---- no daemon: the socket tried is named.
expect 3 "status, no daemon" -- "$RNRCTL" --socket "$tmp/none.sock" status
has err "is rnrd running\? \(tried socket $tmp/none.sock;" "socket path (operations)"
expect 3 "lookup, no daemon" -- env RNR_SOCKET="$tmp/gone.sock" "$RNRCTL" lookup host alpha
has err "tried socket $tmp/gone.sock;" "socket path (librnr)"

# ---- a provider that follows the classes is told each one once: the
# installed one as it came, and at the next start those stored.
told() { kv provider.testprov.stat.classes-told; }
[ "$(told)" = 1 ] || fail "classes told before the restart: $(told), want 1"
stop
start
nclasses=$("$RNRCTL" --json class list | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
[ "$nclasses" -ge 1 ] || fail "no class stored across the restart"
[ "$(told)" = "$nclasses" ] || fail "classes told at start-up: $(told), want $nclasses"

stop
echo "rnrctl_output: $checks passed, $fails failed"
[ $fails -eq 0 ]
