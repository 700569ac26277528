#!/usr/bin/python3
"""Issue 3, test 1: a service published by Nautilus is seen by other stacks.

Host A: `nautilus publish` of an _http._tcp service with TXT.
Host B: python-zeroconf's ServiceBrowser resolves it: port, TXT, IPv4, IPv6.
Host C: avahi-daemon; `avahi-browse -kprt` resolves it too.
Figures: time from publish to python-zeroconf's resolution.
"""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from nttest import (Checks, Lan, Nautilus, avahi_resolved, has_addr,  # noqa: E402
                    nautilus_path, require_commands, zc_browser)

INSTANCE = "Nautilus Web"
TXT = {"path": "/index.html", "v": "1", "note": "a b=c"}


def main():
    nbin = nautilus_path()
    require_commands(nbin, "publish")
    c = Checks("nautilus publish -> python-zeroconf and avahi-browse")
    with Lan(hosts=3, prefix="ntpub") as lan:
        a, b, h3 = lan.hosts
        avahi = h3.start_avahi("avahi-c")
        zb = zc_browser(b, "_http._tcp")
        time.sleep(1.0)  # let the browser's first queries go out unanswered
        t0 = time.monotonic()
        pub = Nautilus(nbin, a).publish(INSTANCE, "_http._tcp", 8080,
                                        ["%s=%s" % kv for kv in TXT.items()],
                                        host_name="nt-a")
        full = INSTANCE + "._http._tcp.local."
        # python-zeroconf reports the service once it resolved SRV/TXT/A/AAAA.
        got = zb.wait_for(lambda o: o.get("name") == full and o.get("port"), 10)
        c.check(got is not None, "python-zeroconf resolved %r" % full,
                "publisher log: " + pub.read_log()[-400:])
        if got:
            c.figure("publish_to_zeroconf_resolved", got["_t"] - t0, "s")
            c.check(got["port"] == 8080, "port 8080", got)
            c.check(got.get("txt") == TXT, "TXT %r" % TXT, got.get("txt"))
            c.check(got.get("server", "").lower() == "nt-a.local.", "host nt-a.local", got)
            # zeroconf may need a moment for the AAAA to join the A.
            deadline = time.monotonic() + 3
            while not (has_addr(got.get("addresses"), a.v4) and has_addr(got.get("addresses"), a.v6)) \
                    and time.monotonic() < deadline:
                more = zb.wait_for(lambda o: o.get("name") == full and o.get("port"), 0.5)
                got = more or got
            c.check(has_addr(got.get("addresses"), a.v4), "IPv4 %s" % a.v4, got.get("addresses"))
            c.check(has_addr(got.get("addresses"), a.v6), "IPv6 %s" % a.v6, got.get("addresses"))
        lines = avahi.browse("_http._tcp", resolve=True, timeout=5)
        res = avahi_resolved(lines, INSTANCE)
        c.check(bool(res), "avahi-browse resolved %r" % INSTANCE, lines)
        if res:
            addrs = {r["address"] for r in res}
            c.check(all(r["port"] == 8080 for r in res), "avahi: port 8080", res)
            c.check(all(r["txt"] == TXT for r in res), "avahi: TXT", res)
            c.check(all(r["host"] == "nt-a.local" for r in res), "avahi: host nt-a.local", res)
            c.check(a.v4 in addrs, "avahi: IPv4 %s" % a.v4, addrs)
            # avahi-browse resolves one address; ask for the AAAA directly.
            r6 = avahi.run(["avahi-resolve", "-6", "-n", "nt-a.local"], timeout=10)
            c.check(a.v6 in r6.stdout.split(), "avahi-resolve -6: %s" % a.v6,
                    r6.stdout + r6.stderr)
        c.check(pub.alive(), "publisher still running")
    c.done()


if __name__ == "__main__":
    main()
