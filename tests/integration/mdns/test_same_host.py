#!/usr/bin/python3
"""Agents on one host hear each other (RFC 6762 §15: several responders may
share a host and its addresses).

Host A runs avahi-daemon and python-zeroconf beside a `nautilus publish`;
`nautilus browse` on A itself must see all three services and resolve
Nautilus's own, while each nautilus still drops its own looped-back
multicast (no false conflict: the publisher keeps its name). Host B browses
too, as the plain case.
"""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from nttest import (Checks, Lan, Nautilus, nautilus_path, require_commands,  # noqa: E402
                    zc_register)


def main():
    nbin = nautilus_path()
    require_commands(nbin, "publish", "browse")
    c = Checks("agents on one host hear each other")
    with Lan(hosts=2, prefix="ntsame") as lan:
        a, b = lan.hosts
        avahi = a.start_avahi("avahi-a")
        avahi.publish("Avahi Same", "_http._tcp", 8081, ["who=avahi"])
        zc_register(a, "ZC Same", "_http._tcp", 8082, ["who=zeroconf"], host_name="zc-same")
        pub = Nautilus(nbin, a).publish("NT Same", "_http._tcp", 8080, ["who=nautilus"],
                                        host_name="nt-same")
        time.sleep(1.5)
        for host, label in ((a, "same host A"), (b, "host B")):
            lines = Nautilus(nbin, host).browse("_http._tcp", timeout=6, name="browse-" + label[-1])
            deadline = time.monotonic() + 8
            while time.monotonic() < deadline and lines.proc.alive():
                time.sleep(0.2)
            names = {o.get("instance") for o in lines.all if o.get("event") in ("added", "updated")}
            for inst in ("NT Same", "Avahi Same", "ZC Same"):
                c.check(inst in names, "%s: browse sees %r" % (label, inst), sorted(names))
            own = [o for o in lines.all if o.get("instance") == "NT Same" and o.get("port")]
            c.check(bool(own) and own[-1]["port"] == 8080 and own[-1].get("txt") == {"who": "nautilus"},
                    "%s: NT Same resolved (port, TXT)" % label, own[-1:] if own else None)
        log = pub.read_log()
        c.check("renamed" not in log, "the publisher kept its name (no false conflict)", log[-300:])
        c.check(pub.alive(), "publisher still running")
    c.done()


if __name__ == "__main__":
    main()
