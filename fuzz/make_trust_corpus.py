#!/usr/bin/python3
"""Writes the seed corpus fuzz/corpus/trust_decide/ for fuzz_trust_decide.c.

Run with Debian's /usr/bin/python3 (dnspython 2.3 and cryptography): the
signatures are made here, independently of nautilus, with the fixed test key
the fuzzer pins (Ed25519 seed 0x42 x 32 at pub.local) and at the fuzzer's
fixed wall clock, so the genuine sets verify. Re-running rewrites the same
files: Ed25519 is deterministic and nothing here is random.

Each seed is one or more mDNS responses separated by the 4 bytes "NTMD"
(the fuzzer's input format). Most start with the genuine signed
announcement of Web._http._tcp.local (PTR, SRV, TXT and A for pub.local,
each with its RRSIG, and the DNSKEY), so the browser has trusted records and
claims when the attack that follows arrives: the issue 8 bypasses (mixed
goodbye TTLs, truncated PTR subjects, oversize sets, a rejected set's tail,
unsigned copies, self-signed floods, bad signer names) and the usual ones
(unsigned, other key, expired, not yet valid, bad signature, missing key,
many RRSIGs).
"""
import os
import struct

import dns.dnssec
import dns.flags
import dns.message
import dns.name
import dns.rdataclass
import dns.rdatatype as RT
import dns.rrset
from cryptography.hazmat.primitives.asymmetric import ed25519
from dns.rdtypes.ANY.PTR import PTR
from dns.rdtypes.ANY.TXT import TXT
from dns.rdtypes.IN.A import A
from dns.rdtypes.IN.SRV import SRV

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "corpus", "trust_decide")
SEP = b"NTMD"
IN = dns.rdataclass.IN

# Must match fuzz_trust_decide.c.
WALL = 1790000000
SEED = b"\x42" * 32
INCEPTION = WALL - 3600
EXPIRATION = WALL + 86400


def n(text):
    return dns.name.from_text(text if text.endswith(".") else text + ".")


class Key:
    def __init__(self, host, seed):
        self.priv = ed25519.Ed25519PrivateKey.from_private_bytes(seed)
        self.host = host if isinstance(host, dns.name.Name) else n(host)
        self.dnskey = dns.dnssec.make_dnskey(self.priv.public_key(), 15)

    def sign(self, rs, inc=INCEPTION, exp=EXPIRATION, orig_ttl=None):
        if orig_ttl is not None and orig_ttl != rs.ttl:
            rs = with_ttl(rs, orig_ttl)
        return dns.dnssec.sign(rs, self.priv, self.host, self.dnskey, inception=inc,
                               expiration=exp)

    def key_rrset(self):
        rs = dns.rrset.RRset(self.host, IN, RT.DNSKEY)
        rs.add(self.dnskey, 120)
        return rs


PUB = Key("pub.local", SEED)
OTHER_AS_PUB = Key("pub.local", b"\x07" * 32)   # another key claiming pub.local
EVIL = Key("evil.local", b"\x66" * 32)           # an attacker's own name
INST = n("Web._http._tcp.local")
STYPE = n("_http._tcp.local")


def with_ttl(rs, ttl):
    out = dns.rrset.RRset(rs.name, rs.rdclass, rs.rdtype, rs.covers)
    for rd in rs:
        out.add(rd, ttl)
    return out


def ptr_set(targets, ttl=4500, owner=STYPE):
    rs = dns.rrset.RRset(owner, IN, RT.PTR)
    for t in targets:
        rs.add(PTR(IN, RT.PTR, t), ttl)
    return rs


def srv_set(port=8080, target="pub.local", ttl=120, owner=INST):
    rs = dns.rrset.RRset(owner, IN, RT.SRV)
    rs.add(SRV(IN, RT.SRV, 0, 0, port, n(target) if isinstance(target, str) else target), ttl)
    return rs


def txt_set(ttl=4500, owner=INST, text=b"path=/"):
    rs = dns.rrset.RRset(owner, IN, RT.TXT)
    rs.add(TXT(IN, RT.TXT, [text]), ttl)
    return rs


def a_set(owner="pub.local", addr="192.0.2.20", ttl=120):
    rs = dns.rrset.RRset(n(owner) if isinstance(owner, str) else owner, IN, RT.A)
    rs.add(A(IN, RT.A, addr), ttl)
    return rs


