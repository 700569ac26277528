#!/usr/bin/python3
"""Issue 11: `nautilus publish` through the agent's control socket (DESIGN §8.3).

Host A runs `nautilus agent` (host name ntpa, control socket in a directory
of the test); host B browses _ntpub._tcp with A's key pinned.
1. `publish Live` on A (no -i: the agent is asked): B sees it, signed by the
   agent's key and trusted by the pin; the client prints the agent's lines
   ("published ..."). SIGKILL of the client: the agent sees the connection
   drop and B sees the goodbye (removed).
2. `publish Term` then SIGTERM: the client asks the agent to withdraw,
   prints `withdrawn "Term"`, exits 0; B sees it removed.
3. `publish --persist Keep`: returns once announced (exit 0); the service
   stays. SIGHUP: no removal on B. SIGKILL + restart of the agent: it is
   published again from the state directory (a fresh resolve on B finds
   it). A damaged persisted file is one log line, not fatal (checked on
   a second restart with a copy).
4. `publish --withdraw Keep`: B sees it removed; the state file forgets it.
5. `browse --resolve` (text and --json) through the agent prints the same
   as an in-process browse of the same LAN (B publishes Far); nothing found
   with --timeout: exit 1. A client in another network namespace (B)
   works in-process even with the agent's socket given.
6. Refusals: --persist with -i (exit 2), --withdraw of an unknown name
   (exit 1), nobody cannot publish through the agent (socket 0660), and
   over 8 services on one connection the agent refuses the 9th.
7. Ownership (control-group nogroup): nobody may use the socket but cannot
   withdraw root's persisted service, even after the agent restarted; it
   withdraws its own; root withdraws anything.
"""
import concurrent.futures
import json
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from nttest import wait  # noqa: E402
from nttest import Checks, Lan, Nautilus, ctl_raw, nautilus_path, require_commands  # noqa: E402

STYPE = "_ntpub._tcp"
BTYPE = "_ntbr._tcp"

def main():
    if os.geteuid() != 0:
        print("SKIP  needs root for network namespaces", flush=True)
        sys.exit(77)
    nbin = nautilus_path()
    require_commands(nbin, "agent", "publish", "browse", "resolve")
    if not shutil.which("setpriv"):
        print("FAIL  setpriv is missing", flush=True)
        sys.exit(1)
    c = Checks("publish through the agent: connection-lived and persisted services")
    ctl_dir = tempfile.mkdtemp(prefix="ntpub-")
    os.chmod(ctl_dir, 0o755)
    ctl = os.path.join(ctl_dir, "run", "control")
    t0 = time.monotonic()
    try:
        with Lan(hosts=2, prefix="ntpub") as lan:
            run(c, lan, nbin, ctl)
    finally:
        shutil.rmtree(ctl_dir, ignore_errors=True)
    c.figure("wall", round(time.monotonic() - t0, 1), "s")
    c.done()


def start_agent(a, nbin, state, ctl, name="agent", extra=()):
    agent = a.spawn([nbin, "agent", "-i", a.ifname, "--state", state, "--control", ctl,
                     "--host", "ntpa", "--browse", "_ntnone._tcp", "--log-level", "debug"] +
                    list(extra), name=name)
    wait(lambda: (os.path.exists(ctl) and "started as" in agent.read_log()) or
         not agent.alive(), 10)
    return agent


def agent_key(log):
    for line in log.splitlines():
        if "signing as ntpa.local key " in line:
            return line.rsplit(" ", 1)[1].strip()
    return None


