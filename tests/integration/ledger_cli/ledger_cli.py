#!/usr/bin/python3
"""`nautilus ledger` end to end on a real anvil (issue 10).

    ledger_cli.py NAUTILUS LOG_TOOL SOURCE_DIR

Anvil runs on 127.0.0.1 (a free port, chain id 31337), started here and
stopped by PID on exit. Publishers are state directories made by
`nautilus keygen`; their chain accounts are funded with anvil_setBalance.

1. Bad flags exit 2 with one line on stderr; a wrong chain id (the ethereum
   profile's default 1, or --chain-id 5) is refused before anything is
   signed: exit 3, NT_ERR_TX_CHAIN_ID, the account's nonce unchanged.
2. deploy (text and --json: exactly registry, checkpoints, credentials);
   the registry points at the other two (cast call).
3. register printer.local (publisher 1) and camera.local (publisher 2);
   keyOf (cast call) = the keygen key_digest and the account; publisher 2
   registering printer.local is refused (exit 4, NameTaken), nothing queued.
4. camera.local: a new signing key beside the same chain key, rotate,
   revoke (and again: AlreadyRevoked); keyOf follows.
5. printer.local: leaves appended to its Merkle log (log_tool), checkpoint
   (size 4), more leaves, checkpoint (size 20), checkpoint again (nothing
   pending); headOf (cast call) = the log's size and root. Then a
   checkpoint (size 25) the node does not mine (automine off): the command
   times out (exit 3) leaving it sent in the outbox; mining again, the next
   checkpoint lands it first and sends nothing: one event per size.
6. audit printer.local with the log (text and --json): the registration,
   the three checkpoints (bound key, roots equal to the log's, consistent),
   all 25 leaves included; without the log: same chain facts, consistency said
   to be unchecked; camera.local: registered, rotated, revoked.
7. A tampered leaf in a copy of the log, and a log of the same key with
   other leaves (the roots on chain do not match): audit exits 1 and names
   the leaf and checkpoints that fail.
8. A node that lies to a third party (a proxy in front of anvil rewriting
   eth_getLogs): logs said to come from another address are refused (exit
   3); the latest checkpoint hidden is caught by headOf (exit 1).
   status --json: every transaction confirmed, none failed.
9. The besu profile on an anvil started with --gas-price 0 --base-fee 0:
   deploy and register from an account with no ether; the transactions are
   legacy (type 0) at gas price 0.
Exit 0 when every check held, 1 otherwise.
"""
import atexit
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import anvil as anvil_node  # noqa: E402

NAUTILUS, LOG_TOOL, SRC = (os.path.abspath(a) for a in sys.argv[1:4])
CAST = os.path.join(SRC, "node_modules/@foundry-rs/cast-linux-amd64/bin/cast")
ANVIL = os.path.join(SRC, "node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil")
CHAIN = ["--chain-id", "31337"]
failed = []
T0 = time.monotonic()
anvil = None
TMP = tempfile.mkdtemp(prefix="nt-ledger-cli-")


def check(cond, what, detail=""):
    print("%s  %s%s" % ("ok  " if cond else "FAIL", what,
                        (" -- " + str(detail)[:400]) if detail and not cond else ""), flush=True)
    if not cond:
        failed.append(what)
    return cond


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


def cleanup():
    stop_anvil()
    shutil.rmtree(TMP, ignore_errors=True)


def on_signal(signum, _frame):
    cleanup()
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


def run(args, timeout=60):
    return subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          timeout=timeout)


def fatal(msg):
    print("FAIL  " + msg, flush=True)
    cleanup()
    sys.exit(1)


def cast(*args):
    r = run([CAST] + list(args))
    if r.returncode != 0:
        fatal("cast %s: %s" % (" ".join(args[:2]), r.stderr.strip()[:300]))
    return r.stdout.strip()


def start_anvil(*extra):
    global anvil, RPC
    for path in (ANVIL, CAST):
        if not os.access(path, os.X_OK):
            fatal("%s missing: run bash scripts/deps.sh" % path)
    try:
        anvil, RPC = anvil_node.start(SRC, extra=extra)
    except RuntimeError as e:
        fatal(str(e))
    print("   anvil pid %d on %s" % (anvil.pid, RPC), flush=True)


