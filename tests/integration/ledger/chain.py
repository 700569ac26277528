#!/usr/bin/python3
"""The chain client (nt_ledger) against a real anvil node and against
stand-ins for misbehaving nodes.

    chain.py LEDGER_PROBE SOURCE_DIR

1. RLP and keccak-256 of seeded random inputs (the seed is printed; set
   NT_LEDGER_SEED to repeat) match `cast to-rlp` and `cast keccak`.
2. On anvil (127.0.0.1, a free port, chain id 31337, killed by PID on exit):
   a legacy (EIP-155) and an EIP-1559 transaction signed by us with anvil's
   dev account 0 are accepted (eth_sendRawTransaction, receipt status 1),
   and `cast decode-transaction` recovers our address from the raw bytes;
   a contract creation whose init code emits a log, read back with
   eth_getLogs and decoded as an ABI event; eth_call of the identity
   precompile with ABI data; a batch with a method anvil does not know.
3. A wrong chain id is refused before anything is signed: the node's id
   checked against another, and a transaction for chain 1 refused by a
   signer for 31337; the account's nonce on the node does not move.
4. The `besu` profile: a legacy transaction at gas price 0 is accepted by
   an anvil started as a free-gas chain (--gas-price 0 --base-fee 0).
5. Bad answers give one clear status each. A closed port, a local TCP
   server that accepts and never answers, and a tiny HTTP server on
   127.0.0.1 are STAND-INS FOR A MISBEHAVING NODE (none of this is anvil):
   HTTP 500 (retried, then refused), invalid JSON, a JSON-RPC error object,
   a 100 MB body (declared, and chunked without a length: the client stops
   at its 16 MiB cap, long before the server has sent it all), a result of
   the wrong type, a redirect, a node that fails twice and then answers
   (retries with backoff), and eth_getLogs from a node that refuses ranges
   of more than 4 blocks (the client splits the range).
"""
import http.server
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import anvil as anvil_node  # noqa: E402

probe, src = sys.argv[1], sys.argv[2]
nm = os.path.join(src, "node_modules")
anvil_bin = os.path.join(nm, "@foundry-rs/anvil-linux-amd64/bin/anvil")
cast_bin = os.path.join(nm, "@foundry-rs/cast-linux-amd64/bin/cast")
# Anvil's first deterministic dev account (public, test-only key).
ANVIL_KEY0 = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
ANVIL_ADDR0 = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"
failures = []
children = []


def check(cond, msg):
    print(("ok: " if cond else "FAIL: ") + msg, flush=True)
    if not cond:
        failures.append(msg)


def run(cmd, stdin=None, timeout=60):
    return subprocess.run(cmd, input=stdin, capture_output=True, text=True, timeout=timeout)


def fields(line):
    """'status=X a=b c=d message=rest of line' -> dict."""
    out = {}
    rest = line.strip()
    while rest:
        if rest.startswith("message="):
            out["message"] = rest[len("message="):]
            break
        item, _, rest = rest.partition(" ")
        k, _, v = item.partition("=")
        out[k] = v
    return out


def probe_line(*args, stdin=None):
    r = run([probe] + [str(a) for a in args], stdin=stdin)
    if r.returncode not in (0, 1):
        sys.exit(f"ledger_probe {args[0]}: exit {r.returncode}: {r.stderr}")
    return r.stdout


def start_anvil(*extra):
    try:
        proc, url = anvil_node.start(src, extra=extra)
    except RuntimeError as e:
        sys.exit(str(e))
    children.append(proc)
    return url


def stop_children():
    for p in children:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


# ---- 1. RLP and keccak against cast ------------------------------------------

def random_item(rng, depth):
    if depth < 4 and rng.random() < 0.35:
        return [random_item(rng, depth + 1) for _ in range(rng.randrange(0, 6))]
    kind = rng.random()
    if kind < 0.2:
        n = rng.choice([0, 1, 1, 55, 56])
    elif kind < 0.9:
        n = rng.randrange(0, 70)
    else:
        n = rng.randrange(200, 1100)
    return "0x" + bytes(rng.randrange(256) for _ in range(n)).hex()


