# SPDX-License-Identifier: MIT
# Sourced by the tests that run rnrd on several "hosts" (sap_netns.sh,
# sap_replay.sh, sap_trust.sh, browse_sap.sh): each host a network
# namespace whose eth0 is one end of a veth pair, the other end on a
# bridge br0 that lives in a namespace of its own.  Every name carries the
# test's pid, so that tests run in parallel (and the namespace the test
# runs in) are never touched, and cleanup deletes only what the test made.
#
# The sourcing test defines skip() (exit 77) before netns_begin.
#
#   netns_begin PREFIX TMPNAME
#       tag=$$, N=PREFIXN$tag, the bridge's namespace: created, or the
#       test skips (no namespaces here).  tmp: a new directory
#       /tmp/TMPNAME.XXXXXX; pids: empty.  netns_cleanup runs on exit.
#   netns_setup [--ipv6] SUBNET HOST...
#       br0 in $N; for the i-th HOST (from 1) the namespace
#       PREFIXHOST$tag, its eth0 at SUBNET.i/24 with the peer vHOST on br0,
#       eth0 and lo up.  --ipv6 (for IPv6 and multicast): multicast
#       snooping off on br0, so that multicast reaches every port without
#       membership reports, and duplicate address detection off on eth0,
#       so that IPv6 addresses are usable at once.
#   netns_cleanup
#       kills $pids (-9), deletes the namespaces and $tmp.

netns_hosts=""

netns_begin() {
    netns_prefix=$1
    tag=$$
    N=${1}N$tag
    ip netns add $N 2>/dev/null || skip "cannot create network namespaces here"

    tmp=$(mktemp -d "/tmp/$2.XXXXXX") || exit 99
    pids=""
    trap netns_cleanup EXIT
    trap 'exit 1' INT TERM
}

netns_cleanup() {
    for p in $pids; do kill -9 "$p" 2>/dev/null; done
    wait 2>/dev/null
    for h in $netns_hosts; do ip netns del $netns_prefix$h$tag 2>/dev/null; done
    ip netns del $N 2>/dev/null
    rm -rf "$tmp"
}

netns_setup() {
    netns_ipv6=
    if [ "$1" = --ipv6 ]; then
        netns_ipv6=1
        shift
    fi
    netns_subnet=$1
    shift
    # Before the first namespace is made, so that cleanup finds it even
    # when setting up fails half-way.
    netns_hosts="$*"
    ip -n $N link add br0 type bridge || exit 99
    [ -z "$netns_ipv6" ] || ip -n $N link set br0 type bridge mcast_snooping 0 2>/dev/null
    ip -n $N link set br0 up
    i=0
    for h in "$@"; do
        i=$((i + 1))
        ns=$netns_prefix$h$tag
        ip netns add $ns || exit 99
        ip -n $N link add v$h type veth peer name eth0 netns $ns || exit 99
        ip -n $N link set v$h master br0 up
        [ -z "$netns_ipv6" ] ||
            ip netns exec $ns sysctl -qw net.ipv6.conf.eth0.accept_dad=0 2>/dev/null
        ip -n $ns addr add $netns_subnet.$i/24 dev eth0
        ip -n $ns link set eth0 up
        ip -n $ns link set lo up
    done
}
