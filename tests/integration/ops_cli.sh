#!/bin/sh
# SPDX-License-Identifier: MIT
# rnrd operations from the shell: rnrctl status, stats (table,
# --kv, --json), reload, cache flush and control through the test
# provider's stats and control slots; who may do what (setpriv); a second
# rnrd on the same socket; the privilege drop, read from /proc/PID/status.
# Everything lives in a temporary directory; only AF_UNIX sockets.
test_name=ops_cli
. "$(dirname "$0")/rnrd_test.sh"
kv() { sed -n "s/^$1=//p" "$tmp/kv"; }
stats_kv() { "$RNRCTL" stats --kv >"$tmp/kv" || fail "stats --kv"; }

export RNR_SOCKET="$tmp/run/rnrd.sock"
printf '127.0.0.1 localhost\n192.0.2.10 alpha.example alpha\n' >"$tmp/hosts"
write_conf() { # $1: extra [daemon] lines, $2: enabled value of [provider off]
    cat >"$tmp/rnrd.conf" <<EOC
[daemon]
socket = $tmp/run/rnrd.sock
state-dir = $tmp/state
module-dir = $moddir
class-dir = $tmp/classes.d
${1:-user = root}

[provider hosts]
module = hosts
namespace = NS_TCPIP_HOSTS
hosts-file = $tmp/hosts

[provider testprov]
module = $testprov

[provider off]
module = local
namespace = NS_TCPIP_LOCAL
enabled = $2

[provider broken]
module = nosuchmodule
namespace = NS_NIS
EOC
}
write_conf "" no
start

# --help of every new command; --version.
for cmd in status stats reload cache control; do
    expect 0 "$cmd --help" -- "$RNRCTL" $cmd --help
    grep -q "^Usage: rnrctl $cmd" "$tmp/out" && ok || fail "$cmd --help text"
done
expect 0 "--version" -- "$RNRCTL" --version
grep -q "^rnrctl (rnr) [0-9]" "$tmp/out" && ok || fail "--version: $(cat "$tmp/out")"
expect 2 "stats with an argument" -- "$RNRCTL" stats extra
expect 2 "cache without flush" -- "$RNRCTL" cache
expect 2 "cache frobnicate" -- "$RNRCTL" cache frobnicate
expect 2 "stats --kv --json" -- "$RNRCTL" --json stats --kv

# status: version, pid and each provider's state.
expect 0 "status" -- "$RNRCTL" status
grep -q "^rnrd $("$RNRD" --version | cut -d' ' -f2), pid $pid, up " "$tmp/out" && ok ||
    fail "status header: $(head -n1 "$tmp/out")"
for p in "hosts .*started" "testprov .*started" "off .*disabled" "broken .*inactive"; do
    grep -q "^$p" "$tmp/out" && ok || fail "status lacks '$p': $(cat "$tmp/out")"
done
expect 0 "status --json" -- "$RNRCTL" --json status
python3 - "$tmp/out" "$pid" <<'EOP' && ok || fail "status --json"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["pid"] == int(sys.argv[2]), s
st = {p["name"]: p["state"] for p in s["providers"]}
assert st == {"hosts": "started", "testprov": "started", "off": "disabled",
              "broken": "inactive"}, st
assert [p["name"] for p in s["providers"]] == ["hosts", "testprov", "off", "broken"]
h = s["providers"][0]
assert h["namespace_name"] == "NS_TCPIP_HOSTS" and h["module"] == "hosts", h
assert h["id"] == "{8C6B8C1E-3F2A-4D55-9B0E-6A1F2C3D4E01}", h
EOP

# stats: the daemon counts lookups, results and errors per provider and
# measures their latency; provider figures come through unchanged.
"$RNRCTL" register host reg1 --addr 192.0.2.77 --ns NS_X500 >/dev/null ||
    fail "register on testprov"
