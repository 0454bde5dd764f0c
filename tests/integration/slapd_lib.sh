# SPDX-License-Identifier: MIT
# Sourced by the tests that need real LDAP servers: Debian's slapd, each
# instance with its own cn=config (made by slapadd -n0 in a temporary
# directory: core, cosine, inetorgperson and etc/ldap/rnr-winsock.ldif
# from the source tree) and one mdb database for $slapd_base.  Nothing of
# the machine's own slapd (/etc/ldap, its socket, its port) is used.
#
# The sourcing test defines skip() (exit 77) and sets srcdir (the source
# tree's root) before slapd_begin.  Instance names are shell words
# ([a-z0-9_]); an instance's facts are in variables named after it.
#
#   slapd_begin TMPNAME
#       skips without slapd; slapd_tmp: a new directory /tmp/TMPNAME.XXXXXX
#       with the identities' password files; slapd_cleanup runs on exit
#       (a test with a cleanup of its own sets slapd_notrap=1 first and
#       calls slapd_cleanup from it).
#   slapd_new NAME [--tls] [--peer OTHER] [--sid N]
#       makes NAME's configuration; --tls: a server certificate for
#       127.0.0.1 and localhost signed by the test's CA ($slapd_ca), StartTLS
#       on the ldap:// port and an ldaps:// port; --peer: NAME is a
#       multi-provider syncrepl peer of OTHER (server id --sid, default 1),
#       replicating over OTHER's ldapi socket and retrying every second.
#   slapd_start NAME
#       starts it on 127.0.0.1 at a free random port (another one on a
#       collision) and on ldapi, waits until it answers; then
#       slapd_NAME_uri (ldap://127.0.0.1:PORT), slapd_NAME_port,
#       slapd_NAME_ldapi (the ldapi:// URI), slapd_NAME_pid and, with --tls,
#       slapd_NAME_ldaps.  A restart keeps the ports when it can.
#   slapd_stop NAME | slapd_kill NAME | slapd_pause NAME | slapd_resume NAME
#       SIGTERM and wait; SIGKILL; SIGSTOP; SIGCONT.
#   slapd_wait NAME [SECONDS]
#       until NAME answers a search on ldapi (default 10 s); 1 if not.
#   slapd_populate NAME
#       adds the base entry, the two identities and the Winsock container
#       tree (CN=System and CN=WinsockServices,CN=System below the base).
#   slapd_load NAME FILE
#       ldapadd of FILE as the root DN over ldapi.
#   slapd_search NAME ARGS...
#       ldapsearch -LLL as the root DN over ldapi, ARGS appended.
#   slapd_pair A B
#       slapd_new and slapd_start of two peers replicating each other,
#       slapd_populate on A; returns once the base is seen on B.
#   slapd_seen NAME DN SECONDS
#       polls NAME (every 0.1 s) until DN exists there; 1 if not in time.
#   slapd_cert_ca NAME
#       another CA (a "wrong" one for tests): its certificate
#       $slapd_tmp/NAME.crt.
#   slapd_cleanup
#       kills every slapd (and rnrd) started here (-9), deletes $slapd_tmp.
#
# For the tests that drive rnrd's ldap provider ($RNRD, run from the build
# directory):
#   slapd_rnrd_conf DIR URIS BASE BIND-DN PWFILE [LINES]
#       prints an rnrd.conf: socket, state and classes under DIR, the
#       build's modules, a hosts provider on DIR/hosts (which it writes:
#       localhost and "hosted" at 10.9.8.7), the ldap provider with
#       timeout-ms 1500 and cache-ttl 0 unless LINES (appended to its
#       section) say otherwise.
#   slapd_rnrd_start DIR [PREFIX...]
#       runs PREFIX $RNRD -f -c DIR/rnrd.conf (PREFIX: e.g. ip netns exec
#       NS), its output in DIR/log; waits for DIR/rnrd.sock; the pid in
#       slapd_rnrd_pid and DIR/rnrd.pid.
#   slapd_rnrd_stop DIR
#       SIGTERM and wait (10 s, then -9); 1 when it did not exit with 0
#       (a crash on the way out included) or its log holds a sanitizer
#       report (ASan, LeakSanitizer, UBSan), which it prints.
#   slapd_class_xml GUID NAME
#       prints a class file for rnrctl class install: TcpPort 6000.
#
# Identities (simple bind; passwords in files, as rnrd.conf wants them):
#   $slapd_root_dn / $slapd_root_pw: the database's root DN;
#   $slapd_admin_dn / $slapd_admin_pwfile: writes everything below the base;
#   $slapd_reader_dn / $slapd_reader_pwfile: reads only.
# SASL EXTERNAL over ldapi maps the test's own uid to the admin identity.