def nt(*args):
    return run([NAUTILUS] + list(args), timeout=90)


def keygen(name, host, force=False):
    state = os.path.join(TMP, name)
    r = nt("keygen", "--state", state, "--host", host, "--json", *(["--force"] if force else []))
    if r.returncode != 0:
        fatal("keygen %s: %s" % (name, r.stderr.strip()))
    k = json.loads(r.stdout)
    k["state"] = state
    return k


def fund(addr):
    cast("rpc", "--rpc-url", RPC, "anvil_setBalance", addr, "0x56BC75E2D63100000")


def nonce(addr):
    return int(cast("nonce", "--rpc-url", RPC, addr))


def one_line(r):
    return r.stderr.count("\n") == 1 and r.stdout == ""


def key_of(reg, name):
    out = cast("call", "--json", "--rpc-url", RPC, reg, "keyOf(bytes32)(bytes32,address,bool,uint64)",
               name_hash(name))
    return json.loads(out)


def name_hash(name):
    wire = b"".join(bytes([len(l)]) + l.encode().lower() for l in name.rstrip(".").split("."))
    return cast("keccak", "0x" + (wire + b"\0").hex())


def test_usage(p1):
    st = ["--state", p1["state"]]
    for what, args in (
            ("an unknown flag", ["deploy", "--rpc", RPC, "--bogus"] + st),
            ("register without NAME", ["register", "--rpc", RPC, "--registry", "0x" + "11" * 20] + st),
            ("a short --registry", ["register", "a.local", "--rpc", RPC, "--registry", "0x12"] + st),
            ("an unknown --profile", ["deploy", "--rpc", RPC, "--profile", "bitcoin"] + st),
            ("besu without --chain-id", ["deploy", "--rpc", RPC, "--profile", "besu"] + st),
            ("a bad --chain-id", ["deploy", "--rpc", RPC, "--chain-id", "x"] + st),
            ("an unknown subcommand", ["frobnicate"]),
            ("no subcommand", []),
            ("audit without --rpc", ["audit", "a.local", "--registry", "0x" + "11" * 20])):
        r = nt("ledger", *args)
        check(r.returncode == 2 and one_line(r), "bad usage exits 2 with one line: %s" % what,
              (r.returncode, r.stderr))
    before = nonce(p1["address"])
    for args in ([], ["--chain-id", "5"]):
        r = nt("ledger", "deploy", "--rpc", RPC, "--json", *args, *st)
        check(r.returncode == 3 and "NT_ERR_TX_CHAIN_ID" in r.stderr and one_line(r),
              "a wrong chain id (%s) is refused: exit 3, one line naming the status"
              % (args[1] if args else "the ethereum default 1"), (r.returncode, r.stderr))
    check(nonce(p1["address"]) == before, "nothing was signed or sent for a wrong chain id")
    r = nt("ledger", "deploy", "--rpc", "http://127.0.0.1:1", *CHAIN, *st)
    check(r.returncode == 3 and "NT_ERR_RPC_CONNECT" in r.stderr and one_line(r),
          "no node: exit 3, one line naming the status", (r.returncode, r.stderr))


def test_deploy(p1):
    r = nt("ledger", "deploy", "--rpc", RPC, *CHAIN, "--state", p1["state"], "--json")
    check(r.returncode == 0, "deploy --json", r.stderr)
    d = json.loads(r.stdout)
    check(list(d) == ["registry", "checkpoints", "credentials"] and
          all(isinstance(v, str) and len(v) == 42 and v.startswith("0x") for v in d.values()),
          "deploy --json is exactly {registry, checkpoints, credentials}", r.stdout)
    reg = d["registry"]
    check(cast("call", "--rpc-url", RPC, reg, "checkpoints()(address)").lower() == d["checkpoints"]
          and cast("call", "--rpc-url", RPC, reg, "credentials()(address)").lower() == d["credentials"],
          "the registry points at its Checkpoints and Credentials")
    check(cast("call", "--rpc-url", RPC, d["checkpoints"], "registry()(address)").lower() == reg,
          "Checkpoints reads the deployed registry")
    check(cast("call", "--rpc-url", RPC, reg, "admin()(address)").lower() == p1["address"].lower(),
          "the deployer (the state's chain key) is the admin")
    r = nt("ledger", "deploy", "--rpc", RPC, *CHAIN, "--state", p1["state"])
    check(r.returncode == 0 and [l.split()[0] for l in r.stdout.splitlines()] ==
          ["registry:", "checkpoints:", "credentials:"], "deploy prints the three addresses", r.stdout)
    return d


