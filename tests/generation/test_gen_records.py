import pyarrow.parquet as pq

from difficulty_filter import atomic
from difficulty_filter.generation.inputs import Row
from difficulty_filter.generation.prompts import PreparedPrompt
from difficulty_filter.generation.records import (
    METADATA_KEY,
    SCHEMA,
    Sample,
    batch_table,
    finish_reason,
    write_batch,
    write_placeholder,
)

ROWS = [Row(5, "math__x", [{"role": "user", "content": "q"}]), Row(6, "math__x", [{"role": "user", "content": "r"}])]
PROMPTS = [PreparedPrompt([1, 2], 2, False, False), PreparedPrompt([3], 9, True, True)]


def test_schema_matches_architecture():
    assert SCHEMA.names == [
        "row_index",
        "data_source",
        "sample_index",
        "response",
        "response_tokens",
        "finish_reason",
        "prompt_tokens",
        "too_long",
        "prompt_truncated",
    ]
    assert str(SCHEMA.field("sample_index").type) == "int32" and str(SCHEMA.field("row_index").type) == "int64"


def test_one_row_per_sample_and_rejected_prompt_kept():
    table = batch_table(ROWS, PROMPTS, [[Sample("x", 1, "stop"), Sample("yy", 2, "length")], None])
    rows = table.to_pylist()
    assert [(r["row_index"], r["sample_index"], r["finish_reason"]) for r in rows] == [
        (5, 0, "stop"),
        (5, 1, "length"),
        (6, -1, "prompt_too_long"),
    ]
    assert rows[2]["response"] == "" and rows[2]["too_long"] and rows[2]["prompt_truncated"]
    assert rows[2]["prompt_tokens"] == 9


def test_finish_reasons_fold_onto_documented_set():
    assert [finish_reason(r) for r in ("stop", "length", "abort", None, "error")] == [
        "stop",
        "length",
        "abort",
        "abort",
        "abort",
    ]


def test_files_carry_metadata_and_placeholder_has_schema(tmp_path):
    write_batch(
        str(tmp_path / "b.parquet"),
        batch_table(ROWS[:1], PROMPTS[:1], [[Sample("x", 1, "stop")]]),
        {"sampling": {"n": 1}},
    )
    write_placeholder(str(tmp_path / "p.parquet"), {"sampling": {"n": 1}})
    assert atomic.read_metadata(tmp_path / "b.parquet", METADATA_KEY) == {"sampling": {"n": 1}}
    empty = pq.read_table(tmp_path / "p.parquet")
    assert empty.num_rows == 0 and empty.schema.remove_metadata() == SCHEMA
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp files left
