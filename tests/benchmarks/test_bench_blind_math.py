"""Smoke run of benchmarks/bench_blind_math.py on the first 10 corpus pairs (its figures are not checked)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_blind_math_smoke():
    run = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_blind_math.py"), "--smoke"],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert "our grader" in run.stdout and "Math-Verify" in run.stdout
