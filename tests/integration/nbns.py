#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""NetBIOS Name Service packets (RFC 1002 4.2), written independently of
the C codec, for the fuzz seeds and the tests that talk to rnrd on UDP 137.

  nbns.py query NAME SUFFIX DEST [IFADDR]   a name query; prints the answers
                                            ("ip flags" per line), exit 1
                                            when none came
  nbns.py status DEST                        a node status request; prints
                                            "NAME<XX> flags" per name
  nbns.py send HEX DEST [COUNT]              raw datagrams (hex), COUNT times
  nbns.py garbage DEST                       a set of malformed packets
  nbns.py listen SECONDS                     port 137 for SECONDS: prints
                                            "OPCODE NAME<XX>" per request
  nbns.py burst NAME SUFFIX DEST COUNT       COUNT queries at once; prints
                                            how many were answered
Broadcast destinations are allowed.  The source port is 137 when it can be
bound, else any."""
import socket
import struct
import sys
import time


def encode_name(name, suffix=0x20, scope="", pad=b" "):
    raw = name.upper().encode()[:15].ljust(15, pad) + bytes([suffix])
    out = bytes([32])
    for c in raw:
        out += bytes([ord("A") + (c >> 4), ord("A") + (c & 15)])
    for label in [x for x in scope.split(".") if x]:
        out += bytes([len(label)]) + label.encode()
    return out + b"\x00"


def header(tid, flags, qd=0, an=0, ns=0, ar=0):
    return struct.pack(">6H", tid, flags, qd, an, ns, ar)


def query(name, suffix=0x20, tid=0x4242, bcast=True, scope=""):
    return header(tid, 0x0100 | (0x10 if bcast else 0), qd=1) + \
        encode_name(name, suffix, scope) + struct.pack(">HH", 0x20, 1)


def status(tid=0x4343, scope=""):
    return header(tid, 0, qd=1) + encode_name("*", 0, scope, b"\x00") + \
        struct.pack(">HH", 0x21, 1)


def registration(name, suffix, ip, tid=0x4444, group=False, op=5, bcast=True):
    flags = (op << 11) | 0x0100 | (0x10 if bcast else 0)
    nb = (0x8000 if group else 0)
    return header(tid, flags, qd=1, ar=1) + encode_name(name, suffix) + \
        struct.pack(">HH", 0x20, 1) + b"\xc0\x0c" + \
        struct.pack(">HHIH", 0x20, 1, 300, 6) + struct.pack(">H", nb) + socket.inet_aton(ip)


def positive_answer(name, suffix, ips, tid=0x4242, group=False, ttl=300):
    rd = b"".join(struct.pack(">H", 0x8000 if group else 0) + socket.inet_aton(i) for i in ips)
    return header(tid, 0x8500, an=1) + encode_name(name, suffix) + \
        struct.pack(">HHIH", 0x20, 1, ttl, len(rd)) + rd


def garbage():
    """One malformed packet of every kind the decoder refuses."""
    q = query("VICTIM")
    loop = header(1, 0x0110, qd=1) + b"\xc0\x0c" + struct.pack(">HH", 0x20, 1)
    fwd = header(1, 0x0110, qd=1) + b"\xc0\x20" + struct.pack(">HH", 0x20, 1)
    long_label = header(1, 0x0110, qd=1) + b"\x3f" + b"A" * 63 + b"\x00" + \
        struct.pack(">HH", 0x20, 1)
    return [
        b"",
        b"\x00" * 5,
        q[:20],                                   # truncated name
        q[:-2],                                   # truncated class
        q + b"\x00",                              # trailing byte
        header(1, 0x0110, qd=9) + q[12:],         # count beyond the packet
        header(1, 0x0110, qd=1, an=1, ar=1) + q[12:],
        loop,                                     # pointer to itself
        fwd,                                      # pointer forward
        long_label,                               # first label not 32
        q[:13] + b"Z" + q[14:],                   # not the first-level encoding
        q[:-1] + b"\x02",                         # class 2
        header(1, 0x0110, qd=1) + b"\x20" + b"A" * 32 + (b"\x3f" + b"a" * 63) * 4 +
        b"\x00" + struct.pack(">HH", 0x20, 1),    # name over 255 bytes
        positive_answer("X", 0, ["1.2.3.4"])[:-3],  # rdlength beyond the packet
    ]


def sock(dest_port=137):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind(("0.0.0.0", 0))
    except OSError:
        pass
    s.settimeout(1.0)
    return s


def collect(s, want_tid):
    out = []
    while True:
        try:
            data, src = s.recvfrom(2048)
        except socket.timeout:
            return out
        if len(data) >= 12 and struct.unpack(">H", data[:2])[0] == want_tid:
            out.append((data, src))


def parse_name_end(data, pos):
    while True:
        c = data[pos]
        if c & 0xC0 == 0xC0:
            return pos + 2
        if c == 0:
            return pos + 1
        pos += 1 + c


def main(argv):
    cmd = argv[1]
    if cmd == "query":
        name, suffix, dest = argv[2], int(argv[3], 16), argv[4]
        s = sock()
        s.sendto(query(name, suffix, bcast=dest.endswith(".255")), (dest, 137))
        got = 0
        for data, src in collect(s, 0x4242):
            flags = struct.unpack(">H", data[2:4])[0]
            if flags & 0xF:
                print("negative %d from %s" % (flags & 0xF, src[0]))
                continue
            pos = parse_name_end(data, 12)
            rdlen = struct.unpack(">H", data[pos + 8:pos + 10])[0]
            rd = data[pos + 10:pos + 10 + rdlen]
            for i in range(0, rdlen, 6):
                print("%s %04x" % (socket.inet_ntoa(rd[i + 2:i + 6]),
                                   struct.unpack(">H", rd[i:i + 2])[0]))
                got += 1
        return 0 if got else 1
    if cmd == "status":
        s = sock()
        s.sendto(status(), (argv[2], 137))
        for data, src in collect(s, 0x4343):
            pos = parse_name_end(data, 12) + 10
            n = data[pos]
            for i in range(n):
                e = data[pos + 1 + 18 * i:pos + 19 + 18 * i]
                print("%s<%02X> %04x" % (e[:15].decode("latin-1").rstrip(), e[15],
                                         struct.unpack(">H", e[16:18])[0]))
            return 0
        return 1
    if cmd == "send":
        s = sock()
        for _ in range(int(argv[4]) if len(argv) > 4 else 1):
            s.sendto(bytes.fromhex(argv[2]), (argv[3], 137))
        return 0
    if cmd == "burst":
        s = sock()
        for i in range(int(argv[5])):
            s.sendto(query(argv[2], int(argv[3], 16), tid=0x1000 + i, bcast=False),
                     (argv[4], 137))
        n = 0
        while True:
            try:
                s.recvfrom(2048)
                n += 1
            except socket.timeout:
                break
        print(n)
        return 0
    if cmd == "listen":
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("0.0.0.0", 137))
        s.settimeout(0.1)
        end = time.monotonic() + float(argv[2])
        print("listening", flush=True)
        while time.monotonic() < end:
            try:
                data = s.recvfrom(2048)[0]
            except socket.timeout:
                continue
            if len(data) < 12 + 34 or data[12] != 32:
                continue
            raw = bytes(((data[13 + 2 * i] - 65) << 4) | (data[14 + 2 * i] - 65)
                        for i in range(16))
            print("%d %s<%02X>" % ((data[2] >> 3) & 15, raw[:15].decode("latin-1").rstrip(),
                                   raw[15]), flush=True)
        return 0
    if cmd == "garbage":
        s = sock()
        for g in garbage():
            s.sendto(g, (argv[2], 137))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
