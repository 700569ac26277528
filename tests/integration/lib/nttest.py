"""Shared pieces of the mDNS integration tests: the `nautilus` program in a
namespace, JSON-line streams read with deadlines, checks and figures.

Each test is a /usr/bin/python3 script run by ctest (label `integration`,
needs root). It exits 0 if every check held and 1 if one failed. A missing
`nautilus` binary or a subcommand whose `--help` fails is a failure too, never
a skip: a broken build must not turn tests into passes. Figures are printed
as `FIGURE name = value unit` lines.
"""

import ipaddress
import json
import os
import queue
import re
import subprocess
import sys
import threading
import time

from lan import PYTHON, ZC_PEER, Lan  # noqa: F401  (re-exported for tests)

HERE = os.path.dirname(os.path.abspath(__file__))
MDNSQ = os.path.join(HERE, "mdnsq.py")
# ctest's SKIP_RETURN_CODE. Only for a test that cannot run in this
# environment at all (e.g. not root); never for a missing or broken build.
# scripts/test.sh counts skips apart and, under CI, fails on any skip not
# listed in tests/skip-allowlist.txt.
SKIP = 77
FAIL = 1


def nautilus_path():
    p = os.environ.get("NAUTILUS")
    if not p and len(sys.argv) > 1 and os.path.exists(sys.argv[1]):
        p = sys.argv[1]
    if not p:
        for cand in ("build/tools/nautilus", "build/nautilus"):
            c = os.path.join(HERE, "..", "..", "..", cand)
            if os.path.exists(c):
                p = c
                break
    if not p or not os.access(p, os.X_OK):
        print("FAIL  no nautilus binary (pass its path or set NAUTILUS)", flush=True)
        sys.exit(FAIL)
    return os.path.abspath(p)


