"""Hand-made mDNS queries with dnspython, for tests that need special packets.

  mdnsq.py [-6] [--port P] [--qu] [--unicast-to ADDR] [--known TYPE:RDATA ...]
           [--wait S] [--src ADDR] NAME TYPE

Sends one query for NAME/TYPE on lan0 (to 224.0.0.251 or ff02::fb, or to
--unicast-to ADDR) from source port P (default 5353; any other port makes it a
legacy unicast query, RFC 6762 section 6.7), optionally with the QU bit
(section 5.4) and known answers (section 7.1, TTL --known-ttl). Then prints one JSON
line per packet received within --wait seconds:
  {"from": addr, "sport": port, "to_port": our port (a reply seen on a
   port other than 5353 was unicast), "answers": [{"name","type","ttl","cache_flush","rdata"}], "additional": [...],
   "id": message id, "t": seconds after sending}
and exits 0 if any answer for NAME/TYPE arrived, else 1.
"""

import argparse
import json
import socket
import struct
import sys
import time

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rrset

IF = "lan0"


def _skip_name(data, off):
    """Returns the offset after the (possibly compressed) name at off."""
    while True:
        if off >= len(data):
            raise ValueError("name runs past the end")
        n = data[off]
        if n & 0xC0 == 0xC0:
            return off + 2
        if n == 0:
            return off + 1
        off += 1 + n


NSEC_MASK = 65280  # a private-use type (RFC 6895) dnspython keeps as opaque bytes


def strip_cache_flush(data, mask_nsec=False):
    """Clears the cache-flush bit (RFC 6762 section 10.2) in every record's
    class so dnspython parses the RDATA as class IN. Returns the new bytes and
    the list, in wire order, of (section, index-in-section, flag).
    mask_nsec: also retype NSEC records as TYPE65280, for peers whose NSEC
    dnspython rejects (python-zeroconf 0.47 writes a 2-byte bitmap length)."""
    b = bytearray(data)
    qd, an, ns, ar = struct.unpack_from("!4H", b, 4)
    off = 12
    for _ in range(qd):
        off = _skip_name(b, off) + 4
    flags = []
    for sec, count in (("answer", an), ("authority", ns), ("additional", ar)):
        for i in range(count):
            off = _skip_name(b, off)
            rtype, rclass = struct.unpack_from("!HH", b, off)
            if mask_nsec and rtype == 47:
                struct.pack_into("!H", b, off, NSEC_MASK)
            rdlen = struct.unpack_from("!H", b, off + 8)[0]
            flags.append((sec, i, bool(rclass & 0x8000)))
            struct.pack_into("!H", b, off + 2, rclass & 0x7FFF)
            off += 10 + rdlen
    return bytes(b), flags


def rr_json(rrset, cache_flush):
    out = []
    for rd in rrset:
        t = "NSEC?" if rrset.rdtype == NSEC_MASK else dns.rdatatype.to_text(rrset.rdtype)
        out.append({"name": rrset.name.to_text(), "type": t,
                    "ttl": rrset.ttl, "cache_flush": cache_flush,
                    "rdata": rd.to_text()})
    return out


