"""The demonstration LAN behind scripts/demo.sh (run as root with
/usr/bin/python3): Nautilus, Avahi and python-zeroconf as neighbours on a LAN
of network namespaces, each publishing and browsing, and a table of who
discovered what. A local anvil (the root namespace's 127.0.0.1, a free port,
stopped by PID at the end; lib/nsfwd.py makes it reachable as the same
127.0.0.1:PORT inside the namespaces) holds the Registry the printer's key is
registered in and the checkpoints of its record history: the laptop trusts
the printer with no local pin and sees its records anchored, and
`nautilus ledger audit` checks the history.

  demo_lan.py NAUTILUS_BINARY
"""

import json
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from anvil import rpc  # noqa: E402
import anvil as anvil_node  # noqa: E402
from nttest import (Lan, Nautilus, avahi_resolved, avahi_unescape,  # noqa: E402
                    read_mdns_pcap, zc_browser, zc_register)

BOLD = "\033[1m" if sys.stdout.isatty() else ""
OFF = "\033[0m" if sys.stdout.isatty() else ""


def say(text):
    print("%s==> %s%s" % (BOLD, text, OFF), flush=True)


HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
CHAIN_ID = "31337"


def start_anvil():
    """anvil on 127.0.0.1 at a free port; returns (process, url)."""
    return anvil_node.start(SRC, None, CHAIN_ID)


def stop(p):
    if p and p.poll() is None:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(timeout=5)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def main():
    nbin = os.path.abspath(sys.argv[1])
    anvil, url = start_anvil()
    fwd = None
    try:
        with Lan(hosts=4, prefix="ntdemo") as lan:
            fwd = subprocess.Popen(["/usr/bin/python3", os.path.join(HERE, "nsfwd.py"),
                                    url.rsplit(":", 1)[1]] + [h.ns for h in lan.hosts],
                                   stdout=subprocess.PIPE, text=True)
            if fwd.stdout.readline().strip() != "ready":
                raise RuntimeError("cannot reach anvil from the namespaces")
            demo(lan, nbin, url)
    finally:
        stop(fwd)
        stop(anvil)
    return 0


def demo(lan, nbin, url):
    """The demonstration proper, on lan."""
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

    say("nautilus keygen on the printer")
    state = os.path.join(lan.workdir, "printer-keys")
    kg = printer.run([nbin, "keygen", "--state", state, "--host", "lab-printer", "--json"],
                     timeout=15)
    kgj = json.loads(kg.stdout)
    digest = kgj["key_digest"]
    print("    key digest %s, account %s" % (digest, kgj["address"]))

    say("a local chain: anvil at %s (chain id %s); the printer's account is funded" % (url, CHAIN_ID))
    rpc(url, "anvil_setBalance", [kgj["address"], hex(10**20)])
    chain = ["--rpc", url, "--chain-id", CHAIN_ID, "--confirmations", "1"]
    say("nautilus ledger deploy, then ledger register lab-printer.local (the printer's key)")
    r = printer.run([nbin, "ledger", "deploy", "--state", state, "--json"] + chain, timeout=60)
    if r.returncode != 0:
        raise RuntimeError("ledger deploy: " + r.stderr.strip())
    registry = json.loads(r.stdout.strip().splitlines()[-1])["registry"]
    print("    " + r.stdout.strip())
    r = printer.run([nbin, "ledger", "register", "lab-printer.local", "--state", state,
                     "--registry", registry] + chain, timeout=60)
    print("    " + (r.stdout.strip() or r.stderr.strip()))
    print("    the laptop pins nothing: it asks the chain (browse --rpc %s --registry %s)"
          % (url, registry))
    nb = Nautilus(nbin, laptop).browse("_http._tcp", extra=["--rpc", url, "--registry", registry])

    say("nautilus publish --sign --anchor 'Lab Printer Web' _http._tcp 8080 on %s" % printer.ns)
    t0 = time.monotonic()
    pub = Nautilus(nbin, printer).publish("Lab Printer Web", "_http._tcp", 8080,
                                          ["path=/status", "model=NT-9000"], host_name="lab-printer",
                                          extra=["--sign", "--state", state, "--anchor",
                                                 "--registry", registry, "--anchor-every", "1"]
                                          + chain)
    got = nb.wait_for(lambda o: o.get("instance") == "Lab Printer Web" and
                      o.get("trust") == "anchored", 30)
    for o in nb.all:
        if o.get("instance") == "Lab Printer Web" and o.get("event") in ("added", "updated"):
            print("    laptop: %-7s trust=%-11s pin=%-5s %s" % (
                o["event"], o.get("trust"), o.get("pin"),
                ("anchor=%s" % json.dumps(o["anchor"])) if o.get("anchor") else
                ("chain_block=%s" % o["chain_block"]) if o.get("chain_block") else ""))
    if not got:
        print("    (the laptop did not see the printer anchored within 30 s)")
    time.sleep(1.0)

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
    print("    (TRUST is the laptop's verdict: the printer's records carry Ed25519 RRSIGs by the\n"
          "     key the Registry binds to lab-printer.local, and are a leaf of a checkpoint on\n"
          "     chain; Avahi's and python-zeroconf's are plain mDNS, shown as unsigned)")
    first = [o for o in nb.all if o.get("instance") == "Lab Printer Web"]
    if first:
        print("    (the laptop's Nautilus saw the printer's service %.2f s after publish)"
              % (first[0]["_t"] - t0))

    say("nautilus resolve avahi-box.local / zc-box.local / lab-printer.local from the laptop")
    for host in ("avahi-box.local", "zc-box.local", "lab-printer.local"):
        r = laptop.run([nbin, "resolve", host, "--timeout", "3"], timeout=15)
        print("    %-20s -> %s" % (host, " ".join(r.stdout.split()) or "(not found: %s)" % r.stderr.strip()))

    say("nautilus ledger audit lab-printer.local: the name's history and each anchored version")
    r = laptop.run([nbin, "ledger", "audit", "lab-printer.local", "--rpc", url,
                    "--registry", registry, "--state", state], timeout=60)
    for line in (r.stdout or r.stderr).splitlines()[:30]:
        print("    " + line)
    print("    (exit %d: %s)" % (r.returncode, "every check held" if r.returncode == 0
                                  else "a check failed" if r.returncode == 1 else "error"))

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
    # One that carries the anchor= field, if the capture has it.
    ann.sort(key=lambda p: (b"anchor" not in p["raw"],
                            not any(x["type"] == "SRV" for x in p["answers"])))
    if ann:
        raw = os.path.join(lan.workdir, "announcement.bin")
        with open(raw, "wb") as f:
            f.write(ann[0]["raw"])
        r = subprocess.run([nbin, "decode", raw], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
        for line in r.stdout.splitlines()[:40]:
            print("    " + line)
    say("cleaning up: every process stopped by PID (anvil too), every namespace deleted")


if __name__ == "__main__":
    sys.exit(main())
