#!/usr/bin/env bash
# Times `spawn queue validate` on generated random DAGs of 10,000 and 100,000 jobs.
# Pass: the 100k file validates in under 2 s of wall time, and 100k takes less than 15x the 10k time (linear).
# Peer: `jq empty` parsing the same file in the same invocation, so the figures can be compared across machines.
#
#   bench/validate-scale.sh            # builds spawn (Release) first
#   SPAWN=/path/to/spawn bench/validate-scale.sh
set -euo pipefail
cd "$(dirname "$0")/.."

out=bench/out
mkdir -p "$out"
if [[ -z "${SPAWN:-}" ]]; then
    dotnet build src/Spawn.Cli -c Release --nologo -v q >/dev/null
    SPAWN=src/Spawn.Cli/bin/Release/net10.0/spawn
fi

# One job per line; job i depends on up to three distinct earlier jobs, chosen with a fixed seed.
generate() {
    awk -v n="$1" -v seed="$2" 'BEGIN {
        srand(seed)
        print "{\n  \"queue_id\": \"scale-" n "\",\n  \"on_failure\": \"continue\",\n  \"jobs\": ["
        for (i = 0; i < n; i++) {
            deps = ""; split("", seen)
            k = (i == 0) ? 0 : int(rand() * 4)
            for (j = 0; j < k; j++) {
                d = int(rand() * i)
                if (d in seen) continue
                seen[d] = 1
                deps = deps (deps == "" ? "" : ", ") sprintf("\"job-%06d\"", d)
            }
            printf "    {\"job_id\": \"job-%06d\", \"command\": \"echo %d\", \"timeout\": \"5m\", \"depends_on\": [%s]}%s\n", i, i, deps, (i + 1 < n ? "," : "")
        }
        print "  ]\n}"
    }'
}

# Median wall time of three runs, in seconds.
wall() {
    local times=()
    for _ in 1 2 3; do
        local start end
        start=$(date +%s%N)
        "$@" >/dev/null
        end=$(date +%s%N)
        times+=("$(( (end - start) / 1000000 ))")
    done
    printf '%s\n' "${times[@]}" | sort -n | sed -n 2p | awk '{ printf "%.3f", $1 / 1000 }'
}

for n in 10000 100000; do
    generate "$n" 42 >"$out/scale-$n.json"
done

# Sanity: the generated files are valid and the order covers every job.
"$SPAWN" queue validate --json "$out/scale-10000.json" | jq -e '.valid and (.order | length) == 10000' >/dev/null

spawn_10k=$(wall "$SPAWN" queue validate "$out/scale-10000.json")
spawn_100k=$(wall "$SPAWN" queue validate "$out/scale-100000.json")
jq_10k=$(wall jq empty "$out/scale-10000.json")
jq_100k=$(wall jq empty "$out/scale-100000.json")

awk -v s10="$spawn_10k" -v s100="$spawn_100k" -v j10="$jq_10k" -v j100="$jq_100k" \
    -v size="$(du -h "$out/scale-100000.json" | cut -f1)" 'BEGIN {
    printf "validate-scale (%d cores, 100k file %s)\n", '"$(nproc)"', size
    printf "  %-28s %8s %8s\n", "", "10k", "100k"
    printf "  %-28s %7.3fs %7.3fs\n", "spawn queue validate", s10, s100
    printf "  %-28s %7.3fs %7.3fs\n", "jq empty (peer: parse only)", j10, j100
    printf "  spawn / jq at 100k:        %.2fx\n", s100 / j100
    printf "  100k / 10k (linear < 15):  %.2fx\n", s100 / s10
    ok = (s100 < 2.0 && s100 / s10 < 15)
    printf "  %s\n", ok ? "PASS: 100k < 2 s and the growth is linear" : "FAIL"
    exit ok ? 0 : 1
}'
