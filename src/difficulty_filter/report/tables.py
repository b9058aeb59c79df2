"""Difficulty tables: summary statistics and bucket counts per group, the two-model matrix, the filter's effect."""

from __future__ import annotations

from collections import Counter
from typing import Mapping, Sequence

import polars as pl

from ..filtering.filter import BROKEN, MISSING, TOO_EASY, TOO_HARD
from ..stats.buckets import BUCKET_NAMES, bucket_of
from .domains import with_domain

#: Reasons the filter stage gives for dropping a row, in report order (others found are appended).
FILTER_REASONS = (TOO_HARD, TOO_EASY, MISSING, BROKEN)
#: The filter summary's name for kept rows.
KEPT = "kept"
STAT_COLUMNS = ("total", "missing", "mean", "median", "std")


def with_bucket(frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` plus the `bucket` name of its `pass_rate` (null where the pass rate is)."""
    return frame.with_columns(
        bucket=pl.col("pass_rate").map_elements(bucket_of, return_dtype=pl.String, skip_nulls=True))


def bucket_table(frame: pl.DataFrame, keys: Sequence[str]) -> pl.DataFrame:
    """One row per group of `keys`: scored prompts (`total`), prompts without a pass rate (`missing`),
    mean/median/population std of the pass rate, and the prompt count of each bucket."""
    rate = pl.col("pass_rate")
    return (
        frame.group_by(keys)
        .agg(total=rate.count(), missing=rate.null_count(), mean=rate.mean(), median=rate.median(),
             std=rate.std(ddof=0), **{name: (pl.col("bucket") == name).sum() for name in BUCKET_NAMES})
        .with_columns(pl.col(STAT_COLUMNS[:2] + BUCKET_NAMES).cast(pl.Int64))
        .sort(keys)
    )


def level_table(frame: pl.DataFrame, levels: Sequence[str], series: str = "model") -> pl.DataFrame:
    """`bucket_table` per `series` value at each grouping level (a column of `frame`), stacked:
    columns `series`, `level`, `group`, then the statistics."""
    parts = [
        bucket_table(frame, [series, level]).rename({level: "group"})
        .with_columns(pl.col("group").cast(pl.String), level=pl.lit(level))
        for level in levels
    ]
    return pl.concat(parts).select(series, "level", "group", *STAT_COLUMNS, *BUCKET_NAMES)


def values_table(values: dict[str, Sequence[float | None]], label: str = "dataset") -> pl.DataFrame:
    """`bucket_table` of plain pass-rate lists given as {group: values}, groups in the given order."""
    frame = pl.DataFrame(
        {label: [g for g, vs in values.items() for _ in vs], "pass_rate": [v for vs in values.values() for v in vs]},
        schema={label: pl.String, "pass_rate": pl.Float64},
    )
    order = pl.DataFrame({label: list(values)})
    return order.join(bucket_table(with_bucket(frame), [label]), on=label, how="left", maintain_order="left")


def pair_matrix(frame: pl.DataFrame, low: str, high: str) -> pl.DataFrame:
    """Prompts counted by the `low` model's bucket (rows) and the `high` model's bucket (columns);
    prompts without a pass rate for either model are left out."""
    def side(model: str, name: str) -> pl.DataFrame:
        return frame.filter(pl.col("model") == model).select("dataset", "row_index", pl.col("bucket").alias(name))

    joined = side(low, "low").join(side(high, "high"), on=["dataset", "row_index"]).drop_nulls()
    counts = Counter(zip(joined["low"], joined["high"]))
    return pl.DataFrame(
        [{"low_bucket": lb, **{hb: counts.get((lb, hb), 0) for hb in BUCKET_NAMES}} for lb in BUCKET_NAMES],
        schema={"low_bucket": pl.String, **{hb: pl.Int64 for hb in BUCKET_NAMES}},
    )


def _rows(condition: pl.Expr) -> pl.Expr:
    return pl.col("rows").filter(condition).sum()


def filter_table(filter_summary: Mapping) -> pl.DataFrame:
    """Rows before and after the filter per domain and in `all`, with the dropped rows by reason,
    from filter_summary.json's `by_data_source` counts ({data_source: {reason or "kept": rows}})."""
    counts = [(source, reason, n) for source, by_reason in filter_summary["by_data_source"].items()
              for reason, n in by_reason.items()]
    frame = with_domain(pl.DataFrame(counts, schema={"data_source": pl.String, "reason": pl.String, "rows": pl.Int64},
                                     orient="row"))
    seen = sorted(set(frame["reason"]) - {KEPT, *FILTER_REASONS})
    aggs = dict(before=pl.col("rows").sum(), kept=_rows(pl.col("reason") == KEPT),
                dropped=_rows(pl.col("reason") != KEPT),
                **{r: _rows(pl.col("reason") == r) for r in (*FILTER_REASONS, *seen)})
    per_domain = frame.group_by("domain").agg(**aggs).sort("domain")
    total = frame.select(**aggs).with_columns(domain=pl.lit("all"))
    return pl.concat([per_domain, total.select(per_domain.columns)]).with_columns(pl.exclude("domain").cast(pl.Int64))
