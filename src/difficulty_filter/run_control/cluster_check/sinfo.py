"""The cluster as `sinfo` reports it: one `Node` per node and partition."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass

#: One line per node and partition: name, partition (trailing * = default), memory MB, CPUs, gres, time limit.
SINFO_FORMAT = "%N|%P|%m|%c|%G|%l"
SINFO_COMMAND = ["sinfo", "-h", "-N", "-o", SINFO_FORMAT]


class PreflightError(RuntimeError):
    """The cluster cannot be asked (no sinfo, sinfo failed) or a request cannot be read."""


@dataclass(frozen=True)
class Node:
    """One node of one partition, as sinfo reports it."""

    name: str
    partition: str
    default: bool
    mem_mb: int
    cpus: int
    gpus: dict[str, int]  # GPU type ("" when untyped) -> count
    time_limit: int | None  # minutes; None = infinite

    def gpu_count(self, model: str | None = None) -> int:
        return sum(n for kind, n in self.gpus.items() if model is None or kind == model)


def parse_sinfo(text: str) -> list[Node]:
    """Nodes of `sinfo -h -N -o "%N|%P|%m|%c|%G|%l"` (the same columns without %N are accepted too)."""
    nodes = []
    for line in text.splitlines():
        if not line.strip():
            continue
        cells = [c.strip() for c in line.split("|")]
        if len(cells) == 5:
            cells = ["?", *cells]
        if len(cells) != 6:
            raise PreflightError(f"unexpected sinfo line {line!r} (format {SINFO_FORMAT})")
        name, partition, mem, cpus, gres, limit = cells
        nodes.append(
            Node(
                name=name,
                partition=partition.rstrip("*"),
                default=partition.endswith("*"),
                mem_mb=_number(mem),
                cpus=_number(cpus),
                gpus=parse_gres(gres),
                time_limit=parse_time_limit(limit),
            )
        )
    return nodes


def parse_gres(gres: str) -> dict[str, int]:
    """GPUs of a gres string: `gpu:4`, `gpu:a100:4(S:0-1)`, `gpu:a100:2,gpu:v100:2,mps:100`, `(null)`."""
    gpus: dict[str, int] = {}
    for item in re.sub(r"\([^)]*\)", "", gres).split(","):
        parts = item.strip().split(":")
        if parts[0] != "gpu" or len(parts) < 2:
            continue
        kind, count = (parts[1], parts[2]) if len(parts) >= 3 else ("", parts[1])
        if not count.isdigit():
            continue
        gpus[kind] = gpus.get(kind, 0) + int(count)
    return gpus


def parse_time_limit(text: str) -> int | None:
    """Minutes of a SLURM time limit (`infinite`, `1-00:00:00`, `2:00:00`, `30:00`, `45`), rounded down."""
    text = text.strip().lower()
    if text in ("infinite", "unlimited", "n/a", ""):
        return None
    days, _, clock = text.rpartition("-")
    parts = [int(p) for p in clock.split(":")]
    if len(parts) == 3:
        hours, minutes = parts[0], parts[1]
    elif len(parts) == 2:
        hours, minutes = 0, parts[0]
    else:
        hours, minutes = 0, parts[0]
    return (int(days) if days else 0) * 1440 + hours * 60 + minutes


def _number(text: str) -> int:
    match = re.match(r"\d+", text)
    if not match:
        raise PreflightError(f"sinfo gave {text!r} where a number was expected")
    return int(match.group())


def read_sinfo() -> list[Node]:
    """The cluster's nodes, from sinfo; PreflightError when sinfo is missing or fails."""
    if shutil.which("sinfo") is None:
        raise PreflightError(
            "`sinfo` was not found: run this on a SLURM login node (where sbatch and sinfo work), "
            "or without the SLURM profile"
        )
    try:
        done = subprocess.run(SINFO_COMMAND, capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        raise PreflightError(f"`{' '.join(SINFO_COMMAND)}` did not answer within 60 s") from None
    if done.returncode != 0:
        raise PreflightError(f"`{' '.join(SINFO_COMMAND)}` failed: {done.stderr.strip() or done.stdout.strip()}")
    nodes = parse_sinfo(done.stdout)
    if not nodes:
        raise PreflightError("sinfo lists no node")
    return nodes
