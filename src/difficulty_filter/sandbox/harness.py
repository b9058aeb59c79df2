"""The sandbox side of one response: set the sandbox up, then run its tests in order, one fork per test.

Process tree per response (all forked from the warm zygote, no interpreter start):
  zygote ─ setup process (new session; enters the namespaces) ─ harness (pid 1 of the new pid namespace,
  dedicated uid) ─ one test process per test (rlimits, stdin/stdout on memfds).
The harness streams one JSON line per event to the zygote: {"event": "test", ...} per finished test,
{"event": "budget"} when the response's time budget ran out, {"event": "error"} when the sandbox could not be
built or the harness itself failed, and {"event": "done"} at the end.
"""

from __future__ import annotations

import json
import os
import secrets
import select
import signal
import time

from . import isolation, program
from .compare import difference
from .limits import DISK_BYTES, Limits, apply_rlimits

REPORT_FD = 3
MAX_REPORT = 64 * 1024
#: Longest wait for killed leftovers to be reaped before the next test.
REAP_SECONDS = 1.0


def _emit(fd: int, event: dict) -> None:
    os.write(fd, (json.dumps(event) + "\n").encode())


def sandbox_main(request: dict, features: list, uid: int | None, events_fd: int, workdir: str | None,
                 zygote_pid: int) -> int:
    """Entry point of the setup process forked by the zygote; returns its exit status."""
    try:
        os.setsid()
        isolation.die_with_parent(zygote_pid)
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        os.closerange(3, events_fd)
        os.closerange(events_fd + 1, 1 << 16)
        isolation.enter_namespaces(features, DISK_BYTES)
        if "pidns" not in features:
            return _harness(request, features, uid, events_fd, workdir)
        pid = os.fork()
        if pid == 0:
            isolation.die_with_parent(None)
            os._exit(_harness(request, features, uid, events_fd, workdir))
        return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    except BaseException as exc:
        _emit(events_fd, {"event": "error", "detail": f"{type(exc).__name__}: {exc}"})
        return 1


def _harness(request: dict, features: list, uid: int | None, events_fd: int, workdir: str | None) -> int:
    try:
        isolation.enter_pid_namespace(features)
        isolation.become_subreaper()
        if "uid" in features:
            if workdir:
                os.chown(workdir, uid, uid)
            isolation.drop_privileges(uid)
        if workdir is None:
            workdir = isolation.NS_WORKDIR
            os.mkdir(workdir, 0o700)
        os.chdir(workdir)
        os.environ.clear()
        os.environ.update(isolation.scrubbed_env(workdir))
        _run_tests(request, features, events_fd, workdir)
    except BaseException as exc:
        _emit(events_fd, {"event": "error", "detail": f"{type(exc).__name__}: {exc}"})
        return 1
    _emit(events_fd, {"event": "done"})
    return 0


def _run_tests(request: dict, features: list, events_fd: int, workdir: str) -> None:
    limits = Limits(**request["limits"])
    suite = request["suite"]
    deadline = time.monotonic() + limits.total_seconds
    # RLIMIT_NPROC counts every process of the uid: with a dedicated uid that is this harness plus the
    # program's; otherwise the user's other processes count too, so only the fork bomb is bounded.
    processes = limits.processes + 1 if "uid" in features else limits.processes + request["host_processes"]
    count = len(suite["inputs"]) if suite["kind"] == "stdio" else 1
    for index in range(count):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            _emit(events_fd, {"event": "budget", "index": index})
            return
        result = _run_one(request, index, limits, min(limits.test_wall_seconds, remaining), processes,
                          features, workdir)
        if result is None:
            _emit(events_fd, {"event": "budget", "index": index})
            return
        _emit(events_fd, {"event": "test", "index": index, **result})
        if result["status"] != "passed":
            return


def _memfd(name: str, data: bytes = b"") -> int:
    fd = os.memfd_create(name)
    if data:
        os.write(fd, data)
        os.lseek(fd, 0, os.SEEK_SET)
    return fd


