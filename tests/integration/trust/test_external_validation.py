#!/usr/bin/python3
"""Issue 4, must-show 1: what `nautilus publish --sign` puts on the wire
validates with an independent RFC 4034 implementation, dnspython's
dns.dnssec.validate, using only the DNSKEY from the same capture.

Host A publishes a signed service; host B captures with tshark while a
browser on B asks for everything (SRV, TXT, A, AAAA, PTR). Every RRset from A
that comes with an RRSIG is regrouped per packet (cache-flush bit cleared:
class 0x8001 -> IN), and validated. Then tampered copies must fail: one RDATA
byte flipped, a record added, the RRSIG's original TTL changed; a copy whose
TTL alone changed must still pass (the RRSIG's original TTL is what is
signed, so TTL decay in caches does not break it).
"""
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import trustlib as T  # noqa: E402
from nttest import (PYTHON, Checks, Lan, Nautilus, nautilus_path,  # noqa: E402
                    read_mdns_pcap, require_commands)

import dns.dnssec  # noqa: E402
import dns.rdata  # noqa: E402
import dns.rdatatype as RT  # noqa: E402
import dns.rrset  # noqa: E402

STYPE = "_ntsig._tcp"
INSTANCE = "Signed Printer"
HOST = "ntsig-a"
TXT = ["rp=ipp/print", "ty=Nautilus Signed", "note=a b=c"]
WANT = (RT.SRV, RT.TXT, RT.PTR, RT.A, RT.AAAA)
# A byte inside each type's RDATA that changes its meaning (not a name's
# length octet, not a letter's case bit, which canonical form would undo).
FLIP_AT = {RT.SRV: 5, RT.TXT: 1, RT.PTR: 1, RT.A: 3, RT.AAAA: 15}


def validates(rrset, sigs, keys):
    try:
        dns.dnssec.validate(rrset, sigs, keys)
        return True, ""
    except (dns.dnssec.ValidationFailure, dns.dnssec.UnsupportedAlgorithm) as e:
        return False, str(e)


def flipped(rrset, rtype):
    """A copy of rrset with one RDATA byte of its first record flipped."""
    rds = sorted(rrset, key=lambda r: r.to_digestable())
    wire = bytearray(rds[0].to_digestable())
    wire[min(FLIP_AT[rtype], len(wire) - 1)] ^= 0x01
    new = dns.rdata.from_wire(T.IN, rtype, bytes(wire), 0, len(wire))
    out = dns.rrset.RRset(rrset.name, rrset.rdclass, rrset.rdtype)
    out.add(new, rrset.ttl)
    for rd in rds[1:]:
        out.add(rd, rrset.ttl)
    return out


def extra(rrset, rtype):
    """rrset plus one more record of the same type."""
    text = {RT.SRV: "0 0 9 evil.local.", RT.TXT: '"evil=1"', RT.PTR: "Evil._ntsig._tcp.local.",
            RT.A: "192.0.2.250", RT.AAAA: "fd00::bad"}[rtype]
    out = dns.rrset.RRset(rrset.name, rrset.rdclass, rrset.rdtype)
    for rd in rrset:
        out.add(rd, rrset.ttl)
    out.add(dns.rdata.from_text(T.IN, rtype, text), rrset.ttl)
    return out


