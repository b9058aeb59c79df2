"""run_shard with adaptive sampling on a fake streaming engine and the real verifier pool: the samples it keeps
are a prefix of the full run's (same seeds, same text), the filter decides the same, fewer samples are drawn,
cascade-skipped rows are recorded, a killed job resumes, a rerun for other thresholds or a larger n draws only
the samples it lacks (the sample store), and progress is counted as prompts close."""

import contextlib
import os
from dataclasses import replace

import polars as pl
import pytest

from difficulty_filter import config
from difficulty_filter.adaptive import Side, StopRule
from difficulty_filter.filtering.decisions import decide
from difficulty_filter.generation import run_shard, shard
from difficulty_filter.generation.adaptive_plan import AdaptivePlan
from difficulty_filter.results.progress import Progress

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


# -- the sample store: a rerun for other thresholds or a larger n draws only the samples it lacks


@pytest.fixture
def engines(monkeypatch):
    """Like `engine`, keeping every engine opened (to count the samples each job drew)."""
    opened = []

    @contextlib.contextmanager
    def open_engine(model, sampling, tokenizer, gpu_lock_dir):
        opened.append(CoinEngine(order_seed=len(opened) + 1))
        yield opened[-1], 1

    monkeypatch.setattr(shard, "open_engine", open_engine)
    monkeypatch.setattr(shard, "load_tokenizer", lambda cfg: CharTokenizer())
    return opened


def run_in(tmp_path, folder, n, high, mode="exact"):
    """One generate job of the 12 coin rows in `folder` (its resume cache and sample store kept there), its
    outputs deleted first as Snakemake does; (stats, samples kept, samples the engine drew)."""
    data = write_coin_dataset(tmp_path / "d.parquet", PROBABILITIES)
    parts = [
        (0, 4, str(tmp_path / folder / "out" / "p000.parquet")),
        (4, 12, str(tmp_path / folder / "out" / "p001.parquet")),
    ]
    for _, _, path in parts:
        if os.path.exists(path):
            os.unlink(path)
    model, sampling, prompts = settings(mode)
    rule = (
        None
        if mode == "off"
        else AdaptivePlan(
            StopRule((Side("high", high),), mode), {}, config.section("reward", {"workers": 1}), speculate=False
        )
    )
    stats = run_shard(
        data, parts, model, replace(sampling, n=n), prompts, cache_dir=str(tmp_path / folder / "cache"), adaptive=rule
    )
    return stats, pl.concat([pl.read_parquet(p) for _, _, p in parts])


def keys(table):
    return set(table.filter(pl.col("sample_index") >= 0).select("row_index", "sample_index").iter_rows())


def assert_same_run(rerun, scratch, full, high):
    """Kept rows and reasons equal a from-scratch run's and a full run's, and every text equals the full run's."""
    by = ["row_index", "sample_index"]
    assert rerun.sort(by).equals(scratch.sort(by))
    assert decide(None, rates(rerun), None, high) == decide(None, rates(full), None, high)
    joined = rerun.join(full, on=by, suffix="_full")
    assert joined.height == rerun.height and (joined["response"] == joined["response_full"]).all()


@pytest.mark.parametrize("first_high, high", [(0.9, 0.5), (0.5, 0.9)])
def test_threshold_change_draws_only_what_the_new_decision_needs(tmp_path, engines, first_high, high):
    _, first = run_in(tmp_path, "run", 16, first_high)
    stats, rerun = run_in(tmp_path, "run", 16, high)  # the generate job reruns for the new threshold
    _, scratch = run_in(tmp_path, "scratch", 16, high)
    _, full = run_in(tmp_path, "full", 16, high, mode="off")
    assert_same_run(rerun, scratch, full, high)
    new = keys(rerun) - keys(first)
    assert engines[1].submitted == len(new) < engines[2].submitted == len(keys(scratch))
    assert stats["reused_samples"] == len(keys(rerun) & keys(first)) > 0 and stats["reused_batches"] == 0


def test_larger_n_draws_only_the_samples_it_lacks(tmp_path, engines):
    _, first = run_in(tmp_path, "run", 4, HIGH)
    stats, rerun = run_in(tmp_path, "run", 8, HIGH)
    _, scratch = run_in(tmp_path, "scratch", 8, HIGH)
    _, full = run_in(tmp_path, "full", 8, HIGH, mode="off")
    assert_same_run(rerun, scratch, full, HIGH)
    assert engines[1].submitted == len(keys(rerun) - keys(first)) < len(keys(scratch))
    assert stats["reused_samples"] == len(keys(rerun) & keys(first))


def test_a_full_run_after_an_exact_one_draws_only_the_rest(tmp_path, engines):
    _, exact = run_in(tmp_path, "run", 8, HIGH)
    stats, full = run_in(tmp_path, "run", 8, HIGH, mode="off")
    _, scratch = run_in(tmp_path, "scratch", 8, HIGH, mode="off")
    assert full.sort("row_index", "sample_index").equals(scratch.sort("row_index", "sample_index"))
    assert stats["reused_samples"] == len(keys(exact)) and len(keys(full)) == 12 * 8
    assert engines[1].submitted == 12 * 8 - len(keys(exact))


def test_progress_counts_prompts_and_samples_before_their_batch_is_written(tmp_path, engine):
    data = write_coin_dataset(tmp_path / "d.parquet", PROBABILITIES)
    second = tmp_path / "out" / "p001.parquet"
    parts = [(0, 4, str(tmp_path / "out" / "p000.parquet")), (4, 12, str(second))]
    seen = []

    class Recorder(Progress):
        def add(self, **counts):
            super().add(**counts)
            seen.append((dict(self.counts), second.exists()))

    progress = Recorder(None)
    run_shard(data, parts, *settings("exact"), cache_dir=str(tmp_path / "cache"), adaptive=plan(), progress=progress)
    table = pl.concat([pl.read_parquet(p) for _, _, p in parts])
    assert progress.counts["prompts"] == 12 and progress.counts["responses"] == table.height
    inside = [counts for counts, written in seen if not written and counts["prompts"] > 4]
    assert inside and inside[-1]["responses"] > 0  # the second batch's prompts counted as they closed
    assert progress.record()["responses_total"] is None  # time left goes by prompts


def test_a_rerun_that_needs_no_new_sample_loads_no_model(tmp_path, engines):
    run_in(tmp_path, "run", 8, HIGH)
    stats, rerun = run_in(tmp_path, "run", 4, HIGH)  # every decision at n = 4 needs samples drawn at n = 8
    _, scratch = run_in(tmp_path, "scratch", 4, HIGH)
    _, full = run_in(tmp_path, "full", 4, HIGH, mode="off")
    assert_same_run(rerun, scratch, full, HIGH)
    assert (stats["model_loads"], stats["reused_samples"]) == (0, len(keys(rerun))) and len(engines) == 3
