#!/usr/bin/python3
"""Issue 5, must-show 5: a selective-disclosure proof carried in mDNS.

Host A: `nautilus keygen`, a credential bound to A's key digest, `nautilus
zk prove`, then `publish --sign --proof DIR --zk-vk VK`: the proof rides in
the signed metadata TXT at _nautilus.<instance> (DESIGN section 2).
Host C: its own key, A's proof (`--proof-unchecked`, the test-only way past
publish's early keyBinding refusal): a proof lifted to another device.
Host B: `browse --trust PINS --zk-vk VK --json` pins both keys and holds the
key. A must show as "zk-verified" with the disclosed attribute (a0) and the
threshold claim (a1 >= 250); C's metadata is rejected with "zk-binding" and
C stays "trusted". `--require zk-verified` shows A and hides C.
The proof under A's key is also refused by `publish` on C without the flag
(exit 2). The metadata TXT captured on the wire validates with dnspython's
dns.dnssec.validate under A's DNSKEY (an independent RFC 4034 check), and
its pieces decode, independently of our C code, to the proof and signals
of proof.json / public.json (proofs/README.md encoding).
"""
import base64
import hashlib
import json
import os
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
sys.path.insert(0, os.path.join(HERE, "..", "trust"))
from nttest import (Checks, Lan, Nautilus, nautilus_path, read_mdns_pcap,  # noqa: E402
                    require_commands)
import trustlib as T  # noqa: E402  (rrsets_of: RRsets of a captured message)
import dns.dnssec  # noqa: E402
import dns.name  # noqa: E402
import dns.rdatatype as RT  # noqa: E402

STYPE = "_ntzk._tcp"
PROOFS = os.path.join(HERE, "..", "..", "..", "proofs")


