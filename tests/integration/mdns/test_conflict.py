#!/usr/bin/python3
"""Issue 3, test 4: name conflicts (RFC 6762 sections 8.1-8.2, 9).

1. Two `nautilus publish` in A and B claim "Shared Name" _http._tcp at the
   same moment: their probes meet, one keeps the name, the other becomes
   "Shared Name (2)". Both are browsable (python-zeroconf and `nautilus
   browse` in C) and then stay put for 10 s: no removal, no rename (no flap).
2. avahi-daemon in D publishes "Avahi First" first; `nautilus publish` of the
   same name in A must yield and take "Avahi First (2)"; Avahi keeps its name.
Figures: time until both names are browsable; events seen in the quiet period.
"""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from nttest import (Checks, Lan, Nautilus, nautilus_path, require_commands,  # noqa: E402
                    zc_browser)

QUIET = 10.0


def names(lines, since=0.0):
    """Instances currently present per the events seen (added/updated minus removed)."""
    present = {}
    for o in lines.all:
        if o["_t"] < since:
            continue
        n = o.get("instance") or (o.get("name") or "").split("._")[0]
        if o.get("event") == "removed":
            present.pop(n, None)
        elif o.get("event") in ("added", "updated"):
            present[n] = o
    return present


def zc_present(lines):
    present = set()
    for o in lines.all:
        n = (o.get("name") or "").split("._http")[0]
        if o.get("event") == "removed":
            present.discard(n)
        elif o.get("event") in ("added", "updated"):
            present.add(n)
    return present


def wait(cond, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(0.1)
    return bool(cond())


def quiet_period(c, what, streams):
    """Watches the streams for QUIET seconds; any event is a flap."""
    t0 = time.monotonic()
    time.sleep(QUIET)
    for who, lines, pred in streams:
        evs = [o for o in lines.all if o["_t"] >= t0 and pred(o)]
        c.figure("%s_events_in_%ds_%s" % (what, QUIET, who), len(evs))
        c.check(not [o for o in evs if o.get("event") in ("removed", "added")],
                "%s: %s saw no add/remove in %d s after settling" % (what, who, QUIET),
                evs[:4])


def main():
    nbin = nautilus_path()
    require_commands(nbin, "publish", "browse")
    c = Checks("conflicts: nautilus vs nautilus, avahi first")
    with Lan(hosts=4, prefix="ntcf") as lan:
        a, b, h3, d = lan.hosts
        zb = zc_browser(h3, "_http._tcp")
        nb = Nautilus(nbin, h3).browse("_http._tcp")

        # -- 1. simultaneous claim ------------------------------------------------
        t0 = time.monotonic()
        pa = Nautilus(nbin, a).publish("Shared Name", "_http._tcp", 8001, ["who=a"], host_name="nt-a")
        pb = Nautilus(nbin, b).publish("Shared Name", "_http._tcp", 8002, ["who=b"], host_name="nt-b")
        want = {"Shared Name", "Shared Name (2)"}
        ok_zc = wait(lambda: want <= zc_present(zb), 15)
        ok_nt = wait(lambda: want <= set(names(nb)), 5)
        c.figure("conflict_both_browsable", time.monotonic() - t0, "s")
        c.check(ok_zc, "python-zeroconf sees 'Shared Name' and 'Shared Name (2)'", zc_present(zb))
        c.check(ok_nt, "nautilus browse sees 'Shared Name' and 'Shared Name (2)'", set(names(nb)))
        present = names(nb)
        if ok_nt:
            ports = {present["Shared Name"].get("port"), present["Shared Name (2)"].get("port")}
            c.check(ports == {8001, 8002}, "the two names belong to the two publishers", ports)
        c.check(not any(n.startswith("Shared Name (3)") for n in zc_present(zb)),
                "no third name was taken", zc_present(zb))
        c.check(pa.alive() and pb.alive(), "both publishers still running")
        quiet_period(c, "nt_vs_nt", [
            ("zeroconf", zb, lambda o: "Shared Name" in (o.get("name") or "")),
            ("nautilus", nb, lambda o: (o.get("instance") or "").startswith("Shared Name"))])
        pa.stop()
        pb.stop()

        # -- 2. Avahi owns the name first --------------------------------------------
        avahi = d.start_avahi("avahi-d")
        ap = avahi.publish("Avahi First", "_http._tcp", 8003, ["who=avahi"])
        wait(lambda: "Avahi First" in zc_present(zb), 10)
        t0 = time.monotonic()
        pn = Nautilus(nbin, a).publish("Avahi First", "_http._tcp", 8004, ["who=nautilus"],
                                       host_name="nt-a")
        want = {"Avahi First", "Avahi First (2)"}
        ok_zc = wait(lambda: want <= zc_present(zb), 15)
        ok_nt = wait(lambda: want <= set(names(nb)), 5)
        c.figure("avahi_conflict_both_browsable", time.monotonic() - t0, "s")
        c.check(ok_zc, "python-zeroconf sees 'Avahi First' and 'Avahi First (2)'", zc_present(zb))
        c.check(ok_nt, "nautilus browse sees both names", set(names(nb)))
        present = names(nb)
        if ok_nt:
            c.check(present["Avahi First"].get("port") == 8003, "Avahi kept 'Avahi First'",
                    present["Avahi First"])
            c.check(present["Avahi First (2)"].get("port") == 8004,
                    "Nautilus took 'Avahi First (2)'", present["Avahi First (2)"])
        c.check("collision" not in ap.read_log().lower(), "avahi-publish saw no collision",
                ap.read_log()[-300:])
        quiet_period(c, "nt_vs_avahi", [
            ("zeroconf", zb, lambda o: "Avahi First" in (o.get("name") or "")),
            ("nautilus", nb, lambda o: (o.get("instance") or "").startswith("Avahi First"))])
        c.check(pn.alive() and ap.alive(), "both publishers still running")
    c.done()


if __name__ == "__main__":
    main()
