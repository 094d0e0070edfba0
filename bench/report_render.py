#!/usr/bin/env python3
"""bench/report-render.sh: writes a synthetic finished run of N jobs (queue file + state in the guide's format, with
retries, timeouts, failures and skipped jobs), has `spawn queue report` render it, and loads the page in headless
Chromium ROUNDS times, alternating with a static peer page that holds every row at once."""
import json, statistics, subprocess, sys, time, datetime, pathlib

jobs, rounds, out, spawn = int(sys.argv[1]), int(sys.argv[2]), pathlib.Path(sys.argv[3]), sys.argv[4]
t0 = datetime.datetime(2026, 11, 30, 8, 0, 0, tzinfo=datetime.timezone.utc)
fmt = lambda ms: (t0 + datetime.timedelta(milliseconds=ms)).strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"

queue = {"queue_id": "render-bench", "on_failure": "continue", "jobs": []}
state_jobs, now = [], 0
for i in range(jobs):
    deps = [f"job-{i - 1:05d}"] if i % 10 else ([f"job-{i - 10:05d}"] if i >= 10 else [])
    queue["jobs"].append({"job_id": f"job-{i:05d}", "command": "true", "timeout": "1h", "depends_on": deps,
                          "retry": {"max_attempts": 3}})
    job = {"job_id": f"job-{i:05d}", "attempt": 1, "results_uploaded": False}
    if i % 997 == 5:
        job.update(status="skipped", attempt=0, error_message="skipped: depends on failed job")
    else:
        earlier = []
        for n in range(1, 1 + (1 if i % 7 == 0 else 0) + (1 if i % 31 == 0 else 0)):
            earlier.append({"attempt": n, "started_at": fmt(now), "ended_at": fmt(now + 800), "exit_code": 124 if i % 31 == 0 else 1,
                            "outcome": "timed_out" if i % 31 == 0 else "failed"})
            now += 800 + 1000 * n
        failed = i % 211 == 3
        job.update(status="failed" if failed else "completed", attempt=len(earlier) + 1, started_at=fmt(now),
                   completed_at=fmt(now + 500 + (i % 13) * 100), exit_code=2 if failed else 0, results_uploaded=not failed)
        if failed:
            job["error_message"] = "command execution failed: exit status 2"
        if earlier:
            job["earlier_attempts"] = earlier
        now += 600 + (i % 13) * 100
    state_jobs.append(job)
state = {"queue_id": "render-bench", "queue_name": "render-bench", "started_at": fmt(0), "updated_at": fmt(now),
         "status": "failed", "error_message": "some jobs failed", "jobs": state_jobs}
(out / "queue.json").write_text(json.dumps(queue))
(out / "queue-state.json").write_text(json.dumps(state, indent=1))

report = out / f"report-{jobs}.html"
started = time.monotonic()
subprocess.run([spawn, "queue", "report", str(out / "queue-state.json"), "--queue", str(out / "queue.json"), "--output", str(report)],
               check=True, stdout=subprocess.DEVNULL)
write_s = time.monotonic() - started

rows = "".join(f'<div class="row"><span>job-{i:05d}</span><div class="bar" style="left:{i % 100}%;width:1%"></div>'
               f'<div class="bar" style="left:{(i + 3) % 100}%;width:1%"></div></div>' for i in range(jobs))
peer = out / f"peer-static-{jobs}.html"
peer.write_text('<!DOCTYPE html><html><head><meta charset="utf-8"><style>.row{position:relative;height:22px}'
                '.bar{position:absolute;top:4px;height:13px;background:#2da44e}</style></head><body>' + rows +
                '<script>void document.body.offsetHeight;document.documentElement.dataset.ready="true";'
                'window.reportRenderMs=performance.now();</script></body></html>')

def load(page):
    result = subprocess.run(["python3", "scripts/chromium_page.py", str(page), "--ready", "document.documentElement.dataset.ready === 'true'",
                             "--eval", "document.querySelectorAll('.row').length", "--timeout", "60"], check=True, capture_output=True, text=True)
    r = json.loads(result.stdout)
    if not r["ready"] or r["console_errors"] or r["requests"]:
        sys.exit(f"{page}: not ready, or errors/requests: {r}")
    return r

measured = {"report": [], "peer": []}
for _ in range(rounds):
    for name, page in (("report", report), ("peer", peer)):
        r = load(page)
        measured[name].append((r["render_ms"], r["load_ms"], r["dom"]))

print(f"{jobs}-job run: report {report.stat().st_size / 1e6:.1f} MB, written by spawn queue report in {write_s:.2f} s")
print(f"{'page':<34} {'rows in DOM':>11} {'drawn (median)':>15} {'to ready (median)':>18}   per round (ms, drawn)")
for name, label in (("report", "spawn queue report (virtualized)"), ("peer", "peer: static page, all rows")):
    m = measured[name]
    print(f"{label:<34} {m[0][2]:>11} {statistics.median(x[0] for x in m):>12.0f} ms {statistics.median(x[1] for x in m):>15.0f} ms   "
          + " ".join(f"{x[0]:.0f}" for x in m))
drawn = statistics.median(x[0] for x in measured["report"])
ready = statistics.median(x[1] for x in measured["report"])
print(f"report / static peer, drawn: {drawn / statistics.median(x[0] for x in measured['peer']):.2f}x")
print(f"pass: the report is drawn in {drawn:.0f} ms and ready to the driver in {ready:.0f} ms (must be < 2000 ms)")
sys.exit(0 if ready < 2000 else 1)
