"""Synthetic pipeline outputs (pass rates, filter summary, reference check, annotated) for the report tests."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl

from difficulty_filter import atomic
from difficulty_filter.filtering.annotate import PROVENANCE_KEY
from difficulty_filter.filtering.decisions import decide, summarize
from difficulty_filter.outcomes import OUTCOMES

SOURCES = ("math__dapo", "codegen__leetcode", "zebra_puzzle_dataset", "stem_web", "table__hitab")
N_SAMPLES = 16
MODELS = {"small": 0.35, "large": 0.7}  # model -> mean skill


def pass_rates_frame(n_prompts: int, skill: float, seed: int) -> pl.DataFrame:
    """A pass_rates.parquet-shaped frame: row i has data_source SOURCES[i % 5] and row_id str(i)."""
    rng = np.random.default_rng(seed)
    sources = [SOURCES[i % len(SOURCES)] for i in range(n_prompts)]
    p = np.clip(rng.beta(skill * 2, (1 - skill) * 2, n_prompts), 0, 1)
    passed = rng.binomial(N_SAMPLES, p)
    wrong = N_SAMPLES - passed
    no_answer = np.where(np.array(sources) == "stem_web", wrong // 2, 0)
    truncated = rng.binomial(wrong - no_answer, 0.1)
    counts = {"correct": passed, "wrong": wrong - no_answer - truncated, "no_answer": no_answer, "truncated": truncated}
    frame = pl.DataFrame(
        {
            "row_index": np.arange(n_prompts, dtype=np.int64),
            "row_id": [str(i) for i in range(n_prompts)],
            "data_source": sources,
            "n": np.full(n_prompts, N_SAMPLES),
            "n_passed": passed,
            "pass_rate": passed / N_SAMPLES,
            **{f"n_{o}": counts.get(o, np.zeros(n_prompts, dtype=np.int64)) for o in OUTCOMES},
            "mean_response_tokens": rng.normal(900 - 500 * p, 120).clip(20),
            "too_long": np.zeros(n_prompts, dtype=bool),
            "top_wrong_answer": [None if w == 0 else f"ans{i % 3}" for i, w in enumerate(wrong)],
            "top_wrong_count": np.maximum(wrong - no_answer - truncated, 0) // 2,
        }
    )
    return frame.with_columns(
        pl.when(pl.col("top_wrong_answer").is_null())
        .then(None)
        .otherwise(pl.col("top_wrong_count"))
        .alias("top_wrong_count")
    )


def with_wrong_label(frame: pl.DataFrame, row: int, count: int) -> pl.DataFrame:
    """Make `row` fail every response, `count` of them answering "42" (what a wrong label looks like)."""
    at_row = pl.col("row_index") == row
    return frame.with_columns(
        pl.when(at_row).then(0).otherwise(pl.col("n_passed")).alias("n_passed"),
        pl.when(at_row).then(0.0).otherwise(pl.col("pass_rate")).alias("pass_rate"),
        pl.when(at_row).then(pl.lit("42")).otherwise(pl.col("top_wrong_answer")).alias("top_wrong_answer"),
        pl.when(at_row).then(count).otherwise(pl.col("top_wrong_count")).alias("top_wrong_count"),
    )


def write_dataset(root: Path, dataset: str, n_prompts: int = 300, seed: int = 0) -> dict:
    """Write every input of the analyze rule for `dataset` under `root`; return their paths."""
    paths = {"pass_rates": {}}
    frames = {}
    for offset, (model, skill) in enumerate(MODELS.items()):
        frame = pass_rates_frame(n_prompts, skill, seed + offset)
        frame = with_wrong_label(frame, row=7, count=15 if model == "small" else 12)
        path = root / dataset / model / "pass_rates.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        frame.write_parquet(path)
        paths["pass_rates"][model] = path
        frames[model] = frame
    reasons = decide(frames["small"]["pass_rate"].to_list(), frames["large"]["pass_rate"].to_list(), 0.0, 0.9)
    paths["filter_summary"] = root / dataset / "filter_summary.json"
    paths["filter_summary"].write_text(
        json.dumps(
            {
                **summarize(reasons, frames["small"]["data_source"].to_list()),
                "thresholds": {"low_thresh": 0.0, "high_thresh": 0.9, "drop_broken_tests": False},
            }
        )
    )
    paths["reference_check"] = root / dataset / "reference_check.parquet"
    pl.DataFrame(
        {
            "row_index": [1, 6, 11],
            "row_id": ["1", "6", "11"],
            "has_reference": [True, True, False],
            "reference_passed": [False, True, None],
            "detail": ["test 3 failed", "", "no reference"],
        }
    ).write_parquet(paths["reference_check"])
    paths["annotated"] = root / dataset / "annotated.parquet"
    atomic.write_parquet(
        paths["annotated"],
        frames["small"].select("row_index", "data_source").to_arrow(),
        {PROVENANCE_KEY: {"package": "0.1.0", "sampling": {"n": N_SAMPLES, "temperature": 1.0}}},
    )
    return paths
