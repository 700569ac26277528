#!/usr/bin/python3
"""Writes a tampered copy of a snarkjs Groth16 proof for the zk tests.

    tamper.py KIND VK.json PROOF.json PUBLIC.json OUTDIR

Writes OUTDIR/verification_key.json, OUTDIR/proof.json, OUTDIR/public.json
(unchanged copies except for what KIND alters) and prints the verdict class
the C verifier must give: "invalid" (exit 1), "malformed" (exit 2) or, for
a key the one-shot verifier does not refuse, "valid" (exit 0).

Kinds that make a well-formed but wrong proof (every verifier must reject):
  signal        public[0] + 1 (a disclosed value changed)
  signal_plus_r public[8] + r (the same value mod r: must not be reduced)
  neg_a         A negated: (x, p - y)
  swap_b        B with the Fp2 halves of each coordinate swapped
  b_twist       B replaced by a point on the twist outside the r-subgroup
                (tests/vectors/bn254/derived_bn256Pairing_invalid.json,
                 "g2_on_twist_not_in_subgroup", checked with py_ecc)
Kinds that make malformed input:
  count         the last public signal dropped
  a_x_eq_p      A.x = p
  leading_zero  public[0] written with a leading zero
  delta_gamma   the key's delta replaced by gamma (an unrandomised phase 2)
  not_json      the proof file is not JSON
  vk_beta_g2    the key's beta replaced by the b_twist point: one-shot, each
                verification fails NT_ERR_ZK_NOT_IN_SUBGROUP
Kinds that a one-shot verifier (zk verify, snarkjs) accepts, a prepared
key refuses:
  vk_alphabeta  one number of the key's vk_alphabeta_12 changed (snarkjs
                never reads it to verify)
"""
import json
import os
import sys

P = 21888242871839275222246405745257275088696311157297823662689037894645226208583
R = 21888242871839275222246405745257275088548364400416034343698204186575808495617
# Outside vectors are committed in the checkout (tests/vectors/README.md);
# found from this script's own place, tests/integration/zk/.
_REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
TWIST_VECTORS = os.path.join(_REPO, "tests", "vectors", "bn254",
                             "derived_bn256Pairing_invalid.json")


def twist_point_outside_subgroup():
    with open(TWIST_VECTORS) as f:
        cases = json.load(f)
    case = next(c for c in cases if c["Name"] == "g2_on_twist_not_in_subgroup")
    raw = bytes.fromhex(case["Input"])
    words = [int.from_bytes(raw[64 + 32 * i:96 + 32 * i], "big") for i in range(4)]
    # EIP-197 order x.c1, x.c0, y.c1, y.c0 -> snarkjs [c0, c1].
    x = (words[1], words[0])
    y = (words[3], words[2])
    # Check it is on y^2 = x^3 + b' with b' = 3 / (9 + u), so the test
    # exercises the subgroup check and not the curve check.
    def mul(a, b):
        return ((a[0] * b[0] - a[1] * b[1]) % P, (a[0] * b[1] + a[1] * b[0]) % P)
    def inv(a):
        n = pow((a[0] * a[0] + a[1] * a[1]) % P, P - 2, P)
        return (a[0] * n % P, (-a[1]) * n % P)
    b2 = mul((3, 0), inv((9, 1)))
    lhs = mul(y, y)
    x3 = mul(mul(x, x), x)
    rhs = ((x3[0] + b2[0]) % P, (x3[1] + b2[1]) % P)
    assert lhs == rhs, "vector point is not on the twist"
    return [[str(x[0]), str(x[1])], [str(y[0]), str(y[1])], ["1", "0"]]


def main():
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    kind, vk_path, proof_path, pub_path, outdir = sys.argv[1:]
    vk = json.load(open(vk_path))
    proof = json.load(open(proof_path))
    pub = json.load(open(pub_path))
    proof_text = None
    verdict = "invalid"

    if kind == "signal":
        pub[0] = str(int(pub[0]) + 1)
    elif kind == "signal_plus_r":
        pub[8] = str(int(pub[8]) + R)
        verdict = "malformed"
    elif kind == "neg_a":
        proof["pi_a"][1] = str(P - int(proof["pi_a"][1]))
    elif kind == "swap_b":
        proof["pi_b"][0] = proof["pi_b"][0][::-1]
        proof["pi_b"][1] = proof["pi_b"][1][::-1]
    elif kind == "b_twist":
        proof["pi_b"] = twist_point_outside_subgroup()
    elif kind == "count":
        pub = pub[:-1]
        verdict = "malformed"
    elif kind == "a_x_eq_p":
        proof["pi_a"][0] = str(P)
        verdict = "malformed"
    elif kind == "leading_zero":
        pub[0] = "0" + pub[0]
        verdict = "malformed"
    elif kind == "delta_gamma":
        vk["vk_delta_2"] = vk["vk_gamma_2"]
        verdict = "malformed"
    elif kind == "vk_beta_g2":
        vk["vk_beta_2"] = twist_point_outside_subgroup()
        verdict = "malformed"
    elif kind == "vk_alphabeta":
        vk["vk_alphabeta_12"][1][2][1] = "5"
        verdict = "valid"
    elif kind == "not_json":
        proof_text = '{"pi_a": ["1", '
        verdict = "malformed"
    else:
        sys.exit(f"tamper.py: unknown kind {kind}")

    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, "verification_key.json"), "w") as f:
        json.dump(vk, f, indent=1)
    with open(os.path.join(outdir, "proof.json"), "w") as f:
        f.write(proof_text if proof_text is not None else json.dumps(proof, indent=1))
    with open(os.path.join(outdir, "public.json"), "w") as f:
        json.dump(pub, f, indent=1)
    print(verdict)


if __name__ == "__main__":
    main()
