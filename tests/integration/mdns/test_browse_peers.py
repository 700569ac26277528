#!/usr/bin/python3
"""Issue 3, test 2: Nautilus sees the services of other stacks.

Host A: avahi-daemon "avahi-a" with `avahi-publish -s`.
Host B: python-zeroconf registers a service on host "zc-b".
Host C: `nautilus browse _http._tcp --resolve --json` must report both with
the right instance, type, host, port, TXT and addresses; `nautilus resolve
avahi-a.local` (-4 and -6) must return the Avahi host's A and AAAA.
Figures: time from browse start to each service's resolved event; resolve time.
"""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from nttest import (Checks, Lan, Nautilus, has_addr, nautilus_path,  # noqa: E402
                    require_commands, zc_register)

AV_TXT = {"path": "/avahi", "color": "blue"}
ZC_TXT = {"k": "v", "empty": ""}


def check_event(c, ev, who, instance, host, port, txt, v4, v6):
    c.check(ev is not None, "%s: browse reported %r" % (who, instance))
    if ev is None:
        return
    c.check(ev.get("event") in ("added", "updated"), "%s: event added" % who, ev)
    c.check(ev.get("instance") == instance, "%s: instance" % who, ev)
    c.check(ev.get("type") == "_http._tcp", "%s: type _http._tcp" % who, ev)
    c.check(ev.get("domain") == "local", "%s: domain local" % who, ev)
    c.check(ev.get("name") in (instance + "._http._tcp.local", instance + "._http._tcp.local."),
            "%s: full name" % who, ev)
    c.check((ev.get("host") or "").rstrip(".").lower() == host, "%s: host %s" % (who, host), ev)
    c.check(ev.get("port") == port, "%s: port %d" % (who, port), ev)
    c.check(ev.get("txt") == txt, "%s: TXT %r" % (who, txt), ev.get("txt"))
    c.check(has_addr(ev.get("addresses"), v4), "%s: IPv4 %s" % (who, v4), ev.get("addresses"))
    c.check(has_addr(ev.get("addresses"), v6), "%s: IPv6 %s" % (who, v6), ev.get("addresses"))
    c.check(ev.get("interface") == "lan0", "%s: interface lan0" % who, ev)
    c.check(ev.get("trust") == "unsigned", "%s: trust unsigned" % who, ev)


def complete(instance, v4, v6):
    def pred(o):
        return (o.get("instance") == instance and o.get("port")
                and has_addr(o.get("addresses"), v4) and has_addr(o.get("addresses"), v6))
    return pred


def main():
    nbin = nautilus_path()
    require_commands(nbin, "browse", "resolve")
    c = Checks("nautilus browse/resolve <- avahi-publish and python-zeroconf")
    with Lan(hosts=3, prefix="ntbrw") as lan:
        a, b, h3 = lan.hosts
        avahi = a.start_avahi("avahi-a")
        avahi.publish("Avahi Site", "_http._tcp", 8081, ["%s=%s" % kv for kv in AV_TXT.items()])
        zc_register(b, "ZC Site", "_http._tcp", 9091, ["%s=%s" % kv for kv in ZC_TXT.items()],
                    host_name="zc-b")
        nt = Nautilus(nbin, h3)
        t0 = time.monotonic()
        br = nt.browse("_http._tcp")
        ev_av = br.wait_for(complete("Avahi Site", a.v4, a.v6), 8)
        if ev_av:
            c.figure("browse_to_avahi_service", ev_av["_t"] - t0, "s")
        ev_zc = br.wait_for(complete("ZC Site", b.v4, b.v6), 8) or \
            (br.seen(complete("ZC Site", b.v4, b.v6)) or [None])[0]
        if ev_zc:
            c.figure("browse_to_zeroconf_service", ev_zc["_t"] - t0, "s")
        # Keep the last (most complete) event we saw for each, for the report.
        ev_av = ev_av or (br.seen(lambda o: o.get("instance") == "Avahi Site") or [None])[-1]
        ev_zc = ev_zc or (br.seen(lambda o: o.get("instance") == "ZC Site") or [None])[-1]
        check_event(c, ev_av, "avahi", "Avahi Site", "avahi-a.local", 8081, AV_TXT, a.v4, a.v6)
        check_event(c, ev_zc, "zeroconf", "ZC Site", "zc-b.local", 9091, ZC_TXT, b.v4, b.v6)
        c.check(not br.seen(lambda o: o.get("event") == "removed"), "no removed events")
        if not (ev_av and ev_zc):
            c.note("browse output: %r" % br.raw[-10:])

        for fam, want in (("-4", a.v4), ("-6", a.v6)):
            t1 = time.monotonic()
            r, addrs = nt.resolve("avahi-a.local", fam, timeout=3)
            c.figure("resolve%s_avahi_host" % fam, time.monotonic() - t1, "s")
            c.check(r.returncode == 0 and want in addrs,
                    "nautilus resolve %s avahi-a.local -> %s" % (fam, want),
                    (r.returncode, r.stdout, r.stderr))
        # Right after the two above, Avahi holds back a record it multicast
        # less than a second ago (RFC 6762 §6), and the resolve, having one
        # family, waits 1.5 s for the other: its second query then raced
        # Avahi's limit, and on a loaded machine (an ASan run in CI) lost.
        # Step out of that window first: this check is about a resolve of
        # both families from a peer that answers both.
        time.sleep(1.2)
        r, addrs = nt.resolve("avahi-a.local", None, timeout=5)
        c.check(r.returncode == 0 and a.v4 in addrs and a.v6 in addrs,
                "nautilus resolve avahi-a.local -> A and AAAA", (r.stdout, r.stderr))
        r, _ = nt.resolve("no-such-host.local", "-4", timeout=1)
        c.check(r.returncode == 1, "resolve of an absent host exits 1", (r.returncode, r.stderr))
    c.done()


if __name__ == "__main__":
    main()
