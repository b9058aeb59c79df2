"""Is a batch file complete? Its rows [start, stop) (dataset positions, the row index's keys), n responses per
row, and the rows' ids where the file carries them.

Generations and rewards batches share the columns checked here. `check_table` is the full check, done by
whoever reads a batch to use it (a reward job, a shard reusing its resume cache). `footer_problem` is the
cheap one, from the Parquet footer alone (row count and `row_index`/`sample_index` statistics): it spots a
truncated, torn or foreign file without reading any data.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from ..settings import SamplingSettings

#: Columns every generations and rewards batch has; the checks read only these (and `row_id` when present).
KEY_COLUMNS = ("row_index", "sample_index")
ID_COLUMN = "row_id"


class BatchFileError(ValueError):
    """A batch file that must not count as complete; the message names the file."""

    def __init__(self, path: str | os.PathLike, problem: str):
        super().__init__(f"{path}: {problem}")
        self.path, self.problem = str(path), problem


@dataclass(frozen=True)
class Expected:
    """What a complete batch holds: rows [start, stop) of the dataset, n samples each (or one `-1` row
    for a prompt that was not generated), with these dataset ids when known. With `prefix` (adaptive sampling)
    a row may stop early: it holds samples 0..k-1 for some 1 <= k <= n."""

    start: int
    stop: int
    n: int
    row_ids: Sequence[str] | None = None
    prefix: bool = False


def check_table(path: str | os.PathLike, table: pa.Table | pl.DataFrame, expected: Expected) -> None:
    """Raise BatchFileError unless `table` is the complete batch `expected` describes."""
    names = table.columns if isinstance(table, pl.DataFrame) else table.schema.names
    missing = [c for c in KEY_COLUMNS if c not in names]
    if missing:
        raise BatchFileError(path, f"lacks the column(s) {', '.join(missing)}")
    has_ids = ID_COLUMN in names
    keys = [*KEY_COLUMNS, ID_COLUMN] if has_ids else list(KEY_COLUMNS)
    frame = table.select(keys) if isinstance(table, pl.DataFrame) else pl.from_arrow(table.select(keys))
    ids = [pl.col(ID_COLUMN).first(), pl.col(ID_COLUMN).n_unique().alias("ids")]
    if not has_ids:
        ids = [pl.lit(1).alias("ids")]
    per_row = (
        frame.group_by("row_index")
        .agg(
            pl.len().alias("rows"),
            pl.col("sample_index").min().alias("lo"),
            pl.col("sample_index").max().alias("hi"),
            pl.col("sample_index").n_unique().alias("distinct"),
            *ids,
        )
        .sort("row_index")
    )
    want = range(expected.start, expected.stop)
    have = per_row["row_index"].to_list()
    if have != list(want):
        stray = sorted(set(have) - set(want))
        absent = sorted(set(want) - set(have))
        raise BatchFileError(
            path,
            f"holds {len(have)} rows; expected the {len(want)} rows "
            f"{expected.start}..{expected.stop - 1}"
            + (f"; missing rows {_some(absent)}" if absent else "")
            + (f"; rows {_some(stray)} do not belong here" if stray else ""),
        )
    n = expected.n
    count_ok = pl.col("rows") <= n if expected.prefix else pl.col("rows") == n
    complete = (
        count_ok & (pl.col("lo") == 0) & (pl.col("hi") == pl.col("rows") - 1) & (pl.col("distinct") == pl.col("rows"))
    ) | ((pl.col("rows") == 1) & (pl.col("lo") == -1))
    bad = per_row.filter(~complete | (pl.col("ids") != 1))
    if bad.height:
        row = bad.row(0, named=True)
        raise BatchFileError(
            path,
            f"row {row['row_index']} has {row['rows']} response(s) with sample_index "
            f"{row['lo']}..{row['hi']} ({row['ids']} id(s)); expected "
            + (f"0..k-1 for some k <= n={n}" if expected.prefix else f"n={n} (0..{n - 1})")
            + (f" ({bad.height} rows like it)" if bad.height > 1 else ""),
        )
    if expected.row_ids is not None and has_ids:
        ids = per_row[ID_COLUMN].to_list()
        for position, (got, want_id) in enumerate(zip(ids, expected.row_ids, strict=True)):
            if got != str(want_id):
                raise BatchFileError(
                    path, f"row {expected.start + position} has id {got!r}; the dataset's is {str(want_id)!r}"
                )


def read_checked(path: str | os.PathLike, expected: Expected) -> pl.DataFrame:
    """Read a batch file and check it; errors name the file."""
    try:
        frame = pl.read_parquet(path)
    except FileNotFoundError:
        raise
    except Exception as exc:  # polars/arrow raise many types for torn files
        raise BatchFileError(path, f"cannot be read ({exc})") from None
    check_table(path, frame, expected)
    return frame


def footer_problem(path: str | os.PathLike, expected: Expected) -> str | None:
    """What is wrong with the file, judged from its Parquet footer alone; None when it looks complete."""
    try:
        meta = pq.read_metadata(path)
    except FileNotFoundError:
        raise
    except Exception as exc:
        return f"not a readable Parquet file, probably truncated ({exc})"
    names = meta.schema.names
    missing = [c for c in KEY_COLUMNS if c not in names]
    if missing:
        return f"lacks the column(s) {', '.join(missing)}"
    prompts = expected.stop - expected.start
    if not prompts <= meta.num_rows <= prompts * expected.n:
        return f"has {meta.num_rows} rows; {prompts} prompts with n={expected.n} make {prompts}..{prompts * expected.n}"
    if prompts == 0:
        return None
    lo, hi = _column_range(meta, names.index("row_index"))
    if lo is not None and (lo, hi) != (expected.start, expected.stop - 1):
        return f"holds rows {lo}..{hi}; expected {expected.start}..{expected.stop - 1}"
    lo, hi = _column_range(meta, names.index("sample_index"))
    if lo is not None and (lo < -1 or hi > expected.n - 1):
        return f"has sample_index {lo}..{hi}; n={expected.n} allows -1..{expected.n - 1}"
    return None


def _column_range(meta: pq.FileMetaData, column: int) -> tuple[int | None, int | None]:
    """Min and max of a column over all row groups, or (None, None) when a row group has no statistics."""
    lows, highs = [], []
    for g in range(meta.num_row_groups):
        stats = meta.row_group(g).column(column).statistics
        if stats is None or not stats.has_min_max:
            return None, None
        lows.append(stats.min)
        highs.append(stats.max)
    return (min(lows), max(highs)) if lows else (None, None)


def _some(values: list[int], shown: int = 5) -> str:
    text = ", ".join(map(str, values[:shown]))
    return text + (f" and {len(values) - shown} more" if len(values) > shown else "")


def expected_batch(start: int, stop: int, sampling: SamplingSettings) -> Expected:
    """What a batch of rows [start, stop) holds under these sampling settings."""
    return Expected(start, stop, sampling.n, prefix=sampling.adaptive != "off")
