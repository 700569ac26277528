#!/usr/bin/env bash
# Poseidon against circomlibjs on fresh random inputs of every arity 1..16
# (seed printed; NT_ZK_SEED repeats a run), and the committed constants file
# against a fresh generation from the pinned circomlibjs.
#   poseidon_fresh.sh TEST_POSEIDON SOURCE_DIR
set -euo pipefail
test_poseidon=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

seed=${NT_ZK_SEED:-$(( $(date +%s%N) % 4294967296 ))}
echo "poseidon_fresh: seed $seed (set NT_ZK_SEED to repeat)"
node "$src/proofs/scripts/poseidon_vectors.mjs" "$seed" 8 > "$tmp/vectors.json"
NT_SOURCE_DIR="$src" NT_POSEIDON_VECTORS="$tmp/vectors.json" "$test_poseidon"

node "$src/proofs/scripts/gen_poseidon_constants.mjs" > "$tmp/poseidon_constants.c"
if ! cmp -s "$tmp/poseidon_constants.c" "$src/zk/poseidon_constants.c"; then
    echo "poseidon_fresh: zk/poseidon_constants.c differs from a fresh generation" >&2
    exit 1
fi
echo "poseidon_fresh: zk/poseidon_constants.c matches circomlibjs"
