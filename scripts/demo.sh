#!/usr/bin/env bash
# The Nautilus demonstration: installs what is missing, builds into
# build/demo, then builds a LAN of network namespaces where Nautilus, Avahi
# and python-zeroconf publish and browse side by side, and prints what was
# discovered where and by whom. It also starts a local anvil (127.0.0.1, a
# free port), deploys the contracts, registers the printer's key, publishes
# with --anchor, shows the laptop trusting the printer from the chain with no
# local pin and seeing its records anchored, and runs `nautilus ledger audit`.
# Needs root (network namespaces). Everything it creates (namespaces,
# daemons, anvil, captures) is removed when it ends, even on Ctrl-C, by PID.
# Talks to nothing outside its own namespaces and 127.0.0.1.
#
#   bash scripts/demo.sh            # deps + build + demo
#   NT_DEMO_NO_DEPS=1 bash scripts/demo.sh   # skip scripts/deps.sh
#   NT_DEMO_BUILD=DIR bash scripts/demo.sh   # build elsewhere (default build/demo)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

if [ "$(id -u)" -ne 0 ]; then
  echo "demo: needs root (it creates network namespaces)" >&2
  exit 2
fi

if [ "${NT_DEMO_NO_DEPS:-0}" != 1 ]; then
  bash scripts/deps.sh
fi

build=${NT_DEMO_BUILD:-build/demo}
case $build in /*) ;; *) build="$root/$build" ;; esac
echo "==> building into $build"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j2 --target nautilus >/dev/null
nautilus="$build/tools/nautilus"
"$nautilus" version

# The LAN, the peers and the clean-up live in the Python harness; it kills
# only the processes it started, by PID, and deletes its namespaces on exit.
exec /usr/bin/python3 "$root/tests/integration/lib/demo_lan.py" "$nautilus"
