#!/bin/sh
# SPDX-License-Identifier: MIT
# The ldap provider as a distributed directory, through real rnrd
# instances (each with its own socket, state and configuration) and real
# slapd instances (slapd_lib.sh):
#   1. TLS: StartTLS (starttls = demand) and ldaps:// with the test's CA
#      (ca-file) work; with another CA nothing is answered, the lookup
#      fails and rnrd's log says why; against a server without TLS,
#      starttls = yes goes on in clear and demand refuses (section 3);
#   2. failover: the first URI a closed port, the second and third a
#      replicated pair: lookups and registrations go to the second; the
#      second killed (-9) mid-run: they go on against the third;
#   3. outages: slapd stopped (SIGSTOP: it accepts and never answers) and
#      slapd killed (-9) in the middle of a lookup: the lookup fails with
#      WSATRY_AGAIN within timeout-ms (plus slack), a hosts lookup answers
#      at once meanwhile, and the provider recovers when slapd is back;
#   4. replication: rnrd A on one multi-provider peer, rnrd B on the
#      other; a registration through A is found through B within 2 s, a
#      class installed through B is read by A.
# Lookups use cache-ttl = 0: every one goes to the server.
RNRD=${RNRD:-./daemon/rnrd}
RNRCTL=${RNRCTL:-./client/rnrctl/rnrctl}
[ -x "$RNRD" ] && [ -x "$RNRCTL" ] || { echo "run from the build directory" >&2; exit 99; }
srcdir=${srcdir:-$(dirname "$0")/../..}
skip() { echo "SKIP: $*"; exit 77; }
[ -f ./providers/.libs/ldap.so ] || skip "the ldap provider was not built (no libldap)"
. "$srcdir/tests/integration/slapd_lib.sh"

fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

slapd_begin ldap_dist

timeout_ms=1500
# Scheduling on a loaded two-core machine, and rnrctl's own start.
slack_ms=1500

# rnrd_run TAG URIS [KEY = VALUE lines for the ldap section]: an rnrd in
# $slapd_tmp/rnrd-TAG bound as the admin identity.
rnrd_run() {
    slapd_rnrd_conf "$slapd_tmp/rnrd-$1" "$2" "$slapd_base" "$slapd_admin_dn" \
        "$slapd_admin_pwfile" "timeout-ms = $timeout_ms
${3:-}" >"$slapd_tmp/rnrd-$1.conf"
    mv "$slapd_tmp/rnrd-$1.conf" "$slapd_tmp/rnrd-$1/rnrd.conf"
    slapd_rnrd_start "$slapd_tmp/rnrd-$1"
}

ctl() {
    local tag
    tag=$1
    shift
    RNR_SOCKET=$slapd_tmp/rnrd-$tag/rnrd.sock "$RNRCTL" "$@"
}

# reg TAG NAME: a persistent registration in the ldap name space.
reg() {
    ctl "$1" register tcp:5000 "$2" --addr 192.0.2.7:5000 --ns NS_NTDS --persistent \
        >"$slapd_tmp/reg.out" 2>&1
}

# found TAG NAME: 0 when the ldap provider returns NAME's address.
found() {
    ctl "$1" lookup tcp:5000 "$2" --ns NS_NTDS --short 2>"$slapd_tmp/find.err" |
        grep -q "^$2: 192.0.2.7:5000"
}

# A lookup of NAME through TAG in the background, its exit status and
# duration in $slapd_tmp/bg.{rc,ms,err}.
found_bg() {
    (
        t0=$(now_ms)
        ctl "$1" lookup tcp:5000 "$2" --ns NS_NTDS --short >/dev/null 2>"$slapd_tmp/bg.err"
        echo $? >"$slapd_tmp/bg.rc"
        echo $(( $(now_ms) - t0 )) >"$slapd_tmp/bg.ms"
    ) &
    bg_pid=$!
}

# The hosts provider answers while the ldap one waits, from rnrd (not
# the answer cache): rnrctl's own figure for the lookup, start-up of the
# process aside, under 250 ms.
hosts_fast() {
    local out ms
    out=$(ctl "$1" lookup host hosted --ns hosts --flags flushcache --short)
    echo "$out" | grep -q "10.9.8.7" && echo "$out" | grep -q "from rnrd$" ||
        { fail "$2: the hosts lookup: $out"; return; }
    ms=$(echo "$out" | sed -n -e 's/^-- .* in [0-9.]*us,.*/0/p' \
        -e 's/^-- .* in \([0-9]*\)\.*[0-9]*ms,.*/\1/p')
    [ -n "$ms" ] && [ "$ms" -lt 250 ] && ok "$2: hosts lookup answered by rnrd in $ms ms" ||
        fail "$2: the hosts lookup: $out"
}

