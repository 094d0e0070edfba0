#!/usr/bin/env bash
# Runs every test: checks for the AWS emulator the tests start (moto) and the AWS CLI, builds the solution, runs all
# test projects.
set -euo pipefail
cd "$(dirname "$0")"

scripts/moto.sh check
dotnet build Spawn.slnx -c Release --nologo -v q
# One test assembly at a time: the tests time real processes and signals on a 2-core machine.
dotnet test Spawn.slnx -c Release --no-build --nologo -m:1
