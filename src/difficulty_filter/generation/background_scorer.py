"""Score samples while the engine keeps generating: a thread feeds the verifier pool whatever has arrived."""

from __future__ import annotations

import queue
import threading
from collections.abc import Hashable

from ..outcomes import ScoreRequest, ScoreResult
from ..scoring import open_pool
from ..settings import RewardSettings

_STOP = object()


class BackgroundScorer:
    """`submit` requests under a tag, `poll` (tag, result) pairs. Each round the thread grades everything
    submitted meanwhile as one `VerifierPool.score` call (so the pool's workers stay busy and the engine never
    waits for a verifier). A pool failure is raised by the next `poll`. Use as a context manager."""

    def __init__(self, reward: RewardSettings):
        self._inbox: queue.Queue = queue.Queue()
        self._outbox: queue.Queue = queue.Queue()
        self.pending = 0
        self._pool = open_pool(reward)
        self._thread = threading.Thread(target=self._work, name="adaptive-scorer", daemon=True)
        self._thread.start()

    def __enter__(self) -> BackgroundScorer:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def submit(self, tag: Hashable, request: ScoreRequest) -> None:
        self.pending += 1
        self._inbox.put((tag, request))

    def poll(self, timeout: float = 0.0) -> list[tuple[Hashable, ScoreResult]]:
        """Results graded since the last call; waits up to `timeout` seconds for the first when none is ready."""
        done = []
        try:
            wait = timeout > 0 and self.pending
            done.append(self._outbox.get(timeout=timeout) if wait else self._outbox.get_nowait())
            while True:
                done.append(self._outbox.get_nowait())
        except queue.Empty:
            pass
        for item in done:
            if isinstance(item, BaseException):
                raise item
        self.pending -= len(done)
        return done

    def close(self) -> None:
        self._inbox.put(_STOP)
        self._thread.join()
        self._pool.close()

    def _work(self) -> None:
        while True:
            batch = [self._inbox.get()]
            while not self._inbox.empty():
                batch.append(self._inbox.get_nowait())
            stop = any(item is _STOP for item in batch)
            batch = [item for item in batch if item is not _STOP]
            if batch:
                try:
                    results = self._pool.score([request for _, request in batch])
                except BaseException as exc:
                    self._outbox.put(exc)
                    return
                for (tag, _), result in zip(batch, results):
                    self._outbox.put((tag, result))
            if stop:
                return
