#!/usr/bin/env python3
"""Stands between spawn and moto for EC2 and answers RunInstances as real EC2 does where moto never refuses:

    python3 ec2_refusing_proxy.py --port P --upstream http://127.0.0.1:M --refuse spot-capacity|stop-behaviour

spot-capacity:   a RunInstances (not a dry run) for the spot market gets InsufficientInstanceCapacity (HTTP 500).
stop-behaviour:  a RunInstances (dry run or not) whose spot request is to be stopped on interruption gets
                 InvalidParameterCombination (HTTP 400); the message is this stub's own wording.
Everything else goes to the upstream unchanged. Each refusal is a line on stderr; "ready" on stdout once listening.
"""
import argparse
import sys
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ERROR = """<?xml version="1.0" encoding="UTF-8"?>
<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors><RequestID>00000000-0000-0000-0000-000000000000</RequestID></Response>"""


def refusal(rule, form):
    if form.get("Action") != "RunInstances":
        return None
    if rule == "spot-capacity" and form.get("InstanceMarketOptions.MarketType") == "spot" and form.get("DryRun") != "true":
        return 500, "InsufficientInstanceCapacity", "There is no Spot capacity available that matches your request."
    if rule == "stop-behaviour" and form.get("InstanceMarketOptions.SpotOptions.InstanceInterruptionBehavior") == "stop":
        return 400, "InvalidParameterCombination", "The stop interruption behavior is not supported for this instance type."
    return None


def make_handler(args):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *a):
            pass

        def handle_any(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            form = {k: v[0] for k, v in urllib.parse.parse_qs(body.decode("utf-8", "replace")).items()}
            refused = refusal(args.refuse, form)
            if refused:
                status, code, message = refused
                sys.stderr.write(f"refused RunInstances: {code}\n")
                sys.stderr.flush()
                self.answer(status, {"Content-Type": "text/xml"}, ERROR.format(code=code, message=message).encode())
                return
            request = urllib.request.Request(args.upstream + self.path, data=body if body else None, method=self.command)
            for key, value in self.headers.items():
                if key.lower() not in ("host", "content-length", "connection"):
                    request.add_header(key, value)
            try:
                with urllib.request.urlopen(request) as response:
                    self.answer(response.status, dict(response.headers), response.read())
            except urllib.error.HTTPError as e:
                self.answer(e.code, dict(e.headers), e.read())

        def answer(self, status, headers, data):
            self.send_response(status)
            for key, value in headers.items():
                if key.lower() not in ("content-length", "transfer-encoding", "connection", "server", "date"):
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = handle_any

    return Handler


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--upstream", required=True)
    parser.add_argument("--refuse", choices=["spot-capacity", "stop-behaviour"], required=True)
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(args))
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
