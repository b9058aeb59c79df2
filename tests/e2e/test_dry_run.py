"""Looking at the plan costs nothing: `-n`, `--dag`, `--rulegraph` and `--summary` (plain or through
`difficulty-filter run`) change no file of the workflow folder, even with damaged batches in the results, but
Snakemake's own `.snakemake/` (its log and I/O cache); the real run repairs the damaged batches."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from difficulty_filter.demo.synthetic import write
from difficulty_filter.demo.workflow import copy_workflow, workflow_command

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.e2e

LOOKS = (
    ("snakemake", "-n"),
    ("snakemake", "--dag"),
    ("snakemake", "--rulegraph"),
    ("snakemake", "--summary"),
    ("run", "-n"),
    ("run", "--summary"),
)


def run(work: Path, *args: str, resumable: bool = True) -> subprocess.CompletedProcess:
    cmd = workflow_command(work, "--cores", "1", *args, resumable=resumable)
    return subprocess.run(cmd, capture_output=True, text=True, timeout=900)


def snapshot(work: Path) -> dict[str, tuple[int, int]]:
    """Every file under the workflow folder but .snakemake/: size and modification time."""
    files = [p for p in work.rglob("*") if p.is_file() and p.relative_to(work).parts[0] != ".snakemake"]
    assert any("results" in p.parts for p in files)
    return {str(p.relative_to(work)): (p.stat().st_size, p.stat().st_mtime_ns) for p in files}


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    data = tmp_path_factory.mktemp("data")
    write(data / "syn.parquet", data / "weak.jsonl", 24, 2, seed=1)
    config = {
        "datasets": {"syn": str(data / "syn.parquet")},
        "models": {"weak": {"engine": "file", "generations": str(data / "weak.jsonl")}},
        "sampling": {"n": 2},
        "batching": {"batch_size": 8, "batches_per_job": 2},
        "reward": {"workers": 1},
        "filter": {"high": {"model": "weak", "threshold": 0.9}},
    }
    work = copy_workflow(REPO, tmp_path_factory.mktemp("dry") / "w", config)
    done = run(work)
    assert done.returncode == 0, done.stderr[-4000:]
    return work


@pytest.fixture(scope="module")
def damaged(finished):
    paths = [
        finished / "results/syn/weak/generations/batch_s00001_p000.parquet",
        finished / "results/syn/weak/rewards/batch_s00000_p001.parquet",
    ]
    for path in paths:
        with open(path, "r+b") as fh:
            fh.truncate(os.path.getsize(path) // 2)
    return finished, paths


@pytest.mark.parametrize("runner, look", LOOKS, ids=[" ".join(look) for look in LOOKS])
def test_looking_at_the_plan_changes_no_file(damaged, runner, look):
    work, paths = damaged
    before = snapshot(work)
    done = run(work, look, resumable=runner == "run")
    assert done.returncode == 0, done.stderr[-4000:]
    assert snapshot(work) == before
    assert all(path.exists() for path in paths)
    assert "deleted, it will be rebuilt" not in done.stderr


def test_the_real_run_repairs_the_damaged_batches(damaged):
    work, paths = damaged
    done = run(work)
    assert done.returncode == 0, done.stderr[-4000:]
    for path in paths:
        assert f"{path.relative_to(work)}: not a readable Parquet file" in done.stderr
        assert pq.read_metadata(path).num_rows > 0  # rebuilt and readable
