#!/bin/sh
# SPDX-License-Identifier: MIT
# rnrctl's command table (client/rnrctl/rnrctl.c, one struct per command
# in its own file) against everything that lists the commands: the main
# help shows every command of the table with its summary, in order and
# nothing else; "rnrctl CMD --help" and "rnrctl help CMD" work for each;
# the bash and zsh completions and rnrctl(1)'s COMMANDS offer exactly the
# table's commands (the completions also the built-in "help").
top_srcdir=${srcdir:-.}
RNRCTL=${RNRCTL:-./client/rnrctl/rnrctl}
src=$top_srcdir/client/rnrctl
bash_c=$top_srcdir/etc/bash-completion/rnrctl
zsh_c=$top_srcdir/etc/zsh-completion/_rnrctl
man=$top_srcdir/man/rnrctl.1.in
[ -x "$RNRCTL" ] && [ -r "$src/rnrctl.c" ] && [ -r "$bash_c" ] && [ -r "$zsh_c" ] &&
    [ -r "$man" ] || { echo "run from the build directory after make" >&2; exit 99; }
RNR_SOCKET=/nonexistent/rnrd.sock
export RNR_SOCKET
tmp=$(mktemp -d "${TMPDIR:-/tmp}/rnrctl_commands.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
fails=0
checks=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
ok() { checks=$((checks + 1)); }
# Two sorted lists must be equal: say what one has that the other lacks.
same() {   # what, expected file, actual file
    if cmp -s "$2" "$3"; then
        ok
    else
        comm -23 "$2" "$3" | sed "s/^/FAIL: $1: missing /" >&2
        comm -13 "$2" "$3" | sed "s/^/FAIL: $1: not a command: /" >&2
        fails=$((fails + 1))
    fi
}

# The table, from the source: the entries of rnrctl.c's commands[], in
# order, each with the name and summary of its struct.
sed -n '/^static const struct rnrctl_command \*const commands\[\]/,/^};/p' "$src/rnrctl.c" |
    sed -n 's/^ *&rnrctl_command_\([a-z_]*\),.*/\1/p' >"$tmp/idents"
[ -s "$tmp/idents" ] || { echo "FAIL: no command table in rnrctl.c" >&2; exit 1; }
: >"$tmp/table"
while read -r id; do
    awk -v id="$id" '
        $0 ~ "^const struct rnrctl_command rnrctl_command_" id " = [{]" { on = 1; next }
        on && /^};/ { exit }
        on && /\.name = / { sub(/^[^"]*"/, ""); sub(/",[^"]*$/, ""); name = $0 }
        on && /\.summary = / { sub(/^[^"]*"/, ""); sub(/",[^"]*$/, ""); summary = $0 }
        END { if (name != "" && summary != "") printf "%s\t%s\n", name, summary }
    ' "$src"/cmd_*.c >>"$tmp/table.one"
    if [ -s "$tmp/table.one" ]; then cat "$tmp/table.one" >>"$tmp/table"; ok
    else fail "rnrctl_command_$id: no struct with a name and summary in $src/cmd_*.c"; fi
    rm -f "$tmp/table.one"
done <"$tmp/idents"
cut -f1 "$tmp/table" | sort >"$tmp/names"
{ cat "$tmp/names"; echo help; } | sort >"$tmp/names+help"

# The main help: the table's commands in its order, each with its summary.
"$RNRCTL" --help >"$tmp/help" 2>&1 && ok || fail "rnrctl --help exits non-zero"
sed -n '/^Commands:/,/^$/p' "$tmp/help" | sed -n 's/^  \([a-z][a-z-]*\).*/\1/p' >"$tmp/help.names"
cut -f1 "$tmp/table" | cmp -s - "$tmp/help.names" && ok ||
    fail "rnrctl --help: commands are not the table's, in its order"
while IFS='	' read -r name summary; do
    grep -q "^  $name\b.* $summary\$" "$tmp/help" && ok ||
        fail "rnrctl --help: $name without its summary \"$summary\""
    "$RNRCTL" "$name" --help >"$tmp/out" 2>"$tmp/err" && [ ! -s "$tmp/err" ] &&
        grep -q "^Usage: rnrctl $name\b" "$tmp/out" && ok ||
        fail "rnrctl $name --help: not a usage on stdout with status 0"
    "$RNRCTL" help "$name" | cmp -s - "$tmp/out" && ok ||
        fail "rnrctl help $name differs from rnrctl $name --help"
done <"$tmp/table"

# bash: the words of `local commands="..."` (it may span lines).
sed -n '/local commands="/,/"/p' "$bash_c" | sed 's/.*commands="//; s/".*//' |
    tr -s ' \t' '\n\n' | sed '/^$/d' | sort >"$tmp/bash"
same "bash completion" "$tmp/names+help" "$tmp/bash"

# zsh: the 'name:description' entries of commands=( ... ).
sed -n '/^ *commands=(/,/^ *)/p' "$zsh_c" | sed -n "s/^ *'\([a-z][a-z-]*\):.*/\1/p" |
    sort >"$tmp/zsh"
same "zsh completion" "$tmp/names+help" "$tmp/zsh"

# rnrctl(1): the first word of each .TP / .TQ tag under COMMANDS.
sed -n '/^\.SH COMMANDS/,/^\.SH /p' "$man" | sed -n '/^\.T[PQ]$/{n;p;}' |
    sed 's/\\f[BIRP]//g; s/\\-/-/g; s/^\.[BIR]*  *//; s/^"//' |
    awk '{ print $1 }' | sort -u >"$tmp/man"
same "rnrctl(1) COMMANDS" "$tmp/names" "$tmp/man"

echo "rnrctl_commands: $checks checks passed, $fails failed"
[ "$fails" -eq 0 ]
