#!/bin/sh
# SPDX-License-Identifier: MIT
# Quick start: install dependencies, build, start rnrd on its built-in
# configuration (hosts + local providers) and show some lookups through
# rnrctl and librnr.  rnrd is stopped at the end; pass --keep to leave it
# running in the foreground instead (Ctrl-C stops it).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
keep=no
[ "${1:-}" = "--keep" ] && keep=yes

"$top/scripts/deps.sh"
build=$("$top/scripts/build.sh")

# Built-in configuration, modules from the build tree, default socket.
export RNR_MODULE_DIR="$build/providers/.libs"
rnrd="$build/daemon/rnrd"
rnrctl="$build/client/rnrctl/rnrctl"

# Started as root, rnrd switches to its own account once its socket is
# open, and refuses to run as root without one, as a package would set up.
if [ "$(id -u)" -eq 0 ] && ! getent passwd rnrd >/dev/null; then
    echo "demo: creating the system account rnrd that rnrd runs as"
    useradd --system --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin rnrd
fi

"$rnrd" --foreground &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true' EXIT INT TERM

i=0
until "$rnrctl" providers >/dev/null 2>&1; do
    i=$((i + 1))
    if [ $i -gt 100 ] || ! kill -0 "$pid" 2>/dev/null; then
        echo "demo: rnrd did not come up" >&2; exit 1
    fi
    sleep 0.05
done

run() { echo; echo "\$ rnrctl $*"; "$rnrctl" "$@" || echo "(exit $?)"; }
run providers
run lookup hostname                    # SVCID_HOSTNAME, NULL name: this host
run lookup host localhost              # gethostbyname's query
run lookup addr 127.0.0.1              # gethostbyaddr's query
run lookup service ssh/tcp             # getservbyname's query
run lookup hostname localhost --query http/tcp   # a complete transport address
run --json lookup host localhost --family inet6

if [ "$keep" = yes ]; then
    echo; echo "rnrd (pid $pid) keeps running; Ctrl-C stops it."
    wait "$pid"
fi
