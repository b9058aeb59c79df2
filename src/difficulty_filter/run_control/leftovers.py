"""Processes left behind by a workflow run that died (found by the run token in their environment, then stopped),
and live `snakemake` controllers of a working directory.

`difficulty-filter run` starts Snakemake with `DIFFICULTY_FILTER_RUN=<token>` in its environment; every job,
`vllm serve` and engine worker it starts inherits the variable (a managed server in its own session too). When
that run's controller is killed with SIGKILL, its jobs are orphaned and keep running (writing outputs, holding
GPUs). The next run finds them by the token in `/proc/<pid>/environ` and stops them before it starts.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path

TOKEN_VAR = "DIFFICULTY_FILTER_RUN"


def processes_with_token(token: str, proc: str | os.PathLike = "/proc") -> list[int]:
    """Pids (other than this process) whose environment holds `DIFFICULTY_FILTER_RUN=<token>`."""
    needle = f"{TOKEN_VAR}={token}".encode()
    found = []
    for entry in Path(proc).iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        with contextlib.suppress(OSError):
            if needle in (entry / "environ").read_bytes().split(b"\0"):
                found.append(int(entry.name))
    return sorted(found)


def stop_processes(pids: list[int], grace_seconds: float = 10.0) -> list[int]:
    """SIGTERM `pids`, SIGKILL whatever is still alive after `grace_seconds`; return the pids signalled."""
    signalled = [pid for pid in pids if _signal(pid, signal.SIGTERM)]
    deadline = time.monotonic() + grace_seconds
    while time.monotonic() < deadline and any(_alive(pid) for pid in signalled):
        time.sleep(0.1)
    for pid in signalled:
        if _alive(pid):
            _signal(pid, signal.SIGKILL)
    return signalled


def _signal(pid: int, sig: int) -> bool:
    try:
        os.kill(pid, sig)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def _alive(pid: int) -> bool:
    """True while `pid` runs (a zombie, which only waits for its parent to reap it, counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            return fh.read().rsplit(")", 1)[-1].split()[0] != "Z"
    except OSError:
        return False


def snakemake_processes(workdir: str | os.PathLike, proc: str | os.PathLike = "/proc") -> list[int]:
    """Live `snakemake` controllers working in `workdir` (their -d/--directory, else their current folder)."""
    target = Path(workdir).resolve()
    found = []
    for entry in Path(proc).iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            args = [a.decode(errors="replace") for a in (entry / "cmdline").read_bytes().split(b"\0") if a]
            cwd = Path(os.readlink(entry / "cwd"))
        except OSError:
            continue
        if _is_snakemake(args) and (cwd / snakemake_directory(args, ".")).resolve() == target:
            found.append(int(entry.name))
    return sorted(found)


def _is_snakemake(args: list[str]) -> bool:
    head = args[:3]
    return bool(head) and (
        Path(head[0]).name == "snakemake"
        or head[1:3] == ["-m", "snakemake"]
        or any(a.endswith("snakemake/__main__.py") for a in head)
    )


def snakemake_directory(args: list[str], default: str) -> str:
    """The working directory in Snakemake arguments (-d/--directory), else `default`."""
    for i, arg in enumerate(args):
        if arg in ("-d", "--directory") and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--directory="):
            return arg.split("=", 1)[1]
    return default
