"""A LAN of hosts made of Linux network namespaces, for integration tests.

Topology: one "switch" namespace holding a bridge, and N host namespaces, each
joined to the bridge by a veth pair whose host end is called `lan0`. Nothing
touches the root namespace's interfaces. Every namespace name starts with a
prefix that carries our PID and a per-process counter, so parallel tests never
collide. Everything is torn down on exit (atexit, SIGTERM, SIGINT): processes
we started are killed by PID, then the namespaces are deleted.

Addressing (inside the namespaces only):
  IPv4  192.0.2.0/24 (TEST-NET-1, RFC 5737), host i gets 192.0.2.(10+i)
  IPv6  link-local from the MAC, plus a ULA fd4e:7400:<lan>::(10+i)/64
There is no default route: programs must name the interface (mDNS is
link-local anyway, RFC 6762 section 11).

Use from Python (run with /usr/bin/python3, as root):

    from lan import Lan
    with Lan(hosts=3) as lan:
        a, b, c = lan.hosts
        p = a.spawn(["nautilus", "publish", ...])
        out = b.run(["/usr/bin/python3", ZC, "browse", ...]).stdout

Use from bash: `python3 lan.py --hosts 3 -- bash script.sh`; the script sees
LAN_HOSTS="ns1 ns2 ns3", LAN_NS_1=..., LAN_V4_1=..., LAN_V6_1=..., LAN_IF=lan0,
and the LAN is deleted when the script exits.
"""

import atexit
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

IFNAME = "lan0"
V4_NET = "192.0.2"
HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON = "/usr/bin/python3"  # Debian's, with zeroconf and dnspython
ZC_PEER = os.path.join(HERE, "zc_peer.py")

_counter = 0
_live = []  # Lans not yet torn down, for the exit hooks
# Lines from the logs of processes we ran that report a sanitizer error
# (an ASan/UBSan build of nautilus); tests fail if any were found.
sanitizer_findings = []
_SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:")


def _sh(args, check=True, capture=True, timeout=30):
    return subprocess.run(args, check=check, timeout=timeout,
                          stdout=subprocess.PIPE if capture else None,
                          stderr=subprocess.PIPE if capture else None, text=True)


def _cleanup_all(*_):
    while _live:
        _live[-1].close()


def _on_signal(signum, _frame):
    _cleanup_all()
    # Re-raise the default action so the exit status says what happened.
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


atexit.register(_cleanup_all)
for _s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
    signal.signal(_s, _on_signal)


class Proc:
    """A process the harness started; killed by PID on close."""

    def __init__(self, popen, name, extra_pids=None, logpath=None):
        self.popen = popen
        self.name = name
        self.pid = popen.pid
        self.extra_pids = extra_pids or []  # e.g. the private dbus-daemon
        self.logpath = logpath

    def alive(self):
        return self.popen.poll() is None

    def send_signal(self, sig):
        if self.alive():
            try:
                os.kill(self.pid, sig)
            except ProcessLookupError:
                pass

    def stop(self, sig=signal.SIGTERM, timeout=5.0):
        """Sends sig, waits, then SIGKILL. Returns the exit status."""
        self.send_signal(sig)
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.send_signal(signal.SIGKILL)
            self.popen.wait(timeout=5)
        for pid in self.extra_pids:
            _kill_pid(pid)
        self.extra_pids = []
        return self.popen.returncode

    def read_log(self):
        if self.logpath and os.path.exists(self.logpath):
            with open(self.logpath, errors="replace") as f:
                return f.read()
        return ""

    def wait_log(self, text, timeout, after=0):
        """Polls the log every 50 ms until text stands in it past offset
        after, the process ends or timeout seconds pass. Returns (log, i):
        the log as read last and where text starts in it, -1 if nowhere."""
        deadline = time.monotonic() + timeout
        while True:
            log = self.read_log()
            i = log.find(text, after)
            if i >= 0 or not self.alive() or time.monotonic() >= deadline:
                return log, i
            time.sleep(0.05)

    def logged(self, text, timeout):
        """True once text stands in the log (see wait_log)."""
        return self.wait_log(text, timeout)[1] >= 0


def _kill_pid(pid):
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    for _ in range(50):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        # Reap it if it is our child; ignore if it is not.
        try:
            if os.waitpid(pid, os.WNOHANG)[0] == pid:
                return
        except ChildProcessError:
            pass
        time.sleep(0.05)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


