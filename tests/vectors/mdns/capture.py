#!/usr/bin/python3
"""Re-creates the mDNS peer captures in this directory (run as root).

  /usr/bin/python3 tests/vectors/mdns/capture.py [OUTDIR]

Builds a LAN of five network namespaces (tests/integration/lib/lan.py):
  h1  avahi-daemon "avahi-pub"   publishes services with avahi-publish
  h2  python-zeroconf            registers two services (probes, announcements,
                                 one host with IPv4 only, so it sends NSEC)
  h3  avahi-daemon "avahi-cli"   browses and resolves (avahi-browse, avahi-resolve)
  h4  python-zeroconf            browses and resolves
  h5  dnspython                  hand-made queries (mdnsq.py)
and runs tshark on every host's lan0. Each packet a host *sent* is written,
in time order, as OUTDIR/<peer>/NNN.bin (the UDP payload, i.e. one DNS
message), where peer is "avahi", "zeroconf" or "dnspython" (the queries we
crafted to make peers send NSEC, legacy-unicast and known-answer traffic).
The raw pcaps go to OUTDIR/pcap/hN.pcap and OUTDIR/index.tsv lists, for every
.bin, its sender host, transport (ipv4/ipv6), source address and port,
destination, and a one-line tshark summary.
"""

import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "integration", "lib"))
from lan import Lan, PYTHON  # noqa: E402

LIB = os.path.join(HERE, "..", "..", "integration", "lib")
MDNSQ = os.path.join(LIB, "mdnsq.py")


def main():
    out = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else HERE)
    with Lan(hosts=5, prefix="ntcap") as lan:
        h1, h2, h3, h4, h5 = lan.hosts
        peer_of = {1: "avahi", 2: "zeroconf", 3: "avahi", 4: "zeroconf", 5: "dnspython"}
        pcaps = {}
        caps = []
        for h in lan.hosts:
            pcaps[h.index] = os.path.join(lan.workdir, "h%d.pcap" % h.index)
            caps.append(h.capture(pcaps[h.index]))
        time.sleep(0.5)

        # Avahi publisher: its host name A/AAAA probes and announcements, then
        # services with TXT records and a subtype.
        av1 = h1.start_avahi("avahi-pub")
        p1 = av1.publish("Avahi Printer", "_ipp._tcp", 631,
                         ["txtvers=1", "rp=printers/lab", "note=Room 4.2", "Color=T"],
                         subtypes=["_universal._sub._ipp._tcp"])
        p2 = av1.publish("Avahi Web", "_http._tcp", 8080, ["path=/", "empty=", "flag"])

        # python-zeroconf registering a service with TXT, A and AAAA.
        zc = h2.zeroconf(["register", "--ip", h2.v4, "--ip", h2.v6,
                          "--addr", h2.v4, "--addr", h2.v6, "--host", "zc-host",
                          "ZC Service", "_http._tcp", "9090", "k=v", "version=0.47"],
                         name="zc-register")
        zc.popen.stdout.readline()
        # A host with an A record only: python-zeroconf answers AAAA questions
        # for it with an NSEC (RFC 6762 section 6.1), in its 2-byte form.
        zc4 = h2.zeroconf(["register", "--ip", h2.v4, "--ip", h2.v6, "--addr", h2.v4, "--host", "zc-v4",
                           "--ttl", "60", "ZC V4 Only", "_printer._tcp", "515", "rp=q"],
                          name="zc-register-v4")
        zc4.popen.stdout.readline()

        # Avahi browser: queries, then re-queries listing known answers;
        # the responders answer with compressed responses.
        av3 = h3.start_avahi("avahi-cli")
        time.sleep(1.0)
        av3.browse("_http._tcp", resolve=True, timeout=4)
        av3.browse("_ipp._tcp", resolve=True, timeout=4)
        av3.run(["avahi-resolve", "-4", "-n", "zc-host.local"], timeout=10)
        av3.run(["avahi-resolve", "-6", "-n", "avahi-pub.local"], timeout=10)
        av3.run(["avahi-browse", "-kpt", "_services._dns-sd._udp"], timeout=10)

        # python-zeroconf browsing and resolving (its queries carry known answers
        # on repeats).
        zb = h4.zeroconf(["browse", "--ip", h4.v4, "--ip", h4.v6, "--timeout", "4",
                          "_http._tcp"], name="zc-browse")
        zb.popen.wait(timeout=15)
        h4.run([PYTHON, os.path.join(LIB, "zc_peer.py"), "resolve", "--ip", h4.v4,
                "--ip", h4.v6, "Avahi Printer", "_ipp._tcp"], timeout=15)

        # dnspython: questions that make peers send NSEC (a type the name does not
        # have, RFC 6762 section 6.1), legacy unicast (section 6.7), QU questions
        # (section 5.4), a known-answer suppressed query (section 7.1), over
        # IPv4 and IPv6 transport.
        q = [PYTHON, MDNSQ, "--wait", "1"]
        for fam in ([], ["-6"]):
            h5.run(q + fam + ["zc-v4.local.", "AAAA"])
            h5.run(q + fam + ["avahi-pub.local.", "MX"])
            h5.run(q + fam + ["zc-host.local.", "MX"])
            h5.run(q + fam + ["ZC Service._http._tcp.local.", "A"])
            h5.run(q + fam + ["--port", "40001", "--id", "4660",
                              "_http._tcp.local.", "PTR"])
            h5.run(q + fam + ["--port", "40002", "--id", "4661",
                              "avahi-pub.local.", "A" if not fam else "AAAA"])
            h5.run(q + fam + ["--qu", "Avahi Web._http._tcp.local.", "SRV"])
            h5.run(q + fam + ["--known", "PTR:ZC\\032Service._http._tcp.local.",
                              "_http._tcp.local.", "PTR"])
            h5.run(q + fam + ["_services._dns-sd._udp.local.", "PTR"])
            h5.run(q + fam + ["zc-host.local.", "ANY"])

        # Goodbyes: zeroconf unregisters, avahi withdraws, daemons stop.
        zc.stop()
        zc4.stop()
        p2.stop()
        p1.stop()
        time.sleep(1.0)
        av3.proc.stop()
        av1.proc.stop()
        time.sleep(0.5)
        for c in caps:
            c.stop(timeout=5)

        write_vectors(lan, out, pcaps, peer_of)


