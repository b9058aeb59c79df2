"""Difficulty tables: summary statistics and bucket counts per group, the two-model matrix, the filter's effect."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

import polars as pl

from ..adaptive.record import CASCADE, CONFIDENCE, EXACT, FULL, NOT_GENERATED, STOP_REASONS
from ..adaptive.sides import HIGH, LOW, Side
from ..domains import with_domain
from ..filtering.decisions import BROKEN, MISSING, TOO_EASY, TOO_HARD
from ..stats.buckets import BUCKET_NAMES, bucket_of, bucket_of_range
from ..stats.pass_at_k import pass_at_k, pass_at_k_name, with_pass_at_k
from ..stats.wilson import wilson_interval

#: Reasons the filter stage gives for dropping a row, in report order (others found are appended).
FILTER_REASONS = (TOO_HARD, TOO_EASY, MISSING, BROKEN)
#: The filter summary's name for kept rows.
KEPT = "kept"
#: `stopped_early`: prompts with a pass rate but no bucket (adaptive sampling stopped before it was known).
STAT_COLUMNS = ("total", "missing", "stopped_early", "mean", "median", "std")
#: The prompts that drew all n samples and their samples, which mean, median and std (and pass@k, maj@n) are
#: computed over: the pass rate of a prompt stopped early is biased (optional stopping).
SAMPLED_COLUMNS = ("fully_sampled", "samples")
#: The statistics of a level table, in order.
LEVEL_COLUMNS = (*STAT_COLUMNS[:3], *SAMPLED_COLUMNS, *STAT_COLUMNS[3:])
COUNT_COLUMNS = (*STAT_COLUMNS[:3], *SAMPLED_COLUMNS)
#: Stop reasons of a prompt that stopped before n samples because its decision was known.
EARLY_REASONS = (EXACT, CONFIDENCE)
#: Class of a prompt decided early whose model's filter sides are unknown to the report.
DECIDED = "decided"
#: Decided classes in report order.
DECIDED_CLASSES = (TOO_HARD, TOO_EASY, KEPT, MISSING, DECIDED)
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


def with_sampling_state(frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` with the sampling record of pass_rates.parquet filled in where a file (or a test frame) lacks it
    (`stop_reason` full, `samples_target` n, the range the pass rate itself), plus `fully_sampled`: the prompt
    drew every sample, so its pass rate, pass@k and majority vote are those of a full run."""
    if "n" not in frame.columns:
        frame = frame.with_columns(n=pl.lit(None, pl.Int64))
    defaults = {
        "stop_reason": pl.lit(FULL),
        "samples_target": pl.col("n"),
        "full_rate_low": pl.col("pass_rate"),
        "full_rate_high": pl.col("pass_rate"),
    }
    frame = frame.with_columns(
        (pl.col(name).fill_null(value) if name in frame.columns else value).alias(name)
        for name, value in defaults.items()
    )
    return frame.with_columns(
        fully_sampled=(pl.col("stop_reason") == FULL) & (pl.col("n").is_null() | (pl.col("n") > 0))
    )


def bucket_table(frame: pl.DataFrame, keys: Sequence[str]) -> pl.DataFrame:
    """One row per group of `keys`: scored prompts (`total`), prompts without a pass rate (`missing`), prompts
    whose bucket adaptive sampling left open (`stopped_early`), the prompts that drew every sample
    (`fully_sampled`) and their `samples`, mean/median/population std of the pass rate of those fully sampled
    prompts (a prompt stopped early shows a biased rate), and the prompt count of each bucket (a prompt stopped
    early counts where its whole full-n range lies in one bucket)."""
    frame = with_sampling_state(frame)
    rate = pl.col("pass_rate")
    full = pl.col("fully_sampled")
    return (
        frame.group_by(keys)
        .agg(
            total=rate.count(),
            missing=rate.null_count(),
            stopped_early=(rate.is_not_null() & pl.col("bucket").is_null()).sum(),
            fully_sampled=(full & rate.is_not_null()).sum(),
            samples=pl.col("n").filter(full & rate.is_not_null()).sum(),
            mean=rate.filter(full).mean(),
            median=rate.filter(full).median(),
            std=rate.filter(full).std(ddof=0),
            **{name: (pl.col("bucket") == name).sum() for name in BUCKET_NAMES},
        )
        .with_columns(pl.col(COUNT_COLUMNS + BUCKET_NAMES).cast(pl.Int64))
        .sort(keys)
    )


