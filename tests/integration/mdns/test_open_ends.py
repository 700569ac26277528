#!/usr/bin/python3
"""Issue 9, part 3: the engine's open ends, seen from outside.

a. A pure querier claims nothing: a tshark capture of a 4-second `nautilus
   browse` and of a `nautilus resolve` on host B holds only queries from B's
   addresses: no probe (a query with an authority section), no response,
   no announcement. For comparison, `nautilus publish` on A does probe and
   announce in the same capture.
b. Cold `nautilus resolve HOST -4` and `-6` on B against avahi-daemon on A,
   next to `avahi-resolve -n HOST -4/-6` on B (through an avahi-daemon on B
   that is started afresh for every run, so its cache is cold too; it is
   stopped while nautilus runs, so the two never share B's port 5353).
   Median wall time of 5 runs of each process, and the ratio. Timings are
   reported, never asserted; each resolve must succeed.
c. A dig-style query with dnspython (dns.query.udp, unicast to A's
   address:5353 from an ephemeral port: an RFC 6762 section 6.7 legacy
   query) for _nautilus.<instance>.<type>.local TXT against `nautilus
   publish --sign` is answered with the TXT, its RRSIG and the DNSKEY, and
   dns.dnssec.validate accepts the TXT with that DNSKEY alone.
d. Two namespaces publish --sign --host same with different keys; the later
   one is renamed after the conflict, and what it announces at its new name
   (A, AAAA, and the SRV that now points there) carries RRSIGs whose signer
   is the new name and that validate with the DNSKEY at the new name, whose
   DS digest is the one `publish` printed for it ("signing as NEW key D").
e. `browse --stats --json` (B, pinning A's key) ends with one stats line:
   every documented key, cache_records > 0, verified sets > 0, and rejected
   >= 1 after an unsigned spoof of A's address record sent from C.
"""
import json
import os
import re
import statistics
import struct
import subprocess
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "trust"))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import trustlib as T  # noqa: E402
from nttest import (PYTHON, Checks, Lan, Nautilus, mdnsq, nautilus_path,  # noqa: E402
                    read_mdns_pcap, require_commands)

import dns.dnssec  # noqa: E402
import dns.rdatatype as RT  # noqa: E402

GROUPS = ("224.0.0.251", "ff02::fb")
RUNS = 5          # (b) runs of each resolver and family
GAP = 1.2         # (b) seconds between runs: past RFC 6762 section 6's per-record 1 s
AVAHI_SETTLE = 6.0  # (b) seconds after A's avahi-daemon started: its announcements are over
STYPE = "_ntoe._tcp"
SIG_HOST = "oe-sig"
SIG_INSTANCE = "Open Ends"

# A dig-style query, run inside a namespace: argv = name type server timeout.
# Prints the reply's wire form in hex, or "error <text>".
DIG = r'''
import sys
import dns.exception, dns.message, dns.query
name, rtype, server, timeout = sys.argv[1:5]
q = dns.message.make_query(name, rtype)
q.flags = 0  # an mDNS query: no RD
try:
    r = dns.query.udp(q, server, port=5353, timeout=float(timeout), ignore_trailing=True)
    print(r.to_wire().hex())
except (dns.exception.DNSException, OSError) as e:
    print("error %s: %s" % (type(e).__name__, e))
'''


def header(raw):
    """(is_response, qd, an, ns, ar) from a DNS message's 12-byte header."""
    flags, qd, an, ns, ar = struct.unpack_from("!H4H", raw, 2)
    return bool(flags & 0x8000), qd, an, ns, ar


def validates(rrset, sigs, keys):
    try:
        dns.dnssec.validate(rrset, sigs, keys)
        return True, ""
    except (dns.dnssec.ValidationFailure, dns.dnssec.UnsupportedAlgorithm) as e:
        return False, str(e)


