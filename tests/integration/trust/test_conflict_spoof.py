#!/usr/bin/python3
"""A spoofed "conflict" must not take a signed publisher's names.

RFC 6762 section 9: a responder that sees a conflicting record for one of
its unique names goes back to probing; only if someone answers the probes
(or wins the tiebreak) does it rename. An attacker who sends one packet and
then stays silent has not defended anything, so the publisher keeps its
names. Each case starts a fresh publisher (`publish --sign`) and sends one
packet from the attacker's namespace, then checks the publisher's log
for "renamed" within 3 s:
  srv      one unsigned SRV for the instance
  srv+txt  unsigned SRV and TXT for the instance in one packet
  signed   an SRV signed by the attacker's own key (+ its DNSKEY, RRSIG)
  a        one unsigned A for the host name
"""
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import trustlib as T  # noqa: E402
from nttest import Checks, Lan, Nautilus, nautilus_path, require_commands  # noqa: E402
from test_hostile import REAL, REAL_FULL, STYPE, Radio  # noqa: E402


def main():
    nbin = nautilus_path()
    require_commands(nbin, "publish", "keygen")
    T.require_trust_cli(nbin)
    c = Checks("one spoofed packet does not make a signed publisher rename")
    with Lan(hosts=2, prefix="ntcs") as lan:
        h1, h3 = lan.hosts
        radio = Radio(h3)
        att = T.Key("attacker.local")
        for case in ("srv", "srv+txt", "signed", "a"):
            state = os.path.join(lan.workdir, "state-" + case.replace("+", "-"))
            T.keygen(nbin, state, "victim")
            pub = Nautilus(nbin, h1).publish(REAL, STYPE, 631, ["rp=real"], host_name="victim",
                                             extra=["--sign", "--state", state],
                                             name="publish-" + case.replace("+", "-"))
            deadline = time.monotonic() + 8
            while "published" not in pub.read_log() and time.monotonic() < deadline:
                time.sleep(0.1)
            c.check("published" in pub.read_log(), "%s: publisher is up" % case, pub.read_log())
            time.sleep(1.0)  # past announcing
            now = int(time.time())
            srv = T.rrset(REAL_FULL, 120, "SRV", "0 0 6666 attacker.local.")
            if case == "srv":
                pkt = T.response([srv])
            elif case == "srv+txt":
                pkt = T.response([srv, T.rrset(REAL_FULL, 4500, "TXT", '"rp=evil"')])
            elif case == "signed":
                pkt = T.response([srv], [T.rrsig_rrset(REAL_FULL, [att.sign(srv, now - 60,
                                                                            now + 3600)]),
                                         T.dnskey_rrset(att)])
            else:
                pkt = T.response([T.rrset("victim.local", 120, "A", h3.v4)])
            radio.send(pkt)
            time.sleep(3.0)
            log = pub.read_log()
            c.check("renamed" not in log, "%s: publisher kept its names" % case,
                    log.replace("\n", " | ")[-240:])
            pub.stop()
            time.sleep(0.5)
    c.done()


if __name__ == "__main__":
    main()
