#!/bin/sh
# SPDX-License-Identifier: MIT
# rnrd and rnrctl as an administrator uses them: --check-config, lookups
# and classes from the shell, permission errors for an unprivileged user
# (setpriv), SIGHUP reload (a broken file is refused, a good one applied),
# SIGTERM.  Everything lives in a temporary directory; only an AF_UNIX
# socket is used.
top_srcdir=${srcdir:-.}
RNRD=${RNRD:-./daemon/rnrd}
RNRCTL=${RNRCTL:-./client/rnrctl/rnrctl}
moddir=$(pwd)/providers/.libs
[ -x "$RNRD" ] && [ -x "$RNRCTL" ] || { echo "run from the build directory" >&2; exit 99; }

tmp=$(mktemp -d /tmp/rnrd_cli.XXXXXX) || exit 99
chmod 755 "$tmp"
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
fails=0
checks=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
ok() { checks=$((checks + 1)); }

export RNR_SOCKET="$tmp/rnrd.sock"
printf '127.0.0.1 localhost\n192.0.2.10 alpha.example alpha\n' >"$tmp/hosts"
printf 'ftp 21/tcp\nhttp 80/tcp www\n' >"$tmp/services"
write_conf() { # $1 = local host name
    cat >"$tmp/rnrd.conf" <<EOC
[daemon]
user = root
socket = $tmp/rnrd.sock
state-dir = $tmp/state
module-dir = $moddir
class-dir = $tmp/classes.d

[provider hosts]
module = hosts
namespace = NS_TCPIP_HOSTS
hosts-file = $tmp/hosts
services-file = $tmp/services

[provider local]
module = local
namespace = NS_TCPIP_LOCAL
hostname = $1
EOC
}
write_conf first-name

# --check-config: good file 0; errors name file, line and key.
"$RNRD" --check-config --config "$tmp/rnrd.conf" >/dev/null 2>&1 && ok || fail "check-config of a good file"
printf '[daemon]\nsocket = /x\nbogus-key = 1\n' >"$tmp/bad.conf"
if "$RNRD" --check-config --config "$tmp/bad.conf" >/dev/null 2>"$tmp/err"; then
    fail "check-config accepted an unknown key"
elif ! grep -q "bad.conf:3" "$tmp/err" || ! grep -q "bogus-key" "$tmp/err"; then
    fail "check-config error does not name file:line and key: $(cat "$tmp/err")"
else ok; fi
printf '[provider x]\nnamespace = 12\n' >"$tmp/bad2.conf"
"$RNRD" --check-config --config "$tmp/bad2.conf" >/dev/null 2>"$tmp/err" &&
    fail "check-config accepted a provider without module" || ok

"$RNRD" --foreground --config "$tmp/rnrd.conf" 2>"$tmp/rnrd.log" &
pid=$!
i=0
until "$RNRCTL" providers >/dev/null 2>&1; do
    i=$((i + 1)); [ $i -gt 200 ] && { fail "rnrd did not start"; cat "$tmp/rnrd.log" >&2; exit 1; }
    sleep 0.05
done

# A second daemon on the same socket refuses to start.
if "$RNRD" --foreground --config "$tmp/rnrd.conf" 2>"$tmp/err2"; then
    fail "second rnrd started on the same socket"
else ok; fi

"$RNRCTL" providers >"$tmp/out" && grep -q "NS_TCPIP_HOSTS" "$tmp/out" && ok || fail "providers table"
"$RNRCTL" --json providers >"$tmp/out" && python3 -m json.tool "$tmp/out" >/dev/null && ok ||
    fail "providers --json is not JSON"
"$RNRCTL" lookup host alpha >"$tmp/out" && grep -q "192.0.2.10" "$tmp/out" && ok || fail "lookup host alpha"
"$RNRCTL" lookup host nosuch.example >/dev/null 2>&1; [ $? -eq 1 ] && ok || fail "not found must exit 1"
"$RNRCTL" --json lookup service www >"$tmp/out" && python3 - "$tmp/out" <<'EOP' && ok || fail "lookup service www --json"
import json, sys
r = json.load(open(sys.argv[1]))
assert any(x.get("name") == "http" for x in r), r
EOP

# Classes: install, list, show; nobody may not remove; root may.
xml="$top_srcdir/etc/examples/example-service.xml"
"$RNRCTL" class install "$xml" >/dev/null && ok || fail "class install"
"$RNRCTL" class install "$xml" >/dev/null 2>&1 && fail "second install succeeded" || ok
"$RNRCTL" class list >"$tmp/out" && grep -q "Example Service" "$tmp/out" && ok || fail "class list"
"$RNRCTL" class show "Example Service" >"$tmp/out" && grep -q "TcpPort" "$tmp/out" && ok || fail "class show"
setpriv --reuid=nobody --regid=nogroup --clear-groups "$RNRCTL" class remove "Example Service" >/dev/null 2>&1
[ $? -eq 4 ] && ok || fail "class remove as nobody must exit 4"
printf '<serviceClass id="{1-2}" name="x"/>\n' >"$tmp/broken.xml"
"$RNRCTL" class install "$tmp/broken.xml" >/dev/null 2>"$tmp/err" && fail "broken XML installed" ||
    { grep -q "broken.xml:1" "$tmp/err" && ok || fail "XML error lacks file:line: $(cat "$tmp/err")"; }

# SIGHUP: a broken file is refused and the old configuration kept.
cp "$tmp/rnrd.conf" "$tmp/good.conf"
printf '[daemon]\nmax-clients = -5\n' >"$tmp/rnrd.conf"
kill -HUP "$pid"; sleep 0.3
kill -0 "$pid" 2>/dev/null && ok || fail "rnrd died on a bad reload"
"$RNRCTL" lookup hostname >"$tmp/out" && grep -q "first-name" "$tmp/out" && ok || fail "old config not kept"
grep -q "rnrd.conf:2" "$tmp/rnrd.log" && ok || fail "reload error not logged with file:line"
# ... and a good one is applied.
write_conf second-name
kill -HUP "$pid"
i=0
until "$RNRCTL" lookup hostname 2>/dev/null | grep -q "second-name"; do
    i=$((i + 1)); [ $i -gt 100 ] && { fail "reload not applied"; break; }
    sleep 0.05
done
[ $i -le 100 ] && ok

# Installed classes survive a restart.
kill -TERM "$pid"; wait "$pid"; rc=$?; pid=
[ $rc -eq 0 ] && ok || fail "rnrd exit status $rc on SIGTERM"
[ -e "$tmp/rnrd.sock" ] && fail "socket left behind" || ok
"$RNRD" --foreground --config "$tmp/rnrd.conf" 2>>"$tmp/rnrd.log" &
pid=$!
i=0
until "$RNRCTL" providers >/dev/null 2>&1; do i=$((i + 1)); [ $i -gt 200 ] && break; sleep 0.05; done
"$RNRCTL" class show "{5D0E6B7A-1C2B-4A3D-9E8F-0A1B2C3D4E5F}" >/dev/null && ok || fail "class lost over restart"
"$RNRCTL" class remove "Example Service" >/dev/null && ok || fail "class remove as root"

echo "rnrd_cli: $checks passed, $fails failed"
[ $fails -eq 0 ]