# Waits for the background lookup, then checks it failed with
# WSATRY_AGAIN within timeout-ms + slack.
bg_try_again() {
    wait "$bg_pid"
    local rc ms
    rc=$(cat "$slapd_tmp/bg.rc")
    ms=$(cat "$slapd_tmp/bg.ms")
    if [ "$rc" != 0 ] && grep -q WSATRY_AGAIN "$slapd_tmp/bg.err"; then
        [ "$ms" -le $((timeout_ms + slack_ms)) ] &&
            ok "$1: WSATRY_AGAIN after $ms ms (timeout-ms $timeout_ms)" ||
            fail "$1: WSATRY_AGAIN only after $ms ms (timeout-ms $timeout_ms)"
    else
        fail "$1: exit $rc after $ms ms: $(cat "$slapd_tmp/bg.err")"
    fi
}

# until_found TAG NAME SECONDS: polls; prints the milliseconds it took.
until_found() {
    local t0 end
    t0=$(now_ms)
    end=$((t0 + $3 * 1000))
    while :; do
        if found "$1" "$2"; then
            echo $(( $(now_ms) - t0 ))
            return 0
        fi
        [ "$(now_ms)" -lt "$end" ] || return 1
        sleep 0.1
    done
}

# ---------------------------------------------------------------- 1. TLS
slapd_new sec --tls
slapd_start sec
slapd_populate sec || exit 99
slapd_cert_ca wrong
rnrd_run tls "$slapd_sec_uri" "starttls = demand
ca-file = $slapd_ca"
reg tls svc-tls && ok "StartTLS (demand) with the test's CA: registered" ||
    fail "StartTLS register: $(cat "$slapd_tmp/reg.out")"
found tls svc-tls && ok "StartTLS: found" || fail "StartTLS lookup: $(cat "$slapd_tmp/find.err")"
rnrd_run ldaps "$slapd_sec_ldaps" "ca-file = $slapd_ca"
found ldaps svc-tls && ok "ldaps with the test's CA: found" ||
    fail "ldaps lookup: $(cat "$slapd_tmp/find.err")"
rnrd_run tlsbad "$slapd_sec_uri" "starttls = demand
ca-file = $slapd_tmp/wrong.crt"
t0=$(now_ms)
if found tlsbad svc-tls; then
    fail "StartTLS with another CA answered"
else
    ms=$(( $(now_ms) - t0 ))
    grep -q WSATRY_AGAIN "$slapd_tmp/find.err" &&
        ok "another CA: the lookup fails in $ms ms ($(cat "$slapd_tmp/find.err"))" ||
        fail "another CA: $(cat "$slapd_tmp/find.err")"
fi
why=$(grep "provider ldap" "$slapd_tmp/rnrd-tlsbad/log" | grep "StartTLS.*certificate" | head -1)
[ -n "$why" ] && ok "rnrd says why: $why" ||
    fail "rnrd's log says nothing of TLS: $(cat "$slapd_tmp/rnrd-tlsbad/log")"
rnrd_run ldapsbad "$slapd_sec_ldaps" "ca-file = $slapd_tmp/wrong.crt"
found ldapsbad svc-tls && fail "ldaps with another CA answered" || ok "ldaps with another CA fails"
why=$(grep "provider ldap" "$slapd_tmp/rnrd-ldapsbad/log" | grep "ldaps://.*ca-file" | head -1)
[ -n "$why" ] && ok "rnrd says why: $why" ||
    fail "rnrd's log says nothing of TLS: $(cat "$slapd_tmp/rnrd-ldapsbad/log")"
slapd_stop sec

# ---------------------------------------------------------------- 2. failover
slapd_pair f1 f2
dead=$(slapd_free_port)
rnrd_run fo "ldap://127.0.0.1:$dead $slapd_f1_uri $slapd_f2_uri"
t0=$(now_ms)
reg fo svc-fo1 && ok "first URI closed: registered in $(( $(now_ms) - t0 )) ms" ||
    fail "register past a closed port: $(cat "$slapd_tmp/reg.out")"
slapd_search f1 -s base -b "CN=svc-fo1,CN=WinsockServices,CN=System,$slapd_base" 1.1 |
    grep -q '^dn:' && ok "stored on the second URI" || fail "svc-fo1 is not on f1"
found fo svc-fo1 && ok "found past a closed port" || fail "lookup past a closed port"
slapd_seen f2 "CN=svc-fo1,CN=WinsockServices,CN=System,$slapd_base" 5 ||
    fail "svc-fo1 never replicated to f2"
