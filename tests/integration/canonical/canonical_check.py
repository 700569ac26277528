#!/usr/bin/python3
"""Cross-checks our RFC 4034 canonical form against dnspython.

For each case below (an RRset as an mDNS responder would send it: mixed-case
names, compression, cache-flush bit, records in any order, per-record TTLs),
this script
  1. writes the RRset as the answer section of a DNS message, by hand, so the
     cache-flush bit (RFC 6762 §10.2) and compression are under our control;
  2. asks our C code (nt-canon-dump, tests/tools/canon_dump.c) for the bytes
     an RRSIG over it signs: RRSIG RDATA without signature + canonical RRset
     (RFC 4034 §3.1.8.1, §6.2, §6.3);
  3. compares them byte for byte with dnspython's own construction of the same
     data (dns.dnssec._make_rrsig_signature_data, dnspython 2.3), and
  4. signs OUR bytes with Ed25519 (RFC 8080) and checks the signature with
     dns.dnssec.validate, the public API (DESIGN §2: what we send must
     survive it).
Besides the hand-made cases it takes every RRset of every real capture in
tests/vectors/mdns/ (Avahi, python-zeroconf) that dnspython can parse once
the mDNS cache-flush/QU bits are cleared for it, and checks those the same
way, on the captured bytes themselves.
Any mismatch prints the case, both byte strings and the first difference,
and the script exits 1.
Usage: canonical_check.py PATH-TO-nt-canon-dump [CORPUS-DIR]
"""
import glob
import io
import os
import struct
import subprocess
import sys

import dns.dnssec
import dns.message
import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rdtypes.ANY.RRSIG
import dns.rrset
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

ALG_ED25519 = 15
INCEPTION = 1700000000
EXPIRATION = INCEPTION + 86400
NOW = INCEPTION + 3600
CACHE_FLUSH = 0x8000

# A fixed key: the test must be repeatable, the key protects nothing.
PRIVATE = ed25519.Ed25519PrivateKey.from_private_bytes(bytes(range(32)))


class Case:
    """One RRset. records: list of (rdata text, ttl, cache-flush bit)."""

    def __init__(self, cid, owner, rdtype, records, signer="Host.Local.",
                 orig_ttl=120, compress=True, sig_labels=None):
        self.cid = cid
        self.owner = owner
        self.rdtype = rdtype
        self.records = records
        self.signer = signer
        self.orig_ttl = orig_ttl
        self.compress = compress
        self.sig_labels = sig_labels


def cf(rdatas, ttl=120, flush=True):
    return [(r, ttl, flush) for r in rdatas]