def samples_table(frame: pl.DataFrame, seconds: Mapping[str, float | None] | None = None) -> pl.DataFrame:
    """Per model, what adaptive sampling saved: prompts, samples drawn, the samples a full run draws (n per
    prompt, `samples_if_full`), the share `saved`, generated tokens of the samples kept (`tokens`) and an
    *estimate* of a full run's (`tokens_if_full_est`: mean tokens per drawn sample x samples_if_full; samples
    of prompts that stop early need not be as long as the rest), the generate jobs' seconds (`model_seconds`,
    from their progress records, when given), and prompts per stop reason (all `full` when sampling.adaptive is
    off)."""
    frame = with_sampling_state(frame)
    tokens = (
        (pl.col("mean_response_tokens").fill_null(0.0) * pl.col("n")).sum()
        if "mean_response_tokens" in frame.columns
        else pl.lit(None, pl.Float64)
    )
    table = (
        frame.group_by("model")
        .agg(
            prompts=pl.len().cast(pl.Int64),
            samples=pl.col("n").sum().cast(pl.Int64),
            samples_if_full=pl.col("samples_target").fill_null(pl.col("n")).sum().cast(pl.Int64),
            tokens=tokens.round(0).cast(pl.Int64),
            **{reason: (pl.col("stop_reason") == reason).sum().cast(pl.Int64) for reason in STOP_REASONS},
        )
        .with_columns(
            saved=pl.when(pl.col("samples_if_full") > 0).then(1 - pl.col("samples") / pl.col("samples_if_full")),
            tokens_if_full_est=pl.when(pl.col("samples") > 0).then(
                (pl.col("tokens") / pl.col("samples") * pl.col("samples_if_full")).round(0).cast(pl.Int64)
            ),
        )
        .with_columns(pl.col("saved").round(4))
    )
    spent = [(seconds or {}).get(model) for model in table["model"]]
    return (
        table.with_columns(pl.Series("model_seconds", spent, dtype=pl.Float64))
        .select(
            "model",
            "prompts",
            "samples",
            "samples_if_full",
            "saved",
            "tokens",
            "tokens_if_full_est",
            "model_seconds",
            *STOP_REASONS,
        )
        .sort("model")
    )


def model_sides(filter_models: Mapping[str, str | None], thresholds: Mapping[str, float | None]) -> dict:
    """{model: (Side, ...)} from the filter's {"low": model, "high": model} and its {"low": t, "high": t}."""
    sides: dict[str, tuple[Side, ...]] = {}
    for kind in (LOW, HIGH):
        model, threshold = filter_models.get(kind), thresholds.get(kind)
        if model is not None and threshold is not None:
            sides[model] = (*sides.get(model, ()), Side(kind, threshold))
    return sides


def decided_class(rate: float | None, sides: Sequence[Side] | None) -> str:
    """What the filter makes of this model's pass rate on its own sides (as `filtering.decisions.decide`):
    too_hard, too_easy, kept, missing_pass_rate; `decided` when the model's sides are unknown."""
    if sides is None:
        return DECIDED
    if rate is None:
        return MISSING if sides else KEPT
    for side in sides:
        if side.drops(rate):
            return TOO_HARD if side.kind == LOW else TOO_EASY
    return KEPT


def with_decision(frame: pl.DataFrame, sides: Mapping[str, Sequence[Side]] | None) -> pl.DataFrame:
    """`frame` plus `decided_early`: for each prompt that stopped before n samples because its decision was
    known (stop reason exact or confidence), the class the filter gives it on this model's sides; null for the
    others (fully sampled, skipped by the cascade, not generated)."""
    frame = with_sampling_state(frame)
    known = sides or {}
    classes = [
        decided_class(rate, known.get(model, () if sides is not None else None)) if reason in EARLY_REASONS else None
        for model, reason, rate in frame.select("model", "stop_reason", "pass_rate").iter_rows()
    ]
    return frame.with_columns(pl.Series("decided_early", classes, dtype=pl.String))


def early_table(frame: pl.DataFrame) -> pl.DataFrame:
    """Per model and decided class, the prompts decided early (`with_decision`): prompts, samples drawn, how
    many of them still have a known bucket, and the range their full-n pass rates lie in (`rate_low`: least
    full_rate_low, `rate_high`: greatest full_rate_high)."""
    early = frame.filter(pl.col("decided_early").is_not_null())
    order = {name: i for i, name in enumerate(DECIDED_CLASSES)}
    return (
        early.group_by("model", "decided_early")
        .agg(
            prompts=pl.len().cast(pl.Int64),
            samples=pl.col("n").sum().cast(pl.Int64),
            bucket_known=pl.col("bucket").is_not_null().sum().cast(pl.Int64),
            rate_low=pl.col("full_rate_low").min(),
            rate_high=pl.col("full_rate_high").max(),
        )
        .rename({"decided_early": "decided"})
        .sort(pl.col("model"), pl.col("decided").replace_strict(order, default=len(order), return_dtype=pl.Int64))
    )


