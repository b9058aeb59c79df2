"""Difficulty tables: summary statistics and bucket counts per group, the two-model matrix, the filter's effect."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

import polars as pl

from ..adaptive.record import FULL, STOP_REASONS
from ..domains import with_domain
from ..filtering.decisions import BROKEN, MISSING, TOO_EASY, TOO_HARD
from ..stats.buckets import BUCKET_NAMES, bucket_of, bucket_of_range
from ..stats.pass_at_k import pass_at_k_name, with_pass_at_k
from ..stats.wilson import wilson_interval

#: Reasons the filter stage gives for dropping a row, in report order (others found are appended).
FILTER_REASONS = (TOO_HARD, TOO_EASY, MISSING, BROKEN)
#: The filter summary's name for kept rows.
KEPT = "kept"
#: `stopped_early`: prompts with a pass rate but no bucket (adaptive sampling stopped before it was known).
STAT_COLUMNS = ("total", "missing", "stopped_early", "mean", "median", "std")
COUNT_COLUMNS = STAT_COLUMNS[:3]
#: Share of prompts whose majority answer over all n samples is correct.
MAJORITY_VOTE = "maj@n"
#: Row of the per-bucket sampling table that covers every bucket.
ALL_BUCKETS = "all"


def with_bucket(frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` plus the `bucket` of each prompt: of its full-n pass rate range when the frame has one
    (`full_rate_low`/`full_rate_high` of pass_rates.parquet; null while the range spans buckets), else of its
    `pass_rate`; null where the pass rate is."""
    if "full_rate_low" not in frame.columns:
        return frame.with_columns(
            bucket=pl.col("pass_rate").map_elements(bucket_of, return_dtype=pl.String, skip_nulls=True)
        )
    buckets = [
        None if rate is None else bucket_of(rate) if low is None else bucket_of_range(low, high)
        for rate, low, high in frame.select("pass_rate", "full_rate_low", "full_rate_high").iter_rows()
    ]
    return frame.with_columns(pl.Series("bucket", buckets, dtype=pl.String))


def bucket_table(frame: pl.DataFrame, keys: Sequence[str]) -> pl.DataFrame:
    """One row per group of `keys`: scored prompts (`total`), prompts without a pass rate (`missing`), prompts
    whose bucket adaptive sampling left open (`stopped_early`), mean/median/population std of the pass rate,
    and the prompt count of each bucket."""
    rate = pl.col("pass_rate")
    return (
        frame.group_by(keys)
        .agg(
            total=rate.count(),
            missing=rate.null_count(),
            stopped_early=(rate.is_not_null() & pl.col("bucket").is_null()).sum(),
            mean=rate.mean(),
            median=rate.median(),
            std=rate.std(ddof=0),
            **{name: (pl.col("bucket") == name).sum() for name in BUCKET_NAMES},
        )
        .with_columns(pl.col(COUNT_COLUMNS + BUCKET_NAMES).cast(pl.Int64))
        .sort(keys)
    )


def samples_table(frame: pl.DataFrame) -> pl.DataFrame:
    """Per model, what adaptive sampling saved: prompts, samples drawn, the samples n per prompt would have
    drawn (`samples_if_full`), the share `saved`, and prompts per stop reason (all `full` when
    sampling.adaptive is off)."""
    if "stop_reason" not in frame.columns:
        frame = frame.with_columns(stop_reason=pl.lit(FULL), samples_target=pl.col("n"))
    return (
        frame.group_by("model")
        .agg(
            prompts=pl.len().cast(pl.Int64),
            samples=pl.col("n").sum().cast(pl.Int64),
            samples_if_full=pl.col("samples_target").fill_null(pl.col("n")).sum().cast(pl.Int64),
            **{reason: (pl.col("stop_reason") == reason).sum().cast(pl.Int64) for reason in STOP_REASONS},
        )
        .with_columns(saved=(1 - pl.col("samples") / pl.col("samples_if_full")).round(4))
        .select("model", "prompts", "samples", "samples_if_full", "saved", *STOP_REASONS)
        .sort("model")
    )


