#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes the seed corpora of the fuzz targets (fuzz/corpus/NAME/seed-*).
Run from anywhere: python3 fuzz/make_seeds.py.  Findings (crash-*, leak-*,
timeout-*) are added by hand next to the seeds and never rewritten here."""
import os
import struct
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "tests", "integration"))
import rnrwire as rw  # noqa: E402
import nbns  # noqa: E402

W = rw.W


def put(name, seeds):
    d = os.path.join(here, "corpus", name)
    os.makedirs(d, exist_ok=True)
    for i, s in enumerate(seeds):
        with open(os.path.join(d, "seed-%02d" % i), "wb") as f:
            f.write(s.encode() if isinstance(s, str) else bytes(s))


def sin(port, a):
    return struct.pack("<H", 2) + struct.pack(">H", port) + bytes(a) + bytes(8)


def sin6(port, a, scope=0):
    return struct.pack("<H", 10) + struct.pack(">H", port) + bytes(4) + bytes(a) + struct.pack("<I", scope)


def qs_full():
    return W().queryset(name="www.example.com", cls=rw.HOSTADDRBYNAME, version=(1, 0),
                        comment="c", ns=12, provider=rw.svcid(0x1234), context="ctx",
                        protocols=[(2, 6), (10, 17)], query="q=1",
                        csaddrs=[(sin(0, [0] * 4), sin(80, [10, 0, 0, 1]), 1, 6),
                                 (None, sin6(53, [0] * 15 + [1]), 2, 17)],
                        outflags=0, blob=b"\x01\x02\x03").b


def qs_small(name="localhost", cls=rw.HOSTADDRBYNAME, ns=0, blob=None):
    return W().queryset(name=name, cls=cls, ns=ns, blob=blob).b


def ci(name="Example", values=(("Port", 12, 4, struct.pack("<I", 80)),
                               ("Name", 0, 1, b"abc\0"))):
    return rw.classinfo(W(), rw.svcid(0x5555), name, list(values)).b


# ---- hostent / servent blobs (nsp/blob.c layout, 64-bit) ----
def blob_hostent(name, aliases, af, alen, addrs):
    hdr = 32
    nal, nad = len(aliases), len(addrs)
    al_at = hdr
    ad_at = al_at + (nal + 1) * 8
    bytes_at = ad_at + (nad + 1) * 8
    addr_at = bytes_at
    str_at = addr_at + nad * alen
    strings = b""
    offs = []
    for s in [name] + aliases:
        offs.append(str_at + len(strings))
        strings += s.encode() + b"\0"
    b = struct.pack("<QQiiQ", offs[0], al_at, af, alen, ad_at)
    b += b"".join(struct.pack("<Q", o) for o in offs[1:]) + bytes(8)
    b += b"".join(struct.pack("<Q", addr_at + i * alen) for i in range(nad)) + bytes(8)
    b += b"".join(bytes(a) for a in addrs) + strings
    return b


def blob_servent(name, aliases, port, proto):
    hdr = 32
    al_at = hdr
    str_at = al_at + (len(aliases) + 1) * 8
    strings = b""
    offs = []
    for s in [name, proto] + aliases:
        offs.append(str_at + len(strings))
        strings += s.encode() + b"\0"
    b = struct.pack("<QQiiQ", offs[0], al_at, struct.unpack("<H", struct.pack(">H", port))[0], 0,
                    offs[1])
    b += b"".join(struct.pack("<Q", o) for o in offs[2:]) + bytes(8) + strings
    return b


def main():
    put("inet", ["1.2.3.4", "0x7f.1", "010.0.0.1", "1.2.3", "255.255.255.255",
                 "1.2.3.4 junk", "", "4294967295", "0xffffffff", "1..2", "1.2.3.4.5"])
    put("addrstr", [b"\x00" + b"1.2.3.4:80", b"\x01[::1]:53", b"\x01fe80::1%1",
                    b"\x01[fe80::1%lo]:8080", b"\x80" + b"1.2.3.4", b"\x01::ffff:1.2.3.4",
                    b"\x00" + b"1.2.3.4:65536", b"\x01[2001:db8::1]"])
    put("queryset", [b"\x00" + qs_full(), b"\x00" + qs_small(), b"\x00" + qs_small(None, None),
                     b"\x01" + ci(), b"\x01" + ci("x", ()),
                     b"\x01" + ci("multi", [("A", 12, 4, struct.pack("<I", 1)),
                                           ("B", 2, 3, b"\x00\x01\x02"),
                                           ("C", 0, 7, b"a\0b\0\0")])])
    put("blob", [b"\x00" + blob_hostent("localhost", ["lh", "loopback"], 2, 4,
                                        [[127, 0, 0, 1], [127, 0, 1, 1]]),
                 b"\x00" + blob_hostent("v6", [], 10, 16, [[0] * 15 + [1]]),
                 b"\x01" + blob_servent("http", ["www"], 80, "tcp"),
                 b"\x01" + blob_servent("domain", [], 53, "udp")])
    put("hosts", ["127.0.0.1 localhost lh\n::1 localhost ip6-localhost\n",
                  "# comment\n10.0.0.1\tA.example a # tail\n10.0.0.1 b\n\n",
                  "fe80::1%eth0 link\n1.2.3 short\n999.1.1.1 bad\n",
                  "192.168.1.1 " + " ".join("alias%d" % i for i in range(40)) + "\n"])
    put("services", ["http 80/tcp www\nhttp 80/udp\ndomain 53/udp\n\0http/tcp",
                     "# x\nftp\t21/tcp\nssh 22/tcp # secure\n\x0021/udp",
                     "bad 99999/tcp\nx -1/tcp\ny 5/sctp alias\n\x00y",
                     "a 1/tcp\n\x0080"])
    put("protocols", [b"\x01" + struct.pack("<i", 0) + b"tcp\0ip 0 IP\ntcp 6 TCP\nudp 17 UDP\n",
                      b"\x00" + struct.pack("<i", 17) + b"\0# c\nudp\t17\tUDP # x\n",
                      b"\x01" + struct.pack("<i", 0) + b"ICMP\0icmp 1 ICMP\n  -0 x\n",
                      b"\x00" + struct.pack("<i", -1) + b"\0big 4294967295 B\n"])
    conf = open(os.path.join(here, "..", "etc", "rnrd.conf"), "rb").read()
    put("conf", [conf, "[daemon]\nsocket = /tmp/x\nmax-clients = 10\n",
                 "[provider hosts]\nmodule = hosts\nname-space = NS_DNS\n"
                 "id = {12345678-1234-1234-1234-123456789abc}\nenabled = no\npath = /etc/hosts\n",
                 "[daemon]\nlog-level = debug\nmax-message-size = 1\n[bogus]\nx=y\n"])
    xmls = []
    for fn in ("example-service.xml",):
        p = os.path.join(here, "..", "etc", "examples", fn)
        if os.path.exists(p):
            xmls.append(open(p, "rb").read())
    xmls.append(b'<?xml version="1.0"?>\n<service-class xmlns="urn:x"/>\n')
    put("class_xml", xmls)

    # Daemon side: a client's byte stream, frames back to back.
    f = rw.frame
    look = W().u32(0x10).b + qs_small("localhost", ns=0)
    inst = ci()
    cid = W().guid(rw.svcid(0x5555)).b
    put("request", [
        f(rw.PING, 1),
        f(rw.ENUM_PROVIDERS, 2) + f(rw.LIST_CLASSES, 3),
        f(rw.LOOKUP_BEGIN, 4, look) + f(rw.LOOKUP_END, 5, W().u32(1).b),
        f(rw.LOOKUP_BEGIN, 4, W().u32(0).b + qs_full()),
        f(rw.SET_SERVICE, 6, W().u32(0).u32(0).b + qs_small("svc", ns=12)),
        f(rw.INSTALL_CLASS, 7, inst) + f(rw.GET_CLASS_INFO, 8, W().u8(0).b + cid) +
        f(rw.GET_CLASS_NAME, 9, cid) + f(rw.LIST_CLASSES, 10) + f(rw.REMOVE_CLASS, 11, cid),
        f(rw.PING, 12, length=8),
        f(rw.SUBSCRIBE, 13, W().u32(0x0FF0).b + qs_small("*", ns=0)) +
        f(rw.LOOKUP_END, 14, W().u32(1).b),
        f(rw.SUBSCRIBE, 15, W().u32(0x0002).b + qs_small("x", ns=11)) +
        f(rw.SUBSCRIBE, 16, W().u32(0).b),
    ])
    # Library side: byte 0 picks the call, the rest is what the daemon
    # sends back (ids of reply frames patched to the request's).
    R = rw.REPLY
    res = f(rw.LOOKUP_RESULT, 7, qs_full()) + f(rw.LOOKUP_RESULT, 7, qs_small()) + \
        f(rw.LOOKUP_DONE, 7, status=10110)
    put("reply", [
        b"\x00" + f(rw.LOOKUP_BEGIN | R, 0, W().u32(7).b) + res,
        b"\x00" + f(rw.LOOKUP_BEGIN | R, 0, status=10108),
        b"\x01" + f(rw.GET_CLASS_INFO | R, 0, ci()),
        b"\x02" + f(rw.GET_CLASS_NAME | R, 0, W().string("Example").b),
        b"\x03" + f(rw.ENUM_PROVIDERS | R, 0, W().u32(1).guid(rw.svcid(9)).u32(12).u32(1).u32(1)
                    .string("Hosts").b),
        b"\x04" + f(rw.SET_SERVICE | R, 0),
        b"\x05" + f(rw.LIST_CLASSES | R, 0, W().u32(2).b + ci() + ci("x", ())),
        b"\x06" + f(rw.INSTALL_CLASS | R, 0),
        b"\x07" + f(rw.REMOVE_CLASS | R, 0, status=10109),
    ])

    # NetBIOS name service: every packet rnr sends or reads, then the
    # malformed ones the decoder must refuse.
    reg = nbns.registration("HOSTA", 0, "10.1.2.3")
    put("nbns", [nbns.query("FRED", 0x20, scope="netbios.com"), nbns.status(), reg,
                 nbns.registration("WG", 0x1C, "10.1.2.3", group=True, op=8),
                 nbns.positive_answer("WG", 0x1C, ["10.0.0.1", "10.0.0.2"], group=True),
                 nbns.header(7, 0x8503)] +
        nbns.garbage())


main()