def reg_args(reg, p):
    return ["--rpc", RPC, "--registry", reg, "--state", p["state"]] + CHAIN


def test_register(reg, p1, p2):
    for p, name in ((p1, "printer.local"), (p2, "camera.local")):
        r = nt("ledger", "register", name, *reg_args(reg, p))
        k = key_of(reg, name)
        check(r.returncode == 0 and k[0] == "0x" + p["key_digest"] and
              k[1].lower() == p["address"].lower() and k[2] is False,
              "register %s: keyOf = (keygen key_digest, the account, not revoked)" % name,
              (r.returncode, r.stderr, k))
    before = nonce(p1["address"])
    r = nt("ledger", "register", "printer.local", *reg_args(reg, p1))
    check(r.returncode == 0 and "already bound" in r.stdout and nonce(p1["address"]) == before,
          "registering again with the same key: already bound, exit 0, nothing sent", r.stdout)
    before = nonce(p2["address"])
    r = nt("ledger", "register", "printer.local", *reg_args(reg, p2))
    check(r.returncode == 4 and "NameTaken" in r.stderr and one_line(r),
          "a second registrant of printer.local is refused: exit 4, NameTaken", (r.returncode, r.stderr))
    check(nonce(p2["address"]) == before and key_of(reg, "printer.local")[1].lower() ==
          p1["address"].lower(), "nothing was sent and printer.local keeps its owner")


def test_rotate_revoke(reg, p2):
    # A new signing key for the same account: a fresh state with publisher
    # 2's chain key copied in.
    p2b = keygen("p2b", "camera.local")
    shutil.copy(os.path.join(p2["state"], "secp256k1.key"), os.path.join(p2b["state"], "secp256k1.key"))
    r = nt("keygen", "--state", p2b["state"], "--host", "camera.local", "--json")
    check(r.returncode == 2 and p2b["key_digest"] != p2["key_digest"],
          "a new signing key beside publisher 2's chain key (keygen refuses to replace them)")
    r = nt("ledger", "rotate", "camera.local", *reg_args(reg, p2b))
    check(r.returncode == 0 and key_of(reg, "camera.local")[0] == "0x" + p2b["key_digest"],
          "rotate camera.local to the state's current key", (r.returncode, r.stderr))
    r = nt("ledger", "revoke", "camera.local", *reg_args(reg, p2b))
    k = key_of(reg, "camera.local")
    check(r.returncode == 0 and k[2] is True and k[0] == "0x" + p2b["key_digest"],
          "revoke camera.local: keyOf revoked", (r.returncode, r.stderr, k))
    r = nt("ledger", "revoke", "camera.local", *reg_args(reg, p2b))
    check(r.returncode == 4 and "AlreadyRevoked" in r.stderr, "revoking twice: exit 4, AlreadyRevoked",
          r.stderr)


def append(state, digest, n, tag, owner="printer.local"):
    r = run([LOG_TOOL, "append", state, digest, owner, str(n), tag])
    if r.returncode != 0:
        fatal("log_tool: %s" % r.stderr.strip())
    _, size, _, root = r.stdout.split()
    return int(size), "0x" + root


