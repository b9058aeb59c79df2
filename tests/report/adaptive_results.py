"""A results folder of an exact adaptive run in which every prompt stopped early, built with the real stages
(pass rates from reward rows, annotate, filter); the generation batches and progress records status reads."""

from __future__ import annotations

import time
from pathlib import Path

import polars as pl

from difficulty_filter import atomic
from difficulty_filter.filtering.annotate import pass_rate_columns, write_annotated
from difficulty_filter.filtering.stage import filter_annotated
from difficulty_filter.pass_rates.stage import per_prompt
from difficulty_filter.results.paths import Layout
from difficulty_filter.stats.pass_at_k import with_pass_at_k

N = 16
LOW, HIGH = 0.0625, 0.9  # strong: too hard at <= 1/16; weak: too easy at >= 0.9
ROWS = 30
TOKENS = 7  # per sample


def strong_samples(row: int) -> list[bool]:
    """Rows 0-19 fail 15 samples (too hard, the full-n rate is at most 1/16); rows 20-29 pass twice (kept)."""
    return [False] * 15 if row < 20 else [True, True]


def weak_samples(row: int) -> list[bool]:
    """Every row fails twice: it can no longer reach 0.9 (kept by the high side)."""
    return [False, False]


def reward_rows(samples_of) -> pl.DataFrame:
    rows = []
    for r in range(ROWS):
        drawn = samples_of(r)
        for j, passed in enumerate(drawn):
            rows.append(
                {
                    "row_index": r,
                    "data_source": "math__t",
                    "sample_index": j,
                    "passed": passed,
                    "outcome": "correct" if passed else "wrong",
                    "answer": "1" if passed else "0",
                    "response_tokens": TOKENS,
                    "finish_reason": "stop",
                    "prompt_tokens": 10,
                    "too_long": False,
                    "score": float(passed),
                    "stop_reason": "exact",
                    "samples_target": N,
                    "samples_drawn": len(drawn),
                    "passes_at_stop": sum(drawn),
                }
            )
    return pl.DataFrame(rows, schema_overrides={"samples_target": pl.Int32, "passes_at_stop": pl.Int32})


def write_generations(layout: Layout, model: str, rewards: pl.DataFrame) -> None:
    path = layout.generation("demo", model, "s00000_p000")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    rewards.select(
        "row_index",
        "sample_index",
        "response_tokens",
        "stop_reason",
        "samples_target",
        "samples_drawn",
        pl.col("passes_at_stop"),
    ).with_columns(pl.col("sample_index").cast(pl.Int32), pl.col("response_tokens").cast(pl.Int32)).write_parquet(path)


def write_exact_run(root: Path, seconds: dict[str, float] | None = None) -> dict:
    """Every input of the dataset report (paths) plus the generations and progress records of each model."""
    root.mkdir(parents=True, exist_ok=True)
    layout = Layout(str(root / "results"))
    data = root / "data.parquet"
    pl.DataFrame({"data_source": ["math__t"] * ROWS, "extra_info": [{"index": i} for i in range(ROWS)]}).write_parquet(
        data
    )
    tables, paths = {}, {"pass_rates": {}}
    for model, samples_of in (("weak", weak_samples), ("strong", strong_samples)):
        rewards = reward_rows(samples_of)
        table = with_pass_at_k(per_prompt(rewards), [1, 4, 16])
        table = table.with_columns(row_id=pl.col("row_index").cast(pl.String))
        path = Path(layout.pass_rates("demo", model))
        path.parent.mkdir(parents=True, exist_ok=True)
        table.write_parquet(path)
        paths["pass_rates"][model], tables[model] = path, table
        write_generations(layout, model, rewards)
        atomic.write_json(
            layout.progress_record("demo", model, "generate_s00000"),
            {
                "kind": "generate",
                "job": f"generate demo/{model} s00000",
                "state": "done",
                "updated": time.time(),
                "interval_s": 10.0,
                "prompts": ROWS,
                "responses": rewards.height,
                "tokens": rewards.height * TOKENS,
                "elapsed_s": (seconds or {}).get(model, 12.5),
            },
        )
    records = {
        m: {c: t[c].to_list() for c in ("n", "stop_reason", "full_rate_low", "full_rate_high")}
        for m, t in tables.items()
    }
    columns = pass_rate_columns({m: t["pass_rate"].to_list() for m, t in tables.items()}, "strong", "weak", records)
    paths["annotated"] = Path(layout.annotated("demo"))
    write_annotated(data, columns, paths["annotated"], {"package": "test"})
    paths["filter_summary"] = Path(layout.filter_summary("demo"))
    filter_annotated(paths["annotated"], layout.filtered("demo"), paths["filter_summary"], LOW, HIGH)
    paths["reference_check"] = Path(layout.reference_check("demo"))
    pl.DataFrame(
        {"row_index": [0], "row_id": ["0"], "has_reference": [False], "reference_passed": [None], "detail": [""]},
        schema_overrides={"reference_passed": pl.Boolean},
    ).write_parquet(paths["reference_check"])
    paths["layout"] = layout
    return paths
