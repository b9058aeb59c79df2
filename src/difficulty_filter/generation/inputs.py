"""The dataset rows of one shard: only the columns and row groups generation needs (checked by the index)."""

from __future__ import annotations

from dataclasses import dataclass

from .. import dataset

COLUMNS = ("prompt", "data_source")


@dataclass(frozen=True)
class Row:
    index: int  # position in the dataset
    data_source: str
    messages: list[dict]


def read_rows(path: str, start: int, stop: int) -> list[Row]:
    """Rows [start, stop) of a verl Parquet file that the index stage has validated."""
    records = dataset.read_slice(path, start, stop, COLUMNS)
    return [Row(pos, r["data_source"], dataset.prompt_messages(r["prompt"])) for pos, r in enumerate(records, start)]
