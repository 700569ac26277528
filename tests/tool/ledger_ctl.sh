#!/bin/bash
# The command's side of `nautilus ledger` through the agent (DESIGN §8.3),
# without root, network or node, against a stand-in agent (a UNIX socket
# served by this script's Python, which records each request and sends
# back the reply it is given): the request carries the parsed options (the
# state directory made absolute, the chain id resolved); the reply's exit
# code, stdout and stderr are the command's as they are; "not my state or
# chain" (NT_ERR_CTL_LEDGER_ELSEWHERE) means in-process; a full queue is one
# line and exit 5; --no-agent and `audit` never ask the agent.
#   ledger_ctl.sh NAUTILUS
set -u
N=$1
D=$(mktemp -d)
SERVER_PID=
trap '[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; rm -rf "$D"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
REG=0x00000000000000000000000000000000000000aB
mkdir "$D/st"

. "$(dirname "$0")/standin_agent.sh"  # serve REPLY...

# The agent's answer is the command's: exit code, stdout, stderr as they are.
serve '{"ok":true,"exit":3,"stdout":"checkpoint size 5 (on chain 4)\n","stderr":"nautilus: ledger checkpoint: transaction failed on chain: reverted\n"}' \
      '{"ok":false,"error":"ledger: the agent anchors another state directory or chain","status":"NT_ERR_CTL_LEDGER_ELSEWHERE"}' \
      '{"ok":false,"error":"ledger: too many ledger operations waiting","status":"NT_ERR_CTL_LEDGER_BUSY"}'
out=$(cd "$D" && "$N" ledger checkpoint --rpc http://127.0.0.1:9 --registry "$REG" --state st \
      --chain-id 31337 --confirmations 2 --timeout 7 --control "$D/ctl" 2>"$D/err"); rc=$?
[ "$rc" = 3 ] || fail "the agent's exit 3: got $rc"
[ "$out" = "checkpoint size 5 (on chain 4)" ] || fail "the agent's stdout: '$out'"
[ "$(cat "$D/err")" = "nautilus: ledger checkpoint: transaction failed on chain: reverted" ] \
  || fail "the agent's stderr: '$(cat "$D/err")'"
/usr/bin/python3 - "$D/requests" "$(cd "$D/st" && pwd -P)" <<'PY' || fail "the request"
import json, sys
r = json.loads(open(sys.argv[1]).readline())
want = {"op": "ledger", "sub": "checkpoint", "state": sys.argv[2], "chain_id": 31337,
        "rpc": "http://127.0.0.1:9", "registry": "0x00000000000000000000000000000000000000ab",
        "confirmations": 2, "timeout": 7}
assert r == want, r
PY
# Not the agent's state or chain: in-process (which fails here on the keys,
# its own line: the stand-in's words are not printed).
err=$("$N" ledger register box.local --rpc http://127.0.0.1:9 --registry "$REG" --state "$D/st" \
      --profile besu --chain-id 1337 --control "$D/ctl" 2>&1 >/dev/null); rc=$?
[ "$rc" != 0 ] && [[ "$err" == "nautilus: ledger register: "* ]] && [[ "$err" != *agent* ]] \
  || fail "after ELSEWHERE, in-process: exit $rc, '$err'"
/usr/bin/python3 - "$D/requests" <<'PY' || fail "the register request"
import json, sys
r = json.loads(open(sys.argv[1]).readlines()[1])
assert r["sub"] == "register" and r["name"] == "box.local" and r["profile"] == "besu", r
assert r["chain_id"] == 1337 and "json" not in r and "confirmations" not in r, r
PY
# A full queue: one line, exit 5, nothing run in-process.
out=$("$N" ledger status --state "$D/st" --json --control "$D/ctl" 2>"$D/err"); rc=$?
[ "$rc" = 5 ] && [ -z "$out" ] && \
  [ "$(cat "$D/err")" = "nautilus: ledger status: the agent refused: ledger: too many ledger operations waiting" ] \
  || fail "busy: exit $rc, '$out', '$(cat "$D/err")'"
/usr/bin/python3 - "$D/requests" "$(cd "$D/st" && pwd -P)" <<'PY' || fail "the status request"
import json, sys
r = json.loads(open(sys.argv[1]).readlines()[2])
assert r == {"op": "ledger", "sub": "status", "state": sys.argv[2], "chain_id": 1, "json": True}, r
PY
wait "$SERVER_PID"; SERVER_PID=

# --no-agent, audit and bad usage never reach the socket.
serve '{"ok":true,"exit":0,"stdout":"from the agent\n","stderr":""}'
out=$(NAUTILUS_CONTROL="$D/ctl" "$N" ledger status --state "$D/st" --no-agent 2>/dev/null); rc=$?
[ "$out" != "from the agent" ] || fail "--no-agent asked the agent"
NAUTILUS_CONTROL="$D/ctl" "$N" ledger audit box.local --rpc http://127.0.0.1:9 --registry "$REG" \
  >/dev/null 2>&1
err=$(NAUTILUS_CONTROL="$D/ctl" "$N" ledger checkpoint --rpc http://127.0.0.1:9 --state "$D/st" 2>&1); rc=$?
[ "$rc" = 2 ] && [[ "$err" == *"--registry ADDR is required"* ]] || fail "usage: exit $rc, '$err'"
err=$("$N" ledger status --control 2>&1); rc=$?
[ "$rc" = 2 ] && [[ "$err" == *"--control needs a path"* ]] || fail "--control alone: exit $rc, '$err'"
[ "$(wc -l < "$D/requests")" = 3 ] || fail "--no-agent, audit or bad usage reached the agent"
# NAUTILUS_CONTROL finds the stand-in.
out=$(NAUTILUS_CONTROL="$D/ctl" "$N" ledger status --state "$D/st"); rc=$?
[ "$rc" = 0 ] && [ "$out" = "from the agent" ] || fail "NAUTILUS_CONTROL: exit $rc, '$out'"
"$N" ledger --help | grep -q -- '--no-agent' || fail "ledger --help names --no-agent"
echo "ledger_ctl: all passed"
