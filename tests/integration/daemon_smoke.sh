#!/bin/sh
# SPDX-License-Identifier: MIT
# rnrd over its wire protocol, without librnr (see daemon_smoke.py).
# Uses only /tmp and an AF_UNIX socket.  RNRD_WRAPPER="valgrind ..." runs
# the daemon under a checker.
command -v python3 >/dev/null 2>&1 || { echo "python3 not found: skipped"; exit 77; }
PYTHONDONTWRITEBYTECODE=1 exec python3 "${srcdir:-.}/tests/integration/daemon_smoke.py" --builddir "${RNRT_BUILDDIR:-.}"