def run(c, lan, nbin, ctl):
    a, b = lan.hosts
    state = os.path.join(lan.workdir, "state")
    agent = start_agent(a, nbin, state, ctl)
    if not c.check(agent.alive() and os.path.exists(ctl), "the agent runs with its socket",
                   agent.read_log()[-800:]):
        return
    key = wait(lambda: agent_key(agent.read_log()), 5)
    pins = os.path.join(lan.workdir, "pins")
    with open(pins, "w") as f:
        f.write("ntpa.local %s\n" % key)
    br = Nautilus(nbin, b).browse(STYPE, extra=["--trust", pins])

    def seen(name, event=("added", "updated")):
        return br.seen(lambda o: o.get("event") in event and o.get("instance") == name)

    def trusted(name):
        return [o for o in seen(name) if o.get("trust") == "trusted" and o.get("key") == key]

    # -- 1. a connection-lived service, then SIGKILL of the client -----------
    live = a.spawn([nbin, "publish", "--control", ctl, "Live", STYPE, "7001", "k=v"],
                   name="pub-live")
    c.check(bool(wait(lambda: trusted("Live"), 10)),
            "publish through the agent: B sees Live signed by the agent's key, trusted by pin",
            br.raw[-5:])
    c.check(wait(lambda: 'published "Live" on ' in live.read_log(), 5),
            "the client prints the agent's line", live.read_log())
    c.check(any(isinstance(o.get("txt"), dict) and o["txt"].get("k") == "v" for o in seen("Live")),
            "with its TXT", seen("Live")[-1:])
    live.stop(signal.SIGKILL)
    c.check(bool(wait(lambda: seen("Live", ("removed",)), 5)),
            "the client SIGKILLed: the agent withdraws Live, B sees the goodbye",
            agent.read_log()[-600:])

    # -- 2. SIGTERM: the client asks for the withdrawal ----------------------
    term = a.spawn([nbin, "publish", "--control", ctl, "Term", STYPE, "7003"], name="pub-term")
    wait(lambda: 'published "Term"' in term.read_log(), 10)
    code = term.stop(signal.SIGTERM)
    c.check(code == 0 and 'withdrawn "Term"' in term.read_log(),
            "SIGTERM: the client prints withdrawn and exits 0", (code, term.read_log()))
    c.check(bool(wait(lambda: seen("Term", ("removed",)), 5)), "and B sees Term removed")

    # -- 3. --persist ---------------------------------------------------------
    r = a.run([nbin, "publish", "--control", ctl, "--persist", "Keep", STYPE, "7002", "p=1"],
              timeout=30)
    c.check(r.returncode == 0 and 'published "Keep"' in r.stdout,
            "--persist returns once announced", r.stdout + r.stderr)
    c.check(bool(wait(lambda: trusted("Keep"), 5)), "B sees Keep, trusted")
    pfile = os.path.join(state, "ctl-services.json")
    c.check(os.path.exists(pfile) and "Keep" in open(pfile).read(),
            "Keep is kept in the agent's state directory")
    n_before = len(agent.read_log())
    agent.send_signal(signal.SIGHUP)
    wait(lambda: "services:" in agent.read_log()[n_before:], 5)
    time.sleep(1.5)
    c.check(not seen("Keep", ("removed",)) and agent.alive(),
            "SIGHUP: no goodbye for Keep (B reports no removal)", agent.read_log()[n_before:])
    agent.stop(signal.SIGKILL)
    agent = start_agent(a, nbin, state, ctl, name="agent2")
    c.check(wait(lambda: "1 persisted services published again" in agent.read_log(), 5),
            "SIGKILL + restart: the agent publishes Keep again", agent.read_log()[-600:])
    rs = b.run([nbin, "resolve", "--instance", "Keep", "--type", STYPE, "--no-agent",
                "--timeout", "5"], timeout=20)
    c.check(rs.returncode == 0 and "port 7002" in rs.stdout and "p=1" in rs.stdout,
            "a fresh resolve on B finds Keep after the restart", rs.stdout + rs.stderr)

    # -- 4. --withdraw --------------------------------------------------------
    n_removed = len(seen("Keep", ("removed",)))
    w = a.run([nbin, "publish", "--control", ctl, "--withdraw", "Keep", STYPE], timeout=20)
    c.check(w.returncode == 0 and 'withdrawn "Keep"' in w.stdout,
            "--withdraw Keep: exit 0, the withdrawal reported", w.stdout + w.stderr)
    c.check(bool(wait(lambda: len(seen("Keep", ("removed",))) > n_removed, 5)),
            "B sees Keep removed")
    c.check("Keep" not in open(pfile).read(), "the state file forgets Keep")

    # -- 5. browse through the agent: the same lines as in-process -------------
    bpub = b.spawn([nbin, "publish", "-i", b.ifname, "--host", "ntpb", "Far", BTYPE, "7100",
                    "x=1"], name="pub-far")
    wait(lambda: 'published "Far"' in bpub.read_log(), 10)
    n_log = len(agent.read_log())
    runs = {}
    for mode in ("agent", "local"):  # the four at once: 3 s, not 12
        for fmt in ([], ["--json"]):
            argv = [nbin, "browse", BTYPE, "--resolve", "--timeout", "3"] + fmt
            argv += ["--control", ctl] if mode == "agent" else ["--no-agent", "-i", a.ifname]
            runs[(mode, bool(fmt))] = concurrent.futures.ThreadPoolExecutor(1).submit(
                a.run, argv, timeout=20)
    outs = dict((k, f.result()) for k, f in runs.items())
    ta, tl = outs[("agent", False)], outs[("local", False)]
    c.check(ta.returncode == 0 and "+ lan0 IPv4 Far %s local" % BTYPE in ta.stdout and
            "port = [7100]" in ta.stdout,
            "browse through the agent finds Far (exit 0)", ta.stdout + ta.stderr)
    c.check(sorted(set(ta.stdout.splitlines())) == sorted(set(tl.stdout.splitlines())),
            "and prints the same lines as in-process browse", (ta.stdout, tl.stdout))
    c.check("browsing %s for a client" % BTYPE in agent.read_log()[n_log:],
            "the agent did the browsing")

    def objs(r):
        out = []
        for line in r.stdout.splitlines():
            try:
                o = json.loads(line)
            except ValueError:
                continue
            out.append(json.dumps(dict((k, o.get(k)) for k in sorted(o) if k != "score"),
                                  sort_keys=True))
        return sorted(set(out))
    ja, jl = outs[("agent", True)], outs[("local", True)]
    c.check(ja.returncode == 0 and objs(ja) and objs(ja) == objs(jl),
            "browse --json through the agent: the same objects",
            (ja.returncode, ja.stdout, ja.stderr, jl.stdout, agent.read_log()[-1500:]))
    nb = a.run([nbin, "browse", "_ntnobody._tcp", "--timeout", "1", "--control", ctl], timeout=20)
    c.check(nb.returncode == 1 and nb.stdout == "",
            "browse through the agent with nothing found: exit 1", nb.stdout + nb.stderr)
    # From B (another network namespace) the agent's LAN is not B's: B's
    # browse works in-process even when pointed at the agent's socket.
    n_log = len(agent.read_log())
    fb = b.run([nbin, "browse", BTYPE, "--timeout", "2", "--control", ctl], timeout=20)
    c.check(fb.returncode == 0 and "Far" in fb.stdout and
            "for a client" not in agent.read_log()[n_log:],
            "a client in another network namespace is not served by the agent",
            fb.stdout + fb.stderr)
    bpub.stop()

    # -- 6. refusals and limits ------------------------------------------------
    e1 = a.run([nbin, "publish", "--control", ctl, "--persist", "-i", a.ifname, "X", STYPE, "1"])
    c.check(e1.returncode == 2 and len(e1.stderr.strip().splitlines()) == 1,
            "--persist with -i: exit 2, one line", e1.stderr)
    e2 = a.run([nbin, "publish", "--control", ctl, "--withdraw", "Nope", STYPE], timeout=20)
    c.check(e2.returncode == 1 and "no such service" in e2.stderr,
            "--withdraw of an unknown service: exit 1", e2.stderr)
    e3 = a.run(["setpriv", "--reuid", "nobody", "--regid", "nogroup", "--clear-groups",
                nbin, "publish", "--control", ctl, "--persist", "Nobody", STYPE, "1"], timeout=20)
    c.check(e3.returncode == 1 and "needs a running agent" in e3.stderr,
            "nobody cannot publish through the agent", e3.stderr)
    # Nine publish requests on one connection: each one's first reply.
    replies = ctl_raw(a, ctl, [json.dumps({"op": "publish", "instance": "Many %d" % i,
                                           "type": "_ntmany._tcp", "port": 9000 + i})
                               for i in range(9)], timeout=30)
    c.check(len(replies) == 9 and all(isinstance(x, dict) for x in replies) and
            all(x.get("ok") for x in replies[:8]) and
            replies[8].get("ok") is False and "at most 8" in replies[8].get("error", ""),
            "the 9th service on one connection is refused", replies)

    # A damaged persisted file: one line, the agent runs.
    agent.stop()
    with open(pfile, "w") as f:
        f.write("[{\"op\":\"publish\",")
    agent = start_agent(a, nbin, state, ctl, name="agent3")
    log = agent.read_log()
    c.check(agent.alive() and sum("is damaged" in x for x in log.splitlines()) == 1,
            "a damaged state file: one log line, the agent runs", log[-600:])
    c.check(agent.stop() == 0, "the agent stops cleanly")
    owners(c, a, nbin, state, ctl)


