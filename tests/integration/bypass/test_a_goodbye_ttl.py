#!/usr/bin/python3
"""Issue 8 (a): goodbye/TTL replay.

The goodbye rule (a TTL-0 record must be signed as a goodbye) looked at the
first record of a set only, and the TTLs received were cached as they came.
So a captured signed two-record PTR set replayed with TTLs {2^31-1, 0} was
accepted as trusted, and the second record - a goodbye nobody signed -
removed a pinned service; and a valid signed set replayed with TTL 2^31-1
stayed cached forever after its publisher had gone.

Fixed behaviour checked here:
  a1  a signed set that mixes TTL 0 and non-zero is rejected whole (reason
      `goodbye`): the pinned service keeps its records, the set's other
      record is not taken either;
  a2  cached TTLs are clamped to min(RRSIG original TTL, expiration - now):
      a publisher with --ttl 5 is killed (no goodbye) and its captured
      announcement replayed with every TTL 2^31-1; the browser still drops
      the service about 5 s later.

Hosts: h1 the real publisher (victim.local), h2 the pinned browser
(--trust FILE --require trusted), h3 the attacker, h4 a second pinned
publisher (parked.local, killed with SIGKILL before the attacks: its records
stay cached, and nobody re-announces them), h5 the short-TTL publisher
(short.local, --ttl 5). Every attack goes by multicast and by unicast to h2.
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
SHORT = "Short Service"


def main():
    nbin = B.nautilus_path()
    B.require_commands(nbin, "publish", "browse", "keygen")
    T.require_trust_cli(nbin)
    c = B.Checks("(a) goodbye/TTL replay: mixed TTLs in a signed set, TTL clamp")
    with B.Lan(hosts=5, prefix="ntba") as lan:
        h1, h2, h3, h4, h5 = lan.hosts
        w = B.World(lan, nbin, "a")
        _, k1, _ = w.keygen("victim")
        _, k4, key_parked = w.keygen("parked")
        _, k5, _ = w.keygen("short")
        trust = w.trust_file(["victim", "parked", "short"])
        radio = B.Radio(h3)
        nb = w.browse(h2, ["--trust", trust, "--require", "trusted"], "browse-pinned")
        pub = w.publish(h1, B.REAL, "victim")
        short = w.publish(h5, SHORT, "short", port=633, ttl=5)
        real_e = B.Expect(B.REAL, B.PORT, "victim.local", h1.v4, "trusted", k1["key_digest"])
        parked_e = B.Expect(PARKED, 632, "parked.local", h4.v4, "trusted", k4["key_digest"])
        short_e = B.Expect(SHORT, 633, "short.local", h5.v4, "trusted", k5["key_digest"])
        # No goodbye from h4: its records stay cached, nobody heals them.
        parked = B.Parked(w, h4, PARKED, "parked", 632, [(nb, parked_e)])
        for e in (real_e, parked_e, short_e):
            st = B.wait_shown(nb, e, 12)
            c.check(st is not None, "pinned browser shows %s trusted (port, host, address, key)"
                    % e.instance, B.brief(B.svc_state(list(nb.all), e.instance)))
        if c.failed:
            c.done()

        # ---- a1: signed PTR set with TTLs {2^31-1, 0} -----------------------
        for tag, dests in B.variants(h2):
            label = "(a1 %s) signed PTR set, TTLs {2^31-1, 0}" % tag
            parked.restore(c, label)
            ghost = "Ghost %s" % tag
            now = int(time.time())
            rdatas, sig = B.sign_set(key_parked, B.PTR_OWNER, "PTR",
                                     [B.esc(B.full(ghost)) + ".", B.esc(B.full(PARKED)) + "."],
                                     900, now, now + B.DAY)
            pkt = B.message([B.rr(B.PTR_OWNER, RT.PTR, B.TTL_MAX, rdatas[0]),
                             B.rr(B.PTR_OWNER, RT.PTR, 0, rdatas[1])],
                            [B.rrsig_rr(B.PTR_OWNER, 900, sig), B.dnskey_rr(key_parked)])
            t0 = time.monotonic()
            B.send_to(radio, pkt, dests)
            B.expect_rejected(c, nb, t0, "goodbye", label)
            time.sleep(2.5)  # a goodbye taken would remove the service after 1 s
            B.check_kept(c, nb, t0, [real_e, parked_e], label)
            shown = B.since(nb, t0, lambda o, g=ghost: o.get("instance") == g and
                            o.get("event") != "rejected")
            c.check(not shown, "%s: its other record (%s) is not taken either" % (label, ghost),
                    [B.brief(o) for o in shown[:2]])

        # ---- a2: valid signed announcement replayed with TTL 2^31-1 ---------
        for tag, dests in B.variants(h2):
            label = "(a2 %s) announcement replayed with TTL 2^31-1 after its publisher died" % tag
            parked.restore(c, label)
            if tag != "multicast":
                # The publisher again (new signatures), then killed again.
                _, mark = radio.heard(h5.v4)
                short = w.publish(h5, SHORT, "short", port=633, ttl=5, name="publish-short-2")
                st = B.wait_shown(nb, short_e, 12)
                c.check(st is not None, "%s: the restarted publisher is shown again" % label)
            else:
                mark = 0.0
            time.sleep(1.5)
            heard, _ = radio.heard(h5.v4, since=mark)
            B.kill(short)
            seen, replay = set(), []
            for _t, data in heard:
                if len(data) < 12 or not (data[2] & 0x80) or data in seen:
                    continue  # queries and probes are not announcements
                seen.add(data)
                if B.min_ttl(data) == 0:
                    continue
                replay.append(B.patch_ttls(data, lambda rtype, ttl: B.TTL_MAX))
            c.check(B.find_set(heard, B.full(SHORT), RT.SRV) is not None and replay,
                    "%s: the attacker captured the signed announcement (%d packets)" % (
                        label, len(replay)))
            t0 = time.monotonic()
            for d in dests:
                radio.send_many(replay, to=d, gap=0.01)
            gone = B.wait_new(nb, lambda o: o.get("instance") == SHORT and
                              o.get("event") == "removed", t0, 15)
            c.check(gone is not None,
                    "%s: the browser drops it after its original TTL (5 s), not 2^31-1 s" % label,
                    B.brief(B.svc_state(list(nb.all), SHORT)))
            if gone:
                c.figure("a2_%s_removed_after" % tag, gone["_t"] - t0, "s")
                c.check(gone["_t"] - t0 >= 2.0,
                        "%s: ... but not before the replayed records were due to expire" % label,
                        gone["_t"] - t0)
            B.check_kept(c, nb, t0, [real_e, parked_e], label)

        # ---- the real service, seen fresh ------------------------------------
        rc, evs, err = w.fresh_browse(h4, ["--trust", trust, "--require", "trusted"])
        fr = B.svc_state(evs, B.REAL)
        c.check(rc == 0 and real_e.matches(fr),
                "fresh pinned browser: real service, port %d, host victim.local, trusted" % B.PORT,
                (rc, B.brief(fr), err[-200:]))
        c.check(B.publisher_renamed(pub) == 0, "the real publisher kept its name",
                pub.read_log()[-200:])
        c.check(nb.proc.alive() and pub.alive(), "browser and publisher still running")
    B.summary(c, "a")
    c.done()


if __name__ == "__main__":
    main()
