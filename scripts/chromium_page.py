#!/usr/bin/env python3
"""Loads one local HTML page in headless Chromium and reports what a reader would see, as one JSON object on stdout.

    scripts/chromium_page.py PAGE.html [--screenshot OUT.png] [--eval JS] [--ready JS] [--timeout S] [--width W --height H]

Drives Chromium over the DevTools protocol on a pipe (--remote-debugging-pipe: no port, nothing listens), with the
standard library only. Waits (polling, with a deadline) until the --ready expression is true, then prints:
  ready            whether it became true in time
  render_ms        window.reportRenderMs, when the page sets it (ms from navigation start to the page being drawn)
  load_ms          wall time from the navigation request to ready, measured here
  dom              the value of the --eval expression (any JSON value)
  console_errors   console.error/assert calls, uncaught exceptions and error log entries (CSP violations among them)
  requests         every request the page made other than loading itself
Used by the end-to-end tests (tests/Spawn.EndToEnd.Tests/ReportTests.cs) and bench/report-render.sh.
"""
import argparse, base64, json, os, shutil, subprocess, sys, tempfile, time, pathlib


class Browser:
    def __init__(self, width, height):
        exe = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
        if not exe:
            sys.exit("chromium_page.py: chromium is not on PATH (Debian: apt-get install chromium)")
        self.profile = tempfile.mkdtemp(prefix="chromium-page-")
        to_child_r, self.to_child = os.pipe()
        self.from_child, from_child_w = os.pipe()

        # Chromium reads commands from fd 3 and writes replies to fd 4. subprocess closes every other descriptor after
        # preexec_fn runs, so the pipe ends are first moved above 4, then put in place by a shell-free dup in the child.
        to_child_r, from_child_w = self.above(to_child_r, 10), self.above(from_child_w, 11)

        def fds():
            os.dup2(to_child_r, 3)
            os.dup2(from_child_w, 4)
            os.set_inheritable(3, True)
            os.set_inheritable(4, True)

        self.proc = subprocess.Popen(
            [exe, "--headless", "--no-sandbox", "--remote-debugging-pipe", "--disable-gpu", "--no-first-run",
             "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--metrics-recording-only", "--mute-audio",
             f"--user-data-dir={self.profile}", f"--window-size={width},{height}", "about:blank"],
            close_fds=False, preexec_fn=fds,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_child_r)
        os.close(from_child_w)
        self.buffer = b""
        self.next_id = 0
        self.events = []

    @staticmethod
    def above(fd, at_least):
        moved = os.dup2(fd, at_least) if fd < at_least else fd
        if moved != fd:
            os.close(fd)
        return moved

    def send(self, method, params=None, session=None):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.to_child, json.dumps(message).encode() + b"\0")
        return self.wait_reply(self.next_id)

    def read_message(self):
        while b"\0" not in self.buffer:
            chunk = os.read(self.from_child, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self.buffer += chunk
        raw, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(raw)

    def wait_reply(self, wanted):
        while True:
            message = self.read_message()
            if message.get("id") == wanted:
                if "error" in message:
                    raise RuntimeError(f"DevTools error: {message['error']}")
                return message.get("result", {})
            if "method" in message:
                self.events.append(message)

    def close(self):
        try:
            self.send("Browser.close")
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.profile, ignore_errors=True)


def evaluate(browser, session, expression):
    result = browser.send("Runtime.evaluate", {"expression": expression, "returnByValue": True}, session)
    if "exceptionDetails" in result:
        raise RuntimeError(f"{expression}: {result['exceptionDetails'].get('text')} {result['result'].get('description', '')}")
    return result["result"].get("value")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("page")
    parser.add_argument("--screenshot")
    parser.add_argument("--eval", default="null")
    parser.add_argument("--ready", default="document.readyState === 'complete'")
    parser.add_argument("--timeout", type=float, default=30)
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("--height", type=int, default=1000)
    args = parser.parse_args()
    url = pathlib.Path(args.page).resolve().as_uri()

    browser = Browser(args.width, args.height)
    try:
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            browser.send(f"{domain}.enable", {}, session)
        browser.send("Emulation.setDeviceMetricsOverride",
                     {"width": args.width, "height": args.height, "deviceScaleFactor": 1, "mobile": False}, session)
        started = time.monotonic()
        browser.send("Page.navigate", {"url": url}, session)
        deadline = started + args.timeout
        ready = False
        while time.monotonic() < deadline:
            try:
                ready = bool(evaluate(browser, session, f"(function () {{ try {{ return location.href === {json.dumps(url)} && ({args.ready}); }} catch (e) {{ return false; }} }})()"))
            except RuntimeError:
                ready = False
            if ready:
                break
            time.sleep(0.02)
        load_ms = (time.monotonic() - started) * 1000
        render_ms = evaluate(browser, session, "typeof window.reportRenderMs === 'number' ? window.reportRenderMs : null") if ready else None
        dom = evaluate(browser, session, args.eval) if ready else None
        if args.screenshot:
            shot = browser.send("Page.captureScreenshot", {"format": "png"}, session)
            pathlib.Path(args.screenshot).write_bytes(base64.b64decode(shot["data"]))
        evaluate(browser, session, "0")  # lets events queued so far arrive
        errors, requests = [], []
        for event in browser.events:
            method, params = event["method"], event.get("params", {})
            if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                errors.append(" ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", [])))
            elif method == "Runtime.exceptionThrown":
                details = params.get("exceptionDetails", {})
                errors.append(details.get("exception", {}).get("description") or details.get("text", "exception"))
            elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
                errors.append(params["entry"].get("text", ""))
            elif method == "Network.requestWillBeSent":
                request_url = params.get("request", {}).get("url", "")
                if request_url != url:
                    requests.append(request_url)
        print(json.dumps({"ready": ready, "render_ms": render_ms, "load_ms": round(load_ms, 1), "dom": dom,
                          "console_errors": errors, "requests": requests}))
    finally:
        browser.close()


if __name__ == "__main__":
    main()
