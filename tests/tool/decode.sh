#!/usr/bin/env bash
# `nautilus decode`: prints a real python-zeroconf announcement dig-style from
# the raw file, from hex text (file and stdin) and as JSON; a malformed packet
# gives exit 2 and exactly one stderr line naming the status and offset.
set -euo pipefail
nautilus=$1
src=${NT_SOURCE_DIR:?}
corpus=$src/fuzz/corpus/msg
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
expect() { grep -qF -- "$2" "$1" || { cat "$1" >&2; fail "missing: $2"; }; }

pkt=$corpus/zeroconf_announce.bin
"$nautilus" decode "$pkt" > "$dir/raw.txt" 2> "$dir/err" || fail "raw exit $?"
[ ! -s "$dir/err" ] || fail "stderr on success: $(cat "$dir/err")"
expect "$dir/raw.txt" ';; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 0'
expect "$dir/raw.txt" ';; flags: qr aa; QUERY: 0, ANSWER: 3, AUTHORITY: 0, ADDITIONAL: 4'
expect "$dir/raw.txt" ';; ANSWER SECTION:'
expect "$dir/raw.txt" ';; ADDITIONAL SECTION:'
# The instance name has UTF-8, spaces and parentheses: \DDD and \X escapes.
inst='Caf\195\169\032Printer\032\(2\)._ipp._tcp.local.'
expect "$dir/raw.txt" "_ipp._tcp.local.	4500	IN	PTR	$inst"
expect "$dir/raw.txt" "$inst	120	IN	SRV	0 0 631 printer.local.	; cache-flush"
expect "$dir/raw.txt" "IN	TXT	\"txtvers=1\" \"rp=printers\" \"color\"	; cache-flush"
expect "$dir/raw.txt" 'printer.local.	120	IN	A	192.0.2.10	; cache-flush'
expect "$dir/raw.txt" 'printer.local.	120	IN	AAAA	fe80::1	; cache-flush'
expect "$dir/raw.txt" 'printer.local.	120	IN	NSEC	printer.local. A AAAA	; cache-flush	; lenient NSEC form'

# Hex text, wrapped over lines, from a file and from stdin: same output.
/usr/bin/python3 -c 'import sys,binascii; d=open(sys.argv[1],"rb").read().hex(); print("\n".join(d[i:i+60] for i in range(0,len(d),60)))' "$pkt" > "$dir/pkt.hex"
"$nautilus" decode "$dir/pkt.hex" > "$dir/hex.txt" || fail "hex file exit $?"
cmp -s "$dir/raw.txt" "$dir/hex.txt" || fail "hex file output differs from raw"
"$nautilus" decode - < "$dir/pkt.hex" > "$dir/stdin.txt" || fail "hex stdin exit $?"
cmp -s "$dir/raw.txt" "$dir/stdin.txt" || fail "stdin output differs from raw"

# JSON: one object that a JSON parser reads back with the same records.
"$nautilus" decode --json "$pkt" > "$dir/out.json" || fail "json exit $?"
[ "$(wc -l < "$dir/out.json")" -eq 1 ] || fail "json is not one line"
/usr/bin/python3 - "$dir/out.json" <<'PY' || fail "json content"
import json, sys
m = json.load(open(sys.argv[1]))
assert m["flags"] == ["qr", "aa"], m["flags"]
assert len(m["answer"]) == 3 and len(m["additional"]) == 4
srv = m["answer"][1]
assert srv["type"] == "SRV" and srv["cache_flush"] is True and srv["data"] == "0 0 631 printer.local.", srv
PY

# QU question and EDNS pseudosection.
"$nautilus" decode "$corpus/zeroconf_qu.bin" > "$dir/qu.txt" || fail "qu exit $?"
expect "$dir/qu.txt" ';host.local.		IN	A	; QU'
"$nautilus" decode "$corpus/dnspython_query_edns.bin" > "$dir/edns.txt" || fail "edns exit $?"
expect "$dir/edns.txt" '; EDNS: version: 0, flags: do; udp: 1440'
expect "$dir/edns.txt" ';host.local.		IN	ANY'

