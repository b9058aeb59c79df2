"""The `remote` level against a local stand-in for SandboxFusion's /run_code (runs only this file's programs)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from difficulty_filter.sandbox import remote
from difficulty_filter.sandbox.suite import TestSuite

from .conftest import LIMITS


class _FakeSandboxFusion(BaseHTTPRequestHandler):
    def do_POST(self):
        request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        assert self.path == "/run_code" and request["language"] == "python"
        if "SANDBOX_BROKEN" in request["code"]:
            reply = {"status": "SandboxError", "message": "worker crashed", "run_result": None}
        else:
            try:
                done = subprocess.run(
                    [sys.executable, "-c", request["code"]],
                    input=request["stdin"],
                    capture_output=True,
                    text=True,
                    timeout=request["run_timeout"],
                )
                run = {
                    "status": "Finished",
                    "return_code": done.returncode,
                    "stdout": done.stdout,
                    "stderr": done.stderr,
                }
            except subprocess.TimeoutExpired:
                run = {"status": "TimeLimitExceeded", "return_code": None, "stdout": "", "stderr": ""}
            reply = {"status": "Success" if run["return_code"] == 0 else "Failed", "message": "", "run_result": run}
        body = json.dumps(reply).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def url():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeSandboxFusion)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


ADD = TestSuite("functional", code="assert add(1, 2) == 3\n")
SUM = TestSuite("stdio", ("1 2\n", "3 4\n"), ("3\n", "7\n"))


def test_stdio_and_functional(url):
    assert remote.run_tests("a, b = map(int, input().split())\nprint(a + b)", SUM, LIMITS, url).passed
    result = remote.run_tests("a, b = map(int, input().split())\nprint(a * b)", SUM, LIMITS, url)
    assert (result.reason, result.failed_index) == ("wrong_answer", 0)
    assert remote.run_tests("def add(a, b):\n    return a + b", ADD, LIMITS, url).passed
    assert remote.run_tests("def add(a, b):\n    return 0", ADD, LIMITS, url).reason == "wrong_answer"


def test_early_exit_cannot_pass(url):
    result = remote.run_tests("import sys\nsys.exit(0)", ADD, LIMITS, url)
    assert (result.status, result.reason) == ("failed", "incomplete")


def test_errors_and_timeouts(url):
    assert remote.run_tests("1/0", SUM, LIMITS, url).detail.startswith("ZeroDivisionError")
    assert remote.run_tests("while True: pass", SUM, LIMITS, url).reason == "timeout"


def test_server_failures_are_sandbox_errors(url):
    assert remote.run_tests("# SANDBOX_BROKEN", SUM, LIMITS, url).status == "sandbox_error"
    assert remote.run_tests("print(1)", SUM, LIMITS, None).status == "sandbox_error"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    result = remote.run_tests("print(1)", SUM, LIMITS, f"http://127.0.0.1:{closed_port}")
    assert result.status == "sandbox_error" and "failed" in result.detail