def sig_rrset(rs, sig, ttl=None):
    out = dns.rrset.RRset(rs.name, IN, RT.RRSIG, covers=rs.rdtype)
    out.add(sig, rs.ttl if ttl is None else ttl)
    return out


def flush_bits(wire):
    """Cache-flush bit on every record but PTR (RFC 6762 section 10.2)."""
    b = bytearray(wire)
    qd, an, ns, ar = struct.unpack_from("!4H", b, 4)
    off = 12

    def skip(o):
        while True:
            ln = b[o]
            if ln == 0:
                return o + 1
            if ln & 0xC0 == 0xC0:
                return o + 2
            o += 1 + ln

    for _ in range(qd):
        off = skip(off) + 4
    for _ in range(an + ns + ar):
        off = skip(off)
        rtype, rclass = struct.unpack_from("!HH", b, off)
        if rtype != RT.PTR:
            struct.pack_into("!H", b, off + 2, rclass | 0x8000)
        off += 10 + struct.unpack_from("!H", b, off + 8)[0]
    return bytes(b)


def response(answers, additional=()):
    m = dns.message.Message(id=0)
    m.flags = dns.flags.QR | dns.flags.AA
    for rs in answers:
        m.answer.append(rs)
    for rs in additional:
        m.additional.append(rs)
    return flush_bits(m.to_wire(want_shuffle=False))  # reproducible bytes


def signed(key, sets, with_key=True, **kw):
    sigs = [sig_rrset(rs, key.sign(rs, **kw)) for rs in sets]
    return response(sets, sigs + ([key.key_rrset()] if with_key else []))


def raw_records(records):
    """A response of raw records (owner, type, ttl, rdata bytes, flush),
    uncompressed: per-record TTLs inside one set."""
    body = b""
    for owner, rtype, ttl, rdata, flush in records:
        body += owner.to_wire() + struct.pack("!HHIH", rtype, 1 | (0x8000 if flush else 0), ttl,
                                              len(rdata)) + rdata
    return struct.pack("!6H", 0, 0x8400, 0, len(records), 0, 0) + body