def help_keys(nbin):
    """The stats keys `browse --help` documents (agent/run/stats_out.h)."""
    out = subprocess.run([nbin, "browse", "--help"], stdout=subprocess.PIPE, text=True).stdout
    keys, on = [], False
    for line in out.splitlines():
        if "The keys (stable):" in line:
            on = True
            continue
        if on and not line.startswith(" " * 17):
            break
        if on:
            keys += [w for w in line.split() if re.fullmatch(r"[a-z][a-z0-9_]*", w)]
    return keys


# ---- a. a pure querier sends queries only ------------------------------------

def part_a(c, nbin):
    host_a = "oe-pub"
    with Lan(hosts=2, prefix="ntoea") as lan:
        a, b = lan.hosts
        pcap = os.path.join(lan.workdir, "querier.pcap")
        cap = b.capture(pcap)
        mine_a = {a.v4, a.v6, a.link_local()}
        mine_b = {b.v4, b.v6, b.link_local()}
        pub = Nautilus(nbin, a).publish("OE Peer", "_http._tcp", 8080, ["x=1"], host_name=host_a)
        c.check(pub.logged("published", 10), "(a) publish on A established", pub.read_log())
        time.sleep(2.5)  # its announcements (1 s apart) are over
        tb0 = time.time()
        r = b.run([nbin, "browse", "_http._tcp", "-i", "lan0", "--timeout", "4"], timeout=30)
        tb1 = time.time()
        c.check(r.returncode == 0 and "OE Peer" in r.stdout,
                "(a) 4-s browse on B found A's service", (r.returncode, r.stdout, r.stderr))
        time.sleep(1.2)
        tr0 = time.time()
        r = b.run([nbin, "resolve", host_a + ".local", "-i", "lan0", "--timeout", "3"], timeout=30)
        tr1 = time.time()
        c.check(r.returncode == 0 and a.v4 in r.stdout, "(a) resolve on B answered with A's address",
                (r.returncode, r.stdout, r.stderr))
        time.sleep(1.0)  # whatever B might still send after its processes exit
        cap.stop()
        pub.stop()

        pk = read_mdns_pcap(pcap)
        from_b = [p for p in pk if p["src"] in mine_b]
        heads = [(p, header(p["raw"])) for p in from_b if len(p["raw"]) >= 12]
        c.check(len(heads) == len(from_b), "(a) every packet from B has a DNS header", len(from_b))
        in_browse = [h for p, h in heads if tb0 <= p["t"] <= tb1 + 0.5]
        in_resolve = [h for p, h in heads if tr0 <= p["t"] <= tr1 + 0.5]
        probes = [p for p, h in heads if not h[0] and h[3] > 0]
        responses = [p for p, h in heads if h[0]]
        c.figure("querier_packets_from_b", len(from_b), "packets")
        c.figure("querier_browse_queries", len(in_browse), "packets")
        c.figure("querier_resolve_queries", len(in_resolve), "packets")
        c.figure("querier_probes_from_b", len(probes), "packets")
        c.figure("querier_responses_from_b", len(responses), "packets")
        c.check(any(not h[0] and h[1] > 0 for h in in_browse), "(a) browse on B sent queries",
                len(in_browse))
        c.check(any(not h[0] and h[1] > 0 for h in in_resolve), "(a) resolve on B sent queries",
                len(in_resolve))
        c.check(not probes, "(a) B sent no probe (no query with an authority section)",
                [(p["t"], p["src"], p["answers"][:2]) for p in probes[:3]])
        c.check(not responses, "(a) B sent no response or announcement",
                [(p["t"], p["dst"], p["answers"][:3]) for p in responses[:3]])
        stray = [p for p, h in heads if not (tb0 - 0.5 <= p["t"] <= tb1 + 0.5 or
                                            tr0 - 0.5 <= p["t"] <= tr1 + 0.5)]
        c.check(not stray, "(a) B sent nothing outside the browse and resolve runs",
                [(p["t"], p["dst"]) for p in stray[:3]])

        # The same capture, for comparison: the publisher probes and announces.
        from_a = [(p, header(p["raw"])) for p in pk if p["src"] in mine_a and len(p["raw"]) >= 12]
        a_probes = [p for p, h in from_a if not h[0] and h[3] > 0]
        a_ann = [p for p, h in from_a if h[0] and p["dst"] in GROUPS and p["t"] < tb0]
        c.figure("publisher_probes_from_a", len(a_probes), "packets")
        c.figure("publisher_announcements_from_a", len(a_ann), "packets")
        c.check(len(a_probes) >= 3, "(a) compare: publish on A probed (>= 3 probes)", len(a_probes))
        c.check(len(a_ann) >= 2, "(a) compare: publish on A announced (>= 2 announcements)",
                len(a_ann))