def test_checkpoint(d, p1):
    cp = d["checkpoints"]
    size, root4 = append(p1["state"], p1["key_digest"], 4, "a")
    r = nt("ledger", "checkpoint", *reg_args(d["registry"], p1))
    head = json.loads(cast("call", "--json", "--rpc-url", RPC, cp, "headOf(bytes32)(uint64,bytes32,uint64)",
                           "0x" + p1["key_digest"]))
    check(r.returncode == 0 and head[0] == 4 and head[1] == root4,
          "checkpoint anchors the log's size 4 and root (headOf)", (r.returncode, r.stderr, head, root4))
    append(p1["state"], p1["key_digest"], 16, "b")
    r = nt("ledger", "checkpoint", *reg_args(d["registry"], p1))
    head = json.loads(cast("call", "--json", "--rpc-url", RPC, cp, "headOf(bytes32)(uint64,bytes32,uint64)",
                           "0x" + p1["key_digest"]))
    check(r.returncode == 0 and head[0] == 20, "a second checkpoint anchors size 20", (r.stderr, head))
    r = nt("ledger", "checkpoint", *reg_args(d["registry"], p1))
    check(r.returncode == 0 and "nothing pending" in r.stdout, "nothing pending: nothing sent", r.stdout)
    # Interrupted: the node stops mining, the command gives up waiting; the
    # transaction stays in the outbox and the next command lands it, once.
    append(p1["state"], p1["key_digest"], 5, "c")
    cast("rpc", "--rpc-url", RPC, "evm_setAutomine", "false")
    r = nt("ledger", "checkpoint", *reg_args(d["registry"], p1), "--timeout", "2")
    st = nt("ledger", "status", "--state", p1["state"], *CHAIN, "--json")
    check(r.returncode == 3 and "NT_ERR_TIMEOUT" in r.stderr and r.stderr.count("\n") == 1 and
          json.loads(st.stdout or "{}").get("sent") == 1,
          "a checkpoint the node does not mine: exit 3 (timeout), kept in the outbox as sent",
          (r.returncode, r.stderr, st.stdout))
    cast("rpc", "--rpc-url", RPC, "evm_setAutomine", "true")
    cast("rpc", "--rpc-url", RPC, "evm_mine")
    r = nt("ledger", "checkpoint", *reg_args(d["registry"], p1))
    logs = json.loads(cast("logs", "--json", "--rpc-url", RPC, "--from-block", "0", "--address", cp,
                           "Checkpointed(bytes32 indexed,bytes32 indexed,uint64,bytes32)",
                           "0x" + p1["key_digest"]))
    sizes = [int(l["data"][2:66], 16) for l in logs]
    check(r.returncode == 0 and "nothing pending: size 25" in r.stdout and sizes == [4, 20, 25],
          "the next checkpoint lands the one left in the outbox first: on chain once, nothing sent "
          "again", (r.returncode, r.stdout, r.stderr, sizes))
    r = nt("ledger", "checkpoint", *reg_args(d["registry"], keygen("nolog", "nolog.local")))
    check(r.returncode == 5 and "NT_ERR_NOT_FOUND" in r.stderr and one_line(r),
          "checkpoint without a Merkle log: exit 5, one line", (r.returncode, r.stderr))
    return head


def audit(reg, name, state=None, json_out=True):
    args = ["ledger", "audit", name, "--rpc", RPC, "--registry", reg]
    if state:
        args += ["--state", state]
    if json_out:
        args.append("--json")
    return nt(*args)


