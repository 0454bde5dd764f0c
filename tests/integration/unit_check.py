#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""rnrd as the shipped units run it, without systemd running: the test
plays the service manager, from what the built rnrd.socket and
rnrd.service say (User=, RuntimeDirectory=, StateDirectory= and their
modes, UMask=, LoadCredential=, WatchdogSec=, ListenStream=,
ExecStart=).  Run by systemd_unit.sh, as root, in a mount namespace of
its own: /usr, /etc and /var are read-only (ProtectSystem=strict), /run
and /var/lib are fresh tmpfs, so the unit's paths are the real ones.

- the socket directory is made as rnrd.socket makes it (root's,
  DirectoryMode=), then the runtime and state directories as systemd
  makes them for the service (created or re-moded, given to User=);
- systemd-socket-activate listens on ListenStream= and starts rnrd as
  User= (setpriv) on the first connection, with $NOTIFY_SOCKET, a
  watchdog, and the credentials of LoadCredential= in
  $CREDENTIALS_DIRECTORY;
- rnrd must then serve root and another user on the system socket (whose
  directory the daemon account owns), keep its answer cache next to the
  socket (answer-cache-bytes and answers-stored in `rnrctl stats` are not
  zero; the other user's repeat of root's lookup is answered from the
  file, the daemon account's), start the sap provider with its key from the credential, send
  READY=1 and then WATCHDOG=1 pings, and STOPPING=1 on SIGTERM;
- the service stopped by hand (RuntimeDirectoryPreserve=), the socket
  file rnrd.socket listens on must still be there, and rnrd must start
  again the same way in the directory it left, with a cache of its own.

usage: unit_check.py BUILDDIR TMPDIR OTHER_USER
"""
import os
import pwd
import signal
import socket
import stat
import subprocess
import sys
import threading
import time

build, tmp, other = sys.argv[1:4]
failed = []     # what went wrong
passed = [0]


def check(cond, what):
    if not cond:
        failed.append(what)
        print("FAIL:", what, file=sys.stderr)
    else:
        passed[0] += 1
    return cond


def unit(path):
    """Every Key=value of a unit file, in order (keys may repeat)."""
    out = []
    for line in open(path):
        line = line.strip()
        if line and line[0] not in "#;[" and "=" in line:
            k, v = line.split("=", 1)
            out.append((k.strip(), v.strip()))
    return out


def one(u, key, default=None):
    vals = [v for k, v in u if k == key]
    return vals[-1] if vals else default


def mount(*args):
    subprocess.run(["mount", *args], check=True)


def exec_dir(path, mode, uid, gid):
    """What systemd does for RuntimeDirectory= / StateDirectory=: create
    it, set its mode, give it (and all below) to the service's user."""
    os.makedirs(path, exist_ok=True)
    os.chmod(path, mode)
    for root, dirs, files in os.walk(path):
        for n in [root] + [os.path.join(root, f) for f in dirs + files]:
            os.lchown(n, uid, gid)


def rnrctl(*args, user=None):
    cmd = [os.path.join(build, "client/rnrctl/rnrctl"), *args]
    env = {"PATH": os.environ["PATH"]}
    if user is not None:
        cmd = ["setpriv", "--reuid=" + user, "--regid=" + user, "--clear-groups", *cmd]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)


def skip(why):
    print("SKIP:", why)
    sys.exit(77)


def ensure_user(name):
    """The account, created as a package would when missing.  Tests run
    in parallel: useradd fails while another holds the lock on
    /etc/passwd, or when another just created the same user."""
    for _ in range(50):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            subprocess.run(["useradd", "--system", "--no-create-home", "--home-dir",
                            "/nonexistent", "--shell", "/usr/sbin/nologin", "--user-group",
                            name], capture_output=True)
            time.sleep(0.1)
    skip("cannot create the account " + name)


svc = unit(os.path.join(build, "etc/systemd/rnrd.service"))
sock_unit = unit(os.path.join(build, "etc/systemd/rnrd.socket"))
user = one(svc, "User")
if not check(user not in (None, "root"), "rnrd.service runs rnrd as root (User=%s)" % user):
    sys.exit(1)
check(one(svc, "DynamicUser", "no") == "no",
      "DynamicUser=: clients cannot check a dynamic owner while rnrd is stopped")
pw = ensure_user(user)
ensure_user(other)
for who in (user, other):
    if subprocess.run(["setpriv", "--reuid=" + who, "--regid=" + who, "--clear-groups",
                       os.path.join(build, "daemon/rnrd"), "--version"],
                      capture_output=True).returncode != 0:
        skip("the build is not usable by %s (a directory on the way is private)" % who)
