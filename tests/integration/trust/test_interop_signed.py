#!/usr/bin/python3
"""Issue 4, must-show 2: a service published with `nautilus publish --sign`
(extra DNSKEY and RRSIG records in every response, DESIGN section 2) is
still discovered by stacks that know nothing of them, with the right port
and TXT: python-zeroconf (ServiceBrowser + get_service_info) and Avahi
(`avahi-browse -rpt`).

Host A: signed publisher. Host B: python-zeroconf browser. Host C:
avahi-daemon. A Nautilus browser on B (no pins) is the control that the
records really were signed (trust "self-signed", key = keygen's digest).
"""
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import trustlib as T  # noqa: E402
from nttest import (Checks, Lan, Nautilus, avahi_resolved, has_addr,  # noqa: E402
                    nautilus_path, require_commands, zc_browser)

STYPE = "_ntsigweb._tcp"
INSTANCE = "Signed Web"
HOST = "ntsig-web"
TXT = {"path": "/index.html", "v": "1", "note": "a b=c"}
PORT = 8443


def main():
    nbin = nautilus_path()
    require_commands(nbin, "publish", "browse", "keygen")
    T.require_trust_cli(nbin)
    c = Checks("signed service seen by python-zeroconf and Avahi")
    with Lan(hosts=3, prefix="ntsi") as lan:
        a, b, h3 = lan.hosts
        avahi = h3.start_avahi("avahi-c")
        zb = zc_browser(b, STYPE)
        state = os.path.join(lan.workdir, "state-a")
        kg = T.keygen(nbin, state, HOST)
        time.sleep(1.0)
        t0 = time.monotonic()
        pub = Nautilus(nbin, a).publish(INSTANCE, STYPE, PORT,
                                        ["%s=%s" % kv for kv in TXT.items()], host_name=HOST,
                                        extra=["--sign", "--state", state])
        full = INSTANCE + "." + STYPE + ".local."
        got = zb.wait_for(lambda o: o.get("name") == full and o.get("port"), 10)
        c.check(got is not None, "python-zeroconf resolved %r" % full, pub.read_log()[-400:])
        if got:
            c.figure("signed_publish_to_zeroconf_resolved", got["_t"] - t0, "s")
            c.check(got["port"] == PORT, "zeroconf: port %d" % PORT, got)
            c.check(got.get("txt") == TXT, "zeroconf: TXT %r" % TXT, got.get("txt"))
            c.check(got.get("server", "").lower() == HOST + ".local.", "zeroconf: host", got)
            deadline = time.monotonic() + 3
            while not has_addr(got.get("addresses"), a.v4) and time.monotonic() < deadline:
                got = zb.wait_for(lambda o: o.get("name") == full and o.get("port"), 0.5) or got
            c.check(has_addr(got.get("addresses"), a.v4), "zeroconf: IPv4 %s" % a.v4,
                    got.get("addresses"))
        r = avahi.run(["avahi-browse", "-rpt", STYPE], timeout=20)
        lines = [x.split(";") for x in r.stdout.splitlines() if x]
        res = avahi_resolved(lines, INSTANCE)
        c.check(bool(res), "avahi-browse -rpt resolved %r" % INSTANCE, r.stdout + r.stderr)
        if res:
            c.check(all(x["port"] == PORT for x in res), "avahi: port %d" % PORT, res)
            c.check(all(x["txt"] == TXT for x in res), "avahi: TXT", res)
            c.check(all(x["host"] == HOST + ".local" for x in res), "avahi: host", res)
            c.check(a.v4 in {x["address"] for x in res}, "avahi: IPv4 %s" % a.v4, res)
        c.check(avahi.proc.alive(), "avahi-daemon still running")
        # Control: the records Avahi and zeroconf just used were signed.
        br = Nautilus(nbin, b).browse(STYPE, timeout=4)
        ev = br.wait_for(lambda o: o.get("instance") == INSTANCE and o.get("port"), 6)
        c.check(ev is not None and ev.get("trust") == "self-signed" and
                ev.get("key") == kg.get("key_digest"),
                "control: the service is signed (nautilus browse: self-signed, keygen's key)", ev)
        c.check(pub.alive(), "publisher still running")
    c.done()


if __name__ == "__main__":
    main()
