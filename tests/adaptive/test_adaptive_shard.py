"""run_shard with adaptive sampling on a fake streaming engine and the real verifier pool: the samples it keeps
are a prefix of the full run's (same seeds, same text), the filter decides the same, fewer samples are drawn,
cascade-skipped rows are recorded, and a killed job resumes."""

import contextlib
import os

import polars as pl
import pytest

from difficulty_filter import config
from difficulty_filter.adaptive import Side, StopRule
from difficulty_filter.filtering.decisions import decide
from difficulty_filter.generation import run_shard, shard
from difficulty_filter.generation.adaptive_plan import AdaptivePlan

from .fakes import CharTokenizer, CoinEngine, write_coin_dataset

PROBABILITIES = [0.0, 0.02, 0.3, 0.6, 0.93, 1.0, 0.97, 0.5, 0.0, 1.0, 0.1, 0.85]
HIGH = 0.9


@pytest.fixture
def engine(monkeypatch):
    state = {"loads": 0}

    @contextlib.contextmanager
    def open_engine(model, sampling, tokenizer, gpu_lock_dir):
        state["loads"] += 1
        yield CoinEngine(order_seed=state["loads"], die_when=state.pop("die_when", lambda: False)), 1

    monkeypatch.setattr(shard, "open_engine", open_engine)
    monkeypatch.setattr(shard, "load_tokenizer", lambda cfg: CharTokenizer())
    return state


def settings(mode):
    model = config.section("model", {"path": "fake", "gpus_per_job": 0})
    sampling = config.section("sampling", {"n": 16, "seed": 3, "max_new_tokens": 8, "adaptive": mode})
    return model, sampling, config.section("prompts")


def plan(mode="exact"):
    return AdaptivePlan(StopRule((Side("high", HIGH),), mode), {}, config.section("reward", {"workers": 1}))


def run(tmp_path, name, **kw):
    data = write_coin_dataset(tmp_path / "d.parquet", PROBABILITIES)
    parts = [
        (0, 4, str(tmp_path / name / "batch_s00000_p000.parquet")),  # closes fast: no easy rows
        (4, 12, str(tmp_path / name / "batch_s00000_p001.parquet")),
        (12, 12, str(tmp_path / name / "batch_s00000_p002.parquet")),
    ]
    mode = kw["adaptive"].rule.mode if "adaptive" in kw else "off"
    stats = run_shard(data, parts, *settings(mode), cache_dir=str(tmp_path / name / "cache"), **kw)
    return stats, pl.concat([pl.read_parquet(p) for _, _, p in parts[:2]])


def rates(table):
    scored = table.filter(pl.col("sample_index") >= 0)
    passed = pl.col("response").str.contains("boxed{1}", literal=True)
    per_row = scored.group_by("row_index").agg(passed.mean().alias("rate"))
    by_row = dict(per_row.iter_rows())
    return [by_row.get(i) for i in range(len(PROBABILITIES))]


def test_exact_keeps_a_prefix_of_the_full_samples_and_every_decision(tmp_path, engine):
    full_stats, full = run(tmp_path, "full")
    stats, adaptive = run(tmp_path, "exact", adaptive=plan())
    assert stats["model_loads"] == 1 and engine["loads"] == 2
    assert decide(None, rates(adaptive), None, HIGH) == decide(None, rates(full), None, HIGH)
    assert adaptive.height < full.height and stats["output_tokens"] < full_stats["output_tokens"]
    # sample j has the same text however the rounds were cut
    joined = adaptive.join(full, on=["row_index", "sample_index"], suffix="_full")
    assert joined.height == adaptive.height and (joined["response"] == joined["response_full"]).all()
    records = adaptive.group_by("row_index").agg(
        pl.len().alias("rows"),
        pl.col("samples_drawn").first(),
        pl.col("stop_reason").first(),
        pl.col("passes_at_stop").first(),
        pl.col("full_rate_low").first(),
        pl.col("full_rate_high").first(),
    )
    full_rates = rates(full)
    for row in records.iter_rows(named=True):
        assert row["rows"] == row["samples_drawn"] and row["stop_reason"] in ("exact", "full")
        assert row["full_rate_low"] <= full_rates[row["row_index"]] <= row["full_rate_high"]
    assert set(records["stop_reason"]) >= {"exact"}


def test_cascade_skipped_rows_keep_one_skipped_row(tmp_path, engine):
    _, table = run(tmp_path, "cascade", adaptive=plan(), skipped_rows={1, 6})
    skipped = table.filter(pl.col("row_index").is_in([1, 6]))
    assert skipped["sample_index"].to_list() == [-1, -1] and set(skipped["finish_reason"]) == {"skipped"}
    assert set(skipped["stop_reason"]) == {"cascade"} and skipped["samples_drawn"].to_list() == [0, 0]


def test_killed_adaptive_job_resumes_to_the_same_files(tmp_path, engine):
    _, clean = run(tmp_path, "clean", adaptive=plan())
    engine["die_when"] = (tmp_path / "killed" / "batch_s00000_p000.parquet").exists
    with pytest.raises(KeyboardInterrupt):
        run(tmp_path, "killed", adaptive=plan())
    written = [p for p in (tmp_path / "killed").glob("batch_*.parquet")]
    for path in written:  # Snakemake removes a failed job's outputs before the rerun
        os.unlink(path)
    stats, resumed = run(tmp_path, "killed", adaptive=plan())
    assert stats["reused_batches"] == 1
    assert resumed.sort(["row_index", "sample_index"]).equals(clean.sort(["row_index", "sample_index"]))
