# SPDX-License-Identifier: MIT
"""A subscriber that does not read, and the changes that flood it
(browse_overflow.sh).

  browse_flood.py SOCKET subscribe READY GO OUT
      subscribe to SVCID_TCP(5000) on NS_NDS, touch READY, read nothing
      until GO exists, then read until the connection is quiet and write
      the kinds and names seen to OUT, one per line.
  browse_flood.py SOCKET flood N
      register and deregister N entries with 1000-byte comments."""
import os
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rnrwire as w  # noqa: E402

TCP5000 = w.svcid(0x91388)
NS_NDS = 2


def sockaddr_in(ip, port):
    return struct.pack("<H", 2) + struct.pack(">H", port) + bytes(ip) + b"\0" * 8


def subscribe(path, ready, go, out):
    c = w.Conn(path, timeout=30.0)
    st, r = c.request(w.SUBSCRIBE, w.W().u32(0x0FF0).queryset(cls=TCP5000, ns=NS_NDS).b)
    assert st == 0, "SUBSCRIBE: %d" % st
    handle = r.u32()
    open(ready, "w").close()
    while not os.path.exists(go):
        time.sleep(0.05)
    c.s.settimeout(2.0)
    seen = []
    try:
        while True:
            t, i, st, b = c.read_frame()
            assert t == w.CHANGE and i == handle, (t, i)
            r = w.R(b)
            kind = r.u32()
            name = r.queryset()["name"] if kind != 3 else "-"
            assert r.done(), "trailing bytes in a CHANGE"
            seen.append("%d %s" % (kind, name))
    except OSError:
        pass      # quiet: the timeout
    with open(out, "w") as f:
        f.write("\n".join(seen) + "\n")


def flood(path, n):
    c = w.Conn(path, timeout=30.0)
    comment = "x" * 1000
    addr = [(None, sockaddr_in([192, 0, 2, 1], 5000), 1, 6)]
    for k in range(n):
        for op in (0, 1):    # RNRSERVICE_REGISTER, RNRSERVICE_DEREGISTER
            body = w.W().u32(op).u32(0).queryset(
                name="flood%d" % k, cls=TCP5000, ns=NS_NDS, comment=comment,
                csaddrs=addr).b
            st, _ = c.request(w.SET_SERVICE, body)
            assert st == 0, "SET_SERVICE: %d" % st


if __name__ == "__main__":
    if sys.argv[2] == "subscribe":
        subscribe(sys.argv[1], *sys.argv[3:6])
    else:
        flood(sys.argv[1], int(sys.argv[3]))
