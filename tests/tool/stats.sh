#!/usr/bin/env bash
# `browse --stats` and `resolve --stats`: on exit, the run's counters go to
# stdout, as one {"event":"stats",...} JSON line with --json and as
# "stats: key=value ..." lines without; the keys are exactly the ones
# --help lists (they are stable: scripts read them). The run is real (the
# engine sends its queries) but private: a new network namespace (`unshare
# -rn`) whose only interface is lo. What the counters say of a real LAN is
# checked by tests/integration/mdns/test_open_ends.py.
set -euo pipefail
nautilus=$1
py=/usr/bin/python3
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# The keys --help documents: the deeply indented lines after "The keys
# (stable):", up to the first line that is not one of them.
help_keys() {
  "$nautilus" "$1" --help |
    awk '/The keys \(stable\):/ {on = 1; next} on && !/^                 / {on = 0} on' |
    tr ' ' '\n' | grep -E '^[a-z][a-z0-9_]*$' | sort
}
help_keys browse > "$dir/keys.browse"
help_keys resolve > "$dir/keys.resolve"
[ "$(wc -l < "$dir/keys.browse")" -ge 20 ] || fail "browse --help lists $(wc -l < "$dir/keys.browse") keys"
cmp -s "$dir/keys.browse" "$dir/keys.resolve" || fail "browse and resolve --help list other keys"

# In a namespace of our own: lo up and multicast-capable, nothing else.
inns() { unshare -rn sh -c 'ip link set lo up && ip link set lo multicast on && exec "$@"' sh "$@"; }
inns true || fail "cannot create a network namespace (unshare -rn)"

set +e
inns "$nautilus" browse _statx._tcp -i lo --json --stats --timeout 1 > "$dir/b.json" 2> "$dir/b.err"
rc=$?
set -e
[ $rc = 1 ] || fail "browse found nothing on a private lo: exit $rc, want 1 ($(cat "$dir/b.err"))"
[ "$(wc -l < "$dir/b.json")" = 1 ] || fail "browse --json --stats printed $(wc -l < "$dir/b.json") lines"
"$py" - "$dir/b.json" "$dir/keys.browse" <<'PY' || fail "browse stats JSON line"
import json, sys
obj = json.loads(open(sys.argv[1]).read())
keys = sorted(open(sys.argv[2]).read().split())
got = sorted(k for k in obj if k != "event")
assert obj.get("event") == "stats", obj
assert got == keys, ("keys differ from --help", set(got) ^ set(keys))
assert all(isinstance(obj[k], int) and obj[k] >= 0 for k in got), obj
assert obj["queries_sent"] >= 1 and obj["packets_out"] >= 1, obj
assert obj["cache_records"] == 0 and obj["rejected"] == 0, obj
print("ok: browse --json --stats:", len(got), "keys, queries_sent =", obj["queries_sent"])
PY

# Without --stats, no counters.
set +e
inns "$nautilus" browse _statx._tcp -i lo --json --timeout 0 > "$dir/n.json" 2>/dev/null
set -e
[ ! -s "$dir/n.json" ] || fail "browse without --stats printed: $(cat "$dir/n.json")"

# Text form, from resolve: "stats: key=value ..." lines, every key once.
set +e
inns "$nautilus" resolve nohost.local -i lo -4 --timeout 1 --stats > "$dir/r.txt" 2> "$dir/r.err"
rc=$?
set -e
[ $rc = 1 ] || fail "resolve of an absent host: exit $rc, want 1"
grep -q "not found" "$dir/r.err" || fail "resolve stderr: $(cat "$dir/r.err")"
grep -v '^stats: [a-z0-9_]*=[0-9]*\( [a-z0-9_]*=[0-9]*\)*$' "$dir/r.txt" && fail "a line that is not 'stats: key=value ...'"
tr ' ' '\n' < "$dir/r.txt" | sed -n 's/=[0-9]*$//p' | sort > "$dir/keys.text"
cmp -s "$dir/keys.text" "$dir/keys.resolve" || fail "resolve text keys differ from --help: $(diff "$dir/keys.text" "$dir/keys.resolve" | tr '\n' ' ')"
grep -q ' queries_sent=[1-9]' "$dir/r.txt" || fail "resolve sent no query: $(cat "$dir/r.txt")"
echo "ok: resolve --stats: $(wc -l < "$dir/r.txt") lines, $(wc -l < "$dir/keys.text") keys"

# --json for resolve: the answer's object (none here), then the stats line.
set +e
inns "$nautilus" resolve nohost.local -i lo -6 --timeout 0 --stats --json > "$dir/r.json" 2>/dev/null
set -e
"$py" -c 'import json,sys; o=json.loads(open(sys.argv[1]).read().splitlines()[-1]); assert o["event"]=="stats", o' \
  "$dir/r.json" || fail "resolve --json --stats: $(cat "$dir/r.json")"
echo "ok: resolve --json --stats"
