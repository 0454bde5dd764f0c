#!/bin/sh
# SPDX-License-Identifier: MIT
# rnrd --check-config on broken files: misspelt keys in [daemon] and in
# the section of every built-in provider, values of the wrong type, and a
# file with many errors, each listed with file:line (and a suggestion for
# a misspelt key), in file order, with exit status 1.  Then the same
# validation at start-up (rnrd refuses to start) and on SIGHUP (the
# running configuration is kept).  Only AF_UNIX sockets are used: the
# sap provider is checked, never started.
RNRD=${RNRD:-./daemon/rnrd}
RNRCTL=${RNRCTL:-./client/rnrctl/rnrctl}
moddir=$(pwd)/providers/.libs
testprov=$(pwd)/tests/integration/.libs/testprov.so
[ -x "$RNRD" ] && [ -x "$RNRCTL" ] || { echo "run from the build directory" >&2; exit 99; }

tmp=$(mktemp -d /tmp/check_config.XXXXXX) || exit 99
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
fails=0
checks=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
ok() { checks=$((checks + 1)); }

export RNR_SOCKET="$tmp/rnrd.sock"
printf '127.0.0.1 localhost\n192.0.2.10 alpha.example alpha\n' >"$tmp/hosts"
printf 'ftp 21/tcp\n' >"$tmp/services"

daemon_section() {
    cat <<EOC
[daemon]
user = root
socket = $tmp/rnrd.sock
state-dir = $tmp/state
module-dir = $moddir
class-dir = $tmp/classes.d
EOC
}

# A file using every built-in provider and a good value of most keys.
good_conf() {
    daemon_section
    cat <<EOC

[provider hosts]
module = hosts
hosts-file = $tmp/hosts
services-file = $tmp/services

[provider local]
module = local
hostname = first-name
services-file = $tmp/services

[provider dns]
module = dns
enabled = no
servers = 192.0.2.53, [2001:db8::53]:5353
search = example.org example.net
ndots = 1
timeout-ms = 2000
attempts = 2
cache-size = 100
cache-min-ttl = 0
cache-max-ttl = 3600
negative-ttl = 60
servfail-ttl = 5
resolv-conf = /etc/resolv.conf
services-file = $tmp/services

[provider directory]
module = directory
enabled = no
default-context = \\org
strict-classes = yes
snapshot-min-records = 100
trust = ALL
quota-entries = 10
quota-bytes = 4096

[provider sap]
module = sap
enabled = off
port = 7571
interfaces = lo, eth0
ipv4 = Multicast
ipv6 = off
group4 = 239.255.82.83
group6 = ff02::7571
interval = 60
reply-window-ms = 500
max-entries = 100
max-entries-per-sender = 10
key-file = /nonexistent/sap.key
max-clock-skew = 30
trust = admin
quota-entries = 5
quota-bytes = 1000
services-dir = $tmp/services.d

[provider undeclared]
module = $testprov
delay-ms = 0
anything-goes = 1
EOC
}

# $1: file, then expected lines (fixed strings) that stderr must hold.
expect_errors() {
    f=$1
    shift
    if "$RNRD" --check-config --config "$f" >"$tmp/out" 2>"$tmp/err"; then
        fail "--check-config accepted $(basename "$f")"
        return
    fi
    for want in "$@"; do
        if grep -qF -- "$want" "$tmp/err"; then ok; else
            fail "$(basename "$f"): no '$want' in: $(cat "$tmp/err")"
        fi
    done
}

# ---- a good file passes, modules without a key table take any key
good_conf >"$tmp/good.conf"
if "$RNRD" --check-config --config "$tmp/good.conf" >"$tmp/out" 2>"$tmp/err"; then
    grep -q "configuration OK (6 provider(s)" "$tmp/out" && ok ||
        fail "good file: $(cat "$tmp/out")"
else
    fail "--check-config refused the good file: $(cat "$tmp/err")"
fi

# ---- a misspelt key in [daemon] and in every built-in provider's section
{
    daemon_section
    cat <<EOC
sokcet = /x
[provider hosts]
module = hosts
hosts-flie = /etc/hosts
[provider local]
module = local
hostnmae = x
[provider dns]
module = dns
server = 192.0.2.1
[provider directory]
module = directory
enabeld = yes
[provider sap]
module = sap
enabled = no
max-clock-skw = 10
EOC
} >"$tmp/typo.conf"
expect_errors "$tmp/typo.conf" \
    "typo.conf:7: [daemon] sokcet: unknown key; did you mean \`socket\`?" \
    "typo.conf:10: [provider hosts] hosts-flie: unknown key for module hosts; did you mean \`hosts-file\`?" \
    "typo.conf:13: [provider local] hostnmae: unknown key for module local; did you mean \`hostname\`?" \
    "typo.conf:16: [provider dns] server: unknown key for module dns; did you mean \`servers\`?" \
    "typo.conf:19: [provider directory] enabeld: unknown key for module directory; did you mean \`enabled\`?" \
    "typo.conf:23: [provider sap] max-clock-skw: unknown key for module sap; did you mean \`max-clock-skew\`?" \
    "typo.conf: 6 error(s)"
# A key like none of the known ones gets no (wrong) suggestion.
grep -F "hosts-flie" "$tmp/err" | grep -q "did you mean" && ok || fail "suggestion missing"
printf '[daemon]\ncompletely-unrelated = 1\n' >"$tmp/norel.conf"
expect_errors "$tmp/norel.conf" "norel.conf:2: [daemon] completely-unrelated: unknown key"
grep -q "did you mean" "$tmp/err" && fail "suggested something for an unrelated key" || ok

