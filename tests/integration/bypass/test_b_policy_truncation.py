#!/usr/bin/python3
"""Issue 8 (b): policy truncation.

The decision listed the subjects of a PTR set (the instances it points to)
only up to 32, while sets of up to 64 records were passed to it: an unsigned
PTR goodbye for a pinned instance placed after 32 junk PTR targets in one
set was accepted, and removed the pinned service.

Fixed behaviour checked here:
  b1  32 junk targets + unsigned goodbyes for the two pinned instances in one
      PTR set: the whole set is rejected, reason `unsigned` (a pinned subject
      is in it);
  b2  the same past the hook's bound (64 junk + the goodbyes, 66 records):
      rejected `oversize`, nothing of it taken.

Hosts: h1 the real publisher (victim.local), h2 the pinned browser
(--trust FILE --require trusted), h3 the attacker, h4 a second pinned
publisher (parked.local) killed with SIGKILL before the attacks, so a goodbye
taken by the browser shows as a removal (nobody heals it). Every attack goes
by multicast and by unicast to h2.
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


def junk_set(tag, n_junk):
    """n_junk PTRs to junk instances, then goodbyes for the pinned ones."""
    recs = [B.rr(B.PTR_OWNER, RT.PTR, 4500, B.esc(B.full("junk %s %02d" % (tag, i))) + ".")
            for i in range(n_junk)]
    for inst in (PARKED, B.REAL):
        recs.append(B.rr(B.PTR_OWNER, RT.PTR, 0, B.esc(B.full(inst)) + "."))
    return B.message(recs)


def main():
    nbin = B.nautilus_path()
    B.require_commands(nbin, "publish", "browse", "keygen")
    T.require_trust_cli(nbin)
    c = B.Checks("(b) policy truncation: a pinned goodbye after 32 junk PTR targets")
    with B.Lan(hosts=4, prefix="ntbb") as lan:
        h1, h2, h3, h4 = lan.hosts
        w = B.World(lan, nbin, "b")
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

        cases = [("b1", 32, "unsigned", "32 junk PTR targets, then unsigned goodbyes for the "
                  "pinned instances (34 records)"),
                 ("b2", 64, "oversize", "64 junk PTR targets, then the goodbyes (66 records, "
                  "over the bound of 64)")]
        for item, n_junk, reason, what in cases:
            for tag, dests in B.variants(h2):
                label = "(%s %s) %s" % (item, tag, what)
                parked.restore(c, label)
                pkt = junk_set("%s%s" % (item, tag[0]), n_junk)
                c.note("%s: %d bytes" % (label, len(pkt)))
                t0 = time.monotonic()
                B.send_to(radio, pkt, dests)
                B.expect_rejected(c, nb, t0, reason, label)
                time.sleep(2.5)  # a goodbye taken removes the service after 1 s
                B.check_kept(c, nb, t0, [real_e, parked_e], label)

        rc, evs, err = w.fresh_browse(h4, ["--trust", trust, "--require", "trusted"])
        fr = B.svc_state(evs, B.REAL)
        c.check(rc == 0 and real_e.matches(fr),
                "fresh pinned browser: real service, port %d, host victim.local, trusted" % B.PORT,
                (rc, B.brief(fr), err[-200:]))
        c.check(B.publisher_renamed(pub) == 0, "the real publisher kept its name",
                pub.read_log()[-200:])
        c.check(nb.proc.alive() and pub.alive(), "browser and publisher still running")
    B.summary(c, "b")
    c.done()


if __name__ == "__main__":
    main()