listen = one(sock_unit, "ListenStream")
exec_start = one(svc, "ExecStart").split()
check(one(svc, "Restart") == "always", "Restart=%s" % one(svc, "Restart"))
check(one(svc, "WatchdogSec") not in (None, "0", "infinity"), "rnrd.service has no WatchdogSec=")
for u, name in ((svc, "rnrd.service"), (sock_unit, "rnrd.socket")):
    check("nss-lookup.target" in one(u, "Wants", "").split() and
          "nss-lookup.target" in one(u, "Before", "").split(),
          name + ": not Wants= and Before=nss-lookup.target")

# ProtectSystem=strict, as far as this test needs: /usr, /etc and /var
# read-only; /run and /var/lib (for StateDirectory=) fresh and writable.
for d in ("/usr", "/etc", "/var"):
    mount("--bind", "-o", "ro", d, d)
mount("-t", "tmpfs", "-o", "mode=0755", "tmpfs", "/run")
mount("-t", "tmpfs", "-o", "mode=0755", "tmpfs", "/var/lib")

# rnrd.socket: the directory of ListenStream=, root's, DirectoryMode=.
sock_dir = os.path.dirname(listen)
os.makedirs(sock_dir, mode=int(one(sock_unit, "DirectoryMode", "0755"), 8))
EXEC_DIRS = (("RuntimeDirectory", "/run"), ("StateDirectory", "/var/lib"))


def service_dirs():
    """At each start of rnrd.service: RuntimeDirectory= (under /run),
    StateDirectory= (under /var/lib), each with its mode, owned by User=."""
    for key, base in EXEC_DIRS:
        for name in one(svc, key, "").split():
            exec_dir(os.path.join(base, name), int(one(svc, key + "Mode", "0755"), 8),
                     pw.pw_uid, pw.pw_gid)


def service_stopped():
    """systemctl stop rnrd.service, rnrd.socket still listening: systemd
    removes the runtime directories unless RuntimeDirectoryPreserve=yes."""
    if one(svc, "RuntimeDirectoryPreserve", "no") != "yes":
        for name in one(svc, "RuntimeDirectory", "").split():
            subprocess.run(["rm", "-rf", os.path.join("/run", name)])

# LoadCredential=ID:NAME from a credential store (the key, root's alone),
# copied as systemd does into a directory of the service's user.
creds = "/run/credentials/rnrd.service"
os.makedirs(creds)
key_id = None
for v in [v for k, v in svc if k == "LoadCredential"]:
    key_id, _, src = v.partition(":")
    data = os.urandom(32).hex().encode()
    path = os.path.join(creds, key_id)
    with open(path, "wb") as f:
        f.write(data)
    os.chmod(path, 0o400)
    os.chown(path, pw.pw_uid, pw.pw_gid)
os.chmod(creds, 0o500)
os.chown(creds, pw.pw_uid, pw.pw_gid)
check(key_id == "sap.key", "rnrd.service passes no sap.key credential")

with open(os.path.join(tmp, "hosts"), "w") as f:
    f.write("192.0.2.44 alpha\n")
conf = os.path.join(tmp, "rnrd.conf")
with open(conf, "w") as f:
    f.write("[daemon]\nlog-level = info\n\n"
            "[provider hosts]\nmodule = hosts\nnamespace = NS_TCPIP_HOSTS\n"
            "hosts-file = %s\n\n" % os.path.join(tmp, "hosts"))
    if key_id:
        f.write("[provider sap]\nmodule = sap\nkey-file = %s\n" % key_id)
os.chmod(conf, 0o644)

# $NOTIFY_SOCKET, read all the time as systemd reads it (its queue holds
# only a few datagrams: the pings would fill it).
notify_path = "/run/notify"
ns = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
ns.bind(notify_path)
os.chmod(notify_path, 0o666)
notes = []      # every line received, in order


def notify_reader():
    while True:
        try:
            notes.extend(ns.recv(4096).decode().split("\n"))
        except OSError:
            return


threading.Thread(target=notify_reader, daemon=True).start()

argv = [os.path.join(build, "daemon/rnrd")] + [a.replace("%S", "/var/lib") for a in exec_start[1:]]
argv += ["--config", conf, "--module-dir", os.path.join(build, "providers/.libs")]
cmd = ["systemd-socket-activate", "-l", listen,
       "-E", "NOTIFY_SOCKET=" + notify_path,
       # WatchdogSec= scaled down: pings every 0.25 s.
       "-E", "WATCHDOG_USEC=500000",
       "-E", "CREDENTIALS_DIRECTORY=" + creds,
       "setpriv", "--reuid=%d" % pw.pw_uid, "--regid=%d" % pw.pw_gid, "--init-groups",
       "--"] + argv
os.umask(int(one(svc, "UMask", "0022"), 8))


def notices(since, secs, until=None):
    """The notify lines from index since on, after secs seconds (or as
    soon as until is among them)."""
    end = time.monotonic() + secs
    while time.monotonic() < end and until not in notes[since:]:
        time.sleep(0.05)
    return notes[since:]


