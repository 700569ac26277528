#!/usr/bin/python3
"""`nautilus resolve` through a running agent against `avahi-resolve` through
avahi-daemon, in the same run on a LAN of network namespaces (issue 11,
must-show 7). Needs root.

Host A runs `nautilus agent` (control socket in a temporary directory) and
avahi-daemon; host B runs `nautilus publish` (host ntb, service "Web"
_http._tcp). Both daemons are warmed with one untimed round; then, from
one driver process inside A's namespaces (so neither side pays for entering
them), each command runs ROUNDS times, interleaved, and its wall time is
taken (posix_spawn and waitpid, output to /dev/null, so the driver adds as
little as it can to either side; a first untimed run of each checks the
output). Compared:
  host A     nautilus resolve ntb.local -4        avahi-resolve -4 -n ntb.local
  host AAAA  nautilus resolve ntb.local -6        avahi-resolve -6 -n ntb.local
  service    nautilus resolve --instance Web      dbus-send ... Avahi.Server.ResolveService
             --type _http._tcp                    (Avahi's command line has no
                                                   one-instance resolve: its D-Bus
                                                   call, from libdbus's small client)
  browse -r  the same                             avahi-browse -rptk _http._tcp (for
                                                   reference: -t waits for Avahi's
                                                   "all for now", about 1 s)
  start      nautilus version                     /bin/echo x (the cost of starting
                                                   a process at all, for scale)
Prints the medians and ratio = ours/avahi per case (goal <= 0.5), and JSON
lines with --json FILE.
    /usr/bin/python3 bench/agent_resolve.py [NAUTILUS] [--rounds N] [--json FILE]
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration", "lib"))
from lan import Lan  # noqa: E402

DRIVER = r"""
import json, os, shutil, statistics, subprocess, sys, time
rounds = int(sys.argv[1]); cases = json.loads(sys.argv[2])
null = os.open(os.devnull, os.O_WRONLY)
def timed(argv):
    # posix_spawn and waitpid, output to /dev/null: the least the driver can
    # add to either side (subprocess.run's pipes and threads cost ~1 ms each).
    path = shutil.which(argv[0]) or argv[0]
    t = time.perf_counter()
    pid = os.posix_spawn(path, argv, os.environ, file_actions=[
        (os.POSIX_SPAWN_DUP2, null, 1), (os.POSIX_SPAWN_DUP2, null, 2)])
    _, status = os.waitpid(pid, 0)
    dt = time.perf_counter() - t
    if os.waitstatus_to_exitcode(status) != 0:
        print(json.dumps({"error": argv[0], "argv": argv})); sys.exit(1)
    return dt
out = {}
for name, ours, theirs in cases:
    sample = {}
    for side, argv in (("ours", ours), ("avahi", theirs)):
        r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           timeout=30)   # warm-up, untimed, and the sample output
        if r.returncode != 0 or not r.stdout.strip():
            print(json.dumps({"error": name, "argv": argv, "stderr": r.stderr[-300:]})); sys.exit(1)
        sample[side] = r.stdout
    o, t = [], []
    for _ in range(rounds):
        o.append(timed(ours))
        t.append(timed(theirs))
    out[name] = {"ours_ms": statistics.median(o) * 1e3, "avahi_ms": statistics.median(t) * 1e3,
                 "sample": sample}
