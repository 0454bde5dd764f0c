#!/bin/sh
# SPDX-License-Identifier: MIT
# The Python test client (tests/integration/rnrwire.py) knows the same
# wire messages as the C table (nsp/msgtab.def through nsp/msgtab.c):
# every type, name and flag, nothing more.  rnrwire.py reads msgtab.def
# as text; this catches a reading that drifts from the C compiler's.
top_srcdir=${srcdir:-.}
DUMP=${MSGTAB_DUMP:-./tests/unit/test_msgtab}
[ -x "$DUMP" ] || { echo "run from the build directory after make" >&2; exit 99; }
command -v python3 >/dev/null 2>&1 || { echo "msgtab_sync: no python3" >&2; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/msgtab_sync.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT

"$DUMP" --dump >"$tmp/c" || { echo "FAIL: $DUMP --dump" >&2; exit 1; }
PYTHONPATH=$top_srcdir/tests/integration python3 -c '
import rnrwire as w
for name, (t, flags) in sorted(w.MESSAGES.items(), key=lambda kv: kv[1][0]):
    # the C dump lists flags in this order
    order = ["REQUEST", "PUSHED", "POOL", "DEADLINE", "UNAWAITED", "ADMIN",
             "INVALIDATES", "OPS"]
    unknown = flags - set(order)
    assert not unknown, (name, unknown)
    assert getattr(w, name) == t, name
    print(" ".join(["0x%02x" % t, name] + [f for f in order if f in flags]))
' >"$tmp/py" || { echo "FAIL: rnrwire.py does not read the table" >&2; exit 1; }
[ -s "$tmp/c" ] || { echo "FAIL: empty C table" >&2; exit 1; }
if ! diff -u "$tmp/c" "$tmp/py" >&2; then
    echo "FAIL: rnrwire.py and the C message table disagree (- C, + Python)" >&2
    exit 1
fi
echo "msgtab_sync: $(wc -l <"$tmp/c") messages agree"
