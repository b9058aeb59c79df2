"""Read a row index written by the index stage."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from ..settings import RewardSettings


@dataclass(frozen=True)
class RowIndex:
    """The index table (one row per dataset row, in order) and where it came from."""

    path: str
    table: pl.DataFrame

    @property
    def n_rows(self) -> int:
        return self.table.height

    def row_ids(self, positions) -> list[str]:
        """Row ids at `positions` (dataset row numbers)."""
        return self.table["row_id"].gather(list(positions)).to_list()

    def slice(self, start: int, stop: int) -> pl.DataFrame:
        """Index rows [start, stop)."""
        return self.table.slice(start, stop - start)


def read_index(path: str | Path) -> RowIndex:
    """The index the index stage wrote."""
    return RowIndex(str(path), pl.read_parquet(path))


def index_of(dataset_path: str | Path, key_by: str, reward: RewardSettings) -> RowIndex:
    """The index of a dataset built in memory (for commands that run without the workflow)."""
    from .build import build_index

    return RowIndex(str(dataset_path), pl.from_arrow(build_index(dataset_path, key_by, reward)))