for i in 1 2 3; do "$RNRCTL" lookup host alpha >/dev/null || fail "lookup alpha"; done
"$RNRCTL" lookup host testprov-try-again >/dev/null 2>&1
stats_kv
[ "$(kv provider.hosts.lookups)" = 4 ] && ok || fail "hosts lookups $(kv provider.hosts.lookups), want 4"
[ "$(kv provider.testprov.lookups)" = 4 ] && ok || fail "testprov lookups, want 4"
[ "$(kv provider.hosts.latency-samples)" = 4 ] && ok || fail "hosts latency samples, want 4"
[ "$(kv provider.hosts.results)" -ge 3 ] && ok || fail "hosts results $(kv provider.hosts.results)"
[ "$(kv provider.testprov.results)" = 0 ] && ok || fail "testprov results"
[ "$(kv provider.testprov.errors)" = 1 ] && ok || fail "testprov errors $(kv provider.testprov.errors), want 1 (WSATRY_AGAIN)"
[ "$(kv provider.hosts.errors)" = 0 ] && ok || fail "hosts errors: not found is no error"
p50=$(kv provider.hosts.latency-p50-us); p90=$(kv provider.hosts.latency-p90-us)
p99=$(kv provider.hosts.latency-p99-us)
[ "$p50" -le "$p90" ] && [ "$p90" -le "$p99" ] && ok || fail "percentiles out of order: $p50 $p90 $p99"
[ "$(kv provider.off.lookups)" = 0 ] && [ "$(kv provider.off.latency-p99-us)" = 0 ] && ok ||
    fail "disabled provider has figures"
[ "$(kv provider.testprov.stat.registrations)" = 1 ] && ok || fail "testprov's own figure registrations"
grep -qi "bad key\|stat\.=" "$tmp/kv" && fail "malformed provider keys passed on" || ok
[ "$(kv daemon.clients)" = 1 ] && ok || fail "daemon.clients $(kv daemon.clients), want 1 (this rnrctl)"
[ "$(kv daemon.lookups-open)" = 0 ] && ok || fail "daemon.lookups-open"
[ "$(kv daemon.lookups-total)" = 4 ] && ok || fail "daemon.lookups-total $(kv daemon.lookups-total), want 4"
[ "$(kv daemon.providers-started)" = 2 ] && ok || fail "daemon.providers-started"
expect 0 "stats table" -- "$RNRCTL" stats
grep -q "^hosts  *4  " "$tmp/out" && ok || fail "stats table: $(cat "$tmp/out")"
grep -q "^testprov  *registrations  *1" "$tmp/out" && ok || fail "stats table lacks provider figures"
expect 0 "stats --json" -- "$RNRCTL" --json stats
python3 - "$tmp/out" <<'EOP' && ok || fail "stats --json"
import json, sys
s = json.load(open(sys.argv[1]))
p = {x["name"]: x for x in s["providers"]}
assert p["hosts"]["lookups"] == 4 and p["hosts"]["latency_us"]["samples"] == 4, p["hosts"]
assert p["testprov"]["stats"]["registrations"] == 1, p["testprov"]
assert s["daemon"]["clients"] == 1, s["daemon"]
EOP

# cache flush and control, routed to the provider's control slot.
expect 0 "cache flush" -- "$RNRCTL" cache flush
grep -q "^testprov: cache-flush done" "$tmp/out" && ok || fail "cache flush output: $(cat "$tmp/out")"
expect 0 "cache flush NAME" -- "$RNRCTL" cache flush --provider testprov www.example
stats_kv
[ "$(kv provider.testprov.stat.flushes)" = 2 ] && [ "$(kv provider.testprov.stat.flushes-named)" = 1 ] &&
    ok || fail "flushes did not reach testprov: $(kv provider.testprov.stat.flushes)"