slapd_base="dc=rnr,dc=test"
slapd_root_dn="cn=root,$slapd_base"
slapd_root_pw="root-secret"
slapd_admin_dn="cn=admin,$slapd_base"
slapd_reader_dn="cn=reader,$slapd_base"
slapd_schema_dir=/etc/ldap/schema
slapd_names=""
slapd_pids=""
slapd_rnrd_pids=""

slapd_begin() {
    slapd_bin=$(command -v slapd 2>/dev/null || echo /usr/sbin/slapd)
    [ -x "$slapd_bin" ] || skip "slapd is not installed"
    slapd_add_bin=$(command -v slapadd 2>/dev/null || echo /usr/sbin/slapadd)
    for t in "$slapd_add_bin" ldapsearch ldapadd openssl; do
        command -v "$t" >/dev/null 2>&1 || { echo "slapd_lib: $t missing" >&2; exit 99; }
    done
    slapd_src=$(cd "${srcdir:-.}" && pwd)
    [ -f "$slapd_src/etc/ldap/rnr-winsock.ldif" ] ||
        { echo "slapd_lib: no etc/ldap/rnr-winsock.ldif under $slapd_src" >&2; exit 99; }
    slapd_tmp=$(mktemp -d "/tmp/$1.XXXXXX") || exit 99
    printf 'admin-secret' >"$slapd_tmp/admin.pw"
    printf 'reader-secret' >"$slapd_tmp/reader.pw"
    chmod 600 "$slapd_tmp/admin.pw" "$slapd_tmp/reader.pw"
    slapd_admin_pwfile=$slapd_tmp/admin.pw
    slapd_reader_pwfile=$slapd_tmp/reader.pw
    slapd_ca=""
    [ -n "${slapd_notrap:-}" ] || { trap slapd_cleanup EXIT; trap 'exit 1' INT TERM; }
}

slapd_cleanup() {
    local p
    for p in $slapd_rnrd_pids; do kill -9 "$p" 2>/dev/null; done
    for p in $slapd_pids; do
        kill -CONT "$p" 2>/dev/null
        kill -9 "$p" 2>/dev/null
    done
    wait 2>/dev/null
    [ -z "${slapd_tmp:-}" ] || rm -rf "$slapd_tmp"
}

slapd_get() {
    eval "printf '%s' \"\${slapd_$1_$2:-}\""
}

slapd_set() {
    eval "slapd_$1_$2=\$3"
}

# The %2F-encoded path of NAME's ldapi socket.
slapd_ldapi_uri() {
    printf 'ldapi://%s' "$(printf '%s' "$slapd_tmp/$1/ldapi" | sed 's|/|%2F|g')"
}

# Writes a CA (NAME.crt, NAME.key) once per name.
slapd_cert_ca() {
    [ -f "$slapd_tmp/$1.crt" ] && return 0
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=rnr test CA $1" \
        -keyout "$slapd_tmp/$1.key" -out "$slapd_tmp/$1.crt" \
        -addext basicConstraints=critical,CA:TRUE \
        -addext keyUsage=critical,keyCertSign,cRLSign >/dev/null 2>&1 ||
        { echo "slapd_lib: openssl cannot make a CA" >&2; exit 99; }
}

# A server certificate for 127.0.0.1 and localhost into DIR, signed by "ca".
slapd_cert_server() {
    slapd_cert_ca ca
    slapd_ca=$slapd_tmp/ca.crt
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
        -keyout "$1/server.key" -out "$1/server.csr" >/dev/null 2>&1 &&
    printf '%s\n' "subjectAltName=IP:127.0.0.1,DNS:localhost" \
        "extendedKeyUsage=serverAuth" >"$1/server.ext" &&
    openssl x509 -req -in "$1/server.csr" -CA "$slapd_tmp/ca.crt" \
        -CAkey "$slapd_tmp/ca.key" -CAcreateserial -days 2 \
        -extfile "$1/server.ext" -out "$1/server.crt" >/dev/null 2>&1 ||
        { echo "slapd_lib: openssl cannot make a server certificate" >&2; exit 99; }
}

