#!/usr/bin/env bash
# Native AOT builds of spawn and spored into artifacts/RID/ (default linux-x64; also linux-arm64).
#   scripts/publish-aot.sh [--agent-only] [RID...]   --agent-only: spored alone (what `spawn launch` uploads; the tests use it)
# Needs clang (apt-get install clang lld zlib1g-dev). For linux-arm64 on an x86-64 machine, also the arm64
# C library and linker: dpkg --add-architecture arm64 && apt-get update &&
#   apt-get install gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu libc6-dev:arm64 zlib1g-dev:arm64
set -euo pipefail
cd "$(dirname "$0")/.."

# Native AOT links with clang: install it from Debian when it is missing (as root, the way CI runs).
if ! command -v clang >/dev/null; then
    if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang lld zlib1g-dev >/dev/null
    else
        echo "publish-aot.sh: clang is needed (apt-get install clang lld zlib1g-dev)" >&2
        exit 1
    fi
fi

projects=(Spawn.Agent Spawn.Cli)
if [[ "${1:-}" == --agent-only ]]; then
    projects=(Spawn.Agent)
    shift
fi

for rid in "${@:-linux-x64}"; do
    extra=()
    if [[ "$rid" == linux-arm64 && "$(uname -m)" != aarch64 ]]; then
        # Cross-linking: clang drives the aarch64 binutils, and the Debian multiarch sysroot is /.
        extra=(-p:LinkerFlavor=bfd -p:ObjCopyName=aarch64-linux-gnu-objcopy)
    fi
    for project in "${projects[@]}"; do
        dotnet publish "src/$project" -c Release -r "$rid" -o "artifacts/$rid" --nologo -v q "${extra[@]}"
    done
    rm -f artifacts/"$rid"/*.pdb
    echo "artifacts/$rid: $(cd "artifacts/$rid" && ls spawn spored 2>/dev/null | tr '\n' ' ')"
done
