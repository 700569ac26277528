#!/usr/bin/env bash
# `nautilus keygen`: creates keys 0600, never overwrites without --force,
# prints no secret, and its key digest equals the DS digest (type 2) that
# dnspython computes from the printed DNSKEY record (an independent check of
# DESIGN §3's identity).
set -euo pipefail
nautilus=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$nautilus" keygen --state "$dir/s" --host Printer --json > "$dir/out.json" || fail "keygen exit $?"
for f in ed25519.key secp256k1.key; do
  [ "$(stat -c %a "$dir/s/$f")" = 600 ] || fail "$f mode $(stat -c %a "$dir/s/$f")"
done
[ "$(stat -c %a "$dir/s")" = 700 ] || fail "state dir mode"

# No secret in the output.
for f in ed25519.key secp256k1.key; do
  secret=$(sed -n 's/^secret //p' "$dir/s/$f")
  [ ${#secret} -eq 64 ] || fail "no secret line in $f"
  ! grep -qi "$secret" "$dir/out.json" || fail "secret of $f printed"
done

# Never overwritten without --force: exit 2, one line on stderr, keys intact.
before=$(sha256sum "$dir/s/ed25519.key")
set +e
"$nautilus" keygen --state "$dir/s" > /dev/null 2> "$dir/err"
rc=$?
set -e
[ $rc -eq 2 ] || fail "second keygen exit $rc, want 2"
[ "$(wc -l < "$dir/err")" -eq 1 ] || fail "stderr not one line: $(cat "$dir/err")"
[ "$before" = "$(sha256sum "$dir/s/ed25519.key")" ] || fail "key overwritten without --force"
"$nautilus" keygen --state "$dir/s" --host printer.local --force --json > "$dir/out2.json"
[ "$before" != "$(sha256sum "$dir/s/ed25519.key")" ] || fail "--force did not replace the key"

# Bad usage.
set +e
"$nautilus" keygen --bogus > /dev/null 2>&1; rc=$?
set -e
[ $rc -eq 2 ] || fail "unknown option exit $rc"

/usr/bin/python3 - "$dir/out.json" "$dir/out2.json" "$dir/s/secp256k1.key" <<'PY'
import json, sys
import dns.dnssec, dns.name, dns.rdata, dns.rdataclass, dns.rdatatype
for path in sys.argv[1:3]:
    o = json.load(open(path))
    owner, ttl, cls, typ, rdata = o["dnskey"].split(" ", 4)
    assert owner == "printer.local.", owner
    assert (cls, typ) == ("IN", "DNSKEY")
    key = dns.rdata.from_text(dns.rdataclass.IN, dns.rdatatype.DNSKEY, rdata)
    assert key.flags == 256 and key.protocol == 3 and key.algorithm == 15
    ds = dns.dnssec.make_ds(dns.name.from_text(owner), key, "SHA256")
    assert ds.digest.hex() == o["key_digest"], (ds.digest.hex(), o["key_digest"])
    assert dns.dnssec.key_id(key) == o["key_tag"]
    assert o["address"].startswith("0x") and len(o["address"]) == 42
# The address printed matches the one recorded in the (second) key file.
o = json.load(open(sys.argv[2]))
rec = [l.split()[1] for l in open(sys.argv[3]) if l.startswith("address ")][0]
assert o["address"].lower() == "0x" + rec, (o["address"], rec)
print("keygen: DNSKEY digest and key tag agree with dnspython")
PY