# ---- b. cold resolve against Avahi, next to avahi-resolve --------------------

def addr_in(text, want):
    return any(w and w in text for w in want)


def part_b(c, nbin):
    av_a, av_b = "avahi-oa", "avahi-ob"
    with Lan(hosts=2, prefix="ntoeb") as lan:
        a, b = lan.hosts
        a.start_avahi(av_a)
        # Avahi announces its addresses for a few seconds after startup; an
        # announcement caught by a fresh daemon on B would warm its cache.
        time.sleep(AVAHI_SETTLE)
        want = {"-4": (a.v4,), "-6": (a.v6, a.link_local())}
        times = {(who, fam): [] for who in ("nautilus", "avahi") for fam in want}
        fails = {k: [] for k in times}
        for i in range(RUNS):
            for fam in ("-4", "-6"):
                time.sleep(GAP)
                t0 = time.monotonic()
                r = b.run([nbin, "resolve", av_a + ".local", fam, "-i", "lan0",
                           "--timeout", "5"], timeout=30)
                dt = time.monotonic() - t0
                if r.returncode == 0 and addr_in(r.stdout, want[fam]):
                    times[("nautilus", fam)].append(dt)
                else:
                    fails[("nautilus", fam)].append((i, r.returncode, r.stdout, r.stderr))
                # A fresh avahi-daemon on B for each run: a cold cache, as
                # nautilus has one; stopped again before nautilus runs next.
                av = b.start_avahi(av_b)
                time.sleep(GAP)
                t0 = time.monotonic()
                r = av.run(["avahi-resolve", "-n", av_a + ".local", fam], timeout=30)
                dt = time.monotonic() - t0
                av.proc.stop()
                if r.returncode == 0 and addr_in(r.stdout, want[fam]):
                    times[("avahi", fam)].append(dt)
                else:
                    fails[("avahi", fam)].append((i, r.returncode, r.stdout, r.stderr))
        for fam, v in (("-4", "v4"), ("-6", "v6")):
            for who, what in (("nautilus", "nautilus resolve"), ("avahi", "avahi-resolve -n")):
                got = times[(who, fam)]
                c.check(not fails[(who, fam)] and len(got) == RUNS,
                        "(b) %s %s.local %s: %d of %d runs answered" % (what, av_a, fam, len(got),
                                                                      RUNS),
                        fails[(who, fam)][:2])
                c.note("(b) %s %s: %s s" % (what, fam, " ".join("%.3f" % x for x in got)))
            nt, av = times[("nautilus", fam)], times[("avahi", fam)]
            if nt and av:
                mn, ma = statistics.median(nt), statistics.median(av)
                c.figure("resolve_%s_nautilus_median" % v, mn, "s")
                c.figure("resolve_%s_avahi_resolve_median" % v, ma, "s")
                c.figure("resolve_%s_ratio_nautilus_to_avahi" % v, mn / ma, "x (goal <= 0.5)")


# ---- c + e. signed metadata by direct query; browse --stats ---------------------

