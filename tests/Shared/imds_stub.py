#!/usr/bin/env python3
"""An IMDSv2 stub for tests: the instance metadata an EC2 instance's agent and the AWS SDKs ask for.

    python3 imds_stub.py --host H --port P --instance-id I --region R --instance-type T
        [--life-cycle on-demand|spot] [--role NAME --access-key-id K --secret-access-key S --token T]
        [--spot-action-file F] [--rebalance-file F]

PUT /latest/api/token (with X-aws-ec2-metadata-token-ttl-seconds) returns a session token; every GET must carry it
in X-aws-ec2-metadata-token, else 401, as IMDSv2 does. Served with a valid token:

    /latest/meta-data/instance-id, placement/region, placement/availability-zone, instance-type, instance-life-cycle
    /latest/meta-data/iam/security-credentials/        the role's name (with --role)
    /latest/meta-data/iam/security-credentials/ROLE    the credentials JSON the SDKs expect
    /latest/dynamic/instance-identity/document         JSON with instanceId, region, instanceType, architecture
    /latest/meta-data/spot/instance-action             the content of --spot-action-file while it exists, else 404
                                                       (a test writes {"action": "stop", "time": "…"} there: a notice)
    /latest/meta-data/events/recommendations/rebalance the content of --rebalance-file while it exists, else 404

Each request line goes to stderr. "ready" is printed on stdout once the port is open, so a test can wait for it.
Standard library only: it runs on the machine image the tests run on, and inside the test's network namespace.
"""
import argparse
import datetime
import json
import platform
import secrets
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOKEN_TTL_HEADER = "X-aws-ec2-metadata-token-ttl-seconds"
TOKEN_HEADER = "X-aws-ec2-metadata-token"


def parse_args():
    parser = argparse.ArgumentParser(description="IMDSv2 stub for tests")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=80)
    parser.add_argument("--instance-id", required=True)
    parser.add_argument("--region", required=True)
    parser.add_argument("--instance-type", required=True)
    parser.add_argument("--life-cycle", choices=["on-demand", "spot"], default="on-demand")
    parser.add_argument("--role")
    parser.add_argument("--access-key-id")
    parser.add_argument("--secret-access-key")
    parser.add_argument("--token", help="the role credentials' session token")
    parser.add_argument("--spot-action-file", help="served as meta-data/spot/instance-action while it exists")
    parser.add_argument("--rebalance-file", help="served as meta-data/events/recommendations/rebalance while it exists")
    args = parser.parse_args()
    role_parts = [args.role, args.access_key_id, args.secret_access_key, args.token]
    if any(role_parts) and not all(role_parts):
        parser.error("--role needs --access-key-id, --secret-access-key and --token (and the other way round)")
    return args


def iso(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def read_if_there(path):
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except FileNotFoundError:
        return None


def architecture():
    machine = platform.machine().lower()
    return "arm64" if machine in ("aarch64", "arm64") else "x86_64"


def make_handler(args):
    tokens = set()
    zone = args.region + "a"

    def credentials():
        now = datetime.datetime.now(datetime.timezone.utc)
        return json.dumps({
            "Code": "Success",
            "LastUpdated": iso(now),
            "Type": "AWS-HMAC",
            "AccessKeyId": args.access_key_id,
            "SecretAccessKey": args.secret_access_key,
            "Token": args.token,
            "Expiration": iso(now + datetime.timedelta(hours=6)),
        })

    def document():
        return json.dumps({
            "accountId": "123456789012",
            "architecture": architecture(),
            "availabilityZone": zone,
            "imageId": "ami-00000000000000000",
            "instanceId": args.instance_id,
            "instanceType": args.instance_type,
            "pendingTime": iso(datetime.datetime.now(datetime.timezone.utc)),
            "privateIp": "10.0.0.10",
            "region": args.region,
            "version": "2017-09-30",
        })

    def answers():
        found = {
            "/latest/meta-data/instance-id": lambda: args.instance_id,
            "/latest/meta-data/placement/region": lambda: args.region,
            "/latest/meta-data/placement/availability-zone": lambda: zone,
            "/latest/meta-data/instance-type": lambda: args.instance_type,
            "/latest/meta-data/instance-life-cycle": lambda: args.life_cycle,
            "/latest/dynamic/instance-identity/document": document,
        }
        for path, file in (("/latest/meta-data/spot/instance-action", args.spot_action_file),
                           ("/latest/meta-data/events/recommendations/rebalance", args.rebalance_file)):
            if file:
                found[path] = (lambda f: lambda: read_if_there(f))(file)
        if args.role:
            found["/latest/meta-data/iam/security-credentials/"] = lambda: args.role
            found["/latest/meta-data/iam/security-credentials"] = lambda: args.role
            found["/latest/meta-data/iam/security-credentials/" + args.role] = credentials
        return found

    served = answers()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "imds-stub"
        sys_version = ""

        def log_request(self, code="-", size="-"):
            sys.stderr.write(f"imds-stub: {self.requestline} -> {code}\n")
            sys.stderr.flush()

        def log_message(self, format, *args):
            # Errors the server itself reports (bad requests); the request lines come from log_request.
            sys.stderr.write("imds-stub: " + (format % args) + "\n")
            sys.stderr.flush()

        def send(self, status, body, content_type="text/plain"):
            data = body.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_PUT(self):
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            if self.path != "/latest/api/token":
                self.send(404, "Not Found")
                return
            ttl = self.headers.get(TOKEN_TTL_HEADER)
            if ttl is None or not ttl.isdigit() or not 1 <= int(ttl) <= 21600:
                self.send(400, "Bad Request")
                return
            token = secrets.token_urlsafe(32)
            tokens.add(token)
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header(TOKEN_TTL_HEADER, ttl)
            self.send_header("Content-Length", str(len(token)))
            self.end_headers()
            self.wfile.write(token.encode("ascii"))

        def do_GET(self):
            if self.headers.get(TOKEN_HEADER) not in tokens:
                self.send(401, "Unauthorized")
                return
            answer = served.get(self.path.split("?", 1)[0])
            if answer is None:
                self.send(404, "Not Found")
                return
            body = answer()
            if body is None:
                self.send(404, "Not Found")
                return
            self.send(200, body, "application/json" if body.startswith("{") else "text/plain")

    return Handler


def main():
    args = parse_args()
    server = ThreadingHTTPServer((args.host, args.port), make_handler(args))
    server.daemon_threads = True
    print("ready", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
