"""A quiet console for workflow jobs: everything a job prints goes to its rule's log; the console gets one line.

`job_console(snakemake)` wraps a Snakemake script. For the rest of the process, file descriptors 1 and 2 (so
also C extensions and child processes such as vLLM's engine), `sys.stdout`, `sys.stderr`, `logging` and
warnings all write to the rule's `log:` file. The console (the original stderr) gets one line when the job ends:
`<job>: <summary>` on success; on failure `<job> failed: <error>`, the last lines of the log (where the traceback
now is) and the log's path, and the process exits with status 1 without printing the traceback again. A job
with a progress record (generate, reward) also says when it starts.

A job that runs on another machine (a SLURM job: its console is a file of the scheduler) also leaves its last
line under `REMOTE_LINES`, and `difficulty-filter run` prints those lines as they come (`relayed_job_lines`),
so a SLURM run's console reads like a local one.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..atomic import write_text
from ..results.paths import Layout
from ..results.progress import Progress

#: Log lines shown on the console when a job fails.
ERROR_TAIL_LINES = 15
#: Where a job on another machine leaves its console line (relative to the workflow's working directory).
REMOTE_LINES = Path(".snakemake") / "difficulty-filter" / "console"
#: Seconds between two looks for new remote lines.
RELAY_SECONDS = 2.0
LOG_FORMAT = "%(asctime)s %(name)s %(levelname)s %(message)s"


def batch_label(wildcards: dict[str, str]) -> str | None:
    """`s00000` for a shard, `s00000_p001` for one batch of it, None for jobs of neither."""
    if "shard" not in wildcards:
        return None
    return f"s{wildcards['shard']}" + (f"_p{wildcards['part']}" if "part" in wildcards else "")


def job_title(rule: str, wildcards: dict[str, str]) -> str:
    """`generate demo/smollm2 s00000`, `reward demo/smollm2 s00000`, `filter demo`, `prepare math`."""
    target = "/".join(wildcards[k] for k in ("dataset", "model") if k in wildcards)
    others = [v for k, v in wildcards.items() if k not in ("dataset", "model", "shard", "part")]
    return " ".join(w for w in (rule, target, batch_label(wildcards), *others) if w)


def log_tail(path: str | os.PathLike, lines: int = ERROR_TAIL_LINES) -> list[str]:
    with open(path, encoding="utf-8", errors="replace") as handle:
        return [line.rstrip("\n") for line in deque(handle, maxlen=lines)]


class JobConsole:
    """The running job: its title, its log, and the one line it leaves on the console."""

    def __init__(self, title: str, log_path: str, console_fd: int, snakemake: Any):
        self.title, self.log_path, self.console_fd, self.snakemake = title, log_path, console_fd, snakemake
        self.summary = "done"

    def say(self, text: str) -> None:
        """Write a line to the console (not the log); on a cluster node also leave it for the controller."""
        text = text.rstrip("\n") + "\n"
        os.write(self.console_fd, text.encode("utf-8", "replace"))
        if os.environ.get("SLURM_JOB_ID"):
            write_text(REMOTE_LINES / f"{time.time_ns()}_{os.getpid()}.txt", text)

    def progress(self, results_dir: str) -> Progress:
        """A `Progress` for this job, recorded under <results>/<dataset>/<model>/progress/<rule>_<batch>.json."""
        wildcards = dict(self.snakemake.wildcards.items())
        job = "_".join(w for w in (self.snakemake.rule, batch_label(wildcards)) if w)
        path = Layout(results_dir).progress_record(wildcards["dataset"], wildcards["model"], job)
        if not os.environ.get("SLURM_JOB_ID"):
            self.say(f"{self.title}: running (log {self.log_path})")
        labels = {
            "kind": self.snakemake.rule,
            "job": self.title,
            "dataset": wildcards["dataset"],
            "model": wildcards["model"],
            "log": self.log_path,
        }
        return Progress(path, labels, logger=logging.getLogger("progress"))


def _redirect_output(log_path: str) -> int:
    """Point fds 1 and 2, sys.stdout/stderr, logging and warnings at `log_path`; return a fd of the console."""
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    console_fd = os.dup(2)
    Path(log_path).parent.mkdir(parents=True, exist_ok=True)
    log = open(log_path, "w", buffering=1, encoding="utf-8", errors="replace")  # noqa: SIM115 (lives as long as the job)
    os.dup2(log.fileno(), 1)
    os.dup2(log.fileno(), 2)
    sys.stdout = sys.stderr = log
    logging.basicConfig(stream=log, level=logging.INFO, format=LOG_FORMAT, force=True)
    logging.captureWarnings(True)
    return console_fd


@contextlib.contextmanager
def job_console(snakemake: Any) -> Iterator[JobConsole]:
    """Run the body of a Snakemake script with its output in `snakemake.log[0]` (see the module docstring)."""
    log_path = str(snakemake.log[0])
    job = JobConsole(
        job_title(snakemake.rule, dict(snakemake.wildcards.items())), log_path, _redirect_output(log_path), snakemake
    )
    try:
        yield job
    except Exception as exc:
        traceback.print_exc()
        sys.stderr.flush()
        error = f"{type(exc).__name__}: {exc}".strip().splitlines()[0][:300]
        lines = "\n".join(f"  | {line}" for line in log_tail(log_path))
        job.say(f"{job.title} failed: {error}\n{lines}\n  full log: {log_path}")
        raise SystemExit(1) from None
    job.say(f"{job.title}: {job.summary}")


@contextlib.contextmanager
def relayed_job_lines(workdir: Path, enabled: bool = True) -> Iterator[None]:
    """While the body runs (a SLURM run), print each line jobs leave under `REMOTE_LINES` once, then a last look."""
    if not enabled:
        yield
        return
    folder, seen, started, stop = Path(workdir) / REMOTE_LINES, set(), time.time_ns(), threading.Event()

    def relay() -> None:
        for path in sorted(folder.glob("*.txt")) if folder.is_dir() else []:
            if path.name not in seen and int(path.name.split("_", 1)[0]) >= started:
                seen.add(path.name)
                with contextlib.suppress(OSError):
                    sys.stderr.write(path.read_text(encoding="utf-8", errors="replace"))
        sys.stderr.flush()

    def loop() -> None:
        while not stop.wait(RELAY_SECONDS):
            relay()

    thread = threading.Thread(target=loop, name="relay-job-lines", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        relay()
