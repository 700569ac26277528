#!/usr/bin/python3
"""Address changes reach a running `nautilus publish` (the runner rescans the
interfaces on every rtnetlink notification, with a slow poll as a fallback,
and hands changed address sets to the engine, which re-announces, RFC 6762
section 8.4, and says goodbye to lost addresses).

Host A publishes; its IPv4 address is replaced, then removed; host B's
`nautilus resolve` must follow: the new address and not the old one, then
IPv6 only. The publisher must keep running throughout.
Usage: test_addresses.py PATH/TO/nautilus   (root; exit 77 = skipped)
"""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from nttest import Checks, Lan, Nautilus, nautilus_path, require_commands  # noqa: E402

NEW_V4 = "192.0.2.99"


def resolve_until(host, nbin, name, pred, timeout):
    """Resolves name from host until pred(addresses) holds; returns the last list."""
    deadline = time.monotonic() + timeout
    addrs = []
    while time.monotonic() < deadline:
        r = host.run([nbin, "resolve", name, "--timeout", "2"], timeout=15)
        addrs = r.stdout.split()
        if pred(addrs):
            return addrs, True
        time.sleep(0.5)
    return addrs, False


def main():
    if os.geteuid() != 0:
        print("SKIP: needs root")
        sys.exit(77)
    nbin = nautilus_path()
    require_commands(nbin, "publish", "resolve")
    c = Checks("address changes reach a running publisher")
    with Lan(hosts=2, prefix="ntaddr") as lan:
        a, b = lan.hosts
        old_v4 = a.v4
        pub = Nautilus(nbin, a).publish("Mover", "_http._tcp", 8080, [], host_name="nt-mover")
        addrs, ok = resolve_until(b, nbin, "nt-mover.local",
                                  lambda x: old_v4 in x and a.v6 in x, 10)
        c.check(ok, "before: %s and %s" % (old_v4, a.v6), addrs)

        t0 = time.monotonic()
        # Old first: deleting a primary address also deletes the secondaries
        # of its subnet on Linux.
        a.run(["ip", "addr", "del", old_v4 + "/24", "dev", "lan0"], check=True)
        a.run(["ip", "addr", "add", NEW_V4 + "/24", "dev", "lan0"], check=True)
        addrs, ok = resolve_until(b, nbin, "nt-mover.local",
                                  lambda x: NEW_V4 in x and old_v4 not in x, 20)
        c.check(ok, "after the change: %s, not %s" % (NEW_V4, old_v4), addrs)
        c.figure("address_change_seen_after", time.monotonic() - t0, "s")

        a.run(["ip", "addr", "del", NEW_V4 + "/24", "dev", "lan0"], check=True)
        addrs, ok = resolve_until(b, nbin, "nt-mover.local",
                                  lambda x: x and all(":" in y for y in x), 20)
        c.check(ok, "after the IPv4 address is gone: IPv6 only", addrs)
        c.check(pub.alive(), "publisher still running", pub.read_log()[-300:])
    c.done()


if __name__ == "__main__":
    main()