FIELDS = ["frame.time_epoch", "ip.src", "ipv6.src", "ip.dst", "ipv6.dst",
          "udp.srcport", "udp.dstport", "udp.payload", "_ws.col.Info"]


def write_vectors(lan, out, pcaps, peer_of):
    srcs = {}
    for h in lan.hosts:
        mine = {a for a in (h.v4, h.v6, h.link_local()) if a}
        srcs[h.index] = mine
    rows = []
    for idx, path in pcaps.items():
        r = subprocess.run(["tshark", "-n", "-r", path, "-T", "fields", "-E", "separator=\t",
                            "-E", "occurrence=f"] + sum([["-e", f] for f in FIELDS], []),
                           check=True, stdout=subprocess.PIPE, text=True)
        for line in r.stdout.splitlines():
            f = line.split("\t")
            if len(f) < len(FIELDS) or not f[7]:
                continue
            src = f[1] or f[2]
            if src not in srcs[idx]:
                continue  # received, not sent, by this host: its sender's capture has it
            rows.append((float(f[0]), idx, "ipv4" if f[1] else "ipv6", src, f[5],
                         f[3] or f[4], f[6], f[7], f[8]))
    rows.sort()
    for peer in set(peer_of.values()):
        shutil.rmtree(os.path.join(out, peer), ignore_errors=True)
        os.makedirs(os.path.join(out, peer))
    os.makedirs(os.path.join(out, "pcap"), exist_ok=True)
    for idx, path in pcaps.items():
        shutil.copyfile(path, os.path.join(out, "pcap", "h%d.pcap" % idx))
    n = {}
    t0 = rows[0][0] if rows else 0.0
    with open(os.path.join(out, "index.tsv"), "w") as idxf:
        idxf.write("file\tt\thost\ttransport\tsrc\tsport\tdst\tdport\tsummary\n")
        for t, idx, fam, src, sport, dst, dport, payload, info in rows:
            peer = peer_of[idx]
            n[peer] = n.get(peer, 0) + 1
            name = "%s/%03d.bin" % (peer, n[peer])
            with open(os.path.join(out, name), "wb") as f:
                f.write(bytes.fromhex(payload.replace(":", "")))
            idxf.write("%s\t%.3f\th%d\t%s\t%s\t%s\t%s\t%s\t%s\n" % (
                name, t - t0, idx, fam, src, sport, dst, dport, info))
    print("capture: %s" % ", ".join("%s %d" % kv for kv in sorted(n.items())))


if __name__ == "__main__":
    main()