# The cn=config of one instance, as slapadd -n0 reads it.
slapd_config_ldif() {
    local d
    d=$slapd_tmp/$1
    cat <<EOF
dn: cn=config
objectClass: olcGlobal
cn: config
olcServerID: $3
olcPidFile: $d/slapd.pid
olcArgsFile: $d/slapd.args
olcLogLevel: none
olcAuthzRegexp: {0}"gidNumber=[0-9]+\\+uidNumber=$(id -u),cn=peercred,cn=external,cn=auth" "$slapd_admin_dn"
EOF
    if [ "$2" = tls ]; then
        cat <<EOF
olcTLSCACertificateFile: $slapd_ca
olcTLSCertificateFile: $d/server.crt
olcTLSCertificateKeyFile: $d/server.key
EOF
    fi
    cat <<EOF

dn: cn=module{0},cn=config
objectClass: olcModuleList
cn: module{0}
olcModulePath: /usr/lib/ldap
olcModuleLoad: {0}back_mdb
olcModuleLoad: {1}syncprov

dn: cn=schema,cn=config
objectClass: olcSchemaConfig
cn: schema

include: file://$slapd_schema_dir/core.ldif
include: file://$slapd_schema_dir/cosine.ldif
include: file://$slapd_schema_dir/inetorgperson.ldif
include: file://$slapd_src/etc/ldap/rnr-winsock.ldif

dn: olcDatabase={-1}frontend,cn=config
objectClass: olcDatabaseConfig
objectClass: olcFrontendConfig
olcDatabase: {-1}frontend
olcSizeLimit: unlimited

dn: olcDatabase={0}config,cn=config
objectClass: olcDatabaseConfig
olcDatabase: {0}config
olcAccess: {0}to * by * none

EOF
    slapd_config_mdb "$1" "$4"
}

slapd_config_mdb() {
    local d
    d=$slapd_tmp/$1
    cat <<EOF
dn: olcDatabase={1}mdb,cn=config
objectClass: olcDatabaseConfig
objectClass: olcMdbConfig
olcDatabase: {1}mdb
olcSuffix: $slapd_base
olcRootDN: $slapd_root_dn
olcRootPW: $slapd_root_pw
olcDbDirectory: $d/db
olcDbMaxSize: 1073741824
olcDbIndex: objectClass eq
olcDbIndex: cn eq,sub
olcDbIndex: serviceClassID eq
olcDbIndex: entryCSN,entryUUID eq
olcLimits: {0}* size=unlimited time=unlimited
olcAccess: {0}to attrs=userPassword by self read by anonymous auth by * none
olcAccess: {1}to * by dn.exact="$slapd_admin_dn" write by users read by * none
EOF
    if [ -n "$2" ]; then
        cat <<EOF
olcSyncrepl: {0}rid=001 provider="$(slapd_ldapi_uri "$2")" bindmethod=simple
  binddn="$slapd_root_dn" credentials="$slapd_root_pw" searchbase="$slapd_base"
  type=refreshAndPersist retry="1 +" timeout=2 network-timeout=2
olcMultiProvider: TRUE

dn: olcOverlay={0}syncprov,olcDatabase={1}mdb,cn=config
objectClass: olcOverlayConfig
objectClass: olcSyncProvConfig
olcOverlay: {0}syncprov
olcSpCheckpoint: 100 1
EOF
    fi
}

slapd_new() {
    local name mode peer sid d
    name=$1
    shift
    mode=plain
    peer=""
    sid=1
    while [ $# -gt 0 ]; do
        case $1 in
        --tls) mode=tls ;;
        --peer) peer=$2; shift ;;
        --sid) sid=$2; shift ;;
        *) echo "slapd_new: unknown option $1" >&2; exit 99 ;;
        esac
        shift
    done
    d=$slapd_tmp/$name
    mkdir -p "$d/slapd.d" "$d/db" || exit 99
    [ "$mode" = plain ] || slapd_cert_server "$d"
    slapd_config_ldif "$name" "$mode" "$sid" "$peer" >"$d/config.ldif"
    "$slapd_add_bin" -n0 -F "$d/slapd.d" -l "$d/config.ldif" >"$d/slapadd.log" 2>&1 ||
        { cat "$d/slapadd.log" >&2; echo "slapd_new: slapadd -n0 failed for $name" >&2; exit 99; }
    slapd_set "$name" mode "$mode"
    slapd_set "$name" ldapi "$(slapd_ldapi_uri "$name")"
    slapd_names="$slapd_names $name"
}

