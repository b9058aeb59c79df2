"""Rich tables for the terminal, the rule logs and the HTML overview."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import polars as pl
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..stats.buckets import BUCKET_NAMES, BUCKETS

#: Width the recorded console (logs, HTML overview) renders at.
RECORD_WIDTH = 160
#: Free-text columns; every other column is kept on one line.
WRAPPED = ("message", "detail", "value")


def bucket_range(name: str) -> str:
    """`= 0`, `(0, 0.2)`, `[0.2, 0.4)`, ... from stats.buckets.BUCKETS."""
    _, low, high, low_in, high_in = next(b for b in BUCKETS if b[0] == name)
    if low == high:
        return f"= {low:g}"
    return f"{'[' if low_in else '('}{low:g}, {high:g}{']' if high_in else ')'}"


#: Column names of the printed level tables (the TSV and JSON keep the long ones).
SHORT_NAMES = {"stopped_early": "early", "fully_sampled": "full", "missing": "miss"}

BUCKET_LEGEND = (
    "total = prompts with a pass rate; miss = prompts without; early = stopped_early, prompts whose full-n "
    "bucket adaptive sampling left open (counted in no bucket); mean and median over the `full` (fully "
    "sampled) prompts and their `samples` only (std in buckets.tsv); a prompt stopped early counts in a bucket "
    "only when its whole full-n range lies in it; buckets: "
    + ", ".join(f"{name} {bucket_range(name)}" for name in BUCKET_NAMES)
)

SAMPLING_LEGEND = (
    "over fully sampled prompts only (prompts, responses); pass rate = passed / responses of the group, with "
    "its Wilson 95% interval; pass@k = mean unbiased pass@k of prompts with >= k samples; maj@n = share of "
    "prompts whose most common answer is correct; majority_share = mean share of that answer among a prompt's "
    "responses"
)

KNOWN_LEGEND = (
    "mean_full = mean pass rate of the fully_sampled prompts (samples_full samples); decided_early = prompts "
    "that stopped once the filter's decision was known (samples_early samples: their pass rate is biased by "
    "the stop and is in no mean); the mean full-n pass rate over the `bounded` prompts (fully sampled + decided "
    "early) lies in [mean_low, mean_high]; not_sampled = skipped by the cascade or refused by the engine"
)

EARLY_LEGEND = (
    "per model and the class the filter gives it: prompts decided early, samples drawn, how many still have a "
    "known bucket; the full-n pass rate of each lies in [rate_low, rate_high]"
)

BOUNDS_LEGEND = (
    "pass@k_full = mean pass@k over prompts_full fully sampled prompts (exact for them, but they are not a random "
    "subset when others stopped early); over prompts_bounded sampled prompts (fully or decided early) the mean "
    "full-n pass@k lies in [low, high]: the figure to compare with a full run"
)

SAMPLES_LEGEND = (
    "samples_if_full = n x prompts; saved = share of those not drawn; tokens = generated tokens of the samples "
    "kept; tokens_if_full_est = an estimate: mean tokens per drawn sample x samples_if_full; model_seconds = "
    "run time of the generate jobs (progress records, model loads included); stop reasons: docs/adaptive.md"
)


def recording_console(file=None) -> Console:
    """A console that also records its output for `export_html`; plain text when `file` is not a terminal."""
    return Console(file=file, record=True, width=RECORD_WIDTH, highlight=False)


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def frame_table(frame: pl.DataFrame, title: str, caption: str | None = None) -> Table:
    """`frame` as a rich table: numbers right-aligned, floats with 3 decimals, nulls as `-`; title and caption
    are plain text (brackets are not markup)."""
    table = Table(
        title=escape(title),
        caption=None if caption is None else escape(caption),
        title_justify="left",
        caption_justify="left",
    )
    for name, dtype in frame.schema.items():
        table.add_column(
            name, justify="right" if dtype.is_numeric() else "left", overflow="fold", no_wrap=name not in WRAPPED
        )
    for row in frame.iter_rows():
        table.add_row(*map(_cell, row))
    return table


def _percent(name: str) -> pl.Expr:
    return pl.when(pl.col("total") > 0).then(pl.col(name) / pl.col("total") * 100).otherwise(0.0).round(1)


def bucket_display(table: pl.DataFrame) -> pl.DataFrame:
    """Bucket count columns of a bucket table shown as `count (pct%)` of the row's total."""
    return table.with_columns(pl.format("{} ({}%)", pl.col(name), _percent(name)).alias(name) for name in BUCKET_NAMES)


def bucket_table(table: pl.DataFrame, title: str, caption: str | None = None) -> Table:
    return frame_table(bucket_display(table), title, caption)


def bucket_columns(table: pl.DataFrame, label: str, title: str) -> Table:
    """A bucket table turned sideways, the original `analyze` layout: one row per bucket, one column per group."""
    out = Table(title=title, title_justify="left")
    out.add_column("bucket", no_wrap=True, min_width=10)
    out.add_column("pass rate", no_wrap=True, min_width=10)
    for group in table[label]:
        out.add_column(str(group), justify="right", overflow="fold")
    shown = bucket_display(table)
    for name in BUCKET_NAMES:
        out.add_row(name, bucket_range(name), *shown[name])
    return out


def mapping_table(mapping: Mapping[str, Any], title: str) -> Table:
    """Key/value table; nested values as compact JSON."""
    table = Table(title=title, title_justify="left", show_header=False)
    table.add_column("key", style="bold")
    table.add_column("value", overflow="fold")
    for key, value in mapping.items():
        table.add_row(str(key), value if isinstance(value, str) else json.dumps(value, default=str))
    return table
