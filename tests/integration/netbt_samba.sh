#!/bin/sh
# SPDX-License-Identifier: MIT
# The netbt provider with Samba, the NetBIOS implementation nobody on
# this project wrote: nmbd in host A (also the WINS server), rnrd in B,
# nmblookup in C, network namespaces on one bridge (netbt_samba_lib.sh).
#   1. rnr resolves what nmbd registered, by broadcast (node-type b):
#      NAME (its <00>), NAME#20, NAME#03, the workgroup's <1E> and <00>
#      group names, case-insensitively; names nobody holds are not found;
#      an address is resolved to nmbd's name by node status;
#   2. the same through nmbd as WINS server (node-type p, no interfaces:
#      nothing is broadcast); the workgroup's <00>, for which the server
#      keeps no addresses, yields none that is no host's;
#   3. nmblookup finds what rnr registered by broadcast: a plain
#      `nmblookup NAME` (its <00>), NAME#20, `nmblookup -A` lists both;
#      deregistered: gone;
#   4. rnr registers with nmbd as WINS server (node-type h): nmblookup
#      asking the WINS server finds it; it is refreshed at half its TTL;
#      deregistered, and when rnrd stops,
#      released from the server; a normal group, for which the server has
#      only a placeholder, is found by broadcast;
#   5. gethostbyname and getaddrinfo through librnr (NS_ALL) reach a
#      NetBIOS name, after the hosts file.
# Root, nmbd and nmblookup only: exits 77 otherwise.
srcdir=${srcdir:-$(dirname "$0")/../..}
skip() { echo "SKIP: $*"; exit 77; }
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
sub=83
extra_host=
. "$srcdir/tests/integration/netbt_samba_lib.sh"
t_sec=$(date +%s%N)
section_done() { echo "$1: done ($(ms_since "$t_sec") ms)"; t_sec=$(date +%s%N); }

nmbd_conf A SAMBAHOST SAMBAGRP "wins support = yes"
nmbd_start A C
section_done "0. nmbd registered its names"

# ------------------------------------------------- 1. broadcast, b-node
printf '10.%s.0.99 filehost\n' $sub >"$tmp/B/hosts"
rnrd_conf "interfaces = eth0" "node-type = b" "timeout-ms = 300" "retries = 2"
rnrd_start
for n in SAMBAHOST sambahost 'SAMBAHOST#20' 'SambaHost#03' 'SAMBAGRP#1e' SAMBAGRP; do
    got=$(nbt "$n")
    [ "$got" = "$A" ] || fail "1: $n by broadcast found '$got', not $A"
done
for n in NOSUCHHOST 'SAMBAHOST#1c' 'SAMBAGRP#1d'; do
    got=$(nbt "$n")
    [ -z "$got" ] || fail "1: $n (held by nobody) found '$got'"
done
ctl lookup host NOSUCHHOST --ns NS_NETBT >/dev/null 2>&1
[ $? -eq 1 ] || fail "1: a name nobody holds does not end as not found (exit 1)"
out=$(ctl lookup addr $A --ns NS_NETBT --flags return-all,return-aliases 2>&1)
echo "$out" | grep -q '^result 1: SAMBAHOST$' || fail "1: node status of $A gave: $out"
echo "$out" | grep -qi 'SAMBAGRP#1E' || fail "1: node status of $A lacks SAMBAGRP#1E: $out"
section_done "1. nmbd's names by broadcast"

# -------------------------------------------------------- 2. WINS, p-node
rnrd_stop
rnrd_conf "node-type = p" "wins-server = $A" "timeout-ms = 300" "retries = 2"
rnrd_start
for n in SAMBAHOST 'sambahost#20' 'SAMBAHOST#03'; do
    got=$(nbt "$n")
    [ "$got" = "$A" ] || fail "2: $n through WINS found '$got', not $A"
done
# nmbd's WINS answers for a normal group with the G flag and the address
# 0.0.0.0 (RFC 1001 keeps no member list for those: a node broadcasts to
# find them), and no address of the kind is any host's.
got=$(nbt SAMBAGRP | tr '\n' ' ')
echo "   the group SAMBAGRP<00> through nmbd's WINS: '$got'"
case " $got" in
*" 0.0.0.0 "* | *" 255.255.255.255 "*)
    fail "2: the group SAMBAGRP through WINS gives a placeholder as an address: $got";;
esac
got=$(nbt NOSUCHHOST)
[ -z "$got" ] || fail "2: NOSUCHHOST through WINS found '$got'"
section_done "2. nmbd's names through nmbd as WINS server"

# ------------------------------------- 3. rnr's names seen by nmblookup
rnrd_stop
rnrd_conf "interfaces = eth0" "node-type = b" "timeout-ms = 300" "retries = 2"
rnrd_start
t0=$(date +%s%N)
ctl register host RNRHOST --ns NS_NETBT --persistent >/dev/null || fail "3: register RNRHOST"
echo "   broadcast registration of RNRHOST<00>, <20>: $(ms_since "$t0") ms"
got=$(nmb_bcast C RNRHOST)
[ "$got" = "$B" ] || fail "3: plain nmblookup RNRHOST found '$got', not $B"
got=$(nmb_bcast C 'rnrhost#20')
[ "$got" = "$B" ] || fail "3: nmblookup rnrhost#20 found '$got', not $B"
got=$(nmb_bcast A RNRHOST)
[ "$got" = "$B" ] || fail "3: nmblookup on nmbd's host found '$got', not $B"
ctl register host 'RNRSRV#1c' --ns NS_NETBT --persistent >/dev/null || fail "3: register RNRSRV#1c"
got=$(nmb_bcast C 'RNRSRV#1c')
[ "$got" = "$B" ] || fail "3: nmblookup RNRSRV#1c found '$got', not $B"
got=$(nmb_bcast C RNRSRV)
[ -z "$got" ] || fail "3: RNRSRV#1c alone also answers for RNRSRV<00>: '$got'"
out=$(nmb_status C $B)
for w in 'RNRHOST *<00> - ' 'RNRHOST *<20> - ' 'RNRSRV *<1c> - '; do
    echo "$out" | grep -q "^[[:space:]]*$w.*<ACTIVE>" || fail "3: nmblookup -A $B lacks '$w': $out"