def attacker_send(host, data, repeat=2, gap=0.3):
    """Sends data to 224.0.0.251:5353 from host's port 5353 with the trust
    tests' attacker radio (tests/integration/trust/attacker.py)."""
    err = open(os.path.join(host.lan.workdir, "attacker.err"), "w")
    radio = host.spawn([PYTHON, "-u", T.ATTACK], name="attacker", stdout=subprocess.PIPE,
                       stderr=err, stdin=subprocess.PIPE)
    first = json.loads(radio.popen.stdout.readline() or "{}")
    if not first.get("ready"):
        radio.stop()
        raise RuntimeError("attacker radio not ready")
    radio.popen.stdin.write(json.dumps({"op": "send", "hex": data.hex(), "repeat": repeat,
                                        "gap": gap}) + "\n")
    radio.popen.stdin.flush()
    reply = json.loads(radio.popen.stdout.readline() or "{}")
    radio.popen.stdin.write(json.dumps({"op": "quit"}) + "\n")
    radio.popen.stdin.flush()
    radio.stop()
    return reply


def check_meta_reply(c, raw, meta_owner, host, key_digest):
    sets = T.rrsets_of(raw)
    owner = meta_owner.to_text().lower()
    txt = sets.get((owner, RT.TXT, RT.NONE))
    sig = sets.get((owner, RT.RRSIG, RT.TXT))
    key = sets.get((host.to_text().lower(), RT.DNSKEY, RT.NONE))
    c.check(txt is not None, "(c) the reply answers %s TXT" % meta_owner, list(sets))
    c.check(sig is not None, "(c) ... with an RRSIG for it", list(sets))
    c.check(key is not None, "(c) ... and the DNSKEY of %s in the same reply" % host, list(sets))
    if txt is None or sig is None or key is None:
        return
    data = b"".join(b"".join(rd.strings) for rd in txt)
    c.check(b"v=1" in data, "(c) the metadata TXT holds v=1", data[:40])
    ok, why = validates(txt, sig, {host: key})
    c.check(ok, "(c) dns.dnssec.validate accepts the TXT with that DNSKEY", why)
    s0 = list(sig)[0]
    c.check(s0.signer == host and s0.algorithm == 15,
            "(c) RRSIG signer %s, algorithm 15 (Ed25519)" % host, s0.to_text()[:120])
    ds = dns.dnssec.make_ds(host, list(key)[0], "SHA256").digest.hex()
    c.check(ds == key_digest, "(c) DNSKEY's DS digest = keygen's key digest", (ds, key_digest))
    c.figure("meta_reply_bytes", len(raw), "bytes")


