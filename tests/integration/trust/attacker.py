"""The attacker host's radio: run inside its namespace, it holds one mDNS
socket (0.0.0.0:5353 on lan0, joined to 224.0.0.251), records every packet it
hears, and obeys commands read from stdin, one JSON object per line:

  {"op": "send", "hex": "...", "repeat": N, "gap": S, "to": "224.0.0.251"}
      sends the bytes N times (gap S seconds apart) to `to`:5353; `to` may
      be a unicast address (straight to one host's port 5353); optional
      "src": "192.0.2.x" sends from that address of lan0 (IP_PKTINFO), the
      source port always being 5353
  {"op": "send_many", "hexes": ["...", ...], "gap": S, "to": ..., "src": ...}
      sends each datagram once, in order
  {"op": "heard", "src": "192.0.2.11", "since": T}
      reports packets heard from src after T (seconds since start)
  {"op": "quit"}

and answers each with one JSON line on stdout ({"ok": true, ...}). The
packets themselves are built by the test (trustlib.py), so this process is
only the attacker's position on the LAN: its own address, its own socket.
"""
import json
import socket
import struct
import sys
import threading
import time

IF = "lan0"
T0 = time.monotonic()
heard = []
lock = threading.Lock()


def open_socket():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, IF.encode())
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 255)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, 255)
    ifindex = socket.if_nametoindex(IF)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF,
                 struct.pack("@4s4si", b"\0" * 4, b"\0" * 4, ifindex))
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 0)
    s.bind(("0.0.0.0", 5353))
    s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
                 struct.pack("@4s4si", socket.inet_aton("224.0.0.251"), b"\0" * 4, ifindex))
    return s


def send(s, data, to, src=None):
    """One datagram to to:5353, from src if given (an address of lan0)."""
    if not src:
        s.sendto(data, (to, 5353))
        return
    info = struct.pack("@I4s4s", socket.if_nametoindex(IF), socket.inet_aton(src), b"\0" * 4)
    s.sendmsg([data], [(socket.IPPROTO_IP, socket.IP_PKTINFO, info)], 0, (to, 5353))


def listen(s):
    while True:
        try:
            data, src = s.recvfrom(9000)
        except OSError:
            return
        with lock:
            heard.append((time.monotonic() - T0, src[0], data))


def main():
    s = open_socket()
    threading.Thread(target=listen, args=(s,), daemon=True).start()
    print(json.dumps({"ok": True, "ready": True}), flush=True)
    for line in sys.stdin:
        try:
            cmd = json.loads(line)
        except ValueError:
            continue
        op = cmd.get("op")
        if op == "send":
            data = bytes.fromhex(cmd["hex"])
            n = int(cmd.get("repeat", 1))
            gap = float(cmd.get("gap", 0))
            for i in range(n):
                send(s, data, cmd.get("to", "224.0.0.251"), cmd.get("src"))
                if gap and i + 1 < n:
                    time.sleep(gap)
            print(json.dumps({"ok": True, "sent": n, "t": time.monotonic() - T0}), flush=True)
        elif op == "send_many":
            gap = float(cmd.get("gap", 0))
            datas = [bytes.fromhex(h) for h in cmd["hexes"]]
            for i, data in enumerate(datas):
                send(s, data, cmd.get("to", "224.0.0.251"), cmd.get("src"))
                if gap and i + 1 < len(datas):
                    time.sleep(gap)
            print(json.dumps({"ok": True, "sent": len(datas), "t": time.monotonic() - T0}),
                  flush=True)
        elif op == "heard":
            since = float(cmd.get("since", 0))
            with lock:
                pk = [{"t": t, "hex": d.hex()} for t, src, d in heard
                      if src == cmd.get("src") and t >= since]
            print(json.dumps({"ok": True, "packets": pk, "t": time.monotonic() - T0}), flush=True)
        elif op == "quit":
            print(json.dumps({"ok": True}), flush=True)
            return
        else:
            print(json.dumps({"ok": False, "error": "unknown op"}), flush=True)


if __name__ == "__main__":
    main()
