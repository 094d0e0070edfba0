#!/usr/bin/env bash
# Fuzzes the queue-file parser and validator, and the state-file reader, for longer than ./test.sh does (which runs
# the same properties on SPAWN_FUZZ_ITERATIONS inputs each, 1,000 by default).
#   scripts/fuzz.sh                  100,000 inputs per property
#   scripts/fuzz.sh 1000000          that many inputs per property
#   scripts/fuzz.sh 10m              each property for that long (s, m or h)
#   scripts/fuzz.sh 10m Mutated      only the properties whose test name contains "Mutated"
# A failure prints the smallest failing input and its seed:
#   Set seed: "0N0XIzNsQ0O2" or -e CsCheck_Seed=0N0XIzNsQ0O2 to reproduce
# Replay exactly that input (the seed is the first one tried; one iteration is that one alone):
#   CsCheck_Seed=0N0XIzNsQ0O2 scripts/fuzz.sh 1 Generated_queue_files
set -euo pipefail
cd "$(dirname "$0")/.."

run="${1:-100000}"
only="${2:-}"
case "$run" in
  *[0-9]s) export SPAWN_FUZZ_SECONDS="${run%s}" ;;
  *[0-9]m) export SPAWN_FUZZ_SECONDS="$(( ${run%m} * 60 ))" ;;
  *[0-9]h) export SPAWN_FUZZ_SECONDS="$(( ${run%h} * 3600 ))" ;;
  *[!0-9]* | '') echo "usage: scripts/fuzz.sh [ITERATIONS | DURATION such as 90s, 10m, 2h] [TEST_NAME_PART]" >&2; exit 2 ;;
  *) export SPAWN_FUZZ_ITERATIONS="$run" ;;
esac

filter="FullyQualifiedName~.Fuzzing."
if [[ -n "$only" ]]; then
  filter="$filter&FullyQualifiedName~$only"
fi

for project in tests/Spawn.Core.Tests tests/Spawn.Storage.Tests; do
  dotnet build "$project" -c Release --nologo -v q
  dotnet test "$project" -c Release --no-build --nologo --filter "$filter" --logger "console;verbosity=normal"
done
