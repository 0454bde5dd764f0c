#!/bin/sh
# SPDX-License-Identifier: MIT
# Trust on the broadcast name space (doc/sap-protocol.md "Trust"), with a
# real unprivileged attacker: rnrt-mallory, a user the test creates, and
# rnrt-alice, another.  Hosts A and B are network namespaces on a bridge
# (in a third), each with an rnrd.
#   1. without a key: mallory registers the host name evil.test on A.
#      Through NS_ALL (rnrctl lookup host, NSS getent) neither root nor
#      alice gets it, mallory does (its own); naming NS_SAP everyone
#      does.  B hears it, and keeps it out of its NS_ALL lookups too (no
#      key: anyone on the link could have sent it);
#   2. quotas: mallory's fourth registration and alice's oversized one
#      are refused with WSAEDQUOT; root is exempt;
#   3. trust = all (a reload) serves mallory's name through NS_ALL;
#   4. with a key: mallory's registration is refused (WSAEACCES) and B
#      never hears it; root's is signed, and B serves it through NS_ALL.
#
# Root only (namespaces, users): exits 77 otherwise.
RNRD=${RNRD:-./daemon/rnrd}
RNRCTL=${RNRCTL:-./client/rnrctl/rnrctl}
builddir=$(pwd)
moddir=$builddir/providers/.libs
[ -x "$RNRD" ] && [ -x "$RNRCTL" ] && [ -e "$moddir/sap.so" ] ||
    { echo "run from the build directory after make" >&2; exit 99; }
if [ -x client/rnrctl/.libs/rnrctl ]; then
    RNRCTL=$builddir/client/rnrctl/.libs/rnrctl
    LD_LIBRARY_PATH=$builddir/client/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
    export LD_LIBRARY_PATH
fi

skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root for network namespaces and test users"
command -v ip >/dev/null 2>&1 || skip "no ip (iproute2)"
command -v setpriv >/dev/null 2>&1 || skip "no setpriv"
[ -x /usr/sbin/useradd ] || skip "no useradd"
SAPID='{8C6B8C1E-3F2A-4D55-9B0E-6A1F2C3D4E04}'
MALLORY=rnrt-mallory
ALICE=rnrt-alice
# Tests run in parallel: useradd fails while another holds the lock on
# /etc/passwd, or when another just created the same user.  Look again.
ensure_user() {
    n=0
    until id -u "$1" >/dev/null 2>&1; do
        /usr/sbin/useradd --system --no-create-home --home-dir /nonexistent \
            --shell /usr/sbin/nologin --user-group "$1" >/dev/null 2>&1
        n=$((n + 1)); [ $n -gt 50 ] && skip "cannot create user $1"
        id -u "$1" >/dev/null 2>&1 || sleep 0.1
    done
}
ensure_user $MALLORY
ensure_user $ALICE
setpriv --reuid=$MALLORY --regid=$MALLORY --clear-groups "$RNRCTL" --help >/dev/null 2>&1 ||
    skip "the build is not usable by $MALLORY (a directory on the way is private)"
. "$(dirname "$0")/netns_lib.sh"
netns_begin sapT sap_trust
chmod 755 "$tmp"
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

netns_setup 10.79.0 A B
for h in A B; do
    mkdir -p "$tmp/$h"
    chmod 755 "$tmp/$h"
done
printf 'trust-test-shared-key\n' >"$tmp/key"
chmod 600 "$tmp/key"

