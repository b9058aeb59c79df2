"""The dataset reader: every column shape of the spec, row ids, and clear errors for bad input."""

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from difficulty_filter import dataset
from difficulty_filter.dataset import DatasetError

from .conftest import verl_row


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
