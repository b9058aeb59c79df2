"""Smoke run of benchmarks/bench_job_parse.py on a tiny results tree."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_job_parse_bench_times_both_parses(tmp_path):
    out = tmp_path / "bench.json"
    cmd = [sys.executable, str(ROOT / "benchmarks" / "bench_job_parse.py"), "--smoke", "--out", str(out)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-4000:]
    result = json.loads(out.read_text())
    assert result["batch_files"] == 32
    assert result["job_parse"]["cpu_s"] > 0 and result["main_dry_run"]["wall_s"] > 0
