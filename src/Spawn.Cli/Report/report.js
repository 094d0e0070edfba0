"use strict";
(function () {
  const data = JSON.parse(document.getElementById("report-data").textContent);
  const jobs = data.jobs;
  const span = Math.max(data.span, 1);
  const t0 = Date.parse(data.t0);
  const critical = new Set(data.critical);
  const ROW = 22, OVERSCAN = 40, RENDER_ALL = 300;

  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  const pct = (ms) => (100 * ms / span).toFixed(3) + "%";
  const at = (ms) => new Date(t0 + ms).toISOString();
  function dur(ms) {
    if (ms < 1000) return Math.round(ms) + "ms";
    if (ms < 60000) return (ms / 1000).toFixed(1) + "s";
    const s = Math.round(ms / 1000), h = Math.floor(s / 3600), m = Math.floor(s % 3600 / 60);
    return (h ? h + "h" : "") + (h || m ? m + "m" : "") + (s % 60) + "s";
  }
  const words = { completed: "completed", failed: "failed", timed_out: "timed out", interrupted: "interrupted (not counted against max_attempts)", stopped: "stopped by the queue's end", running: "running" };

  function attemptBar(job, a, last) {
    const [n, start, end, code, outcome] = a;
    let title = `${job.id} attempt ${n}: ${words[outcome] || outcome}` + (code === null ? "" : `, exit code ${code}`) +
      `\n${at(start)} → ${at(end)} (${dur(end - start)})`;
    if (last && job.err) title += `\n${job.err}`;
    return `<div class="bar attempt outcome-${outcome}" data-attempt="${n}" style="left:${pct(start)};width:${pct(end - start)}" title="${esc(title)}"></div>`;
  }

  function rowHtml(i, top) {
    const job = jobs[i];
    let track = "";
    if (job.a.length === 0) {
      track = `<div class="bar never" style="left:0;width:100%" title="${esc(job.id + ": " + job.status + (job.err ? "\n" + job.err : ""))}"></div>` +
        `<span class="never-label">${esc(job.err || job.status)}</span>`;
    }
    for (const w of job.w) {
      track += `<div class="wait" style="left:${pct(w[0])};width:${pct(w[1] - w[0])}" title="${esc(`${job.id}: backoff ${dur(w[1] - w[0])}\n${at(w[0])} → ${at(w[1])}`)}"></div>`;
    }
    job.a.forEach((a, k) => { track += attemptBar(job, a, k === job.a.length - 1); });
    if (job.dropped) {
      track += `<span class="dropped" style="left:${pct(job.a[0][2])}" title="${job.dropped} attempts between these are not kept in the state">+${job.dropped}</span>`;
    }
    const cls = `row status-${job.status}${critical.has(job.id) ? " critical" : ""}`;
    return `<div class="${cls}" data-job="${esc(job.id)}" style="top:${top}px"><div class="label"><span class="id" title="${esc(job.id)}">${esc(job.id)}</span>` +
      `<span class="busy" title="busy time">${job.a.length ? dur(job.busy) : ""}</span></div><div class="track">${track}</div></div>`;
  }

  // The timeline: only the rows in view (and a margin) are in the page, so 10,000 jobs scroll as fast as 10.
  const rows = document.getElementById("rows"), inner = document.getElementById("rows-inner");
  const filter = document.getElementById("filter"), show = document.getElementById("show"), shown = document.getElementById("shown");
  let visible = [], drawn = "";
  function keep(job) {
    switch (show.value) {
      case "retried": return job.a.length > 1 || job.dropped > 0 || job.status === "failed";
      case "never": return job.a.length === 0;
      case "critical": return critical.has(job.id);
      default: return true;
    }
  }
  function select() {
    const text = filter.value.trim();
    visible = [];
    for (let i = 0; i < jobs.length; i++) {
      if ((!text || jobs[i].id.includes(text)) && keep(jobs[i])) visible.push(i);
    }
    inner.style.height = visible.length * ROW + "px";
    shown.textContent = visible.length === jobs.length ? "" : `${visible.length} of ${jobs.length} shown`;
    drawn = "";
    draw();
  }
  function draw() {
    let first = 0, last = visible.length;
    if (visible.length > RENDER_ALL) {
      first = Math.max(0, Math.floor(rows.scrollTop / ROW) - OVERSCAN);
      last = Math.min(visible.length, Math.ceil((rows.scrollTop + rows.clientHeight) / ROW) + OVERSCAN);
    }
    const key = first + ":" + last;
    if (key === drawn) return;
    drawn = key;
    let html = "";
    for (let k = first; k < last; k++) html += rowHtml(visible[k], k * ROW);
    inner.innerHTML = html;
  }
  let pending = false;
  rows.addEventListener("scroll", () => { if (!pending) { pending = true; requestAnimationFrame(() => { pending = false; draw(); }); } });
  window.addEventListener("resize", () => { drawn = ""; draw(); });
  filter.addEventListener("input", select);
  show.addEventListener("change", select);

  function axis() {
    const steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 21600, 43200, 86400].map((s) => s * 1000);
    const step = steps.find((s) => span / s <= 10) || steps[steps.length - 1];
    let html = "";
    for (let t = 0; t <= span; t += step) html += `<span style="left:${pct(t)}">${dur(t)}</span>`;
    document.getElementById("axis").innerHTML = html;
  }

  // The graph: layers by depth (a job one to the right of its deepest dependency), file order within a layer.
  function graph() {
    const depth = new Array(jobs.length).fill(0), dependents = jobs.map(() => []), unmet = jobs.map((j) => j.deps.length);
    jobs.forEach((j, i) => j.deps.forEach((d) => dependents[d].push(i)));
    const queue = [];
    unmet.forEach((u, i) => { if (u === 0) queue.push(i); });
    for (let q = 0; q < queue.length; q++) {
      for (const n of dependents[queue[q]]) {
        depth[n] = Math.max(depth[n], depth[queue[q]] + 1);
        if (--unmet[n] === 0) queue.push(n);
      }
    }
    const W = 160, H = 24, GX = 50, GY = 10, layers = [], pos = [];
    jobs.forEach((j, i) => { (layers[depth[i]] = layers[depth[i]] || []).push(i); });
    layers.forEach((layer, x) => layer.forEach((i, y) => { pos[i] = [10 + x * (W + GX), 10 + y * (H + GY)]; }));
    const width = 20 + layers.length * (W + GX), height = 20 + Math.max(...layers.map((l) => l.length)) * (H + GY);
    const onPath = (a, b) => critical.has(jobs[a].id) && critical.has(jobs[b].id) && data.critical.indexOf(jobs[b].id) === data.critical.indexOf(jobs[a].id) + 1;
    let edges = "", nodes = "";
    jobs.forEach((j, i) => {
      for (const d of j.deps) {
        const [x1, y1] = pos[d], [x2, y2] = pos[i];
        edges += `<path class="edge${onPath(d, i) ? " critical" : ""}" d="M${x1 + W},${y1 + H / 2} C${x1 + W + GX / 2},${y1 + H / 2} ${x2 - GX / 2},${y2 + H / 2} ${x2},${y2 + H / 2}"/>`;
      }
      const label = j.id.length > 22 ? j.id.slice(0, 21) + "…" : j.id;
      nodes += `<g class="node status-${j.status}${critical.has(j.id) ? " critical" : ""}" data-job="${esc(j.id)}"><title>${esc(j.id + ": " + j.status)}</title>` +
        `<rect x="${pos[i][0]}" y="${pos[i][1]}" width="${W}" height="${H}" rx="4"/><text x="${pos[i][0] + 6}" y="${pos[i][1] + 16}">${esc(label)}</text></g>`;
    });
    document.getElementById("graph-view").innerHTML =
      `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${edges}${nodes}</svg>`;
  }

  axis();
  select();
  const details = document.getElementById("graph");
  if (details.open) graph();
  else details.addEventListener("toggle", function once() { if (details.open) { details.removeEventListener("toggle", once); graph(); } });
  void document.body.offsetHeight; // the layout, so the time below includes it
  document.documentElement.dataset.ready = "true";
  window.reportRenderMs = performance.now();
})();
