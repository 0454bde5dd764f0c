#!/bin/sh
# SPDX-License-Identifier: MIT
# slapd_lib.sh itself, against real slapd instances:
#   1. one instance: the Winsock container tree; a serviceInstance with
#      binary serviceClassID and winsockAddresses (NUL and 0xff bytes)
#      added by the admin identity reads back byte for byte; the reader
#      identity reads it and may not write; SASL EXTERNAL over ldapi is the
#      admin; a serviceClass without its required displayName is refused
#      (the schema is loaded and enforced, not ignored);
#   2. SIGSTOP: a search times out; SIGCONT: it answers; kill -9 and a
#      restart on the same port: the data is still there; an instance
#      told to take a port in use starts on another;
#   3. TLS: StartTLS and ldaps with the test's CA work; with another CA the
#      handshake fails;
#   4. a multi-provider pair: an entry written on one is seen on the other
#      within 2 s, both ways.
#
# Exits 77 when slapd is not installed.
srcdir=${srcdir:-$(dirname "$0")/../..}
fail=0
skip() { echo "SKIP: $*"; exit 77; }
bad() { echo "FAIL: $*"; fail=1; }
ok() { echo "ok: $*"; }

. "$srcdir/tests/integration/slapd_lib.sh"
slapd_begin slapd_harness

ws="CN=WinsockServices,CN=System,$slapd_base"
# A GUID and a sockaddr_in-like value with NUL and 0xff bytes.
guid_b64=$(printf '\001\002\003\004\005\006\007\010\011\012\013\014\015\016\017\377' | base64)
addr_b64=$(printf '\002\000\037\220\177\000\000\001\000\000\000\000\377\377\000\000' | base64)

# ---- 1. one instance
slapd_new one
slapd_start one
slapd_populate one || exit 99
uri=$slapd_one_uri
cat >"$slapd_tmp/svc.ldif" <<EOF
dn: CN=svc1,$ws
objectClass: serviceInstance
cn: svc1
displayName: svc1
serviceClassID:: $guid_b64
winsockAddresses:: $addr_b64
serviceInstanceVersion:: AAAAAQAAAAI=
description: a test service
EOF
if ldapadd -x -H "$uri" -D "$slapd_admin_dn" -y "$slapd_admin_pwfile" \
        -f "$slapd_tmp/svc.ldif" >/dev/null 2>&1; then
    ok "admin adds a serviceInstance"
else
    bad "admin cannot add a serviceInstance"
fi
got=$(ldapsearch -LLL -o ldif-wrap=no -x -H "$uri" -D "$slapd_reader_dn" \
    -y "$slapd_reader_pwfile" -b "$ws" "(objectClass=serviceInstance)" \
    winsockAddresses serviceClassID)
echo "$got" | grep -qx "winsockAddresses:: $addr_b64" &&
    echo "$got" | grep -qx "serviceClassID:: $guid_b64" &&
    ok "binary attributes read back by the reader" ||
    bad "binary attributes differ: $got"
# The equality rule on serviceClassID: a search by GUID finds it.
hex=$(printf '\001\002\003\004\005\006\007\010\011\012\013\014\015\016\017\377' |
    od -An -tx1 | tr -d ' \n' | sed 's/../\\&/g')
slapd_search one -b "$ws" "(serviceClassID=$hex)" 1.1 | grep -qi "^dn: cn=svc1," &&
    ok "search by serviceClassID" || bad "no match on serviceClassID=$hex"
sed -e 's/svc1/svc2/g' "$slapd_tmp/svc.ldif" >"$slapd_tmp/svc2.ldif"
out=$(ldapadd -x -H "$uri" -D "$slapd_reader_dn" -y "$slapd_reader_pwfile" \
    -f "$slapd_tmp/svc2.ldif" 2>&1)
rc=$?
[ $rc -eq 50 ] && ok "reader may not write" || bad "reader wrote, or rc $rc: $out"
who=$(ldapwhoami -Q -Y EXTERNAL -H "$slapd_one_ldapi" 2>&1)
[ "$who" = "dn:$slapd_admin_dn" ] && ok "EXTERNAL over ldapi is the admin" ||
    bad "EXTERNAL identity: $who"