done
ctl deregister host RNRHOST --ns NS_NETBT >/dev/null || fail "3: deregister RNRHOST"
got=$(nmb_bcast C RNRHOST)
[ -z "$got" ] || fail "3: RNRHOST found after deregistration: '$got'"
nmb_status C $B | grep -q RNRHOST && fail "3: RNRHOST still listed by node status"
section_done "3. rnr's names found by nmblookup"

# ------------------------------------------- 4. rnr registers with WINS
rnrd_stop
rnrd_conf "interfaces = eth0" "node-type = h" "wins-server = $A" "timeout-ms = 300" "retries = 2" \
    "name-ttl = 60"
rnrd_start
# An h-node that gets the WINS server's placeholder for a normal group
# broadcasts for its members, as Windows does: nmbd's host answers.
got=$(nbt SAMBAGRP | tr '\n' ' ')
[ "$got" = "$A " ] || fail "4: the group SAMBAGRP on an h-node found '$got', not $A"
ctl register host RNRWINS --ns NS_NETBT --persistent >/dev/null || fail "4: register RNRWINS"
for n in RNRWINS 'RNRWINS#20'; do
    got=$(nmb_wins C $A "$n")
    [ "$got" = "$B" ] || fail "4: nmbd's WINS answers $n with '$got', not $B"
done
nmb_status C $B | grep -q '^[[:space:]]*RNRWINS *<00> - .*<ACTIVE>' ||
    fail "4: nmblookup -A $B does not list RNRWINS"
ctl deregister host RNRWINS --ns NS_NETBT >/dev/null || fail "4: deregister RNRWINS"
got=$(nmb_wins C $A RNRWINS)
[ -z "$got" ] || fail "4: RNRWINS still in nmbd's WINS after deregistration: '$got'"
# Refreshed with the server at half its TTL (60 s, the shortest allowed):
# the server's answer to the refresh is counted, and it still has it.
ctl register host RNRREFR --ns NS_NETBT --persistent >/dev/null || fail "4: register RNRREFR"
refreshed() { ctl stats --kv | sed -n 's/^provider\.netbt\.stat\.refreshed=//p'; }
before=$(refreshed)
i=0
while [ "$(refreshed)" = "$before" ] && [ $i -lt 90 ]; do sleep 0.5; i=$((i + 1)); done
[ "$(refreshed)" != "$before" ] || fail "4: RNRREFR not refreshed within 45 s (name-ttl 60)"
got=$(nmb_wins C $A RNRREFR)
[ "$got" = "$B" ] || fail "4: nmbd's WINS answers RNRREFR with '$got' after the refresh"
ctl register host RNRSTOP --ns NS_NETBT --persistent >/dev/null || fail "4: register RNRSTOP"
got=$(nmb_wins C $A RNRSTOP)
[ "$got" = "$B" ] || fail "4: nmbd's WINS answers RNRSTOP with '$got'"
rnrd_stop
got=$(nmb_wins C $A RNRSTOP)
[ -z "$got" ] || fail "4: RNRSTOP still in nmbd's WINS after rnrd stopped: '$got'"
section_done "4. rnr's names in nmbd's WINS"

# ------------------------------------------- 5. NS_ALL: getaddrinfo ...
rnrd_conf "interfaces = eth0" "node-type = b" "timeout-ms = 300" "retries = 2"
rnrd_start
out=$(ip netns exec nbtB$tag env RNR_SOCKET="$tmp/B/rnrd.sock" "$PROBE" SAMBAHOST filehost 2>&1) ||
    fail "5: resolve_probe: $out"
for w in "gethostbyname SAMBAHOST: $A" "getaddrinfo SAMBAHOST: $A" \
         "gethostbyname filehost: 10.$sub.0.99" "getaddrinfo filehost: 10.$sub.0.99"; do
    echo "$out" | grep -qx "$w" || fail "5: expected '$w' in: $out"
done
# A name in the hosts file and on the link: the file's answer first.
printf '10.%s.0.99 filehost\n10.%s.0.98 SAMBAHOST\n' $sub $sub >"$tmp/B/hosts"
ctl reload >/dev/null || fail "5: reload"
out=$(ip netns exec nbtB$tag env RNR_SOCKET="$tmp/B/rnrd.sock" "$PROBE" SAMBAHOST 2>&1)
echo "$out" | grep -q "^gethostbyname SAMBAHOST: 10.$sub.0.98" ||
    fail "5: the hosts file does not come first: $out"
rnrd_stop
section_done "5. gethostbyname and getaddrinfo through NS_ALL"

[ $fails -eq 0 ] || { echo "rnrd's log: $tmp/B/log"; tail -30 "$tmp/B/log"; exit 1; }
echo "PASS"
