#!/usr/bin/env bash
# `nautilus subscribe` and browse's bus options: bad arguments give one line
# on stderr and exit 2; a subscriber that hears nothing before --timeout
# exits 1 with its counts. Loopback only: nothing here needs a network.
set -euo pipefail
nautilus=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

usage_case() { # want-substring args...
  local want=$1; shift
  set +e
  "$nautilus" "$@" > /dev/null 2> "$dir/err"
  local rc=$?
  set -e
  [ "$rc" = 2 ] || fail "$*: exit $rc, want 2"
  [ "$(wc -l < "$dir/err")" = 1 ] || fail "$*: want one stderr line, got: $(cat "$dir/err")"
  grep -q -- "$want" "$dir/err" || fail "$*: stderr '$(cat "$dir/err")' lacks '$want'"
}

usage_case "unknown option" subscribe --bogus
usage_case "needs a value" subscribe --endpoint
usage_case "agent-key" subscribe --agent-key 1234
usage_case "agent-key" subscribe --agent-key "256 3 15 not-base64!"
usage_case "go together" subscribe --curve-server-key "$(printf 'x%.0s' {1..40})"
usage_case "count" subscribe --count 0
usage_case "timeout" subscribe --timeout soon
usage_case "cannot connect" subscribe --endpoint nonsense://x
usage_case "CURVE key file" subscribe --curve-server-key "$(printf 'x%.0s' {1..40})" \
  --curve-key-file "$dir/missing"
"$nautilus" subscribe --help > "$dir/help"
grep -q -- "--snapshot URL" "$dir/help" || fail "subscribe --help"

"$nautilus" keygen --state "$dir/s" --host bustest > /dev/null
usage_case "need --bus-endpoint" browse _http._tcp --snapshot-endpoint tcp://127.0.0.1:1
usage_case "go together" browse _http._tcp --bus-endpoint tcp://127.0.0.1:1 \
  --bus-curve-key-file "$dir/k"
usage_case "cannot use the keys" browse _http._tcp --bus-endpoint tcp://127.0.0.1:1 \
  --state "$dir/none"
echo "not a key" > "$dir/k" && chmod 600 "$dir/k" && : > "$dir/allow"
usage_case "CURVE key file" browse _http._tcp --state "$dir/s" --bus-endpoint tcp://127.0.0.1:1 \
  --bus-curve-key-file "$dir/k" --bus-curve-allow "$dir/allow"
usage_case "cannot bind" browse _http._tcp --state "$dir/s" --bus-endpoint nonsense://x
"$nautilus" browse --help > "$dir/help"
grep -q -- "--bus-endpoint URL" "$dir/help" || fail "browse --help"

# Nothing to hear: exit 1 after the timeout, counts on stderr.
set +e
"$nautilus" subscribe --endpoint "ipc://$dir/nobody" --timeout 1 > "$dir/out" 2> "$dir/err"
rc=$?
set -e
[ "$rc" = 1 ] || fail "silent bus: exit $rc, want 1"
grep -q "0 events" "$dir/err" || fail "silent bus: no counts: $(cat "$dir/err")"
[ ! -s "$dir/out" ] || fail "silent bus printed $(cat "$dir/out")"
echo "subscribe usage: ok"
