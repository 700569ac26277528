#!/usr/bin/python3
"""`nautilus agent` anchoring its services on chain (issue 11; DESIGN §4.1,
§6.2, §8.1) on a REAL anvil started here.

    test_agent_anchor.py NAUTILUS SOURCE_DIR

Anvil listens on the root namespace's 127.0.0.1 (free port, chain id 31337,
--state FILE so that it can be stopped and started again with its chain);
lib/nsfwd.py makes 127.0.0.1:PORT reach it from the test's namespaces. Host
A runs the agent with [chain] anchor = yes (anchor-every 1) and a [bus];
host D runs `nautilus subscribe --json` and examples/subscriber.py, both
pinning the agent's key digest, and `browse --rpc --registry`.

1. `ledger deploy` and `ledger register anchorhost.local` (A's key).
2. The agent publishes Office (rp=v1): both subscribers receive
   anchor.queued then anchor.confirmed for a checkpoint of size 1 (the
   agent's log id, block and tx hash); the browser sees Office anchored at
   leaf 0 of 1.
3. Anvil is stopped; Office changes (rp=v2, SIGHUP): the new version is
   leaf 1 while the node is away; between the two confirmations the
   subscribers see only anchor.failed or anchor.queued, never a confirmed
   one; anvil comes back from its --state and the checkpoint of size 2 is
   confirmed; the browser sees v2 anchored at leaf 1 of 2.
4. Every event of the run reached both subscribers authenticated (they
   deliver nothing else) with gapless seq.
5. SIGKILL and restart: the agent resumes from its state directory: the
   version is found in the log (no new leaf, nothing queued) and anchored
   from the chain's head at once.
2b. Trust from the chain (the agent's [chain] rpc-url and registry, DESIGN
   §1.5, §8.1): host D publishes Chained signed as chainpub.local with a
   key registered on chain: both subscribers see it trusted with
   "pin":"chain" and chain_block, and so does a browse through the
   agent's control socket; then another key signing as chainpub.local
   (Fake, from host A) is rejected wrong-key on the bus and never shown.
6. `ledger status` and `ledger revoke` while the agent runs go through it
   (its status counts them, its log names them) and run on its anchoring
   worker: the revoke lands once (one outbox row more, the outbox's nonces
   0..n-1 without a gap, as many as the account's transactions on chain);
   an agent-less `ledger status --no-agent` works once it is stopped.
"""
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..", "..")
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
from nttest import (SKIP, Checks, Lan, Lines, ctl_raw, gapless, nautilus_path,  # noqa: E402
                    require_commands)
from anvil import free_port, rpc  # noqa: E402
import anvil as anvil_node  # noqa: E402

EXAMPLE = os.path.join(ROOT, "examples", "subscriber.py")
CHAIN_ID = "31337"
HOST = "anchorhost"
CHAINPUB = "chainpub"  # host D's publisher, its key registered on chain (step 2b)
LATEPUB = "latepub"    # registered on chain, first heard from an impostor (step 2b)
WAIT = 20
PUB_PORT, SNAP_PORT = 7415, 7416


def stop(p):
    if p and p.poll() is None:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(timeout=5)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def write_config(path, work, ha, url, registry, ep, snap, rp):
    with open(path, "w") as f:
        f.write("; written by test_agent_anchor.py\n[agent]\ninterfaces = %s\nhost-name = %s\n"
                "state-directory = %s\ncontrol-socket = %s\n[log]\nlevel = info\n"
                "[chain]\nrpc-url = %s\nregistry = %s\nchain-id = %s\nconfirmations = 1\n"
                "anchor = yes\nanchor-every = 1\n"
                "[bus]\nendpoint = %s\nsnapshot-endpoint = %s\n"
                "[service Office]\ntype = _ipp._tcp\nport = 631\ntxt.rp = %s\n"
                % (ha.ifname, HOST, os.path.join(work, "state-a"), os.path.join(work, "ctl"),
                   url, registry, CHAIN_ID, ep, snap, rp))


def outbox_nonces(state):
    db = sqlite3.connect(os.path.join(state, "outbox-%s.sqlite" % CHAIN_ID))
    try:
        return [r[0] for r in db.execute("SELECT nonce FROM txs ORDER BY id")]
    finally:
        db.close()


