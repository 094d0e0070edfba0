#!/usr/bin/env bash
# Headless Chromium (Debian's `chromium` package), which the report tests and bench/report-render.sh drive through
# scripts/chromium_page.py.
#   scripts/chromium.sh check     says whether chromium is on PATH, and how to get it if not
#   scripts/chromium.sh install   installs it from Debian when missing (as root, the way CI runs), else says how
set -euo pipefail

if command -v chromium >/dev/null; then
    exit 0
fi

if [[ "${1:-check}" == install && $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    exit 0
fi

echo "chromium.sh: chromium is not on PATH (Debian: apt-get install chromium); the report tests need it" >&2
exit 1
