#!/usr/bin/python3
"""Seeds for fuzz/corpus/bus_event: bus messages as DESIGN §6 specifies them,
signed with a fixed key (seed 5 x 32 at fuzz.local) so the run is
repeatable: a chain of events with its head, the same with a tampered body,
reordered, replayed, a snapshot end, and malformed shapes. Each file is
messages separated by 0xFF, each "topic\\0body" (fuzz/fuzz_bus_event.c).

    /usr/bin/python3 fuzz/make_bus_corpus.py
"""
import hashlib
import json
import os

import nacl.signing

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "bus_event")
SK = nacl.signing.SigningKey(bytes([5] * 32))
PK = SK.verify_key.encode()
HOST = "fuzz.local"
RUN = bytes(range(8))


def owner(host):
    return b"".join(bytes([len(x)]) + x.encode() for x in host.split(".")) + b"\0"


AGENT = hashlib.sha256(owner(HOST) + b"\x01\x00\x03\x0f" + PK).digest()


def dumps(o):
    return json.dumps(o, separators=(",", ":")).encode()


def events(n, first=1, prev=bytes(32)):
    out = []
    for seq in range(first, first + n):
        body = dumps({"v": 1, "seq": seq, "time": 1700000000000 + seq, "agent": AGENT.hex(),
                      "run": RUN.hex(), "prev": prev.hex(), "name": "inst-%d" % seq,
                      "trust": "trusted", "reason": None})
        topic = b"service.added" if seq % 3 else b"service.removed"
        prev = hashlib.sha256(topic + b"\0" + body).digest()
        out.append((topic, body))
    return out, prev


def head(seq, h):
    t = 1700000001000
    signed = (b"nautilus-bus-head-v1\0" + AGENT + RUN + seq.to_bytes(8, "big") + h +
              t.to_bytes(8, "big"))
    return (b"bus.head", dumps({"v": 1, "agent": AGENT.hex(), "run": RUN.hex(), "seq": seq,
                                "hash": h.hex(), "time": t, "key": PK.hex(), "host": HOST,
                                "sig": SK.sign(signed).signature.hex()}))


def snap_end(items, seq, h):
    t = 1700000002000
    digest = hashlib.sha256(b"".join(hashlib.sha256(tp + b"\0" + b).digest()
                                     for tp, b in items)).digest()
    nonce = bytes(16)
    signed = (b"nautilus-bus-snap-v1\0" + AGENT + RUN + seq.to_bytes(8, "big") + h +
              len(items).to_bytes(8, "big") + digest + nonce + t.to_bytes(8, "big"))
    return (b"snapshot.end", dumps({"v": 1, "agent": AGENT.hex(), "run": RUN.hex(), "seq": seq,
                                    "hash": h.hex(), "count": len(items),
                                    "items": digest.hex(), "nonce": nonce.hex(), "time": t,
                                    "key": PK.hex(), "host": HOST,
                                    "sig": SK.sign(signed).signature.hex()}))


def write(name, msgs):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(b"\xff".join(t + b"\0" + b for t, b in msgs))


def main():
    os.makedirs(OUT, exist_ok=True)
    ev, h = events(6)
    write("chain", ev + [head(6, h)])
    tampered = list(ev)
    tampered[2] = (tampered[2][0], tampered[2][1].replace(b"trusted", b"trustee"))
    write("tampered", tampered + [head(6, h)])
    write("reordered", ev[:2] + [ev[3], ev[2]] + ev[4:] + [head(6, h)])
    write("replayed", ev + [head(6, h)] + ev + [head(6, h)])
    write("snapshot", ev + [snap_end(ev, 6, h)])
    write("malformed", [(b"service.added", b"{\"v\":1,\"seq\":-1}"), (b"bus.head", b"[]"),
                        (b"nope", b"{}"), (b"service.added", b"{\"v\":1,\"seq\":1e300}")])


if __name__ == "__main__":
    main()
