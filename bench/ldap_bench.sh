#!/bin/sh
# SPDX-License-Identifier: MIT
# Figures for the ldap provider (make bench-ldap, and a part of make
# bench): two slapd peers replicating each other (tests/integration/
# slapd_lib.sh), one rnrd with the ldap provider on the first, then
# bench/bench_ldap: lookups cold and cached against libldap's own search,
# registration against libldap's add, 10,000 registrations on the first
# replica until all are on the second.  Exits 77 without slapd or without
# the ldap module.
#   ldap_bench.sh SRCDIR BUILDDIR
set -u
srcdir=$1
builddir=$2
cd "$builddir" || exit 1
RNRD=$builddir/daemon/rnrd
BENCH=$builddir/bench/.libs/bench_ldap
[ -x "$BENCH" ] || BENCH=$builddir/bench/bench_ldap
[ -x "$BENCH" ] && [ -f providers/.libs/ldap.so ] ||
    { echo "ldap_bench: the ldap provider was not built (no libldap)"; exit 77; }
LD_LIBRARY_PATH=$builddir/client/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export LD_LIBRARY_PATH
skip() { echo "ldap_bench: $*"; exit 77; }
. "$srcdir/tests/integration/slapd_lib.sh"
slapd_begin ldap_bench
slapd_pair pa pb
d=$slapd_tmp/rnrd
# The provider's cache as deployed by default (30 s); the answer cache in
# the client off, so that every lookup reaches rnrd.
slapd_rnrd_conf "$d" "$slapd_pa_uri" "$slapd_base" "$slapd_admin_dn" "$slapd_admin_pwfile" \
    "timeout-ms = 5000
cache-ttl = 30" >"$slapd_tmp/rnrd.conf"
mv "$slapd_tmp/rnrd.conf" "$d/rnrd.conf"
slapd_rnrd_start "$d"
echo "slapd $(slapd -VV 2>&1 | sed -n 's/.*slapd \([0-9.][^ ]*\).*/\1/p'), two multi-provider peers on 127.0.0.1; rnrd on the first"
RNR_SOCKET=$d/rnrd.sock RNR_ANSWER_CACHE=0 "$BENCH" "$slapd_pa_uri" "$slapd_pb_uri" \
    "$slapd_base" "$slapd_admin_dn" "$slapd_admin_pwfile" || exit 1
RNR_SOCKET=$d/rnrd.sock "$BENCH" "$slapd_pa_uri" "$slapd_pb_uri" \
    "$slapd_base" "$slapd_admin_dn" "$slapd_admin_pwfile" ac
