"""Shared pieces of the issue-8 regression tests (ways around the trust
rules, each one packet from a LAN attacker): the attacker's radio, raw mDNS
packets with per-record TTLs, signed sets made in Python, the LAN with a
signing publisher and pinned browsers, and the checks every test makes after
each attack (the real service keeps its records, trust level and TTLs).

Every attack is sent twice, as two variants reported on their own lines: by
multicast to 224.0.0.251:5353, and by unicast straight to each browser's
address:5353, both from the attacker's socket bound to port 5353 (the engine
ignores responses from any other port, RFC 6762 section 6).

Run with /usr/bin/python3 (Debian's: dnspython, cryptography).
"""
import json
import os
import shutil
import signal
import struct
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TRUST_DIR = os.path.join(HERE, "..", "trust")
sys.path.insert(0, TRUST_DIR)
import trustlib as T  # noqa: E402
from nttest import (PYTHON, Checks, Lan, Nautilus, has_addr,  # noqa: E402,F401
                    nautilus_path, require_commands)

import dns.name  # noqa: E402
import dns.rdata  # noqa: E402
import dns.rdataclass  # noqa: E402
import dns.rdatatype as RT  # noqa: E402
import dns.rrset  # noqa: E402

STYPE = "_ntbypass._tcp"
PTR_OWNER = STYPE + ".local"
REAL = "Real Service"
PORT = 631
DAY = 86400
TTL_MAX = 0x7FFFFFFF  # 2^31 - 1 (RFC 2181 section 8)
MCAST = "224.0.0.251"


def full(instance, stype=STYPE):
    return "%s.%s.local" % (instance, stype)


def esc(text):
    """A name in presentation form for RDATA text (spaces escaped)."""
    return text.replace(" ", "\\032")


# ---- the attacker's radio ---------------------------------------------------

class Radio:
    """attacker.py in the attacker's namespace, driven by JSON lines."""

    def __init__(self, host):
        self.host = host
        err = open(os.path.join(host.lan.workdir, "attacker-%s.err" % host.name), "w")
        self.proc = host.spawn([PYTHON, "-u", T.ATTACK], name="attacker",
                               stdout=subprocess.PIPE, stderr=err, stdin=subprocess.PIPE)
        first = json.loads(self.proc.popen.stdout.readline())
        if not first.get("ready"):
            raise RuntimeError("attacker radio not ready")

    def cmd(self, **obj):
        self.proc.popen.stdin.write(json.dumps(obj) + "\n")
        self.proc.popen.stdin.flush()
        r = json.loads(self.proc.popen.stdout.readline())
        if not r.get("ok"):
            raise RuntimeError("attacker: %s" % r)
        return r

    def send(self, data, to=MCAST, repeat=1, gap=0.0, src=None):
        args = dict(op="send", hex=data.hex(), repeat=repeat, gap=gap, to=to)
        if src:
            args["src"] = src
        return self.cmd(**args)

    def send_many(self, packets, to=MCAST, gap=0.0, src=None):
        args = dict(op="send_many", hexes=[p.hex() for p in packets], gap=gap, to=to)
        if src:
            args["src"] = src
        return self.cmd(**args)

    def heard(self, src, since=0.0):
        r = self.cmd(op="heard", src=src, since=since)
        return [(p["t"], bytes.fromhex(p["hex"])) for p in r["packets"]], r["t"]

    def now(self):
        return self.heard("0.0.0.0")[1]


def variants(*browsers):
    """The two ways every attack is sent: [(tag, [destination addresses])]."""
    return [("multicast", [MCAST]), ("unicast", [b.v4 for b in browsers])]


def send_to(radio, data, dests, repeat=1, gap=0.0):
    for d in dests:
        radio.send(data, to=d, repeat=repeat, gap=gap)


# ---- raw packets --------------------------------------------------------------

def name_wire(owner):
    if isinstance(owner, dns.name.Name):
        return owner.to_wire()
    return T.name(owner).to_wire()


def rdata_wire(rdtype, text):
    """RDATA bytes (uncompressed) of a record in presentation form."""
    rd = dns.rdata.from_text(dns.rdataclass.IN, rdtype, text)
    return rd.to_wire()


