"""The test process: runs the program once per test, in order, without a new interpreter or fork per test.

Protocol with the harness over a SOCK_SEQPACKET socket (fd REPORT_FD), per test k:
  {"start": k, "cpu": s}   + the memfd holding this test's stdout (sent before the program runs, so the
                            harness can judge the test even if the process dies during it)
  {"end": k, "exit": n, "cpu": s, ...report}   when the test ran to its end; for functional tests the
                            report carries the nonce only when the test code completed, so exiting early
                            (sys.exit, os._exit, SystemExit in a finally, killing the process) never passes.
Each test gets fresh stdin/stdout (memfds on fds 0/1), a fresh `__main__` module and the working directory as
cwd; the harness compares outputs itself, outside this process, and never sends the expected ones here.
"""

from __future__ import annotations

import json
import math
import os
import resource
import signal
import socket
import sys
import types

REPORT_FD = 3
# bound before any program runs, so monkeypatching these cannot fake a report
_dumps, _send, _send_fds, _setitimer = json.dumps, socket.socket.send, socket.send_fds, signal.setitimer


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


def _compile(source: str | None, filename: str, phase: str):
    if source is None:
        return None, None
    try:
        return compile(source, filename, "exec", dont_inherit=True), None  # no __future__ flags of this module
    except (SyntaxError, ValueError, MemoryError, RecursionError) as exc:
        report = _describe(exc, phase)
        report.update(line=getattr(exc, "lineno", None), msg=str(getattr(exc, "msg", report["msg"]))[:200])
        return None, report


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _memfd(name: str, data: bytes = b"") -> int:
    fd = os.memfd_create(name)
    if data:
        os.write(fd, data)
        os.lseek(fd, 0, os.SEEK_SET)
    return fd


def _fresh_stdio(stdin: bytes) -> tuple[int, list]:
    """New memfds on fds 0 and 1 and new Python streams over fds 0-2; returns the stdout memfd."""
    fd_in, fd_out = _memfd("stdin", stdin), _memfd("stdout")
    os.dup2(fd_in, 0)
    os.dup2(fd_out, 1)
    os.close(fd_in)
    streams = [  # wrappers of the process's own fds, alive as long as the program runs
        open(0, encoding="utf-8", errors="replace", closefd=False),  # noqa: SIM115
        open(1, "w", encoding="utf-8", closefd=False),  # noqa: SIM115
        open(2, "w", encoding="utf-8", closefd=False),  # noqa: SIM115
    ]
    sys.stdin, sys.stdout, sys.stderr = streams
    sys.__stdin__, sys.__stdout__, sys.__stderr__ = streams
    return fd_out, streams


def _join_threads() -> None:
    """What interpreter shutdown does: wait for the program's non-daemon threads."""
    threading = sys.modules.get("threading")
    if threading is None:
        return
    for thread in threading.enumerate():
        if thread is not threading.current_thread() and not thread.daemon:
            thread.join()


def _execute(code, tests, nonce: str | None) -> tuple[int, dict]:
    module = types.ModuleType("__main__")
    module.__file__ = "solution.py"
    sys.modules["__main__"] = module
    sys.argv = ["solution.py"]
    phase = "solution"
    try:
        exec(code, module.__dict__)
        phase = "tests"
        if tests is not None:
            exec(tests, module.__dict__)
        _join_threads()
    except SystemExit as exc:
        return _exit_code(exc), {"phase": phase, "exc": "SystemExit", "msg": str(exc.code)[:200]}
    except BaseException as exc:  # the program's own failure, reported rather than propagated
        return 1, _describe(exc, phase)
    return 0, ({"nonce": nonce} if nonce is not None else {})


def _flush(streams: list, report: dict) -> None:
    for stream in {id(s): s for s in (sys.stdout, sys.stderr, *streams[1:])}.values():
        try:
            stream.flush()
        except Exception as exc:  # e.g. EFBIG past RLIMIT_FSIZE, or a replaced stream
            report.setdefault("flush", type(exc).__name__)


def serve(
    program: str,
    test_code: str | None,
    inputs: list[str],
    start: int,
    nonce: str | None,
    test_seconds: float,
    workdir: str,
) -> None:
    """Run tests start.. of one response, reporting each on REPORT_FD (see the module docstring)."""
    channel = socket.socket(fileno=REPORT_FD)
    code, failure = _compile(program, "solution.py", "compile")
    tests, failure = (None, failure) if failure else _compile(test_code, "tests.py", "compile_tests")
    cpu_hard = resource.getrlimit(resource.RLIMIT_CPU)[1]
    for index in range(start, len(inputs)):
        os.chdir(workdir)
        fd_out, streams = _fresh_stdio(inputs[index].encode())
        cpu = _cpu()
        _send_fds(channel, [_dumps({"start": index, "cpu": cpu}).encode()], [fd_out])
        os.close(fd_out)
        # precise per-test CPU limit: SIGPROF (default action: terminate); RLIMIT_CPU is the coarse backstop
        resource.setrlimit(resource.RLIMIT_CPU, (min(cpu_hard, math.ceil(cpu + test_seconds) + 1), cpu_hard))
        _setitimer(signal.ITIMER_PROF, test_seconds)
        status, report = (1, failure) if failure else _execute(code, tests, nonce)
        _setitimer(signal.ITIMER_PROF, 0)
        _flush(streams, report)
        report.update({"end": index, "exit": status, "cpu": _cpu() - cpu})
        _send(channel, _dumps(report).encode())
        if failure:
            return
