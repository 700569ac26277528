#!/usr/bin/python3
"""Issues 11 and 12: the agent's control socket (DESIGN §8.3).

Host A runs `nautilus agent` browsing _http._tcp with its control socket in
a directory of the test; host B runs `nautilus publish` (host name ntb) and
avahi-daemon (host name avb) publishing one service each.
1. `nautilus resolve` on A (no -i: the agent is asked) gives B's addresses,
   A and AAAA, for ntb.local and avb.local, and the two services with
   --instance/--type; the agent counts the resolves, and a second resolve
   of ntb.local is answered from its cache (no packet in between), and so
   is one with --timeout 0. An answer complete in the cache (the host's A
   and AAAA, the service's SRV, TXT and addresses) is given without a
   question on the wire (the engine's queries_sent does not move); a name
   not in the cache is still asked about. A resolve on B, another network
   namespace, works in-process rather than ask A's agent about A's LAN.
2. A feedback through the agent changes the ranking state in the agent's
   state directory.
3. A malformed frame and an unknown op get error replies ({"ok":false,
   "status":...}), counted, and the agent keeps serving.
4. A non-root user (nobody) cannot use the socket: refused by the file
   mode, and with the mode opened wide, by the peer credentials (counted).
5. With the agent stopped (socket gone) resolve and feedback work
   in-process and print the same.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from nttest import Checks, Lan, ctl_raw, nautilus_path, require_commands  # noqa: E402




def raw(host, path, payload, user=None):
    out = ctl_raw(host, path, [payload], user)
    return out[0] if out else ""


def lines(text):
    return sorted(l.strip() for l in text.splitlines() if l.strip())


def main():
    if os.geteuid() != 0:
        print("SKIP  needs root for network namespaces", flush=True)
        sys.exit(77)
    nbin = nautilus_path()
    require_commands(nbin, "agent", "resolve", "feedback", "publish")
    for tool in ("avahi-daemon", "setpriv"):
        if not shutil.which(tool):
            print("FAIL  %s is missing" % tool, flush=True)
            sys.exit(1)
    c = Checks("agent control socket: resolve and feedback through a warm agent")
    # The socket's directory must be reachable by others for the test of
    # who may connect to mean anything (mkdtemp makes it 0700).
    ctl_dir = tempfile.mkdtemp(prefix="ntctl-")
    os.chmod(ctl_dir, 0o755)
    ctl = os.path.join(ctl_dir, "run", "control")
    try:
        with Lan(hosts=2, prefix="ntctl") as lan:
            run(c, lan, nbin, ctl)
    finally:
        shutil.rmtree(ctl_dir, ignore_errors=True)
    c.done()


def run(c, lan, nbin, ctl):
    a, b = lan.hosts
    state = os.path.join(lan.workdir, "state")
    avahi = b.start_avahi("avb")
    avahi.publish("Avahi Web", "_http._tcp", 8081, txt=["via=avahi"])
    pub = b.spawn([nbin, "publish", "-i", b.ifname, "--host", "ntb", "Web", "_http._tcp",
                   "8080", "path=/"], name="publish")
    agent = a.spawn([nbin, "agent", "-i", a.ifname, "--state", state, "--control", ctl,
                     "--browse", "_http._tcp", "--host", "nta", "--log-level", "debug"],
                    name="agent")

    def status():
        r = raw(a, ctl, '{"op":"status"}')
        return r.get("control", {}) if isinstance(r, dict) else {}

    def queries_sent():
        r = raw(a, ctl, '{"op":"status"}')
        return r.get("engine", {}).get("queries_sent", -1) if isinstance(r, dict) else -1

    def resolve(args, agent_expected=True, timeout="5"):
        argv = [nbin, "resolve"] + args + ["--timeout", timeout]
        if agent_expected:
            argv += ["--control", ctl]
        return a.run(argv, timeout=30)

    # The agent is up once its socket answers.
    st = {}
    for _ in range(100):
        st = status()
        if st:
            break
        if not agent.alive():
            break
        subprocess.run(["sleep", "0.1"])
    if not c.check(bool(st), "the agent answers on its control socket", agent.read_log()[-800:]):
        return
    mode = os.stat(ctl).st_mode & 0o777
    c.check(mode == 0o660, "the socket is 0660", oct(mode))
    c.check(os.stat(os.path.dirname(ctl)).st_mode & 0o777 == 0o755,
            "its directory was made 0755")

    # -- 1. resolve through the agent ---------------------------------------
    r1 = resolve(["ntb.local"])
    addrs = lines(r1.stdout)
    c.check(r1.returncode == 0 and b.v4 in addrs and b.v6 in addrs,
            "resolve ntb.local through the agent: A and AAAA of B", r1.stdout + r1.stderr)
    s1 = status()
    c.check(s1.get("resolves", 0) >= 1, "the agent answered it (resolves counted)", s1)
    r2 = resolve(["ntb.local"])
    s2 = status()
    c.check(r2.returncode == 0 and lines(r2.stdout) == addrs,
            "the second resolve gives the same addresses", r2.stdout + r2.stderr)
    c.check(s2.get("from_cache", 0) > s1.get("from_cache", 0),
            "the second resolve was answered from the agent's cache", (s1, s2))
    r0 = resolve(["ntb.local"], timeout="0")
    c.check(r0.returncode == 0 and lines(r0.stdout) == addrs,
            "with --timeout 0 the agent still answers: from its cache", r0.stdout + r0.stderr)
    r4 = resolve(["avb", "-4"])
    c.check(r4.returncode == 0 and lines(r4.stdout) == [b.v4],
            "resolve avb -4 (avahi-daemon) through the agent: B's IPv4 only", r4.stdout + r4.stderr)
    r6 = resolve(["avb.local", "-6"])
    c.check(r6.returncode == 0 and b.v6 in lines(r6.stdout) and b.v4 not in r6.stdout,
            "resolve avb.local -6 through the agent: B's IPv6", r6.stdout + r6.stderr)
    rs = resolve(["--instance", "Web", "--type", "_http._tcp"])
    c.check(rs.returncode == 0 and "Web._http._tcp.local" in rs.stdout and
            "host ntb.local port 8080" in rs.stdout and "path=/" in rs.stdout and
            ("address " + b.v4) in rs.stdout,
            "resolve --instance Web --type _http._tcp through the agent", rs.stdout + rs.stderr)
    ra = resolve(["--instance", "Avahi Web", "--type", "_http._tcp", "--json"])
    try:
        ja = json.loads(ra.stdout)
    except ValueError:
        ja = {}
    c.check(ra.returncode == 0 and ja.get("port") == 8081 and b.v4 in json.dumps(ja),
            "the Avahi service through the agent (--json)", ra.stdout + ra.stderr)
    # Complete in the cache: answered with no question sent. The agent's own
    # browse asks now and then (1 s, 2 s, 4 s, ... apart), so a window in
    # which its counter moved is tried again; before this change every
    # resolve sent one.
    quiet = []
    for _ in range(3):
        q0 = queries_sent()
        rq = [resolve(["ntb.local"]), resolve(["ntb.local", "-6"]),
              resolve(["--instance", "Web", "--type", "_http._tcp"])]
        q1 = queries_sent()
        quiet.append((q0, q1, [r.returncode for r in rq]))
        if q0 >= 0 and q1 == q0 and all(r.returncode == 0 for r in rq):
            break
    c.check(quiet[-1][0] >= 0 and quiet[-1][0] == quiet[-1][1] and
            quiet[-1][2] == [0, 0, 0],
            "a host and a service complete in the cache: answered, no question sent", quiet)
    q0 = queries_sent()
    rn = resolve(["nosuch.local"], timeout="1")
    c.check(rn.returncode == 1 and "nosuch.local not found" in rn.stderr,
            "an unknown host: exit 1, one line", rn.stderr)
    c.check(queries_sent() > q0, "and it was asked on the wire", (q0, queries_sent()))
    # From another network namespace (B) the socket file is the same, but
    # the agent's LAN is not B's: resolve works in-process there.
    n0 = status().get("resolves", 0)
    rb = b.run([nbin, "resolve", "nosuch.local", "--timeout", "1", "--control", ctl], timeout=30)
    c.check(rb.returncode == 1 and status().get("resolves", 0) == n0,
            "resolve on B (another network namespace) does not ask A's agent",
            (rb.returncode, rb.stderr, n0, status().get("resolves")))

    # -- 2. feedback through the agent ---------------------------------------
    rank_file = os.path.join(state, "rank.state")
    before = open(rank_file, "rb").read() if os.path.exists(rank_file) else b""
    sf0 = status()
    rf = a.run([nbin, "feedback", "Web", "ok", "--type", "_http._tcp", "--latency", "12",
                "--control", ctl], timeout=20)
    after = open(rank_file, "rb").read() if os.path.exists(rank_file) else b""
    c.check(rf.returncode == 0 and status().get("feedback", 0) == sf0.get("feedback", 0) + 1,
            "feedback through the agent", rf.stderr)
    c.check(after != before and b"web._http._tcp.local" in after.lower(),  # names are folded
            "the agent's ranking state holds the evidence", len(after))

    # -- 3. malformed requests ----------------------------------------------
    bad0 = status().get("bad_requests", 0)
    e1 = raw(a, ctl, "{not json")
    e2 = raw(a, ctl, '{"op":"reboot"}')
    e3 = raw(a, ctl, '{"op":"resolve","host":"a.b.c"}')
    ok_err = all(isinstance(e, dict) and e.get("ok") is False and e.get("error") and
                 e.get("status") == "NT_ERR_INVALID_ARG" for e in (e1, e2, e3))
    c.check(ok_err, "malformed JSON, an unknown op, a bad host: error replies", (e1, e2, e3))
    s3 = status()
    c.check(s3.get("bad_requests", 0) == bad0 + 3 and agent.alive(),
            "counted, and the agent keeps serving", s3)
    r5 = resolve(["ntb.local"])
    c.check(r5.returncode == 0 and lines(r5.stdout) == addrs, "and still resolves", r5.stderr)
    # A ledger request to an agent that does not anchor: one error frame
    # (the command then works in-process), the agent unharmed.
    e4 = raw(a, ctl, '{"op":"ledger","sub":"status","state":"/","chain_id":1}')
    c.check(isinstance(e4, dict) and e4.get("ok") is False and
            e4.get("status") == "NT_ERR_CTL_LEDGER_ELSEWHERE" and agent.alive(),
            "ledger to an agent that does not anchor: refused in one error frame", e4)

    # -- 4. who may connect ---------------------------------------------------
    n1 = raw(a, ctl, '{"op":"status"}', user="nobody")
    c.check(isinstance(n1, str) and n1.startswith("CONNECT-ERROR"),
            "nobody cannot connect (socket mode 0660)", n1)
    refused0 = status().get("refused_peer", 0)
    os.chmod(ctl, 0o666)
    n2 = raw(a, ctl, '{"op":"status"}', user="nobody")
    os.chmod(ctl, 0o660)
    c.check(isinstance(n2, str) and n2.startswith("CLOSED") and
            status().get("refused_peer", 0) == refused0 + 1,
            "with the mode opened, nobody is refused by SO_PEERCRED (counted)", n2)

    # -- 5. no agent: in-process, same output ---------------------------------
    via_agent = resolve(["ntb.local", "--json"])
    svc_agent = resolve(["--instance", "Web", "--type", "_http._tcp"])
    c.check(agent.stop() == 0, "the agent stops cleanly (exit 0)")
    c.check(not os.path.exists(ctl), "its socket is removed")
    rp = resolve(["ntb.local", "--json"])
    try:
        ja, jp = json.loads(via_agent.stdout), json.loads(rp.stdout)
        same = (ja["host"] == jp["host"] and
                sorted(x["address"] for x in ja["addresses"]) ==
                sorted(x["address"] for x in jp["addresses"]) and
                set(ja) == set(jp))
    except (ValueError, KeyError, TypeError):
        same = False
    c.check(rp.returncode == 0 and same,
            "without the agent resolve works in-process, same JSON", (via_agent.stdout, rp.stdout))
    sp = resolve(["--instance", "Web", "--type", "_http._tcp"])
    c.check(sp.returncode == 0 and lines(sp.stdout) == lines(svc_agent.stdout),
            "the service in-process prints the same", (svc_agent.stdout, sp.stdout))
    own = os.path.join(lan.workdir, "own-state")
    rf2 = a.run([nbin, "feedback", "Web", "fail", "--type", "_http._tcp", "--control", ctl,
                 "--state", own], timeout=20)
    rf3 = a.run([nbin, "feedback", "Web", "fail", "--type", "_http._tcp", "--control", ctl],
                timeout=20, env=dict(os.environ, XDG_STATE_HOME=own))
    c.check(rf2.returncode == 0 and rf3.returncode == 0 and
            os.path.exists(os.path.join(own, "rank.state")),
            "feedback without the agent is written in-process", rf2.stderr + rf3.stderr)
    pub.stop()


if __name__ == "__main__":
    main()
