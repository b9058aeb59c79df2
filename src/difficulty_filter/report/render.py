"""Rich tables for the terminal, the rule logs and the HTML overview."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import polars as pl
from rich.console import Console
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


BUCKET_LEGEND = "total = prompts with a pass rate; std = population std; buckets: " + ", ".join(
    f"{name} {bucket_range(name)}" for name in BUCKET_NAMES
)

SAMPLING_LEGEND = (
    "pass rate = passed / responses of the group, with its Wilson 95% interval; pass@k = mean "
    "unbiased pass@k of prompts with >= k samples; maj@n = share of prompts whose most common answer "
    "is correct; majority_share = mean share of that answer among a prompt's responses"
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
    """`frame` as a rich table: numbers right-aligned, floats with 3 decimals, nulls as `-`."""
    table = Table(title=title, caption=caption, title_justify="left", caption_justify="left")
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


def bucket_table(table: pl.DataFrame, title: str) -> Table:
    return frame_table(bucket_display(table), title)


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