def check_rlp_keccak(rng):
    items = [random_item(rng, 0) for _ in range(40)]
    lines = probe_line("rlp", stdin="".join(json.dumps(i) + "\n" for i in items)).splitlines()
    bad = 0
    for item, line in zip(items, lines):
        r = run([cast_bin, "to-rlp", json.dumps(item)])
        ours = fields(line).get("rlp")
        if r.returncode != 0 or r.stdout.strip() != ours:
            bad += 1
            print(f"  rlp mismatch: {json.dumps(item)[:120]}: cast {r.stdout.strip()[:80]} ours {ours}")
    check(len(lines) == len(items) and bad == 0, f"RLP of {len(items)} random items == cast to-rlp")
    datas = [bytes(rng.randrange(256) for _ in range(rng.choice([0, 1, 135, 136, 137,
                                                                   rng.randrange(0, 300)])))
             for _ in range(40)]
    lines = probe_line("keccak", stdin="".join(d.hex() + "\n" for d in datas)).splitlines()
    bad = 0
    for d, line in zip(datas, lines):
        r = run([cast_bin, "keccak", "0x" + d.hex()])
        if r.returncode != 0 or r.stdout.strip() != fields(line).get("keccak"):
            bad += 1
    check(len(lines) == len(datas) and bad == 0, f"keccak-256 of {len(datas)} random inputs == cast keccak")


# ---- 2, 3, 4. anvil ----------------------------------------------------------

def send(url, chain, profile, extra=None):
    args = ["send", url, ANVIL_KEY0, chain, profile] + ([extra] if extra else [])
    line = probe_line(*args)
    f = fields(line)
    return f, line


def check_sent(url, name, f, want_type):
    check(f.get("status") == "NT_OK" and f.get("receipt_status") == "1",
          f"{name}: accepted by anvil, receipt status 1 ({f.get('status')})")
    check(f.get("from", "").lower() == ANVIL_ADDR0, f"{name}: receipt from is our address")
    r = run([cast_bin, "decode-transaction", f.get("raw", "0x")])
    dec = {}
    if r.returncode == 0:
        dec = json.loads(r.stdout)
        dec = json.loads(dec) if isinstance(dec, str) else dec
    check(dec.get("signer", "").lower() == ANVIL_ADDR0 and dec.get("type") == want_type
          and dec.get("hash") == f.get("hash"),
          f"{name}: cast decode-transaction recovers {dec.get('signer')}, type {dec.get('type')}, same hash")
    r = run([cast_bin, "receipt", "--rpc-url", url, f.get("hash", "0x"), "status"])
    status = r.stdout.strip().split(" ")[0]  # "1 (success)" or "true", by cast version
    check(r.returncode == 0 and status in ("1", "true"), f"{name}: cast receipt status {r.stdout.strip()}")


def check_anvil(url):
    f, _ = send(url, 31337, "legacy")
    check_sent(url, "legacy EIP-155 transaction", f, "0x0")
    f, _ = send(url, 31337, "ethereum")
    check_sent(url, "EIP-1559 transaction", f, "0x2")
    f, _ = send(url, 31337, "ethereum", "create-log")
    check(f.get("status") == "NT_OK" and f.get("receipt_status") == "1" and f.get("logs") == "1"
          and "contract" in f, "contract creation emitting a log: mined, 1 log in the receipt")
    block = f.get("block", "0")
    g = fields(probe_line("logs", url, 0, block, f.get("contract", "-")))
    check(g.get("status") == "NT_OK" and g.get("count") == "1" and g.get("decoded") == "1"
          and g.get("blocks") == block, f"eth_getLogs finds it in block {block}, ABI event decodes to 42")
    g = fields(probe_line("eth-call", url))
    check(g.get("status") == "NT_OK" and g.get("same") == "1",
          "eth_call of the identity precompile returns our ABI data, which decodes back")
    out = probe_line("batch", url).splitlines()
    want = ["status=NT_OK", "eth_chainId: status=NT_OK", "eth_blockNumber: status=NT_OK",
            "eth_no_such_method: status=NT_ERR_RPC_METHOD_NOT_FOUND", "eth_getBalance: status=NT_OK"]
    check(len(out) == 5 and all(o.startswith(w) for o, w in zip(out, want)) and "value=31337" in out[1],
          "batch of 4 on anvil: chain id 31337, block number, unknown method -32601, balance")
    f = fields(probe_line("wrong-chain", url, ANVIL_KEY0, 1, 1))
    check(f.get("node") == "NT_ERR_TX_CHAIN_ID", "a node whose chain id (31337) is not the expected 1 is refused")
    f = fields(probe_line("wrong-chain", url, ANVIL_KEY0, 31337, 1))
    check(f.get("node") == "NT_OK" and f.get("sign") == "NT_ERR_TX_CHAIN_ID" and f.get("raw_len") == "0"
          and f.get("nonce_before") == f.get("nonce_after"),
          f"a transaction for chain 1 is refused by the 31337 signer before signing "
          f"(nothing written, nonce {f.get('nonce_before')} -> {f.get('nonce_after')})")


