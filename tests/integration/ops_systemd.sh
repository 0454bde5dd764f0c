#!/bin/sh
# SPDX-License-Identifier: MIT
# rnrd under systemd, without needing systemd running: the units pass
# `systemd-analyze verify` (skipped without systemd-analyze), the
# sysusers.d file creates their account, and rnrd
# speaks the notify protocol and takes an activated socket
# (sdnotify_check.py, skipped without python3).
top_srcdir=${srcdir:-.}
RNRD=${RNRD:-./daemon/rnrd}
RNRCTL=${RNRCTL:-./client/rnrctl/rnrctl}
[ -x "$RNRD" ] && [ -x "$RNRCTL" ] || { echo "run from the build directory" >&2; exit 99; }

tmp=$(mktemp -d /tmp/ops_systemd.XXXXXX) || exit 99
trap 'rm -rf "$tmp"' EXIT
fails=0
ran=0

# The units as built (configure's paths and account), but starting this
# build's rnrd: verify checks that ExecStart exists.
if command -v systemd-analyze >/dev/null; then
    ran=1
    rnrd_abs=$(cd "$(dirname "$RNRD")" && pwd)/$(basename "$RNRD")
    for u in rnrd.service rnrd.socket; do
        [ -f "etc/systemd/$u" ] || { echo "etc/systemd/$u not built" >&2; exit 99; }
        sed -e "s|^ExecStart=[^ ]*/rnrd |ExecStart=$rnrd_abs |" "etc/systemd/$u" >"$tmp/$u"
    done
    # Warnings about the machine (no running systemd, no /etc/machine-id)
    # are not about the units: only lines naming them count.
    (cd "$tmp" && SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no \
        "$tmp/rnrd.socket" "$tmp/rnrd.service") >"$tmp/verify.log" 2>&1
    rc=$?
    if grep "rnrd\.\(service\|socket\)" "$tmp/verify.log" >"$tmp/unit-errors"; [ -s "$tmp/unit-errors" ] ||
       [ $rc -ne 0 ]; then
        echo "FAIL: systemd-analyze verify (exit $rc):" >&2
        cat "$tmp/verify.log" >&2
        fails=$((fails + 1))
    fi
    # The hardening and the service manager's duties are there.
    for k in Type=notify Restart=always "WatchdogSec=[1-9]" NoNewPrivileges=yes \
             ProtectSystem=strict StateDirectory=rnrd RuntimeDirectory=rnrd \
             RuntimeDirectoryPreserve=yes "User=[a-z]" "CapabilityBoundingSet=\$" \
             "Wants=nss-lookup.target" "Before=nss-lookup.target" "LoadCredential=sap.key:" \
             "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK" \
             "ExecReload=/bin/kill -HUP \$MAINPID"; do
        grep -q "^$k" "$tmp/rnrd.service" || { echo "FAIL: rnrd.service lacks $k" >&2; fails=$((fails + 1)); }
    done
    ! grep -q "^DynamicUser=yes" "$tmp/rnrd.service" ||
        { echo "FAIL: rnrd.service uses a dynamic user" >&2; fails=$((fails + 1)); }
    grep -q "^ListenStream=/run/rnrd/rnrd.sock" "$tmp/rnrd.socket" ||
        { echo "FAIL: rnrd.socket does not listen on /run/rnrd/rnrd.sock" >&2; fails=$((fails + 1)); }
else
    echo "ops_systemd: systemd-analyze not installed; units not verified"
fi

# The sysusers.d file creates the account rnrd.service runs rnrd as (on
# an empty root, without writing it).
if command -v systemd-sysusers >/dev/null; then
    ran=1
    user=$(sed -n 's/^User=//p' etc/systemd/rnrd.service)
    systemd-sysusers --root="$tmp/sysroot" --dry-run "$(pwd)/etc/sysusers.d/rnrd.conf" \
        >"$tmp/sysusers.log" 2>&1
    grep -q "Creating user '$user'" "$tmp/sysusers.log" || {
        echo "FAIL: sysusers.d/rnrd.conf does not create $user:" >&2
        cat "$tmp/sysusers.log" >&2
        fails=$((fails + 1))
    }
fi

if command -v python3 >/dev/null; then
    ran=1
    mkdir "$tmp/py"
    cat >"$tmp/py/rnrd.conf" <<EOC
[daemon]
socket = $tmp/py/rnrd.sock
state-dir = $tmp/py/state
module-dir = $(pwd)/providers/.libs
class-dir = $tmp/py/classes.d
user = root

[provider hosts]
module = hosts
namespace = NS_TCPIP_HOSTS
EOC
    RNR_SOCKET=$tmp/py/rnrd.sock python3 "$top_srcdir/tests/integration/sdnotify_check.py" \
        "$RNRD" "$RNRCTL" "$tmp/py/rnrd.conf" "$tmp/py" || fails=$((fails + 1))
else
    echo "ops_systemd: python3 not installed; notify protocol not tested"
fi

[ $ran -eq 1 ] || { echo "SKIP: neither systemd-analyze nor python3"; exit 77; }
echo "ops_systemd: $fails failure(s)"
[ $fails -eq 0 ]
