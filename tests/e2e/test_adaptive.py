"""Exact adaptive sampling on the CPU demo: the real workflow run in full and in exact mode keeps the same rows,
and exact generates fewer tokens (benchmarks/bench_adaptive.py --demo, two model entries, weak first)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.e2e, pytest.mark.vllm]


def test_exact_keeps_the_rows_of_a_full_run_with_fewer_tokens(tmp_path, smollm2_dir):
    out = tmp_path / "bench.json"
    run = subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "bench_adaptive.py"),
            "--demo",
            "--rows",
            "8",
            "--n",
            "4",
            "--max-new-tokens",
            "24",
            "--high",
            "0.75",
            "--modes",
            "off",
            "exact",
            "--model-dir",
            str(smollm2_dir),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert run.returncode == 0, run.stderr[-4000:] + run.stdout[-2000:]
    off, exact = (json.loads(out.read_text())["demo"]["modes"][m] for m in ("off", "exact"))
    assert exact["kept_rows"] == off["kept_rows"] and exact["same_kept_rows_as_off"]
    assert exact["generated_tokens"] < off["generated_tokens"]
    assert exact["models"]["weak"]["samples"] < off["models"]["weak"]["samples"] == 8 * 4
    assert set(off["models"]["strong"]["stop_reasons"]) == {"full"}
    assert set(exact["models"]["weak"]["stop_reasons"]) <= {"exact", "full"}
