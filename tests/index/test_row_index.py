"""The row index: ids from one definition, and every kind of bad row refused with file, row and field."""

from __future__ import annotations

import json

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from difficulty_filter import config
from difficulty_filter.dataset import DatasetError
from difficulty_filter.index import build_index, read_index, row_id, write_index
from difficulty_filter.index.checks import ROW_SCHEMA

from ..conftest import verl_row

REWARD = config.section("reward")
ZEBRA = {"header": ["Position", "Nationality"], "rows": [["1", "british"], ["2", "polish"]]}


def _with(row: dict, **changes) -> dict:
    return {**row, **changes}


def _truth(value, source: str) -> dict:
    return _with(verl_row(1, source=source), reward_model={"style": "rule", "ground_truth": value})


def _write(tmp_path, rows, name="d.parquet"):
    path = tmp_path / name
    pq.write_table(pa.Table.from_pylist(rows), path)
    return path


@pytest.mark.parametrize(
    "extra_info, expected",
    [
        ({"index": 17, "idx": "x", "id": "y"}, "17"),  # index first (the original map's order)
        ({"index": None, "idx": "web-3", "id": None}, "web-3"),  # WebInstruct
        ({"id": "zebra_12"}, "zebra_12"),  # puzzles
        ({"split": "train"}, None),  # no id: the index names the row
        (None, None),  # FinQA rows have no extra_info at all
    ],
)
def test_row_id_lookup_order(extra_info, expected):
    assert row_id(extra_info, 5, "id") == expected
    assert row_id(extra_info, 5, "position") == "5"


def test_index_of_a_good_dataset(tmp_path):
    rows = [
        verl_row(10),
        verl_row(11, source="table__hitab"),
        verl_row(12, source="mystery__x"),
        _with(_truth(json.dumps(ZEBRA), "logic__zebra_puzzle_dataset"), extra_info={"index": 13}),
        _truth(json.dumps({"inputs": ["1\n"], "outputs": ["1\n"]}), "codegen__taco")
        | {"extra_info": {"index": 14, "reference": "print(input())"}},
    ]
    path = _write(tmp_path, rows)
    out = tmp_path / "index.parquet"
    summary = write_index(path, out, "id", REWARD)
    index = read_index(out).table
    assert index["row_id"].to_list() == ["10", "11", "12", "13", "14"]
    assert index["domain"].to_list() == ["math", "table", "mystery", "logic", "codegen"]
    assert index["verifier"].to_list() == ["math", "table", "unknown", "zebra", "codegen"]
    assert index["has_reference"].to_list() == [False, False, False, False, True]
    assert summary["unknown_sources"] == 1 and summary["rows"] == 5  # counted, not refused


def test_key_by_position_allows_repeated_ids(tmp_path):
    path = _write(tmp_path, [verl_row(1), verl_row(1)])
    assert build_index(path, "position", REWARD).column("row_id").to_pylist() == ["0", "1"]


# kind -> rows of the dataset, and what the message must say (file and row are always checked)
BAD_ROWS = {
    "duplicate id": ([verl_row(3), verl_row(3)], 1, "extra_info", "repeats row 0"),
    "missing id": ([_with(verl_row(0), extra_info={"split": "train"})], 0, "extra_info", "no row id"),
    "prompt not a list": ([_with(verl_row(0), prompt="just text")], 0, "prompt", "not a JSON message list"),
    "empty prompt": ([_with(verl_row(0), prompt=[])], 0, "prompt", "non-empty list"),
    "message without content": (
        [_with(verl_row(0), prompt=[{"role": "user", "content": None}])],
        0,
        r"prompt\[0\].content",
        "expected a string",
    ),
    "NUL byte in prompt": (
        [_with(verl_row(0), prompt=[{"role": "user", "content": "a\x00b"}])],
        0,
        r"prompt\[0\].content",
        "NUL byte",
    ),
    "apply_chat_template false": (
        [_with(verl_row(0), apply_chat_template=False)],
        0,
        "apply_chat_template",
        "only chat prompts",
    ),
    "ground truth missing": (
        [_with(verl_row(0), reward_model={"style": "rule"})],
        0,
        "reward_model.ground_truth",
        "missing",
    ),
    "ground truth null": (
        [_with(verl_row(0), reward_model={"style": "rule", "ground_truth": None})],
        0,
        "reward_model.ground_truth",
        "is null",
    ),
    "codegen truth not JSON": (
        [verl_row(0), _truth("print(1)", "codegen__taco")],
        1,
        "reward_model.ground_truth",
        "codegen",
    ),
    "zebra truth not a table": (
        [verl_row(0), _truth("[1, 2]", "logic__zebra_puzzle_dataset")],
        1,
        "reward_model.ground_truth",
        "zebra",
    ),
    "ordering truth not a list": (
        [verl_row(0), _truth("{}", "logic__ordering_puzzle_dataset")],
        1,
        "reward_model.ground_truth",
        "ordering",
    ),
    "ARC truth not a grid": (
        [verl_row(0), _truth("[[1, 'x']]", "simulation__arcagi")],
        1,
        "reward_model.ground_truth",
        "arc_grid",
    ),
    "multiple choice truth not a letter": (
        [verl_row(0), _truth("maybe", "stem__gpqa")],
        1,
        "reward_model.ground_truth",
        "multiple_choice",
    ),
    "empty data_source": ([_with(verl_row(0), data_source="")], 0, "data_source", "non-empty string"),
    "math truth only whitespace": (
        [verl_row(0), _truth("  \n\t", "math__x")],
        1,
        "reward_model.ground_truth",
        "is blank .*the math verifier needs an answer",
    ),
    "table truth empty": ([_truth("", "table__hitab")], 0, "reward_model.ground_truth", "is blank"),
    "prompt role not a chat role": (
        [verl_row(0), _with(verl_row(1), prompt=[{"role": "robot", "content": "hi"}])],
        1,
        r"prompt\[0\].role",
        "'robot' is not a chat role \\(system, user, assistant, tool\\)",
    ),
}