# conf HOST [EXTRA...]: IPv4 broadcast only, one-second interval.
conf() {
    h=$1
    shift
    {
        echo "[daemon]"
        echo "user = root"
        echo "socket = $tmp/$h/rnrd.sock"
        echo "state-dir = $tmp/$h/state"
        echo "module-dir = $moddir"
        echo "log-level = info"
        echo "[provider sap]"
        echo "module = sap"
        echo "interfaces = eth0"
        echo "interval = 1"
        echo "ipv6 = off"
        echo "reply-window-ms = 300"
        for x in "$@"; do echo "$x"; done
    } >"$tmp/$h/rnrd.conf"
}
start() {
    ip netns exec sapT$1$tag ${SAP_WRAPPER:-} "$RNRD" --foreground --config "$tmp/$1/rnrd.conf" \
        2>>"$tmp/$1/log" &
    eval "pid$1=$!"
    pids="$pids $!"
    n=0
    until ctl root "$1" providers >/dev/null 2>&1; do
        n=$((n + 1))
        [ $n -gt 300 ] && { echo "rnrd on $1 did not start:"; cat "$tmp/$1/log"; exit 99; }
        sleep 0.1
    done
}
stop() {
    eval "p=\$pid$1"
    kill "$p" 2>/dev/null
    wait "$p" 2>/dev/null
    [ $? -ne 99 ] || fail "rnrd on $1: the checker found errors (log $tmp/$1/log)"
}
# ctl USER HOST ARGS...: rnrctl on HOST as USER (root, or a test user
# with no groups and no privilege).
ctl() {
    u=$1 h=$2
    shift 2
    if [ "$u" = root ]; then
        ip netns exec sapT$h$tag "$RNRCTL" --socket "$tmp/$h/rnrd.sock" "$@"
    else
        ip netns exec sapT$h$tag setpriv --reuid="$u" --regid="$u" --clear-groups \
            "$RNRCTL" --socket "$tmp/$h/rnrd.sock" "$@"
    fi
}
# finds USER HOST NAME [lookup options]: the host name resolves (to the
# address every registration here uses) for USER on HOST.
finds() {
    u=$1 h=$2 name=$3
    shift 3
    ctl "$u" "$h" lookup host "$name" "$@" 2>/dev/null | grep -q '10\.79\.0\.66'
}
until_finds() {
    n=0
    while ! finds "$@"; do n=$((n + 1)); [ $n -gt 50 ] && return 1; sleep 0.2; done
}
# register USER HOST NAME [options]: prints rnrctl's error, if any.
register() {
    u=$1 h=$2 name=$3
    shift 3
    ctl "$u" "$h" register host "$name" --ns NS_SAP --addr 10.79.0.66:0 --persistent "$@" \
        2>&1 >/dev/null
}

# ------------------------------------------ 1. mallory's name, no key
conf A "quota-entries = 3" "quota-bytes = 400"
conf B
start A
start B
out=$(register $MALLORY A evil.test) || fail "1: mallory cannot register on NS_SAP: $out"
for u in root $ALICE; do
    finds $u A evil.test && fail "1: $u resolves mallory's evil.test through NS_ALL"
    finds $u A evil.test --ns NS_SAP || fail "1: $u does not find evil.test naming NS_SAP"
    finds $u A evil.test --provider "$SAPID" ||
        fail "1: $u does not find evil.test naming the provider"
done
finds $MALLORY A evil.test || fail "1: mallory does not resolve its own evil.test"
# NSS: glibc's getent, as a program of any user would resolve.
nssmod=$builddir/client/nss/.libs/libnss_rnr.so.2
if [ -e "$nssmod" ] && command -v getent >/dev/null && unshare -m true 2>/dev/null &&
   ! ldd "$nssmod" 2>/dev/null | grep -q 'lib[alt]san\|libubsan'; then
    echo "hosts: rnr" >"$tmp/nsswitch.conf"
    getent_as() {
        ip netns exec sapTA$tag env RNR_SOCKET="$tmp/A/rnrd.sock" \
            LD_LIBRARY_PATH=$builddir/client/nss/.libs unshare -m sh -c \
            "mount --bind '$tmp/nsswitch.conf' /etc/nsswitch.conf &&
             setpriv --reuid=$1 --regid=$1 --clear-groups getent hosts $2"
    }
    out=$(getent_as $ALICE evil.test)
    [ -z "$out" ] || fail "1: alice's getent hosts evil.test gave '$out'"
    out=$(getent_as $MALLORY evil.test)
    echo "$out" | grep -q '^10.79.0.66 *evil.test' ||
        fail "1: mallory's own getent hosts evil.test gave '$out'"
else
    echo "   (getent part skipped: no unshare -m, getent or plain NSS module)"
