#!/bin/sh
# SPDX-License-Identifier: MIT
# rnrctl without a daemon: --help at every level exits 0 with a synopsis,
# bad usage exits 2 with a message naming what was wrong (and nothing on
# stdout), and an unreachable rnrd gives exit 3 quickly.
#
# make check runs this from the top build directory; RNRCTL overrides the
# binary (e.g. an installed one).

RNRCTL=${RNRCTL:-./client/rnrctl/rnrctl}
if [ ! -x "$RNRCTL" ]; then
    echo "rnrctl_usage: $RNRCTL not found (run from the build directory or set RNRCTL)" >&2
    exit 99
fi

# Nothing here may reach a real daemon.
RNR_SOCKET=/nonexistent/rnrd.sock
export RNR_SOCKET

tmp=$(mktemp -d "${TMPDIR:-/tmp}/rnrctl_usage.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
out=$tmp/out
err=$tmp/err
fails=0

fail() {
    echo "FAIL: $*" >&2
    echo "  stdout:" >&2; sed 's/^/    /' "$out" >&2
    echo "  stderr:" >&2; sed 's/^/    /' "$err" >&2
    fails=$((fails + 1))
}

# expect_help WANT_TEXT ARGS...: exit 0, WANT_TEXT on stdout, stderr empty.
expect_help() {
    want=$1
    shift
    "$RNRCTL" "$@" >"$out" 2>"$err"
    rc=$?
    if [ $rc -ne 0 ]; then
        fail "rnrctl $*: exit $rc, want 0"
    elif ! grep -qF -- "$want" "$out"; then
        fail "rnrctl $*: stdout lacks '$want'"
    elif [ -s "$err" ]; then
        fail "rnrctl $*: unexpected stderr"
    else
        echo "ok: rnrctl $*"
    fi
}

# expect_usage WANT_TEXT ARGS...: exit 2, WANT_TEXT on stderr, stdout empty.
expect_usage() {
    want=$1
    shift
    "$RNRCTL" "$@" >"$out" 2>"$err"
    rc=$?
    if [ $rc -ne 2 ]; then
        fail "rnrctl $*: exit $rc, want 2"
    elif ! grep -qF -- "$want" "$err"; then
        fail "rnrctl $*: stderr lacks '$want'"
    elif ! grep -q '^rnrctl: ' "$err"; then
        fail "rnrctl $*: message does not start with 'rnrctl: '"
    elif [ -s "$out" ]; then
        fail "rnrctl $*: unexpected stdout"
    else
        echo "ok: rnrctl $* -> 2"
    fi
}

# --help everywhere.
expect_help "Usage: rnrctl [--socket PATH] [--json] [--color WHEN] COMMAND" --help
expect_help "Usage: rnrctl [--socket PATH] [--json] [--color WHEN] COMMAND" -h
expect_help "Usage: rnrctl [--socket PATH] [--json] [--color WHEN] COMMAND" help
expect_help "Exit status:" --help
expect_help "3  rnrd not reachable" --help
expect_help "rnrctl (rnr) " --version
expect_help "Usage: rnrctl providers" providers --help
expect_help "Usage: rnrctl lookup CLASS [NAME]" lookup --help
expect_help "Usage: rnrctl lookup CLASS [NAME]" lookup -h
expect_help "Usage: rnrctl lookup CLASS [NAME]" lookup host localhost --help
expect_help "--flags LIST" lookup --help
expect_help "Examples:" lookup --help
expect_help "Usage: rnrctl register CLASS NAME" register --help
expect_help "Usage: rnrctl deregister CLASS NAME" deregister --help
expect_help "Usage: rnrctl delete CLASS NAME" delete --help
expect_help "Usage: rnrctl publish CLASS NAME" publish --help
expect_help "Exit status: 0 done" publish --help
expect_help "Usage: rnrctl class install FILE.xml" class --help
expect_help "Usage: rnrctl class install FILE.xml" class install --help
expect_help "rnrctl class show CLASS" class show --help
expect_help "rnrctl class list" class list --help
expect_help "Usage: rnrctl lookup CLASS [NAME]" help lookup
expect_help "Usage: rnrctl lookup CLASS [NAME]" --json lookup --help

# Usage errors: exit 2, the culprit named, before any daemon is asked.
expect_usage "no command given"
expect_usage "unknown command 'frobnicate'" frobnicate
expect_usage "unknown command 'frobnicate'" help frobnicate
expect_usage "unknown option '--bogus'" --bogus providers
expect_usage "option '--socket' needs an argument" --socket
expect_usage "unknown option '--bogus'" providers --bogus
expect_usage "unexpected argument 'extra'" providers extra
expect_usage "missing CLASS" lookup
expect_usage "missing CLASS" lookup --ns dns
expect_usage "unknown option '--bogus'" lookup host localhost --bogus
expect_usage "unexpected argument 'c'" lookup host a c
expect_usage "option '--ns' needs an argument" lookup host localhost --ns
expect_usage "bad port in 'tcp:0'" lookup tcp:0 x
expect_usage "bad port in 'udp:65536'" lookup udp:65536 x
expect_usage "unknown flag 'nope'" lookup host x --flags deep,nope
expect_usage "empty item" lookup host x --flags deep,,nearest
expect_usage "exclude each other" lookup host x --flags containers,nocontainers
expect_usage "unknown address family 'ipx'" lookup host x --family ipx
expect_usage "unknown protocol 'sctp'" lookup host x --protocol sctp
expect_usage "unknown name space 'nowhere'" lookup host x --ns nowhere
expect_usage "bad version '1.2'" lookup host x --version 1.2
expect_usage "missing CLASS and NAME" register
expect_usage "missing NAME" register host
expect_usage "bad port in address '1.2.3.4:99999'" register host n --addr 1.2.3.4:99999
expect_usage "bad address 'nohost:80'" register host n --addr nohost:80
expect_usage "bad version '3+'" register host n --version 3+
expect_usage "missing NAME" deregister tcp:80
expect_usage "missing NAME" publish tcp:80
expect_usage "--persistent: a publication ends with rnrctl" publish tcp:80 n --persistent
expect_usage "unknown option '--flags'" delete host n --flags deep
expect_usage "missing subcommand" class
expect_usage "unknown subcommand 'frob'" class frob
expect_usage "missing CLASS" class show
expect_usage "missing FILE.xml" class install
expect_usage "unexpected argument 'x'" class list x
expect_usage "--provider applies to class show only" class list --provider hosts
expect_usage "Try 'rnrctl lookup --help'" lookup
# Near misses get the closest word; the others the list of known ones.
expect_usage "unknown subcommand 'instal'; did you mean 'install'?" class instal x.xml
expect_usage "unknown subcommand 'flsh'; did you mean 'flush'?" cache flsh
expect_usage "unknown command 'frobnicate' (providers, lookup," frobnicate
expect_usage "unknown option '--sokcet'; did you mean '--socket'?" --sokcet x providers
expect_usage "unknown level 'xx' (err, warning, notice, info, debug)" log-level xx
expect_usage "--color: 'sometimes' is not auto, always or never" providers --color=sometimes

# No daemon: exit 3, fast, with a message, nothing on stdout.
check_nodaemon() {
    start=$(date +%s)
    if command -v timeout >/dev/null 2>&1; then
        timeout 20 "$RNRCTL" "$@" >"$out" 2>"$err"
    else
        "$RNRCTL" "$@" >"$out" 2>"$err"
    fi
    rc=$?
    elapsed=$(($(date +%s) - start))
    if [ $rc -ne 3 ]; then
        fail "rnrctl $* without rnrd: exit $rc, want 3"
    elif [ $elapsed -gt 5 ]; then
        fail "rnrctl $* without rnrd took ${elapsed}s"
    elif ! grep -q 'WSASYSNOTREADY' "$err"; then
        fail "rnrctl $* without rnrd: stderr lacks WSASYSNOTREADY"
    elif [ -s "$out" ]; then
        fail "rnrctl $* without rnrd: unexpected stdout"
    else
        echo "ok: rnrctl $* without rnrd -> 3 in ${elapsed}s"
    fi
}
check_nodaemon providers
check_nodaemon --json providers
check_nodaemon --socket "$tmp/none.sock" providers
check_nodaemon lookup host localhost
check_nodaemon class list

if [ $fails -ne 0 ]; then
    echo "$fails check(s) failed" >&2
    exit 1
fi
exit 0
