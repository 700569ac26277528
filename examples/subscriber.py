#!/usr/bin/python3
"""A subscriber to a Nautilus agent's trust-event bus, in Python.

Checks what docs/DESIGN.md §6 specifies, with Debian's python3-zmq and
python3-nacl only: every event is held until a signed head ("bus.head")
covers it through the hash chain (each body's "prev" is the SHA-256 of the
message before it), heads are Ed25519-verified with the agent's key, and
that key must give the agent digest with the host name (the DNSKEY digest of
DESIGN §3). Events are printed in seq order, one JSON object a line with
"topic"; a gap is filled from the snapshot endpoint or reported.

    /usr/bin/python3 examples/subscriber.py --endpoint tcp://127.0.0.1:7405 \\
        [--snapshot tcp://127.0.0.1:7406] [--agent DIGEST] \\
        [--curve-server-key KEY --curve-key-file FILE] [--count N] [--timeout SEC]

Exit 0 when --count events came (or at --timeout with some), 1 when none
came, 2 for bad arguments. The last line on stderr counts what happened.
"""
import argparse
import hashlib
import json
import os
import signal
import sys
import time

import nacl.exceptions
import nacl.signing
import zmq

HEAD = b"bus.head"
SNAP_END = b"snapshot.end"
TOPICS = {b"service.added", b"service.updated", b"service.removed", b"service.rejected",
          b"service.conflict", b"proof.verified", b"proof.rejected", b"anchor.queued",
          b"anchor.confirmed", b"anchor.failed", b"agent.started", b"agent.stopping"}
MAXMSGSIZE = 65536


class Refused(Exception):
    pass


def msg_hash(topic, body):
    return hashlib.sha256(topic + b"\0" + body).digest()


def owner_wire(host):
    out = b""
    for label in host.rstrip(".").lower().split("."):
        raw = label.encode()
        if not 0 < len(raw) < 64:
            raise Refused("bad host name")
        out += bytes([len(raw)]) + raw
    return out + b"\0"


def agent_digest(pk, host):
    """SHA-256(owner || DNSKEY RDATA: flags 256, protocol 3, algorithm 15, key)."""
    return hashlib.sha256(owner_wire(host) + b"\x01\x00\x03\x0f" + pk).digest()


def be64(n):
    return n.to_bytes(8, "big")


def unhex(obj, name, size):
    v = obj.get(name)
    if not isinstance(v, str) or len(v) != 2 * size:
        raise Refused("bad " + name)
    return bytes.fromhex(v)


def uint(obj, name):
    v = obj.get(name)
    if not isinstance(v, int) or isinstance(v, bool) or v < 0 or v >= 2 ** 53:
        raise Refused("bad " + name)
    return v


