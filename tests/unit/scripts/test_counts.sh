#!/usr/bin/env bash
# Checks scripts/ctest_counts.sh on a real ctest log: a throwaway project
# with one passing test, one failing, one that exits 77 (SKIP_RETURN_CODE),
# one skipped by SKIP_REGULAR_EXPRESSION, one disabled, one whose executable
# is missing. Without CI the skips are counted apart; with CI=true a skip not
# on the allow-list (with a reason) is a failure.
#   bash tests/unit/scripts/test_counts.sh SOURCE_DIR
set -uo pipefail
src=${1:?usage: test_counts.sh SOURCE_DIR}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bad=0
expect() { # WHAT GOT WANT
  if [ "$2" = "$3" ]; then
    echo "ok    $1"
  else
    echo "FAIL  $1: got '$2', want '$3'"
    bad=1
  fi
}

mkdir -p "$work/p"
cat >"$work/p/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.16)
project(counts NONE)
enable_testing()
add_test(NAME a_pass COMMAND true)
add_test(NAME b_fail COMMAND false)
add_test(NAME c_skip77 COMMAND sh -c "echo not here; exit 77")
set_tests_properties(c_skip77 PROPERTIES SKIP_RETURN_CODE 77)
add_test(NAME d_skip_regex COMMAND sh -c "echo SKIPPED-BY-TEXT")
set_tests_properties(d_skip_regex PROPERTIES SKIP_REGULAR_EXPRESSION "SKIPPED-BY-TEXT")
add_test(NAME e_disabled COMMAND true)
set_tests_properties(e_disabled PROPERTIES DISABLED TRUE)
add_test(NAME f_missing COMMAND /nonexistent/nt-no-such-binary)
add_test(NAME g_pass COMMAND true)
CM
cmake -S "$work/p" -B "$work/b" >/dev/null || { echo "FAIL  cmake"; exit 1; }
(cd "$work/b" && ctest --output-on-failure -j2 >"$work/log" 2>&1)
grep -q 'tests passed' "$work/log" || { echo "FAIL  no ctest summary"; cat "$work/log"; exit 1; }

. "$src/scripts/ctest_counts.sh"

# Not under CI: 2 passed (a, g), 2 failed (b, f), 3 skipped (c, d, e).
unset CI
counts_init "$work/none.txt"
count_ctest_log "$work/log" demo >/dev/null
expect "no CI: closing line" "$(counts_closing_line)" "tests: 2 passed, 2 failed, 3 skipped"
CI=false
counts_init "$work/none.txt"
count_ctest_log "$work/log" demo >/dev/null
expect "CI=false is not CI" "$(counts_closing_line)" "tests: 2 passed, 2 failed, 3 skipped"

# Under CI: c is allowed (with a reason); d is listed without a reason, so
# not honoured; e is not listed: d and e are failures.
cat >"$work/allow.txt" <<'AL'
# comment line
c_skip77   # needs what this test machine lacks
d_skip_regex
AL
CI=true
counts_init "$work/allow.txt"
count_ctest_log "$work/log" demo >/dev/null
expect "CI: closing line" "$(counts_closing_line)" "tests: 2 passed, 4 failed, 1 skipped"
expect "CI: failures named" "$(printf '%s\n' "${failures[@]}" | grep -c 'not in the skip allow-list')" 2

# Every test passing: nothing skipped.
(cd "$work/b" && ctest -R 'a_pass|g_pass' >"$work/log2" 2>&1)
counts_init "$work/allow.txt"
count_ctest_log "$work/log2" demo >/dev/null
expect "all pass" "$(counts_closing_line)" "tests: 2 passed, 0 failed, 0 skipped"

# No tests selected, and ctest that never ran.
(cd "$work/b" && ctest -L no-such-label >"$work/log3" 2>&1)
counts_init "$work/allow.txt"
count_ctest_log "$work/log3" demo >/dev/null
expect "no tests found" "$(counts_closing_line)" "tests: 0 passed, 0 failed, 0 skipped"
: >"$work/log4"
counts_init "$work/allow.txt"
count_ctest_log "$work/log4" demo >/dev/null
expect "ctest did not run" "$(counts_closing_line)" "tests: 0 passed, 1 failed, 0 skipped"

# The allow-list shipped with the project parses (every entry has a reason).
while IFS= read -r line; do
  case "$line" in '' | '#'*) continue ;; esac
  case "$line" in *'#'*) ;; *) echo "FAIL  tests/skip-allowlist.txt: no reason: $line"; bad=1 ;; esac
done <"$src/tests/skip-allowlist.txt"

exit $bad
