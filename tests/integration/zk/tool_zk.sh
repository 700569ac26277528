#!/usr/bin/env bash
# `nautilus zk` exit codes and output on the committed snarkjs fixtures
# (tests/vectors/zk/; label tool: no node needed).
#   tool_zk.sh NAUTILUS SOURCE_DIR
set -uo pipefail
nautilus=$1
src=$2
vec="$src/tests/vectors/zk"
tamper="$src/tests/integration/zk/tamper.py"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0

fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

# expect CODE STDOUT-REGEX STDERR-REGEX -- ARGS...: runs nautilus, checks the
# exit code, stdout, and that stderr is empty (CODE 0) or exactly one line.
expect() {
    local want=$1 out_re=$2 err_re=$3 rc out err lines
    shift 4
    out=$("$nautilus" "$@" 2>"$tmp/err"); rc=$?
    err=$(cat "$tmp/err")
    lines=$(grep -c '' "$tmp/err")
    if [ "$rc" -ne "$want" ]; then fail "nautilus $*: exit $rc, want $want (stderr: $err)"; return; fi
    if ! [[ "$out" =~ $out_re ]]; then fail "nautilus $*: stdout '$out' !~ /$out_re/"; fi
    if [ "$want" -eq 0 ]; then
        [ -z "$err" ] || fail "nautilus $*: unexpected stderr '$err'"
    else
        [ "$lines" -eq 1 ] || fail "nautilus $*: $lines stderr lines, want 1: '$err'"
        [[ "$err" =~ $err_re ]] || fail "nautilus $*: stderr '$err' !~ /$err_re/"
    fi
    echo "ok: exit $rc: nautilus ${*##*/}"
}

V="$vec/verification_key.json"
# Valid proofs.
expect 0 '^valid$' '' -- zk verify "$V" "$vec/proof_1.json" "$vec/public_1.json"
expect 0 '^valid$' '' -- zk verify "$V" "$vec/proof_2.json" "$vec/public_2.json"
expect 0 '^valid$' '' -- zk verify "$vec/verification_key_alt.json" "$vec/proof_alt.json" "$vec/public_alt.json"
expect 0 '^$' '' -- zk verify --quiet "$V" "$vec/proof_1.json" "$vec/public_1.json"
# Proofs that fail: another key's proof, another proof's signals.
expect 1 '^invalid$' 'proof_alt.json: invalid proof' -- zk verify "$V" "$vec/proof_alt.json" "$vec/public_alt.json"
expect 1 '^invalid$' 'proof_1.json: invalid proof' -- zk verify "$V" "$vec/proof_1.json" "$vec/public_2.json"

# Statement checks: keyBinding against the DNSKEY digest (a proof lifted to
# another device), the issued commitment, and the JSON report.
d1=$(sed -n 's/.*"keyDigest": "\([0-9a-f]*\)".*/\1/p' "$vec/credential_1.json")
d2=$(sed -n 's/.*"keyDigest": "\([0-9a-f]*\)".*/\1/p' "$vec/credential_2.json")
c1=$(sed -n 's/.*"commitment": "\([0-9]*\)".*/\1/p' "$vec/input_1.json")
expect 0 '^valid$' '' -- zk verify --key-digest "$d1" --commitment "$c1" "$V" "$vec/proof_1.json" "$vec/public_1.json"
expect 1 '^invalid$' 'public_1.json: the proof is bound to another key' -- zk verify --key-digest "$d2" "$V" "$vec/proof_1.json" "$vec/public_1.json"
expect 1 '^\{"valid":false\}$' 'public_1.json: the proof is about another commitment' -- zk verify --json --commitment 12345 "$V" "$vec/proof_1.json" "$vec/public_1.json"
expect 0 '^\{"valid":true,"disclosed":\{"0":"1990","3":"0","4":"42"\},"claim":\{"idx":1,"atLeast":"250"\},"commitment":"'"$c1"'","keyBinding":"[0-9]+"\}$' '' -- zk verify --json "$V" "$vec/proof_1.json" "$vec/public_1.json"
expect 2 '^$' "unknown option '--bogus'" -- zk verify --bogus "$V" "$vec/proof_1.json" "$vec/public_1.json"
expect 2 '^$' 'key-digest: want 64 hex digits' -- zk verify --key-digest 12 "$V" "$vec/proof_1.json" "$vec/public_1.json"

