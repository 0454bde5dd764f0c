#!/bin/sh
# SPDX-License-Identifier: MIT
# `make fuzz`: run each libFuzzer target for FUZZ_SECONDS (default 60).
#   run.sh SRCDIR BUILDDIR fuzz/fuzz_NAME...
# Each target grows a working corpus in BUILDDIR/fuzz/work/NAME, seeded
# from SRCDIR/fuzz/corpus/NAME (never written to: copy a finding there by
# hand, as a regression case).  Crashes, leaks and timeouts are saved in
# BUILDDIR/fuzz/artifacts/.  FUZZ_JOBS targets run at once (default 1);
# FUZZ_ARGS adds libFuzzer options.  Ends with one line per target:
#   NAME seconds execs exec/s corpus-files findings
set -u
src=$1 build=$2
shift 2
secs=${FUZZ_SECONDS:-60}
jobs=${FUZZ_JOBS:-1}
mkdir -p "$build/fuzz/work" "$build/fuzz/artifacts" "$build/fuzz/logs"

run_one() {
    prog=$1
    name=${prog##*/fuzz_}
    work=$build/fuzz/work/$name
    mkdir -p "$work"
    dict=""
    [ -f "$src/fuzz/dict/$name.dict" ] && dict="-dict=$src/fuzz/dict/$name.dict"
    # shellcheck disable=SC2086
    nice -n 10 "$build/$prog" -max_total_time="$secs" -timeout=10 -rss_limit_mb=1024 \
        -print_final_stats=1 -artifact_prefix="$build/fuzz/artifacts/$name-" $dict \
        ${FUZZ_ARGS:-} "$work" "$src/fuzz/corpus/$name" \
        >"$build/fuzz/logs/$name.log" 2>&1
    echo "$?" >"$build/fuzz/logs/$name.rc"
}

set -- "$@"
while [ $# -gt 0 ]; do
    pids=""
    i=0
    while [ $i -lt "$jobs" ] && [ $# -gt 0 ]; do
        run_one "$1" &
        pids="$pids $!"
        shift
        i=$((i + 1))
    done
    for p in $pids; do wait "$p"; done
done

status=0
printf '%-12s %7s %12s %9s %8s %s\n' target seconds execs exec/s corpus findings
for log in "$build"/fuzz/logs/*.log; do
    name=$(basename "$log" .log)
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n1)
    files=$(find "$build/fuzz/work/$name" -type f | wc -l)
    found=$(find "$build/fuzz/artifacts" -name "$name-*" -type f | wc -l)
    rc=$(cat "$build/fuzz/logs/$name.rc" 2>/dev/null || echo '?')
    [ "$rc" = 0 ] || status=1
    printf '%-12s %7s %12s %9s %8s %s\n' "$name" "$secs" "${execs:-?}" "${rate:-?}" "$files" \
        "$found$( [ "$rc" = 0 ] || echo " (exit $rc, see fuzz/logs/$name.log)")"
done
exit $status
