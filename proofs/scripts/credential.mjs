// Turns a credential file into the circuit's input JSON, computing keyBinding
// and the commitment with circomlibjs (the reference the C code must match).
//
//   node proofs/scripts/credential.mjs CREDENTIAL.json > input.json
//
// Credential format (proofs/README.md):
//   { "attributes": [8 decimal strings < 2^64], "salt": "<decimal < r>",
//     "keyDigest": "<64 hex digits>", "mask": [8 x 0|1], "idx": 0..7,
//     "threshold": "<decimal < 2^64>" }
import { readFileSync } from "fs";
import { buildPoseidon } from "circomlibjs";

const N = 8;
const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

function fail(msg) {
    process.stderr.write(`credential.mjs: ${msg}\n`);
    process.exit(2);
}

export async function credentialToInput(cred) {
    const poseidon = await buildPoseidon();
    const F = poseidon.F;
    const h = (xs) => F.toObject(poseidon(xs));

    if (!Array.isArray(cred.attributes) || cred.attributes.length !== N) fail(`attributes: want ${N}`);
    if (!Array.isArray(cred.mask) || cred.mask.length !== N) fail(`mask: want ${N}`);
    const attr = cred.attributes.map((a) => BigInt(a));
    for (const a of attr) if (a < 0n || a >= 1n << 64n) fail("attribute out of 64-bit range");
    const salt = BigInt(cred.salt);
    if (salt < 0n || salt >= R) fail("salt out of range");
    if (!/^[0-9a-fA-F]{64}$/.test(cred.keyDigest)) fail("keyDigest: want 64 hex digits");

    // keyBinding = Poseidon(hi, lo): the 32-byte digest split into two
    // 128-bit big-endian halves, so all 256 bits count and each half is < r.
    const hi = BigInt("0x" + cred.keyDigest.slice(0, 32));
    const lo = BigInt("0x" + cred.keyDigest.slice(32));
    const keyBinding = h([hi, lo]);
    const commitment = h([h(attr), salt, keyBinding]);

    return {
        attr: attr.map(String),
        salt: salt.toString(),
        commitment: commitment.toString(),
        keyBinding: keyBinding.toString(),
        mask: cred.mask.map((m) => String(m)),
        idx: String(cred.idx),
        threshold: BigInt(cred.threshold).toString(),
    };
}

if (process.argv[1] && process.argv[1].endsWith("credential.mjs")) {
    if (process.argv.length !== 3) fail("usage: credential.mjs CREDENTIAL.json");
    const cred = JSON.parse(readFileSync(process.argv[2], "utf8"));
    const input = await credentialToInput(cred);
    process.stdout.write(JSON.stringify(input, null, 1) + "\n");
    process.exit(0);
}
