"""Records of managed vLLM servers, so that one left behind by a SIGKILLed generate job never blocks the next.

A managed server runs in its own session (process group) and gets SIGTERM when its job dies
(PR_SET_PDEATHSIG), but a SIGKILLed job stops nothing itself, and engine workers outlive a server that exits
without stopping them; on a GPU they keep its memory. So each job records its server's group in
`<folder>/<host>-<pgid>.json` with the job's pid and start time. Before a job starts a server, it SIGKILLs the
groups whose job is gone (records of this host only: pids mean nothing on another node) and drops their
records. A group id cannot be reused while any process of the group is alive, so the kill never hits a
stranger.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import socket
from pathlib import Path

from ... import atomic

log = logging.getLogger(__name__)


def start_time(pid: int) -> int | None:
    """The process's start time (clock ticks since boot), or None if it is gone or a zombie."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            fields = fh.read().rsplit(")", 1)[-1].split()
    except OSError:
        return None
    return None if fields[0] == "Z" else int(fields[19])


def record(folder: str | os.PathLike, pgid: int) -> Path:
    """Record that this process owns the server group `pgid`; returns the record to drop once it is stopped."""
    path = Path(folder) / f"{socket.gethostname()}-{pgid}.json"
    atomic.write_json(path, {"pgid": pgid, "owner": os.getpid(), "owner_started": start_time(os.getpid())})
    return path


def stop_orphans(folder: str | os.PathLike) -> list[int]:
    """SIGKILL the server groups of this host whose owning job is gone; return their group ids."""
    stopped = []
    for path in Path(folder).glob(f"{socket.gethostname()}-*.json"):
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if start_time(entry["owner"]) == entry["owner_started"]:
            continue  # its job still runs
        with contextlib.suppress(ProcessLookupError):
            os.killpg(entry["pgid"], signal.SIGKILL)
            stopped.append(entry["pgid"])
            log.warning("stopped vLLM server group %d left by dead job %d", entry["pgid"], entry["owner"])
        path.unlink(missing_ok=True)
    return stopped
