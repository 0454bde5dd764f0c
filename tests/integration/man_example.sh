#!/bin/sh
# SPDX-License-Identifier: MIT
# The EXAMPLES program of WSALookupServiceBegin(3), taken from the page
# itself (between the EXAMPLE-BEGIN and EXAMPLE-END comments, roff
# escapes undone), compiled against this build's librnr warning-free and
# run against a real rnrd started here: its output must be the one the
# page shows (the WSAEFAULT retry included), a name nobody knows must
# give the error the page shows, and no rnrd must give WSASYSNOTREADY.
top_srcdir=${srcdir:-.}
libdir=$(pwd)/client/.libs
page=$top_srcdir/man/WSALookupServiceBegin.3
test_name=man_example
. "$(dirname "$0")/rnrd_test.sh"
[ -f "$libdir/librnr.so" ] || { echo "run from the build directory after make" >&2; exit 99; }
CC=${CC:-cc}
command -v "${CC%% *}" >/dev/null || { echo "SKIP: no C compiler"; exit 77; }

# roff to C: \e is a backslash, \- a minus, \& nothing.
unroff() { sed -e 's/\\-/-/g' -e 's/\\&//g' -e 's/\\e/\\/g'; }

sed -n '/^\.\\" EXAMPLE-BEGIN/,/^\.\\" EXAMPLE-END/p' "$page" | sed '1d;$d' | unroff >"$tmp/lookup_host.c"
[ -s "$tmp/lookup_host.c" ] && ok || { echo "FAIL: no example between the markers in $page" >&2; exit 1; }
grep -q '^\.' "$tmp/lookup_host.c" && fail "roff requests inside the example: $(grep '^\.' "$tmp/lookup_host.c")"

# A sanitizer build's librnr needs the program built with the same
# runtime (this build's SAN_LDFLAGS, empty otherwise).
san=$(sed -n 's/^SAN_LDFLAGS = //p' Makefile)
# As the page says to build it, with this tree's headers and library.
# shellcheck disable=SC2086
$CC -std=c99 -Wall -Wextra -Werror $san -I"$top_srcdir/include" -o "$tmp/lookup_host" \
    "$tmp/lookup_host.c" -L"$libdir" -lrnr -Wl,-rpath,"$libdir" >"$tmp/cc.log" 2>&1 && ok ||
    { echo "FAIL: the example does not compile:" >&2; cat "$tmp/cc.log" >&2; exit 1; }

# The transcript the page shows: "$ ./lookup_host ARG" then its lines.
sed -n '/^\$ \.\/lookup_host /,/^\.fi$/p' "$page" | unroff >"$tmp/transcript"
[ -s "$tmp/transcript" ] && ok || fail "no sample run in the page"
shown() { # $1 = argument: the lines the page shows for it
    awk -v cmd="\$ ./lookup_host $1" '
        $0 == cmd { on = 1; next }
        /^\$ / || /^\.fi$/ { on = 0 }
        on' "$tmp/transcript"
}

export RNR_SOCKET="$tmp/rnrd.sock"
export RNR_ANSWER_CACHE=0
printf '192.0.2.10 alpha.example alpha\n' >"$tmp/hosts"
printf 'ftp 21/tcp\n' >"$tmp/services"
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
EOC
start

# Found: stdout and stderr together are what the page shows.
"$tmp/lookup_host" alpha.example >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] && ok || fail "lookup_host alpha.example exited $rc: $(cat "$tmp/err")"
grep -q '^buffer grown to [0-9]* bytes$' "$tmp/err" && ok || fail "the WSAEFAULT path was not taken: $(cat "$tmp/err")"
printf 'alpha.example 192.0.2.10\n1 result\n' | cmp -s - "$tmp/out" && ok || fail "output: $(cat "$tmp/out")"
# The size needed depends on the ABI (the page shows x86_64's): compared
# as a number only where the page's was measured.
cat "$tmp/err" "$tmp/out" >"$tmp/both"
bytes() { sed 's/^buffer grown to [0-9]* bytes$/buffer grown to N bytes/'; }
case $(uname -m) in
x86_64) cat ;;
*) bytes ;;
esac <"$tmp/both" >"$tmp/both.n"
mv "$tmp/both.n" "$tmp/both"
{ case $(uname -m) in x86_64) shown alpha.example ;; *) shown alpha.example | bytes ;; esac; } |
    cmp -s - "$tmp/both" && ok ||
    fail "the page shows
$(shown alpha.example)
but the program printed
$(cat "$tmp/both")"

# Not found: exit 1 and the error the page shows.
"$tmp/lookup_host" nosuch.example >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] && [ ! -s "$tmp/out" ] && ok || fail "lookup_host nosuch.example: exit $rc, output $(cat "$tmp/out")"
shown nosuch.example | cmp -s - "$tmp/err" && ok ||
    fail "the page shows '$(shown nosuch.example)' for an unknown name, the program '$(cat "$tmp/err")'"

# Usage.
"$tmp/lookup_host" >/dev/null 2>&1; [ $? -eq 2 ] && ok || fail "no argument must exit 2"

# No rnrd: WSASYSNOTREADY, exit 1.
stop
"$tmp/lookup_host" alpha.example >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] && grep -q '^WSASYSNOTREADY' "$tmp/err" && ok ||
    fail "without rnrd: exit $rc, $(cat "$tmp/err")"

echo "man_example: $checks passed, $fails failed"
[ $fails -eq 0 ]
