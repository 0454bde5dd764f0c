# SPDX-License-Identifier: MIT
"""Minimal client side of the rnr wire protocol (nsp/wire.h), for driving
rnrd from tests without librnr."""
import os
import re
import socket
import struct

VERSION = 1
HDR = struct.Struct("<IHHII")
REPLY = 0x80


def _read_msgtab():
    """The message types from nsp/msgtab.def, the list the C side is made
    of: {NAME: (type, set of flag names)}.  tests/integration/msgtab_sync.sh
    checks this reading against the C table."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                        "..", "..", "nsp", "msgtab.def")
    line_re = re.compile(r"^RNR_MSG\((0x[0-9A-Fa-f]+),\s*([A-Z_0-9]+),\s*([A-Z_| ]+)\)\s*$")
    table = {}
    with open(path) as f:
        for line in f:
            m = line_re.match(line)
            if m:
                flags = {x.strip() for x in m.group(3).split("|")}
                table[m.group(2)] = (int(m.group(1), 16), flags)
    if not table:
        raise RuntimeError("no messages in " + path)
    return table


MESSAGES = _read_msgtab()
globals().update({name: t for name, (t, _) in MESSAGES.items()})

NULL32 = 0xFFFFFFFF


def guid(d1, d2, d3, d4):
    return (d1, d2, d3, bytes(d4))


def svcid(d1, d3=0):
    return guid(d1, 0, d3, [0xC0, 0, 0, 0, 0, 0, 0, 0x46])


def parse_guid(s):
    s = s.strip("{}")
    a, b, c, d, e = s.split("-")
    return guid(int(a, 16), int(b, 16), int(c, 16), bytes.fromhex(d + e))


HOSTADDRBYNAME = svcid(0x0002A803)
HOSTNAME = svcid(0x0002A800)
SERVICEBYNAME = svcid(0x0002A802)


class W:
    def __init__(self):
        self.b = bytearray()

    def u8(self, v):
        self.b += struct.pack("<B", v)
        return self

    def u32(self, v):
        self.b += struct.pack("<I", v & 0xFFFFFFFF)
        return self

    def u64(self, v):
        self.b += struct.pack("<Q", v)
        return self

    def string(self, s):
        if s is None:
            return self.u32(NULL32)
        s = s.encode() if isinstance(s, str) else s
        self.u32(len(s))
        self.b += s
        return self

    def bytes_(self, p):
        if p is None:
            return self.u32(NULL32)
        self.u32(len(p))
        self.b += p
        return self

    def guid(self, g):
        self.b += struct.pack("<IHH", g[0], g[1], g[2]) + g[3]
        return self

    def optguid(self, g):
        if g is None:
            return self.u8(0)
        return self.u8(1).guid(g)

    def queryset(self, name=None, cls=None, version=None, comment=None, ns=0,
                 provider=None, context=None, protocols=(), query=None,
                 csaddrs=(), outflags=0, blob=None):
        self.string(name).optguid(cls)
        if version is None:
            self.u8(0)
        else:
            self.u8(1).u32(version[0]).u32(version[1])
        self.string(comment).u32(ns).optguid(provider).string(context)
        self.u32(len(protocols))
        for af, proto in protocols:
            self.u32(af).u32(proto)
        self.string(query).u32(len(csaddrs))
        for local, remote, st, pr in csaddrs:
            self.bytes_(local or b"").bytes_(remote or b"").u32(st).u32(pr)
        return self.u32(outflags).bytes_(blob)


class R:
    def __init__(self, b):
        self.b, self.o = bytes(b), 0

    def take(self, n):
        if self.o + n > len(self.b):
            raise ValueError("truncated")
        v = self.b[self.o:self.o + n]
        self.o += n
        return v

    def u8(self):
        return self.take(1)[0]

    def u32(self):
        return struct.unpack("<I", self.take(4))[0]

    def string(self):
        n = self.u32()
        return None if n == NULL32 else self.take(n).decode()

    def bytes_(self):
        n = self.u32()
        return None if n == NULL32 else self.take(n)

    def guid(self):
        d1, d2, d3 = struct.unpack("<IHH", self.take(8))
        return (d1, d2, d3, self.take(8))

    def optguid(self):
        return self.guid() if self.u8() else None

    def queryset(self):
        q = {"name": self.string(), "class": self.optguid()}
        q["version"] = (self.u32(), self.u32()) if self.u8() else None
        q["comment"] = self.string()
        q["ns"] = self.u32()
        q["provider"] = self.optguid()
        q["context"] = self.string()
        q["protocols"] = [(self.u32(), self.u32()) for _ in range(self.u32())]
        q["query"] = self.string()
        q["csaddrs"] = [(self.bytes_(), self.bytes_(), self.u32(), self.u32())
                        for _ in range(self.u32())]
        q["outflags"] = self.u32()
        q["blob"] = self.bytes_()
        return q

    def nsinfo(self):
        return {"id": self.guid(), "ns": self.u32(), "active": self.u32(),
                "version": self.u32(), "name": self.string()}

    def classinfo(self):
        c = {"id": self.optguid(), "name": self.string(), "values": []}
        for _ in range(self.u32()):
            c["values"].append((self.string(), self.u32(), self.u32(), self.bytes_()))
        return c

    def done(self):
        return self.o == len(self.b)


def classinfo(w, cid, name, values):
    w.optguid(cid).string(name).u32(len(values))
    for vname, ns, vtype, val in values:
        w.string(vname).u32(ns).u32(vtype).bytes_(val)
    return w


def frame(mtype, mid, body=b"", status=0, version=VERSION, length=None):
    body = bytes(body)
    n = HDR.size + len(body) if length is None else length
    return HDR.pack(n, version, mtype, mid, status) + body


class Conn:
    def __init__(self, path, timeout=5.0):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.settimeout(timeout)
        self.s.connect(path)
        self.buf = b""
        self.next_id = 1

    def close(self):
        self.s.close()

    def send(self, data):
        self.s.sendall(data)

    def read_frame(self):
        while len(self.buf) < HDR.size:
            d = self.s.recv(65536)
            if not d:
                raise EOFError("connection closed")
            self.buf += d
        n, ver, mtype, mid, status = HDR.unpack(self.buf[:HDR.size])
        while len(self.buf) < n:
            d = self.s.recv(65536)
            if not d:
                raise EOFError("connection closed")
            self.buf += d
        body, self.buf = self.buf[HDR.size:n], self.buf[n:]
        return mtype, mid, status, body

    def request(self, mtype, body=b""):
        mid = self.next_id
        self.next_id += 1
        self.send(frame(mtype, mid, body))
        while True:
            t, i, st, b = self.read_frame()
            if t == mtype | REPLY and i == mid:
                return st, R(b)

    def lookup(self, flags=0x0FF0, **qs):
        """Returns (begin status, handle, [results], done status)."""
        st, r = self.request(LOOKUP_BEGIN, W().u32(flags).queryset(**qs).b)
        if st != 0:
            return st, None, [], None
        h = r.u32()
        results = []
        while True:
            t, i, st2, b = self.read_frame()
            if i != h:
                continue
            if t == LOOKUP_RESULT:
                results.append(R(b).queryset())
            elif t == LOOKUP_DONE:
                return 0, h, results, st2

    def is_closed(self, timeout=2.0):
        self.s.settimeout(timeout)
        try:
            while True:
                d = self.s.recv(65536)
                if not d:
                    return True
        except (ConnectionResetError, BrokenPipeError):
            return True
        except socket.timeout:
            return False
