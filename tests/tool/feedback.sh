#!/bin/bash
# nautilus feedback (issue 12): evidence into the state directory, 0600;
# bad usage exits 2; a damaged state file is refused (exit 2), never replaced.
set -u
N=$1
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$N" feedback Web._http._tcp.local ok --latency 12.5 --state "$D/s" || fail "ok: exit $?"
"$N" feedback Web --type _http._tcp fail --state "$D/s" || fail "fail with --type: exit $?"
[ -f "$D/s/rank.state" ] || fail "no state file"
[ "$(stat -c %a "$D/s/rank.state")" = 600 ] || fail "state file mode $(stat -c %a "$D/s/rank.state")"
[ "$(head -c 4 "$D/s/rank.state")" = NTRK ] || fail "state file magic"
size=$(stat -c %s "$D/s/rank.state")
[ "$size" = 121 ] || fail "one entry (both reports under one name) is 121 bytes, got $size"

"$N" feedback Web._http._tcp.local maybe --state "$D/s" 2>/dev/null; [ $? = 2 ] || fail "maybe: want 2"
"$N" feedback Web._http._tcp.local ok --latency -3 --state "$D/s" 2>/dev/null; [ $? = 2 ] || fail "negative latency"
"$N" feedback 2>/dev/null; [ $? = 2 ] || fail "no args: want 2"
"$N" feedback --help | grep -q 'usage: nautilus feedback' || fail "--help"

cp "$D/s/rank.state" "$D/good"
printf '\001' | dd of="$D/s/rank.state" bs=1 seek=30 conv=notrunc status=none
err=$("$N" feedback Web._http._tcp.local ok --state "$D/s" 2>&1); rc=$?
[ $rc = 2 ] || fail "damaged file: exit $rc"
echo "$err" | grep -q 'checksum' || fail "damaged file: '$err'"
cmp -s "$D/s/rank.state" "$D/good" && fail "damaged file was not damaged by the test"
echo "feedback: ok"
