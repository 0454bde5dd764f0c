#!/bin/sh
# SPDX-License-Identifier: MIT
# examples/winsock/resolve.c, written as Windows code (its SDK include
# lines, TCHAR, TEXT()), compiled unchanged against this tree's headers
# and forwarding headers (include/win, as `pkg-config --variable=wincflags
# librnr` puts them on the path) twice: with UNICODE (GetAddrInfoW,
# WSALookupServiceBeginW ...) and without (the A functions), warning-free.
# Both builds run against a real rnrd started here and must print the same
# thing, a non-ASCII name included, and agree on a name nobody knows.
top_srcdir=${srcdir:-.}
libdir=$(pwd)/client/.libs
test_name=example_winsock
. "$(dirname "$0")/rnrd_test.sh"
[ -f "$libdir/librnr.so" ] || { echo "run from the build directory after make" >&2; exit 99; }
CC=${CC:-cc}
command -v "${CC%% *}" >/dev/null || { echo "SKIP: no C compiler"; exit 77; }

# A sanitizer build's librnr needs the program built with the same runtime.
san=$(sed -n 's/^SAN_LDFLAGS = //p' Makefile)
for mode in unicode ansi; do
    def=; [ $mode = unicode ] && def=-DUNICODE
    # shellcheck disable=SC2086
    $CC -std=c11 -Wall -Wextra -Werror $san $def -I"$top_srcdir/include" \
        -I"$top_srcdir/include/win" -o "$tmp/resolve-$mode" \
        "$top_srcdir/examples/winsock/resolve.c" -L"$libdir" -lrnr -Wl,-rpath,"$libdir" \
        >"$tmp/cc.log" 2>&1 && ok ||
        { echo "FAIL: the example does not compile ($mode):" >&2; cat "$tmp/cc.log" >&2; exit 1; }
done

export RNR_SOCKET="$tmp/rnrd.sock"
printf '192.0.2.10 alpha.example alpha\n192.0.2.20 caf\303\251.example\n' >"$tmp/hosts"
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
EOC
start

# Its own names, one of them not ASCII: both ways, both builds.
printf '%s\n' 'alpha.example' \
    '  GetAddrInfo: 192.0.2.10 (canonical name alpha.example)' \
    '  WSALookupServiceBegin: alpha.example 192.0.2.10' \
    'café.example' \
    '  GetAddrInfo: 192.0.2.20 (canonical name café.example)' \
    '  WSALookupServiceBegin: café.example 192.0.2.20' >"$tmp/want"
for mode in unicode ansi; do
    "$tmp/resolve-$mode" >"$tmp/out-$mode" 2>&1
    rc=$?
    [ $rc -eq 0 ] && ok || fail "resolve ($mode) exited $rc: $(cat "$tmp/out-$mode")"
    cmp -s "$tmp/want" "$tmp/out-$mode" && ok || fail "resolve ($mode) printed
$(cat "$tmp/out-$mode")
instead of
$(cat "$tmp/want")"
done

# A name from the command line (UTF-8, converted by the UNICODE build),
# and one nobody knows: the same answers and errors from A and W.
for mode in unicode ansi; do
    "$tmp/resolve-$mode" 'café.example' nosuch.example >"$tmp/arg-$mode" 2>&1
    rc=$?
    [ $rc -eq 1 ] && ok || fail "resolve ($mode) with an unknown name exited $rc"
done
cmp -s "$tmp/arg-unicode" "$tmp/arg-ansi" && ok ||
    fail "A and W differ:
$(diff "$tmp/arg-ansi" "$tmp/arg-unicode")"
grep -q '^  GetAddrInfo: error 11001$' "$tmp/arg-unicode" && ok ||
    fail "an unknown name is not WSAHOST_NOT_FOUND: $(cat "$tmp/arg-unicode")"

echo "example_winsock: $checks passed, $fails failed"
[ $fails -eq 0 ]
