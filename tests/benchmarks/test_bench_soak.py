"""Smoke run of benchmarks/bench_soak.py on a tiny size (the whole workflow with an engine: file model)."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_soak_reports_every_stage(tmp_path):
    out = tmp_path / "bench.json"
    cmd = [
        sys.executable,
        str(ROOT / "benchmarks" / "bench_soak.py"),
        "--rows",
        "40",
        "--n",
        "2",
        "--batch-size",
        "20",
        "--batches-per-job",
        "2",
        "--workers",
        "1",
        "--out",
        str(out),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-4000:]
    result = json.loads(out.read_text())
    assert result["rewards"]["responses"] == 80
    assert {"import_generations", "generate", "reward", "pass_rates", "annotate", "filter", "report_dataset"} <= set(
        result["stages"]
    )
    assert all(stage["max_rss_mb"] > 0 for stage in result["stages"].values())
