#!/usr/bin/env bash
# Times durable state saves, one job changing per event, on a 100-job and a 10,000-job queue.
# Pass: the median cost per event at 10,000 jobs is less than 2x the cost at 100 jobs (flat in the queue's size).
# Peers in the same invocation: a bare 400-byte append + fsync (the floor of any durable per-event store) and
# rewriting the whole file per event (temp + fsync + rename), the design the journal replaces.
#
#   bench/state-scale.sh          # 2,000 events per store
#   bench/state-scale.sh 5000     # more events
set -euo pipefail
cd "$(dirname "$0")/.."

events="${1:-2000}"
dotnet build bench/StateScale -c Release --nologo -v q >/dev/null
exec dotnet bench/StateScale/bin/Release/net10.0/StateScale.dll "$events" bench/out/state-scale
