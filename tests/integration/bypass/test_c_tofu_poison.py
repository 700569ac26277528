#!/usr/bin/python3
"""Issue 8 (c): TOFU poisoning.

A browser run with --tofu FILE appends the first key it sees for each signer
name to FILE. The name was written as it came: a signer `evil#x.local` (or a
name with a blank, a newline, any byte) made a line that the next
`browse --tofu FILE` could not read, and it exited 2 - one packet locked
every later TOFU browser out. A newline in a label could even write a line
of its own: `x\\nvictim.local <attacker's key>` pins the attacker's key for
the real host on the next run.

Fixed behaviour checked here: names are written escaped (every label byte
round-trips), a bad line is skipped with a warning, and signers must be
`<label>.local` host names (a three-label signer is rejected, reason
`signer-name`, and never written). After every poisoned signer, sent by
multicast and by unicast to the TOFU browser:
  - the live TOFU browser still shows the real service (port, host,
    address, key, trust level as before);
  - a copy of the TOFU file still loads: `browse --tofu COPY` starts, runs
    and shows the real service with its key (exit 0);
  - the file pins victim.local to the real key only.

Hosts: h1 the real publisher (victim.local, signed), h2 the TOFU browser
(--tofu FILE), h3 the attacker, h4 where the fresh browsers run.
"""
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bypasslib as B  # noqa: E402
from bypasslib import T  # noqa: E402

# Label bytes of poisoned signer names (each + "local"); the variant's tag
# letter is appended so that every send is a brand-new signer.
POISONS = [
    ("'#'", b"evil#x"),
    ("a blank", b"evil x"),
    ("a newline that writes a pin for victim.local", b"x\nvictim"),
    ("a backslash", b"evil\\x"),
    ("a NUL byte", b"evil\x00x"),
    ("a dot inside the label", b"evil.x"),
    ("bytes 0xff and 0x7f", b"evil\xff\x7fx"),
]


def pins_for(path, host):
    """Digests the file pins for host (by its plain text form)."""
    out = []
    try:
        with open(path, "rb") as f:
            for raw in f.read().split(b"\n"):
                parts = raw.split()
                if len(parts) >= 2 and parts[0].lower().rstrip(b".") == host.encode():
                    out.append(parts[1].decode("latin-1").lower())
    except OSError:
        pass
    return out


