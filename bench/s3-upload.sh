#!/usr/bin/env bash
# Times S3 uploads to moto on loopback, each way in the same invocation: spawn's hand-written path from the s3rver
# days (plain signed PUTs and parts, checksums only when required), the SDK's TransferUtility with its defaults
# (aws-chunked with trailing checksums), and S3ResultStore as built. 1 x 200 MiB, then 200 x 10 KiB one after
# another (as the result collector sends a job's files); medians over the rounds. Every upload of round 1 is read
# back and compared.
#
#   bench/s3-upload.sh               # 5 rounds
#   bench/s3-upload.sh 3 200 200     # rounds, large file MiB, small file count
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/moto.sh check
dotnet build bench/S3Upload -c Release --nologo -v q >/dev/null
exec dotnet bench/S3Upload/bin/Release/net10.0/S3Upload.dll "${1:-5}" "${2:-200}" "${3:-200}" bench/out/s3-upload
