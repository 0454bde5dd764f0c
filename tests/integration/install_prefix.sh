#!/bin/sh
# SPDX-License-Identifier: MIT
# ./configure --prefix=DIR && make install writes nothing outside DIR
# (DESTDIR unset): configure is run for a temporary prefix, every
# installation directory it chooses must lie below it, and this build is
# then installed with exactly those directories in a mount namespace
# where the rest of the system is read-only, so that any file written
# elsewhere (a hook, a directory from pkg-config) fails the install.
# Then make uninstall empties the prefix again.
top_srcdir=${srcdir:-.}
[ -f Makefile ] && [ -x ./daemon/rnrd ] || { echo "run from the build directory" >&2; exit 99; }
skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root for a mount namespace"
unshare -m true 2>/dev/null || skip "cannot make a mount namespace here"
top_abs=$(cd "$top_srcdir" && pwd)
[ -f "$top_abs/config.status" ] && skip "the source tree is configured in place"

tmp=$(mktemp -d /tmp/install_prefix.XXXXXX) || exit 99
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
fails=0
checks=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
ok() { checks=$((checks + 1)); }
# make without the parent's jobserver and flags (make check runs us).
mk() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u DESTDIR make "$@"; }

mkdir "$tmp/cfg"
(cd "$tmp/cfg" && "$top_abs/configure" -q --prefix="$prefix") >"$tmp/configure.log" 2>&1 ||
    { cat "$tmp/configure.log" >&2; echo "configure --prefix=$prefix failed" >&2; exit 99; }

# Every directory configure chose, expanded, lies below the prefix.
mk -s -C "$tmp/cfg" print-install-dirs >"$tmp/dirs" || exit 99
while IFS== read -r name dir; do
    # Not install directories: the prefix itself, where rnrd (or systemd)
    # makes its socket and state at run time, and the daemon account.
    case $name in prefix|rundir|statedir|daemon_user) continue ;; esac
    case $dir in
    "$prefix"/*) ok ;;
    *) fail "configure --prefix=$prefix: $name=$dir is outside the prefix" ;;
    esac
done <"$tmp/dirs"

# The directories as configure wrote them (unexpanded), for this build.
vars=""
for v in prefix exec_prefix bindir sbindir libexecdir datarootdir datadir sysconfdir \
         sharedstatedir localstatedir includedir docdir infodir htmldir dvidir pdfdir \
         psdir libdir localedir mandir nssdir systemdsystemunitdir sysusersdir \
         bashcompletiondir; do
    val=$(sed -n "s|^$v = ||p" "$tmp/cfg/Makefile")
    vars="$vars $v=$val"
done

# Read-only: every top-level directory but /tmp (the prefix), the API
# file systems and the one holding this build (make may write in it).
build_top=/$(pwd | cut -d/ -f2)
ro=""
for d in /*; do
    [ -d "$d" ] && [ ! -L "$d" ] || continue
    case $d in
    /tmp|/proc|/sys|/dev|"$build_top") ;;
    *) ro="$ro $d" ;;
    esac
done
# shellcheck disable=SC2086
unshare -m --propagation private sh -c '
    for d in $1; do mount --bind -o ro "$d" "$d" || exit 99; done
    shift
    exec env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u DESTDIR make install "$@"
' _ "$ro" $vars >"$tmp/install.log" 2>&1
rc=$?
[ $rc -ne 99 ] || { cat "$tmp/install.log" >&2; echo "cannot make the system read-only" >&2; exit 99; }
if [ $rc -eq 0 ]; then
    ok
else
    fail "make install with --prefix=$prefix wrote outside it (exit $rc):"
    grep -i "read-only\|error" "$tmp/install.log" | head -20 >&2
fi
# (Units and the sysusers.d file only where this build installs them.)
own=$(mk -s print-install-dirs)
for f in sbin/rnrd bin/rnrctl etc/rnr/rnrd.conf lib/systemd/system/rnrd.service \
         lib/sysusers.d/rnrd.conf share/man/man8/rnrd.8; do
    case $f in
    lib/systemd/*) echo "$own" | grep -qx "systemdsystemunitdir=no" && continue ;;
    lib/sysusers.d/*) echo "$own" | grep -qx "sysusersdir=no" && continue ;;
    esac
    [ -f "$prefix/$f" ] && ok || fail "make install: no $prefix/$f"
done

# shellcheck disable=SC2086
mk uninstall $vars >"$tmp/uninstall.log" 2>&1 || fail "make uninstall: $(tail -5 "$tmp/uninstall.log")"
find "$prefix" ! -type d >"$tmp/left" 2>/dev/null
[ -s "$tmp/left" ] && fail "left behind by make uninstall: $(cat "$tmp/left")" || ok

echo "install_prefix: $checks passed, $fails failed"
[ $fails -eq 0 ]
