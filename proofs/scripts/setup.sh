#!/usr/bin/env bash
# Development trusted setup for the selective-disclosure circuit, cached.
#
#   bash proofs/scripts/setup.sh [KEY]     KEY = main (default) or alt
#
# Prints the directory holding circuit.wasm, circuit.zkey,
# verification_key.json and verifier.sol for that key. The setup lives in
# ${NT_CACHE_DIR:-$HOME/.cache/nautilus}/proofs/<hash>/<KEY>/, where <hash>
# covers the circuit source and the tool versions, so it is built once.
#
# "alt" is an independent setup (its own powers of tau, its own phase 2) used
# by tests as "a proof from another key". NEVER use either key in production:
# a one-party dev setup knows its toxic waste (see proofs/README.md).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

key=${1:-main}
case "$key" in main|alt) ;; *) echo "setup.sh: unknown key '$key' (main|alt)" >&2; exit 2 ;; esac

hash=$(nt_setup_key)
base="$NT_CACHE_ROOT/$hash"
out="$base/$key"
mkdir -p "$base"

# Concurrent test runs share the cache: one builds, the others wait.
exec 9>"$base/.lock"
flock 9

if [ ! -f "$out/verification_key.json" ]; then
    work=$(mktemp -d "$base/.work.XXXXXX")
    trap 'rm -rf "$work"' EXIT
    echo "proofs: building $key setup in $out (one-time, about a minute)" >&2

    # --O2 folds every linear constraint away: fewer constraints, smaller ptau.
    # circom2 (WASI) resolves the circuit and -l only below its working
    # directory, so compile from the repository root with relative paths.
    (cd "$NT_ROOT" && "$NT_CIRCOM" "${NT_CIRCUIT#"$NT_ROOT"/}" --O2 --r1cs --wasm \
        -l node_modules/circomlib/circuits -o "$work" >/dev/null)

    # Smallest power of tau that fits, the way snarkjs checks it:
    # nConstraints + nPubInputs + nOutputs + 1 <= 2^power.
    info=$(snarkjs r1cs info "$work/$NT_CIRCUIT_NAME.r1cs" 2>&1)
    num() { echo "$info" | sed -n "s/.*# of $1: \([0-9]*\).*/\1/p"; }
    need=$(( $(num Constraints) + $(num 'Public Inputs') + $(num Outputs) + 1 ))
    power=1
    while [ $(( 1 << power )) -lt "$need" ]; do power=$((power + 1)); done
    [ "$power" -ge 8 ] || power=8

    ent() { head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
    snarkjs powersoftau new bn128 "$power" "$work/pot0.ptau" >/dev/null
    snarkjs powersoftau contribute "$work/pot0.ptau" "$work/pot1.ptau" \
        --name="nautilus dev $key" -e="$(ent)" >/dev/null
    snarkjs powersoftau prepare phase2 "$work/pot1.ptau" "$work/pot.ptau" >/dev/null
    snarkjs groth16 setup "$work/$NT_CIRCUIT_NAME.r1cs" "$work/pot.ptau" "$work/c0.zkey" >/dev/null
    # A phase-2 contribution randomises delta; without it delta == gamma ==
    # the G2 generator and our verifier (rightly) refuses the key.
    snarkjs zkey contribute "$work/c0.zkey" "$work/circuit.zkey" \
        --name="nautilus dev $key phase 2" -e="$(ent)" >/dev/null
    snarkjs zkey export verificationkey "$work/circuit.zkey" "$work/verification_key.json" >/dev/null
    snarkjs zkey export solidityverifier "$work/circuit.zkey" "$work/verifier.sol" >/dev/null

    mkdir -p "$out.new"
    cp "$work/${NT_CIRCUIT_NAME}_js/$NT_CIRCUIT_NAME.wasm" "$out.new/circuit.wasm"
    cp "$work/$NT_CIRCUIT_NAME.r1cs" "$out.new/circuit.r1cs"
    cp "$work/circuit.zkey" "$work/verification_key.json" "$work/verifier.sol" "$out.new/"
    echo "$power" > "$out.new/power"
    rm -rf "$out"
    mv "$out.new" "$out"
fi
echo "$out"
