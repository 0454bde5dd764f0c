#!/bin/sh
# SPDX-License-Identifier: MIT
# `make bench`: run every benchmark program, keep each one's full report,
# and print one table of all their figures with ratios to the baselines
# measured in the same run (bench/README.md, "Reading the table").
#   report.sh OUTDIR PROGRAM [ARGS...] [-- PROGRAM [ARGS...]]...
# A program's rows are its "@row" lines:
#   @row <TAB> ID <TAB> LABEL <TAB> THREADS <TAB> P50_US <TAB> P99_US <TAB> OPS_PER_S <TAB> COMPARE
# COMPARE: comma-separated ids of rows (of any program) this one is
# compared with at the same thread count, or "-".
set -u
out=$1
shift
mkdir -p "$out"
rows=$out/rows.tsv
: >"$rows"
status=0

run() {
    name=$(basename "$1")
    echo "== $name: $*" >&2
    "$@" >"$out/$name.out"
    rc=$?
    # The program's own report (targets, memory ...) goes to the terminal
    # too, without the machine rows.
    grep -v '^@row	' "$out/$name.out"
    grep '^@row	' "$out/$name.out" | sed "s/^@row	/$name	/" >>"$rows"
    # 77: the program could not run here (a missing server, no root) and
    # said why; the others still make the table.
    case $rc in
        0) ;;
        77) echo "bench: $name skipped" >&2 ;;
        *) echo "bench: $name exited with $rc" >&2; status=1 ;;
    esac
}

cmd=""
for a in "$@"; do
    if [ "$a" = "--" ]; then
        # shellcheck disable=SC2086
        [ -n "$cmd" ] && run $cmd
        cmd=""
    else
        cmd="$cmd $a"
    fi
done
# shellcheck disable=SC2086
[ -n "$cmd" ] && run $cmd

echo
echo "one table: every benchmark of this run (p50 ratio = this row's p50 / the named row's p50,"
echo "same thread count; below 1.00x this row is faster)"
awk -F '\t' '
{ prog[NR] = $1; id[NR] = $2; label[NR] = $3; th[NR] = $4; p50[NR] = $5; p99[NR] = $6;
  ops[NR] = $7; cmp[NR] = $8; key[$2 "/" $4] = NR; n = NR }
END {
  printf "%-46s %2s %9s %9s %10s  %s\n", "row [id] (benchmark program)", "th", "p50 us",
         "p99 us", "ops/s", "p50 ratio to";
  for (i = 1; i <= n; i++) {
    r = "";
    if (cmp[i] != "-") {
      m = split(cmp[i], c, ",");
      for (j = 1; j <= m; j++) {
        k = key[c[j] "/" th[i]];
        if (k != "" && p50[k] > 0)
          r = r sprintf("%s%.3gx %s", r == "" ? "" : ", ", p50[i] / p50[k], c[j]);
      }
    }
    if (prog[i] != last) {
      printf "(%s)\n", prog[i];
      last = prog[i];
    }
    printf "%-46s %2s %9s %9s %10s  %s\n", label[i] " [" id[i] "]", th[i], p50[i], p99[i],
           ops[i], r;
  }
}' "$rows"
exit $status
