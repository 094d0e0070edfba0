#!/bin/bash
# spawn batch-queue bootstrap for queue @QUEUE_ID@, written by `spawn launch`; cloud-init runs it once as root.
# It installs the agent and starts it, nothing else: everything about running the queue is spored's.
# It holds no secret and nothing that expires: the agent and the queue are read from S3 with the instance role's
# credentials (IMDSv2) and checked against the sha256 below, so it may run again long after the launch.
set -euo pipefail
umask 022

region=@REGION@
bucket=@BUCKET@
agent_key=@AGENT_KEY@
agent_sha256=@AGENT_SHA256@
queue_key=@QUEUE_KEY@
queue_sha256=@QUEUE_SHA256@
deadline_minutes=@DEADLINE_MINUTES@ # 0 = no dead-man switch (--keep-instance)
imds=http://169.254.169.254
# Unset on EC2; the SDKs' variables, so a test can point this script at an emulator the way it points the agent.
endpoint=${AWS_ENDPOINT_URL_S3:-${AWS_ENDPOINT_URL:-}}
units=/etc/systemd/system

say() { echo "spawn bootstrap: $*" >&2; }

# A bootstrap that cannot install the agent ends the instance now, rather than leave it idle until the dead-man switch.
# A persistent spot request (spawn launch --spot) would start a replacement, failing the same way: cancelled first.
give_up() {
  say "$* (see this log: cloud-init-output.log, or 'aws ec2 get-console-output')"
  if [ "$deadline_minutes" -gt 0 ]; then
    cancel_own_spot_request || say "could not cancel this instance's spot request: EC2 may start a replacement"
    systemctl poweroff
  fi
  exit 1
}

mkdir -p /var/lib/spored/work /var/log/spored/jobs

# The dead-man switch comes first, so that it holds even if everything after it fails or the agent hangs: a timer
# that powers the instance off (it terminates) at the queue's longest legal run plus a margin after every boot.
if [ "$deadline_minutes" -gt 0 ]; then
  cat > "$units/spored-deadline.timer" <<EOF
[Unit]
Description=spawn dead-man switch: power off ${deadline_minutes} min after boot, even if the agent hangs

[Timer]
OnBootSec=${deadline_minutes}min
AccuracySec=1min

[Install]
WantedBy=timers.target
EOF
  cat > "$units/spored-deadline.service" <<'EOF'
[Unit]
Description=spawn dead-man switch: power the instance off

[Service]
Type=oneshot
# A persistent spot request (spawn launch --spot) would have EC2 start the instance again: cancelled first, if any.
ExecStartPre=-/usr/local/bin/spored cancel-spot-request
ExecStart=/usr/bin/systemctl poweroff
EOF
  systemctl daemon-reload
  systemctl enable --now spored-deadline.timer
fi

json_field() { tr ',{}' '\n\n\n' | sed -n "s/^[[:space:]]*\"$1\"[[:space:]]*:[[:space:]]*\"\(.*\)\"[[:space:]]*$/\1/p" | head -n 1; }

