"""The CI's one-node SLURM cluster (.ci/slurm/start.sh), for tests and benchmarks that submit to it."""

from __future__ import annotations

import shutil
import subprocess

#: What the documented profile edits amount to on that cluster (its only partition is `cpu`, 2 CPUs).
SLURM_ARGS = [
    "--set-resources",
    "generate:slurm_partition=cpu",
    "--set-threads",
    "generate=1",
    "--slurm-init-seconds-before-status-checks",
    "2",
]


def cluster_missing() -> str | None:
    """Why no SLURM cluster can take jobs here, or None."""
    hint = "start one as root with .ci/slurm/start.sh"
    if not shutil.which("sbatch"):
        return f"SLURM is not installed ({hint})"
    try:
        nodes = subprocess.run(["sinfo", "-h", "-N", "-o", "%T"], capture_output=True, text=True, timeout=20)
        sacct = subprocess.run(["sacct", "-n", "-X"], capture_output=True, text=True, timeout=20)
    except subprocess.TimeoutExpired:
        return f"SLURM does not answer ({hint})"
    if not {"idle", "mixed", "allocated"} & set(nodes.stdout.split()):
        return f"no SLURM node is up: {nodes.stdout.strip() or nodes.stderr.strip()} ({hint})"
    if sacct.returncode:
        return f"SLURM accounting (sacct) does not work: {sacct.stderr.strip()} ({hint})"
    return None
