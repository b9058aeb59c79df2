"""The reward stage for one batch: generations + dataset rows -> a rewards Parquet file."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import polars as pl

from .. import atomic, dataset
from ..outcomes import TRUNCATED, ScoreRequest, ScoreResult
from ..results.batch_check import expected_batch, read_checked
from ..results.progress import Progress
from ..settings import RewardSettings, SamplingSettings, as_dict
from ..verifiers.registry import VERIFIER_VERSIONS

OUTCOME_COUNTS_KEY = "difficulty_filter.outcome_counts"
VERIFIERS_KEY = "difficulty_filter.verifiers"
NOT_GENERATED = ScoreResult(score=0.0, passed=False, outcome=TRUNCATED, detail="prompt too long; not generated")


def triggers(reward: RewardSettings) -> dict:
    """Settings that change a reward batch: verifier semantics and limits, never `workers` or a judge's URL."""
    return {
        "timeout": reward.timeout,
        "correct_threshold": reward.correct_threshold,
        "custom_verifiers": as_dict(reward.custom_verifiers),
        "code": _code_semantics(reward),
        "judge": {"model": reward.judge.model, "domains": as_dict(reward.judge.domains)},
        "verifiers": VERIFIER_VERSIONS,
    }


def _code_semantics(reward: RewardSettings) -> dict:
    """The code limits that decide outcomes (not where the sandbox runs, nor the reference check)."""
    return {k: v for k, v in as_dict(reward.code).items() if k not in ("remote_url", "check_reference")}


def truth_rows(dataset_path: str | Path, start: int, stop: int) -> dict[int, dict]:
    """Dataset rows [start, stop) by position, with what scoring needs (data_source, reward_model, extra_info)."""
    columns = ["data_source", "reward_model", "extra_info"]
    return {start + i: row for i, row in enumerate(dataset.read_slice(dataset_path, start, stop, columns))}


def score_request(row: dict, response: str, finish_reason: str | None) -> ScoreRequest:
    """The verifier request of one response to a dataset row (from `truth_rows`)."""
    return ScoreRequest(
        data_source=row["data_source"],
        response=response,
        ground_truth=row["reward_model"]["ground_truth"],
        extra_info=row.get("extra_info") or {},
        finish_reason=finish_reason,
    )


def score_batch_file(
    generations_path: str | Path,
    dataset_path: str | Path,
    rows: tuple[int, int],
    out_path: str | Path,
    reward: RewardSettings,
    progress: Progress | None = None,
    sampling: SamplingSettings | None = None,
) -> dict[str, int]:
    """Score every response of a generations batch; write the rewards batch; return counts per outcome.
    `progress` gets the responses to score and each one scored. With `sampling`, a batch without all its rows
    and their responses is refused (BatchFileError naming the file) before anything is scored."""
    from . import score_requests

    progress = progress or Progress(None)
    start, stop = rows
    gens = (
        read_checked(generations_path, expected_batch(start, stop, sampling))
        if sampling
        else pl.read_parquet(generations_path)
    )
    truth = truth_rows(dataset_path, start, stop)
    requests, slots = [], []
    for i, rec in enumerate(gens.select("row_index", "sample_index", "response", "finish_reason").iter_rows()):
        row_index, sample_index, response, finish_reason = rec
        if sample_index < 0:
            continue
        row = truth.get(row_index)
        if row is None:
            raise ValueError(f"{generations_path}: row_index {row_index} is outside the batch rows {start}..{stop}")
        requests.append(score_request(row, response, finish_reason))
        slots.append(i)
    results = [NOT_GENERATED] * gens.height
    progress.expect(prompts=stop - start, responses=len(requests))
    progress.phase("scoring")
    scored = score_requests(requests, reward, lambda result: progress.add(responses=1))
    progress.add(prompts=stop - start)
    for slot, result in zip(slots, scored):
        results[slot] = result
    table = gens.drop("response").with_columns(
        pl.Series("score", [r.score for r in results], dtype=pl.Float64),
        pl.Series("passed", [r.passed for r in results], dtype=pl.Boolean),
        pl.Series("outcome", [r.outcome for r in results], dtype=pl.String),
        pl.Series("detail", [r.detail for r in results], dtype=pl.String),
        pl.Series("answer", [r.answer for r in results], dtype=pl.String),
        pl.Series("verifier", [r.verifier for r in results], dtype=pl.String),
        pl.Series("judged", [r.judged for r in results], dtype=pl.Boolean),
    )
    counts = dict(Counter(r.outcome for r, s in zip(results, gens["sample_index"]) if s >= 0))
    atomic.write_parquet(
        out_path, table.to_arrow(), {OUTCOME_COUNTS_KEY: counts, VERIFIERS_KEY: json.dumps(VERIFIER_VERSIONS)}
    )
    return counts
