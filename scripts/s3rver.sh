#!/usr/bin/env bash
# The loopback S3-compatible server (npm "s3rver") that the tests run against.
#   scripts/s3rver.sh install            installs it into .tools/s3rver (git-ignored; fast when already there)
#   scripts/s3rver.sh start [PORT] [DIR] starts it on 127.0.0.1 (default port 4568, data in .tools/s3rver-data)
#   scripts/s3rver.sh stop               stops the server that `start` started
# The tests start and stop their own servers; start/stop are for trying `spawn` by hand:
#   AWS_ENDPOINT_URL=http://127.0.0.1:4568 AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_REGION=us-east-1 spawn ...
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tools="$root/.tools/s3rver"
version="3.7.1"
server="$tools/node_modules/s3rver/bin/s3rver.js"
pidfile="$root/.tools/s3rver.pid"

install() {
  if [[ -f "$tools/node_modules/s3rver/package.json" ]] &&
     grep -q "\"version\": \"$version\"" "$tools/node_modules/s3rver/package.json"; then
    return 0
  fi
  command -v npm >/dev/null || { echo "s3rver.sh: npm is required to install s3rver (install Node.js 18+)" >&2; exit 1; }
  mkdir -p "$tools"
  [[ -f "$tools/package.json" ]] || echo '{ "name": "spawn-test-tools", "private": true }' > "$tools/package.json"
  (cd "$tools" && npm install --no-audit --no-fund --loglevel=error "s3rver@$version")
}

start() {
  install
  local port="${1:-4568}" dir="${2:-$root/.tools/s3rver-data}"
  mkdir -p "$dir"
  node "$server" --address 127.0.0.1 --port "$port" --directory "$dir" --silent &
  echo $! > "$pidfile"
  echo "s3rver listening on http://127.0.0.1:$port (pid $(cat "$pidfile"), data in $dir)"
}

stop() {
  if [[ -f "$pidfile" ]]; then
    kill "$(cat "$pidfile")" 2>/dev/null || true
    rm -f "$pidfile"
  fi
}

case "${1:-}" in
  install) install ;;
  start) shift; start "$@" ;;
  stop) stop ;;
  *) echo "usage: $0 install | start [PORT] [DIR] | stop" >&2; exit 2 ;;
esac
