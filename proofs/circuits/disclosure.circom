pragma circom 2.1.0;

/*
 * Selective disclosure of attributes bound to one agent's key (DESIGN §5).
 *
 * The holder knows attributes attr[0..N) (each < 2^BITS) and a salt such that
 *
 *     commitment = Poseidon(Poseidon(attr[0..N)), salt, keyBinding)
 *
 * where commitment was issued on chain and keyBinding is derived from the
 * agent's DNSKEY digest outside the circuit (proofs/README.md):
 *
 *     keyBinding = Poseidon(hi, lo), hi/lo = the digest's first/last 16 bytes
 *                                            read as big-endian integers.
 *
 * Both are public inputs, so a verifier that recomputes keyBinding from the
 * DNSKEY it saw rejects a proof lifted from another device.
 *
 * Public outputs: disclosed[i] = mask[i] ? attr[i] : 0.
 * Public claim:   attr[idx] >= threshold, without revealing attr[idx].
 *
 * Public signal order in public.json (snarkjs: outputs, then public inputs in
 * declaration order): disclosed[0..N), commitment, keyBinding, mask[0..N),
 * idx, threshold.
 */

include "poseidon.circom";
include "comparators.circom";
include "bitify.circom";

template SelectiveDisclosure(N, BITS) {
    // Private witness.
    signal input attr[N];
    signal input salt;

    // Public inputs.
    signal input commitment;
    signal input keyBinding;
    signal input mask[N];
    signal input idx;
    signal input threshold;

    // Public outputs.
    signal output disclosed[N];

    // Every attribute is range-checked to BITS bits: the comparator below is
    // only sound for operands below 2^BITS, and a field element that wraps
    // around would otherwise "exceed" any threshold.
    component attrBits[N];
    for (var i = 0; i < N; i++) {
        attrBits[i] = Num2Bits(BITS);
        attrBits[i].in <== attr[i];
    }
    component tBits = Num2Bits(BITS);
    tBits.in <== threshold;

    // Disclosure mask: each bit boolean, then disclosed = mask * attr.
    for (var i = 0; i < N; i++) {
        mask[i] * (mask[i] - 1) === 0;
        disclosed[i] <== mask[i] * attr[i];
    }

    // Commitment opening.
    component inner = Poseidon(N);
    for (var i = 0; i < N; i++) {
        inner.inputs[i] <== attr[i];
    }
    component outer = Poseidon(3);
    outer.inputs[0] <== inner.out;
    outer.inputs[1] <== salt;
    outer.inputs[2] <== keyBinding;
    outer.out === commitment;

    // Select attr[idx] with a one-hot vector; exactly one position must match,
    // which also forces idx into [0, N).
    component eq[N];
    signal partial[N + 1];
    var hits = 0;
    partial[0] <== 0;
    for (var i = 0; i < N; i++) {
        eq[i] = IsEqual();
        eq[i].in[0] <== idx;
        eq[i].in[1] <== i;
        hits += eq[i].out;
        partial[i + 1] <== partial[i] + eq[i].out * attr[i];
    }
    hits === 1;

    // attr[idx] >= threshold over BITS-bit operands.
    component ge = GreaterEqThan(BITS);
    ge.in[0] <== partial[N];
    ge.in[1] <== threshold;
    ge.out === 1;
}

component main {public [commitment, keyBinding, mask, idx, threshold]} = SelectiveDisclosure(8, 64);
