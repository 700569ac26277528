#!/usr/bin/python3
"""The durable outbox (nt_ledger_outbox) on a REAL anvil: nothing lost.

    outbox.py OUTBOX_TOOL SOURCE_DIR

Anvil (127.0.0.1, a free port, chain id 31337, --block-time 1, --state FILE,
killed by PID on exit). EventPerRecord is deployed from dev account 1; the
outbox sends from dev account 0 (all of account 0's nonces are the outbox's),
each transaction logRecord(bytes32 i), one RecordLogged event each. The
outbox is driven by outbox_tool (a test tool built beside this script) as a
separate process, while in turn:

  (a) anvil is stopped (SIGTERM, which dumps --state) and started again from
      the same --state file on the same port, the outbox running throughout;
  (b) a reorg is made with anvil_reorg after the outbox saw a transaction
      mined (its block is replaced);
  (c) a pending transaction of the outbox is dropped from anvil's pool with
      anvil_dropTransaction, and comes back (re-broadcast from stored bytes);
  (d) a transaction is left stuck: mining paused, the next base fee raised
      far above its max fee (anvil_setNextBlockBaseFeePerGas), blocks mined
      with evm_mine that cannot include it, until the outbox bumps it; the
      bumped version is the one mined;
  (e) the outbox process is SIGKILLed while it works and started again;
  (g) anvil is SIGKILLed (no state dump) after the outbox confirmed four
      more transactions, and restarted from its older --state dump: the
      chain it comes back with lacks them; the outbox sees the account's
      nonce fall below theirs and sends them again from the stored bytes.

  (f) reverts: Registry and Checkpoints deployed, account 0 registers a
      name through the outbox and checkpoints its log; the same checkpoint
      sent again reverts AlreadyCheckpointed, which the outbox (told that
      error means done) counts as confirmed; a smaller size reverts
      NotExtending and is failed with the error's selector as its reason.

Afterwards every enqueued record is on chain exactly once (RecordLogged
events counted per record), all are confirmed in the outbox, account 0's
nonces on chain are exactly 0..N-1 (no gap, none twice), and the counts are
printed.
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import anvil as anvil_node  # noqa: E402

tool, src = sys.argv[1], sys.argv[2]
cast_bin = os.path.join(src, "node_modules/@foundry-rs/cast-linux-amd64/bin/cast")
# Anvil's deterministic dev accounts 0 and 1 (public, test-only keys).
KEY0 = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
ADDR0 = "f39fd6e51aad88f6f4ce6ab8827279cfffb92266"
ADDR1 = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8"
TOPIC = None  # RecordLogged(bytes32), read from the first receipt
failures = []
tmp = tempfile.mkdtemp(prefix="nt_outbox_it_")
db = os.path.join(tmp, "outbox.db")
state_file = os.path.join(tmp, "anvil-state.json")
SEL_ALREADY = "7daafad4"  # AlreadyCheckpointed(bytes32,uint64,bytes32)
SEL_NOT_EXTENDING = "66d0e6c9"  # NotExtending(bytes32,uint64,uint64)
env = dict(os.environ, OUTBOX_FROM=ADDR0, OUTBOX_DONE_SELECTOR=SEL_ALREADY)
anvil = None
runner = None
port = None


def check(cond, msg):
    print(("ok: " if cond else "FAIL: ") + msg, flush=True)
    if not cond:
        failures.append(msg)


def rpc(method, params=None):
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method,
                       "params": params or []}).encode()
    req = urllib.request.Request(f"http://127.0.0.1:{port}", body,
                                 {"content-type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        reply = json.load(r)
    if "error" in reply:
        raise RuntimeError(f"{method}: {reply['error']}")
    return reply["result"]


def start_anvil():
    """anvil on the test's one port (the same across restarts), with its state
    dumped to state_file on the way out."""
    global anvil
    try:
        anvil, _ = anvil_node.start(src, port=port,
                                    extra=["--block-time", "1", "--state", state_file])
    except RuntimeError as e:
        sys.exit(str(e))


def stop_anvil():
    if anvil is not None and anvil.poll() is None:
        anvil.send_signal(signal.SIGTERM)  # anvil dumps --state on the way out
        try:
            anvil.wait(timeout=20)
        except subprocess.TimeoutExpired:
            anvil.kill()
            anvil.wait()


def url():
    return f"http://127.0.0.1:{port}"


def tool_out(*args):
    r = subprocess.run([tool] + [str(a) for a in args], capture_output=True, text=True, env=env,
                       timeout=120)
    if r.returncode != 0:
        sys.exit(f"outbox_tool {args[0]}: exit {r.returncode}: {r.stderr}")
    return r.stdout


def counts():
    line = tool_out("status", db).splitlines()[0]
    return {k: int(v) for k, v in (f.split("=") for f in line.split()[1:])}


def txs():
    out = []
    for line in tool_out("status", db, "list").splitlines()[1:]:
        fields = line.split()[1:]
        t = dict(f.split("=", 1) for f in fields if "=" in f)
        t["_rest"] = " ".join(f for f in fields if "=" not in f)
        out.append(t)
    return out


def start_runner(seconds=100000):
    global runner
    log = open(os.path.join(tmp, "runner.log"), "a")
    runner = subprocess.Popen([tool, "run", db, url(), KEY0, str(seconds)], stdout=log,
                              stderr=log, env=env)


def stop_runner(sig=signal.SIGTERM):
    if runner is not None and runner.poll() is None:
        runner.send_signal(sig)
        runner.wait(timeout=20)


def wait_for(cond, what, timeout=60):
    end = time.time() + timeout
    while time.time() < end:
        try:
            if cond():
                return True
        except Exception:
            pass
        time.sleep(0.25)
    check(False, f"timed out waiting for {what}")
    return False


def all_done(n):
    c = counts()
    return c["confirmed"] + c["failed"] == n


def pool_hashes():
    pool = rpc("txpool_content")["pending"]
    return [t["hash"] for by_nonce in pool.values() for t in by_nonce.values()]


def calldata(sig, *args):
    r = subprocess.run([cast_bin, "calldata", sig] + list(args), capture_output=True, text=True,
                       timeout=30)
    if r.returncode != 0:
        sys.exit(f"cast calldata: {r.stderr}")
    return r.stdout.strip()


def deploy(name="EventPerRecord", args=""):
    code = open(os.path.join(src, f"contracts/build/{name}.bin")).read().strip()
    h = rpc("eth_sendTransaction", [{"from": ADDR1, "data": "0x" + code.removeprefix("0x") + args,
                                     "gas": hex(3000000)}])
    wait_for(lambda: rpc("eth_getTransactionReceipt", [h]) is not None, "deployment")
    return rpc("eth_getTransactionReceipt", [h])["contractAddress"]


def txs_reason(t):
    """'reverted: 0xSEL' is split by the line format into reason=reverted: and the rest."""
    return t.get("_rest", "")


def enqueue(target, n, first):
    tool_out("enqueue", db, target[2:], n, first)
    return n


def main():
    global port
    port = anvil_node.free_port()
    start_anvil()
    target = deploy()
    print(f"EventPerRecord at {target}; outbox db {db}", flush=True)
    total = 0

    # Warm-up: 3 transactions, confirmed.
    total += enqueue(target, 3, total)
    start_runner()
    wait_for(lambda: all_done(total), "3 confirmed")

    # (a) anvil stopped and started again from --state, the outbox running.
    total += enqueue(target, 4, total)
    time.sleep(0.6)
    stop_anvil()
    down_at = counts()
    print(f"(a) anvil stopped with outbox counts {down_at}", flush=True)
    total += enqueue(target, 2, total)  # enqueued while the node is down
    time.sleep(2.5)
    start_anvil()
    wait_for(lambda: all_done(total), "(a) all confirmed after anvil restart", 90)
    check(all_done(total), f"(a) {total} confirmed after anvil was restarted from --state")

    # (b) a reorg of the block holding a transaction the outbox saw mined.
    # Mining paused so that the transaction sits at 1 confirmation (of 2)
    # for as long as it takes the outbox to see it mined.
    before = counts()["reorgs"]
    rpc("evm_setIntervalMining", [0])
    rpc("evm_setAutomine", [False])
    total += enqueue(target, 1, total)
    wait_for(lambda: len(pool_hashes()) == 1, "(b) pending in the pool", 30)
    rpc("evm_mine")
    wait_for(lambda: txs()[-1]["state"] == "mined", "(b) mined before the reorg", 30)
    mined = txs()[-1]
    head = int(rpc("eth_blockNumber"), 16)
    depth = head - int(mined["block"]) + 1
    rpc("anvil_reorg", [depth, []])
    gone = rpc("eth_getTransactionReceipt", [mined["hash"]]) is None
    in_pool = mined["hash"] in pool_hashes()
    check(gone, f"(b) after anvil_reorg the receipt of {mined['hash']} is gone "
          f"(anvil put it back in its pool itself: {in_pool})")
    print(f"(b) anvil_reorg depth {depth}: block {mined['block']} of tx {mined['hash']} replaced",
          flush=True)
    rpc("evm_setIntervalMining", [1])
    wait_for(lambda: all_done(total), "(b) confirmed after the reorg", 60)
    after = counts()["reorgs"]
    check(after > before, f"(b) the outbox saw the reorg (reorgs {before} -> {after}) and the "
          "transaction is confirmed again")

    # (c) a pending transaction dropped from anvil's pool comes back.
    rpc("evm_setIntervalMining", [0])
    rpc("evm_setAutomine", [False])
    total += enqueue(target, 1, total)
    wait_for(lambda: len(pool_hashes()) == 1, "(c) pending in the pool", 30)
    dropped = pool_hashes()[0]
    rpc("anvil_dropTransaction", [dropped])
    check(pool_hashes() == [], f"(c) {dropped} dropped from the pool")
    back = wait_for(lambda: dropped in pool_hashes(), "(c) re-broadcast of the stored bytes", 30)
    check(back, "(c) the same transaction (same hash) is back in the pool, re-broadcast")
    rpc("evm_mine")
    rpc("evm_mine")
    rpc("evm_mine")
    wait_for(lambda: all_done(total), "(c) confirmed", 30)

    # (d) stuck under a too-low fee until bumped.
    total += enqueue(target, 1, total)
    wait_for(lambda: len(pool_hashes()) == 1, "(d) pending in the pool", 30)
    stuck = pool_hashes()[0]
    stuck_tx = rpc("eth_getTransactionByHash", [stuck])
    max_fee = int(stuck_tx["maxFeePerGas"], 16)
    rpc("anvil_setNextBlockBaseFeePerGas", [hex(max_fee * 50)])
    rpc("evm_mine")
    check(rpc("eth_getTransactionReceipt", [stuck]) is None,
          f"(d) {stuck} (max fee {max_fee}) not mined under base fee {max_fee * 50}")
    bumped = wait_for(lambda: txs()[-1]["versions"] != "1", "(d) fee bump", 30)
    rpc("evm_mine")
    rpc("evm_mine")
    rpc("evm_mine")
    wait_for(lambda: all_done(total), "(d) confirmed after the bump", 30)
    last = txs()[-1]
    mined_tx = rpc("eth_getTransactionByHash", [last["hash"]])
    new_fee = int(mined_tx["maxFeePerGas"], 16) if mined_tx else 0
    check(bumped and last["hash"] != stuck and new_fee * 8 >= max_fee * 9,
          f"(d) the bumped version ({last['versions']} versions, max fee {max_fee} -> {new_fee})"
          " is the one mined, the stuck one is not")
    rpc("evm_setIntervalMining", [1])

    # (f) reverts: AlreadyCheckpointed is done, NotExtending is failed.
    registry = deploy("Registry")
    checkpoints = deploy("Checkpoints", "00" * 12 + registry[2:])
    name, digest, root = "0x" + "e6" * 32, "0x" + "d1" * 32, "0x" + "a0" * 32
    reverts = []
    for to, data in [(registry, calldata("register(bytes32,bytes32)", name, digest)),
                     (checkpoints, calldata("checkpoint(bytes32,bytes32,uint64,bytes32)",
                                            digest, name, "5", root)),
                     (checkpoints, calldata("checkpoint(bytes32,bytes32,uint64,bytes32)",
                                            digest, name, "5", root)),
                     (checkpoints, calldata("checkpoint(bytes32,bytes32,uint64,bytes32)",
                                            digest, name, "3", root))]:
        tool_out("enqueue-raw", db, to[2:], data[2:])
        total += 1
        reverts.append(total)
    wait_for(lambda: all_done(total), "(f) the four calls final", 60)
    f = {int(t["id"]): t for t in txs()}
    r = [f[i] for i in reverts]
    head = rpc("eth_call", [{"to": checkpoints, "data": calldata("headOf(bytes32)", digest)},
                            "latest"])
    check(r[0]["state"] == "confirmed" and r[1]["state"] == "confirmed" and
          r[1]["reason"] == "-" and int(head[2:66], 16) == 5,
          "(f) register and checkpoint(size 5) confirmed; headOf gives size 5")
    check(r[2]["state"] == "confirmed" and r[2]["reason"] == "reverted:" and
          txs_reason(r[2]) == "0x" + SEL_ALREADY,
          f"(f) the same checkpoint again reverted AlreadyCheckpointed -> confirmed "
          f"(reason {txs_reason(r[2])})")
    check(r[3]["state"] == "failed" and txs_reason(r[3]) == "0x" + SEL_NOT_EXTENDING,
          f"(f) a smaller size reverted NotExtending -> failed (reason {txs_reason(r[3])})")
    records_failed = 1

    # (e) the outbox SIGKILLed while it works, then started again.
    first = total - 4  # record numbers: the four calls of (f) are not records
    enqueue(target, 8, first)
    total += 8
    records = first + 8
    time.sleep(0.8)
    stop_runner(signal.SIGKILL)
    print(f"(e) outbox SIGKILLed with counts {counts()}", flush=True)
    start_runner()
    wait_for(lambda: all_done(total), "(e) all confirmed after the restart", 90)

    # (g) anvil SIGKILLed: it comes back from its last state dump, older than
    # the chain it had, so transactions the outbox had confirmed are gone.
    stop_anvil()  # SIGTERM: the dump the node will fall back to
    start_anvil()
    snap = int(rpc("eth_getTransactionCount", ["0x" + ADDR0, "latest"]), 16)
    enqueue(target, 4, records)
    total += 4
    records += 4
    wait_for(lambda: all_done(total), "(g) four more confirmed", 60)
    confirmed_before = int(rpc("eth_getTransactionCount", ["0x" + ADDR0, "latest"]), 16)
    anvil.kill()  # SIGKILL: no dump
    anvil.wait()
    start_anvil()
    after_kill = int(rpc("eth_getTransactionCount", ["0x" + ADDR0, "latest"]), 16)
    check(confirmed_before == snap + 4 and after_kill == snap,
          f"(g) anvil SIGKILLed and restarted from its older dump: account nonce "
          f"{confirmed_before} -> {after_kill}, the 4 confirmed transactions are gone")
    back = wait_for(lambda: all_done(total) and int(rpc(
        "eth_getTransactionCount", ["0x" + ADDR0, "latest"]), 16) == total,
        "(g) the lost transactions sent again and confirmed", 90)
    check(back, f"(g) the outbox saw the rollback and the 4 are confirmed again "
          f"(reorgs now {counts()['reorgs']})")
    stop_runner()

    # Nothing lost, nothing twice, no nonce gap.
    c = counts()
    print(f"outbox counts: {c}", flush=True)
    check(c["confirmed"] == total - records_failed and c["failed"] == records_failed and
          c["queued"] + c["sent"] + c["mined"] == 0,
          f"all {total} enqueued transactions final in the outbox: {c['confirmed']} confirmed, "
          f"{c['failed']} failed (the NotExtending one)")
    logs = rpc("eth_getLogs", [{"address": target, "fromBlock": "0x0", "toBlock": "latest"}])
    seen = {}
    for lg in logs:
        i = int(lg["data"], 16)
        seen[i] = seen.get(i, 0) + 1
    once = sorted(i for i, k in seen.items() if k == 1)
    check(once == list(range(records)) and len(logs) == records,
          f"on chain: {len(logs)} RecordLogged events, {len(once)} records exactly once "
          f"(expected {records}), duplicates {[i for i, k in seen.items() if k > 1]}")
    nonces = []
    for t in txs():
        tx = rpc("eth_getTransactionByHash", [t["hash"]])
        nonces.append(int(tx["nonce"], 16) if tx else -1)
    count = int(rpc("eth_getTransactionCount", ["0x" + ADDR0, "latest"]), 16)
    check(sorted(nonces) == list(range(total)) and count == total,
          f"nonces of the mined transactions are 0..{total - 1} without gaps; account nonce "
          f"{count}; next_nonce {c['next_nonce']}")
    print(f"counts: enqueued={total} records={records} confirmed={c['confirmed']} "
          f"failed={c['failed']} events={len(logs)} "
          f"versions={c['versions']} bumps={c['bumps']} reorgs={c['reorgs']} "
          f"account_nonce={count}", flush=True)


try:
    main()
finally:
    stop_runner(signal.SIGKILL)
    stop_anvil()
    log = os.path.join(tmp, "runner.log")
    if failures and os.path.exists(log):
        print("runner log (tail):\n" + "".join(open(log).readlines()[-30:]))
    subprocess.run(["rm", "-rf", tmp])
print(f"{len(failures)} failure(s)")
sys.exit(1 if failures else 0)
