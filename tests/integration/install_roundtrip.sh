#!/bin/sh
# SPDX-License-Identifier: MIT
# make install DESTDIR=... then make uninstall: the layout
# follows configure's directories; libnss_rnr.so.2 is the only NSS file;
# provider modules are NAME.so without .la; the drop-in directories exist;
# the example provider (examples/provider) builds from the installed
# headers alone and the installed rnrd loads it and answers through it;
# the sysusers.d file creates the account the unit runs rnrd as;
# every installed manual page renders without a warning, and they and
# rnrd.conf name the configured directories (a build configured with
# another prefix than /usr/local mentions no /usr/local); the bash
# completion loads; and make uninstall leaves no file behind.
top_srcdir=${srcdir:-.}
[ -f Makefile ] && [ -x ./daemon/rnrd ] || { echo "run from the build directory" >&2; exit 99; }
command -v cc >/dev/null || { echo "SKIP: no C compiler for the example provider"; exit 77; }

tmp=$(mktemp -d /tmp/install_rt.XXXXXX) || exit 99
chmod 755 "$tmp"
dest=$tmp/root
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
fails=0
checks=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
ok() { checks=$((checks + 1)); }
# make without the parent's jobserver and flags (make check runs us).
mk() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make "$@"; }

eval "$(mk -s print-install-dirs)"
[ -n "$sbindir" ] && [ -n "$providersdir" ] || { echo "print-install-dirs failed" >&2; exit 99; }
mk install DESTDIR="$dest" >"$tmp/install.log" 2>&1 ||
    { cat "$tmp/install.log" >&2; echo "FAIL: make install" >&2; exit 1; }

# Layout.
for f in "$sbindir/rnrd" "$bindir/rnrctl"; do
    [ -x "$dest$f" ] && ok || fail "missing program $f"
done
for f in "$libdir/pkgconfig/librnr.pc" "$includedir/rnr/winsock2.h" "$includedir/rnr/nsp.h" \
         "$includedir/rnr/svcguid.h" "$includedir/rnr/nspapi.h" "$providersdir/hosts.so" \
         "$providersdir/local.so" "$nssdir/libnss_rnr.so.2" "$rnrconfdir/rnrd.conf" \
         "$pkgdatadir/rnr-class.rng" "$mandir/man8/rnrd.8" "$mandir/man1/rnrctl.1" \
         "$mandir/man5/rnrd.conf.5" "$mandir/man3/librnr.3" "$mandir/man8/libnss_rnr.8" \
         "$mandir/man7/rnr-nsp.7" "$bashcompletiondir/rnrctl" \
         "$pkgdatadir/ldap/rnr-winsock.ldif" "$pkgdatadir/ldap/rnr-winsock.schema"; do
    [ -f "$dest$f" ] && ok || fail "missing $f"
done
ls "$dest$libdir"/librnr.so.0* >/dev/null 2>&1 && ok || fail "missing librnr.so.0 in $libdir"
if [ "$systemdsystemunitdir" != no ]; then
    for f in rnrd.service rnrd.socket; do
        [ -f "$dest$systemdsystemunitdir/$f" ] && ok || fail "missing unit $f"
    done
    grep -q "^ExecStart=$sbindir/rnrd " "$dest$systemdsystemunitdir/rnrd.service" && ok ||
        fail "rnrd.service does not start $sbindir/rnrd"
fi
# The account the unit runs rnrd as, for systemd-sysusers.
if [ "$sysusersdir" != no ]; then
    user=$(sed -n 's/^User=//p' etc/systemd/rnrd.service)
    grep -q "^u $user " "$dest$sysusersdir/rnrd.conf" && ok ||
        fail "$sysusersdir/rnrd.conf does not create the account rnrd.service runs as ($user)"
fi
for d in classes.d services.d; do
    [ -d "$dest$rnrconfdir/$d" ] && ok || fail "missing drop-in directory $rnrconfdir/$d"
done
# Only what glibc and rnrd load: no libtool leftovers.
ls "$dest$nssdir"/libnss_rnr* | grep -v 'libnss_rnr\.so\.2$' >"$tmp/extra"
[ -s "$tmp/extra" ] && fail "NSS extras installed: $(cat "$tmp/extra")" || ok
ls "$dest$providersdir" | grep -v '\.so$' >"$tmp/extra"
[ -s "$tmp/extra" ] && fail "non-modules in $providersdir: $(cat "$tmp/extra")" || ok
readelf -d "$dest$nssdir/libnss_rnr.so.2" | grep -q 'SONAME.*\[libnss_rnr\.so\.2\]' && ok ||
    fail "libnss_rnr.so.2 has the wrong soname"

