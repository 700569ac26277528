#!/usr/bin/python3
"""Issue 3, test 3: services go away when their publisher does.

1. SIGTERM: `nautilus publish` in A exits with goodbyes (TTL 0, RFC 6762
   section 10.1); python-zeroconf (B), avahi-browse (C) and `nautilus browse`
   (D) must report it removed within 2 s. The same for an avahi-publish and a
   python-zeroconf service stopping normally, seen by `nautilus browse`.
2. SIGKILL (no goodbye): `nautilus publish --ttl 5` in A is killed; the
   browsers must drop it once its records expire or on failed queries
   (section 10.5), within TTL + 3 s (avahi-browse and `nautilus browse`;
   python-zeroconf 0.47 does not report expiries: only reported). Likewise
   python-zeroconf registered with TTL 5 and killed, seen by `nautilus browse`.
3. POOF (section 10.5): `nautilus publish` with default TTLs is killed; E
   asks for its PTR and SRV three times, unanswered; `nautilus browse` must
   flush it within 13 s, long before its TTLs run out.
Figures: each removal delay.
"""
import os
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from nttest import wait  # noqa: E402
from nttest import (Checks, Lan, Nautilus, avahi_unescape, mdnsq,  # noqa: E402
                    nautilus_path, require_commands, zc_browser, zc_register)

TTL = 5


class AvahiWatch:
    """`avahi-browse -kpr TYPE` left running; records '+' and '-' times."""

    def __init__(self, avahi, stype):
        self.proc = avahi.spawn(["avahi-browse", "-kpr", stype], name="avahi-browse",
                                stdout=subprocess.PIPE)
        self.added = {}
        self.removed = {}
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self):
        for line in self.proc.popen.stdout:
            f = line.strip().split(";")
            if len(f) >= 4:
                name = avahi_unescape(f[3])
                now = time.monotonic()
                if f[0] in ("+", "="):
                    self.added.setdefault(name, now)
                    self.removed.pop(name, None)
                elif f[0] == "-":
                    self.removed.setdefault(name, now)


def removed_zc(lines, full):
    ev = lines.seen(lambda o: o.get("event") == "removed" and o.get("name") == full)
    return ev[-1]["_t"] if ev else None


def removed_nt(lines, instance):
    ev = lines.seen(lambda o: o.get("event") == "removed" and o.get("instance") == instance)
    return ev[-1]["_t"] if ev else None


def present_nt(lines, instance):
    return lines.seen(lambda o: o.get("event") in ("added", "updated")
                      and o.get("instance") == instance)