def check_besu():
    url = start_anvil("--gas-price", "0", "--base-fee", "0")
    f, _ = send(url, 31337, "besu")
    check_sent(url, "besu profile (legacy, gas price 0) on a free-gas anvil", f, "0x0")
    check(f.get("tx_type") == "0" and f.get("effective_gas_price") == "0",
          f"besu profile: legacy type, effective gas price {f.get('effective_gas_price')}")


# ---- 5. stand-ins for misbehaving nodes -------------------------------------

class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.hits = {}
        self.sent = {}

    def hit(self, path):
        with self.lock:
            self.hits[path] = self.hits.get(path, 0) + 1
            return self.hits[path]


stats = Stats()
TOPIC = None  # keccak("Anchored(uint256)"), filled in main()
MB = 1000 * 1000


class BadNode(http.server.BaseHTTPRequestHandler):
    """A stand-in for a misbehaving node, one behaviour per path."""
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, code, body, ctype="application/json", extra=()):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def stream(self, total, chunked):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(total))
        self.end_headers()
        block, sent = b" " * 65536, 0
        try:
            while sent < total:
                if chunked:
                    self.wfile.write(b"%x\r\n" % len(block) + block + b"\r\n")
                else:
                    self.wfile.write(block)
                sent += len(block)
        except (BrokenPipeError, ConnectionResetError):
            pass
        with stats.lock:
            stats.sent[self.path] = sent
        self.close_connection = True

    def do_POST(self):
        req = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
        rid = req.get("id") if isinstance(req, dict) else None
        n = stats.hit(self.path)
        ok = lambda result: json.dumps({"jsonrpc": "2.0", "id": rid, "result": result})
        if self.path == "/500":
            self.reply(500, "internal server error", "text/plain")
        elif self.path == "/badjson":
            self.reply(200, '{"jsonrpc":"2.0","id":%s,"result":"0x1"' % rid)
        elif self.path == "/rpcerror":
            self.reply(200, json.dumps({"jsonrpc": "2.0", "id": rid,
                                        "error": {"code": -32000, "message": "nonce too low"}}))
        elif self.path in ("/huge", "/huge-chunked"):
            self.stream(100 * MB, self.path == "/huge-chunked")
        elif self.path == "/wrongtype":
            self.reply(200, ok(12345))
        elif self.path == "/redirect":
            self.reply(302, "", extra=[("Location", "http://127.0.0.1:1/")])
        elif self.path == "/flaky":
            self.reply(503, "busy", "text/plain") if n <= 2 else self.reply(200, ok("0x7a69"))
        elif self.path == "/logs":
            self.logs(req, rid)
        else:
            self.reply(404, "no such path", "text/plain")

    def logs(self, req, rid):
        """eth_getLogs refusing ranges of more than 4 blocks, one log per block."""
        flt = req["params"][0]
        lo, hi = int(flt["fromBlock"], 16), int(flt["toBlock"], 16)
        if hi - lo + 1 > 4:
            self.reply(200, json.dumps({"jsonrpc": "2.0", "id": rid, "error": {
                "code": -32005, "message": f"query exceeds max block range 4 ({hi - lo + 1})"}}))
            return
        logs = [{"address": "0x" + "35" * 20, "topics": [TOPIC], "data": "0x" + "%064x" % 42,
                 "blockNumber": hex(b), "blockHash": "0x" + "%064x" % (b + 1),
                 "transactionHash": "0x" + "%064x" % (b + 7), "transactionIndex": "0x0",
                 "logIndex": "0x0", "removed": False} for b in range(lo, hi + 1)]
        self.reply(200, json.dumps({"jsonrpc": "2.0", "id": rid, "result": logs}))


