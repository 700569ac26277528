#!/usr/bin/env bash
# Runs a command in a fresh clone of the committed HEAD that has nothing
# beside it, to prove the project stands alone: no test may read a file
# outside its checkout (an empty parent directory leaves nothing to find).
#   bash scripts/standalone.sh [COMMAND ...]     (default: bash scripts/test.sh)
# e.g. bash scripts/standalone.sh bash -c 'cmake -S . -B build && cmake --build build -j2 && cd build && ctest -L unit'
# The clone lives in a new directory under ${TMPDIR:-/tmp} and is removed
# afterwards, unless the command fails or NT_KEEP_STANDALONE=1 (its path is
# then printed on stderr). Only committed work is tested: uncommitted changes
# are reported on stderr and left out. Exits with the command's status;
# nothing is printed on stdout after the command's own output, so the test
# suite's closing line stays the last line.
set -euo pipefail
cd "$(dirname "$0")/.."
src=$(pwd)
[ "$#" -gt 0 ] || set -- bash scripts/test.sh

parent=$(mktemp -d "${TMPDIR:-/tmp}/nt-standalone.XXXXXX")
if git -C "$src" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  head=$(git -C "$src" rev-parse HEAD)
  if [ -n "$(git -C "$src" status --porcelain --untracked-files=no)" ]; then
    echo "standalone: uncommitted changes in $src are not tested (HEAD ${head:0:12} is)" >&2
  fi
  git clone -q --no-hardlinks "$src" "$parent/repo"
  git -C "$parent/repo" checkout -q --detach "$head"
  what="HEAD ${head:0:12}"
else
  # Not a git checkout (an exported tree): copy it without build outputs.
  mkdir "$parent/repo"
  tar -C "$src" --exclude='./build*' --exclude=./node_modules -cf - . | tar -C "$parent/repo" -xf -
  what="a copy of $src"
fi
beside=$(ls -A "$parent")
if [ "$beside" != repo ]; then
  echo "standalone: $parent holds more than the clone: $beside" >&2
  exit 2
fi
echo "standalone: running '$*' in $parent/repo ($what)" >&2

set +e
(cd "$parent/repo" && "$@")
rc=$?
set -e
if [ "$rc" -eq 0 ] && [ "${NT_KEEP_STANDALONE:-0}" != 1 ]; then
  rm -rf "$parent"
else
  echo "standalone: exit $rc; the clone is kept in $parent/repo" >&2
fi
exit "$rc"