def decode(data):
    """Parses a response; returns (message, answers, additionals) as JSON
    lists. The cache-flush flag is reported per RRset (true if any record of
    the set had it). NSEC records dnspython cannot read come out as type
    "NSEC?" with their RDATA in hex."""
    clean, flags = strip_cache_flush(data)
    try:
        m = dns.message.from_wire(clean, ignore_trailing=True)
    except dns.exception.FormError:
        clean, flags = strip_cache_flush(data, mask_nsec=True)
        m = dns.message.from_wire(clean, ignore_trailing=True)
    # Map wire records to dnspython RRsets by (name, type) in each section.
    cf = {}
    b = data
    qd = struct.unpack_from("!H", b, 4)[0]
    off = 12
    for _ in range(qd):
        off = _skip_name(b, off) + 4
    wire_keys = []
    for sec, _i, flag in flags:
        name, used = dns.name.from_wire(clean, off)
        rtype = struct.unpack_from("!H", clean, off + used)[0]
        rdlen = struct.unpack_from("!H", b, off + used + 8)[0]
        key = (sec, name.to_text().lower(), rtype)
        cf[key] = cf.get(key, False) or flag
        wire_keys.append(key)
        off += used + 10 + rdlen

    def conv(sec, rrsets):
        res = []
        for rr in rrsets:
            res += rr_json(rr, cf.get((sec, rr.name.to_text().lower(), rr.rdtype), False))
        return res
    return m, conv("answer", m.answer), conv("additional", m.additional)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-6", dest="v6", action="store_true")
    ap.add_argument("--port", type=int, default=5353)
    ap.add_argument("--qu", action="store_true")
    ap.add_argument("--unicast-to")
    ap.add_argument("--known", action="append", default=[],
                    help="TYPE:RDATA known answer at NAME (e.g. PTR:x._http._tcp.local.)")
    ap.add_argument("--known-ttl", type=int, default=4500,
                    help="TTL of the known answers; section 7.1 suppresses only if "
                         "it is at least half the true TTL")
    ap.add_argument("--wait", type=float, default=1.5)
    ap.add_argument("--id", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=1, help="send the query N times")
    ap.add_argument("--interval", type=float, default=0.1, help="seconds between repeats")
    ap.add_argument("--ifname", default=IF)
    ap.add_argument("--src", help="source address to bind and send from (it must be on "
                    "one of the host's interfaces, e.g. an extra off-subnet /32)")
    ap.add_argument("--hops", type=int, default=255, help="IP TTL / hop limit")
    ap.add_argument("name")
    ap.add_argument("type")
    a = ap.parse_args()

    qname = dns.name.from_text(a.name)
    qtype = dns.rdatatype.from_text(a.type)
    # RFC 6762 section 18.1: multicast queries use ID 0; legacy unicast
    # resolvers use a real one, which the reply must echo (section 6.7).
    msg = dns.message.make_query(qname, qtype, want_dnssec=False)
    msg.id = a.id
    msg.flags = 0
    if a.qu:
        # The top bit of the question class is the unicast-response bit.
        msg.question[0].rdclass = dns.rdataclass.IN | 0x8000
    for k in a.known:
        t, _, rdata = k.partition(":")
        rt = dns.rdatatype.from_text(t)
        rd = dns.rdata.from_text(dns.rdataclass.IN, rt, rdata)
        rr = dns.rrset.from_rdata(qname, a.known_ttl, rd)
        msg.answer.append(rr)
    wire = msg.to_wire()

    ifindex = socket.if_nametoindex(a.ifname)
    if a.v6:
        s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, ifindex)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, a.hops)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_UNICAST_HOPS, a.hops)
        s.bind((a.src or "::", a.port, 0, 0))
        if a.port == 5353:
            mreq = socket.inet_pton(socket.AF_INET6, "ff02::fb") + struct.pack("@I", ifindex)
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP, mreq)
        dest = (a.unicast_to or "ff02::fb", 5353, 0, ifindex)
    else:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, a.ifname.encode())
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, a.hops)
        # Pick the interface for multicast by index (struct ip_mreqn).
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF,
                     struct.pack("@4s4si", b"\0" * 4, b"\0" * 4, ifindex))
        s.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, a.hops)
        s.bind((a.src or "0.0.0.0", a.port))
        if a.port == 5353:
            s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
                         struct.pack("@4s4si", socket.inet_aton("224.0.0.251"), b"\0" * 4, ifindex))
        dest = (a.unicast_to or "224.0.0.251", 5353)
    s.setsockopt(socket.IPPROTO_IP if not a.v6 else socket.IPPROTO_IPV6,
                 socket.IP_MULTICAST_LOOP if not a.v6 else socket.IPV6_MULTICAST_LOOP, 0)
    t0 = time.monotonic()
    s.sendto(wire, dest)
    sent = 1
    found = False
    while True:
        now = time.monotonic() - t0
        if sent < a.repeat and now >= sent * a.interval:
            s.sendto(wire, dest)
            sent += 1
            continue
        left = a.wait + (a.repeat - 1) * a.interval - now
        if sent < a.repeat:
            left = min(left, sent * a.interval - now)
        if left <= 0:
            if sent < a.repeat:
                continue
            break
        s.settimeout(left)
        try:
            data, src = s.recvfrom(9000)
        except socket.timeout:
            if sent < a.repeat:
                continue
            break
        try:
            m, ans, add = decode(data)
        except Exception as e:  # a peer's odd packet is data, not a crash
            print(json.dumps({"from": src[0], "sport": src[1], "error": str(e),
                              "hex": data.hex(), "t": round(time.monotonic() - t0, 3)}),
                  flush=True)
            continue
        if not m.flags & dns.flags.QR:
            continue  # someone else's query
        for r in ans:
            if r["name"].lower() == qname.to_text().lower() and (
                    r["type"] == a.type.upper() or a.type.upper() == "ANY"):
                found = True
        print(json.dumps({"from": src[0], "sport": src[1], "to_port": a.port,
                          "id": m.id, "answers": ans, "additional": add,
                          "questions": [{"name": q.name.to_text(), "type": dns.rdatatype.to_text(q.rdtype)}
                                        for q in m.question],
                          "t": round(time.monotonic() - t0, 3)}), flush=True)
    sys.exit(0 if found else 1)


if __name__ == "__main__":
    main()