def silent_server():
    """A TCP server that accepts and never answers."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(16)
    held = []

    def loop():
        while True:
            try:
                held.append(s.accept()[0])
            except OSError:
                return
    threading.Thread(target=loop, daemon=True).start()
    return s, held


def bad_call(url, kind="u64", timeout_ms=3000, attempts=1, method="eth_blockNumber"):
    t0 = time.monotonic()
    f = fields(probe_line("call", url, method, "[]", kind, timeout_ms, attempts))
    f["elapsed"] = time.monotonic() - t0
    return f


def check_bad_answers():
    closed = anvil_node.free_port()  # bound and released: nothing listens there
    f = bad_call(f"http://127.0.0.1:{closed}/", attempts=3)
    check(f.get("status") == "NT_ERR_RPC_CONNECT" and f.get("attempts") == "3",
          f"connection refused: {f.get('status')} after {f.get('attempts')} attempts (backoff between)")
    silent, held = silent_server()
    port = silent.getsockname()[1]
    f = bad_call(f"http://127.0.0.1:{port}/", timeout_ms=800, attempts=2)
    check(f.get("status") == "NT_ERR_RPC_TIMEOUT" and f.get("attempts") == "2",
          f"a server that never answers: {f.get('status')} after {f.get('attempts')} attempts, "
          f"{f['elapsed']:.1f} s")
    silent.close()
    for c in held:
        c.close()

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), BadNode)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{srv.server_address[1]}"
    try:
        f = bad_call(base + "/500", attempts=2)
        check(f.get("status") == "NT_ERR_RPC_HTTP_STATUS" and f.get("http") == "500"
              and stats.hits.get("/500") == 2, f"HTTP 500: {f.get('status')}, retried once")
        f = bad_call(base + "/badjson")
        check(f.get("status") == "NT_ERR_RPC_JSON", f"invalid JSON: {f.get('status')}")
        f = bad_call(base + "/rpcerror")
        check(f.get("status") == "NT_ERR_RPC_INVALID_INPUT" and f.get("code") == "-32000"
              and f.get("message") == "nonce too low",
              f"JSON-RPC error object: {f.get('status')}, code {f.get('code')}, message kept")
        for path in ("/huge", "/huge-chunked"):
            f = bad_call(base + path, attempts=3)
            time.sleep(0.2)
            sent = stats.sent.get(path, -1)
            check(f.get("status") == "NT_ERR_RPC_BODY_TOO_LARGE" and f.get("attempts") == "1"
                  and 0 <= sent < 50 * MB,
                  f"100 MB body ({path[1:]}): {f.get('status')}, not retried; the server got "
                  f"{sent / MB:.1f} MB out before the client hung up")
        f = bad_call(base + "/wrongtype")
        check(f.get("status") == "NT_ERR_RPC_RESULT_TYPE", f"result of the wrong type: {f.get('status')}")
        f = bad_call(base + "/redirect", attempts=3)
        check(f.get("status") == "NT_ERR_RPC_REDIRECT" and f.get("attempts") == "1",
              f"redirect: {f.get('status')}, not followed")
        f = bad_call(base + "/flaky", attempts=4)
        check(f.get("status") == "NT_OK" and f.get("attempts") == "3" and f.get("value") == "31337",
              f"a node that fails twice (503) then answers: {f.get('status')} on attempt {f.get('attempts')}")
        f = fields(probe_line("logs", base + "/logs", 0, 20))
        check(f.get("status") == "NT_OK" and f.get("count") == "21" and f.get("decoded") == "21"
              and f.get("blocks") == ",".join(str(b) for b in range(21)),
              f"eth_getLogs 0..20 from a node limited to 4 blocks: split into "
              f"{stats.hits.get('/logs')} requests, 21 logs in order")
        f = fields(probe_line("logs", base + "/logs", 0, 20, "-", 3))
        check(f.get("status") == "NT_OK" and f.get("count") == "21",
              "eth_getLogs 0..20 in chunks of 3 blocks: 21 logs")
    finally:
        srv.shutdown()
        srv.server_close()


def main():
    global TOPIC
    seed = int(os.environ.get("NT_LEDGER_SEED", str(time.time_ns() % (1 << 32))))
    print(f"chain: seed {seed} (set NT_LEDGER_SEED to repeat)", flush=True)
    rng = random.Random(seed)
    for b in (anvil_bin, cast_bin):
        if not os.access(b, os.X_OK):
            sys.exit(f"{b} missing: run bash scripts/deps.sh")
    TOPIC = run([cast_bin, "keccak", "Anchored(uint256)"]).stdout.strip()
    try:
        check_rlp_keccak(rng)
        check_anvil(start_anvil())
        check_besu()
        check_bad_answers()
    finally:
        stop_children()
    if failures:
        print(f"chain: {len(failures)} failure(s)", file=sys.stderr)
        sys.exit(1)
    print("chain: all checks passed")


if __name__ == "__main__":
    main()
