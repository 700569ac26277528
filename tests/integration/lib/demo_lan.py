"""The demonstration LAN behind scripts/demo.sh (run as root with
/usr/bin/python3): Nautilus, Avahi and python-zeroconf as neighbours on a LAN
of network namespaces, each publishing and browsing, and a table of who
discovered what.

  demo_lan.py NAUTILUS_BINARY
"""

import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nttest import (Lan, Nautilus, avahi_resolved, avahi_unescape,  # noqa: E402
                    read_mdns_pcap, zc_browser, zc_register)

BOLD = "\033[1m" if sys.stdout.isatty() else ""
OFF = "\033[0m" if sys.stdout.isatty() else ""


def say(text):
    print("%s==> %s%s" % (BOLD, text, OFF), flush=True)


def main():
    nbin = os.path.abspath(sys.argv[1])
    with Lan(hosts=4, prefix="ntdemo") as lan:
        printer, avahi_h, zc_h, laptop = lan.hosts
        say("a LAN of 4 network namespaces on a private bridge (IPv4 192.0.2.0/24, IPv6 ULA + link-local)")
        for h, role in ((printer, "Nautilus publisher"), (avahi_h, "avahi-daemon 0.8"),
                        (zc_h, "python-zeroconf"), (laptop, "Nautilus browser")):
            print("    %-22s %-20s %s  %s" % (h.ns, role, h.v4, h.v6))
        pcap = os.path.join(lan.workdir, "laptop.pcap")
        cap = laptop.capture(pcap)

        say("starting avahi-daemon (own D-Bus, own /run) and python-zeroconf; browsers everywhere")
        av = avahi_h.start_avahi("avahi-box")
        av.publish("Avahi File Share", "_http._tcp", 8081, ["path=/share", "owner=avahi"])
        zc_register(zc_h, "ZC Sensor", "_http._tcp", 9090, ["unit=celsius", "model=zc-1"],
                    host_name="zc-box")
        zb = zc_browser(zc_h, "_http._tcp")

        say("nautilus keygen on the printer; the laptop pins the printer's key digest")
        state = os.path.join(lan.workdir, "printer-keys")
        kg = printer.run([nbin, "keygen", "--state", state, "--host", "lab-printer", "--json"],
                         timeout=15)
        digest = json.loads(kg.stdout)["key_digest"]
        trust = os.path.join(lan.workdir, "trusted-keys")
        with open(trust, "w") as f:
            f.write("lab-printer.local %s\n" % digest)
        print("    trusted-keys: lab-printer.local %s" % digest)
        nb = Nautilus(nbin, laptop).browse("_http._tcp", extra=["--trust", trust])

        say("nautilus publish --sign 'Lab Printer Web' _http._tcp 8080 on %s" % printer.ns)
        t0 = time.monotonic()
        pub = Nautilus(nbin, printer).publish("Lab Printer Web", "_http._tcp", 8080,
                                              ["path=/status", "model=NT-9000"], host_name="lab-printer",
                                              extra=["--sign", "--state", state])
        time.sleep(4.0)

        say("what each host discovered")
        rows = []
        for o in nb.all:
            if o.get("event") in ("added", "updated") and o.get("port"):
                rows.append(("laptop (nautilus browse)", o["instance"], o.get("host"), o.get("port"),
                             o.get("trust", "-"), ",".join(o.get("addresses", [])), o.get("txt")))
        for o in zb.all:
            if o.get("port"):
                rows.append(("zeroconf (ServiceBrowser)", o["name"].split("._")[0], o.get("server"),
                             o.get("port"), "-", ",".join(o.get("addresses", [])), o.get("txt")))
        lines = av.browse("_http._tcp", resolve=True, timeout=4)
        for name in sorted({avahi_unescape(f[3]) for f in lines if len(f) > 3 and f[0] == "="}):
            for r in avahi_resolved(lines, name)[:1]:
                rows.append(("avahi (avahi-browse -r)", name, r["host"], r["port"], "-", r["address"],
                             r["txt"]))
        seen = {}
        for r in rows:
            key = (r[0], r[1])
            seen[key] = r  # keep the latest, most complete event
        print("    %-26s %-18s %-20s %-5s %-11s %s" % ("WHO (where)", "INSTANCE", "HOST", "PORT",
                                                   "TRUST", "ADDRESSES / TXT"))
        for r in sorted(seen.values()):
            print("    %-26s %-18s %-20s %-5s %-11s %s %s" % (r[0], r[1], (r[2] or "").rstrip("."),
                                                            r[3], r[4], r[5],
                                                            json.dumps(r[6], sort_keys=True)))
        print("    (TRUST is the laptop's verdict: the printer's records carry Ed25519 RRSIGs by a\n"
              "     pinned key; Avahi's and python-zeroconf's are plain mDNS, shown as unsigned)")
        first = [o for o in nb.all if o.get("instance") == "Lab Printer Web"]
        if first:
            print("    (the laptop's Nautilus saw the printer's service %.2f s after publish)"
                  % (first[0]["_t"] - t0))

        say("nautilus resolve avahi-box.local / zc-box.local / lab-printer.local from the laptop")
        for host in ("avahi-box.local", "zc-box.local", "lab-printer.local"):
            r = laptop.run([nbin, "resolve", host, "--timeout", "3"], timeout=15)
            print("    %-20s -> %s" % (host, " ".join(r.stdout.split()) or "(not found: %s)" % r.stderr.strip()))

        say("goodbye: stopping the Nautilus publisher (SIGTERM sends TTL-0 goodbyes)")
        t1 = time.monotonic()
        pub.stop()
        deadline = time.monotonic() + 3
        gone = {}
        while time.monotonic() < deadline and len(gone) < 2:
            for o in nb.all:
                if o.get("event") == "removed" and o.get("instance") == "Lab Printer Web":
                    gone.setdefault("laptop (nautilus browse)", o["_t"] - t1)
            for o in zb.all:
                if o.get("event") == "removed" and o.get("name", "").startswith("Lab Printer Web"):
                    gone.setdefault("zeroconf (ServiceBrowser)", o["_t"] - t1)
            time.sleep(0.05)
        for who, dt in sorted(gone.items()):
            print("    %-26s removed it after %.2f s" % (who, dt))
        cap.stop()

        say("one of the printer's announcements, as the laptop captured it, through `nautilus decode`")
        mine = {printer.v4, printer.v6, printer.link_local()}
        ann = [p for p in read_mdns_pcap(pcap) if p["src"] in mine and p["is_response"]
               and p["dst"] == "224.0.0.251"]
        ann.sort(key=lambda p: not any(x["type"] == "SRV" for x in p["answers"]))
        if ann:
            raw = os.path.join(lan.workdir, "announcement.bin")
            with open(raw, "wb") as f:
                f.write(ann[0]["raw"])
            r = subprocess.run([nbin, "decode", raw], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
            for line in r.stdout.splitlines()[:40]:
                print("    " + line)
        say("cleaning up: every process stopped by PID, every namespace deleted")
    return 0


if __name__ == "__main__":
    sys.exit(main())
