#!/bin/sh
# SPDX-License-Identifier: MIT
# The keys rnrd and its built-in modules declare (rnrd --list-config-keys)
# against the keys rnrd.conf(5) documents: [daemon] KEYS, [provider NAME]
# KEYS and each "module = NAME" subsection of MODULE KEYS.  A key declared
# and not documented, or documented and not declared, fails.
top_srcdir=${srcdir:-.}
RNRD=${RNRD:-./daemon/rnrd}
moddir=$(pwd)/providers/.libs
man=$top_srcdir/man/rnrd.conf.5.in
[ -x "$RNRD" ] && [ -r "$man" ] || { echo "run from the build directory" >&2; exit 99; }

tmp=$(mktemp -d /tmp/conf_keys_man.XXXXXX) || exit 99
trap 'rm -rf "$tmp"' EXIT

if ! "$RNRD" --module-dir "$moddir" --list-config-keys >"$tmp/list" 2>"$tmp/err"; then
    echo "FAIL: --list-config-keys: $(cat "$tmp/err")" >&2
    exit 1
fi
cut -f1,2 "$tmp/list" | sort -u >"$tmp/declared"
for m in hosts local dns directory sap; do
    grep -q "^module $m	" "$tmp/declared" ||
        { echo "FAIL: module $m declares no keys (or did not load)" >&2; exit 1; }
done

# Section of the manual -> the listing's first column; a key is a .TP
# item whose tag is ".B key".
awk '
    /^\.SH / { sec = ""; if ($0 == ".SH \"[daemon] KEYS\"") sec = "daemon";
               else if ($0 == ".SH \"[provider NAME] KEYS\"") sec = "provider";
               else if ($0 == ".SH \"MODULE KEYS\"") sec = "modules"; next }
    /^\.SS / { if (sec == "modules" || sec ~ /^module /) {
                   if (match($0, /^\.SS "module = [a-z0-9_.-]+"$/))
                       sec = "module " substr($0, 15, length($0) - 15);
                   else sec = "modules" }
               next }
    /^\.TP/ { tp = 1; next }
    tp && /^\.B / { if (sec != "" && sec != "modules") {
                        k = substr($0, 4); gsub(/\\-/, "-", k); print sec "\t" k }
                    tp = 0; next }
    { tp = 0 }
' "$man" | sort -u >"$tmp/documented"

fails=0
comm -23 "$tmp/declared" "$tmp/documented" >"$tmp/undocumented"
comm -13 "$tmp/declared" "$tmp/documented" >"$tmp/undeclared"
if [ -s "$tmp/undocumented" ]; then
    echo "FAIL: declared but not in rnrd.conf(5):" >&2
    cat "$tmp/undocumented" >&2
    fails=1
fi
if [ -s "$tmp/undeclared" ]; then
    echo "FAIL: in rnrd.conf(5) but declared by no one:" >&2
    cat "$tmp/undeclared" >&2
    fails=1
fi
echo "conf_keys_man: $(wc -l <"$tmp/declared") keys declared, $(wc -l <"$tmp/documented") documented"
[ $fails -eq 0 ]
