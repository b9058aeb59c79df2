"""Smoke run of benchmarks/bench_math.py on a tiny size (its figures are not checked, its outcomes are)."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_math_smoke(tmp_path):
    out = tmp_path / "bench_math.json"
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_math.py"), "--smoke", "--out", str(out)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    result = json.loads(out.read_text())
    assert (result["problems"], result["samples"]) == (4, 2)
    in_process = result["rows"][0]
    assert in_process["n"] == 8 and sum(in_process["outcomes"].values()) == 8 and in_process["per_cpu_s"] > 0
