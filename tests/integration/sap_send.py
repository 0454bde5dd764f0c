#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Raw SAP packets for tests/integration/sap_netns.sh and sap_replay.sh
(doc/sap-protocol.md).

  sap_send.py advertise DST CLASS NAME HOPS ADDR:PORT [sender=N] [seq=N]
        [age=MS] [key=FILE]      one forged advertisement: a random sender,
                                 sequence 1, stamped now less MS, tagged
                                 with the key in FILE when given
  sap_send.py garbage DST N        N malformed datagrams of every kind
  sap_send.py flood DST N CLASS    N advertisements from N forged senders
  sap_send.py query DST CLASS SIZE COUNT
        COUNT queries padded to SIZE bytes; prints "sent S received R
        largest L truncated T" for the responses heard within 1 s
  sap_send.py capture NAME SECONDS FILE
        listens on the port (every address) for an ADVERTISE naming NAME,
        writes the datagram to FILE as it was; exit status 1 when none came
  sap_send.py replay FILE DST COUNT INTERVAL
        sends FILE's bytes COUNT times, INTERVAL seconds apart
Every packet leaves with IP TTL 255, as a neighbour's would.
"""
import hashlib
import hmac
import os
import random
import socket
import struct
import sys
import time

PORT = int(os.environ.get("SAP_PORT", "7571"))
MAGIC = b"RnRS"


def guid(s):
    s = s.strip("{}").replace("-", "")
    b = bytes.fromhex(s)
    return b  # Data1..3 big-endian and Data4 as written: the wire order


def entry(cls, name, addrs=(), comment=b"", query=False):
    name = name.encode()
    body = b""
    if not query:
        for ip, port in addrs:
            body += struct.pack("!BBBBH", 4, 1, 6, 0, port) + socket.inet_aton(ip)
    e = struct.pack("!16sHBBBBI", guid(cls), 0, 0, len(name),
                    0 if query else len(comment), 0 if query else len(addrs), 0)
    e += name + (b"" if query else comment) + body
    return struct.pack("!H", len(e) + 2) + e


def now_ms():
    return int(time.time() * 1000)


def read_key(path):
    with open(path, "rb") as f:
        return f.read().rstrip(b"\r\n")


def packet(ptype, sender, seq, entries, hops=0, ttl=3000, pad=0, stamp=None, key=None):
    """Version 2.0: a 36-byte header with the sender's timestamp; with a
    key, the AUTH flag and an HMAC-SHA-256 tag over everything before it."""
    body = b"".join(entries)
    p = MAGIC + struct.pack("!BBBBQIIQHH", 0x20, ptype, 1 if key else 0, hops, sender, seq,
                            ttl, now_ms() if stamp is None else stamp, len(entries),
                            len(body)) + body
    tag = 32 if key else 0
    p += b"\0" * max(0, pad - len(p) - tag)
    if key:
        p += hmac.new(key, p, hashlib.sha256).digest()
    return p


def sock():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, 255)
    return s


def main():
    cmd, dst = sys.argv[1], sys.argv[2]
    s = sock()
    if cmd == "advertise":
        cls, name, hops, addr = sys.argv[3], sys.argv[4], int(sys.argv[5]), sys.argv[6]
        opt = dict(a.split("=", 1) for a in sys.argv[7:])
        ip, port = addr.rsplit(":", 1)
        s.sendto(packet(1, int(opt.get("sender", random.getrandbits(64))),
                        int(opt.get("seq", 1)),
                        [entry(cls, name, [(ip, int(port))])], hops=hops, ttl=600000,
                        stamp=now_ms() - int(opt.get("age", 0)),
                        key=read_key(opt["key"]) if "key" in opt else None),
                 (dst, PORT))
    elif cmd == "garbage":
        n = int(sys.argv[3])
        good = packet(1, 77, 1, [entry("{11111111-2222-3333-4444-555555555555}", "g",
                                       [("10.0.0.1", 1)])])
        for i in range(n):
            k = i % 6
            if k == 0:
                p = os.urandom(random.randint(0, 200))
            elif k == 1:
                p = good[:random.randint(0, len(good) - 1)]
            elif k == 2:
                p = good + os.urandom(2000)             # oversized
            elif k == 3:
                b = bytearray(good)
                b[random.randrange(36, len(b))] ^= 0xFF  # corrupt an entry
                b[21 + 36] = 0                           # and empty its name
                p = bytes(b)
            elif k == 4:
                p = b"XXXX" + good[4:]
            else:
                p = good[:4] + b"\x30" + good[5:]        # another major version
            s.sendto(p, (dst, PORT))
    elif cmd == "flood":
        n, cls = int(sys.argv[3]), sys.argv[4]
        for i in range(n):
            p = packet(1, random.getrandbits(64), 1,
                       [entry(cls, "f%06d" % i, [("10.9.9.9", 9)])], ttl=600000)
            try:
                s.sendto(p, (dst, PORT))
            except OSError:
                time.sleep(0.001)
    elif cmd == "query":
        cls, size, count = sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
        sender = random.getrandbits(64)
        for i in range(count):
            s.sendto(packet(3, sender, i + 1, [entry(cls, "", query=True)], ttl=0,
                            pad=size), (dst, PORT))
        s.settimeout(0.2)
        got, largest, trunc, end = 0, 0, 0, time.time() + 1.0
        while time.time() < end:
            try:
                d, _ = s.recvfrom(4096)
            except socket.timeout:
                continue
            got += 1
            largest = max(largest, len(d))
            trunc += 1 if d[6] & 2 else 0
        print("sent %d received %d largest %d truncated %d" % (count, got, largest, trunc))
    elif cmd == "capture":
        name, seconds, path = sys.argv[2].encode(), float(sys.argv[3]), sys.argv[4]
        r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        r.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        r.bind(("", PORT))
        r.settimeout(0.2)
        end = time.time() + seconds
        while time.time() < end:
            try:
                d, _ = r.recvfrom(4096)
            except socket.timeout:
                continue
            if len(d) > 36 and d[:4] == MAGIC and d[5] == 1 and name in d[36:]:
                with open(path, "wb") as f:
                    f.write(d)
                return
        sys.exit(1)
    elif cmd == "replay":
        path, dst = sys.argv[2], sys.argv[3]
        count, interval = int(sys.argv[4]), float(sys.argv[5])
        with open(path, "rb") as f:
            d = f.read()
        for i in range(count):
            s.sendto(d, (dst, PORT))
            if i + 1 < count:
                time.sleep(interval)
    else:
        sys.exit("unknown command " + cmd)


if __name__ == "__main__":
    main()