def part_c_e(c, nbin):
    with Lan(hosts=3, prefix="ntoec") as lan:
        a, b, h3 = lan.hosts
        state = os.path.join(lan.workdir, "state-a")
        kg = T.keygen(nbin, state, SIG_HOST)
        trust = os.path.join(lan.workdir, "trust.txt")
        T.write_trust_file(trust, [(SIG_HOST + ".local", kg["key_digest"])])
        br = Nautilus(nbin, b).browse(STYPE, timeout=12, extra=["--trust", trust, "--stats"],
                                      name="browse-stats")
        pub = Nautilus(nbin, a).publish(SIG_INSTANCE, STYPE, 7000, ["k=v"], host_name=SIG_HOST,
                                        extra=["--sign", "--state", state])
        c.check(pub.logged("published", 10), "(c) signed publish on A established",
                pub.read_log())
        seen = br.wait_for(lambda o: o.get("instance") == SIG_INSTANCE and
                           o.get("trust") == "trusted", 8)
        c.check(seen is not None, "(e) pinned browse on B shows A's service as trusted",
                br.raw[-3:])

        # c. the dig-style query, from the third host.
        meta = T.name("_nautilus.%s.%s.local" % (SIG_INSTANCE.replace(" ", "\\032"), STYPE))
        host = T.name(SIG_HOST + ".local")
        r = h3.run([PYTHON, "-c", DIG, meta.to_text(), "TXT", a.v4, "3"], timeout=20)
        out = r.stdout.strip()
        raw = None
        if out and not out.startswith("error"):
            raw = bytes.fromhex(out.splitlines()[-1])
        c.check(raw is not None, "(c) dns.query.udp to %s:5353 for %s TXT got a reply" % (a.v4, meta),
                (out[:200], r.stderr[-300:]))
        if raw is not None:
            check_meta_reply(c, raw, meta, host, kg["key_digest"])

        # e. an unsigned spoof of the pinned host's address, from the third host.
        spoof = T.response([T.rrset(SIG_HOST + ".local", 120, "A", h3.v4)])
        sent = attacker_send(h3, spoof)
        c.check(sent.get("ok") is True, "(e) unsigned spoof of %s.local A sent from C" % SIG_HOST,
                sent)
        rej = br.wait_for(lambda o: o.get("event") == "rejected", 6)
        c.check(rej is not None and rej.get("reason") == "unsigned",
                "(e) browse rejected it (reason unsigned)", rej)
        try:
            br.proc.popen.wait(timeout=25)
        except subprocess.TimeoutExpired:
            br.proc.stop()
        stats = br.wait_for(lambda o: o.get("event") == "stats", 5) or \
            (br.seen(lambda o: o.get("event") == "stats") or [None])[-1]
        c.check(stats is not None, "(e) browse --stats --json printed a stats line on exit",
                br.raw[-3:])
        c.check(br.raw and br.raw[-1].startswith('{"event":"stats"'),
                "(e) ... as its last line", br.raw[-2:])
        pub.stop()
        if stats is None:
            return
        keys = help_keys(nbin)
        got = sorted(k for k in stats if k not in ("event", "_t"))
        c.check(len(keys) >= 20 and got == sorted(keys),
                "(e) the stats line has exactly the %d keys --help lists" % len(keys),
                sorted(set(got) ^ set(keys)))
        for k in ("packets_in", "queries_sent", "cache_records", "rejected", "trust_rejected_sets",
                  "trust_verified_sets", "trust_unsigned_sets", "malformed", "offlink_dropped"):
            c.figure("stats_" + k, stats.get(k), "count")
        c.check(stats.get("cache_records", 0) > 0, "(e) cache_records > 0", stats)
        c.check(stats.get("packets_in", 0) > 0 and stats.get("queries_sent", 0) > 0,
                "(e) packets_in > 0 and queries_sent > 0", stats)
        c.check(stats.get("trust_verified_sets", 0) > 0, "(e) trust_verified_sets > 0", stats)
        c.check(stats.get("rejected", 0) >= 1 and stats.get("trust_rejected_sets", 0) >= 1,
                "(e) rejected >= 1 and trust_rejected_sets >= 1 after the spoof", stats)
        c.check(stats.get("responses_sent") == 0 and stats.get("conflicts") == 0,
                "(e) a browser sent no response and lost no name", stats)


# ---- d. a renamed host signs under its new name -------------------------------

