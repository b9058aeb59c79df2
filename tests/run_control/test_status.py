"""`difficulty-filter status` on a finished and on a half-finished results folder (built here)."""

import argparse
import json
import os
import time
from pathlib import Path

import polars as pl
import pytest
import yaml

from difficulty_filter import atomic
from difficulty_filter.commands import status as status_command
from difficulty_filter.config import load
from difficulty_filter.results.paths import Layout
from difficulty_filter.results.progress import DONE, FAILED, RUNNING
from difficulty_filter.run_control.status import run_status
from difficulty_filter.scoring.batch_file import OUTCOME_COUNTS_KEY

N = 4  # samples per prompt
ROWS = 20  # batches of 8, 2 per generate job: s00000_p000 [0, 8), s00000_p001 [8, 16), s00001_p000 [16, 20)
BATCHES = {"s00000_p000": (0, 8), "s00000_p001": (8, 16), "s00001_p000": (16, 20), "s00001_p001": (20, 20)}


def write_config(root):
    data = root / "data.parquet"
    pl.DataFrame({"data_source": ["math__t"] * ROWS}).write_parquet(data)
    path = root / "config.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "results_dir": str(root / "results"),
                "datasets": {"demo": str(data)},
                "models": {"m": {"path": "resources/models/m", "gpus_per_job": 0}},
                "batching": {"batch_size": 8, "batches_per_job": 2},
                "filter": {"low": {"model": "m", "threshold": 0.0}, "high": {"model": "m", "threshold": 0.9}},
            }
        )
    )
    return path


def write_generation(results, batch, tokens=10):
    start, stop = BATCHES[batch]
    rows = [(r, s) for r in range(start, stop) for s in range(N)]
    pl.DataFrame(
        {
            "row_index": [r for r, _ in rows],
            "sample_index": [s for _, s in rows],
            "response_tokens": [tokens] * len(rows),
        },
        schema={"row_index": pl.Int64, "sample_index": pl.Int32, "response_tokens": pl.Int32},
    ).write_parquet(results / "demo" / "m" / "generations" / f"batch_{batch}.parquet", mkdir=True)


def write_reward(results, batch, correct):
    start, stop = BATCHES[batch]
    responses = (stop - start) * N
    atomic.write_parquet(
        results / "demo" / "m" / "rewards" / f"batch_{batch}.parquet",
        pl.DataFrame({"row_index": [start]}).to_arrow(),
        {OUTCOME_COUNTS_KEY: {"correct": correct, "wrong": responses - correct}},
    )


def write_record(results, job, kind, state, updated, **fields):
    record = {
        "job": f"{kind} demo/m {job}",
        "kind": kind,
        "state": state,
        "phase": "generating",
        "pid": os.getpid(),
        "host": "elsewhere",
        "started": updated - 100,
        "updated": updated,
        "interval_s": 10.0,
        "prompts": 0,
        "responses": 0,
        "tokens": 0,
        "prompts_per_s": 0.0,
        "tokens_per_s": 0.0,
        "eta_s": None,
        "error": None,
        "log": f"logs/{kind}/demo/m/{job}.log",
    } | fields
    atomic.write_json(Layout(str(results)).progress_record("demo", "m", f"{kind}_{job}"), record)


@pytest.fixture
def finished(tmp_path):
    config = write_config(tmp_path)
    results = tmp_path / "results"
    for batch in BATCHES:
        write_generation(results, batch)
    for batch, correct in (("s00000_p000", 8), ("s00000_p001", 16), ("s00001_p000", 0)):
        write_reward(results, batch, correct)
    for job in ("s00000", "s00001"):
        write_record(results, job, "generate", DONE, time.time() - 3600, prompts=8)
    atomic.write_json(
        results / "demo" / "filter_summary.json",
        {
            "input_rows": ROWS,
            "kept_rows": 15,
            "dropped_rows": 5,
            "dropped_by_reason": {"too_hard": 3, "too_easy": 2, "missing": 0, "broken_tests": 0},
        },
    )
    atomic.write_text(results / "demo" / "report" / "overview.html", "<html></html>")
    atomic.write_json(
        results / "demo" / "report" / "summary.json",
        {"levels": {"dataset": {"m": {"demo": {"total": 20, "buckets": {"Impossible": 5, "Hard": 10, "Perfect": 5}}}}}},
    )
    return config


@pytest.fixture
def half_finished(tmp_path):
    """Job s00000 generating (its first batch written), s00001 queued; a reward job failed, one died."""
    config = write_config(tmp_path)
    results = tmp_path / "results"
    write_generation(results, "s00000_p000")
    now = time.time()
    write_record(
        results, "s00000", "generate", RUNNING, now, prompts=10, prompts_per_s=0.5, tokens_per_s=20.0, eta_s=12.0
    )
    write_record(results, "s00000_p000", "reward", FAILED, now - 50, error="WorkerStartError: workers keep dying")
    write_record(results, "s00001", "generate", RUNNING, now - 3600)  # no heartbeat for an hour
    return config