CASES = [
    Case("a-single", "host.local.", "A", cf(["10.0.0.1"])),
    Case("a-mixed-case-owner-sorted", "MyHost.Local.", "A",
         [("192.168.1.1", 120, True), ("10.0.0.10", 60, False),
          ("10.0.0.9", 4500, True), ("10.0.0.1", 120, True)]),
    Case("a-duplicates", "host.local.", "A",
         cf(["10.0.0.2", "10.0.0.1", "10.0.0.2"])),
    Case("aaaa-set", "Host-2.local.", "AAAA",
         cf(["fe80::1", "2001:db8::1", "fe80::abcd:1234", "::1"])),
    Case("ptr-mixed-case-targets", "_ipp._tcp.local.", "PTR",
         cf(["Printer\\032B._ipp._tcp.local.", "printer\\032a._ipp._tcp.local.",
             "PRINTER\\032C._IPP._TCP.LOCAL."], ttl=4500, flush=False), orig_ttl=4500),
    Case("ptr-duplicates-by-case", "_http._tcp.local.", "PTR",
         cf(["Web._http._tcp.local.", "web._http._tcp.local."], flush=False)),
    Case("ptr-uncompressed", "_Http._TCP.local.", "PTR",
         cf(["Site\\032One._http._tcp.local."], flush=False), compress=False),
    Case("srv", "Printer\\032A._ipp._tcp.local.", "SRV", cf(["0 0 631 Printer-Host.Local."])),
    Case("srv-set", "svc._http._tcp.local.", "SRV",
         cf(["10 5 8080 B.local.", "0 0 80 a.Local.", "10 5 8080 b.local.",
             "0 10 443 C.LOCAL."])),
    Case("txt-strings", "Printer\\032A._ipp._tcp.local.", "TXT",
         cf(['"txtvers=1" "pdl=application/postscript" "Color=T" "note=Hall 2"'],
            ttl=4500), orig_ttl=4500),
    Case("txt-set-prefix-order", "t.local.", "TXT",
         cf(['"ab"', '"a"', '"a" "b"', '"B"', '""', '"a=" "=b"'])),
    Case("txt-empty", "empty._x._tcp.local.", "TXT", cf(['""'])),
    Case("txt-255", "long._x._tcp.local.", "TXT",
         cf(['"' + "k=" + "v" * 253 + '" "' + "Z" * 200 + '"'])),
    Case("txt-binary", "bin._x._tcp.local.", "TXT",
         cf(['"\\000\\255\\195\\137" "k=\\"quoted\\""'])),
    Case("nsec-host", "Host.Local.", "NSEC", cf(["Host.Local. A AAAA"])),
    Case("nsec-instance", "Printer\\032A._ipp._tcp.local.", "NSEC",
         cf(["Printer\\032A._ipp._tcp.local. TXT SRV RRSIG NSEC"])),
    Case("nsec-two-windows", "x.local.", "NSEC", cf(["X.local. A TYPE300 TYPE65280"])),
    Case("escaped-owner", "My\\.Printer\\032\\(1\\)\\\\._ipp._tcp.local.", "SRV",
         cf(["0 0 631 My\\.Host.local."])),
    Case("utf8-owner", "Caf\\195\\137\\032Cr\\195\\168me\\032\\226\\152\\149._http._tcp.local.", "TXT",
         cf(['"path=/caf\\195\\169"'])),
    Case("utf8-ptr-target", "_http._tcp.local.", "PTR",
         cf(["\\195\\137COLE._http._tcp.local.", "\\195\\169cole._http._tcp.local."],
            flush=False)),
    Case("signer-escaped", "h.local.", "A", cf(["10.1.2.3"]), signer="My\\.Host\\195\\137.LOCAL."),
    Case("deep-owner", "a.B.c.D.e.F.g.local.", "A", cf(["10.9.9.9"])),
    Case("dnskey", "Host.local.", "DNSKEY",
         cf(["256 3 15 l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4="])),
    Case("unknown-type", "u.local.", "TYPE65400", cf(["\\# 3 abcdef", "\\# 1 00"])),
    Case("no-cache-flush", "host.local.", "A", cf(["10.0.0.3"], flush=False)),
    Case("mixed-cache-flush", "host.local.", "AAAA",
         [("fe80::2", 120, True), ("fe80::1", 120, False)]),
    # A large shared PTR set in a scrambled but fixed order (x * 37 mod 61
    # visits every residue once), with names of mixed case and length.
    Case("ptr-large-set", "_Services._DNS-SD._udp.local.", "PTR",
         cf([("_Svc%d%s._tcp.local." % ((i * 37) % 61, "X" * ((i * 7) % 5)))
             for i in range(60)], flush=False)),
]


def key_rrset(signer):
    pub = PRIVATE.public_key().public_bytes(serialization.Encoding.Raw,
                                           serialization.PublicFormat.Raw)
    dnskey = dns.rdata.from_wire(dns.rdataclass.IN, dns.rdatatype.DNSKEY,
                                 struct.pack("!HBB", 256, 3, ALG_ED25519) + pub, 0,
                                 4 + len(pub))
    return dnskey, dns.rrset.from_rdata(signer, 120, dnskey)


