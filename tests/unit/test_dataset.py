"""The dataset reader: every column shape of the spec, row ids, and clear errors for bad input."""

import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from difficulty_filter import dataset
from difficulty_filter.dataset import DatasetError

from ..conftest import verl_row


def test_num_rows_reads_the_footer(write_dataset):
    path = write_dataset([verl_row(i) for i in range(7)])
    assert dataset.num_rows(path) == 7


def test_missing_and_corrupt_files_name_the_file(tmp_path):
    with pytest.raises(DatasetError, match="missing.parquet.*file not found"):
        dataset.num_rows(tmp_path / "missing.parquet")
    bad = tmp_path / "bad.parquet"
    bad.write_text("not parquet")
    with pytest.raises(DatasetError, match="bad.parquet.*not a readable Parquet"):
        dataset.num_rows(bad)


def test_missing_required_column(tmp_path):
    path = tmp_path / "d.parquet"
    pq.write_table(pa.table({"prompt": ["x"], "data_source": ["math__x"]}), path)
    with pytest.raises(DatasetError, match="field 'reward_model': required column is missing"):
        dataset.check_columns(path)


def test_read_slice_returns_only_those_rows(write_dataset):
    path = write_dataset([verl_row(i, answer=str(i)) for i in range(10)])
    rows = dataset.read_slice(path, 3, 6, ["reward_model", "extra_info"])
    assert [r["reward_model"]["ground_truth"] for r in rows] == ["3", "4", "5"]
    assert dataset.read_slice(path, 5, 5) == []


@pytest.mark.parametrize("truth", [
    "42",                                                    # math / table / graph / letter
    json.dumps({"inputs": ["1 2\n"], "outputs": ["3\n"]}),   # codegen JSON string
    '"output": [1, 2]',                                      # codeio fragment
])
def test_ground_truth_string_shapes(write_dataset, truth):
    path = write_dataset([verl_row(0, answer=truth)])
    row = dataset.read_slice(path, 0, 1)[0]
    assert dataset.ground_truth(row, 0, path) == truth


def test_ground_truth_nested_shapes(tmp_path):
    """ARC grids (list of lists), ordering lists and zebra dicts survive the Parquet round trip."""
    rows = []
    for truth in ([[1, 2], [3, 4]], [[0]]):
        rows.append({**verl_row(len(rows)), "reward_model": {"style": "rule", "ground_truth": truth}})
    grid_path = tmp_path / "grid.parquet"
    pq.write_table(pa.Table.from_pylist(rows), grid_path)
    assert dataset.read_slice(grid_path, 0, 2)[0]["reward_model"]["ground_truth"] == [[1, 2], [3, 4]]
    zebra = {"header": ["Position", "Nationality"], "rows": [["1", "british"], ["2", "polish"]]}
    zebra_path = tmp_path / "zebra.parquet"
    pq.write_table(pa.Table.from_pylist([{**verl_row(0), "reward_model": {"ground_truth": zebra}}]), zebra_path)
    assert dataset.ground_truth(dataset.read_slice(zebra_path, 0, 1)[0], 0, zebra_path) == zebra


def test_ground_truth_missing_names_row_and_field(tmp_path):
    with pytest.raises(DatasetError, match=r"d.parquet, row 4, field 'reward_model.ground_truth': is null"):
        dataset.ground_truth({"reward_model": {"ground_truth": None}}, 4, tmp_path / "d.parquet")
    with pytest.raises(DatasetError, match="row 2, field 'reward_model.ground_truth': missing"):
        dataset.ground_truth({}, 2, "d.parquet")


@pytest.mark.parametrize("extra_info, expected", [
    ({"index": 17, "idx": "x", "id": "y"}, "17"),      # index first (the original map's order)
    ({"index": None, "idx": "web-3", "id": None}, "web-3"),  # WebInstruct
    ({"id": "zebra_12"}, "zebra_12"),                  # puzzles
])
def test_row_id_lookup_order(extra_info, expected):
    assert dataset.row_id(extra_info, 5, "id") == expected


def test_row_id_missing_is_an_error_unless_keyed_by_position():
    with pytest.raises(DatasetError, match="row 3, field 'extra_info': no row id"):
        dataset.row_id({"split": "train"}, 3, "id", "d.parquet")
    with pytest.raises(DatasetError):
        dataset.row_id(None, 3, "id")      # FinQA rows have no extra_info at all
    assert dataset.row_id(None, 3, "position") == "3"
    assert dataset.row_id({"split": "x"}, 3, "auto") == "3"


@pytest.mark.parametrize("prompt, message", [
    (None, "expected a non-empty list"),
    ([], "expected a non-empty list"),
    ([{"role": "user"}], r"prompt\[0\]"),
    ("not json", "not a JSON message list"),
])
def test_bad_prompts_are_named(prompt, message):
    with pytest.raises(DatasetError, match=message):
        dataset.check_prompt({"prompt": prompt}, 0, "d.parquet")


def test_prompt_as_json_string_and_apply_chat_template_false():
    messages = [{"role": "user", "content": "hi"}]
    assert dataset.check_prompt({"prompt": json.dumps(messages)}, 0, "d") == messages
    with pytest.raises(DatasetError, match="apply_chat_template"):
        dataset.check_prompt({"prompt": messages, "apply_chat_template": False}, 0, "d")


def test_data_source_must_be_a_string():
    assert dataset.check_data_source({"data_source": "math__x"}, 0, "d") == "math__x"
    with pytest.raises(DatasetError, match="field 'data_source'"):
        dataset.check_data_source({"data_source": None}, 1, "d")