expect 5 "cache flush of a provider without control" -- "$RNRCTL" cache flush --provider hosts
grep -q WSAEOPNOTSUPP "$tmp/err" && ok || fail "no control slot must be WSAEOPNOTSUPP"
expect 5 "cache flush of an unknown provider" -- "$RNRCTL" cache flush --provider nosuch
expect 1 "cache flush of a disabled provider" -- "$RNRCTL" cache flush --provider off
expect 5 "control: provider failure" -- "$RNRCTL" control testprov fail
grep -q WSANO_RECOVERY "$tmp/err" && ok || fail "control status not passed back"
expect 5 "control: unknown command" -- "$RNRCTL" control testprov frobnicate
expect 0 "control --json" -- "$RNRCTL" --json control testprov cache-flush
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r==[{"provider":"testprov","status":"ok"}], r' \
    "$tmp/out" && ok || fail "control --json"
# Admin only.
if command -v setpriv >/dev/null && [ "$(id -u)" -eq 0 ]; then
    expect 4 "cache flush as nobody" -- setpriv --reuid=nobody --regid=nogroup --clear-groups \
        "$RNRCTL" cache flush
    expect 4 "reload as nobody" -- setpriv --reuid=nobody --regid=nogroup --clear-groups \
        "$RNRCTL" reload
    expect 0 "status as nobody" -- setpriv --reuid=nobody --regid=nogroup --clear-groups \
        "$RNRCTL" status
    stats_kv
    [ "$(kv provider.testprov.stat.flushes)" = 3 ] && ok || fail "a refused flush reached the provider"
fi

# reload: applied (the disabled provider comes up) or refused (errors).
write_conf "" yes
expect 0 "reload" -- "$RNRCTL" reload
"$RNRCTL" status | grep -q "^off .*started" && ok || fail "reload not applied"
cp "$tmp/rnrd.conf" "$tmp/good.conf"
printf '[daemon]\nmax-clients = many\n' >"$tmp/rnrd.conf"
expect 5 "reload of a broken file" -- "$RNRCTL" reload
grep -q "configuration has errors" "$tmp/err" && ok || fail "reload error text: $(cat "$tmp/err")"
"$RNRCTL" status | grep -q "^off .*started" && ok || fail "broken reload changed the providers"
stats_kv
[ "$(kv daemon.reloads)" = 2 ] && [ "$(kv daemon.reload-errors)" = 1 ] && ok ||
    fail "reload counters $(kv daemon.reloads)/$(kv daemon.reload-errors)"
# Counters survive a reload for providers that carry on.
[ "$(kv provider.hosts.lookups)" = 4 ] && ok || fail "reload reset the hosts counters"
cp "$tmp/good.conf" "$tmp/rnrd.conf"

# A second rnrd on the same socket refuses, saying why, and the first
# one keeps serving.
expect 1 "second rnrd" -- "$RNRD" --foreground --config "$tmp/rnrd.conf"
grep -q "another rnrd is already listening" "$tmp/err" && ok || fail "second rnrd message: $(cat "$tmp/err")"
"$RNRCTL" status >/dev/null && ok || fail "first rnrd hurt by the second"
# Nor on another socket with the same state directory.
expect 1 "second rnrd, same state" -- "$RNRD" --foreground --config "$tmp/rnrd.conf" \
    --socket "$tmp/other.sock"
grep -q "state directory in use by another rnrd, pid $pid" "$tmp/err" && ok ||
    fail "same state message: $(cat "$tmp/err")"
[ -e "$tmp/other.sock" ] && fail "refused rnrd left its socket" || ok
"$RNRCTL" status >/dev/null && ok || fail "first rnrd hurt by the second"
stop

# Logs: one line per event with its level; under systemd's journal
# stream (JOURNAL_STREAM names stderr) with sd-daemon "<N>" priorities.
: >"$tmp/journal.log"
JOURNAL_STREAM=$(stat -c '%d:%i' "$tmp/journal.log") \
    "$RNRD" --foreground --config "$tmp/rnrd.conf" 2>>"$tmp/journal.log" &