def test_audit(d, p1, p2):
    reg = d["registry"]
    r = audit(reg, "printer.local", p1["state"])
    a = json.loads(r.stdout) if r.returncode in (0, 1) and r.stdout else {}
    logs = a.get("logs", [])
    cps = logs[0]["checkpoints"] if logs else []
    check(r.returncode == 0 and a.get("consistent") is True, "audit with the log: consistent, exit 0",
          (r.returncode, r.stderr, r.stdout[:300]))
    check([e["event"] for e in a.get("history", [])] == ["registered"] and
          a["history"][0]["digest"] == "0x" + p1["key_digest"] and a.get("history_matches_keyof") is True,
          "audit lists the registration of printer.local with its digest", a.get("history"))
    check([c["size"] for c in cps] == [4, 20, 25] and
          all(c["key_bound"] and c["root_matches_local"] and c["consistent"] for c in cps) and
          all(c["block"] > 0 and c["time"] > 0 and len(c["tx"]) == 66 for c in cps),
          "audit lists the three checkpoints with block, time, tx: bound key, roots match, consistent",
          cps)
    recs = a.get("records", [])
    check(len(recs) == 25 and all(x["included"] is True and x["data_ok"] for x in recs) and
          [x["leaf"] for x in recs] == list(range(25)) and
          all(x["owner"] == "printer.local." and x["type"] == 16 for x in recs) and
          [x["checkpoint"]["size"] for x in recs] == [4] * 4 + [20] * 16 + [25] * 5 and
          [x["checkpoint"]["tx"] for x in recs] == [cps[0]["tx"]] * 4 + [cps[1]["tx"]] * 16 + [cps[2]["tx"]] * 5,
          "every leaf: index, owner, type, anchored in the first checkpoint covering it "
          "(its block, tx), included", recs[:3])
    r = audit(reg, "printer.local", p1["state"], json_out=False)
    check(r.returncode == 0 and r.stdout.count("checkpoint size") == 3 and
          r.stdout.count("inclusion ok") == 25 and "result: consistent" in r.stdout,
          "audit (text) says the same", r.stdout[-600:])
    r = audit(reg, "printer.local")
    a = json.loads(r.stdout) if r.stdout else {}
    check(r.returncode == 0 and a.get("local_log") is False and a.get("unchecked") and
          [c["size"] for c in a["logs"][0]["checkpoints"]] == [4, 20, 25] and
          all(c["key_bound"] is True and c["consistent"] is None for c in a["logs"][0]["checkpoints"][1:]),
          "a third party (RPC URL and registry only): history and checkpoints verified, consistency "
          "said to be unchecked", r.stdout[:400])
    r = audit(reg, "nobody.local")
    a = json.loads(r.stdout) if r.stdout else {}
    check(r.returncode == 1 and a.get("binding", {}).get("registered") is False and
          a.get("history") == [] and a.get("logs") == [],
          "audit of a name never registered: exit 1, no binding, no history", (r.returncode, r.stdout))
    r = audit(p1["address"], "printer.local")
    check(r.returncode == 3 and "NT_ERR_CHAIN_NO_CODE" in r.stderr and one_line(r),
          "audit against an address without a contract: exit 3, one line", (r.returncode, r.stderr))
    r = audit(reg, "camera.local")
    a = json.loads(r.stdout) if r.stdout else {}
    check(r.returncode == 0 and [e["event"] for e in a.get("history", [])] ==
          ["registered", "rotated", "revoked"] and a["binding"]["revoked"] is True and
          a["history"][1]["old_digest"] == "0x" + p2["key_digest"],
          "audit camera.local: registered, rotated (old digest), revoked", r.stdout[:400])


class LyingNode:
    """A JSON-RPC proxy on 127.0.0.1 in front of anvil that rewrites the
    answers of eth_getLogs with `edit(logs) -> logs`: a node that lies."""

    def __init__(self, edit):
        import http.server
        import threading
        import urllib.request
        upstream = RPC

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *_):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                req = json.loads(body)
                up = urllib.request.Request(upstream, data=body,
                                            headers={"Content-Type": "application/json"})
                with urllib.request.urlopen(up, timeout=10) as f:
                    answer = json.loads(f.read())
                if isinstance(req, dict) and req.get("method") == "eth_getLogs" and \
                        isinstance(answer.get("result"), list):
                    answer["result"] = edit(answer["result"])
                out = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

        self.server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def test_lying_node(d, p1):
    """What a third party gets from a node that lies about the events."""
    reg = d["registry"]
    topic = cast("keccak", "Checkpointed(bytes32,bytes32,uint64,bytes32)")
    other = "0x" + "77" * 20
    for what, edit, want_rc, want in (
            ("logs said to come from another contract",
             lambda logs: [dict(l, address=other) for l in logs], 3, "NT_ERR_RPC_RESULT_TYPE"),
            ("the latest checkpoint hidden (headOf in storage disagrees)",
             lambda logs: [l for l in logs if l["topics"][0] != topic] +
             [l for l in logs if l["topics"][0] == topic][:-1], 1, "result: INCONSISTENT")):
        node = LyingNode(edit)
        try:
            r = nt("ledger", "audit", "printer.local", "--rpc", node.url, "--registry", reg)
        finally:
            node.close()
        check(r.returncode == want_rc and want in (r.stdout + r.stderr),
              "a node that lies (%s): audit exits %d" % (what, want_rc),
              (r.returncode, r.stderr, r.stdout[-300:]))


