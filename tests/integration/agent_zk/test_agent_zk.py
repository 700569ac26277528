#!/usr/bin/python3
"""Issue 11: `nautilus zk verify` through a running agent (DESIGN §5, §8.3).

One namespace host runs `nautilus agent` with its control socket in a
directory of the test.
1. A valid proof, a tampered proof, a key that is not usable, a statement
   check and --json: through the agent and with --no-agent, the same exit
   code, stdout and stderr line; so too for keys that refuse preparation
   (a wrong vk_alphabeta_12, beta outside G2) at each of three sights.
2. The key cache in the agent's status: the first sight of a key is a
   miss and a one-shot verification, the second a hit that prepares it,
   the third a verification on the prepared key; 17 other keys (the same
   key with trailing blanks: other texts, other hashes) fill the cache of
   16 and evict, but not the prepared key.
3. Over the rate per connection (bursts of 20), requests get an error
   reply NT_ERR_CTL_RATE, counted; the connection and the agent stay usable.
4. A frame over 64 KiB gets an error frame and a close; a key file too
   large for a frame is verified in-process, with the same answer.
"""
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from nttest import Checks, Lan, nautilus_path, require_commands  # noqa: E402

PY = "/usr/bin/python3"

# A raw client: frames out (argv: path, then a file of JSON lines, one frame
# each, or "BIG:N" for one frame of N bytes), replies back, one JSON line each
# ("CLOSED" when the agent closed the connection); with a third argument,
# then whether the connection is still open a second later.
RAW_CLIENT = r"""
import socket, struct, sys
path, what, check = sys.argv[1], sys.argv[2], len(sys.argv) > 3
frames = [b"x" * int(what[4:])] if what.startswith("BIG:") else \
    [l.encode() for l in open(what).read().splitlines() if l]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(10)
s.connect(path)
def recv(n):
    b = b""
    while len(b) < n:
        x = s.recv(n - len(b))
        if not x:
            return None
        b += x
    return b
try:
    for f in frames:
        s.sendall(struct.pack(">I", len(f)) + f)
except OSError:
    # The agent may refuse a frame and close before all of it is written
    # (EPIPE): what it answered is still to be read.
    pass
for _ in frames:
    try:
        h = recv(4)
    except OSError:
        h = None
    if h is None:
        print("CLOSED"); break
    print(recv(struct.unpack(">I", h)[0]).decode())
else:
    if check:
        s.settimeout(1)
        try:
            print("CLOSED" if s.recv(1) == b"" else "OPEN")
        except socket.timeout:
            print("OPEN")
        except OSError:  # reset: closed with our bytes unread
            print("CLOSED")
"""


