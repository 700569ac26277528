#!/usr/bin/python3
"""Issue 3, test 6: responder conduct, measured from a tshark capture.

A publishes one service (`nautilus publish`; `--peer avahi` runs the same
measurements against avahi-publish, for comparison). B sends hand-made
queries (dnspython, mdnsq.py). From the capture on A's lan0:
  - probes 250 ms apart (RFC 6762 section 8.1), at least 3;
  - announcements at least 1 s apart, at least 2 (section 8.3);
  - no record multicast more than once per second per interface and family
    (section 6), also under a burst of 10 queries in 1 s;
  - a query listing the answer as a known answer gets no reply (section 7.1),
    while the same query without it does;
  - legacy unicast queries (source port != 5353) are answered by unicast to
    that port, with the query ID and question echoed and TTL <= 10 s
    (section 6.7), over IPv4 and IPv6.
"""
import argparse
import os
import signal
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from nttest import (Checks, Lan, Nautilus, mdnsq, nautilus_path,  # noqa: E402
                    read_mdns_pcap, require_commands)

INSTANCE = "NT Conduct"
HOST = "nt-cond"
SRV_NAME = INSTANCE.replace(" ", "\\032") + "._http._tcp.local."
PTR_NAME = "_http._tcp.local."
GROUPS = ("224.0.0.251", "ff02::fb")


