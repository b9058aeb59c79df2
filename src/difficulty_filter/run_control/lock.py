"""One `difficulty-filter run` per working directory, and a record of how the previous one ended.

The lock is an `fcntl.flock` on `.snakemake/difficulty-filter/run.lock`. The kernel drops it when the last
process holding the file descriptor exits, however it exits (SIGKILL included), so a lock that can be taken
proves that no run of ours is live. The Snakemake controller inherits the descriptor: killing only the
wrapper keeps the lock held for as long as Snakemake runs.

Next to it, `run.json` records the current run (pid, token, arguments) and, once it is over, its exit code.
A record without an exit code found under a free lock is a run whose wrapper died.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from .. import atomic


class AlreadyRunning(RuntimeError):
    """Another `difficulty-filter run` holds the working directory."""


@dataclass
class RunRecord:
    token: str
    pid: int
    args: list[str]
    started: float
    exit_code: int | None = None

    @property
    def killed(self) -> bool:
        """The wrapper or Snakemake died by a signal (SIGKILL leaves no exit code at all)."""
        return self.exit_code is None or self.exit_code > 128


class RunLock:
    """Hold the working directory's run lock; `fd` is the descriptor to hand to the Snakemake child."""

    def __init__(self, workdir: str | os.PathLike):
        self.folder = Path(workdir) / ".snakemake" / "difficulty-filter"
        self.fd: int | None = None

    @property
    def record_path(self) -> Path:
        return self.folder / "run.json"

    def __enter__(self) -> RunLock:
        self.folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.folder / "run.lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            if exc.errno not in (errno.EAGAIN, errno.EACCES):
                raise
            holder = self.previous()
            who = f" (pid {holder.pid}, started {time.ctime(holder.started)})" if holder else ""
            raise AlreadyRunning(
                f"another `difficulty-filter run` is running in {self.folder.parent.parent}"
                f"{who}; wait for it or stop it first"
            ) from None
        self.fd = fd
        return self

    def __exit__(self, *exc) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def previous(self) -> RunRecord | None:
        """The last run's record (None if there is none or it cannot be read)."""
        try:
            return RunRecord(**json.loads(self.record_path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            return None

    def write(self, record: RunRecord) -> None:
        atomic.write_json(self.record_path, asdict(record))
