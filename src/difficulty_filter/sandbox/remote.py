"""The `remote` level: run tests on a SandboxFusion server (POST {url}/run_code), one request per test.

Functional tests print a per-run nonce after the test code, so a program that exits early cannot pass.
An unreachable or failing server is a `sandbox_error`, never a wrong answer.
"""

from __future__ import annotations

import json
import re
import secrets
import time
import urllib.error
import urllib.request

from .compare import difference
from .limits import MIB, Limits
from .result import SANDBOX_ERROR, ExecutionResult, from_events
from .suite import TestSuite

#: Seconds the HTTP request may take beyond the run timeout.
HTTP_SLACK = 10.0
_EXCEPTION = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt))\b:?\s*(.*)$")


def _post(url: str, payload: dict, timeout: float) -> dict:
    request = urllib.request.Request(
        f"{url.rstrip('/')}/run_code",
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=timeout) as reply:
        return json.loads(reply.read())


def _exception(stderr: str) -> tuple[str, str]:
    for line in reversed(stderr.strip().splitlines()):
        match = _EXCEPTION.match(line.strip())
        if match:
            return match.group(1).rsplit(".", 1)[-1], match.group(2)[:200]
    return "", ""


def _classify(reply: dict, nonce: str | None, expected: str | None, limits: Limits) -> dict:
    run = reply.get("run_result") or {}
    stdout, stderr = run.get("stdout") or "", run.get("stderr") or ""
    if run.get("status") == "TimeLimitExceeded":
        return {"status": "timeout", "detail": f"over {limits.test_seconds:.1f} s"}
    if len(stdout.encode()) >= limits.output_bytes:
        return {"status": "output_limit", "detail": f"output over {limits.output_bytes} bytes"}
    if run.get("return_code") != 0 or reply.get("status") != "Success":
        exc, msg = _exception(stderr)
        detail = f"{exc}: {msg}" if exc else f"exit status {run.get('return_code')}"
        status = {
            "SyntaxError": "compile_error",
            "MemoryError": "memory_limit",
            "AssertionError": "wrong_answer" if nonce else "runtime_error",
        }.get(exc, "runtime_error")
        return {"status": status, "detail": detail}
    if nonce is not None:
        if stdout.rstrip().endswith(nonce):
            return {"status": "passed", "detail": ""}
        return {"status": "incomplete", "detail": "exited before the tests finished"}
    wrong = difference(stdout, expected)
    return {"status": "wrong_answer", "detail": wrong} if wrong else {"status": "passed", "detail": ""}


def run_tests(program: str, suite: TestSuite, limits: Limits, url: str | None) -> ExecutionResult:
    """Run `program` against `suite` on the SandboxFusion server at `url`."""
    isolation = f"remote: SandboxFusion at {url}"
    if not url:
        return ExecutionResult(
            SANDBOX_ERROR, len(suite), detail="isolation 'remote' needs reward.code.remote_url", isolation="remote"
        )
    if suite.kind == "functional":
        nonce = secrets.token_hex(16)
        cases = [(f"{program}\n\n{suite.code}\n\nprint({nonce!r})\n", "", None)]
    else:
        nonce = None
        cases = [(program, stdin, expected) for stdin, expected in zip(suite.inputs, suite.outputs)]
    deadline = time.monotonic() + limits.total_seconds
    events = []
    for index, (code, stdin, expected) in enumerate(cases):
        if time.monotonic() >= deadline:
            events.append({"event": "budget", "index": index})
            break
        payload = {
            "code": code,
            "stdin": stdin,
            "language": "python",
            "run_timeout": limits.test_wall_seconds,
            "memory_limit_MB": limits.memory_bytes // MIB,
        }
        try:
            reply = _post(url, payload, limits.test_wall_seconds + HTTP_SLACK)
        except (urllib.error.URLError, OSError, ValueError) as exc:
            return ExecutionResult(
                SANDBOX_ERROR, len(suite), detail=f"SandboxFusion at {url} failed: {exc}", isolation=isolation
            )
        if reply.get("status") == "SandboxError":
            return ExecutionResult(
                SANDBOX_ERROR,
                len(suite),
                isolation=isolation,
                detail=f"SandboxFusion at {url}: {reply.get('message', '')}"[:300],
            )
        result = _classify(reply, nonce, expected, limits)
        events.append({"event": "test", "index": index, **result})
        if result["status"] != "passed":
            break
    else:
        events.append({"event": "done"})
    return from_events(events, False, len(suite), isolation)
