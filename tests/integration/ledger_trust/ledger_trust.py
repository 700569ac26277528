"""Trust levels from the chain, end to end (issue 10, must-show 2; DESIGN
§1.5, §4.1) on network namespaces and a REAL anvil started here.

    ledger_trust.py NAUTILUS SOURCE_DIR

Anvil listens on the root namespace's 127.0.0.1 (free port, chain id
31337, killed by PID on exit); lib/nsfwd.py makes the same 127.0.0.1:PORT
reach it from inside the test's namespaces. On a LAN of three namespaces:

  1. `nautilus ledger deploy` the contracts; `ledger register` two
     publishers' host names (printer.local, scanner.local) to their keys.
  2. The printer runs `publish --sign --anchor --anchor-every 1`: each
     signed version of its service becomes a leaf, is checkpointed through
     the outbox, and the metadata TXT gets its anchor=. A laptop browsing
     with --rpc/--registry and no local pin shows it `trusted` with
     "pin":"chain" and then `anchored` (leaf 0 of a tree of 1).
  3. The printer is restarted with new TXT (an update): leaf 1, checkpoint
     of size 2, the laptop shows the new version anchored at 1 of 2.
  4. The scanner publishes with --anchor-tamper (test-only: its audit path
     is altered): the laptop rejects it with reason anchor-mismatch and
     never shows it anchored (it stays trusted).
     Another key signing as printer.local is rejected wrong-key: the chain
     binding defends the name like a pin.
  5. `browse --require anchored` shows the printer and not the scanner;
     `resolve printer.local --require trusted` and `resolve --best
     --require anchored` with the same flags find the printer.
  6. A browser whose --rpc refuses connections: the printer is shown
     self-signed (local evidence only), the browse works (exit 0), and one
     line on stderr says the chain could not be read.
  7. `ledger revoke printer.local`: the first browser (--chain-max-age 2)
     reads the binding again and shows the printer self-signed.
"""
import json
import os
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
from nttest import SKIP, Checks, Lan, Lines, nautilus_path, require_commands  # noqa: E402
from anvil import free_port, rpc  # noqa: E402
import anvil as anvil_node  # noqa: E402

CHAIN_ID = "31337"
WAIT = 30  # seconds any one step may take before it counts as failed


def stop(p):
    if p and p.poll() is None:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(timeout=5)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def main():
    if os.geteuid() != 0:
        print("SKIP: needs root (network namespaces)")
        return SKIP
    nbin = nautilus_path()
    src = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else os.path.join(HERE, "..", "..", "..")
    require_commands(nbin, "ledger", "publish", "browse")
    c = Checks("ledger_trust: trusted from the chain, anchored, anchor-mismatch")
    port = free_port()
    try:
        anvil, url = anvil_node.start(src, port, CHAIN_ID)
    except RuntimeError as e:
        print("FAIL  %s" % e, flush=True)
        sys.exit(1)
    fwd = None
    try:
        with Lan(hosts=3, prefix="ntlt") as lan:
            printer, scanner, laptop = lan.hosts
            fwd = subprocess.Popen(["/usr/bin/python3", os.path.join(HERE, "..", "lib", "nsfwd.py"),
                                    str(port)] + [h.ns for h in lan.hosts],
                                   stdout=subprocess.PIPE, text=True)
            c.check(fwd.stdout.readline().strip() == "ready", "127.0.0.1:%d reaches anvil from the namespaces" % port)
            run_steps(c, lan, nbin, url, printer, scanner, laptop)
    finally:
        stop(fwd)
        stop(anvil)
    c.done()


def keygen(c, host, nbin, state, name, url):
    r = host.run([nbin, "keygen", "--state", state, "--host", name, "--json"], timeout=20)
    kg = json.loads(r.stdout.strip().splitlines()[-1])
    # Fund the key's account on the dev chain (it pays for its transactions).
    rpc(url, "anvil_setBalance", [kg["address"], hex(10**20)])
    return kg


def ledger(host, nbin, *args):
    return host.run([nbin, "ledger"] + list(args), timeout=60)


def publisher(lan, host, nbin, state, hostname, instance, txt, extra=()):
    argv = [nbin, "publish", "-i", host.ifname, "--sign", "--state", state, "--host", hostname,
            "--anchor", "--rpc", lan.url, "--registry", lan.registry, "--chain-id", CHAIN_ID,
            "--confirmations", "1", "--anchor-every", "1"] + list(extra) + \
           [instance, "_ipp._tcp", "631"] + list(txt)
    proc = host.spawn(argv, name="publish-" + hostname, stdout=subprocess.PIPE,
                      stderr=open(os.path.join(lan.workdir, "publish-%s.err" % hostname), "a"))
    return Lines(proc)


