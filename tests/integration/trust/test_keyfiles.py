#!/usr/bin/python3
"""`nautilus publish --sign --state DIR` refuses unsafe or broken key files
(issue 4, DESIGN section 3): exit 2, exactly one clear line on stderr, nothing
on stdout, and no network activity (it must fail before it opens a socket, so
it runs in a fresh network namespace that has no interface up at all: if it
got as far as the network, it would fail differently).

Cases: key file mode 0644 (ed25519 and secp256k1), a key file that is a
symlink, truncated, garbled (non-hex secret), corrupted (secret and public key
disagree), missing; state directory mode 000 (we run as root: the code must
check modes itself), missing. A good state directory is the control: it must
get past the key check (no key complaint on stderr).

Label `tool`: no LAN needed. Exit 77 while `publish --sign` is not built.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
from nttest import SKIP, Checks, nautilus_path  # noqa: E402

NOT_YET = re.compile(r"not (yet )?(supported|implemented)", re.I)
KEY_WORDS = re.compile(r"key|state|perm|mode|truncat|corrupt|garbl|format", re.I)


def publish_sign(nautilus, state, timeout=10):
    """publish --sign in a new, empty network namespace (only lo, down)."""
    argv = ["unshare", "-n", nautilus, "publish", "--sign", "--state", state,
            "--host", "keytest", "Key Test", "_keytest._tcp", "9"]
    try:
        r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, timeout=timeout)
        return r.returncode, r.stdout, r.stderr
    except subprocess.TimeoutExpired as e:
        return None, e.stdout or "", e.stderr or ""


def keygen(nautilus, state):
    r = subprocess.run([nautilus, "keygen", "--state", state, "--host", "keytest"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=20)
    if r.returncode != 0:
        raise RuntimeError("keygen failed: %s" % r.stderr)


def main():
    nautilus = nautilus_path()
    work = tempfile.mkdtemp(prefix="nt-keyfiles-")
    try:
        probe = os.path.join(work, "probe")
        keygen(nautilus, probe)
        rc, _, err = publish_sign(nautilus, probe, timeout=3)
        if NOT_YET.search(err):
            print("SKIP: `publish --sign` is not available yet (%s)" % err.strip()[:120])
            return SKIP
        c = Checks("publish --sign refuses unsafe or broken key files")
        run_cases(c, nautilus, work)
        c.done()
    finally:
        for root, dirs, _ in os.walk(work):
            for d in dirs:
                os.chmod(os.path.join(root, d), 0o700)
        shutil.rmtree(work, ignore_errors=True)
    return 0


def fresh(nautilus, work, name):
    d = os.path.join(work, name)
    keygen(nautilus, d)
    return d


def rewrite(path, fn):
    with open(path) as f:
        text = f.read()
    mode = os.stat(path).st_mode & 0o777
    with open(path, "w") as f:
        f.write(fn(text))
    os.chmod(path, mode)


def flip_hex(text, field):
    """Changes one hex digit of `field <hex>` (a valid but wrong value)."""
    out = []
    for line in text.splitlines(True):
        if line.startswith(field + " "):
            i = len(field) + 1 + 10
            ch = line[i]
            line = line[:i] + ("0" if ch != "0" else "1") + line[i + 1:]
        out.append(line)
    return "".join(out)


def run_cases(c, nautilus, work):
    ED, SEC = "ed25519.key", "secp256k1.key"

    # Control: a good state directory gets past the key check.
    good = fresh(nautilus, work, "good")
    c.check(oct(os.stat(os.path.join(good, ED)).st_mode & 0o777) == "0o600",
            "keygen writes the signing key with mode 0600")
    rc, out, err = publish_sign(nautilus, good, timeout=3)
    c.check(not re.search(r"key file|permission|truncat|corrupt|garbl", err, re.I),
            "control: good keys are not refused", "rc=%s stderr=%r" % (rc, err))
    c.note("control: rc=%s, stderr %r" % (rc, err.strip()[:160]))

    cases = []

    def case(name, why, setup, expect):
        d = fresh(nautilus, work, name)
        setup(d)
        cases.append((name, why, d, re.compile(expect, re.I)))

    case("ed-0644", "signing key mode 0644",
         lambda d: os.chmod(os.path.join(d, ED), 0o644), r"perm|mode|readable|unsafe|0644|group|other")
    case("sec-0644", "chain key mode 0644",
         lambda d: os.chmod(os.path.join(d, SEC), 0o644), r"perm|mode|readable|unsafe|0644|group|other")
    case("ed-0600-group-w", "signing key mode 0620",
         lambda d: os.chmod(os.path.join(d, ED), 0o620), r"perm|mode|writable|unsafe|group|other")

    def symlink(d):
        real = os.path.join(d, "real.key")
        os.rename(os.path.join(d, ED), real)
        os.symlink(real, os.path.join(d, ED))
    case("ed-symlink", "signing key is a symlink", symlink, r"perm|symlink|link|plain|regular|unsafe")

    def truncate(d):
        p = os.path.join(d, ED)
        size = os.path.getsize(p)
        with open(p, "r+b") as f:
            f.truncate(size // 2)
    case("ed-truncated", "signing key truncated to half", truncate, r"truncat|short|too soon|incomplete")

    def empty(d):
        open(os.path.join(d, ED), "w").close()
    case("ed-empty", "signing key file empty", empty, r"truncat|short|too soon|empty|incomplete")

    case("ed-garbled", "signing key secret not hex",
         lambda d: rewrite(os.path.join(d, ED), lambda t: re.sub(r"secret [0-9a-f]{8}", "secret zzzzzzzz", t)),
         r"garbl|format|malformed|invalid|corrupt|parse")
    case("ed-corrupt", "signing key secret and public key disagree",
         lambda d: rewrite(os.path.join(d, ED), lambda t: flip_hex(t, "secret")),
         r"corrupt|disagree|mismatch|match|inconsistent")
    case("ed-missing", "signing key missing",
         lambda d: os.unlink(os.path.join(d, ED)), r"missing|no such|not found|does not exist|no key")
    case("dir-000", "state directory mode 000",
         lambda d: os.chmod(d, 0o000), r"state|director|unreadable|permission|access")
    cases.append(("dir-missing", "state directory missing", os.path.join(work, "nope"),
                  re.compile(r"state|director|missing|no such|not found|does not exist", re.I)))

    for name, why, d, expect in cases:
        rc, out, err = publish_sign(nautilus, d)
        lines = [x for x in err.splitlines() if x.strip()]
        c.check(rc == 2, "%s: exit 2" % why, "rc=%s stderr=%r" % (rc, err))
        c.check(len(lines) == 1, "%s: exactly one line on stderr" % why, repr(err))
        c.check(bool(lines) and bool(expect.search(lines[0])) and not NOT_YET.search(err),
                "%s: the line says what is wrong" % why, repr(err))
        c.check(not out.strip(), "%s: nothing on stdout (never got to publishing)" % why, repr(out))
        c.check(not re.search(r"[0-9a-f]{64}", err, re.I),
                "%s: no key material echoed" % why, repr(err))
        if lines:
            c.note("%-14s %s" % (name, lines[0]))
    # The broken files are left as they were: the refusal must not "repair"
    # (rewrite) a key the operator has to look at.
    d = [x for x in cases if x[0] == "ed-0644"][0][2]
    c.check(os.stat(os.path.join(d, ED)).st_mode & 0o777 == 0o644,
            "a refused key file is left untouched")


if __name__ == "__main__":
    sys.exit(main())