def stats():
    """The daemon's figures of `rnrctl stats --kv`, by their last name."""
    r = rnrctl("stats", "--kv")
    if r.returncode != 0:
        print("rnrctl stats: exit %d: %s" % (r.returncode, r.stderr), file=sys.stderr)
    return {k.split(".")[-1]: v for k, v in
            (l.split("=", 1) for l in r.stdout.splitlines() if l.startswith("daemon."))}


def run(what, log):
    """Start rnrd as the units do, check it, stop it; the cache's inode."""
    cache_ino = None
    since = len(notes)
    service_dirs()
    # systemd's socket lives on across runs; systemd-socket-activate binds
    # a new one, as it would after removing the old file.
    if os.path.lexists(listen):
        os.unlink(listen)
    p = subprocess.Popen(cmd, stdout=log, stderr=log)
    try:
        for _ in range(200):
            if os.path.exists(listen):
                break
            time.sleep(0.05)
        os.chmod(listen, int(one(sock_unit, "SocketMode", "0666"), 8))
        # The first connection starts rnrd.
        r = rnrctl("lookup", "host", "alpha", "--ns", "NS_TCPIP_HOSTS")
        check(r.returncode == 0 and "192.0.2.44" in r.stdout,
              "%s: lookup as root through the activated socket: %s%s" % (what, r.stdout, r.stderr))
        lines = notices(since, 3)
        check("READY=1" in lines, "%s: no READY=1: %r" % (what, lines[:5]))
        pings = lines.count("WATCHDOG=1")
        check(pings >= 3, "%s: %d WATCHDOG=1 in 3 s at WATCHDOG_USEC=500000" % (what, pings))

        st = os.stat(sock_dir)
        check(st.st_uid == pw.pw_uid and stat.S_IMODE(st.st_mode) & 0o022 == 0,
              "%s: %s: uid %d mode %o" % (what, sock_dir, st.st_uid, stat.S_IMODE(st.st_mode)))
        cache = listen + ".cache"
        if check(os.path.exists(cache), "%s: no answer cache at %s" % (what, cache)):
            st = os.stat(cache)
            cache_ino = st.st_ino
            check(st.st_uid == pw.pw_uid and stat.S_IMODE(st.st_mode) == 0o644,
                  "%s: %s: uid %d mode %o" % (what, cache, st.st_uid, stat.S_IMODE(st.st_mode)))
        # Another user trusts the daemon account's directory too, and its
        # cache file: the same lookup is answered from the file, never
        # reaching rnrd.  (Lookups on the hosts provider alone: sap's
        # answers are never cached.)
        before = stats()
        r = rnrctl("lookup", "host", "alpha", "--ns", "NS_TCPIP_HOSTS", user=other)
        check(r.returncode == 0 and "192.0.2.44" in r.stdout,
              "%s: lookup as %s: %s%s" % (what, other, r.stdout, r.stderr))
        fig = stats()
        check("lookups-total" in before and fig.get("lookups-total") == before["lookups-total"],
              "%s: %s's repeated lookup went to rnrd (lookups-total %s, then %s), not to the "
              "cache" % (what, other, before.get("lookups-total"), fig.get("lookups-total")))
        check(int(fig.get("answer-cache-bytes", "0")) > 0,
              "%s: answer cache off under the unit: %r" % (what, fig))
        check(int(fig.get("answers-stored", "0")) >= 1, "%s: no answer stored: %r" % (what, fig))
        r = rnrctl("status")
        check(any(l.split()[:3] == ["sap", "sap", "started"] for l in r.stdout.splitlines()),
              "%s: sap provider not started with the credential key: %s%s" %
              (what, r.stdout, r.stderr))
        since = len(notes)
        p.send_signal(signal.SIGTERM)
        check("STOPPING=1" in notices(since, 10, "STOPPING=1"), "%s: no STOPPING=1" % what)
        check(p.wait(10) == 0, "%s: rnrd exit status" % what)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    return cache_ino


with open(os.path.join(tmp, "rnrd.log"), "w") as log:
    first = run("first start", log)
    # Stopped by hand, the socket unit still listening: its socket file
    # must outlive the service, or no client could start rnrd again.
    service_stopped()
    check(os.path.exists(listen), "%s is gone once rnrd.service stopped "
          "(RuntimeDirectoryPreserve=%s)" % (listen, one(svc, "RuntimeDirectoryPreserve", "no")))
    # Started again (a client, or Restart=) in the directory it left.
    second = run("second start", log)
    check(first is None or second is None or first != second,
          "the restarted rnrd serves the old daemon's cache file")
if failed:
    sys.stderr.write(open(os.path.join(tmp, "rnrd.log")).read())
print("unit_check: %d passed, %d failed" % (passed[0], len(failed)))
sys.exit(1 if failed else 0)
