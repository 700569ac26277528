#!/usr/bin/env bash
# Fails (exit 1) if the committed artifacts in contracts/build differ from a
# fresh compilation of contracts/*.sol with the pinned solc-js: a source
# edited without `node contracts/build.js`, or an artifact edited by hand.
# Also compiles twice to show the build is deterministic.
#   bash contracts/check.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

node "$here/build.js" "$tmp/a" >/dev/null
node "$here/build.js" "$tmp/b" >/dev/null
if ! diff -r "$tmp/a" "$tmp/b" >/dev/null; then
    echo "contracts/check.sh: two compilations of the same sources differ" >&2
    exit 1
fi
if ! diff -r "$here/build" "$tmp/a" >"$tmp/diff"; then
    echo "contracts/check.sh: contracts/build is stale; run: node contracts/build.js" >&2
    head -n 20 "$tmp/diff" | cut -c1-160 >&2
    exit 1
fi
echo "contracts/check.sh: contracts/build matches contracts/*.sol ($(ls "$here/build" | wc -l) files)"
