#!/usr/bin/env bash
# Runs every test: builds the solution, installs the loopback S3 server the tests start, runs all test projects.
set -euo pipefail
cd "$(dirname "$0")"

scripts/s3rver.sh install
dotnet build Spawn.slnx -c Release --nologo -v q
# One test assembly at a time: the tests time real processes and signals on a 2-core machine.
dotnet test Spawn.slnx -c Release --no-build --nologo -m:1
