#!/bin/sh
# SPDX-License-Identifier: MIT
# rnrd run as the built rnrd.socket and rnrd.service would run it: the
# daemon account, systemd's runtime and state directories, a read-only
# /usr, socket activation, the watchdog and the sap key as a credential;
# the answer cache must be on (unit_check.py plays systemd).
top_srcdir=${srcdir:-.}
[ -x ./daemon/rnrd ] && [ -x ./client/rnrctl/rnrctl ] && [ -f etc/systemd/rnrd.service ] ||
    { echo "run from the build directory" >&2; exit 99; }
skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root (a mount namespace, other users)"
for c in python3 unshare setpriv mount useradd systemd-socket-activate; do
    command -v $c >/dev/null 2>&1 || skip "no $c"
done
unshare -m true 2>/dev/null || skip "cannot make a mount namespace here"

tmp=$(mktemp -d /tmp/systemd_unit.XXXXXX) || exit 99
chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT
# Private mounts: what the test mounts never reaches the host.
unshare -m --propagation private python3 "$top_srcdir/tests/integration/unit_check.py" \
    "$(pwd)" "$tmp" rnrt-alice
