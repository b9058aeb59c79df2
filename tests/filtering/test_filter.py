"""Annotate/filter semantics: the original's thresholds, its key-mismatch bug fixed, explicit reasons."""

import json

import pyarrow.parquet as pq
import pytest

from difficulty_filter.filtering import decisions as f
from difficulty_filter.filtering.stage import annotate_from_json, filter_annotated, filter_table

from ..conftest import verl_row


def test_original_threshold_semantics():
    """drop if low <= low_thresh (too hard), drop if high >= high_thresh (too easy); boundaries inclusive."""
    low = [0.0, 1e-5, 0.5, 0.5, 0.5]
    high = [0.5, 0.5, 0.9, 0.89, 1.0]
    assert f.decide(low, high, 1e-5, 0.9) == [f.TOO_HARD, f.TOO_HARD, f.TOO_EASY, None, f.TOO_EASY]


def test_one_sided_filters():
    assert f.decide([0.0, 0.3], None, 0.0, None) == [f.TOO_HARD, None]
    assert f.decide(None, [0.95, 0.3], None, 0.9) == [f.TOO_EASY, None]


def test_missing_pass_rate_is_dropped_and_reported_not_silently_kept():
    assert f.decide([None, 0.5], [0.5, None], 0.0, 0.9) == [f.MISSING, f.MISSING]


def test_missing_side_yields_to_a_side_that_drops_anyway():
    """The adaptive cascade leaves the later model without a pass rate for rows the earlier one dropped."""
    assert f.decide([None, None, 0.0], [0.95, 0.5, None], 1e-5, 0.9) == [f.TOO_EASY, f.MISSING, f.TOO_HARD]


def test_broken_tests_dropped_only_on_request():
    assert f.decide([0.5], [0.5], 0.0, 0.9, broken=[True]) == [None]
    assert f.decide([0.5], [0.5], 0.0, 0.9, broken=[True], drop_broken=True) == [f.BROKEN]


def test_summary_counts_by_reason_and_source():
    summary = f.summarize([None, f.TOO_HARD, f.TOO_EASY, None], ["a", "a", "b", "b"])
    assert summary["kept_rows"] == 2 and summary["dropped_rows"] == 2
    assert summary["dropped_by_reason"][f.TOO_HARD] == 1
    assert summary["by_data_source"] == {"a": {"kept": 1, "too_hard": 1}, "b": {"too_easy": 1, "kept": 1}}


def test_threshold_suffix_matches_the_original_file_names():
    assert f.threshold_suffix(1e-5, 0.9) == "_l1e-05_h0.9"


def test_json_keys_in_the_original_map_format_are_found(tmp_path, write_dataset):
    """The original's run_add_pr/run_filter looked up bare ids in source-prefixed maps and matched nothing."""
    data = write_dataset([verl_row(i, source="math__toy") for i in range(4)])
    low = tmp_path / "low.json"
    high = tmp_path / "high.json"
    low.write_text(json.dumps({"math__toy_0": 0.0, "math__toy_1": 0.5, "math__toy_2": 0.5, "math__toy_3": 1.0}))
    high.write_text(json.dumps({"0": 0.0, "1": 0.5, "2": 0.95, "3": 1.0}))  # older bare-id format also works
    out = tmp_path / "pr.parquet"
    table = annotate_from_json(data, out, low, high)
    assert table.column("low_pass_rate").to_pylist() == [0.0, 0.5, 0.5, 1.0]
    assert table.column("high_pass_rate").to_pylist() == [0.0, 0.5, 0.95, 1.0]
    kept, reasons, _ = filter_table(pq.read_table(out), 0.0, 0.9)
    assert reasons == [f.TOO_HARD, None, f.TOO_EASY, f.TOO_EASY]
    assert kept.num_rows == 1
    assert kept.column_names == table.column_names  # original columns and pass rates kept


def test_row_missing_from_json_gets_null_not_zero(tmp_path, write_dataset):
    data = write_dataset([verl_row(0), verl_row(1)])
    low = tmp_path / "low.json"
    low.write_text(json.dumps({"math__toy_0": 0.7}))
    table = annotate_from_json(data, tmp_path / "o.parquet", low, None)
    assert table.column("low_pass_rate").to_pylist() == [0.7, None]


def test_duplicate_rows_are_not_collapsed(tmp_path, write_dataset):
    """The original keyed rows by id and silently collapsed duplicates; rows stay rows here."""
    data = write_dataset([verl_row(0), verl_row(0), verl_row(1)])
    low = tmp_path / "low.json"
    low.write_text(json.dumps({"math__toy_0": 0.5, "math__toy_1": 0.5}))
    annotate_from_json(data, tmp_path / "a.parquet", low, None)
    summary = filter_annotated(tmp_path / "a.parquet", tmp_path / "f.parquet", tmp_path / "s.json", 0.0, None)
    assert summary["kept_rows"] == 3
    assert pq.read_table(tmp_path / "f.parquet").num_rows == 3


def test_filter_requires_the_configured_column(tmp_path, write_dataset):
    data = write_dataset([verl_row(0)])
    with pytest.raises(ValueError, match="no high_pass_rate column"):
        filter_table(pq.read_table(data), None, 0.9)


def test_missing_json_file_is_an_error(tmp_path, write_dataset):
    data = write_dataset([verl_row(0)])
    with pytest.raises(FileNotFoundError, match="nope.json"):
        annotate_from_json(data, tmp_path / "o.parquet", tmp_path / "nope.json", None)
