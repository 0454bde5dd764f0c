#!/bin/sh
# SPDX-License-Identifier: MIT
# Install what building and testing rnr needs on Debian 12 (bookworm).
# Idempotent; quiet when everything is already there.
set -eu

pkgs="build-essential autoconf automake libtool pkg-config
      libc-ares-dev libxml2-dev libxml2-utils libinih-dev libcmocka-dev
      clang valgrind iproute2 util-linux procps python3 netbase systemd passwd mount
      man-db groff-base unbound libssl-dev nftables
      libldap-dev slapd ldap-utils openssl samba-ad-dc samba samba-common-bin"

missing=""
for p in $pkgs; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
        echo "deps.sh: need root to install:$missing" >&2; exit 1
    fi
else
    SUDO=""
fi
echo "deps.sh: installing:$missing"
$SUDO apt-get update -qq
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
