"""The per-dataset and combined reports: every output the rules name is written and holds what it should."""

import io
import json

import polars as pl
import pytest

from difficulty_filter.config import section
from difficulty_filter.report.analyze import analyze_combined, analyze_dataset, pair_of, publish

from .synthetic_results import write_dataset

DATASET_OUTPUTS = {
    "overview": "overview.html",
    "summary": "summary.json",
    "buckets": "buckets.tsv",
    "sampling": "sampling.tsv",
    "filter": "filter.tsv",
    "notes": "notes.tsv",
    "flagged": "flagged.tsv",
    "histogram": "pass_rate_hist.png",
    "lengths": "length_vs_pass_rate.png",
    "outcomes": "outcome_shares.png",
    "filter_effect": "filter_effect.png",
    "matrix": "pair_matrix.tsv",
    "heatmap": "pair_heatmap.png",
}
COMBINED_OUTPUTS = {
    "overview": "overview.html",
    "summary": "summary.json",
    "buckets": "buckets.tsv",
    "histogram": "pass_rate_hist.png",
    "bucket_shares": "bucket_shares.png",
    "mapping": "M_combined.json",
}


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    root = tmp_path_factory.mktemp("results")
    return {"demo": write_dataset(root, "demo"), "other": write_dataset(root, "other", n_prompts=40, seed=3)}


def dataset_report(paths, pair=("small", "large")):
    return analyze_dataset(
        "demo",
        paths["pass_rates"],
        paths["annotated"],
        paths["filter_summary"],
        paths["reference_check"],
        pair,
        section("report", {"pass_at_k": [1, 4, 16, 32]}),
    )


@pytest.fixture(scope="module")
def published(inputs, tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    with open(out / "log.txt", "w") as log:
        publish(dataset_report(inputs["demo"]), {k: out / v for k, v in DATASET_OUTPUTS.items()}, echo=log)
    return out


def test_every_output_is_written(published):
    for name in DATASET_OUTPUTS.values():
        assert (published / name).stat().st_size > 0, name
    assert not list(published.glob(".*.tmp"))


def test_summary_json(published):
    summary = json.loads((published / "summary.json").read_text())
    assert summary["provenance"]["sampling"]["n"] == 16
    assert summary["models"] == ["large", "small"]
    assert set(summary["levels"]) == {"dataset", "domain", "data_source"}
    whole = summary["levels"]["dataset"]["small"]["demo"]
    assert whole["total"] == 300 and sum(whole["buckets"].values()) == 300
    assert set(summary["levels"]["domain"]["large"]) == {"codegen", "logic", "math", "stem", "table"}
    matrix = summary["pair_matrix"]
    assert (matrix["low"], matrix["high"]) == ("small", "large")
    assert sum(sum(row.values()) for row in matrix["counts"].values()) == 300
    assert summary["filter"]["by_domain"][-1]["domain"] == "all"
    assert summary["filter"]["by_domain"][-1]["before"] == 300
    assert {"pass@1", "pass@4", "pass@16", "maj@n"} <= set(whole) and "pass@32" not in whole  # n = 16
    assert whole["pass@1"] == pytest.approx(whole["mean"])
    by_bucket = summary["by_bucket"]["small"]
    assert list(by_bucket)[-1] == "all" and by_bucket["all"]["prompts"] == 300
    assert by_bucket["Impossible"]["pass@16"] == 0 and by_bucket["Perfect"]["pass@1"] == 1
    low, high = by_bucket["all"]["wilson_low"], by_bucket["all"]["wilson_high"]
    assert low < by_bucket["all"]["pass_rate"] < high


def test_tsv_tables(published):
    buckets = pl.read_csv(published / "buckets.tsv", separator="\t")
    assert buckets.columns[:5] == ["model", "level", "group", "total", "missing"]
    flagged = pl.read_csv(published / "flagged.tsv", separator="\t")
    assert flagged.select("row_index", "flag").rows() == [(1, "reference_failed"), (7, "suspect_label")]
    notes = pl.read_csv(published / "notes.tsv", separator="\t")
    assert {"suspect_label", "reference_failed", "no_answer"} <= set(notes["kind"])
    assert pl.read_csv(published / "pair_matrix.tsv", separator="\t").height == 7
    sampling = pl.read_csv(published / "sampling.tsv", separator="\t")
    assert sampling.columns == [
        "model",
        "bucket",
        "prompts",
        "responses",
        "pass_rate",
        "wilson_low",
        "wilson_high",
        "pass@1",
        "pass@4",
        "pass@16",
        "maj@n",
        "majority_share",
    ]


def test_overview_and_log_show_the_tables(published):
    html = (published / "overview.html").read_text()
    log = (published / "log.txt").read_text()
    for text in (
        "Difficulty report: demo",
        "Pass rates by domain",
        "Pass@k and majority vote by difficulty bucket",
        "Health notes",
        "Rows to check",
        "Provenance",
    ):
        assert text in html and text in log


def test_pair_outputs_need_a_pair(inputs, tmp_path):
    report = dataset_report(inputs["demo"], pair=None)
    assert report.matrix is None
    with pytest.raises(ValueError, match="unknown report outputs \\['heatmap'\\]"):
        publish(report, {"heatmap": tmp_path / "x.png"}, echo=io.StringIO())


@pytest.mark.parametrize(
    "filter_models, models, pair",
    [
        ({"low": "a", "high": "b"}, ["a", "b", "c"], ("a", "b")),
        ({"low": "a", "high": "a"}, ["a"], None),
        ({"low": "a", "high": "a"}, ["a", "b"], ("a", "b")),
        ({"low": None, "high": None}, ["x", "y"], ("x", "y")),
        ({"low": "a", "high": None}, ["a", "b", "c"], None),
    ],
)
def test_pair_of(filter_models, models, pair):
    assert pair_of(filter_models, models) == pair


def test_combined_report(inputs, tmp_path, caplog):
    paths = {name: p["pass_rates"]["small"] for name, p in inputs.items()}
    report = analyze_combined("small", paths, [1, 4])
    with open(tmp_path / "log.txt", "w") as log:
        publish(report, {k: tmp_path / v for k, v in COMBINED_OUTPUTS.items()}, echo=log)
    assert "40 keys of other were already in an earlier dataset" in caplog.text
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["datasets"] == ["demo", "other"]
    assert summary["levels"]["all"]["all datasets"]["total"] == 340
    assert summary["levels"]["dataset"]["other"]["total"] == 40
    assert summary["levels"]["dataset"]["other"]["pass@4"] > summary["levels"]["dataset"]["other"]["pass@1"]
    mapping = json.loads((tmp_path / "M_combined.json").read_text())
    assert len(mapping) == 300 and summary["keys_in_combined_map"] == 300
    for name in COMBINED_OUTPUTS.values():
        assert (tmp_path / name).stat().st_size > 0
