#!/usr/bin/python3
"""Writes the seed corpora fuzz/corpus/msg/ and fuzz/corpus/name/.

Run with Debian's /usr/bin/python3 (it has zeroconf and dnspython): the valid
packets come from those real peers; the malformed ones are the cases of
tests/unit/wire/test_wire.c, byte for byte. Re-running rewrites the same
files (no randomness)."""
import os
import socket
import struct

import dns.dnssec
import dns.edns
import dns.flags
import dns.message
import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rrset
from zeroconf import (DNSAddress, DNSNsec, DNSOutgoing, DNSPointer, DNSQuestion,
                      DNSService, DNSText, const)

HERE = os.path.dirname(os.path.abspath(__file__))
MSG = os.path.join(HERE, "corpus", "msg")
NAME = os.path.join(HERE, "corpus", "name")


def hdr(qd=0, an=0, ns=0, ar=0, flags=0x8400):
    return struct.pack(">HHHHHH", 0, flags, qd, an, ns, ar)


def put(d, name, data):
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def zeroconf_packets():
    out = []
    # A browse query with a known answer (RFC 6762 §7.1).
    q = DNSOutgoing(const._FLAGS_QR_QUERY)
    q.add_question(DNSQuestion("_ipp._tcp.local.", const._TYPE_PTR, const._CLASS_IN))
    q.add_answer_at_time(DNSPointer("_ipp._tcp.local.", const._TYPE_PTR, const._CLASS_IN, 4500,
                                    "Known._ipp._tcp.local."), 0)
    out.append(("zeroconf_query.bin", q.packets()[0]))
    # A QU question (RFC 6762 §5.4).
    q = DNSOutgoing(const._FLAGS_QR_QUERY)
    q.add_question(DNSQuestion("host.local.", const._TYPE_A, const._CLASS_IN | const._CLASS_UNIQUE))
    out.append(("zeroconf_qu.bin", q.packets()[0]))
    # A full service announcement with NSEC in python-zeroconf's 2-byte form.
    inst = "Caf\u00e9 Printer (2)._ipp._tcp.local."
    r = DNSOutgoing(const._FLAGS_QR_RESPONSE | const._FLAGS_AA)
    r.add_answer_at_time(DNSPointer("_ipp._tcp.local.", const._TYPE_PTR, const._CLASS_IN, 4500, inst), 0)
    r.add_answer_at_time(DNSService(inst, const._TYPE_SRV, const._CLASS_IN | const._CLASS_UNIQUE, 120,
                                    0, 0, 631, "printer.local."), 0)
    r.add_answer_at_time(DNSText(inst, const._TYPE_TXT, const._CLASS_IN | const._CLASS_UNIQUE, 4500,
                                 b"\x09txtvers=1\x0brp=printers\x05color"), 0)
    r.add_additional_answer(DNSAddress("printer.local.", const._TYPE_A,
                                       const._CLASS_IN | const._CLASS_UNIQUE, 120,
                                       socket.inet_aton("192.0.2.10")))
    r.add_additional_answer(DNSAddress("printer.local.", const._TYPE_AAAA,
                                       const._CLASS_IN | const._CLASS_UNIQUE, 120,
                                       socket.inet_pton(socket.AF_INET6, "fe80::1")))
    r.add_additional_answer(DNSNsec(inst, const._TYPE_NSEC, const._CLASS_IN | const._CLASS_UNIQUE,
                                    4500, inst, [const._TYPE_TXT, const._TYPE_SRV]))
    r.add_additional_answer(DNSNsec("printer.local.", const._TYPE_NSEC,
                                    const._CLASS_IN | const._CLASS_UNIQUE, 120, "printer.local.",
                                    [const._TYPE_A, const._TYPE_AAAA]))
    out.append(("zeroconf_announce.bin", r.packets()[0]))
    return out


def dnspython_packets():
    out = []
    q = dns.message.make_query("host.local.", "ANY", use_edns=0, want_dnssec=True, payload=1440)
    q.id = 0
    out.append(("dnspython_query_edns.bin", q.to_wire()))
    m = dns.message.Message(id=0)
    m.flags = dns.flags.QR | dns.flags.AA
    owner = dns.name.from_text("Svc._http._tcp.local.")
    host = dns.name.from_text("h.local.")
    rrs = [
        dns.rrset.from_text(owner, 120, "IN", "SRV", "0 0 80 h.local."),
        dns.rrset.from_text(owner, 4500, "IN", "TXT", '"path=/" "v=1"'),
        dns.rrset.from_text(owner, 4500, "IN", "NSEC", "Svc._http._tcp.local. TXT SRV RRSIG NSEC"),
        dns.rrset.from_text(owner, 120, "IN", "RRSIG",
                            "SRV 15 4 120 20300101000000 20200101000000 12345 h.local. "
                            "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw=="),
        dns.rrset.from_text(host, 120, "IN", "DNSKEY",
                            "256 3 15 l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4="),
        dns.rrset.from_text(host, 120, "IN", "TYPE65280", r"\# 3 abcdef"),
    ]
    for r in rrs:
        m.answer.append(r)
    m.use_edns(0, 0, 1440)
    out.append(("dnspython_dnssec.bin", m.to_wire()))
    return out