def known_table(frame: pl.DataFrame) -> pl.DataFrame:
    """Per model, what its samples say and over which prompts: `prompts`; `fully_sampled` prompts and their
    `samples_full`, over which `mean_full` (mean pass rate) is computed; prompts `decided_early` and their
    `samples_early`; prompts `not_sampled` (skipped by the cascade or refused by the engine); and a bound on
    the mean full-n pass rate over every sampled prompt (`bounded` prompts): [`mean_low`, `mean_high`], the
    means of full_rate_low and full_rate_high (one value when every prompt was fully sampled)."""
    frame = with_sampling_state(frame)
    full = pl.col("fully_sampled") & pl.col("pass_rate").is_not_null()
    early = pl.col("stop_reason").is_in(list(EARLY_REASONS))
    bounded = (full | early) & pl.col("full_rate_low").is_not_null()
    return (
        frame.group_by("model")
        .agg(
            prompts=pl.len().cast(pl.Int64),
            fully_sampled=full.sum().cast(pl.Int64),
            samples_full=pl.col("n").filter(full).sum().cast(pl.Int64),
            decided_early=early.sum().cast(pl.Int64),
            samples_early=pl.col("n").filter(early).sum().cast(pl.Int64),
            not_sampled=pl.col("stop_reason").is_in([CASCADE, NOT_GENERATED]).sum().cast(pl.Int64),
            mean_full=pl.col("pass_rate").filter(full).mean(),
            bounded=bounded.sum().cast(pl.Int64),
            mean_low=pl.col("full_rate_low").filter(bounded).mean(),
            mean_high=pl.col("full_rate_high").filter(bounded).mean(),
        )
        .sort("model")
    )


def pass_at_k_bounds(frame: pl.DataFrame, ks: Sequence[int]) -> pl.DataFrame:
    """Per model and k: mean pass@k over the fully sampled prompts with >= k samples (`prompts_full`,
    `pass@k_full`), and over every sampled prompt whose n >= k (`prompts_bounded`) the least and greatest mean
    full-n pass@k its drawn samples allow (`low`, `high`): with c passes in m of n samples the full-n count lies
    in [c, c + n - m] and pass@k grows with it."""
    frame = with_sampling_state(frame)
    sampled = frame.filter(
        pl.col("stop_reason").is_in([FULL, *EARLY_REASONS]) & (pl.col("n") > 0) & pl.col("n_passed").is_not_null()
    )
    rows = []
    for (model,), group in sampled.group_by("model", maintain_order=True):
        entries = group.select("n", "n_passed", "samples_target", "fully_sampled").rows()
        for k in ks:
            full = [pass_at_k(n, c, k) for n, c, _, whole in entries if whole and n >= k]
            lows, highs = [], []
            for n, c, target, _ in entries:
                target = max(target or n, n)
                if target >= k:
                    lows.append(pass_at_k(target, c, k))
                    highs.append(pass_at_k(target, min(c + target - n, target), k))
            rows.append(
                {
                    "model": model,
                    "k": k,
                    "prompts_full": len(full),
                    "pass@k_full": sum(full) / len(full) if full else None,
                    "prompts_bounded": len(lows),
                    "low": sum(lows) / len(lows) if lows else None,
                    "high": sum(highs) / len(highs) if highs else None,
                }
            )
    schema = {
        "model": pl.String,
        "k": pl.Int64,
        "prompts_full": pl.Int64,
        "pass@k_full": pl.Float64,
        "prompts_bounded": pl.Int64,
        "low": pl.Float64,
        "high": pl.Float64,
    }
    return pl.DataFrame(rows, schema=schema).sort("model", "k")


def sampling_columns(ks: Sequence[int]) -> list[str]:
    return [*map(pass_at_k_name, ks), MAJORITY_VOTE, "majority_share"]


def sampling_table(frame: pl.DataFrame, keys: Sequence[str], ks: Sequence[int]) -> pl.DataFrame:
    """Per group of `keys`, over the fully sampled prompts with graded samples (a prompt that adaptive sampling
    stopped early would bias every figure here upward or downward): `prompts`, `responses`, the pooled pass rate
    of all responses with its Wilson interval, mean pass@k (of prompts with at least k samples), maj@n and the
    mean share of the majority answer (prompts without any answer count as a wrong vote, share 0)."""
    frame = with_sampling_state(frame)
    graded = with_pass_at_k(frame.filter((pl.col("n") > 0) & pl.col("fully_sampled")), ks)
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
    return pl.concat(parts).select(series, "level", "group", *LEVEL_COLUMNS, *BUCKET_NAMES, *sampling_columns(ks))


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