# The example provider from the installed headers alone (pkg-config
# pointed at the DESTDIR), strictly warning-free.
# Its own Makefile, as a provider author would run it.
cp -r "$top_srcdir/examples/provider" "$tmp/example"
chmod -R u+w "$tmp/example"
PKG_CONFIG_SYSROOT_DIR="$dest" PKG_CONFIG_LIBDIR="$dest$libdir/pkgconfig" \
    pkg-config --cflags librnr | grep -q -- "-I$dest$includedir" && ok ||
    fail "pkg-config librnr from the DESTDIR"
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL PKG_CONFIG_SYSROOT_DIR="$dest" \
    PKG_CONFIG_LIBDIR="$dest$libdir/pkgconfig" make -C "$tmp/example" \
    CFLAGS="-std=c99 -O2 -Wall -Wextra -Werror" >"$tmp/cc.log" 2>&1 &&
    [ -f "$tmp/example/example.so" ] && ok || fail "example provider does not build: $(cat "$tmp/cc.log")"

# The installed rnrd loads it next to the installed modules.
export RNR_SOCKET="$tmp/rnrd.sock"
printf '192.0.2.10 alpha\n' >"$tmp/hosts"
cat >"$tmp/rnrd.conf" <<EOC
[daemon]
socket = $tmp/rnrd.sock
state-dir = $tmp/state
module-dir = $dest$providersdir
class-dir = $dest$rnrconfdir/classes.d
user = root

[provider hosts]
module = hosts
namespace = NS_TCPIP_HOSTS
hosts-file = $tmp/hosts

[provider example]
module = $tmp/example/example.so
greeting = hello-from-installed-headers
EOC
rnrctl() { LD_LIBRARY_PATH="$dest$libdir" "$dest$bindir/rnrctl" "$@"; }
"$dest$sbindir/rnrd" --foreground --config "$tmp/rnrd.conf" 2>"$tmp/rnrd.log" &
pid=$!
i=0
until rnrctl status >/dev/null 2>&1; do
    i=$((i + 1))
    if [ $i -gt 200 ] || ! kill -0 "$pid" 2>/dev/null; then
        fail "installed rnrd did not start: $(cat "$tmp/rnrd.log")"; break
    fi
    sleep 0.05
done
rnrctl status >"$tmp/out" 2>&1 && grep -q "^example .*started" "$tmp/out" && ok ||
    fail "example provider not started: $(cat "$tmp/out")"
rnrctl lookup hostname example >"$tmp/out" 2>&1 && grep -q "hello-from-installed-headers" "$tmp/out" &&
    ok || fail "lookup through the example provider: $(cat "$tmp/out")"
rnrctl lookup host alpha >"$tmp/out" 2>&1 && grep -q 192.0.2.10 "$tmp/out" && ok ||
    fail "installed hosts module: $(cat "$tmp/out")"
rnrctl stats --kv | grep -q '^provider\.example\.stat\.answered=1$' && ok || fail "example stats"
rnrctl control example reset >/dev/null && ok || fail "example control"
rnrctl stats --kv | grep -q '^provider\.example\.stat\.answered=0$' && ok || fail "example reset"
kill "$pid"; wait "$pid" && ok || fail "installed rnrd exit status"
pid=

