#!/usr/bin/env bash
# What spored's instance-metadata lookup costs a run off EC2, where 169.254.169.254 does not answer.
#
#   bench/imds-off-ec2.sh [SPORED]     # as root; default SPORED: the Release build in src/Spawn.Agent/bin
#   RUNS=40 bench/imds-off-ec2.sh
#
# Runs `spored run-queue` of a 1-job queue (local results directory) in a private network namespace whose only route
# leads to a neighbour that does not exist, so a connect to the metadata address neither succeeds nor fails: the worst
# case off EC2 (a LAN that drops what it cannot route). The peer, in the same invocation and alternating with it, is
# the same run with AWS_EC2_METADATA_DISABLED=true (no lookup at all). Prints median and 90th percentile wall times.
set -euo pipefail
cd "$(dirname "$0")/.."
spored="$(realpath "${1:-src/Spawn.Agent/bin/Release/net10.0/spored}")"
export SPORED="$spored" RUNS="${RUNS:-30}"

exec unshare -n bash -c '
set -euo pipefail
ip link set lo up
ip link add v0 type veth peer name v1
ip link set v0 up && ip link set v1 up
ip addr add 10.9.9.1/24 dev v0
ip neigh add 10.9.9.7 lladdr 02:00:00:00:00:07 dev v0 nud permanent
ip route add default via 10.9.9.7
if timeout 2 bash -c "echo > /dev/tcp/169.254.169.254/80" 2>/dev/null; then
  echo "the metadata address answers in this namespace: nothing to measure" >&2; exit 1
fi
python3 - <<"PY"
import os, shutil, statistics, subprocess, tempfile, time
spored, runs = os.environ["SPORED"], int(os.environ["RUNS"])
root = tempfile.mkdtemp(prefix="imds-bench-")
queue = os.path.join(root, "q.json")
with open(queue, "w") as f:
    f.write("{\"queue_id\": \"imds\", \"jobs\": [{\"job_id\": \"a\", \"timeout\": \"1m\", \"command\": \"true\"}]}")
os.makedirs(os.path.join(root, "work"))
def run(disabled):
    env = dict(os.environ)
    env.pop("AWS_EC2_METADATA_SERVICE_ENDPOINT", None)
    env["AWS_EC2_METADATA_DISABLED"] = "true" if disabled else "false"
    args = [spored, "run-queue", queue, "--fresh", "--state-file", os.path.join(root, "state", "s.json"),
            "--log-dir", os.path.join(root, "logs"), "--results-dir", os.path.join(root, "results")]
    start = time.perf_counter()
    subprocess.run(args, cwd=os.path.join(root, "work"), env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return (time.perf_counter() - start) * 1000
run(True); run(False)  # warm the page cache
times = {True: [], False: []}
for _ in range(runs):
    for disabled in (True, False):
        times[disabled].append(run(disabled))
def line(name, t):
    t = sorted(t)
    return f"{name:<40} median {statistics.median(t):7.1f} ms   p90 {t[int(len(t) * 0.9) - 1]:7.1f} ms   ({len(t)} runs)"
print(line("AWS_EC2_METADATA_DISABLED=true", times[True]))
print(line("metadata address does not answer", times[False]))
print(f"difference of the medians: {statistics.median(times[False]) - statistics.median(times[True]):+.1f} ms")
shutil.rmtree(root)
PY
'
