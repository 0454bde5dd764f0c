#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""rnrd and systemd without systemd: the notify protocol (READY=1,
RELOADING=1 then READY=1 on SIGHUP and on `rnrctl reload`, STOPPING=1),
to a path and to an abstract socket, the watchdog (WATCHDOG=1 at half
of $WATCHDOG_USEC, only when $WATCHDOG_PID is rnrd's; a notify socket
nobody reads never stalls rnrd), and socket activation (LISTEN_FDS /
LISTEN_PID, as systemd passes rnrd.socket): rnrd serves on the socket it
was given and leaves the file alone at exit.  Also malformed operations
requests: they drop that client only.

usage: sdnotify_check.py RNRD RNRCTL CONF TMPDIR
"""
import contextlib
import os
import signal
import socket
import struct
import subprocess
import sys
import time

rnrd, rnrctl, conf, tmp = sys.argv[1:5]
failures = 0
checks = 0


def check(cond, what):
    global failures, checks
    if cond:
        checks += 1
    else:
        failures += 1
        print("FAIL:", what, file=sys.stderr)


def recv_state(s):
    try:
        data = s.recv(4096).decode()
    except socket.timeout:
        return {}
    return dict(l.split("=", 1) for l in data.split("\n") if "=" in l)


def rnrctl_run(sock, *args):
    env = dict(os.environ, RNR_SOCKET=sock)
    return subprocess.run([rnrctl, *args], env=env, capture_output=True, text=True)


def notify_run(addr, bind_addr):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(bind_addr)
    s.settimeout(10)
    env = dict(os.environ, NOTIFY_SOCKET=addr)
    p = subprocess.Popen([rnrd, "--foreground", "--config", conf], env=env,
                         stderr=open(os.path.join(tmp, "notify.log"), "a"))
    try:
        st = recv_state(s)
        check(st.get("READY") == "1", "no READY=1 (%r)" % st)
        check(st.get("MAINPID") == str(p.pid), "MAINPID %r, want %d" % (st.get("MAINPID"), p.pid))
        sock = os.environ["RNR_SOCKET"]
        check(rnrctl_run(sock, "status").returncode == 0, "not serving after READY=1")
        for how in ("SIGHUP", "rnrctl reload"):
            if how == "SIGHUP":
                os.kill(p.pid, signal.SIGHUP)
            else:
                r = rnrctl_run(sock, "reload")
                check(r.returncode == 0, "rnrctl reload: " + r.stderr)
            st = recv_state(s)
            check(st.get("RELOADING") == "1", how + ": no RELOADING=1 (%r)" % st)
            st = recv_state(s)
            check(st.get("READY") == "1", how + ": no READY=1 after reloading (%r)" % st)
        p.send_signal(signal.SIGTERM)
        st = recv_state(s)
        check(st.get("STOPPING") == "1", "no STOPPING=1 (%r)" % st)
        check(p.wait(10) == 0, "rnrd exit status on SIGTERM")
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        s.close()


@contextlib.contextmanager
def watchdog_rnrd(name, usec, wd_pid=None):
    """rnrd notifying a fresh socket tmp/name, WATCHDOG_USEC usec and
    WATCHDOG_PID wd_pid ("self": rnrd's own; None: unset), for a with
    block given the socket; then stopped with SIGTERM."""
    path = os.path.join(tmp, name)
    if os.path.exists(path):
        os.unlink(path)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(path)
    s.settimeout(10)

    def child():
        os.environ.update(NOTIFY_SOCKET=path, WATCHDOG_USEC=usec)
        if wd_pid is not None:
            os.environ["WATCHDOG_PID"] = str(os.getpid()) if wd_pid == "self" else wd_pid

    p = subprocess.Popen([rnrd, "--foreground", "--config", conf], preexec_fn=child,
                         stderr=open(os.path.join(tmp, "watchdog.log"), "a"))
    try:
        yield s
        p.send_signal(signal.SIGTERM)
        check(p.wait(10) == 0, "watchdog %s: rnrd exit status" % name)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        s.close()


def watchdog_run(wd_pid):
    """WATCHDOG=1 datagrams in the 2 s after READY=1, with WATCHDOG_USEC
    of 0.4 s and WATCHDOG_PID rnrd's own ("self") or another's."""
    pings = []
    with watchdog_rnrd("watchdog.sock", "400000", wd_pid) as s:
        st = recv_state(s)
        check(st.get("READY") == "1", "watchdog %s: no READY=1 first (%r)" % (wd_pid, st))
        end = time.monotonic() + 2
        while time.monotonic() < end:
            s.settimeout(max(end - time.monotonic(), 0.01))
            if recv_state(s).get("WATCHDOG") == "1":
                pings.append(time.monotonic())
    return pings


def watchdog_unread():
    """A notify socket nobody reads (its queue holds a few datagrams):
    pings every 10 ms fill it at once, and rnrd must go on serving."""
    with watchdog_rnrd("unread.sock", "20000") as s:
        check(recv_state(s).get("READY") == "1", "unread notify socket: no READY=1")
        time.sleep(1)
        env = dict(os.environ, RNR_REQUEST_TIMEOUT_MS="5000")
        r = subprocess.run([rnrctl, "status"], env=env, capture_output=True, text=True)
        check(r.returncode == 0, "rnrd stalls on a notify socket nobody reads: " + r.stderr)


def watchdog():
    watchdog_unread()
    pings = watchdog_run("self")
    # Every 0.2 s: about 10 in 2 s; a loaded machine may delay a few.
    check(len(pings) >= 4, "watchdog: %d WATCHDOG=1 in 2 s at WATCHDOG_USEC=400000" % len(pings))
    pings = watchdog_run("1")
    check(len(pings) == 0, "watchdog: %d pings for WATCHDOG_PID of another process" % len(pings))


def frame(mtype, body):
    return struct.pack("<IHHII", 16 + len(body), 1, mtype, 7, 0) + body


def string(s):
    if s is None:
        return struct.pack("<I", 0xFFFFFFFF)
    b = s.encode()
    return struct.pack("<I", len(b)) + b


def malformed(sock):
    """Bad operations requests end that connection; rnrd carries on."""
    bad = [
        frame(0x0B, b"\x00"),                                     # STATUS + trailing byte
        frame(0x0C, b"\x00\x00\x00\x00"),                         # STATS with a body
        frame(0x0D, string(None) + string(None) + string(None)),  # CONTROL, NULL command
        frame(0x0D, string(None) + string("") + string(None)),    # CONTROL, empty command
        frame(0x0D, string(None) + string("x" * 65) + string(None)),  # command too long
        frame(0x0D, string(None) + string("cache-flush")),        # truncated
        frame(0x0E, b"\x01"),                                     # RELOAD + trailing byte
    ]
    for i, f in enumerate(bad):
        c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        c.settimeout(10)
        c.connect(sock)
        c.sendall(f)
        try:
            got = c.recv(64)
        except ConnectionResetError:
            got = b""
        check(got == b"", "malformed request %d answered instead of dropped: %r" % (i, got))
        c.close()
    r = rnrctl_run(sock, "status")
    check(r.returncode == 0, "rnrd hurt by malformed requests")
    # A well-formed STATUS over the raw socket: reply type 0x8B, same id.
    c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    c.settimeout(10)
    c.connect(sock)
    c.sendall(frame(0x0B, b""))
    hdr = c.recv(16, socket.MSG_WAITALL)
    length, ver, mtype, rid, status = struct.unpack("<IHHII", hdr)
    check((ver, mtype, rid, status) == (1, 0x8B, 7, 0), "STATUS reply header %r" % (hdr,))
    c.close()


def activation():
    path = os.path.join(tmp, "act.sock")
    ls = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    ls.bind(path)
    ls.listen(16)
    os.set_inheritable(ls.fileno(), True)
    fd = ls.fileno()

    def child():
        os.dup2(fd, 3)
        os.environ["LISTEN_FDS"] = "1"
        os.environ["LISTEN_PID"] = str(os.getpid())

    # The configured socket is elsewhere: the passed one wins.
    log = open(os.path.join(tmp, "activation.log"), "w")
    p = subprocess.Popen([rnrd, "--foreground", "--config", conf], preexec_fn=child,
                         pass_fds=(fd,), stderr=log)
    try:
        ok = False
        for _ in range(200):
            if rnrctl_run(path, "status").returncode == 0:
                ok = True
                break
            if p.poll() is not None:
                break
            import time
            time.sleep(0.05)
        check(ok, "rnrd does not serve on the socket it was passed")
        r = rnrctl_run(path, "--json", "status")
        check(r.returncode == 0 and ('"pid": %d' % p.pid) in r.stdout, "status over the passed socket")
        check(not os.path.exists(os.environ["RNR_SOCKET"]),
              "rnrd bound its configured socket although one was passed")
        malformed(path)
        p.send_signal(signal.SIGTERM)
        check(p.wait(10) == 0, "exit status under socket activation")
        check(os.path.exists(path), "rnrd removed systemd's socket file")
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        ls.close()
    check("socket activation" in open(os.path.join(tmp, "activation.log")).read(),
          "log does not say socket activation")
    # LISTEN_PID of another process: not ours, rnrd binds its own socket.
    env = dict(os.environ, LISTEN_FDS="1", LISTEN_PID="1")
    p = subprocess.Popen([rnrd, "--foreground", "--config", conf], env=env,
                         stderr=subprocess.DEVNULL)
    try:
        ok = False
        for _ in range(200):
            if rnrctl_run(os.environ["RNR_SOCKET"], "status").returncode == 0:
                ok = True
                break
            import time
            time.sleep(0.05)
        check(ok, "rnrd took descriptors meant for another process")
    finally:
        p.terminate()
        p.wait()


notify_run(os.path.join(tmp, "notify.sock"), os.path.join(tmp, "notify.sock"))
abstract = "rnr-test-notify-%d" % os.getpid()
notify_run("@" + abstract, "\0" + abstract)
watchdog()
activation()
print("sdnotify_check: %d passed, %d failed" % (checks, failures))
sys.exit(1 if failures else 0)