def ledger_through_agent(c, ha, nbin, work, url, registry, agent, address):
    """Step 6: ledger status and revoke through the running agent."""
    state, ctl = os.path.join(work, "state-a"), os.path.join(work, "ctl")
    base = ["--state", state, "--chain-id", CHAIN_ID, "--control", ctl]
    before = outbox_nonces(state)
    r = ha.run([nbin, "ledger", "status", "--json"] + base, timeout=30)
    st = json.loads(r.stdout) if r.returncode == 0 else {}
    c.check(st.get("confirmed") == len(before) and st.get("next_nonce") == len(before),
            "ledger status through the agent: the outbox's counts", (r.returncode, r.stdout,
                                                                     r.stderr))
    r = ha.run([nbin, "ledger", "revoke", HOST + ".local", "--rpc", url, "--registry", registry,
                "--confirmations", "1"] + base, timeout=60)
    c.check(r.returncode == 0 and r.stdout.startswith("revoked %s.local digest" % HOST),
            "ledger revoke through the agent: done, its output printed", (r.stdout, r.stderr))
    out = ctl_raw(ha, ctl, ['{"op":"status"}'])
    led = out[0].get("ledger", {}) if out and isinstance(out[0], dict) else {}
    log = agent.read_log()
    c.check(led.get("anchoring") is True and led.get("done") == 2 and led.get("elsewhere") == 0
            and "ledger revoke: exit 0" in log and "ledger status: exit 0" in log,
            "the agent ran both on its worker (status counters, log)", led)
    after = outbox_nonces(state)
    count = int(rpc(url, "eth_getTransactionCount", [address, "latest"])["result"], 16)
    c.check(len(after) == len(before) + 1 and after == list(range(len(after))) and
            count == len(after),
            "one writer: the revoke is one outbox row more, nonces 0..%d without a gap, "
            "as many as the account's transactions" % (len(after) - 1), (before, after, count))
    agent.stop()
    r = ha.run([nbin, "ledger", "status", "--json", "--no-agent"] + base, timeout=30)
    st = json.loads(r.stdout) if r.returncode == 0 else {}
    c.check(st.get("confirmed") == len(after), "agent stopped: ledger status --no-agent",
            (r.returncode, r.stderr))


def anchor_events(lines):
    return [o for o in lines.all if str(o.get("topic", "")).startswith("anchor.")]


def main():
    if os.geteuid() != 0:
        print("SKIP: needs root (network namespaces)")
        return SKIP
    nbin = nautilus_path()
    src = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else ROOT
    require_commands(nbin, "agent", "ledger", "browse", "subscribe", "keygen")
    c = Checks("agent_anchor: the daemon anchors, anchor.* on the bus, a node outage")
    port = free_port()
    statefile = "/tmp/nt-agent-anchor-%d.json" % os.getpid()
    extra = ["--state", statefile]
    try:
        anvil, url = anvil_node.start(src, port, CHAIN_ID, extra)
    except RuntimeError as e:
        print("FAIL  %s" % e, flush=True)
        sys.exit(1)
    fwd = None
    box = {"anvil": anvil}
    try:
        with Lan(hosts=2, prefix="ntanc") as lan:
            fwd = subprocess.Popen(["/usr/bin/python3", os.path.join(HERE, "..", "lib", "nsfwd.py"),
                                    str(port)] + [h.ns for h in lan.hosts],
                                   stdout=subprocess.PIPE, text=True)
            c.check(fwd.stdout.readline().strip() == "ready",
                    "127.0.0.1:%d reaches anvil from the namespaces" % port)
            run_steps(c, lan, nbin, src, url, port, extra, box)
    finally:
        stop(fwd)
        stop(box["anvil"])
        if os.path.exists(statefile):
            os.unlink(statefile)
    c.done()


def keygen(host, nbin, state, name, url):
    r = host.run([nbin, "keygen", "--state", state, "--host", name, "--json"], timeout=20)
    kg = json.loads(r.stdout.strip().splitlines()[-1])
    rpc(url, "anvil_setBalance", [kg["address"], hex(10**20)])
    return kg


def register(c, host, nbin, name, state, url, registry):
    r = host.run([nbin, "ledger", "register", name + ".local", "--rpc", url, "--registry",
                  registry, "--state", state, "--chain-id", CHAIN_ID, "--confirmations", "1"],
                 timeout=60)
    c.check(r.returncode == 0, "ledger register %s.local" % name, r.stderr.strip())


