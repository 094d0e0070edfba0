#!/usr/bin/env python3
"""The benchmarks of bench/run.sh (see bench/README.md). Every figure is a median of RUNS runs, and every ratio is
taken against a peer measured in the same invocation on the same machine."""
import calendar
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

SPAWN = os.path.abspath(os.environ["SPAWN"])
SPORED = os.path.abspath(os.environ["SPORED"])
RUNS = int(os.environ.get("RUNS", "5"))
REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
WORK = tempfile.mkdtemp(prefix="spawn-bench-")


def write(name, text):
    path = os.path.join(WORK, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def queue_file(name, jobs, **queue):
    return write(name, json.dumps({"queue_id": name.removesuffix(".json"), **queue, "jobs": jobs}))


def makefile(name, graph, through_bash, log_dir=None):
    """graph: [(target, [prerequisites])] with recipe `true`. Through bash: SHELL=/bin/bash and .ONESHELL, so make
    hands every recipe to `/bin/bash -c` as the agent does, instead of exec'ing simple commands itself. With a log
    directory, each recipe also writes its stdout and stderr to files of its own there, as every agent job does."""
    head = "SHELL := /bin/bash\n.ONESHELL:\n" if through_bash else ""
    recipe = f"true > {log_dir}/$@-stdout.log 2> {log_dir}/$@-stderr.log" if log_dir else "true"
    rules = "".join(f"{t}: {' '.join(d)}\n\t@{recipe}\n" for t, d in graph)
    phony = ".PHONY: all " + " ".join(t for t, _ in graph) + "\n"
    return write(name, f"{head}all: {' '.join(t for t, _ in graph)}\n{phony}{rules}")


def set_aside(*paths):
    """A shell command that moves the previous run's files out of the way instead of deleting them; they go with WORK
    at the end. On this VM's ext4 (mounted without a journal) every new inode is checked against the inodes deleted in
    the last 1-5 minutes: after an `rm -rf` of a run's few thousand files, each create cost 0.6-1 ms instead of 0.02
    (`perf`: `recently_deleted` under `find_inode_bit`), which billed the agent's and make's log files for the cleanup."""
    spent = os.path.join(WORK, "spent")
    return " && ".join(f"mkdir -p {spent} && {{ [ ! -e {p} ] || mv {p} $(mktemp -d -p {spent}); }}" for p in paths)


def agent(queue, run_dir):
    return (f"{SPORED} run-queue {queue} --state-file {run_dir}/state.json --log-dir {run_dir}/logs "
            f"--results-dir {run_dir}/results")


def hyperfine(commands, prepare=None, runs=RUNS):
    """Wall seconds per named command, one list entry per round. Each round is one hyperfine invocation that runs
    every command once, so the commands take turns: a neighbour slowing this VM for a minute hits all of them, not
    the five runs of one (the same binary measured 3.9 s and 7.2 s an hour apart here)."""
    out = os.path.join(WORK, "hyperfine.json")
    args = ["hyperfine", "-N", "--style", "none", "--runs", "1", "--export-json", out]
    for name, command in commands.items():
        args += ["--command-name", name]
        if prepare:
            args += ["--prepare", prepare]
        args.append(command)
    rounds = {name: [] for name in commands}
    for _ in range(runs):
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
        with open(out) as f:
            for result in json.load(f)["results"]:
                rounds[result["command"]].append(result["times"][0])
    return rounds


def medians_of(rounds):
    return {name: statistics.median(times) for name, times in rounds.items()}


def report(title, medians, unit_jobs=None):
    print(f"\n## {title}")
    for name, seconds in medians.items():
        per_job = f"  ({seconds / unit_jobs * 1000:.2f} ms/job)" if unit_jobs else ""
        print(f"  {name:<44} {seconds:8.3f} s{per_job}")


def ratio(label, numerator, denominator, target=None):
    """The median of the per-round ratios: each pairs two runs made one right after the other."""
    value = statistics.median(a / b for a, b in zip(numerator, denominator))
    verdict = "" if target is None else ("  [target <= %.2f: %s]" % (target, "met" if value <= target else "NOT met"))
    print(f"  ratio {label:<38} {value:8.2f}{verdict}")
    return value


def overhead_section(name, graph):
    jobs = [{"job_id": t, "command": "true", "timeout": "1m", "depends_on": d} for t, d in graph]
    queue = queue_file(f"{name}.json", jobs)
    run_dir = os.path.join(WORK, name)
    make_exec = makefile(f"{name}.mk", graph, through_bash=False)
    make_bash = makefile(f"{name}-bash.mk", graph, through_bash=True)
    make_logs_dir = os.path.join(WORK, f"{name}-make-logs")
    make_logs = makefile(f"{name}-logs.mk", graph, through_bash=True, log_dir=make_logs_dir)
    loop = write(f"{name}-loop.sh", f"for ((i = 0; i < {len(graph)}; i++)); do bash -c true; done\n")
    rounds = hyperfine({
        "spored run-queue (durable state, logs, results)": agent(queue, run_dir),
        "make -j1, recipes through bash": f"make -s -j1 -f {make_bash}",
        "make -j1, make execs recipes itself": f"make -s -j1 -f {make_exec}",
        "bash loop of `bash -c true`": f"bash {loop}",
        "make -j1, through bash, two log files per job": f"make -s -j1 -f {make_logs}",
    }, prepare=f"bash -c '{set_aside(run_dir, make_logs_dir)} && mkdir {make_logs_dir}'")
    agent_times, make_bash_times, make_exec_times, loop_times, make_logs_times = rounds.values()
    report(f"overhead: {name}, {len(graph)} jobs of `true`", medians_of(rounds), unit_jobs=len(graph))
    ratio("agent / make (through bash)", agent_times, make_bash_times, target=1.3)
    ratio("agent / make (exec itself)", agent_times, make_exec_times)
    ratio("agent / bash loop", agent_times, loop_times)
    ratio("agent / make writing the same log files", agent_times, make_logs_times)


def random_dag(prefix):
    """1,000 jobs, each with two or three prerequisites among the last ten: many diamonds, as in a real pipeline."""
    rng = random.Random(7)
    dag = []
    for i in range(1000):
        window = list(range(max(0, i - 10), i))
        picks = sorted(rng.sample(window, min(len(window), rng.choice([2, 3]))))
        dag.append((f"{prefix}{i:04d}", [f"{prefix}{p:04d}" for p in picks]))
    return dag


def overhead():
    chain = [(f"j{i:04d}", [f"j{i - 1:04d}"] if i else []) for i in range(1000)]
    overhead_section("chain", chain)
    overhead_section("dag", random_dag("d"))


def parallel():
    """Jobs side by side: the random DAG at --parallel 2 against make -j2 on the same graph, one bash per job on both."""
    graph = random_dag("p")
    queue = queue_file("pdag.json", [{"job_id": t, "command": "true", "timeout": "1m", "depends_on": d} for t, d in graph])
    run_dir = os.path.join(WORK, "pdag")
    make_bash = makefile("pdag-bash.mk", graph, through_bash=True)
    make_logs_dir = os.path.join(WORK, "pdag-make-logs")
    make_logs = makefile("pdag-logs.mk", graph, through_bash=True, log_dir=make_logs_dir)
    rounds = hyperfine({
        "spored run-queue --parallel 2": agent(queue, run_dir) + " --parallel 2",
        "make -j2, recipes through bash": f"make -s -j2 -f {make_bash}",
        "spored run-queue --parallel 1": agent(queue, run_dir + "-1"),
        "make -j2, through bash, two log files per job": f"make -s -j2 -f {make_logs}",
    }, prepare=f"bash -c '{set_aside(run_dir, run_dir + '-1', make_logs_dir)} && mkdir {make_logs_dir}'")
    agent2, make2, agent1, make2_logs = rounds.values()
    report(f"parallel: random DAG, {len(graph)} jobs of `true`", medians_of(rounds), unit_jobs=len(graph))
    ratio("agent --parallel 2 / make -j2", agent2, make2, target=1.3)
    ratio("agent --parallel 2 / make -j2 writing the same log files", agent2, make2_logs)
    ratio("agent --parallel 2 / agent --parallel 1", agent2, agent1)


def logs():
    """Each command starts with nothing dirty in the page cache (`sync` before it): otherwise it paid for the writeback
    of whatever ran before it, which swung the ratio between 0.84 and 1.36 on this VM."""
    size = os.environ.get("LOG_SIZE", "2G")
    run_dir = os.path.join(WORK, "logs-run")
    queue = queue_file("logs.json", [{"job_id": "big", "command": f"head -c {size} /dev/zero", "timeout": "10m"}])
    target = os.path.join(WORK, "plain.out")
    rounds = hyperfine({
        f"spored: job writes {size} to stdout": agent(queue, run_dir),
        f"bash: head -c {size} /dev/zero > file": f"bash -c 'head -c {size} /dev/zero > {target}'",
    }, prepare=f"bash -c 'rm -rf {run_dir} {target} && sync'", runs=max(3, RUNS))
    report(f"logs: {size} of stdout", medians_of(rounds))
    agent_times, bash_times = rounds.values()
    ratio("agent / bash > file", agent_times, bash_times, target=1.05)


def startup():
    example = os.path.join(REPO, "examples", "simple-queue.json")
    medians = medians_of(hyperfine({"spawn queue validate examples/simple-queue.json": f"{SPAWN} queue validate {example}"}, runs=max(30, RUNS)))
    report("start-up: validate", medians)
    print(f"  {'target <= 60 ms:':<44} {'met' if medians[list(medians)[0]] <= 0.060 else 'NOT met'}")

    stamp = os.path.join(WORK, "first-job-start")
    queue = queue_file("first.json", [{"job_id": "first", "command": f"date +%s%N > {stamp}", "timeout": "1m"}])
    run_dir = os.path.join(WORK, "first-run")
    delays = []
    for _ in range(max(10, RUNS)):
        shutil.rmtree(run_dir, ignore_errors=True)
        started = time.time_ns()
        subprocess.run(agent(queue, run_dir).split(), check=True, stdout=subprocess.DEVNULL)
        with open(stamp) as f:
            delays.append((int(f.read()) - started) / 1e9)
    report("start-up: spored exec to the first job's first command", {"median": statistics.median(delays)})


def memory():
    count = int(os.environ.get("MEMORY_JOBS", "10000"))
    rng = random.Random(11)
    jobs = [{"job_id": f"m{i:05d}", "command": "true", "timeout": "1m",
             "depends_on": [f"m{p:05d}" for p in sorted(rng.sample(range(max(0, i - 10), i), min(i, 2)))]}
            for i in range(count)]
    queue = queue_file("memory.json", jobs)
    run_dir = os.path.join(WORK, "memory-run")
    peaks = []
    for _ in range(int(os.environ.get("MEMORY_RUNS", "1"))):
        shutil.rmtree(run_dir, ignore_errors=True)
        measured = subprocess.run(["/usr/bin/time", "-f", "%M", *agent(queue, run_dir).split()],
                                  check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        peaks.append(int(measured.stderr.strip().splitlines()[-1]) / 1024)
    peak = statistics.median(peaks)
    print(f"\n## memory: peak RSS of spored over a {count}-job queue (/usr/bin/time %M)")
    print(f"  {'median peak RSS':<44} {peak:8.1f} MiB  [target <= 80 MiB: {'met' if peak <= 80 else 'NOT met'}]")


def has_live_member(group):
    """Like the agent's check: a process of the group that is not a zombie. Zombies are dead already, and the killed
    job's orphaned children are reaped by init, which here (a Firecracker VM's process_api) takes up to 2 s for it."""
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == group and fields[0] != "Z":
                return True
    return False


def timeout_precision():
    """Deadline to SIGTERM (read against the attempt's recorded start), and grace end to the group's last live process gone."""
    term_delays, kill_delays = [], []
    for round_ in range(max(5, RUNS)):
        run_dir = os.path.join(WORK, f"timeout-{round_}")
        term, pid = os.path.join(run_dir, "term"), os.path.join(run_dir, "pid")
        os.makedirs(run_dir)
        # The job keeps children running and shrugs TERM off, so only the KILL after the grace ends it.
        command = (f"echo $$ > {pid}; trap 'date +%s%N > {term}' TERM; "
                   "while :; do sleep 0.05 & wait $!; done")
        queue = queue_file(f"timeout-{round_}.json", [{"job_id": "slow", "command": command, "timeout": "1s", "kill_grace": "1s"}])
        agent_run = subprocess.Popen(agent(queue, run_dir).split(), stdout=subprocess.DEVNULL)
        while not os.path.exists(term):
            time.sleep(0.001)
        while os.path.getsize(term) == 0:
            time.sleep(0.001)
        with open(pid) as f:
            group = int(f.read())
        while has_live_member(group):
            time.sleep(0.0005)
        gone = time.time_ns()
        agent_run.wait()
        with open(os.path.join(run_dir, "state.json")) as f:
            started = json.load(f)["jobs"][0]["started_at"]
        started_ns = calendar.timegm(time.strptime(started[:19], "%Y-%m-%dT%H:%M:%S")) * 10**9 + int(started[20:23]) * 10**6
        with open(term) as f:
            term_ns = int(f.read())
        term_delays.append((term_ns - (started_ns + 10**9)) / 1e6)
        kill_delays.append((gone - (term_ns + 10**9)) / 1e6)
    print("\n## timeout precision (timeout 1s, kill_grace 1s)")
    for label, values in (("deadline -> SIGTERM in the job", term_delays), ("grace end -> group gone", kill_delays)):
        median = statistics.median(values)
        print(f"  {label:<44} {median:8.1f} ms  (max {max(values):.1f} ms)  [target <= 100 ms: {'met' if median <= 100 else 'NOT met'}]")


SECTIONS = {"overhead": overhead, "parallel": parallel, "logs": logs, "startup": startup, "memory": memory, "timeout": timeout_precision}

if __name__ == "__main__":
    chosen = sys.argv[1:] or list(SECTIONS)
    print(f"# bench/run.sh {' '.join(chosen)}: {RUNS} runs each, medians; {os.cpu_count()} cores; spored={SPORED}")
    try:
        for section in chosen:
            SECTIONS[section]()
    finally:
        shutil.rmtree(WORK, ignore_errors=True)