def test_finished_run(finished):
    settings = load(finished)
    status = run_status(settings.results_dir, settings)
    [pair] = status.pairs
    assert (pair.batches_total, pair.generated, pair.scored, pair.finished) == (3, 3, 3, True)
    assert (pair.prompts, pair.responses, pair.tokens) == (ROWS, ROWS * N, ROWS * N * 10)
    assert pair.outcomes == {"wrong": 56, "correct": 24}
    assert (pair.running, pair.failed, pair.stale, pair.eta_s) == ([], [], [], None)
    [result] = status.results
    assert (result.input_rows, result.kept_rows, result.dropped_by_reason) == (20, 15, {"too_hard": 3, "too_easy": 2})
    assert result.report.endswith("demo/report/overview.html")
    assert result.buckets == {"m": {"Impossible": 5, "Hard": 10, "Perfect": 5}}


def test_half_finished_run(half_finished):
    settings = load(half_finished)
    [pair] = run_status(settings.results_dir, settings).pairs
    assert (pair.generated, pair.scored, pair.finished) == (1, 0, False)
    assert (pair.prompts, pair.responses, pair.outcomes) == (8, 32, {})
    assert [r["job"] for r in pair.running] == ["generate demo/m s00000"]
    assert [r["job"] for r in pair.failed] == ["reward demo/m s00000_p000"]
    assert [r["job"] for r in pair.stale] == ["generate demo/m s00001"]
    assert pair.tokens_per_s == 20.0
    assert pair.eta_s == 20.0  # 20 rows, 10 generated by the running job, 0.5 prompts/s


def cli(argv):
    parser = argparse.ArgumentParser()
    status_command.add_parser(parser.add_subparsers(), "status")
    return status_command.run(parser.parse_args(["status", *argv]))


@pytest.fixture(autouse=True)
def wide_console(monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")


def test_table_names_progress_and_problems(half_finished, capsys):
    assert cli(["--config", str(half_finished)]) == 0
    out = capsys.readouterr().out
    assert "1/3" in out and "0/3" in out and "1 running (generating), 1 failed, 1 dead" in out
    assert "failed  reward demo/m s00000_p000: WorkerStartError: workers keep dying" in out
    assert "(log: logs/reward/demo/m/s00000_p000.log)" in out
    assert "dead    generate demo/m s00001 on elsewhere pid" in out


def test_table_of_a_finished_run_says_what_it_gave(finished, capsys):
    assert cli(["--config", str(finished)]) == 0
    out = capsys.readouterr().out
    assert "3/3" in out and "done" in out and "demo/m outcomes: wrong 70%, correct 30%" in out
    assert "demo: 20 rows -> 15 kept, 5 dropped (too_hard 3, too_easy 2)" in out
    assert "  m: Impossible 5, Hard 10, Perfect 5" in out
    assert "report/overview.html" in out


def test_json_and_no_config(finished, capsys, monkeypatch):
    monkeypatch.chdir(finished.parent)  # no config/config.yaml here
    results = load(finished).results_dir
    assert cli([results, "--config", str(finished), "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["pairs"][0]["finished"] is True and document["results"][0]["kept_rows"] == 15
    assert cli([results, "--json"]) == 0  # without a config: pairs from the folders, totals unknown
    pair = json.loads(capsys.readouterr().out)["pairs"][0]
    assert (pair["dataset"], pair["model"], pair["generated"], pair["batches_total"]) == ("demo", "m", 3, None)


def test_missing_results_folder(tmp_path, capsys):
    assert cli([str(tmp_path / "nowhere")]) == 1
    assert "no results folder" in capsys.readouterr().err


def test_a_full_run_shows_no_saving_line(finished, capsys):
    settings = load(finished)
    [pair] = run_status(settings.results_dir, settings).pairs
    assert (pair.adaptive, pair.samples_if_full, pair.tokens_if_full_est) == (False, None, None)
    assert pair.model_seconds is None  # the records of this folder carry no elapsed_s
    assert cli(["--config", str(finished)]) == 0
    out = capsys.readouterr().out
    assert "drew " not in out and "outcomes: wrong" in out and "decided early" not in out


def test_adaptive_batches_give_the_saving(finished, capsys):
    results = load(finished).results_dir
    path = f"{results}/demo/m/generations/batch_s00000_p000.parquet"
    table = pl.read_parquet(path).filter(pl.col("sample_index") < 2)  # every prompt stopped after 2 of 4 samples
    table.with_columns(samples_target=pl.lit(N, pl.Int32), stop_reason=pl.lit("exact")).write_parquet(path)
    write_record(Path(results), "s00000", "generate", DONE, time.time(), prompts=8, elapsed_s=95.0)
    settings = load(finished)
    [pair] = run_status(settings.results_dir, settings).pairs
    assert (pair.responses, pair.samples_if_full) == (8 * 2 + 12 * N, ROWS * N)  # other batches drew all n
    assert pair.model_seconds == 95.0
    assert cli(["--config", str(finished)]) == 0
    out = capsys.readouterr().out
    assert "outcomes (of the samples drawn; stopping early biases this mix)" in out
    assert "demo/m drew " in out and "1m35s in generate jobs" in out
