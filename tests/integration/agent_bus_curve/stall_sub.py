#!/usr/bin/python3
"""A raw pyzmq SUB that stops reading: the slow subscriber of
test_agent_bus_curve.py (DESIGN §6.1: the agent's PUB must not wait for it).

    stall_sub.py ENDPOINT SERVER_KEY KEY_FILE

Connects over CURVE with a small receive high-water mark and socket buffer,
subscribes to everything and reads until the first message comes (the
connection and the CURVE handshake are done), then prints one JSON line
{"ready": true} and stops reading. Commands on stdin, one a line:

  drain   read everything queued for 1 s; print {"received": N, "events": N,
          "first": SEQ, "last": SEQ} (event messages and their seq range)
  quit    exit
"""
import json
import sys
import time

import zmq


def main():
    endpoint, server_key, key_file = sys.argv[1:4]
    with open(key_file) as f:
        secret = f.read().strip().encode()
    ctx = zmq.Context()
    sub = ctx.socket(zmq.SUB)
    sub.setsockopt(zmq.LINGER, 0)
    sub.setsockopt(zmq.RCVHWM, 1)
    sub.setsockopt(zmq.RCVBUF, 4096)  # SO_RCVBUF: the kernel's share small too
    sub.setsockopt(zmq.MAXMSGSIZE, 65536)
    sub.curve_secretkey = secret
    sub.curve_publickey = zmq.curve_public(secret)
    sub.curve_serverkey = server_key.encode()
    sub.setsockopt(zmq.SUBSCRIBE, b"")
    sub.connect(endpoint)
    if not sub.poll(10000):
        print(json.dumps({"ready": False}), flush=True)
        return 1
    sub.recv_multipart()
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        cmd = line.strip()
        if cmd == "quit":
            break
        if cmd != "drain":
            continue
        got = {"received": 0, "events": 0, "first": None, "last": None}
        deadline = time.monotonic() + 1.0
        while time.monotonic() < deadline:
            if not sub.poll(100):
                continue
            frames = sub.recv_multipart()
            got["received"] += 1
            if len(frames) == 2 and frames[0] != b"bus.head":
                seq = json.loads(frames[1]).get("seq")
                got["events"] += 1
                got["first"] = seq if got["first"] is None else got["first"]
                got["last"] = seq
        print(json.dumps(got), flush=True)
    sub.close()
    ctx.term()
    return 0


if __name__ == "__main__":
    sys.exit(main())