class Verifier:
    def __init__(self, pinned_agent=None):
        self.agent = pinned_agent
        self.run = None
        self.last_time = 0
        self.pending = []   # (seq, hash, prev, run, topic, body, obj), arrival order
        self.head_seq = None  # seq of the last valid head
        self.counts = {"unauthenticated": 0, "malformed": 0, "foreign": 0}

    def signed_common(self, obj):
        if obj.get("v") != 1 or not isinstance(obj.get("host"), str):
            raise Refused("malformed")
        agent = unhex(obj, "agent", 32)
        pk = unhex(obj, "key", 32)
        if agent_digest(pk, obj["host"]) != agent:
            raise Refused("key does not give the agent digest")
        if self.agent is not None and agent != self.agent:
            raise Refused("another agent")
        return agent, unhex(obj, "run", 8), uint(obj, "seq"), unhex(obj, "hash", 32), \
            uint(obj, "time"), pk, unhex(obj, "sig", 64)

    def accept(self, agent, run, t):
        if self.run is not None and run != self.run and t < self.last_time:
            raise Refused("an older run replayed")
        self.agent, self.run = agent, run
        self.last_time = max(self.last_time, t)

    def event(self, topic, body):
        if topic not in TOPICS or len(body) > 61440:
            self.counts["malformed"] += 1
            return
        try:
            obj = json.loads(body)
            if obj.get("v") != 1:
                raise Refused("version")
            seq = uint(obj, "seq")
            agent = unhex(obj, "agent", 32)
            run = unhex(obj, "run", 8)
            prev = unhex(obj, "prev", 32)
        except (ValueError, Refused, AttributeError):
            self.counts["malformed"] += 1
            return
        if self.agent is not None and agent != self.agent:
            self.counts["foreign"] += 1
            return
        self.pending.append((seq, msg_hash(topic, body), prev, run, topic, body, obj))

    def head(self, body):
        """Returns the events this head authenticates, in arrival order."""
        try:
            obj = json.loads(body)
            agent, run, seq, h, t, pk, sig = self.signed_common(obj)
            signed = b"nautilus-bus-head-v1\0" + agent + run + be64(seq) + h + be64(t)
            nacl.signing.VerifyKey(pk).verify(signed, sig)
            self.accept(agent, run, t)
        except (ValueError, Refused, AttributeError, nacl.exceptions.BadSignatureError):
            self.counts["unauthenticated"] += 1
            return []
        self.head_seq = seq
        want, want_seq, ok = h, seq, set()
        for i in range(len(self.pending) - 1, -1, -1):
            e = self.pending[i]
            if e[3] != run or e[0] > seq:
                continue
            if e[0] == want_seq and e[1] == want:
                ok.add(i)
                want, want_seq = e[2], want_seq - 1
        out, keep = [], []
        for i, e in enumerate(self.pending):
            if e[3] == run and e[0] <= seq:
                if i in ok:
                    out.append(e)
                else:
                    self.counts["unauthenticated"] += 1
            elif e[3] == run:
                keep.append(e)
        self.pending = keep
        return out

    def snapshot(self, items, end_body, nonce):
        obj = json.loads(end_body)
        agent, run, seq, h, t, pk, sig = self.signed_common(obj)
        count, got_items, got_nonce = uint(obj, "count"), unhex(obj, "items", 32), \
            unhex(obj, "nonce", 16)
        signed = (b"nautilus-bus-snap-v1\0" + agent + run + be64(seq) + h + be64(count) +
                  got_items + got_nonce + be64(t))
        nacl.signing.VerifyKey(pk).verify(signed, sig)
        digest = hashlib.sha256(b"".join(msg_hash(tp, b) for tp, b in items)).digest()
        if count != len(items) or got_items != digest or got_nonce != nonce:
            raise Refused("snapshot does not match its signed end")
        for _, b in items:
            o = json.loads(b)
            if uint(o, "seq") > seq or unhex(o, "run", 8) != run:
                raise Refused("snapshot item after its seq")
        self.accept(agent, run, t)
        return seq


def curve_setup(sock, args):
    if not args.curve_server_key:
        return
    secret = open(args.curve_key_file, "rb").read().strip()
    sock.curve_secretkey = secret
    sock.curve_publickey = zmq.curve_public(secret)
    sock.curve_serverkey = args.curve_server_key.encode()


def take_snapshot(ctx, args, ver):
    d = ctx.socket(zmq.DEALER)
    d.setsockopt(zmq.MAXMSGSIZE, MAXMSGSIZE)
    d.setsockopt(zmq.LINGER, 0)
    curve_setup(d, args)
    d.connect(args.snapshot)
    nonce = os.urandom(16)
    d.send_multipart([b"snapshot", nonce.hex().encode()])
    items = []
    try:
        while d.poll(2000):
            frames = d.recv_multipart()
            if len(frames) != 2:
                raise Refused("malformed snapshot message")
            if frames[0] == SNAP_END:
                return items, ver.snapshot(items, frames[1], nonce)
            items.append((frames[0], frames[1]))
        raise Refused("no snapshot")
    finally:
        d.close()


