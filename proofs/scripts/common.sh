# Shared settings for the proofs/ scripts; sourced, not run.
# Everything runs the npm tools pinned in the repository's package-lock.json.
set -euo pipefail

NT_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
NT_NODE=${NT_NODE:-node}
NT_MODULES="$NT_ROOT/node_modules"
NT_SNARKJS="$NT_MODULES/snarkjs/build/cli.cjs"
NT_CIRCOM="$NT_MODULES/.bin/circom2"
NT_CIRCUIT="$NT_ROOT/proofs/circuits/disclosure.circom"
NT_CIRCUIT_NAME=disclosure

for f in "$NT_SNARKJS" "$NT_CIRCOM"; do
    if [ ! -e "$f" ]; then
        echo "proofs: $f is missing; run 'bash scripts/deps.sh' (npm ci) first" >&2
        exit 2
    fi
done

snarkjs() { "$NT_NODE" "$NT_SNARKJS" "$@"; }

# The cache key: the circuit source, the circomlib templates it includes, the
# exact tool versions and this setup recipe. Any change gives a fresh setup.
nt_setup_key() {
    {
        cat "$NT_CIRCUIT"
        cat "$NT_MODULES/circomlib/circuits/poseidon.circom" \
            "$NT_MODULES/circomlib/circuits/poseidon_constants.circom" \
            "$NT_MODULES/circomlib/circuits/comparators.circom" \
            "$NT_MODULES/circomlib/circuits/bitify.circom"
        grep -h '"version"' "$NT_MODULES/snarkjs/package.json" \
            "$NT_MODULES/circom2/package.json" "$NT_MODULES/circomlib/package.json"
        cat "$NT_ROOT/proofs/scripts/setup.sh"
    } | sha256sum | cut -c1-16
}

NT_CACHE_ROOT="${NT_CACHE_DIR:-${HOME:-/tmp}/.cache/nautilus}/proofs"