def setup_chain(c, ha, hd, nbin, work, url):
    """Deploys; registers A's key as anchorhost.local and D's publisher's
    key as chainpub.local, and a key as latepub.local (step 2b)."""
    state = os.path.join(work, "state-a")
    kg = keygen(ha, nbin, state, HOST, url)
    r = ha.run([nbin, "ledger", "deploy", "--rpc", url, "--state", state, "--chain-id", CHAIN_ID,
                "--confirmations", "1", "--json"], timeout=60)
    if not c.check(r.returncode == 0, "ledger deploy", r.stderr.strip()):
        return kg, None, None
    registry = json.loads(r.stdout.strip().splitlines()[-1])["registry"]
    register(c, ha, nbin, HOST, state, url, registry)
    pk = keygen(hd, nbin, os.path.join(work, "state-pub"), CHAINPUB, url)
    register(c, hd, nbin, CHAINPUB, os.path.join(work, "state-pub"), url, registry)
    keygen(hd, nbin, os.path.join(work, "state-late"), LATEPUB, url)
    register(c, hd, nbin, LATEPUB, os.path.join(work, "state-late"), url, registry)
    return kg, registry, pk


def chain_trust(c, ha, hd, nbin, work, subs, pub, pk):
    """Step 2b: the agent judges what it hears with the chain."""
    def trusted(o):
        return (o.get("topic") in ("service.added", "service.updated") and
                o.get("instance") == "Chained" and o.get("trust") == "trusted")

    for name, lines in subs.items():
        # heard while step 2 waited (wait_for has read past it) or still to come
        t = (lines.seen(trusted) or [lines.wait_for(trusted, WAIT)])[0]
        c.check(t is not None and t.get("pin") == "chain" and t.get("chain_block", 0) > 0 and
                t.get("key") == pk["key_digest"],
                "%s: Chained (key registered as %s.local) trusted, pin chain, chain_block"
                % (name, CHAINPUB), t or [(o.get("topic"), o.get("instance"), o.get("trust"))
                                          for o in lines.all][-6:])
    r = ha.run([nbin, "browse", "_ipp._tcp", "--json", "--timeout", "1", "--control",
                os.path.join(work, "ctl")], timeout=20)
    got = [json.loads(x) for x in r.stdout.splitlines() if x.startswith("{")]
    ch = [o for o in got if o.get("instance") == "Chained" and o.get("event") != "rejected"]
    c.check(ch and ch[-1].get("trust") == "trusted" and ch[-1].get("pin") == "chain" and
            ch[-1].get("chain_block", 0) > 0,
            "browse through the agent: Chained trusted, pin chain", (r.stdout[-600:], r.stderr))
    r = ha.run([nbin, "resolve", "--instance", "Chained", "--type", "_ipp._tcp", "--require",
                "trusted", "--json", "--timeout", "5", "--control", os.path.join(work, "ctl")],
               timeout=20)
    got = [json.loads(x) for x in r.stdout.splitlines() if x.startswith("{")]
    c.check(r.returncode == 0 and got and got[0].get("trust") == "trusted",
            "resolve --require trusted through the agent: Chained, trusted by the chain",
            (r.returncode, r.stdout[-600:], r.stderr))
    fake = impostor(ha, nbin, work, CHAINPUB, "Fake", "632")
    rejected_wrong_key(c, subs, "Fake", "another key signing as %s.local: service.rejected "
                       "wrong-key" % CHAINPUB)
    for name, lines in subs.items():
        c.check(not lines.seen(lambda o: o.get("instance") == "Fake" and
                               o.get("topic") != "service.rejected"),
                "%s: the impostor's instance is never shown" % name)
    no_answer(c, ha, nbin, work, "Fake", "the impostor is no answer")
    fake.stop()
    late_impostor(c, ha, nbin, work, subs)
    pub.stop()


def impostor(ha, nbin, work, host, instance, port):
    """Publishes instance from A, signed as host.local with a key of its own."""
    fstate = os.path.join(work, "state-" + instance)
    ha.run([nbin, "keygen", "--state", fstate, "--host", host], timeout=20)
    return ha.spawn([nbin, "publish", "-i", ha.ifname, "--sign", "--state", fstate, "--host",
                     host, "--no-addresses", instance, "_ipp._tcp", port],
                    name="publish-" + instance)


def rejected_wrong_key(c, subs, instance, what):
    """Every subscriber sees instance rejected as wrong-key."""
    for name, lines in subs.items():
        rj = lines.wait_for(lambda o: o.get("topic") == "service.rejected" and
                            o.get("instance") == instance, WAIT)
        c.check(rj is not None and rj.get("reason") == "wrong-key", "%s: %s" % (name, what), rj)


