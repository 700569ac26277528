// Random Poseidon test vectors from circomlibjs, for arities 1..16.
//
//   node proofs/scripts/poseidon_vectors.mjs [SEED] [PER_ARITY]
//
// SEED (decimal, default: time-based) drives a splitmix64 generator, so the
// same seed always gives the same vectors; the seed is printed to stderr and
// stored in the output. Inputs mix small values, values near r and uniform
// field elements. Output JSON: { seed, source, vectors: [{inputs:[dec], out: dec}] }.
import { buildPoseidon } from "circomlibjs";
import { readFileSync } from "fs";

const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
const M64 = (1n << 64n) - 1n;

const seed = BigInt(process.argv[2] ?? Date.now());
const perArity = Number(process.argv[3] ?? 3);
process.stderr.write(`poseidon_vectors: seed ${seed}\n`);

let s = seed & M64;
function next64() {
    s = (s + 0x9e3779b97f4a7c15n) & M64;
    let z = s;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & M64;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & M64;
    return z ^ (z >> 31n);
}
function randFr() {
    const kind = next64() % 4n;
    if (kind === 0n) return next64() % 1000n;          // small
    if (kind === 1n) return R - 1n - (next64() % 16n); // near r
    let v = 0n;
    for (let i = 0; i < 4; i++) v = (v << 64n) | next64();
    return v % R;                                      // uniform-ish
}

const pkg = new URL("../../node_modules/circomlibjs/package.json", import.meta.url);
const version = JSON.parse(readFileSync(pkg, "utf8")).version;
const poseidon = await buildPoseidon();
const vectors = [];
for (let n = 1; n <= 16; n++) {
    for (let k = 0; k < perArity; k++) {
        const inputs = Array.from({ length: n }, randFr);
        const out = poseidon.F.toObject(poseidon(inputs));
        vectors.push({ inputs: inputs.map(String), out: out.toString() });
    }
}
process.stdout.write(JSON.stringify({ seed: seed.toString(), source: `circomlibjs ${version} buildPoseidon`, vectors }, null, 1) + "\n");
