"""Smoke run of benchmarks/bench_batch_scan.py on a tiny size."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_scan_finds_every_damaged_file(tmp_path):
    out = tmp_path / "bench.json"
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "bench_batch_scan.py"),
            "--batches",
            "20",
            "--batch-size",
            "4",
            "--n",
            "2",
            "--out",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    result = json.loads(out.read_text())
    assert result["files"] == 40 and result["found"] == result["damaged"] == 1
