"""Input validation for the prepare stage; errors name the file, the row and the field."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from ..dataset import REQUIRED_COLUMNS, DatasetError


def check_schema(path: str | Path, schema: pl.Schema) -> None:
    """Required verl columns present, `prompt` a list of {role, content} strings, `data_source` a string."""
    for column in REQUIRED_COLUMNS:
        if column not in schema:
            raise DatasetError(path, None, column, f"required column is missing (columns: {', '.join(schema)})")
    prompt = schema["prompt"]
    fields = (
        {f.name: f.dtype for f in prompt.inner.fields}
        if isinstance(prompt, pl.List) and isinstance(prompt.inner, pl.Struct)
        else {}
    )
    if fields.get("role") != pl.String or fields.get("content") != pl.String:
        raise DatasetError(
            path, None, "prompt", f"expected a list of {{role: str, content: str}} messages, got {prompt}"
        )
    if schema["data_source"] != pl.String:
        raise DatasetError(path, None, "data_source", f"expected strings, got {schema['data_source']}")


def check_rows(frame: pl.DataFrame, path: str | Path, offset: int) -> None:
    """Every row has a non-empty prompt and a non-empty data_source; `offset` is the frame's first row in `path`."""
    problems = (
        ("prompt", pl.col("prompt").list.len().fill_null(0) == 0, "is null or has no messages"),
        ("data_source", pl.col("data_source").fill_null("") == "", "is null or empty"),
    )
    for field, bad, problem in problems:
        rows = frame.select(bad.arg_true()).to_series()
        if len(rows):
            raise DatasetError(path, offset + int(rows[0]), field, problem)
