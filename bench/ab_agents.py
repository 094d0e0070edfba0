"""Two spored builds on the same 1,000-job queue, alternating run by run (the order flips each round) so that both meet
the same machine: prints each build's median and the median of the per-round ratios B / A.

    python3 bench/ab_agents.py A_SPORED B_SPORED [chain|dag] [ROUNDS] [PARALLEL]   # e.g. an older commit's build against HEAD's

PARALLEL (default 1) is passed as --parallel to both agents: `dag 9 2` compares them with jobs side by side.
"""
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

a, b = sys.argv[1], sys.argv[2]
shape = sys.argv[3] if len(sys.argv) > 3 else "chain"
rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 11
parallel = sys.argv[5] if len(sys.argv) > 5 else "1"
work = Path(tempfile.mkdtemp(prefix="spawn-ab-"))
rng = random.Random(7)
jobs = []
for i in range(1000):
    deps = [i - 1] if shape == "chain" and i else (rng.sample(range(max(0, i - 10), i), min(i, rng.randint(2, 3))) if i else [])
    jobs.append({"job_id": f"j{i}", "command": "true", "timeout": "1m", **({"depends_on": [f"j{d}" for d in deps]} if deps else {})})
queue = work / "queue.json"
queue.write_text(json.dumps({"queue_id": shape, "jobs": jobs}))

times, ratios = {"A": [], "B": []}, []
for r in range(rounds):
    got = {}
    for name, binary in ([("A", a), ("B", b)] if r % 2 == 0 else [("B", b), ("A", a)]):
        shutil.rmtree(work / "run", ignore_errors=True)
        subprocess.run(["sync"], check=True)
        start = time.perf_counter()
        subprocess.run([binary, "run-queue", str(queue), "--state-file", str(work / "run/state.json"), "--log-dir", str(work / "run/logs"),
                        "--results-dir", str(work / "run/results"), "--parallel", parallel], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        got[name] = time.perf_counter() - start
    for name, seconds in got.items():
        times[name].append(seconds)
    ratios.append(got["B"] / got["A"])
shutil.rmtree(work, ignore_errors=True)
print(f"{shape}, 1,000 jobs of `true`, --parallel {parallel}, {rounds} alternating rounds: A {statistics.median(times['A']):.3f} s, B {statistics.median(times['B']):.3f} s; "
      f"B / A median of per-round ratios {statistics.median(ratios):.3f} (range {min(ratios):.2f}-{max(ratios):.2f})")