def sampling_columns(ks: Sequence[int]) -> list[str]:
    return [*map(pass_at_k_name, ks), MAJORITY_VOTE, "majority_share"]


def sampling_table(frame: pl.DataFrame, keys: Sequence[str], ks: Sequence[int]) -> pl.DataFrame:
    """Per group of `keys`, over prompts with graded samples: `prompts`, `responses`, the pooled pass rate of
    all responses with its Wilson interval, mean pass@k (of prompts with at least k samples), maj@n and the
    mean share of the majority answer (prompts without any answer count as a wrong vote, share 0)."""
    graded = with_pass_at_k(frame.filter(pl.col("n") > 0), ks)
    table = graded.group_by(keys).agg(
        prompts=pl.len().cast(pl.Int64),
        responses=pl.col("n").sum().cast(pl.Int64),
        passed=pl.col("n_passed").sum().cast(pl.Int64),
        **{pass_at_k_name(k): pl.col(pass_at_k_name(k)).mean() for k in ks},
        **{
            MAJORITY_VOTE: pl.col("majority_correct").fill_null(False).cast(pl.Float64).mean(),
            "majority_share": pl.col("majority_share").fill_null(0.0).mean(),
        },
    )
    bounds = [wilson_interval(k, n) for k, n in zip(table["passed"], table["responses"])]
    return table.select(
        *keys,
        "prompts",
        "responses",
        (pl.col("passed") / pl.col("responses")).alias("pass_rate"),
        pl.Series("wilson_low", [b[0] for b in bounds], dtype=pl.Float64),
        pl.Series("wilson_high", [b[1] for b in bounds], dtype=pl.Float64),
        *sampling_columns(ks),
    ).sort(keys)


def bucket_sampling_table(frame: pl.DataFrame, ks: Sequence[int], series: str = "model") -> pl.DataFrame:
    """`sampling_table` per `series` value and difficulty bucket, buckets in order, then an `all` row."""
    everything = frame.with_columns(bucket=pl.lit(ALL_BUCKETS))
    order = {name: i for i, name in enumerate((*BUCKET_NAMES, ALL_BUCKETS))}
    table = sampling_table(pl.concat([frame, everything], how="vertical_relaxed"), [series, "bucket"], ks)
    return table.sort(pl.col(series), pl.col("bucket").replace_strict(order, return_dtype=pl.Int64))


def level_table(
    frame: pl.DataFrame, levels: Sequence[str], ks: Sequence[int] = (), series: str = "model"
) -> pl.DataFrame:
    """`bucket_table` per `series` value at each grouping level (a column of `frame`), stacked: columns
    `series`, `level`, `group`, the statistics, the bucket counts, then pass@k for `ks`, maj@n and the mean
    majority share (see `sampling_table`)."""
    parts = [
        bucket_table(frame, [series, level])
        .join(sampling_table(frame, [series, level], ks), on=[series, level], how="left", nulls_equal=True)
        .rename({level: "group"})
        .with_columns(pl.col("group").cast(pl.String), level=pl.lit(level))
        for level in levels
    ]
    return pl.concat(parts).select(series, "level", "group", *STAT_COLUMNS, *BUCKET_NAMES, *sampling_columns(ks))


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
    counts = [
        (source, reason, n)
        for source, by_reason in filter_summary["by_data_source"].items()
        for reason, n in by_reason.items()
    ]
    frame = with_domain(
        pl.DataFrame(counts, schema={"data_source": pl.String, "reason": pl.String, "rows": pl.Int64}, orient="row")
    )
    seen = sorted(set(frame["reason"]) - {KEPT, *FILTER_REASONS})
    aggs = dict(
        before=pl.col("rows").sum(),
        kept=_rows(pl.col("reason") == KEPT),
        dropped=_rows(pl.col("reason") != KEPT),
        **{r: _rows(pl.col("reason") == r) for r in (*FILTER_REASONS, *seen)},
    )
    per_domain = frame.group_by("domain").agg(**aggs).sort("domain")
    total = frame.select(**aggs).with_columns(domain=pl.lit("all"))
    return pl.concat([per_domain, total.select(per_domain.columns)]).with_columns(pl.exclude("domain").cast(pl.Int64))
