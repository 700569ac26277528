#!/usr/bin/python3
"""Issue 3, test 5: IPv6 only. The namespaces have no IPv4 address at all
(link-local + ULA only); everything must work over ff02::fb.

A: `nautilus publish`; B: `nautilus browse --resolve` and `nautilus resolve
-6`; C: python-zeroconf (IPv6 only) browses A's service and registers its own,
which B must see too. A tshark capture on B shows the traffic was IPv6.
Figures: browse and resolve times; IPv6/IPv4 mDNS packet counts.
"""
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from nttest import (Checks, Lan, Nautilus, has_addr, nautilus_path,  # noqa: E402
                    require_commands, zc_browser, zc_register)


def main():
    nbin = nautilus_path()
    require_commands(nbin, "publish", "browse", "resolve")
    c = Checks("IPv6-only LAN")
    with Lan(hosts=3, prefix="ntsix", ipv4=False) as lan:
        a, b, h3 = lan.hosts
        pcap = os.path.join(lan.workdir, "b.pcap")
        cap = b.capture(pcap)
        zb = zc_browser(h3, "_http._tcp")
        zc_register(h3, "ZC Six", "_http._tcp", 9006, ["six=yes"], host_name="zc-six")
        t0 = time.monotonic()
        pub = Nautilus(nbin, a).publish("NT Six", "_http._tcp", 8006, ["six=yes"], host_name="nt-six")
        nt = Nautilus(nbin, b)
        nb = nt.browse("_http._tcp")
        ev = nb.wait_for(lambda o: o.get("instance") == "NT Six" and has_addr(o.get("addresses"), a.v6), 10)
        c.check(ev is not None, "nautilus browse (B) resolved NT Six with %s" % a.v6, nb.raw[-5:])
        if ev:
            c.figure("v6_browse_nautilus", ev["_t"] - t0, "s")
            c.check(ev.get("port") == 8006 and ev.get("txt") == {"six": "yes"}, "port and TXT", ev)
            c.check(all(":" in x for x in ev.get("addresses", [])), "only IPv6 addresses", ev)
        ez = nb.wait_for(lambda o: o.get("instance") == "ZC Six" and has_addr(o.get("addresses"), h3.v6), 10) \
            or (nb.seen(lambda o: o.get("instance") == "ZC Six" and has_addr(o.get("addresses"), h3.v6)) or [None])[0]
        c.check(ez is not None and ez.get("port") == 9006,
                "nautilus browse (B) resolved python-zeroconf's ZC Six", ez)
        full = "NT Six._http._tcp.local."
        got = zb.wait_for(lambda o: o.get("name") == full and has_addr(o.get("addresses"), a.v6), 10) \
            or (zb.seen(lambda o: o.get("name") == full and has_addr(o.get("addresses"), a.v6)) or [None])[0]
        c.check(got is not None and got.get("port") == 8006,
                "python-zeroconf (IPv6 only) resolved NT Six", got)
        t1 = time.monotonic()
        r, addrs = nt.resolve("nt-six.local", "-6", timeout=3)
        c.figure("v6_resolve", time.monotonic() - t1, "s")
        c.check(r.returncode == 0 and a.v6 in addrs, "nautilus resolve -6 nt-six.local -> %s" % a.v6,
                (r.returncode, r.stdout, r.stderr))
        r, addrs = nt.resolve("zc-six.local", "-6", timeout=3)
        c.check(r.returncode == 0 and h3.v6 in addrs, "nautilus resolve -6 zc-six.local -> %s" % h3.v6,
                (r.returncode, r.stdout, r.stderr))
        time.sleep(0.5)
        pub.stop()
        cap.stop()
        out = subprocess.run(["tshark", "-n", "-r", pcap, "-T", "fields", "-e", "ip.src",
                              "-e", "ipv6.src", "-e", "ipv6.dst"], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True).stdout.splitlines()
        srcs_a = {a.v6, a.link_local()}
        v4 = [x for x in out if x.split("\t")[0]]
        from_a = [x for x in out if x.split("\t")[1:2] and x.split("\t")[1] in srcs_a]
        to_group = [x for x in from_a if x.split("\t")[2] == "ff02::fb"]
        c.figure("v6_packets_from_publisher", len(from_a))
        c.figure("v6_packets_from_publisher_to_ff02::fb", len(to_group))
        c.figure("v4_packets_seen", len(v4))
        c.check(len(to_group) > 0, "the publisher multicast to ff02::fb")
        c.check(not v4, "no IPv4 mDNS packet on the LAN")
    c.done()


if __name__ == "__main__":
    main()