@pytest.mark.parametrize("kind", BAD_ROWS)
def test_bad_rows_are_refused_with_file_row_and_field(tmp_path, kind):
    rows, bad_row, field, words = BAD_ROWS[kind]
    path = _write(tmp_path, rows)
    out = tmp_path / "index.parquet"
    with pytest.raises(DatasetError, match=rf"d.parquet, row {bad_row}, field '{field}': .*{words}"):
        write_index(path, out, "id", REWARD)
    assert list(tmp_path.iterdir()) == [path]  # nothing half-written


def test_non_utf8_bytes_are_named(tmp_path):
    table = pa.table(
        {
            "prompt": [[{"role": "user", "content": "hi"}]],
            "data_source": ["math__x"],
            "reward_model": [{"ground_truth": b"\xff\xfe"}],
            "extra_info": [{"index": 0}],
        }
    )
    path = tmp_path / "d.parquet"
    pq.write_table(table, path)
    with pytest.raises(DatasetError, match="row 0, field 'reward_model.ground_truth': not valid UTF-8"):
        build_index(path, "id", REWARD)


@pytest.mark.parametrize(
    "content, words",
    [
        (b"not parquet at all", "not a readable Parquet file"),
        (None, "not a readable Parquet file"),  # truncated: the first half of a real file
    ],
)
def test_unreadable_files_are_named(tmp_path, write_dataset, content, words):
    bad = tmp_path / "bad.parquet"
    if content is None:
        good = write_dataset([verl_row(i) for i in range(50)], name="good.parquet").read_bytes()
        content = good[: len(good) // 2]
    bad.write_bytes(content)
    with pytest.raises(DatasetError, match=rf"bad.parquet, field '<file>': {words}"):
        build_index(bad, "id", REWARD)


def test_missing_column_is_named(tmp_path):
    path = tmp_path / "d.parquet"
    pq.write_table(pa.table({"prompt": ["x"], "data_source": ["math__x"]}), path)
    with pytest.raises(DatasetError, match="field 'reward_model': required column is missing"):
        build_index(path, "id", REWARD)


def test_problems_are_collected_up_to_a_limit(tmp_path):
    path = _write(tmp_path, [_with(verl_row(i), prompt=[]) for i in range(30)])
    with pytest.raises(DatasetError) as info:
        build_index(path, "id", REWARD)
    assert "stopped at the first 20 problems" in str(info.value)
    assert str(info.value).count("field 'prompt'") == 20


def test_index_streams_row_groups(tmp_path):
    path = tmp_path / "d.parquet"
    pq.write_table(pa.Table.from_pylist([verl_row(i) for i in range(100)]), path, row_group_size=7)
    index = pl.from_arrow(build_index(path, "id", REWARD))
    assert index["row_index"].to_list() == list(range(100))


def test_every_chat_role_is_accepted_and_blank_truths_of_unchecked_routes_pass(tmp_path):
    messages = [{"role": role, "content": "x"} for role in ROW_SCHEMA.roles]
    rows = [_with(verl_row(0), prompt=messages), _with(_truth(" ", "mystery__x"), extra_info={"index": 1})]
    assert build_index(_write(tmp_path, rows), "id", REWARD).column("verifier").to_pylist() == ["math", "unknown"]


def test_the_row_rules_are_listed_in_the_docs():
    from pathlib import Path

    docs = (Path(__file__).resolve().parents[2] / "docs" / "architecture.md").read_text()
    for field, rule in ROW_SCHEMA.rules():
        assert f"`{field}`: {rule}" in docs, field
