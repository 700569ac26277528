#!/usr/bin/python3
"""Issue 8 (g): first use is not trust.

Under --tofu, the first key seen for a name was recorded and its records
shown `trusted` at once: an attacker's brand-new self-signed service
appeared as trusted, and passed --require trusted.

Fixed behaviour checked here: a key learned on first use is defended like a
pin, but its records are shown `self-signed` with "pin":"tofu" (and
"first_seen":true on the run that learned it); `--require trusted` hides
them. For each attacker service (a new signer each time), sent by multicast
and by unicast to both browsers:
  - the TOFU browser shows it self-signed, pin tofu, first seen;
  - a browser with --tofu, the operator's pins and --require trusted hides it;
  - both keep the real service (port, host, address, key, trust level);
  - the TOFU file still loads (`browse --tofu COPY` starts, runs, exit 0).

Hosts: h1 the real publisher (victim.local, signed), h2 the TOFU browser
(--tofu FILE), h3 the attacker, h4 a browser with --tofu FILE2 --trust FILE
(victim.local pinned) --require trusted, h5 where fresh browsers run.
"""
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bypasslib as B  # noqa: E402
from bypasslib import T  # noqa: E402


def main():
    nbin = B.nautilus_path()
    B.require_commands(nbin, "publish", "browse", "keygen")
    T.require_trust_cli(nbin)
    c = B.Checks("(g) first use is not trust")
    with B.Lan(hosts=5, prefix="ntbg") as lan:
        h1, h2, h3, h4, h5 = lan.hosts
        w = B.World(lan, nbin, "g")
        _, k1, _ = w.keygen("victim")
        trust = w.trust_file(["victim"])
        tofu2 = os.path.join(w.wd, "tofu-h2.txt")
        tofu4 = os.path.join(w.wd, "tofu-h4.txt")
        radio = B.Radio(h3)
        nb = w.browse(h2, ["--tofu", tofu2], "browse-tofu")
        nbp = w.browse(h4, ["--tofu", tofu4, "--trust", trust, "--require", "trusted"],
                       "browse-tofu-pinned")
        pub = w.publish(h1, B.REAL, "victim")
        first = B.wait_state(nb, B.REAL, lambda o: o.get("port") == B.PORT and
                             B.has_addr(o.get("addresses"), h1.v4) and
                             o.get("key") == k1["key_digest"], 12)
        c.check(first is not None, "TOFU browser shows the real service with its key",
                B.brief(B.svc_state(list(nb.all), B.REAL)))
        real_p = B.Expect(B.REAL, B.PORT, "victim.local", h1.v4, "trusted", k1["key_digest"])
        st = B.wait_shown(nbp, real_p, 12)
        c.check(st is not None, "TOFU browser with the operator's pin shows it trusted",
                B.brief(B.svc_state(list(nbp.all), B.REAL)))
        if c.failed:
            c.done()
        c.check(first.get("trust") == "self-signed",
                "the real service, learned on first use, is self-signed there (not trusted)",
                B.brief(first))
        real_t = B.Expect(B.REAL, B.PORT, "victim.local", h1.v4, first.get("trust"),
                          k1["key_digest"])

        for n, (tag, dests) in enumerate(B.variants(h2, h4)):
            label = "(g %s) the attacker's brand-new self-signed service" % tag
            evil = "Evil %s" % tag
            key = T.Key("evil%s.local" % tag[0])
            pkt = B.signed_packet(key, B.service_sets(evil, key.host, 7700 + n, h3.v4))
            t0 = time.monotonic()
            B.send_to(radio, pkt, dests)
            ev = B.wait_new(nb, lambda o, e=evil: o.get("instance") == e and
                            o.get("event") in ("added", "updated") and o.get("port"), t0, 5)
            c.check(ev is not None and ev.get("trust") == "self-signed" and
                    ev.get("key") == key.digest_hex(),
                    "%s: TOFU browser shows it self-signed (its key), not trusted" % label,
                    B.brief(ev))
            c.check(ev is not None and ev.get("pin") == "tofu" and ev.get("first_seen") is True,
                    '%s: ... with "pin":"tofu" and "first_seen":true' % label,
                    B.brief(ev))
            time.sleep(1.0)
            shown = B.since(nbp, t0, lambda o, e=evil: o.get("instance") == e and
                            o.get("event") != "rejected")
            c.check(not shown, "%s: --require trusted (with --tofu) hides it" % label,
                    [B.brief(o) for o in shown[:2]])
            B.check_kept(c, nb, t0, [real_t], label, who="TOFU browser")
            B.check_kept(c, nbp, t0, [real_p], label, who="TOFU browser with the pin")
            for path, who in ((tofu2, "TOFU file"), (tofu4, "TOFU file of the pinned browser")):
                copy = B.copy_file(path, os.path.join(w.wd, "check-%d-%s" % (
                    n, os.path.basename(path))))
                rc, evs, err = w.fresh_browse(h5, ["--tofu", copy], timeout=2)
                fr = B.svc_state(evs, B.REAL)
                c.check(rc == 0 and fr is not None and fr.get("key") == k1["key_digest"] and
                        fr.get("port") == B.PORT,
                        "%s: the %s still loads (browse --tofu starts, runs, shows the real "
                        "service with its key)" % (label, who), (rc, B.brief(fr), err[-300:]))

        c.check(B.publisher_renamed(pub) == 0, "the real publisher kept its name",
                pub.read_log()[-200:])
        c.check(nb.proc.alive() and nbp.proc.alive() and pub.alive(),
                "browsers and publisher still running")
    B.summary(c, "g")
    c.done()


if __name__ == "__main__":
    main()
