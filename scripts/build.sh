#!/bin/sh
# SPDX-License-Identifier: MIT
# Configure and build rnr out of tree in ./_build (or $RNR_BUILD_DIR).
# Extra arguments go to configure.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${RNR_BUILD_DIR:-$top/_build}

[ -x "$top/configure" ] || (cd "$top" && autoreconf -fi >/dev/null 2>&1)
mkdir -p "$build"
cd "$build"
if [ ! -f Makefile ] || [ "$top/configure" -nt Makefile ]; then
    "$top/configure" -q "$@"
fi
make -j"$(nproc)" >/dev/null
echo "$build"
