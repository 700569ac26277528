"""python-zeroconf as a test peer. Run with /usr/bin/python3 inside a namespace.

  zc_peer.py register --ip ADDR [--ip ADDR6] NAME TYPE PORT [k=v ...]
      registers NAME.TYPE.local. (TYPE like _http._tcp), prints
      {"event":"registered","name":...} when done, then waits; on SIGTERM it
      unregisters (goodbye packets) and prints {"event":"unregistered"}.
  zc_peer.py browse --ip ADDR [--ip ADDR6] TYPE [--timeout S]
      prints one JSON line per event: {"event":"added|updated|removed",
      "name":..., "port":..., "addresses":[...], "txt":{...}, "server":...,
      "t":seconds since start}.
  zc_peer.py resolve --ip ADDR NAME TYPE [--timeout S]
      one lookup; prints the resolved record or {"event":"notfound"}.

--ip names the interface addresses to bind: python-zeroconf takes addresses,
not interface names; pass the namespace's IPv4 and/or IPv6 (link-local with
%lan0 or the interface index is resolved for you).
"""

import argparse
import json
import signal
import socket
import sys
import threading
import time

from zeroconf import (IPVersion, ServiceBrowser, ServiceInfo, ServiceStateChange,
                      Zeroconf)

T0 = time.monotonic()


def emit(obj):
    obj["t"] = round(time.monotonic() - T0, 3)
    sys.stdout.write(json.dumps(obj, sort_keys=True) + "\n")
    sys.stdout.flush()


def interfaces(ips):
    out = []
    for ip in ips:
        if ":" in ip:
            # IPV6_JOIN_GROUP takes an interface index, not an address.
            _, _, scope = ip.partition("%")
            out.append(socket.if_nametoindex(scope or "lan0"))
        else:
            out.append(ip)
    return out


def ip_version(ips):
    v4 = any(":" not in i for i in ips)
    v6 = any(":" in i for i in ips)
    if v4 and v6:
        return IPVersion.All
    return IPVersion.V6Only if v6 else IPVersion.V4Only


def make_zc(ips):
    return Zeroconf(interfaces=interfaces(ips), ip_version=ip_version(ips))


def info_json(info, event, name):
    d = {"event": event, "name": name}
    if info is not None:
        d["port"] = info.port
        d["server"] = info.server
        d["addresses"] = sorted(info.parsed_scoped_addresses())
        txt = {}
        for k, v in (info.properties or {}).items():
            key = k.decode("utf-8", "replace") if isinstance(k, bytes) else str(k)
            txt[key] = v.decode("utf-8", "replace") if isinstance(v, bytes) else v
        d["txt"] = txt
    return d


def cmd_register(a):
    props = {}
    for kv in a.txt:
        k, _, v = kv.partition("=")
        props[k] = v
    addrs = [socket.inet_pton(socket.AF_INET6 if ":" in x else socket.AF_INET, x.split("%")[0])
             for x in (a.addr or a.ip)]
    stype = a.type.rstrip(".") + ".local."
    info = ServiceInfo(stype, "%s.%s" % (a.name, stype), port=a.port, properties=props,
                       server=(a.host.rstrip(".") + ".local.") if a.host else None,
                       addresses=addrs, host_ttl=a.ttl or 120, other_ttl=a.ttl or 4500)
    zc = make_zc(a.ip)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    zc.register_service(info, allow_name_change=True)
    emit({"event": "registered", "name": info.name})
    stop.wait()
    zc.unregister_service(info)
    zc.close()
    emit({"event": "unregistered", "name": info.name})


def cmd_browse(a):
    zc = make_zc(a.ip)
    stype = a.type.rstrip(".") + ".local."
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())

    def handler(zeroconf, service_type, name, state_change):
        if state_change is ServiceStateChange.Removed:
            emit({"event": "removed", "name": name})
            return
        info = zeroconf.get_service_info(service_type, name, timeout=3000)
        ev = "added" if state_change is ServiceStateChange.Added else "updated"
        emit(info_json(info, ev, name))

    ServiceBrowser(zc, stype, handlers=[handler])
    stop.wait(a.timeout if a.timeout > 0 else None)
    zc.close()


def cmd_resolve(a):
    zc = make_zc(a.ip)
    stype = a.type.rstrip(".") + ".local."
    info = ServiceInfo(stype, "%s.%s" % (a.name, stype))
    ok = info.request(zc, int(a.timeout * 1000))
    emit(info_json(info if ok else None, "resolved" if ok else "notfound",
                   "%s.%s" % (a.name, stype)))
    zc.close()
    sys.exit(0 if ok else 1)


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("register")
    r.add_argument("--ip", action="append", required=True)
    r.add_argument("--addr", action="append", help="addresses to publish (default: --ip)")
    r.add_argument("--host")
    r.add_argument("--ttl", type=int, default=0)
    r.add_argument("name")
    r.add_argument("type")
    r.add_argument("port", type=int)
    r.add_argument("txt", nargs="*")
    b = sub.add_parser("browse")
    b.add_argument("--ip", action="append", required=True)
    b.add_argument("--timeout", type=float, default=0)
    b.add_argument("type")
    s = sub.add_parser("resolve")
    s.add_argument("--ip", action="append", required=True)
    s.add_argument("--timeout", type=float, default=3)
    s.add_argument("name")
    s.add_argument("type")
    a = ap.parse_args()
    {"register": cmd_register, "browse": cmd_browse, "resolve": cmd_resolve}[a.cmd](a)


if __name__ == "__main__":
    main()
