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


def test_threshold_change_reuses_the_drawn_samples(tmp_path, smollm2_dir):
    """After an exact run, a new high threshold reruns generate, which takes the samples already drawn from the
    sample store and draws only what the new decision needs: its kept rows, reasons and texts equal a
    from-scratch exact run's (which keeps a full run's rows: the test above; the fake-engine tests in
    tests/adaptive/test_adaptive_shard.py also compare with a full run)."""
    import polars as pl
    import yaml

    from difficulty_filter.demo.workflow import copy_workflow, workflow_command

    def config(mode, high):
        model = {
            "path": str(smollm2_dir),
            "dtype": "float32",
            "max_model_len": 1024,
            "gpus_per_job": 0,
            "gpu_memory_utilization": 0.3,
            "enforce_eager": True,
        }
        return {
            "results_dir": "results",
            "datasets": {"demo": "data/demo.parquet"},
            "models": {"weak": {**model, "cost": 1.0}, "strong": {**model, "cost": 10.0}},
            "sampling": {"n": 4, "temperature": 0.8, "top_p": 0.9, "top_k": 50, "max_new_tokens": 24, "seed": 1234}
            | {"adaptive": mode},
            "prompts": {"max_prompt_length": 512},
            "batching": {"batch_size": 8, "batches_per_job": 8},
            "reward": {"workers": 2, "timeout": 20},
            "filter": {"low": {"model": "strong", "threshold": 0.0}, "high": {"model": "weak", "threshold": high}},
        }

    def run(name, mode, high, work=None):
        if work is None:
            work = copy_workflow(REPO, tmp_path / name, config(mode, high))
            (work / "data").mkdir(exist_ok=True)
            pl.read_parquet(REPO / "data" / "demo.parquet").head(8).write_parquet(work / "data" / "demo.parquet")
        else:
            (work / "config" / "config.yaml").write_text(yaml.safe_dump(config(mode, high)))
        done = subprocess.run(workflow_command(work, "--cores", "2", resumable=False), capture_output=True, text=True)
        assert done.returncode == 0, done.stderr[-4000:]
        results = work / "results" / "demo"
        texts = {
            m: pl.concat(
                [
                    pl.read_parquet(p).select("row_index", "sample_index", "response")
                    for p in sorted((results / m / "generations").glob("*.parquet"))
                ]
            )
            .filter(pl.col("sample_index") >= 0)
            .select("row_index", "sample_index", "response")
            .sort("row_index", "sample_index")
            for m in ("weak", "strong")
        }
        stored = sum(pl.read_parquet(p).height for p in (work / "results" / ".cache" / "samples").rglob("*.parquet"))
        decisions = pl.read_parquet(results / "filter_decisions.parquet").select("row_index", "kept", "filter_reason")
        return work, texts, decisions, stored

    work, _, _, stored_before = run("rerun", "exact", 0.75)
    _, texts, decisions, stored_after = run("rerun", "exact", 0.5, work=work)
    _, scratch_texts, scratch_decisions, scratch_stored = run("scratch", "exact", 0.5)
    assert decisions.equals(scratch_decisions)
    for model in ("weak", "strong"):
        assert texts[model].equals(scratch_texts[model])
    drawn_by_rerun = stored_after - stored_before
    assert drawn_by_rerun < scratch_stored
    print(f"samples drawn: first run {stored_before}, rerun {drawn_by_rerun}, from scratch {scratch_stored}")