def _run_one(request: dict, index: int, limits: Limits, wall: float, processes: int, features: list,
             workdir: str) -> dict | None:
    """Run test `index` in a fresh process; None when the response's time budget ran out during it."""
    suite = request["suite"]
    functional = suite["kind"] == "functional"
    nonce = secrets.token_hex(16) if functional else None
    stdin = _memfd("stdin", b"" if functional else suite["inputs"][index].encode())
    stdout = _memfd("stdout")
    report_r, report_w = os.pipe()
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:
        _child(request, nonce, limits, processes, features, workdir, stdin, stdout, report_w)
    os.close(report_w)
    os.close(stdin)
    pidfd = os.pidfd_open(pid)
    killed = not select.select([pidfd], [], [], wall)[0]
    if killed:
        os.kill(pid, signal.SIGKILL)
    _, status, usage = os.wait4(pid, 0)
    seconds = time.monotonic() - started
    os.close(pidfd)
    _kill_leftovers(features, pid)
    report = _read_report(report_r)
    output = os.pread(stdout, limits.output_bytes + 1, 0)
    os.close(stdout)
    cpu = usage.ru_utime + usage.ru_stime
    if killed and wall < limits.test_wall_seconds:
        return None
    result = _classify(status, killed, cpu, report, output, nonce, suite, index, limits)
    result["seconds"] = round(seconds, 4)
    return result


def _child(request, nonce, limits, processes, features, workdir, stdin, stdout, report_w) -> None:
    """The test process: never returns."""
    status = 125
    try:
        os.setpgid(0, 0)
        os.dup2(stdin, 0)
        os.dup2(stdout, 1)
        os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
        os.dup2(report_w, REPORT_FD)
        os.closerange(REPORT_FD + 1, 1 << 16)
        suite = request["suite"]
        code, tests = request["program"], suite.get("code")
        suite.clear()  # the expected outputs stay out of the program's reach (as Python objects)
        request.clear()
        apply_rlimits(limits, processes)
        if "pyguard" in features:
            isolation.install_pyguard(workdir)
        status = program.run(code, tests, nonce, REPORT_FD)
    finally:
        os._exit(status)


def _kill_leftovers(features: list, pid: int) -> None:
    """Kill what the test left behind (daemons, fork children) and reap it (waiting at most REAP_SECONDS)."""
    try:
        if "pidns" in features or "uid" in features:
            os.kill(-1, signal.SIGKILL)  # pid 1 of its namespace / sole process of its uid: spares the caller
        else:
            os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    deadline = time.monotonic() + REAP_SECONDS
    while time.monotonic() < deadline:
        try:
            if os.waitpid(-1, os.WNOHANG)[0] == 0:
                time.sleep(0.001)
        except ChildProcessError:
            return


def _read_report(fd: int) -> dict:
    os.set_blocking(fd, False)
    data = b""
    try:
        while len(data) <= MAX_REPORT:
            chunk = os.read(fd, MAX_REPORT)
            if not chunk:
                break
            data += chunk
    except BlockingIOError:
        pass
    os.close(fd)
    try:
        report = json.loads(data)
    except ValueError:
        return {}
    return report if isinstance(report, dict) else {}


def _failure(report: dict) -> dict:
    exc, msg, line = report.get("exc", ""), report.get("msg", ""), report.get("line")
    where = f" at {'tests' if report.get('phase') == 'tests' else 'solution'} line {line}" if line else ""
    text = f"{exc}{where}" + (f": {msg}" if msg else "")
    if report.get("phase") == "compile":
        return {"status": "compile_error", "detail": text}
    if report.get("phase") == "compile_tests":
        return {"status": "bad_tests", "detail": f"test code does not compile: {text}"}
    if exc == "MemoryError":
        return {"status": "memory_limit", "detail": text}
    if exc == "AssertionError" and report.get("phase") == "tests":
        return {"status": "wrong_answer", "detail": text}
    return {"status": "runtime_error", "detail": text}


def _classify(status, killed, cpu, report, output, nonce, suite, index, limits) -> dict:
    if killed or cpu >= limits.test_seconds or (os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGXCPU):
        return {"status": "timeout", "detail": f"over {limits.test_seconds:.1f} s"}
    if len(output) >= limits.output_bytes or report.get("flush") == "OSError":
        return {"status": "output_limit", "detail": f"output over {limits.output_bytes} bytes"}
    if os.WIFSIGNALED(status):
        return {"status": "runtime_error", "detail": f"killed by {signal.Signals(os.WTERMSIG(status)).name}"}
    if report.get("exc") and report.get("exc") != "SystemExit":
        return _failure(report)
    if nonce is not None:
        if report.get("nonce") == nonce:
            return {"status": "passed", "detail": ""}
        how = "SystemExit" if report.get("exc") == "SystemExit" else f"exit status {os.WEXITSTATUS(status)}"
        return {"status": "incomplete", "detail": f"exited before the tests finished ({how})"}
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        return {"status": "runtime_error", "detail": f"exit status {code}"}
    wrong = difference(output.decode("utf-8", "replace"), suite["outputs"][index])
    return {"status": "wrong_answer", "detail": wrong} if wrong else {"status": "passed", "detail": ""}