def rr(owner, rdtype, ttl, rdata, flush=None):
    """One resource record, uncompressed. rdtype: int or text; rdata: bytes
    or presentation text. flush: the cache-flush bit (default: every type
    but PTR, as a responder sets it for unique records)."""
    t = dns.rdatatype.from_text(rdtype) if isinstance(rdtype, str) else rdtype
    if isinstance(rdata, str):
        rdata = rdata_wire(t, rdata)
    if flush is None:
        flush = t != RT.PTR
    return name_wire(owner) + struct.pack("!HHIH", t, 1 | (0x8000 if flush else 0),
                                          ttl & 0xFFFFFFFF, len(rdata)) + rdata


def message(answers, additional=()):
    """An mDNS response (id 0, QR|AA) of raw records (rr() bytes)."""
    head = struct.pack("!6H", 0, 0x8400, 0, len(answers), 0, len(additional))
    return head + b"".join(answers) + b"".join(additional)


def sign_set(key, owner, rdtype, texts, orig_ttl, inception, expiration):
    """Signs the RRset (owner, rdtype, texts) with original TTL orig_ttl;
    returns (list of RDATA bytes in the order given, RRSIG RDATA bytes)."""
    rs = T.rrset(owner, orig_ttl, rdtype, *texts)
    sig = key.sign(rs, inception, expiration)
    t = dns.rdatatype.from_text(rdtype)
    return [rdata_wire(t, x) for x in texts], sig.to_wire()


def dnskey_rr(key, ttl=120):
    return rr(key.host, RT.DNSKEY, ttl, key.dnskey.to_wire(), flush=True)


def rrsig_rr(owner, ttl, sig_rdata):
    return rr(owner, RT.RRSIG, ttl, sig_rdata, flush=False)


def label_name(*labels):
    """A name from raw label bytes (any byte allowed), under local."""
    return dns.name.Name([bytes(x) for x in labels] + [b"local", b""])


def service_sets(instance, host, port, addr, txt=(b"rp=evil",), ttl_host=120, ttl_other=4500):
    """The PTR, SRV, TXT and A sets of a service at host (a dns.name.Name or
    text), as dnspython RRsets."""
    from dns.rdtypes.ANY.PTR import PTR
    from dns.rdtypes.ANY.TXT import TXT
    from dns.rdtypes.IN.A import A
    from dns.rdtypes.IN.SRV import SRV
    if not isinstance(host, dns.name.Name):
        host = T.name(host)
    inst = T.name(full(instance))
    IN = dns.rdataclass.IN
    ptr = dns.rrset.RRset(T.name(PTR_OWNER), IN, RT.PTR)
    ptr.add(PTR(IN, RT.PTR, inst), ttl_other)
    srv = dns.rrset.RRset(inst, IN, RT.SRV)
    srv.add(SRV(IN, RT.SRV, 0, 0, port, host), ttl_host)
    tx = dns.rrset.RRset(inst, IN, RT.TXT)
    tx.add(TXT(IN, RT.TXT, list(txt)), ttl_other)
    a = dns.rrset.RRset(host, IN, RT.A)
    a.add(A(IN, RT.A, addr), ttl_host)
    return [ptr, srv, tx, a]


def signed_packet(key, sets, inception=None, expiration=None):
    """An mDNS response with sets, one RRSIG each by key, and key's DNSKEY."""
    now = int(time.time())
    inception = now - 60 if inception is None else inception
    expiration = now + DAY if expiration is None else expiration
    sigs = []
    for rs in sets:
        sig = key.sign(rs, inception, expiration)
        srs = dns.rrset.RRset(rs.name, dns.rdataclass.IN, RT.RRSIG, covers=rs.rdtype)
        srs.add(sig, rs.ttl)
        sigs.append(srs)
    return T.response(sets, sigs + [T.dnskey_rrset(key)])


def walk_records(data):
    """Yields (offset_of_type_field, owner_end, rtype, ttl) for every record."""
    b = bytes(data)
    qd, an, ns, ar = struct.unpack_from("!4H", b, 4)
    off = 12
    for _ in range(qd):
        off = T._skip_name(b, off) + 4
    for _ in range(an + ns + ar):
        off = T._skip_name(b, off)
        rtype, _rclass, ttl, rdlen = struct.unpack_from("!HHIH", b, off)
        yield off, rtype, ttl
        off += 10 + rdlen


def patch_ttls(data, fn):
    """Rewrites every record's TTL to fn(rtype, ttl) (None: unchanged)."""
    b = bytearray(data)
    for off, rtype, ttl in list(walk_records(b)):
        new = fn(rtype, ttl)
        if new is not None:
            struct.pack_into("!I", b, off + 4, new & 0xFFFFFFFF)
    return bytes(b)


