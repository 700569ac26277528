#!/usr/bin/python3
"""Issue 12, must-show 3: the learned ranking on real namespaces.

Three instances of one type, each published by `nautilus publish` on its own
namespace host, in front of the test's own TCP server (delay_server.py) with
its own delay and failure rate (no netem here: the delay is in the servers):

    fast    30 ms, no failures        (the best)
    slow   150 ms, 10 % failures
    flaky   60 ms, 50 % failures

A client host loops: `resolve --best --probe --json` (state in its own
directory), then uses the chosen instance three times: connects, sends a
line, times the answer and reports `nautilus feedback NAME ok|fail --latency
MS`. Checked: after the
first rounds `--best` prefers fast most of the time, still tries the others,
`browse --json` shows scores and evidence, and when the test degrades fast
(400 ms, 80 % failures) the choice switches away from it.
Figures: how often each instance was chosen in each phase.
"""
import json
import os
import socket
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from nttest import Checks, Lan, nautilus_path, require_commands  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
STYPE = "_ntrank._tcp"
PORT = 8080
SERVERS = (("fast", 30, 0.0), ("slow", 150, 0.1), ("flaky", 60, 0.5))
LEARN, LEARNED, AFTER, TAIL = 10, 6, 10, 5   # rounds: learning, checked, degraded, its tail
USES = 3                       # requests (and feedback reports) per choice


def request(client, addr, timeout=3.0):
    """Connects from the client's namespace (a tiny python), sends a line,
    reads the answer; returns (ok, ms)."""
    code = ("import socket,sys,time\n"
            "t=time.monotonic()\n"
            "try:\n"
            " s=socket.create_connection((sys.argv[1],%d),timeout=%f)\n"
            " s.sendall(b'go\\n'); a=s.recv(16)\n"
            "except OSError: a=b''\n"
            "print('ok' if a.startswith(b'ok') else 'fail', (time.monotonic()-t)*1000)\n"
            % (PORT, timeout))
    r = client.run(["/usr/bin/python3", "-c", code, addr], timeout=timeout + 5)
    parts = r.stdout.split()
    if len(parts) != 2:
        return False, timeout * 1000
    return parts[0] == "ok", float(parts[1])


def round_trip(nbin, client, state, counts):
    r = client.run([nbin, "resolve", "--best", STYPE, "-i", client.ifname, "--timeout", "1",
                    "--probe", "--json", "--state", state], timeout=20)
    if r.returncode != 0:
        return None, "resolve exit %d: %s" % (r.returncode, r.stderr.strip()[:200])
    out = json.loads(r.stdout)
    chosen = out["chosen"]
    v4 = [a for a in chosen.get("addresses", []) if ":" not in a]
    if not v4:
        return None, "chosen instance has no IPv4 address: %s" % r.stdout[:200]
    for _ in range(USES):
        ok, ms = request(client, v4[0])
        fb = client.run([nbin, "feedback", chosen["name"], "ok" if ok else "fail",
                         "--latency", "%.1f" % ms, "--state", state], timeout=10)
        if fb.returncode != 0:
            return None, "feedback exit %d: %s" % (fb.returncode, fb.stderr.strip())
    counts[chosen["instance"]] = counts.get(chosen["instance"], 0) + 1
    return out, None


def main():
    nbin = nautilus_path()
    require_commands(nbin, "publish", "resolve", "feedback", "browse")
    if os.geteuid() != 0:
        print("SKIP  needs root (network namespaces)")
        sys.exit(77)
    c = Checks("rank: resolve --best learns from feedback on a LAN")
    with Lan(hosts=4, prefix="ntrk", ipv6=False) as lan:
        client, hosts = lan.hosts[0], lan.hosts[1:]
        state = os.path.join(lan.workdir, "client-state")
        controls = {}
        for i, (name, delay, fail) in enumerate(SERVERS):
            h = hosts[i]
            controls[name] = os.path.join(lan.workdir, "control-%s" % name)
            with open(controls[name], "w") as f:
                f.write("%d %f\n" % (delay, fail))
            h.spawn(["/usr/bin/python3", os.path.join(HERE, "delay_server.py"), str(PORT),
                     controls[name], str(100 + i)], name="server-%s" % name)
            h.spawn([nbin, "publish", "-i", h.ifname, "--host", "rk-%s" % name, name, STYPE,
                     str(PORT)], name="publish-%s" % name)
        time.sleep(2.5)  # probing (3 x 250 ms) and announcing

        learn = {}
        first = None
        for k in range(LEARN):
            out, err = round_trip(nbin, client, state, learn)
            if err:
                c.check(False, "round %d works" % k, err)
                break
            first = first or out
        late = {}
        c.check(first is not None and len(first["ordered"]) == 3,
                "resolve --best --json lists the three instances",
                first and [o["instance"] for o in first["ordered"]])
        c.check(first is not None and all("score" in o and "evidence" in o["score"]
                                          for o in first["ordered"]),
                "each listed instance carries its score")
        for name in ("fast", "slow", "flaky"):
            c.figure("chosen_learning_%s" % name, learn.get(name, 0), "of %d" % LEARN)
        for k in range(LEARNED):
            out, err = round_trip(nbin, client, state, late)
            if err:
                c.check(False, "round %d after learning works" % k, err)
                break
        for name in ("fast", "slow", "flaky"):
            c.figure("chosen_learned_%s" % name, late.get(name, 0), "of %d" % LEARNED)
        c.check(late.get("fast", 0) >= 4, "after feedback fast is chosen most of the time",
                late)
        c.check(set(learn) | set(late) == {"fast", "slow", "flaky"},
                "the others are still tried", (learn, late))

        # browse --json shows the score and evidence of each instance.
        b = client.run([nbin, "browse", STYPE, "-i", client.ifname, "--json", "--timeout", "2",
                        "--state", state], timeout=20)
        scores = {}
        for line in b.stdout.splitlines():
            try:
                o = json.loads(line)
            except ValueError:
                continue
            if o.get("event") in ("added", "updated") and "score" in o:
                scores[o["instance"]] = o["score"]
        c.check(set(scores) == {"fast", "slow", "flaky"}, "browse --json scores each instance",
                sorted(scores))
        c.check(scores.get("fast", {}).get("evidence", 0) >= 3 and
                scores.get("fast", {}).get("cost_ms", 1e9) <
                min(scores.get("slow", {}).get("cost_ms", 0), scores.get("flaky", {}).get("cost_ms", 0)),
                "fast has evidence and the lowest expected cost", scores)

        # Degrade fast: the choice must move away from it.
        with open(controls["fast"], "w") as f:
            f.write("400 0.8\n")
        after = {}
        tail = {}
        for k in range(AFTER):
            out, err = round_trip(nbin, client, state, after if k < AFTER - TAIL else tail)
            if err:
                c.check(False, "round %d after the degradation works" % k, err)
                break
        for name in ("fast", "slow", "flaky"):
            c.figure("chosen_degraded_%s" % name, after.get(name, 0) + tail.get(name, 0),
                     "of %d" % AFTER)
        c.check(tail.get("fast", 0) <= 2 and sum(tail.values()) == TAIL,
                "after fast degrades, the choice switches away from it (last %d rounds)" % TAIL,
                (after, tail))
    c.done()


if __name__ == "__main__":
    main()
