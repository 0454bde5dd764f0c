#!/bin/sh
# Install dependencies, build, and run the whole test suite (make check).
# Prints a closing "N passed, N failed" line; exits non-zero on failure.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)

"$top/scripts/deps.sh"
build=$("$top/scripts/build.sh" "$@")
cd "$build"

status=0
make -j"$(nproc)" check || status=$?

# Summarise from the automake harness's per-test results.
pass=0; fail=0; skip=0
for trs in $(find . -name '*.trs'); do
    case "$(sed -n 's/^:test-result: //p' "$trs" | head -n1)" in
        PASS|XFAIL) pass=$((pass + 1)) ;;
        SKIP)       skip=$((skip + 1)) ;;
        *)          fail=$((fail + 1)) ;;
    esac
done
if [ "$status" -ne 0 ]; then
    for log in $(grep -l '^:test-result: \(FAIL\|ERROR\)' $(find . -name '*.trs') 2>/dev/null); do
        echo "==== ${log%.trs}.log"; tail -n 40 "${log%.trs}.log"
    done
fi
echo "tests: $pass passed, $fail failed, $skip skipped"
[ "$status" -eq 0 ] && [ "$fail" -eq 0 ]