def min_ttl(data, skip=(RT.RRSIG, RT.DNSKEY)):
    ttls = [ttl for _o, t, ttl in walk_records(data) if t not in skip]
    return min(ttls) if ttls else None


def find_set(packets, owner, rdtype, signed=True):
    """The newest packet in packets [(t, bytes)] with the (owner, rdtype) set
    (and its RRSIG if signed): (t, data, rrsets) or None."""
    key = T.name(owner).to_text().lower()
    for t, data in reversed(packets):
        try:
            sets = T.rrsets_of(data)
        except Exception:  # noqa: BLE001  other traffic
            continue
        s = sets.get((key, rdtype, RT.NONE))
        if s is None or (signed and sets.get((key, RT.RRSIG, rdtype)) is None):
            continue
        if min(s.ttl, 1) == 0:
            continue
        return t, data, sets
    return None


# ---- the LAN ---------------------------------------------------------------

class World:
    """Lan + keys + trust file + radio; publishers and browsers started on
    demand. Keys are made with `nautilus keygen` in state dirs the test can
    read (the test holds the keys: a captured signed set is one the test
    signs with the publisher's own key)."""

    def __init__(self, lan, nbin, title):
        self.lan = lan
        self.nbin = nbin
        self.wd = lan.workdir
        self.keys = {}
        self.title = title

    def keygen(self, host):
        state = os.path.join(self.wd, "state-" + host)
        info = T.keygen(self.nbin, state, host)
        key = T.Key(host + ".local", T.load_seed(state))
        if key.digest_hex() != info["key_digest"]:
            raise RuntimeError("key digest mismatch for %s" % host)
        self.keys[host] = (state, info, key)
        return state, info, key

    def trust_file(self, hosts, path=None):
        path = path or os.path.join(self.wd, "trust.txt")
        T.write_trust_file(path, [(h + ".local", self.keys[h][1]["key_digest"]) for h in hosts])
        return path

    def publish(self, host, instance, hname, port=PORT, ttl=None, txt=("rp=real",), name=None):
        state = self.keys[hname][0]
        return Nautilus(self.nbin, host).publish(instance, STYPE, port, list(txt), host_name=hname,
                                                 ttl=ttl, extra=["--sign", "--state", state],
                                                 name=name or "publish-" + hname)

    def browse(self, host, extra, name):
        return Nautilus(self.nbin, host).browse(STYPE, extra=extra, name=name)

    def fresh_browse(self, host, extra, timeout=3):
        """A one-shot `browse --json --timeout T`: (exit code, events, stderr)."""
        r = host.run([self.nbin, "browse", STYPE, "-i", "lan0", "--resolve", "--json",
                      "--timeout", str(timeout)] + list(extra), timeout=timeout + 20)
        evs = []
        for x in r.stdout.splitlines():
            try:
                o = json.loads(x)
            except ValueError:
                continue
            if isinstance(o, dict):
                evs.append(o)
        return r.returncode, evs, r.stderr


class Parked:
    """A pinned service whose publisher was killed with SIGKILL once the
    browsers had it: its records stay cached (long TTL), and nobody
    re-announces them, so a goodbye the browser wrongly takes is seen as a
    removal instead of being healed by the publisher within a second.
    restore() brings it back (restart, wait until shown, kill again) when an
    earlier attack removed it, so each variant is judged on its own."""

    def __init__(self, world, host, instance, hname, port, browsers):
        self.w = world
        self.host = host
        self.instance = instance
        self.hname = hname
        self.port = port
        self.browsers = browsers  # [(Lines, Expect)]
        self.n = 0
        self.restores = 0
        self._start()

    def _start(self):
        self.n += 1
        proc = self.w.publish(self.host, self.instance, self.hname, port=self.port, ttl=900,
                              name="publish-%s-%d" % (self.hname, self.n))
        ok = all(wait_shown(lines, e, 12) is not None for lines, e in self.browsers)
        time.sleep(0.5)
        kill(proc)
        time.sleep(0.3)
        return ok

    def shown_everywhere(self):
        return all(e.matches(svc_state(list(lines.all), e.instance)) for lines, e in self.browsers)

    def restore(self, c=None, label=""):
        if self.shown_everywhere():
            return True
        self.restores += 1
        ok = self._start()
        if c is not None:
            c.note("%s: %s was gone after an earlier attack: published again%s" % (
                label, self.instance, "" if ok else " (NOT shown again)"))
        return ok