def require_commands(nautilus, *cmds):
    """Fails the test (exit 1) if `nautilus CMD --help` fails for any cmd:
    the test needs that subcommand, so a build without it is broken."""
    for c in cmds:
        try:
            r = subprocess.run([nautilus, c, "--help"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, timeout=10)
            rc, out = r.returncode, (r.stderr.strip() or r.stdout.strip())
        except (OSError, subprocess.TimeoutExpired) as e:
            rc, out = -1, str(e)
        if rc != 0:
            print("FAIL  `nautilus %s --help` exited %d: %s" % (c, rc, out[:120]), flush=True)
            sys.exit(FAIL)


class Checks:
    def __init__(self, title):
        self.title = title
        self.failed = []
        self.t0 = time.monotonic()
        print("== %s" % title, flush=True)

    def check(self, cond, what, detail=""):
        print("%s  %s%s" % ("ok  " if cond else "FAIL", what,
                            (" -- " + str(detail)) if detail and not cond else ""),
              flush=True)
        if not cond:
            self.failed.append(what)
        return cond

    def figure(self, name, value, unit=""):
        if isinstance(value, float):
            value = "%.3f" % value
        print("FIGURE %s = %s %s" % (name, value, unit), flush=True)

    def note(self, text):
        print("   " + text, flush=True)

    def done(self):
        import lan as _lan
        for line in _lan.sanitizer_findings[:20]:
            print("FAIL  sanitizer report: %s" % line, flush=True)
        if _lan.sanitizer_findings:
            self.failed.append("sanitizer reports")
        print("== %s: %d failed (%.1f s)" % (self.title, len(self.failed),
                                            time.monotonic() - self.t0), flush=True)
        sys.exit(1 if self.failed else 0)


class Lines:
    """Reads JSON lines from a Proc's stdout pipe in a thread."""

    def __init__(self, proc):
        self.proc = proc
        self.q = queue.Queue()
        self.all = []
        self.raw = []
        self.t0 = time.monotonic()
        t = threading.Thread(target=self._pump, daemon=True)
        t.start()

    def _pump(self):
        for line in self.proc.popen.stdout:
            line = line.strip()
            self.raw.append(line)
            try:
                obj = json.loads(line)
            except ValueError:
                continue
            if isinstance(obj, dict):
                obj["_t"] = time.monotonic()
                self.all.append(obj)
                self.q.put(obj)

    def wait_for(self, pred, timeout):
        """Returns the first new line matching pred within timeout, or None."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            try:
                obj = self.q.get(timeout=left)
            except queue.Empty:
                return None
            if pred(obj):
                return obj

    def seen(self, pred):
        return [o for o in self.all if pred(o)]


# A raw client of the agent's control socket (DESIGN §8.3: a 4-byte
# big-endian length, then the JSON text), run with -c so that it needs no
# readable file when run as another user: each request given goes out as
# one frame on one connection and its first reply is printed as
# "REPLY <text>"; "CONNECT-ERROR <errno>" when it cannot connect, "CLOSED"
# (with the errno, if any) when the agent closes first.
CTL_CLIENT = r"""
import socket, struct, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(10)
try:
    s.connect(sys.argv[1])
except OSError as e:
    print("CONNECT-ERROR %s" % e.errno); sys.exit(0)
def recv(n):
    out = b""
    while len(out) < n:
        b = s.recv(n - len(out))
        if not b:
            break
        out += b
    return out
try:
    for payload in sys.argv[2:]:
        payload = payload.encode()
        s.sendall(struct.pack(">I", len(payload)) + payload)
        head = recv(4)
        if len(head) < 4:
            print("CLOSED"); sys.exit(0)
        print("REPLY " + recv(struct.unpack(">I", head)[0]).decode(), flush=True)
except OSError as e:
    print("CLOSED %s" % e.errno)
"""


def ctl_raw(host, path, payloads, user=None, timeout=20):
    """Sends each payload (JSON text) as one frame on one connection to the
    control socket at path, from host's namespace (as user, with setpriv,
    if given). Returns the first reply to each: a parsed object, or
    {"unparsed": line} for a reply that is not JSON; a final "CLOSED ..."
    or "CONNECT-ERROR ..." line stands as that string."""
    argv = [PYTHON, "-c", CTL_CLIENT, path] + list(payloads)
    if user:
        argv = ["setpriv", "--reuid", user, "--regid", "nogroup", "--clear-groups"] + argv
    out = []
    for line in host.run(argv, timeout=timeout).stdout.splitlines():
        if line.startswith("REPLY "):
            try:
                out.append(json.loads(line[6:]))
            except ValueError:
                out.append({"unparsed": line})
        elif line.strip():
            out.append(line.strip())
    return out


def gapless(all_lines):
    """A bus stream's seq goes up by one from each snapshot.end (or from the
    first event) and no gap line stands in it."""
    nxt = None
    for o in all_lines:
        t = o.get("topic")
        if t == "gap":
            return False
        if t == "snapshot.end":
            nxt = o["seq"] + 1
        elif t and t != "snapshot.begin" and not o.get("snapshot"):
            if nxt is not None and o.get("seq") != nxt:
                return False
            nxt = o.get("seq", 0) + 1
    return True


def wait(cond, timeout, period=0.05):
    """Polls cond every period seconds until it returns something true or
    timeout seconds pass; returns its last value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = cond()
        if v:
            return v
        time.sleep(period)
    return cond()


def strip_scope(a):
    return a.split("%")[0]


def has_addr(addresses, addr):
    return addr is not None and any(strip_scope(x) == addr for x in (addresses or []))


class Nautilus:
    """Runs the `nautilus` program inside a host namespace (DESIGN section 9)."""

    def __init__(self, binary, host):
        self.bin = binary
        self.host = host

    def publish(self, instance, stype, port, txt=(), host_name=None, ttl=None,
                extra=(), name="nautilus-publish"):
        argv = [self.bin, "publish", "-i", self.host.ifname]
        if host_name:
            argv += ["--host", host_name]
        if ttl is not None:
            argv += ["--ttl", str(ttl)]
        argv += list(extra) + [instance, stype, str(port)] + list(txt)
        return self.host.spawn(argv, name=name)

    def browse(self, stype, timeout=None, extra=(), name="nautilus-browse"):
        argv = [self.bin, "browse", stype, "-i", self.host.ifname, "--resolve", "--json"]
        if timeout is not None:
            argv += ["--timeout", str(timeout)]
        argv += list(extra)
        proc = self.host.spawn(argv, name=name, stdout=subprocess.PIPE,
                               stderr=open(os.path.join(self.host.lan.workdir,
                                                        "%s.%s.err" % (self.host.name, name)), "w"))
        return Lines(proc)

    def resolve(self, hostname, family=None, timeout=3):
        argv = [self.bin, "resolve", hostname, "--timeout", str(timeout)]
        if family:
            argv.append(family)
        r = self.host.run(argv, timeout=timeout + 10)
        addrs = []
        for tok in re.split(r"[\s,\"\[\]{}]+", r.stdout):
            try:
                addrs.append(str(ipaddress.ip_address(strip_scope(tok))))
            except ValueError:
                pass
        return r, addrs


