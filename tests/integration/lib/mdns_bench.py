"""Nautilus against avahi-daemon on the same namespace LAN, in the same run
(bench/mdns_vs_avahi.sh runs this as root with /usr/bin/python3):

  mdns_bench.py NAUTILUS [--rounds N] [--json FILE] [--no-flood]

  publish_to_browse   time from the publish command to the service's first
                      resolved appearance (port known) in a browser running in
                      another namespace; Nautilus publish -> `nautilus browse`,
                      avahi-publish -> avahi-daemon + `avahi-browse -r`.
  resolve_service     time for a browser started now to resolve a service that
                      exists already (Nautilus: a fresh `nautilus browse`
                      process, which starts cold; Avahi: a fresh avahi-browse
                      client of a running avahi-daemon, whose cache may be warm).
  resolve_host        `nautilus resolve H.local -4` vs `avahi-resolve -4 -n`.
  flood_cpu, flood_rss_growth, flood_rss_max
                      a responder under 10 s of 10 000 queries/s from another
                      namespace: CPU seconds it used, RSS growth.
Rounds of ours and the peer alternate, the median is reported. Each figure is
one aligned line and one JSON line {"name","ours","peer","unit","ratio"}
(ratio = ours/peer, below 1 means Nautilus is faster or smaller).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nttest import wait as nttest_wait  # noqa: E402
from nttest import (HERE, PYTHON, Lan, Nautilus, avahi_unescape, cpu_seconds,  # noqa: E402
                    rss_kb)

STYPE = "_ntbench._tcp"
FLOOD = os.path.join(HERE, "flood.py")


class AvahiStream:
    def __init__(self, avahi, argv):
        self.proc = avahi.spawn(argv, name="avahi-browse", stdout=subprocess.PIPE)
        self.resolved = {}
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self):
        for line in self.proc.popen.stdout:
            f = line.strip().split(";")
            if len(f) >= 9 and f[0] == "=":
                self.resolved.setdefault(avahi_unescape(f[3]), time.monotonic())


def wait(cond, timeout):
    """nttest.wait, polling every 2 ms: these waits are the figures."""
    return nttest_wait(cond, timeout, 0.002)


def report(results, name, ours, peer, unit):
    ratio = (ours / peer) if (ours is not None and peer) else None
    print("%-22s ours %10s  avahi %10s  %-3s ratio %s" % (
        name, "-" if ours is None else "%.4f" % ours, "-" if peer is None else "%.4f" % peer,
        unit, "-" if ratio is None else "%.3f" % ratio), flush=True)
    rec = {"name": "mdns." + name, "ours": ours, "peer": peer, "unit": unit, "ratio": ratio}
    print(json.dumps(rec), flush=True)
    results.append(rec)


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def flood_figures(host_resp, pid, attacker, b):
    rss0, cpu0 = rss_kb(pid), cpu_seconds(pid)
    fl = attacker.spawn([PYTHON, FLOOD, "queries", "--rate", "10000", "--seconds", "10"],
                        name="flood")
    rss_max = rss0 or 0
    while fl.alive():
        rss_max = max(rss_max, rss_kb(pid) or 0)
        time.sleep(0.2)
    cpu1 = cpu_seconds(pid)
    del host_resp, b
    return (None if cpu0 is None or cpu1 is None else cpu1 - cpu0,
            None if rss0 is None else (rss_max - rss0), rss_max or None)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("nautilus")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--json")
    ap.add_argument("--no-flood", action="store_true")
    a = ap.parse_args()
    nbin = os.path.abspath(a.nautilus)
    results = []
    with Lan(hosts=5, prefix="ntbench") as lan:
        a_nt, a_av, b_nt, b_av, attacker = lan.hosts
        av_pub = a_av.start_avahi("av-pub")
        av_brw = b_av.start_avahi("av-brw")
        nb = Nautilus(nbin, b_nt).browse(STYPE, name="nt-browse")
        ab = AvahiStream(av_brw, ["avahi-browse", "-kpr", STYPE])
        time.sleep(1.0)

        # -- publish_to_browse --------------------------------------------------
        ours, peer = [], []
        for i in range(a.rounds):
            inst = "NT round %d" % i
            t0 = time.monotonic()
            p = Nautilus(nbin, a_nt).publish(inst, STYPE, 7000 + i, ["r=%d" % i], host_name="nt-pub")
            ev = nb.wait_for(lambda o, inst=inst: o.get("instance") == inst and o.get("port"), 10)
            ours.append(ev["_t"] - t0 if ev else None)
            p.stop()
            inst = "AV round %d" % i
            t0 = time.monotonic()
            p = av_pub.spawn(["avahi-publish", "-s", inst, STYPE, str(7100 + i), "r=%d" % i],
                             name="avahi-publish")
            t = wait(lambda inst=inst: ab.resolved.get(inst), 10)
            peer.append(t - t0 if t else None)
            p.stop()
            time.sleep(0.3)
        report(results, "publish_to_browse", med(ours), med(peer), "s")

        # -- resolve_service ------------------------------------------------------
        pn = Nautilus(nbin, a_nt).publish("NT existing", STYPE, 7200, ["e=1"], host_name="nt-pub")
        pa = av_pub.publish("AV existing", STYPE, 7201, ["e=1"])
        time.sleep(3.0)
        ours, peer = [], []
        for i in range(a.rounds):
            t0 = time.monotonic()
            lines = Nautilus(nbin, b_nt).browse(STYPE, name="nt-browse-%d" % i)
            ev = lines.wait_for(lambda o: o.get("instance") == "NT existing" and o.get("port"), 10)
            ours.append(ev["_t"] - t0 if ev else None)
            lines.proc.stop()
            t0 = time.monotonic()
            s = AvahiStream(av_brw, ["avahi-browse", "-kpr", STYPE])
            t = wait(lambda: s.resolved.get("AV existing"), 10)
            peer.append(t - t0 if t else None)
            s.proc.stop()
            time.sleep(0.3)
        report(results, "resolve_service", med(ours), med(peer), "s")

        # -- resolve_host ----------------------------------------------------------
        ours, peer = [], []
        for i in range(a.rounds):
            t0 = time.monotonic()
            r = b_nt.run([nbin, "resolve", "nt-pub.local", "-4", "--timeout", "3"], timeout=15)
            ours.append(time.monotonic() - t0 if r.returncode == 0 else None)
            t0 = time.monotonic()
            r = av_brw.run(["avahi-resolve", "-4", "-n", "av-pub.local"], timeout=15)
            peer.append(time.monotonic() - t0 if r.returncode == 0 and r.stdout.strip() else None)
        report(results, "resolve_host", med(ours), med(peer), "s")
        pn.stop()
        pa.stop()

        # -- flood -----------------------------------------------------------------
        if not a.no_flood:
            pn = Nautilus(nbin, a_nt).publish("NT flooded", STYPE, 7300, ["f=1"], host_name="nt-pub")
            time.sleep(2.0)
            cpu_n, rss_n, max_n = flood_figures(a_nt, pn.pid, attacker, b_nt)
            pn.stop()
            pa = av_pub.publish("AV flooded", STYPE, 7301, ["f=1"])
            time.sleep(2.0)
            cpu_a, rss_a, max_a = flood_figures(a_av, av_pub.pid, attacker, b_av)
            pa.stop()
            report(results, "flood_cpu", cpu_n, cpu_a, "s")
            report(results, "flood_rss_growth", rss_n, rss_a, "kB")
            report(results, "flood_rss_max", max_n, max_a, "kB")
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"suite": "mdns_vs_avahi", "cpus": os.cpu_count(), "results": results}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
