#!/bin/sh
# SPDX-License-Identifier: MIT
# A tree configured with another prefix, state directory, run directory
# and daemon account than the defaults: the manual pages and the
# rnrd.conf it installs name exactly those, and never /usr/local, /run or
# the default account.  Only what the path substitution makes is built
# and installed (make install-man install-rnrconfDATA, and the systemd
# unit: no compiling), in
# a temporary build directory configured from this source tree.
top_srcdir=${srcdir:-.}
abs_top_srcdir=$(cd "$top_srcdir" && pwd)
[ -f Makefile ] || { echo "run from the build directory" >&2; exit 99; }
[ -x "$abs_top_srcdir/configure" ] || { echo "SKIP: no configure in $abs_top_srcdir"; exit 77; }
# configure refuses a second build directory when the source tree is
# configured in place.
[ -f "$abs_top_srcdir/config.status" ] && { echo "SKIP: $abs_top_srcdir is configured in place"; exit 77; }

tmp=$(mktemp -d /tmp/install_paths.XXXXXX) || exit 99
trap 'rm -rf "$tmp"' EXIT
fails=0
checks=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
ok() { checks=$((checks + 1)); }
mk() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make "$@"; }

p=$tmp/opt/rnr
mkdir "$tmp/build" && cd "$tmp/build" || exit 99
"$abs_top_srcdir/configure" -q --prefix="$p" --localstatedir="$tmp/state" \
    --runstatedir="$tmp/rundir" --with-daemon-user=rnrtestacct \
    --with-systemdsystemunitdir=no >configure.log 2>&1 ||
    { cat configure.log >&2; echo "FAIL: configure --prefix=$p" >&2; exit 1; }
mk -s install-man install-rnrconfDATA etc/systemd/rnrd.service >install.log 2>&1 ||
    { cat install.log >&2; echo "FAIL: make install-man install-rnrconfDATA" >&2; exit 1; }

conf=$p/etc/rnr/rnrd.conf
man=$p/share/man
[ -f "$conf" ] && ok || { echo "FAIL: no $conf" >&2; exit 1; }
for f in man8/rnrd.8 man5/rnrd.conf.5 man1/rnrctl.1 man3/librnr.3 man8/libnss_rnr.8 man7/rnr-nsp.7 \
         man3/WSALookupServiceBegin.3 man3/WSALookupServiceNext.3; do
    [ -f "$man/$f" ] && ok || fail "missing $man/$f"
done

# rnrd.conf: the defaults it documents are this build's.
grep -qx "#module-dir = $p/lib/rnr/providers" "$conf" && ok || fail "rnrd.conf: module-dir"
grep -qx "#class-dir = $p/etc/rnr/classes.d" "$conf" && ok || fail "rnrd.conf: class-dir"
grep -qx "#socket = $tmp/rundir/rnrd/rnrd.sock" "$conf" && ok || fail "rnrd.conf: socket"
grep -qx "#state-dir = $tmp/state/lib/rnrd" "$conf" && ok || fail "rnrd.conf: state-dir"
grep -qx "#user = rnrtestacct" "$conf" && ok || fail "rnrd.conf: user"
grep -q "^#services-dir = $p/etc/rnr/services.d" "$conf" && ok || fail "rnrd.conf: sap services-dir"

# The unit runs rnrd as the account clients trust.
grep -qx "User=rnrtestacct" etc/systemd/rnrd.service && ok || fail "rnrd.service: User="
grep -qx "ExecStart=$p/sbin/rnrd --foreground --state-dir=%S/rnrd" etc/systemd/rnrd.service && ok ||
    fail "rnrd.service: ExecStart="

# The pages.
grep -qx ".I $p/sbin/rnrd" "$man/man8/rnrd.8" && ok || fail "rnrd.8: sbin"
grep -qx ".I $p/etc/rnr/rnrd.conf" "$man/man8/rnrd.8" && ok || fail "rnrd.8: rnrd.conf"
grep -qx ".I $p/lib/rnr/providers/" "$man/man8/rnrd.8" && ok || fail "rnrd.8: providers"
grep -qx ".I $tmp/state/lib/rnrd/" "$man/man8/rnrd.8" && ok || fail "rnrd.8: state"
grep -qx ".I $tmp/rundir/rnrd/rnrd.sock" "$man/man8/rnrd.8" && ok || fail "rnrd.8: socket"
grep -q "rnrtestacct" "$man/man8/rnrd.8" && ok || fail "rnrd.8: daemon account"
grep -qx ".I $p/etc/rnr/rnrd.conf" "$man/man5/rnrd.conf.5" && ok || fail "rnrd.conf.5: file"
grep -q "rnrtestacct" "$man/man5/rnrd.conf.5" && ok || fail "rnrd.conf.5: daemon account"
grep -qx ".IR $tmp/rundir/rnrd/rnrd.sock ." "$man/man1/rnrctl.1" && ok || fail "rnrctl.1: socket"
grep -qx ".IR $tmp/rundir/rnrd/rnrd.sock ." "$man/man3/librnr.3" && ok || fail "librnr.3: socket"
grep -qx ".I $p/lib/libnss_rnr.so.2" "$man/man8/libnss_rnr.8" && ok || fail "libnss_rnr.8: module"
grep -q "^cat >>$p/etc/rnr/rnrd.conf " "$man/man7/rnr-nsp.7" && ok || fail "rnr-nsp.7: rnrd.conf"

# Nothing of the defaults is left.
grep -rln '/usr/local\|/run/rnrd\|/var/lib/rnrd' "$man" "$conf" >"$tmp/left" &&
    fail "default paths left in: $(cat "$tmp/left")" || ok
grep -rn '@[a-z_]*@' "$man" "$conf" >"$tmp/left" && fail "markers left: $(cat "$tmp/left")" || ok
grep -rln '[( ]rnrd ,$\|^user = rnrd$\|^#user = rnrd$' "$man" "$conf" >"$tmp/left" &&
    fail "the default account named in: $(cat "$tmp/left")" || ok

# The pages render (from the man directory, as man resolves .so links).
if command -v man >/dev/null; then
    for page in "$man"/man*/*; do
        rel=${page#"$man"/}
        w=$(cd "$man" && MANWIDTH=80 man --warnings -l "$rel" 2>&1 >/dev/null)
        [ -z "$w" ] && ok || fail "$rel: $w"
    done
fi

echo "install_paths: $checks passed, $fails failed"
[ $fails -eq 0 ]
