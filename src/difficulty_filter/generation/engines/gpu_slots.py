"""Exclusive GPU ids for one generate job.

Snakemake counts GPUs (`resources: gpu=N`) but never says which ones a job may use. A job therefore takes
an exclusive `fcntl.flock` on `<lock_dir>/gpu<id>.lock` for each device it uses and sets
`CUDA_VISIBLE_DEVICES` before the engine starts, so two concurrent jobs never share a device. Inside a
SLURM job the namespace is `<lock_dir>/slurm-<job id>/`: SLURM already isolates jobs, and the devices
each job sees are renumbered from 0, so only jobs of one allocation compete.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

log = logging.getLogger(__name__)


def visible_gpus() -> list[str]:
    """Device ids this process may use: CUDA_VISIBLE_DEVICES if set, else every device on the machine."""
    env = os.environ.get("CUDA_VISIBLE_DEVICES")
    if env is not None:
        return [d.strip() for d in env.split(",") if d.strip()]
    try:
        out = subprocess.run(["nvidia-smi", "-L"], capture_output=True, text=True, timeout=60, check=True).stdout
        count = sum(1 for line in out.splitlines() if line.startswith("GPU "))
    except (OSError, subprocess.SubprocessError):
        import torch

        count = torch.cuda.device_count()
    return [str(i) for i in range(count)]


def lock_namespace(lock_dir: str | os.PathLike) -> Path:
    job = os.environ.get("SLURM_JOB_ID")
    return Path(lock_dir) / f"slurm-{job}" if job else Path(lock_dir)


def _try_lock(path: Path):
    fh = open(path, "a+")  # noqa: SIM115 - held open while the slot is ours
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        fh.close()
        return None
    return fh


@contextlib.contextmanager
def gpu_slots(
    lock_dir: str | os.PathLike | None, count: int, devices: list[str] | None = None, poll_seconds: float = 2.0
) -> Iterator[list[str]]:
    """Hold `count` free devices (waiting for them if needed) with CUDA_VISIBLE_DEVICES set; `count=0` = CPU."""
    if count == 0 or lock_dir is None:
        yield []
        return
    devices = visible_gpus() if devices is None else devices
    if len(devices) < count:
        raise RuntimeError(f"the job needs {count} GPU(s) but only {len(devices)} are visible ({devices})")
    folder = lock_namespace(lock_dir)
    folder.mkdir(parents=True, exist_ok=True)
    waited = False
    while True:
        held = []
        for d in devices:
            if len(held) == count:
                break
            if fh := _try_lock(folder / f"gpu{d}.lock"):
                held.append((d, fh))
        if len(held) == count:
            break
        for _, fh in held:
            fh.close()
        if not waited:
            log.info("waiting for %d free GPU(s) among %s (locks in %s)", count, devices, folder)
            waited = True
        time.sleep(poll_seconds)
    chosen = [d for d, _ in held]
    previous = os.environ.get("CUDA_VISIBLE_DEVICES")
    os.environ["CUDA_VISIBLE_DEVICES"] = ",".join(chosen)
    log.info("using GPU(s) %s", ",".join(chosen))
    try:
        yield chosen
    finally:
        if previous is None:
            os.environ.pop("CUDA_VISIBLE_DEVICES", None)
        else:
            os.environ["CUDA_VISIBLE_DEVICES"] = previous
        for _, fh in held:
            fh.close()
