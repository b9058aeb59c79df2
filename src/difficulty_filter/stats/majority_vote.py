"""Most common extracted answer per prompt: the majority vote (maj@n) and the top wrong answer."""

from __future__ import annotations

import polars as pl

from ..outcomes import WRONG

SCORED = pl.col("sample_index") >= 0


def most_common_answer(rewards: pl.DataFrame, among: pl.Expr) -> pl.DataFrame:
    """Per `row_index`: the most common non-null `answer` of the responses matching `among` (ties: the
    smallest answer), its `count`, and `passed_share`, the share of its responses that passed."""
    answers = rewards.filter(among & pl.col("answer").is_not_null())
    return (
        answers.group_by("row_index", "answer")
        .agg(count=pl.len().cast(pl.Int64), passed_share=pl.col("passed").mean())
        .sort(["row_index", "count", "answer"], descending=[False, True, False])
        .group_by("row_index", maintain_order=True)
        .first()
    )


def majority_votes(rewards: pl.DataFrame) -> pl.DataFrame:
    """Per prompt: `majority_answer` over all scored responses, `majority_count`, and `majority_correct`
    (most of the responses giving that answer passed). Responses without an answer do not vote."""
    top = most_common_answer(rewards, SCORED)
    return top.select(
        "row_index",
        pl.col("answer").alias("majority_answer"),
        pl.col("count").alias("majority_count"),
        (pl.col("passed_share") > 0.5).alias("majority_correct"),
    )


def top_wrong_answers(rewards: pl.DataFrame) -> pl.DataFrame:
    """Per prompt: the most common answer among `wrong` responses and its count."""
    top = most_common_answer(rewards, SCORED & (pl.col("outcome") == WRONG))
    return top.select("row_index", pl.col("answer").alias("top_wrong_answer"), pl.col("count").alias("top_wrong_count"))