def build(case):
    """Returns (message bytes, rrsig-without-signature bytes, dnspython rrset, rrsig)."""
    owner = dns.name.from_text(case.owner)
    signer = dns.name.from_text(case.signer)
    rdtype = dns.rdatatype.from_text(case.rdtype)
    rdatas = [dns.rdata.from_text(dns.rdataclass.IN, rdtype, text) for text, _, _ in case.records]

    # dnspython's view: an RRset (it drops duplicates itself, RFC 4034 §6.3).
    rrset = dns.rrset.RRset(owner, dns.rdataclass.IN, rdtype)
    for rd in rdatas:
        rrset.add(rd, case.orig_ttl)

    dnskey, _ = key_rrset(signer)
    labels = case.sig_labels if case.sig_labels is not None else len(owner) - 1
    rrsig = dns.rdtypes.ANY.RRSIG.RRSIG(
        dns.rdataclass.IN, dns.rdatatype.RRSIG, rdtype, ALG_ED25519, labels,
        case.orig_ttl, EXPIRATION, INCEPTION, dns.dnssec.key_id(dnskey), signer, b"")

    # The message as a responder would send it (RFC 6762 §18: id 0, QR|AA).
    out = io.BytesIO()
    out.write(struct.pack("!HHHHHH", 0, 0x8400, 0, len(rdatas), 0, 0))
    comp = {} if case.compress else None
    for rd, (_, ttl, flush) in zip(rdatas, case.records):
        owner.to_wire(out, comp)
        rclass = dns.rdataclass.IN | (CACHE_FLUSH if flush else 0)
        out.write(struct.pack("!HHI", rdtype, rclass, ttl))
        lenpos = out.tell()
        out.write(b"\0\0")
        rd.to_wire(out, comp)
        end = out.tell()
        out.seek(lenpos)
        out.write(struct.pack("!H", end - lenpos - 2))
        out.seek(end)
    # RRSIG RDATA up to the signer, which goes out in its original case.
    head = rrsig.to_wire()[:18] + signer.to_wire()
    return out.getvalue(), head, rrset, rrsig


def clear_mdns_bits(wire):
    """The message with the top bit of every class cleared (RFC 6762 §10.2
    cache-flush, §5.4 QU), which dnspython would take as part of the class.
    A minimal walk: names are skipped, not decoded."""
    buf = bytearray(wire)
    qd, an, ns, ar = struct.unpack_from("!HHHH", buf, 4)
    pos = 12

    def skip_name(p):
        while True:
            n = buf[p]
            if n >= 0xC0:
                return p + 2
            if n == 0:
                return p + 1
            p += 1 + n

    for i in range(qd + an + ns + ar):
        pos = skip_name(pos)
        rtype = struct.unpack_from("!H", buf, pos)[0]
        if rtype != dns.rdatatype.OPT:  # OPT's class is the UDP size (RFC 6891)
            buf[pos + 2] &= 0x7F
        pos += 4
        if i >= qd:
            rdlen = struct.unpack_from("!H", buf, pos + 4)[0]
            pos += 6 + rdlen
    return bytes(buf)


def corpus_cases(corpus_dir):
    """(case id, message, rrsig head, selector, rrset, rrsig) for every RRset
    of every capture dnspython can read; also how many packets it cannot."""
    cases, unreadable = [], []
    for path in sorted(glob.glob(os.path.join(corpus_dir, "*", "*.bin"))):
        rel = os.path.relpath(path, corpus_dir)
        with open(path, "rb") as f:
            wire = f.read()
        try:
            msg = dns.message.from_wire(clear_mdns_bits(wire))
        except Exception as e:  # python-zeroconf's NSEC form, see the README
            unreadable.append(f"{rel} ({type(e).__name__})")
            continue
        for secno, section in ((1, msg.answer), (2, msg.authority), (3, msg.additional)):
            for k, rrset in enumerate(section):
                if rrset.rdtype in (dns.rdatatype.OPT, dns.rdatatype.RRSIG):
                    continue
                signer = dns.name.from_text("Nautilus-Host.Local.")
                dnskey, _ = key_rrset(signer)
                rrsig = dns.rdtypes.ANY.RRSIG.RRSIG(
                    dns.rdataclass.IN, dns.rdatatype.RRSIG, rrset.rdtype, ALG_ED25519,
                    len(rrset.name) - 1, rrset.ttl, EXPIRATION, INCEPTION,
                    dns.dnssec.key_id(dnskey), signer, b"")
                head = rrsig.to_wire()[:18] + signer.to_wire()
                selector = f"{secno} {int(rrset.rdtype)} {rrset.name.to_wire().hex()}"
                cases.append((f"{rel}:{secno}:{k}", wire, head, selector, rrset, rrsig))
    return cases, unreadable


