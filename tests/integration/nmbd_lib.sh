# SPDX-License-Identifier: MIT
# Sourced, after netns_lib.sh, by the tests that put Samba's own NetBIOS
# name server next to rnrd (nmbd_harness.sh, netbt_samba.sh): real nmbd
# in one "host" (a namespace of netns_setup), real nmblookup in any.  Every
# file either writes (smb.conf, lock, state, cache, private, pid, ncalrpc,
# log, nmbd's "unexpected" socket) is under $tmp/nmb/HOST: nothing of the
# machine's own Samba is read or touched, and an nmblookup in one
# namespace never reaches the nmbd of another through a shared socket.
# smbd is never started: nmbd runs alone.
#
# The sourcing test calls netns_begin and netns_setup first; netns_cleanup
# kills every nmbd (their pids are in $pids).
#
#   nmbd_have
#       true when nmbd and nmblookup are installed (else the test skips).
#   nmbd_addr HOST
#       HOST's address on the bridge ($netns_subnet.i, i its position in
#       netns_setup's list).
#   nmbd_conf HOST NAME WORKGROUP [LINE]...
#       writes $tmp/nmb/HOST/smb.conf for "netbios name = NAME" in
#       WORKGROUP on eth0 only (and 127.0.0.1, bind interfaces only), NetBIOS enabled,
#       wins support = no, name resolve order = bcast, no DNS proxy; each
#       LINE ("wins support = yes", "wins server = 10.0.0.1", ...) is
#       appended and wins over the defaults.
#   nmbd_start HOST FROM
#       runs nmbd -F --no-process-group in HOST's namespace with that
#       config (its log: $tmp/nmb/HOST/log/log.nmbd), and waits (30 s at
#       most; else prints the log and exits 99) until broadcast queries
#       from FROM find NAME<00> and NAME<20>: nmbd answers for a name only
#       once its registration succeeded (a node status request lists it
#       seconds earlier, while it is still being claimed).
#   nmbd_stop HOST
#       SIGTERM (nmbd releases its names), then waits for it to exit.
#   nmb HOST ARG...
#       nmblookup ARG... in HOST's namespace with HOST's config (a client
#       one, made on first use, for a host without nmbd_conf).
#   nmb_bcast HOST NAME      a query broadcast on the bridge's subnet
#   nmb_wins HOST WINS NAME  a query with recursion desired, unicast to
#                            WINS (older nmblookups spell --recursion -R)
#   nmb_status HOST ADDR     a node status request to ADDR (-A)
#       nmb_bcast and nmb_wins print the addresses found, one a line,
#       nothing when none answered.

nmbd_have() {
    command -v nmbd >/dev/null 2>&1 || [ -x /usr/sbin/nmbd ] || return 1
    command -v nmblookup >/dev/null 2>&1
}

nmbd_bin() { command -v nmbd 2>/dev/null || echo /usr/sbin/nmbd; }

nmbd_addr() {
    nmbd_i=0
    for nmbd_h in $netns_hosts; do
        nmbd_i=$((nmbd_i + 1))
        [ "$nmbd_h" = "$1" ] && { echo "$netns_subnet.$nmbd_i"; return 0; }
    done
    return 1
}

nmbd_conf() {
    nmbd_d=$tmp/nmb/$1
    mkdir -p "$nmbd_d/lock" "$nmbd_d/state" "$nmbd_d/cache" "$nmbd_d/private" \
        "$nmbd_d/pid" "$nmbd_d/ncalrpc" "$nmbd_d/log" "$nmbd_d/sock" || exit 99
    eval "nmbd_name_$1=\$2 nmbd_group_$1=\$3"
    {
        echo "[global]"
        echo "netbios name = $2"
        echo "workgroup = $3"
        # 127.0.0.1: with bind interfaces only, a WINS server nmbd
        # registers its own names with itself there; nothing else listens.
        echo "interfaces = eth0 127.0.0.1"
        echo "bind interfaces only = yes"
        echo "disable netbios = no"
        echo "wins support = no"
        echo "name resolve order = bcast"
        echo "dns proxy = no"
        echo "lock directory = $nmbd_d/lock"
        echo "state directory = $nmbd_d/state"
        echo "cache directory = $nmbd_d/cache"
        echo "private dir = $nmbd_d/private"
        echo "pid directory = $nmbd_d/pid"
        echo "ncalrpc dir = $nmbd_d/ncalrpc"
        echo "log file = $nmbd_d/log/log.%m"
        echo "nmbd:socket dir = $nmbd_d/sock"
        echo "log level = 2"
        shift 3
        for nmbd_l in "$@"; do echo "$nmbd_l"; done
    } >"$nmbd_d/smb.conf"
}

nmbd_start() {
    nmbd_d=$tmp/nmb/$1
    # -l: the log's directory before smb.conf is read (else the first
    # lines go to /var/log/samba).
    ip netns exec $netns_prefix$1$tag "$(nmbd_bin)" -F --no-process-group \
        -l "$nmbd_d/log" -s "$nmbd_d/smb.conf" </dev/null >>"$nmbd_d/log/stdout" 2>&1 &
    eval "nmbd_pid_$1=$!"
    pids="$pids $!"
    eval "nmbd_n=\$nmbd_name_$1"
    nmbd_a=$(nmbd_addr "$1")
    nmbd_t=0
    until nmbd_ready "$2" "$nmbd_a" "$nmbd_n"; do
        nmbd_t=$((nmbd_t + 1))
        if [ $nmbd_t -gt 20 ] || ! eval "kill -0 \$nmbd_pid_$1" 2>/dev/null; then
            echo "nmbd on $1 did not register its names:" >&2
            cat "$nmbd_d/log/stdout" "$nmbd_d/log/log.nmbd" >&2
            exit 99
        fi
        sleep 0.5
    done
}

# nmbd_ready FROM ADDR NAME
nmbd_ready() {
    [ "$(nmb_bcast "$1" "$3")" = "$2" ] && [ "$(nmb_bcast "$1" "$3#20")" = "$2" ]
}

nmbd_stop() {
    eval "nmbd_p=\$nmbd_pid_$1"
    kill "$nmbd_p" 2>/dev/null
    wait "$nmbd_p" 2>/dev/null
    return 0
}

nmb() {
    nmbd_d=$tmp/nmb/$1
    [ -f "$nmbd_d/smb.conf" ] || nmbd_conf "$1" "NMBCLIENT$1" NMBCLIENTS
    nmbd_h=$1
    shift
    ip netns exec $netns_prefix$nmbd_h$tag nmblookup -s "$nmbd_d/smb.conf" "$@" 2>&1
}

nmb_addrs() { sed -n 's/^\([0-9][0-9.]*\) .*<[0-9a-f][0-9a-f]>$/\1/p'; }

nmb_bcast() { nmb "$1" -B "$netns_subnet.255" "$2" | nmb_addrs; }

nmb_wins() { nmb "$1" -U "$2" --recursion "$3" | nmb_addrs; }

nmb_status() { nmb "$1" -A "$2"; }
