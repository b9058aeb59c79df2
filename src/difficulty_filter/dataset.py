"""Read verl RL Parquet files: the footer (row count, columns), row slices and prompt messages.

Rows are validated once, by the index stage (difficulty_filter.index); readers here trust that.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow.parquet as pq

REQUIRED_COLUMNS = ("prompt", "data_source", "reward_model")


class DatasetError(ValueError):
    """Bad input data; the message names the file, the row and the field."""

    def __init__(self, path: str | Path, row: int | None, field: str, problem: str):
        where = f"{path}" + (f", row {row}" if row is not None else "") + f", field '{field}'"
        super().__init__(f"{where}: {problem}")


def open_parquet(path: str | Path) -> pq.ParquetFile:
    """The file's Parquet reader, or DatasetError naming it (missing, not Parquet, truncated footer)."""
    try:
        return pq.ParquetFile(path)
    except FileNotFoundError:
        raise DatasetError(path, None, "<file>", "file not found") from None
    except Exception as exc:  # pyarrow raises several types for a corrupt or truncated footer
        raise DatasetError(path, None, "<file>", f"not a readable Parquet file ({exc})") from None


def num_rows(path: str | Path) -> int:
    """Row count from the Parquet footer (cheap: no data pages are read)."""
    return open_parquet(path).metadata.num_rows


def check_columns(path: str | Path) -> None:
    """Fail early if a required verl column is missing."""
    names = open_parquet(path).schema_arrow.names
    for column in REQUIRED_COLUMNS:
        if column not in names:
            raise DatasetError(path, None, column, f"required column is missing (columns: {', '.join(names)})")


def read_columns(path: str | Path, columns: Sequence[str]) -> list[dict]:
    """Whole columns as Python dicts."""
    return pl.read_parquet(path, columns=list(columns)).to_dicts()


def read_slice(path: str | Path, start: int, stop: int, columns: Sequence[str] | None = None) -> list[dict]:
    """Rows [start, stop) as Python dicts, reading only those rows' row groups."""
    if stop <= start:
        return []
    frame = pl.scan_parquet(path)
    if columns is not None:
        present = set(frame.collect_schema().names())
        frame = frame.select([c for c in columns if c in present])
    return frame.slice(start, stop - start).collect().to_dicts()


def prompt_messages(prompt: Any) -> Any:
    """A row's `prompt` as a message list (some datasets store it as a JSON string)."""
    return json.loads(prompt) if isinstance(prompt, str) else prompt
