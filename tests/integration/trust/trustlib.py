"""Shared pieces of the signed-records tests (issue 4): key files, trust
files, RRsets signed in Python (dnspython + cryptography, an independent
RFC 4034 / RFC 8080 implementation), mDNS packets with the cache-flush bit,
and the checks that the `nautilus` CLI has its trust options.

Run with /usr/bin/python3 (Debian's, with dnspython 2.3 and cryptography).
"""
import os
import re
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
LIB = os.path.join(HERE, "..", "lib")
sys.path.insert(0, LIB)

import dns.dnssec  # noqa: E402
import dns.flags  # noqa: E402
import dns.message  # noqa: E402
import dns.name  # noqa: E402
import dns.rdata  # noqa: E402
import dns.rdataclass  # noqa: E402
import dns.rdatatype  # noqa: E402
import dns.rrset  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ed25519  # noqa: E402

from mdnsq import _skip_name, strip_cache_flush  # noqa: E402,F401
from nttest import SKIP  # noqa: E402

ATTACK = os.path.join(HERE, "attacker.py")
NOT_YET = re.compile(r"not (yet )?(supported|implemented)|unknown option|unexpected argument", re.I)
IN = dns.rdataclass.IN


def require_trust_cli(nautilus):
    """Exits 77 (skip) unless `publish --sign` and `browse --trust/--require`
    are built. Probed with arguments that fail fast either way: a missing
    state directory and a trust file that does not exist."""
    probes = [
        [nautilus, "publish", "--sign", "--state", "/nonexistent/nt-probe", "x", "_x._tcp", "1"],
        [nautilus, "browse", "_x._tcp", "--require", "trusted", "--trust", "/nonexistent/nt-probe",
         "--timeout", "0"],
    ]
    for argv in probes:
        r = subprocess.run(["unshare", "-n"] + argv, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, timeout=10)
        if NOT_YET.search(r.stderr):
            print("SKIP: trust options not available yet: %s" % r.stderr.strip()[:160])
            sys.exit(SKIP)


# ---- keys -----------------------------------------------------------------

def keygen(nautilus, state, host):
    """`nautilus keygen --state STATE --host HOST --json`; returns its JSON."""
    import json
    r = subprocess.run([nautilus, "keygen", "--state", state, "--host", host, "--json"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=20)
    if r.returncode != 0:
        raise RuntimeError("keygen failed: %s" % r.stderr)
    return json.loads(r.stdout.strip().splitlines()[-1])


def load_seed(state):
    """The Ed25519 seed from a state directory's key file (the test controls
    that key: it plays a pinned key the attacker holds)."""
    with open(os.path.join(state, "ed25519.key")) as f:
        for line in f:
            if line.startswith("secret "):
                return bytes.fromhex(line.split()[1])
    raise RuntimeError("no secret in %s" % state)


class Key:
    """An Ed25519 key as a DNSKEY at a host name."""

    def __init__(self, host, seed=None):
        """host: text, or a dns.name.Name (any label bytes, e.g. a signer
        name with '#', spaces or newlines in it)."""
        self.priv = (ed25519.Ed25519PrivateKey.from_private_bytes(seed) if seed
                     else ed25519.Ed25519PrivateKey.generate())
        if isinstance(host, dns.name.Name):
            self.host = host
        else:
            self.host = dns.name.from_text(host if host.endswith(".") else host + ".")
        self.dnskey = dns.dnssec.make_dnskey(self.priv.public_key(), 15)
        self.tag = dns.dnssec.key_id(self.dnskey)

    def digest_hex(self):
        """The key's identity (DESIGN section 3): DS digest type 2."""
        return dns.dnssec.make_ds(self.host, self.dnskey, "SHA256").digest.hex()

    def sign(self, rrset, inception, expiration):
        return dns.dnssec.sign(rrset, self.priv, self.host, self.dnskey,
                               inception=inception, expiration=expiration)


def write_trust_file(path, pins):
    """pins: [(host, digest_hex)]; the trust store format of nautilus/trust.h."""
    with open(path, "w") as f:
        f.write("# pinned keys for the test\n")
        for host, digest in pins:
            f.write("%s %s\n" % (host, digest))


# ---- records and packets ---------------------------------------------------

def name(text):
    return dns.name.from_text(text if text.endswith(".") else text + ".")


def rrset(owner, ttl, rdtype, *rdatas):
    return dns.rrset.from_text(name(owner), ttl, IN, rdtype, *rdatas)


def rrsig_rrset(owner, rrsigs, ttl=120):
    rs = dns.rrset.RRset(name(owner), IN, dns.rdatatype.RRSIG,
                         covers=rrsigs[0].type_covered)
    for s in rrsigs:
        rs.add(s, ttl)
    return rs


def dnskey_rrset(key, ttl=120):
    rs = dns.rrset.RRset(key.host, IN, dns.rdatatype.DNSKEY)
    rs.add(key.dnskey, ttl)
    return rs


def set_cache_flush(wire, shared_types=(dns.rdatatype.PTR,)):
    """Sets the mDNS cache-flush bit (RFC 6762 section 10.2) on every record
    except shared ones (PTR), as a responder does for its unique records."""
    b = bytearray(wire)
    qd, an, ns, ar = struct.unpack_from("!4H", b, 4)
    off = 12
    for _ in range(qd):
        off = _skip_name(b, off) + 4
    for _ in range(an + ns + ar):
        off = _skip_name(b, off)
        rtype, rclass = struct.unpack_from("!HH", b, off)
        if rtype not in shared_types:
            struct.pack_into("!H", b, off + 2, rclass | 0x8000)
        rdlen = struct.unpack_from("!H", b, off + 8)[0]
        off += 10 + rdlen
    return bytes(b)


def response(answers, additional=()):
    """An mDNS response (RFC 6762 section 18: id 0, QR and AA) as bytes."""
    m = dns.message.Message(id=0)
    m.flags = dns.flags.QR | dns.flags.AA
    for rs in answers:
        m.answer.append(rs)
    for rs in additional:
        m.additional.append(rs)
    return set_cache_flush(m.to_wire())


def rrsets_of(data):
    """Every RRset of an mDNS message, cache-flush bits cleared, grouped by
    (owner, type, covers) across all sections. Returns a dict mapping that
    key to a dns.rrset.RRset (TTL: the smallest seen)."""
    clean, _flags = strip_cache_flush(data)
    m = dns.message.from_wire(clean, ignore_trailing=True)
    out = {}
    for section in (m.answer, m.authority, m.additional):
        for rs in section:
            key = (rs.name.to_text().lower(), rs.rdtype, rs.covers)
            if key not in out:
                out[key] = dns.rrset.RRset(rs.name, rs.rdclass, rs.rdtype, rs.covers)
            for rd in rs:
                out[key].add(rd, rs.ttl)
    return out
