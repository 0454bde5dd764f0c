#!/bin/sh
# SPDX-License-Identifier: MIT
# The Samba harness itself (nmbd_lib.sh), before any test trusts it: real
# nmbd in host A, real nmblookup in host B.  B finds A's names by
# broadcast and by asking A as WINS server, lists them by node status;
# names nobody holds are not found, and once nmbd is stopped its names
# are gone: a harness whose queries always "succeeded" would fail here.
#
# Root only (namespaces), and Samba's nmbd and nmblookup: exits 77
# otherwise.
skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root for network namespaces"
command -v ip >/dev/null 2>&1 || skip "no ip (iproute2)"
. "$(dirname "$0")/netns_lib.sh"
. "$(dirname "$0")/nmbd_lib.sh"
nmbd_have || skip "no nmbd/nmblookup (Debian: samba, samba-common-bin)"
netns_begin nbh nmbd_harness
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

netns_setup 10.81.0 A B
nmbd_conf A SAMBAHOST SAMBAGROUP "wins support = yes"
t0=$(date +%s%N)
nmbd_start A B
echo "nmbd registered its names in $(( ($(date +%s%N) - t0) / 1000000 )) ms"
[ -s "$tmp/nmb/A/pid/nmbd.pid" ] || fail "nmbd's pid file is not under the test's directory"

got=$(nmb_bcast B SAMBAHOST)
[ "$got" = 10.81.0.1 ] || fail "broadcast query for SAMBAHOST<00> found '$got'"
got=$(nmb_bcast B 'sambahost#20')
[ "$got" = 10.81.0.1 ] || fail "broadcast query for sambahost<20> (case) found '$got'"
got=$(nmb_bcast B 'SAMBAGROUP#1e')
[ "$got" = 10.81.0.1 ] || fail "broadcast query for the group SAMBAGROUP<1e> found '$got'"
got=$(nmb_wins B 10.81.0.1 SAMBAHOST)
[ "$got" = 10.81.0.1 ] || fail "WINS query for SAMBAHOST<00> found '$got'"
got=$(nmb_wins B 10.81.0.1 'SAMBAHOST#20')
[ "$got" = 10.81.0.1 ] || fail "WINS query for SAMBAHOST<20> found '$got'"
# A WINS server answers for a normal group with the limited broadcast
# address (RFC 1002), which nmblookup does not print.
nmb B -d3 -U 10.81.0.1 --recursion SAMBAGROUP | grep -q 'positive name query response' ||
    fail "WINS query for the group SAMBAGROUP<00> got no positive answer"
# -S: a node status request to each address found.
nmb B -S -B 10.81.0.255 SAMBAHOST | grep -q '^[[:space:]]*SAMBAGROUP *<1e> - <GROUP>' ||
    fail "nmblookup -S did not list the group"

# Negative controls: what must not be found is not.
got=$(nmb_bcast B NOSUCHHOST)
[ -z "$got" ] || fail "broadcast query for NOSUCHHOST found '$got'"
got=$(nmb_wins B 10.81.0.1 NOSUCHHOST)
[ -z "$got" ] || fail "WINS query for NOSUCHHOST found '$got'"
got=$(nmb_bcast B 'SAMBAHOST#1c')
[ -z "$got" ] || fail "broadcast query for SAMBAHOST<1c> found '$got'"

nmbd_stop A
got=$(nmb_bcast B SAMBAHOST)
[ -z "$got" ] || fail "SAMBAHOST still found after nmbd stopped: '$got'"
nmb_status B 10.81.0.1 | grep -q SAMBAHOST && fail "node status answered after nmbd stopped"
grep -q 'wins.dat\|Got SIGTERM' "$tmp/nmb/A/log/log.nmbd" || fail "nmbd did not log its stop"

[ $fails -eq 0 ] || exit 1
echo "PASS"