fi
# B heard it from the link: unauthenticated, for explicit lookups only.
until_finds root B evil.test --ns NS_SAP || fail "1: B did not hear evil.test"
finds root B evil.test && fail "1: B resolves evil.test, heard without a key, through NS_ALL"
# Root's own name: trusted on A, but B cannot tell it from mallory's.
out=$(register root A good.test) || fail "1: root cannot register: $out"
finds $ALICE A good.test || fail "1: alice does not resolve root's good.test through NS_ALL"
until_finds root B good.test --ns NS_SAP || fail "1: B did not hear good.test"
finds root B good.test && fail "1: B resolves good.test, heard without a key, through NS_ALL"

# ------------------------------------------------------------ 2. quotas
register $MALLORY A evil2.test >/dev/null || fail "2: mallory's second registration"
register $MALLORY A evil3.test >/dev/null || fail "2: mallory's third registration"
out=$(register $MALLORY A evil4.test)
case "$out" in *WSAEDQUOT*) ;; *) fail "2: mallory's fourth registration (quota 3) gave '$out'";; esac
# Replacing one of its own is no new entry.
out=$(register $MALLORY A evil3.test --comment again) ||
    fail "2: mallory cannot update its own registration at the quota: $out"
# 255 bytes of comment and 16 addresses: over quota-bytes (400) alone.
big=$(printf '%0255d' 0)
addrs=""
for p in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do addrs="$addrs --addr 10.79.0.66:$p"; done
out=$(register $ALICE A big.test --comment "$big" $addrs)
case "$out" in *WSAEDQUOT*) ;; *) fail "2: alice's 441-byte registration (quota 400) gave '$out'";; esac
register $ALICE A small.test >/dev/null || fail "2: alice's small registration"
for n in 1 2 3 4 5; do
    register root A root$n.test --comment "$big" $addrs >/dev/null ||
        fail "2: root's registration $n refused (root is exempt)"
done
ctl root A stats --kv 2>/dev/null | grep -q 'refused-quota.*[1-9]' ||
    echo "   (stats: no refused-quota figure shown)"

# ------------------------------- 3. trust = all; a quota lowered under use
conf A "quota-entries = 1" "quota-bytes = 400" "trust = all"
ip netns exec sapTA$tag "$RNRCTL" --socket "$tmp/A/rnrd.sock" reload >/dev/null 2>&1 ||
    kill -HUP "$pidA"
n=0
until finds root A evil.test; do
    n=$((n + 1)); [ $n -gt 50 ] && { fail "3: trust = all: root does not resolve evil.test"; break; }
    sleep 0.1
done
finds $ALICE A evil.test || fail "3: trust = all: alice does not resolve evil.test"
# Three registrations against a quota of one now: shrinking one is
# allowed, one more is not.
out=$(register $MALLORY A evil3.test) || fail "3: mallory cannot shrink evil3.test: $out"
out=$(register $MALLORY A evil5.test)
case "$out" in *WSAEDQUOT*) ;; *) fail "3: over a lowered quota, a new registration gave '$out'";; esac

# ------------------------------------------------------------- 4. a key
stop A
stop B
conf A "key-file = $tmp/key"
conf B "key-file = $tmp/key"
start A
start B
out=$(register $MALLORY A keyed-evil.test)
case "$out" in *WSAEACCES*) ;; *) fail "4: with a key, mallory's registration gave '$out'";; esac
out=$(register $ALICE A keyed-alice.test)
case "$out" in *WSAEACCES*) ;; *) fail "4: with a key, alice's registration gave '$out'";; esac
out=$(register root A signed.test) || fail "4: root cannot register with a key: $out"
until_finds root B signed.test || fail "4: B does not resolve root's signed.test through NS_ALL"
finds $ALICE B signed.test || fail "4: alice on B does not resolve signed.test"
for name in keyed-evil.test keyed-alice.test; do
    finds root B $name --ns NS_SAP --flags flushcache && fail "4: B received $name"
    finds root A $name --ns NS_SAP && fail "4: A keeps $name"
done

for h in A B; do
    stop $h
    grep -q 'AddressSanitizer\|runtime error' "$tmp/$h/log" && fail "sanitizer report on $h"
done
[ $fails -eq 0 ] || { for h in A B; do echo "--- log $h"; tail -20 "$tmp/$h/log"; done; exit 1; }
echo "sap_trust: all passed"
exit 0
