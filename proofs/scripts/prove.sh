#!/usr/bin/env bash
# Makes a Groth16 proof for the selective-disclosure circuit.
#
#   bash proofs/scripts/prove.sh INPUT.json OUTDIR [KEY]
#
# INPUT.json is the circuit input (credential.mjs writes one from a
# credential). Writes OUTDIR/proof.json and OUTDIR/public.json using the cached
# dev setup KEY (main by default; built on first use by setup.sh).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
    echo "usage: prove.sh INPUT.json OUTDIR [main|alt]" >&2
    exit 2
fi
input=$1 outdir=$2 key=${3:-main}
setup=$(bash "$NT_ROOT/proofs/scripts/setup.sh" "$key")
mkdir -p "$outdir"
# fullprove = witness calculation (circuit.wasm) + groth16 prove (circuit.zkey).
snarkjs groth16 fullprove "$input" "$setup/circuit.wasm" "$setup/circuit.zkey" \
    "$outdir/proof.json" "$outdir/public.json" >/dev/null
