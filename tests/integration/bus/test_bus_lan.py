#!/usr/bin/python3
"""The trust-event bus on a namespace LAN (issue 11, must-show 1 and 3).

Host 1 publishes a signed service with a selective-disclosure proof (the
committed fixture of tests/unit/trust_mdns/fixtures, bound to the key of seed
3 x 32 at pub.local). Host 2 is a spoofer: it sends an unsigned SRV for that
instance. Host 3 runs `browse --trust PINS --zk-vk VK --bus-endpoint ...` with
CURVE on, signing the bus with its own agent key. Host 4 runs `nautilus
subscribe --json`, examples/subscriber.py (pyzmq + PyNaCl) and a subscriber
whose CURVE key is not allowed. Both allowed subscribers must receive
service.added, proof.verified, service.rejected (the spoofer) and
service.removed (the publisher stopped), authenticated (each pins the agent's
key digest) and with gapless seq; the unknown key receives nothing; a tshark
capture of the bus traffic on host 4 holds no service name or topic in
plaintext.
"""
import os
import subprocess
import sys
import time

import nacl.signing
import zmq

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..", "..")
sys.path.insert(0, os.path.join(HERE, "..", "trust"))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import trustlib as T  # noqa: E402
from nttest import Checks, Lan, Lines, Nautilus, gapless, nautilus_path, require_commands  # noqa: E402
from test_hostile import Radio  # noqa: E402

FIX = os.path.join(ROOT, "tests", "unit", "trust_mdns", "fixtures")
VK = os.path.join(FIX, "verification_key.json")
EXAMPLE = os.path.join(ROOT, "examples", "subscriber.py")
STYPE = "_ntbus._tcp"
INSTANCE = "Bus Printer"
FULL = "%s.%s.local" % (INSTANCE, STYPE)
PUB_PORT, SNAP_PORT = 7405, 7406


def write_private(path, text):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)


def fixture_state(nbin, state):
    """A state directory holding the fixture's key (seed 3 x 32) as pub.local."""
    T.keygen(nbin, state, "pub")
    sk = nacl.signing.SigningKey(bytes([3] * 32))
    write_private(os.path.join(state, "ed25519.key"),
                  "nautilus-key v1\ntype ed25519\nsecret %s\npublic %s\n"
                  % (bytes([3] * 32).hex(), sk.verify_key.encode().hex()))
    return T.Key("pub.local", seed=bytes([3] * 32)).digest_hex()


def curve_files(work):
    """Server key, two allowed clients, one unknown; secrets in 0600 files."""
    keys = {}
    for who in ("server", "c", "py", "stranger"):
        pub, sec = zmq.curve_keypair()
        write_private(os.path.join(work, who + ".key"), sec.decode() + "\n")
        keys[who] = pub.decode()
    with open(os.path.join(work, "allow"), "w") as f:
        f.write("# the two subscribers\n%s\n%s\n" % (keys["c"], keys["py"]))
    return keys


def events_of(lines):
    return [o for o in lines.all if o.get("topic") not in (None, "snapshot.begin", "snapshot.end")
            and not o.get("snapshot")]


def has(lines, topic, pred=lambda o: True):
    return any(o.get("topic") == topic and pred(o) for o in lines.all)