# The instance role's temporary credentials, from IMDSv2.
load_credentials() {
  local token role doc
  token=$(curl -sSf --max-time 5 -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' "$imds/latest/api/token") || return 1
  role=$(curl -sSf --max-time 5 -H "X-aws-ec2-metadata-token: $token" "$imds/latest/meta-data/iam/security-credentials/" | head -n 1) || return 1
  doc=$(curl -sSf --max-time 5 -H "X-aws-ec2-metadata-token: $token" "$imds/latest/meta-data/iam/security-credentials/$role") || return 1
  access_key=$(json_field AccessKeyId <<<"$doc")
  secret_key=$(json_field SecretAccessKey <<<"$doc")
  session_token=$(json_field Token <<<"$doc")
  [ -n "$access_key" ] && [ -n "$secret_key" ]
}

sha256_hex() { openssl dgst -sha256 -hex | sed 's/^.*= //'; }
hmac_hex() { printf '%s' "$2" | openssl dgst -sha256 -hex -mac HMAC -macopt "hexkey:$1" | sed 's/^.*= //'; }

# GET s3://$bucket/$1 into $2, signed with Signature Version 4 (keys hold only unreserved characters and '/':
# `spawn launch` checks that, so they need no escaping).
s3_get() {
  local key=$1 out=$2 host path
  if [ -n "$endpoint" ]; then
    host=${endpoint#*://}
    host=${host%%/*}
    path="/$bucket/$key"
    signed_get s3 "$region" "$host" "$path" "" "${endpoint%/}$path" "$out"
  else
    host="$bucket.s3.$region.amazonaws.com"
    path="/$key"
    signed_get s3 "$region" "$host" "$path" "" "https://$host$path" "$out"
  fi
}

# GET $6 into $7, signed with Signature Version 4 for service $1 in region $2: host $3, canonical path $4 and query $5
# (parameters sorted by name, values of unreserved characters only, so nothing needs escaping).
signed_get() {
  local service=$1 sign_region=$2 host=$3 path=$4 query=$5 url=$6 out=$7
  local now day scope signed_headers canonical_headers request_hash string_to_sign k signature
  local empty_hash=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
  now=$(date -u +%Y%m%dT%H%M%SZ)
  day=${now:0:8}
  signed_headers="host;x-amz-content-sha256;x-amz-date"
  canonical_headers="host:$host"$'\n'"x-amz-content-sha256:$empty_hash"$'\n'"x-amz-date:$now"$'\n'
  local -a extra=()
  if [ -n "$session_token" ]; then
    signed_headers+=";x-amz-security-token"
    canonical_headers+="x-amz-security-token:$session_token"$'\n'
    extra=(-H "x-amz-security-token: $session_token")
  fi
  request_hash=$(printf 'GET\n%s\n%s\n%s\n%s\n%s' "$path" "$query" "$canonical_headers" "$signed_headers" "$empty_hash" | sha256_hex)
  scope="$day/$sign_region/$service/aws4_request"
  string_to_sign=$(printf 'AWS4-HMAC-SHA256\n%s\n%s\n%s' "$now" "$scope" "$request_hash")
  k=$(printf '%s' "AWS4$secret_key" | od -An -v -tx1 | tr -d ' \n')
  k=$(hmac_hex "$k" "$day")
  k=$(hmac_hex "$k" "$sign_region")
  k=$(hmac_hex "$k" "$service")
  k=$(hmac_hex "$k" aws4_request)
  signature=$(hmac_hex "$k" "$string_to_sign")
  curl -sSf --max-time 600 -o "$out" "${extra[@]}" \
    -H "x-amz-date: $now" -H "x-amz-content-sha256: $empty_hash" \
    -H "Authorization: AWS4-HMAC-SHA256 Credential=$access_key/$scope, SignedHeaders=$signed_headers, Signature=$signature" \
    "$url"
}

# On a spot instance, cancels the spot request that started it (found by this instance's id), as the agent does before
# its own power-off: with a persistent request, EC2 would otherwise start the instance, or a replacement, again.
cancel_own_spot_request() {
  local token id life ec2_region host base query answer sir
  token=$(curl -sSf --max-time 5 -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' "$imds/latest/api/token") || return 1
  life=$(curl -sSf --max-time 5 -H "X-aws-ec2-metadata-token: $token" "$imds/latest/meta-data/instance-life-cycle") || return 1
  [ "$life" = spot ] || return 0
  id=$(curl -sSf --max-time 5 -H "X-aws-ec2-metadata-token: $token" "$imds/latest/meta-data/instance-id") || return 1
  ec2_region=$(curl -sSf --max-time 5 -H "X-aws-ec2-metadata-token: $token" "$imds/latest/meta-data/placement/region") || return 1
  load_credentials || return 1
  local ec2_endpoint=${AWS_ENDPOINT_URL_EC2:-${AWS_ENDPOINT_URL:-}}
  if [ -n "$ec2_endpoint" ]; then
    host=${ec2_endpoint#*://}
    host=${host%%/*}
    base=${ec2_endpoint%/}
  else
    host="ec2.$ec2_region.amazonaws.com"
    base="https://$host"
  fi
  answer=$(mktemp)
  query="Action=DescribeSpotInstanceRequests&Filter.1.Name=instance-id&Filter.1.Value.1=$id&Version=2016-11-15"
  signed_get ec2 "$ec2_region" "$host" / "$query" "$base/?$query" "$answer" || { rm -f "$answer"; return 1; }
  sir=$(tr '<>' '\n\n' < "$answer" | sed -n '/^spotInstanceRequestId$/{n;p;}' | head -n 1)
  rm -f "$answer"
  [ -n "$sir" ] || return 0
  query="Action=CancelSpotInstanceRequests&SpotInstanceRequestId.1=$sir&Version=2016-11-15"
  signed_get ec2 "$ec2_region" "$host" / "$query" "$base/?$query" /dev/null || return 1
  say "cancelled spot request $sir of $id"
}

# Downloads and verifies; the role's credentials and the network may come up late, so it tries for ~5 minutes.
fetch() {
  local key=$1 out=$2 sha=$3 try
  for try in $(seq 1 30); do
    if load_credentials && s3_get "$key" "$out.part"; then
      [ "$(sha256_hex < "$out.part")" = "$sha" ] || give_up "s3://$bucket/$key does not have the sha256 spawn launch uploaded ($sha)"
      mv -f "$out.part" "$out"
      return 0
    fi
    say "could not fetch s3://$bucket/$key (try $try of 30); trying again in 10 s"
    sleep 10
  done
  give_up "could not fetch s3://$bucket/$key"
}

fetch "$agent_key" /var/lib/spored/spored.download "$agent_sha256"
fetch "$queue_key" /var/lib/spored/queue.json.download "$queue_sha256"
install -m 0755 /var/lib/spored/spored.download /usr/local/bin/spored
rm -f /var/lib/spored/spored.download
mv -f /var/lib/spored/queue.json.download /var/lib/spored/queue.json

cat > "$units/spored.service" <<'EOF'
@UNIT@
EOF
systemctl daemon-reload
systemctl enable spored.service
# --no-block: cloud-init runs this inside boot; the unit starts once boot allows it.
systemctl start --no-block spored.service
say "spored installed and started for queue @QUEUE_ID@"
