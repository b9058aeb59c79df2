"""Domains, bucket tables per level, the two-model matrix and the filter table."""

import polars as pl
import pytest

from difficulty_filter.report.domains import domain_of, with_domain
from difficulty_filter.report.inputs import read_pass_rates
from difficulty_filter.report.tables import filter_table, level_table, pair_matrix, values_table, with_bucket
from difficulty_filter.stats.buckets import BUCKET_NAMES


@pytest.mark.parametrize("source, domain", [
    ("math__aime_repeated_8x", "math"), ("codegen__leetcode2k", "codegen"), ("simulation__barc", "simulation"),
    ("zebra_puzzle_dataset", "logic"), ("ordering_puzzle_dataset", "logic"), ("graph_logical_dataset", "logic"),
    ("logic__zebra_puzzle_dataset", "logic"), ("stem_web", "stem"), ("stem__gpqa", "stem"), ("reasoning_gym", "other"),
])
def test_domain_of(source, domain):
    assert domain_of(source) == domain


def frame(rates: dict[str, list], sources: list[str]) -> pl.DataFrame:
    """A long pass-rate frame: {model: rates}, row i from sources[i]."""
    return with_bucket(with_domain(pl.DataFrame([
        {"dataset": "d", "model": m, "row_index": i, "data_source": sources[i], "pass_rate": r}
        for m, rs in rates.items() for i, r in enumerate(rs)])))


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
    summary = {"by_data_source": {"math__x": {"kept": 3, "too_hard": 2}, "stem_web": {"too_easy": 1, "odd": 1},
                                  "math__y": {"kept": 1}}}
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