def zc_browser(host, stype, name="zc-browse"):
    args = ["browse", "--timeout", "0", stype]
    for ip in (host.v4, host.v6):
        if ip:
            args[1:1] = ["--ip", ip]
    return Lines(host.zeroconf(args, name=name))


def zc_register(host, instance, stype, port, txt=(), host_name=None, ttl=None,
                name="zc-register"):
    args = ["register"]
    for ip in (host.v4, host.v6):
        if ip:
            args += ["--ip", ip]
    if host_name:
        args += ["--host", host_name]
    if ttl:
        args += ["--ttl", str(ttl)]
    args += [instance, stype, str(port)] + list(txt)
    proc = host.zeroconf(args, name=name)
    lines = Lines(proc)
    ok = lines.wait_for(lambda o: o.get("event") == "registered", 15)
    if ok is None:
        raise RuntimeError("python-zeroconf did not register %s" % instance)
    return proc, lines


def avahi_unescape(s):
    """avahi-browse -p escapes with \\DDD (decimal)."""
    return re.sub(r"\\(\d{3})", lambda m: chr(int(m.group(1))), s)


def avahi_resolved(lines, instance):
    """'=' lines of avahi-browse -kprt for instance: list of dicts."""
    out = []
    for f in lines:
        if len(f) >= 10 and f[0] == "=" and avahi_unescape(f[3]) == instance:
            txt = {}
            for t in re.findall(r'"((?:[^"\\]|\\.)*)"', f[9]):
                k, _, v = avahi_unescape(t).partition("=")
                txt[k] = v
            out.append({"proto": f[2], "host": f[6], "address": f[7],
                        "port": int(f[8]), "txt": txt})
    return out


def mdnsq(host, args, wait=1.5):
    """Runs mdnsq.py in host; returns (exit code, list of reply dicts)."""
    r = host.run([PYTHON, MDNSQ, "--wait", str(wait)] + list(args), timeout=wait + 20)
    out = []
    for line in r.stdout.splitlines():
        try:
            out.append(json.loads(line))
        except ValueError:
            pass
    return r.returncode, out


def rss_kb(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def cpu_seconds(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        tck = os.sysconf("SC_CLK_TCK")
        return (int(fields[11]) + int(fields[12])) / tck
    except (OSError, IndexError, ValueError):
        return None


def read_mdns_pcap(path):
    """Every mDNS message in a pcap, decoded: list of dicts with t (epoch
    seconds), fam, src, dst, sport, dport, msg (dnspython Message or None),
    answers/additional (mdnsq JSON form), n_auth, is_response."""
    sys.path.insert(0, HERE)
    import mdnsq as _m  # noqa: E402  (dnspython lives only in /usr/bin/python3)
    r = subprocess.run(["tshark", "-n", "-r", path, "-T", "fields", "-E", "separator=\t",
                        "-E", "occurrence=f", "-e", "frame.time_epoch", "-e", "ip.src",
                        "-e", "ipv6.src", "-e", "ip.dst", "-e", "ipv6.dst", "-e", "udp.srcport",
                        "-e", "udp.dstport", "-e", "udp.payload"],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    out = []
    for line in r.stdout.splitlines():
        f = line.split("\t")
        if len(f) < 8 or not f[7]:
            continue
        data = bytes.fromhex(f[7].replace(":", ""))
        d = {"t": float(f[0]), "fam": 4 if f[1] else 6, "src": f[1] or f[2],
             "dst": f[3] or f[4], "sport": int(f[5]), "dport": int(f[6]), "raw": data,
             "msg": None, "answers": [], "additional": [], "n_auth": 0, "is_response": False}
        try:
            m, ans, add = _m.decode(data)
            d.update(msg=m, answers=ans, additional=add, n_auth=len(m.authority),
                     is_response=bool(m.flags & 0x8000))
        except Exception:  # noqa: BLE001  a malformed packet stays undecoded
            pass
        out.append(d)
    return out