def no_answer(c, ha, nbin, work, instance, what):
    r = ha.run([nbin, "resolve", "--instance", instance, "--type", "_ipp._tcp", "--timeout", "1",
                "--control", os.path.join(work, "ctl")], timeout=20)
    c.check(r.returncode == 1 and "not found" in r.stderr,
            "resolve through the agent: %s (exit 1)" % what,
            (r.returncode, r.stdout[-300:], r.stderr))


def late_impostor(c, ha, nbin, work, subs):
    """An impostor heard before the chain's answer for its name: its first
    records are cached as self-signed; once the chain binds the name to
    another key, a resolve through the agent must not answer them."""
    fake = impostor(ha, nbin, work, LATEPUB, "Early", "634")
    rejected_wrong_key(c, subs, "Early", "an impostor heard before the chain's answer: rejected "
                       "wrong-key once it came")
    for name, lines in subs.items():
        # Listed while it was self-signed: taken back (removed), not left as valid.
        shown = [o for o in lines.all if o.get("instance") == "Early" and
                 o.get("topic") in ("service.added", "service.updated")]
        gone = lines.seen(lambda o: o.get("instance") == "Early" and
                          o.get("topic") == "service.removed") or \
            [lines.wait_for(lambda o: o.get("instance") == "Early" and
                            o.get("topic") == "service.removed", 5)]
        c.check(not shown or (gone[0] is not None and gone[0]["seq"] > shown[-1]["seq"]),
                "%s: the impostor, listed while self-signed (%d events), is removed once "
                "rejected" % (name, len(shown)), [(o.get("topic"), o.get("trust"))
                                                  for o in lines.all
                                                  if o.get("instance") == "Early"])
    no_answer(c, ha, nbin, work, "Early", "the impostor's cached records are no answer")
    fake.stop()


