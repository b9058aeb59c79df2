"""Killable verifier workers: each request runs under a wall-clock deadline enforced by the parent.

Workers are plain child interpreters (``python -c "...worker_main(fd)"``), each in its own
session (process group) and fed one request at a time through a socket pair. They are not daemonic
and not multiprocessing children, so verifiers may start processes of their own, and the caller's
``__main__`` is never re-imported. When a request passes its deadline the parent SIGKILLs the worker's
whole process group, records ``timeout`` and starts a fresh worker; a worker that dies records
``verifier_error``. Results keep the input order. No signals are used inside the workers.
"""

from __future__ import annotations

import collections
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection, wait

from ..outcomes import TIMEOUT, VERIFIER_ERROR, ScoreRequest, ScoreResult, Verdict
from ..settings import RewardSettings
from ..verifiers import Route, resolve, verdict_result

#: Seconds a new worker may take to import its verifiers and report ready.
STARTUP_TIMEOUT = 120.0
#: Worker start-ups that may fail in a row before the pool gives up.
MAX_START_FAILURES = 3


class WorkerStartError(RuntimeError):
    """Verifier workers cannot be started (broken environment): scoring cannot proceed."""


class _Worker:
    """One child interpreter and the request it is working on."""

    def __init__(self, settings: RewardSettings, data_sources: Sequence[str]):
        parent_end, child_end = socket.socketpair()
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
        self.process = subprocess.Popen(
            [sys.executable, "-c", f"from {__name__} import worker_main; worker_main({child_end.fileno()})"],
            pass_fds=[child_end.fileno()],
            start_new_session=True,
            stdin=subprocess.DEVNULL,
            stdout=2,
            env=env,
        )
        child_end.close()
        self.conn = Connection(parent_end.detach())
        self.conn.send((settings, list(data_sources)))
        self.started = time.monotonic()
        self.ready = False
        self.task: int | None = None
        self.deadline = 0.0
        self.group: object = None  # key of the last request's group (see _Pending)

    def assign(self, index: int, request: ScoreRequest, limit: float) -> None:
        self.conn.send((index, request))
        self.task, self.deadline = index, time.monotonic() + limit

    def kill(self) -> None:
        """SIGKILL the worker's process group (the worker and anything it started)."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.process.wait()
        self.conn.close()


class _Pending:
    """Requests not yet sent, grouped by (data_source, ground truth) in input order.

    A worker keeps taking requests of its current group, so the samples of one prompt land on one
    worker and hit its parse caches; an idle worker takes the first group nobody works on.
    """

    def __init__(self, requests: Sequence[ScoreRequest]):
        self.groups: dict[object, collections.deque[int]] = {}
        for index, request in enumerate(requests):
            key = (request.data_source, repr(request.ground_truth))
            self.groups.setdefault(key, collections.deque()).append(index)

    def __bool__(self) -> bool:
        return bool(self.groups)

    def take(self, current: object, busy: set) -> tuple[object, int]:
        """(group, request index) for a worker whose last group was `current`."""
        if current not in self.groups:
            current = next((key for key in self.groups if key not in busy), next(iter(self.groups)))
        queue = self.groups[current]
        index = queue.popleft()
        if not queue:
            del self.groups[current]
        return current, index


OnResult = Callable[[ScoreResult], object]


def ignore_result(result: ScoreResult) -> None:
    pass


class VerifierPool:
    """`workers` killable processes grading ScoreRequests with per-request deadlines (use as a context manager)."""

    def __init__(self, settings: RewardSettings, workers: int):
        self.settings = settings
        self.data_sources: list[str] = []  # verifiers a new worker imports before it reports ready
        self.size = max(1, int(workers))
        self.workers: list[_Worker] = []
        self.start_failures = 0
        self.on_result: OnResult = ignore_result

    def __enter__(self) -> VerifierPool:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        """Kill every worker (and whatever it started); the pool starts fresh ones if used again."""
        for worker in self.workers:
            worker.kill()
        self.workers = []

    def score(self, requests: Sequence[ScoreRequest], on_result: OnResult = ignore_result) -> list[ScoreResult]:
        """Grade `requests`; results in input order. `on_result` gets each result as it arrives (progress)."""
        self.on_result = on_result
        routes = [resolve(r.data_source, self.settings.custom_verifiers) for r in requests]
        limits = [route.timeout(self.settings) for route in routes]
        self.data_sources = sorted(set(self.data_sources).union(r.data_source for r in requests))
        results: list[ScoreResult | None] = [None] * len(requests)
        pending = _Pending(requests)
        while len(self.workers) < min(self.size, len(requests)):
            self.workers.append(_Worker(self.settings, self.data_sources))
        while pending or any(w.task is not None for w in self.workers):
            for worker in self.workers:
                if worker.ready and worker.task is None and pending:
                    worker.group, index = pending.take(worker.group, {w.group for w in self.workers})
                    worker.assign(index, requests[index], limits[index])
            for conn in wait([w.conn for w in self.workers], timeout=self._wait_time()):
                self._receive(next(w for w in self.workers if w.conn is conn), requests, routes, results)
            self._enforce_deadlines(requests, routes, limits, results)
        return results  # type: ignore[return-value]

    def _wait_time(self) -> float:
        now = time.monotonic()
        ends = [w.deadline for w in self.workers if w.task is not None]
        ends += [w.started + STARTUP_TIMEOUT for w in self.workers if not w.ready]
        return max(0.0, min(ends) - now) if ends else 1.0

    def _receive(self, worker: _Worker, requests, routes, results) -> None:
        try:
            message = worker.conn.recv()
        except (EOFError, OSError):
            code = worker.process.poll()
            if worker.task is not None:
                self._fail(
                    worker.task, VERIFIER_ERROR, f"verifier worker died (exit code {code})", requests, routes, results
                )
            elif not worker.ready:
                self.start_failures += 1
                if self.start_failures >= MAX_START_FAILURES:
                    raise WorkerStartError(
                        f"verifier workers keep dying at start-up (exit code {code}); see the error above"
                    ) from None
            self._replace(worker)
            return
        if message == "ready":
            worker.ready, self.start_failures = True, 0
            return
        index, result = message
        results[index] = result
        self.on_result(result)
        worker.task = None

    def _enforce_deadlines(self, requests, routes, limits, results) -> None:
        now = time.monotonic()
        for worker in list(self.workers):
            if worker.task is not None and now >= worker.deadline:
                self._fail(
                    worker.task,
                    TIMEOUT,
                    f"verifier exceeded {limits[worker.task]:g} s; worker killed",
                    requests,
                    routes,
                    results,
                )
                self._replace(worker)
            elif not worker.ready and now >= worker.started + STARTUP_TIMEOUT:
                raise WorkerStartError(f"a verifier worker did not start within {STARTUP_TIMEOUT:g} s")

    def _fail(self, index: int, outcome: str, detail: str, requests, routes: list[Route], results) -> None:
        results[index] = verdict_result(Verdict(0.0, outcome, detail), requests[index], routes[index], self.settings)
        self.on_result(results[index])

    def _replace(self, worker: _Worker) -> None:
        worker.kill()
        self.workers[self.workers.index(worker)] = _Worker(self.settings, self.data_sources)


def _die_with_parent() -> None:
    """Ask Linux to SIGKILL this worker when the parent dies (best effort; no-op elsewhere)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def worker_main(fd: int) -> None:
    """Worker loop: receive (index, request), send (index, result); exit on EOF."""
    _die_with_parent()
    from ..verifiers import grade
    from ..verifiers.registry import preload

    conn = Connection(fd)
    settings, data_sources = conn.recv()
    for data_source in data_sources:
        try:
            preload(resolve(data_source, settings.custom_verifiers))
        except Exception:
            pass  # reported per request
    conn.send("ready")
    while True:
        try:
            index, request = conn.recv()
        except EOFError:
            return
        conn.send((index, grade(request, settings)))
