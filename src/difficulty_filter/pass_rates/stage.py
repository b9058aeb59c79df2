"""The pass_rates stage: per-response reward batches -> one row of statistics per prompt."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import polars as pl

from .. import atomic
from ..adaptive.record import FULL
from ..adaptive.tally import Tally
from ..index import RowIndex
from ..outcomes import INFRA_OUTCOMES, OUTCOMES
from ..settings import ReportSettings, RewardSettings
from ..stats.majority_vote import majority_votes, top_wrong_answers
from ..stats.pass_at_k import usable_ks, with_pass_at_k
from ..stats.wilson import wilson_interval

log = logging.getLogger(__name__)


class DuplicateIdError(ValueError):
    """Two rows of one dataset share a pass-rate key."""


def read_rewards(paths: Sequence[str | Path]) -> pl.DataFrame:
    frames = [pl.read_parquet(p) for p in paths]
    frames = [f for f in frames if f.height]
    if not frames:
        raise ValueError("no reward rows in any batch file")
    return pl.concat(frames, how="vertical_relaxed")


def per_prompt_of(paths: Sequence[str | Path], exclude_infra_errors: bool = False) -> pl.DataFrame:
    """`per_prompt` of reward files read one at a time (the stage streams: memory holds one batch and the
    per-prompt rows). A prompt's responses all live in one batch; files that split a prompt are read together."""
    tables = [per_prompt(frame, exclude_infra_errors) for frame in map(pl.read_parquet, paths) if frame.height]
    if not tables:
        raise ValueError("no reward rows in any batch file")
    table = pl.concat(tables, how="vertical_relaxed").sort("row_index")
    return per_prompt(read_rewards(paths), exclude_infra_errors) if table["row_index"].is_duplicated().any() else table


def per_prompt(rewards: pl.DataFrame, exclude_infra_errors: bool = False) -> pl.DataFrame:
    """One row per prompt: counts per outcome, pass rates, Wilson interval, lengths, top wrong answer,
    majority answer (`majority_answer`, `majority_count`, `majority_share` of n, `majority_correct`)."""
    scored = pl.col("sample_index") >= 0
    counts = [(scored & (pl.col("outcome") == o)).sum().cast(pl.Int64).alias(f"n_{o}") for o in OUTCOMES]
    table = (
        rewards.group_by("row_index", maintain_order=True)
        .agg(
            pl.col("data_source").first(),
            scored.sum().cast(pl.Int64).alias("n"),
            (scored & pl.col("passed")).sum().cast(pl.Int64).alias("n_passed"),
            *counts,
            pl.col("response_tokens").filter(scored).mean().alias("mean_response_tokens"),
            pl.col("response_tokens").filter(scored).max().alias("max_response_tokens"),
            (pl.col("finish_reason").filter(scored) == "length").mean().alias("truncation_rate"),
            pl.col("prompt_tokens").first(),
            pl.col("too_long").first(),
        )
        .sort("row_index")
    )
    infra = pl.sum_horizontal([pl.col(f"n_{o}") for o in INFRA_OUTCOMES])
    table = table.with_columns(
        _ratio(pl.col("n_passed"), pl.col("n")).alias("pass_rate_all"),
        _ratio(pl.col("n_passed"), pl.col("n") - infra).alias("pass_rate_excl_infra"),
    )
    table = table.with_columns(
        pl.col("pass_rate_excl_infra" if exclude_infra_errors else "pass_rate_all").alias("pass_rate")
    )
    bounds = [wilson_interval(k, n) if n else (None, None) for k, n in zip(table["n_passed"], table["n"])]
    table = table.with_columns(
        pl.Series("wilson_low", [b[0] for b in bounds], dtype=pl.Float64),
        pl.Series("wilson_high", [b[1] for b in bounds], dtype=pl.Float64),
    )
    table = _with_sampling_record(rewards, table, exclude_infra_errors)
    table = table.join(top_wrong_answers(rewards), on="row_index", how="left")
    table = table.join(majority_votes(rewards), on="row_index", how="left")
    return table.with_columns(_ratio(pl.col("majority_count"), pl.col("n")).alias("majority_share"))


