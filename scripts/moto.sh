#!/usr/bin/env bash
# moto (`moto_server`, Python moto 5.x in server mode): the AWS emulator on loopback that every AWS test runs
# against (S3, EC2, SSM, IAM through the standard AWS_ENDPOINT_URL), with the AWS CLI `aws` as an independent client.
#   scripts/moto.sh check          checks that moto_server and aws are on PATH, says how to install them if not
#   scripts/moto.sh start [PORT]   starts a server on 127.0.0.1 (default port 5000) with the tests' validation
#                                  switches, waits until it answers, and prints the variables that reach it
#   scripts/moto.sh stop           stops the server that `start` started
# The tests start and stop their own servers (tests/Shared/MotoServer.cs); start/stop are for trying spawn by hand:
#   eval "$(scripts/moto.sh start)"; aws s3 mb s3://my-bucket; spawn queue run q.json; scripts/moto.sh stop
# moto keeps everything in memory: a stopped server's buckets and instances are gone.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
state="$root/.tools"
pidfile="$state/moto.pid"

check() {
  local missing=0
  if ! command -v moto_server >/dev/null || ! moto_server -h >/dev/null 2>&1; then
    cat >&2 <<'MSG'
moto.sh: moto_server (Python moto 5.x, server mode) is not on PATH, or does not run.
  It comes from PyPI: pip install 'moto[server]>=5,<6' (then moto_server is in that Python's bin directory).
  Debian 12 has no package for it (apt-cache policy python3-moto finds none); this project's machine image
  ships moto 5.2.1 under pyenv's Python 3.11, so on such a machine check that pyenv's shims are on PATH.
MSG
    missing=1
  fi
  if ! command -v aws >/dev/null; then
    cat >&2 <<'MSG'
moto.sh: the AWS CLI `aws` is not on PATH (the tests use it as a client independent of spawn's SDK).
  Debian: apt-get install awscli. Or from PyPI: pip install awscli.
MSG
    missing=1
  fi
  return "$missing"
}

start() {
  check
  local port="${1:-5000}"
  if [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    echo "moto.sh: a server is already running (pid $(cat "$pidfile")); scripts/moto.sh stop first" >&2
    exit 1
  fi
  mkdir -p "$state"
  MOTO_EC2_ENABLE_INSTANCE_TYPE_VALIDATION=true MOTO_ENABLE_AMI_VALIDATION=true MOTO_ENABLE_KEYPAIR_VALIDATION=true \
    nohup moto_server -H 127.0.0.1 -p "$port" >"$state/moto.log" 2>&1 &
  echo $! > "$pidfile"
  local deadline=$((SECONDS + 60))
  until curl -fs -o /dev/null "http://127.0.0.1:$port/moto-api/config"; do
    if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      echo "moto.sh: moto_server exited; its log ($state/moto.log) ends with:" >&2
      tail -5 "$state/moto.log" >&2
      rm -f "$pidfile"
      exit 1
    fi
    if (( SECONDS > deadline )); then
      echo "moto.sh: moto_server did not answer on port $port within 60 s (log: $state/moto.log)" >&2
      exit 1
    fi
    sleep 0.1
  done
  echo "# moto listening on http://127.0.0.1:$port (pid $(cat "$pidfile"), log $state/moto.log)" >&2
  cat <<VARS
export AWS_ENDPOINT_URL=http://127.0.0.1:$port
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing
export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
export AWS_EC2_METADATA_DISABLED=true
VARS
}

stop() {
  if [[ -f "$pidfile" ]]; then
    kill "$(cat "$pidfile")" 2>/dev/null || true
    rm -f "$pidfile"
  fi
}

case "${1:-}" in
  check) check ;;
  start) shift; start "$@" ;;
  stop) stop ;;
  *) echo "usage: $0 check | start [PORT] | stop" >&2; exit 2 ;;
esac