class Host:
    """One host namespace on the LAN."""

    def __init__(self, lan, index, ns, v4, v6):
        self.lan = lan
        self.index = index
        self.ns = ns
        self.ifname = IFNAME
        self.v4 = v4          # str or None
        self.v6 = v6          # ULA str or None
        self.name = "h%d" % index
        # This host's agent control socket: what runs here (agent and
        # clients alike) reads $NAUTILUS_CONTROL, so no test binds or asks
        # the machine's /run/nautilus/control, and two hosts never share one.
        self.control = os.path.join(lan.workdir, "run-" + self.name, "control")

    def _env(self, env):
        env = dict(os.environ if env is None else env)
        env.setdefault("NAUTILUS_CONTROL", self.control)
        return env

    # -- running things ---------------------------------------------------
    def cmd(self, argv):
        return ["ip", "netns", "exec", self.ns] + list(argv)

    def run(self, argv, check=False, timeout=60, input=None, env=None):
        """Runs argv in this namespace to completion; returns CompletedProcess."""
        return subprocess.run(self.cmd(argv), check=check, timeout=timeout,
                              input=input, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=self._env(env))

    def spawn(self, argv, name=None, stdout=None, stderr=None, env=None,
              stdin=subprocess.DEVNULL):
        """Starts argv in the background in this namespace; returns a Proc.

        Output goes to a log file in the LAN's work directory unless stdout is
        given (e.g. subprocess.PIPE for line-by-line reading)."""
        name = name or os.path.basename(argv[0])
        logpath = None
        if stdout is None:
            logpath = os.path.join(self.lan.workdir, "%s.%s.%d.log" % (
                self.name, name, len(self.lan.procs)))
            stdout = open(logpath, "w")
            stderr = subprocess.STDOUT if stderr is None else stderr
        p = subprocess.Popen(self.cmd(argv), stdout=stdout, stderr=stderr,
                             stdin=stdin, env=self._env(env), text=True, bufsize=1)
        proc = Proc(p, name, logpath=logpath)
        self.lan.procs.append(proc)
        return proc

    # -- addresses --------------------------------------------------------
    def link_local(self):
        """The fe80:: address of lan0 (waits for it to appear)."""
        deadline = time.time() + 5
        while time.time() < deadline:
            out = _sh(self.cmd(["ip", "-6", "-o", "addr", "show", "dev", IFNAME,
                                "scope", "link"]), check=False).stdout
            for line in out.splitlines():
                parts = line.split()
                if "inet6" in parts:
                    return parts[parts.index("inet6") + 1].split("/")[0]
            time.sleep(0.05)
        return None

    def remove_ipv4(self):
        if self.v4:
            _sh(self.cmd(["ip", "addr", "del", self.v4 + "/24", "dev", IFNAME]))
            self.v4 = None

    def sysctl(self, key, value):
        _sh(self.cmd(["sysctl", "-q", "-w", "%s=%s" % (key, value)]))

    # -- peers ------------------------------------------------------------
    def start_avahi(self, hostname, extra_conf="", ipv4=True, ipv6=True,
                    timeout=15):
        """Starts avahi-daemon with its own D-Bus, /run and /etc/avahi.

        Returns an Avahi object; its clients run with nsenter into the
        daemon's mount and network namespaces."""
        return Avahi(self, hostname, extra_conf, ipv4, ipv6, timeout)

    def zeroconf(self, args, name="zeroconf"):
        """Starts tests/integration/lib/zc_peer.py with args; stdout is a pipe
        of JSON lines (see zc_peer.py)."""
        return self.spawn([PYTHON, "-u", ZC_PEER] + list(args), name=name,
                          stdout=subprocess.PIPE,
                          stderr=open(os.path.join(self.lan.workdir, "%s.%s.err" % (self.name, name)), "w"))

    def capture(self, path, bpf="udp port 5353"):
        """Starts tshark on lan0 writing a pcap; stop it with stop_capture."""
        proc = self.spawn(["tshark", "-q", "-n", "-i", IFNAME, "-f", bpf, "-w", path],
                          name="tshark")
        # tshark prints "Capturing on 'lan0'" once the socket is open.
        deadline = time.time() + 10
        while time.time() < deadline:
            if "Capturing on" in proc.read_log():
                break
            if not proc.alive():
                raise RuntimeError("tshark failed: " + proc.read_log())
            time.sleep(0.05)
        time.sleep(0.2)
        return proc


