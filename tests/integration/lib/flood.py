"""Bounded mDNS flood generator for the bounds tests (DESIGN section 11).
Runs inside a test namespace only; every run has a packet count and a time
limit, whichever comes first.

  flood.py queries [--rate 10000] [--seconds 10] [--name NAME] [-6-share F]
      a mix of thirds: the same questions over and over (PTR of the browsed
      type, SRV of NAME), random names that exist nowhere, and legacy unicast
      queries (source ports != 5353, RFC 6762 section 6.7).
  flood.py records [--count 100000] [--per-packet 25] [--rate 4000]
      unsolicited responses carrying COUNT unique bogus records: PTR
      _http._tcp.local -> bogus-N._http._tcp.local and A records for
      bogus-host-N.local, as a hostile neighbour would announce them.

Prints one JSON line: {"mode", "packets", "records", "seconds", "pps"}.
"""

import argparse
import json
import os
import socket
import struct
import sys
import time

IF = "lan0"


def enc_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        raw = label.encode()
        out += bytes([len(raw)]) + raw
    return out + b"\0"


def query(name, qtype, qid=0):
    return struct.pack("!6H", qid, 0, 1, 0, 0, 0) + enc_name(name) + struct.pack("!2H", qtype, 1)


def sockets(v6, ports):
    ifindex = socket.if_nametoindex(IF)
    out = []
    for port in ports:
        if v6:
            s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, ifindex)
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 255)
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_LOOP, 0)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            s.bind(("::", port, 0, 0))
            dest = ("ff02::fb", 5353, 0, ifindex)
        else:
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, IF.encode())
            s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF,
                         struct.pack("@4s4si", b"\0" * 4, b"\0" * 4, ifindex))
            s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 255)
            s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 0)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            s.bind(("0.0.0.0", port))
            dest = ("224.0.0.251", 5353)
        s.setblocking(False)
        out.append((s, dest))
    return out


def paced(gen, rate, seconds, limit):
    """Sends the packets gen yields as (sock, dest, bytes) at rate per second."""
    t0 = time.monotonic()
    sent = 0
    dropped = 0
    batch = max(1, rate // 200)  # 5 ms worth per burst
    while sent < limit:
        now = time.monotonic() - t0
        if now >= seconds:
            break
        due = min(limit, int(now * rate) + batch)
        while sent < due:
            s, dest, pkt = next(gen)
            try:
                s.sendto(pkt, dest)
            except (BlockingIOError, OSError):
                dropped += 1
            sent += 1
        ahead = sent / rate - (time.monotonic() - t0)
        if ahead > 0:
            time.sleep(ahead)
    return sent, dropped, time.monotonic() - t0


def gen_queries(a):
    v4_53 = sockets(False, [5353])
    v4_legacy = sockets(False, [0] * 8)
    v6 = a.v6_share > 0 and os.path.exists("/proc/sys/net/ipv6/conf/%s" % IF)
    v6_53 = sockets(True, [5353]) if v6 else v4_53
    v6_legacy = sockets(True, [0] * 4) if v6 else v4_legacy
    fixed = [query("_http._tcp.local", 12), query(a.name, 33), query(a.name, 16)]
    i = 0
    while True:
        i += 1
        use6 = v6 and (i % 100) < a.v6_share * 100
        kind = i % 3
        if kind == 0:
            s, d = (v6_53 if use6 else v4_53)[0]
            yield s, d, fixed[(i // 3) % len(fixed)]
        elif kind == 1:
            s, d = (v6_53 if use6 else v4_53)[0]
            yield s, d, query("%s.local" % os.urandom(6).hex(), 1)
        else:
            pool = v6_legacy if use6 else v4_legacy
            s, d = pool[i % len(pool)]
            yield s, d, query("_http._tcp.local", 12, qid=i & 0xFFFF) \
                if i % 2 else query("%s.local" % os.urandom(5).hex(), 28, qid=i & 0xFFFF)


def gen_records(a, counter):
    s, d = sockets(False, [5353])[0]
    ptr_owner = enc_name("_http._tcp.local")
    n = 0
    while True:
        rrs = b""
        k = 0
        while k < a.per_packet:
            n += 1
            if n % 2:
                target = enc_name("bogus-%d._http._tcp.local" % n)
                rrs += ptr_owner + struct.pack("!HHIH", 12, 1, 4500, len(target)) + target
            else:
                rrs += enc_name("bogus-host-%d.local" % n) + struct.pack(
                    "!HHIH", 1, 0x8001, 120, 4) + struct.pack("!I", 0xC6120000 | (n & 0xFFFF))
            k += 1
        counter[0] += k
        yield s, d, struct.pack("!6H", 0, 0x8400, 0, k, 0, 0) + rrs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=("queries", "records"))
    ap.add_argument("--rate", type=int, default=0)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--name", default="nothing._http._tcp.local")
    ap.add_argument("--v6-share", type=float, default=0.2)
    ap.add_argument("--count", type=int, default=100000)
    ap.add_argument("--per-packet", type=int, default=25)
    a = ap.parse_args()
    seconds = min(a.seconds, 60.0)  # hard cap: never a runaway flood
    if a.mode == "queries":
        rate = a.rate or 10000
        sent, dropped, took = paced(gen_queries(a), rate, seconds, int(rate * seconds))
        records = sent
    else:
        rate = a.rate or 4000
        counter = [0]
        packets = -(-a.count // a.per_packet)
        sent, dropped, took = paced(gen_records(a, counter), rate, seconds, packets)
        records = counter[0]
    print(json.dumps({"mode": a.mode, "packets": sent, "send_errors": dropped,
                      "records": records, "seconds": round(took, 3),
                      "pps": round(sent / took if took else 0.0, 1)}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
