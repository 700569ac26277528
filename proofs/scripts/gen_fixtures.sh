#!/usr/bin/env bash
# Regenerates the committed snarkjs fixtures in tests/vectors/zk/ so unit and
# tool tests need no node at run time.
#
#   bash proofs/scripts/gen_fixtures.sh
#
# Writes, from credential_1.json and credential_2.json:
#   verification_key.json            the dev "main" key
#   input_N.json proof_N.json public_N.json   proofs under the main key
#   verification_key_alt.json        an independent setup ("alt")
#   proof_alt.json public_alt.json   credential 1 proved under the alt key
# and checks every proof with snarkjs before keeping it.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

vec="$NT_ROOT/tests/vectors/zk"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

main=$(bash "$NT_ROOT/proofs/scripts/setup.sh" main)
alt=$(bash "$NT_ROOT/proofs/scripts/setup.sh" alt)
cp "$main/verification_key.json" "$vec/verification_key.json"
cp "$alt/verification_key.json" "$vec/verification_key_alt.json"

for n in 1 2; do
    "$NT_NODE" "$NT_ROOT/proofs/scripts/credential.mjs" "$vec/credential_$n.json" > "$vec/input_$n.json"
    bash "$NT_ROOT/proofs/scripts/prove.sh" "$vec/input_$n.json" "$tmp/$n" main
    cp "$tmp/$n/proof.json" "$vec/proof_$n.json"
    cp "$tmp/$n/public.json" "$vec/public_$n.json"
    snarkjs groth16 verify "$vec/verification_key.json" "$vec/public_$n.json" "$vec/proof_$n.json" >/dev/null
done
bash "$NT_ROOT/proofs/scripts/prove.sh" "$vec/input_1.json" "$tmp/alt" alt
cp "$tmp/alt/proof.json" "$vec/proof_alt.json"
cp "$tmp/alt/public.json" "$vec/public_alt.json"
snarkjs groth16 verify "$vec/verification_key_alt.json" "$vec/public_alt.json" "$vec/proof_alt.json" >/dev/null
if snarkjs groth16 verify "$vec/verification_key.json" "$vec/public_alt.json" "$vec/proof_alt.json" >/dev/null 2>&1; then
    echo "gen_fixtures: alt proof verifies under the main key?" >&2
    exit 1
fi
"$NT_NODE" "$NT_ROOT/proofs/scripts/poseidon_vectors.mjs" 20261130 4 > "$vec/poseidon_vectors.json"
echo "gen_fixtures: wrote $vec" >&2
