#!/bin/sh
# SPDX-License-Identifier: MIT
# etc/ldap/rnr-winsock.schema (slapd.conf) and etc/ldap/rnr-winsock.ldif
# (cn=config) define the same attribute types and object classes, word
# for word once folded lines are joined; both carry Active Directory's
# names and OIDs for what rnr stores; and, where slaptest exists, the
# .schema loads into a slapd.conf configuration.
srcdir=${srcdir:-$(dirname "$0")/../..}
schema=$srcdir/etc/ldap/rnr-winsock.schema
ldif=$srcdir/etc/ldap/rnr-winsock.ldif
fail=0
bad() { echo "FAIL: $*"; fail=1; }
[ -f "$schema" ] && [ -f "$ldif" ] || { echo "schema files missing" >&2; exit 99; }

tmp=$(mktemp -d /tmp/ldap_schema_sync.XXXXXX) || exit 99
trap 'rm -rf "$tmp"' EXIT

# One definition a line: "at ( OID NAME ... )" or "oc ( ... )".
awk '/^#/ || /^[ \t]*$/ { next }
     /^[A-Za-z]/ { if (d != "") print d
                   k = tolower($1); sub(/^[A-Za-z]+[ \t]+/, "")
                   d = (k == "attributetype" ? "at " : k == "objectclass" ? "oc " : "?? ") $0
                   next }
     { d = d " " $0 }
     END { if (d != "") print d }' "$schema" | tr -s ' \t' '  ' >"$tmp/schema.defs"

# LDIF: a line starting with one space continues the previous one.
awk '/^#/ { next }
     /^ / { l = l substr($0, 2); next }
     { if (l != "") print l; l = $0 }
     END { if (l != "") print l }' "$ldif" |
    sed -n -e 's/^olcAttributeTypes: *\({[0-9]*}\)\{0,1\}/at /p' \
        -e 's/^olcObjectClasses: *\({[0-9]*}\)\{0,1\}/oc /p' |
    tr -s ' \t' '  ' >"$tmp/ldif.defs"

grep -q '^dn: cn=rnr-winsock,cn=schema,cn=config$' "$ldif" ||
    bad "the LDIF's entry is not cn=rnr-winsock,cn=schema,cn=config"
grep -q '^objectClass: olcSchemaConfig$' "$ldif" || bad "the LDIF is not an olcSchemaConfig"
[ -s "$tmp/schema.defs" ] || bad "no definitions in $schema"
if ! diff -u "$tmp/schema.defs" "$tmp/ldif.defs"; then
    bad "rnr-winsock.schema and rnr-winsock.ldif differ"
fi
grep -q '^??' "$tmp/schema.defs" && bad "unknown keyword in $schema"

# Active Directory's OIDs (doc/ldap-schema.md says where they come from).
while read -r kind oid name; do
    grep -q "^$kind ( $oid NAME '$name' " "$tmp/schema.defs" ||
        bad "$name is not $kind $oid"
done <<EOF
at 1.2.840.113556.1.4.122 serviceClassID
at 1.2.840.113556.1.4.123 serviceClassInfo
at 1.2.840.113556.1.4.199 serviceInstanceVersion
at 1.2.840.113556.1.4.142 winsockAddresses
oc 1.2.840.113556.1.5.29 serviceClass
oc 1.2.840.113556.1.5.30 serviceInstance
oc 1.2.840.113556.1.3.23 container
EOF
# The binary attributes are octet strings, the identifiers single-valued.
for a in serviceClassID serviceClassInfo serviceInstanceVersion winsockAddresses; do
    grep "NAME '$a' " "$tmp/schema.defs" | grep -q 'SYNTAX 1.3.6.1.4.1.1466.115.121.1.40' ||
        bad "$a is not an octet string"
done
for a in serviceClassID serviceInstanceVersion; do
    grep "NAME '$a' " "$tmp/schema.defs" | grep -q 'SINGLE-VALUE' || bad "$a is multi-valued"
done
for a in serviceClassInfo winsockAddresses; do
    grep "NAME '$a' " "$tmp/schema.defs" | grep -q 'SINGLE-VALUE' && bad "$a is single-valued"
done

slaptest=$(command -v slaptest 2>/dev/null || echo /usr/sbin/slaptest)
if [ -x "$slaptest" ]; then
    mkdir "$tmp/db"
    cat >"$tmp/slapd.conf" <<EOF
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include $schema
EOF
    if ! "$slaptest" -u -f "$tmp/slapd.conf" >"$tmp/slaptest.log" 2>&1; then
        cat "$tmp/slaptest.log"
        bad "slaptest refuses rnr-winsock.schema"
    fi
else
    echo "note: no slaptest, the .schema is compared but not loaded"
fi

[ $fail -eq 0 ] && echo "ok: $(wc -l <"$tmp/schema.defs") definitions in sync"
exit $fail