def main():
    nbin = nautilus_path()
    require_commands(nbin, "publish", "browse")
    c = Checks("removal: goodbye on SIGTERM, expiry/POOF on SIGKILL")
    with Lan(hosts=5, prefix="ntrm") as lan:
        a, b, h3, d, e = lan.hosts
        avahi_c = h3.start_avahi("avahi-c")
        zb = zc_browser(b, "_http._tcp")
        aw = AvahiWatch(avahi_c, "_http._tcp")
        nb = Nautilus(nbin, d).browse("_http._tcp")

        # -- 1a. Nautilus publisher, SIGTERM -------------------------------
        pub = Nautilus(nbin, a).publish("NT Goodbye", "_http._tcp", 8001, ["a=1"],
                                        host_name="nt-a")
        full = "NT Goodbye._http._tcp.local."
        seen = [wait(lambda: zb.seen(lambda o: o.get("name") == full and o.get("port")), 10),
                wait(lambda: "NT Goodbye" in aw.added, 10),
                wait(lambda: present_nt(nb, "NT Goodbye"), 10)]
        c.check(all(seen), "NT Goodbye seen by zeroconf, avahi, nautilus browse",
                [bool(x) for x in seen])
        time.sleep(1.0)
        t0 = time.monotonic()
        rc = pub.stop(signal.SIGTERM, timeout=5)
        c.check(rc == 0, "publisher exits 0 on SIGTERM", rc)
        tz = wait(lambda: removed_zc(zb, full), 4)
        ta = wait(lambda: aw.removed.get("NT Goodbye"), 4)
        tn = wait(lambda: removed_nt(nb, "NT Goodbye"), 4)
        for who, t in (("python-zeroconf", tz), ("avahi-browse", ta), ("nautilus browse", tn)):
            if t:
                c.figure("goodbye_removed_%s" % who.replace(" ", "_").replace("-", "_"), t - t0, "s")
            c.check(t is not None and t - t0 <= 2.0,
                    "%s reports NT Goodbye removed within 2 s" % who,
                    None if t is None else "%.3f s" % (t - t0))

        # -- 1b. Avahi and python-zeroconf publishers stop normally ------------
        avahi_e = e.start_avahi("avahi-e")
        ap = avahi_e.publish("Avahi Goodbye", "_http._tcp", 8002, ["b=2"])
        zp, _ = zc_register(e, "ZC Goodbye", "_http._tcp", 8003, ["c=3"], host_name="zc-e")
        ok = wait(lambda: present_nt(nb, "Avahi Goodbye") and present_nt(nb, "ZC Goodbye"), 10)
        c.check(bool(ok), "nautilus browse sees Avahi Goodbye and ZC Goodbye")
        time.sleep(1.0)
        t0 = time.monotonic()
        ap.stop(signal.SIGTERM)
        zp.stop(signal.SIGTERM)
        for inst in ("Avahi Goodbye", "ZC Goodbye"):
            t = wait(lambda: removed_nt(nb, inst), 4)
            if t:
                c.figure("goodbye_removed_by_nautilus_%s" % inst.split()[0].lower(), t - t0, "s")
            c.check(t is not None and t - t0 <= 2.0,
                    "nautilus browse reports %s removed within 2 s" % inst,
                    None if t is None else "%.3f s" % (t - t0))

        # -- 2a. Nautilus publisher, SIGKILL (no goodbye) -----------------------
        pub = Nautilus(nbin, a).publish("NT Killed", "_http._tcp", 8004, ["d=4"],
                                        host_name="nt-a", ttl=TTL)
        full = "NT Killed._http._tcp.local."
        seen = [wait(lambda: zb.seen(lambda o: o.get("name") == full and o.get("port")), 10),
                wait(lambda: "NT Killed" in aw.added, 10),
                wait(lambda: present_nt(nb, "NT Killed"), 10)]
        c.check(all(seen), "NT Killed seen by zeroconf, avahi, nautilus browse",
                [bool(x) for x in seen])
        t0 = time.monotonic()
        pub.stop(signal.SIGKILL)
        limit = TTL + 3.0
        tn = wait(lambda: removed_nt(nb, "NT Killed"), limit + 2)
        ta = wait(lambda: aw.removed.get("NT Killed"), 1)
        for who, t in (("avahi-browse", ta), ("nautilus browse", tn)):
            if t:
                c.figure("killed_removed_%s" % who.replace(" ", "_").replace("-", "_"), t - t0, "s")
            c.check(t is not None and t - t0 <= limit,
                    "%s drops NT Killed (TTL %d) within %.0f s" % (who, TTL, limit),
                    None if t is None else "%.3f s" % (t - t0))
        # python-zeroconf 0.47's ServiceBrowser did not report expired PTRs as
        # removed in our runs (not even after 70 s; it does on goodbyes), so
        # its figure is reported, not asserted.
        tz = removed_zc(zb, full)
        c.figure("killed_removed_python_zeroconf",
                 "%.3f" % (tz - t0) if tz else "not reported", "s")

        # -- 2b. python-zeroconf publisher killed; Nautilus must expire it ------
        zp, _ = zc_register(e, "ZC Killed", "_http._tcp", 8005, ["e=5"],
                            host_name="zc-e2", ttl=TTL, name="zc-killed")
        ok = wait(lambda: present_nt(nb, "ZC Killed"), 10)
        c.check(bool(ok), "nautilus browse sees ZC Killed")
        t0 = time.monotonic()
        zp.stop(signal.SIGKILL)
        t = wait(lambda: removed_nt(nb, "ZC Killed"), limit + 2)
        if t:
            c.figure("killed_removed_by_nautilus_zeroconf", t - t0, "s")
        c.check(t is not None and t - t0 <= limit,
                "nautilus browse drops ZC Killed (TTL %d) within %.0f s" % (TTL, limit),
                None if t is None else "%.3f s" % (t - t0))

        # -- 2c. Passive observation of failures (section 10.5) -----------------
        # Default TTLs (120 s / 75 min): only POOF can remove it in time. After
        # A dies, E asks twice or more for its PTR and SRV; nobody answers, so
        # the browser must flush them within 10 s of the first unanswered query.
        pub = Nautilus(nbin, a).publish("NT Poof", "_http._tcp", 8006, ["f=6"], host_name="nt-a")
        ok = wait(lambda: present_nt(nb, "NT Poof"), 10)
        c.check(bool(ok), "nautilus browse sees NT Poof")
        time.sleep(1.0)
        pub.stop(signal.SIGKILL)
        t0 = time.monotonic()
        srv = "NT\\032Poof._http._tcp.local."
        for _ in range(3):
            mdnsq(e, ["_http._tcp.local.", "PTR"], wait=0.3)
            mdnsq(e, [srv, "SRV"], wait=0.3)
            time.sleep(1.0)
        t = wait(lambda: removed_nt(nb, "NT Poof"), 14 - (time.monotonic() - t0))
        if t:
            c.figure("poof_removed_by_nautilus", t - t0, "s")
        c.check(t is not None and t - t0 <= 13.0,
                "nautilus browse flushes NT Poof after unanswered queries (section 10.5)",
                None if t is None else "%.3f s" % (t - t0))
        ta = aw.removed.get("NT Poof")  # avahi-daemon in C saw the same queries from E
        c.figure("poof_removed_by_avahi", "%.3f" % (ta - t0) if ta else "not reported", "s")
    c.done()


if __name__ == "__main__":
    main()