# ---- values of the wrong type, in every kind of declared type
{
    daemon_section
    cat <<EOC
max-clients = 0
[provider hosts]
module = hosts
enabled = maybe
[provider dns]
module = dns
servers = 1.2.3.4:99999
ndots = 99
cache-min-ttl = 600
cache-max-ttl = 60
[provider directory]
module = directory
trust = some
strict-classes = perhaps
default-context = org
[provider sap]
module = sap
enabled = no
port = 99999
ipv4 = unicast
group4 = 192.0.2.1
EOC
} >"$tmp/values.conf"
expect_errors "$tmp/values.conf" \
    "values.conf:7: [daemon] max-clients: '0' is not a number from 1 to 1000000" \
    "values.conf:10: [provider hosts] enabled: 'maybe' is not yes, no, true, false, on, off, 1 or 0" \
    "values.conf:13: [provider dns] servers: '1.2.3.4:99999' is not ADDRESS, ADDRESS:PORT or [IPV6]:PORT (port 1 to 65535)" \
    "values.conf:14: [provider dns] ndots: '99' is not a number from 0 to 15" \
    "values.conf:15: [provider dns] cache-min-ttl: 600 is larger than cache-max-ttl (60)" \
    "values.conf:19: [provider directory] trust: 'some' is not one of admin, all" \
    "values.conf:20: [provider directory] strict-classes: 'perhaps' is not yes, no" \
    "values.conf:21: [provider directory] default-context: 'org' is not an absolute path" \
    "values.conf:25: [provider sap] port: '99999' is not a number from 1 to 65535" \
    "values.conf:26: [provider sap] ipv4: 'unicast' is not one of broadcast, multicast, off" \
    "values.conf:27: [provider sap] group4: '192.0.2.1': not an IPv4 multicast address" \
    "values.conf: 11 error(s)"
# Listed in file order, every one of them.
grep -o 'values.conf:[0-9][0-9]*' "$tmp/err" | cut -d: -f2 >"$tmp/lines"
sort -n "$tmp/lines" | cmp -s - "$tmp/lines" && ok || fail "errors not in file order: $(cat "$tmp/err")"
[ "$(wc -l <"$tmp/lines")" -eq 11 ] && ok || fail "expected 11 errors: $(cat "$tmp/err")"

# ---- a module that does not load is an error for --check-config
printf '[provider gone]\nmodule = nosuchmodule\n' >"$tmp/gone.conf"
expect_errors "$tmp/gone.conf" "gone.conf:2: [provider gone] module:"

# ---- start-up refuses a provider key error, and says why
{ good_conf; printf "[provider hosts2]\nmodule = hosts\nenabled = no\nhosts-flie = %s/hosts\n" "$tmp"; } \
    >"$tmp/start.conf"
"$RNRD" --foreground --config "$tmp/start.conf" >"$tmp/start.out" 2>&1 &
spid=$!
i=0
while kill -0 "$spid" 2>/dev/null; do
    i=$((i + 1))
    [ $i -gt 100 ] && { kill "$spid"; fail "rnrd started with a misspelt provider key"; break; }
    sleep 0.05
done
wait "$spid"
rc=$?
[ $rc -ne 0 ] && ok || fail "rnrd exit status $rc for a bad provider key"
grep -qF "start.conf:71: [provider hosts2] hosts-flie: unknown key for module hosts; did you mean \`hosts-file\`?" \
    "$tmp/start.out" && ok || fail "start-up did not say why: $(cat "$tmp/start.out")"
grep -q "not starting" "$tmp/start.out" && ok || fail "start-up refusal not said: $(cat "$tmp/start.out")"
[ -e "$tmp/rnrd.sock" ] && fail "socket created by a refused start-up" || ok

# ---- reload: a provider key error is refused, the running file kept
good_conf >"$tmp/rnrd.conf"
"$RNRD" --foreground --config "$tmp/rnrd.conf" 2>"$tmp/rnrd.log" &
pid=$!
i=0
until "$RNRCTL" providers >/dev/null 2>&1; do
    i=$((i + 1))
    [ $i -gt 200 ] && { fail "rnrd did not start: $(cat "$tmp/rnrd.log")"; exit 1; }
    sleep 0.05
done
"$RNRCTL" lookup hostname >"$tmp/out" 2>&1 && grep -q first-name "$tmp/out" && ok ||
    fail "lookup hostname: $(cat "$tmp/out")"
sed -e 's/^hostname = first-name/hostname = second-name\nhostnaem = x/' "$tmp/good.conf" \
    >"$tmp/rnrd.conf"
kill -HUP "$pid"
i=0
until grep -q "keeping the running configuration" "$tmp/rnrd.log"; do
    i=$((i + 1)); [ $i -gt 100 ] && break; sleep 0.05
done
kill -0 "$pid" 2>/dev/null && ok || fail "rnrd died on a bad reload"
grep -qF "rnrd.conf:16: [provider local] hostnaem: unknown key for module local; did you mean \`hostname\`?" \
    "$tmp/rnrd.log" && ok || fail "reload error not logged: $(cat "$tmp/rnrd.log")"
"$RNRCTL" lookup hostname >"$tmp/out" 2>&1 && grep -q first-name "$tmp/out" && ok ||
    fail "old configuration not kept: $(cat "$tmp/out")"
# ... and the same file fixed is applied.
sed -e 's/^hostname = first-name/hostname = second-name/' "$tmp/good.conf" >"$tmp/rnrd.conf"
kill -HUP "$pid"
i=0
until "$RNRCTL" lookup hostname 2>/dev/null | grep -q second-name; do
    i=$((i + 1)); [ $i -gt 100 ] && { fail "fixed file not applied"; break; }
    sleep 0.05
done
[ $i -le 100 ] && ok
kill -TERM "$pid"; wait "$pid"; pid=

echo "check_config: $checks passed, $fails failed"
[ $fails -eq 0 ]
