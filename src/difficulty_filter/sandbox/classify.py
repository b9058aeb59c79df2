"""Judge one test from what the harness observed: exit status, CPU time, the report and the captured stdout."""

from __future__ import annotations

import os
import signal

from .compare import difference
from .limits import Limits

PASSED = {"status": "passed", "detail": ""}


def _failure(report: dict) -> dict:
    exc, msg, line, phase = report.get("exc", ""), report.get("msg", ""), report.get("line"), report.get("phase")
    where = f" at {'tests' if phase == 'tests' else 'solution'} line {line}" if line else ""
    text = f"{exc}{where}" + (f": {msg}" if msg else "")
    if phase == "compile":
        return {"status": "compile_error", "detail": text}
    if phase == "compile_tests":
        return {"status": "bad_tests", "detail": f"test code does not compile: {text}"}
    if exc == "MemoryError":
        return {"status": "memory_limit", "detail": text}
    if exc == "AssertionError" and phase == "tests":
        return {"status": "wrong_answer", "detail": text}
    return {"status": "runtime_error", "detail": text}


def classify(
    status: int,
    killed: bool,
    cpu: float,
    report: dict,
    output: bytes,
    nonce: str | None,
    expected: str | None,
    limits: Limits,
) -> dict:
    """{"status", "detail"} of one test.

    status: wait status of the test (for a test that ran to its end in-process: exit code << 8);
    killed: the harness killed it at the wall limit; nonce/expected: functional / stdin-stdout tests.
    """
    cpu_signal = os.WIFSIGNALED(status) and os.WTERMSIG(status) in (signal.SIGPROF, signal.SIGXCPU)
    if killed or cpu_signal or cpu >= limits.test_seconds:
        return {"status": "timeout", "detail": f"over {limits.test_seconds:.1f} s"}
    if len(output) >= limits.output_bytes or report.get("flush") == "OSError":
        return {"status": "output_limit", "detail": f"output over {limits.output_bytes} bytes"}
    if os.WIFSIGNALED(status):
        return {"status": "runtime_error", "detail": f"killed by {signal.Signals(os.WTERMSIG(status)).name}"}
    if report.get("exc") and report.get("exc") != "SystemExit":
        return _failure(report)
    if nonce is not None:
        if report.get("nonce") == nonce:
            return dict(PASSED)
        how = "SystemExit" if report.get("exc") == "SystemExit" else f"exit status {os.WEXITSTATUS(status)}"
        return {"status": "incomplete", "detail": f"exited before the tests finished ({how})"}
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        return {"status": "runtime_error", "detail": f"exit status {code}"}
    wrong = difference(output.decode("utf-8", "replace"), expected)
    return {"status": "wrong_answer", "detail": wrong} if wrong else dict(PASSED)