# Tampered copies: "invalid" -> exit 1, "malformed" -> exit 2, naming the file.
for kind in signal neg_a swap_b b_twist signal_plus_r count a_x_eq_p leading_zero delta_gamma not_json vk_beta_g2 vk_alphabeta; do
    d="$tmp/$kind"
    verdict=$(/usr/bin/python3 "$tamper" "$kind" "$V" "$vec/proof_1.json" "$vec/public_1.json" "$d") ||
        { fail "tamper $kind"; continue; }
    case "$kind:$verdict" in
        signal:invalid|neg_a:invalid) expect 1 '^invalid$' 'proof.json: invalid proof: the pairing check fails' -- zk verify "$d/verification_key.json" "$d/proof.json" "$d/public.json" ;;
        swap_b:invalid) expect 1 '^invalid$' 'proof.json: invalid proof: .*NT_ERR_ZK_NOT_ON_TWIST' -- zk verify "$d/verification_key.json" "$d/proof.json" "$d/public.json" ;;
        b_twist:invalid) expect 1 '^invalid$' 'proof.json: invalid proof: .*NT_ERR_ZK_NOT_IN_SUBGROUP' -- zk verify "$d/verification_key.json" "$d/proof.json" "$d/public.json" ;;
        signal_plus_r:malformed) expect 2 '^$' 'public.json: .*NT_ERR_ZK_INPUT_RANGE' -- zk verify "$d/verification_key.json" "$d/proof.json" "$d/public.json" ;;
        count:malformed) expect 2 '^$' 'public.json: 19 public signals, the key expects 20' -- zk verify "$d/verification_key.json" "$d/proof.json" "$d/public.json" ;;
        a_x_eq_p:malformed) expect 2 '^$' 'proof.json: malformed proof: .*NT_ERR_ZK_COORD_RANGE' -- zk verify "$d/verification_key.json" "$d/proof.json" "$d/public.json" ;;
        leading_zero:malformed) expect 2 '^$' 'public.json: malformed public signals: .*NT_ERR_ZK_ENCODING' -- zk verify "$d/verification_key.json" "$d/proof.json" "$d/public.json" ;;
        delta_gamma:malformed) expect 2 '^$' 'verification_key.json: unusable verification key: .*NT_ERR_ZK_VK_DEGENERATE' -- zk verify "$d/verification_key.json" "$d/proof.json" "$d/public.json" ;;
        vk_beta_g2:malformed) expect 2 '^$' 'proof.json: .*NT_ERR_ZK_NOT_IN_SUBGROUP' -- zk verify "$d/verification_key.json" "$d/proof.json" "$d/public.json" ;;
        vk_alphabeta:valid) expect 0 '^valid$' '' -- zk verify "$d/verification_key.json" "$d/proof.json" "$d/public.json" ;;
        not_json:malformed) expect 2 '^$' 'proof.json: malformed proof: .*NT_ERR_JSON' -- zk verify "$d/verification_key.json" "$d/proof.json" "$d/public.json" ;;
        *) fail "tamper $kind gave verdict $verdict" ;;
    esac
done
expect 2 '^$' 'no-such.json: cannot read' -- zk verify "$V" "$tmp/no-such.json" "$vec/public_1.json"
expect 2 '^$' 'want VK.json PROOF.json PUBLIC.json' -- zk verify "$V" "$vec/proof_1.json"
expect 2 '^$' "unknown subcommand 'frobnicate'" -- zk frobnicate
expect 0 'usage: nautilus zk verify' '' -- zk verify --help

# commit reproduces circomlibjs's values stored in input_N.json.
for n in 1 2; do
    c=$(sed -n 's/.*"commitment": "\([0-9]*\)".*/\1/p' "$vec/input_$n.json")
    k=$(sed -n 's/.*"keyBinding": "\([0-9]*\)".*/\1/p' "$vec/input_$n.json")
    [ -n "$c" ] && [ -n "$k" ] || fail "input_$n.json has no commitment/keyBinding"
    expect 0 "^commitment $c
keyBinding $k\$" '' -- zk commit --credential "$vec/credential_$n.json"
    expect 0 "^\\{\"commitment\":\"$c\",\"keyBinding\":\"$k\"\\}\$" '' -- zk commit --credential "$vec/credential_$n.json" --json
done
expect 0 '^commitment [0-9]+' '' -- zk commit --attrs 1,2,3,4,5,6,7,8 --salt 99 --key-digest "$(printf '%064d' 7)"
expect 2 '^$' 'key-digest: want 64 hex digits' -- zk commit --attrs 1,2,3,4,5,6,7,8 --salt 99 --key-digest abcd
expect 2 '^$' 'attrs: want 8 values, got 2' -- zk commit --attrs 1,2 --salt 99 --key-digest "$(printf '%064d' 7)"
expect 2 '^$' 'attribute is >= 2\^64' -- zk commit --attrs 1,2,3,4,5,6,7,18446744073709551616 --salt 9 --key-digest "$(printf '%064d' 7)"
expect 2 '^$' 'salt is not below the field order' -- zk commit --attrs 1,2,3,4,5,6,7,8 --key-digest "$(printf '%064d' 7)" \
    --salt 21888242871839275222246405745257275088548364400416034343698204186575808495617
expect 2 '^$' 'need attributes, salt and key digest' -- zk commit --salt 1

# prove: argument and credential checks happen before any node process.
sed 's/"threshold": "250"/"threshold": "277"/' "$vec/credential_1.json" > "$tmp/high.json"
expect 1 '^$' 'below the threshold; no proof exists' -- zk prove "$tmp/high.json" -o "$tmp/p"
echo '{"attributes": [1]}' > "$tmp/short.json"
expect 2 '^$' 'short.json: "attributes" must be an array of 8 values' -- zk prove "$tmp/short.json"
expect 2 '^$' 'want CREDENTIAL.json' -- zk prove
expect 2 '^$' 'setup: want main or alt' -- zk prove "$vec/credential_1.json" --setup other

if [ "$fails" -ne 0 ]; then
    echo "tool_zk: $fails failure(s)" >&2
    exit 1
fi
echo "tool_zk: all passed"
