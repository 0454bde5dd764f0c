#!/bin/sh
# SPDX-License-Identifier: MIT
# The manual pages as built: every function librnr exports (the dynamic
# symbols of the built library, which client/librnr.map selects) appears
# in the SYNOPSIS of some page; every .so link page points to a page
# that exists and names it in NAME; every page renders without a groff
# warning; the pages made from man/*.in carry no marker left over and no
# hard-coded /usr/local.
top_srcdir=${srcdir:-.}
lib=./client/.libs/librnr.so
[ -f Makefile ] && [ -f "$lib" ] || { echo "run from the build directory after make" >&2; exit 99; }
command -v nm >/dev/null || { echo "SKIP: no nm"; exit 77; }

tmp=$(mktemp -d /tmp/man_pages.XXXXXX) || exit 99
trap 'rm -rf "$tmp"' EXIT
fails=0
checks=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
ok() { checks=$((checks + 1)); }

# Exported symbols no page documents, each with its reason.  None: the
# map names internal helpers nowhere, so an exported function without a
# header and a page is a mistake to fix, not to list here.
allowed() {
    return 1
}

# The pages: hand-written ones in the source tree, generated ones here.
ls "$top_srcdir"/man/*.[1-8] >"$tmp/pages" 2>/dev/null
for f in "$top_srcdir"/man/*.in; do
    b=$(basename "$f" .in)
    if [ -f "man/$b" ]; then echo "man/$b" >>"$tmp/pages"; else fail "$b not built from $f"; fi
done
# In an in-tree build the generated pages are listed twice.
sort -u "$tmp/pages" -o "$tmp/pages"

# SYNOPSIS text of every page, one "page<TAB>line" per line.
while read -r p; do
    awk -v p="$(basename "$p")" '
        /^\.SH/ { on = ($0 ~ /^\.SH "?SYNOPSIS"?$/); next }
        on { print p "\t" $0 }' "$p"
done <"$tmp/pages" >"$tmp/synopsis"

# Exported functions.
nm -D --defined-only "$lib" | awk '$2 == "T" || $2 == "W" || $2 == "i" { print $3 }' |
    sed 's/@.*//' | sort -u >"$tmp/exported"
[ -s "$tmp/exported" ] && ok || fail "no exported function found in $lib"
# Every exported symbol declared in a public header of librnr (nsp.h is
# the provider API, not librnr's) must be in a SYNOPSIS; one declared in
# none must be allowed above.
cat "$top_srcdir"/include/rnr/winsock2.h "$top_srcdir"/include/rnr/ws2*.h \
    "$top_srcdir"/include/rnr/svcguid.h "$top_srcdir"/include/rnr/nspapi.h \
    "$top_srcdir"/include/rnr/browse.h >"$tmp/headers"
while read -r sym; do
    if ! grep -q "[^A-Za-z0-9_]$sym *(" "$tmp/headers"; then
        allowed "$sym" && ok || fail "exported $sym is declared in no public header"
        continue
    fi
    if grep -q "[^A-Za-z0-9_]$sym[ \"]*(" "$tmp/synopsis" ||
       grep -q "^[^	]*	$sym[ \"]*(" "$tmp/synopsis"; then
        ok
    else
        fail "exported $sym is in no page's SYNOPSIS"
    fi
done <"$tmp/exported"

# The Winsock names the headers map onto rnr_* (macros) are shown too.
for w in gethostbyname gethostbyaddr gethostname getservbyname getservbyport \
         getprotobyname getprotobynumber inet_addr inet_ntoa GetLastError \
         getaddrinfo freeaddrinfo getnameinfo gai_strerror inet_pton inet_ntop; do
    grep -q "[^A-Za-z0-9_]$w[ \"]*(\|[ 	]$w [a-z]" "$tmp/synopsis" && ok ||
        fail "the Winsock name $w is in no SYNOPSIS"
done

# .so link pages: the target exists and its NAME lists the link's name.
while read -r p; do
    first=$(head -n 1 "$p")
    case $first in
    ".so "*) ;;
    *) continue ;;
    esac
    target=${first#.so }
    name=$(basename "$p"); name=${name%.*}
    t=$(grep -l "" "$top_srcdir/man/$(basename "$target")" "man/$(basename "$target")" 2>/dev/null | head -n 1)
    if [ -z "$t" ]; then
        fail "$p: .so to a missing page $target"
        continue
    fi
    [ "$(wc -l <"$p")" -eq 1 ] && ok || fail "$p: more than the .so line"
    sed -n '/^\.SH NAME/,/^\.SH/p' "$t" | grep -q "\(^\|[ ,]\)$name\([ ,]\|\$\)" && ok ||
        fail "$p: $name is not in the NAME of $target"
done <"$tmp/pages"

# Rendering: no groff warning (tbl for pages that ask for it).
if command -v groff >/dev/null; then
    while read -r p; do
        case $(head -n 1 "$p") in .so*) continue ;; esac
        w=$(groff -t -man -Tutf8 -ww -z "$p" 2>&1)
        [ -z "$w" ] && ok || fail "$p: $w"
    done <"$tmp/pages"
else
    echo "man_pages: groff not installed; pages not rendered"
fi
# whatis/apropos can parse every NAME section.
if command -v lexgrog >/dev/null; then
    while read -r p; do
        case $(head -n 1 "$p") in .so*) continue ;; esac
        lexgrog "$p" >/dev/null 2>&1 && ok || fail "$p: lexgrog cannot parse its NAME"
    done <"$tmp/pages"
fi

# Generated pages: configured paths only.
for f in "$top_srcdir"/man/*.in; do
    b=man/$(basename "$f" .in)
    [ -f "$b" ] || continue
    grep -n '@[a-z_]*@' "$b" >"$tmp/left" && fail "$b: markers left: $(cat "$tmp/left")" || ok
done
eval "$(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s print-install-dirs)"
if [ "$prefix" != /usr/local ]; then
    grep -ln '/usr/local' man/*.[1-8] etc/rnrd.conf 2>/dev/null >"$tmp/left" &&
        fail "/usr/local in $(cat "$tmp/left") with prefix $prefix" || ok
fi
grep -q "^#module-dir = $providersdir\$" etc/rnrd.conf && ok ||
    fail "etc/rnrd.conf does not name module-dir $providersdir"

echo "man_pages: $checks passed, $fails failed"
[ $fails -eq 0 ]
