#!/usr/bin/python3
"""End to end test of `nautilus publish`, `browse` and `resolve` (DESIGN §9)
on a LAN of network namespaces (tests/integration/lib/lan.py).

Hosts A, B and D publish _http._tcp instances with different SRV priority and
weight (A also with a subtype); host C browses and resolves:
  - publish prints its state changes and withdraws on SIGTERM (exit 0);
  - browse --resolve prints avahi-browse-like "+" and "=" lines;
  - browse of a subtype sees only the instance registered with it;
  - browse --timeout exits 1 when nothing was found;
  - resolve -4/-6 print the host's addresses, exit 1 for an absent host;
  - resolve --best orders by priority (RFC 2782) and picks from priority 0.
Usage: test_commands.py PATH/TO/nautilus   (root; exit 77 = skipped)
"""
import json
import os
import signal
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from nttest import Checks, Lan, Nautilus, nautilus_path, require_commands  # noqa: E402


def main():
    if os.geteuid() != 0:
        print("SKIP: needs root")
        sys.exit(77)
    nbin = nautilus_path()
    require_commands(nbin, "publish", "browse", "resolve")
    c = Checks("nautilus publish/browse/resolve end to end")
    with Lan(hosts=4, prefix="ntcmd") as lan:
        a, b, cc, d = lan.hosts
        pa = Nautilus(nbin, a).publish("Best Low", "_http._tcp", 8001, ["k=v", "flag"],
                                       host_name="nt-a",
                                       extra=["--priority", "0", "--weight", "10",
                                              "--subtype", "_printer"])
        pb = Nautilus(nbin, b).publish("Best High", "_http._tcp", 8002, ["k=w"],
                                       host_name="nt-b.local",
                                       extra=["--priority", "0", "--weight", "30"])
        pd = Nautilus(nbin, d).publish("Backup", "_http._tcp", 8003, [], host_name="nt-d",
                                       extra=["--priority", "5"])
        for p, name in ((pa, "Best Low"), (pb, "Best High"), (pd, "Backup")):
            c.check(p.logged('published "%s" on lan0' % name, 10),
                    "publish prints 'published \"%s\" on lan0'" % name, p.read_log())

        # -- browse, human lines ----------------------------------------------
        r = cc.run([nbin, "browse", "_http._tcp", "-i", "lan0", "--resolve", "--timeout", "4"],
                   timeout=20)
        out = r.stdout
        c.check(r.returncode == 0, "browse --timeout exits 0 when something was found",
                r.returncode)
        for name in ("Best Low", "Best High", "Backup"):
            c.check("+ lan0 IPv4 %s _http._tcp local" % name in out,
                    "browse: '+' line for %s" % name, out)
        c.check("= lan0 IPv4 Best Low _http._tcp local\n   hostname = [nt-a.local]\n"
                "   address = [%s]\n   port = [8001]\n   txt = [\"k=v\" \"flag\"]" % a.v4 in out,
                "browse --resolve: '=' block for Best Low", out)
        c.check(a.v6 and ("address = [%s]" % a.v6) in out,
                "browse --resolve: IPv6 address of Best Low", out)

        # -- browse a subtype (RFC 6763 §7.1) -----------------------------------
        r = cc.run([nbin, "browse", "_printer._sub._http._tcp", "--json", "--timeout", "3"],
                   timeout=20)
        objs = [json.loads(x) for x in r.stdout.splitlines() if x.strip()]
        names = {o.get("instance") for o in objs}
        c.check(names == {"Best Low"}, "subtype browse sees only Best Low", r.stdout)
        c.check(all(o.get("type") == "_http._tcp" for o in objs)
                if objs else False, "subtype browse reports the parent type", objs)

        # -- nothing found ------------------------------------------------------
        r = cc.run([nbin, "browse", "_none._udp", "--timeout", "2"], timeout=20)
        c.check(r.returncode == 1 and r.stdout == "",
                "browse of an absent type exits 1 with no output", (r.returncode, r.stdout))

        # -- resolve --------------------------------------------------------------
        r = cc.run([nbin, "resolve", "nt-a.local", "-4", "--timeout", "3"], timeout=20)
        c.check(r.returncode == 0 and r.stdout.split() == [a.v4],
                "resolve -4 nt-a.local -> %s" % a.v4, (r.returncode, r.stdout, r.stderr))
        r = cc.run([nbin, "resolve", "nt-b", "-6", "--timeout", "3"], timeout=20)
        c.check(r.returncode == 0 and b.v6 in r.stdout.split(),
                "resolve -6 nt-b -> %s" % b.v6, (r.returncode, r.stdout, r.stderr))
        r = cc.run([nbin, "resolve", "nt-a.local", "--json", "--timeout", "3"], timeout=20)
        try:
            j = json.loads(r.stdout)
            got = {x["address"] for x in j["addresses"]}
        except (ValueError, KeyError, TypeError):
            j, got = None, set()
        c.check(j is not None and j.get("host") == "nt-a.local" and a.v4 in got and a.v6 in got,
                "resolve --json: both families of nt-a.local", r.stdout)
        t0 = time.monotonic()
        r = cc.run([nbin, "resolve", "nobody-here.local", "--timeout", "2"], timeout=20)
        c.check(r.returncode == 1 and r.stderr.count("\n") == 1 and "not found" in r.stderr,
                "resolve of an absent host exits 1 with one line", (r.returncode, r.stderr))
        c.figure("resolve_absent_host_s", time.monotonic() - t0, "s")

        # -- resolve --best (RFC 2782) ------------------------------------------
        chosen = {}
        for _ in range(3):
            r = cc.run([nbin, "resolve", "--best", "_http._tcp", "--json", "--timeout", "3"],
                       timeout=20)
            try:
                j = json.loads(r.stdout)
            except ValueError:
                j = None
            ok = j is not None and r.returncode == 0
            c.check(ok, "resolve --best --json prints one object", r.stdout + r.stderr)
            if not ok:
                break
            order = [(o["instance"], o["priority"], o["weight"]) for o in j["ordered"]]
            c.check(sorted(order) == sorted([("Best Low", 0, 10), ("Best High", 0, 30),
                                             ("Backup", 5, 0)]),
                    "resolve --best lists every instance with its priority and weight", order)
            c.check([p for _, p, _ in order] == sorted(p for _, p, _ in order),
                    "resolve --best orders by ascending priority", order)
            c.check(j["chosen"]["instance"] == order[0][0] and j["chosen"]["priority"] == 0,
                    "resolve --best chooses from priority 0", j["chosen"])
            chosen[j["chosen"]["instance"]] = chosen.get(j["chosen"]["instance"], 0) + 1
        c.note("chosen: %r" % chosen)
        r = cc.run([nbin, "resolve", "--best", "_http._tcp", "--timeout", "3"], timeout=20)
        c.check(r.returncode == 0 and r.stdout.strip() in ("Best Low", "Best High"),
                "resolve --best prints the chosen instance name", r.stdout)

        # -- withdrawal -----------------------------------------------------------
        rc = pa.stop(signal.SIGTERM, timeout=5)
        c.check(rc == 0, "publish exits 0 on SIGTERM", rc)
        c.check('withdrawn "Best Low"' in pa.read_log(), "publish prints the withdrawal",
                pa.read_log())
        r = cc.run([nbin, "resolve", "--best", "_http._tcp", "--json", "--timeout", "3"],
                   timeout=20)
        try:
            left = {o["instance"] for o in json.loads(r.stdout)["ordered"]}
        except (ValueError, KeyError, TypeError):
            left = None
        c.check(left == {"Best High", "Backup"}, "after the goodbye Best Low is gone", left)
        for p in (pb, pd):
            c.check(p.alive(), "other publishers still running")
    c.done()


if __name__ == "__main__":
    main()
