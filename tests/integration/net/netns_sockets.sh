#!/bin/bash
# Integration test for agent/net over real interfaces: two network
# namespaces joined by a veth pair, no default route (a socket must name its
# interface). Host B joins the mDNS groups and answers each multicast
# datagram by unicast to its source; host A sends to 224.0.0.251 and ff02::fb
# and waits for both answers. Checks: delivery on both families, arrival
# interface, destination (group vs unicast), TTL/hop limit 255 (RFC 6762
# §11), the link-local source printed with its scope, on-link test.
# Usage: netns_sockets.sh PATH/TO/net_probe   (root; exit 77 if not root)
set -u
PROBE=$1
if [ "$(id -u)" != 0 ] || ! command -v ip >/dev/null; then
    echo "SKIP: needs root and iproute2"; exit 77
fi
A=ntnetA$$; B=ntnetB$$
PIDS=""
cleanup() {
    for p in $PIDS; do kill "$p" 2>/dev/null; done
    ip netns del "$A" 2>/dev/null
    ip netns del "$B" 2>/dev/null
    rm -f "${OUT_A:-}" "${OUT_B:-}"
}
trap cleanup EXIT INT TERM
fail() { echo "FAIL: $*"; echo "--- A:"; cat "$OUT_A"; echo "--- B:"; cat "$OUT_B"; exit 1; }

ip netns add "$A" && ip netns add "$B" || exit 1
ip link add veth-a netns "$A" type veth peer name veth-b netns "$B" || exit 1
for ns in "$A" "$B"; do
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
done
ip -n "$A" link set lo up; ip -n "$B" link set lo up
ip netns exec "$A" sysctl -qw net.ipv6.conf.veth-a.accept_dad=0
ip netns exec "$B" sysctl -qw net.ipv6.conf.veth-b.accept_dad=0
ip -n "$A" link set veth-a up; ip -n "$B" link set veth-b up
ip -n "$A" addr add 192.0.2.1/24 dev veth-a
ip -n "$B" addr add 192.0.2.2/24 dev veth-b
# Wait for the IPv6 link-local addresses (no DAD, but the link must be up).
for i in $(seq 50); do
    if ip -n "$A" -6 addr show dev veth-a scope link | grep -q fe80 &&
       ip -n "$B" -6 addr show dev veth-b scope link | grep -q fe80; then break; fi
    sleep 0.1
done
LLA=$(ip -n "$A" -6 addr show dev veth-a scope link | awk '/inet6/{print $2}' | cut -d/ -f1)

OUT_A=$(mktemp); OUT_B=$(mktemp)
ip netns exec "$B" "$PROBE" answer veth-b 10 >"$OUT_B" 2>&1 &
PIDS="$PIDS $!"; PB=$!
for i in $(seq 50); do grep -q ready "$OUT_B" && break; sleep 0.1; done
ip netns exec "$A" "$PROBE" ask veth-a 8 >"$OUT_A" 2>&1 || fail "asker did not get both answers"
wait "$PB" || fail "answerer did not see both questions"

grep -q "rx v4 if=veth-b src=192.0.2.1 dst=224.0.0.251 ttl=255 mcast=1 onlink=1 data=question" "$OUT_B" \
    || fail "IPv4 multicast question not seen as expected"
grep -q "rx v6 if=veth-b src=$LLA%veth-b dst=ff02::fb ttl=255 mcast=1 onlink=1 data=question" "$OUT_B" \
    || fail "IPv6 multicast question not seen as expected (want src $LLA%veth-b)"
grep -q "rx v4 if=veth-a src=192.0.2.2 dst=192.0.2.1 ttl=255 mcast=0 onlink=1 data=answer" "$OUT_A" \
    || fail "IPv4 unicast answer not seen as expected"
grep -Eq "rx v6 if=veth-a src=fe80::[0-9a-f:]+%veth-a dst=fe80::[0-9a-f:]+ ttl=255 mcast=0 onlink=1 data=answer" "$OUT_A" \
    || fail "IPv6 unicast answer not seen as expected"
cat "$OUT_B" "$OUT_A"
echo "ok: multicast both families, unicast answers, ifindex, TTL 255, scoped link-local"