def main():
    if os.geteuid() != 0:
        print("SKIP  needs root for network namespaces", flush=True)
        sys.exit(77)
    nbin = nautilus_path()
    src = sys.argv[2]
    require_commands(nbin, "agent", "zk")
    c = Checks("zk verify through the agent's control socket")
    work = tempfile.mkdtemp(prefix="ntzk-")
    os.chmod(work, 0o755)
    try:
        with Lan(hosts=1, prefix="ntzk") as lan:
            run(c, lan, nbin, src, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    c.done()


def run(c, lan, nbin, src, work):
    (a,) = lan.hosts
    vec = os.path.join(src, "tests", "vectors", "zk")
    V = os.path.join(vec, "verification_key.json")
    P1, S1 = os.path.join(vec, "proof_1.json"), os.path.join(vec, "public_1.json")
    ctl = os.path.join(work, "run", "control")
    agent = a.spawn([nbin, "agent", "-i", a.ifname, "--state", os.path.join(work, "state"),
                     "--control", ctl, "--host", "nta", "--log-level", "debug"], name="agent")

    def raw(lines_or_big, check_open=False):
        if isinstance(lines_or_big, str):
            what = lines_or_big
        else:
            what = os.path.join(work, "frames")
            with open(what, "w") as f:
                f.write("\n".join(lines_or_big) + "\n")
        argv = [PY, "-c", RAW_CLIENT, ctl, what] + (["check"] if check_open else [])
        out = subprocess.run(argv, timeout=30, capture_output=True, text=True).stdout.splitlines()
        return [json.loads(l) if l.startswith("{") else l for l in out]

    def zk():
        r = raw(['{"op":"status"}'])
        return r[0].get("zk", {}) if r and isinstance(r[0], dict) else {}

    # The commands need no network: they run here and reach the agent by
    # its socket's path (no `ip netns exec` per run).
    def verify(args, via_agent):
        argv = [nbin, "zk", "verify"] + args + (["--control", ctl] if via_agent else ["--no-agent"])
        return subprocess.run(argv, timeout=30, capture_output=True, text=True)

    for _ in range(100):
        if os.path.exists(ctl) and zk():
            break
        if not agent.alive():
            break
        time.sleep(0.1)
    if not c.check(bool(zk()), "the agent answers on its control socket", agent.read_log()[-800:]):
        return

    # -- 2 first (the counters start from zero) ----------------------------
    z0 = zk()
    r1 = verify([V, P1, S1], True)
    z1 = zk()
    c.check(r1.returncode == 0 and r1.stdout == "valid\n" and r1.stderr == "",
            "a valid proof through the agent: valid, exit 0", r1.stdout + r1.stderr)
    c.check(z1.get("requests") == z0.get("requests", 0) + 1 and z1.get("key_misses") == 1 and
            z1.get("one_shot") == 1 and z1.get("keys_prepared") == 0,
            "the first sight of the key: a miss, a one-shot verification", z1)
    verify([V, P1, S1], True)
    z2 = zk()
    c.check(z2.get("key_hits") == 1 and z2.get("keys_prepared") == 1 and
            z2.get("prepared_runs") == 1 and z2.get("keys") == 1,
            "the second sight: a cache hit that prepares the key", z2)
    verify([V, os.path.join(vec, "proof_2.json"), os.path.join(vec, "public_2.json")], True)
    z3 = zk()
    c.check(z3.get("key_hits") == 2 and z3.get("keys_prepared") == 1 and
            z3.get("prepared_runs") == 2 and z3.get("valid") == 3,
            "the third: verified on the prepared key, not prepared again", z3)

    # -- 1. the same answers through the agent and in-process ---------------
    tamper = os.path.join(src, "tests", "integration", "zk", "tamper.py")
    cases = {"valid": [V, P1, S1],
             "json": ["--json", V, P1, S1],
             "other key digest": ["--key-digest", "ab" * 32, V, P1, S1],
             "another proof's signals": [V, P1, os.path.join(vec, "public_2.json")]}
    for kind in ("signal", "b_twist", "delta_gamma", "not_json"):
        d = os.path.join(work, kind)
        subprocess.run([PY, tamper, kind, V, P1, S1, d], check=True, capture_output=True)
        cases["tampered " + kind] = [os.path.join(d, f) for f in
                                     ("verification_key.json", "proof.json", "public.json")]
    cases["unreadable"] = [V, os.path.join(work, "no-such.json"), S1]
    seen_codes = set()
    for name, args in cases.items():
        ra, rp = verify(args, True), verify(args, False)
        seen_codes.add(ra.returncode)
        c.check((ra.returncode, ra.stdout, ra.stderr) == (rp.returncode, rp.stdout, rp.stderr),
                "%s: the agent and in-process agree (exit %d)" % (name, ra.returncode),
                (ra.returncode, ra.stdout, ra.stderr, rp.returncode, rp.stdout, rp.stderr))
    c.check(seen_codes == {0, 1, 2}, "the cases cover exit 0, 1 and 2", seen_codes)
    # Keys that verify one-shot (as the command does) but refuse preparation
    # (as the cache tries at the second sight): the same answer at the
    # first, second and third sight, and preparing is tried once.
    zr0 = zk()
    for kind, want in (("vk_alphabeta", 0), ("vk_beta_g2", 2)):
        d = os.path.join(work, kind)
        subprocess.run([PY, tamper, kind, V, P1, S1, d], check=True, capture_output=True)
        args = [os.path.join(d, f) for f in ("verification_key.json", "proof.json", "public.json")]
        rp = verify(args, False)
        got = [verify(args, True) for _ in range(3)]
        c.check(rp.returncode == want and
                all((r.returncode, r.stdout, r.stderr) == (rp.returncode, rp.stdout, rp.stderr)
                    for r in got),
                "tampered %s: three times through the agent, each as in-process (exit %d)"
                % (kind, rp.returncode),
                [(r.returncode, r.stdout, r.stderr) for r in [rp] + got])
    zr1 = zk()
    c.check(zr1.get("keys_refused") == zr0.get("keys_refused", 0) + 2 and
            zr1.get("keys_prepared") == zr0.get("keys_prepared") and
            zr1.get("keys") == zr0.get("keys", 0) + 2,
            "those two keys refused preparation once each and stay cached", (zr0, zr1))
    dg = verify(cases["tampered delta_gamma"], True)
    c.check(dg.returncode == 2 and "unusable verification key" in dg.stderr and
            dg.stderr.count("\n") == 1, "a malformed key: exit 2, one line", dg.stderr)
    z4 = zk()
    c.check(z4.get("malformed", 0) >= 2 and z4.get("invalid", 0) >= 3,
            "the agent did those verifications (invalid and malformed counted)", z4)

    # -- 2b. eviction: 17 other keys through a cache of 16 ------------------
    vk_text = open(V).read()
    proof_text, pub_text = open(P1).read(), open(S1).read()
    frames = [json.dumps({"op": "zk_verify", "vk": vk_text + " " * (i + 1), "proof": proof_text,
                          "public": pub_text, "names": ["k", "p", "s"], "quiet": True})
              for i in range(17)]
    rep = raw(frames)
    c.check(len(rep) >= 17 and all(isinstance(x, dict) and x.get("ok") and x.get("exit") == 0
                                   for x in rep[:17]),
            "17 new keys verified in one connection", rep[:2])
    z5 = zk()
    c.check(z5.get("keys") == 16 and z5.get("key_evictions", 0) >= 2,
            "the cache holds 16 keys and counted evictions", z5)
    verify([V, P1, S1], True)
    z6 = zk()
    c.check(z6.get("key_hits") == z5.get("key_hits", 0) + 1 and
            z6.get("key_misses") == z5.get("key_misses"),
            "the prepared key survived them (a hit, no miss)", (z5, z6))

    # -- 3. rate per connection -----------------------------------------------
    # Requests whose key does not parse cost microseconds, so 60 of them
    # arrive and are answered well within the second that would refill the
    # bucket: at most 20 + a few pass, the rest are refused.
    cheap = json.dumps({"op": "zk_verify", "vk": "{}", "proof": proof_text, "public": pub_text,
                        "names": ["k", "p", "s"]})
    rep = raw([cheap] * 60, check_open=True)
    limited = [x for x in rep if isinstance(x, dict) and x.get("status") == "NT_ERR_CTL_RATE"]
    answered = [x for x in rep if isinstance(x, dict) and x.get("ok") and x.get("exit") == 2]
    c.check(len(rep) == 61 and len(limited) >= 20 and len(answered) >= 20 and
            len(limited) + len(answered) == 60 and rep[-1] == "OPEN",
            "60 at once on one connection: the burst of 20 answered, then NT_ERR_CTL_RATE; "
            "the connection stays open", [len(rep), len(answered), len(limited), rep[-1:]])
    c.check(zk().get("rate_limited", 0) == len(limited), "rate-limited requests are counted")

    # -- 4. too large ---------------------------------------------------------
    big = raw("BIG:70000", check_open=True)
    c.check(len(big) >= 1 and isinstance(big[0], dict) and big[0].get("ok") is False and
            big[-1] == "CLOSED", "a frame over 64 KiB: an error frame, then closed", big)
    bigvk = os.path.join(work, "big_vk.json")
    with open(bigvk, "w") as f:
        f.write(vk_text + " " * 70000)
    n0 = zk().get("requests")
    rb, rbp = verify([bigvk, P1, S1], True), verify([bigvk, P1, S1], False)
    c.check(rb.returncode == 0 and rb.stdout == "valid\n" and
            (rb.returncode, rb.stdout, rb.stderr) == (rbp.returncode, rbp.stdout, rbp.stderr) and
            zk().get("requests") == n0,
            "a key too large for a frame is verified in-process, same answer", rb.stderr)
    c.check(agent.alive() and agent.stop() == 0, "the agent kept running and stops cleanly")


if __name__ == "__main__":
    main()
