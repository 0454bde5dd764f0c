#!/bin/sh
# SPDX-License-Identifier: MIT
# rnrctl's help, its manual page and its bash and zsh completions agree:
# every command `rnrctl --help` lists, and every option each command's
# --help lists, is offered by both completions and described in
# rnrctl(1); both completions know the class aliases; the bash one
# parses.
top_srcdir=${srcdir:-.}
RNRCTL=${RNRCTL:-./client/rnrctl/rnrctl}
bash_c=$top_srcdir/etc/bash-completion/rnrctl
zsh_c=$top_srcdir/etc/zsh-completion/_rnrctl
man=$top_srcdir/man/rnrctl.1.in
[ -x "$RNRCTL" ] && [ -r "$bash_c" ] && [ -r "$zsh_c" ] && [ -r "$man" ] ||
    { echo "run from the build directory after make" >&2; exit 99; }
tmp=$(mktemp -d /tmp/rnrctl_completion.XXXXXX) || exit 99
trap 'rm -rf "$tmp"' EXIT
fails=0
checks=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
ok() { checks=$((checks + 1)); }

# The manual page as text: "\-\-kv" is --kv there.
sed 's/\\-/-/g; s/\\f[BIRP]//g' "$man" >"$tmp/man"

# The commands, as the main help lists them (first word of each line).
RNR_SOCKET=/nonexistent "$RNRCTL" --help |
    sed -n '/^Commands:/,/^$/p' | sed -n 's/^  \([a-z][a-z-]*\).*/\1/p' | sort -u >"$tmp/commands"
[ -s "$tmp/commands" ] || { echo "FAIL: no commands in rnrctl --help" >&2; exit 1; }

while read -r cmd; do
    grep -q "commands=.*\b$cmd\b" "$bash_c" ||
        sed -n '/local commands=/,/"$/p' "$bash_c" | grep -qw -- "$cmd" &&
        ok || fail "bash completion: no command $cmd"
    grep -q "'$cmd:" "$zsh_c" && ok || fail "zsh completion: no command $cmd"
    grep -qw -- "$cmd" "$tmp/man" && ok || fail "rnrctl(1): no command $cmd"
    # Its options, as its own help lists them.
    RNR_SOCKET=/nonexistent "$RNRCTL" "$cmd" --help 2>/dev/null |
        sed -n 's/^  *\(-[a-zA-Z], \)\{0,1\}\(--[a-z][a-z-]*\).*/\2/p' | sort -u >"$tmp/opts"
    while read -r opt; do
        grep -q -- "$opt\b" "$bash_c" && ok || fail "bash completion: $cmd has no $opt"
        grep -q -- "$opt\b" "$zsh_c" && ok || fail "zsh completion: $cmd has no $opt"
        grep -q -- "$opt\b" "$tmp/man" && ok || fail "rnrctl(1): $cmd's $opt is not described"
    done <"$tmp/opts"
done <"$tmp/commands"

for alias in host addr service hostname tcp: udp:; do
    grep -q -- "$alias" "$bash_c" && ok || fail "bash completion: no class alias $alias"
    grep -q -- "$alias" "$zsh_c" && ok || fail "zsh completion: no class alias $alias"
done

bash -n "$bash_c" && ok || fail "bash completion does not parse"
if command -v zsh >/dev/null 2>&1; then
    zsh -n "$zsh_c" && ok || fail "zsh completion does not parse"
fi

echo "rnrctl_completion: $checks checks passed, $fails failed"
[ "$fails" -eq 0 ]
