#!/bin/sh
# SPDX-License-Identifier: MIT
# `make bench-dir-export`: rnrctl directory import and export of 100,000
# generated entries (100 containers of 1,000) through a real rnrd with the
# directory provider, its store under /var/tmp (a disk: fdatasync costs
# what it costs), bench/README.md.  Prints each time, entries a second and
# the target (100,000 each way in under 10 s), and, measured in the same
# run on the same file, the baselines the ratios are taken to:
#   - xmllint --noout --relaxng: parsing and validating the file, what
#     import does before registering anything;
#   - dd conv=fsync: writing the file's bytes durably, what export does
#     after reading the entries;
# then export again with max-results-per-lookup = 1,000 (100 pages and
# more instead of 5).
#   dir_export.sh BUILDDIR [--keep] [--entries N]
set -u
builddir=${1:-$(pwd)}
shift 2>/dev/null
keep=""
n=100000
while [ $# -gt 0 ]; do
    case $1 in
        --keep) keep=1 ;;
        --entries) n=$2; shift ;;
        *) echo "usage: dir_export.sh BUILDDIR [--keep] [--entries N]" >&2; exit 2 ;;
    esac
    shift
done
srcdir=$(cd "$(dirname "$0")/.." && pwd)
RNRD=$builddir/daemon/rnrd
RNRCTL=$builddir/client/rnrctl/rnrctl
[ -x "$RNRD" ] && [ -x "$RNRCTL" ] || { echo "dir_export: build rnrd and rnrctl first"; exit 77; }
tmp=$(mktemp -d /var/tmp/dir_export.XXXXXX) || exit 1
pid=""
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    if [ -n "$keep" ]; then echo "dir_export: kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

now_us() { echo $(($(date +%s%N) / 1000)); }
# CPU seconds (user + system) of a process and of the children it waited
# for (rnrd's snapshot writers), from /proc/PID/stat.
cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15 + $16 + $17) / hz }' "/proc/$1/stat"; }
load() { cut -d' ' -f1 /proc/loadavg; }

echo "dir_export: $n entries, store in $tmp; load average at start $(load) on $(nproc) CPUs"

# The file: exactly what an export of the store gives (the same layout,
# the page order: container by container, names in order), so that the
# round trip can be compared byte for byte.
awk -v n="$n" 'BEGIN {
    print "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
    print "<!-- rnr directory export (etc/rnr-directory.rng) -->";
    print "<directory version=\"1\">";
    for (c = 0; c < 100; c++)
        for (i = c; i < n; i += 100) {
            printf "  <entry context=\"\\bench\\c%03d\" class=\"{6A1B0C2D-0000-4000-8000-0000000000C1}\" name=\"svc%06d\" version=\"%d\">\n", c, i, i;
            printf "    <comment>entry number %d</comment>\n", i;
            printf "    <address socktype=\"1\" protocol=\"6\">\n      <remote>192.0.2.%d:%d</remote>\n    </address>\n", i % 250 + 1, 1000 + i % 60000;
            print "  </entry>";
        }
    print "</directory>" }' >"$tmp/in.xml" || exit 1
bytes=$(wc -c <"$tmp/in.xml")

mkdir -p "$tmp/state"
cat >"$tmp/rnrd.conf" <<EOC
[daemon]
user = root
socket = $tmp/rnrd.sock
state-dir = $tmp/state
module-dir = $builddir/providers/.libs
class-dir = $tmp/classes.d
log-level = notice
[provider directory]
module = directory
namespace = NS_NDS
EOC
mkdir -p "$tmp/classes.d"
RNR_SOCKET=$tmp/rnrd.sock
export RNR_SOCKET
"$RNRD" --foreground --config "$tmp/rnrd.conf" 2>"$tmp/rnrd.log" &
pid=$!
i=0
until "$RNRCTL" status >/dev/null 2>&1; do
    i=$((i + 1))
    [ $i -gt 500 ] && { echo "dir_export: rnrd did not start:"; tail "$tmp/rnrd.log"; exit 1; }
    sleep 0.02
done

