// Peer figures for bench/suite_zk.c, measured in-process in node:
//   snarkjs groth16.verify on a given proof, one ffjavascript pairing, and
//   circomlibjs Poseidon with 2 and 8 inputs.
//
//   node bench/snarkjs_verify.js VK.json PUBLIC.json PROOF.json SECONDS
//
// Each figure: a warm-up (at least 3 calls or a quarter of SECONDS), then
// calls in a loop for SECONDS in 5 rounds, keeping the best round; prints
// "name per_second" lines on stdout:
//   verify_per_s, pairing_per_s, poseidon2_per_s, poseidon8_per_s
// and exits 1 if the proof does not verify (the figure would be meaningless).
import { readFileSync } from "fs";
import { groth16 } from "snarkjs";
import { buildPoseidon } from "circomlibjs";
import { getCurveFromName } from "ffjavascript";

const [vkPath, pubPath, proofPath, secondsArg] = process.argv.slice(2);
if (!secondsArg) {
    process.stderr.write("usage: snarkjs_verify.js VK.json PUBLIC.json PROOF.json SECONDS\n");
    process.exit(2);
}
const seconds = Number(secondsArg);
const vk = JSON.parse(readFileSync(vkPath, "utf8"));
const pub = JSON.parse(readFileSync(pubPath, "utf8"));
const proof = JSON.parse(readFileSync(proofPath, "utf8"));

const now = () => Number(process.hrtime.bigint()) / 1e9;

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

if (!(await groth16.verify(vk, pub, proof))) {
    process.stderr.write("snarkjs_verify.js: the proof does not verify\n");
    process.exit(1);
}
const out = {};
out.verify_per_s = await rate(async () => {
    if (!(await groth16.verify(vk, pub, proof))) throw new Error("verify failed");
});

const curve = await getCurveFromName("bn128", true);
out.pairing_per_s = await rate(async () => curve.pairing(curve.G1.g, curve.G2.g));

const poseidon = await buildPoseidon();
const in2 = [1n, 2n];
const in8 = [1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n];
out.poseidon2_per_s = await rate(() => poseidon(in2));
out.poseidon8_per_s = await rate(() => poseidon(in8));

for (const [k, v] of Object.entries(out)) process.stdout.write(`${k} ${v}\n`);
process.exit(0);
