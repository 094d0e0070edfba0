#!/usr/bin/env bash
# Side-by-side benchmarks of the agent against peers run in the same invocation (bench/README.md):
# per-job overhead (spored vs make -j1 vs a bash loop), log throughput, start-up, memory, timeout precision.
#
#   bench/run.sh                 # publishes spawn and spored with Native AOT first (needs clang; see README)
#   RUNS=5 bench/run.sh overhead # one section: overhead | parallel | logs | startup | memory | timeout
#   SPAWN=… SPORED=… bench/run.sh  # use given binaries instead of publishing
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v hyperfine >/dev/null; then
    echo "installing hyperfine (Debian package)" >&2
    apt-get install -y hyperfine >/dev/null 2>&1 || sudo apt-get install -y hyperfine >/dev/null
fi

if [[ -z "${SPAWN:-}" || -z "${SPORED:-}" ]]; then
    scripts/publish-aot.sh linux-x64 >&2
    SPAWN=artifacts/linux-x64/spawn
    SPORED=artifacts/linux-x64/spored
fi

export SPAWN SPORED RUNS="${RUNS:-5}"
exec python3 bench/side_by_side.py "$@"
