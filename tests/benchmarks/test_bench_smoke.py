"""Smoke runs of the benchmark scripts on tiny sizes, so they cannot rot (their figures are not checked)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def bench(name: str, *args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / name), *args],
        check=True,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_bench_code(tmp_path):
    out = tmp_path / "code.json"
    bench("bench_code.py", "--responses", "2", "--tests", "2", "--timeouts", "0", "--out", str(out))
    assert json.loads(out.read_text())["quick_speedup_wall"] > 0


def test_bench_dryrun(tmp_path):
    out = tmp_path / "dryrun.json"
    bench("bench_dryrun.py", "--rows", "300", "--batch-size", "16", "--repeats", "1", "--out", str(out))
    assert json.loads(out.read_text())


@pytest.mark.vllm
def test_bench_generate(tmp_path, smollm2_dir):
    out = tmp_path / "generate.json"
    bench(
        "bench_generate.py",
        "--model-dir",
        str(smollm2_dir),
        "--batches",
        "1",
        "--batch-size",
        "1",
        "--n",
        "1",
        "--max-new-tokens",
        "2",
        "--engines",
        "offline",
        "--out",
        str(out),
        timeout=900,
    )
    assert json.loads(out.read_text())


def test_bench_row_index(tmp_path):
    out = tmp_path / "index.json"
    bench("bench_row_index.py", "--rows", "50", "--out", str(out))
    result = json.loads(out.read_text())
    assert result["all_good"]["refused"] is None
    assert "row 49, field 'prompt'" in result["bad_last_row"]["refused"]