def main():
    nbin = B.nautilus_path()
    B.require_commands(nbin, "publish", "browse", "keygen")
    T.require_trust_cli(nbin)
    c = B.Checks("(c) TOFU poisoning: signer names with '#', blanks, newlines, any byte")
    with B.Lan(hosts=4, prefix="ntbc") as lan:
        h1, h2, h3, h4 = lan.hosts
        w = B.World(lan, nbin, "c")
        _, k1, _ = w.keygen("victim")
        tofu = os.path.join(w.wd, "tofu.txt")
        radio = B.Radio(h3)
        nb = w.browse(h2, ["--tofu", tofu], "browse-tofu")
        pub = w.publish(h1, B.REAL, "victim")
        first = B.wait_state(nb, B.REAL, lambda o: o.get("port") == B.PORT and
                             B.has_addr(o.get("addresses"), h1.v4) and
                             o.get("key") == k1["key_digest"], 12)
        c.check(first is not None, "TOFU browser shows the real service with its key",
                B.brief(B.svc_state(list(nb.all), B.REAL)))
        if not first:
            c.done()
        level = first.get("trust")
        c.check(level in ("self-signed", "trusted"),
                "... at a signed level (%s)" % level, B.brief(first))
        real_e = B.Expect(B.REAL, B.PORT, "victim.local", h1.v4, level, k1["key_digest"])
        time.sleep(0.5)
        c.check(pins_for(tofu, "victim.local") == [k1["key_digest"]],
                "the TOFU file pins victim.local to the real key", open(tofu, "rb").read()[:300])

        def fresh_loads(label, n, path=None):
            copy = B.copy_file(path or tofu, os.path.join(w.wd, "tofu-check-%d.txt" % n))
            rc, evs, err = w.fresh_browse(h4, ["--tofu", copy], timeout=2)
            st = B.svc_state(evs, B.REAL)
            c.check(rc == 0 and st is not None and st.get("port") == B.PORT and
                    st.get("key") == k1["key_digest"] and st.get("trust") == level,
                    "%s: the TOFU file still loads (browse --tofu starts, runs, shows the real "
                    "service with its key, %s)" % (label, level),
                    (rc, B.brief(st), err.strip()[-300:]))
            pins = pins_for(copy, "victim.local")
            c.check(pins == [k1["key_digest"]],
                    "%s: the file pins victim.local to the real key only" % label, pins)

        # Each poisoned signer is judged on its own: the lines it added are
        # kept aside and the file is put back as it was before it, so one
        # bad line does not hide what the next one does. At the end all of
        # them go into one file together.
        n = 0
        with open(tofu, "rb") as f:
            clean = f.read()
        added = []
        for what, label_bytes in POISONS:
            for tag, dests in B.variants(h2):
                n += 1
                label = "(c%d %s) signer name with %s" % (n, tag, what)
                signer = B.label_name(label_bytes + tag[0].encode())
                key = T.Key(signer)
                pkt = B.signed_packet(key, B.service_sets("Poison %d" % n, signer, 7000 + n,
                                                          h3.v4))
                t0 = time.monotonic()
                B.send_to(radio, pkt, dests)
                time.sleep(1.5)
                c.check(nb.proc.alive(), "%s: the TOFU browser is still running" % label)
                B.check_kept(c, nb, t0, [real_e], label, who="TOFU browser")
                with open(tofu, "rb") as f:
                    after = f.read()
                new_lines = after[len(clean):] if after.startswith(clean) else after
                c.note("%s: the TOFU browser wrote %r" % (label, new_lines[:200]))
                added.append(new_lines)
                fresh_loads(label, n)
                with open(tofu, "wb") as f:
                    f.write(clean)
        n += 1
        together = os.path.join(w.wd, "tofu-all-poisons.txt")
        with open(together, "wb") as f:
            f.write(clean + b"".join(added))
        fresh_loads("(c%d) every poisoned line above in one file" % n, n, together)

        # ---- a signer that is not <label>.local: rejected, never written ----
        for tag, dests in B.variants(h2):
            n += 1
            label = "(c%d %s) three-label signer sub.evil%s.local" % (n, tag, tag[0])
            signer = B.label_name(b"sub", b"evil" + tag[0].encode())
            key = T.Key(signer)
            pkt = B.signed_packet(key, B.service_sets("Deep %s" % tag, signer, 7100 + n, h3.v4))
            t0 = time.monotonic()
            B.send_to(radio, pkt, dests)
            B.expect_rejected(c, nb, t0, "signer-name", label, who="TOFU browser")
            shown = B.since(nb, t0, lambda o, t=tag: o.get("instance") == "Deep %s" % t and
                            o.get("event") != "rejected")
            c.check(not shown, "%s: its service is not shown" % label,
                    [B.brief(o) for o in shown[:2]])
            with open(tofu, "rb") as f:
                text = f.read()
            c.check(b"evil" + tag[0].encode() + b"." not in text.replace(b"\\", b""),
                    "%s: and not written to the TOFU file" % label, text[-200:])
            B.check_kept(c, nb, t0, [real_e], label, who="TOFU browser")
            fresh_loads(label, n)

        c.note("TOFU file at the end: %r" % open(tofu, "rb").read()[:1200])
        c.check(B.publisher_renamed(pub) == 0, "the real publisher kept its name",
                pub.read_log()[-200:])
        c.check(nb.proc.alive() and pub.alive(), "browser and publisher still running")
    B.summary(c, "c")
    c.done()


if __name__ == "__main__":
    main()
