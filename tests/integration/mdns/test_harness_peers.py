#!/usr/bin/python3
"""The harness and the peers on their own, without Nautilus: if this fails,
the environment (namespaces, avahi-daemon with its private D-Bus,
python-zeroconf, dnspython, tshark) is broken, not our code.

avahi-daemon in A publishes, python-zeroconf in B registers; each resolves
the other's service; mdnsq (dnspython) in C gets answers from both over IPv4
and IPv6 and a legacy unicast answer; tshark in C captured mDNS over both.
"""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from nttest import (Checks, Lan, avahi_resolved, has_addr, mdnsq,  # noqa: E402
                    read_mdns_pcap, zc_browser, zc_register)


def main():
    c = Checks("harness: avahi-daemon, python-zeroconf, dnspython, tshark in namespaces")
    with Lan(hosts=3, prefix="nthp") as lan:
        a, b, h3 = lan.hosts
        pcap = os.path.join(lan.workdir, "c.pcap")
        cap = h3.capture(pcap)
        av = a.start_avahi("avahi-a")
        av.publish("Avahi Peer", "_http._tcp", 8001, ["p=a"])
        zc_register(b, "ZC Peer", "_http._tcp", 8002, ["p=z"], host_name="zc-b")
        zb = zc_browser(b, "_http._tcp")
        # python-zeroconf reports the instance as soon as one address is
        # known and updates it as more come: wait for the IPv4 one.
        got = zb.wait_for(lambda o: o.get("name") == "Avahi Peer._http._tcp.local." and o.get("port")
                          and has_addr(o.get("addresses"), a.v4), 10)
        c.check(got is not None and got["port"] == 8001 and has_addr(got.get("addresses"), a.v4),
                "python-zeroconf resolved Avahi's service", got)
        res = avahi_resolved(av.browse("_http._tcp", timeout=5), "ZC Peer")
        c.check(bool(res) and res[0]["port"] == 8002 and res[0]["txt"] == {"p": "z"},
                "avahi-browse resolved python-zeroconf's service", res)
        for fam in ([], ["-6"]):
            for who, name in (("Avahi", "Avahi\\032Peer._http._tcp.local."),
                              ("python-zeroconf", "ZC\\032Peer._http._tcp.local.")):
                # A responder may stay silent if it multicast the record less
                # than a second ago (RFC 6762 section 6); a querier asks again.
                rc, replies = 1, []
                for _ in range(3):
                    rc, replies = mdnsq(h3, fam + [name, "SRV"], wait=1.2)
                    if rc == 0:
                        break
                c.check(rc == 0, "dnspython IPv%s query answered by %s" % ("6" if fam else "4", who),
                        replies)
        rc, replies = mdnsq(h3, ["--port", "40555", "--id", "777", "avahi-a.local.", "A"])
        c.check(rc == 0 and replies and replies[0]["id"] == 777 and replies[0]["to_port"] == 40555,
                "legacy unicast answer from Avahi", replies)
        time.sleep(0.3)
        cap.stop()
        pk = read_mdns_pcap(pcap)
        n4 = sum(1 for p in pk if p["fam"] == 4)
        n6 = sum(1 for p in pk if p["fam"] == 6)
        c.figure("captured_ipv4", n4)
        c.figure("captured_ipv6", n6)
        c.check(n4 > 0 and n6 > 0, "tshark captured mDNS over IPv4 and IPv6")
        c.check(all(p["msg"] is not None for p in pk if p["src"] == a.v4),
                "every Avahi packet decodes")
    c.done()


if __name__ == "__main__":
    main()