# An operation's wall time in microseconds into $t; its exit status.
timed() {
    t0=$(now_us)
    "$@"
    rc=$?
    t=$(($(now_us) - t0))
    return $rc
}
rate() { awk -v n="$n" -v us="$1" 'BEGIN { printf("%.0f", us > 0 ? n * 1e6 / us : 0) }'; }
ms() { awk -v us="$1" 'BEGIN { printf "%.0f", us / 1000 }'; }
verdict() { [ "$1" -lt 10000000 ] && echo PASS || echo MISS; }
row() { printf '@row\t%s\t%s\t1\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$3" "$(rate "$3")" "$4"; }
fail() { echo "dir_export: $*"; tail -5 "$tmp/rnrd.log"; exit 1; }

c0=$(cpu_s $pid)
timed "$RNRCTL" directory import -q "$tmp/in.xml" || fail "import failed"
t_imp=$t
c1=$(cpu_s $pid)
timed "$RNRCTL" directory export -q -o "$tmp/out.xml" || fail "export failed"
t_exp=$t
c2=$(cpu_s $pid)
got=$(grep -c '<entry ' "$tmp/out.xml")
[ "$got" = "$n" ] || fail "export has $got entries, not $n"
cmp -s "$tmp/in.xml" "$tmp/out.xml" || fail "the export differs from the file imported"

# Export again through pages of at most 1,000 entries.
sed -i 's/^\[daemon\]$/[daemon]\nmax-results-per-lookup = 1000/' "$tmp/rnrd.conf"
kill -HUP $pid
i=0
until "$RNRCTL" stats 2>/dev/null | grep -q 'max-results-per-lookup *1000$'; do
    i=$((i + 1))
    [ $i -gt 250 ] && fail "rnrd did not reload"
    sleep 0.02
done
timed "$RNRCTL" directory export -q -o "$tmp/out1k.xml" || fail "export (limit 1,000) failed"
t_exp1k=$t
cmp -s "$tmp/out.xml" "$tmp/out1k.xml" || fail "the export with limit 1,000 differs"

# Baselines, on the same file in the same run.
t_rng=""
if command -v xmllint >/dev/null; then
    timed xmllint --noout --relaxng "$srcdir/etc/rnr-directory.rng" "$tmp/in.xml" 2>/dev/null &&
        t_rng=$t
fi
timed dd if="$tmp/in.xml" of="$tmp/copy.xml" bs=1M conv=fsync status=none || fail "dd failed"
t_dd=$t

echo "file: $bytes bytes"
echo "import:  $(ms $t_imp) ms, $(rate $t_imp) entries/s   (rnrd CPU $(awk -v a="$c0" -v b="$c1" 'BEGIN { printf "%.2f", b - a }') s)   target < 10 s: $(verdict $t_imp)"
echo "export:  $(ms $t_exp) ms, $(rate $t_exp) entries/s   (rnrd CPU $(awk -v a="$c1" -v b="$c2" 'BEGIN { printf "%.2f", b - a }') s)   target < 10 s: $(verdict $t_exp)"
echo "export, max-results-per-lookup 1,000: $(ms $t_exp1k) ms, $(rate $t_exp1k) entries/s"
[ -n "$t_rng" ] && echo "baseline xmllint --noout --relaxng: $(ms $t_rng) ms   (import / it: $(awk -v a="$t_imp" -v b="$t_rng" 'BEGIN { printf "%.1fx", a / b }'))"
echo "baseline dd conv=fsync: $(ms $t_dd) ms   (export / it: $(awk -v a="$t_exp" -v b="$t_dd" 'BEGIN { printf "%.1fx", a / b }'))"
echo "load average at end $(load)"

# One operation = the whole import or export; ops/s here is entries/s.
imp_cmp=-
[ -n "$t_rng" ] && imp_cmp=xmllint-rng
row dirx-import "directory import, $n entries" "$t_imp" "$imp_cmp"
row dirx-export "directory export, $n entries" "$t_exp" "dd-fsync"
row dirx-export-1k "directory export, limit 1,000" "$t_exp1k" "dirx-export,dd-fsync"
[ -n "$t_rng" ] && row xmllint-rng "xmllint --relaxng, the same file" "$t_rng" "-"
row dd-fsync "dd conv=fsync, the same file" "$t_dd" "-"
exit 0
