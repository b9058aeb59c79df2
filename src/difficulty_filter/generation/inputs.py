"""The dataset rows of one shard: only the columns and row groups generation needs."""

from __future__ import annotations

from dataclasses import dataclass

from .. import dataset

COLUMNS = ("prompt", "data_source", "extra_info", "apply_chat_template")


@dataclass(frozen=True)
class Row:
    index: int  # position in the dataset
    row_id: str
    data_source: str
    messages: list[dict]


def read_rows(path: str, start: int, stop: int, key_by: str = "id") -> list[Row]:
    """Rows [start, stop) of a verl Parquet file, validated (errors name file, row and field)."""
    records = dataset.read_slice(path, start, stop, COLUMNS)
    positions = range(start, start + len(records))
    ids = dataset.row_ids([r.get("extra_info") for r in records], positions, key_by, path)
    return [Row(pos, rid, dataset.check_data_source(r, pos, path), dataset.check_prompt(r, pos, path))
            for r, pos, rid in zip(records, positions, ids)]
