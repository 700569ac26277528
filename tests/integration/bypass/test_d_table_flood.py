#!/usr/bin/python3
"""Issue 8 (d): security state evicted by traffic.

The signer memory (which key vouched for which name: the claim that makes an
unsigned record for a pinned service a spoof) was a capped table that evicted
its least recently used entry when full. A flood of more than 4096 validly
self-signed names (the attacker's own key, one signature check for 32 names
with a PTR set) evicted the claim protecting a pinned service, after which
an unsigned record for that service was accepted as plain mDNS.

Fixed behaviour checked here: claims and pins are never evicted; new
unverified entries are refused (reason `table-full`) when the table is full.
After a flood of 4800 self-signed names, an unsigned SRV for the pinned
instance (pointing at the attacker) is still rejected `unsigned` by both
pinned browsers, the real service keeps port, host, address and trust, and
the real publisher keeps its name (its own claim is not evicted either).

Hosts: h1 the real publisher (victim.local), h2 a pinned browser with
--require trusted, h3 the attacker, h4 a pinned browser without --require
(it would show the spoof if it took it), h5 a second pinned publisher
(parked.local) killed with SIGKILL before the attacks: a live publisher's
traffic can renew its claim between flood and spoof, a silent one's cannot
(the attacker picks its moment). The flood and the spoofs go by multicast,
then (new names) by unicast to h2 and h4.
"""
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bypasslib as B  # noqa: E402
from bypasslib import T  # noqa: E402

import dns.name  # noqa: E402
import dns.rdataclass  # noqa: E402
import dns.rdatatype as RT  # noqa: E402
import dns.rrset  # noqa: E402

PARKED = "Parked Service"
from dns.rdtypes.ANY.PTR import PTR  # noqa: E402

N_SETS = 150       # signed PTR sets
PER_SET = 32       # names per set: 4800 names for 150 signature checks
PER_PACKET = 7     # sets per datagram (under the engine's 256 records)


def flood_packets(key, tag):
    now = int(time.time())
    IN = dns.rdataclass.IN
    sets = []
    for k in range(N_SETS):
        owner = T.name("_fl%s%d._udp.local" % (tag, k))
        rs = dns.rrset.RRset(owner, IN, RT.PTR)
        for j in range(PER_SET):
            rs.add(PTR(IN, RT.PTR, dns.name.Name([b"t%d" % j]).concatenate(owner)), 4500)
        sets.append(rs)
    return [B.signed_packet(key, sets[i:i + PER_PACKET], now - 60, now + B.DAY)
            for i in range(0, N_SETS, PER_PACKET)]


def main():
    nbin = B.nautilus_path()
    B.require_commands(nbin, "publish", "browse", "keygen")
    T.require_trust_cli(nbin)
    c = B.Checks("(d) security state evicted by a flood of self-signed names")
    with B.Lan(hosts=5, prefix="ntbd") as lan:
        h1, h2, h3, h4, h5 = lan.hosts
        w = B.World(lan, nbin, "d")
        _, k1, _ = w.keygen("victim")
        _, k5, _ = w.keygen("parked")
        trust = w.trust_file(["victim", "parked"])
        radio = B.Radio(h3)
        nb = w.browse(h2, ["--trust", trust, "--require", "trusted"], "browse-pinned")
        nb_all = w.browse(h4, ["--trust", trust], "browse-pinned-all")
        pub = w.publish(h1, B.REAL, "victim")
        real_e = B.Expect(B.REAL, B.PORT, "victim.local", h1.v4, "trusted", k1["key_digest"])
        parked_e = B.Expect(PARKED, 632, "parked.local", h5.v4, "trusted", k5["key_digest"])
        parked = B.Parked(w, h5, PARKED, "parked", 632, [(nb, parked_e), (nb_all, parked_e)])
        for lines, who in ((nb, "pinned browser (--require trusted)"),
                           (nb_all, "pinned browser (no --require)")):
            for e in (real_e, parked_e):
                st = B.wait_shown(lines, e, 12)
                c.check(st is not None, "%s shows %s trusted" % (who, e.instance),
                        B.brief(B.svc_state(list(lines.all), e.instance)))
        if c.failed:
            c.done()
        flooder = T.Key("flood.local")
        time.sleep(1.0)

        for tag, dests in B.variants(h2, h4):
            label = "(d %s) %d self-signed names, then unsigned SRVs for the pinned instances" % (
                tag, N_SETS * PER_SET)
            parked.restore(c, label)
            packets = flood_packets(flooder, tag[0])
            renames = B.publisher_renamed(pub)
            t0 = time.monotonic()
            for d in dests:
                radio.send_many(packets, to=d, gap=0.003)
            c.note("%s: %d datagrams of up to %d bytes to %s" % (
                label, len(packets), max(len(p) for p in packets), dests))
            time.sleep(1.5)
            full = B.since(nb_all, t0, lambda o: o.get("event") == "rejected" and
                           o.get("reason") == "table-full")
            c.note("%s: table-full rejections shown: %d" % (label, len(full)))
            spoof = T.response([T.rrset(B.full(PARKED), 120, "SRV", "0 0 6666 attacker.local."),
                                T.rrset(B.full(B.REAL), 120, "SRV", "0 0 6666 attacker.local.")],
                               [T.rrset("attacker.local", 120, "A", h3.v4)])
            t1 = time.monotonic()
            B.send_to(radio, spoof, dests)
            for lines, who in ((nb, "pinned browser (--require trusted)"),
                               (nb_all, "pinned browser (no --require)")):
                ev = B.wait_new(lines, lambda o: o.get("event") == "rejected" and
                                o.get("reason") == "unsigned" and o.get("instance") == PARKED,
                                t1, B.REJECT_WAIT)
                c.check(ev is not None, "%s: %s rejects the SRV for %s, reason unsigned" % (
                    label, who, PARKED),
                    [B.brief(o) for o in B.since(lines, t1, lambda o: o.get("event") ==
                                                 "rejected" and o.get("reason") != "table-full")])
            time.sleep(1.5)
            for lines, who in ((nb, "pinned browser (--require trusted)"),
                               (nb_all, "pinned browser (no --require)")):
                B.check_kept(c, lines, t0, [real_e, parked_e], label, who=who)
            c.check(B.publisher_renamed(pub) == renames,
                    "%s: the real publisher kept its name" % label, pub.read_log()[-300:])

        rc, evs, err = w.fresh_browse(h4, ["--trust", trust, "--require", "trusted"])
        fr = B.svc_state(evs, B.REAL)
        c.check(rc == 0 and real_e.matches(fr),
                "fresh pinned browser: real service, port %d, host victim.local, trusted" % B.PORT,
                (rc, B.brief(fr), err[-200:]))
        c.check(nb.proc.alive() and nb_all.proc.alive() and pub.alive(),
                "browsers and publisher still running")
    B.summary(c, "d")
    c.done()


if __name__ == "__main__":
    main()
