#!/bin/bash
# Exit codes and messages of publish, browse and resolve that need no
# network (DESIGN §9): --help exits 0, bad usage exits 2 with one line on
# stderr that starts with "nautilus: ".
N=$1
fails=0
expect() { # CODE PATTERN ARGS...
    local want=$1 pat=$2; shift 2
    local err out rc
    err=$(mktemp)
    out=$("$N" "$@" 2>"$err"); rc=$?
    if [ "$rc" != "$want" ]; then
        echo "FAIL: nautilus $* -> exit $rc, want $want ($(cat "$err"))"; fails=$((fails+1))
    elif [ "$want" = 2 ] && { [ "$(wc -l <"$err")" != 1 ] || ! grep -q "^nautilus: .*$pat" "$err"; }; then
        echo "FAIL: nautilus $* -> stderr '$(cat "$err")', want one line matching '$pat'"; fails=$((fails+1))
    elif [ "$want" = 0 ] && ! grep -q "$pat" <<<"$out"; then
        echo "FAIL: nautilus $* -> stdout lacks '$pat'"; fails=$((fails+1))
    else
        echo "ok: nautilus $* -> $rc"
    fi
    rm -f "$err"
}
expect 0 "usage: nautilus publish" publish --help
expect 0 "usage: nautilus browse" browse --help
expect 0 "usage: nautilus resolve" resolve --help
expect 2 "need INSTANCE TYPE PORT" publish
expect 2 "need INSTANCE TYPE PORT" publish Name _http._tcp
expect 2 "bad service type" publish Name http 80
expect 2 "bad service type" publish Name _averyveryverylongname._tcp 80
expect 2 "PORT wants a number" publish Name _http._tcp 70000
expect 2 "bad TXT entry" publish Name _http._tcp 80 =value
expect 2 "bad --host" publish --host printer.example.com Name _http._tcp 80
expect 2 "--priority wants" publish --priority x Name _http._tcp 80
expect 2 "-i needs a value" publish Name _http._tcp 80 -i
expect 2 "unknown option" publish --bogus Name _http._tcp 80
expect 2 "instance name must be" publish "$(printf 'x%.0s' $(seq 64))" _http._tcp 80
expect 2 "cannot start mDNS" publish -i no-such-if9 Name _http._tcp 80
# publish through the agent (DESIGN 8.3): --persist and --withdraw are the
# agent's; with an in-process option or --no-agent they are usage errors
expect 2 "--persist is the agent's, -i is this process's" publish --persist -i lo Name _http._tcp 80
expect 2 "--withdraw is the agent's, --no-agent" publish --withdraw --no-agent Name _http._tcp
expect 2 "--withdraw takes INSTANCE TYPE" publish --withdraw Name _http._tcp 80
expect 2 "exclude each other" publish --persist --withdraw Name _http._tcp
expect 2 "--control needs a path" publish --control
expect 1 "" publish --persist --control /nonexistent/nt-control Name _http._tcp 80
expect 1 "" publish --withdraw --control /nonexistent/nt-control Name _http._tcp
expect 2 "need a service TYPE" browse
expect 2 "bad service type" browse printer
expect 2 "--timeout wants" browse _http._tcp --timeout soon
expect 2 "unexpected argument" browse _http._tcp _ipp._tcp
expect 2 "cannot start mDNS" browse _http._tcp -i no-such-if9 --timeout 1
expect 2 "need HOST.local" resolve
expect 2 "bad host name" resolve printer.example.com
expect 2 "exclude each other" resolve h.local -4 -6
expect 2 "bad service type" resolve --best printer
expect 2 "cannot start mDNS" resolve h.local -i no-such-if9
expect 2 "--require wants unsigned" resolve h.local --require bogus
expect 2 "needs a value" resolve --best _http._tcp --trust
expect 2 "cannot read trust file" resolve --best _http._tcp --trust /nonexistent/trust-file

# --tofu FILE: a file that cannot be read is exit 2; one that does not exist
# yet is fine; a malformed line is skipped with a warning naming FILE:LINE
# and the run goes on (here to the missing interface, so no network).
tmp=$(mktemp -d)
expect 2 "cannot read TOFU file" browse _http._tcp --tofu "$tmp" -i no-such-if9 --timeout 1
expect 2 "cannot start mDNS" browse _http._tcp --tofu "$tmp/new" -i no-such-if9 --timeout 1
hex=$(printf '0%.0s' $(seq 64))
printf 'a.local %s\nbad..name.local %s # poisoned\nb.local 123\n' "$hex" "$hex" >"$tmp/tofu"
err=$("$N" browse _http._tcp --tofu "$tmp/tofu" -i no-such-if9 --timeout 1 2>&1 >/dev/null)
if grep -q "^nautilus: browse: $tmp/tofu:2: skipped malformed line" <<<"$err" &&
   grep -q "^nautilus: browse: $tmp/tofu:3: skipped malformed line" <<<"$err" &&
   grep -q "cannot start mDNS" <<<"$err" && [ "$(wc -l <<<"$err")" = 3 ]; then
    echo "ok: browse --tofu with bad lines warns per line and goes on"
else
    echo "FAIL: browse --tofu with bad lines: '$err'"; fails=$((fails+1))
fi

# --zk-vk: a configured key is checked whole (a vk_alphabeta_12 that is not
# e(alpha, beta): exit 2, naming the file), before any interface is opened.
/usr/bin/python3 - "$(dirname "$0")/../vectors/zk/verification_key.json" "$tmp/bad-vk.json" <<'PY'
import json, sys
k = json.load(open(sys.argv[1]))
k["vk_alphabeta_12"][0][0][0] = "1"
json.dump(k, open(sys.argv[2], "w"))
PY
expect 2 "cannot use verification key $tmp/bad-vk.json: vk_alphabeta_12 does not match" \
    browse _http._tcp --zk-vk "$tmp/bad-vk.json" -i no-such-if9 --timeout 1
rm -rf "$tmp"
[ "$fails" = 0 ] || { echo "$fails failed"; exit 1; }