def test_tamper(d, p1):
    reg = d["registry"]
    t = os.path.join(TMP, "tampered")
    os.makedirs(t, mode=0o700)
    shutil.copy(os.path.join(p1["state"], "merkle-log.sqlite"), t)
    db = sqlite3.connect(os.path.join(t, "merkle-log.sqlite"))
    data = db.execute("SELECT data FROM leaves WHERE idx = 7").fetchone()[0]
    db.execute("UPDATE leaves SET data = ? WHERE idx = 7", (data.replace(b"v=b-3", b"v=X-3"),))
    changed = db.total_changes if b"v=b-3" in data else 0
    db.commit()
    db.close()
    r = audit(reg, "printer.local", t)
    a = json.loads(r.stdout) if r.stdout else {}
    bad = [x["leaf"] for x in a.get("records", []) if not x["included"] or not x["data_ok"]]
    check(changed == 1 and r.returncode == 1 and a.get("consistent") is False and bad == [7],
          "a tampered local leaf: audit exits 1 and names leaf 7", (r.returncode, r.stderr, bad))
    r = audit(reg, "printer.local", t, json_out=False)
    check(r.returncode == 1 and "result: INCONSISTENT" in r.stdout and
          "record leaf 7 printer.local. type 16" in r.stdout and "inclusion FAILED" in r.stdout,
          "audit (text) says INCONSISTENT", r.stdout[-400:])
    u = os.path.join(TMP, "forked")
    os.makedirs(u, mode=0o700)
    append(u, p1["key_digest"], 20, "other")
    r = audit(reg, "printer.local", u)
    a = json.loads(r.stdout) if r.stdout else {}
    cps = a["logs"][0]["checkpoints"] if a.get("logs") else []
    check(r.returncode == 1 and cps and all(c["root_matches_local"] is False for c in cps) and
          all(x["included"] is False for x in a["records"]),
          "a log whose roots are not those on chain: every root and inclusion fails, exit 1",
          (r.returncode, r.stderr, r.stdout[:300]))


def test_status(p1):
    r = nt("ledger", "status", "--state", p1["state"], *CHAIN, "--json")
    s = json.loads(r.stdout) if r.returncode == 0 else {}
    check(r.returncode == 0 and s.get("confirmed") == 12 and s.get("failed") == 0 and
          s.get("queued") == 0 and s.get("sent") == 0 and s.get("mined") == 0,
          "status --json: two deployments (4 each), register and three checkpoints confirmed, none "
          "failed", r.stdout or r.stderr)


def test_besu():
    start_anvil("--gas-price", "0", "--base-fee", "0")
    p3 = keygen("p3", "scanner.local")
    besu = ["--profile", "besu"] + CHAIN
    r = nt("ledger", "deploy", "--rpc", RPC, *besu, "--state", p3["state"], "--json")
    check(r.returncode == 0, "besu profile: deploy from an account with no ether", r.stderr)
    if r.returncode != 0:
        return
    reg = json.loads(r.stdout)["registry"]
    r = nt("ledger", "register", "scanner.local", "--rpc", RPC, "--registry", reg,
           "--state", p3["state"], *besu)
    check(r.returncode == 0 and key_of(reg, "scanner.local")[0] == "0x" + p3["key_digest"],
          "besu profile: register", r.stderr)
    txh = r.stdout.split(" tx ")[1].split()[0] if " tx " in r.stdout else "0x"
    tx = json.loads(cast("tx", "--json", "--rpc-url", RPC, txh))
    check(int(tx["type"], 16) == 0 and int(tx["gasPrice"], 16) == 0 and
          cast("balance", "--rpc-url", RPC, p3["address"]) == "0",
          "besu transactions are legacy at gas price 0", tx)


def main():
    atexit.register(cleanup)
    for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(s, on_signal)
    print("== ledger_cli: nautilus ledger on anvil", flush=True)
    start_anvil()
    p1, p2 = keygen("p1", "printer.local"), keygen("p2", "camera.local")
    fund(p1["address"])
    fund(p2["address"])
    test_usage(p1)
    d = test_deploy(p1)
    test_register(d["registry"], p1, p2)
    test_rotate_revoke(d["registry"], p2)
    test_checkpoint(d, p1)
    test_audit(d, p1, p2)
    test_tamper(d, p1)
    test_lying_node(d, p1)
    test_status(p1)
    stop_anvil()
    test_besu()
    cleanup()
    print("== ledger_cli: %d failed (%.1f s)" % (len(failed), time.monotonic() - T0), flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