def part_d(c, nbin):
    with Lan(hosts=3, prefix="ntoed") as lan:
        a, b, h3 = lan.hosts
        wd = lan.workdir
        for s in ("state-a", "state-b"):
            T.keygen(nbin, os.path.join(wd, s), "same")
        pcap = os.path.join(wd, "rename.pcap")
        cap = h3.capture(pcap)
        pubs = {}
        for h, s, inst, port in ((a, "state-a", "OE One", 7001), (b, "state-b", "OE Two", 7002)):
            pubs[h.name] = (h, inst, Nautilus(nbin, h).publish(
                inst, STYPE, port, ["n=%d" % port], host_name="same",
                extra=["--sign", "--state", os.path.join(wd, s)], name="publish-" + h.name))
            pubs[h.name][2].logged("published", 10)  # the second one starts after the first
        renamed = []
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            renamed = [(h, inst, p) for h, inst, p in pubs.values()
                       if "host renamed to" in p.read_log() and "published" in p.read_log()]
            if renamed:
                break
            time.sleep(0.1)
        c.check(len(renamed) == 1, "(d) exactly one of the two publishers renamed its host",
                {k: v[2].read_log() for k, v in pubs.items()})
        if len(renamed) != 1:
            cap.stop()
            return
        h, inst, p = renamed[0]
        log = p.read_log()
        m = re.search(r'host renamed to "([^"]+)" after conflict', log)
        new = m.group(1) if m else None
        m2 = re.search(r"signing as %s key ([0-9a-f]{64})" % re.escape(new or "?"), log)
        c.check(new is not None and new.rstrip(".") != "same.local",
                "(d) publish says: host renamed to %r" % new, log)
        c.check(m2 is not None, "(d) publish says: signing as %s key <digest>" % new, log)
        if not new or not m2:
            cap.stop()
            return
        digest = m2.group(1)
        time.sleep(2.5)  # its announcements at the new name
        for qn, qt in ((new, "A"), (new, "AAAA"), ("%s.%s.local" % (inst.replace(" ", "\\032"),
                                                                  STYPE), "SRV")):
            mdnsq(h3, [qn, qt], wait=0.6)
        time.sleep(0.3)
        cap.stop()

        mine = {h.v4, h.v6, h.link_local()}
        newname = T.name(new)
        srv_owner = T.name("%s.%s.local" % (inst.replace(" ", "\\032"), STYPE))
        ok, bad, old_signer, keys_seen = {}, [], [], set()
        for pk in read_mdns_pcap(pcap):
            if pk["src"] not in mine or not header(pk["raw"])[0]:
                continue
            try:
                sets = T.rrsets_of(pk["raw"])
            except Exception:  # noqa: BLE001  not ours to judge here
                continue
            key = sets.get((newname.to_text().lower(), RT.DNSKEY, RT.NONE))
            if key is not None:
                keys_seen.add(dns.dnssec.make_ds(newname, list(key)[0], "SHA256").digest.hex())
            for (owner, rtype, _cov), rs in sets.items():
                if rtype in (RT.A, RT.AAAA) and owner == newname.to_text().lower():
                    label = RT.to_text(rtype)
                elif rtype == RT.SRV and owner == srv_owner.to_text().lower() and \
                        any(rd.target == newname for rd in rs):
                    label = "SRV"
                else:
                    continue
                if rs.ttl == 0:
                    continue  # goodbyes are signed too, but not the point here
                sig = sets.get((owner, RT.RRSIG, rtype))
                if sig is None:
                    bad.append("%s %s unsigned" % (owner, label))
                    continue
                s0 = list(sig)[0]
                if s0.signer != newname:
                    old_signer.append("%s %s signed by %s" % (owner, label, s0.signer))
                    continue
                good, why = validates(rs, sig, {newname: key} if key is not None else {})
                if good:
                    ok[label] = ok.get(label, 0) + 1
                else:
                    bad.append("%s %s: %s" % (owner, label, why))
        for label in ("A", "AAAA", "SRV"):
            c.figure("renamed_validated_%s" % label, ok.get(label, 0), "rrsets")
            c.check(ok.get(label, 0) > 0,
                    "(d) %s at/to %s signed by %s validates with its DNSKEY" % (label, new, new), ok)
        c.check(not old_signer, "(d) nothing at the new name is signed under another name",
                old_signer[:4])
        c.check(not bad, "(d) no RRset at the new name is unsigned or fails validation", bad[:4])
        c.check(keys_seen == {digest}, "(d) the DNSKEY at %s has the digest publish printed" % new,
                (keys_seen, digest))
        for _h, _i, pp in pubs.values():
            c.check(pp.alive(), "(d) publisher %s still running" % _h.name, pp.read_log()[-200:])


def main():
    nbin = nautilus_path()
    require_commands(nbin, "publish", "browse", "resolve", "keygen")
    c = Checks("open ends: querier conduct, cold resolve, signed metadata, renamed signer, stats")
    for part in (part_a, part_b, part_c_e, part_d):
        try:
            part(c, nbin)
        except Exception:  # noqa: BLE001  one part's crash must not hide the others
            c.check(False, "%s ran to the end" % part.__name__, traceback.format_exc()[-800:])
    c.done()


if __name__ == "__main__":
    main()
