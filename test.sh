#!/usr/bin/env bash
# Runs every test: builds the solution, starts the loopback S3 server the tests use, runs all test projects.
set -euo pipefail
cd "$(dirname "$0")"

if [ -x scripts/s3rver.sh ]; then
  scripts/s3rver.sh install
  eval "$(scripts/s3rver.sh start)"
  trap 'scripts/s3rver.sh stop' EXIT
fi

dotnet build Spawn.slnx -c Release -warnaserror --nologo -v q
# One test assembly at a time: the tests time real processes and signals on a 2-core machine.
dotnet test Spawn.slnx -c Release --no-build --nologo -m:1 -- RunConfiguration.DisableParallelization=false
