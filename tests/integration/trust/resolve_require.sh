#!/usr/bin/env bash
# resolve --require (DESIGN §1, §9): with a signed publisher (priority 10)
# and an unsigned one (priority 0) on a two-host namespace LAN,
# `resolve --best` picks the unsigned one by RFC 2782 priority, and with
# `--trust FILE --require trusted` only the pinned, signed one; host
# resolution under --require trusted answers for the signed host and not
# for the unsigned one. Needs root; talks only inside its namespaces.
set -u
nautilus=$1
p=ntrq$$
fails=0
check() { if [ "$1" = "$2" ]; then echo "ok    $3"; else echo "FAIL  $3 -- got '$1', want '$2'"; fails=$((fails + 1)); fi; }
[ "$(id -u)" -eq 0 ] || { echo "skip: needs root"; exit 77; }
work=$(mktemp -d)
PUB1= PUB2=
cleanup() {
  [ -n "$PUB1" ] && kill "$PUB1" 2>/dev/null
  [ -n "$PUB2" ] && kill "$PUB2" 2>/dev/null
  wait 2>/dev/null
  ip netns del ${p}a 2>/dev/null
  ip netns del ${p}b 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
ip netns add ${p}a && ip netns add ${p}b || exit 1
ip link add va netns ${p}a type veth peer name vb netns ${p}b
for ns in a b; do
  ip -n ${p}$ns link set lo up
  ip netns exec ${p}$ns sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
done
ip -n ${p}a addr add 192.0.2.1/24 dev va
ip -n ${p}b addr add 192.0.2.2/24 dev vb
ip -n ${p}a link set va up
ip -n ${p}b link set vb up

"$nautilus" keygen --state "$work/st" --host printer --json > "$work/kg.json" || exit 1
digest=$(/usr/bin/python3 -c "import json,sys;print(json.load(open(sys.argv[1]))['key_digest'])" "$work/kg.json")
echo "printer.local $digest" > "$work/trust"
ip netns exec ${p}a "$nautilus" publish --sign --state "$work/st" --host printer -i va \
  --priority 10 Signed _http._tcp 8080 > "$work/pub1.log" 2>&1 &
PUB1=$!
ip netns exec ${p}a "$nautilus" publish --host plain -i va --priority 0 Plain _http._tcp 8081 \
  > "$work/pub2.log" 2>&1 &
PUB2=$!
sleep 1.5

got=$(ip netns exec ${p}b "$nautilus" resolve --best _http._tcp -i vb 2>&1)
check "$got" "Plain" "resolve --best without policy: lowest priority (unsigned) wins"
got=$(ip netns exec ${p}b "$nautilus" resolve --best _http._tcp -i vb --trust "$work/trust" \
      --require trusted 2>&1)
check "$got" "Signed" "resolve --best --require trusted: only the pinned, signed instance"
got=$(ip netns exec ${p}b "$nautilus" resolve printer.local -4 -i vb --trust "$work/trust" \
      --require trusted --timeout 3 2>/dev/null)
check "$got" "192.0.2.1" "resolve of the signed host under --require trusted"
ip netns exec ${p}b "$nautilus" resolve plain.local -4 -i vb --trust "$work/trust" \
  --require trusted --timeout 2 > /dev/null 2>&1
check "$?" "1" "resolve of an unsigned host under --require trusted: not found (exit 1)"
got=$(ip netns exec ${p}b "$nautilus" resolve plain.local -4 -i vb --timeout 3 2>/dev/null)
check "$got" "192.0.2.1" "resolve of the unsigned host without policy"
echo "== resolve --require: $fails failed"
[ "$fails" -eq 0 ]