class Avahi:
    """avahi-daemon in a host namespace, with a private system D-Bus."""

    def __init__(self, host, hostname, extra_conf, ipv4, ipv6, timeout):
        self.host = host
        self.hostname = hostname
        d = tempfile.mkdtemp(prefix="avahi-%s-" % host.name, dir=host.lan.workdir)
        self.dir = d
        etc = os.path.join(d, "etc-avahi")
        os.makedirs(os.path.join(etc, "services"))
        with open(os.path.join(etc, "avahi-daemon.conf"), "w") as f:
            f.write("[server]\nhost-name=%s\ndomain-name=local\n"
                    "use-ipv4=%s\nuse-ipv6=%s\nallow-interfaces=%s\n"
                    "enable-dbus=yes\nratelimit-interval-usec=1000000\n"
                    "ratelimit-burst=1000\n"
                    "[wide-area]\nenable-wide-area=no\n"
                    "[publish]\npublish-addresses=yes\npublish-hinfo=no\n"
                    "publish-workstation=no\npublish-domain=no\n"
                    "[reflector]\nenable-reflector=no\n%s\n"
                    % (hostname, "yes" if ipv4 else "no", "yes" if ipv6 else "no",
                       IFNAME, extra_conf))
        with open(os.path.join(etc, "hosts"), "w") as f:
            f.write("")
        dbus_conf = os.path.join(d, "dbus.conf")
        # A minimal system bus: root only, everything allowed, no activation.
        with open(dbus_conf, "w") as f:
            f.write('<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus '
                    'Configuration 1.0//EN" "http://www.freedesktop.org/standards/'
                    'dbus/1.0/busconfig.dtd">\n<busconfig><type>system</type>'
                    '<listen>unix:path=/run/dbus/system_bus_socket</listen>'
                    '<auth>EXTERNAL</auth><policy context="default">'
                    '<allow user="*"/><allow own="*"/><allow send_type="method_call"/>'
                    '<allow send_destination="*" eavesdrop="true"/>'
                    '<allow receive_sender="*"/></policy></busconfig>\n')
        self.dbus_pidfile = os.path.join(d, "dbus.pid")
        script = (
            "set -e\n"
            "mount -t tmpfs -o mode=755 nt-run /run\n"
            "mount --bind '%s' /etc/avahi\n"
            "mkdir -p /run/dbus /run/avahi-daemon\n"
            "dbus-daemon --config-file='%s' --nofork --nopidfile & echo $! > '%s'\n"
            "i=0; while [ ! -S /run/dbus/system_bus_socket ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done\n"
            "exec avahi-daemon --no-drop-root --no-chroot --no-proc-title -f /etc/avahi/avahi-daemon.conf\n"
        ) % (etc, dbus_conf, self.dbus_pidfile)
        self.proc = host.spawn(["unshare", "-m", "--propagation", "private",
                                "sh", "-c", script], name="avahi-daemon")
        deadline = time.time() + timeout
        while time.time() < deadline:
            log = self.proc.read_log()
            if "Server startup complete" in log:
                break
            if not self.proc.alive():
                raise RuntimeError("avahi-daemon exited:\n" + log)
            time.sleep(0.1)
        else:
            raise RuntimeError("avahi-daemon not ready:\n" + self.proc.read_log())
        try:
            with open(self.dbus_pidfile) as f:
                self.proc.extra_pids.append(int(f.read().strip()))
        except (OSError, ValueError):
            pass
        self.pid = self.proc.pid

    def client_cmd(self, argv):
        # The client must see the daemon's /run (D-Bus socket): enter its mount
        # namespace as well as its network namespace.
        return ["nsenter", "-t", str(self.pid), "-m", "-n"] + list(argv)

    def run(self, argv, timeout=30, check=False):
        return subprocess.run(self.client_cmd(argv), check=check, timeout=timeout,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True)

    def spawn(self, argv, name=None, stdout=None):
        name = name or os.path.basename(argv[0])
        lan = self.host.lan
        logpath = None
        if stdout is None:
            logpath = os.path.join(lan.workdir, "%s.%s.%d.log" % (
                self.host.name, name, len(lan.procs)))
            out = open(logpath, "w")
            err = subprocess.STDOUT
        else:
            out, err = stdout, subprocess.DEVNULL
        p = subprocess.Popen(self.client_cmd(argv), stdout=out, stderr=err,
                             stdin=subprocess.DEVNULL, text=True, bufsize=1)
        proc = Proc(p, name, logpath=logpath)
        lan.procs.append(proc)
        return proc

    def publish(self, name, stype, port, txt=(), subtypes=()):
        """avahi-publish -s; returns the Proc (stop it to withdraw)."""
        argv = ["avahi-publish", "-s"]
        for s in subtypes:
            argv += ["--sub", s]
        argv += [name, stype, str(port)] + list(txt)
        proc = self.spawn(argv, name="avahi-publish")
        deadline = time.time() + 10
        while time.time() < deadline:
            if "Established under name" in proc.read_log():
                return proc
            if not proc.alive():
                raise RuntimeError("avahi-publish failed: " + proc.read_log())
            time.sleep(0.05)
        raise RuntimeError("avahi-publish not established: " + proc.read_log())

    def browse(self, stype, resolve=True, timeout=10):
        """avahi-browse -kpt[r] TYPE; returns parsed lines (lists of fields)."""
        flags = "-kptr" if resolve else "-kpt"
        r = self.run(["avahi-browse", flags, stype], timeout=timeout + 5)
        return [line.split(";") for line in r.stdout.splitlines() if line]


