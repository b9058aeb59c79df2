"""The report and `difficulty-filter status` of an exact adaptive run in which every prompt stopped early: no
figure of drawn samples passes for a full-n one, prompts decided early are counted per decided class with their
range, and the saving against a full run is shown."""

import argparse
import json

import polars as pl
import pytest

from difficulty_filter.adaptive import Side
from difficulty_filter.commands import status as status_command
from difficulty_filter.config import section
from difficulty_filter.report.analyze import analyze_dataset, filter_sides_of, publish
from difficulty_filter.report.tables import known_table, pass_at_k_bounds, with_decision
from difficulty_filter.run_control.status import run_status

from .adaptive_results import LOW, ROWS, TOKENS, N, write_exact_run

OUTPUTS = {
    "overview": "overview.html",
    "summary": "summary.json",
    "buckets": "buckets.tsv",
    "sampling": "sampling.tsv",
    "histogram": "pass_rate_hist.png",
    "lengths": "length_vs_pass_rate.png",
    "outcomes": "outcome_shares.png",
    "matrix": "pair_matrix.tsv",
}


@pytest.fixture(scope="module")
def exact_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("exact")
    paths = write_exact_run(root, seconds={"strong": 30.0, "weak": 4.5})
    report = analyze_dataset(
        "demo",
        paths["pass_rates"],
        paths["annotated"],
        paths["filter_summary"],
        paths["reference_check"],
        ("strong", "weak"),
        section("report", {"pass_at_k": [1, 4, 16]}),
    )
    layout = paths["layout"]
    with open(root / "log.txt", "w") as log:
        publish(report, {k: layout.report("demo", v) for k, v in OUTPUTS.items()}, echo=log)
    return paths | {"root": root, "report": report}


def test_the_filter_sides_are_read_from_the_annotated_table(exact_run):
    sides = filter_sides_of(exact_run["annotated"], {"low_thresh": LOW, "high_thresh": 0.9}, ["weak", "strong"])
    assert sides == {"strong": (Side("low", LOW),), "weak": (Side("high", 0.9),)}
    assert filter_sides_of(exact_run["annotated"], {"low_thresh": LOW}, ["other"]) is None  # cannot tell


def test_no_mean_or_pass_at_k_of_drawn_samples(exact_run):
    with open(exact_run["layout"].report("demo", "summary.json")) as handle:
        summary = json.load(handle)
    whole = summary["levels"]["dataset"]["strong"]["demo"]
    assert (whole["total"], whole["stopped_early"], whole["fully_sampled"], whole["samples"]) == (ROWS, ROWS, 0, 0)
    assert whole["mean"] is None and whole["pass@1"] is None and whole["maj@n"] is None
    assert set(summary["by_bucket"]) == set()  # pass@k by bucket: no fully sampled prompt
    strong = summary["known"]["strong"]
    assert (strong["fully_sampled"], strong["decided_early"], strong["samples_early"]) == (0, ROWS, 20 * 15 + 10 * 2)
    assert strong["mean_full"] is None
    assert strong["mean_low"] == pytest.approx(10 * 2 / N / ROWS)
    assert strong["mean_high"] == pytest.approx((20 * 1 / N + 10 * 1.0) / ROWS)
    bounds = {(b["model"], b["k"]): b for b in summary["pass_at_k_bounds"]}
    assert bounds[("strong", 1)]["pass@k_full"] is None and bounds[("strong", 1)]["prompts_bounded"] == ROWS
    assert bounds[("strong", 1)]["low"] == pytest.approx(strong["mean_low"])
    assert bounds[("strong", 16)]["high"] == 1.0


def test_prompts_decided_early_count_in_their_class_with_their_range(exact_run):
    early = exact_run["report"].decided_early()
    assert early["strong"]["too_hard"] | {"rate_low": 0.0} == {
        "prompts": 20,
        "samples": 300,
        "bucket_known": 0,
        "rate_low": 0.0,
        "rate_high": 1 / N,
    }
    assert (early["strong"]["kept"]["prompts"], early["strong"]["kept"]["rate_low"]) == (10, 2 / N)
    assert early["weak"] == {
        "kept": {"prompts": 30, "samples": 60, "bucket_known": 0, "rate_low": 0.0, "rate_high": 14 / N}
    }


def test_the_saving_against_a_full_run(exact_run):
    samples = {row["model"]: row for row in exact_run["report"].samples.to_dicts()}
    weak = samples["weak"]
    assert (weak["samples"], weak["samples_if_full"], weak["saved"]) == (60, ROWS * N, 1 - 60 / (ROWS * N))
    assert (weak["tokens"], weak["tokens_if_full_est"], weak["model_seconds"]) == (60 * TOKENS, ROWS * N * TOKENS, 4.5)
    assert samples["strong"]["exact"] == ROWS and samples["strong"]["model_seconds"] == 30.0


def test_every_printed_table_says_what_it_is_over(exact_run):
    log = (exact_run["root"] / "log.txt").read_text()
    for text in (
        "What each model's samples say, over which prompts",
        "Prompts decided early, by the filter's decision",
        "[rate_low, rate_high]",
        "[mean_low, mean_high]",
        "fully sampled prompts only",
        "Pass@k: fully sampled prompts, and its bound over every sampled prompt",
        "tokens_if_full_est = an estimate",
        "0 of 30 prompts: those whose full-n bucket is known for both models",
    ):
        assert text in log, text


def cli(argv):
    parser = argparse.ArgumentParser()
    status_command.add_parser(parser.add_subparsers(), "status")
    return status_command.run(parser.parse_args(["status", *argv]))


def test_status_counts_prompts_decided_early_and_shows_the_saving(exact_run, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.chdir(exact_run["root"])
    status = run_status("results")
    strong = next(p for p in status.pairs if p.model == "strong")
    assert (strong.responses, strong.samples_if_full, strong.tokens_if_full_est) == (320, 480, 480 * TOKENS)
    assert strong.model_seconds == 30.0
    assert cli(["results"]) == 0
    out = capsys.readouterr().out
    assert "  strong: decided early: too_hard 20 (rate <= 0.0625), kept 10 (rate in [0.125, 1])" in out
    assert "  weak: decided early: kept 30 (rate in [0, 0.875])" in out
    assert "Impossible 0" not in out
    assert "demo/weak drew 60 of a full run's 480 samples (12%), 420 of ~3.4k tokens (estimated" in out
    assert "30s in generate jobs" in out


def test_a_full_run_reads_as_before():
    frame = pl.DataFrame(
        {"model": ["m"] * 3, "pass_rate": [0.0, 0.5, 1.0], "n": [4, 4, 4], "n_passed": [0, 2, 4]},
    )
    [known] = known_table(with_decision(frame, None)).to_dicts()
    assert (known["fully_sampled"], known["decided_early"], known["mean_full"]) == (3, 0, 0.5)
    assert known["mean_low"] == known["mean_high"] == 0.5
    [bound] = pass_at_k_bounds(frame, [1]).to_dicts()
    assert bound["pass@k_full"] == bound["low"] == bound["high"] == 0.5
