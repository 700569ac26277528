#!/usr/bin/env bash
# Builds a Release tree and runs every benchmark suite (or the ones named):
#   bash scripts/bench.sh [nt-bench options] [SUITE ...]
# e.g. bash scripts/bench.sh --json build-release/bench.json parse
# NT_BENCH_BUILD_DIR overrides the build directory (default build-release);
# NT_BENCH_LTO=1 builds with link-time optimisation as well.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${NT_BENCH_BUILD_DIR:-build-release}
lto=OFF
[ "${NT_BENCH_LTO:-0}" = 1 ] && lto=ON
# Two jobs: the build machines are shared.
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release -DNT_BENCH=ON \
      -DCMAKE_INTERPROCEDURAL_OPTIMIZATION="$lto" >/dev/null
cmake --build "$dir" -j2 --target nt-bench >/dev/null
echo "# $(git rev-parse --short HEAD 2>/dev/null || echo unknown) $(date -u +%Y-%m-%dT%H:%M:%SZ) Release LTO=$lto"
exec "$dir/bench/nt-bench" "$@"
