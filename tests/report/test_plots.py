"""Every figure renders to a PNG on realistic synthetic and on empty data, and draws the data it is given."""

import polars as pl
import pytest

from difficulty_filter.report import plots
from difficulty_filter.report.inputs import read_json, read_pass_rates
from difficulty_filter.report.tables import filter_table, level_table, pair_matrix

from .synthetic_results import write_dataset

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    paths = write_dataset(tmp_path_factory.mktemp("plots"), "demo")
    return read_pass_rates({"demo": paths["pass_rates"]}), read_json(paths["filter_summary"])


def check_png(figure, path):
    """`figure` saved as a PNG with content (a blank figure compresses to far less)."""
    plots.save_png(figure, path)
    data = path.read_bytes()
    assert data.startswith(PNG) and len(data) > 2000
    assert not list(path.parent.glob(".*.tmp"))  # the temp file was renamed


def test_figures_on_synthetic_data(synthetic, tmp_path):
    rates, summary = synthetic
    check_png(plots.pass_rate_histogram(rates, "hist"), tmp_path / "hist.png")
    check_png(plots.pair_heatmap(pair_matrix(rates, "small", "large"), "small", "large", "pair"), tmp_path / "pair.png")
    check_png(plots.length_vs_pass_rate(rates, "lengths"), tmp_path / "lengths.png")
    check_png(plots.outcome_shares(rates, "outcomes"), tmp_path / "outcomes.png")
    check_png(plots.filter_effect(filter_table(summary), "filter"), tmp_path / "filter.png")
    buckets = level_table(rates, ["dataset"])
    check_png(plots.bucket_shares(buckets, "group", "shares"), tmp_path / "shares.png")


def test_histogram_panels_are_all_plus_each_domain(synthetic):
    rates, _ = synthetic
    figure = plots.pass_rate_histogram(rates, "hist")
    titles = [ax.get_title() for ax in figure.axes if ax.get_visible() and ax.get_title()]
    assert titles[0] == "all (300 prompts)"
    assert {t.split(" ")[0] for t in titles[1:]} == {"codegen", "logic", "math", "stem", "table"}


def test_figures_on_empty_data(synthetic, tmp_path):
    rates, _ = synthetic
    empty = rates.clear()
    check_png(plots.pass_rate_histogram(empty, "empty"), tmp_path / "hist.png")
    check_png(plots.length_vs_pass_rate(empty.with_columns(pl.lit("m").alias("model")), "empty"), tmp_path / "len.png")
    check_png(plots.outcome_shares(empty, "empty"), tmp_path / "outcomes.png")
    check_png(plots.filter_effect(filter_table({"by_data_source": {}}), "empty"), tmp_path / "filter.png")


def test_histogram_draws_every_prompt_of_each_model(synthetic):
    rates, _ = synthetic
    figure = plots.pass_rate_histogram(rates, "hist")
    first = figure.axes[0]
    assert (first.get_xlabel(), first.get_ylabel()) == ("pass rate", "prompts")
    heights = sum(p.get_height() for p in first.patches)
    assert heights == rates.filter(pl.col("pass_rate").is_not_null()).height  # one bar set per model, all prompts


def test_outcome_shares_stack_to_one_per_model_and_domain(synthetic):
    rates, _ = synthetic
    figure = plots.outcome_shares(rates, "outcomes")
    ax = figure.axes[0]
    assert ax.get_xlabel() == "share of responses"
    per_bar: dict[float, float] = {}
    for patch in ax.patches:
        per_bar[patch.get_y()] = per_bar.get(patch.get_y(), 0.0) + patch.get_width()
    bars = rates.select("model", "domain").unique().height + rates["model"].n_unique()  # + "all" per model
    assert len(per_bar) == bars
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert {label.split(" · ")[0] for label in labels} == set(rates["model"]) and "small · all" in labels
    assert all(total == pytest.approx(1.0) for total in per_bar.values())


def test_length_plot_has_one_point_per_prompt_and_a_median_line(synthetic):
    rates, _ = synthetic
    figure = plots.length_vs_pass_rate(rates, "lengths")
    panels = [ax for ax in figure.axes if ax.get_visible() and ax.get_title()]
    assert sorted(ax.get_title() for ax in panels) == sorted(rates["model"].unique().to_list())
    for ax in panels:
        model = rates.filter(pl.col("model") == ax.get_title())
        points = ax.collections[0].get_offsets()
        assert len(points) == model.filter(pl.col("pass_rate").is_not_null()).height
        assert [line.get_label() for line in ax.get_lines()] == ["median"]
