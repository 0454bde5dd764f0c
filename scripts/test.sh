#!/bin/sh
# SPDX-License-Identifier: MIT
# Install dependencies, build, and run the whole test suite (make check)
# twice: the normal build, then a build with AddressSanitizer and
# UndefinedBehaviorSanitizer (--enable-sanitizers, in ${RNR_SAN_BUILD_DIR:-
# _build-san}; RNR_NO_SANITIZERS=1 skips it).  The fuzz corpora are
# replayed by both.  Prints one "N passed, N failed" line per build;
# exits non-zero on any failure.  Extra arguments go to configure.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)

"$top/scripts/deps.sh"

# check BUILDDIR LABEL: make check there, then its summary line.
check() {
    cd "$1"
    st=0
    make -j"$(nproc)" check || st=$?
    # Summarise from the automake harness's per-test results.
    pass=0; fail=0; skip=0
    for trs in $(find . -name '*.trs'); do
        case "$(sed -n 's/^:test-result: //p' "$trs" | head -n1)" in
            PASS|XFAIL) pass=$((pass + 1)) ;;
            SKIP)       skip=$((skip + 1)) ;;
            *)          fail=$((fail + 1)) ;;
        esac
    done
    if [ "$st" -ne 0 ]; then
        for log in $(grep -l '^:test-result: \(FAIL\|ERROR\)' $(find . -name '*.trs') 2>/dev/null); do
            echo "==== $2: ${log%.trs}.log"; tail -n 40 "${log%.trs}.log"
        done
    fi
    summary="$summary
tests ($2): $pass passed, $fail failed, $skip skipped"
    [ "$st" -eq 0 ] && [ "$fail" -eq 0 ] || status=1
}

status=0
summary=""
build=$("$top/scripts/build.sh" "$@")
check "$build" normal

if [ "${RNR_NO_SANITIZERS:-0}" != 1 ]; then
    san=$(RNR_BUILD_DIR=${RNR_SAN_BUILD_DIR:-$top/_build-san} \
          "$top/scripts/build.sh" --enable-sanitizers "$@")
    # Leaks fail the run; UBSan already aborts (-fno-sanitize-recover).
    ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
    UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
    export ASAN_OPTIONS UBSAN_OPTIONS
    check "$san" sanitizers
fi

echo "$summary" | sed '/^$/d'
[ "$status" -eq 0 ]
