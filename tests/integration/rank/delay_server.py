#!/usr/bin/python3
"""The test's own TCP service for tests/integration/rank: answers each
connection's line with "ok" after a delay, or fails it (closes with "error")
at a failure rate. Its behaviour is read from CONTROL ("DELAY_MS FAIL_RATE")
at every connection, so the test can degrade it while it runs.

    delay_server.py PORT CONTROL SEED
"""
import random
import socket
import sys
import threading
import time


def behaviour(path):
    try:
        with open(path) as f:
            d, p = f.read().split()
            return float(d) / 1000.0, float(p)
    except (OSError, ValueError):
        return 0.0, 1.0  # unreadable control: fail, never pretend to work


def serve(conn, control, rng, lock):
    with conn:
        conn.settimeout(5)
        try:
            conn.recv(64)
            delay, fail = behaviour(control)
            with lock:
                bad = rng.random() < fail
            time.sleep(delay)
            conn.sendall(b"error\n" if bad else b"ok\n")
        except OSError:
            pass


def main():
    port, control, seed = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    rng, lock = random.Random(seed), threading.Lock()
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", port))
    s.listen(16)
    print("listening", port, flush=True)
    while True:
        conn, _ = s.accept()
        threading.Thread(target=serve, args=(conn, control, rng, lock), daemon=True).start()


if __name__ == "__main__":
    main()
