"""Progress records: what a running generate or reward job has done, written at a steady pace.

A job opens a `Progress`, adds prompts, responses and tokens as they finish, and names its phase. Every
`interval` seconds a background thread logs one line and rewrites the job's record atomically, a small JSON file
under `<results>/<dataset>/<model>/progress/` that `difficulty-filter status` reads. The record carries the
job's state (running, done, failed), pid, host and heartbeat time, so a record that stops being rewritten while
it says `running` is recognised as a dead job (`is_stale`).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ..atomic import write_json

RUNNING, DONE, FAILED = "running", "done", "failed"
#: Seconds between two writes of a record (and two progress lines in the log).
INTERVAL = 10.0
#: A `running` record not rewritten for this many intervals belongs to a job that died.
STALE_INTERVALS = 6

log = logging.getLogger(__name__)


def compact(number: float) -> str:
    """`950`, `3.1k`, `12.0M`: counts as a short human-readable figure."""
    for limit, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(number) >= limit:
            return f"{number / limit:.1f}{suffix}"
    return f"{number:.0f}"


def duration(seconds: float) -> str:
    """`45s`, `3m05s`, `2h07m`."""
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


def describe(record: Mapping[str, Any]) -> str:
    """`16/40 prompts, 96 responses, 1.2k tokens, 41 tok/s, ETA 1m05s` from a running job's record;
    `40 prompts, 240 responses, 3.1k tokens, 41 tok/s` from a finished one."""
    running = record.get("state") == RUNNING
    total = record.get("prompts_total")
    prompts = f"{record['prompts']}/{total}" if running and total else str(record["prompts"])
    parts = [f"{prompts} prompts", f"{record['responses']} responses", f"{compact(record['tokens'])} tokens"]
    if record.get("tokens_per_s"):
        parts.append(f"{compact(record['tokens_per_s'])} tok/s")
    if running and record.get("eta_s") is not None:
        parts.append(f"ETA {duration(record['eta_s'])}")
    return ", ".join(parts)


def is_stale(record: Mapping[str, Any], now: float | None = None, host: str | None = None) -> bool:
    """A `running` record whose job is gone: its process is missing on this host, or its heartbeat is older
    than STALE_INTERVALS intervals (the only test possible from another host)."""
    if record.get("state") != RUNNING:
        return False
    now = time.time() if now is None else now
    if now - record["updated"] > STALE_INTERVALS * record["interval_s"]:
        return True
    if (host or socket.gethostname()) == record.get("host"):
        try:
            os.kill(record["pid"], 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            pass
    return False


class Progress:
    """Counters of one job and the thread that publishes them (use as a context manager).

    `labels` (e.g. kind, dataset, model, job) are copied into the record; `expect` sets the work to do, which
    gives the ETA. Rates count from the start of the current phase, so a model load does not dilute the
    generation rate. With `path` None nothing is written or logged: the counters of a caller that keeps no
    record.
    """

    def __init__(
        self,
        path: str | os.PathLike | None,
        labels: Mapping[str, Any] | None = None,
        interval: float = INTERVAL,
        logger: logging.Logger = log,
        clock: Callable[[], float] = time.time,
    ):
        self.path = None if path is None else Path(path)
        self.labels, self.interval, self.logger, self.clock = dict(labels or {}), interval, logger, clock
        self.totals: dict[str, int | None] = {"prompts_total": None, "responses_total": None}
        self.counts = {"prompts": 0, "responses": 0, "tokens": 0}
        self.extra: dict[str, Any] = {}
        self.state, self.error, self.phase_name = RUNNING, None, "starting"
        self.started = self.phase_started = clock()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name="progress", daemon=True)

    def __enter__(self) -> Progress:
        if self.path is not None:
            self.publish()
            self._thread.start()
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        with self._lock:
            self.state = DONE if exc_type is None else FAILED
            if exc is not None:
                self.error = f"{exc_type.__name__}: {exc}".strip().splitlines()[-1][:500]
        if self.path is not None:
            self._stop.set()
            self._thread.join()
            self._publish_quietly()

    def expect(self, prompts: int | None = None, responses: int | None = None) -> None:
        """The prompts and responses this job has to finish."""
        with self._lock:
            self.totals = {"prompts_total": prompts, "responses_total": responses}

    def phase(self, name: str) -> None:
        """Enter phase `name` (e.g. `loading model`, `generating`); rates restart from now."""
        with self._lock:
            self.phase_name, self.phase_started = name, self.clock()

    def add(self, prompts: int = 0, responses: int = 0, tokens: int = 0) -> None:
        """Count finished work (thread-safe)."""
        with self._lock:
            self.counts["prompts"] += prompts
            self.counts["responses"] += responses
            self.counts["tokens"] += tokens

    def note(self, **fields: Any) -> None:
        """Extra facts for the record (e.g. model_loads=1)."""
        with self._lock:
            self.extra.update(fields)

    def record(self) -> dict[str, Any]:
        """The record as it would be written now."""
        with self._lock:
            now = self.clock()
            spent = max(now - self.phase_started, 1e-9)
            rate = self.counts["prompts"] / spent
            unit = "responses" if self.totals["responses_total"] else "prompts"  # the finer one that has a total
            total, unit_rate = self.totals[f"{unit}_total"], self.counts[unit] / spent
            eta = (total - self.counts[unit]) / unit_rate if total and unit_rate > 0 else None
            return {
                **self.labels,
                "state": self.state,
                "phase": self.phase_name,
                "pid": os.getpid(),
                "host": socket.gethostname(),
                "started": self.started,
                "updated": now,
                "interval_s": self.interval,
                **self.counts,
                **self.totals,
                "elapsed_s": round(now - self.started, 3),
                "prompts_per_s": round(rate, 4),
                "tokens_per_s": round(self.counts["tokens"] / spent, 2),
                "eta_s": None if eta is None else round(max(eta, 0.0), 1),
                "extra": dict(self.extra),
                "error": self.error,
            }

    def publish(self) -> dict[str, Any]:
        """Write the record atomically and log it in one line; return it."""
        record = self.record()
        write_json(self.path, record)
        self.logger.info("progress (%s, %s): %s", record["state"], record["phase"], describe(record))
        return record

    def _publish_quietly(self) -> None:
        try:
            self.publish()
        except OSError as exc:  # a full or flaky filesystem must not fail the job
            self.logger.warning("could not write %s: %s", self.path, exc)

    def _beat(self) -> None:
        while not self._stop.wait(self.interval):
            self._publish_quietly()
