#!/usr/bin/env bash
# Runs every test: checks for the AWS emulator the tests start (moto) and the AWS CLI, installs headless Chromium
# (Debian's chromium, for the report tests) when missing, builds the solution and the Native AOT agent (installing
# clang when missing), runs all test projects.
set -euo pipefail
cd "$(dirname "$0")"

scripts/moto.sh check
scripts/chromium.sh install
dotnet build Spawn.slnx -c Release --nologo -v q
# The Native AOT agent that `spawn launch` uploads: the bootstrap tests install and run it in a stand-in instance.
scripts/publish-aot.sh --agent-only linux-x64
# One test assembly at a time: the tests time real processes and signals on a 2-core machine.
dotnet test Spawn.slnx -c Release --no-build --nologo -m:1
