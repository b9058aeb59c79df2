"""What the stages after generation make of adaptive records: the full-n range in pass_rates, buckets that a
lucky sample cannot settle, the samples saved per model, the annotated columns."""

import polars as pl
import pytest

from difficulty_filter.filtering.annotate import pass_rate_columns
from difficulty_filter.pass_rates.stage import per_prompt
from difficulty_filter.report.tables import bucket_table, samples_table, with_bucket


def rewards(rows, records=None):
    """rows: (row_index, sample_index, passed, outcome); records: {row_index: (stop_reason, n target, passes)}."""
    frame = pl.DataFrame(
        [
            {
                "row_index": r,
                "data_source": "math__t",
                "sample_index": s,
                "passed": p,
                "outcome": o,
                "answer": None if p else "0",
                "response_tokens": 5,
                "finish_reason": "stop",
                "prompt_tokens": 3,
                "too_long": False,
                "score": float(p),
            }
            for r, s, p, o in rows
        ],
        schema_overrides={"answer": pl.String},
    )
    if records:
        frame = frame.with_columns(
            stop_reason=pl.col("row_index").replace_strict({r: v[0] for r, v in records.items()}),
            samples_target=pl.col("row_index").replace_strict({r: v[1] for r, v in records.items()}).cast(pl.Int32),
            passes_at_stop=pl.col("row_index").replace_strict({r: v[2] for r, v in records.items()}).cast(pl.Int32),
        )
    return frame


def test_pass_rates_carry_the_full_n_range():
    table = per_prompt(
        rewards(
            [(0, 0, True, "correct"), (1, 0, False, "wrong"), (1, 1, False, "timeout"), (2, -1, False, "truncated")],
            {0: ("exact", 16, 1), 1: ("exact", 4, 0), 2: ("cascade", 16, 0)},
        ),
        exclude_infra_errors=True,
    ).to_dicts()
    lucky, failing, skipped = table
    assert (lucky["pass_rate"], lucky["full_rate_low"], lucky["full_rate_high"]) == (1.0, 1 / 16, 1.0)
    assert (failing["full_rate_low"], failing["full_rate_high"]) == (0.0, 2 / 3)  # the timeout is left out
    assert skipped["pass_rate"] is None and (skipped["full_rate_low"], skipped["full_rate_high"]) == (0.0, 1.0)
    assert [r["stop_reason"] for r in table] == ["exact", "exact", "cascade"]
    assert [r["passes_at_stop"] for r in table] == [r["n_passed"] for r in table]


def test_without_records_every_sample_was_drawn():
    [row] = per_prompt(rewards([(0, 0, True, "correct"), (0, 1, False, "wrong")])).to_dicts()
    assert row["stop_reason"] == "full" and row["samples_target"] == 2
    assert row["full_rate_low"] == row["full_rate_high"] == row["pass_rate"] == 0.5


def test_one_lucky_sample_is_not_perfect():
    frame = pl.DataFrame(
        {
            "model": ["m"] * 3,
            "pass_rate": [1.0, 1.0, 0.0],
            "full_rate_low": [1 / 16, 1.0, 0.0],
            "full_rate_high": [1.0, 1.0, 0.0],
            "n": [1, 16, 16],
            "samples_target": [16, 16, 16],
            "stop_reason": ["exact", "full", "full"],
        }
    )
    with_buckets = with_bucket(frame)
    assert with_buckets["bucket"].to_list() == [None, "Perfect", "Impossible"]
    [row] = bucket_table(with_buckets, ["model"]).to_dicts()
    assert (row["total"], row["stopped_early"], row["Perfect"], row["Impossible"]) == (3, 1, 1, 1)
    [saving] = samples_table(frame).to_dicts()
    assert (saving["samples"], saving["samples_if_full"], saving["exact"], saving["full"]) == (33, 48, 1, 2)
    assert saving["saved"] == pytest.approx(1 - 33 / 48, abs=1e-4)


def test_annotated_columns_say_how_each_model_sampled():
    columns = pass_rate_columns(
        {"weak": [1.0, 0.0]},
        None,
        "weak",
        {
            "weak": {
                "n": [1, 16],
                "stop_reason": ["exact", "full"],
                "full_rate_low": [0.0625, 0.0],
                "full_rate_high": [1.0, 0.0],
            }
        },
    )
    assert columns["weak_difficulty"] == [None, "Impossible"] and columns["weak_samples"] == [1, 16]
    assert columns["weak_stop_reason"] == ["exact", "full"] and columns["high_pass_rate"] == [1.0, 0.0]
