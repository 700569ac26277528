#!/usr/bin/python3
"""`nautilus agent` on the trust-event bus (issue 11, must-shows 1, 2 and 5).

Host A runs the agent (config file with [bus] endpoint and snapshot-endpoint,
a trust file pinning B's key), browsing one type. B publishes a signed
service; C spoofs it (an unsigned SRV for the pinned name) and also plays a
cheap event source: batches of unsigned instances announced and withdrawn
(goodbyes) in a few multicast packets each. D runs `nautilus subscribe
--json` and examples/subscriber.py, both pinning the agent's key digest.

1. Both subscribers receive service.added (B's service, trusted),
   service.rejected (C's spoof, unsigned) and service.removed (B stopped),
   every event from the pinned agent, with gapless seq.
2. Late join: after more than 1,000 events, a late C and a late Python
   subscriber get the state from the snapshot, then every later event: their
   snapshot equals the state the early subscriber built from events up to
   the snapshot's seq, and their events are exactly the early subscriber's
   after it (same seq, same bodies), nothing missing, nothing twice.
3. SIGHUP: no new agent.started, the same run, and the next event's seq
   follows the last one before the reload.
4. A service of the agent's own under B's name (SIGHUP): service.conflict
   with the new name and the previous one.
5. SIGKILL and restart (the bus endpoints now given as flags): a new run
   (DESIGN §6: the restart is announced by agent.started at seq 1 of a new
   run); the early C and Python subscribers follow it, resynchronise from
   the snapshot and go on gapless; a subscriber started after the restart sees the new
   run from its start (agent.started is seq 1 of it: nothing before).
6. SIGTERM: agent.stopping reaches the subscribers.
"""
import json
import os
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..", "..")
sys.path.insert(0, os.path.join(HERE, "..", "trust"))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
sys.path.insert(0, os.path.join(HERE, "..", "bus"))
import trustlib as T  # noqa: E402
from nttest import (Checks, Lan, Lines, Nautilus, gapless, nautilus_path,  # noqa: E402
                    require_commands, wait)
from test_bus_lan import FIX, VK, fixture_state  # noqa: E402
from test_hostile import Radio  # noqa: E402

EXAMPLE = os.path.join(ROOT, "examples", "subscriber.py")
STYPE = "_ntagbus._tcp"
INSTANCE = "Agent Bus Printer"
FULL = "%s.%s.local" % (INSTANCE, STYPE)
PUB_PORT, SNAP_PORT = 7405, 7406
AGENT_HOST = "agentbus"
BATCH = 8  # instances per packet (fits a 1,500-byte frame)


def write_config(path, work, ep, snap, service=None):
    with open(path, "w") as f:
        if service:  # a service of ours, published signed
            f.write("[service %s]\ntype = %s\nport = 8\n" % (service, STYPE))
        f.write("; written by test_agent_bus.py\n[agent]\ninterfaces = lan0\n"
                "host-name = %s\nstate-directory = %s\nbrowse = %s\n"
                "[trust]\nstore = %s\n[zk]\nverification-keys = %s\n[log]\nlevel = info\n"
                "[bus]\nendpoint = %s\nsnapshot-endpoint = %s\n"
                % (AGENT_HOST, os.path.join(work, "state-agent"), STYPE,
                   os.path.join(work, "pins"), VK, ep, snap))


def bulk_packets(names, ttl):
    """Unsigned instances of STYPE (PTR, SRV, TXT) on host bulk.local."""
    out = []
    for i in range(0, len(names), BATCH):
        rrs = [T.rrset("bulk.local", ttl, "A", "192.0.2.77")]
        for n in names[i:i + BATCH]:
            full = "%s.%s.local" % (n, STYPE)
            rrs.append(T.rrset(STYPE + ".local", ttl, "PTR", full + "."))
            rrs.append(T.rrset(full, ttl, "SRV", "0 0 9 bulk.local."))
            rrs.append(T.rrset(full, ttl, "TXT", '"n=%s"' % n.split("-")[-1]))
        out.append(T.response(rrs))
    return out