# DNSSEC types and an unknown type (RFC 4034 §2.2, §3.2, §4.2; RFC 3597 §5),
# from a message dnspython built.
"$nautilus" decode "$corpus/dnspython_dnssec.bin" > "$dir/sec.txt" || fail "dnssec exit $?"
expect "$dir/sec.txt" 'Svc._http._tcp.local.	120	IN	RRSIG	SRV 15 4 120 20300101000000 20200101000000 12345 h.local. AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw=='
expect "$dir/sec.txt" 'h.local.	120	IN	DNSKEY	256 3 15 l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4='
expect "$dir/sec.txt" 'Svc._http._tcp.local.	4500	IN	NSEC	Svc._http._tcp.local. TXT SRV RRSIG NSEC'
expect "$dir/sec.txt" 'h.local.	120	IN	TYPE65280	\# 3 abcdef'
expect "$dir/sec.txt" 'Svc._http._tcp.local.	4500	IN	TXT	"path=/" "v=1"'

# A per-record RDATA error does not fail the command.
"$nautilus" decode "$corpus/zeroconf_txt_overrun.bin" > "$dir/bad_txt.txt" || fail "per-record error exit $?"
expect "$dir/bad_txt.txt" '; malformed: '"$inst"' TXT rdlength 28 (NT_ERR_DNS_TXT_OVERRUN'
expect "$dir/bad_txt.txt" 'printer.local.	120	IN	A	192.0.2.10'

# Malformed messages: exit 2, one line on stderr with status and offset.
check_bad() { # file status offset
  set +e
  "$nautilus" decode "$1" > "$dir/out" 2> "$dir/err"
  local rc=$?
  set -e
  [ $rc -eq 2 ] || fail "$1: exit $rc, want 2"
  [ "$(wc -l < "$dir/err")" -eq 1 ] || fail "$1: stderr is not one line: $(cat "$dir/err")"
  grep -q "^nautilus: decode: $2 (.*) at offset $3\$" "$dir/err" || fail "$1: stderr '$(cat "$dir/err")'"
  [ ! -s "$dir/out" ] || fail "$1: printed something on stdout"
}
check_bad "$corpus/bad_ptr_mutual.bin" NT_ERR_DNS_PTR_LOOP 19
check_bad "$corpus/bad_ptr_self.bin" NT_ERR_DNS_PTR_SELF 12
check_bad "$corpus/bad_rdlength.bin" NT_ERR_DNS_RDLENGTH 21
check_bad "$corpus/bad_short_5.bin" NT_ERR_DNS_HEADER_SHORT 0
printf '0000 8400 0001 0000 0000 0000 c00c 0001 0001\n' > "$dir/self.hex"
check_bad "$dir/self.hex" NT_ERR_DNS_PTR_SELF 12

# Odd hex, a missing file, an unknown option: exit 2 with one line.
printf 'abc' > "$dir/odd.hex"
set +e
"$nautilus" decode "$dir/odd.hex" > /dev/null 2> "$dir/err"; rc=$?
[ $rc -eq 2 ] && [ "$(wc -l < "$dir/err")" -eq 1 ] || fail "odd hex: exit $rc"
"$nautilus" decode "$dir/missing" > /dev/null 2> "$dir/err"; rc=$?
[ $rc -eq 2 ] && [ "$(wc -l < "$dir/err")" -eq 1 ] || fail "missing file: exit $rc"
"$nautilus" decode --bogus "$pkt" > /dev/null 2> "$dir/err"; rc=$?
[ $rc -eq 2 ] && [ "$(wc -l < "$dir/err")" -eq 1 ] || fail "bad option: exit $rc"
set -e
"$nautilus" decode --help | grep -q '^usage: nautilus decode' || fail "--help"
echo "decode: ok"