def _with_sampling_record(rewards: pl.DataFrame, table: pl.DataFrame, excluding: bool) -> pl.DataFrame:
    """`stop_reason` and `samples_target` of each prompt (sampling.adaptive records them; otherwise every
    sample was drawn), and the least and greatest pass rate all `samples_target` samples could have given
    the scores of those drawn: `full_rate_low`, `full_rate_high` (both the pass rate when nothing was left);
    with records also `passes_at_stop`, the passes the generate job counted when it stopped."""
    if "stop_reason" in rewards.columns:
        records = rewards.group_by("row_index").agg(
            pl.col("stop_reason").first(),
            pl.col("samples_target").first().cast(pl.Int64),
            pl.col("passes_at_stop").first().cast(pl.Int64),
        )
        table = table.join(records, on="row_index", how="left")
    else:
        table = table.with_columns(stop_reason=pl.lit(FULL), samples_target=pl.col("n"))
    infra = pl.sum_horizontal([pl.col(f"n_{o}") for o in INFRA_OUTCOMES]) if excluding else pl.lit(0)
    ranges = [
        Tally(target, drawn, passed, excluded, excluding).rate_range()
        for target, drawn, passed, excluded in table.select(
            "samples_target", "n", "n_passed", infra.alias("excluded")
        ).iter_rows()
    ]
    return table.with_columns(
        pl.Series("full_rate_low", [r[0] for r in ranges], dtype=pl.Float64),
        pl.Series("full_rate_high", [r[1] for r in ranges], dtype=pl.Float64),
    )


def _ratio(num: pl.Expr, den: pl.Expr) -> pl.Expr:
    return pl.when(den > 0).then(num / den).otherwise(None)


def idx_to_passrate(table: pl.DataFrame) -> dict[str, float | None]:
    """The original `map` format: {"<data_source>_<row id>": pass_rate}; duplicate keys are an error."""
    mapping: dict[str, float | None] = {}
    for source, rid, rate, index in table.select("data_source", "row_id", "pass_rate", "row_index").iter_rows():
        key = f"{source}_{rid}"
        if key in mapping:
            raise DuplicateIdError(
                f"rows share the pass-rate key {key!r} (row {index} repeats an earlier id); "
                "set filter.key_by: position to key rows by position"
            )
        mapping[key] = rate
    return mapping


def triggers(reward: RewardSettings, report: ReportSettings) -> dict:
    """Settings that change pass rates computed from given reward batches."""
    return {"exclude_infra_errors": reward.exclude_infra_errors, "pass_at_k": list(report.pass_at_k)}


def write_pass_rates(
    reward_paths: Sequence[str | Path],
    index: RowIndex,
    table_out: str | Path,
    json_out: str | Path,
    exclude_infra_errors: bool,
    pass_at_k: Sequence[int],
) -> pl.DataFrame:
    """The pass_rates stage: per-prompt table (Parquet, row ids from the index, a `pass@k` column per usable k of
    `pass_at_k`) and idx_to_passrate.json."""
    table = per_prompt_of(reward_paths, exclude_infra_errors)
    table = with_pass_at_k(table, usable_ks(pass_at_k, table["n"].max()))
    table = table.with_columns(pl.Series("row_id", index.row_ids(table["row_index"]), dtype=pl.String))
    mapping = idx_to_passrate(table)
    stopped = "passes_at_stop" in table.columns
    if stopped and (changed := table.filter(pl.col("passes_at_stop") != pl.col("n_passed")).height):
        log.warning(
            "%d prompt(s) now score otherwise than when adaptive sampling stopped them (rescored with other "
            "verifier settings?); their stop may no longer settle the filter's decision: rerun generate "
            "(snakemake -R generate) to sample them again",
            changed,
        )
    atomic.write_parquet(table_out, table.to_arrow())
    atomic.write_json(json_out, mapping)
    return table
