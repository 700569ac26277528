"""A test's own anvil node on 127.0.0.1 (from node_modules, pinned in the
lock file), and JSON-RPC to it. The caller stops it by PID (proc.kill())."""
import json
import os
import socket
import subprocess
import time
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rpc(url, method, params):
    """One JSON-RPC call; the whole reply object (result or error)."""
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode()
    req = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=5) as r:
        return json.loads(r.read())


def start(src, port=None, chain_id="31337", extra=()):
    """anvil on 127.0.0.1:port (a free one if None) with chain_id and extra
    arguments (e.g. ["--state", FILE]); returns (process, url) once it
    answers. RuntimeError if it is missing or does not answer within 10 s."""
    binary = os.path.join(src, "node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil")
    if not os.access(binary, os.X_OK):
        raise RuntimeError("no anvil at %s (bash scripts/deps.sh)" % binary)
    port = port or free_port()
    p = subprocess.Popen([binary, "--host", "127.0.0.1", "--port", str(port), "--chain-id",
                          str(chain_id), "--silent"] + list(extra), stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    url = "http://127.0.0.1:%d" % port
    for _ in range(200):
        if p.poll() is not None:
            raise RuntimeError("anvil exited with %d (port %d)" % (p.returncode, port))
        try:
            rpc(url, "eth_chainId", [])
            return p, url
        except OSError:
            time.sleep(0.05)
    p.kill()
    p.wait()
    raise RuntimeError("anvil did not answer on %s" % url)