slapd_kill f1
t0=$(now_ms)
if found fo svc-fo1; then
    ms=$(( $(now_ms) - t0 ))
    [ "$ms" -le $((timeout_ms + slack_ms)) ] && ok "second killed: found on the third in $ms ms" ||
        fail "second killed: found only after $ms ms"
else
    fail "second killed: lookup failed: $(cat "$slapd_tmp/find.err")"
fi
reg fo svc-fo2 && ok "second killed: registered on the third" ||
    fail "register after the kill: $(cat "$slapd_tmp/reg.out")"
slapd_search f2 -s base -b "CN=svc-fo2,CN=WinsockServices,CN=System,$slapd_base" 1.1 |
    grep -q '^dn:' && ok "svc-fo2 is on f2" || fail "svc-fo2 is not on f2"
found fo svc-fo2 && ok "svc-fo2 found" || fail "svc-fo2 not found"
hosts_fast fo "failover"
slapd_kill f2

# ---------------------------------------------------------------- 3. outages
slapd_new o
slapd_start o
slapd_populate o || exit 99
rnrd_run out "$slapd_o_uri"
reg out svc-o && found out svc-o || fail "outage setup: $(cat "$slapd_tmp/reg.out")"
# A server without TLS: starttls = yes goes on in clear, demand refuses.
rnrd_run plainyes "$slapd_o_uri" "starttls = yes"
found plainyes svc-o && ok "starttls = yes on a server without TLS: found in clear" ||
    fail "starttls = yes on a server without TLS: $(cat "$slapd_tmp/find.err")"
rnrd_run plaindemand "$slapd_o_uri" "starttls = demand"
found plaindemand svc-o && fail "starttls = demand answered without TLS" ||
    ok "starttls = demand on a server without TLS: refused"
slapd_pause o
found_bg out svc-o
sleep 0.2
hosts_fast out "slapd stopped"
bg_try_again "slapd stopped"
hosts_fast out "after the stopped lookup"
slapd_resume o
ms=$(until_found out svc-o 10) && ok "slapd continued: found again after $ms ms" ||
    fail "no lookup succeeds after SIGCONT"

# The lookup is sent before the server dies: stop it first, then kill it.
slapd_pause o
found_bg out svc-o
sleep 0.3
slapd_kill o
hosts_fast out "slapd killed"
bg_try_again "slapd killed mid-lookup"
slapd_start o
ms=$(until_found out svc-o 10) && ok "slapd restarted: found again after $ms ms" ||
    fail "no lookup succeeds after the restart"
slapd_stop o

# ---------------------------------------------------------------- 4. replication
slapd_pair ra rb
rnrd_run A "$slapd_ra_uri"
rnrd_run B "$slapd_rb_uri" "cache-ttl = 1"
reg A svc-rep || fail "register through A: $(cat "$slapd_tmp/reg.out")"
ms=$(until_found B svc-rep 2) && ok "registered through A, found through B after $ms ms" ||
    fail "registered through A, not found through B within 2 s"
guid="{7A3C2E10-5B4D-4E6F-8A9B-0C1D2E3F4A5B}"
slapd_class_xml "$guid" "Replicated Class" >"$slapd_tmp/cls.xml"
ctl B class install "$slapd_tmp/cls.xml" >"$slapd_tmp/cls.out" 2>&1 ||
    fail "class install through B: $(cat "$slapd_tmp/cls.out")"
# WSAGetServiceClassInfo as the ldap provider has it (rnrd's own store
# has only the classes installed through this rnrd).
ldap_id=$(ctl A providers | awk '/NS_NTDS/ { print $1 }')
t0=$(now_ms)
seen=""
while [ $(( $(now_ms) - t0 )) -lt 5000 ]; do
    if ctl A class show "$guid" --provider "$ldap_id" 2>/dev/null | grep -q "Replicated Class"; then
        seen=$(( $(now_ms) - t0 ))
        break
    fi
    sleep 0.1
done
[ -n "$seen" ] && ok "class installed through B, read by A after $seen ms" ||
    fail "class installed through B not seen by A within 5 s: $(ctl A class show "$guid" --provider "$ldap_id" 2>&1)"
ctl A class show "$guid" --provider "$ldap_id" 2>&1 | grep -q 6000 && ok "with its TcpPort value" ||
    fail "A's copy of the class: $(ctl A class show "$guid" --provider "$ldap_id" 2>&1)"

# Every rnrd ends cleanly (under sanitizers: no report, no leak).
for d in "$slapd_tmp"/rnrd-*/; do
    slapd_rnrd_stop "${d%/}" || fail "rnrd in $d did not end cleanly"
done

[ $fails = 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "ldap_dist: all passed"
