"""Smoke run of benchmarks/bench_flags.py: planted wrong labels are found, the demo's setting flags nothing."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_flag_finds_planted_labels_and_spares_weak_evidence(tmp_path):
    out = tmp_path / "flags.json"
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "bench_flags.py"),
            "--prompts",
            "800",
            "--planted-share",
            "0.1",
            "--out",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    scenarios = json.loads(out.read_text())["scenarios"]
    for name in ("two models, n=16", "one model, n=16"):
        assert scenarios[name]["current"]["precision"] >= 0.9, name
        assert scenarios[name]["current"]["recall"] >= 0.5, name
    demo = scenarios["demo-like: one 135M model, n=6"]
    assert demo["current"]["flagged"] == 0 and demo["previous"]["flagged"] > demo["planted"]