def malformed():
    out = []
    for n in range(12):
        out.append((f"bad_short_{n}.bin", bytes(n)))
    out.append(("bad_counts.bin", b"\xff" * 12))
    out.append(("bad_ptr_self.bin", hdr(qd=1) + b"\xc0\x0c\x00\x01\x00\x01"))
    out.append(("bad_ptr_mutual.bin", hdr(qd=2) + bytes([1, 97, 0, 0xC0, 0x13, 0, 1, 0xC0, 0x0F, 0, 1, 0, 1])))
    out.append(("bad_ptr_forward.bin", hdr(qd=1) + b"\xc0\x12\x00\x01\x00\x01\x01a\x00"))
    out.append(("bad_ptr_header.bin", hdr(qd=1) + b"\xc0\x05\x00\x01\x00\x01"))
    out.append(("bad_ptr_past_end.bin", hdr(qd=1) + b"\xc1\x00\x00\x01\x00\x01"))
    chain = bytearray(hdr(qd=34) + b"\x01a\x00\x00\x01\x00\x01")
    prev = 12
    for _ in range(33):
        at = len(chain)
        chain += bytes([0xC0 | (prev >> 8), prev & 0xFF, 0, 1, 0, 1])
        prev = at
    out.append(("bad_ptr_chain.bin", bytes(chain)))
    out.append(("bad_label_40.bin", hdr(qd=1) + b"\x41a\x00\x00\x01\x00\x01"))
    out.append(("bad_label_80.bin", hdr(qd=1) + b"\x81a\x00\x00\x01\x00\x01"))
    out.append(("bad_label_overrun.bin", hdr(qd=1) + b"\x3fabcd"))
    out.append(("bad_name_too_long.bin", hdr(qd=1) + (b"\x3f" + b"x" * 63) * 5 + b"\x00\x00\x01\x00\x01"))
    out.append(("bad_name_labels.bin", hdr(qd=1) + b"\x01a" * 128 + b"\x00\x00\x01\x00\x01"))
    out.append(("bad_name_no_root.bin", hdr(qd=1) + b"\x03foo\x03bar"))
    out.append(("bad_short_record.bin", hdr(qd=1) + b"\x03foo\x00\x00\x01"))
    rr_a = b"\x00\x00\x01\x00\x01\x00\x00\x00\x0a"
    out.append(("bad_rdlength.bin", hdr(an=1) + rr_a + b"\x00\x64\x01\x02\x03\x04"))
    out.append(("bad_rdata_short.bin", hdr(an=2) + rr_a + b"\x00\x03\x01\x02\x03" + rr_a + b"\x00\x04\x01\x02\x03\x04"))
    out.append(("bad_rdata_trailing.bin", hdr(an=1) + rr_a + b"\x00\x05\x01\x02\x03\x04\x05"))
    out.append(("bad_rdata_name.bin", hdr(an=2) + b"\x00\x00\x0c\x00\x01\x00\x00\x00\x0a\x00\x04\x03foo"
                + rr_a + b"\x00\x04\x01\x02\x03\x04"))
    out.append(("bad_txt_overrun.bin", hdr(an=1) + b"\x00\x00\x10\x00\x01\x00\x00\x00\x0a\x00\x03\x05ab"))
    out.append(("bad_nsec_bitmap.bin", hdr(an=1) + b"\x00\x00\x2f\x00\x01\x00\x00\x00\x0a\x00\x24\x00\x00\x21" + b"\x40" * 33))
    opt = b"\x00\x00\x29\x05\xa0\x00\x00\x00\x00\x00\x00"
    out.append(("bad_dup_opt.bin", hdr(ar=2) + opt + opt))
    out.append(("bad_opt_placement.bin", hdr(an=1) + opt))
    out.append(("bad_trailing.bin", hdr(qd=1) + b"\x00\x00\x01\x00\x01\xaa"))
    out.append(("high_bytes.bin", hdr(qd=1) + b"\x04c\xc3\xa9\xff\x05local\x00\x00\xff\x80\x01"))
    return out


def names():
    return [
        ("text_simple", b"printer.local."),
        ("text_escapes", b"My\\.Printer\\032x\\\\._ipp._tcp.local"),
        ("text_utf8", "Caf\u00e9.local".encode()),
        ("text_root", b"."),
        ("wire_simple", b"\x07printer\x05local\x00"),
        ("wire_high", b"\x04c\xc3\xa9\xff\x05local\x00"),
        ("msg_compressed", hdr() + b"\x03foo\x05local\x00\x03bar\xc0\x10\x03baz\xc0\x16"),
        ("msg_loop", hdr() + b"\x01a\x00\xc0\x13\x00\x01\xc0\x0f"),
    ]


def main():
    os.makedirs(MSG, exist_ok=True)
    os.makedirs(NAME, exist_ok=True)
    for n, d in zeroconf_packets() + dnspython_packets() + malformed():
        put(MSG, n, d)
    for n, d in names():
        put(NAME, n, d)
    # The announcement with one TXT string length off by one: a per-record
    # error inside an otherwise good packet.
    with open(os.path.join(MSG, "zeroconf_announce.bin"), "rb") as f:
        d = f.read()
    i = d.index(b"\x0brp=")
    put(MSG, "zeroconf_txt_overrun.bin", d[:i] + b"\x0c" + d[i + 1:])


if __name__ == "__main__":
    main()
