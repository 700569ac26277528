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
#     process, curve built once; node's own start is not counted).
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
echo "# $(git rev-parse --short HEAD 2>/dev/null || echo unknown) $(date -u +%Y-%m-%dT%H:%M:%SZ)" \
     "$(nproc) CPU(s), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
python3 - "$runs" "$bin" "$v" <<'EOF'
import os, statistics, sys, time

runs, binary, v = int(sys.argv[1]), sys.argv[2], sys.argv[3]
devnull = os.open(os.devnull, os.O_WRONLY)
acts = [(os.POSIX_SPAWN_DUP2, devnull, 1)]

def run_once(argv):
    t0 = time.monotonic_ns()
    pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=acts)
    _, status = os.waitpid(pid, 0)
    t = (time.monotonic_ns() - t0) / 1e6
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit("zk_cli.sh: %s exited with %d" % (" ".join(argv), os.waitstatus_to_exitcode(status)))
    return t

def median_ms(argv):
    for _ in range(3):
        run_once(argv)
    t = [run_once(argv) for _ in range(runs)]
    return statistics.median(t), min(t), max(t)

verify = [binary, "zk", "verify", v + "/verification_key.json", v + "/proof_1.json",
          v + "/public_1.json"]
rows = [("nautilus zk verify", median_ms(verify)),
        ("nautilus version (floor)", median_ms([binary, "version"])),
        ("/bin/true (floor)", median_ms(["/bin/true"]))]
for name, (med, lo, hi) in rows:
    print("%-26s median %7.3f ms  (min %.3f, max %.3f, %d runs)" % (name, med, lo, hi, runs))
print("zk_cli_verify_ms %.4f" % rows[0][1][0])
print("zk_cli_floor_ms %.4f" % rows[1][1][0])
EOF
peer=$(node --no-warnings bench/snarkjs_verify.js "$v/verification_key.json" "$v/public_1.json" \
       "$v/proof_1.json" 0 "$runs" | awk '$1 == "verify_oneshot_ms" {print $2}')
printf '%-26s median %7.3f ms  (in process, %d calls)\n' "snarkjs groth16.verify" "$peer" "$runs"
echo "snarkjs_verify_ms $peer"
