#!/usr/bin/env python3
"""Raw SAP packets for tests/integration/sap_netns.sh (doc/sap-protocol.md).

  sap_send.py advertise DST CLASS NAME HOPS ADDR:PORT   one forged advertisement
  sap_send.py garbage DST N        N malformed datagrams of every kind
  sap_send.py flood DST N CLASS    N advertisements from N forged senders
  sap_send.py query DST CLASS SIZE COUNT
        COUNT queries padded to SIZE bytes; prints "sent S received R
        largest L truncated T" for the responses heard within 1 s
Every packet leaves with IP TTL 255, as a neighbour's would.
"""
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


def packet(ptype, sender, seq, entries, hops=0, ttl=3000, pad=0):
    body = b"".join(entries)
    p = MAGIC + struct.pack("!BBBBQIIHH", 0x10, ptype, 0, hops, sender, seq, ttl,
                            len(entries), len(body)) + body
    return p + b"\0" * max(0, pad - len(p))


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
        ip, port = addr.rsplit(":", 1)
        s.sendto(packet(1, random.getrandbits(64), 1,
                        [entry(cls, name, [(ip, int(port))])], hops=hops, ttl=600000),
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
                b[random.randrange(28, len(b))] ^= 0xFF  # corrupt an entry
                b[21 + 28] = 0                           # and empty its name
                p = bytes(b)
            elif k == 4:
                p = b"XXXX" + good[4:]
            else:
                p = good[:4] + b"\x20" + good[5:]        # another major version
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
    else:
        sys.exit("unknown command " + cmd)


if __name__ == "__main__":
    main()
