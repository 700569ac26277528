#!/usr/bin/python3
"""Cross-checks our Groth16 verifier against snarkjs and the snarkjs-exported
Solidity verifier running on a real anvil node, on fresh proofs.

    crosscheck.py NAUTILUS SOURCE_DIR

1. Makes fresh proofs with `nautilus zk prove` (snarkjs, the cached dev
   setups "main" and "alt") for the committed credentials and for a random
   credential (seeded; the seed is printed). For the random one, the
   circuit input our C code wrote (keyBinding, commitment) must equal the
   one circomlibjs computes (proofs/scripts/credential.mjs).
2. Builds the cases: the valid proofs, a proof from another key, and the
   tampered copies of tamper.py (a public signal changed, a public signal
   plus r, A negated, B with its Fp2 halves swapped, B on the twist outside
   the subgroup).
3. Compiles verifier.sol with solc-js, deploys it on anvil (127.0.0.1, free
   port, killed by PID) with cast and anvil's first dev key, and calls
   verifyProof with eth_call for each case ("revert" counts as invalid).
4. Every case: ours (`nautilus zk verify`), snarkjs (`groth16 verify`) and
   Solidity must agree with the expected verdict.
"""
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import anvil as anvil_node  # noqa: E402

P = 21888242871839275222246405745257275088696311157297823662689037894645226208583
# Anvil's first deterministic dev account (public, test-only key).
ANVIL_KEY0 = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"

nautilus, src = sys.argv[1], sys.argv[2]
nm = os.path.join(src, "node_modules")
cast_bin = os.path.join(nm, "@foundry-rs/cast-linux-amd64/bin/cast")
snarkjs = ["node", os.path.join(nm, "snarkjs/build/cli.cjs")]
here = os.path.dirname(os.path.abspath(__file__))
vec = os.path.join(src, "tests/vectors/zk")
failures = []


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def check(cond, msg):
    print(("ok: " if cond else "FAIL: ") + msg, flush=True)
    if not cond:
        failures.append(msg)


def setup_dir(key):
    r = run(["bash", os.path.join(src, "proofs/scripts/setup.sh"), key])
    if r.returncode != 0:
        sys.exit(f"setup.sh {key} failed: {r.stderr}")
    return r.stdout.strip().splitlines()[-1]


def prove(cred, outdir, key="main"):
    r = run([nautilus, "zk", "prove", cred, "-o", outdir, "--setup", key])
    if r.returncode != 0:
        sys.exit(f"nautilus zk prove {cred} --setup {key}: exit {r.returncode}: {r.stderr}")


def random_credential(rng, path):
    attrs = [rng.choice([rng.randrange(0, 1000), rng.randrange(0, 1 << 64), (1 << 64) - 1])
             for _ in range(8)]
    idx = rng.randrange(8)
    cred = {
        "attributes": [str(a) for a in attrs],
        "salt": str(rng.randrange(0, 21888242871839275222246405745257275088548364400416034343698204186575808495617)),
        "keyDigest": "%064x" % rng.getrandbits(256),
        "mask": [rng.randrange(2) for _ in range(8)],
        "idx": idx,
        "threshold": str(rng.randrange(0, attrs[idx] + 1)),
    }
    with open(path, "w") as f:
        json.dump(cred, f)


def sol_args(proof, pub):
    """verifyProof arguments; B in EIP-197 order (imaginary part first)."""
    a = proof["pi_a"][:2]
    b = [[proof["pi_b"][0][1], proof["pi_b"][0][0]], [proof["pi_b"][1][1], proof["pi_b"][1][0]]]
    c = proof["pi_c"][:2]
    fmt = lambda xs: "[" + ",".join(str(x) for x in xs) + "]"
    return [fmt(a), "[" + ",".join(fmt(x) for x in b) + "]", fmt(c), fmt(pub)]


