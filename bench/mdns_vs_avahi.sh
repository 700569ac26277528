#!/usr/bin/env bash
# Nautilus against avahi-daemon on a LAN of network namespaces, same run:
# publish-to-browse latency, resolve of an existing service and host, and a
# responder's CPU time and RSS under a 10 s, 10 000 queries/s flood. Prints
# aligned lines and JSON lines with ratio = ours/avahi. Needs root.
#   bash bench/mdns_vs_avahi.sh [--rounds N] [--json FILE] [--no-flood]
# NT_BENCH_BUILD_DIR picks the build (default build-release, as scripts/bench.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${NT_BENCH_BUILD_DIR:-build-release}
if [ "$(id -u)" -ne 0 ]; then
  echo "mdns_vs_avahi: needs root (network namespaces)" >&2
  exit 2
fi
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$dir" -j2 --target nautilus >/dev/null
echo "# $(git rev-parse --short HEAD 2>/dev/null || echo unknown) $(date -u +%Y-%m-%dT%H:%M:%SZ) mdns_vs_avahi"
exec /usr/bin/python3 tests/integration/lib/mdns_bench.py "$dir/tools/nautilus" "$@"
