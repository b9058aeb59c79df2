"""Domains, bucket tables per level, the two-model matrix and the filter table."""

import polars as pl
import pytest

from difficulty_filter.domains import domain_of, with_domain
from difficulty_filter.report.inputs import read_pass_rates
from difficulty_filter.report.tables import (
    bucket_sampling_table,
    filter_table,
    level_table,
    pair_matrix,
    sampling_table,
    values_table,
    with_bucket,
)
from difficulty_filter.stats.buckets import BUCKET_NAMES


@pytest.mark.parametrize(
    "source, domain",
    [
        ("math__aime_repeated_8x", "math"),
        ("codegen__leetcode2k", "codegen"),
        ("simulation__barc", "simulation"),
        ("zebra_puzzle_dataset", "logic"),
        ("ordering_puzzle_dataset", "logic"),
        ("graph_logical_dataset", "logic"),
        ("logic__zebra_puzzle_dataset", "logic"),
        ("stem_web", "stem"),
        ("stem__gpqa", "stem"),
        ("reasoning_gym", "other"),
    ],
)
def test_domain_of(source, domain):
    assert domain_of(source) == domain


def frame(rates: dict[str, list], sources: list[str], n: int = 4) -> pl.DataFrame:
    """A long pass-rate frame: {model: rates} of `n` samples per prompt, row i from sources[i]; the majority
    answer is correct from a pass rate of 0.5 on, and holds a share of max(rate, 1 - rate)."""
    return with_bucket(
        with_domain(
            pl.DataFrame(
                [
                    {
                        "dataset": "d",
                        "model": m,
                        "row_index": i,
                        "data_source": sources[i],
                        "pass_rate": r,
                        "n": 0 if r is None else n,
                        "n_passed": None if r is None else round(r * n),
                        "majority_correct": None if r is None else r >= 0.5,
                        "majority_share": None if r is None else max(r, 1 - r),
                    }
                    for m, rs in rates.items()
                    for i, r in enumerate(rs)
                ]
            )
        )
    )


def test_level_table_groups_by_model_and_level():
    rates = frame({"a": [0.0, 0.5, 1.0, None]}, ["math__x", "math__y", "zebra_puzzle_dataset", "math__x"])
    table = level_table(rates, ["dataset", "domain", "data_source"])
    assert table.columns[:3] == ["model", "level", "group"]
    domain = {r["group"]: r for r in table.filter(pl.col("level") == "domain").iter_rows(named=True)}
    assert set(domain) == {"math", "logic"}
    assert (domain["math"]["total"], domain["math"]["missing"], domain["math"]["Impossible"]) == (2, 1, 1)
    assert domain["logic"]["Perfect"] == 1
    whole = table.filter(pl.col("level") == "dataset").row(0, named=True)
    assert whole["total"] == 3 and sum(whole[b] for b in BUCKET_NAMES) == 3


def test_level_table_adds_pass_at_k_and_majority_vote():
    rates = frame({"a": [0.25, 0.5, 1.0, None]}, ["math__x", "math__x", "zebra_puzzle_dataset", "math__x"])
    table = level_table(rates, ["domain"], ks=[1, 2])
    math = table.filter(pl.col("group") == "math").row(0, named=True)
    assert math["pass@1"] == pytest.approx((0.25 + 0.5) / 2)
    assert math["pass@2"] == pytest.approx((0.5 + 5 / 6) / 2)  # 1 - C(3,2)/C(4,2) and 1 - C(2,2)/C(4,2)
    assert math["maj@n"] == 0.5 and math["majority_share"] == pytest.approx(0.625)


def test_sampling_table_pools_responses_for_the_wilson_interval():
    rates = frame({"a": [0.0, 0.5, 1.0, None]}, ["math__x"] * 4, n=10)
    row = sampling_table(rates, ["model"], [1, 20]).row(0, named=True)
    assert (row["prompts"], row["responses"], row["pass_rate"]) == (3, 30, 0.5)
    assert (row["wilson_low"], row["wilson_high"]) == pytest.approx((0.3315, 0.6685), abs=1e-4)
    assert row["pass@20"] is None  # no prompt has 20 samples


def test_bucket_sampling_table_orders_buckets_and_ends_with_all():
    rates = frame({"a": [1.0, 0.0, 0.5], "b": [0.25, 0.25, 0.75]}, ["math__x"] * 3)
    table = bucket_sampling_table(rates, [1])
    assert table.select("model", "bucket", "prompts").rows() == [
        ("a", "Impossible", 1),
        ("a", "Medium", 1),
        ("a", "Perfect", 1),
        ("a", "all", 3),
        ("b", "Hard", 2),
        ("b", "Easy", 1),
        ("b", "all", 3),
    ]
    assert table.filter(pl.col("bucket") == "all")["maj@n"].to_list() == [pytest.approx(2 / 3), pytest.approx(1 / 3)]


def test_values_table_keeps_group_order_and_counts_missing():
    table = values_table({"z": [1.0], "a": [0.1, None]})
    assert table["dataset"].to_list() == ["z", "a"]
    assert table.filter(pl.col("dataset") == "a").select("total", "missing", "Very Hard").row(0) == (1, 1, 1)


def test_pair_matrix_counts_prompts_scored_by_both_models():
    rates = frame({"low": [0.0, 0.0, 0.5, None], "high": [1.0, 0.0, 1.0, 1.0]}, ["math__x"] * 4)
    matrix = pair_matrix(rates, "low", "high")
    assert matrix["low_bucket"].to_list() == list(BUCKET_NAMES)
    cells = {(r["low_bucket"], b): r[b] for r in matrix.iter_rows(named=True) for b in BUCKET_NAMES}
    assert cells[("Impossible", "Perfect")] == 1
    assert cells[("Impossible", "Impossible")] == 1
    assert cells[("Medium", "Perfect")] == 1
    assert sum(cells.values()) == 3  # the prompt without a low pass rate is left out


def test_filter_table_per_domain_and_total():
    summary = {
        "by_data_source": {
            "math__x": {"kept": 3, "too_hard": 2},
            "stem_web": {"too_easy": 1, "odd": 1},
            "math__y": {"kept": 1},
        }
    }
    table = filter_table(summary)
    rows = {r["domain"]: r for r in table.iter_rows(named=True)}
    assert list(rows) == ["math", "stem", "all"]
    assert (rows["math"]["before"], rows["math"]["kept"], rows["math"]["too_hard"]) == (6, 4, 2)
    assert (rows["stem"]["dropped"], rows["stem"]["too_easy"], rows["stem"]["odd"]) == (2, 1, 1)
    assert (rows["all"]["before"], rows["all"]["kept"], rows["all"]["dropped"]) == (8, 4, 4)


def test_read_pass_rates_adds_model_domain_and_bucket(dataset_inputs):
    rates = read_pass_rates({"demo": dataset_inputs["pass_rates"]})
    assert {"dataset", "model", "domain", "bucket"} <= set(rates.columns)
    assert sorted(rates["model"].unique()) == ["large", "small"]
    assert set(rates["domain"].unique()) == {"math", "codegen", "logic", "stem", "table"}