def raw_line(lines, prefix, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for line in list(lines.raw):
            if line.startswith(prefix):
                return line
        time.sleep(0.1)
    return None


def run_steps(c, lan, nbin, url, printer, scanner, laptop):
    pstate = os.path.join(lan.workdir, "printer-state")
    sstate = os.path.join(lan.workdir, "scanner-state")
    pk = keygen(c, printer, nbin, pstate, "printer", url)
    sk = keygen(c, scanner, nbin, sstate, "scanner", url)

    # 1. deploy and register (through the other commands of `nautilus ledger`).
    r = ledger(printer, nbin, "deploy", "--rpc", url, "--state", pstate, "--chain-id", CHAIN_ID,
               "--confirmations", "1", "--json")
    ok = c.check(r.returncode == 0, "ledger deploy", r.stderr.strip())
    if not ok:
        return
    registry = json.loads(r.stdout.strip().splitlines()[-1])["registry"]
    lan.url, lan.registry = url, registry
    for host, state, name in ((printer, pstate, "printer.local"), (scanner, sstate, "scanner.local")):
        r = ledger(host, nbin, "register", name, "--rpc", url, "--registry", registry, "--state",
                   state, "--chain-id", CHAIN_ID, "--confirmations", "1")
        c.check(r.returncode == 0, "ledger register %s" % name, r.stderr.strip() or r.stdout.strip())

    chain = ["--rpc", url, "--registry", registry]
    browse = laptop.spawn([nbin, "browse", "_ipp._tcp", "-i", laptop.ifname, "--json",
                           "--chain-max-age", "2"] + chain,
                          name="browse-chain", stdout=subprocess.PIPE,
                          stderr=open(os.path.join(lan.workdir, "browse-chain.err"), "w"))
    nb = Lines(browse)

    # 2. the printer's first version: trusted from the chain, then anchored.
    pub = publisher(lan, printer, nbin, pstate, "printer", "Office", ["rp=v1"])
    c.check(raw_line(pub, "anchored \"Office\" leaf 0 in checkpoint size 1", WAIT) is not None,
            "publisher: version 0 anchored in a checkpoint of size 1", pub.raw[-5:])
    t = nb.wait_for(lambda o: o.get("instance") == "Office" and o.get("trust") == "trusted" and
                    o.get("pin") == "chain", WAIT)
    c.check(t is not None, "laptop (no pin): Office is trusted with pin chain", nb.all[-3:])
    if t:
        c.check(t.get("key") == pk["key_digest"] and t.get("chain_block", 0) > 0,
                "... under the registered key, read at a block", t)
    a = nb.wait_for(lambda o: o.get("instance") == "Office" and o.get("trust") == "anchored", WAIT)
    c.check(a is not None and a.get("anchor") == {"index": 0, "size": 1} and
            a.get("txt") == {"rp": "v1"},
            "laptop: Office v1 anchored at leaf 0 of 1", a or nb.all[-3:])

    # 3. an update: the printer restarts with new TXT; leaf 1, size 2.
    pub.proc.stop()
    pub = publisher(lan, printer, nbin, pstate, "printer", "Office", ["rp=v2"])
    c.check(raw_line(pub, "anchored \"Office\" leaf 1 in checkpoint size 2", WAIT) is not None,
            "publisher: version 1 anchored in a checkpoint of size 2", pub.raw[-5:])
    a = nb.wait_for(lambda o: o.get("instance") == "Office" and o.get("trust") == "anchored" and
                    o.get("anchor") == {"index": 1, "size": 2}, WAIT)
    c.check(a is not None and a.get("txt") == {"rp": "v2"},
            "laptop: Office v2 anchored at leaf 1 of 2", a or nb.all[-3:])

    # 4. the scanner's altered audit path.
    spub = publisher(lan, scanner, nbin, sstate, "scanner", "Scan", ["rp=s1"], ["--anchor-tamper"])
    c.check(raw_line(spub, "anchored \"Scan\" leaf 0", WAIT) is not None,
            "scanner published an (altered) anchor", spub.raw[-5:])
    rj = nb.wait_for(lambda o: o.get("event") == "rejected" and o.get("instance") == "Scan", WAIT)
    c.check(rj is not None and rj.get("reason") == "anchor-mismatch",
            "laptop: Scan rejected with anchor-mismatch", rj or nb.all[-3:])
    scan = nb.seen(lambda o: o.get("instance") == "Scan" and o.get("event") != "rejected")
    c.check(scan and all(o.get("trust") != "anchored" for o in scan) and
            scan[-1].get("trust") == "trusted" and scan[-1].get("key") == sk["key_digest"],
            "laptop: Scan is never anchored, stays trusted (chain)", scan[-2:])

    # 4b. another key signing as printer.local (the chain binds the name to
    # the printer's key): rejected wrong-key, never shown.
    fstate = os.path.join(lan.workdir, "fake-state")
    keygen(c, scanner, nbin, fstate, "printer", url)
    fake = scanner.spawn([nbin, "publish", "-i", scanner.ifname, "--sign", "--state", fstate,
                          "--host", "printer", "--no-addresses", "Fake", "_ipp._tcp", "632"],
                         name="publish-fake")
    rj = nb.wait_for(lambda o: o.get("event") == "rejected" and o.get("instance") == "Fake", WAIT)
    c.check(rj is not None and rj.get("reason") == "wrong-key",
            "laptop: another key signing as printer.local is rejected wrong-key", rj or nb.all[-3:])
    c.check(not nb.seen(lambda o: o.get("instance") == "Fake" and o.get("event") != "rejected"),
            "laptop: the impostor's instance is never shown")
    fake.stop()

    # 5. --require anchored.
    r = laptop.run([nbin, "browse", "_ipp._tcp", "-i", laptop.ifname, "--json", "--timeout", "4",
                    "--require", "anchored"] + chain, timeout=30)
    shown = [json.loads(x) for x in r.stdout.splitlines() if x.startswith("{")]
    names = {o.get("instance") for o in shown if o.get("event") in ("added", "updated")}
    c.check(r.returncode == 0 and names == {"Office"} and
            any(o.get("trust") == "anchored" for o in shown),
            "--require anchored shows Office and not Scan", r.stdout[-400:])

    # 5b. resolve takes the same flags: the host's addresses count as
    # trusted once the chain says so, and --best sees the anchored version.
    r = laptop.run([nbin, "resolve", "printer.local", "-4", "--timeout", "10", "--require",
                    "trusted"] + chain, timeout=30)
    c.check(r.returncode == 0 and printer.v4 in r.stdout,
            "resolve printer.local --require trusted --rpc: the printer's address",
            (r.returncode, r.stdout, r.stderr))
    r = laptop.run([nbin, "resolve", "--best", "_ipp._tcp", "--json", "--timeout", "4",
                    "--require", "anchored"] + chain, timeout=30)
    best = json.loads(r.stdout) if r.returncode == 0 and r.stdout.startswith("{") else {}
    c.check(best.get("chosen", {}).get("instance") == "Office" and
            best["chosen"].get("trust") == "anchored" and len(best.get("ordered", [])) == 1,
            "resolve --best --require anchored --rpc: Office, anchored, alone", r.stdout[-300:])

    # 6. a node that refuses connections: local evidence only.
    dead = "http://127.0.0.1:%d" % free_port()
    r = laptop.run([nbin, "browse", "_ipp._tcp", "-i", laptop.ifname, "--json", "--timeout", "3",
                    "--rpc", dead, "--registry", registry], timeout=30)
    shown = [json.loads(x) for x in r.stdout.splitlines() if x.startswith("{")]
    office = [o for o in shown if o.get("instance") == "Office" and o.get("event") != "rejected"]
    c.check(r.returncode == 0 and office and all(o.get("trust") == "self-signed" for o in office),
            "dead --rpc: Office shown self-signed, browse exits 0", r.stdout[-300:])
    c.check(r.stderr.count("cannot read the chain") == 1 and
            "reads of the chain failed" in r.stderr,
            "dead --rpc: said once on stderr, counted on exit", r.stderr.strip()[:300])

    # 7. the owner revokes the printer's name: once the cached binding is
    # older than --chain-max-age (2 s here), the browser reads it again and
    # the printer is no longer trusted (nor anchored).
    r = ledger(printer, nbin, "revoke", "printer.local", "--rpc", url, "--registry", registry,
               "--state", pstate, "--chain-id", CHAIN_ID, "--confirmations", "1")
    c.check(r.returncode == 0, "ledger revoke printer.local", r.stderr.strip())
    d = nb.wait_for(lambda o: o.get("instance") == "Office" and o.get("event") == "updated" and
                    o.get("trust") == "self-signed", WAIT)
    c.check(d is not None and d.get("pin") is None,
            "laptop: after the revocation is read again, Office is self-signed", d or nb.all[-2:])
    browse.stop()
    pub.proc.stop()
    spub.proc.stop()


if __name__ == "__main__":
    sys.exit(main())
