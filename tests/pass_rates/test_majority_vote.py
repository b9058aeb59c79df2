"""Majority answer and its share per prompt, as written into pass_rates.parquet."""

import polars as pl
import pytest

from difficulty_filter.pass_rates.stage import per_prompt

from .rewards import rewards


def test_majority_answer_share_and_correctness():
    table = per_prompt(
        rewards(
            [
                (0, 0, True, "correct", "14"),
                (0, 1, True, "correct", "14"),
                (0, 2, False, "wrong", "1"),
                (0, 3, False, "no_answer", None),
                (0, 4, False, "no_answer", None),
                (0, 5, False, "no_answer", None),
                (1, 0, False, "wrong", "1"),
                (1, 1, False, "wrong", "1"),
                (1, 2, False, "wrong", "1"),
                (1, 3, True, "correct", "14"),
                (1, 4, True, "correct", "14"),
                (1, 5, False, "wrong", "3"),
            ]
        )
    ).select(
        "row_index",
        "majority_answer",
        "majority_count",
        "majority_share",
        "majority_correct",
        "top_wrong_answer",
        "top_wrong_count",
    )
    assert table.rows() == [
        (0, "14", 2, 2 / 6, True, "1", 1),  # answerless responses do not vote but count in the share
        (1, "1", 3, 0.5, False, "1", 3),
    ]


def test_ties_go_to_the_smallest_answer_and_no_answers_give_nulls():
    table = per_prompt(
        rewards(
            [
                (0, 0, False, "wrong", "b"),
                (0, 1, True, "correct", "a"),
                (1, 0, False, "no_answer", None),
                (2, -1, False, "truncated", None),
            ]
        )
    )
    assert table["majority_answer"].to_list() == ["a", None, None]
    assert table["majority_correct"].to_list() == [True, None, None]
    assert table["majority_share"].to_list() == [0.5, None, None]


def test_pass_rates_file_has_pass_at_k_and_majority_columns(tmp_path):
    from difficulty_filter.index import RowIndex
    from difficulty_filter.pass_rates.stage import write_pass_rates

    path = tmp_path / "rewards.parquet"
    rewards(
        [(0, s, s < 2, "correct" if s < 2 else "wrong", "14" if s < 2 else "1") for s in range(6)]
        + [(1, s, False, "wrong", "3") for s in range(6)]
    ).write_parquet(path)
    index = RowIndex("index.parquet", pl.DataFrame({"row_id": ["a", "b"]}))
    table = write_pass_rates([path], index, tmp_path / "pr.parquet", tmp_path / "map.json", False, [1, 4, 8])
    written = pl.read_parquet(tmp_path / "pr.parquet")
    assert "pass@8" not in written.columns  # 6 samples per prompt
    assert written["pass@4"].to_list() == [pytest.approx(1 - 1 / 15), 0.0]  # 1 - C(4,4)/C(6,4)
    assert written["row_id"].to_list() == ["a", "b"] and table["majority_answer"].to_list() == ["1", "3"]
