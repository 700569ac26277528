// Peer figures for bench/suite_zk.c and bench/zk_cli.sh, measured
// in-process in node (snarkjs 0.7.6, ffjavascript, circomlibjs):
//
//   node bench/snarkjs_verify.js VK.json PUBLIC.json PROOF.json SECONDS RUNS
//
// Groth16, each the median of RUNS calls timed one by one (after 3 calls
// of warm-up), printed in milliseconds:
//   verify_oneshot_ms   groth16.verify from the three JSON texts: JSON.parse
//                       and snarkjs' own per-call work (BigInt conversion,
//                       point conversion and checks, multi-exponentiation,
//                       a 4-pair pairing check). The curve object is built
//                       once by ffjavascript and cached, as in any process
//                       that verifies twice.
//   verify_prepared_ms  the key converted once (IC points, gamma, delta, and
//                       e(alpha, beta)^-1 from vk_alphabeta_12), the proof
//                       and inputs converted and checked once; per call the
//                       multi-exponentiation and a 3-pair pairing check
//                       against e(alpha, beta)^-1: what is left of
//                       groth16.verify when everything that depends only on
//                       the key is done ahead.
// and, unless SECONDS is 0, rates as the best of 5 rounds after a warm-up
// (like nt_bench_measure), "name per_second":
//   pairing_per_s (one ffjavascript pairing), poseidon2_per_s,
//   poseidon8_per_s (circomlibjs Poseidon, 2 and 8 inputs).
// Exits 1 if the proof does not verify (the figures would be meaningless).
// ffjavascript runs its Miller loops in worker threads (one per CPU): the
// figures are what snarkjs does, not a single-core measure.
import { readFileSync } from "fs";
import { groth16 } from "snarkjs";
import { buildPoseidon } from "circomlibjs";
import { getCurveFromName, Scalar, utils } from "ffjavascript";

const [vkPath, pubPath, proofPath, secondsArg, runsArg] = process.argv.slice(2);
if (!runsArg) {
    process.stderr.write("usage: snarkjs_verify.js VK.json PUBLIC.json PROOF.json SECONDS RUNS\n");
    process.exit(2);
}
const seconds = Number(secondsArg);
const runs = Math.max(1, Number(runsArg));
const vkText = readFileSync(vkPath, "utf8");
const pubText = readFileSync(pubPath, "utf8");
const proofText = readFileSync(proofPath, "utf8");

const now = () => Number(process.hrtime.bigint()) / 1e9;

// Median of RUNS calls, each timed alone, in milliseconds.
async function medianMs(fn) {
    for (let i = 0; i < 3; i++) await fn();
    const t = [];
    for (let i = 0; i < runs; i++) {
        const t0 = now();
        await fn();
        t.push((now() - t0) * 1e3);
    }
    t.sort((a, b) => a - b);
    return t.length % 2 ? t[(t.length - 1) / 2] : (t[t.length / 2 - 1] + t[t.length / 2]) / 2;
}

// Best of ROUNDS rounds, like nt_bench_measure: on a shared machine the
// best round is the one least disturbed by other work.
const ROUNDS = 5;
async function rate(fn) {
    const warmEnd = now() + seconds / 4;
    for (let i = 0; i < 3 || now() < warmEnd; i++) await fn();
    let best = 0;
    for (let r = 0; r < ROUNDS; r++) {
        let ops = 0;
        const t0 = now();
        let t = t0;
        do {
            await fn();
            ops++;
            t = now();
        } while (t - t0 < seconds / ROUNDS);
        best = Math.max(best, ops / (t - t0));
    }
    return best;
}

async function oneshot() {
    return groth16.verify(JSON.parse(vkText), JSON.parse(pubText), JSON.parse(proofText));
}

// The key-only part of groth16.verify, done once; returns the per-call rest.
async function prepare() {
    const vk = utils.unstringifyBigInts(JSON.parse(vkText));
    const pub = utils.unstringifyBigInts(JSON.parse(pubText));
    const proof = utils.unstringifyBigInts(JSON.parse(proofText));
    const curve = await getCurveFromName(vk.curve);
    const G1 = curve.G1, G2 = curve.G2;
    const ic0 = G1.fromObject(vk.IC[0]);
    const ic = new Uint8Array(G1.F.n8 * 2 * pub.length);
    for (let i = 0; i < pub.length; i++) ic.set(G1.fromObject(vk.IC[i + 1]), i * G1.F.n8 * 2);
    const gamma = G2.fromObject(vk.vk_gamma_2);
    const delta = G2.fromObject(vk.vk_delta_2);
    const abInv = curve.Gt.inv(curve.Gt.fromObject(vk.vk_alphabeta_12));
    const a = G1.fromObject(proof.pi_a), b = G2.fromObject(proof.pi_b), c = G1.fromObject(proof.pi_c);
    if (!G1.isValid(a) || !G2.isValid(b) || !G1.isValid(c)) throw new Error("bad proof points");
    for (const s of pub) if (!Scalar.lt(s, curve.r)) throw new Error("public input >= r");
    return async () => {
        const w = new Uint8Array(curve.Fr.n8 * pub.length);
        for (let i = 0; i < pub.length; i++) Scalar.toRprLE(w, curve.Fr.n8 * i, pub[i], curve.Fr.n8);
        const cpub = G1.add(await G1.multiExpAffine(ic, w), ic0);
        return curve.pairingEq(G1.neg(a), b, cpub, gamma, c, delta, abInv);
    };
}

if (!(await oneshot())) {
    process.stderr.write("snarkjs_verify.js: the proof does not verify\n");
    process.exit(1);
}
const prepared = await prepare();
if (!(await prepared())) {
    process.stderr.write("snarkjs_verify.js: the prepared check disagrees with groth16.verify\n");
    process.exit(1);
}
const out = {};
out.verify_oneshot_ms = await medianMs(async () => {
    if (!(await oneshot())) throw new Error("verify failed");
});
out.verify_prepared_ms = await medianMs(async () => {
    if (!(await prepared())) throw new Error("verify failed");
});
if (seconds > 0) {
    const curve = await getCurveFromName("bn128", true);
    out.pairing_per_s = await rate(async () => curve.pairing(curve.G1.g, curve.G2.g));
    const poseidon = await buildPoseidon();
    const in2 = [1n, 2n];
    const in8 = [1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n];
    out.poseidon2_per_s = await rate(() => poseidon(in2));
    out.poseidon8_per_s = await rate(() => poseidon(in8));
}
for (const [k, v] of Object.entries(out)) process.stdout.write(`${k} ${v}\n`);
process.exit(0);