_STALE_RE = None


def reap_stale():
    """Deletes namespaces left by a harness process that died without its
    exit hooks (SIGKILL, e.g. a test timeout): names in our scheme
    <letters><pid>-<n>-<sw|hN|rt|off> whose <pid> is gone. The processes
    still inside them were started by that harness; they are killed by PID
    (`ip netns pids`) before the namespace is deleted."""
    global _STALE_RE
    import re
    if _STALE_RE is None:
        _STALE_RE = re.compile(r"^[a-z]+(\d+)-\d+-(sw|h\d+|rt|off)$")
    out = subprocess.run(["ip", "netns", "list"], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True).stdout
    for line in out.splitlines():
        if not line.split():
            continue
        ns = line.split()[0]
        m = _STALE_RE.match(ns)
        if not m:
            continue
        try:
            os.kill(int(m.group(1)), 0)
            continue  # its creator is alive: not ours to touch
        except ProcessLookupError:
            pass
        except PermissionError:
            continue
        pids = subprocess.run(["ip", "netns", "pids", ns], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True).stdout.split()
        for pid in pids:
            try:
                os.kill(int(pid), signal.SIGKILL)
            except (ProcessLookupError, ValueError):
                pass
        subprocess.run(["ip", "netns", "del", ns], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        sys.stderr.write("lan: deleted stale namespace %s (%d processes)\n" % (ns, len(pids)))
        # Its work directory (logs, pcaps): tempfile.mkdtemp(prefix=<prefix>-).
        import glob
        for d in glob.glob(os.path.join(tempfile.gettempdir(), ns.rsplit("-", 1)[0] + "-*")):
            if os.path.isdir(d):
                shutil.rmtree(d, ignore_errors=True)


class Lan:
    def __init__(self, hosts=2, prefix="ntl", ipv4=True, ipv6=True, host_opts=None,
                 keep_workdir=False):
        """hosts: how many; host_opts: {index: {"ipv4": bool, "ipv6": bool,
        "v4": "198.18.0.5/24"}} for per-host variations (IPv4-only, IPv6-only,
        an address off the LAN's subnet)."""
        global _counter
        # Letters only: reap_stale reads the creator's pid as the digits
        # after the prefix ("nt6" + pid 22003 would read as pid 622003, and
        # another harness would delete this live LAN as stale).
        if not prefix.isalpha() or not prefix.isascii() or not prefix.islower():
            raise ValueError("Lan prefix must be lower-case letters: %r" % prefix)
        _counter += 1
        self.prefix = "%s%d-%d" % (prefix, os.getpid(), _counter)
        self.switch = self.prefix + "-sw"
        self.hosts = []
        self.procs = []
        self.namespaces = []
        self.keep_workdir = keep_workdir or bool(os.environ.get("NT_KEEP_LAN_LOGS"))
        self.workdir = tempfile.mkdtemp(prefix=self.prefix + "-")
        self.closed = False
        reap_stale()
        _live.append(self)
        try:
            self._build(hosts, ipv4, ipv6, host_opts or {})
        except BaseException:
            self.close()
            raise

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _addns(self, name):
        _sh(["ip", "netns", "add", name])
        self.namespaces.append(name)
        _sh(["ip", "-n", name, "link", "set", "lo", "up"])

    def _build(self, n, ipv4, ipv6, host_opts):
        sw = self.switch
        self._addns(sw)
        # The switch carries frames only; it has no addresses of its own.
        _sh(["ip", "netns", "exec", sw, "sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1"])
        _sh(["ip", "netns", "exec", sw, "sysctl", "-q", "-w", "net.ipv6.conf.default.disable_ipv6=1"])
        # Multicast snooping off: every host sees every mDNS packet, as on a hub.
        _sh(["ip", "-n", sw, "link", "add", "br0", "type", "bridge",
             "mcast_snooping", "0", "stp_state", "0", "forward_delay", "0"])
        _sh(["ip", "-n", sw, "link", "set", "br0", "up"])
        lan_id = (os.getpid() * 16 + _counter) & 0xFFFF
        for i in range(1, n + 1):
            opts = host_opts.get(i, {})
            h4 = opts.get("ipv4", ipv4)
            h6 = opts.get("ipv6", ipv6)
            ns = "%s-h%d" % (self.prefix, i)
            self._addns(ns)
            x = ["ip", "netns", "exec", ns, "sysctl", "-q", "-w"]
            if h6:
                for k in ("all", "default"):
                    _sh(x + ["net.ipv6.conf.%s.accept_dad=0" % k])
                    _sh(x + ["net.ipv6.conf.%s.dad_transmits=0" % k])
            else:
                _sh(x + ["net.ipv6.conf.all.disable_ipv6=1"])
                _sh(x + ["net.ipv6.conf.default.disable_ipv6=1"])
            port = "p%d" % i
            _sh(["ip", "-n", sw, "link", "add", port, "type", "veth",
                 "peer", "name", IFNAME, "netns", ns])
            _sh(["ip", "-n", sw, "link", "set", port, "master", "br0"])
            _sh(["ip", "-n", sw, "link", "set", port, "up"])
            _sh(["ip", "-n", ns, "link", "set", IFNAME, "multicast", "on"])
            if h6:
                _sh(x + ["net.ipv6.conf.%s.accept_dad=0" % IFNAME])
            v4 = v6 = None
            if h4:
                v4cidr = opts.get("v4", "%s.%d/24" % (V4_NET, 10 + i))
                _sh(["ip", "-n", ns, "addr", "add", v4cidr, "dev", IFNAME])
                v4 = v4cidr.split("/")[0]
            if h6:
                v6 = "fd4e:7400:%x::%x" % (lan_id, 0x10 + i)
                _sh(["ip", "-n", ns, "addr", "add", v6 + "/64", "dev", IFNAME, "nodad"])
            _sh(["ip", "-n", ns, "link", "set", IFNAME, "up"])
            self.hosts.append(Host(self, i, ns, v4, v6))
        # Wait for the link-local addresses (and the link) to be usable.
        for h in self.hosts:
            if h.v6:
                h.link_local()

    def add_offlink(self):
        """Adds a router and a host on another subnet behind it (RFC 6762
        section 11 tests). Router "rt": 192.0.2.1 and <ula>::1 on the LAN,
        198.18.0.1/24 and fd99:1::1/64 towards host "off" (198.18.0.5,
        fd99:1::5), which has default routes via the router. Every LAN host
        gets routes to 198.18.0.0/15 and fd99::/16 via the router, so an
        agent that wrongly answers an off-link source can actually send the
        answer (and a capture sees it). Returns the off-link Host."""
        rt = self.prefix + "-rt"
        off = self.prefix + "-off"
        self._addns(rt)
        self._addns(off)
        sw = self.switch
        x = ["ip", "netns", "exec", rt, "sysctl", "-q", "-w"]
        for k in ("net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1",
                  "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0"):
            _sh(x + [k])
        for k in ("net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0"):
            _sh(["ip", "netns", "exec", off, "sysctl", "-q", "-w", k])
        _sh(["ip", "-n", sw, "link", "add", "prt", "type", "veth", "peer", "name", IFNAME,
             "netns", rt])
        _sh(["ip", "-n", sw, "link", "set", "prt", "master", "br0"])
        _sh(["ip", "-n", sw, "link", "set", "prt", "up"])
        ula = None
        for h in self.hosts:
            if h.v6:
                ula = h.v6.rsplit("::", 1)[0]
                break
        _sh(["ip", "-n", rt, "addr", "add", "%s.1/24" % V4_NET, "dev", IFNAME])
        if ula:
            _sh(["ip", "-n", rt, "addr", "add", ula + "::1/64", "dev", IFNAME, "nodad"])
        _sh(["ip", "-n", rt, "link", "set", IFNAME, "up"])
        _sh(["ip", "-n", rt, "link", "add", "off0", "type", "veth", "peer", "name", IFNAME,
             "netns", off])
        _sh(["ip", "-n", rt, "addr", "add", "198.18.0.1/24", "dev", "off0"])
        _sh(["ip", "-n", rt, "addr", "add", "fd99:1::1/64", "dev", "off0", "nodad"])
        _sh(["ip", "-n", rt, "link", "set", "off0", "up"])
        _sh(["ip", "-n", off, "addr", "add", "198.18.0.5/24", "dev", IFNAME])
        _sh(["ip", "-n", off, "addr", "add", "fd99:1::5/64", "dev", IFNAME, "nodad"])
        _sh(["ip", "-n", off, "link", "set", IFNAME, "up"])
        _sh(["ip", "-n", off, "route", "add", "default", "via", "198.18.0.1"])
        _sh(["ip", "-n", off, "-6", "route", "add", "default", "via", "fd99:1::1"])
        for h in self.hosts:
            if h.v4:
                _sh(["ip", "-n", h.ns, "route", "add", "198.18.0.0/15", "via", "%s.1" % V4_NET])
            if h.v6 and ula:
                _sh(["ip", "-n", h.ns, "-6", "route", "add", "fd99::/16", "via", ula + "::1"])
        host = Host(self, 99, off, "198.18.0.5", "fd99:1::5")
        host.name = "off"
        self.router_ns = rt
        return host

    def close(self):
        if self.closed:
            return
        self.closed = True
        for p in reversed(self.procs):
            try:
                p.stop(timeout=3)
            except Exception:  # teardown must go on
                pass
        for ns in reversed(self.namespaces):
            subprocess.run(["ip", "netns", "del", ns], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
        self.namespaces = []
        if self in _live:
            _live.remove(self)
        self._scan_sanitizer_reports()
        if not self.keep_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)
        else:
            sys.stderr.write("lan: logs kept in %s\n" % self.workdir)


    def _scan_sanitizer_reports(self):
        try:
            names = sorted(os.listdir(self.workdir))
        except OSError:
            return
        for n in names:
            if not (n.endswith(".log") or n.endswith(".err")):
                continue
            try:
                with open(os.path.join(self.workdir, n), errors="replace") as f:
                    for line in f:
                        if any(m in line for m in _SANITIZER_MARKS):
                            sanitizer_findings.append("%s: %s" % (n, line.strip()))
            except OSError:
                pass


def _main():
    import argparse
    ap = argparse.ArgumentParser(description="Run a command with a LAN of namespaces")
    ap.add_argument("--hosts", type=int, default=2)
    ap.add_argument("--ipv4-only", action="store_true")
    ap.add_argument("--ipv6-only", action="store_true")
    ap.add_argument("command", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.command[1:] if a.command[:1] == ["--"] else a.command
    if not cmd:
        ap.error("give a command after --")
    with Lan(hosts=a.hosts, ipv4=not a.ipv6_only, ipv6=not a.ipv4_only) as lan:
        env = dict(os.environ)
        env["LAN_IF"] = IFNAME
        env["LAN_HOSTS"] = " ".join(h.ns for h in lan.hosts)
        env["LAN_WORKDIR"] = lan.workdir
        for h in lan.hosts:
            env["LAN_NS_%d" % h.index] = h.ns
            env["LAN_V4_%d" % h.index] = h.v4 or ""
            env["LAN_V6_%d" % h.index] = h.v6 or ""
        rc = subprocess.run(cmd, env=env).returncode
    sys.exit(rc)


if __name__ == "__main__":
    _main()
