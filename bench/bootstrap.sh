#!/usr/bin/env bash
# The instance bootstrap without the EC2 boot: from the start of the user data that `spawn launch` generated to the
# first job's first command, in a private mount + network namespace (as root) with moto and an IMDSv2 stub on its own
# loopback, like tests/Spawn.EndToEnd.Tests/Launch/BootstrapTests. Peer, in the same namespace: the same two objects
# fetched with the AWS CLI (`aws s3 cp`, what a bootstrap would use on an image that has it) and the same first
# command started by bash. Prints the median of ROUNDS rounds and the bytes the instance downloads.
#
#   bench/bootstrap.sh            # ROUNDS=7; needs root; builds the solution and the Native AOT agent first
set -euo pipefail
[[ -n "${TRACE:-}" ]] && set -x
cd "$(dirname "$0")/.."
root=$PWD
rounds=${ROUNDS:-7}

if [[ "${1:-}" != --inside ]]; then
    dotnet build src/Spawn.Cli -c Release --nologo -v q >&2
    [[ -x artifacts/linux-x64/spored ]] || scripts/publish-aot.sh --agent-only linux-x64 >&2
    work=$(mktemp -d /tmp/spawn-bench-bootstrap.XXXXXX)
    trap 'rm -rf "$work"' EXIT
    exec unshare --mount --net --propagation private --fork "$0" --inside "$work"
fi

work=$2
trap 'kill $(jobs -p) 2>/dev/null' EXIT   # moto and the IMDS stub end with the namespace
ip link set lo up
ip addr add 169.254.169.254/32 dev lo
for d in /var/lib/spored /var/log/spored /usr/local/bin /etc/systemd/system; do mkdir -p "$d" && mount -t tmpfs tmpfs "$d"; done
printf '#!/bin/sh\nexit 0\n' > "$work/systemctl" && chmod 755 "$work/systemctl" && mount --bind "$work/systemctl" /usr/bin/systemctl

export AWS_ENDPOINT_URL=http://127.0.0.1:5000 AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1 \
       AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true AWS_PAGER="" XDG_STATE_HOME="$work/xdg"
moto_server -H 127.0.0.1 -p 5000 >/dev/null 2>&1 &
until curl -sf -o /dev/null http://127.0.0.1:5000/moto-api/; do sleep 0.1; done
aws s3api create-bucket --bucket spawn-results-us-east-1 >/dev/null
aws iam create-instance-profile --instance-profile-name spawn-queue >/dev/null
cat > "$work/queue.json" <<JSON
{ "queue_id": "bench-boot", "result_s3_bucket": "spawn-results-us-east-1", "global_timeout": "10m",
  "jobs": [ { "job_id": "first", "command": "date +%s.%N > $work/first", "timeout": "1m" } ] }
JSON
instance=$(src/Spawn.Cli/bin/Release/net10.0/spawn launch --batch-queue "$work/queue.json" --instance-type t3.medium \
    --agent-dir artifacts --keep-instance --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["instance_id"])')
aws ec2 describe-instance-attribute --instance-id "$instance" --attribute userData --query UserData.Value --output text | base64 -d > "$work/user-data"
python3 tests/Shared/imds_stub.py --host 169.254.169.254 --port 80 --instance-id "$instance" --region us-east-1 --instance-type t3.medium \
    --role spawn-queue --access-key-id ASIABENCH --secret-access-key bench --token bench 2>/dev/null &
until curl -sf -o /dev/null -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' http://169.254.169.254/latest/api/token; do sleep 0.1; done
aws=$(command -v aws)

fresh() { rm -rf /var/lib/spored/* /var/log/spored/* /usr/local/bin/* /etc/systemd/system/* "$work/first"; }
since() { awk -v end="$(cat "$work/first")" -v start="$1" 'BEGIN { printf "%.3f", end - start }'; }
wait_first() { until [[ -s "$work/first" ]]; do sleep 0.005; done; }

ours=() peer=()
for _ in $(seq "$rounds"); do
    fresh
    start=$(date +%s.%N)
    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root AWS_ENDPOINT_URL=$AWS_ENDPOINT_URL bash "$work/user-data" 2>/dev/null
    (cd /var/lib/spored/work && env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin AWS_ENDPOINT_URL=$AWS_ENDPOINT_URL \
        /usr/local/bin/spored run-queue /var/lib/spored/queue.json >/dev/null 2>&1) &
    agent=$!
    wait_first
    ours+=("$(since "$start")")
    wait "$agent"

    fresh
    start=$(date +%s.%N)
    "$aws" s3 cp s3://spawn-results-us-east-1/queues/bench-boot/agent/spored /usr/local/bin/spored --quiet
    "$aws" s3 cp s3://spawn-results-us-east-1/queues/bench-boot/agent/queue.json /var/lib/spored/queue.json --quiet
    chmod 755 /usr/local/bin/spored
    bash -c "date +%s.%N > $work/first"
    peer+=("$(since "$start")")
done

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
ours_median=$(median "${ours[@]}")
peer_median=$(median "${peer[@]}")
agent_bytes=$(stat -c %s artifacts/linux-x64/spored)
queue_bytes=$(aws s3api head-object --bucket spawn-results-us-east-1 --key queues/bench-boot/agent/queue.json --query ContentLength --output text)
echo "bootstrap to first command, median of $rounds: spawn user data + spored ${ours_median} s; aws s3 cp + bash (peer) ${peer_median} s; ratio $(awk -v a="$ours_median" -v b="$peer_median" 'BEGIN { printf "%.2f", a / b }')"
echo "downloaded by the instance: spored ${agent_bytes} bytes + queue.json ${queue_bytes} bytes = $((agent_bytes + queue_bytes)) bytes"
echo "all rounds (s): spawn ${ours[*]}; peer ${peer[*]}"
