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
[ "$fails" = 0 ] || { echo "$fails failed"; exit 1; }