# ---- what browsers show ------------------------------------------------------

def svc_state(events, instance):
    """The instance as the events leave it: the last added/updated event, or
    None if it was removed (or never shown)."""
    st = None
    for o in events:
        if o.get("instance") != instance:
            continue
        ev = o.get("event")
        if ev in ("added", "updated"):
            st = o
        elif ev == "removed":
            st = None
    return st


def wait_state(lines, instance, pred, timeout):
    deadline = time.monotonic() + timeout
    while True:
        st = svc_state(list(lines.all), instance)
        if st is not None and pred(st):
            return st
        if time.monotonic() >= deadline:
            return st if st is not None and pred(st) else None
        time.sleep(0.05)


def wait_new(lines, pred, since, timeout):
    deadline = time.monotonic() + timeout
    while True:
        for o in list(lines.all):
            if o["_t"] >= since and pred(o):
                return o
        if time.monotonic() >= deadline:
            return None
        time.sleep(0.05)


def since(lines, t, pred=lambda o: True):
    return [o for o in list(lines.all) if o["_t"] >= t and pred(o)]


def brief(o):
    if o is None:
        return None
    return {k: o.get(k) for k in ("event", "instance", "name", "host", "port", "addresses",
                                  "trust", "key", "reason", "pin", "first_seen") if k in o}


class Expect:
    """What a browser must keep showing for one instance."""

    def __init__(self, instance, port, host, addr, trust, key=None):
        self.instance = instance
        self.port = port
        self.host = host
        self.addr = addr
        self.trust = trust
        self.key = key

    def matches(self, o):
        return (o is not None and o.get("event") in ("added", "updated") and
                o.get("port") == self.port and o.get("host") == self.host and
                has_addr(o.get("addresses"), self.addr) and o.get("trust") == self.trust and
                (self.key is None or o.get("key") == self.key))


def wait_shown(lines, e, timeout=10.0):
    """Waits until the browser shows e (an Expect) as it should."""
    return wait_state(lines, e.instance, e.matches, timeout)


def check_kept(c, lines, t0, expects, label, who="pinned browser"):
    """After an attack sent at t0: no event for a protected instance since
    then other than a rejection or one that shows exactly what it showed
    before (no removal, no other port/host/address/trust), and its current
    state is still that."""
    for e in expects:
        bad = since(lines, t0, lambda o: o.get("instance") == e.instance and
                    o.get("event") != "rejected" and not e.matches(o))
        cur = svc_state(list(lines.all), e.instance)
        c.check(not bad and e.matches(cur),
                "%s: %s keeps %s (port %d, host %s, address, %s)" % (
                    label, who, e.instance, e.port, e.host, e.trust),
                {"changed": [brief(o) for o in bad[:3]], "now": brief(cur)})


# browse groups rejections by (name, reason): the first of a group is shown
# at once, later ones at most once per 10 s as one line with "count". A
# variant whose rejection joins the group of the one before it is seen when
# that line comes out.
REJECT_WAIT = 13.0


def expect_rejected(c, lines, t0, reason, label, timeout=REJECT_WAIT, who="pinned browser"):
    """A `rejected` event with reason since t0 (reported on its own line)."""
    ev = wait_new(lines, lambda o: o.get("event") == "rejected" and o.get("reason") == reason,
                  t0, timeout)
    c.check(ev is not None, "%s: %s rejects it, reason %s" % (label, who, reason),
            [brief(o) for o in since(lines, t0, lambda o: o.get("event") == "rejected")][:4])
    return ev


def publisher_renamed(pub):
    return pub.read_log().count("renamed")


def copy_file(src, dst):
    shutil.copyfile(src, dst)
    return dst


def kill(proc):
    proc.stop(sig=signal.SIGKILL)


def run_items(c, items):
    """Runs item functions in order; a crash in one is its FAIL line, and
    the others still run."""
    import traceback
    for tag, fn in items:
        try:
            fn()
        except Exception as exc:  # noqa: BLE001  reported as a failed check
            traceback.print_exc()
            c.check(False, "%s: ran to the end" % tag, repr(exc))


def summary(c, item):
    """One line per item: PASS or FAIL, for the report."""
    print("ITEM (%s) %s" % (item, "PASS" if not c.failed else "FAIL (%d checks)" % len(c.failed)),
          flush=True)
