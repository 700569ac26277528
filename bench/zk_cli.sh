#!/usr/bin/env bash
# Whole-process cost of `nautilus zk verify VK PROOF PUBLIC` (the one-shot
# path, nautilus/zk.h): the median of RUNS runs (default 20), each timed
# alone with a monotonic clock around spawn and wait (python3's
# os.posix_spawn and time.monotonic_ns; output to /dev/null; 3 runs of
# warm-up not counted), next to
#   - the process floor: the same binary doing nothing (`nautilus version`)
#     and /bin/true (a C program that only starts and exits);
#   - one in-process snarkjs 0.7.6 groth16.verify from the same JSON texts
#     (bench/snarkjs_verify.js: the median of RUNS calls in one node
#     process, curve built once; node's own start is not counted);
#   - as root: the same command through a warm agent (`nautilus agent` in a
#     network namespace of its own, nautilus-zkb, with one veth, so it
#     sends nothing on this machine's interfaces; the command reaches it
#     by its control socket's path), the key prepared by the warm-up runs.
#     The in-process row passes --no-agent.
#
#   bash bench/zk_cli.sh [RUNS]
#
# Builds the nautilus target in NT_BENCH_BUILD_DIR (default build-release,
# Release) like scripts/bench.sh. Input: tests/vectors/zk (the 20-input
# disclosure circuit). Exits 1 if the proof does not verify.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${NT_BENCH_BUILD_DIR:-build-release}
runs=${1:-20}
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$dir" -j2 --target nautilus >/dev/null
bin=$dir/tools/nautilus
v=tests/vectors/zk
ctl=
agent_pid=
tmp=$(mktemp -d)
ns=ntzkb
cleanup() {
    [ -n "$agent_pid" ] && kill "$agent_pid" 2>/dev/null && wait "$agent_pid" 2>/dev/null
    [ -n "$ctl" ] && ip netns del "$ns" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
if [ "$(id -u)" = 0 ] && command -v ip >/dev/null; then
    ip netns add "$ns"
    ctl=$tmp/control
    ip -n "$ns" link add zkb0 type veth peer name zkb1
    ip -n "$ns" link set lo up && ip -n "$ns" link set zkb0 up && ip -n "$ns" link set zkb1 up
    ip netns exec "$ns" "$bin" agent -i zkb0 --state "$tmp/state" --control "$ctl" \
        --host zkb --log-level warn 2>"$tmp/agent.log" &
    agent_pid=$!
    for _ in $(seq 100); do [ -S "$ctl" ] && break; sleep 0.05; done
    [ -S "$ctl" ] || { cat "$tmp/agent.log" >&2; echo "zk_cli.sh: the agent did not start" >&2; exit 1; }
fi
echo "# $(git rev-parse --short HEAD 2>/dev/null || echo unknown) $(date -u +%Y-%m-%dT%H:%M:%SZ)" \
     "$(nproc) CPU(s), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
python3 - "$runs" "$bin" "$v" "$ctl" "$agent_pid" <<'EOF'
import json, os, socket, statistics, struct, sys, time

runs, binary, v, ctl, agent_pid = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
devnull = os.open(os.devnull, os.O_WRONLY)
acts = [(os.POSIX_SPAWN_DUP2, devnull, 1)]

def run_once(argv):
    """Wall time and the child's CPU time (user + system, from wait4), ms."""
    t0 = time.monotonic_ns()
    pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=acts)
    _, status, ru = os.wait4(pid, 0)
    t = (time.monotonic_ns() - t0) / 1e6
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit("zk_cli.sh: %s exited with %d" % (" ".join(argv), os.waitstatus_to_exitcode(status)))
    return t, (ru.ru_utime + ru.ru_stime) * 1e3

def agent_cpu_ns():
    """CPU time of the agent's loop thread so far (schedstat: ns on CPU)."""
    with open("/proc/%s/schedstat" % agent_pid) as f:
        return int(f.read().split()[0])

cpu = {}
def median_ms(argv, name):
    for _ in range(3):
        run_once(argv)
    t = [run_once(argv) for _ in range(runs)]
    wall = [x[0] for x in t]
    cpu[name] = statistics.median(x[1] for x in t)
    return statistics.median(wall), min(wall), max(wall)

def agent_zk():
    """The agent's zk counters (its status request)."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5)
    s.connect(ctl)
    req = b'{"op":"status"}'
    s.sendall(struct.pack(">I", len(req)) + req)
    head = s.recv(4, socket.MSG_WAITALL)
    body = s.recv(struct.unpack(">I", head)[0], socket.MSG_WAITALL)
    s.close()
    return json.loads(body)["zk"]

files = [v + "/verification_key.json", v + "/proof_1.json", v + "/public_1.json"]
verify = [binary, "zk", "verify", "--no-agent"] + files
rows = [("nautilus zk verify", median_ms(verify, "inproc"))]
if ctl:
    via = [binary, "zk", "verify", "--control", ctl] + files
    run_once(via)
    run_once(via)  # the key is prepared now
    a0 = agent_cpu_ns()
    rows.append(("  through a warm agent", median_ms(via, "agent")))
    # The agent's share: its loop's CPU over the timed and warm-up runs.
    agent_ms = (agent_cpu_ns() - a0) / 1e6 / (runs + 3)
    z = agent_zk()
    # Every run went through the agent, all but the first on the prepared key.
    if z["valid"] != runs + 5 or z["keys_prepared"] != 1 or z["prepared_runs"] != runs + 4:
        sys.exit("zk_cli.sh: the agent did not verify every run: %s" % z)
rows += [("nautilus version (floor)", median_ms([binary, "version"], "floor")),
         ("/bin/true (floor)", median_ms(["/bin/true"], "true"))]
for name, (med, lo, hi) in rows:
    print("%-26s median %7.3f ms  (min %.3f, max %.3f, %d runs)" % (name, med, lo, hi, runs))
print("CPU time of the process (user + system, median): in process %.3f ms, through the agent "
      "%.3f ms%s, nautilus version %.3f ms, /bin/true %.3f ms" %
      (cpu["inproc"], cpu["agent"] if ctl else float("nan"),
       " + %.3f ms in the agent per request (mean)" % agent_ms if ctl else "",
       cpu["floor"], cpu["true"]))
print("zk_cli_verify_ms %.4f" % rows[0][1][0])
print("zk_cli_verify_cpu_ms %.4f" % cpu["inproc"])
if ctl:
    print("zk_cli_verify_agent_ms %.4f" % rows[1][1][0])
    print("zk_cli_verify_agent_cpu_ms %.4f" % cpu["agent"])
    print("zk_cli_agent_side_ms %.4f" % agent_ms)
print("zk_cli_floor_ms %.4f" % rows[-2][1][0])
EOF
peer=$(node --no-warnings bench/snarkjs_verify.js "$v/verification_key.json" "$v/public_1.json" \
       "$v/proof_1.json" 0 "$runs" | awk '$1 == "verify_oneshot_ms" {print $2}')
printf '%-26s median %7.3f ms  (in process, %d calls)\n' "snarkjs groth16.verify" "$peer" "$runs"
echo "snarkjs_verify_ms $peer"