pid=$!
i=0
until "$RNRCTL" status >/dev/null 2>&1; do i=$((i + 1)); [ $i -gt 200 ] && break; sleep 0.05; done
stop
grep -q '^<5>listening on ' "$tmp/journal.log" && grep -q '^<3>provider broken: ' "$tmp/journal.log" &&
    ok || fail "journal priorities: $(cat "$tmp/journal.log")"
grep -v '^<[0-7]>' "$tmp/journal.log" | grep -q . && fail "unprefixed journal lines" || ok
grep -q '^rnrd: notice: listening on ' "$tmp/rnrd.log" && ok || fail "stderr log lines: level prefix"

# Privilege drop: root only.  The providers start after the drop, so the
# user must be able to read the modules.
if [ "$(id -u)" -ne 0 ]; then
    echo "ops_cli: privilege drop not tested (not root)"
elif ! setpriv --reuid=nobody --regid=nogroup --clear-groups test -r "$moddir/hosts.so" 2>/dev/null; then
    echo "ops_cli: privilege drop not tested (nobody cannot read $moddir)"
else
    ids() { # FIELD of /proc/PID/status, e.g. Uid
        sed -n "s/^$1:[[:space:]]*//p" "/proc/$pid/status" | tr -s ' \t' ' '
    }
    nuid=$(id -u nobody); ngid=$(getent group nogroup | cut -d: -f3)
    rm -rf "$tmp/state" "$tmp/run"
    write_conf "user = nobody
group = nogroup" no
    # The socket directory rnrd made is handed to nobody: a client trusts
    # it only when told that nobody runs the daemon (nsp/peer.h).
    export RNR_DAEMON_USER=nobody
    start
    [ "$(ids Uid)" = "$nuid $nuid $nuid $nuid" ] && ok || fail "Uid after drop: $(ids Uid)"
    [ "$(ids Gid)" = "$ngid $ngid $ngid $ngid" ] && ok || fail "Gid after drop: $(ids Gid)"
    [ "$(ids Groups)" = "$ngid " ] || [ "$(ids Groups)" = "$ngid" ] && ok ||
        fail "supplementary groups after drop: '$(ids Groups)'"
    [ "$(ids CapEff)" = 0000000000000000 ] && ok || fail "capabilities left: $(ids CapEff)"
    [ "$(stat -c %u "$tmp/state")" = "$nuid" ] && [ "$(stat -c %u "$tmp/state/classes")" = "$nuid" ] &&
        ok || fail "state directory not handed over"
    # The dropped daemon still writes its state (class store) ...
    "$RNRCTL" class install "${srcdir:-.}/etc/examples/example-service.xml" >/dev/null &&
        ok || fail "class install after the drop"
    # ... serves, and removes its socket at exit.
    "$RNRCTL" lookup host alpha >/dev/null && ok || fail "lookup after the drop"
    stop
    [ -e "$tmp/run/rnrd.sock" ] && fail "socket left behind after the drop" || ok
    # An unknown user is an error, not a daemon left running as root.
    unset RNR_DAEMON_USER
    rm -rf "$tmp/state" "$tmp/run"
    write_conf "user = no-such-user-rnr" no
    expect 1 "unknown user" -- "$RNRD" --foreground --config "$tmp/rnrd.conf"
    grep -q "no-such-user-rnr: no such user" "$tmp/err" && ok || fail "unknown user message"
    # user = root stays root, silently.
    write_conf "user = root" no
    : >"$tmp/rnrd.log"
    start
    [ "$(ids Uid)" = "0 0 0 0" ] && ok || fail "user = root dropped: $(ids Uid)"
    grep -q "running as root" "$tmp/rnrd.log" && fail "user = root warned" || ok
    stop
fi

echo "ops_cli: $checks passed, $fails failed"
[ $fails -eq 0 ]
