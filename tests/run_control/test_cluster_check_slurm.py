"""The SLURM pre-flight on a real cluster (`.ci/slurm/start.sh`): a request no node can run is refused before
any sbatch; the e2e test's config, with the schema's default mem_mb, passes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from difficulty_filter.commands.run import check_cluster
from difficulty_filter.demo.cluster import SLURM_ARGS, cluster_missing
from difficulty_filter.demo.workflow import copy_workflow

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slurm


@pytest.fixture(scope="module")
def cluster():
    reason = cluster_missing()
    if reason:
        pytest.skip(reason)


def workflow(tmp_path: Path, slurm: dict) -> Path:
    model = {"path": "/models/none", "dtype": "float32", "gpus_per_job": 0, "slurm": slurm}
    config = {"datasets": {"tiny": "data/tiny.parquet"}, "models": {"smol": model}, "reward": {"workers": 1}}
    return copy_workflow(REPO, tmp_path / "work", config)


def jobs_from(work: Path) -> list[str]:
    """Jobs queued or run from `work`, as squeue and sacct know them."""
    queued = subprocess.run(
        ["squeue", "-h", "-o", "%i|%Z"], capture_output=True, text=True, timeout=20, check=True
    ).stdout
    done = subprocess.run(
        ["sacct", "-n", "-X", "-a", "-P", "-o", "JobID,WorkDir"], capture_output=True, text=True, timeout=20, check=True
    ).stdout
    return [line for line in (queued + done).splitlines() if line.endswith(f"|{work}")]


def test_a_request_no_node_can_run_is_refused_before_any_sbatch(cluster, tmp_path):
    work = workflow(tmp_path, {"mem_mb": 10_000_000, "runtime": 15})
    done = subprocess.run(
        [sys.executable, "-m", "difficulty_filter.cli", "run", "--profile", str(work / "profiles/slurm"), *SLURM_ARGS],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert "models.smol.slurm.mem_mb: 10000000 MB does not fit partition cpu (largest node: " in done.stderr
    assert "refused before any sbatch" in done.stderr
    assert "Building DAG" not in done.stderr  # Snakemake never started
    assert jobs_from(work) == []


def test_the_default_resources_pass_the_preflight(cluster, tmp_path, capsys):
    work = workflow(tmp_path, {"runtime": 15})  # mem_mb: the schema's default
    assert check_cluster(["--profile", str(work / "profiles/slurm"), *SLURM_ARGS], work) is True, (
        capsys.readouterr().err
    )
