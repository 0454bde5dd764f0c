#!/bin/sh
# SPDX-License-Identifier: MIT
# The ldap provider against Active Directory's own schema: a Samba AD
# domain controller provisioned by the test (samba-tool domain provision,
# every path under a temporary directory) and run in a network namespace
# the test creates (eth0 on a bridge in another namespace, and lo), rnrd
# in the same namespace with the ldap provider bound as Administrator
# (simple bind over ldap://: the test lets Samba take it without TLS).
#   1. a registration is stored as AD's serviceInstance (AD adds the
#      connectionPoint and leaf classes it derives from) and found again;
#   2. a class installed through rnrd is a serviceClass in AD, read back
#      by the provider, and removed again;
#   3. deleting the registration deletes the object.
# Provisioning takes about 40 s on two cores; the time is printed.
#
# Root only (namespaces); exits 77 without samba-tool or the ldap module.
RNRD=${RNRD:-./daemon/rnrd}
RNRCTL=${RNRCTL:-./client/rnrctl/rnrctl}
[ -x "$RNRD" ] && [ -x "$RNRCTL" ] || { echo "run from the build directory" >&2; exit 99; }
srcdir=${srcdir:-$(dirname "$0")/../..}
skip() { echo "SKIP: $*"; exit 77; }
[ -f ./providers/.libs/ldap.so ] || skip "the ldap provider was not built (no libldap)"
command -v samba-tool >/dev/null 2>&1 && command -v samba >/dev/null 2>&1 ||
    skip "samba-tool and samba are not installed (Debian: samba-ad-dc)"
command -v ldapsearch >/dev/null 2>&1 || skip "ldapsearch is not installed (ldap-utils)"
[ "$(id -u)" = 0 ] || skip "needs root (network namespaces)"
. "$srcdir/tests/integration/netns_lib.sh"
# For slapd_rnrd_conf and slapd_rnrd_start only: no slapd here.
. "$srcdir/tests/integration/slapd_lib.sh"

fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }

# Everything Samba runs lives in the namespace: kill it all by pid.
ad_cleanup() {
    for p in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
    netns_cleanup
}
netns_begin SMB samba_ad
ns=SMBdc$tag
trap ad_cleanup EXIT
netns_setup 10.77.0 dc
ip_dc=10.77.0.1
ad=$tmp/ad
pass='Rnr-Test-Pass1'
base="DC=rnr,DC=test"
ws="CN=WinsockServices,CN=System,$base"

t0=$(date +%s)
timeout 300 ip netns exec "$ns" samba-tool domain provision --targetdir="$ad" \
    --realm=RNR.TEST --domain=RNR --server-role=dc --dns-backend=SAMBA_INTERNAL \
    --adminpass="$pass" --host-ip="$ip_dc" >"$tmp/provision.log" 2>&1
rc=$?
[ $rc = 124 ] && skip "samba-tool domain provision took over 300 s"
[ $rc = 0 ] || { tail -20 "$tmp/provision.log"; echo "provision failed" >&2; exit 99; }
echo "provisioned in $(( $(date +%s) - t0 )) s"

# Nothing of the machine's own Samba (/run/samba, /var/log/samba): every
# runtime path under $ad; only the LDAP server runs; simple binds
# without TLS allowed, for the test only.  Provisioning copied the
# machine's smb.conf globals: those keys are replaced, not added to.
sed -i -e '/^[[:space:]]*\(log file\|logging\|max log size\|pid directory\|interfaces\|panic action\)[[:space:]]*=/d' \
    -e "s|^\[global\]|[global]\n\
\tldap server require strong auth = no\n\
\tserver services = ldap\n\
\tinterfaces = lo eth0\n\
\tlogging = file\n\
\tlog file = $ad/log.%m\n\
\tpid directory = $ad/run\n\
\tncalrpc dir = $ad/ncalrpc\n\
\twinbindd socket directory = $ad/winbindd\n\
\tntp signd socket directory = $ad/ntp_signd|" "$ad/etc/smb.conf"
mkdir -p "$ad/run"
t0=$(date +%s)
ip netns exec "$ns" samba -F --no-process-group -l "$ad" -s "$ad/etc/smb.conf" >"$tmp/samba.log" 2>&1 &
pids="$pids $!"
adsearch() {
    ip netns exec "$ns" ldapsearch -LLL -o ldif-wrap=no -x -H "ldap://$ip_dc" \
        -D "Administrator@rnr.test" -w "$pass" "$@"
}
i=0
until adsearch -b "$ws" -s base dn 2>/dev/null | grep -q '^dn:'; do
    i=$((i + 1))
    [ $i -lt 120 ] || { cat "$tmp/samba.log"; echo "samba does not answer" >&2; exit 99; }
    sleep 0.5
