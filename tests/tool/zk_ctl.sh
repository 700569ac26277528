#!/bin/bash
# The command's side of `zk verify` through the agent (DESIGN §8.3), without
# root or network, against a stand-in agent (a UNIX socket served by this
# script's Python, which records each request and sends back the reply it
# is given): the request carries the files' texts and names and the
# options; the reply's stdout, stderr line and exit code are what the
# command prints and returns; a refusal ({"ok":false}) and --no-agent
# verify in-process; an unreadable file is reported before any request.
#   zk_ctl.sh NAUTILUS SOURCE_DIR
set -u
N=$1
V=$2/tests/vectors/zk
D=$(mktemp -d)
SERVER_PID=
trap '[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; rm -rf "$D"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
FILES=("$V/verification_key.json" "$V/proof_1.json" "$V/public_1.json")

. "$(dirname "$0")/standin_agent.sh"  # serve REPLY...

serve '{"ok":true,"exit":1,"stdout":"invalid\n","stderr":"zk verify: P: invalid proof: the pairing check fails"}' \
      '{"ok":false,"error":"zk_verify: too many verifications","status":"NT_ERR_CTL_RATE"}'
out=$("$N" zk verify --json --key-digest "$(printf 'ab%.0s' $(seq 32))" --commitment 42 \
      --control "$D/ctl" "${FILES[@]}" 2>"$D/err"); rc=$?
[ "$rc" = 1 ] || fail "the agent's exit 1: got $rc"
[ "$out" = invalid ] || fail "the agent's stdout: '$out'"
[ "$(cat "$D/err")" = "nautilus: zk verify: P: invalid proof: the pairing check fails" ] \
  || fail "the agent's stderr line: '$(cat "$D/err")'"
/usr/bin/python3 - "$D/requests" "${FILES[@]}" <<'PY' || fail "the request"
import json, sys
r = json.loads(open(sys.argv[1]).readline())
want = [open(p).read() for p in sys.argv[2:5]]
assert r["op"] == "zk_verify", r["op"]
assert [r["vk"], r["proof"], r["public"]] == want, "texts"
assert r["names"] == sys.argv[2:5], r["names"]
assert r["json"] is True and r["quiet"] is False
assert r["key_digest"] == "ab" * 32 and r["commitment"] == "42", r
PY
# A refusal: the command verifies in-process.
out=$("$N" zk verify --control "$D/ctl" "${FILES[@]}" 2>"$D/err"); rc=$?
[ "$rc" = 0 ] && [ "$out" = valid ] && [ ! -s "$D/err" ] \
  || fail "after a refusal, in-process: exit $rc, '$out', '$(cat "$D/err")'"
[ "$(grep -c zk_verify "$D/requests")" = 2 ] || fail "two requests reached the stand-in"
wait "$SERVER_PID"; SERVER_PID=

# --no-agent and an unreadable file never reach the socket.
serve '{"ok":true,"exit":0,"stdout":"from the agent\n","stderr":""}'
out=$(NAUTILUS_CONTROL="$D/ctl" "$N" zk verify --no-agent "${FILES[@]}"); rc=$?
[ "$rc" = 0 ] && [ "$out" = valid ] || fail "--no-agent: exit $rc, '$out'"
err=$(NAUTILUS_CONTROL="$D/ctl" "$N" zk verify "$V/verification_key.json" "$D/none.json" \
      "$V/public_1.json" 2>&1 >/dev/null); rc=$?
[ "$rc" = 2 ] && [[ "$err" == *"none.json: cannot read"* ]] || fail "unreadable: exit $rc, '$err'"
[ "$(grep -c zk_verify "$D/requests")" = 2 ] || fail "--no-agent or the unreadable file reached the agent"
# NAUTILUS_CONTROL finds the stand-in.
out=$(NAUTILUS_CONTROL="$D/ctl" "$N" zk verify "${FILES[@]}"); rc=$?
[ "$rc" = 0 ] && [ "$out" = "from the agent" ] || fail "NAUTILUS_CONTROL: exit $rc, '$out'"
"$N" zk verify --help | grep -q -- '--no-agent' || fail "zk verify --help names --no-agent"
echo "zk_ctl: all passed"