def emit(topic, obj, snapshot=False):
    line = {"topic": topic.decode()}
    if snapshot:
        line["snapshot"] = True
    line.update(obj)
    print(json.dumps(line, separators=(",", ":")), flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--endpoint", default="tcp://127.0.0.1:7405")
    p.add_argument("--snapshot")
    p.add_argument("--agent", help="the agent's key digest, 64 hex")
    p.add_argument("--curve-server-key")
    p.add_argument("--curve-key-file")
    p.add_argument("--count", type=int, default=0)
    p.add_argument("--timeout", type=float, default=0)
    args = p.parse_args()
    if bool(args.curve_server_key) != bool(args.curve_key_file):
        p.error("--curve-server-key and --curve-key-file go together")
    pinned = None
    if args.agent:
        try:
            pinned = bytes.fromhex(args.agent)
        except ValueError:
            pinned = b""
        if len(pinned) != 32:
            p.error("--agent wants 64 hex digits")

    ctx = zmq.Context()
    sub = ctx.socket(zmq.SUB)
    sub.setsockopt(zmq.MAXMSGSIZE, MAXMSGSIZE)
    sub.setsockopt(zmq.LINGER, 0)
    sub.setsockopt(zmq.RCVHWM, 100000)
    curve_setup(sub, args)
    sub.setsockopt(zmq.SUBSCRIBE, b"")
    sub.connect(args.endpoint)

    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    signal.signal(signal.SIGINT, lambda *_: stopping.append(True))
    ver = Verifier(pinned)
    stats = {"events": 0, "gaps": 0, "unfilled": 0, "resyncs": 0, "stale": 0}
    next_seq = None
    need_snapshot = bool(args.snapshot)
    deadline = time.monotonic() + args.timeout if args.timeout else None
    while not stopping and (not args.count or stats["events"] < args.count):
        if need_snapshot:
            need_snapshot = False
            try:
                items, seq = take_snapshot(ctx, args, ver)
                stats["resyncs"] += 1
                print('{"topic":"snapshot.begin"}', flush=True)
                for tp, b in items:
                    emit(tp, json.loads(b), snapshot=True)
                print('{"topic":"snapshot.end","seq":%d}' % seq, flush=True)
                next_seq = seq + 1
            except (Refused, ValueError, nacl.exceptions.BadSignatureError) as e:
                print("subscriber.py: snapshot refused: %s" % e, file=sys.stderr)
        left = None if deadline is None else deadline - time.monotonic()
        if left is not None and left <= 0:
            break
        try:
            if not sub.poll(200 if left is None else int(min(200, left * 1000)) + 1):
                continue
        except zmq.ZMQError:   # interrupted by a signal
            continue
        frames = sub.recv_multipart()
        if len(frames) != 2:
            ver.counts["malformed"] += 1
            continue
        if frames[0] != HEAD:
            ver.event(frames[0], frames[1])
            continue
        run_before = ver.run
        authentic = ver.head(frames[1])
        if run_before is not None and ver.run != run_before:
            # the agent restarted: a new run, whose seq starts again at 1;
            # its state comes from the snapshot (taken after these events)
            next_seq = None if args.snapshot else 1
            if args.snapshot:
                need_snapshot = True
                continue
        for seq, _, _, _, topic, _, obj in authentic:
            if next_seq is None:
                next_seq = seq
            if seq < next_seq:
                stats["stale"] += 1
                continue
            if seq > next_seq:
                stats["gaps"] += 1
                if args.snapshot:
                    need_snapshot = True   # this event and the rest come after it
                    ver.pending = []
                    break
                stats["unfilled"] += 1
                print('{"topic":"gap","from":%d,"to":%d}' % (next_seq, seq - 1), flush=True)
            next_seq = seq + 1
            stats["events"] += 1
            emit(topic, obj)
        if not need_snapshot and next_seq is not None and ver.head_seq is not None \
                and ver.head_seq >= next_seq:
            # the head covers events that never came (the tail of a burst)
            stats["gaps"] += 1
            if args.snapshot:
                need_snapshot = True
            else:
                stats["unfilled"] += 1
                print('{"topic":"gap","from":%d,"to":%d}' % (next_seq, ver.head_seq), flush=True)
                next_seq = ver.head_seq + 1
    counts = dict(stats, **ver.counts)
    print("subscriber.py: " + ", ".join("%s %d" % kv for kv in counts.items()), file=sys.stderr)
    sub.close()
    ctx.term()
    return 0 if stats["events"] else 1


if __name__ == "__main__":
    sys.exit(main())
