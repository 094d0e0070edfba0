using Spawn.Core.Reporting;

namespace Spawn.Cli.Report;

/// <summary>The report's fixed HTML around what the script draws: the legend, the timeline's frame, the graph's frame.</summary>
internal static class ReportSections
{
    /// <summary>Above this many jobs the graph is drawn only when the reader opens it.</summary>
    public const int GraphDrawnOpen = 400;

    public const string Legend = """
        <ul class="legend" id="legend">
        <li><i class="bar outcome-completed"></i>completed</li><li><i class="bar outcome-failed"></i>failed</li>
        <li><i class="bar outcome-timed_out"></i>timed out</li><li><i class="bar outcome-interrupted"></i>interrupted (not counted)</li>
        <li><i class="bar outcome-stopped"></i>stopped by the queue's end</li><li><i class="bar outcome-running"></i>running</li>
        <li><i class="wait"></i>backoff before a retry</li><li><i class="bar never"></i>skipped / pending (never ran)</li>
        </ul>
        """;

    public static string Timeline(int jobs) => $"""
        <section id="timeline"><h2>Timeline <small>{jobs} job{(jobs == 1 ? "" : "s")}, one row each, a bar per attempt</small></h2>
        <div class="controls"><input type="search" id="filter" placeholder="filter jobs by id" aria-label="filter jobs by id">
        <select id="show" aria-label="which jobs"><option value="all">all jobs</option><option value="retried">retried or failed</option>
        <option value="never">never ran</option><option value="critical">critical path</option></select>
        <span id="shown"></span></div>
        <div class="axis" id="axis"></div>
        <div class="rows" id="rows" tabindex="0"><div class="rows-inner" id="rows-inner"></div></div>
        </section>
        """;

    public static string Graph(RunReport report) => $"""
        <details id="graph"{(report.Rows.Count <= GraphDrawnOpen ? " open" : "")}><summary><h2>Dependency graph</h2> <small>{(report.DependenciesKnown ? "as spawn queue graph draws it, coloured by final status; the critical path in bold" : "dependencies unknown: the queue file was not found (pass --queue FILE)")}</small></summary>
        <div class="graph" id="graph-view"></div>
        </details>
        """;
}
