#!/bin/bash
# Regenerates tests/unit/trust_mdns/fixtures/: a selective-disclosure proof
# bound to the fixed test key of test_trust_mdns.c (Ed25519 seed 32 x 0x03,
# host pub.local), made with `nautilus zk prove` under the cached dev setup,
# plus that setup's verification key (setups differ between machines, so
# the key is committed with the proof). The shared vectors in
# tests/vectors/zk/ are bound to digests of keys nobody holds, so they cannot
# ride on a signed LAN.
#   bash tests/unit/trust_mdns/gen_fixture.sh path/to/nautilus
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
nautilus=${1:?usage: gen_fixture.sh path/to/nautilus}
out=$here/fixtures
mkdir -p "$out"
# DNSKEY digest (DESIGN §3): SHA-256 of owner name + DNSKEY RDATA
# (flags 256, protocol 3, algorithm 15, public key), computed independently.
digest=$(/usr/bin/python3 - <<'PY'
import hashlib
import dns.name
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
pk = Ed25519PrivateKey.from_private_bytes(bytes([3] * 32)).public_key().public_bytes(
    serialization.Encoding.Raw, serialization.PublicFormat.Raw)
owner = dns.name.from_text("pub.local").canonicalize().to_wire()
print(hashlib.sha256(owner + bytes([1, 0, 3, 15]) + pk).hexdigest())
PY
)
cat > "$out/credential.json" <<JSON
{ "attributes": ["1990", "276", "5", "0", "42", "7", "123456789", "31337"],
  "salt": "424242424242424242424242",
  "keyDigest": "$digest",
  "mask": [1, 0, 0, 0, 1, 0, 0, 0],
  "idx": 1,
  "threshold": "250" }
JSON
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$nautilus" zk prove "$out/credential.json" -o "$tmp" --proofs "$here/../../../proofs" >"$tmp/log"
cp "$tmp/proof.json" "$tmp/public.json" "$out/"
cp "$(sed -n 's/^verification_key //p' "$tmp/log")" "$out/verification_key.json"
echo "fixtures for key digest $digest in $out"
