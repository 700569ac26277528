# Sourced by the tool tests of the control socket (agent_ctl.sh, zk_ctl.sh,
# ledger_ctl.sh): a stand-in agent on $D/ctl. The caller defines D and fail.
#   serve REPLY...   serves one connection per reply, in order, appending
#                    each request's JSON to $D/requests; SERVER_PID is its pid.
serve() {
  rm -f "$D/ctl.ready"
  /usr/bin/python3 - "$D/ctl" "$D/requests" "$@" <<'PY' &
import os, socket, struct, sys
path, log, replies = sys.argv[1], sys.argv[2], sys.argv[3:]
if os.path.exists(path):
    os.unlink(path)
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(path); s.listen(4)
open(path + ".ready", "w").close()
def recv(c, n):
    b = b""
    while len(b) < n:
        b += c.recv(n - len(b))
    return b
for rep in replies:
    c, _ = s.accept()
    body = recv(c, struct.unpack(">I", recv(c, 4))[0])
    with open(log, "a") as f:
        f.write(body.decode() + "\n")
    rep = rep.encode()
    c.sendall(struct.pack(">I", len(rep)) + rep)
    c.close()
PY
  SERVER_PID=$!
  for _ in $(seq 100); do [ -e "$D/ctl.ready" ] && return 0; sleep 0.05; done
  fail "stand-in agent did not start"
}
