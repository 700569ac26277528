# Counting of test results for scripts/test.sh; sourced, not run.
#
# A skipped test is not a passed one. ctest's summary line
#   "N% tests passed, F tests failed out of T"
# counts a skipped test (SKIP_RETURN_CODE, SKIP_REGULAR_EXPRESSION) in T but
# not in F, so "T - F passed" would turn every skip into a pass. The skipped
# and disabled tests are read from ctest's list
#   The following tests did not run:
#   	 12 - name (Skipped)
#   	 14 - other (Disabled)
# and counted apart (disabled tests are not in T). Tests that did not run for
# a missing executable or a failed fixture are in F already ("Not Run").
#
# When CI is set (CI=true; "", 0, false and no mean unset), a skip of a test
# that is not on the allow-list with a reason counts as a failure. The
# allow-list has one test name per line followed by "# reason"; a line
# without a reason is not honoured.
#
# counts_init ALLOWLIST      resets passed, failed, skipped, failures
# count_ctest_log LOG WHAT   adds the counts of one captured ctest output
# counts_closing_line        prints "tests: N passed, N failed, N skipped"

counts_init() {
  passed=0
  failed=0
  skipped=0
  failures=()
  counts_allowlist=$1
  counts_ci=0
  case "${CI:-}" in '' | 0 | false | FALSE | False | no) ;; *) counts_ci=1 ;; esac
}

# allowed_skip NAME: whether NAME is on the allow-list with a reason.
allowed_skip() {
  [ -f "$counts_allowlist" ] || return 1
  awk -v t="$1" '
    /^[ \t]*(#|$)/ { next }
    {
      i = index($0, "#")
      if (i == 0) next
      name = substr($0, 1, i - 1); reason = substr($0, i + 1)
      gsub(/^[ \t]+|[ \t]+$/, "", name); gsub(/^[ \t]+|[ \t]+$/, "", reason)
      if (name == t && reason != "") { found = 1; exit }
    }
    END { exit found ? 0 : 1 }' "$counts_allowlist"
}

# did_not_run LOG: "Skipped<TAB>name" / "Disabled<TAB>name" for each entry of
# ctest's "did not run" list.
did_not_run() {
  awk '
    /^The following tests did not run:/ { on = 1; next }
    on && /^[ \t]*$/ { on = 0; next }
    on && match($0, /\((Skipped|Disabled)\)[ \t]*$/) {
      tail = substr($0, RSTART)
      kind = (tail ~ /^\(Skipped\)/) ? "Skipped" : "Disabled"
      name = substr($0, 1, RSTART - 1)
      sub(/^[ \t]*[0-9]+ - /, "", name); sub(/[ \t]+$/, "", name)
      print kind "\t" name
    }' "$1"
}

count_ctest_log() {
  local log=$1 what=$2 line total nfail nskip_total=0 kind name
  line=$(grep -E '^[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -1)
  if [ -z "$line" ]; then
    grep -q 'No tests were found' "$log" && return 0
    failed=$((failed + 1))
    failures+=("$what: ctest did not run")
    return 0
  fi
  nfail=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$line")
  total=$(sed -E 's/.* failed out of ([0-9]+).*/\1/' <<<"$line")
  while IFS=$'\t' read -r kind name; do
    [ -n "$name" ] || continue
    [ "$kind" = Skipped ] && nskip_total=$((nskip_total + 1))
    if [ "$counts_ci" -eq 1 ] && ! allowed_skip "$name"; then
      failed=$((failed + 1))
      failures+=("$what: $name was skipped ($kind) and is not in the skip allow-list")
    else
      skipped=$((skipped + 1))
      echo "SKIPPED: $what: $name ($kind)"
    fi
  done < <(did_not_run "$log")
  passed=$((passed + total - nfail - nskip_total))
  failed=$((failed + nfail))
  [ "$nfail" -eq 0 ] || failures+=("$what: $nfail failed")
  return 0
}

counts_closing_line() {
  echo "tests: $passed passed, $failed failed, $skipped skipped"
}