# Manual pages: no warnings from man/groff.  From the man directory, so
# that the .so links (".so man3/PAGE.3") resolve as man resolves them.
if command -v man >/dev/null; then
    for page in "$dest$mandir"/man*/*; do
        rel=${page#"$dest$mandir"/}
        w=$(cd "$dest$mandir" && MANWIDTH=80 man --warnings -l "$rel" 2>&1 >/dev/null)
        [ -z "$w" ] && ok || fail "$(basename "$page"): $w"
    done
else
    echo "install_roundtrip: man not installed; pages not rendered"
fi
# Every librnr function group has its page, and its other names link to it.
for f in WSALookupServiceBegin WSASetService WSAInstallServiceClass WSAEnumNameSpaceProviders \
         WSAAddressToString WSAStartup rnr_gethostbyname WSAAsyncGetHostByName GetAddressByName; do
    [ -f "$dest$mandir/man3/$f.3" ] && ok || fail "missing $mandir/man3/$f.3"
done
grep -qx ".so man3/WSALookupServiceBegin.3" "$dest$mandir/man3/WSALookupServiceNext.3" && ok ||
    fail "WSALookupServiceNext.3 is not a link to WSALookupServiceBegin.3"

# The installed pages and rnrd.conf name the configured paths, never a
# prefix they were not configured with.
conf=$dest$rnrconfdir/rnrd.conf
grep -q "^#module-dir = $providersdir\$" "$conf" && ok || fail "rnrd.conf: module-dir is not $providersdir"
grep -q "^#class-dir = $rnrconfdir/classes.d\$" "$conf" && ok || fail "rnrd.conf: class-dir is not below $rnrconfdir"
grep -q "^#socket = $rundir/rnrd.sock\$" "$conf" && ok || fail "rnrd.conf: socket is not in $rundir"
grep -q "^#state-dir = $statedir\$" "$conf" && ok || fail "rnrd.conf: state-dir is not $statedir"
grep -q "^#user = $daemon_user\$" "$conf" && ok || fail "rnrd.conf: user is not $daemon_user"
man8=$dest$mandir/man8
grep -q "^\.I $rnrconfdir/rnrd.conf\$" "$man8/rnrd.8" && ok || fail "rnrd.8 FILES: no $rnrconfdir/rnrd.conf"
grep -q "^\.I $sbindir/rnrd\$" "$man8/rnrd.8" && ok || fail "rnrd.8 FILES: no $sbindir/rnrd"
grep -q "^\.I $providersdir/\$" "$man8/rnrd.8" && ok || fail "rnrd.8 FILES: no $providersdir/"
grep -q "^\.I $statedir/\$" "$man8/rnrd.8" && ok || fail "rnrd.8 FILES: no $statedir/"
grep -q "^\.I $rundir/rnrd.sock\$" "$man8/rnrd.8" && ok || fail "rnrd.8 FILES: no $rundir/rnrd.sock"
grep -q "^\.I $nssdir/libnss_rnr.so.2\$" "$man8/libnss_rnr.8" && ok || fail "libnss_rnr.8: no $nssdir"
grep -q "^\.IR $providersdir \.\$" "$dest$mandir/man5/rnrd.conf.5" && ok || fail "rnrd.conf.5: module-dir default is not $providersdir"
grep -q "$daemon_user" "$dest$mandir/man5/rnrd.conf.5" && ok || fail "rnrd.conf.5 does not name the daemon account $daemon_user"
grep -q "^\.IR $rundir/rnrd.sock \.\$" "$dest$mandir/man1/rnrctl.1" && ok || fail "rnrctl.1: socket is not in $rundir"
if [ "$prefix" != /usr/local ]; then
    grep -rl '/usr/local' "$dest$mandir" "$conf" >"$tmp/left" &&
        fail "/usr/local in installed files with prefix $prefix: $(cat "$tmp/left")" || ok
fi
grep -rn '@[a-z_]*@' "$dest$mandir" "$conf" >"$tmp/left" && fail "markers left: $(cat "$tmp/left")" || ok

# The bash completion parses and completes commands and subcommands.
if command -v bash >/dev/null; then
    out=$(bash -c '
        _init_completion() { words=("${COMP_WORDS[@]}"); cword=$COMP_CWORD;
                             cur=${COMP_WORDS[COMP_CWORD]}; prev=${COMP_WORDS[COMP_CWORD-1]}; }
        . "$1"
        COMP_WORDS=(rnrctl st); COMP_CWORD=1; _rnrctl; echo "${COMPREPLY[*]}"
        COMP_WORDS=(rnrctl cache ""); COMP_CWORD=2; _rnrctl; echo "${COMPREPLY[*]}"
        COMP_WORDS=(rnrctl stats --); COMP_CWORD=2; _rnrctl; echo "${COMPREPLY[*]}"
        COMP_WORDS=(rnrctl log-level d); COMP_CWORD=2; _rnrctl; echo "${COMPREPLY[*]}"
        COMP_WORDS=(rnrctl --color a); COMP_CWORD=2; _rnrctl; echo "${COMPREPLY[*]}"
    ' _ "$dest$bashcompletiondir/rnrctl" 2>&1)
    [ "$out" = "status stats
flush
--help --json --socket --color --kv --reset
debug
auto always" ] && ok || fail "bash completion: $out"
fi

# make uninstall leaves no file and no link behind.
mk uninstall DESTDIR="$dest" >"$tmp/uninstall.log" 2>&1 || fail "make uninstall: $(tail -5 "$tmp/uninstall.log")"
find "$dest" ! -type d >"$tmp/left"
[ -s "$tmp/left" ] && fail "left behind by make uninstall: $(cat "$tmp/left")" || ok

echo "install_roundtrip: $checks passed, $fails failed"
[ $fails -eq 0 ]
