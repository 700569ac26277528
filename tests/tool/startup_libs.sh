#!/usr/bin/env bash
# The `nautilus` program does not load libcurl, libzmq, OpenSSL's libcrypto,
# SQLite, libsystemd, inih or expat when it starts (core/lazy.h, DESIGN
# §8.2): the larger ones cost 3 to 14 ms each to load, and commands such as
# resolve and zk verify never use them. Checked
# two ways: the program's dynamic section does not name them, and the
# libraries the loader actually opens for `version` and `zk verify` (read
# from LD_DEBUG=libs) do not include them. libm is opened on first use too
# (only the ranking calls it): the dynamic section must not name it (it is
# not checked among the loaded libraries, as the sanitizers' runtime loads it).
# With a third argument "static" (NT_STATIC_CRYPTO, cmake/NautilusCrypto.cmake)
# libsodium and libsecp256k1 are linked in and must not be loaded either.
#   startup_libs.sh NAUTILUS SOURCE_DIR [static]
set -euo pipefail
bin=$1 src=$2
heavy='lib(curl|zmq|sqlite3|systemd|inih|expat|crypto|ssl)\.so'
[ "${3:-}" = static ] && heavy='lib(curl|zmq|sqlite3|systemd|inih|expat|crypto|ssl|sodium|secp256k1)\.so'
fail=0

needed=$(readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
echo "NEEDED: $(echo $needed)"
if echo "$needed" | grep -Eq "$heavy|^libm\.so"; then
  echo "FAIL: the program names a library it should open on first use" >&2
  fail=1
fi

v=$src/tests/vectors/zk
for args in "version" "zk verify $v/verification_key.json $v/proof_1.json $v/public_1.json"; do
  # shellcheck disable=SC2086
  loaded=$(LD_DEBUG=libs "$bin" $args 2>&1 >/dev/null | sed -n 's/.*calling init: \(.*\)$/\1/p')
  echo "$args: $(echo "$loaded" | xargs -n1 basename 2>/dev/null | tr '\n' ' ')"
  if [ -z "$loaded" ]; then
    echo "FAIL: LD_DEBUG=libs showed no libraries at all for '$args'" >&2
    fail=1
  elif echo "$loaded" | grep -Eq "$heavy"; then
    echo "FAIL: '$args' loaded a library it does not use" >&2
    fail=1
  fi
done
exit $fail
