#!/usr/bin/env bash
# The chain flags of browse, resolve and publish (DESIGN §1.5, §4.1): a
# combination that cannot work is bad usage, exit 2 with exactly one line
# on stderr, before anything touches the network or the state directory.
#   chain_flags.sh NAUTILUS
set -u
nautilus=$1
failed=0
reg=0x5FbDB2315678afecb367f032d93F642f64180aa3
check() { # expected-rc stderr-regex argv...
  local want=$1 re=$2 err rc
  shift 2
  err=$("$nautilus" "$@" 2>&1 >/dev/null)
  rc=$?
  if [ "$rc" != "$want" ] || [ "$(printf '%s\n' "$err" | wc -l)" != 1 ] ||
     ! printf '%s' "$err" | grep -Eq -e "$re"; then
    echo "FAIL  $* -> exit $rc, stderr: $err"
    failed=1
  else
    echo "ok    $* -> exit $rc"
  fi
}
check 2 "--rpc and --registry go together" browse _x._tcp --rpc http://127.0.0.1:9
check 2 "--rpc and --registry go together" browse _x._tcp --registry $reg
check 2 "--registry wants 0x and 40 hex" browse _x._tcp --rpc http://127.0.0.1:9 --registry 0x12
check 2 "--chain-max-age needs --rpc" browse _x._tcp --chain-max-age 5
check 2 "--chain-max-age wants seconds" browse _x._tcp --chain-max-age 0 --rpc http://127.0.0.1:9 --registry $reg
check 2 "--require wants .*anchored" browse _x._tcp --require pinned
check 2 "--rpc and --registry go together" resolve x.local --rpc http://127.0.0.1:9
check 2 "--chain-max-age needs --rpc" resolve --best _x._tcp --chain-max-age 5
check 2 "--anchor needs --sign" publish --anchor --rpc http://127.0.0.1:9 --registry $reg X _x._tcp 1
check 2 "--anchor needs --rpc URL and --registry" publish --sign --anchor X _x._tcp 1
check 2 "go with --anchor" publish --sign --anchor-every 3 X _x._tcp 1
check 2 "go with --anchor" publish --sign --anchor-tamper X _x._tcp 1
check 2 "--anchor-every wants" publish --sign --anchor --anchor-every 0 X _x._tcp 1
exit $failed
