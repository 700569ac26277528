#!/bin/bash
# The commands' side of the agent's control socket (DESIGN §8.3), without
# root or network: usage errors exit 2; with nobody listening, feedback
# works in-process; against a stand-in agent (a UNIX socket served by this
# script's Python, which records each request and sends back the reply it
# is given) resolve and feedback send the documented requests, print the
# reply's text or json as it is, and turn an error reply into one line and
# exit 1 (2 for NT_ERR_INVALID_ARG).
set -u
N=$1
D=$(mktemp -d)
SERVER_PID=
trap '[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; rm -rf "$D"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$N" resolve --instance Web 2>/dev/null; [ $? = 2 ] || fail "--instance without --type: want 2"
"$N" resolve --instance Web --type _http._tcp --best 2>/dev/null; [ $? = 2 ] || fail "--instance --best: want 2"
"$N" resolve --instance Web --type http 2>/dev/null; [ $? = 2 ] || fail "bad type: want 2"
"$N" resolve --instance Web --type _http._tcp -4 2>/dev/null; [ $? = 2 ] || fail "--instance -4: want 2"
"$N" resolve h.local --control 2>/dev/null; [ $? = 2 ] || fail "--control without path: want 2"
"$N" feedback Web ok --control 2>/dev/null; [ $? = 2 ] || fail "feedback --control without path: want 2"
"$N" resolve --help | grep -q -- '--no-agent' || fail "resolve --help names --no-agent"

# Nobody listens: feedback falls back to the state directory.
mkdir -p "$D/xdg" "$D/xdg2"
XDG_STATE_HOME="$D/xdg" "$N" feedback Web ok --type _http._tcp --control "$D/none" \
  || fail "feedback without an agent: exit $?"
[ -f "$D/xdg/nautilus/rank.state" ] || fail "feedback without an agent wrote no state"

# A stand-in agent: serves one connection per reply given, records requests.
. "$(dirname "$0")/standin_agent.sh"  # serve REPLY...

rm -f "$D/ctl.ready" "$D/requests"
serve '{"ok":true,"trust":"unsigned","cached":true,"text":"192.0.2.7\nfd00::7\n","json":"{}\n"}' \
      '{"ok":true,"trust":"unsigned","cached":false,"text":"t\n","json":"{\"host\":\"h.local\"}\n"}' \
      '{"ok":false,"error":"nosuch.local not found","status":"NT_ERR_TIMEOUT"}' \
      '{"ok":false,"error":"bad","status":"NT_ERR_INVALID_ARG"}' \
      '{"ok":true,"name":"Web._http._tcp.local"}'
out=$(LD_DEBUG=files "$N" resolve h --control "$D/ctl" 2>"$D/ld") \
  || fail "resolve through the stand-in: exit $?"
# The client path stays light (core/lazy.h): what a bare start does not
# load, a resolve through the agent does not load either.
LD_DEBUG=files "$N" version >/dev/null 2>"$D/ld0"
for lib in libcurl libzmq libcrypto libsqlite3; do
  if ! grep -q "file=$lib" "$D/ld0" && grep -q "file=$lib" "$D/ld"; then
    fail "resolve through the agent loaded $lib"
  fi
done
[ "$out" = "$(printf '192.0.2.7\nfd00::7')" ] || fail "resolve printed '$out'"
out=$(NAUTILUS_CONTROL="$D/ctl" "$N" resolve --instance Web --type _http._tcp --json) \
  || fail "service through the stand-in (NAUTILUS_CONTROL): exit $?"
[ "$out" = '{"host":"h.local"}' ] || fail "--json printed '$out'"
err=$("$N" resolve nosuch.local --control "$D/ctl" 2>&1 >/dev/null); rc=$?
[ $rc = 1 ] || fail "not found: exit $rc"
[ "$(echo "$err" | wc -l)" = 1 ] && echo "$err" | grep -q 'nosuch.local not found' || fail "not found: '$err'"
"$N" resolve h.local --control "$D/ctl" 2>/dev/null; [ $? = 2 ] || fail "invalid-arg reply: want 2"
"$N" feedback Web ok --type _http._tcp --latency 5 --control "$D/ctl" || fail "feedback: exit $?"
wait "$SERVER_PID"; SERVER_PID=
/usr/bin/python3 - "$D/requests" <<'PY' || fail "requests as documented"
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])]
assert r[0] == {"op": "resolve", "host": "h.local", "family": "any", "timeout_ms": 5000,
                "require": "unsigned"}, r[0]
assert r[1]["instance"] == "Web" and r[1]["type"] == "_http._tcp", r[1]
assert r[2]["host"] == "nosuch.local", r[2]
assert r[4] == {"op": "feedback", "name": "Web", "type": "_http._tcp", "ok": True,
                "latency_ms": 5}, r[4]
PY
# --no-agent: the stand-in is gone and would not be asked anyway.
XDG_STATE_HOME="$D/xdg2" "$N" feedback Web fail --type _http._tcp --no-agent --control "$D/ctl" \
  || fail "--no-agent: exit $?"
[ -f "$D/xdg2/nautilus/rank.state" ] || fail "--no-agent wrote no state"
echo "agent_ctl: ok"
