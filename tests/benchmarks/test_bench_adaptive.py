"""Smoke run of benchmarks/bench_adaptive.py --simulate on a tiny Guru-shaped sample."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_simulation_exact_mode_keeps_decisions_at_under_half_the_gpu_hours(tmp_path):
    out = tmp_path / "bench.json"
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "bench_adaptive.py"),
            "--simulate",
            "--scale",
            "0.01",
            "--confidence",
            "wilson:0.8",
            "--out",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    modes = json.loads(out.read_text())["simulation"]["modes"]
    assert modes["off"]["share_of_off"] == 1.0
    assert modes["exact"]["decisions_differing_from_full"] == 0
    assert modes["exact_no_cascade"]["decisions_differing_from_full"] == 0
    assert modes["exact"]["share_of_off"] <= 0.5
    assert modes["exact"]["gpu_hours"] <= modes["exact_no_cascade"]["gpu_hours"]
    assert modes["confidence_wilson_0.8"]["samples_by_model"]["weak"] <= modes["exact"]["samples_by_model"]["weak"]
