"""Runs one test inside the forked test process: the program, then (functional tests) the test code.

The report goes to a private pipe as one JSON object. For functional tests it carries the nonce only when the
test code ran to its end, so exiting early (sys.exit, os._exit, SystemExit in a finally, killing the process)
can never pass.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import types

_write = os.write  # bound before the program runs, so monkeypatching os.write cannot fake a report
_dumps = json.dumps


def _exit_code(exc: SystemExit) -> int:
    if exc.code is None:
        return 0
    return exc.code if isinstance(exc.code, int) else 1


def _line_in(exc: BaseException, filename: str) -> int | None:
    tb, line = exc.__traceback__, None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _describe(exc: BaseException, phase: str) -> dict:
    where = "tests.py" if phase == "tests" else "solution.py"
    return {"phase": phase, "exc": type(exc).__name__, "msg": str(exc)[:200], "line": _line_in(exc, where)}


def _compile(source: str, filename: str, phase: str):
    try:
        return compile(source, filename, "exec"), None
    except (SyntaxError, ValueError, MemoryError, RecursionError) as exc:
        report = _describe(exc, phase)
        report.update(line=getattr(exc, "lineno", None), msg=str(getattr(exc, "msg", report["msg"]))[:200])
        return None, report


def _reset_stdio() -> list:
    streams = [open(0, "r", encoding="utf-8", errors="replace", closefd=False),
               open(1, "w", encoding="utf-8", closefd=False),
               open(2, "w", encoding="utf-8", closefd=False)]
    sys.stdin, sys.stdout, sys.stderr = streams
    sys.__stdin__, sys.__stdout__, sys.__stderr__ = streams
    return streams


def _join_threads() -> None:
    """What interpreter shutdown does: wait for the program's non-daemon threads."""
    for thread in threading.enumerate():
        if thread is not threading.current_thread() and not thread.daemon:
            thread.join()


def run(program: str, test_code: str | None, nonce: str | None, report_fd: int) -> int:
    """Execute and report; return the process exit status the program would have had."""
    streams = _reset_stdio()
    sys.argv = ["solution.py"]
    module = types.ModuleType("__main__")
    module.__file__ = "solution.py"
    sys.modules["__main__"] = module
    code, report = _compile(program, "solution.py", "compile")
    tests = None
    if report is None and test_code is not None:
        tests, report = _compile(test_code, "tests.py", "compile_tests")
    status = 1
    if report is None:
        report, phase = {}, "solution"
        try:
            exec(code, module.__dict__)
            phase = "tests"
            if tests is not None:
                exec(tests, module.__dict__)
            _join_threads()
            status = 0
            if nonce is not None:
                report["nonce"] = nonce
        except SystemExit as exc:
            status = _exit_code(exc)
            report = {"phase": phase, "exc": "SystemExit", "msg": str(exc.code)[:200]}
        except BaseException as exc:  # the program's own failure, reported rather than propagated
            report = _describe(exc, phase)
    for stream in {id(s): s for s in (sys.stdout, sys.stderr, *streams[1:])}.values():
        try:
            stream.flush()
        except Exception as exc:  # e.g. EFBIG past RLIMIT_FSIZE, or a replaced stream
            report.setdefault("flush", type(exc).__name__)
    _write(report_fd, _dumps(report).encode())
    return status
