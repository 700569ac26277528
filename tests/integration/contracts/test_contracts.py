#!/usr/bin/python3
"""The contracts' own rules (contracts/README.md), on a real anvil node.

    test_contracts.py SOURCE_DIR

1. contracts/check.sh: the committed ABI and bytecode are what the pinned
   solc-js makes of contracts/*.sol, and two builds are identical.
2. Starts anvil on 127.0.0.1 (a free port; killed by PID on exit, SIGTERM
   and SIGINT) and deploys Registry, Checkpoints(registry), Credentials and
   EventPerRecord from contracts/build with `cast send --create`, from
   anvil's well-known dev accounts (public test-only keys).
3. Every rule, with `cast send` / `cast call`. A refused action is sent as a
   real transaction (gas limit given, so no estimate stops it first): it
   must be mined with status 0, revert with the expected custom error, and
   leave the state as it was.
4. Events: `cast logs` of each contract must be exactly the events of the
   successful transactions, in order, with their fields; the registry's
   state rebuilt from its logs alone must equal keyOf of every name.
5. Gas, as `FIGURE name = value unit` lines: one checkpoint (first and
   steady), one event per record (EventPerRecord.logRecord), and per record
   at 4096 records per checkpoint. Gas is deterministic, so the issue's goal
   (<= 12 gas per record at 4096) is checked.

Exit 0 when every check held, 1 otherwise. A missing node, anvil or cast
is a failure, never a skip.
"""
import atexit
import json
import os
import signal
import subprocess
import sys
import time
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import anvil as anvil_node  # noqa: E402

SRC = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                      os.path.join(os.path.dirname(__file__), "..", "..", ".."))
NM = os.path.join(SRC, "node_modules")
ANVIL = os.path.join(NM, "@foundry-rs/anvil-linux-amd64/bin/anvil")
CAST = os.path.join(NM, "@foundry-rs/cast-linux-amd64/bin/cast")
BUILD = os.path.join(SRC, "contracts", "build")
# Anvil's deterministic dev accounts 0-3 (public, test-only keys).
KEYS = [
    "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
    "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
    "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
    "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
]
R_BN254 = 21888242871839275222246405745257275088548364400416034343698204186575808495617
ZERO32 = "0x" + "00" * 32
GAS_LIMIT_REFUSED = "1000000"

failed = []
T0 = time.monotonic()
anvil = None


def check(cond, what, detail=""):
    print("%s  %s%s" % ("ok  " if cond else "FAIL", what,
                        (" -- " + str(detail)[:300]) if detail and not cond else ""), flush=True)
    if not cond:
        failed.append(what)
    return cond


def figure(name, value, unit):
    print("FIGURE %s = %s %s" % (name, value, unit), flush=True)


def fatal(msg):
    print("FAIL  " + msg, flush=True)
    stop_anvil()
    sys.exit(1)


def stop_anvil():
    global anvil
    if anvil is not None and anvil.poll() is None:
        anvil.send_signal(signal.SIGTERM)
        try:
            anvil.wait(timeout=10)
        except subprocess.TimeoutExpired:
            anvil.kill()
            anvil.wait()
    anvil = None


def on_signal(signum, _frame):
    stop_anvil()
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


def run(args, timeout=60):
    return subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, timeout=timeout)


def cast(*args):
    r = run([CAST] + list(args))
    if r.returncode != 0:
        fatal("cast %s: %s" % (" ".join(args[:3]), r.stderr.strip()[:300]))
    return r.stdout.strip()


_keccak_cache = {}


def keccak(data):
    """keccak-256 by `cast keccak` (text, or bytes given as 0x-hex)."""
    if data not in _keccak_cache:
        _keccak_cache[data] = cast("keccak", data)
    return _keccak_cache[data]


