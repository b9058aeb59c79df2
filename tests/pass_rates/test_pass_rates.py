"""Pass-rate maths: counts per outcome, infra-error exclusion, Wilson bounds, the original map format."""

import polars as pl
import pytest

from difficulty_filter.pass_rates.stage import DuplicateIdError, idx_to_passrate, per_prompt

from .rewards import rewards


def test_counts_and_rates():
    table = per_prompt(
        rewards(
            [
                (0, 0, True, "correct", "2", 10, "stop"),
                (0, 1, False, "wrong", "3", 20, "stop"),
                (0, 2, False, "timeout", None, 30, "stop"),
                (0, 3, False, "no_answer", None, 40, "length"),
                (1, 0, False, "wrong", "7", 5, "stop"),
                (1, 1, False, "wrong", "7", 5, "stop"),
            ]
        )
    ).to_dicts()
    first, second = table
    assert (first["n"], first["n_passed"], first["n_correct"], first["n_timeout"]) == (4, 1, 1, 1)
    assert first["pass_rate"] == 0.25
    assert first["pass_rate_excl_infra"] == pytest.approx(1 / 3)
    assert first["mean_response_tokens"] == 25 and first["max_response_tokens"] == 40
    assert first["truncation_rate"] == 0.25
    assert (second["top_wrong_answer"], second["top_wrong_count"]) == ("7", 2)
    assert second["pass_rate"] == 0.0 and second["wilson_low"] == 0.0
    assert second["wilson_high"] == pytest.approx(0.6576, abs=1e-4)  # Wilson 0/2


def test_exclude_infra_errors_changes_the_deciding_rate():
    table = per_prompt(
        rewards([(0, 0, True, "correct", "1", 1, "stop"), (0, 1, False, "sandbox_error", None, 1, "stop")]),
        exclude_infra_errors=True,
    )
    assert table["pass_rate"][0] == 1.0 and table["pass_rate_all"][0] == 0.5


def test_prompt_never_generated_has_no_pass_rate():
    table = per_prompt(rewards([(0, -1, False, "truncated", None, 0, "prompt_too_long")]))
    assert table["n"][0] == 0 and table["pass_rate"][0] is None


def test_all_infra_errors_gives_null_excluded_rate():
    table = per_prompt(rewards([(0, 0, False, "timeout", None, 1, "stop")]))
    assert table["pass_rate_excl_infra"][0] is None and table["pass_rate"][0] == 0.0


def test_idx_to_passrate_uses_the_original_key_and_rejects_duplicates():
    table = pl.DataFrame(
        {"row_index": [0, 1], "row_id": ["5", "6"], "data_source": ["math__t", "math__t"], "pass_rate": [0.5, 1.0]}
    )
    assert idx_to_passrate(table) == {"math__t_5": 0.5, "math__t_6": 1.0}
    with pytest.raises(DuplicateIdError, match="math__t_5"):
        idx_to_passrate(table.with_columns(pl.lit("5").alias("row_id")))
