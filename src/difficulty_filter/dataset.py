"""Read verl RL Parquet files: row counts from the footer, row slices, row ids, input validation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Sequence

import polars as pl
import pyarrow.parquet as pq

#: extra_info keys that hold a row's own id, in the original `map`'s lookup order.
ID_KEYS = ("index", "idx", "id")
REQUIRED_COLUMNS = ("prompt", "data_source", "reward_model")


class DatasetError(ValueError):
    """Bad input data; the message names the file, the row and the field."""

    def __init__(self, path: str | Path, row: int | None, field: str, problem: str):
        where = f"{path}" + (f", row {row}" if row is not None else "") + f", field '{field}'"
        super().__init__(f"{where}: {problem}")


def num_rows(path: str | Path) -> int:
    """Row count from the Parquet footer (cheap: no data pages are read)."""
    try:
        return pq.ParquetFile(path).metadata.num_rows
    except FileNotFoundError:
        raise DatasetError(path, None, "<file>", "file not found") from None
    except Exception as exc:  # pyarrow raises several types for a corrupt footer
        raise DatasetError(path, None, "<file>", f"not a readable Parquet file ({exc})") from None


def check_columns(path: str | Path) -> None:
    """Fail early if a required verl column is missing."""
    names = pq.read_schema(path).names
    for column in REQUIRED_COLUMNS:
        if column not in names:
            raise DatasetError(path, None, column, f"required column is missing (columns: {', '.join(names)})")


def read_columns(path: str | Path, columns: Sequence[str]) -> list[dict]:
    """Whole columns (e.g. data_source and extra_info to key every row) as Python dicts."""
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


def row_id(extra_info: Any, position: int, key_by: str = "auto", path: str | Path = "<dataset>") -> str:
    """The row's own id: str(extra_info[index|idx|id]) (first present, non-null), or its position.

    key_by: "id" (a missing id is an error), "position", or "auto" (id when present, else position).
    """
    if key_by == "position":
        return str(position)
    if isinstance(extra_info, dict):
        for key in ID_KEYS:
            value = extra_info.get(key)
            if value is not None:
                return str(value)
    if key_by == "auto":
        return str(position)
    raise DatasetError(path, position, "extra_info",
                       "no row id (none of index, idx, id is set); set filter.key_by: position to key rows by position")


def row_ids(extra_infos: Sequence[Any], positions: Sequence[int], key_by: str = "auto",
            path: str | Path = "<dataset>") -> list[str]:
    return [row_id(info, pos, key_by, path) for info, pos in zip(extra_infos, positions)]


def ground_truth(row: dict, position: int, path: str | Path) -> Any:
    """reward_model.ground_truth of a row; a missing value is an error naming the row."""
    reward_model = row.get("reward_model")
    if not isinstance(reward_model, dict) or "ground_truth" not in reward_model:
        raise DatasetError(path, position, "reward_model.ground_truth", "missing")
    value = reward_model["ground_truth"]
    if value is None:
        raise DatasetError(path, position, "reward_model.ground_truth", "is null")
    return value


def check_prompt(row: dict, position: int, path: str | Path) -> list[dict]:
    """The row's chat messages, validated: a non-empty list of {role, content} strings."""
    messages = row.get("prompt")
    if isinstance(messages, str):
        try:
            messages = json.loads(messages)
        except json.JSONDecodeError:
            raise DatasetError(path, position, "prompt", "a string that is not a JSON message list") from None
    if not isinstance(messages, list) or not messages:
        raise DatasetError(path, position, "prompt", f"expected a non-empty list of messages, got {type(messages).__name__}")
    for i, message in enumerate(messages):
        if not isinstance(message, dict) or not isinstance(message.get("role"), str) \
                or not isinstance(message.get("content"), str):
            raise DatasetError(path, position, f"prompt[{i}]", "expected {role: str, content: str}")
    if row.get("apply_chat_template") is False:
        raise DatasetError(path, position, "apply_chat_template", "is false; only chat prompts are supported")
    return messages


def check_data_source(row: dict, position: int, path: str | Path) -> str:
    value = row.get("data_source")
    if not isinstance(value, str) or not value:
        raise DatasetError(path, position, "data_source", f"expected a non-empty string, got {value!r}")
    return value
