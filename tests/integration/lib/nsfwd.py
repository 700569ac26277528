"""Makes a TCP port on the root namespace's 127.0.0.1 (a test's anvil)
reachable as 127.0.0.1:PORT inside network namespaces the test created, so
that commands running there use the same http://127.0.0.1:PORT URL. No
address outside loopback is involved: each listener is bound to a
namespace's own loopback, each connection goes to the root's.

    /usr/bin/python3 nsfwd.py PORT NS [NS ...]

Prints "ready" once every listener is up; runs until killed (the test kills
it by PID). Linux setns(2) through ctypes; run as root.
"""
import ctypes
import os
import selectors
import socket
import sys
import threading

CLONE_NEWNET = 0x40000000
libc = ctypes.CDLL(None, use_errno=True)


def setns(fd):
    if libc.setns(fd, CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), "setns")


def pump(src, dst):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    for s in (src, dst):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def serve(conn, port):
    try:
        up = socket.create_connection(("127.0.0.1", port), timeout=10)
        up.settimeout(None)
    except OSError:
        conn.close()
        return
    threading.Thread(target=pump, args=(conn, up), daemon=True).start()
    threading.Thread(target=pump, args=(up, conn), daemon=True).start()


def main():
    port = int(sys.argv[1])
    root = os.open("/proc/self/ns/net", os.O_RDONLY)
    sel = selectors.DefaultSelector()
    for ns in sys.argv[2:]:
        fd = os.open("/run/netns/" + ns, os.O_RDONLY)
        setns(fd)
        ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind(("127.0.0.1", port))
        ls.listen(16)
        sel.register(ls, selectors.EVENT_READ)
        os.close(fd)
    setns(root)  # connections to the node are made from the root namespace
    print("ready", flush=True)
    while True:
        for key, _ in sel.select():
            conn, _ = key.fileobj.accept()
            serve(conn, port)


if __name__ == "__main__":
    main()