print(json.dumps(out))
"""


def main():
    args = sys.argv[1:]
    nbin, rounds, jpath = None, 20, None
    i = 0
    while i < len(args):
        if args[i] == "--rounds" and i + 1 < len(args):
            rounds = int(args[i + 1]); i += 2
        elif args[i] == "--json" and i + 1 < len(args):
            jpath = args[i + 1]; i += 2
        elif not nbin and not args[i].startswith("-"):
            nbin = args[i]; i += 1
        else:
            print("agent_resolve: usage: agent_resolve.py [NAUTILUS] [--rounds N] [--json FILE]",
                  file=sys.stderr)
            sys.exit(2)
    nbin = os.path.abspath(nbin or os.path.join(HERE, "..", "build", "tools", "nautilus"))
    if os.geteuid() != 0:
        print("agent_resolve: needs root (network namespaces)", file=sys.stderr)
        sys.exit(2)
    if not os.access(nbin, os.X_OK):
        print("agent_resolve: no nautilus binary at %s" % nbin, file=sys.stderr)
        sys.exit(2)
    ctl_dir = tempfile.mkdtemp(prefix="ntbench-")
    ctl = os.path.join(ctl_dir, "control")
    try:
        with Lan(hosts=2, prefix="ntbar") as lan:
            a, b = lan.hosts
            b.spawn([nbin, "publish", "-i", b.ifname, "--host", "ntb", "Web", "_http._tcp",
                     "8080", "path=/"], name="publish")
            agent = a.spawn([nbin, "agent", "-i", a.ifname, "--state",
                             os.path.join(lan.workdir, "state"), "--control", ctl,
                             "--host", "nta", "--browse", "_http._tcp"], name="agent")
            avahi = a.start_avahi("ava")
            deadline = time.time() + 10
            while not os.path.exists(ctl) and time.time() < deadline and agent.alive():
                time.sleep(0.05)
            time.sleep(2)  # the publisher's probing and announcements
            n = [nbin, "resolve", "--control", ctl, "--timeout", "5"]
            cases = [
                ["host A", n + ["ntb.local", "-4"], ["avahi-resolve", "-4", "-n", "ntb.local"]],
                ["host AAAA", n + ["ntb.local", "-6"], ["avahi-resolve", "-6", "-n", "ntb.local"]],
                ["service", n + ["--instance", "Web", "--type", "_http._tcp"],
                 ["dbus-send", "--system", "--print-reply", "--dest=org.freedesktop.Avahi", "/",
                  "org.freedesktop.Avahi.Server.ResolveService", "int32:-1", "int32:-1",
                  "string:Web", "string:_http._tcp", "string:local", "int32:-1", "uint32:0"]],
                ["browse -r", n + ["--instance", "Web", "--type", "_http._tcp"],
                 ["avahi-browse", "-rptk", "_http._tcp"]],
                # The floor: starting the program at all, against echo(1).
                ["start", [nbin, "version"], ["/bin/echo", "x"]],
            ]
            r = avahi.run(["/usr/bin/python3", "-c", DRIVER, str(rounds), json.dumps(cases)],
                          timeout=600)
            try:
                res = json.loads(r.stdout.strip().splitlines()[-1])
            except (ValueError, IndexError):
                res = {}
            if "error" in res or not res:
                print("agent_resolve: a command failed: %s %s" % (r.stdout[-500:], r.stderr[-500:]),
                      file=sys.stderr)
                sys.exit(1)
    finally:
        shutil.rmtree(ctl_dir, ignore_errors=True)
    rev = subprocess.run(["git", "-C", HERE, "rev-parse", "--short", "HEAD"],
                         stdout=subprocess.PIPE, text=True).stdout.strip()
    print("# %s %s agent_resolve, median of %d" % (rev, time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                                                   time.gmtime()), rounds))
    lines = []
    for name in ("host A", "host AAAA", "service", "browse -r", "start"):
        x = res[name]
        ratio = x["ours_ms"] / x["avahi_ms"]
        print("%-10s nautilus %7.2f ms   %s %7.2f ms   ratio %.2f" % (
            name, x["ours_ms"], "echo " if name == "start" else "avahi", x["avahi_ms"], ratio))
        lines.append({"bench": "agent_resolve", "case": name, "ours_ms": round(x["ours_ms"], 3),
                      "avahi_ms": round(x["avahi_ms"], 3), "ratio": round(ratio, 3),
                      "rounds": rounds})
    if jpath:
        with open(jpath, "w") as f:
            for l in lines:
                f.write(json.dumps(l) + "\n")


if __name__ == "__main__":
    main()