done
echo "samba answered after $(( $(date +%s) - t0 )) s"

run=$tmp/rnrd
mkdir -p "$run"
printf '%s\n' "$pass" >"$run/pw"
chmod 600 "$run/pw"
slapd_rnrd_conf "$run" "ldap://$ip_dc" "$base" "CN=Administrator,CN=Users,$base" "$run/pw" \
    "timeout-ms = 5000" >"$tmp/rnrd.conf"
mv "$tmp/rnrd.conf" "$run/rnrd.conf"
slapd_rnrd_start "$run" ip netns exec "$ns"
export RNR_SOCKET="$run/rnrd.sock"

# ---- 1. a registration
out=$("$RNRCTL" register tcp:5000 svc-ad --addr 192.0.2.9:5000 --addr '[2001:db8::9]:5000' \
    --ns NS_NTDS --persistent 2>&1) && ok "registered" || fail "register: $out"
obj=$(adsearch -b "CN=svc-ad,$ws" -s base objectClass serviceClassID winsockAddresses 2>&1)
for oc in serviceInstance connectionPoint leaf; do
    echo "$obj" | grep -qx "objectClass: $oc" || fail "AD's object lacks class $oc: $obj"
done
[ "$(echo "$obj" | grep -c '^winsockAddresses::')" = 2 ] &&
    ok "AD holds a serviceInstance with two winsockAddresses" ||
    fail "AD's object: $obj"
out=$("$RNRCTL" lookup tcp:5000 svc-ad --ns NS_NTDS --short 2>&1)
echo "$out" | grep -q "^svc-ad: 192.0.2.9:5000" && echo "$out" | grep -q "2001:db8::9" &&
    ok "found again, both addresses" || fail "lookup: $out"

# ---- 2. a class
guid="{7A3C2E10-5B4D-4E6F-8A9B-0C1D2E3F4A5C}"
slapd_class_xml "$guid" "AD Class" >"$tmp/cls.xml"
out=$("$RNRCTL" class install "$tmp/cls.xml" 2>&1) && ok "class installed" ||
    fail "class install: $out"
adsearch -b "CN=AD Class,$ws" -s base objectClass 2>&1 | grep -qx "objectClass: serviceClass" &&
    ok "AD holds a serviceClass" || fail "no serviceClass in AD"
ldap_id=$("$RNRCTL" providers | awk '/NS_NTDS/ { print $1 }')
out=$("$RNRCTL" class show "$guid" --provider "$ldap_id" 2>&1)
echo "$out" | grep -q "AD Class" && echo "$out" | grep -q 6000 &&
    ok "the provider reads the class back from AD" || fail "class show: $out"
out=$("$RNRCTL" class remove "$guid" 2>&1) || fail "class remove: $out"
adsearch -b "$ws" "(objectClass=serviceClass)" dn 2>&1 | grep -qi "CN=AD Class" &&
    fail "the serviceClass outlived class remove" || ok "class removed from AD"

# ---- 3. delete
out=$("$RNRCTL" delete tcp:5000 svc-ad --ns NS_NTDS 2>&1) || fail "delete: $out"
adsearch -b "$ws" "(cn=svc-ad)" dn 2>&1 | grep -q '^dn:' &&
    fail "the serviceInstance outlived delete" || ok "deleted from AD"

slapd_rnrd_stop "$run" || fail "rnrd did not end cleanly"

[ $fails = 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "samba_ad: all passed"
