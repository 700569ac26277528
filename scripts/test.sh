#!/usr/bin/env bash
# The whole test suite, as CI runs it:
#   1. a warnings-as-errors build; unit, corpus-replay and integration tests
#      (integration tests need root: they create network namespaces);
#   2. an ASan+UBSan build; unit and corpus-replay tests again, and the
#      integration tests that are marked to run under the sanitizers;
#   3. a clang libFuzzer build; every fuzz target for NT_FUZZ_SECONDS (60),
#      as many at once as there are cores.
# Installs what is missing first. Ends with exactly one closing line
#   tests: N passed, N failed, N skipped
# A skipped test is not a passed one: skips are counted apart, and when CI is
# set (CI=true) a skipped test that is not in tests/skip-allowlist.txt, with a
# reason, counts as a failure (scripts/ctest_counts.sh). Fuzz targets count
# as passed or failed.
# Before anything else it refuses (exit 2) a tree that names the developers'
# directory beside the checkout: the project must stand alone in a clone with
# nothing beside it (scripts/standalone.sh runs the suite in such a clone).
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
. scripts/ctest_counts.sh

# check_standalone: exit 2 if any file names a path outside the repository.
# The patterns are built from pieces so that this file does not match itself
# and nothing has to be excluded from the search.
check_standalone() {
  local dotdot='\.\.' work='/work' hits
  local rel="$dotdot/shared" abs="$work/shared"
  if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    hits=$(git grep -n -I --untracked -e "$rel" -e "$abs" 2>/dev/null)
  else
    hits=$(grep -rnI --exclude-dir=.git --exclude-dir='build*' --exclude-dir=node_modules \
             -e "$rel" -e "$abs" . 2>/dev/null)
  fi
  [ -z "$hits" ] && return 0
  echo "$hits"
  echo "test: the lines above name a path outside the repository; a clone has nothing" \
       "beside it, so copy what the tests need into the repository (tests/vectors/)" >&2
  echo "tests: 0 passed, 1 failed, 0 skipped"
  exit 2
}
check_standalone

bash scripts/deps.sh || { echo "test: dependency installation failed" >&2; exit 2; }

jobs=$(nproc)
fuzz_seconds=${NT_FUZZ_SECONDS:-60}
counts_init "$root/tests/skip-allowlist.txt"

# run_ctest DIR LABEL-REGEX: runs ctest and adds its counts to the totals.
run_ctest() {
  local dir=$1 labels=$2 log
  log=$(mktemp)
  (cd "$dir" && ctest --output-on-failure --timeout 900 -L "$labels" 2>&1) | tee "$log"
  count_ctest_log "$log" "$dir ($labels)"
  rm -f "$log"
}

# build DIR CMAKE-ARGS...: configures and builds; a failed build counts as a failure.
build() {
  local dir=$1
  shift
  if cmake -S "$root" -B "$dir" "$@" >/dev/null && cmake --build "$dir" -j "$jobs"; then
    return 0
  fi
  failed=$((failed + 1))
  failures+=("build $dir failed")
  return 1
}

echo "== build (warnings are errors)"
if build build/ci -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNT_WERROR=ON; then
  run_ctest build/ci 'unit|corpus|integration|tool'
fi

echo "== ASan+UBSan build"
if build build/asan -DCMAKE_BUILD_TYPE=Debug -DNT_SANITIZE=ON -DNT_WERROR=ON -DNT_BENCH=OFF; then
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  run_ctest build/asan 'unit|corpus|tool|sanitize'
fi

# fuzz_one TARGET: fuzzes one target for fuzz_seconds from a copy of its seed
# corpus; writes "pass" or "fail" to build/fuzz/NAME.result.
fuzz_one() {
  local target=$1 name work dict=()
  name=$(basename "$target")
  corpus_src="$root/fuzz/corpus/${name#fuzz_}"
  work=$(mktemp -d)
  [ -d "$corpus_src" ] && cp -r "$corpus_src/." "$work/"
  [ -f "$root/fuzz/${name#fuzz_}.dict" ] && dict=(-dict="$root/fuzz/${name#fuzz_}.dict")
  if "$target" "${dict[@]}" -max_total_time="$fuzz_seconds" -print_final_stats=1 \
       -artifact_prefix="build/fuzz/$name-" "$work" >"build/fuzz/$name.log" 2>&1; then
    echo pass >"build/fuzz/$name.result"
  else
    echo fail >"build/fuzz/$name.result"
  fi
  rm -rf "$work"
}

# The targets run $jobs at a time (one core each): the time each one fuzzes
# is the same as one after another, the wall-clock time is divided by $jobs.
echo "== libFuzzer build (${fuzz_seconds} s per target, ${jobs} at a time)"
if build build/fuzz -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNT_FUZZ=ON -DNT_BENCH=OFF -DNT_WERROR=ON; then
  fuzz_targets=()
  for target in build/fuzz/fuzz/fuzz_*; do
    [ -x "$target" ] && fuzz_targets+=("$target")
  done
  rm -f build/fuzz/*.result
  for target in "${fuzz_targets[@]}"; do
    while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
    fuzz_one "$target" &
  done
  wait
  for target in "${fuzz_targets[@]}"; do
    name=$(basename "$target")
    echo "-- $name"
    if [ "$(cat "build/fuzz/$name.result" 2>/dev/null)" = pass ]; then
      passed=$((passed + 1))
      grep -E 'stat::number_of_executed_units|stat::peak_rss_mb' "build/fuzz/$name.log" | sed 's/^/   /'
    else
      failed=$((failed + 1))
      failures+=("fuzz target $name found a failure (build/fuzz/$name.log)")
      tail -40 "build/fuzz/$name.log"
    fi
  done
fi

for f in "${failures[@]}"; do echo "FAILED: $f"; done
counts_closing_line
[ "$failed" -eq 0 ]