def owners(c, a, nbin, state, ctl):
    """7. Who may withdraw: with control-group nogroup, nobody may use the
    socket, but may take away only what nobody published, across a restart;
    root may take away anything."""
    conf = os.path.join(os.path.dirname(state), "group.conf")
    with open(conf, "w") as f:
        f.write("[agent]\ncontrol-group = nogroup\n")
    as_nobody = ["setpriv", "--reuid", "nobody", "--regid", "nogroup", "--clear-groups"]
    agent = start_agent(a, nbin, state, ctl, name="agent4", extra=["--config", conf])
    pfile = os.path.join(state, "ctl-services.json")
    r1 = a.run([nbin, "publish", "--control", ctl, "--persist", "Held", STYPE, "7003"],
               timeout=20)
    r2 = a.run(as_nobody + [nbin, "publish", "--control", ctl, "--persist", "Mine", STYPE,
                            "7004"], timeout=20)
    c.check(r1.returncode == 0 and r2.returncode == 0,
            "root and nobody (in the control group) each persist a service",
            r1.stderr + r2.stderr + agent.read_log()[-600:])
    kept = dict((o.get("instance"), o.get("uid")) for o in json.load(open(pfile)))
    c.check(kept == {"Held": 0, "Mine": pwd.getpwnam("nobody").pw_uid},
            "the state file keeps whose each one is", kept)
    agent.stop(signal.SIGKILL)
    agent = start_agent(a, nbin, state, ctl, name="agent5", extra=["--config", conf])
    w1 = a.run(as_nobody + [nbin, "publish", "--control", ctl, "--withdraw", "Held", STYPE],
               timeout=20)
    c.check(w1.returncode == 1 and "not yours" in w1.stderr and "Held" in open(pfile).read(),
            "after a restart nobody cannot withdraw root's Held (exit 1, kept)",
            (w1.returncode, w1.stderr))
    w2 = a.run(as_nobody + [nbin, "publish", "--control", ctl, "--withdraw", "Mine", STYPE],
               timeout=20)
    w3 = a.run([nbin, "publish", "--control", ctl, "--withdraw", "Held", STYPE], timeout=20)
    c.check(w2.returncode == 0 and w3.returncode == 0 and json.load(open(pfile)) == [],
            "nobody withdraws its own Mine, root withdraws Held; the set is empty",
            (w2.stderr, w3.stderr))
    c.check(agent.stop() == 0, "the agent stops cleanly")


if __name__ == "__main__":
    main()
