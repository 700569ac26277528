#!/usr/bin/python3
"""`publish --proof` and `browse --zk-vk` refusals (exit 2, one stderr line),
before any network is touched (label `tool`, no root needed).

Uses the unit-test fixture (tests/unit/trust_mdns/fixtures/): a proof bound
to the fixed test key of seed 3 x 32 at pub.local, so any key made by
`nautilus keygen` here is "another key".
"""
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
from nttest import Checks, nautilus_path, require_commands  # noqa: E402

FIX = os.path.join(HERE, "..", "..", "unit", "trust_mdns", "fixtures")
VK = os.path.join(FIX, "verification_key.json")


def run(nbin, *args):
    r = subprocess.run([nbin] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, timeout=30)
    return r.returncode, r.stderr.strip()


def main():
    nbin = nautilus_path()
    require_commands(nbin, "publish", "browse", "keygen")
    c = Checks("publish --proof / browse --zk-vk refusals")
    with tempfile.TemporaryDirectory(prefix="ntzkcli") as td:
        state = os.path.join(td, "st")
        code, err = run(nbin, "keygen", "--state", state, "--host", "cli")
        c.check(code == 0, "keygen", err)
        base = ["publish", "-i", "lo", "--state", state, "--host", "cli"]
        svc = ["X", "_http._tcp", "80"]

        code, err = run(nbin, *(base + ["--proof", FIX, "--zk-vk", VK] + svc))
        c.check(code == 2 and "needs --sign" in err, "--proof without --sign: exit 2", (code, err))
        code, err = run(nbin, *(base + ["--sign", "--proof", FIX] + svc))
        c.check(code == 2 and "--zk-vk" in err, "--proof without a key: exit 2", (code, err))
        code, err = run(nbin, *(base + ["--sign", "--proof", FIX, "--zk-vk", VK,
                                        "--zk-vk-id", "00" * 8] + svc))
        c.check(code == 2, "--zk-vk and --zk-vk-id together: exit 2", (code, err))
        code, err = run(nbin, *(base + ["--sign", "--zk-vk", VK] + svc))
        c.check(code == 2 and "--proof" in err, "--zk-vk without --proof: exit 2", (code, err))
        code, err = run(nbin, *(base + ["--sign", "--proof", FIX, "--zk-vk-id", "xyz"] + svc))
        c.check(code == 2 and "16 hex" in err, "bad --zk-vk-id: exit 2", (code, err))
        code, err = run(nbin, *(base + ["--sign", "--proof", td, "--zk-vk", VK] + svc))
        c.check(code == 2 and "proof.json" in err, "no proof.json in DIR: exit 2", (code, err))
        code, err = run(nbin, *(base + ["--sign", "--proof", FIX, "--zk-vk", VK] + svc))
        c.check(code == 2 and "another key" in err and len(err.splitlines()) == 1,
                "proof bound to another key: exit 2, one line", (code, err))
        # A proof that does not verify under the named key (any other key file).
        alt = os.path.join(HERE, "..", "..", "vectors", "zk", "verification_key_alt.json")
        if os.path.exists(alt):
            code, err = run(nbin, *(base + ["--sign", "--proof", FIX, "--zk-vk", alt] + svc))
            c.check(code == 2 and "does not verify" in err,
                    "proof under another verification key: exit 2", (code, err))

        bad = os.path.join(td, "bad.json")
        with open(bad, "w") as f:
            f.write("{\"protocol\": \"groth16\"}")
        code, err = run(nbin, "browse", "_http._tcp", "--zk-vk", bad, "--timeout", "0")
        c.check(code == 2 and "verification key" in err, "browse --zk-vk with a bad file: exit 2",
                (code, err))
        code, err = run(nbin, "browse", "_http._tcp", "--require", "zk-verfied")
        c.check(code == 2 and "zk-verified" in err, "--require names zk-verified in its error",
                (code, err))
        code, err = run(nbin, "browse", "--help")
        c.check(code == 0, "browse --help", err)
        out = subprocess.run([nbin, "browse", "--help"], stdout=subprocess.PIPE, text=True).stdout
        c.check("--zk-vk" in out, "browse --help documents --zk-vk")
        out = subprocess.run([nbin, "publish", "--help"], stdout=subprocess.PIPE, text=True).stdout
        c.check("--proof DIR" in out and "--proof-unchecked" in out and "TESTS ONLY" in out,
                "publish --help documents --proof and the test-only flag")
    c.done()


if __name__ == "__main__":
    main()
