"""Map dataset rows to pass rates, either by row position (workflow) or by the original's JSON keys."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import polars as pl

from ..dataset import DatasetError
from ..index import row_id


def by_position(pass_rates: pl.DataFrame, n_rows: int, column: str = "pass_rate") -> list:
    """Values of `column` for rows 0..n_rows-1 (None where a row has no pass-rate entry)."""
    values: list = [None] * n_rows
    for index, value in pass_rates.select("row_index", column).iter_rows():
        if not 0 <= index < n_rows:
            raise ValueError(f"pass-rate table refers to row {index}, but the dataset has {n_rows} rows")
        values[index] = value
    return values


def load_json_map(path: str | Path) -> dict[str, float]:
    """An `idx_to_passrate.json` (original format); a missing or broken file is an error, not an empty map."""
    try:
        raw = json.loads(Path(path).read_text())
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}: pass-rate JSON not found") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: not valid JSON ({exc})") from None
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: expected an object mapping keys to pass rates")
    return {str(k): (None if v is None else float(v)) for k, v in raw.items()}


def by_json_keys(
    mapping: dict[str, float], data_sources: Sequence[str], extra_infos: Sequence, path: str | Path, key_by: str = "id"
) -> list:
    """Look each row up as "<data_source>_<id>" (the original map's key) or as the bare id (older files).

    Fixes the original's key mismatch, which made run_filter drop nothing and run_add_pr write 0.0 everywhere.
    """
    values = []
    for position, (source, info) in enumerate(zip(data_sources, extra_infos)):
        rid = row_id(info, position, key_by)
        if rid is None:
            raise DatasetError(
                path, position, "extra_info", "no row id (none of index, idx, id is set); use --key-by position"
            )
        for key in (f"{source}_{rid}", rid):
            if key in mapping:
                values.append(mapping[key])
                break
        else:
            values.append(None)
    return values