def run_steps(c, lan, nbin, src, url, port, extra, box):
    ha, hd = lan.hosts
    work = lan.workdir
    t0 = time.monotonic()
    kg, registry, pk = setup_chain(c, ha, hd, nbin, work, url)
    if not registry:
        return
    digest = kg["key_digest"]
    ep = "tcp://%s:%d" % (ha.v4, PUB_PORT)
    snap = "tcp://%s:%d" % (ha.v4, SNAP_PORT)
    conf = os.path.join(work, "agent.conf")
    write_config(conf, work, ha, url, registry, ep, snap, "v1")
    agent = ha.spawn([nbin, "agent", "--config", conf], name="agent")
    log, i = agent.wait_log("(agent.started)", 10)
    c.check(i >= 0, "the agent starts with [chain] anchor = yes", log[-400:])

    def spawn_sub(argv, name):
        return Lines(hd.spawn(argv, name=name, stdout=subprocess.PIPE,
                              stderr=open(os.path.join(work, name + ".err"), "w")))

    subs = {"subscribe": spawn_sub([nbin, "subscribe", "--json", "--endpoint", ep, "--snapshot",
                                    snap, "--agent-key", digest], "subscribe"),
            "subscriber.py": spawn_sub(["/usr/bin/python3", "-u", EXAMPLE, "--endpoint", ep,
                                        "--snapshot", snap, "--agent", digest], "subscriber-py")}
    browse = Lines(hd.spawn([nbin, "browse", "_ipp._tcp", "-i", hd.ifname, "--json", "--rpc", url,
                             "--registry", registry], name="browse", stdout=subprocess.PIPE,
                            stderr=open(os.path.join(work, "browse.err"), "w")))
    # 2b's publisher, heard while step 2 waits for the chain.
    pub = hd.spawn([nbin, "publish", "-i", hd.ifname, "--sign", "--state",
                    os.path.join(work, "state-pub"), "--host", CHAINPUB, "Chained", "_ipp._tcp",
                    "633"], name="publish-chained")

    # 2. the first version: queued, confirmed, anchored.
    for name, lines in subs.items():
        q = lines.wait_for(lambda o: o.get("topic") == "anchor.queued", WAIT)
        c.check(q is not None and q.get("size") == 1 and q.get("log") == digest and
                q.get("agent") == digest and q.get("host") == HOST + ".local",
                "%s: anchor.queued, checkpoint of size 1 of the agent's log" % name, q)
        k = lines.wait_for(lambda o: o.get("topic") == "anchor.confirmed", WAIT)
        c.check(k is not None and k.get("size") == 1 and k.get("block", 0) > 0 and
                len(k.get("tx", "")) == 66 and k.get("confirmations") == 1 and
                q is not None and k.get("root") == q.get("root"),
                "%s: anchor.confirmed, size 1, with block, tx hash and confirmations" % name, k)
    a = browse.wait_for(lambda o: o.get("instance") == "Office" and o.get("trust") == "anchored",
                        WAIT)
    c.check(a is not None and a.get("anchor") == {"index": 0, "size": 1} and
            a.get("txt") == {"rp": "v1"}, "browser (--rpc): Office v1 anchored at leaf 0 of 1",
            a or browse.all[-3:])
    t2b = time.monotonic()
    chain_trust(c, ha, hd, nbin, work, subs, pub, pk)
    c.figure("agent_anchor step 2b (trust from the chain)", time.monotonic() - t2b, "s")

    # 3. the node goes away; a new version waits for it durably.
    stop(box["anvil"])
    write_config(conf, work, ha, url, registry, ep, snap, "v2")
    agent.send_signal(signal.SIGHUP)
    log, i = agent.wait_log('version "Office" is leaf 1', WAIT)
    c.check(i >= 0, "anvil stopped, Office changed (SIGHUP): the new version is leaf 1",
            log[-300:])
    time.sleep(2.5)  # the worker tries the node, in vain
    during = {n: len(anchor_events(l)) for n, l in subs.items()}
    try:
        box["anvil"], _ = anvil_node.start(src, port, CHAIN_ID, extra)
    except RuntimeError as e:
        c.check(False, "anvil restarted from its --state", e)
        return
    for name, lines in subs.items():
        k = lines.wait_for(lambda o: o.get("topic") == "anchor.confirmed", WAIT)
        c.check(k is not None and k.get("size") == 2,
                "%s: anvil back: anchor.confirmed for the checkpoint of size 2" % name, k)
        ev = anchor_events(lines)
        first = next(j for j, o in enumerate(ev) if o["topic"] == "anchor.confirmed")
        between = [o["topic"] for o in ev[first + 1:-1]]
        c.check(all(t in ("anchor.failed", "anchor.queued") for t in between) and
                len(ev) >= during[name] and
                ev[-2]["topic"] == "anchor.queued" and ev[-2].get("size") == 2,
                "%s: between the confirmations only anchor.failed/queued (%s)"
                % (name, ",".join(between)), [o["topic"] for o in ev])
        failed = [o for o in ev if o["topic"] == "anchor.failed"]
        c.check(all(o.get("reason") and o.get("size") in (0, 2) for o in failed),
                "%s: %d anchor.failed during the outage, each with its reason"
                % (name, len(failed)), failed)
    a = browse.wait_for(lambda o: o.get("instance") == "Office" and o.get("trust") == "anchored"
                        and o.get("anchor") == {"index": 1, "size": 2}, WAIT)
    c.check(a is not None and a.get("txt") == {"rp": "v2"},
            "browser: Office v2 anchored at leaf 1 of 2 after the outage",
            a or [(o.get("event"), o.get("trust"), o.get("txt"), o.get("anchor"), o.get("reason"))
                  for o in browse.all if o.get("instance") == "Office"][-6:])
    if a is None:
        print("\n".join(agent.read_log().splitlines()[-40:]))
        print(open(os.path.join(work, "browse.err")).read()[-2000:])

    # 4. authenticated (delivered at all) and gapless.
    for name, lines in subs.items():
        c.check(gapless(lines.all) and all(o.get("agent") == digest for o in anchor_events(lines)),
                "%s: every event from the pinned agent, seq gapless" % name)

    # 5. SIGKILL and restart: resumes from the state directory.
    agent.send_signal(signal.SIGKILL)
    time.sleep(0.3)
    agent = ha.spawn([nbin, "agent", "--config", conf], name="agent2")
    log, i = agent.wait_log('anchored "Office" leaf 1 in checkpoint size 2', WAIT)
    c.check(i >= 0 and "checkpoint queued" not in log and "is leaf 2" not in log,
            "after SIGKILL: the version found in the log and anchored from the chain's head",
            log[-400:])
    t6 = time.monotonic()
    ledger_through_agent(c, ha, nbin, work, url, registry, agent, kg["address"])
    c.figure("agent_anchor step 6 (ledger through the agent)", time.monotonic() - t6, "s")
    browse.proc.stop()
    for lines in subs.values():
        lines.proc.stop()
    c.figure("agent_anchor steps", time.monotonic() - t0, "s")


if __name__ == "__main__":
    sys.exit(main())