def name_hash(name):
    """The registry's name hash (contracts/README.md): keccak-256 of the name
    in canonical wire form, ASCII letters folded to lower case, root label
    included."""
    wire = b""
    for label in name.rstrip(".").split("."):
        b = label.encode("ascii").lower()
        wire += bytes([len(b)]) + b
    return keccak("0x" + (wire + b"\x00").hex())


def word(x):
    """A 32-byte word as 0x-hex: an int, an address or a bytes32."""
    if isinstance(x, bool):
        x = int(x)
    if isinstance(x, int):
        return "0x%064x" % x
    return "0x" + x[2:].lower().rjust(64, "0")


class Contract:
    def __init__(self, name):
        self.name = name
        with open(os.path.join(BUILD, name + ".abi.json")) as f:
            self.abi = json.load(f)
        with open(os.path.join(BUILD, name + ".bin")) as f:
            self.bin = f.read().strip()
        self.addr = None
        self.expected_logs = []  # (event, [indexed words], [data words], tx hash)
        self.sigs = {}
        for item in self.abi:
            if item["type"] in ("event", "error", "function"):
                types = ",".join(i["type"] for i in item["inputs"])
                self.sigs[item["name"]] = "%s(%s)" % (item["name"], types)

    def deploy(self, key, ctor=None, *args):
        extra = [ctor] + list(args) if ctor else []
        rc = json.loads(cast("send", "--json", "--rpc-url", RPC, "--private-key", key,
                             "--create", self.bin, *extra))
        check(rc["status"] == "0x1" and rc["contractAddress"], "%s deployed" % self.name, rc)
        self.addr = rc["contractAddress"]
        return rc

    def send(self, key, fn, *args, emits=None):
        """A transaction that must succeed; `emits` lists the events it must
        log: (event name, [indexed values], [data values])."""
        rc = json.loads(cast("send", "--json", "--rpc-url", RPC, "--private-key", key,
                             self.addr, self.sigs[fn], *[str(a) for a in args]))
        ok = rc["status"] == "0x1"
        for ev, idx, data in emits or []:
            self.expected_logs.append((ev, [word(v) for v in idx], [word(v) for v in data],
                                       rc["transactionHash"], rc["blockNumber"]))
        return ok, rc

    def refuse(self, key, fn, *args, error):
        """Sends a transaction that the contract must refuse with `error` (a
        custom error name): it is mined (the gas limit skips the estimate)
        with status 0 and that error's selector as revert data."""
        r = run([CAST, "send", "--json", "--gas-limit", GAS_LIMIT_REFUSED, "--rpc-url", RPC,
                 "--private-key", key, self.addr, self.sigs[fn]] + [str(a) for a in args])
        if r.returncode != 0:
            return False, r.stderr.strip()
        rc = json.loads(r.stdout)
        selector = cast("sig", self.sigs[error])
        reason = rc.get("revertReason") or ""
        return rc["status"] == "0x0" and selector[2:] in reason, reason or rc["status"]

    def call(self, fn, outs, *args):
        sig = self.sigs[fn] + "(" + outs + ")"
        return json.loads(cast("call", "--json", "--rpc-url", RPC, self.addr, sig,
                               *[str(a) for a in args]))

    def logs(self):
        return json.loads(cast("logs", "--json", "--rpc-url", RPC, "--from-block", "0",
                               "--address", self.addr))

    def check_logs(self):
        """The contract's logs are exactly the expected events, in order."""
        logs = self.logs()
        check(len(logs) == len(self.expected_logs),
              "%s: cast logs has %d events, one per change" % (self.name, len(self.expected_logs)),
              "got %d" % len(logs))
        bad = []
        for i, (log, exp) in enumerate(zip(logs, self.expected_logs)):
            ev, idx, data, tx, block = exp
            want_topics = [keccak(self.sigs[ev])] + idx
            got_data = [("0x" + log["data"][2 + 64 * k:66 + 64 * k])
                        for k in range((len(log["data"]) - 2) // 64)]
            if ([t.lower() for t in log["topics"]] != want_topics or got_data != data
                    or log["transactionHash"] != tx or log["blockNumber"] != block):
                bad.append("#%d %s: %s" % (i, ev, log))
        check(not bad, "%s: every event has the right name, fields, transaction and block"
              % self.name, "; ".join(bad[:2]))
        return logs


def start_anvil():
    global anvil, RPC
    for path in (ANVIL, CAST):
        if not os.access(path, os.X_OK):
            fatal("%s missing: run bash scripts/deps.sh" % path)
    try:
        anvil, RPC = anvil_node.start(SRC, extra=())
    except RuntimeError as e:
        fatal(str(e))
    print("   anvil pid %d on %s" % (anvil.pid, RPC), flush=True)


def test_registry(reg, keys, addrs):
    k0, k1, k2, k3 = keys
    a0, a1, a2, a3 = addrs
    n1, n2, n3 = name_hash("printer.local"), name_hash("camera.local"), name_hash("api.local")
    check(name_hash("Printer.LOCAL.") == n1, "name hash folds ASCII case and ignores the final dot")
    print("   name hash of printer.local = %s" % n1, flush=True)
    d = [keccak("nautilus test digest %d" % i) for i in range(6)]
    names = [n1, n2, n3]

    check(reg.call("keyOf", "bytes32,address,bool,uint64", n1) ==
          [ZERO32, "0x0000000000000000000000000000000000000000", False, 0],
          "keyOf of an unregistered name: zero digest, no owner")
    check(reg.call("admin", "address")[0].lower() == a0.lower(), "admin is the deployer")

    ok, rc = reg.send(k1, "register", n1, d[0], emits=[("Registered", [n1, a1], [d[0]])])
    check(ok, "first registrant registers printer.local")
    blk = int(rc["blockNumber"], 16)
    check(reg.call("keyOf", "bytes32,address,bool,uint64", n1) == [d[0], a1, False, blk],
          "keyOf = (digest, first registrant, not revoked, block of the registration)")
    check(reg.call("nameOfDigest", "bytes32", d[0]) == [n1], "nameOfDigest maps the digest back")

    for what, args, err in (
            ("a second account cannot take the name", ("register", n1, d[1]), "NameTaken"),
            ("even with the same digest", ("register", n1, d[0]), "NameTaken"),
            ("nor rotate it", ("rotate", n1, d[1]), "NotOwner"),
            ("nor revoke it", ("revoke", n1), "NotOwner"),
            ("a digest bound to one name cannot serve another", ("register", n2, d[0]), "DigestInUse")):
        ok, why = reg.refuse(k2, *args, error=err)
        check(ok, "%s (%s)" % (what, err), why)
    check(reg.call("keyOf", "bytes32,address,bool,uint64", n1) == [d[0], a1, False, blk],
          "refused transactions changed nothing")
    for what, key, args, err in (
            ("zero digest refused", k2, ("register", n2, ZERO32), "ZeroDigest"),
            ("zero name hash refused", k2, ("register", ZERO32, d[1]), "ZeroName"),
            ("rotate of an unregistered name", k2, ("rotate", n2, d[1]), "NotRegistered"),
            ("revoke of an unregistered name", k2, ("revoke", n2), "NotRegistered"),
            ("rotate to the same digest", k1, ("rotate", n1, d[0]), "SameDigest")):
        ok, why = reg.refuse(key, *args, error=err)
        check(ok, "%s (%s)" % (what, err), why)

    ok, rc = reg.send(k1, "rotate", n1, d[1], emits=[("Rotated", [n1, a1], [d[0], d[1]])])
    check(ok and reg.call("keyOf", "bytes32,address,bool,uint64", n1) ==
          [d[1], a1, False, int(rc["blockNumber"], 16)], "the owner rotates to a new digest")
    ok, rc = reg.send(k1, "revoke", n1, emits=[("Revoked", [n1, a1], [d[1]])])
    check(ok and reg.call("keyOf", "bytes32,address,bool,uint64", n1) ==
          [d[1], a1, True, int(rc["blockNumber"], 16)], "the owner revokes")
    check(reg.call("digestRevoked", "bool", n1, d[1]) == [True], "the revoked digest is remembered")
    ok, why = reg.refuse(k1, "revoke", n1, error="AlreadyRevoked")
    check(ok, "revoking twice is refused (AlreadyRevoked)", why)
    ok, why = reg.refuse(k2, "register", n1, d[2], error="NameTaken")
    check(ok, "a revoked name still belongs to its owner (NameTaken)", why)
    ok, why = reg.refuse(k1, "rotate", n1, d[1], error="SameDigest")
    check(ok, "the revoked digest cannot come back by rotation (SameDigest)", why)
    ok, rc = reg.send(k1, "rotate", n1, d[2], emits=[("Rotated", [n1, a1], [d[1], d[2]])])
    check(ok and reg.call("keyOf", "bytes32,address,bool,uint64", n1)[2] is False,
          "the owner returns from a revocation with a new digest")
    ok, why = reg.refuse(k1, "rotate", n1, d[1], error="DigestRevoked")
    check(ok, "a digest revoked for the name is refused for good (DigestRevoked)", why)
    ok, rc = reg.send(k1, "rotate", n1, d[0], emits=[("Rotated", [n1, a1], [d[2], d[0]])])
    check(ok, "an earlier, never revoked digest of the same name may come back")

    # Allow-list mode.
    ok, why = reg.refuse(k2, "setAllowListEnabled", "true", error="NotAdmin")
    check(ok, "only the admin switches allow-list mode (NotAdmin)", why)
    ok, why = reg.refuse(k2, "setAllowed", a2, "true", error="NotAdmin")
    check(ok, "only the admin edits the allow list (NotAdmin)", why)
    ok, _ = reg.send(k0, "setAllowListEnabled", "true",
                     emits=[("AllowListModeChanged", [a0], [True])])
    check(ok and reg.call("allowListEnabled", "bool") == [True], "the admin enables allow-list mode")
    ok, why = reg.refuse(k2, "register", n2, d[3], error="NotAllowed")
    check(ok, "allow-list mode refuses an account not on the list (NotAllowed)", why)
    ok, _ = reg.send(k0, "setAllowed", a2, "true", emits=[("AllowListChanged", [a2], [True])])
    check(ok and reg.call("allowed", "bool", a2) == [True], "the admin allows an account")
    ok, _ = reg.send(k2, "register", n2, d[3], emits=[("Registered", [n2, a2], [d[3]])])
    check(ok, "an allowed account registers in allow-list mode")
    ok, why = reg.refuse(k3, "register", n3, d[4], error="NotAllowed")
    check(ok, "another account is still refused (NotAllowed)", why)
    ok, _ = reg.send(k1, "rotate", n1, d[5], emits=[("Rotated", [n1, a1], [d[0], d[5]])])
    check(ok, "an owner not on the list still rotates its own name")
    ok, _ = reg.send(k0, "setAllowed", a2, "false", emits=[("AllowListChanged", [a2], [False])])
    ok2, why = reg.refuse(k2, "register", n3, d[4], error="NotAllowed")
    check(ok and ok2, "an account taken off the list is refused again", why)
    ok, _ = reg.send(k0, "setAllowListEnabled", "false",
                     emits=[("AllowListModeChanged", [a0], [False])])
    ok2, _ = reg.send(k3, "register", n3, d[4], emits=[("Registered", [n3, a3], [d[4]])])
    check(ok and ok2, "with allow-list mode off anyone registers again")

    # History from the logs alone.
    logs = reg.check_logs()
    topic = {keccak(reg.sigs[e]): e for e in ("Registered", "Rotated", "Revoked")}
    state = {}
    for log in logs:
        ev = topic.get(log["topics"][0])
        if ev is None:
            continue
        n, owner = log["topics"][1], "0x" + log["topics"][2][26:]
        blkn = int(log["blockNumber"], 16)
        dig = "0x" + log["data"][-64:]
        state[n] = [dig, owner, ev == "Revoked", blkn]
    rebuilt = all(
        [x.lower() if isinstance(x, str) else x
         for x in reg.call("keyOf", "bytes32,address,bool,uint64", n)] == state.get(n)
        for n in names)
    check(rebuilt and len(state) == 3, "the state rebuilt from eth_getLogs alone equals keyOf of every name",
          state)
    return {"n1": n1, "n2": n2, "digests": d}


def test_checkpoints(cp, reg, keys, addrs, reg_info):
    k0, k1, k2, _ = keys
    a1 = addrs[1]
    n1, n2 = reg_info["n1"], reg_info["n2"]
    log1 = reg.call("keyOf", "bytes32,address,bool,uint64", n1)[0]  # printer's key, owner k1
    log2 = reg.call("keyOf", "bytes32,address,bool,uint64", n2)[0]  # camera's key, owner k2
    root = [keccak("nautilus test root %d" % i) for i in range(10)]
    gas = {}

    check(cp.call("registry", "address")[0].lower() == reg.addr.lower(), "Checkpoints reads this Registry")
    check(cp.call("headOf", "uint64,bytes32,uint64", log1) == [0, ZERO32, 0],
          "headOf of a log never checkpointed: size 0")
    ok, rc = cp.send(k1, "checkpoint", log1, n1, 5, root[5], emits=[("Checkpointed", [log1, n1], [5, root[5]])])
    gas["first"] = int(rc["gasUsed"], 16)
    check(ok and cp.call("headOf", "uint64,bytes32,uint64", log1) == [5, root[5], int(rc["blockNumber"], 16)],
          "the name's owner checkpoints its key's log; headOf = (size, root, block)")
    for what, key, args, err in (
            ("another account cannot checkpoint the log", k2, (log1, n1, 6, root[6]), "NotLogOwner"),
            ("nor through a name it owns", k2, (log1, n2, 6, root[6]), "NotLogOwner"),
            ("the owner cannot checkpoint another key's log", k1, (log2, n1, 6, root[6]), "NotLogOwner"),
            ("a smaller size reverts", k1, (log1, n1, 4, root[4]), "NotExtending"),
            ("an equal size with another root reverts", k1, (log1, n1, 5, root[6]), "NotExtending"),
            ("the same head again reverts", k1, (log1, n1, 5, root[5]), "AlreadyCheckpointed"),
            ("a zero root reverts", k1, (log1, n1, 6, ZERO32), "ZeroRoot")):
        ok, why = cp.refuse(key, "checkpoint", *args, error=err)
        check(ok, "%s (%s)" % (what, err), why)
    check(cp.call("headOf", "uint64,bytes32,uint64", log1)[:2] == [5, root[5]],
          "refused checkpoints changed nothing")
    ok, rc = cp.send(k1, "checkpoint", log1, n1, 6, root[6], emits=[("Checkpointed", [log1, n1], [6, root[6]])])
    check(ok and cp.call("headOf", "uint64,bytes32,uint64", log1)[:2] == [6, root[6]], "size 5 -> 6 accepted")
    ok, rc = cp.send(k1, "checkpoint", log1, n1, 4096 + 6, root[7],
                     emits=[("Checkpointed", [log1, n1], [4102, root[7]])])
    gas["steady"] = int(rc["gasUsed"], 16)
    check(ok, "a checkpoint of 4096 more records accepted")
    ok, rc = cp.send(k2, "checkpoint", log2, n2, 1, root[1], emits=[("Checkpointed", [log2, n2], [1, root[1]])])
    check(ok, "another publisher checkpoints its own log")

    # Rotation and revocation end the old key's log.
    new_key = keccak("nautilus test digest rotated")
    ok, _ = reg.send(k1, "rotate", n1, new_key, emits=[("Rotated", [n1, a1], [log1, new_key])])
    ok2, why = cp.refuse(k1, "checkpoint", log1, n1, 5000, root[8], error="NotLogOwner")
    check(ok and ok2, "after a rotation the old key's log cannot be extended (NotLogOwner)", why)
    ok, _ = cp.send(k1, "checkpoint", new_key, n1, 1, root[8],
                    emits=[("Checkpointed", [new_key, n1], [1, root[8]])])
    check(ok, "the new key's log starts at its own size")
    ok, _ = reg.send(k1, "revoke", n1, emits=[("Revoked", [n1, a1], [new_key])])
    ok2, why = cp.refuse(k1, "checkpoint", new_key, n1, 2, root[9], error="KeyRevoked")
    check(ok and ok2, "a revoked key's log cannot be extended (KeyRevoked)", why)
    cp.check_logs()
    return gas


def test_credentials(cred, keys, addrs):
    k0, k1 = keys[0], keys[1]
    a0 = addrs[0]
    c1 = word(R_BN254 - 1)
    c2 = keccak("nautilus test commitment")
    c2 = word(int(c2, 16) % R_BN254)
    check(cred.call("issuer", "address")[0].lower() == a0.lower(), "the issuer is the deployer")
    check(cred.call("isIssued", "bool", c1) == [False] and cred.call("isRevoked", "bool", c1) == [False],
          "an unknown commitment is neither issued nor revoked")
    ok, why = cred.refuse(k1, "issue", c1, error="NotIssuer")
    check(ok, "only the issuer issues (NotIssuer)", why)
    ok, _ = cred.send(k0, "issue", c1, emits=[("CredentialIssued", [c1, a0], [])])
    check(ok and cred.call("isIssued", "bool", c1) == [True] and cred.call("isRevoked", "bool", c1) == [False],
          "the issuer issues r-1: isIssued true, isRevoked false")
    ok, _ = cred.send(k0, "issue", c2, emits=[("CredentialIssued", [c2, a0], [])])
    check(ok, "a second commitment is issued")
    for what, key, fn, c, err in (
            ("issuing twice is refused", k0, "issue", c1, "AlreadyIssued"),
            ("a commitment >= r is refused, not reduced", k0, "issue", word(R_BN254), "BadCommitment"),
            ("the all-ones word is refused", k0, "issue", "0x" + "ff" * 32, "BadCommitment"),
            ("zero is refused", k0, "issue", ZERO32, "BadCommitment"),
            ("revoking an unknown commitment is refused", k0, "revoke", word(7), "NotIssued"),
            ("only the issuer revokes", k1, "revoke", c1, "NotIssuer")):
        ok, why = cred.refuse(key, fn, c, error=err)
        check(ok, "%s (%s)" % (what, err), why)
    ok, _ = cred.send(k0, "revoke", c1, emits=[("CredentialRevoked", [c1, a0], [])])
    check(ok and cred.call("isRevoked", "bool", c1) == [True] and cred.call("isIssued", "bool", c1) == [True],
          "the issuer revokes: isRevoked true, isIssued still true")
    check(cred.call("isRevoked", "bool", c2) == [False], "the other commitment is not revoked")
    for what, fn, err in (("revoking twice is refused", "revoke", "AlreadyRevoked"),
                          ("a revoked commitment cannot be issued again", "issue", "AlreadyIssued")):
        ok, why = cred.refuse(k0, fn, c1, error=err)
        check(ok, "%s (%s)" % (what, err), why)
    cred.check_logs()


def test_pointers(reg, cp, cred, keys, addrs, deploy_block):
    """The registry leads to the other two: the admin sets them once, and
    the Checkpoints named must read this registry."""
    k0, k1 = keys[0], keys[1]
    zero_addr = "0x" + "00" * 20
    check(reg.call("deployedBlock", "uint64") == [deploy_block],
          "deployedBlock is the block the registry was deployed in")
    check(reg.call("checkpoints", "address") == [zero_addr] and
          reg.call("credentials", "address") == [zero_addr], "no pointers before setContracts")
    other = Contract("Checkpoints")
    other.deploy(k0, "constructor(address)", cred.addr)  # reads another "registry"
    for what, key, args, err in (
            ("only the admin sets the pointers", k1, (cp.addr, cred.addr), "NotAdmin"),
            ("a zero address is refused", k0, (zero_addr, cred.addr), "ZeroAddress"),
            ("a Checkpoints reading another registry is refused", k0, (other.addr, cred.addr),
             "WrongRegistry")):
        ok, why = reg.refuse(key, "setContracts", *args, error=err)
        check(ok, "%s (%s)" % (what, err), why)
    ok, _ = reg.send(k0, "setContracts", cp.addr, cred.addr,
                     emits=[("ContractsSet", [addrs[0]], [cp.addr, cred.addr])])
    check(ok and [a.lower() for a in reg.call("checkpoints", "address") +
                  reg.call("credentials", "address")] == [cp.addr.lower(), cred.addr.lower()],
          "the admin points the registry at its Checkpoints and Credentials")
    ok, why = reg.refuse(k0, "setContracts", other.addr, cred.addr, error="ContractsAlreadySet")
    check(ok and reg.call("checkpoints", "address")[0].lower() == cp.addr.lower(),
          "the pointers are set once (ContractsAlreadySet)", why)


def test_gas(epr, gas, keys):
    ok, rc = epr.send(keys[0], "logRecord", keccak("nautilus test record 1"),
                      emits=[("RecordLogged", [], [keccak("nautilus test record 1")])])
    check(ok, "EventPerRecord.logRecord emits one event")
    per_event = int(rc["gasUsed"], 16)
    epr.check_logs()
    figure("contracts_checkpoint_gas_first", gas["first"], "gas")
    figure("contracts_checkpoint_gas", gas["steady"], "gas")
    figure("contracts_event_per_record_gas", per_event, "gas")
    per_record = gas["steady"] / 4096
    figure("contracts_checkpoint_gas_per_record_4096", "%.2f" % per_record, "gas")
    figure("contracts_event_per_record_over_checkpoint_4096", "%.0f" % (per_event / per_record), "x")
    check(per_record <= 12.0, "one checkpoint of 4096 records costs <= 12 gas per record (issue 10 goal)",
          "%.2f" % per_record)


def main():
    atexit.register(stop_anvil)
    for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(s, on_signal)
    print("== contracts: Registry, Checkpoints, Credentials on anvil", flush=True)

    r = run(["bash", os.path.join(SRC, "contracts", "check.sh")], timeout=120)
    check(r.returncode == 0, "contracts/check.sh: committed artifacts match a fresh, repeatable build",
          (r.stderr or r.stdout).strip())

    start_anvil()
    addrs = [cast("wallet", "address", "--private-key", k) for k in KEYS]
    reg, cp, cred, epr = (Contract(n) for n in ("Registry", "Checkpoints", "Credentials", "EventPerRecord"))
    reg_rc = reg.deploy(KEYS[0])
    cp.deploy(KEYS[0], "constructor(address)", reg.addr)
    cred.deploy(KEYS[0])
    epr.deploy(KEYS[0])
    print("   registry %s, checkpoints %s, credentials %s, event-per-record %s"
          % (reg.addr, cp.addr, cred.addr, epr.addr), flush=True)

    test_pointers(reg, cp, cred, KEYS, addrs, int(reg_rc["blockNumber"], 16))
    reg_info = test_registry(reg, KEYS, addrs)
    gas = test_checkpoints(cp, reg, KEYS, addrs, reg_info)
    test_credentials(cred, KEYS, addrs)
    test_gas(epr, gas, KEYS)
    reg.check_logs()  # the rotation and revocation made by the checkpoint tests too

    stop_anvil()
    print("== contracts: %d failed (%.1f s)" % (len(failed), time.monotonic() - T0), flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