def first_diff(a, b):
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return i
    return min(len(a), len(b))


def main():
    if len(sys.argv) not in (2, 3):
        print("usage: canonical_check.py PATH-TO-nt-canon-dump [CORPUS-DIR]", file=sys.stderr)
        return 2
    here = os.path.dirname(os.path.abspath(__file__))
    corpus_dir = sys.argv[2] if len(sys.argv) == 3 else os.path.join(here, "..", "..", "vectors",
                                                                      "mdns")
    built = {}
    lines = []
    for case in CASES:
        msg, head, rrset, rrsig = build(case)
        built[case.cid] = (case, rrset, rrsig)
        lines.append(f"{case.cid} {msg.hex()} {head.hex()}\n")
    real, unreadable = corpus_cases(corpus_dir)
    for cid, wire, head, selector, rrset, rrsig in real:
        built[cid] = (None, rrset, rrsig)
        lines.append(f"{cid} {wire.hex()} {head.hex()} {selector}\n")
    # The captures must contribute: an empty or unreadable corpus is a failure.
    if len(real) < 100:
        print(f"FAIL only {len(real)} RRsets from the captures in {corpus_dir}")
        return 1
    proc = subprocess.run([sys.argv[1]], input="".join(lines), capture_output=True,
                          text=True, timeout=60)
    if proc.returncode != 0:
        print(f"nt-canon-dump exited {proc.returncode}: {proc.stderr.strip()}")
        return 1
    ours = {}
    for line in proc.stdout.splitlines():
        parts = line.split(" ", 1)
        ours[parts[0]] = parts[1] if len(parts) > 1 else ""

    failed = 0
    for cid, (case, rrset, rrsig) in built.items():
        want = dns.dnssec._make_rrsig_signature_data(rrset, rrsig)
        got_text = ours.get(cid)
        if got_text is None or got_text.startswith("ERROR"):
            print(f"FAIL {cid}: our code gave {got_text!r}")
            failed += 1
            continue
        got = bytes.fromhex(got_text)
        if got != want:
            at = first_diff(got, want)
            print(f"FAIL {cid}: canonical bytes differ at offset {at}"
                  f" (ours {len(got)} bytes, dnspython {len(want)} bytes)")
            print(f"  ours:      {got.hex()}")
            print(f"  dnspython: {want.hex()}")
            print(f"  ours      from {at}: {got[at:at + 32].hex()}")
            print(f"  dnspython from {at}: {want[at:at + 32].hex()}")
            failed += 1
            continue
        # Sign our bytes; dnspython's public validator must accept the result.
        signer = rrsig.signer
        sig = rrsig.replace(signature=PRIVATE.sign(got))
        _, keys = key_rrset(signer)
        try:
            dns.dnssec.validate(rrset, dns.rrset.from_rdata(rrset.name, rrset.ttl, sig),
                                {signer: keys}, now=NOW)
        except dns.dnssec.ValidationFailure as e:
            print(f"FAIL {cid}: dns.dnssec.validate rejects a signature over our bytes: {e}")
            failed += 1
            continue
        if case is not None:
            print(f"ok   {cid} ({len(rrset)} record(s), {len(got)} bytes)")
    # A case the C side answered that we never asked (or lost) is a bug too.
    extra = set(ours) - set(built)
    if extra:
        print(f"FAIL unexpected output for {sorted(extra)}")
        failed += 1
    print(f"canonical: {len(built) - failed} of {len(built)} cases match dnspython "
          f"({len(CASES)} hand-made, {len(real)} RRsets from the captures; "
          f"{len(unreadable)} captured packets dnspython cannot read: {', '.join(unreadable)})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
