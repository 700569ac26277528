#!/usr/bin/python3
"""Issue 8 (e): a rejected set is rejected whole.

The engine judged each RRset with the verify hook but, when the verdict was
"reject", dropped only the first record of the set from the cache. Seen
live: an unsigned two-record PTR set (a junk target, then a goodbye for the
pinned instance) was reported rejected - and still removed the pinned
service.

Fixed behaviour checked here: nothing of a rejected set reaches the cache.
  e1  unsigned PTR set: junk target, goodbyes for the two pinned instances;
  e2  unsigned SRV set for a pinned instance: a junk SRV first, then the
      instance's own SRV with TTL 0.
Each is rejected `unsigned`, and the pinned services keep their records.

Hosts: h1 the real publisher (victim.local), h2 the pinned browser
(--trust FILE --require trusted), h3 the attacker, h4 a second pinned
publisher (parked.local) killed with SIGKILL before the attacks, so a
goodbye taken by the browser shows as a removal (a live publisher would
re-announce within a second and hide it). Every attack goes by multicast
and by unicast to h2.
"""
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bypasslib as B  # noqa: E402
from bypasslib import T  # noqa: E402

import dns.rdatatype as RT  # noqa: E402

PARKED = "Parked Service"


def main():
    nbin = B.nautilus_path()
    B.require_commands(nbin, "publish", "browse", "keygen")
    T.require_trust_cli(nbin)
    c = B.Checks("(e) a rejected set is rejected whole")
    with B.Lan(hosts=4, prefix="ntbe") as lan:
        h1, h2, h3, h4 = lan.hosts
        w = B.World(lan, nbin, "e")
        _, k1, _ = w.keygen("victim")
        _, k4, _ = w.keygen("parked")
        trust = w.trust_file(["victim", "parked"])
        radio = B.Radio(h3)
        nb = w.browse(h2, ["--trust", trust, "--require", "trusted"], "browse-pinned")
        pub = w.publish(h1, B.REAL, "victim")
        real_e = B.Expect(B.REAL, B.PORT, "victim.local", h1.v4, "trusted", k1["key_digest"])
        parked_e = B.Expect(PARKED, 632, "parked.local", h4.v4, "trusted", k4["key_digest"])
        parked = B.Parked(w, h4, PARKED, "parked", 632, [(nb, parked_e)])
        for e in (real_e, parked_e):
            st = B.wait_shown(nb, e, 12)
            c.check(st is not None, "pinned browser shows %s trusted (port, host, address, key)"
                    % e.instance, B.brief(B.svc_state(list(nb.all), e.instance)))
        if c.failed:
            c.done()

        def e1(tag):
            return B.message([
                B.rr(B.PTR_OWNER, RT.PTR, 4500, B.esc(B.full("Junk %s" % tag)) + "."),
                B.rr(B.PTR_OWNER, RT.PTR, 0, B.esc(B.full(PARKED)) + "."),
                B.rr(B.PTR_OWNER, RT.PTR, 0, B.esc(B.full(B.REAL)) + ".")])

        def e2(tag):
            return B.message([
                B.rr(B.full(PARKED), RT.SRV, 120, "0 0 6666 attacker.local."),
                B.rr(B.full(PARKED), RT.SRV, 0, "0 0 632 parked.local.")])

        cases = [("e1", e1, "unsigned PTR set: a junk target, then goodbyes for the pinned "
                  "instances"),
                 ("e2", e2, "unsigned SRV set: a junk SRV, then the pinned instance's own SRV "
                  "with TTL 0")]
        for item, build, what in cases:
            for tag, dests in B.variants(h2):
                label = "(%s %s) %s" % (item, tag, what)
                parked.restore(c, label)
                t0 = time.monotonic()
                B.send_to(radio, build(tag), dests)
                B.expect_rejected(c, nb, t0, "unsigned", label)
                time.sleep(2.5)  # a goodbye taken removes the record after 1 s
                B.check_kept(c, nb, t0, [real_e, parked_e], label)

        rc, evs, err = w.fresh_browse(h4, ["--trust", trust, "--require", "trusted"])
        fr = B.svc_state(evs, B.REAL)
        c.check(rc == 0 and real_e.matches(fr),
                "fresh pinned browser: real service, port %d, host victim.local, trusted" % B.PORT,
                (rc, B.brief(fr), err[-200:]))
        c.check(B.publisher_renamed(pub) == 0, "the real publisher kept its name",
                pub.read_log()[-200:])
        c.check(nb.proc.alive() and pub.alive(), "browser and publisher still running")
    B.summary(c, "e")
    c.done()


if __name__ == "__main__":
    main()
