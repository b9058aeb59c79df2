"""Smoke run of benchmarks/bench_slurm.py on the CI SLURM cluster (skipped without one)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXIT_NO_CLUSTER = 3  # bench_slurm.py: no SLURM cluster to take jobs (start one with .ci/slurm/start.sh)

pytestmark = [pytest.mark.e2e, pytest.mark.slurm]


def test_slurm_bench_counts_one_reward_job_per_shard(tmp_path):
    out = tmp_path / "bench.json"
    cmd = [sys.executable, str(ROOT / "benchmarks" / "bench_slurm.py"), "--smoke", "--out", str(out)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    if done.returncode == EXIT_NO_CLUSTER:
        pytest.skip(done.stderr.strip())
    assert done.returncode == 0, done.stderr[-4000:]
    result = json.loads(out.read_text())
    # 48 rows in batches of 8, 3 per job: 2 shards x 2 models, each one generate and one reward submission
    assert result["sbatch_submissions"]["generate"] == 4 and result["sbatch_submissions"]["reward"] == 4
    assert result["sbatch_total"] < result["jobs"]  # the aggregates run on the submit host
    assert result["before_script_seconds"]["reward"]["jobs"] == 4
    assert result["wall_seconds"] > 0