def gaps(ts):
    return [round(b - a, 3) for a, b in zip(ts, ts[1:])]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("nautilus", nargs="?")
    ap.add_argument("--peer", choices=("nautilus", "avahi"), default="nautilus")
    args = ap.parse_args()
    if args.peer == "nautilus":
        nbin = nautilus_path()
        require_commands(nbin, "publish")
    c = Checks("responder conduct (%s)" % args.peer)
    with Lan(hosts=2, prefix="ntcd") as lan:
        a, b = lan.hosts
        pcap = os.path.join(lan.workdir, "a.pcap")
        cap = a.capture(pcap)
        mine = {a.v4, a.v6, a.link_local()}
        if args.peer == "avahi":
            av = a.start_avahi(HOST)
            t_start = time.time()
            pub = av.publish(INSTANCE, "_http._tcp", 8080, ["x=1"])
        else:
            t_start = time.time()
            pub = Nautilus(nbin, a).publish(INSTANCE, "_http._tcp", 8080, ["x=1"], host_name=HOST)
        time.sleep(5.0)  # probing (~0.75 s) and the announcements
        t_queries = time.time()

        # Burst: 10 identical queries in 1 s; at most ~2 multicast answers may follow.
        mdnsq(b, ["--repeat", "10", "--interval", "0.1", PTR_NAME, "PTR"], wait=0.5)
        time.sleep(1.5)

        # Known-answer suppression: first the control, then the same with the answer.
        rc, replies = mdnsq(b, [PTR_NAME, "PTR"], wait=1.5)
        ours = [r for r in replies if r.get("from") in mine]
        ptr = [x for r in ours for x in r.get("answers", [])
               if x["type"] == "PTR" and x["rdata"].lower() == SRV_NAME.lower()]
        c.check(bool(ptr), "control query (no known answer) is answered", replies)
        ttl = ptr[0]["ttl"] if ptr else 4500
        c.figure("ptr_ttl", ttl, "s")
        time.sleep(1.2)
        rc, replies = mdnsq(b, ["--known", "PTR:" + SRV_NAME, "--known-ttl", str(ttl),
                                PTR_NAME, "PTR"], wait=1.5)
        ours = [r for r in replies if r.get("from") in mine]
        repeated = [x for r in ours for x in r.get("answers", [])
                    if x["type"] == "PTR" and x["rdata"].lower() == SRV_NAME.lower()]
        c.figure("known_answer_replies", len(repeated))
        c.check(not repeated, "a query listing the PTR as known answer gets no PTR back", ours)

        # Legacy unicast, IPv4 and IPv6.
        for fam, flag in ((4, []), (6, ["-6"])):
            time.sleep(1.1)
            rc, replies = mdnsq(b, flag + ["--port", "40001", "--id", "16962", SRV_NAME, "SRV"],
                                wait=1.5)
            ours = [r for r in replies if r.get("from") in mine or r.get("from", "").startswith("fe80")]
            c.check(bool(ours), "IPv%d legacy unicast query answered" % fam, replies)
            for r in ours[:1]:
                c.check(r["to_port"] == 40001 and r["sport"] == 5353,
                        "IPv%d: reply by unicast from 5353 to port 40001" % fam, r)
                c.check(r["id"] == 16962, "IPv%d: query ID echoed" % fam, r["id"])
                c.check([q["name"].lower() for q in r.get("questions", [])] == [SRV_NAME.lower()],
                        "IPv%d: question echoed" % fam, r.get("questions"))
                recs = r["answers"] + r["additional"]
                c.check(any(x["type"] == "SRV" for x in r["answers"]), "IPv%d: SRV answered" % fam, r)
                maxttl = max([x["ttl"] for x in recs] or [0])
                c.figure("legacy_unicast_v%d_max_ttl" % fam, maxttl, "s")
                c.check(maxttl <= 10, "IPv%d: every TTL <= 10 s" % fam, recs)
                c.check(not any(x["cache_flush"] for x in recs),
                        "IPv%d: no cache-flush bit in the legacy reply" % fam, recs)
        t_end = time.time()
        time.sleep(0.3)
        pub.stop(signal.SIGTERM)
        time.sleep(0.5)
        cap.stop()

        pk = [p for p in read_mdns_pcap(pcap) if p["src"] in mine]
        c.figure("packets_sent_by_responder", len(pk))
        # -- probes -----------------------------------------------------------
        for fam in (4, 6):
            probes = [p for p in pk if p["fam"] == fam and not p["is_response"] and p["n_auth"] > 0
                      and p["msg"] is not None
                      and any(q.name.to_text().lower() == SRV_NAME.lower() for q in p["msg"].question)]
            g = gaps([p["t"] for p in probes])
            c.figure("probe_count_v%d" % fam, len(probes))
            c.figure("probe_gaps_v%d" % fam, g, "s")
            c.check(len(probes) >= 3, "IPv%d: at least 3 probes for the service name" % fam)
            c.check(all(0.2 <= x <= 0.4 for x in g[:2]), "IPv%d: probes 250 ms apart" % fam, g)
        # -- announcements ------------------------------------------------------
        for fam in (4, 6):
            ann = [p for p in pk if p["fam"] == fam and p["is_response"] and p["dst"] in GROUPS
                   and p["t"] < t_queries
                   and any(x["type"] == "SRV" and x["name"].lower() == SRV_NAME.lower()
                           and x["ttl"] > 0 for x in p["answers"])]
            g = gaps([p["t"] for p in ann])
            c.figure("announcement_count_v%d" % fam, len(ann))
            c.figure("announcement_gaps_v%d" % fam, g, "s")
            c.check(len(ann) >= 2, "IPv%d: at least 2 announcements" % fam)
            c.check(all(x >= 0.95 for x in g), "IPv%d: announcements >= 1 s apart" % fam, g)
            if ann:
                c.figure("publish_to_first_announcement_v%d" % fam, ann[0]["t"] - t_start, "s")
        # -- per-record multicast rate ---------------------------------------------
        worst = None
        for fam in (4, 6):
            last = {}
            for p in pk:
                if p["fam"] != fam or not p["is_response"] or p["dst"] not in GROUPS:
                    continue
                for x in p["answers"]:
                    if x["ttl"] == 0:
                        continue  # goodbyes are not rate-limited
                    key = (x["name"].lower(), x["type"], x["rdata"].lower())
                    if key in last:
                        gap = p["t"] - last[key]
                        if worst is None or gap < worst[0]:
                            worst = (gap, fam, key)
                    last[key] = p["t"]
        if worst:
            c.figure("min_gap_same_record_multicast", worst[0], "s")
        c.check(worst is None or worst[0] >= 0.95,
                "no record multicast twice within 1 s on one interface/family", worst)
        burst = [p for p in pk if p["is_response"] and p["dst"] in GROUPS
                 and t_queries <= p["t"] <= t_queries + 1.5
                 and any(x["type"] == "PTR" and x["rdata"].lower() == SRV_NAME.lower()
                         for x in p["answers"])]
        c.figure("multicast_ptr_answers_to_10_query_burst", len(burst))
        c.check(len(burst) <= 4, "<= 2 multicast answers per family to a 1 s burst", len(burst))
        del t_end
    c.done()


if __name__ == "__main__":
    main()