slapd_free_port() {
    local p
    while :; do
        p=$(( ($(od -An -N2 -tu2 /dev/urandom) % 20000) + 30000 ))
        ss -Htln "sport = :$p" 2>/dev/null | grep -q . || break
    done
    echo "$p"
}

# One attempt at PORT [LDAPS_PORT]: 0 when it answers, 1 when it died.
slapd_try() {
    local name d urls pid i
    name=$1
    d=$slapd_tmp/$name
    urls="ldap://127.0.0.1:$2/ $(slapd_get "$name" ldapi)"
    [ -z "$3" ] || urls="$urls ldaps://127.0.0.1:$3/"
    rm -f "$d/ldapi"
    "$slapd_bin" -d 0 -F "$d/slapd.d" -h "$urls" >>"$d/slapd.log" 2>&1 &
    pid=$!
    slapd_pids="$slapd_pids $pid"
    slapd_set "$name" pid "$pid"
    i=0
    while [ $i -lt 100 ]; do
        kill -0 "$pid" 2>/dev/null || return 1
        slapd_answers "$name" && return 0
        sleep 0.1
        i=$((i + 1))
    done
    echo "slapd_start: $name does not answer; its log:" >&2
    cat "$d/slapd.log" >&2
    exit 99
}

slapd_start() {
    local name port sport tries
    name=$1
    port=$(slapd_get "$name" port)
    sport=$(slapd_get "$name" sport)
    tries=0
    while :; do
        [ -n "$port" ] || port=$(slapd_free_port)
        if [ "$(slapd_get "$name" mode)" = tls ] && [ -z "$sport" ]; then
            sport=$(slapd_free_port)
        fi
        slapd_try "$name" "$port" "$sport" && break
        tries=$((tries + 1))
        if [ $tries -ge 5 ]; then
            echo "slapd_start: $name does not start; its log:" >&2
            cat "$slapd_tmp/$name/slapd.log" >&2
            exit 99
        fi
        port=""
        sport=""
    done
    slapd_set "$name" port "$port"
    slapd_set "$name" uri "ldap://127.0.0.1:$port"
    if [ -n "$sport" ]; then
        slapd_set "$name" sport "$sport"
        slapd_set "$name" ldaps "ldaps://127.0.0.1:$sport"
    fi
}

slapd_answers() {
    ldapsearch -LLL -x -H "$(slapd_get "$1" ldapi)" -D "$slapd_root_dn" \
        -w "$slapd_root_pw" -s base -b "" 1.1 >/dev/null 2>&1
}

slapd_wait() {
    local n
    n=$(( ${2:-10} * 10 ))
    while [ "$n" -gt 0 ]; do
        slapd_answers "$1" && return 0
        sleep 0.1
        n=$((n - 1))
    done
    return 1
}

slapd_signal() {
    local pid
    pid=$(slapd_get "$2" pid)
    [ -n "$pid" ] || { echo "slapd_lib: $2 was never started" >&2; exit 99; }
    kill "-$1" "$pid" 2>/dev/null
}

slapd_stop() {
    slapd_signal TERM "$1"
    wait "$(slapd_get "$1" pid)" 2>/dev/null
}

slapd_kill() {
    slapd_signal KILL "$1"
    wait "$(slapd_get "$1" pid)" 2>/dev/null
}

slapd_pause() { slapd_signal STOP "$1"; }
slapd_resume() { slapd_signal CONT "$1"; }

slapd_load() {
    ldapadd -x -H "$(slapd_get "$1" ldapi)" -D "$slapd_root_dn" -w "$slapd_root_pw" \
        -f "$2" >"$slapd_tmp/$1/load.log" 2>&1 ||
        { cat "$slapd_tmp/$1/load.log" >&2; echo "slapd_load: $2 into $1 failed" >&2; return 1; }
}

