#!/bin/sh
# SPDX-License-Identifier: MIT
# Rules every source file of the tree keeps: an SPDX licence line near its
# top (LICENSE says which licence and README why), and no comment naming
# a tracker issue (a comment says why on its own).  Reads the files git
# tracks; skips outside a git checkout.
top=${srcdir:-.}
command -v git >/dev/null && git -C "$top" rev-parse --git-dir >/dev/null 2>&1 ||
    { echo "SKIP: not a git checkout"; exit 77; }
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

[ -f "$top/LICENSE" ] || fail "no LICENSE file"
lic=$(sed -n 's/^SPDX-License-Identifier: //p' "$top/LICENSE" | head -n1)
[ -n "$lic" ] || fail "LICENSE does not name its SPDX identifier"

n=0
for f in $(git -C "$top" ls-files -- '*.c' '*.h' '*.def' '*.sh' '*.py' 'Makefile.am' \
               'configure.ac' '*/Makefile' 'scripts/*' '.ci/run' |
           grep -v -e '/corpus/' -e '^m4/' -e '^build-aux/'); do
    n=$((n + 1))
    head -n 5 "$top/$f" | grep -q "SPDX-License-Identifier: $lic" ||
        fail "$f: no 'SPDX-License-Identifier: $lic' in its first lines"
    grep -n -i -E '(\(|[^a-z])issues? #?[0-9]+' "$top/$f" | grep -v 'SPDX' |
        sed "s|^|$f:|" | while IFS= read -r line; do echo "FAIL: names a tracker issue: $line" >&2; done
    grep -q -i -E '(\(|[^a-z])issues? #?[0-9]+' "$top/$f" && fails=$((fails + 1))
done
[ "$n" -gt 300 ] || fail "only $n source files found"
echo "source_rules: $n files, $fails failure(s)"
[ "$fails" -eq 0 ]