def main():
    nbin = nautilus_path()
    require_commands(nbin, "publish", "browse", "keygen")
    T.require_trust_cli(nbin)
    c = Checks("signed records from `publish --sign` validate with dnspython")
    with Lan(hosts=2, prefix="nttx") as lan:
        a, b = lan.hosts
        state = os.path.join(lan.workdir, "state-a")
        kg = T.keygen(nbin, state, HOST)
        pcap = os.path.join(lan.workdir, "signed.pcap")
        cap = b.capture(pcap)
        pub = Nautilus(nbin, a).publish(INSTANCE, STYPE, 631, TXT, host_name=HOST,
                                        extra=["--sign", "--state", state])
        br = Nautilus(nbin, b).browse(STYPE, timeout=6)
        got = br.wait_for(lambda o: o.get("event") in ("added", "updated") and
                          o.get("instance") == INSTANCE and o.get("port"), 8)
        c.check(got is not None, "browser on B resolved the signed service",
                pub.read_log()[-400:])
        if got:
            c.check(got.get("trust") == "self-signed",
                    "unpinned signed service shows as self-signed", got)
            c.check(got.get("key") == kg.get("key_digest"),
                    "browse reports the publisher's key digest", (got.get("key"), kg))
        # python's own queries for the address records, so A and AAAA answers
        # (with their RRSIGs) are in the capture even if announcements were
        # missed.
        for qtype in ("A", "AAAA", "SRV", "TXT"):
            qname = HOST + ".local" if qtype in ("A", "AAAA") else "%s.%s.local" % (INSTANCE, STYPE)
            b.run([PYTHON, os.path.join(T.LIB, "mdnsq.py"), "--wait", "0.5", qname, qtype],
                  timeout=15)
        time.sleep(0.5)
        cap.stop()
        c.check(pub.alive(), "publisher still running")

        pkts = [p for p in read_mdns_pcap(pcap)
                if p["is_response"] and p["src"] in (a.v4, a.v6, a.link_local())]
        c.check(len(pkts) > 0, "captured responses from A", len(pkts))
        keys = {}
        for p in pkts:
            for (owner, rtype, _cov), rs in T.rrsets_of(p["raw"]).items():
                if rtype == RT.DNSKEY:
                    keys.setdefault(rs.name, dns.rrset.RRset(rs.name, rs.rdclass, RT.DNSKEY))
                    for rd in rs:
                        keys[rs.name].add(rd, rs.ttl)
        hostname = T.name(HOST + ".local")
        c.check(hostname in keys, "DNSKEY published at %s" % hostname, list(keys))
        if hostname in keys:
            ks = list(keys[hostname])
            c.check(len(ks) == 1 and ks[0].flags == 256 and ks[0].protocol == 3 and
                    ks[0].algorithm == 15, "one DNSKEY: flags 256, protocol 3, algorithm 15", ks)
            ds = dns.dnssec.make_ds(hostname, ks[0], "SHA256").digest.hex()
            c.check(ds == kg.get("key_digest"), "DS digest of the captured DNSKEY = keygen's key digest",
                    (ds, kg.get("key_digest")))

        ok_by_type, bad, unsigned, sample, meta = {}, [], [], {}, []
        for p in pkts:
            sets = T.rrsets_of(p["raw"])
            for (owner, rtype, cov), rs in sets.items():
                if rtype in (RT.RRSIG, RT.DNSKEY, RT.OPT):
                    continue
                sigs = sets.get((owner, RT.RRSIG, rtype))
                if sigs is None:
                    unsigned.append("%s %s" % (owner, RT.to_text(rtype)))
                    continue
                ok, why = validates(rs, sigs, keys)
                if ok:
                    ok_by_type[rtype] = ok_by_type.get(rtype, 0) + 1
                    sample.setdefault(rtype, (rs, sigs))
                    if rtype == RT.TXT and str(owner).lower().startswith("_nautilus."):
                        meta.append(b"".join(b"".join(rd.strings) for rd in rs))
                else:
                    bad.append("%s %s: %s" % (owner, RT.to_text(rtype), why))
        for rtype in WANT:
            c.check(ok_by_type.get(rtype, 0) > 0, "%s RRsets validate with dnspython" %
                    RT.to_text(rtype), ok_by_type)
            c.figure("validated_%s" % RT.to_text(rtype), ok_by_type.get(rtype, 0), "rrsets")
        c.check(not bad, "no RRset from A fails validation", bad[:5])
        # DESIGN section 2: the metadata TXT at _nautilus.<instance>, signed.
        c.check(bool(meta) and all(m == b"v=1" for m in meta),
                "signed metadata TXT _nautilus.<instance> \"v=1\" validates", meta[:2])
        c.check(not [u for u in unsigned if not u.endswith(" NSEC")],
                "every SRV/TXT/PTR/A/AAAA set from A carries an RRSIG", unsigned[:5])

        for rtype, (rs, sigs) in sorted(sample.items()):
            tn = RT.to_text(rtype)
            ok, why = validates(flipped(rs, rtype), sigs, keys)
            c.check(not ok, "%s with one RDATA byte flipped fails" % tn, why)
            ok, why = validates(extra(rs, rtype), sigs, keys)
            c.check(not ok, "%s with a record added fails" % tn, why)
            moved = dns.rrset.RRset(rs.name, rs.rdclass, rs.rdtype)
            for rd in rs:
                moved.add(rd, 1)
            ok, why = validates(moved, sigs, keys)
            c.check(ok, "%s with only its TTL changed still validates (original TTL is signed)" % tn, why)
            sig0 = list(sigs)[0]
            forged = T.rrsig_rrset(rs.name.to_text(), [sig0.replace(original_ttl=sig0.original_ttl + 1)])
            ok, why = validates(rs, forged, keys)
            c.check(not ok, "%s with the RRSIG's original TTL changed fails" % tn, why)
            c.check(sig0.algorithm == 15 and sig0.signer == hostname and
                    sig0.labels == len(rs.name) - 1,
                    "%s RRSIG: algorithm 15, signer %s, labels of the owner" % (tn, hostname),
                    sig0.to_text())
            life = sig0.expiration - sig0.inception
            c.check(abs(life - 86400) <= 60, "%s RRSIG lifetime 24 h" % tn, life)
    c.done()


if __name__ == "__main__":
    main()