def seeds():
    genuine_sets = [ptr_set([INST]), srv_set(), txt_set(), a_set()]
    announce = signed(PUB, genuine_sets)
    out = [("announce.bin", announce)]

    def after(name, *attacks):
        out.append((name, SEP.join((announce,) + attacks)))

    # Goodbyes: signed as goodbyes (accepted) and an announcement's RRSIG
    # on a TTL-0 copy (coverage).
    bye = [with_ttl(ptr_set([INST]), 0), with_ttl(srv_set(), 0)]
    after("goodbye_signed.bin", signed(PUB, bye))
    after("goodbye_with_live_sig.bin",
          response(bye, [sig_rrset(bye[0], PUB.sign(ptr_set([INST])), 0),
                         sig_rrset(bye[1], PUB.sign(srv_set()), 0), PUB.key_rrset()]))
    # (a) a signed two-record PTR set replayed with TTLs {2^31-1, 0}.
    other = n("Other._http._tcp.local")
    two = ptr_set([other, INST])
    sig = PUB.sign(two)
    rd = [PTR(IN, RT.PTR, other).to_wire(), PTR(IN, RT.PTR, INST).to_wire()]
    mixed = raw_records([(STYPE, RT.PTR, 0x7FFFFFFF, rd[0], False),
                         (STYPE, RT.PTR, 0, rd[1], False),
                         (STYPE, RT.RRSIG, 4500, sig.to_wire(), False),
                         (PUB.host, RT.DNSKEY, 120, PUB.dnskey.to_wire(), True)])
    after("mixed_ttl_replay.bin", mixed)
    # (a) the genuine announcement with every TTL 2^31-1 (clamped to 4500/120).
    after("ttl_max_replay.bin",
          response([with_ttl(rs, 0x7FFFFFFF) for rs in genuine_sets],
                   [sig_rrset(rs, PUB.sign(rs), 0x7FFFFFFF) for rs in genuine_sets] +
                   [PUB.key_rrset()]))
    # (b) an unsigned goodbye for the instance after 32 and 64 junk targets.
    for k, name in ((32, "junk32_goodbye.bin"), (64, "junk64_goodbye_oversize.bin")):
        recs = [(STYPE, RT.PTR, 4500, PTR(IN, RT.PTR, n("j%d._http._tcp.local" % i)).to_wire(),
                 False) for i in range(k)]
        recs.append((STYPE, RT.PTR, 0, PTR(IN, RT.PTR, INST).to_wire(), False))
        after(name, raw_records(recs))
    # (e) unsigned: a junk target, then the instance's goodbye.
    after("junk_then_goodbye.bin",
          raw_records([(STYPE, RT.PTR, 4500, PTR(IN, RT.PTR, other).to_wire(), False),
                       (STYPE, RT.PTR, 0, PTR(IN, RT.PTR, INST).to_wire(), False)]))
    after("srv_junk_then_goodbye.bin",
          raw_records([(INST, RT.SRV, 120, SRV(IN, RT.SRV, 0, 0, 6666, n("evil.local")).to_wire(),
                        True),
                       (INST, RT.SRV, 0, SRV(IN, RT.SRV, 0, 0, 8080, n("pub.local")).to_wire(),
                        True)]))
    # (f) unsigned goodbye and unsigned copy of the real records.
    after("unsigned_goodbye.bin", response(bye))
    after("unsigned_copy.bin", response([ptr_set([INST]), srv_set(), a_set()]))
    # Spoofs of the pinned names.
    after("unsigned_srv.bin", response([srv_set(6666, "evil.local")], [a_set("evil.local")]))
    after("unsigned_a.bin", response([a_set(addr="192.0.2.66")]))
    after("other_key_as_pub.bin", signed(OTHER_AS_PUB, [srv_set(6667)]))
    after("evil_signs_instance.bin", signed(EVIL, [srv_set(6668, "evil.local")]))
    after("expired.bin", signed(PUB, [srv_set(6669)], inc=WALL - 10 * 86400,
                                exp=WALL - 5 * 86400))
    after("not_yet_valid.bin", signed(PUB, [srv_set(6670)], inc=WALL + 5 * 86400,
                                      exp=WALL + 10 * 86400))
    after("replayed_older.bin", signed(PUB, [srv_set()], inc=INCEPTION - 600))
    real_sig = PUB.sign(srv_set())
    after("bad_signature.bin", response([srv_set(6671)], [sig_rrset(srv_set(), real_sig),
                                                          PUB.key_rrset()]))
    after("no_key.bin", signed(PUB, [srv_set(6672)], with_key=False))
    many = dns.rrset.RRset(INST, IN, RT.RRSIG, covers=RT.SRV)
    for i in range(12):
        many.add(real_sig.replace(signature=bytes([i]) * 64), 120)
    after("many_rrsigs.bin", response([srv_set(6673)], [many, PUB.key_rrset()]))
    # Signers that are not <label>.local host names (c).
    for name, labels in (("signer_three_labels.bin", [b"sub", b"evil", b"local", b""]),
                         ("signer_hash.bin", [b"evil#x", b"local", b""]),
                         ("signer_newline.bin", [b"x\nvictim", b"local", b""]),
                         ("signer_not_local.bin", [b"evil", b"example", b""])):
        k = Key(dns.name.Name(labels), b"\x55" * 32)
        inst = n("Poison._http._tcp.local")
        out.append((name, SEP.join([announce, signed(k, [ptr_set([inst]), srv_set(
            7000, k.host, owner=inst), a_set(k.host, "192.0.2.66")])])))
    # The attacker's own signed service (self-signed; TOFU learns it).
    evil_inst = n("Evil._http._tcp.local")
    out.append(("evil_service.bin", SEP.join([announce, signed(EVIL, [
        ptr_set([evil_inst]), srv_set(7777, "evil.local", owner=evil_inst),
        txt_set(owner=evil_inst, text=b"rp=evil"), a_set("evil.local", "192.0.2.66")])])))
    # (d) self-signed PTR sets naming many subjects (the fuzzer's tables are
    # small), then an unsigned SRV for the claimed instance.
    flood = []
    for k in range(3):
        owner = n("_fl%d._udp.local" % k)
        flood.append(ptr_set([dns.name.Name([b"t%d" % j]).concatenate(owner) for j in range(20)],
                             owner=owner))
    after("flood_then_spoof.bin", signed(EVIL, flood),
          response([srv_set(6674, "evil.local")]))
    # The genuine announcement split in two (the DNSKEY in the second).
    after("split_announce.bin", signed(PUB, genuine_sets[:2]), signed(PUB, genuine_sets[2:]))
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, data in seeds():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
    print("wrote %d seeds to %s" % (len(seeds()), OUT))


if __name__ == "__main__":
    main()