printf 'dn: CN=cls,%s\nobjectClass: serviceClass\ncn: cls\nserviceClassID:: %s\n' \
    "$ws" "$guid_b64" >"$slapd_tmp/cls.ldif"
out=$(ldapadd -x -H "$uri" -D "$slapd_admin_dn" -y "$slapd_admin_pwfile" \
    -f "$slapd_tmp/cls.ldif" 2>&1)
rc=$?
[ $rc -eq 65 ] && ok "serviceClass without displayName refused" ||
    bad "serviceClass without displayName: rc $rc: $out"

# ---- 2. stop, continue, kill, restart
slapd_pause one
if timeout 2 ldapsearch -x -H "$uri" -s base -b "" 1.1 >/dev/null 2>&1; then
    bad "a stopped slapd answered"
else
    ok "a stopped slapd does not answer"
fi
slapd_resume one
slapd_wait one 5 && ok "answers again after SIGCONT" || bad "no answer after SIGCONT"
slapd_kill one
timeout 2 ldapsearch -x -H "$uri" -s base -b "" 1.1 >/dev/null 2>&1 &&
    bad "a killed slapd answered"
slapd_start one
[ "$slapd_one_uri" = "$uri" ] || echo "note: restarted on another port ($slapd_one_uri)"
slapd_search one -b "CN=svc1,$ws" -s base 1.1 | grep -q '^dn:' &&
    ok "restart keeps the data" || bad "svc1 gone after kill -9 and restart"

slapd_new two
slapd_two_port=$slapd_one_port
slapd_start two
[ "$slapd_two_port" != "$slapd_one_port" ] && slapd_wait two 2 &&
    ok "a port in use: started on another ($slapd_two_port)" ||
    bad "port collision: two on $slapd_two_port, one on $slapd_one_port"
slapd_stop two

# ---- 3. TLS
slapd_new sec --tls
slapd_start sec
slapd_populate sec || exit 99
slapd_cert_ca wrong
tls_search() {
    LDAPTLS_CACERT=$1 LDAPTLS_REQCERT=demand ldapsearch -x $3 -H "$2" \
        -D "$slapd_reader_dn" -y "$slapd_reader_pwfile" -s base -b "$ws" 1.1 2>&1
}
tls_search "$slapd_ca" "$slapd_sec_uri" -ZZ | grep -q '^dn:' &&
    ok "StartTLS with the test's CA" || bad "StartTLS with the test's CA fails"
tls_search "$slapd_ca" "$slapd_sec_ldaps" | grep -q '^dn:' &&
    ok "ldaps with the test's CA" || bad "ldaps with the test's CA fails"
out=$(tls_search "$slapd_tmp/wrong.crt" "$slapd_sec_uri" -ZZ)
echo "$out" | grep -q '^dn:' && bad "StartTLS accepted another CA" ||
    ok "StartTLS with another CA fails: $(echo "$out" | head -1)"
out=$(tls_search "$slapd_tmp/wrong.crt" "$slapd_sec_ldaps")
echo "$out" | grep -q '^dn:' && bad "ldaps accepted another CA" || ok "ldaps with another CA fails"

# ---- 4. a multi-provider pair
slapd_pair pa pb
ok "pair up, base replicated"
for dir in "pa pb" "pb pa"; do
    set -- $dir
    n=svc-from-$1
    sed -e "s/svc1/$n/g" "$slapd_tmp/svc.ldif" >"$slapd_tmp/$n.ldif"
    ldapadd -x -H "$(slapd_get "$1" uri)" -D "$slapd_admin_dn" -y "$slapd_admin_pwfile" \
        -f "$slapd_tmp/$n.ldif" >/dev/null || bad "write on $1 refused"
    t0=$(date +%s%N)
    if slapd_seen "$2" "CN=$n,$ws" 2; then
        ok "written on $1, seen on $2 after $(( ($(date +%s%N) - t0) / 1000000 )) ms"
    else
        bad "written on $1, not on $2 within 2 s"
    fi
done

exit $fail