def main():
    seed = int(os.environ.get("NT_ZK_SEED", str(time.time_ns() % (1 << 32))))
    print(f"crosscheck: seed {seed} (set NT_ZK_SEED to repeat)", flush=True)
    rng = random.Random(seed)
    tmp = tempfile.mkdtemp(prefix="nt-zk-")
    anvil = None
    try:
        main_dir, alt_dir = setup_dir("main"), setup_dir("alt")
        vk = os.path.join(main_dir, "verification_key.json")
        vk_alt = os.path.join(alt_dir, "verification_key.json")

        # Fresh proofs.
        rand_cred = os.path.join(tmp, "credential_rand.json")
        random_credential(rng, rand_cred)
        creds = {"1": os.path.join(vec, "credential_1.json"),
                 "2": os.path.join(vec, "credential_2.json"), "rand": rand_cred}
        for name, cred in creds.items():
            prove(cred, os.path.join(tmp, name))
        prove(creds["1"], os.path.join(tmp, "alt"), "alt")

        # Our C commitment vs circomlibjs for the random credential.
        r = run(["node", os.path.join(src, "proofs/scripts/credential.mjs"), rand_cred])
        ours_in = json.load(open(os.path.join(tmp, "rand", "input.json")))
        check(r.returncode == 0 and json.loads(r.stdout) == ours_in,
              "random credential: C keyBinding/commitment == circomlibjs")

        # Cases: (name, vk, proof dir, expected valid?)
        cases = []
        for name in creds:
            cases.append((f"valid proof {name}", vk, os.path.join(tmp, name), True))
        cases.append(("alt proof under its own key", vk_alt, os.path.join(tmp, "alt"), True))
        cases.append(("proof from another key", vk, os.path.join(tmp, "alt"), False))
        for kind in ["signal", "signal_plus_r", "neg_a", "swap_b", "b_twist"]:
            d = os.path.join(tmp, "t_" + kind)
            r = run(["/usr/bin/python3", os.path.join(here, "tamper.py"), kind, vk,
                     os.path.join(tmp, "1", "proof.json"), os.path.join(tmp, "1", "public.json"), d])
            if r.returncode != 0:
                sys.exit(f"tamper {kind}: {r.stderr}")
            cases.append((f"tampered: {kind}", vk, d, False))

        # Solidity verifiers on anvil.
        try:
            anvil, rpc = anvil_node.start(src)
        except RuntimeError as e:
            sys.exit(str(e))
        contracts = {}
        for key_vk, d in ((vk, main_dir), (vk_alt, alt_dir)):
            r = run(["node", os.path.join(here, "solc_compile.mjs"), os.path.join(d, "verifier.sol")])
            if r.returncode != 0:
                sys.exit("solc: " + r.stderr)
            r2 = run([cast_bin, "send", "--rpc-url", rpc, "--private-key", ANVIL_KEY0, "--json",
                      "--create", r.stdout.strip()])
            if r2.returncode != 0:
                sys.exit("cast send --create: " + r2.stderr)
            contracts[key_vk] = json.loads(r2.stdout)["contractAddress"]
        print(f"crosscheck: verifiers deployed at {sorted(contracts.values())} on anvil {rpc}", flush=True)

        sig = "verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[20])(bool)"
        for name, key_vk, d, want in cases:
            proof_p, pub_p = os.path.join(d, "proof.json"), os.path.join(d, "public.json")
            r = run([nautilus, "zk", "verify", "--quiet", key_vk, proof_p, pub_p])
            ours = r.returncode == 0
            ours_ok = r.returncode in (0, 1, 2) and (r.returncode == 0) == want
            check(ours_ok, f"{name}: ours exit {r.returncode} {r.stderr.strip()}")
            r = run(snarkjs + ["groth16", "verify", key_vk, pub_p, proof_p])
            theirs = r.returncode == 0 and "OK!" in r.stdout + r.stderr
            check(theirs == want, f"{name}: snarkjs says {'valid' if theirs else 'invalid'}")
            proof, pub = json.load(open(proof_p)), json.load(open(pub_p))
            r = run([cast_bin, "call", "--rpc-url", rpc, contracts[key_vk], sig] + sol_args(proof, pub))
            sol = r.returncode == 0 and r.stdout.strip() == "true"
            how = r.stdout.strip() if r.returncode == 0 else "revert"
            check(sol == want and sol == ours, f"{name}: solidity eth_call {how}, same verdict as ours")
    finally:
        if anvil is not None:
            anvil.send_signal(signal.SIGTERM)
            try:
                anvil.wait(timeout=10)
            except subprocess.TimeoutExpired:
                anvil.kill()
                anvil.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    if failures:
        print(f"crosscheck: {len(failures)} failure(s)", file=sys.stderr)
        sys.exit(1)
    print("crosscheck: all verdicts agree")


if __name__ == "__main__":
    main()
