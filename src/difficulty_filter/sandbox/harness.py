"""One response inside the jail: run its tests in order in a forked test process and judge each one.

The test process (program.py) runs the tests one after the other; if it dies during a test (os._exit, a
signal, a limit) that test is judged from its exit status and a new test process continues with the next
test. The harness judges every test itself (classify.py); the expected outputs never enter the test process.
Events: {"event": "test", "index", "status", "detail", "seconds"} per judged test (it stops at the first that
fails) and {"event": "budget", "index"} when the response's time budget ran out.
"""

from __future__ import annotations

import json
import os
import secrets
import select
import signal
import socket
import time

from . import isolation, program
from .classify import classify
from .limits import Limits, apply_rlimits

MAX_MESSAGE = 64 * 1024
#: Longest wait for killed leftovers to be reaped before the next test.
REAP_SECONDS = 1.0


def run_tests(request: dict, features: list, workdir: str, emit) -> None:
    """Run and judge the tests of one request, calling `emit(event)` for each event."""
    limits = Limits(**request["limits"])
    deadline = time.monotonic() + limits.total_seconds
    # RLIMIT_NPROC counts every process of the uid: with a dedicated uid that is this harness plus the
    # program's; otherwise the user's other processes count too, so only the fork bomb is bounded.
    processes = limits.processes + 1 if "uid" in features else limits.processes + request["host_processes"]
    suite = request["suite"]
    count = len(suite["inputs"]) if suite["kind"] == "stdio" else 1
    index = 0
    while index < count:
        if time.monotonic() >= deadline:
            emit({"event": "budget", "index": index})
            return
        run = _TestProcess(request, index, limits, processes, features, workdir)
        try:
            index = run.follow(deadline, emit)
        finally:
            run.close()
        if index is None:
            return


class _TestProcess:
    """One test process running tests `start`.. and the harness's view of the test it is in."""

    def __init__(self, request: dict, start: int, limits: Limits, processes: int, features: list, workdir: str):
        suite = request["suite"]
        self.limits, self.features, self.start = limits, features, start
        self.nonce = secrets.token_hex(16) if suite["kind"] == "functional" else None
        self.channel, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.pid = os.fork()
        if self.pid == 0:
            self.channel.close()
            _child(request, start, self.nonce, limits, processes, features, workdir, theirs.fileno())
        theirs.close()
        self.expected = suite["outputs"]  # only now: the test process must not inherit a reference
        self.pidfd = os.pidfd_open(self.pid)
        self.next = start
        self.current: dict | None = None  # index, stdout fd, monotonic start, cpu at start

    def follow(self, deadline: float, emit) -> int | None:
        """Judge tests as they finish; return the next test to run in a new process, or None to stop."""
        watched = [self.pidfd, self.channel]
        while True:
            limit = deadline
            if self.current is not None:
                limit = min(deadline, self.current["t"] + self.limits.test_wall_seconds)
            ready = select.select(watched, [], [], max(0.0, limit - time.monotonic()))[0]
            if not ready:
                self._kill()
                if self.current is None or limit == deadline:
                    emit({"event": "budget", "index": self.next})
                    return None
                return self._judge(emit, killed=True, status=0, cpu=0.0, report={})
            if self.channel in ready:
                outcome = self._message(emit)
                if outcome == "eof":
                    watched = [self.pidfd]
                elif outcome != "ok":
                    return outcome
            if self.pidfd in ready:
                _, status, usage = os.wait4(self.pid, 0)
                _kill_leftovers(self.features, self.pid)
                self.pid = None
                while (outcome := self._message(emit, block=False)) == "ok":
                    pass
                if outcome not in ("eof", "empty"):
                    return outcome
                if self.current is not None:
                    cpu = usage.ru_utime + usage.ru_stime - self.current["cpu"]
                    return self._judge(emit, killed=False, status=status, cpu=cpu, report={})
                if self.next == self.start:
                    raise RuntimeError(f"test process exited before its first test (status {status})")
                return self.next

    def _message(self, emit, block: bool = True):
        """Handle one message: "ok", "eof", "empty" (nothing waiting), or the value `follow` returns."""
        self.channel.setblocking(block)
        try:
            data, fds, _, _ = socket.recv_fds(self.channel, MAX_MESSAGE, 1)
        except BlockingIOError:
            return "empty"
        if not data:
            return "eof"
        try:
            message = json.loads(data)
        except ValueError:
            message = {}
        if "start" in message and self.current is None and message["start"] == self.next and len(fds) == 1:
            self.current = {"index": self.next, "fd": fds[0], "t": time.monotonic(), "cpu": float(message["cpu"])}
            return "ok"
        for fd in fds:
            os.close(fd)
        if "end" in message and self.current is not None and message["end"] == self.current["index"]:
            status = (int(message.get("exit", 1)) & 0xFF) << 8
            return self._judge(
                emit, killed=False, status=status, cpu=float(message.get("cpu", 0.0)), report=message, keep_going=True
            )
        self._kill()
        emit(
            {
                "event": "test",
                "index": self.next,
                "status": "incomplete",
                "detail": "the test process broke the harness protocol",
            }
        )
        return None

    def _judge(self, emit, killed: bool, status: int, cpu: float, report: dict, keep_going: bool = False):
        current, self.current = self.current, None
        output = os.pread(current["fd"], self.limits.output_bytes + 1, 0)
        os.close(current["fd"])
        expected = None if self.nonce is not None else self.expected[current["index"]]
        result = classify(status, killed, cpu, report, output, self.nonce, expected, self.limits)
        emit(
            {"event": "test", "index": current["index"], **result, "seconds": round(time.monotonic() - current["t"], 4)}
        )
        self.next = current["index"] + 1
        if result["status"] != "passed":
            self._kill()
            return None
        return "ok" if keep_going else self.next

    def _kill(self) -> None:
        if self.pid is not None:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            _kill_leftovers(self.features, self.pid)
            self.pid = None

    def close(self) -> None:
        self._kill()
        if self.current is not None:
            os.close(self.current["fd"])
        os.close(self.pidfd)
        self.channel.close()


def _child(request, start, nonce, limits, processes, features, workdir, channel_fd) -> None:
    """The test process: never returns."""
    status = 125
    try:
        os.setpgid(0, 0)
        os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
        os.dup2(channel_fd, program.REPORT_FD)
        os.closerange(program.REPORT_FD + 1, 1 << 16)
        suite = request["suite"]
        code, tests = request["program"], suite["code"]
        inputs = suite["inputs"] if suite["kind"] == "stdio" else [""]
        suite.clear()  # the expected outputs stay out of the program's reach (as Python objects)
        request.clear()
        apply_rlimits(limits, processes)
        if "pyguard" in features:
            isolation.install_pyguard(workdir)
        program.serve(code, tests, inputs, start, nonce, limits.test_seconds, workdir)
        status = 0
    finally:
        os._exit(status)


def _kill_leftovers(features: list, pgid: int) -> None:
    """Kill what the tests left behind (daemons, fork children) and reap it (waiting at most REAP_SECONDS)."""
    try:
        if "pidns" in features or "uid" in features:
            os.kill(-1, signal.SIGKILL)  # pid 1 of its namespace / sole process of its uid: spares the caller
        else:
            os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    deadline = time.monotonic() + REAP_SECONDS
    while time.monotonic() < deadline:
        try:
            if os.waitpid(-1, os.WNOHANG)[0] == 0:
                time.sleep(0.001)
        except ChildProcessError:
            return