def events(lines):
    """Events as delivered (no snapshot items, no markers)."""
    return [o for o in lines.all if o.get("topic") not in (None, "snapshot.begin", "snapshot.end",
                                                             "gap") and not o.get("snapshot")]


def count(lines, topic, pred=lambda o: True):
    return sum(1 for o in events(lines) if o["topic"] == topic and pred(o))


def strip(o):
    return {k: v for k, v in o.items() if k not in ("_t", "snapshot")}


def state_key(o):
    return (o.get("name"), o.get("interface"))


def state_upto(lines, seq, run):
    """The live instances (key -> event) an early subscriber knows at seq."""
    st = {}
    for o in lines.all:
        t = o.get("topic")
        if t == "snapshot.begin":
            st = {}
        elif o.get("snapshot"):
            st[state_key(o)] = strip(o)
        elif t in ("service.added", "service.updated", "service.removed") \
                and o.get("run") == run and o["seq"] <= seq:
            if t == "service.removed":
                st.pop(state_key(o), None)
            else:
                st[state_key(o)] = strip(o)
    return st


def late_join(c, name, late, early):
    """The late subscriber's snapshot and events against the early one's."""
    end = next((o for o in late.all if o.get("topic") == "snapshot.end"), None)
    if end is None:
        c.check(False, "%s: snapshot taken" % name)
        return
    s = end["seq"]
    c.check(s >= 1000, "%s: joined after %d events (>= 1,000)" % (name, s))
    run = events(early)[-1]["run"]
    items = {}
    twice = 0
    for o in late.all:
        if o.get("topic") == "snapshot.end":
            break
        if o.get("snapshot"):
            twice += state_key(o) in items
            items[state_key(o)] = strip(o)
    want = state_upto(early, s, run)
    c.figure("%s snapshot items" % name, len(items))
    c.check(twice == 0 and len(items) > 0 and items == want,
            "%s: the snapshot is the full state at seq %d (%d instances, none twice)"
            % (name, s, len(want)), (len(items), len(want), twice))
    # The two subscribers read the bus on their own threads, so either may be
    # a few events ahead at any instant (the goodbyes' address updates go on
    # trickling in): wait until both have read up to the same seq, then
    # compare everything after the snapshot up to there.
    def last(lines):
        return max((o["seq"] for o in events(lines) if o.get("run") == run), default=0)
    wait(lambda: last(late) == last(early), 10)
    cut = min(last(late), last(early))
    mine = [strip(o) for o in events(late) if o.get("run") == run and o["seq"] <= cut]
    # One event per seq: an early subscriber that fell behind under load and
    # resynchronised from the snapshot may have printed a few events again
    # (its own gaplessness is checked apart).
    theirs = dict((o["seq"], strip(o)) for o in events(early)
                  if o.get("run") == run and s < o["seq"] <= cut)
    theirs = [theirs[k] for k in sorted(theirs)]
    seqs = [o["seq"] for o in mine]
    c.check(len(mine) > 0 and seqs == list(range(s + 1, s + 1 + len(mine))),
            "%s: %d events after the snapshot, seq %d.. gapless, none twice"
            % (name, len(mine), s + 1), seqs[:5])
    c.check(mine == theirs, "%s: exactly the early subscriber's events after seq %d" % (name, s),
            (len(mine), len(theirs)))