slapd_search() {
    local name
    name=$1
    shift
    ldapsearch -LLL -o ldif-wrap=no -x -H "$(slapd_get "$name" ldapi)" \
        -D "$slapd_root_dn" -w "$slapd_root_pw" "$@"
}

slapd_populate() {
    cat >"$slapd_tmp/base.ldif" <<EOF
dn: $slapd_base
objectClass: dcObject
objectClass: organization
dc: rnr
o: rnr test

dn: $slapd_admin_dn
objectClass: organizationalRole
objectClass: simpleSecurityObject
cn: admin
userPassword: $(cat "$slapd_admin_pwfile")

dn: $slapd_reader_dn
objectClass: organizationalRole
objectClass: simpleSecurityObject
cn: reader
userPassword: $(cat "$slapd_reader_pwfile")

dn: CN=System,$slapd_base
objectClass: container
cn: System

dn: CN=WinsockServices,CN=System,$slapd_base
objectClass: container
cn: WinsockServices
EOF
    slapd_load "$1" "$slapd_tmp/base.ldif"
}

slapd_seen() {
    local n
    n=$(awk "BEGIN { print int($3 * 10) }")
    while [ "$n" -ge 0 ]; do
        slapd_search "$1" -s base -b "$2" 1.1 2>/dev/null | grep -q '^dn:' && return 0
        sleep 0.1
        n=$((n - 1))
    done
    return 1
}

slapd_pair() {
    slapd_new "$1" --peer "$2" --sid 1
    slapd_new "$2" --peer "$1" --sid 2
    slapd_start "$1"
    slapd_start "$2"
    slapd_populate "$1" || exit 99
    slapd_seen "$2" "CN=WinsockServices,CN=System,$slapd_base" 10 ||
        { echo "slapd_pair: $2 never got the base from $1" >&2; exit 99; }
}

slapd_rnrd_conf() {
    local timeout ttl
    mkdir -p "$1"
    printf '127.0.0.1 localhost\n10.9.8.7 hosted\n' >"$1/hosts"
    timeout="timeout-ms = 1500"
    ttl="cache-ttl = 0"
    case ${6:-} in *timeout-ms*) timeout="" ;; esac
    case ${6:-} in *cache-ttl*) ttl="" ;; esac
    cat <<EOF
[daemon]
user = root
socket = $1/rnrd.sock
state-dir = $1/state
module-dir = $(pwd)/providers/.libs
class-dir = $1/classes.d

[provider hosts]
module = hosts
hosts-file = $1/hosts

[provider ldap]
module = ldap
uri = $2
base = $3
bind-dn = $4
bind-password-file = $5
$timeout
$ttl
${6:-}
EOF
}

slapd_rnrd_start() {
    local d i
    d=$1
    shift
    "$@" "$RNRD" -f -c "$d/rnrd.conf" >"$d/log" 2>&1 &
    slapd_rnrd_pid=$!
    echo "$slapd_rnrd_pid" >"$d/rnrd.pid"
    slapd_rnrd_pids="$slapd_rnrd_pids $slapd_rnrd_pid"
    i=0
    while [ ! -S "$d/rnrd.sock" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    [ -S "$d/rnrd.sock" ] || { cat "$d/log" >&2; echo "slapd_rnrd_start: no rnrd in $d" >&2; exit 99; }
}

slapd_rnrd_stop() {
    local pid i rc st
    pid=$(cat "$1/rnrd.pid")
    kill -TERM "$pid" 2>/dev/null
    i=0
    while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    rc=0
    if kill -0 "$pid" 2>/dev/null; then
        kill -9 "$pid" 2>/dev/null
        echo "slapd_rnrd_stop: rnrd in $1 ignored SIGTERM for 10 s" >&2
        rc=1
    fi
    wait "$pid" 2>/dev/null
    st=$?
    if [ $rc = 0 ] && [ $st != 0 ]; then
        echo "slapd_rnrd_stop: rnrd in $1 exited with status $st" >&2
        rc=1
    fi
    if grep -q "ERROR: AddressSanitizer\|ERROR: LeakSanitizer\|runtime error:" "$1/log"; then
        cat "$1/log" >&2
        rc=1
    fi
    return $rc
}

slapd_class_xml() {
    cat <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<serviceClass id="$1" name="$2">
  <value name="TcpPort" namespace="NS_DNS" type="dword">6000</value>
</serviceClass>
EOF
}
