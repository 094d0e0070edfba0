"""Signs the bootstrap's S3 GETs with botocore (the AWS CLI's signer) and with the bootstrap's own bash s3_get, and
prints one line per case: "same" or what differs. Usage: python3 sigv4_check.py BOOTSTRAP_SH"""
import subprocess
import sys

from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
CASES = [  # (endpoint override, URL botocore signs, session token)
    ("", "https://my-bucket.s3.eu-west-1.amazonaws.com/queues/q-1/agent/spored", "IQoJb3JpZ2luX2VjEXAMPLE/token+with=chars"),
    ("http://127.0.0.1:5000", "http://127.0.0.1:5000/my-bucket/queues/q-1/agent/queue.json", ""),
]

bootstrap = sys.argv[1]
for endpoint, url, token in CASES:
    request = AWSRequest(method="GET", url=url)
    request.headers["X-Amz-Content-SHA256"] = EMPTY
    S3SigV4Auth(Credentials("AKIDEXAMPLE", SECRET, token or None), "s3", "eu-west-1").add_auth(request)
    key = url.split("/queues/", 1)[1]
    script = f"""
set -euo pipefail
eval "$(sed -n '/^json_field()/,/^# Downloads and verifies/p' '{bootstrap}')"
date() {{ echo {request.headers['X-Amz-Date']}; }}
curl() {{ printf '%s\\n' "$@"; }}
region=eu-west-1 bucket=my-bucket endpoint='{endpoint}'
access_key=AKIDEXAMPLE secret_key='{SECRET}' session_token='{token}'
s3_get 'queues/{key}' /dev/null | sed -n 's/^Authorization: //p'
"""
    ours = subprocess.run(["bash", "-c", script], capture_output=True, text=True, check=True).stdout.strip()
    theirs = request.headers["Authorization"]
    print("same" if ours == theirs else f"different for {url}: bootstrap {ours!r}, botocore {theirs!r}")

# The EC2 query calls the bootstrap makes to cancel its own spot request (signed_get with a canonical query string).
from botocore.auth import SigV4Auth

query = "Action=DescribeSpotInstanceRequests&Filter.1.Name=instance-id&Filter.1.Value.1=i-0abc123&Version=2016-11-15"
url = f"https://ec2.eu-west-1.amazonaws.com/?{query}"
request = AWSRequest(method="GET", url=url)
request.headers["X-Amz-Content-SHA256"] = EMPTY
SigV4Auth(Credentials("AKIDEXAMPLE", SECRET, "IQoJb3JpZ2luX2VjEXAMPLE/token+with=chars"), "ec2", "eu-west-1").add_auth(request)
script = f"""
set -euo pipefail
eval "$(sed -n '/^json_field()/,/^# Downloads and verifies/p' '{bootstrap}')"
date() {{ echo {request.headers['X-Amz-Date']}; }}
curl() {{ printf '%s\\n' "$@"; }}
access_key=AKIDEXAMPLE secret_key='{SECRET}' session_token='IQoJb3JpZ2luX2VjEXAMPLE/token+with=chars'
signed_get ec2 eu-west-1 ec2.eu-west-1.amazonaws.com / '{query}' '{url}' /dev/null | sed -n 's/^Authorization: //p'
"""
ours = subprocess.run(["bash", "-c", script], capture_output=True, text=True, check=True).stdout.strip()
theirs = request.headers["Authorization"]
print("same" if ours == theirs else f"different for {url}: bootstrap {ours!r}, botocore {theirs!r}")
