#!/bin/sh
# SPDX-License-Identifier: MIT
# The ldap provider against a real slapd (slapd_lib.sh): the C test
# test_ldap (lookups, registrations, classes, contexts, access control,
# a stopped server) through librnr, then through rnrctl: `rnrctl ldap
# init` on a directory without the Winsock tree, twice (the second run
# changes nothing), as a non-admin (refused), and `rnrd --check-config`
# on broken ldap sections (file:line and what was expected).
RNRD=${RNRD:-./daemon/rnrd}
RNRCTL=${RNRCTL:-./client/rnrctl/rnrctl}
[ -x "$RNRD" ] && [ -x "$RNRCTL" ] || { echo "run from the build directory" >&2; exit 99; }
srcdir=${srcdir:-$(dirname "$0")/../..}
skip() { echo "SKIP: $*"; exit 77; }
[ -f ./providers/.libs/ldap.so ] || skip "the ldap provider was not built (no libldap)"
. "$srcdir/tests/integration/slapd_lib.sh"

fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

slapd_begin ldap_basic
slapd_new a
slapd_start a || exit 99
slapd_populate a || exit 99
cat >"$slapd_tmp/ctx.ldif" <<EOF2
dn: CN=lab,CN=WinsockServices,CN=System,$slapd_base
objectClass: container
cn: lab

dn: CN=inner,CN=lab,CN=WinsockServices,CN=System,$slapd_base
objectClass: container
cn: inner
EOF2
slapd_load a "$slapd_tmp/ctx.ldif" || exit 99

# ------------------------------------------------------------ librnr
export RNRT_LDAP_URI="$slapd_a_uri" RNRT_LDAP_BASE="$slapd_base" \
    RNRT_LDAP_LDAPI="$slapd_a_ldapi" RNRT_LDAP_PID="$slapd_a_pid" \
    RNRT_LDAP_ROOT_DN="$slapd_root_dn" RNRT_LDAP_ROOT_PW="$slapd_root_pw" \
    RNRT_LDAP_ADMIN_DN="$slapd_admin_dn" RNRT_LDAP_ADMIN_PWFILE="$slapd_admin_pwfile" \
    RNRT_LDAP_READER_DN="$slapd_reader_dn" RNRT_LDAP_READER_PWFILE="$slapd_reader_pwfile"
./tests/integration/test_ldap || fail "test_ldap"
slapd_resume a   # whatever test_ldap left behind

# ------------------------------------------------------------ rnrctl ldap init
run="$slapd_tmp/rnrd"
mkdir -p "$run"
conf() {
    cat <<EOC
[daemon]
user = root
socket = $run/rnrd.sock
state-dir = $run/state
module-dir = $(pwd)/providers/.libs
class-dir = $run/classes.d

[provider ldap]
module = ldap
uri = $slapd_a_uri
base = $slapd_base
bind-dn = $slapd_admin_dn
bind-password-file = $slapd_admin_pwfile
timeout-ms = 2000
EOC
}
conf >"$run/rnrd.conf"
"$RNRD" -f -c "$run/rnrd.conf" >"$run/log" 2>&1 &
rnrd_pid=$!
export RNR_SOCKET="$run/rnrd.sock"
i=0
while [ ! -S "$RNR_SOCKET" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done

ws="CN=WinsockServices,CN=System,$slapd_base"
timeout 30 ldapdelete -x -r -H "$slapd_a_ldapi" -D "$slapd_root_dn" -w "$slapd_root_pw" \
    "CN=System,$slapd_base" || fail "could not empty the directory for init"
slapd_search a -b "$slapd_base" "(cn=System)" dn | grep -q . && fail "CN=System still there"
out=$(timeout 60 "$RNRCTL" ldap init 2>&1) || fail "ldap init: $out"
slapd_search a -b "$ws" -s base "(objectClass=container)" dn | grep -qi "^dn: CN=WinsockServices" ||
    fail "ldap init made no CN=WinsockServices"
n=$(slapd_search a -b "CN=System,$slapd_base" dn | grep -c '^dn:')
[ "$n" = 2 ] || fail "ldap init made $n objects below CN=System, not 2"
out=$("$RNRCTL" ldap init 2>&1) || fail "ldap init again: $out"
n=$(slapd_search a -b "CN=System,$slapd_base" dn | grep -c '^dn:')
[ "$n" = 2 ] || fail "the second ldap init left $n objects, not 2"
"$RNRCTL" ldap --help | grep -q "CN=WinsockServices" || fail "ldap --help says nothing useful"
"$RNRCTL" ldap frobnicate >/dev/null 2>&1
[ $? = 2 ] || fail "an unknown ldap subcommand is not a usage error"
if command -v setpriv >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    chmod 755 "$slapd_tmp" "$run"
    out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups \
          env RNR_SOCKET="$RNR_SOCKET" RNR_DAEMON_USER=root "$RNRCTL" ldap init 2>&1)
    [ $? = 4 ] || fail "ldap init as nobody: not refused with exit 4: $out"
fi
kill "$rnrd_pid"
wait "$rnrd_pid"

# ------------------------------------------------------------ --check-config
bad() {
    # $1: the lines of the ldap section; $2: what the message must say.
    { conf | sed '/^\[provider ldap\]/,$d'; printf '[provider ldap]\nmodule = ldap\n%s\n' "$1"; } \
        >"$run/bad.conf"
    out=$("$RNRD" --check-config -c "$run/bad.conf" 2>&1)
    [ $? = 1 ] || fail "--check-config accepted: $1"
    echo "$out" | grep -q "$run/bad.conf:[0-9]*:.*$2" ||
        fail "--check-config on '$1' said: $out"
}
bad "uri = http://example.org
base = dc=x" "uri"
bad "base = dc=x" "uri"
bad "uri = ldap://127.0.0.1:1" "base"
bad "uri = ldap://127.0.0.1:1
base = dc=x
starttls = sometimes" "starttls"
bad "uri = ldap://127.0.0.1:1
base = dc=x
timeout-ms = 5" "timeout-ms"
bad "uri = ldap://127.0.0.1:1
base = dc=x
bind-dn = cn=a,dc=x" "bind-password-file"
bad "uri = ldapi:///
base = dc=x
sasl-mech = EXTERNAL
bind-dn = cn=a,dc=x
bind-password-file = /dev/null" "sasl-mech"
bad "uri = ldap://127.0.0.1:1
base = dc=x
cache-tll = 5" "cache-ttl"

[ $fails = 0 ] || { echo "$fails failure(s)" >&2; exit 1; }
echo "ldap_basic: all passed"