def main():
    nbin = nautilus_path()
    require_commands(nbin, "agent", "publish", "keygen", "subscribe")
    T.require_trust_cli(nbin)
    c = Checks("agent on the bus: C and Python subscribers, late join, SIGHUP, SIGKILL")
    with Lan(hosts=4, prefix="ntagbus") as lan:
        ha, hb, hc, hd = lan.hosts
        work = lan.workdir
        T.keygen(nbin, os.path.join(work, "state-agent"), AGENT_HOST)
        agent_digest = T.Key(AGENT_HOST + ".local",
                             seed=T.load_seed(os.path.join(work, "state-agent"))).digest_hex()
        # B's key holds the committed proof fixture (tests/unit/trust_mdns/fixtures)
        pub_digest = fixture_state(nbin, os.path.join(work, "state-pub"))
        T.write_trust_file(os.path.join(work, "pins"), [("pub.local", pub_digest)])
        ep = "tcp://%s:%d" % (ha.v4, PUB_PORT)
        snap = "tcp://%s:%d" % (ha.v4, SNAP_PORT)
        conf = os.path.join(work, "agent.conf")
        write_config(conf, work, ep, snap)

        agent = ha.spawn([nbin, "agent", "--config", conf], name="agent")
        log, i = agent.wait_log("(agent.started)", 10)
        c.check(i >= 0, "the agent starts its bus from [bus] in the config", log[-400:])

        def spawn_sub(argv, name):
            return Lines(hd.spawn(argv, name=name, stdout=subprocess.PIPE,
                                  stderr=open(os.path.join(work, name + ".err"), "w")))

        def c_sub(name):
            return spawn_sub([nbin, "subscribe", "--json", "--endpoint", ep, "--snapshot", snap,
                              "--agent-key", agent_digest], name)

        def py_sub(name):
            return spawn_sub(["/usr/bin/python3", "-u", EXAMPLE, "--endpoint", ep, "--snapshot",
                              snap, "--agent", agent_digest], name)

        early = {"subscribe": c_sub("subscribe"), "subscriber.py": py_sub("subscriber-py")}
        for name, lines in early.items():
            c.check(lines.wait_for(lambda o: o.get("topic") == "snapshot.end", 15) is not None,
                    "%s: first snapshot" % name)

        # -- 1. added, rejected, removed -------------------------------------
        pub = Nautilus(nbin, hb).publish(INSTANCE, STYPE, 631, ["rp=agentbus"], host_name="pub",
                                         extra=["--sign", "--state",
                                                os.path.join(work, "state-pub"),
                                                "--proof", FIX, "--zk-vk", VK])
        for name, lines in early.items():
            o = lines.wait_for(lambda o: o.get("topic") == "service.added"
                               and o.get("instance") == INSTANCE, 20)
            c.check(o is not None and o.get("trust") in ("trusted", "zk-verified")
                    and o.get("key") == pub_digest, "%s: service.added, trusted, B's key" % name, o)
        for name, lines in early.items():
            o = lines.wait_for(lambda o: o.get("topic") == "proof.verified"
                               and o.get("instance") == INSTANCE, 20)
            c.check(o is not None and o.get("trust") == "zk-verified",
                    "%s: proof.verified (B's proof), zk-verified" % name, o)
        # A browse on A asks the agent (its socket at $NAUTILUS_CONTROL, as
        # lib/lan.py sets it) and shows the agent's proof verdict as an
        # in-process browse --zk-vk would.
        mark = len(agent.read_log())
        br = ha.run([nbin, "browse", STYPE, "--json", "--timeout", "2"], timeout=20)
        objs = [json.loads(x) for x in br.stdout.splitlines() if x.startswith("{")]
        o = next((x for x in objs if x.get("instance") == INSTANCE), None)
        c.check(o is not None and o.get("trust") == "zk-verified" and o.get("claims") and
                "disclosed" in o and "for a client" in agent.read_log()[mark:],
                "browse --json through the agent: B's instance zk-verified, with its claims",
                (br.stdout[-600:], br.stderr[-300:]))
        time.sleep(1.0)  # past the publisher's announcements
        radio = Radio(hc)
        radio.send(T.response([T.rrset(FULL, 120, "SRV", "0 0 6666 attacker.local.")]))
        for name, lines in early.items():
            o = lines.wait_for(lambda o: o.get("topic") == "service.rejected", 15)
            c.check(o is not None and o.get("reason") == "unsigned",
                    "%s: service.rejected (C's spoof, unsigned)" % name, o)
        pub.stop()
        for name, lines in early.items():
            o = lines.wait_for(lambda o: o.get("topic") == "service.removed"
                               and o.get("instance") == INSTANCE, 15)
            c.check(o is not None, "%s: service.removed (B stopped)" % name)

        # -- 2. over 1,000 events, then a late join ---------------------------
        t0 = time.monotonic()
        nsub = early["subscribe"]
        # 300 + 300 + 300 + 260 = 1,160 added and removed events alone: the
        # count does not rest on the service.updated events (the goodbye
        # packets also say goodbye to bulk.local's address, so every
        # instance still shown loses it a second later, and gets it back
        # with the next wave), whose number depends on timing.
        waves = [("Wave1", 300, 300), ("Wave2", 300, 260)]
        for prefix, n_add, n_del in waves:
            names = ["%s-%d" % (prefix, k) for k in range(n_add)]
            base = count(nsub, "service.removed")
            for p in bulk_packets(names, 120):
                radio.send(p)
            ok = nsub.wait_for(lambda o: count(nsub, "service.added",
                                               lambda e: e.get("instance", "").startswith(prefix))
                               >= n_add, 30)
            c.check(ok is not None, "%s: %d unsigned instances added" % (prefix, n_add),
                    count(nsub, "service.added", lambda e: e["instance"].startswith(prefix)))
            for p in bulk_packets(names[:n_del], 0):
                radio.send(p)
            ok = nsub.wait_for(lambda o: count(nsub, "service.removed") >= base + n_del, 30)
            c.check(ok is not None, "%s: %d withdrawn (goodbyes)" % (prefix, n_del))
        last = events(nsub)[-1]["seq"]
        c.figure("events before the late join", last)
        c.figure("bulk event rate", int(last / max(time.monotonic() - t0, 0.001)), "events/s")
        late = {"late subscribe": c_sub("late-subscribe"),
                "late subscriber.py": py_sub("late-subscriber-py")}
        for name, lines in late.items():
            c.check(lines.wait_for(lambda o: o.get("topic") == "snapshot.end", 15) is not None,
                    "%s: snapshot" % name)
        names = ["Late-%d" % k for k in range(16)]
        for p in bulk_packets(names, 120) + bulk_packets(["Wave2-%d" % k
                                                          for k in range(260, 300)], 0):
            radio.send(p)
        for name, lines in list(early.items()) + list(late.items()):
            ok = lines.wait_for(lambda o: o.get("topic") == "service.removed"
                                and o.get("instance") == "Wave2-299", 30)
            c.check(ok is not None, "%s: the events after the late join" % name)
        for name, lines in late.items():
            late_join(c, name, lines, nsub)

        # -- 3. SIGHUP: same run, seq continues --------------------------------
        # Goodbyes take effect a second later (RFC 6762 §10.1) and not in the
        # order sent: every Wave2 removal is in before the seq is taken.
        gone = set("Wave2-%d" % k for k in range(260, 300))
        wait(lambda: gone <= set(o.get("instance") for o in events(nsub)
                                 if o.get("topic") == "service.removed"), 15)
        before = max(events(nsub), key=lambda o: o["seq"])
        mark = len(agent.read_log())
        agent.send_signal(signal.SIGHUP)
        log, i = agent.wait_log("reloading the configuration", 10, mark)
        c.check(i >= 0, "SIGHUP reloads", log[mark:][-300:])
        for p in bulk_packets(["Hup-0"], 120):
            radio.send(p)
        o = nsub.wait_for(lambda o: o.get("instance") == "Hup-0", 15)
        c.check(o is not None and o["seq"] == before["seq"] + 1 and o["run"] == before["run"],
                "after SIGHUP the seq continues (%d then %s) in the same run"
                % (before["seq"], o and o["seq"]), o)
        c.check(count(nsub, "agent.started") == 0, "no agent.started after SIGHUP")

        # -- 4. our own service under B's name: probing loses, renamed ---------
        pub = Nautilus(nbin, hb).publish(INSTANCE, STYPE, 631, ["rp=agentbus"], host_name="pub",
                                         extra=["--sign", "--state",
                                                os.path.join(work, "state-pub"),
                                                "--proof", FIX, "--zk-vk", VK])
        nsub.wait_for(lambda o: o.get("topic") == "service.added"
                      and o.get("instance") == INSTANCE and o["run"] == before["run"], 20)
        write_config(conf, work, ep, snap, service=INSTANCE)
        agent.send_signal(signal.SIGHUP)
        o = nsub.wait_for(lambda o: o.get("topic") == "service.conflict", 15)
        c.check(o is not None and o.get("previous") == INSTANCE and o.get("renamed") == "service"
                and o.get("instance") not in (None, INSTANCE),
                "a service of ours that lost its name to B: service.conflict with the new name",
                o)

        # -- 5. SIGKILL and restart: a new run, announced, resynchronised ------
        write_config(conf, work, ep, snap)  # the restart goes without it
        n_lines = {name: len(lines.all) for name, lines in early.items()}
        agent.stop(signal.SIGKILL)
        agent = ha.spawn([nbin, "agent", "--config", conf, "--bus-endpoint", ep,
                          "--snapshot-endpoint", snap], name="agent2")
        log, i = agent.wait_log("(agent.started)", 10)
        c.check(i >= 0, "restarted with --bus-endpoint/--snapshot-endpoint", log[-300:])
        for name, lines in early.items():
            o = lines.wait_for(lambda o: o.get("topic") == "service.added" and
                               o.get("instance") == INSTANCE and o.get("run") != before["run"], 20)
            c.check(o is not None, "%s follows the new run: B's service again" % name,
                    lines.raw[-3:])
            if not any(x.get("topic") == "snapshot.end" for x in lines.all[n_lines[name]:]):
                lines.wait_for(lambda o: o.get("topic") == "snapshot.end", 10)  # B's was an item
            after = lines.all[n_lines[name]:]
            c.check(any(x.get("topic") == "snapshot.end" for x in after),
                    "%s resynchronised from the restarted agent's snapshot" % name,
                    [(x.get("topic"), x.get("seq"), x.get("run")) for x in after][:8])
            c.check(gapless(lines.all), "%s: seq gapless across both runs" % name,
                    [(x.get("topic"), x.get("seq"), x.get("run")) for x in after][:12])
        fresh = c_sub("fresh-subscribe")
        o = fresh.wait_for(lambda o: o.get("topic") == "snapshot.end", 15)
        c.check(o is not None and o["seq"] >= 1, "a fresh subscriber: snapshot of the new run", o)
        started = [x for x in events(nsub) if x["topic"] == "agent.started"]
        c.check(all(x["seq"] == 1 and x["run"] != before["run"] for x in started),
                "agent.started, if the C subscriber was back in time for it, is seq 1 of the "
                "new run", started)

        # -- 6. SIGTERM: agent.stopping ----------------------------------------
        pub.stop()
        code = agent.stop(signal.SIGTERM)
        c.check(code == 0, "SIGTERM: exit 0", code)
        for name, lines in list(early.items()) + [("fresh subscribe", fresh)]:
            o = lines.wait_for(lambda o: o.get("topic") == "agent.stopping", 10)
            c.check(o is not None and o.get("host") == AGENT_HOST + ".local",
                    "%s: agent.stopping" % name, o)

        # -- everything authenticated, from the pinned agent, gapless ----------
        for name, lines in list(early.items()) + list(late.items()) + [("fresh", fresh)]:
            c.check(all(o.get("agent") == agent_digest for o in events(lines)),
                    "%s: every event from the pinned agent" % name)
            c.check(gapless(lines.all), "%s: seq gapless" % name)
        for lines in list(early.values()) + list(late.values()) + [fresh]:
            lines.proc.stop()
        for name in ("subscribe", "subscriber-py", "late-subscribe", "late-subscriber-py",
                     "fresh-subscribe"):
            err = open(os.path.join(work, name + ".err")).read()
            c.check("unauthenticated 0" in err.replace("0 unauthenticated", "unauthenticated 0"),
                    "%s: nothing refused as unauthenticated" % name, err[-300:])
    c.done()


if __name__ == "__main__":
    main()