def main():
    nbin = nautilus_path()
    require_commands(nbin, "publish", "browse", "keygen", "subscribe")
    T.require_trust_cli(nbin)
    c = Checks("trust-event bus: subscribers on another host, CURVE, authenticated, gapless")
    with Lan(hosts=4, prefix="ntbus") as lan:
        h1, h2, h3, h4 = lan.hosts
        work = lan.workdir
        pub_digest = fixture_state(nbin, os.path.join(work, "state-pub"))
        T.keygen(nbin, os.path.join(work, "state-agent"), "agent")
        agent_seed = T.load_seed(os.path.join(work, "state-agent"))
        agent_digest = T.Key("agent.local", seed=agent_seed).digest_hex()
        pins = os.path.join(work, "pins")
        T.write_trust_file(pins, [("pub.local", pub_digest)])
        keys = curve_files(work)
        ep = "tcp://%s:%d" % (h3.v4, PUB_PORT)
        snap = "tcp://%s:%d" % (h3.v4, SNAP_PORT)

        pcap = os.path.join(work, "bus.pcap")
        cap = h4.capture(pcap, bpf="tcp port %d or tcp port %d" % (PUB_PORT, SNAP_PORT))

        browse = Nautilus(nbin, h3).browse(STYPE, extra=[
            "--trust", pins, "--zk-vk", VK, "--state", os.path.join(work, "state-agent"),
            "--bus-host", "agent", "--bus-endpoint", "tcp://%s:%d" % (h3.v4, PUB_PORT),
            "--snapshot-endpoint", "tcp://%s:%d" % (h3.v4, SNAP_PORT),
            "--bus-curve-key-file", os.path.join(work, "server.key"),
            "--bus-curve-allow", os.path.join(work, "allow")])
        time.sleep(0.5)  # the bus is bound before the browse starts

        def spawn_sub(argv, name):
            return Lines(h4.spawn(argv, name=name, stdout=subprocess.PIPE,
                                  stderr=open(os.path.join(work, name + ".err"), "w")))

        curve_c = ["--curve-server-key", keys["server"], "--curve-key-file",
                   os.path.join(work, "c.key")]
        nsub = spawn_sub([nbin, "subscribe", "--json", "--endpoint", ep, "--snapshot", snap,
                          "--agent-key", agent_digest] + curve_c, "subscribe")
        pysub = spawn_sub(["/usr/bin/python3", "-u", EXAMPLE, "--endpoint", ep, "--snapshot", snap,
                           "--agent", agent_digest, "--curve-server-key=" + keys["server"],
                           "--curve-key-file", os.path.join(work, "py.key")], "subscriber-py")
        stranger = spawn_sub([nbin, "subscribe", "--json", "--endpoint", ep, "--timeout", "60",
                              "--curve-server-key", keys["server"], "--curve-key-file",
                              os.path.join(work, "stranger.key")], "stranger")
        for name, lines in (("subscribe", nsub), ("subscriber.py", pysub)):
            c.check(lines.wait_for(lambda o: o.get("topic") == "snapshot.end", 15) is not None,
                    "%s: snapshot taken over CURVE" % name)

        pub = Nautilus(nbin, h1).publish(INSTANCE, STYPE, 631, ["rp=bus"], host_name="pub",
                                         extra=["--sign", "--state", os.path.join(work, "state-pub"),
                                                "--proof", FIX, "--zk-vk", VK])
        for name, lines in (("subscribe", nsub), ("subscriber.py", pysub)):
            c.check(lines.wait_for(lambda o: o.get("topic") == "proof.verified"
                                   and o.get("instance") == INSTANCE, 20) is not None,
                    "%s: proof.verified" % name)
        time.sleep(1.0)  # past the publisher's announcements
        radio = Radio(h2)
        radio.send(T.response([T.rrset(FULL, 120, "SRV", "0 0 6666 attacker.local.")]))
        for name, lines in (("subscribe", nsub), ("subscriber.py", pysub)):
            c.check(lines.wait_for(lambda o: o.get("topic") == "service.rejected", 15) is not None,
                    "%s: service.rejected (the spoofer)" % name)
        pub.stop()
        for name, lines in (("subscribe", nsub), ("subscriber.py", pysub)):
            c.check(lines.wait_for(lambda o: o.get("topic") == "service.removed", 15) is not None,
                    "%s: service.removed" % name)

        for name, lines in (("subscribe", nsub), ("subscriber.py", pysub)):
            c.check(has(lines, "service.added", lambda o: o.get("instance") == INSTANCE),
                    "%s: service.added for %s" % (name, INSTANCE))
            c.check(has(lines, "service.rejected", lambda o: o.get("reason") == "unsigned"),
                    "%s: the rejection says unsigned" % name)
            c.check(all(o.get("agent") == agent_digest for o in events_of(lines)),
                    "%s: every event from the pinned agent" % name)
            c.check(gapless(lines.all), "%s: seq gapless" % name,
                    [(o.get("topic"), o.get("seq")) for o in lines.all])
        nsub.proc.stop()
        pysub.proc.stop()
        # connected all along: it would have had every event
        code = stranger.proc.stop()
        c.check(code == 1 and not events_of(stranger), "unknown CURVE key: no event (exit 1)",
                (code, stranger.raw))
        browse.proc.stop()
        for name in ("subscribe", "subscriber-py"):
            err = open(os.path.join(work, name + ".err")).read()
            c.check("unauthenticated 0" in err.replace("0 unauthenticated", "unauthenticated 0"),
                    "%s: nothing refused as unauthenticated" % name, err)
        time.sleep(0.5)
        cap.stop()
        data = open(pcap, "rb").read()
        c.figure("bus capture", len(data), "bytes")
        c.check(len(data) > 4000, "the capture holds the bus traffic", len(data))
        for needle in (INSTANCE.encode(), b"service.added", b"_ntbus", b"bus.head"):
            c.check(needle not in data, "no %r in the CURVE capture" % needle)
    c.done()


if __name__ == "__main__":
    main()
