#!/usr/bin/env bash
# Times how long headless Chromium takes to show `spawn queue report` of a 10,000-job run (bench/ReportRender.py).
# Pass: the median time from navigation to the drawn page is under 2 s. Peer in the same invocation: a static page
# holding all 10,000 rows at once (what a report without the virtualized timeline would be).
#
#   bench/report-render.sh            # 10,000 jobs, 5 rounds
#   bench/report-render.sh 20000 3    # jobs, rounds
set -euo pipefail
cd "$(dirname "$0")/.."

jobs="${1:-10000}"
rounds="${2:-5}"
out=bench/out/report-render
rm -rf "$out" && mkdir -p "$out"
scripts/chromium.sh check
dotnet build src/Spawn.Cli -c Release --nologo -v q >/dev/null
python3 bench/report_render.py "$jobs" "$rounds" "$out" src/Spawn.Cli/bin/Release/net10.0/spawn