def keygen(nbin, state, host):
    r = subprocess.run([nbin, "keygen", "--state", state, "--host", host, "--json"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=30)
    if r.returncode != 0:
        raise RuntimeError("keygen: %s" % r.stderr)
    return json.loads(r.stdout)["key_digest"]


def prove(nbin, workdir, digest):
    """Credential: a0 = 1990 disclosed, a1 = 276 hidden behind a1 >= 250."""
    cred = os.path.join(workdir, "cred-a.json")
    with open(cred, "w") as f:
        json.dump({"attributes": ["1990", "276", "5", "0", "42", "7", "123456789", "31337"],
                   "salt": "31415926535897932384626433",
                   "keyDigest": digest,
                   "mask": [1, 0, 0, 0, 0, 0, 0, 0],
                   "idx": 1, "threshold": "250"}, f)
    out = os.path.join(workdir, "proof-a")
    r = subprocess.run([nbin, "zk", "prove", cred, "-o", out, "--proofs", PROOFS],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=600)
    if r.returncode != 0:
        raise RuntimeError("zk prove: %s %s" % (r.stdout, r.stderr))
    vk = [ln.split(" ", 1)[1] for ln in r.stdout.splitlines()
          if ln.startswith("verification_key ")][0]
    return out, vk


def expected_meta(proof_dir, vk):
    """The proof's 256 bytes and the signals' compact form, from the JSON."""
    with open(os.path.join(proof_dir, "proof.json")) as f:
        pr = json.load(f)
    with open(os.path.join(proof_dir, "public.json")) as f:
        pub = [int(x) for x in json.load(f)]
    b32 = lambda v: int(v).to_bytes(32, "big")  # noqa: E731
    g2 = lambda p: b32(p[0][1]) + b32(p[0][0]) + b32(p[1][1]) + b32(p[1][0])  # noqa: E731
    proof = b32(pr["pi_a"][0]) + b32(pr["pi_a"][1]) + g2(pr["pi_b"]) + \
        b32(pr["pi_c"][0]) + b32(pr["pi_c"][1])
    compact = bytes([len(pub)])
    for v in pub:
        raw = v.to_bytes(32, "big").lstrip(b"\0")
        compact += bytes([len(raw)]) + raw
    with open(vk, "rb") as f:
        vk_id = hashlib.sha256(f.read()).hexdigest()[:16]
    return proof, compact, vk_id


def check_wire(c, pcap, a, proof_dir, vk):
    meta_name = dns.name.from_text("_nautilus.Prover.%s.local" % STYPE)
    keys, metas = {}, []
    for p in read_mdns_pcap(pcap):
        if not p["is_response"] or p["src"] not in (a.v4, a.v6, a.link_local()):
            continue
        sets = T.rrsets_of(p["raw"])
        for (owner, rtype, cov), rs in sets.items():
            if rtype == RT.DNSKEY:
                keys.setdefault(rs.name, dns.rrset.RRset(rs.name, rs.rdclass, RT.DNSKEY))
                for rd in rs:
                    keys[rs.name].add(rd, rs.ttl)
            if rtype == RT.TXT and rs.name == meta_name:
                metas.append((rs, sets.get((owner, RT.RRSIG, RT.TXT))))
    c.check(len(metas) > 0, "metadata TXT at _nautilus.Prover seen on the wire")
    if not metas:
        return
    c.figure("metadata_txt_messages", len(metas), "messages")
    rs, sigs = metas[0]
    try:
        dns.dnssec.validate(rs, sigs, keys)
        ok, why = True, ""
    except Exception as e:  # noqa: BLE001  (any failure is the finding)
        ok, why = False, repr(e)
    c.check(sigs is not None and ok, "metadata TXT validates with dnspython under A's DNSKEY", why)
    strings = list(rs)[0].strings
    c.check(all(len(x) <= 255 for x in strings), "every character-string <= 255 bytes")
    kv = dict(x.split(b"=", 1) for x in strings)
    c.check(sorted(kv) == [b"v", b"zk0", b"zk1", b"zkpub0", b"zkvk"],
            "keys v, zkvk, zk0, zk1, zkpub0", sorted(kv))
    c.figure("metadata_txt_bytes", sum(1 + len(x) for x in strings), "bytes")
    proof, compact, vk_id = expected_meta(proof_dir, vk)
    try:
        got_proof = base64.b64decode(kv.get(b"zk0", b"") + kv.get(b"zk1", b""), validate=True)
        got_pub = base64.b64decode(kv.get(b"zkpub0", b""), validate=True)
    except ValueError as e:
        c.check(False, "pieces are base64", e)
        return
    c.check(kv.get(b"v") == b"1", "v=1")
    c.check(kv.get(b"zkvk", b"").decode() == vk_id, "zkvk = first 16 hex of SHA-256(vk file)",
            (kv.get(b"zkvk"), vk_id))
    c.check(got_proof == proof, "zk0+zk1 = EIP-197 bytes of proof.json")
    c.check(got_pub == compact, "zkpub0 = compact form of public.json")


def main():
    nbin = nautilus_path()
    require_commands(nbin, "publish", "browse", "keygen", "zk")
    c = Checks("zk-SNARK selective disclosure carried in mDNS")
    with Lan(hosts=3, prefix="ntzk") as lan:
        a, b, h3 = lan.hosts
        wd = lan.workdir
        state_a, state_c = os.path.join(wd, "state-a"), os.path.join(wd, "state-c")
        dig_a = keygen(nbin, state_a, "ntzk-a")
        dig_c = keygen(nbin, state_c, "ntzk-c")
        t0 = time.monotonic()
        proof_dir, vk = prove(nbin, wd, dig_a)
        c.figure("zk_prove_wall", time.monotonic() - t0, "s")
        pins = os.path.join(wd, "pins")
        with open(pins, "w") as f:
            f.write("ntzk-a.local %s\nntzk-c.local %s\n" % (dig_a, dig_c))

        # Early refusal: C cannot publish A's proof by mistake.
        r = h3.run([nbin, "publish", "-i", h3.ifname, "--sign", "--state", state_c,
                    "--host", "ntzk-c", "--proof", proof_dir, "--zk-vk", vk,
                    "Thief", STYPE, "9"], timeout=20)
        c.check(r.returncode == 2 and "another key" in r.stderr,
                "publish on C refuses A's proof (exit 2, keyBinding)",
                (r.returncode, r.stderr.strip()))

        pcap = os.path.join(wd, "zk.pcap")
        cap = b.capture(pcap)
        browse = Nautilus(nbin, b).browse(STYPE, extra=["--trust", pins, "--zk-vk", vk])
        strict = Nautilus(nbin, b).browse(STYPE, name="browse-strict",
                                          extra=["--trust", pins, "--zk-vk", vk,
                                                 "--require", "zk-verified"])
        human = b.spawn([nbin, "browse", STYPE, "-i", b.ifname, "--resolve", "--trust", pins,
                         "--zk-vk", vk], name="browse-human", stdout=subprocess.PIPE)
        human_lines = []

        def pump():
            for line in human.popen.stdout:
                human_lines.append(line.rstrip("\n"))
        threading.Thread(target=pump, daemon=True).start()
        time.sleep(1.0)
        t1 = time.monotonic()
        pub_a = Nautilus(nbin, a).publish(
            "Prover", STYPE, 8080, ["path=/"], host_name="ntzk-a",
            extra=["--sign", "--state", state_a, "--proof", proof_dir, "--zk-vk", vk],
            name="publish-a")
        pub_c = Nautilus(nbin, h3).publish(
            "Thief", STYPE, 8081, ["path=/"], host_name="ntzk-c",
            extra=["--sign", "--state", state_c, "--proof", proof_dir, "--zk-vk", vk,
                   "--proof-unchecked"],
            name="publish-c")

        got = browse.wait_for(lambda o: o.get("instance") == "Prover" and
                              o.get("trust") == "zk-verified", 15)
        c.check(got is not None, "B shows A's instance zk-verified",
                [x for x in browse.raw if "Prover" in x][-3:] or pub_a.read_log()[-300:])
        if got:
            c.figure("publish_to_zk_verified", got["_t"] - t1, "s")
            c.check(got.get("disclosed") == {"a0": 1990}, "disclosed attribute a0 = 1990 only",
                    got.get("disclosed"))
            c.check(got.get("claims") == [{"attr": 1, "gte": 250}], "claim a1 >= 250",
                    got.get("claims"))
            c.check(got.get("key") == dig_a, "key is A's digest", got.get("key"))
            c.check(got.get("port") == 8080, "port 8080", got.get("port"))

        rej = browse.wait_for(lambda o: o.get("event") == "rejected" and
                              o.get("instance") == "Thief", 15)
        c.check(rej is not None and rej.get("reason") == "zk-binding",
                "C's replayed proof rejected with zk-binding", rej)
        if rej:
            c.check(rej.get("type") == STYPE, "rejection names C's instance and type", rej)
        time.sleep(2.0)
        thief = [o for o in browse.all if o.get("instance") == "Thief" and
                 o.get("event") in ("added", "updated")]
        c.check(len(thief) > 0 and all(o.get("trust") == "trusted" for o in thief),
                "C's instance is shown as trusted, never zk-verified",
                [(o.get("event"), o.get("trust")) for o in thief])
        c.check(all("disclosed" not in o for o in thief), "no disclosed attributes for C")

        c.check(strict.wait_for(lambda o: o.get("instance") == "Prover", 5) is not None,
                "--require zk-verified shows A", strict.raw[-3:])
        c.check(not any(o.get("instance") == "Thief" and o.get("event") != "rejected"
                        for o in strict.all),
                "--require zk-verified hides C", strict.raw[-5:])
        c.check(any(x.strip() == "zk-verified: a0=1990; a1 >= 250" for x in human_lines),
                "human output: 'zk-verified: a0=1990; a1 >= 250' line", human_lines[-12:])
        c.check(any(x.startswith("! ") and "Thief" in x and x.endswith("zk-binding")
                    for x in human_lines), "human output: '!' line for C with zk-binding",
                human_lines[-12:])
        human.stop()

        # A publisher that adds its proof later (restarted with --proof, same
        # records): the browser reports the instance again, now zk-verified.
        late = Nautilus(nbin, a).publish("Late", STYPE, 8090, ["path=/"], host_name="ntzk-a",
                                         extra=["--sign", "--state", state_a], name="late-1")
        first = browse.wait_for(lambda o: o.get("instance") == "Late", 10)
        c.check(first is not None and first.get("trust") == "trusted",
                "instance without proof shown as trusted", first)
        late.stop()
        late = Nautilus(nbin, a).publish(
            "Late", STYPE, 8090, ["path=/"], host_name="ntzk-a",
            extra=["--sign", "--state", state_a, "--proof", proof_dir, "--zk-vk", vk],
            name="late-2")
        again = browse.wait_for(lambda o: o.get("instance") == "Late" and
                                o.get("trust") == "zk-verified", 15)
        c.check(again is not None and again.get("disclosed") == {"a0": 1990},
                "the same instance with its proof added is reported zk-verified",
                [x for x in browse.raw if "Late" in x][-3:])
        late.stop()
        cap.stop()
        check_wire(c, pcap, a, proof_dir, vk)
        for p in (pub_a, pub_c, browse.proc, strict.proc):
            p.stop()
    c.done()


if __name__ == "__main__":
    main()
